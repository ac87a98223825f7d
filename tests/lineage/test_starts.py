"""Impact, provenance, lineage and quarantine at the edges of their starts: nothing downstream,
empty windows, `asOf` before anything happened, SERVES history on explanation paths, windows
whose versions feed each other, and malformed keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.catalog import service
from app.catalog.service import DatasetVersionRef, FeatureRef, ModelVersionInput, ModelVersionRef, RunIO
from app.core.actor import Actor
from tests.lineage.support import UNGATED

T0 = datetime(2025, 3, 3, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def iso(hours: float) -> str:
    return at(hours).isoformat()


def dv(version: str, name: str = "events") -> DatasetVersionRef:
    return DatasetVersionRef("s3://raw", name, version)


def actor(hours: float) -> Actor:
    return Actor(principal="edge-tests", now=at(hours))


async def registry(db) -> None:
    """At t0 dataset s3://raw/events, model m, job airflow/pipeline; then, hour by hour:
    t1 events@1; t2 events@2 (nothing downstream ever); t3 run train USED events@1, generated m:1;
    t4 m:2 fine-tuned from m:1; t5 production/api serves m:1; t6 it switches to m:2; t7 run idle
    (nothing in, nothing out), feature g/unused (derived from nothing), m:solo; t8 run clean USED
    events@1, generated events@3; t9 run late USED events@3. Beside it: feature g/whole derived from
    the whole dataset s3://raw/lookup (t7), used by run score that made m:scored (t7); run fill
    generated lookup@filled at t11."""
    setup = actor(0)
    await service.register_dataset(db, setup, namespace="s3://raw", name="events", license="Apache-2.0",
                                   privacy="PII")
    await service.register_model(db, setup, name="m")
    await service.register_job(db, setup, namespace="airflow", name="pipeline")
    for hours, version in ((1, "1"), (2, "2")):
        await service.register_dataset_version(db, actor(hours), namespace="s3://raw", name="events", version=version,
                                               created_at=at(hours))
    await service.register_model_version(db, actor(3), ModelVersionInput(model_name="m", version="1"))
    await service.register_run(db, actor(3), run_id="train", job_namespace="airflow", job_name="pipeline",
                               io=RunIO(used_dataset_versions=[dv("1")], generated_model_versions=[ModelVersionRef("m", "1")]))
    await service.register_model_version(db, actor(4), ModelVersionInput(
        model_name="m", version="2", derived_from=[ModelVersionRef("m", "1")]))
    await service.register_deployment(db, actor(5), policies=UNGATED, environment="production",
                                      name="api", serving=ModelVersionRef("m", "1"))
    await service.register_deployment(db, actor(6), policies=UNGATED, environment="production",
                                      name="api", serving=ModelVersionRef("m", "2"))
    await service.register_run(db, actor(7), run_id="idle", job_namespace="airflow", job_name="pipeline")
    await service.register_feature(db, actor(7), group="g", name="unused")
    await service.register_model_version(db, actor(7), ModelVersionInput(model_name="m", version="solo"))
    await service.register_dataset_version(db, actor(8), namespace="s3://raw", name="events", version="3",
                                           created_at=at(8))
    await service.register_run(db, actor(8), run_id="clean", job_namespace="airflow", job_name="pipeline",
                               io=RunIO(used_dataset_versions=[dv("1")], generated_dataset_versions=[dv("3")]))
    await service.register_run(db, actor(9), run_id="late", job_namespace="airflow", job_name="pipeline",
                               io=RunIO(used_dataset_versions=[dv("3")]))
    # A feature computed from a whole dataset that a run first fills later (t11): raw until then.
    await service.register_dataset(db, setup, namespace="s3://raw", name="lookup", license="CC-BY-4.0")
    await service.register_feature(db, actor(7), group="g", name="whole",
                                   derived_from_datasets=[service.DatasetRef("s3://raw", "lookup")])
    await service.register_model_version(db, actor(7), ModelVersionInput(model_name="m", version="scored"))
    await service.register_run(db, actor(7), run_id="score", job_namespace="airflow", job_name="pipeline",
                               io=RunIO(used_features=[FeatureRef("g", "whole")],
                                        generated_model_versions=[ModelVersionRef("m", "scored")]))
    await service.register_dataset_version(db, actor(11), namespace="s3://raw", name="lookup", version="filled",
                                           created_at=at(11))
    await service.register_run(db, actor(11), run_id="fill", job_namespace="airflow", job_name="pipeline",
                               io=RunIO(generated_dataset_versions=[dv("filled", "lookup")]))


@pytest.fixture(scope="module")
def small_registry(client, service_calls, neo4j_driver, settings, queries):
    neo4j_driver.execute_query(queries["admin.wipe_registry"].text, database_=settings.neo4j_database)
    service_calls(registry)


IMPACT = """query($of: ImpactStartInput!, $asOf: DateTime, $after: DateTime, $before: DateTime) {
  impact(of: $of, asOf: $asOf, createdAfter: $after, createdBefore: $before, first: 100) {
    complete cutReasons startCount totalCount hasNextPage endCursor counts { kind count } owners { name }
    items { kind depth node { __typename ... on Record { id } } path { nodes { kind name } edges } } } }"""


def impact(gql, of: dict, **variables) -> dict:
    body = gql(IMPACT, {"of": of, **variables})
    assert "errors" not in body, body["errors"]
    return body["data"]["impact"]


EVENTS_2 = {"datasetVersion": {"namespace": "s3://raw", "name": "events", "version": "2"}}
EVENTS_1 = {"datasetVersion": {"namespace": "s3://raw", "name": "events", "version": "1"}}
EVENTS = {"dataset": {"namespace": "s3://raw", "name": "events"}}


@pytest.mark.parametrize("of, variables, starts", [
    (EVENTS_2, {}, 1),
    ({"modelVersion": {"model": "m", "version": "solo"}}, {}, 1),
    ({"modelVersion": {"model": "m", "version": "2"}}, {"asOf": iso(5)}, 1),  # not yet served then
    ({"runId": "idle"}, {}, 1),
    ({"feature": {"group": "g", "name": "unused"}}, {}, 1),
    (EVENTS, {"after": iso(2), "before": iso(3)}, 1),                         # a window holding events@2 only
    (EVENTS, {"after": iso(10), "before": iso(20)}, 0),                       # a window holding no version
    (EVENTS, {"asOf": iso(0.5)}, 0),                                          # before any version existed
    (EVENTS_1, {"asOf": iso(2)}, 1),                                          # before anything used it
], ids=["raw-version", "lone-model-version", "model-version-before-serving", "run-without-outputs",
        "unused-feature", "window-of-a-leaf", "empty-window", "dataset-before-its-versions", "asof-before-links"])
def test_nothing_downstream_is_an_empty_complete_answer(small_registry, gql, of, variables, starts):
    answer = impact(gql, of, **variables)
    assert answer == {"complete": True, "cutReasons": [], "startCount": starts, "totalCount": 0,
                      "hasNextPage": False, "endCursor": None, "counts": [], "owners": [], "items": []}


def test_a_path_goes_through_the_serves_edge_open_at_as_of_and_is_as_long_as_the_depth(small_registry, gql):
    def deployment(answer):
        (item,) = [i for i in answer["items"] if i["kind"] == "Deployment"]
        assert len(item["path"]["edges"]) == len(item["path"]["nodes"]) - 1 == item["depth"]
        return [n["name"] for n in item["path"]["nodes"]], item["path"]["edges"]

    # Now production/api serves m:2 (fine-tuned from m:1): the closed edge to m:1 explains nothing.
    assert deployment(impact(gql, EVENTS_1)) == (
        ["s3://raw/events@1", "pipeline run train", "m:1", "m:2", "production/api"],
        ["USED", "WAS_GENERATED_BY", "WAS_DERIVED_FROM", "SERVES"])
    # Between the two switches it served m:1.
    assert deployment(impact(gql, EVENTS_1, asOf=iso(5.5))) == (
        ["s3://raw/events@1", "pipeline run train", "m:1", "production/api"], ["USED", "WAS_GENERATED_BY", "SERVES"])
    # Before it served anything it is not affected at all.
    assert "Deployment" not in {i["kind"] for i in impact(gql, EVENTS_1, asOf=iso(4.5))["items"]}


def test_a_model_is_one_hop_beyond_its_nearest_affected_version(small_registry, gql):
    answer = impact(gql, {"modelVersion": {"model": "m", "version": "1"}})
    depths = {(i["kind"], i["path"]["nodes"][-1]["name"]): i["depth"] for i in answer["items"]}
    # m:1 is the start (not an item); m is affected through m:2, so one hop beyond it.
    assert depths == {("ModelVersion", "m:2"): 1, ("Model", "m"): 2, ("Deployment", "production/api"): 2}
    (model,) = [i for i in answer["items"] if i["kind"] == "Model"]
    assert [n["name"] for n in model["path"]["nodes"]] == ["m:1", "m:2", "m"]
    assert model["path"]["edges"] == ["WAS_DERIVED_FROM", "VERSION_OF"]


def test_a_window_whose_versions_feed_each_other_measures_from_the_nearest_start(small_registry, gql):
    # events@1 and events@3 are both starts; events@3 came from events@1 through run clean.
    answer = impact(gql, EVENTS, after=iso(1), before=iso(9))
    assert answer["startCount"] == 3
    by_node = {i["path"]["nodes"][-1]["name"]: (i["depth"], i["path"]["nodes"][0]["name"]) for i in answer["items"]}
    assert by_node["pipeline run late"] == (1, "s3://raw/events@3")
    assert by_node["pipeline run clean"] == (1, "s3://raw/events@1")
    assert "s3://raw/events@3" not in by_node  # a start is never an item, even when reached from another


PROVENANCE = """query($of: ProvenanceStartInput!, $asOf: DateTime) { provenance(of: $of, asOf: $asOf) {
  complete nodes { __typename } edges { type } rawSources { name } licenses privacyClasses } }"""

LINEAGE = """query($of: LineageStartInput!, $direction: Direction!, $asOf: DateTime) {
  lineage(of: $of, direction: $direction, depth: 5, asOf: $asOf) { complete cutReasons
    nodes { depth node { __typename } } edges { type } } }"""


def test_provenance_and_lineage_with_nothing_to_show_answer_the_start_alone(small_registry, gql):
    lone = {"modelVersion": {"model": "m", "version": "solo"}}
    assert gql(PROVENANCE, {"of": lone})["data"]["provenance"] == {
        "complete": True, "nodes": [{"__typename": "ModelVersion"}], "edges": [], "rawSources": [], "licenses": [],
        "privacyClasses": []}
    before = gql(PROVENANCE, {"of": {"deployment": {"environment": "PRODUCTION", "name": "api"}}, "asOf": iso(4)})
    assert before["data"]["provenance"]["nodes"] == [{"__typename": "Deployment"}]
    served = gql(PROVENANCE, {"of": {"deployment": {"environment": "PRODUCTION", "name": "api"}}, "asOf": iso(5)})
    assert served["data"]["provenance"]["rawSources"] == [{"name": "events"}]
    scored = {"modelVersion": {"model": "m", "version": "scored"}}
    raw_then = gql(PROVENANCE, {"of": scored, "asOf": iso(10)})["data"]["provenance"]
    assert raw_then["rawSources"] == [{"name": "lookup"}] and raw_then["licenses"] == ["CC-BY-4.0"]
    assert gql(PROVENANCE, {"of": scored})["data"]["provenance"]["rawSources"] == []  # a run has filled it since
    down = gql(LINEAGE, {"of": lone, "direction": "DOWNSTREAM"})["data"]["lineage"]
    assert down == {"complete": True, "cutReasons": [], "nodes": [{"depth": 0, "node": {"__typename": "ModelVersion"}}],
                    "edges": []}
    up = gql(LINEAGE, {"of": lone, "direction": "UPSTREAM"})["data"]["lineage"]  # the subgraph follows VERSION_OF
    assert up["complete"] is True and [n["node"]["__typename"] for n in up["nodes"]] == ["ModelVersion", "Model"]
    before = gql(LINEAGE, {"of": EVENTS_1, "direction": "DOWNSTREAM", "asOf": iso(2)})["data"]["lineage"]
    assert before["complete"] is True and before["nodes"] == [{"depth": 0, "node": {"__typename": "DatasetVersion"}}]


BAD_NAMESPACE = {"namespace": "not a namespace", "name": "events", "version": "1"}


@pytest.mark.parametrize("query, variables, field", [
    (IMPACT, {"of": {"datasetVersion": BAD_NAMESPACE}}, "of.datasetVersion.namespace"),
    (IMPACT, {"of": {"dataset": {"namespace": "s3://raw", "name": " events"}}}, "of.dataset.name"),
    (IMPACT, {"of": {"modelVersion": {"model": "m", "version": "has space"}}}, "of.modelVersion.version"),
    (IMPACT, {"of": {"feature": {"group": "g", "name": "-x"}}}, "of.feature.name"),
    (IMPACT, {"of": {"runId": ""}}, "of.runId"),
    (PROVENANCE, {"of": {"modelVersion": {"model": "bad model!", "version": "1"}}}, "of.modelVersion.model"),
    (PROVENANCE, {"of": {"deployment": {"environment": "PRODUCTION", "name": "a/b"}}}, "of.deployment.name"),
    (LINEAGE, {"of": {"datasetVersion": BAD_NAMESPACE}, "direction": "UPSTREAM"}, "of.datasetVersion.namespace"),
    (LINEAGE, {"of": {"model": "no such model?"}, "direction": "DOWNSTREAM"}, "of.model"),
], ids=["impact-namespace", "impact-dataset-name", "impact-version", "impact-feature", "impact-run-id",
        "provenance-model", "provenance-deployment", "lineage-namespace", "lineage-model"])
def test_a_malformed_key_is_bad_user_input_naming_the_field(small_registry, gql, query, variables, field):
    body = gql(query, variables)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


def test_a_quarantine_with_a_malformed_key_is_refused_naming_the_field(small_registry, gql):
    answer = gql(QUARANTINE, {"input": {"reason": "bad", "datasetVersion": BAD_NAMESPACE}})["data"]["quarantine"]
    assert answer["__typename"] == "InvalidInputError" and answer["field"] == "input.datasetVersion.namespace"
    window = gql(QUARANTINE, {"input": {"reason": "bad", "dataset": {"namespace": "s3://raw", "name": "events\n"},
                                        "window": {"from": iso(0), "to": iso(1)}}})["data"]["quarantine"]
    assert window["__typename"] == "InvalidInputError" and window["field"] == "input.dataset.name"
    # A well-formed key of nothing is still NOT_FOUND.
    missing = gql(QUARANTINE, {"input": {"reason": "bad", "modelVersion": {"model": "m", "version": "9"}}})
    assert missing["data"]["quarantine"]["code"] == "NOT_FOUND"


QUARANTINE = """mutation($input: QuarantineInput!) { quarantine(input: $input) { __typename
  ... on Quarantine { created flaggedCount incident { counts { kind count } rollbacks { deployment { name } }
                      affected(first: 10) { totalCount items { kind } } } }
  ... on UserError { code message } ... on InvalidInputError { field } } }"""

FLAGGED = """{ datasetVersions(first: 500) { nodes { version quarantined } }
               modelVersions(first: 500) { nodes { version quarantined } } }"""


def test_quarantine_of_something_with_nothing_downstream_flags_the_start_alone(graph, service_calls, gql):
    service_calls(registry)
    answer = gql(QUARANTINE, {"input": {"reason": "bad snapshot", "datasetVersion": EVENTS_2["datasetVersion"]}})
    result = answer["data"]["quarantine"]
    assert result == {"__typename": "Quarantine", "created": True, "flaggedCount": 1, "incident": {
        "counts": [], "rollbacks": [], "affected": {"totalCount": 0, "items": []}}}
    lone = gql(QUARANTINE, {"input": {"reason": "bad weights", "modelVersion": {"model": "m", "version": "solo"}}})
    assert lone["data"]["quarantine"]["flaggedCount"] == 1
    flagged = gql(FLAGGED)["data"]
    assert {(n["version"], n["quarantined"]) for n in flagged["datasetVersions"]["nodes"]} == {
        ("1", False), ("2", True), ("3", False), ("filled", False)}
    assert {(n["version"], n["quarantined"]) for n in flagged["modelVersions"]["nodes"]} == {
        ("1", False), ("2", False), ("scored", False), ("solo", True)}
