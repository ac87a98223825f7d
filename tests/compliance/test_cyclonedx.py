"""The dossier as a CycloneDX 1.6 ML-BOM, from hand-built dossiers: strictly valid, exactly the upstream
dataset versions with their licences, the model card, the lineage as dependencies, the same BOM for the same dossier."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from app.compliance.cyclonedx import InvalidBom, bom, bom_json
from tests.compliance.support import (Registry, at, bare_model_version, credit_scoring, not_yet_registered,
                                      serving_nothing, with_fields)

ID = "https://lineagegraph.dev/id/"
DOSSIERS = {
    "production deployment": credit_scoring,
    "break glass, open incident, failed check": lambda: credit_scoring(break_glass=True, open_incident=True,
                                                                        failed_check=True),
    "non-commercial source, fine-tuned": lambda: credit_scoring(non_commercial=True, fine_tuned=True),
    "budget cut": lambda: credit_scoring(complete=False),
    "hostile note": lambda: credit_scoring(note='<img src=x onerror=alert(1)> "}]', break_glass=True),
    "serving nothing": serving_nothing,
    "empty upstream": bare_model_version,
    "not registered yet": not_yet_registered,
    "rollback, restated": lambda: credit_scoring(rollback=True, restated=True),
}


def document(dossier) -> dict:
    return json.loads(bom_json(dossier))


def components(doc: dict, type: str) -> list[dict]:
    return [c for c in doc.get("components", []) if c["type"] == type]


def licenses(component: dict) -> list[str]:
    return [entry["license"].get("id") or entry["license"]["name"] for entry in component.get("licenses", [])]


def expected_dataset_versions(dossier) -> dict[str, list[str]]:
    """The independent answer: each DatasetVersion asset, with its dataset's licence."""
    by_id = {a.id: a for a in dossier.assets}
    dataset = {e.source: by_id[e.target] for e in dossier.edges if e.type == "VERSION_OF"}
    return {a.label: [dataset[a.id].fields["license"]] if dataset[a.id].fields.get("license") else []
            for a in dossier.assets if a.kind == "DatasetVersion"}


@pytest.mark.parametrize("make", DOSSIERS.values(), ids=DOSSIERS.keys())
def test_every_bom_passes_strict_1_6_validation(make):
    text = bom_json(make())
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert json.loads(text)["specVersion"] == "1.6"


@pytest.mark.parametrize("make", DOSSIERS.values(), ids=DOSSIERS.keys())
def test_the_data_components_are_exactly_the_upstream_dataset_versions_with_their_licences(make):
    dossier = make()
    listed = {f"{c['group']}/{c['name']}@{c['version']}": licenses(c) for c in components(document(dossier), "data")}
    assert listed == expected_dataset_versions(dossier)


def test_spdx_licences_are_ids_and_the_others_named():
    doc = document(credit_scoring(non_commercial=True, fine_tuned=True))
    by_name = {c["name"]: c["licenses"][0]["license"] for c in doc["components"]}
    assert by_name["bureau_scores"] == {"id": "CC-BY-NC-4.0"}
    assert by_name["transactions"] == {"name": "proprietary"}
    assert by_name["base-llm"] == {"id": "Apache-2.0"}


def test_a_data_component_carries_its_privacy_class_owner_and_digest():
    dossier = credit_scoring()
    raw = next(a for a in dossier.assets if a.label == "s3://raw/transactions@2026-03-08")
    component = next(c for c in document(dossier)["components"] if c["bom-ref"] == ID + "dataset-version/"
                     "s3%3A%2F%2Fraw/transactions/2026-03-08")
    assert component["hashes"] == [{"alg": "SHA-256", "content": raw.fields["digest"].removeprefix("sha256:")}]
    assert component["data"] == [{"type": "dataset", "name": "s3://raw/transactions@2026-03-08", "classification": "PII",
                                  "governance": {"owners": [{"organization": {"name": "data-eng"}}]}}]
    assert {"name": "lineagegraph:privacy-class", "value": "PII"} in component["properties"]


