"""A small, realistic sample registry, loaded through the catalog service (`lineagegraph demo`).

The story, March 2026:

* **Credit risk.** The `data-eng` team lands raw card `transactions` and `customers` in
  `s3://raw` and cleans them with Airflow jobs (`airflow://etl`) into `s3://curated`.
  Credit bureau scores come from an external vendor (`postgres://bureau:5432/bureau_scores`)
  under the **non-commercial** licence `CC-BY-NC-4.0`.
  The `credit-risk` team trains `credit-scoring` (risk tier HIGH) with MLflow:

  - version `1` (trained 2026-03-05) on the 2026-03-01 snapshots and the `customer_tenure`
    feature; its checks passed and two approvers signed it off, it was promoted through
    staging to production (the gates passing) and served `production/credit-scoring-api` from
    2026-03-10;
  - version `2` (trained 2026-03-12) moved to the feature store: `txn_amount_30d`,
    `txn_count_7d` and `customer_tenure`. It went through the same checks, approvals and
    promotions, serves `staging/credit-scoring-staging` since 2026-03-14 and replaced version 1
    in `production/credit-scoring-api` on 2026-03-20. Version 1 stays in PRODUCTION, the fallback;
  - version `3` (trained 2026-03-16 on the corrected 2026-03-15 snapshots) adds the new
    `bureau_score` feature. It is in STAGING and serves nowhere: the production gate refuses it,
    above all because the bureau scores are licensed for non-commercial use only.

  The raw snapshot `s3://raw/transactions@2026-03-08` is **corrupted** (a double-loaded
  partition: amounts are doubled). Downstream of it: the `clean_transactions` run of 2026-03-08,
  `s3://curated/transactions_clean@2026-03-08`, the features `credit/txn_amount_30d` and
  `credit/txn_count_7d`, the training run of version 2, `credit-scoring` version 2, and both
  deployments serving it — production included. Version 1 is clean and still passes the
  production gate: it is the rollback target.

* **Support assistant.** The `ml-platform` team fine-tuned `support-assistant` version `1.0`
  from `base-llm` version `7b-v1` (Apache-2.0) on `hf://datasets/support-dialogues`
  (`CC-BY-SA-4.0`, INTERNAL); it passed its checks, was approved and promoted, and serves
  `production/support-assistant`.

Checks, approvals and promotions go through the governance service (`app/governance/service.py`)
and every deployment switch through the deployment gate, exactly as through the API; a refusal
stops the load. Every value is fixed (timestamps, digests, run ids), so loading twice changes nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.catalog import service
from app.core.kinds import Kinds
from app.catalog.service import DatasetRef, DatasetVersionRef, FeatureRef, Metric, ModelVersionInput, ModelVersionRef, RunIO, SchemaField, TrainingEvent
from app.core.actor import Actor
from app.core.access import Principal, Role
from app.core.config import default_policy_file
from app.core.db import Database
from app.governance import service as governance
from app.governance.deployment import Refusal
from app.governance.policy import Policies, load_policies

# --- what tests and walkthroughs refer to ----------------------------------------------------

CORRUPTED_RAW_VERSION = DatasetVersionRef("s3://raw", "transactions", "2026-03-08")
CORRUPTED_CLEAN_VERSION = DatasetVersionRef("s3://curated", "transactions_clean", "2026-03-08")
CORRECTED_RAW_VERSION = DatasetVersionRef("s3://raw", "transactions", "2026-03-15")
IMPACTED_FEATURES = (FeatureRef("credit", "txn_amount_30d"), FeatureRef("credit", "txn_count_7d"))
EXTERNALLY_LICENSED_SOURCE = DatasetRef("postgres://bureau:5432", "bureau_scores")
HOLDOUT_VERSION = DatasetVersionRef("s3://curated", "credit_holdout", "2026-03-01")

PRODUCTION_DEPLOYMENT = ("production", "credit-scoring-api")
STAGING_DEPLOYMENT = ("staging", "credit-scoring-staging")
PRODUCTION_MODEL_VERSION = ModelVersionRef("credit-scoring", "2")
PREVIOUS_MODEL_VERSION = ModelVersionRef("credit-scoring", "1")
# In STAGING, serving nowhere: what the production gate refuses (the NC-licensed bureau scores).
CANDIDATE_MODEL_VERSION = ModelVersionRef("credit-scoring", "3")

BASE_MODEL_VERSION = ModelVersionRef("base-llm", "7b-v1")
FINE_TUNED_MODEL_VERSION = ModelVersionRef("support-assistant", "1.0")
LLM_DEPLOYMENT = ("production", "support-assistant")
SUPPORT_DIALOGUES_VERSION = DatasetVersionRef("hf://datasets", "support-dialogues", "2026-02-20")


def _run_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://lineagegraph.example/demo/runs/{name}"))


TRAINING_RUN_IDS = {version: _run_id(f"train_credit_scoring/{version}") for version in ("1", "2", "3")}
FINETUNE_RUN_ID = _run_id("finetune_support_llm/1.0")

PRINCIPAL = "demo-loader"

# --- helpers -------------------------------------------------------------------------------------

ETL = "airflow://etl"
TRAINING = "mlflow://training"
PIPELINES_REPO = "https://git.example.com/data-eng/pipelines"
CREDIT_REPO = "https://git.example.com/credit-risk/credit-scoring"
LLM_REPO = "https://git.example.com/ml-platform/support-assistant"


def at(day: str, time: str = "00:00") -> datetime:
    """A fixed UTC instant in 2026: at("03-08", "02:15")."""
    return datetime.fromisoformat(f"2026-{day}T{time}:00+00:00").astimezone(UTC)


def digest(name: str) -> str:
    return "sha256:" + hashlib.sha256(name.encode()).hexdigest()


def commit(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()


def _dv_key(ref: DatasetVersionRef) -> str:
    return f"{ref.namespace}/{ref.name}@{ref.version}"


# --- the content --------------------------------------------------------------------------------

TEAMS = {
    "data-eng": "Data engineering: ingestion and cleaning pipelines.",
    "credit-risk": "Credit risk modelling: scorecards and default prediction.",
    "ml-platform": "ML platform: shared models, training infrastructure, LLM services.",
}


@dataclass(frozen=True)
class DatasetSpec:
    namespace: str
    name: str
    owner: str
    description: str
    tags: list[str]
    privacy: str
    schema: list[tuple[str, str]]
    license: str | None = None
    # version -> row count; the version string is also the snapshot date
    versions: dict[str, int] = field(default_factory=dict)
    registered: str = "02-16"


TRANSACTIONS_SCHEMA = [("transaction_id", "string"), ("customer_id", "string"), ("amount", "decimal(12,2)"),
                       ("currency", "string"), ("merchant_category", "string"), ("booked_at", "timestamp")]
CUSTOMERS_SCHEMA = [("customer_id", "string"), ("date_of_birth", "date"), ("postcode", "string"),
                    ("opened_at", "date"), ("segment", "string")]

DATASETS = [
    DatasetSpec("s3://raw", "transactions", "data-eng", "Card transactions as delivered by the core banking export.",
                ["raw", "finance", "transactions"], "PII", TRANSACTIONS_SCHEMA, license="proprietary",
                versions={"2026-03-01": 4_812_330, "2026-03-08": 9_751_204, "2026-03-15": 4_903_118}),
    DatasetSpec("s3://raw", "customers", "data-eng", "Customer master data from the CRM.",
                ["raw", "customers"], "PII", CUSTOMERS_SCHEMA, license="proprietary",
                versions={"2026-03-01": 1_204_551, "2026-03-15": 1_209_874}),
    DatasetSpec("postgres://bureau:5432", "bureau_scores", "credit-risk",
                "External credit bureau scores per customer, licensed for non-commercial use only.",
                ["external", "bureau", "credit"], "PII", [("customer_id", "string"), ("score", "int"),
                                                          ("scored_at", "date")],
                license="CC-BY-NC-4.0", versions={"2026-03-01": 1_150_002, "2026-03-08": 1_152_417}),
    DatasetSpec("s3://curated", "transactions_clean", "data-eng",
                "Deduplicated transactions in EUR with merchant categories normalised.",
                ["curated", "finance", "transactions"], "PII", TRANSACTIONS_SCHEMA, license="proprietary",
                versions={"2026-03-01": 4_790_112, "2026-03-08": 9_702_877, "2026-03-15": 4_881_640}),
    DatasetSpec("s3://curated", "customers_clean", "data-eng", "Customers with validated postcodes and tenure.",
                ["curated", "customers"], "PII", CUSTOMERS_SCHEMA + [("tenure_months", "int")], license="proprietary",
                versions={"2026-03-01": 1_199_004, "2026-03-15": 1_204_311}),
    DatasetSpec("s3://curated", "credit_holdout", "credit-risk",
                "Out-of-time holdout of labelled credit applications (Q4 2025).",
                ["curated", "evaluation", "credit"], "PII",
                [("application_id", "string"), ("customer_id", "string"), ("defaulted_12m", "boolean")],
                license="proprietary", versions={"2026-03-01": 85_000}),
    DatasetSpec("hf://datasets", "support-dialogues", "ml-platform",
                "Public customer-support dialogues used to fine-tune the support assistant.",
                ["external", "nlp", "dialogue"], "INTERNAL", [("dialogue_id", "string"), ("turns", "json")],
                license="CC-BY-SA-4.0", versions={"2026-02-20": 312_000}, registered="02-20"),
    DatasetSpec("s3://curated", "support_eval", "ml-platform",
                "Hand-labelled support conversations for evaluating assistant answers.",
                ["curated", "evaluation", "nlp"], "INTERNAL", [("dialogue_id", "string"), ("reference", "string")],
                license="proprietary", versions={"2026-02-25": 2_400}, registered="02-20"),
]

# Cleaning runs: (job, raw version read, cleaned version written); each ran 00:30-01:00 on the snapshot's day.
CLEANING_RUNS = [
    ("clean_transactions", DatasetVersionRef("s3://raw", "transactions", day),
     DatasetVersionRef("s3://curated", "transactions_clean", day))
    for day in ("2026-03-01", "2026-03-08", "2026-03-15")
] + [
    ("clean_customers", DatasetVersionRef("s3://raw", "customers", day),
     DatasetVersionRef("s3://curated", "customers_clean", day))
    for day in ("2026-03-01", "2026-03-15")
]

JOBS = [
    (ETL, "clean_transactions", "data-eng", "Deduplicate and normalise the raw transaction export.", ["etl", "daily"]),
    (ETL, "clean_customers", "data-eng", "Validate customer master data and derive tenure.", ["etl", "weekly"]),
    (TRAINING, "train_credit_scoring", "credit-risk", "Train the credit-scoring gradient-boosted model.",
     ["training", "credit"]),
    (TRAINING, "finetune_support_llm", "ml-platform", "LoRA fine-tuning of the base LLM on support dialogues.",
     ["training", "llm"]),
]


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    dtype: str
    transformation: str
    description: str
    source: DatasetVersionRef
    registered: str


FEATURES = [
    FeatureSpec("customer_tenure", "int", "months_between(snapshot_date, opened_at)",
                "Months since the customer opened their first account.",
                DatasetVersionRef("s3://curated", "customers_clean", "2026-03-01"), "03-02"),
    FeatureSpec("txn_amount_30d", "double", "sum(amount) over 30 days by customer_id",
                "Total card spend in the last 30 days.", CORRUPTED_CLEAN_VERSION, "03-09"),
    FeatureSpec("txn_count_7d", "int", "count(*) over 7 days by customer_id",
                "Number of card transactions in the last 7 days.", CORRUPTED_CLEAN_VERSION, "03-09"),
    FeatureSpec("bureau_score", "int", "latest(score) by customer_id",
                "Most recent external bureau score.",
                DatasetVersionRef("postgres://bureau:5432", "bureau_scores", "2026-03-08"), "03-09"),
]

MODELS = [
    ("credit-scoring", "credit-risk", "HIGH", "Probability of default within 12 months for card applicants.",
     ["credit", "scorecard"]),
    ("base-llm", "ml-platform", "MEDIUM", "Open-weights 7B foundation model mirrored from the vendor.",
     ["llm", "foundation"]),
    ("support-assistant", "ml-platform", "MEDIUM", "Customer-support assistant fine-tuned from base-llm.",
     ["llm", "support"]),
]


def _credit_training(version: str, *, started: datetime, ended: datetime, datasets, features,
                     metrics: dict[str, float], parameters: dict[str, str]) -> TrainingEvent:
    return TrainingEvent(
        job_namespace=TRAINING, job_name="train_credit_scoring", job_owner="credit-risk",
        run_id=TRAINING_RUN_IDS[version], state="COMPLETE", started_at=started, ended_at=ended,
        code_repository=CREDIT_REPO, code_commit=commit(f"credit-scoring/{version}"), parameters=parameters,
        inputs=RunIO(used_dataset_versions=list(datasets), used_features=list(features)),
        model_version=ModelVersionInput(
            model_name="credit-scoring", version=version,
            artifact_uri=f"s3://models/credit-scoring/{version}", artifact_digest=digest(f"credit-scoring/{version}"),
            framework="xgboost", license="proprietary", compliance_flags=["fair-lending-reviewed"],
            description=f"credit-scoring v{version}, trained {started.date().isoformat()}.",
            tags=["credit", "xgboost"],
            metrics=[Metric(name, value, HOLDOUT_VERSION) for name, value in metrics.items()],
        ),
    )


def _training_events() -> list[tuple[datetime, TrainingEvent]]:
    """(when it was recorded, the event) for every training run."""
    v1 = _credit_training(
        "1", started=at("03-05", "02:00"), ended=at("03-05", "03:12"),
        datasets=[DatasetVersionRef("s3://curated", "transactions_clean", "2026-03-01"),
                  DatasetVersionRef("s3://curated", "customers_clean", "2026-03-01")],
        features=[FeatureRef("credit", "customer_tenure")],
        metrics={"auc": 0.842, "ks": 0.512},
        parameters={"max_depth": "6", "eta": "0.1", "n_estimators": "400"},
    )
    v2 = _credit_training(
        "2", started=at("03-12", "02:00"), ended=at("03-12", "04:05"),
        datasets=[CORRUPTED_CLEAN_VERSION, DatasetVersionRef("s3://curated", "customers_clean", "2026-03-01")],
        features=[FeatureRef("credit", name) for name in ("txn_amount_30d", "txn_count_7d", "customer_tenure")],
        metrics={"auc": 0.871, "ks": 0.563},
        parameters={"max_depth": "8", "eta": "0.05", "n_estimators": "900"},
    )
    v3 = _credit_training(
        "3", started=at("03-16", "02:00"), ended=at("03-16", "04:20"),
        datasets=[DatasetVersionRef("s3://curated", "transactions_clean", "2026-03-15"),
                  DatasetVersionRef("s3://curated", "customers_clean", "2026-03-15"),
                  DatasetVersionRef("postgres://bureau:5432", "bureau_scores", "2026-03-08")],
        features=[FeatureRef("credit", "customer_tenure"), FeatureRef("credit", "bureau_score")],
        metrics={"auc": 0.879, "ks": 0.571},
        parameters={"max_depth": "8", "eta": "0.05", "n_estimators": "1000"},
    )
    finetune = TrainingEvent(
        job_namespace=TRAINING, job_name="finetune_support_llm", job_owner="ml-platform",
        run_id=FINETUNE_RUN_ID, state="COMPLETE", started_at=at("02-27", "18:00"), ended_at=at("02-28", "07:40"),
        code_repository=LLM_REPO, code_commit=commit("support-assistant/1.0"),
        parameters={"method": "lora", "lora_rank": "16", "learning_rate": "0.0002", "epochs": "3"},
        inputs=RunIO(used_dataset_versions=[SUPPORT_DIALOGUES_VERSION], used_model_versions=[BASE_MODEL_VERSION]),
        model_version=ModelVersionInput(
            model_name="support-assistant", version="1.0",
            artifact_uri="s3://models/support-assistant/1.0", artifact_digest=digest("support-assistant/1.0"),
            framework="pytorch", description="LoRA fine-tune of base-llm 7b-v1.",
            tags=["llm", "lora"], derived_from=[BASE_MODEL_VERSION],
            metrics=[Metric("answer_accuracy", 0.83, DatasetVersionRef("s3://curated", "support_eval", "2026-02-25")),
                     Metric("toxicity_rate", 0.002, DatasetVersionRef("s3://curated", "support_eval", "2026-02-25"))],
        ),
    )
    return [(v1.ended_at, v1), (v2.ended_at, v2), (v3.ended_at, v3), (finetune.ended_at, finetune)]


BASE_MODEL = ModelVersionInput(
    model_name="base-llm", version="7b-v1", artifact_uri="s3://models/base-llm/7b-v1",
    artifact_digest=digest("base-llm/7b-v1"), framework="pytorch", license="Apache-2.0",
    description="7B-parameter open-weights model, mirrored unchanged from the vendor release.",
    tags=["llm", "foundation", "external"],
)

# The people who record checks and approve; the versions' author is the loader (PRINCIPAL), so they
# count. Their teams are the models' (team scope of governance writes).
REVIEWERS = {
    "credit-risk": Principal("sam.security", roles=frozenset({Role.SECURITY_LEAD}), teams=frozenset({"credit-risk"})),
    "ml-platform": Principal("mia.security", roles=frozenset({Role.SECURITY_LEAD}), teams=frozenset({"ml-platform"})),
}
APPROVERS = {
    "credit-risk": (Principal("ada.approver", roles=frozenset({Role.APPROVER}), teams=frozenset({"credit-risk"})),
                    Principal("pat.owner", roles=frozenset({Role.PRODUCT_OWNER}), teams=frozenset({"credit-risk"}))),
    "ml-platform": (Principal("max.owner", roles=frozenset({Role.PRODUCT_OWNER}), teams=frozenset({"ml-platform"})),),
}
PROMOTER = {team: approvers[-1] for team, approvers in APPROVERS.items()}

CREDIT_CHECKS = ("evaluation", "bias_assessment", "safety_review", "license_compliance", "privacy_review")
SUPPORT_CHECKS = ("evaluation", "license_compliance", "safety_review")


@dataclass(frozen=True)
class Governance:
    """A version's way to its stage: checks passed on `checked`, then each (stage, day) promotion,
    approved by the team's approvers the hour before it."""

    version: ModelVersionRef
    team: str
    checks: tuple[str, ...]
    checked: str
    promotions: tuple[tuple[str, str], ...]


