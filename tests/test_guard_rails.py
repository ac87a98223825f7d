"""Hostile or oversized requests get a clear, typed error — never a 500 or a hang."""

from __future__ import annotations

from app import limits


def _codes(body: dict) -> set[str]:
    return {error["extensions"]["code"] for error in body["errors"]}


def test_a_query_30_levels_deep_is_refused(gql):
    # Thirty nested selections through a real object type of the schema.
    inner = "kind"
    for _ in range(29):
        inner = f"counts {{ {inner} }}"
    body = gql(f"{{ registry {{ {inner} }} }}")
    assert body["data"] is None
    assert "GRAPHQL_VALIDATION_FAILED" in _codes(body)
    assert any("exceeds maximum operation depth" in e["message"] for e in body["errors"])


def test_a_query_with_500_aliases_is_refused(gql):
    document = "{ " + " ".join(f"a{i}: __typename" for i in range(500)) + " }"
    body = gql(document)
    assert body["data"] is None
    assert _codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert f"Allowed: {limits.MAX_ALIASES}" in body["errors"][0]["message"]


def test_a_document_with_too_many_tokens_is_refused_before_parsing_it_all(gql):
    document = "{ " + "__typename " * (limits.MAX_TOKENS + 10) + "}"
    body = gql(document)
    assert _codes(body) == {"GRAPHQL_PARSE_FAILED"}
    assert "more than" in body["errors"][0]["message"]


def test_a_5_mb_body_is_refused_with_413(client):
    response = client.post(
        "/graphql",
        content=b'{"query": "{ __typename }", "variables": {"x": "' + b"a" * 5_000_000 + b'"}}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_large_body_without_content_length_is_refused_too(client):
    def chunks():
        yield b'{"query": "{ __typename }", "variables": {"x": "'
        for _ in range(50):
            yield b"a" * 100_000
        yield b'"}}'

    response = client.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_malformed_json_is_a_400_with_a_json_error(client):
    response = client.post("/graphql", content=b'{"query": ', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_syntax_error_names_the_place(gql):
    body = gql("{ registry { ")
    assert _codes(body) == {"GRAPHQL_PARSE_FAILED"}
    assert body["errors"][0]["locations"][0]["line"] == 1


def test_an_unknown_field_is_a_validation_error(gql):
    body = gql("{ registry { nope } }")
    assert _codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "nope" in body["errors"][0]["message"]


def test_mutations_are_not_accepted_over_get(client):
    response = client.get("/graphql", params={"query": "mutation { __typename }"})
    assert response.status_code in (400, 405)
    assert "errors" in response.json()
