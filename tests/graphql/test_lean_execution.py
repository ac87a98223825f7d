"""The lean field execution (app/graphql/execution.py) answers exactly what graphql-core's own
execution answers: data, errors, their messages, paths and locations. The reference is
Strawberry's standard execution context, run on the same documents and values.

Two parts: a small schema with every kind of field the shortcut takes or refuses, over values
hypothesis generates (nulls where the type forbids them, values a scalar or an enum refuses,
non-lists where a list is declared); and the registry's own schema over the demo, on documents
of every question a user asks."""

from __future__ import annotations

import enum
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

import pytest
import strawberry
from hypothesis import given, settings as hypothesis_settings, strategies as st
from strawberry.permission import BasePermission
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.graphql.execution import LeanExecutionContext
from app.graphql.schema import schema as registry_schema
from tests.conftest import load_demo


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Never(BasePermission):
    message = "not for you"

    def has_permission(self, source, info, **kwargs) -> bool:
        return False


@strawberry.type
class Thing:
    name: str
    note: str | None
    count: int
    colour: Colour | None
    tags: list[str]
    maybe_tags: list[str | None] | None
    at: datetime | None
    secret: str | None = strawberry.field(default=None, permission_classes=[Never])

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return (self.name or "").upper() * times


@strawberry.type
class Cat:
    name: str | None


@strawberry.type
class Dog:
    name: str | None


@strawberry.type
class Puppy(Dog):  # a member that is also an instance of an earlier member
    age: int | None


Pet = Annotated[Cat | Dog | Puppy, strawberry.union("Pet")]


@strawberry.interface
class Named:
    name: str | None


@strawberry.type
class Person(Named):
    pass


@strawberry.type
class Robot(Named):
    serial: int | None


@strawberry.type
class Query:
    things: list[Thing]
    pets: list[Pet]
    named: list[Named]


def _schema(context_class) -> strawberry.Schema:
    return strawberry.Schema(query=Query, types=[Person, Robot], execution_context_class=context_class)


LEAN, STANDARD = _schema(LeanExecutionContext), _schema(StrawberryGraphQLCoreExecutionContext)

DOCUMENT = """query($yes: Boolean!) {
  things {
    __typename name note count colour tags maybeTags at secret
    loud: shout(times: 2)
    alias: name
    skipped: note @skip(if: $yes)
    ... on Thing { count n2: name }
    ...More
  }
  pets { __typename ... on Cat { name } ... on Dog { name } ... on Puppy { age } }
  named { __typename name ... on Robot { serial } }
}
fragment More on Thing { tags colour @include(if: $yes) }"""

# Each field's value: right, null, or of a type the field's scalar or enum refuses.
ANY_VALUE = st.one_of(st.none(), st.text(max_size=3), st.integers(-3, 3), st.booleans(), st.floats(allow_nan=False),
                      st.sampled_from(list(Colour)), st.lists(st.one_of(st.none(), st.text(max_size=2), st.integers(0, 2)),
                                                              max_size=3),
                      st.datetimes(), st.just(object()))


def _thing(values: dict[str, Any]) -> Thing:
    return Thing(**values)


pets = st.lists(st.one_of(st.builds(Cat, name=ANY_VALUE), st.builds(Dog, name=ANY_VALUE),
                          st.builds(Puppy, name=ANY_VALUE, age=ANY_VALUE)), max_size=4)
named = st.lists(st.one_of(st.builds(Person, name=ANY_VALUE), st.builds(Robot, name=ANY_VALUE, serial=ANY_VALUE)),
                 max_size=4)

things = st.lists(st.fixed_dictionaries({
    "name": ANY_VALUE, "note": ANY_VALUE, "count": ANY_VALUE, "colour": ANY_VALUE, "tags": ANY_VALUE,
    "maybe_tags": ANY_VALUE, "at": ANY_VALUE, "secret": ANY_VALUE}).map(_thing), max_size=4)


