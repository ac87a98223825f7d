"""`lineagegraph artifacts verify` against the real service over HTTP, which reads a real S3 API
server: the exit statuses (0 all match, 1 drift or missing, 3 the registry or a store unreachable),
the summary, and the --json document."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli.localneo4j import free_port
from app.cli.main import main
from tests.artifacts.conftest import artifact_settings
from tests.artifacts.support import (
    FEATURES, MODEL_FILES, manifest_digest, new_bucket, put_tree, register_dataset_version, registered_model,
)
from tests.conftest import serving


def _verify(url: str, *args: str):
    return CliRunner().invoke(main, ["artifacts", "verify", *args, "--registry-url", url, "--retries", "0"])


@pytest.fixture
def two_versions(vgql, s3):
    """credit-scoring@1 and @2 on S3, both matching, and the feature snapshot (no location)."""
    bucket = new_bucket(s3)
    for version in ("1", "2"):
        put_tree(s3, bucket, f"credit-scoring/{version}", MODEL_FILES)
    registered_model(vgql, "1", uri=f"s3://{bucket}/credit-scoring/1", digest=manifest_digest(MODEL_FILES))
    vgql("""mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) { __typename } }""",
         {"input": {"model": "credit-scoring", "version": "2", "artifactUri": f"s3://{bucket}/credit-scoring/2",
                    "artifactDigest": manifest_digest(MODEL_FILES)}})
    return bucket


def test_exit_0_when_all_match_1_on_drift_with_a_summary_and_json(two_versions, s3, verifying_service):
    matched = _verify(verifying_service, "--model", "credit-scoring")
    assert matched.exit_code == 0, matched.output
    assert "MATCH      credit-scoring@1" in matched.output and "MATCH      credit-scoring@2" in matched.output
    assert "2 artifact(s) verified: 2 MATCH" in matched.output

    s3.put_object(Bucket=two_versions, Key="credit-scoring/2/MLmodel", Body=b"tampered")
    drifted = _verify(verifying_service, "--model", "credit-scoring@2", "--model", "credit-scoring@1", "--json")
    assert drifted.exit_code == 1, drifted.output
    document = json.loads(drifted.stdout)
    assert document["ok"] is False and document["exitCode"] == 1
    assert document["counts"] == {"MATCH": 1, "DRIFT": 1, "MISSING": 0, "UNREADABLE": 0, "UNRECORDED": 0}
    by_version = {v["version"]: v for v in document["verifications"]}
    assert set(by_version) == {"credit-scoring@1", "credit-scoring@2"}
    drift = by_version["credit-scoring@2"]
    assert (drift["kind"], drift["outcome"], drift["expectedDigest"]) == (
        "ModelVersion", "DRIFT", manifest_digest(MODEL_FILES))
    assert "MLmodel" in drift["detail"] and drift["id"] and drift["verifiedAt"]
    assert document["skipped"] == []
    gate = CliRunner().invoke(main, ["gate", "--model", "credit-scoring", "--version", "2", "--stage", "staging",
                                     "--registry-url", verifying_service, "--json"])
    assert gate.exit_code == 1, gate.output
    [unmet] = [u for u in json.loads(gate.stdout)["gate"]["unmet"] if u["kind"] == "ARTIFACT_DRIFT"]
    assert (unmet["outcome"], unmet["expectedDigest"]) == ("DRIFT", manifest_digest(MODEL_FILES))

    # --all: the feature snapshot has no location and is skipped, not sent.
    everything = _verify(verifying_service, "--all", "--json")
    assert everything.exit_code == 1
    document = json.loads(everything.stdout)
    assert "s3://features/credit_features@1" in document["skipped"]
    assert {v["version"] for v in document["verifications"]} == {"credit-scoring@1", "credit-scoring@2"}

    s3.put_object(Bucket=two_versions, Key="credit-scoring/2/MLmodel", Body=MODEL_FILES["MLmodel"])
    assert _verify(verifying_service, "--all").exit_code == 0


def test_a_missing_artifact_exits_1_and_a_dataset_is_named_by_namespace_name_and_version(vgql, s3, local_store,
                                                                                       verifying_service):
    registered_model(vgql, "1", uri=None, digest=None)
    snapshot = local_store / "gone-snapshot"
    register_dataset_version(vgql, FEATURES, uri=snapshot.as_uri(), digest="sha256:" + "a" * 64)
    missing = _verify(verifying_service, "--dataset", "s3://features/credit_features@1")
    assert missing.exit_code == 1, missing.output
    assert "MISSING    s3://features/credit_features@1" in missing.output
    # Every version of a dataset, and a named version with nothing recorded: UNRECORDED exits 0.
    assert _verify(verifying_service, "--dataset", "s3://features/credit_features").exit_code == 1
    unrecorded = _verify(verifying_service, "--model", "credit-scoring@1")
    assert unrecorded.exit_code == 0 and "UNRECORDED credit-scoring@1" in unrecorded.output


def test_exit_3_when_the_registry_or_the_store_is_unreachable_2_on_bad_usage_4_when_forbidden(
        two_versions, verifying_service, verifying_settings, s3_endpoint, local_store, principal_headers):
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    unreachable = _verify(nobody, "--model", "credit-scoring@1", "--timeout", "2")
    assert unreachable.exit_code == 3, unreachable.output

    dead_store = artifact_settings(verifying_settings, s3_endpoint=f"http://127.0.0.1:{free_port()}",
                                   local_store=local_store)
    with serving(dead_store) as url:
        result = _verify(url, "--model", "credit-scoring@1", "--json")
    assert result.exit_code == 3, result.output
    [found] = json.loads(result.stdout)["verifications"]
    assert found["outcome"] == "UNREADABLE" and found["actualDigest"] is None

    assert _verify(verifying_service).exit_code == 2  # nothing named
    assert _verify(verifying_service, "--dataset", "no-slash").exit_code == 2
    viewer = principal_headers("vera.viewer", roles=["viewer"])["Authorization"].removeprefix("Bearer ")
    forbidden = _verify(verifying_service, "--model", "credit-scoring@1", "--token", viewer)
    assert forbidden.exit_code == 4, forbidden.output
