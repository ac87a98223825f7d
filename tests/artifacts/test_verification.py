"""verifyArtifacts against a real S3 API server (moto's, on loopback) and a local folder: a model
directory that matches, one changed byte (DRIFT), a deleted file (MISSING), the whole artifact
gone; both block the gate with that reason until a later verification matches."""

from __future__ import annotations

from tests.artifacts.support import (
    FEATURES, MODEL_FILES, last_verification, manifest_digest, new_bucket, only, put_tree, register_dataset_version,
    registered_model, sha256_hex, verify,
)
from tests.governance.story import PROMOTE, gate_status, kinds, mv

DEPLOY = """mutation($input: RegisterDeploymentInput!) { registerDeployment(input: $input) { __typename
  ... on DeploymentRefused { unmet { kind message node outcome expectedDigest actualDigest } }
  ... on UserError { code message } } }"""
ARTIFACT_UNMET = """query($mv: ModelVersionRefInput!, $stage: Stage!) { gateStatus(modelVersion: $mv, stage: $stage) {
  allowed unmet { kind message node outcome expectedDigest actualDigest } } }"""


def _artifact_unmet(vgql, version: str, stage: str = "STAGING") -> list[dict]:
    body = vgql(ARTIFACT_UNMET, {"mv": mv(version), "stage": stage})
    assert "errors" not in body, body
    return [u for u in body["data"]["gateStatus"]["unmet"] if u["kind"] == "ARTIFACT_DRIFT"]


def _deploy_staging(vgql, version: str, name: str = "credit-scoring-api") -> dict:
    body = vgql(DEPLOY, {"input": {"environment": "STAGING", "name": name,
                                   "serving": mv(version)}})
    assert "errors" not in body, body
    return body["data"]["registerDeployment"]


def test_an_s3_model_directory_matches_drifts_goes_missing_and_blocks_the_gate_until_it_matches_again(vgql, s3):
    bucket = new_bucket(s3)
    put_tree(s3, bucket, "credit-scoring/1", MODEL_FILES)
    recorded = manifest_digest(MODEL_FILES)
    registered_model(vgql, "1", uri=f"s3://{bucket}/credit-scoring/1", digest=recorded)

    matched = verify(vgql, models=["1"])
    found = only(matched)
    assert matched["blocking"] is False
    assert (found["outcome"], found["actualDigest"], found["expectedDigest"]) == ("MATCH", recorded, recorded)
    assert (found["form"], found["fileCount"], found["bytes"]) == (
        "directory", len(MODEL_FILES), sum(len(b) for b in MODEL_FILES.values()))
    assert gate_status(vgql, "1", "STAGING")["allowed"] is True

    # One changed byte in the large file: DRIFT, naming the file; the gate refuses with the digests.
    changed = dict(MODEL_FILES)
    data = bytearray(changed["model.pkl"])
    data[2 * (1 << 20) + 5] ^= 0x01
    changed["model.pkl"] = bytes(data)
    put_tree(s3, bucket, "credit-scoring/1", {"model.pkl": changed["model.pkl"]})
    drifted = verify(vgql, models=["1"])
    found = only(drifted)
    assert drifted["blocking"] is True
    assert found["outcome"] == "DRIFT" and found["actualDigest"] == manifest_digest(changed)
    assert "1 changed: model.pkl" in found["detail"]
    [unmet] = _artifact_unmet(vgql, "1")
    assert (unmet["outcome"], unmet["expectedDigest"], unmet["actualDigest"], unmet["node"]) == (
        "DRIFT", recorded, manifest_digest(changed), "ModelVersion credit-scoring@1")
    promoted = vgql(PROMOTE, {"input": {"modelVersion": mv("1"), "stage": "STAGING"}})["data"]["promoteModelVersion"]
    assert promoted["__typename"] == "PromotionRefused" and kinds(promoted["unmet"]) == ["ARTIFACT_DRIFT"]

    # Restored: a later verification that matches resolves it; the version is promoted and deployed.
    put_tree(s3, bucket, "credit-scoring/1", {"model.pkl": MODEL_FILES["model.pkl"]})
    assert only(verify(vgql, models=["1"]))["outcome"] == "MATCH"
    assert _artifact_unmet(vgql, "1") == []
    promoted = vgql(PROMOTE, {"input": {"modelVersion": mv("1"), "stage": "STAGING"}})["data"]["promoteModelVersion"]
    assert promoted["__typename"] == "Promoted", promoted
    assert _deploy_staging(vgql, "1")["__typename"] == "DeploymentRegistration"

    # A deleted file: MISSING (the last matching verification listed it), and the deployment gate refuses.
    s3.delete_object(Bucket=bucket, Key="credit-scoring/1/conda.yaml")
    found = only(verify(vgql, models=["1"]))
    assert found["outcome"] == "MISSING" and "conda.yaml" in found["detail"]
    remaining = {p: b for p, b in MODEL_FILES.items() if p != "conda.yaml"}
    assert found["actualDigest"] == manifest_digest(remaining)
    [unmet] = _artifact_unmet(vgql, "1")
    assert (unmet["outcome"], unmet["expectedDigest"]) == ("MISSING", recorded)
    refused = _deploy_staging(vgql, "1", "credit-scoring-canary")
    assert refused["__typename"] == "DeploymentRefused"
    assert [u["kind"] for u in refused["unmet"]] == ["ARTIFACT_DRIFT"] and refused["unmet"][0]["outcome"] == "MISSING"

    # The whole artifact gone: MISSING, nothing read.
    for path in remaining:
        s3.delete_object(Bucket=bucket, Key=f"credit-scoring/1/{path}")
    found = only(verify(vgql, models=["1"]))
    assert (found["outcome"], found["actualDigest"], found["form"]) == ("MISSING", None, None)

    history = last_verification(vgql, "1")
    assert history["lastVerification"]["id"] == found["id"]
    assert [v["outcome"] for v in history["verifications"]] == ["MISSING", "MISSING", "MATCH", "DRIFT", "MATCH"]


