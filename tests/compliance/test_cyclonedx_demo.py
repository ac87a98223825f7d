"""The CycloneDX ML-BOM of the demo's production deployment, read through the service: strictly valid
CycloneDX 1.6 listing exactly the upstream dataset versions with their licences, now (credit-scoring@2)
and before the redeploy (credit-scoring@1); and for credit-scoring@3, the bureau scores under
CC-BY-NC-4.0. Expectations come from app/cli/demo.py (tests/compliance/demo_model.py)."""

from __future__ import annotations

import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from app.cli import demo
from app.compliance.cyclonedx import bom_json
from tests.compliance.conftest import deployment, model_version
from tests.compliance.demo_model import upstream_of_credit_scoring

PRODUCTION = deployment(*demo.PRODUCTION_DEPLOYMENT)
LICENCES = {f"{s.namespace}/{s.name}": s.license for s in demo.DATASETS}


def data_components(text: str) -> dict[str, list[str]]:
    doc = json.loads(text)
    return {f"{c['group']}/{c['name']}@{c['version']}":
            [entry["license"].get("id") or entry["license"]["name"] for entry in c.get("licenses", [])]
            for c in doc.get("components", []) if c["type"] == "data"}


def expected(version: str) -> dict[str, list[str]]:
    return {v: [LICENCES[v.rpartition("@")[0]]] for v in upstream_of_credit_scoring(version).dataset_versions}


@pytest.mark.parametrize(("as_of", "version"), [(None, "2"), (demo.at("03-15"), "1")], ids=["now", "before redeploy"])
def test_the_production_deployment_lists_exactly_its_upstream_dataset_versions(demo_registry, read_dossier, as_of,
                                                                               version):
    text = bom_json(read_dossier(PRODUCTION, as_of=as_of))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert data_components(text) == expected(version)
    doc = json.loads(text)
    [model] = [c for c in doc["components"] if c["type"] == "machine-learning-model"]
    assert (model["name"], model["version"]) == ("credit-scoring", version)
    assert model["hashes"] == [{"alg": "SHA-256", "content": demo.digest(f"credit-scoring/{version}")[7:]}]
    metrics = {m["type"] for m in model["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]}
    assert metrics == {"auc", "ks"}
    considerations = {c["name"] for c in model["modelCard"]["considerations"]["ethicalConsiderations"]}
    assert considerations == {f"{kind}: PASSED" for kind in demo.CREDIT_CHECKS}
    properties = {p["name"]: p["value"] for p in doc["metadata"]["component"]["properties"]}
    assert properties["lineagegraph:serving"] == f"credit-scoring@{version}"
    assert properties["lineagegraph:gate"] == "passed"


def test_the_candidate_trained_on_bureau_scores_carries_their_non_commercial_licence(demo_registry, read_dossier):
    text = bom_json(read_dossier(model_version("credit-scoring", "3")))
    assert data_components(text) == expected("3")
    assert data_components(text)["postgres://bureau:5432/bureau_scores@2026-03-08"] == ["CC-BY-NC-4.0"]