GOVERNANCE = [
    Governance(FINE_TUNED_MODEL_VERSION, "ml-platform", SUPPORT_CHECKS, "02-28",
               (("STAGING", "03-01"), ("PRODUCTION", "03-02"))),
    Governance(PREVIOUS_MODEL_VERSION, "credit-risk", CREDIT_CHECKS, "03-06", (("STAGING", "03-07"), ("PRODUCTION", "03-09"))),
    Governance(PRODUCTION_MODEL_VERSION, "credit-risk", CREDIT_CHECKS, "03-12", (("STAGING", "03-13"), ("PRODUCTION", "03-19"))),
    # Evaluated for staging only: the candidate the production gate refuses.
    Governance(CANDIDATE_MODEL_VERSION, "credit-risk", ("evaluation",), "03-16", (("STAGING", "03-17"),)),
]

# (environment, name, endpoint, [(since, version served)]) — the switches in order.
DEPLOYMENTS = [
    ("production", "credit-scoring-api", "https://api.example.com/credit-scoring",
     [(at("03-10", "09:00"), PREVIOUS_MODEL_VERSION), (at("03-20", "09:00"), PRODUCTION_MODEL_VERSION)]),
    ("staging", "credit-scoring-staging", "https://staging.example.com/credit-scoring",
     [(at("03-14", "09:00"), PRODUCTION_MODEL_VERSION)]),
    ("production", "support-assistant", "https://api.example.com/support-assistant",
     [(at("03-02", "10:00"), FINE_TUNED_MODEL_VERSION)]),
]


