"""Every mutation × every role, plus anonymous and a revoked token, against a table of expected outcomes.

The table is written by hand (it is the policy, README "Authorization"); the test fails when
the schema has a mutation the table does not list, or one without a declared permission.
"""

from __future__ import annotations

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLScalarType
from starlette.testclient import TestClient

from app.auth.permissions import Requires
from app.core.access import Role
from app.graphql.schema import schema
from app.http.app import create_app
from tests.catalog.fingerprint import graph_fingerprint

ALL = {role.value for role in Role}
WRITERS = {"contributor", "data_steward", "admin"}
# mutation -> the roles that may call it (everyone else gets FORBIDDEN and nothing is written)
MATRIX: dict[str, set[str]] = {
    "registerTeam": {"admin"},
    "registerDataset": WRITERS,
    "registerDatasetVersion": WRITERS,
    "registerFeature": WRITERS,
    "registerJob": WRITERS,
    "registerRun": WRITERS,
    "registerModel": WRITERS,
    "registerModelVersion": WRITERS,
    "registerTrainingEvent": WRITERS,
    "recordRunLineage": WRITERS,
    "recordModelVersionParents": WRITERS,
    "registerDeployment": {"contributor", "admin"},
    "quarantine": {"data_steward", "security_lead", "admin"},
    "releaseQuarantine": {"data_steward", "security_lead", "admin"},
    "rollbackDeployment": {"data_steward", "security_lead", "admin"},
    "verifyArtifacts": {"data_steward", "admin"},
    "recordCheck": {"contributor", "data_steward", "security_lead", "admin"},
    "approveModelVersion": {"security_lead", "product_owner", "approver", "admin"},
    "promoteModelVersion": {"contributor", "product_owner", "admin"},
    "createApiToken": {"admin"},
    "revokeApiToken": {"admin"},
    "registerWebhookSubscription": {"admin"},
    "deleteWebhookSubscription": {"admin"},
    "recordHealthSignal": {"monitor", "admin"},
}


def _mutations():
    return schema._schema.mutation_type.fields


def test_every_mutation_declares_a_permission_and_is_in_the_table():
    undeclared = [name for name, field in _mutations().items()
                  if not any(isinstance(e, Requires) for e in _strawberry_field(name).extensions)]
    assert undeclared == [], f"mutations without a declared permission: {undeclared}"
    assert set(_mutations()) - set(MATRIX) == set(), "add the new mutations to MATRIX (the authorization policy)"


def _strawberry_field(graphql_name: str):
    return _mutations()[graphql_name].extensions["strawberry-definition"]


def _dummy(type_):
    """A syntactically valid value for an argument type: enough to get past GraphQL validation."""
    if isinstance(type_, GraphQLNonNull):
        return _dummy(type_.of_type)
    if isinstance(type_, GraphQLList):
        return []
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {name: _dummy(field.type) for name, field in type_.fields.items()
                if isinstance(field.type, GraphQLNonNull) and not _has_default(field)}
    assert isinstance(type_, GraphQLScalarType)
    return {"Int": 1, "Float": 1.0, "Boolean": True, "DateTime": "2026-01-01T00:00:00Z"}.get(type_.name, "matrix-x")


def _has_default(field) -> bool:
    from graphql.pyutils import Undefined

    return field.default_value is not Undefined


def _document(name: str) -> tuple[str, dict]:
    field = _mutations()[name]
    declarations = ", ".join(f"${arg}: {arg_def.type}" for arg, arg_def in field.args.items())
    arguments = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    variables = {arg: _dummy(arg_def.type) for arg, arg_def in field.args.items()}
    query = (f"mutation{f'({declarations})' if declarations else ''} {{ {name}{f'({arguments})' if arguments else ''} "
             "{ __typename ... on UserError { code message } } }")
    return query, variables


@pytest.fixture
def tokens(graph, principal_headers):
    """One token per role, each principal in team `matrix`."""
    return {role: principal_headers(f"matrix-{role.replace('_', '-')}", roles=[role], teams=["matrix"]) for role in ALL}


@pytest.mark.parametrize("mutation", sorted(MATRIX))
def test_each_role_gets_what_the_table_says(mutation, tokens, graph, client):
    query, variables = _document(mutation)
    for role in sorted(ALL):
        before = graph_fingerprint(graph)
        response = client.post("/graphql", json={"query": query, "variables": variables}, headers=tokens[role])
        assert response.status_code == 200, response.text
        body = response.json()
        result = (body.get("data") or {}).get(mutation) or {}
        if role in MATRIX[mutation]:
            assert result.get("__typename") != "ForbiddenError", (mutation, role, body)
        else:
            assert result.get("__typename") == "ForbiddenError", (mutation, role, body)
            assert result["code"] == "FORBIDDEN"
            assert graph_fingerprint(graph) == before, f"{mutation} denied to {role} still wrote something"


def test_without_a_token_every_mutation_is_unauthenticated(graph, client):
    for mutation in sorted(MATRIX):
        query, variables = _document(mutation)
        response = client.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": ""})
        assert response.status_code == 401, (mutation, response.text)
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_revoked_token_authenticates_nobody(graph, client, gql, principal_headers):
    headers = principal_headers("leaver", roles=["admin"])
    me = client.post("/graphql", json={"query": "{ me { name roles } }"}, headers=headers).json()
    assert me["data"]["me"] == {"name": "leaver", "roles": ["ADMIN"]}
    token_id = gql('{ apiTokens(principal: "leaver") { id } }')["data"]["apiTokens"][0]["id"]
    revoked = gql("mutation($id: String!) { revokeApiToken(id: $id) { __typename ... on ApiToken { revokedAt } } }",
                  {"id": token_id})["data"]["revokeApiToken"]
    assert revoked["__typename"] == "ApiToken" and revoked["revokedAt"]
    before = graph_fingerprint(graph)
    for mutation in sorted(MATRIX):
        query, variables = _document(mutation)
        response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert response.status_code == 401, (mutation, response.text)
    assert graph_fingerprint(graph) == before


def test_with_anonymous_reads_on_anonymous_may_read_but_every_mutation_is_forbidden(graph, settings):
    open_settings = settings.model_copy(update={"anonymous_reads": True})
    with TestClient(create_app(open_settings), raise_server_exceptions=False) as anonymous:
        me = anonymous.post("/graphql", json={"query": "{ me { name roles } }"}).json()
        assert me["data"]["me"] == {"name": "anonymous", "roles": ["VIEWER"]}
        before = graph_fingerprint(graph)
        for mutation in sorted(MATRIX):
            query, variables = _document(mutation)
            result = anonymous.post("/graphql", json={"query": query, "variables": variables}).json()["data"][mutation]
            assert result["__typename"] == "ForbiddenError", (mutation, result)
        assert graph_fingerprint(graph) == before
