"""The demo's story through the gate: version 2 of credit-scoring cannot reach production while it
is trained on the non-commercial bureau scores; its loaded stage history is the demo's."""

from __future__ import annotations

from tests.governance.story import gate_status
from tests.test_demo import _load


def test_the_demo_production_candidate_is_refused_for_its_non_commercial_source(graph, gql, settings, queries):
    _load(settings, queries)
    verdict = gate_status(gql, "2", "PRODUCTION")
    assert verdict["currentStage"] == "STAGING" and verdict["riskTier"] == "HIGH" and not verdict["allowed"]
    licenses = [(u["dataset"], u["license"]) for u in verdict["unmet"] if u["kind"] == "LICENSE"]
    assert licenses == [("postgres://bureau:5432/bureau_scores", "CC-BY-NC-4.0")]
    history = gql('{ modelVersion(model: "credit-scoring", version: "1") { stageHistory { stage } } }')
    assert [s["stage"] for s in history["data"]["modelVersion"]["stageHistory"]] == [
        "DEVELOPMENT", "PRODUCTION", "ARCHIVED"]
