"""The audit trail: one hash-chained event per mutation, accepted lineage event and denied attempt,
written in the transaction it describes; auditTrail pages an entity's history; verifyAudit finds
the first event edited or removed behind the API's back."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest

from tests.catalog.fingerprint import audit_fingerprint
from tests.openlineage.story import T0, _event, _run_id, dataset_event

DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64

ERRORS = "__typename ... on UserError { code message }"


def _answer(kind: str) -> str:
    return f"{ERRORS} ... on {kind}Registration {{ node {{ id }} }}"


TRAIL = """query($of: AuditTargetInput!, $first: Int, $after: String) {
  auditTrail(of: $of, first: $first, after: $after) {
    edges { cursor node { seq at actor action targetKind targetKey targetId before after outcome prevHash hash } }
    pageInfo { hasNextPage endCursor } } }"""

VERIFY = "query($from: Int) { verifyAudit(fromSeq: $from) { ok checked firstBrokenSeq reason } }"


def _mutation(field: str, input_type: str, answer: str = ERRORS) -> str:
    return f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ {answer} }} }}"


def _events(run_cypher) -> list[dict]:
    return [row["event"] for row in run_cypher("admin.audit_events")]


def _admin_actor(client) -> str:
    """Whoever the suite's default caller is (the bootstrap admin, or the dev-header default)."""
    try:
        from app.auth.service import BOOTSTRAP_PRINCIPAL

        return BOOTSTRAP_PRINCIPAL if "authorization" in client.headers else "anonymous"
    except ImportError:
        return "anonymous"


def _verify(gql, from_seq: int = 1) -> dict:
    body = gql(VERIFY, {"from": from_seq})
    assert "errors" not in body, body
    return body["data"]["verifyAudit"]


# Every catalog mutation, in an order that satisfies its references: (field, input type, input,
# expected target kind, expected target key). The node id of the answer is the expected target id.
CATALOG_MUTATIONS = [
    ("registerTeam", "RegisterTeamInput", {"name": "risk"}, "Team", "risk"),
    ("registerDataset", "RegisterDatasetInput",
     {"namespace": "s3://raw", "name": "transactions", "owner": "risk", "tags": ["raw"]}, "Dataset", "s3://raw/transactions"),
    ("registerDatasetVersion", "RegisterDatasetVersionInput",
     {"namespace": "s3://raw", "name": "transactions", "version": "v1", "digest": DIGEST_A},
     "DatasetVersion", "s3://raw/transactions/v1"),
    ("registerFeature", "RegisterFeatureInput",
     {"group": "fraud", "name": "amount_7d", "owner": "risk",
      "derivedFromDatasets": [{"namespace": "s3://raw", "name": "transactions"}]}, "Feature", "fraud/amount_7d"),
    ("registerJob", "RegisterJobInput", {"namespace": "airflow", "name": "train", "owner": "risk"}, "Job", "airflow/train"),
    ("registerRun", "RegisterRunInput", {"runId": "run-1", "jobNamespace": "airflow", "jobName": "train"}, "Run", "run-1"),
    ("registerModel", "RegisterModelInput", {"name": "scorer", "owner": "risk"}, "Model", "scorer"),
    ("registerModelVersion", "RegisterModelVersionInput",
     {"model": "scorer", "version": "1", "artifactDigest": DIGEST_B}, "ModelVersion", "scorer/1"),
    ("registerDeployment", "RegisterDeploymentInput",
     # In test: the policy asks nothing of what it serves there (production's gate is tests/governance's).
     {"environment": "TEST", "name": "scoring", "serving": {"model": "scorer", "version": "1"}},
     "Deployment", "test/scoring"),
    ("recordRunLineage", "RecordRunLineageInput",
     {"runId": "run-1", "inputs": {"datasetVersions": [{"namespace": "s3://raw", "name": "transactions", "version": "v1"}]}},
     "Run", "run-1"),
    ("registerModelVersion", "RegisterModelVersionInput", {"model": "scorer", "version": "2"}, "ModelVersion", "scorer/2"),
    ("recordModelVersionParents", "RecordModelVersionParentsInput",
     {"modelVersion": {"model": "scorer", "version": "2"}, "parents": [{"model": "scorer", "version": "1"}]},
     "ModelVersion", "scorer/2"),
    ("registerTrainingEvent", "RegisterTrainingEventInput",
     {"jobNamespace": "airflow", "jobName": "train", "runId": "run-2",
      "modelVersion": {"model": "scorer", "version": "3"}}, "ModelVersion", "scorer/3"),
]