def test_a_single_file_is_the_sha256_of_its_bytes_and_a_replaced_directory_is_drift(vgql, s3):
    bucket = new_bucket(s3)
    weights = b"\x00\x01weights" * 100_000
    s3.put_object(Bucket=bucket, Key="m/model.safetensors", Body=weights)
    registered_model(vgql, "1", uri=f"s3://{bucket}/m/model.safetensors", digest="sha256:" + sha256_hex(weights))
    found = only(verify(vgql, models=["1"]))
    assert (found["outcome"], found["form"], found["fileCount"], found["bytes"]) == ("MATCH", "file", 1, len(weights))

    s3.put_object(Bucket=bucket, Key="m/model.safetensors", Body=weights + b"!")
    assert only(verify(vgql, models=["1"]))["outcome"] == "DRIFT"
    s3.delete_object(Bucket=bucket, Key="m/model.safetensors")
    assert only(verify(vgql, models=["1"]))["outcome"] == "MISSING"


def test_an_upstream_dataset_versions_drift_blocks_the_model_version_too(vgql, s3, local_store):
    bucket = new_bucket(s3)
    put_tree(s3, bucket, "credit-scoring/1", MODEL_FILES)
    registered_model(vgql, "1", uri=f"s3://{bucket}/credit-scoring/1", digest=manifest_digest(MODEL_FILES))
    snapshot = local_store / f"features-{bucket}"
    (snapshot / "part=0").mkdir(parents=True)
    (snapshot / "part=0" / "data.parquet").write_bytes(b"PAR1 rows PAR1")
    files = {"part=0/data.parquet": b"PAR1 rows PAR1"}
    register_dataset_version(vgql, FEATURES, uri=snapshot.as_uri(), digest=manifest_digest(files))

    both = verify(vgql, models=["1"], datasets=[FEATURES])
    assert [(v["kind"], v["verification"]["outcome"]) for v in both["verifications"]] == [
        ("ModelVersion", "MATCH"), ("DatasetVersion", "MATCH")]
    assert both["verifications"][1]["datasetVersion"] == FEATURES

    (snapshot / "part=0" / "extra.parquet").write_bytes(b"late rows")
    found = only(verify(vgql, datasets=[FEATURES]))
    assert found["outcome"] == "DRIFT" and "1 added: part=0/extra.parquet" in found["detail"]
    [unmet] = _artifact_unmet(vgql, "1")
    assert unmet["node"] == "DatasetVersion s3://features/credit_features@1" and unmet["outcome"] == "DRIFT"
    assert "upstream DatasetVersion s3://features/credit_features@1" in unmet["message"]

    (snapshot / "part=0" / "extra.parquet").unlink()
    assert only(verify(vgql, datasets=[FEATURES]))["outcome"] == "MATCH"
    assert _artifact_unmet(vgql, "1") == []


def test_nothing_recorded_to_compare_with_is_unrecorded_and_blocks_nothing(vgql, s3):
    bucket = new_bucket(s3)
    put_tree(s3, bucket, "m", MODEL_FILES)
    registered_model(vgql, "1", uri=f"s3://{bucket}/m", digest=None)
    found = only(verify(vgql, models=["1"]))
    # The digest read is reported, to be recorded.
    assert (found["outcome"], found["expectedDigest"], found["actualDigest"]) == (
        "UNRECORDED", None, manifest_digest(MODEL_FILES))
    found = only(verify(vgql, datasets=[FEATURES]))  # a dataset version with no location
    assert (found["outcome"], found["uri"]) == ("UNRECORDED", None) and "uri" in found["detail"]
    assert _artifact_unmet(vgql, "1") == []