# --- loading ------------------------------------------------------------------------------------------


async def load_demo(db: Database, *, principal: str = PRINCIPAL, policies: Policies | None = None) -> dict[str, int]:
    """Register the sample registry through the catalog and governance services; idempotent.
    `policies` default to the shipped policy file. Returns counts by kind."""
    policies = policies or load_policies(default_policy_file())
    counts: Counter[str] = Counter()

    def actor(when: datetime) -> Actor:
        return Actor(principal=principal, now=when)

    def count(kind: Kinds) -> None:
        counts[kind.value.label] += 1

    for name, description in TEAMS.items():
        await service.register_team(db, actor(at("02-02", "09:00")), name=name, description=description)
        count(Kinds.TEAM)

    for spec in DATASETS:
        await service.register_dataset(
            db, actor(at(spec.registered, "09:00")), namespace=spec.namespace, name=spec.name, owner=spec.owner,
            description=spec.description, tags=spec.tags, license=spec.license, privacy=spec.privacy,
            schema=[SchemaField(n, t) for n, t in spec.schema])
        count(Kinds.DATASET)
        # Raw sources land at midnight; the cleaning run writes its snapshot at 01:00 (below).
        landed = "01:00" if spec.namespace == "s3://curated" and spec.name.endswith("_clean") else "00:00"
        for version, rows in spec.versions.items():
            ref = DatasetVersionRef(spec.namespace, spec.name, version)
            created = at(version[5:], landed)
            await service.register_dataset_version(
                db, actor(created), namespace=ref.namespace, name=ref.name, version=ref.version,
                digest=digest(_dv_key(ref)), row_count=rows, created_at=created,
                description="Double-loaded partition: every transaction appears twice." if ref == CORRUPTED_RAW_VERSION
                else None)
            count(Kinds.DATASET_VERSION)

    for namespace, name, owner, description, tags in JOBS:
        await service.register_job(db, actor(at("02-16", "09:00")), namespace=namespace, name=name, owner=owner,
                                   description=description, tags=tags)
        count(Kinds.JOB)

    for job, raw, clean in CLEANING_RUNS:
        day = raw.version[5:]
        await service.register_run(
            db, actor(at(day, "01:00")), run_id=_run_id(f"{job}/{raw.version}"), job_namespace=ETL, job_name=job,
            state="COMPLETE", started_at=at(day, "00:30"), ended_at=at(day, "01:00"),
            code_repository=PIPELINES_REPO, code_commit=commit(f"pipelines/{job}"),
            parameters={"snapshot": raw.version, "dedupe": "true"},
            io=RunIO(used_dataset_versions=[raw], generated_dataset_versions=[clean]))
        count(Kinds.RUN)

    for spec in FEATURES:
        await service.register_feature(
            db, actor(at(spec.registered, "09:00")), group="credit", name=spec.name, owner="credit-risk",
            dtype=spec.dtype, transformation=spec.transformation, description=spec.description,
            tags=["credit"], derived_from_datasets=[DatasetRef(spec.source.namespace, spec.source.name)],
            derived_from_dataset_versions=[spec.source])
        count(Kinds.FEATURE)

    for name, owner, risk_tier, description, tags in MODELS:
        await service.register_model(db, actor(at("02-16", "09:00")), name=name, owner=owner,
                                     risk_tier=risk_tier, description=description, tags=tags)
        count(Kinds.MODEL)

    await service.register_model_version(db, actor(at("02-18", "12:00")), BASE_MODEL)
    count(Kinds.MODEL_VERSION)

    for when, event in _training_events():
        await service.register_training_event(db, actor(when), event)
        count(Kinds.RUN)
        count(Kinds.MODEL_VERSION)

    for plan in GOVERNANCE:
        await _govern(db, policies, plan)

    for environment, name, endpoint, history in DEPLOYMENTS:
        await _deploy(db, policies, principal, environment, name, endpoint, history)
        count(Kinds.DEPLOYMENT)

    return dict(sorted(counts.items()))


