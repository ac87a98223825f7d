"""The `compliance` query over HTTP on the demo registry: the whole dossier as a reviewer's client
reads it, its documents' paths, the typed refusals, and reads by another team's viewer."""

from __future__ import annotations

import pytest

from app.cli import demo
from tests.compliance.demo_model import upstream_of_credit_scoring

ASSET = """id kind label key { name value } owner license privacy digest rowCount stage riskTier quarantined
  jobName codeCommit parameters { name value } artifactDigest endpoint status createdAt createdBy"""
SWITCH = "deployment modelVersion since until by rollbackReason breakGlass { reason by overrode }"

DOSSIER = """query($of: ProvenanceStartInput!, $asOf: DateTime) { compliance(of: $of, asOf: $asOf) {
  subject { %(asset)s } asOf generatedAt existed complete
  modelVersion { %(asset)s } serving { %(switch)s }
  assets { %(asset)s } edges { source type target } rawSources { label license privacy }
  licenses privacyClasses
  modelVersions { modelVersion checks { kind status evidenceUri note recordedBy recordedAt }
    approvals { approver roles stage note approvedAt } stageHistory { stage since until by }
    measurements { metric value datasetVersion } }
  restated { modelVersion what name recordedAt }
  deploymentHistory { %(switch)s }
  incidents { id status reason start openedAt openedBy releasedAt releasedBy affected }
  audit { ok headSeq headHash checked problem }
  documents { provJson cyclonedxJson reportHtml reportMarkdown } } }""" % {"asset": ASSET, "switch": SWITCH}

PRODUCTION = {"deployment": {"environment": "PRODUCTION", "name": "credit-scoring-api"}}


def _dossier(gql, of=PRODUCTION, headers=None, **variables) -> dict:
    body = gql(DOSSIER, {"of": of, **variables}, headers=headers)
    assert "errors" not in body, body["errors"]
    return body["data"]["compliance"]


def _error(gql, of=PRODUCTION, **variables) -> dict:
    body = gql(DOSSIER, {"of": of, **variables})
    assert body["data"] is None or body["data"].get("compliance") is None
    (error,) = body["errors"]
    return error


def test_the_production_dossier_reads_in_words_with_its_documents(demo_registry, gql):
    dossier = _dossier(gql)
    assert dossier["subject"]["label"] == "production/credit-scoring-api"
    assert {k["name"]: k["value"] for k in dossier["subject"]["key"]} == {"environment": "production",
                                                                          "name": "credit-scoring-api"}
    assert dossier["modelVersion"]["label"] == "credit-scoring@2"
    assert (dossier["modelVersion"]["stage"], dossier["modelVersion"]["riskTier"]) == ("PRODUCTION", "HIGH")
    assert dossier["serving"]["modelVersion"] == "credit-scoring@2"
    assert dossier["serving"]["since"].startswith("2026-03-20T09:00:00")
    assert dossier["existed"] and dossier["complete"] and dossier["licenses"] == ["proprietary"]
    assert dossier["privacyClasses"] == ["PII"]
    expected = upstream_of_credit_scoring("2")
    assert {a["label"] for a in dossier["assets"] if a["kind"] == "DatasetVersion"} == expected.dataset_versions
    assert {a["label"] for a in dossier["rawSources"]} == expected.raw_sources
    (described,) = dossier["modelVersions"]
    assert described["modelVersion"] == "credit-scoring@2"
    assert {(c["kind"], c["status"], c["recordedBy"]) for c in described["checks"]} == {
        (kind.upper(), "PASSED", "sam.security") for kind in demo.CREDIT_CHECKS}
    assert sorted({a["approver"] for a in described["approvals"]}) == ["ada.approver", "pat.owner"]
    assert {a["stage"] for a in described["approvals"]} == {"STAGING", "PRODUCTION"}
    assert [s["stage"] for s in described["stageHistory"]] == ["DEVELOPMENT", "STAGING", "PRODUCTION"]
    assert {m["metric"]: m["value"] for m in described["measurements"]} == {"auc": 0.871, "ks": 0.563}
    assert [s["modelVersion"] for s in dossier["deploymentHistory"]] == ["credit-scoring@1", "credit-scoring@2"]
    run = next(a for a in dossier["assets"] if a["kind"] == "Run" and a["jobName"] == "train_credit_scoring")
    assert {p["name"]: p["value"] for p in run["parameters"]} == {"max_depth": "8", "eta": "0.05",
                                                                  "n_estimators": "900"}
    assert dossier["audit"]["ok"] and dossier["audit"]["headSeq"] >= dossier["audit"]["checked"] > 0
    assert dossier["documents"] == {
        "provJson": "/exports/prov/deployments/production/credit-scoring-api",
        "cyclonedxJson": "/exports/cyclonedx/deployments/production/credit-scoring-api",
        "reportHtml": "/reports/deployments/production/credit-scoring-api",
        "reportMarkdown": "/reports/deployments/production/credit-scoring-api?format=markdown"}