def test_a_store_the_service_may_not_read_or_cannot_reach_is_unreadable_and_blocks_nothing(vgql, tmp_path):
    outside = tmp_path / "secret.txt"  # not under LINEAGEGRAPH_ARTIFACT_ROOTS
    outside.write_bytes(b"not yours")
    registered_model(vgql, "1", uri=outside.as_uri(), digest="sha256:" + sha256_hex(b"not yours"))
    found = only(verify(vgql, models=["1"]))
    assert (found["outcome"], found["actualDigest"]) == ("UNREADABLE", None)
    assert "LINEAGEGRAPH_ARTIFACT_ROOTS" in found["detail"]
    assert _artifact_unmet(vgql, "1") == []


def test_a_missing_bucket_is_missing(vgql):
    registered_model(vgql, "1", uri="s3://no-such-bucket-here/m", digest="sha256:" + "0" * 64)
    assert only(verify(vgql, models=["1"]))["outcome"] == "MISSING"


def test_the_same_verification_twice_records_two_observations_and_changes_no_verdict(vgql, s3, run_cypher):
    bucket = new_bucket(s3)
    put_tree(s3, bucket, "m", MODEL_FILES)
    registered_model(vgql, "1", uri=f"s3://{bucket}/m", digest=manifest_digest(MODEL_FILES))
    first = only(verify(vgql, models=["1", "1"]))  # named twice in one call: verified once
    second = only(verify(vgql, models=["1"]))
    assert first["id"] != second["id"] and first["outcome"] == second["outcome"] == "MATCH"
    history = last_verification(vgql, "1")
    assert history["lastVerification"]["id"] == second["id"]
    assert [v["id"] for v in history["verifications"]] == [second["id"], first["id"]]
    assert gate_status(vgql, "1", "STAGING")["allowed"] is True


def test_refusals_record_nothing(vgql, s3, principal_headers):
    bucket = new_bucket(s3)
    put_tree(s3, bucket, "m", MODEL_FILES)
    registered_model(vgql, "1", uri=f"s3://{bucket}/m", digest=manifest_digest(MODEL_FILES))
    for roles in (["viewer"], ["contributor"], ["security_lead"]):
        refused = verify(vgql, models=["1"], headers=principal_headers(f"p-{roles[0]}", roles=roles, teams=["risk"]))
        assert refused["__typename"] == "ForbiddenError" and "verify_artifacts" in refused["message"]
    missing = verify(vgql, models=["1", "404"])
    assert (missing["__typename"], missing["key"]) == ("NotFoundError", "credit-scoring@404")
    empty = verify(vgql)
    assert empty["__typename"] == "InvalidInputError"
    too_many = verify(vgql, models=[str(i) for i in range(101)])
    assert too_many["__typename"] == "InvalidInputError"
    assert last_verification(vgql, "1")["verifications"] == []

    steward = principal_headers("dana.steward", roles=["data_steward"], teams=["other-team"])
    found = only(verify(vgql, models=["1"], headers=steward))  # any team's: a verification writes no fact
    assert (found["outcome"], found["verifiedBy"]) == ("MATCH", "dana.steward")


def test_the_compliance_report_shows_each_versions_last_verification_as_of_then(vgql, s3, verifying_client):
    bucket = new_bucket(s3)
    put_tree(s3, bucket, "m", MODEL_FILES)
    registered_model(vgql, "1", uri=f"s3://{bucket}/m", digest=manifest_digest(MODEL_FILES))
    before = only(verify(vgql, models=["1"]))["verifiedAt"]
    s3.delete_object(Bucket=bucket, Key="m/MLmodel")
    only(verify(vgql, models=["1"]))

    def report(**params) -> str:
        response = verifying_client.get("/reports/model-versions/credit-scoring/1",
                                        params={"format": "markdown", **params})
        assert response.status_code == 200, response.text
        return response.text.split("## Artifacts", 1)[1].split("\n## ", 1)[0]

    now = report()
    assert "credit-scoring" in now and "**Missing**" in now and "MLmodel" in now
    assert manifest_digest(MODEL_FILES) in now
    assert "never verified" in now  # the upstream snapshots: no location recorded, never verified
    then = report(asOf=before)
    assert "Match" in then and "Missing" not in then
