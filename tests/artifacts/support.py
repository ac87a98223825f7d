"""Artifacts and registrations the verification tests build on, and the documents they send."""

from __future__ import annotations

import hashlib
import os
import uuid

from tests.governance.story import build_base, build_pipeline, dv, record_check, train

VERIFICATION = "id outcome expectedDigest actualDigest detail form fileCount bytes uri verifiedBy verifiedAt"
VERIFY = f"""mutation($input: VerifyArtifactsInput!) {{ verifyArtifacts(input: $input) {{ __typename
  ... on UserError {{ code message }} ... on InvalidInputError {{ field }} ... on NotFoundError {{ kind key }}
  ... on ArtifactsVerified {{ blocking counts {{ outcome count }}
      verifications {{ kind label verification {{ {VERIFICATION} }}
                       modelVersion {{ model: modelName version }} datasetVersion {{ namespace name version }} }} }} }} }}"""
LAST = f"""query($model: String!, $version: String!) {{ modelVersion(model: $model, version: $version) {{
  artifactDigest lastVerification {{ {VERIFICATION} }} verifications(first: 50) {{ id outcome }} }} }}"""
REGISTER_MODEL_VERSION = """mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) {
  __typename ... on UserError { code message } } }"""
REGISTER_DATASET_VERSION = """mutation($input: RegisterDatasetVersionInput!) { registerDatasetVersion(input: $input) {
  __typename ... on UserError { code message } } }"""

FEATURES = dv("s3://features", "credit_features", "1")

# An MLflow model directory: small files, one nested, one larger than the 1 MiB read chunk.
MODEL_FILES = {
    "MLmodel": b"artifact_path: model\nflavors:\n  python_function: {loader_module: mlflow.sklearn}\n",
    "conda.yaml": b"dependencies: [python=3.11, scikit-learn]\n",
    "requirements.txt": b"scikit-learn==1.5.0\n",
    "model.pkl": os.urandom(3 * (1 << 20) + 17),
    "metadata/input example.json": b'{"columns": ["income", "age"], "data": [[52000, 41]]}',
}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_digest(files: dict[str, bytes]) -> str:
    """The README's manifest format, written out again here."""
    text = "".join(f"{sha256_hex(files[path])}  {path}\n" for path in sorted(files))
    return "sha256:" + sha256_hex(text.encode())


def new_bucket(s3) -> str:
    bucket = f"models-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    return bucket


def put_tree(s3, bucket: str, prefix: str, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        s3.put_object(Bucket=bucket, Key=f"{prefix}/{path}", Body=data)


def gql_ok(gql, query: str, variables: dict, headers=None) -> dict:
    body = gql(query, variables, headers=headers)
    assert "errors" not in body, body
    return body["data"]


def verify(gql, *, models=(), datasets=(), headers=None) -> dict:
    """verifyArtifacts of credit-scoring versions (`models`) and dataset version refs (`datasets`)."""
    return gql_ok(gql, VERIFY, {"input": {"modelVersions": [{"model": "credit-scoring", "version": m} for m in models],
                                          "datasetVersions": list(datasets)}}, headers=headers)["verifyArtifacts"]


def only(result: dict) -> dict:
    assert result["__typename"] == "ArtifactsVerified", result
    assert len(result["verifications"]) == 1, result
    return result["verifications"][0]["verification"]


def last_verification(gql, version: str) -> dict:
    return gql_ok(gql, LAST, {"model": "credit-scoring", "version": version})["modelVersion"]


def registered_model(gql, version: str, *, uri: str | None, digest: str | None) -> None:
    """credit-scoring@version trained on s3://features/credit_features@1, ready for STAGING (LOW risk,
    evaluation passed), its artifact at `uri` with `digest` recorded."""
    build_base(gql, risk_tier="LOW")
    build_pipeline(gql, suffix="1", source="bureau_scores", license="proprietary")
    train(gql, version=version, features=FEATURES, auc=0.9)
    record_check(gql, version, "EVALUATION")
    fields = {k: value for k, value in (("artifactUri", uri), ("artifactDigest", digest)) if value is not None}
    if fields:
        result = gql_ok(gql, REGISTER_MODEL_VERSION, {"input": {"model": "credit-scoring", "version": version,
                                                                **fields}})["registerModelVersion"]
        assert not result["__typename"].endswith("Error"), result


def register_dataset_version(gql, ref: dict, **fields) -> None:
    result = gql_ok(gql, REGISTER_DATASET_VERSION, {"input": {**ref, **fields}})["registerDatasetVersion"]
    assert not result["__typename"].endswith("Error"), result