def test_the_model_is_a_machine_learning_model_with_its_model_card():
    doc = document(credit_scoring(failed_check=True))
    [model] = components(doc, "machine-learning-model")
    assert (model["name"], model["version"], model["bom-ref"]) == ("credit-scoring", "2", ID + "model-version/credit-scoring/2")
    card = model["modelCard"]
    assert card["quantitativeAnalysis"]["performanceMetrics"] == [
        {"type": "auc", "value": "0.871", "slice": "s3://curated/credit_holdout@2026-03-01"},
        {"type": "ks", "value": "0.563", "slice": "s3://curated/credit_holdout@2026-03-01"}]
    # trained on: the dataset versions its run read, directly and through its feature; evaluated on: the holdout
    assert card["modelParameters"]["datasets"] == [
        {"ref": ID + "dataset-version/s3%3A%2F%2Fcurated/customers_clean/2026-03-01"},
        {"ref": ID + "dataset-version/s3%3A%2F%2Fcurated/transactions_clean/2026-03-08"},
        {"type": "dataset", "name": "s3://curated/credit_holdout@2026-03-01",
         "description": "Evaluation data: the performance metrics were measured on it."}]
    considerations = {c["name"]: c["mitigationStrategy"] for c in card["considerations"]["ethicalConsiderations"]}
    assert set(considerations) == {"evaluation: PASSED", "bias_assessment: PASSED", "privacy_review: PASSED",
                                   "safety_review: FAILED"}
    assert considerations["safety_review: FAILED"].startswith("Recorded by sam.security on 2026-03-13T10:00:00+00:00.")
    assert {"name": "lineagegraph:feature", "value": "credit/txn_amount_30d"} in card["properties"]
    assert {"name": "lineagegraph:compliance-flag", "value": "fair-lending-reviewed"} in model["properties"]


def test_a_fine_tuning_parent_is_a_component_the_model_depends_on_and_its_data_stays_its_own():
    g = Registry()
    dialogues = g.dataset_version(g.dataset("hf://datasets", "support-dialogues", license="CC-BY-SA-4.0",
                                            privacy="INTERNAL"), "2026-02-20")
    corpus = g.dataset_version(g.dataset("s3://raw", "pretraining-corpus", license="Apache-2.0"), "2026-01-01")
    base = g.model_version("base-llm", "7b-v1", license="Apache-2.0")
    g.run("pretrain", ("mlflow://training", "pretrain"), used=[corpus], generated=[base], started=at("01-02"),
          ended=at("01-03"))
    tuned = g.model_version("support-assistant", "1.0", parents=[base], license=None)
    g.run("finetune", ("mlflow://training", "finetune"), used=[dialogues, base], generated=[tuned],
          started=at("02-27"), ended=at("02-28"))
    doc = document(g.dossier(tuned, as_of=at("03-01"), model_version=tuned))

    assert doc["metadata"]["component"]["bom-ref"] == ID + "model-version/support-assistant/1.0"
    assert [c["name"] for c in components(doc, "machine-learning-model")] == ["base-llm"]
    depends = {d["ref"]: set(d.get("dependsOn", [])) for d in doc["dependencies"]}
    assert depends[ID + "model-version/support-assistant/1.0"] == {
        ID + "model-version/base-llm/7b-v1", ID + "dataset-version/hf%3A%2F%2Fdatasets/support-dialogues/2026-02-20"}
    assert depends[ID + "model-version/base-llm/7b-v1"] == {ID + "dataset-version/s3%3A%2F%2Fraw/pretraining-corpus/2026-01-01"}
    card = doc["metadata"]["component"]["modelCard"]
    assert card["modelParameters"]["datasets"] == [{"ref": ID + "dataset-version/hf%3A%2F%2Fdatasets/support-dialogues/2026-02-20"}]


