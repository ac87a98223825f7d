"""Hostile or oversized requests get a clear, typed error — never a 500 or a hang."""

from __future__ import annotations

import pytest

from app.core import limits
from tests.conftest import ADMIN_TOKEN


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


def _doubling_fragments(levels: int) -> str:
    """Fragments that each spread the previous one twice: tiny as text, 2^levels fields expanded."""
    parts = ["fragment F0 on Query { me { name } }"]
    parts += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return f"query {{ ...F{levels} }}\n" + "\n".join(parts)


def test_a_document_of_doubling_fragments_is_refused_at_once_and_other_requests_go_on(client, gql):
    import threading
    import time

    document = _doubling_fragments(21)
    assert len(document) < 1500
    answers = []
    hostile = threading.Thread(target=lambda: answers.append(gql(document)))
    started = time.monotonic()
    hostile.start()
    assert client.get("/healthz").status_code == 200
    hostile.join(timeout=30)
    elapsed = time.monotonic() - started
    assert not hostile.is_alive()
    [body] = answers
    assert body["data"] is None and _codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert f"more than {limits.MAX_SELECTED_FIELDS} fields" in body["errors"][0]["message"]
    print(f"doubling-fragment document refused in {elapsed * 1000:.0f} ms")


def test_the_depth_limit_sees_through_fragments(gql):
    inner = "kind"
    for _ in range(19):
        inner = f"counts {{ {inner} }}"
    body = gql(f"query {{ ...R }} fragment R on Query {{ registry {{ ...C }} }} fragment C on Registry {{ {inner} }}")
    assert "GRAPHQL_VALIDATION_FAILED" in _codes(body)
    assert any("exceeds maximum operation depth" in e["message"] for e in body["errors"])


@pytest.mark.parametrize("document", ["{ ...Nope }", "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"])
def test_undefined_and_cyclic_fragments_are_validation_errors(gql, document):
    body = gql(document)
    assert body["data"] is None
    assert _codes(body) == {"GRAPHQL_VALIDATION_FAILED"}


@pytest.mark.parametrize("content, content_type", [
    (b"null", "application/json"),
    (b"123", "application/json"),
    (b'"{ __typename }"', "application/json"),
    (b"[1, 2]", "application/json"),
    (b'{"query": 5}', "application/json"),
    (b'{"query": "{ __typename }", "variables": 3}', "application/json"),
    (b'{"query": "\xff\xfe"}', "application/json"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", "application/json"),
    (b"[" * 1000 + b"]" * 1000, "application/json"),
    (b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}", "application/json"),
])
def test_a_malformed_body_is_a_400_with_a_json_error(client, content, content_type):
    response = client.post("/graphql", content=content, headers={"content-type": content_type})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00", "yesterday",
                                   "2026-13-01T00:00:00Z", "+275760-09-13T00:00:00Z"])
@pytest.mark.parametrize("document, variable", [
    ("query($t: DateTime) { impact(of: {runId: \"r\"}, asOf: $t) { complete } }", "t"),
    ("query($t: DateTime) { datasets(filter: {createdAfter: $t}) { nodes { id } } }", "t"),
    ("mutation($t: DateTime) { createApiToken(input: {principal: \"p\", roles: [VIEWER], expiresAt: $t}) "
     "{ __typename } }", "t"),
])
def test_an_impossible_datetime_is_bad_user_input_naming_where(gql, document, variable, value):
    body = gql(document, {"t": value})
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["field"] == variable
    assert "requestId" not in error["extensions"]


def test_a_datetime_without_a_zone_is_read_as_utc(graph, gql):
    registered = gql("""mutation { registerTeam(input: {name: "risk"}) { __typename } }""")
    assert registered["data"]["registerTeam"]["__typename"] == "TeamRegistration"
    zoned = gql("""{ teams(filter: {createdAfter: "2000-01-01T00:00:00Z"}) { nodes { name } } }""")
    zone_less = gql("""{ teams(filter: {createdAfter: "2000-01-01T00:00:00"}) { nodes { name } } }""")
    assert zone_less == zoned and [n["name"] for n in zoned["data"]["teams"]["nodes"]] == ["risk"]
    token = gql("""mutation { createApiToken(input: {principal: "p", roles: [VIEWER], expiresAt: "2099-01-01T00:00:00"})
                  { __typename ... on IssuedApiToken { token { expiresAt } } } }""")
    assert token["data"]["createApiToken"]["token"]["expiresAt"] == "2099-01-01T00:00:00+00:00"


def test_a_connection_that_trickles_its_headers_is_closed(live_service):
    import socket
    import time

    from app.core.config import Settings

    host, port = live_service.removeprefix("http://").split(":")
    limit = Settings().body_read_timeout
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=limit + 20) as connection:
        connection.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
        closed = False
        while time.monotonic() - started < limit + 15:
            try:
                connection.sendall(b"X-Slow: 1\r\n")
            except OSError:
                closed = True
                break
            connection.settimeout(1)
            try:
                if connection.recv(1024) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
    elapsed = time.monotonic() - started
    assert closed, "the service kept a connection whose headers never ended"
    assert elapsed < limit + 15
    print(f"trickling headers: connection closed after {elapsed:.1f} s (limit {limit:g} s)")


def test_a_body_that_stalls_is_a_408(live_service):
    import socket

    from app.core.config import Settings

    host, port = live_service.removeprefix("http://").split(":")
    limit = Settings().body_read_timeout
    with socket.create_connection((host, int(port)), timeout=limit + 20) as connection:
        connection.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Authorization: Bearer " + ADMIN_TOKEN.encode() + b"\r\nContent-Length: 100\r\n\r\n{\"qu")
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"REQUEST_TIMEOUT" in answer
