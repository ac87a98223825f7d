"""The dossier as PROV-JSON, from hand-built dossiers: every document parses back with `prov` into the
records the dossier implies, under identifiers in the one `lg:` namespace."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import unquote

from prov.model import (
    ProvActivity,
    ProvAgent,
    ProvAssociation,
    ProvAttribution,
    ProvDelegation,
    ProvDerivation,
    ProvDocument,
    ProvEntity,
    ProvGeneration,
    ProvInfluence,
    ProvSpecialization,
    ProvUsage,
)

from app.compliance.prov import NAMESPACE, asset_uri, prov_document, prov_json
from tests.compliance.support import Registry, at, bare_model_version, credit_scoring, not_yet_registered, serving_nothing

RELATIONS = {ProvUsage: "used", ProvGeneration: "wasGeneratedBy", ProvDerivation: "wasDerivedFrom",
             ProvSpecialization: "specializationOf", ProvAttribution: "wasAttributedTo",
             ProvAssociation: "wasAssociatedWith", ProvDelegation: "actedOnBehalfOf", ProvInfluence: "wasInfluencedBy"}


def parsed(dossier) -> ProvDocument:
    """The dossier's PROV-JSON read back by the `prov` library."""
    text = prov_json(dossier)
    document = ProvDocument.deserialize(content=text, format="json")
    assert document == prov_document(dossier)  # nothing lost or changed on the way through JSON
    return document


def names(document: ProvDocument, cls) -> set[str]:
    return {str(record.identifier) for record in document.get_records(cls)}


def relations(document: ProvDocument) -> Counter:
    return Counter(RELATIONS[type(r)] for r in document.get_records() if type(r) in RELATIONS)


def pairs(document: ProvDocument, cls) -> set[tuple[str, str]]:
    return {tuple(str(value) for _, value in record.formal_attributes[:2]) for record in document.get_records(cls)}


DV = "lg:dataset-version/"
CREDIT_ENTITIES = {
    "lg:dataset/s3%3A%2F%2Fraw/transactions", "lg:dataset/s3%3A%2F%2Fraw/customers",
    "lg:dataset/s3%3A%2F%2Fcurated/transactions_clean", "lg:dataset/s3%3A%2F%2Fcurated/customers_clean",
    DV + "s3%3A%2F%2Fraw/transactions/2026-03-08", DV + "s3%3A%2F%2Fraw/customers/2026-03-01",
    DV + "s3%3A%2F%2Fcurated/transactions_clean/2026-03-08", DV + "s3%3A%2F%2Fcurated/customers_clean/2026-03-01",
    "lg:feature/credit/txn_amount_30d", "lg:model-version/credit-scoring/2",
    "lg:deployment/production/credit-scoring-api",
    # served before: named by its switch, not upstream now
    "lg:model-version/credit-scoring/1",
    "lg:dossier/deployment/production/credit-scoring-api/20260325T120000Z",
}


def test_the_production_deployment_parses_back_with_its_entities_activities_agents_and_relations():
    document = parsed(credit_scoring())

    assert names(document, ProvEntity) == CREDIT_ENTITIES
    assert names(document, ProvActivity) == {
        "lg:run/run-clean-txn", "lg:run/run-clean-cust", "lg:run/run-train-2",
        "lg:check/credit-scoring/2/evaluation/20260312T150000Z",
        "lg:check/credit-scoring/2/bias_assessment/20260312T150000Z",
        "lg:check/credit-scoring/2/privacy_review/20260312T150000Z",
        "lg:approval/credit-scoring/2/PRODUCTION/ada.approver/20260319T080000Z",
        "lg:approval/credit-scoring/2/PRODUCTION/pat.owner/20260319T080000Z",
        "lg:stage-change/credit-scoring/2/STAGING/20260313T090000Z",
        "lg:stage-change/credit-scoring/2/PRODUCTION/20260319T090000Z",
        "lg:switch/production/credit-scoring-api/20260310T090000Z",
        "lg:switch/production/credit-scoring-api/20260320T090000Z",
    }
    assert names(document, ProvAgent) == {
        "lg:team/data-eng", "lg:team/credit-risk",
        "lg:job/airflow%3A%2F%2Fetl/clean_transactions", "lg:job/airflow%3A%2F%2Fetl/clean_customers",
        "lg:job/mlflow%3A%2F%2Ftraining/train_credit_scoring",
        "lg:principal/sam.security", "lg:principal/ada.approver", "lg:principal/pat.owner",
    }
    assert relations(document) == Counter({
        # 2 cleaning inputs + 3 training inputs; 3 checks, 2 approvals, 2 stage changes, 2 switches each use a model version
        "used": 5 + 3 + 2 + 2 + 2,
        "wasGeneratedBy": 3,
        "wasDerivedFrom": 2 + 1,             # the feature from its dataset and version; the deployment from what it serves
        "specializationOf": 4,               # each dataset version of its dataset
        "wasAttributedTo": 4 + 1 + 1,        # the datasets, the feature, the model version, to their teams
        "wasAssociatedWith": 3 + 3 + 2 + 2 + 2,  # runs with jobs; checks, approvals, stage changes, switches with people
        "wasInfluencedBy": 2,                # the deployment by its switches
    })
    assert pairs(document, ProvGeneration) == {
        (DV + "s3%3A%2F%2Fcurated/transactions_clean/2026-03-08", "lg:run/run-clean-txn"),
        (DV + "s3%3A%2F%2Fcurated/customers_clean/2026-03-01", "lg:run/run-clean-cust"),
        ("lg:model-version/credit-scoring/2", "lg:run/run-train-2"),
    }
    assert ("lg:dataset-version/s3%3A%2F%2Fraw/transactions/2026-03-08", "lg:dataset/s3%3A%2F%2Fraw/transactions") \
        in pairs(document, ProvSpecialization)
    assert ("lg:deployment/production/credit-scoring-api", "lg:model-version/credit-scoring/2") \
        in pairs(document, ProvDerivation)


