"""An independent model of what lies upstream of the demo's credit-scoring versions, built from what
app/cli/demo.py declares (its datasets, cleaning runs, features and deployments) and from the story it
tells of each version's training run, never from an answer of the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.catalog.service import DatasetVersionRef, FeatureRef, ModelVersionRef
from app.cli import demo


def _curated(name: str, day: str) -> DatasetVersionRef:
    return DatasetVersionRef("s3://curated", name, day)


# What each version's training run read (the demo's story: version 1 on the 2026-03-01 snapshots and
# `customer_tenure`; version 2 on the corrupted cleaned transactions and the feature store; version 3
# on the corrected 2026-03-15 snapshots and the bureau scores, adding `bureau_score`).
TRAINED_ON: dict[str, tuple[list[DatasetVersionRef], list[FeatureRef]]] = {
    "1": ([_curated("transactions_clean", "2026-03-01"), _curated("customers_clean", "2026-03-01")],
          [FeatureRef("credit", "customer_tenure")]),
    "2": ([demo.CORRUPTED_CLEAN_VERSION, _curated("customers_clean", "2026-03-01")],
          [*demo.IMPACTED_FEATURES, FeatureRef("credit", "customer_tenure")]),
    "3": ([_curated("transactions_clean", "2026-03-15"), _curated("customers_clean", "2026-03-15"),
           DatasetVersionRef(demo.EXTERNALLY_LICENSED_SOURCE.namespace, demo.EXTERNALLY_LICENSED_SOURCE.name,
                             "2026-03-08")],
          [FeatureRef("credit", "customer_tenure"), FeatureRef("credit", "bureau_score")]),
}


def label(ref: DatasetVersionRef) -> str:
    return f"{ref.namespace}/{ref.name}@{ref.version}"


@dataclass(frozen=True)
class Upstream:
    dataset_versions: set[str]
    datasets: set[str]
    raw_sources: set[str]
    licenses: set[str]
    privacy_classes: set[str]


def upstream_of_credit_scoring(version: str) -> Upstream:
    """Every dataset version and dataset upstream of credit-scoring@`version`, its raw sources (datasets
    no cleaning run wrote), and the licences and privacy classes of those datasets."""
    datasets_read, features = TRAINED_ON[version]
    by_name = {(f.name): f for f in demo.FEATURES}
    produced_by = {clean: raw for _, raw, clean in demo.CLEANING_RUNS}  # cleaned version -> raw version read
    versions: set[DatasetVersionRef] = set(datasets_read)
    whole_datasets: set[tuple[str, str]] = set()
    for feature in features:
        source = by_name[feature.name].source  # a feature derives from a version and from its whole dataset
        versions.add(source)
        whole_datasets.add((source.namespace, source.name))
    frontier = list(versions)
    while frontier:
        raw = produced_by.get(frontier.pop())
        if raw is not None and raw not in versions:
            versions.add(raw)
            frontier.append(raw)
    datasets = {(v.namespace, v.name) for v in versions} | whole_datasets
    written = {(clean.namespace, clean.name) for clean in produced_by}
    raw_sources = {(v.namespace, v.name) for v in versions if v not in produced_by}
    raw_sources |= {d for d in whole_datasets if d not in written}
    specs = {(s.namespace, s.name): s for s in demo.DATASETS}
    return Upstream(
        dataset_versions={label(v) for v in versions},
        datasets={f"{ns}/{name}" for ns, name in datasets},
        raw_sources={f"{ns}/{name}" for ns, name in raw_sources},
        licenses={specs[d].license for d in datasets if specs[d].license},
        privacy_classes={specs[d].privacy for d in datasets},
    )


def served_at(environment: str, name: str, moment: datetime) -> ModelVersionRef | None:
    """What the demo's deployment served at `moment`, from its declared switches."""
    for env, deployment, _, history in demo.DEPLOYMENTS:
        if (env, deployment) == (environment, name):
            current = None
            for since, version in history:
                if since <= moment:
                    current = version
            return current
    raise KeyError((environment, name))


@dataclass(frozen=True)
class Governed:
    checks: set[tuple[str, str, str, datetime]]            # (kind, status, by, at)
    approvals: set[tuple[str, str, tuple[str, ...], datetime]]  # (stage, approver, roles, at)
    promotions: list[tuple[str, str, datetime]]            # (stage, by, since), after DEVELOPMENT


def governed(version: ModelVersionRef, moment: datetime) -> Governed:
    """The checks, approvals and promotions the demo records for `version`, those made by `moment`."""
    plan = next(p for p in demo.GOVERNANCE if p.version == version)
    reviewer = demo.REVIEWERS[plan.team].name
    checked = demo.at(plan.checked, "15:00")
    checks = {(kind, "PASSED", reviewer, checked) for kind in plan.checks if checked <= moment}
    approvals, promotions = set(), []
    for stage, day in plan.promotions:
        for approver in demo.APPROVERS[plan.team]:
            if demo.at(day, "08:00") <= moment:
                approvals.add((stage, approver.name, tuple(sorted(r.value for r in approver.roles)),
                               demo.at(day, "08:00")))
        if demo.at(day, "09:00") <= moment:
            promotions.append((stage, demo.PROMOTER[plan.team].name, demo.at(day, "09:00")))
    return Governed(checks=checks, approvals=approvals, promotions=promotions)