TRAINING_ANSWER = f"{ERRORS} ... on TrainingEventRegistered {{ modelVersion {{ id }} }}"


def _node_id(result: dict) -> str:
    return (result.get("node") or result.get("modelVersion"))["id"]


def test_every_catalog_mutation_appends_exactly_one_event(graph, gql, client):
    actor = _admin_actor(client)
    covered = set()
    for field, input_type, variables, kind, key in CATALOG_MUTATIONS:
        before = _events(graph)
        answer = TRAINING_ANSWER if field == "registerTrainingEvent" else _answer(kind)
        body = gql(_mutation(field, input_type, answer), {"input": variables})
        assert "errors" not in body, body
        result = body["data"][field]
        assert "code" not in result, (field, result)

        new = _events(graph)[len(before):]
        assert len(new) == 1, (field, new)
        event = new[0]
        assert (event["action"], event["target_kind"], event["target_key"]) == (field, kind, key)
        assert event["target_id"] == _node_id(result)
        assert event["actor"] == actor and event["outcome"] == "ok"
        assert event["seq"] == len(before) + 1
        covered.add(field)

    mutation_fields = {f for f in _schema_mutations(gql) if f in {m[0] for m in CATALOG_MUTATIONS}}
    assert covered == mutation_fields
    assert _verify(gql) == {"ok": True, "checked": len(_events(graph)), "firstBrokenSeq": None, "reason": None}


def _schema_mutations(gql) -> list[str]:
    body = gql("{ __schema { mutationType { fields { name } } } }")
    return [f["name"] for f in body["data"]["__schema"]["mutationType"]["fields"]]


def test_an_event_summarises_before_and_after(graph, gql):
    team = _mutation("registerTeam", "RegisterTeamInput")
    gql(team, {"input": {"name": "risk", "description": "first"}})
    gql(team, {"input": {"name": "risk", "description": "second"}})
    gql(team, {"input": {"name": "risk", "description": "second"}})

    created, changed, unchanged = [e for e in _events(graph) if e["action"] == "registerTeam"]
    assert json.loads(created["before"]) == {"created": True, "changed": False}
    assert json.loads(created["after"]) == {"name": "risk", "description": "first"}
    assert json.loads(changed["before"]) == {"created": False, "changed": True, "fields": {"description": "first"}}
    assert json.loads(changed["after"]) == {"name": "risk", "description": "second"}
    assert json.loads(unchanged["before"]) == {"created": False, "changed": False}


def test_a_refused_mutation_appends_nothing(graph, gql):
    gql(_mutation("registerTeam", "RegisterTeamInput"), {"input": {"name": "risk"}})
    gql(_mutation("registerDataset", "RegisterDatasetInput"), {"input": {"namespace": "s3://raw", "name": "t"}})
    gql(_mutation("registerDatasetVersion", "RegisterDatasetVersionInput"),
        {"input": {"namespace": "s3://raw", "name": "t", "version": "v1", "digest": DIGEST_A}})
    before = audit_fingerprint(graph)

    refusals = [
        ("registerTeam", "RegisterTeamInput", {"name": " bad name"}, "BAD_USER_INPUT"),
        ("registerDataset", "RegisterDatasetInput", {"namespace": "s3://raw", "name": "u", "owner": "nobody"}, "NOT_FOUND"),
        ("registerDatasetVersion", "RegisterDatasetVersionInput",
         {"namespace": "s3://raw", "name": "t", "version": "v1", "digest": DIGEST_B}, "CONFLICT"),
    ]
    for field, input_type, variables, code in refusals:
        result = gql(_mutation(field, input_type), {"input": variables})["data"][field]
        assert result["code"] == code, result
    assert audit_fingerprint(graph) == before


