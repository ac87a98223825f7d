"""A deterministic stream of OpenLineage events: a daily fraud pipeline (a DAG run with three task
runs), a training job that registers a model version, and metadata that changes over the days
(ownership moves to another team, documentation is rewritten, a run fails before it completes)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

PRODUCER = "https://github.com/lineagegraph/tests/story"
RUN_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
DATASET_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent"
MODEL_FACET = "https://lineagegraph.dev/spec/facets/1-0-0/LineagegraphFacets.json#/$defs/ModelVersionDatasetFacet"
PARAMS_FACET = "https://lineagegraph.dev/spec/facets/1-0-0/LineagegraphFacets.json#/$defs/RunParametersRunFacet"
T0 = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)


def _facet(**fields) -> dict:
    return {"_producer": PRODUCER, "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/Facet.json", **fields}


def _dataset(namespace: str, name: str, version: str, *, owner: str | None = None, doc: str | None = None) -> dict:
    facets = {"version": _facet(datasetVersion=version),
              "schema": _facet(fields=[{"name": "id", "type": "string"}, {"name": "amount", "type": "decimal"}])}
    if owner:
        facets["ownership"] = _facet(owners=[{"name": f"team:{owner}", "type": "MAINTAINER"}])
    if doc:
        facets["documentation"] = _facet(description=doc)
    return {"namespace": namespace, "name": name, "facets": facets}


def _run_id(*parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts))))


def _event(event_type: str, at: datetime, run_id: str, job: str, inputs=(), outputs=(), run_facets=None,
           namespace: str = "airflow") -> dict:
    return {"eventType": event_type, "eventTime": at.isoformat(), "producer": PRODUCER, "schemaURL": RUN_EVENT,
            "run": {"runId": run_id, "facets": run_facets or {}},
            "job": {"namespace": namespace, "name": job,
                    "facets": {"documentation": _facet(description=f"{job}, owned by the fraud team")}},
            "inputs": list(inputs), "outputs": list(outputs)}


def daily_pipeline(days: int) -> list[dict]:
    """14 events a day; the stream is in the order a well-behaved producer would send it."""
    events: list[dict] = []
    for day in range(days):
        start = T0 + timedelta(days=day)
        version = start.date().isoformat()
        # Ownership of the raw data moves from `payments` to `risk-data` halfway through.
        owner = "payments" if day < days // 2 else "risk-data"
        raw = _dataset("s3://raw", "transactions", version, owner=owner, doc=f"raw card transactions (as of day {day})")
        staged = _dataset("s3://staging", "transactions", version)
        features = _dataset("s3://features", "fraud_features", version)
        dag_run = _run_id("dag", day)
        parent = {"parent": _facet(run={"runId": dag_run}, job={"namespace": "airflow", "name": "fraud_daily"})}
        events.append(_event("START", start, dag_run, "fraud_daily"))
        for offset, (task, inputs, outputs) in enumerate((
                ("fraud_daily.ingest", [], [raw]),
                ("fraud_daily.stage", [raw], [staged]),
                ("fraud_daily.features", [staged], [features]))):
            run_id = _run_id(task, day)
            at = start + timedelta(minutes=10 * offset)
            events.append(_event("START", at, run_id, task, inputs, outputs, parent))
            # The features task fails on even days and is retried within the same run.
            middle = "FAIL" if task.endswith("features") and day % 2 == 0 else "RUNNING"
            events.append(_event(middle, at + timedelta(minutes=3), run_id, task, inputs, outputs, parent))
            events.append(_event("COMPLETE", at + timedelta(minutes=8), run_id, task, inputs, outputs, parent))
        events.append(_event("COMPLETE", start + timedelta(minutes=40), dag_run, "fraud_daily"))
        train = _run_id("train", day)
        model = {"namespace": "s3://models", "name": f"fraud-detector/{day + 1}", "facets": {"lineagegraph_modelVersion": _facet(
            _schemaURL=MODEL_FACET, modelName="fraud-detector", version=str(day + 1), framework="xgboost",
            artifactDigest=f"sha256:{day:064x}", aliases=["champion"] if day == days - 1 else [],
            metrics=[{"name": "auc", "value": 0.8 + day / 1000,
                      "dataset": {"namespace": "s3://features", "name": "fraud_features", "version": version}}])}}
        params = {"lineagegraph_parameters": _facet(_schemaURL=PARAMS_FACET, parameters={"max_depth": str(4 + day % 3)})}
        events.append(_event("START", start + timedelta(hours=1), train, "fraud.train", [features], [model], params,
                             namespace="ml"))
        events.append(_event("COMPLETE", start + timedelta(hours=2), train, "fraud.train", [features], [model], params,
                             namespace="ml"))
    return events


def dataset_event(at: datetime, description: str) -> dict:
    """A DatasetEvent: static metadata about a dataset, outside any run."""
    return {"eventTime": at.isoformat(), "producer": PRODUCER, "schemaURL": DATASET_EVENT,
            "dataset": _dataset("s3://raw", "transactions", "2026-03-01", doc=description)}
