"""`lineagegraph gate` against the real service over HTTP: the exit statuses CI/CD branches on."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli.main import main
from app.cli.localneo4j import free_port
from tests.governance.story import build_base, build_pipeline, record_check, train


def _gate(url: str, version: str, stage: str, *extra: str):
    return CliRunner().invoke(main, ["gate", "--model", "credit-scoring", "--version", version, "--stage", stage,
                                     "--registry-url", url, *extra])


def test_gate_exits_0_when_allowed_1_listing_what_is_missing_3_when_unreachable(graph, gql, live_service):
    build_base(gql, risk_tier="LOW")
    train(gql, version="1", features=build_pipeline(gql, suffix="1", source="bureau_scores",
                                                    license="CC-BY-NC-4.0"), auc=0.9)
    record_check(gql, "1", "EVALUATION")

    allowed = _gate(live_service, "1", "staging")
    assert allowed.exit_code == 0, allowed.output
    assert "credit-scoring@1 -> STAGING: allowed" in allowed.output

    refused = _gate(live_service, "1", "production")
    assert refused.exit_code == 1, refused.output
    assert "TRANSITION" in refused.output and "LICENSE" in refused.output
    assert "s3://vendor/bureau_scores is licensed CC-BY-NC-4.0" in refused.output

    as_json = _gate(live_service, "1", "production", "--json")
    assert as_json.exit_code == 1 and '"allowed": false' in as_json.output

    missing = _gate(live_service, "404", "staging")
    assert missing.exit_code == 1 and "NOT_FOUND" in missing.output

    unreachable = _gate(f"http://127.0.0.1:{free_port()}", "1", "staging", "--retries", "0", "--timeout", "2")
    assert unreachable.exit_code == 3, unreachable.output

    usage = _gate(live_service, "1", "quarantined")
    assert usage.exit_code == 2