def test_every_identifier_is_in_the_one_namespace():
    text = prov_json(credit_scoring(break_glass=True, open_incident=True, fine_tuned=True))
    assert json.loads(text)["prefix"] == {"lg": NAMESPACE}
    document = ProvDocument.deserialize(content=text, format="json")
    for record in document.get_records():
        if record.identifier is not None:  # relations are blank nodes
            assert record.identifier.namespace.uri == NAMESPACE, record.identifier


def test_a_run_carries_its_times_code_and_parameters():
    document = parsed(credit_scoring())
    run = document.get_record("lg:run/run-train-2")[0]
    assert run.get_startTime() == at("03-12", "02:00")
    assert run.get_endTime() == at("03-12", "04:05")
    attributes = {str(name): {str(v) for v in values} for name, values in _attributes(run).items()}
    assert attributes["lg:codeCommit"] == {"c0ffee" + "0" * 34}
    assert attributes["lg:codeRepository"] == {"https://git.example.com/credit-risk/credit-scoring"}
    assert attributes["lg:parameter/max_depth"] == {"8"}
    assert attributes["lg:parameter/eta"] == {"0.05"}


def _attributes(record) -> dict:
    grouped: dict = {}
    for name, value in record.attributes:
        grouped.setdefault(name, []).append(value)
    return grouped


def test_a_break_glass_switch_says_it_overrode_the_gate_who_broke_the_glass_and_why():
    document = parsed(credit_scoring(break_glass=True))
    switch = document.get_record("lg:switch/production/credit-scoring-api/20260320T090000Z")[0]
    attributes = {str(name): [str(v) for v in values] for name, values in _attributes(switch).items()}
    assert attributes["lg:gate"] == ["overridden"]
    assert attributes["lg:breakGlassReason"] == ["Fraud spike: Reviewed the gate report and the evidence."]
    assert attributes["lg:overrode"] == ["CHECK: bias_assessment is missing"]
    assert ("lg:switch/production/credit-scoring-api/20260320T090000Z", "lg:principal/olga.oncall") \
        in pairs(document, ProvAssociation)
    earlier = document.get_record("lg:switch/production/credit-scoring-api/20260310T090000Z")[0]
    assert [str(v) for v in earlier.get_attribute("lg:gate")] == ["passed"]


def test_an_open_incident_is_an_activity_that_influenced_what_it_touched():
    document = parsed(credit_scoring(open_incident=True))
    incident = document.get_record("lg:incident/inc-1")[0]
    assert incident.get_startTime() == at("03-22", "08:00") and incident.get_endTime() is None
    assert [str(v) for v in incident.get_attribute("lg:status")] == ["OPEN"]
    influenced = {source for source, target in pairs(document, ProvInfluence) if target == "lg:incident/inc-1"}
    assert influenced == {DV + "s3%3A%2F%2Fraw/transactions/2026-03-08", "lg:model-version/credit-scoring/2",
                          "lg:deployment/production/credit-scoring-api"}


def test_a_fine_tuned_version_derives_from_its_parent():
    document = parsed(credit_scoring(fine_tuned=True))
    assert ("lg:model-version/credit-scoring/2", "lg:model-version/base-llm/7b-v1") in pairs(document, ProvDerivation)
    assert ("lg:model-version/base-llm/7b-v1", "lg:team/ml-platform") in pairs(document, ProvAttribution)


def test_a_failed_check_is_recorded_with_its_status_and_recorder():
    document = parsed(credit_scoring(failed_check=True))
    check = document.get_record("lg:check/credit-scoring/2/safety_review/20260313T100000Z")[0]
    assert [str(v) for v in check.get_attribute("lg:status")] == ["FAILED"]
    assert ("lg:check/credit-scoring/2/safety_review/20260313T100000Z", "lg:principal/sam.security") \
        in pairs(document, ProvAssociation)