def test_as_of_before_the_redeploy_over_graphql_and_in_its_documents(demo_registry, gql):
    dossier = _dossier(gql, asOf="2026-03-15T00:00:00Z")
    assert dossier["asOf"] == "2026-03-15T00:00:00+00:00"
    assert dossier["modelVersion"]["label"] == "credit-scoring@1"
    (described,) = dossier["modelVersions"]
    assert described["modelVersion"] == "credit-scoring@1" and len(described["checks"]) == 5
    assert max(a["approvedAt"] for a in described["approvals"]) < "2026-03-15"
    assert dossier["documents"]["provJson"] == (
        "/exports/prov/deployments/production/credit-scoring-api?asOf=2026-03-15T00%3A00%3A00%2B00%3A00")
    assert dossier["documents"]["reportMarkdown"].endswith("?asOf=2026-03-15T00%3A00%3A00%2B00%3A00&format=markdown")
    version = _dossier(gql, of={"modelVersion": {"model": "credit-scoring", "version": "1"}}, asOf="2026-03-15")
    assert version["documents"]["cyclonedxJson"].startswith("/exports/cyclonedx/model-versions/credit-scoring/1?asOf=")


def test_before_anything_existed_the_subject_stands_alone(demo_registry, gql):
    dossier = _dossier(gql, asOf="2025-12-31T23:59:59Z")
    assert dossier["existed"] is False and dossier["modelVersion"] is None and dossier["serving"] is None
    assert [a["label"] for a in dossier["assets"]] == ["production/credit-scoring-api"]
    assert dossier["modelVersions"] == dossier["deploymentHistory"] == dossier["incidents"] == []


@pytest.mark.parametrize("of, code, field", [
    ({"deployment": {"environment": "PRODUCTION", "name": "no-such-api"}}, "NOT_FOUND", None),
    ({"modelVersion": {"model": "credit-scoring", "version": "404"}}, "NOT_FOUND", None),
    ({"modelVersion": {"model": "credit scoring!", "version": "1"}}, "BAD_USER_INPUT", "of.modelVersion.model"),
], ids=["unknown deployment", "unknown version", "malformed key"])
def test_a_subject_that_is_not_there_is_a_typed_error(demo_registry, gql, of, code, field):
    error = _error(gql, of=of)
    assert error["extensions"]["code"] == code
    assert error["extensions"].get("field") == field


@pytest.mark.parametrize("as_of, field", [("last Tuesday", "asOf"), ("2026-13-01T00:00:00Z", "asOf"),
                                          ("2999-01-01T00:00:00Z", "asOf")],
                         ids=["not a date", "no such month", "the future"])
def test_a_bad_as_of_is_bad_user_input(demo_registry, gql, as_of, field):
    error = _error(gql, asOf=as_of)
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["field"] == field


def test_two_subjects_at_once_are_refused(demo_registry, gql):
    body = gql(DOSSIER, {"of": {**PRODUCTION, "modelVersion": {"model": "credit-scoring", "version": "2"}}})
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # a oneOf input


def test_another_teams_viewer_reads_the_same_dossier(demo_registry, gql, principal_headers):
    # README "Authorization": read is every role's, and only writes are scoped to the owning team.
    viewer = principal_headers("vera.viewer", roles=["viewer"], teams=["ml-platform"])
    as_admin = _dossier(gql, asOf="2026-03-15T00:00:00Z")
    as_viewer = _dossier(gql, headers=viewer, asOf="2026-03-15T00:00:00Z")
    assert as_viewer["subject"]["owner"] == "credit-risk"
    del as_admin["generatedAt"], as_viewer["generatedAt"]
    assert as_viewer == as_admin


def test_a_fine_tuned_version_lists_its_parent_with_what_it_has(demo_registry, gql):
    dossier = _dossier(gql, of={"deployment": {"environment": "PRODUCTION", "name": "support-assistant"}})
    records = {r["modelVersion"]: r for r in dossier["modelVersions"]}
    assert list(records) == ["support-assistant@1.0", "base-llm@7b-v1"]
    assert {c["kind"] for c in records["support-assistant@1.0"]["checks"]} == {k.upper() for k in demo.SUPPORT_CHECKS}
    parent = records["base-llm@7b-v1"]
    assert parent["checks"] == parent["approvals"] == parent["measurements"] == []
    assert [s["stage"] for s in parent["stageHistory"]] == ["DEVELOPMENT"]
