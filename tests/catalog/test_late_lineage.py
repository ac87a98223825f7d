"""Lineage recorded late through GraphQL: a link may say when it happened (`at`), so `asOf`
answers about the past still find it; a time in the future is refused; `changed` is true only
when a link was new or is now dated earlier, whatever order the reports arrive in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.catalog.fingerprint import audit_fingerprint, graph_fingerprint

MARCH = datetime(2026, 3, 1, tzinfo=UTC)

SETUP = [
    ('registerTeam', 'RegisterTeamInput', {"name": "risk"}),
    ('registerDataset', 'RegisterDatasetInput', {"namespace": "s3://raw", "name": "tx", "owner": "risk",
                                                 "license": "CC-BY-NC-4.0"}),
    ('registerDatasetVersion', 'RegisterDatasetVersionInput', {"namespace": "s3://raw", "name": "tx", "version": "1"}),
    ('registerJob', 'RegisterJobInput', {"namespace": "airflow", "name": "train", "owner": "risk"}),
    ('registerRun', 'RegisterRunInput', {"runId": "r1", "jobNamespace": "airflow", "jobName": "train"}),
    ('registerModel', 'RegisterModelInput', {"name": "scorer", "owner": "risk"}),
    ('registerModelVersion', 'RegisterModelVersionInput', {"model": "scorer", "version": "base"}),
    ('registerModelVersion', 'RegisterModelVersionInput', {"model": "scorer", "version": "2"}),
]

RUN_LINEAGE = """mutation($input: RecordRunLineageInput!) { recordRunLineage(input: $input) {
  __typename ... on RunRegistration { changed created } ... on InvalidInputError { field } ... on UserError { code message } } }"""
PARENTS = """mutation($input: RecordModelVersionParentsInput!) { recordModelVersionParents(input: $input) {
  __typename ... on ModelVersionRegistration { changed created } ... on InvalidInputError { field } ... on UserError { code message } } }"""
FEATURE = """mutation($input: RegisterFeatureInput!) { registerFeature(input: $input) {
  __typename ... on FeatureRegistration { changed created } ... on InvalidInputError { field } ... on UserError { code message } } }"""
PROVENANCE = """query($asOf: DateTime) { provenance(of: {modelVersion: {model: "scorer", version: "2"}}, asOf: $asOf) {
  complete licenses rawSources { name } nodes { __typename } } }"""

TRAINING_IO = {"runId": "r1",
               "inputs": {"datasetVersions": [{"namespace": "s3://raw", "name": "tx", "version": "1"}]},
               "outputs": {"modelVersions": [{"model": "scorer", "version": "2"}]}}


@pytest.fixture
def registry(graph, gql):
    for field, input_type, values in SETUP:
        body = gql(f"mutation($i: {input_type}!) {{ {field}(input: $i) {{ __typename }} }}", {"i": values})
        assert not body["data"][field]["__typename"].endswith("Error"), body
    return graph


def _answer(body: dict, field: str) -> dict:
    assert "errors" not in body, body
    return body["data"][field]


def test_a_run_recorded_late_with_its_past_time_is_found_by_as_of(registry, gql):
    # Before the links are recorded, nothing is upstream of scorer@2 on 15 March.
    before = _answer(gql(PROVENANCE, {"asOf": "2026-03-15T00:00:00Z"}), "provenance")
    assert before["rawSources"] == []

    recorded = _answer(gql(RUN_LINEAGE, {"input": {**TRAINING_IO, "at": MARCH.isoformat()}}), "recordRunLineage")
    assert recorded == {"__typename": "RunRegistration", "changed": True, "created": False}

    mid_march = _answer(gql(PROVENANCE, {"asOf": "2026-03-15T00:00:00Z"}), "provenance")
    assert [s["name"] for s in mid_march["rawSources"]] == ["tx"]
    assert mid_march["licenses"] == ["CC-BY-NC-4.0"]
    # Before it happened, still nothing: the link is dated when it happened, not before.
    february = _answer(gql(PROVENANCE, {"asOf": "2026-02-15T00:00:00Z"}), "provenance")
    assert february["rawSources"] == []


def test_a_derivation_and_a_feature_recorded_late_are_dated_when_they_happened(registry, gql):
    parents = _answer(gql(PARENTS, {"input": {"modelVersion": {"model": "scorer", "version": "2"},
                                              "parents": [{"model": "scorer", "version": "base"}],
                                              "at": MARCH.isoformat()}}), "recordModelVersionParents")
    assert parents["changed"] is True
    feature = _answer(gql(FEATURE, {"input": {"group": "g", "name": "f", "at": "2026-03-02T00:00:00",
                                              "derivedFromDatasetVersions": [
                                                  {"namespace": "s3://raw", "name": "tx", "version": "1"}]}}),
                      "registerFeature")
    assert feature["created"] is True
    derived = [row for row in registry("admin.all_edges") if row["type"] == "WAS_DERIVED_FROM"]
    # A time without a zone (the feature's) is read as UTC.
    assert sorted(row["props"]["created_at"].to_native().isoformat() for row in derived) == [
        "2026-03-01T00:00:00+00:00", "2026-03-02T00:00:00+00:00"]


@pytest.mark.parametrize("mutation, field, values", [
    (RUN_LINEAGE, "recordRunLineage", TRAINING_IO),
    (PARENTS, "recordModelVersionParents", {"modelVersion": {"model": "scorer", "version": "2"},
                                            "parents": [{"model": "scorer", "version": "base"}]}),
    (FEATURE, "registerFeature", {"group": "g", "name": "f", "derivedFromDatasetVersions": [
        {"namespace": "s3://raw", "name": "tx", "version": "1"}]}),
])
def test_a_link_dated_in_the_future_is_refused_and_nothing_is_written(registry, gql, mutation, field, values):
    graph_before, audit_before = graph_fingerprint(registry), audit_fingerprint(registry)
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    refused = _answer(gql(mutation, {"input": {**values, "at": future}}), field)
    assert refused["__typename"] == "InvalidInputError"
    assert refused["code"] == "BAD_USER_INPUT" and refused["field"] == "at"
    assert "future" in refused["message"]
    assert graph_fingerprint(registry) == graph_before
    assert audit_fingerprint(registry) == audit_before


def test_a_link_a_little_ahead_of_the_registry_clock_is_recorded_as_now(registry, gql):
    # Clocks drift: a pipeline's clock a minute fast is within the skew, and the link is dated now.
    ahead = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    recorded = _answer(gql(RUN_LINEAGE, {"input": {**TRAINING_IO, "at": ahead}}), "recordRunLineage")
    assert recorded["changed"] is True
    dated = [row["props"]["created_at"] for row in registry("admin.all_edges") if row["type"] == "USED"]
    assert len(dated) == 1 and dated[0].to_native() <= datetime.now(UTC)


def test_changed_only_when_a_link_is_new_or_dated_earlier(registry, gql):
    first = _answer(gql(RUN_LINEAGE, {"input": {**TRAINING_IO, "at": "2026-03-05T00:00:00Z"}}), "recordRunLineage")
    assert first["changed"] is True
    replay = _answer(gql(RUN_LINEAGE, {"input": {**TRAINING_IO, "at": "2026-03-05T00:00:00Z"}}), "recordRunLineage")
    assert replay["changed"] is False
    # A later report of the same links changes nothing: the earliest time stands.
    later = _answer(gql(RUN_LINEAGE, {"input": TRAINING_IO}), "recordRunLineage")
    assert later["changed"] is False
    hash_after_replays = graph_fingerprint(registry)
    # An earlier report dates them back.
    earlier = _answer(gql(RUN_LINEAGE, {"input": {**TRAINING_IO, "at": MARCH.isoformat()}}), "recordRunLineage")
    assert earlier["changed"] is True
    assert graph_fingerprint(registry) != hash_after_replays
    assert {row["props"]["created_at"].to_native().isoformat() for row in registry("admin.all_edges")
            if row["type"] in ("USED", "WAS_GENERATED_BY")} == {"2026-03-01T00:00:00+00:00"}

    parents = {"modelVersion": {"model": "scorer", "version": "2"}, "parents": [{"model": "scorer", "version": "base"}]}
    assert _answer(gql(PARENTS, {"input": parents}), "recordModelVersionParents")["changed"] is True
    assert _answer(gql(PARENTS, {"input": parents}), "recordModelVersionParents")["changed"] is False


def _link_dates(run_cypher) -> dict[str, str]:
    return {row["type"]: row["props"]["created_at"].to_native().isoformat() for row in run_cypher("admin.all_edges")
            if row["type"] in ("USED", "WAS_GENERATED_BY")}


def test_the_order_late_reports_arrive_in_does_not_change_the_links(registry, gql):
    for at in ["2026-03-09T00:00:00Z", "2026-03-02T00:00:00Z", "2026-03-05T00:00:00Z"]:
        gql(RUN_LINEAGE, {"input": {**TRAINING_IO, "at": at}})
    shuffled = _link_dates(registry)
    registry("admin.wipe_registry")
    for field, input_type, values in SETUP:
        gql(f"mutation($i: {input_type}!) {{ {field}(input: $i) {{ __typename }} }}", {"i": values})
    for at in ["2026-03-02T00:00:00Z", "2026-03-05T00:00:00Z", "2026-03-09T00:00:00Z"]:
        gql(RUN_LINEAGE, {"input": {**TRAINING_IO, "at": at}})
    # Node ids and registration times differ between the two registries; the links' dates may not.
    assert _link_dates(registry) == shuffled == {"USED": "2026-03-02T00:00:00+00:00",
                                                 "WAS_GENERATED_BY": "2026-03-02T00:00:00+00:00"}


@pytest.mark.parametrize("mutation, field, values, where", [
    ("registerDatasetVersion", "RegisterDatasetVersionInput",
     {"namespace": "s3://raw", "name": "tx", "version": "2"}, "createdAt"),
    ("registerRun", "RegisterRunInput", {"runId": "r9", "jobNamespace": "airflow", "jobName": "train"}, "startedAt"),
    ("registerRun", "RegisterRunInput", {"runId": "r9", "jobNamespace": "airflow", "jobName": "train"}, "endedAt"),
    ("recordRunLineage", "RecordRunLineageInput", TRAINING_IO, "at"),
])
@pytest.mark.parametrize("when", ["2099-01-01T00:00:00Z", "1969-12-31T00:00:00Z", "0001-01-01T00:00:00Z"])
def test_a_reported_time_in_the_future_or_before_1970_is_refused_at_every_door(registry, gql, mutation, field,
                                                                               values, where, when):
    # A snapshot dated 2099 would be missing from every impact answer until then.
    before = graph_fingerprint(registry)
    body = gql(f"""mutation($i: {field}!) {{ {mutation}(input: $i) {{ __typename
        ... on InvalidInputError {{ field }} ... on UserError {{ code message }} }} }}""", {"i": {**values, where: when}})
    answer = body["data"][mutation]
    assert answer["__typename"] == "InvalidInputError" and answer["field"] == where, answer
    assert graph_fingerprint(registry) == before
