"""Hostile input, generated: whatever documents, variables and bodies a client sends, the answer
is a 4xx or a typed GraphQL error — never a 5xx, never INTERNAL_SERVER_ERROR, never a trace of
the internals — and nothing sent by a reader changes the graph.

Hypothesis builds the inputs from the pieces attackers use: deep and wide selections, fragments
that spread each other (or nothing), aliases, variables of every JSON type including impossible
dates and enormous numbers, malformed and nested bodies, and OpenLineage events with fields
replaced by any JSON value.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.catalog.fingerprint import graph_fingerprint

FIELDS = ["registry", "counts", "kind", "count", "datasets", "nodes", "id", "name", "me", "roles", "impact",
          "items", "node", "__typename", "provenance", "search", "deployment", "modelVersion", "nope", "__schema",
          "types", "fields", "type", "ofType"]
ARGUMENTS = ["first", "after", "of", "asOf", "filter", "text", "kinds", "maxDepth", "input", "x"]
FORBIDDEN_WORDS = ("Traceback", "neo4j.exceptions", "File \"/", "site-packages", "Neo.ClientError")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10 ** 30), max_value=10 ** 30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00", "2026-03-08T02:00:00",
                       "x" * 300, "\u0000", "s3://raw", "' OR 1=1 --", "MATCH (n) DETACH DELETE n", "1e400"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(ARGUMENTS + FIELDS),
                                                                         children, max_size=4),
    max_leaves=12,
)


@st.composite
def selections(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(FIELDS))
        alias = f"a{draw(st.integers(0, 99))}: " if draw(st.booleans()) else ""
        args = ""
        if draw(st.integers(0, 3)) == 0:
            arg = draw(st.sampled_from(ARGUMENTS))
            args = f"({arg}: ${arg})" if draw(st.booleans()) else f"({arg}: {json.dumps(draw(st.text(max_size=8)))})"
        inner = f" {{ {draw(selections(depth + 1))} }}" if depth < 6 and draw(st.booleans()) else ""
        parts.append(alias + name + args + inner)
    if draw(st.integers(0, 4)) == 0:
        parts.append(f"...F{draw(st.integers(0, 4))}")
    return " ".join(parts)


@st.composite
def documents(draw):
    operation = draw(st.sampled_from(["query", "mutation", "subscription", ""]))
    variables = draw(st.lists(st.sampled_from(ARGUMENTS), max_size=3, unique=True))
    declared = ", ".join(f"${name}: {draw(st.sampled_from(['String', 'Int', 'DateTime', 'JSON', 'ID!', '[String]']))}"
                         for name in variables)
    head = f"{operation} Op{'(' + declared + ')' if declared and operation else ''}" if operation else ""
    fragments = []
    for index in range(draw(st.integers(0, 4))):
        spread = f" ...F{index - 1} ...F{index - 1}" if index and draw(st.booleans()) else ""
        fragments.append(f"fragment F{index} on {draw(st.sampled_from(['Query', 'Mutation', 'Nope']))} "
                         f"{{ {draw(selections(1))}{spread} }}")
    document = f"{head} {{ {draw(selections())} }} " + " ".join(fragments)
    if draw(st.integers(0, 9)) == 0:  # cut it anywhere: a syntax error
        document = document[:draw(st.integers(0, len(document)))]
    values = {name: draw(json_values) for name in variables}
    return document, values


def _assert_typed(response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    for word in FORBIDDEN_WORDS:
        assert word not in response.text, response.text[:500]
    body = response.json()
    assert isinstance(body, dict), body
    for error in body.get("errors") or []:
        code = error["extensions"]["code"]
        assert code != "INTERNAL_SERVER_ERROR", error


@pytest.fixture
def reader(principal_headers):
    return principal_headers("hostile-reader", roles=["viewer"])


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=documents())
def test_generated_documents_get_typed_answers_and_change_nothing(client, run_cypher, reader, case):
    document, variables = case
    before = graph_fingerprint(run_cypher)
    response = client.post("/graphql", json={"query": document, "variables": variables}, headers=reader)
    _assert_typed(response)
    assert graph_fingerprint(run_cypher) == before


bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 3000).map(lambda n: b'{"query": "{ me { name } }", "variables": {"x": ' + b"[" * n + b"]" * n + b"}}"),
    st.text(max_size=100).map(lambda text: text.encode("utf-16")),
)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies, content_type=st.sampled_from(["application/json", "text/plain", "application/graphql",
                                                  "multipart/form-data", "application/json; charset=latin-1"]),
       encoding=st.sampled_from([None, "gzip", "br"]))
def test_generated_bodies_are_4xx_not_5xx(client, reader, body, content_type, encoding):
    headers = {**reader, "Content-Type": content_type}
    if encoding:
        headers["Content-Encoding"] = encoding
    for path in ("/graphql", "/api/v1/lineage"):
        response = client.post(path, content=body, headers=headers)
        assert response.status_code < 500, (path, response.status_code, response.text[:300])
        for word in FORBIDDEN_WORDS:
            assert word not in response.text


def _event(run_id: str) -> dict:
    return {
        "eventType": "COMPLETE", "eventTime": "2026-03-08T02:00:00Z", "producer": "https://example.com/hostile",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run_id}, "job": {"namespace": "airflow", "name": "hostile"},
        "inputs": [{"namespace": "s3://raw", "name": "in"}], "outputs": [{"namespace": "s3://clean", "name": "out"}],
    }


PLACES = [("eventTime",), ("eventType",), ("run", "runId"), ("job", "name"), ("job", "namespace"), ("inputs",),
          ("outputs",), ("inputs", 0, "name"), ("outputs", 0, "facets"), ("run", "facets"), ("producer",)]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(place=st.none() | st.sampled_from(PLACES), value=json_values,
       time=st.sampled_from(["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z",
                             "2026-03-08T02:00:00Z", "2026-02-30T00:00:00Z"]),
       run=st.uuids())
def test_generated_lineage_events_are_committed_or_refused_with_a_4xx(client, place, value, time, run):
    event = _event(str(run))
    event["eventTime"] = time
    if place is not None:
        target = event
        for key in place[:-1]:
            target = target[key]
        target[place[-1]] = value
    response = client.post("/api/v1/lineage", json=event)
    assert response.status_code in (201, 400, 403, 409, 413, 415, 422), (response.status_code, response.text[:300])
    for word in FORBIDDEN_WORDS:
        assert word not in response.text