def _answer(schema: strawberry.Schema, root: Query, yes: bool) -> tuple:
    result = schema.execute_sync(DOCUMENT, root_value=root, variable_values={"yes": yes})
    errors = sorted((e.message, tuple(e.path or ()), tuple((l.line, l.column) for l in e.locations or ()))
                    for e in result.errors or ())
    return result.data, errors


@hypothesis_settings(max_examples=300, deadline=None)
@given(things=things, pets=pets, named=named, yes=st.booleans())
def test_the_lean_execution_answers_what_graphql_core_answers(things, pets, named, yes):
    root = Query(things=things, pets=pets, named=named)
    assert _answer(LEAN, root, yes) == _answer(STANDARD, root, yes)


def test_fields_the_shortcut_must_not_take_still_run_their_checks_and_resolvers():
    root = Query(things=[Thing(name="a", note=None, count=1, colour=Colour.RED, tags=["x"], maybe_tags=None,
                               at=None, secret="s")], pets=[Puppy(name="p", age=1)], named=[])
    data, errors = _answer(LEAN, root, True)
    assert data["things"][0]["loud"] == "AA"          # a resolver with an argument
    assert data["things"][0]["secret"] is None         # a permission class
    assert [message for message, *_ in errors] == ["not for you"]
    assert data["things"][0]["colour"] == "RED" and data["things"][0]["tags"] == ["x"]
    assert data["pets"] == [{"__typename": "Puppy", "age": 1}]  # `... on Dog` is not for Puppy in GraphQL


# --- the registry's schema, on the demo --------------------------------------------------------

REGISTRY_DOCUMENTS = [
    ("""query($of: ImpactStartInput!) { impact(of: $of, first: 500) {
        complete cutReasons startCount totalCount hasNextPage endCursor counts { kind count } owners { name }
        items { kind depth path { nodes { kind name id } edges } node { __typename
          ... on DatasetVersion { id namespace name version createdAt uri }
          ... on Run { runId jobName state startedAt } ... on ModelVersion { modelName version stage }
          ... on Model { name riskTier } ... on Deployment { environment name status since }
          ... on Feature { group name } } } } }""",
     {"of": {"datasetVersion": {"namespace": "s3://raw", "name": "transactions", "version": "2026-03-08"}}}),
    ("""query { provenance(of: {deployment: {environment: PRODUCTION, name: "credit-scoring-api"}}) {
        complete cutReasons licenses privacyClasses rawSources { name namespace license privacy }
        nodes { __typename ... on Record { id createdAt updatedAt } ... on Dataset { name tags } }
        edges { source target type } } }""", {}),
    ("""query { modelVersion(model: "credit-scoring", version: "2") {
        id version stage framework license metrics { metric value datasetVersion { version } }
        model { id name riskTier owner { name } } producedBy { id runId state job { id name } }
        deployments { id environment name status endpoint } stageHistory { __typename } } }""", {}),
    ("""query { datasets(first: 50) { edges { cursor node { id name namespace tags privacy license
        versions { version createdAt } } } pageInfo { hasNextPage endCursor } } }""", {}),
    ("""query { search(text: "credit") { __typename } }""", {}),
    ("""query { modelVersion(model: "credit-scoring", version: "2") { nope } }""", {}),
    ("""query { impact(of: {datasetVersion: {namespace: "x", name: "y", version: "z"}}) { totalCount } }""", {}),
]


@contextmanager
def _standard_execution():
    lean = registry_schema.execution_context_class
    registry_schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
    try:
        yield
    finally:
        registry_schema.execution_context_class = lean


@pytest.fixture(scope="module")
def demo(client, settings, queries, neo4j_driver):
    records, _, _ = neo4j_driver.execute_query(queries["admin.wipe_registry"].text, database_=settings.neo4j_database)
    load_demo(settings, queries)


@pytest.mark.parametrize("document,variables", REGISTRY_DOCUMENTS, ids=lambda v: str(v)[:40])
def test_the_registry_answers_the_same_with_either_execution(demo, gql, document, variables):
    assert registry_schema.execution_context_class is LeanExecutionContext
    lean = gql(document, variables)
    with _standard_execution():
        standard = gql(document, variables)
    assert lean == standard
    assert lean.get("data") or lean.get("errors")