def test_a_denied_attempt_appends_one_denied_event(graph, gql, principal_headers):
    viewer = principal_headers("vic", roles=["viewer"])
    before = _events(graph)

    body = gql(_mutation("registerDataset", "RegisterDatasetInput"),
               {"input": {"namespace": "s3://raw", "name": "t"}}, headers=viewer)
    assert body["data"]["registerDataset"]["code"] == "FORBIDDEN", body

    new = _events(graph)[len(before):]
    assert len(new) == 1, new
    event = new[0]
    assert (event["actor"], event["action"], event["outcome"]) == ("vic", "registerDataset", "denied")
    assert (event["target_kind"], event["target_key"]) == ("Operation", "registerDataset")
    assert "register permission" in json.loads(event["after"])["reason"]

    # Reading the audit trail needs read_audit: a viewer's attempt is itself denied and recorded.
    body = gql(VERIFY, {"from": 1}, headers=viewer)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert _events(graph)[-1]["action"] == "verifyAudit" and _events(graph)[-1]["outcome"] == "denied"
    assert _verify(gql)["ok"]


def test_each_accepted_lineage_event_appends_one_event(graph, gql, client):
    run_id = _run_id("audit", 1)
    events = [
        _event("START", T0, run_id, "etl"),
        _event("COMPLETE", T0.replace(minute=5), run_id, "etl",
               outputs=[{"namespace": "s3://clean", "name": "orders"}]),
        dataset_event(T0, "orders, cleaned"),
    ]
    for document in events:
        response = client.post("/api/v1/lineage", json=document)
        assert response.status_code == 201, response.text

    logged = [e for e in _events(graph) if e["action"] == "lineageEvent"]
    assert len(logged) == 3
    start, complete, dataset = logged
    run = gql('query($r: String!) { run(runId: $r) { id } }', {"r": run_id})["data"]["run"]
    assert (start["target_kind"], start["target_key"], start["target_id"]) == ("Run", run_id, run["id"])
    assert json.loads(start["after"]) == {"eventType": "START", "eventTime": T0.isoformat(), "job": "airflow/etl",
                                          "inputs": 0, "outputs": 0}
    assert json.loads(complete["after"])["outputs"] == 1
    assert dataset["target_kind"] == "Dataset" and dataset["target_id"]
    assert _verify(gql)["ok"]


def test_concurrent_appends_keep_the_chain_contiguous(graph, gql, client, live_service):
    mutation = _mutation("registerDataset", "RegisterDatasetInput")
    requests = ([{"namespace": "s3://raw", "name": f"set-{i}"} for i in range(20)]
                + [{"namespace": "s3://raw", "name": "shared"}] * 20)
    headers = {k: v for k, v in client.headers.items() if k.lower() == "authorization"}
    with httpx.Client(base_url=live_service, timeout=60, headers=headers) as http, ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda variables: http.post(
            "/graphql", json={"query": mutation, "variables": {"input": variables}}).json(), requests))
    assert all(a["data"]["registerDataset"]["__typename"] == "DatasetRegistration" for a in answers), answers

    events = _events(graph)
    assert [e["seq"] for e in events] == list(range(1, 41))
    assert sum(json.loads(e["before"])["created"] for e in events if e["target_key"] == "s3://raw/shared") == 1
    assert _verify(gql) == {"ok": True, "checked": 40, "firstBrokenSeq": None, "reason": None}


def _register_history(gql, versions: int = 5) -> str:
    gql(_mutation("registerTeam", "RegisterTeamInput"), {"input": {"name": "risk"}})
    dataset = None
    for i in range(versions):
        body = gql(_mutation("registerDataset", "RegisterDatasetInput", _answer("Dataset")),
                   {"input": {"namespace": "s3://raw", "name": "t", "description": f"v{i}"}})
        dataset = body["data"]["registerDataset"]["node"]["id"]
    return dataset