def test_the_lineage_is_the_dependencies_graph_through_runs_and_features():
    doc = document(credit_scoring())
    depends = {d["ref"].removeprefix(ID): sorted(r.removeprefix(ID) for r in d.get("dependsOn", []))
               for d in doc["dependencies"]}
    dv = "dataset-version/"
    assert depends == {
        "deployment/production/credit-scoring-api": ["model-version/credit-scoring/2"],
        "model-version/credit-scoring/2": [dv + "s3%3A%2F%2Fcurated/customers_clean/2026-03-01",
                                           dv + "s3%3A%2F%2Fcurated/transactions_clean/2026-03-08"],
        dv + "s3%3A%2F%2Fcurated/customers_clean/2026-03-01": [dv + "s3%3A%2F%2Fraw/customers/2026-03-01"],
        dv + "s3%3A%2F%2Fcurated/transactions_clean/2026-03-08": [dv + "s3%3A%2F%2Fraw/transactions/2026-03-08"],
        dv + "s3%3A%2F%2Fraw/customers/2026-03-01": [],
        dv + "s3%3A%2F%2Fraw/transactions/2026-03-08": [],
    }


def test_the_deployment_is_the_subject_and_says_what_it_serves_and_how_the_gate_was_passed():
    properties = {p["name"]: p["value"] for p in document(credit_scoring(break_glass=True))["metadata"]["component"]["properties"]}
    assert properties["lineagegraph:serving"] == "credit-scoring@2"
    assert properties["lineagegraph:serving-since"] == "2026-03-20T09:00:00+00:00"
    assert properties["lineagegraph:gate"] == "overridden"
    assert properties["lineagegraph:break-glass-reason"].startswith("Fraud spike")
    passed = {p["name"]: p["value"] for p in document(credit_scoring())["metadata"]["component"]["properties"]}
    assert passed["lineagegraph:gate"] == "passed" and "lineagegraph:break-glass-reason" not in passed


def test_a_deployment_serving_nothing_has_no_components():
    doc = document(serving_nothing())
    assert "components" not in doc
    assert doc["dependencies"] == [{"ref": ID + "deployment/production/credit-scoring-api"}]


def test_the_metadata_say_as_of_when_whether_the_graph_is_whole_and_the_audit_chain():
    doc = document(credit_scoring(complete=False))
    assert doc["metadata"]["timestamp"] == "2026-03-25T12:00:00+00:00"
    properties = {p["name"]: p["value"] for p in doc["metadata"]["properties"]}
    assert properties["lineagegraph:complete"] == "false"
    assert properties["lineagegraph:audit-ok"] == "true" and properties["lineagegraph:audit-head-seq"] == "412"


def test_the_same_dossier_gives_the_same_bom_and_another_moment_another_serial_number():
    first, again = bom_json(credit_scoring()), bom_json(credit_scoring())
    assert first == again
    dossier = credit_scoring()
    later = type(dossier)(**{**dossier.__dict__, "as_of": dossier.as_of + timedelta(hours=1),
                             "generated_at": dossier.as_of + timedelta(days=1)})
    assert bom(later).serial_number != bom(dossier).serial_number
    assert json.loads(first)["serialNumber"] == bom(dossier).serial_number.urn


def test_an_invalid_document_is_refused_not_returned():
    dossier = credit_scoring()
    broken = [with_fields(a, digest="sha256:not-hex") if a.kind == "DatasetVersion" else a for a in dossier.assets]
    with pytest.raises(InvalidBom, match="1.6 schema"):
        bom_json(type(dossier)(**{**dossier.__dict__, "assets": broken}))


def test_the_metadata_say_whether_the_subject_existed_and_what_was_recorded_again_and_a_rollback_why():
    early = {p["name"]: p["value"] for p in document(not_yet_registered())["metadata"]["properties"]}
    assert early["lineagegraph:existed"] == "false"
    doc = document(credit_scoring(restated=True, rollback=True))
    restated = [p["value"] for p in doc["metadata"]["properties"] if p["name"] == "lineagegraph:restated"]
    assert sorted(restated) == [
        "credit-scoring@2 check license_compliance, recorded again 2026-03-24T10:00:00+00:00",
        "credit-scoring@2 measurement auc on s3://curated/credit_holdout@2026-03-01, recorded again 2026-03-24T11:00:00+00:00"]
    subject = {p["name"]: p["value"] for p in doc["metadata"]["component"]["properties"]}
    assert subject["lineagegraph:rollback-reason"] == "Rolled back: Reviewed the gate report and the evidence."