def test_a_deployment_serving_nothing_is_the_deployment_and_the_dossier():
    document = parsed(serving_nothing())
    assert names(document, ProvEntity) == {"lg:deployment/production/credit-scoring-api",
                                           "lg:dossier/deployment/production/credit-scoring-api/20260301T000000Z"}
    assert names(document, ProvActivity) == set() and relations(document) == Counter()


def test_a_model_version_with_empty_upstream_is_itself_its_team_and_the_dossier():
    document = parsed(bare_model_version())
    assert names(document, ProvEntity) == {"lg:model-version/scratch/0.1",
                                           "lg:dossier/model-version/scratch/0.1/20260325T120000Z"}
    assert names(document, ProvAgent) == {"lg:team/credit-risk"}
    dossier = document.get_record("lg:dossier/model-version/scratch/0.1/20260325T120000Z")[0]
    assert dossier.get_attribute("lg:auditOk") == set()  # no audit status: nothing claimed


def test_the_dossier_entity_says_whether_the_graph_is_whole_and_how_the_audit_chain_stands():
    whole = parsed(credit_scoring()).get_record("lg:dossier/deployment/production/credit-scoring-api/20260325T120000Z")[0]
    assert whole.get_attribute("lg:complete") == {True}
    assert whole.get_attribute("lg:auditOk") == {True} and whole.get_attribute("lg:auditHeadSeq") == {412}
    assert {str(v) for v in whole.get_attribute("lg:license")} == {"proprietary"}
    cut = parsed(credit_scoring(complete=False)).get_record(
        "lg:dossier/deployment/production/credit-scoring-api/20260325T120000Z")[0]
    assert cut.get_attribute("lg:complete") == {False}


def test_hostile_text_is_kept_as_text():
    note = '<script>alert("x")</script> & "quotes" \\ back\nslash'
    document = parsed(credit_scoring(note=note, break_glass=True))
    check = document.get_record("lg:check/credit-scoring/2/evaluation/20260312T150000Z")[0]
    assert [str(v) for v in check.get_attribute("lg:note")] == [note]


def test_identifiers_are_natural_keys_url_quoted_so_odd_names_round_trip():
    g = Registry()
    odd = g.dataset_version(g.dataset("postgres://db:5432/x", "a table/with spaces #1 é"), "v1:2")
    mv = g.model_version("m", "1")
    g.run("r/1 ?", ("ns", "job"), used=[odd], generated=[mv], started=at("03-01"), ended=None)
    document = parsed(g.dossier(mv, as_of=at("03-02"), model_version=mv))
    name = "lg:dataset-version/" + "/".join(
        part.replace("%", "%25").replace("/", "%2F").replace(":", "%3A").replace(" ", "%20").replace("#", "%23")
        .replace("é", "%C3%A9") for part in ("postgres://db:5432/x", "a table/with spaces #1 é", "v1:2"))
    assert name in names(document, ProvEntity)
    assert [unquote(part) for part in name.split("/")[1:]] == ["postgres://db:5432/x", "a table/with spaces #1 é", "v1:2"]
    assert "lg:run/r%2F1%20%3F" in names(document, ProvActivity)
    assert asset_uri(odd) == NAMESPACE + name.removeprefix("lg:")


def test_the_same_dossier_gives_the_same_document():
    assert prov_json(credit_scoring(open_incident=True)) == prov_json(credit_scoring(open_incident=True))


def test_the_dossier_says_when_its_subject_did_not_exist_yet_and_what_was_recorded_again():
    early = parsed(not_yet_registered()).get_record("lg:dossier/deployment/production/credit-scoring-api/20260101T000000Z")[0]
    assert early.get_attribute("lg:existed") == {False}
    later = parsed(credit_scoring(restated=True)).get_record(
        "lg:dossier/deployment/production/credit-scoring-api/20260325T120000Z")[0]
    assert later.get_attribute("lg:existed") == {True}
    assert {str(v) for v in later.get_attribute("lg:restated")} == {
        "credit-scoring@2 check license_compliance, recorded again 2026-03-24T10:00:00+00:00",
        "credit-scoring@2 measurement auc on s3://curated/credit_holdout@2026-03-01, recorded again 2026-03-24T11:00:00+00:00"}


def test_a_rollback_switch_carries_its_reason():
    switch = parsed(credit_scoring(rollback=True)).get_record("lg:switch/production/credit-scoring-api/20260320T090000Z")[0]
    assert {str(v) for v in switch.get_attribute("lg:rollbackReason")} == {
        "Rolled back: Reviewed the gate report and the evidence."}
