"""The promotion gate: a verdict from the policy and the facts read about one model version.

Pure: no database here. The service reads every fact in one statement (`governance.gate_facts`)
and hands them over; the same function answers `gateStatus` and `promoteModelVersion`, so the
two can never disagree. Every unmet requirement is listed, not just the first, so a team fixes
everything in one round. `evaluate_environment` is the same rule applied where traffic is served:
what a deployment switch requires of the version it switches to.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from app.governance.policy import PRIVACY_REVIEW, LineageRules, Policies, StagePolicy, TierRequirements


class Requirement(enum.Enum):
    TRANSITION = "TRANSITION"                    # the target stage cannot be entered from the current one
    QUARANTINED = "QUARANTINED"                  # the version itself is quarantined
    NAMING = "NAMING"                            # the model name or version breaks the stage's convention
    CHECK = "CHECK"                              # a required check is missing, failed or not waivable
    METRIC = "METRIC"                            # an evaluation metric is missing or outside its threshold
    APPROVALS = "APPROVALS"                      # fewer distinct qualified approvers than required
    LICENSE = "LICENSE"                          # an upstream dataset's licence is not allowed for the stage
    PRIVACY_REVIEW = "PRIVACY_REVIEW"            # upstream data of a privacy class needs a passed privacy review
    UPSTREAM_QUARANTINED = "UPSTREAM_QUARANTINED"  # something upstream is quarantined
    STAGE = "STAGE"                              # a deployment's environment does not serve the version's stage
    ARTIFACT_DRIFT = "ARTIFACT_DRIFT"            # the last verification found the artifact (or upstream's) DRIFT / MISSING


@dataclass(frozen=True)
class Unmet:
    """One requirement the version does not meet, with what a person needs to fix it."""

    kind: Requirement
    message: str
    dataset: str | None = None        # namespace/name of the upstream dataset at fault
    license: str | None = None
    privacy_class: str | None = None
    check: str | None = None          # the check kind
    status: str | None = None         # the check's recorded status, null when none was recorded
    metric: str | None = None
    min: float | None = None
    max: float | None = None
    value: float | None = None        # the offending recorded value
    have: int | None = None           # approvals counted
    need: int | None = None           # approvals required
    field: str | None = None          # `model` or `version` for naming
    pattern: str | None = None
    node: str | None = None           # the quarantined node, as `kind key`
    stage: str | None = None          # the version's stage, for STAGE
    outcome: str | None = None        # ARTIFACT_DRIFT: the last verification's outcome (DRIFT, MISSING)
    expected_digest: str | None = None  # ARTIFACT_DRIFT: the recorded digest
    actual_digest: str | None = None    # ARTIFACT_DRIFT: the digest read from the store (null when it is gone)


@dataclass(frozen=True)
class GateFacts:
    """Everything the gate looks at, as read in one statement."""

    model_name: str
    version: str
    stage: str
    quarantined: bool
    risk_tier: str | None
    authors: frozenset[str]                  # the version's creator and its producing runs' creators
    checks: dict[str, dict]                  # kind -> {status, note, evidence_uri, recorded_by, recorded_at}
    approvals: list[dict]                    # for the target stage: {approver, roles}
    evaluations: list[dict]                  # {metric, value, dataset}
    datasets: list[dict]                     # upstream: {namespace, name, license, privacy}
    quarantined_upstream: list[str]          # `kind key` of each quarantined upstream node
    # The version's and its upstream versions' artifacts whose last verification found DRIFT or
    # MISSING: {node (`kind key`), outcome, expected_digest, actual_digest, detail, verified_at}.
    drifted_artifacts: list[dict] = field(default_factory=list)

    @classmethod
    def from_record(cls, record: dict) -> GateFacts:
        """The facts of one `governance.gate_facts` row."""
        node = record["version"]
        return cls(
            model_name=node["model_name"], version=node["version"], stage=node.get("stage") or "DEVELOPMENT",
            quarantined=bool(node.get("quarantined")), risk_tier=record["risk_tier"],
            authors=frozenset(record["authors"]),
            checks={check["kind"]: check for check in record["checks"]},
            approvals=sorted(record["approvals"], key=lambda a: a["approver"]),
            evaluations=record["evaluations"],
            datasets=sorted(record["datasets"], key=lambda d: (d["namespace"], d["name"])),
            quarantined_upstream=sorted(set(record["quarantined"])),
            drifted_artifacts=sorted((dict(a) for a in record.get("drifted_artifacts") or []),
                                     key=lambda a: (not a["own"], a["node"])),
        )


@dataclass(frozen=True)
class Verdict:
    stage: str                               # the target stage
    current_stage: str
    risk_tier: str                           # the tier the policy was applied for
    unmet: list[Unmet] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.unmet


def evaluate(policies: Policies, facts: GateFacts, target: str) -> Verdict:
    """Every requirement of entering `target` that `facts` leave unmet."""
    tier = facts.risk_tier or policies.unrated_tier
    stage_policy = policies.for_stage(target)
    if stage_policy is None:
        unmet = [Unmet(Requirement.TRANSITION, f"No promotion enters {target}: the policy file "
                                               f"({policies.source or 'policies'}) has no rules for it.")]
        return Verdict(target, facts.stage, tier, unmet)
    requirements = stage_policy.for_tier(tier)
    unmet = [
        *_transition(stage_policy, facts, target),
        *_naming(stage_policy, facts),
        *_checks(requirements, facts, _privacy_reviews_needed(stage_policy, facts)),
        *_metrics(requirements, facts),
        *_approvals(requirements, facts, target),
        *_licenses(stage_policy, facts),
        *_quarantine(stage_policy, facts),
        *_artifacts(facts),
    ]
    return Verdict(target, facts.stage, tier, unmet)


@dataclass(frozen=True)
class EnvironmentVerdict:
    """Whether a deployment in `environment` may switch to the version the facts describe."""

    environment: str
    model_version: str                       # credit-scoring@2
    stage: str                               # the version's current stage
    gate: str | None                         # the stage whose gate was applied, when the policy names one
    unmet: list[Unmet] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.unmet


def evaluate_environment(policies: Policies, facts: GateFacts, environment: str, *,
                         never_quarantined: bool = False) -> EnvironmentVerdict:
    """Every requirement the policy's `environments.<environment>` sets on the version a deployment
    serves, left unmet by `facts` (read for the environment's gate stage). An environment the policy
    does not list needs nothing, unless `never_quarantined` (a rollback never returns to a
    quarantined version, wherever it runs)."""
    rule = policies.for_environment(environment)
    key = _key(facts)
    quarantined = facts.quarantined or facts.stage == "QUARANTINED"
    unmet: list[Unmet] = []
    if quarantined and (rule is not None or never_quarantined):
        unmet.append(Unmet(Requirement.QUARANTINED, f"{key} is quarantined: it may not serve in {environment} until "
                                                    "incident response releases it."))
    if rule is None:
        return EnvironmentVerdict(environment, key, facts.stage, None, unmet)
    if facts.stage not in rule.stages:
        unmet.append(Unmet(Requirement.STAGE, f"{environment} serves versions in stage {' or '.join(rule.stages)}; "
                                              f"{key} is {facts.stage}.", stage=facts.stage))
    if rule.gate is not None:
        verdict = evaluate(policies, facts, rule.gate)
        # The stage requirement above is the environment's form of TRANSITION; quarantine is listed once.
        unmet += [u for u in verdict.unmet if u.kind not in (Requirement.TRANSITION, Requirement.QUARANTINED)]
    else:
        stage_policy = policies.for_stage(facts.stage)
        lineage = stage_policy.lineage if stage_policy is not None else LineageRules()
        if lineage.block_quarantined:
            unmet += [Unmet(Requirement.UPSTREAM_QUARANTINED, f"Upstream {node} is quarantined.", node=node)
                      for node in facts.quarantined_upstream]
        unmet += _artifacts(facts)
    return EnvironmentVerdict(environment, key, facts.stage, rule.gate, unmet)


def _transition(policy: StagePolicy, facts: GateFacts, target: str) -> list[Unmet]:
    unmet = []
    if facts.quarantined or facts.stage == "QUARANTINED":
        unmet.append(Unmet(Requirement.QUARANTINED, f"{_key(facts)} is quarantined: incident response must release "
                                                    "it before any promotion."))
    # Already there: the requirements still apply (the version must be fit for where it is).
    elif facts.stage != target and facts.stage not in policy.allowed_from:
        allowed = ", ".join(policy.allowed_from)
        unmet.append(Unmet(Requirement.TRANSITION, f"{target} is entered from {allowed}, not from {facts.stage}."))
    return unmet


def _naming(policy: StagePolicy, facts: GateFacts) -> list[Unmet]:
    unmet = []
    for field_name, value, pattern in (("model", facts.model_name, policy.naming.model),
                                       ("version", facts.version, policy.naming.version)):
        if pattern is not None and re.fullmatch(pattern, value) is None:
            unmet.append(Unmet(Requirement.NAMING, f"The {field_name} {value!r} does not match {pattern!r}, the "
                                                   "naming convention of the stage.", field=field_name, pattern=pattern))
    return unmet


def _privacy_reviews_needed(policy: StagePolicy, facts: GateFacts) -> list[dict]:
    """The upstream datasets whose privacy class calls for a privacy review in this stage."""
    return [d for d in facts.datasets if d.get("privacy") in policy.lineage.privacy_review_for]


def _checks(requirements: TierRequirements, facts: GateFacts, private_datasets: list[dict]) -> list[Unmet]:
    unmet = []
    for kind in requirements.checks:
        if kind == PRIVACY_REVIEW and private_datasets:
            continue  # reported once below, naming the datasets that call for it
        problem = _check_problem(kind, facts.checks.get(kind), waivable=kind in requirements.waivable)
        if problem:
            unmet.append(Unmet(Requirement.CHECK, problem, check=kind, status=_status(facts, kind)))
    review_problem = _check_problem(PRIVACY_REVIEW, facts.checks.get(PRIVACY_REVIEW),
                                    waivable=PRIVACY_REVIEW in requirements.waivable)
    if private_datasets and review_problem:
        for dataset in private_datasets:
            unmet.append(Unmet(Requirement.PRIVACY_REVIEW,
                               f"Upstream dataset {_dataset(dataset)} is {dataset['privacy']}: {review_problem}",
                               dataset=_dataset(dataset), privacy_class=dataset["privacy"], check=PRIVACY_REVIEW,
                               status=_status(facts, PRIVACY_REVIEW)))
    return unmet


def _check_problem(kind: str, check: dict | None, *, waivable: bool) -> str | None:
    """Why a recorded check does not count (None when it does)."""
    if check is None:
        return f"The {kind} check must be recorded with status PASSED; none is."
    if check["status"] == "PASSED" or (check["status"] == "WAIVED" and waivable):
        return None
    if check["status"] == "WAIVED":
        return f"The {kind} check is WAIVED, and this stage does not accept a waiver for it: it must be PASSED."
    return f"The {kind} check is recorded as {check['status']}: it must be PASSED."


def _status(facts: GateFacts, kind: str) -> str | None:
    check = facts.checks.get(kind)
    return check["status"] if check else None


def _metrics(requirements: TierRequirements, facts: GateFacts) -> list[Unmet]:
    unmet = []
    for threshold in requirements.metrics:
        bounds = _bounds(threshold.min, threshold.max)
        values = [e for e in facts.evaluations if e["metric"] == threshold.metric]
        if not values:
            unmet.append(Unmet(Requirement.METRIC, f"No {threshold.metric} evaluation is recorded; it must be {bounds}.",
                               metric=threshold.metric, min=threshold.min, max=threshold.max))
        for evaluation in values:
            value = evaluation["value"]
            if (threshold.min is not None and value < threshold.min) or (threshold.max is not None and value > threshold.max):
                unmet.append(Unmet(Requirement.METRIC, f"{threshold.metric} is {value:g} on {evaluation['dataset']}; it "
                                                       f"must be {bounds}.", metric=threshold.metric,
                                   min=threshold.min, max=threshold.max, value=value, dataset=evaluation["dataset"]))
    return unmet


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"between {low:g} and {high:g}"
    return f"at least {low:g}" if low is not None else f"at most {high:g}"


def _approvals(requirements: TierRequirements, facts: GateFacts, target: str) -> list[Unmet]:
    rule = requirements.approvals
    if rule.count == 0:
        return []
    qualified = {a["approver"] for a in facts.approvals
                 if a["approver"] not in facts.authors and set(a["roles"] or []) & set(rule.roles)}
    if len(qualified) >= rule.count:
        return []
    roles = ", ".join(rule.roles)
    return [Unmet(Requirement.APPROVALS, f"{rule.count} approvals for {target} by distinct people holding {roles} "
                                         f"(not the version's author) are required; {len(qualified)} recorded.",
                  have=len(qualified), need=rule.count)]


def _licenses(policy: StagePolicy, facts: GateFacts) -> list[Unmet]:
    allowed = policy.lineage.allowed_licenses
    if allowed is None:
        return []
    unmet = []
    for dataset in facts.datasets:
        license_id = dataset.get("license")
        if license_id in allowed:
            continue
        terms = f"licensed {license_id}" if license_id else "without a recorded licence"
        unmet.append(Unmet(Requirement.LICENSE, f"Upstream dataset {_dataset(dataset)} is {terms}; this stage allows "
                                                f"{', '.join(allowed)}.", dataset=_dataset(dataset), license=license_id))
    return unmet


def _quarantine(policy: StagePolicy, facts: GateFacts) -> list[Unmet]:
    if not policy.lineage.block_quarantined:
        return []
    return [Unmet(Requirement.UPSTREAM_QUARANTINED, f"Upstream {node} is quarantined.", node=node)
            for node in facts.quarantined_upstream]


def _artifacts(facts: GateFacts) -> list[Unmet]:
    """Drift or a missing artifact, the version's own or an upstream version's, blocks every stage and every
    listed environment whatever the policy says: what would be promoted or served is not what was
    registered. Resolved by a later verification that matches (README "Artifact verification")."""
    unmet = []
    for artifact in facts.drifted_artifacts:
        whose = "Its artifact" if artifact["own"] else f"The artifact of upstream {artifact['node']}"
        found = ("is no longer stored where it is recorded" if artifact["outcome"] == "MISSING"
                 else f"no longer matches its recorded digest {artifact['expected_digest']} "
                      f"(read: {artifact['actual_digest']})")
        detail = f" {artifact['detail']}" if artifact.get("detail") else ""
        unmet.append(Unmet(Requirement.ARTIFACT_DRIFT,
                           f"{whose} {found}: its last verification found {artifact['outcome']}.{detail} "
                           "Restore it and verify again (lineagegraph artifacts verify).",
                           node=artifact["node"], outcome=artifact["outcome"],
                           expected_digest=artifact["expected_digest"], actual_digest=artifact["actual_digest"]))
    return unmet


def _key(facts: GateFacts) -> str:
    return f"{facts.model_name}@{facts.version}"


def _dataset(dataset: dict) -> str:
    return f"{dataset['namespace']}/{dataset['name']}"