async def _govern(db: Database, policies: Policies, plan: Governance) -> None:
    """Record a version's checks and approvals and promote it through the gates, as people did then.
    Checks and approvals are idempotent; promotions the version has already made are not replayed
    (a version in PRODUCTION cannot be promoted to STAGING again)."""
    reviewer = REVIEWERS[plan.team]
    for kind in plan.checks:
        await governance.record_check(db, reviewer, plan.version, kind=kind, status="PASSED",
                                      evidence_uri=f"https://reviews.example.com/{plan.version.model_name}/"
                                                   f"{plan.version.version}/{kind}",
                                      at=at(plan.checked, "15:00"))
    current = await service.get_by_key(db, Kinds.MODEL_VERSION.value, {"model_name": plan.version.model_name,
                                                                        "version": plan.version.version})
    stages = [stage for stage, _ in plan.promotions]
    done = stages.index(current["stage"]) + 1 if current and current.get("stage") in stages else 0
    for stage, day in plan.promotions[done:]:
        for approver in APPROVERS[plan.team]:
            await governance.approve(db, policies, approver, plan.version, stage=stage, at=at(day, "08:00"),
                                     note="Reviewed the gate report and the evidence.")
        promoted = await governance.promote(db, policies, PROMOTER[plan.team], plan.version, stage,
                                            at=at(day, "09:00"))
        if not promoted.report.verdict.allowed:
            unmet = "; ".join(u.message for u in promoted.report.verdict.unmet)
            raise RuntimeError(f"the demo's promotion of {governance.version_key(_ref(plan.version))} to {stage} "
                               f"was refused: {unmet}")