def test_an_event_edited_in_neo4j_makes_verify_report_its_seq(graph, gql):
    _register_history(gql)
    assert _verify(gql)["ok"]

    graph("admin.tamper_audit_event", seq=4, after='{"description":"v9","name":"t","namespace":"s3://raw"}', actor=None)
    answer = _verify(gql)
    assert (answer["ok"], answer["firstBrokenSeq"], answer["checked"]) == (False, 4, 3)
    assert "hash does not match" in answer["reason"]


def test_an_edited_actor_is_reported_too_and_verification_can_start_later(graph, gql):
    _register_history(gql)
    graph("admin.tamper_audit_event", seq=2, after=None, actor="somebody-else")
    assert _verify(gql)["firstBrokenSeq"] == 2
    # From seq 3 on, the chain holds (seq 2's stored hash is the trusted anchor).
    assert _verify(gql, 3) == {"ok": True, "checked": 4, "firstBrokenSeq": None, "reason": None}


def test_a_deleted_event_is_reported_as_the_gap(graph, gql):
    _register_history(gql)
    graph("admin.delete_audit_event", seq=3)
    answer = _verify(gql)
    assert (answer["ok"], answer["firstBrokenSeq"]) == (False, 3)
    assert "missing" in answer["reason"]


def test_a_truncated_tail_is_reported(graph, gql):
    _register_history(gql)
    graph("admin.delete_audit_event", seq=6)
    assert _verify(gql)["firstBrokenSeq"] == 6


def test_a_removed_head_is_reported_after_the_last_event_that_holds(graph, gql):
    _register_history(gql)
    graph("admin.delete_audit_event", seq=0)  # the head: without it a removed tail would go unnoticed
    answer = _verify(gql)
    assert (answer["ok"], answer["checked"], answer["firstBrokenSeq"]) == (False, 6, 7)
    assert "head" in answer["reason"]


def test_the_documented_hash_rule_recomputes_every_stored_hash(graph, gql):
    """An auditor's independent check, from the README's rule alone."""
    _register_history(gql, versions=3)
    prev = "0" * 64
    for event in _events(graph):
        at = event["at"].to_native().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        fields = {"seq": event["seq"], "at": at, "actor": event["actor"], "action": event["action"],
                  "target_kind": event["target_kind"], "target_key": event["target_key"],
                  "target_id": event.get("target_id"), "outcome": event["outcome"],
                  "before": json.loads(event["before"]) if event.get("before") else None,
                  "after": json.loads(event["after"]) if event.get("after") else None}
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert event["prev_hash"] == prev
        assert event["hash"] == hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()
        prev = event["hash"]


def test_audit_trail_pages_an_entitys_history_newest_first(graph, gql):
    dataset = _register_history(gql)
    seen = []
    after = None
    while True:
        body = gql(TRAIL, {"of": {"id": dataset}, "first": 2, "after": after})
        assert "errors" not in body, body
        page = body["data"]["auditTrail"]
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [e["seq"] for e in seen] == [6, 5, 4, 3, 2]
    assert [e["after"]["description"] for e in seen] == ["v4", "v3", "v2", "v1", "v0"]
    assert seen[-1]["before"] == {"created": True, "changed": False}
    assert all(e["prevHash"] and e["hash"] and e["targetId"] == dataset for e in seen)
    assert datetime.fromisoformat(seen[0]["at"]) >= datetime.fromisoformat(seen[-1]["at"])

    by_key = gql(TRAIL, {"of": {"kind": "Dataset", "key": "s3://raw/t"}, "first": 50})["data"]["auditTrail"]
    assert [edge["node"]["seq"] for edge in by_key["edges"]] == [6, 5, 4, 3, 2]


@pytest.mark.parametrize("of", [{}, {"kind": "Dataset"}, {"id": "x", "kind": "Dataset", "key": "s3://raw/t"}])
def test_audit_trail_needs_an_id_or_a_kind_and_key(graph, gql, of):
    body = gql(TRAIL, {"of": of})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
