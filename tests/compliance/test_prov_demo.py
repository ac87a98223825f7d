"""PROV-JSON of the demo's production deployment, read through the service and parsed back with `prov`:
now (credit-scoring@2) and as of 2026-03-15, before the redeploy (credit-scoring@1). Expectations come
from what app/cli/demo.py declares (tests/compliance/demo_model.py), not from the service."""

from __future__ import annotations

from urllib.parse import quote

from prov.model import ProvActivity, ProvDerivation, ProvDocument, ProvEntity, ProvGeneration, ProvUsage

from app.catalog.service import ModelVersionRef
from app.cli import demo
from app.compliance.prov import prov_json
from tests.compliance.conftest import deployment
from tests.compliance.demo_model import TRAINED_ON, governed, label, upstream_of_credit_scoring

PRODUCTION = deployment(*demo.PRODUCTION_DEPLOYMENT)
BEFORE_REDEPLOY = demo.at("03-15")


def lg(kind: str, *parts: str) -> str:
    return "lg:" + "/".join([kind, *(quote(part, safe="") for part in parts)])


def dataset_version(text: str) -> str:
    """`s3://raw/transactions@2026-03-08` → its identifier."""
    dataset, _, version = text.rpartition("@")
    namespace, _, name = dataset.rpartition("/")  # the demo's dataset names hold no slash
    return lg("dataset-version", namespace, name, version)


def dataset(text: str) -> str:
    namespace, _, name = text.rpartition("/")
    return lg("dataset", namespace, name)


def parsed(dossier) -> ProvDocument:
    return ProvDocument.deserialize(content=prov_json(dossier), format="json")


def of_type(document: ProvDocument, cls, kind: str) -> set[str]:
    return {str(r.identifier) for r in document.get_records(cls) if f"lg:{kind}" in {str(t) for t in r.get_attribute("prov:type")}}


def pairs(document: ProvDocument, cls) -> set[tuple[str, str]]:
    return {tuple(str(value) for _, value in r.formal_attributes[:2]) for r in document.get_records(cls)}


def expected_entities(version: str) -> dict[str, set[str]]:
    upstream = upstream_of_credit_scoring(version)
    _, features = TRAINED_ON[version]
    return {
        "DatasetVersion": {dataset_version(v) for v in upstream.dataset_versions},
        "Dataset": {dataset(d) for d in upstream.datasets},
        "Feature": {lg("feature", f.group, f.name) for f in features},
    }


def expected_runs(version: str) -> set[tuple[str, object]]:
    """(job, start) of every run upstream: the training run, and the cleaning runs that wrote what it read."""
    upstream = upstream_of_credit_scoring(version)
    runs = {(job, demo.at(raw.version[5:], "00:30")) for job, raw, clean in demo.CLEANING_RUNS
            if label(clean) in upstream.dataset_versions}
    started = {"1": demo.at("03-05", "02:00"), "2": demo.at("03-12", "02:00")}[version]
    return runs | {("train_credit_scoring", started)}


def check_the_document(dossier, version: str, switches: list[str]) -> None:
    document = parsed(dossier)
    for kind, names in expected_entities(version).items():
        assert of_type(document, ProvEntity, kind) == names, kind
    # the version served, and those the deployment served before (named by their switches)
    assert of_type(document, ProvEntity, "ModelVersion") == {lg("model-version", "credit-scoring", v) for v in
                                                              {version, *(s.split("@")[1] for s in switches)}}
    assert of_type(document, ProvEntity, "Deployment") == {lg("deployment", "production", "credit-scoring-api")}

    runs = [document.get_record(name)[0] for name in of_type(document, ProvActivity, "Run")]
    assert {(next(iter(r.get_attribute("lg:jobName"))), r.get_startTime()) for r in runs} == expected_runs(version)
    training = next(r for r in runs if r.get_attribute("lg:jobName") == {"train_credit_scoring"})
    assert training.get_attribute("lg:codeCommit") == {demo.commit(f"credit-scoring/{version}")}
    assert {str(n) for n, _ in training.attributes if str(n).startswith("lg:parameter/")} == \
        {"lg:parameter/max_depth", "lg:parameter/eta", "lg:parameter/n_estimators"}

    datasets_read, features = TRAINED_ON[version]
    model = lg("model-version", "credit-scoring", version)
    assert {entity for run, entity in pairs(document, ProvUsage) if run == str(training.identifier)} == \
        {dataset_version(label(v)) for v in datasets_read} | {lg("feature", f.group, f.name) for f in features}
    assert (model, str(training.identifier)) in pairs(document, ProvGeneration)
    assert (lg("deployment", "production", "credit-scoring-api"), model) in pairs(document, ProvDerivation)

    plan = governed(ModelVersionRef("credit-scoring", version), dossier.as_of)
    stamp = lambda moment: moment.strftime("%Y%m%dT%H%M%SZ")  # noqa: E731
    assert of_type(document, ProvActivity, "Check") >= {
        lg("check", "credit-scoring", version, kind, stamp(at)) for kind, _, _, at in plan.checks}
    assert of_type(document, ProvActivity, "Approval") >= {
        lg("approval", "credit-scoring", version, stage, approver, stamp(at)) for stage, approver, _, at in plan.approvals}
    assert len(of_type(document, ProvActivity, "DeploymentSwitch")) == len(switches)


def test_the_production_deployment_now(demo_registry, read_dossier):
    dossier = read_dossier(PRODUCTION)
    check_the_document(dossier, "2", ["credit-scoring@1", "credit-scoring@2"])


def test_the_production_deployment_before_the_redeploy_describes_version_1(demo_registry, read_dossier):
    dossier = read_dossier(PRODUCTION, as_of=BEFORE_REDEPLOY)
    check_the_document(dossier, "1", ["credit-scoring@1"])
    assert lg("model-version", "credit-scoring", "2") not in {str(r.identifier) for r in parsed(dossier).get_records()}