def _ref(version: ModelVersionRef) -> dict:
    return {"model_name": version.model_name, "version": version.version}


async def _deploy(db: Database, policies: Policies, principal: str, environment: str, name: str, endpoint: str,
                  history: list[tuple[datetime, ModelVersionRef]]) -> None:
    """Register a deployment and replay the switches it has not seen yet.

    A switch is a change at a moment, not an upsert: re-sending an older one would make the
    deployment serve that version again. So only switches later than the deployment's current
    `since` are sent; on a second load there are none, and a switch made after the demo is kept.
    """
    first = history[0][0]
    await service.register_deployment(db, Actor(principal, first), policies=policies, environment=environment,
                                      name=name, endpoint=endpoint, status="ACTIVE")
    node = await service.get_by_key(db, Kinds.DEPLOYMENT.value, {"environment": environment, "name": name})
    since = _native((node or {}).get("since"))
    for when, version in history:
        if since is None or when > since:
            switched = await service.register_deployment(db, Actor(principal, when), policies=policies,
                                                         environment=environment, name=name, serving=version)
            if isinstance(switched, Refusal):  # the demo's story is that every switch passed its gate
                raise RuntimeError(f"the demo's switch of {environment}/{name} was refused: {switched.message}")


def _native(value):
    return value.to_native() if hasattr(value, "to_native") else value
