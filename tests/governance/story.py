"""A credit-scoring lineage built through the catalog API, and the governance calls tests make.

    s3://vendor/bureau_scores (licence given) --clean run--> s3://curated/bureau_clean
        --features run--> s3://features/credit_features --training run--> credit-scoring@<version>

The vendor source is three datasets upstream of the model version. Each pipeline (`suffix`) has
its own source, runs and snapshots, so a second pipeline models replacing the source.
"""

from __future__ import annotations

MV_REF = "modelVersion { model version }"

MUTATIONS = {
    "registerTeam": "RegisterTeamInput", "registerDataset": "RegisterDatasetInput",
    "registerDatasetVersion": "RegisterDatasetVersionInput", "registerJob": "RegisterJobInput",
    "registerRun": "RegisterRunInput", "registerModel": "RegisterModelInput",
    "registerTrainingEvent": "RegisterTrainingEventInput",
}

UNMET = "kind message dataset license privacyClass check status metric min max value have need field pattern node"
GATE = f"allowed stage currentStage riskTier unmet {{ {UNMET} }} checks {{ kind status recordedBy }} approvals {{ approver roles }}"

PROMOTE = f"""mutation($input: PromoteModelVersionInput!) {{ promoteModelVersion(input: $input) {{
  __typename
  ... on Promoted {{ changed modelVersion {{ stage stageHistory {{ stage until }} }} gate {{ {GATE} }} }}
  ... on PromotionRefused {{ code message unmet {{ {UNMET} }} gate {{ {GATE} }} }}
  ... on UserError {{ code message }} ... on InvalidInputError {{ field }} }} }}"""
GATE_STATUS = f"""query($mv: ModelVersionRefInput!, $stage: Stage!) {{
  gateStatus(modelVersion: $mv, stage: $stage) {{ {GATE} }} }}"""
RECORD_CHECK = """mutation($input: RecordCheckInput!) { recordCheck(input: $input) {
  __typename ... on CheckRecorded { changed check { kind status evidenceUri note recordedBy } }
  ... on UserError { code message } ... on InvalidInputError { field } } }"""
APPROVE = """mutation($input: ApproveModelVersionInput!) { approveModelVersion(input: $input) {
  __typename ... on ApprovalRecorded { created approval { approver roles stage } }
  ... on UserError { code message } ... on InvalidInputError { field } } }"""

PASSING_CHECKS = ("BIAS_ASSESSMENT", "SAFETY_REVIEW", "LICENSE_COMPLIANCE", "EVALUATION")


def register(gql, mutation: str, input: dict, headers=None) -> dict:
    body = gql(f"mutation($input: {MUTATIONS[mutation]}!) {{ {mutation}(input: $input) {{ __typename "
               "... on UserError { code message } } }", {"input": input}, headers=headers)
    assert "errors" not in body, body
    result = body["data"][mutation]
    assert not result["__typename"].endswith("Error"), result
    return result


def dv(namespace: str, name: str, version: str) -> dict:
    return {"namespace": namespace, "name": name, "version": version}


def build_base(gql, *, risk_tier: str = "HIGH") -> None:
    """The team, the model, the jobs and the curated/feature datasets every pipeline writes to."""
    register(gql, "registerTeam", {"name": "risk"})
    register(gql, "registerModel", {"name": "credit-scoring", "owner": "risk", "riskTier": risk_tier})
    for namespace, name in (("s3://curated", "bureau_clean"), ("s3://features", "credit_features"),
                            ("s3://curated", "credit_holdout")):
        register(gql, "registerDataset", {"namespace": namespace, "name": name, "owner": "risk", "license": "proprietary",
                                          "privacy": "INTERNAL"})
    register(gql, "registerDatasetVersion", {**dv("s3://curated", "credit_holdout", "1")})
    for job in ("clean_bureau", "build_features"):
        register(gql, "registerJob", {"namespace": "airflow://etl", "name": job, "owner": "risk"})


def build_pipeline(gql, *, suffix: str, source: str, license: str, privacy: str = "CONFIDENTIAL") -> dict:
    """One pipeline from a vendor source (3 datasets upstream) to the feature snapshot; returns that snapshot."""
    register(gql, "registerDataset", {"namespace": "s3://vendor", "name": source, "owner": "risk", "license": license,
                                      "privacy": privacy})
    raw, clean, features = (dv("s3://vendor", source, suffix), dv("s3://curated", "bureau_clean", suffix),
                            dv("s3://features", "credit_features", suffix))
    for snapshot in (raw, clean, features):
        register(gql, "registerDatasetVersion", snapshot)
    for job, used, produced in (("clean_bureau", raw, clean), ("build_features", clean, features)):
        register(gql, "registerRun", {"runId": f"{job}-{suffix}", "jobNamespace": "airflow://etl", "jobName": job,
                                      "state": "COMPLETE", "inputs": {"datasetVersions": [used]},
                                      "outputs": {"datasetVersions": [produced]}})
    return features


def train(gql, *, version: str, features: dict, auc: float, headers=None) -> None:
    """credit-scoring@version trained on `features` (by whoever `headers` name: its author)."""
    register(gql, "registerTrainingEvent", {
        "jobNamespace": "mlflow://training", "jobName": "train_credit_scoring", "jobOwner": "risk",
        "runId": f"train-{version}", "inputs": {"datasetVersions": [features]},
        "modelVersion": {"model": "credit-scoring", "version": version, "license": "proprietary",
                         "metrics": [{"name": "auc", "value": auc,
                                      "datasetVersion": dv("s3://curated", "credit_holdout", "1")}]}},
        headers=headers)


def mv(version: str) -> dict:
    return {"model": "credit-scoring", "version": version}


def promote(gql, version: str, stage: str, headers=None) -> dict:
    body = gql(PROMOTE, {"input": {"modelVersion": mv(version), "stage": stage}}, headers=headers)
    assert "errors" not in body, body
    return body["data"]["promoteModelVersion"]


def gate_status(gql, version: str, stage: str, headers=None) -> dict:
    body = gql(GATE_STATUS, {"mv": mv(version), "stage": stage}, headers=headers)
    assert "errors" not in body, body
    return body["data"]["gateStatus"]


def record_check(gql, version: str, kind: str, status: str = "PASSED", headers=None, **extra) -> dict:
    body = gql(RECORD_CHECK, {"input": {"modelVersion": mv(version), "kind": kind, "status": status,
                                        "evidenceUri": f"https://evidence.example.com/{version}/{kind.lower()}", **extra}},
               headers=headers)
    assert "errors" not in body, body
    return body["data"]["recordCheck"]


def approve(gql, version: str, stage: str, headers) -> dict:
    body = gql(APPROVE, {"input": {"modelVersion": mv(version), "stage": stage}}, headers=headers)
    assert "errors" not in body, body
    return body["data"]["approveModelVersion"]


def kinds(unmet: list[dict]) -> list[str]:
    return sorted(u["kind"] for u in unmet)
