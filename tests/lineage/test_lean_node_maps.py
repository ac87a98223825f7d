"""The lineage statements' lean node maps (datetimes as Cypher's ISO text, cypher/lineage/*.cypher)
hold what the full `properties()` maps held, on random registries (hypothesis).

Each example writes a registry of tests/lineage/test_lineage_properties.py's generator, then gives
its nodes times of every form a stored DateTime takes — 0, 3, 6 or 9 fractional digits, offsets,
zone ids — on every datetime property the statements know, and some
the node's kind does not usually carry. It asks impact, provenance and both lineage subgraphs
from random starts through the services, and compares every node map of every answer with the
node's full properties (`admin.all_nodes`, decoded by the driver as before): every field equal,
datetimes to the microsecond and with the driver's offset, and no Neo4j DateTime left to decode.
Then the same answers through GraphQL: each node's times are the full ones' `isoformat()`.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytz

from hypothesis import HealthCheck, given, note, settings, strategies as st
from neo4j.time import DateTime as Neo4jDateTime

from app.catalog.types import from_labelled
from app.core.kinds import BY_LABEL
from app.core.times import stored_time
from app.lineage import service as lineage
from app.lineage.service import Start
from tests.lineage.test_lineage_properties import plans, write

# The datetime properties of lineage nodes (catalog upserts, OpenLineage's apply_batch, artifact
# verification, serving switches): the ones the lean maps carry as text.
TIMES = ("created_at", "updated_at", "started_at", "ended_at", "state_at", "since", "artifact_verified_at")
# The kinds a lineage question starts from (the other catalog kinds, teams and jobs, are no lineage).
STARTS = ("Dataset", "DatasetVersion", "Feature", "Run", "Model", "ModelVersion", "Deployment")
ZONES = [timezone.utc, timezone.utc, timedelta(hours=2), timedelta(hours=-5, minutes=-30), timedelta(hours=5, minutes=45),
         timedelta(hours=14), "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "UTC"]


def stored(moment: datetime, nanosecond: int, zone) -> Neo4jDateTime:
    """A DateTime parameter at that UTC moment, shown in the zone: an offset or a zone id."""
    utc = Neo4jDateTime(moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
                        nanosecond, tzinfo=pytz.UTC)
    if isinstance(zone, str):
        return utc.as_timezone(pytz.timezone(zone))
    return utc.as_timezone(zone if isinstance(zone, timezone) else timezone(zone))


@st.composite
def stored_times(draw) -> Neo4jDateTime:
    """A stored time in any of the forms Neo4j keeps: 0–9 fractional digits, any offset, a zone id."""
    moment = datetime(2000, 1, 1) + timedelta(seconds=draw(st.integers(0, 30 * 365 * 86400)))
    digits = draw(st.sampled_from([0, 3, 6, 9]))
    nanosecond = draw(st.integers(0, 10 ** digits - 1)) * 10 ** (9 - digits)
    return stored(moment, nanosecond, draw(st.sampled_from(ZONES)))


def restamps(node_ids: list[str]):
    """For some nodes, new values for some of the datetime properties (None: left as it is)."""
    row = st.fixed_dictionaries({name: st.one_of(st.none(), stored_times()) for name in TIMES})
    return st.lists(st.sampled_from(node_ids), unique=True).flatmap(
        lambda ids: st.tuples(*[row.map(lambda times, i=i: {"id": i, **times}) for i in ids]).map(list))


def start_of(kind: str, props: dict, field: str = "of") -> Start:
    spec = BY_LABEL[kind]
    return Start(kind=spec, key={name: props[name] for name in spec.key_fields}, field=field)


async def lean_answers(db, questions: dict) -> list[tuple[str, str, dict]]:
    """(question, kind, node map) of every node of every answer, through the services."""
    found = []
    for kind, props in questions["impact"]:
        answer = await lineage.impact(db, start_of(kind, props), first=500)
        found += [(f"impact of {props['id']}", item["kind"], item["node"]) for item in answer.items]
    for kind, props in questions["provenance"]:
        answer = await lineage.provenance(db, start_of(kind, props))
        found += [(f"provenance of {props['id']}", k, node) for k, node in answer.nodes]
        found += [(f"provenance of {props['id']}: raw source", "Dataset", node) for node in answer.raw_sources]
    for kind, props in questions["subgraph"]:
        for direction in ("UPSTREAM", "DOWNSTREAM"):
            graph = await lineage.subgraph(db, start_of(kind, props), direction=direction, depth=25)
            found += [(f"{direction} of {props['id']}", k, node) for k, node, _ in graph.nodes]
    return found


def assert_same_node(where: str, kind: str, lean: dict, full: dict) -> None:
    left = sorted(key for key, value in lean.items() if isinstance(value, Neo4jDateTime))
    assert not left, f"{where}: {kind} {full['id']} still carries DateTime values: {left}"
    extra = {key: value for key, value in lean.items() if key not in full}
    assert set(extra) <= set(TIMES) and all(value is None for value in extra.values()), f"{where}: {extra}"
    for key, value in full.items():
        if isinstance(value, Neo4jDateTime):
            want, got = value.to_native(), stored_time(lean[key])
            assert (got, got.isoformat(), got.utcoffset()) == (want, want.isoformat(), want.utcoffset()), \
                f"{where}: {kind} {full['id']}.{key}: {lean[key]!r} read as {got!r}, the driver's {want!r}"
        else:
            assert lean[key] == value, f"{where}: {kind} {full['id']}.{key}"
    # What the GraphQL types are built from: the same objects, field by field.
    built, expected = from_labelled(kind, lean), from_labelled(kind, full)
    for f in dataclasses.fields(built):
        if f.init:
            got, want = getattr(built, f.name), getattr(expected, f.name)
            assert (got, repr(type(got))) == (want, repr(type(want))), f"{where}: {kind}.{f.name}"
            if isinstance(want, datetime):
                assert got.isoformat() == want.isoformat(), f"{where}: {kind}.{f.name}"


TIMES_OF = """ ... on Record { id createdAt updatedAt } ... on Run { startedAt endedAt } ... on Deployment { since } """
IMPACT = "query($of: ImpactStartInput!) { impact(of: $of, first: 500) { items { node {" + TIMES_OF + "} } } }"
PROVENANCE = "query($of: ProvenanceStartInput!) { provenance(of: $of) { nodes {" + TIMES_OF + "} } }"


def graphql_start(kind: str, props: dict) -> dict:
    if kind == "DatasetVersion":
        return {"datasetVersion": {"namespace": props["namespace"], "name": props["name"], "version": props["version"]}}
    if kind == "Run":
        return {"runId": props["run_id"]}
    if kind == "Feature":
        return {"feature": {"group": props["group"], "name": props["name"]}}
    if kind == "ModelVersion":
        return {"modelVersion": {"model": props["model_name"], "version": props["version"]}}
    return {"deployment": {"environment": props["environment"].upper(), "name": props["name"]}}


def assert_graphql_times(gql, questions: dict, full: dict[str, tuple[str, dict]]) -> None:
    names = {"createdAt": "created_at", "updatedAt": "updated_at", "startedAt": "started_at",
             "endedAt": "ended_at", "since": "since"}
    nodes = []
    for kind, props in questions["impact"]:
        body = gql(IMPACT, {"of": graphql_start(kind, props)})
        assert "errors" not in body, body
        nodes += [item["node"] for item in body["data"]["impact"]["items"]]
    for kind, props in questions["provenance"]:
        body = gql(PROVENANCE, {"of": graphql_start(kind, props)})
        assert "errors" not in body, body
        nodes += body["data"]["provenance"]["nodes"]
    for node in nodes:
        props = full[node["id"]][1]
        for field, name in names.items():
            if field in node:
                value = props.get(name)
                assert node[field] == (value.to_native().isoformat() if value is not None else None), \
                    f"{full[node['id']][0]} {node['id']}.{field}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_lean_node_maps_hold_what_the_full_maps_held(graph, gql, service_calls, data):
    plan = data.draw(plans(), label="registry")
    graph("admin.wipe_registry")
    service_calls(lambda db: write(db, plan))
    ids = sorted(row["props"]["id"] for row in graph("admin.all_nodes") if row["labels"][0] in STARTS)
    rows = data.draw(restamps(ids), label="times")
    graph("lineage.test_restamp_times", rows=rows)
    full = {row["props"]["id"]: (row["labels"][0], row["props"]) for row in graph("admin.all_nodes")
            if "id" in row["props"]}
    of = {kind: [(k, props) for k, props in full.values() if k == kind] for kind in STARTS}
    impact_starts = of["DatasetVersion"] + of["Run"] + of["Feature"] + of["ModelVersion"]
    questions = {
        "impact": data.draw(st.lists(st.sampled_from(impact_starts), max_size=4), label="impact"),
        "provenance": data.draw(st.lists(st.sampled_from(of["ModelVersion"] + of["Deployment"]), max_size=3)
                                if of["ModelVersion"] else st.just([]), label="provenance"),
        "subgraph": data.draw(st.lists(st.sampled_from(sorted(
            (p for p in full.values() if p[0] in STARTS), key=lambda p: p[1]["id"])),
            max_size=3), label="subgraph"),
    }
    answers = service_calls(lambda db: lean_answers(db, questions))
    note(f"{len(answers)} node maps")
    for where, kind, lean in answers:
        assert kind == full[lean["id"]][0]
        assert_same_node(where, kind, lean, full[lean["id"]][1])
    assert_graphql_times(gql, questions, full)


def test_every_stored_form_reads_as_the_driver_reads_it(graph):
    """Cypher's text of a DateTime, read by app/core/times.py, against the driver's own decoding."""
    values = [stored(datetime(2026, 3, 8, 10), ns, zone) for ns in (0, 500_000_000, 123_456_789, 999)
              for zone in ZONES]
    values += [stored(datetime(2026, 3, 29, 1, 30), 0, "Europe/Berlin"), stored(datetime(1, 1, 1), 1, timezone.utc),
               stored(datetime(9999, 12, 31, 23, 59, 59), 999_999_999, timezone.utc)]
    rows = graph("lineage.test_stored_times", values=values)
    assert len(rows) == len(values)
    for row in rows:
        want, got = row["value"].to_native(), stored_time(row["stored"])
        assert (got, got.isoformat()) == (want, want.isoformat()), f"{row['value']} stored as {row['stored']}"
    # An offset in seconds (Neo4j keeps one written from Java; the driver floors it to minutes, at
    # the same instant, as hydrating a DateTime does).
    assert stored_time("2026-03-08T10:00:00.5-03:00:30").isoformat() == "2026-03-08T09:59:30.500000-03:01"
    assert stored_time("2026-03-08T10:00+01:00:15").isoformat() == "2026-03-08T09:59:45+01:00"
    assert stored_time(None) is None
    now = datetime.now(UTC)
    assert stored_time(now) is now
