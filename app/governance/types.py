"""GraphQL types of governance: the policy in force, checks, approvals, the gate's verdict and a refused switch."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.catalog import loaders as catalog_loaders
from app.catalog.types import Environment, ModelVersion, RiskTier, Stage, from_node
from app.core.context import Info
from app.core.kinds import Kinds
from app.governance import service
from app.governance.deployment import Refusal
from app.governance.gate import Unmet
from app.governance.policy import Policies, StagePolicy, TierRequirements
from app.core.vocabulary import graphql_enum


CheckKind = graphql_enum("CheckKind")
CheckStatus = graphql_enum("CheckStatus")
RequirementKind = graphql_enum("RequirementKind")
ArtifactOutcome = graphql_enum("ArtifactOutcome")


@strawberry.type(description="A bound on an evaluation metric: every recorded value must meet it.")
class MetricThreshold:
    metric: str = strawberry.field(description="The metric's name, e.g. `auc`.")
    min: float | None = strawberry.field(description="The lowest value allowed; null when unbounded below.")
    max: float | None = strawberry.field(description="The highest value allowed; null when unbounded above.")


@strawberry.type(description="What a model of one risk tier needs to enter a stage.")
class TierPolicy:
    risk_tier: RiskTier = strawberry.field(description="The model's risk tier these requirements apply to.")
    checks: list[CheckKind] = strawberry.field(description="Checks that must be recorded with status PASSED.")
    waivable: list[CheckKind] = strawberry.field(description="Checks for which a WAIVED outcome counts as met.")
    metrics: list[MetricThreshold] = strawberry.field(description="Thresholds on evaluation metrics.")
    approvals: int = strawberry.field(description="How many distinct people must approve (never the author).")
    approver_roles: list[str] = strawberry.field(
        description="The roles an approver must hold one of (role names: `approver`, `product_owner` …).")


@strawberry.type(description="Everything required to enter one stage, as the policy file says.")
class StagePolicyView:
    stage: Stage = strawberry.field(description="The target stage.")
    allowed_from: list[Stage] = strawberry.field(description="The stages a version may be promoted from.")
    model_name_pattern: str | None = strawberry.field(
        description="A regular expression the model name must match in full; null when any name will do.")
    version_pattern: str | None = strawberry.field(
        description="A regular expression the version must match in full; null when any version will do.")
    allowed_licenses: list[str] | None = strawberry.field(
        description="Licences allowed on upstream datasets at any depth; null when any licence is allowed.")
    privacy_review_for: list[str] = strawberry.field(
        description="Privacy classes upstream that require a passed privacy_review check, e.g. `PII`.")
    block_quarantined: bool = strawberry.field(description="Whether anything quarantined upstream blocks the promotion.")
    tiers: list[TierPolicy] = strawberry.field(
        description="Requirements per risk tier; a tier not listed needs nothing more.")


@strawberry.type(description="What a deployment in one environment requires of the version it serves, at every switch.")
class EnvironmentPolicyView:
    environment: Environment = strawberry.field(description="The environment.")
    stages: list[Stage] = strawberry.field(description="The stages a served version may be in.")
    gate: Stage | None = strawberry.field(
        description="The stage whose promotion gate must pass at switch time; null when only the stage is required.")


@strawberry.type(description="The promotion policy in force: the policy file the service started with.")
class PolicySet:
    source: str = strawberry.field(description="The policy file it was read from.")
    unrated_tier: RiskTier = strawberry.field(description="The risk tier a model without one is gated as.")
    stages: list[StagePolicyView] = strawberry.field(description="The rules per target stage.")
    environments: list[EnvironmentPolicyView] = strawberry.field(
        description="The deployment gate per environment; an environment not listed needs nothing of what it serves.")


def _tier_view(tier: str, rules: TierRequirements) -> TierPolicy:
    return TierPolicy(
        risk_tier=RiskTier(tier), checks=[CheckKind(k) for k in rules.checks],
        waivable=[CheckKind(k) for k in rules.waivable],
        metrics=[MetricThreshold(metric=m.metric, min=m.min, max=m.max) for m in rules.metrics],
        approvals=rules.approvals.count, approver_roles=list(rules.approvals.roles))


def _stage_view(stage: str, rules: StagePolicy) -> StagePolicyView:
    return StagePolicyView(
        stage=Stage(stage), allowed_from=[Stage(s) for s in rules.allowed_from],
        model_name_pattern=rules.naming.model, version_pattern=rules.naming.version,
        allowed_licenses=rules.lineage.allowed_licenses, privacy_review_for=list(rules.lineage.privacy_review_for),
        block_quarantined=rules.lineage.block_quarantined,
        tiers=[_tier_view(tier, requirements) for tier, requirements in rules.tiers.items()])


def policy_view(policies: Policies) -> PolicySet:
    return PolicySet(source=policies.source, unrated_tier=RiskTier(policies.unrated_tier),
                     stages=[_stage_view(stage, rules) for stage, rules in policies.stages.items()],
                     environments=[EnvironmentPolicyView(environment=Environment(environment),
                                                         stages=[Stage(s) for s in rule.stages],
                                                         gate=Stage(rule.gate) if rule.gate else None)
                                   for environment, rule in policies.environments.items()])


@strawberry.type(description="The outcome of one check of a model version, as last recorded.")
class RecordedCheck:
    kind: CheckKind = strawberry.field(description="What was checked.")
    status: CheckStatus = strawberry.field(description="Its outcome.")
    evidence_uri: str | None = strawberry.field(description="Where the evidence is (report, ticket); null when none was given.")
    note: str | None = strawberry.field(description="Free text; the reason, for a waiver.")
    recorded_by: str = strawberry.field(description="The principal that recorded this outcome.")
    recorded_at: datetime = strawberry.field(description="When this outcome was recorded.")


@strawberry.type(description="One person's approval of a model version for a target stage.")
class RecordedApproval:
    approver: str = strawberry.field(description="The principal that approved.")
    roles: list[str] = strawberry.field(description="The roles they held when approving (the policy counts these).")
    stage: Stage = strawberry.field(description="The stage it approves the version for.")
    note: str | None = strawberry.field(description="Free text given with the approval.")
    approved_at: datetime = strawberry.field(description="When it was given.")


@strawberry.type(description="One requirement of the policy that the version does not meet, and what would meet it.")
class UnmetRequirement:
    kind: RequirementKind = strawberry.field(description="Which kind of requirement.")
    message: str = strawberry.field(description="What is missing and how to meet it, for a person to read.")
    dataset: str | None = strawberry.field(
        description="The upstream dataset at fault (`namespace/name`), or the dataset version a metric was measured on.")
    license: str | None = strawberry.field(description="That dataset's licence; null when it has none recorded.")
    privacy_class: str | None = strawberry.field(description="That dataset's privacy class, for a privacy review.")
    check: CheckKind | None = strawberry.field(description="The check required.")
    status: CheckStatus | None = strawberry.field(description="That check's recorded status; null when none is recorded.")
    metric: str | None = strawberry.field(description="The metric with a threshold.")
    min: float | None = strawberry.field(description="The metric's lowest allowed value.")
    max: float | None = strawberry.field(description="The metric's highest allowed value.")
    value: float | None = strawberry.field(description="The recorded value outside the threshold.")
    have: int | None = strawberry.field(description="Qualified approvals recorded.")
    need: int | None = strawberry.field(description="Approvals required.")
    field: str | None = strawberry.field(description="For naming: `model` or `version`.")
    pattern: str | None = strawberry.field(description="For naming: the regular expression it must match.")
    node: str | None = strawberry.field(
        description="For quarantine: the quarantined upstream record, as `Kind key` (`DatasetVersion s3://raw/t@1`).")
    stage: Stage | None = strawberry.field(
        description="For STAGE: the stage the version is in, which the deployment's environment does not serve.")
    outcome: ArtifactOutcome | None = strawberry.field(
        description="For ARTIFACT_DRIFT: what the last verification of the artifact (`node`'s) found, DRIFT or MISSING.")
    expected_digest: str | None = strawberry.field(description="For ARTIFACT_DRIFT: the recorded digest.")
    actual_digest: str | None = strawberry.field(
        description="For ARTIFACT_DRIFT: the digest read from the store; null when the artifact is gone.")


@strawberry.type(description="The verdict of the promotion gate, and what it was reached on.")
class GateStatus:
    allowed: bool = strawberry.field(description="True when a promotion to the stage would be accepted now.")
    stage: Stage = strawberry.field(description="The target stage evaluated.")
    current_stage: Stage = strawberry.field(description="The stage the version is in.")
    risk_tier: RiskTier = strawberry.field(description="The risk tier the policy was applied for.")
    unmet: list[UnmetRequirement] = strawberry.field(description="Every requirement not met; empty when allowed.")
    checks: list[RecordedCheck] = strawberry.field(description="The checks recorded against the version.")
    approvals: list[RecordedApproval] = strawberry.field(description="The approvals recorded for the target stage.")


def _unmet_view(unmet: Unmet) -> UnmetRequirement:
    return UnmetRequirement(
        kind=RequirementKind(unmet.kind.value), message=unmet.message, dataset=unmet.dataset, license=unmet.license,
        privacy_class=unmet.privacy_class, check=CheckKind(unmet.check) if unmet.check else None,
        status=CheckStatus(unmet.status) if unmet.status else None, metric=unmet.metric, min=unmet.min,
        max=unmet.max, value=unmet.value, have=unmet.have, need=unmet.need, field=unmet.field,
        pattern=unmet.pattern, node=unmet.node, stage=Stage(unmet.stage) if unmet.stage else None,
        outcome=ArtifactOutcome(unmet.outcome) if unmet.outcome else None, expected_digest=unmet.expected_digest,
        actual_digest=unmet.actual_digest)


def check_view(check: dict) -> RecordedCheck:
    return RecordedCheck(kind=CheckKind(check["kind"]), status=CheckStatus(check["status"]),
                         evidence_uri=check.get("evidence_uri"), note=check.get("note"),
                         recorded_by=check["recorded_by"], recorded_at=_native(check["recorded_at"]))


def approval_view(approval: dict) -> RecordedApproval:
    return RecordedApproval(approver=approval["approver"], roles=list(approval.get("roles") or []),
                            stage=Stage(approval["stage"]), note=approval.get("note"),
                            approved_at=_native(approval["approved_at"]))


def gate_view(report: service.GateReport) -> GateStatus:
    verdict, facts = report.verdict, report.facts
    approvals = [{**a, "stage": verdict.stage} for a in facts.approvals]
    return GateStatus(allowed=verdict.allowed, stage=Stage(verdict.stage), current_stage=Stage(verdict.current_stage),
                      risk_tier=RiskTier(verdict.risk_tier), unmet=[_unmet_view(u) for u in verdict.unmet],
                      checks=[check_view(c) for c in sorted(facts.checks.values(), key=lambda c: c["kind"])],
                      approvals=[approval_view(a) for a in approvals])


def _native(value):
    return value.to_native() if hasattr(value, "to_native") else value


@strawberry.type(description="An earlier version a rollback considered, and what it lacks to serve again now.")
class RollbackCandidate:
    model_version: ModelVersion = strawberry.field(description="The version the deployment served before.")
    last_served: datetime | None = strawberry.field(description="When the deployment last stopped serving it.")
    unmet: list[UnmetRequirement] = strawberry.field(
        description="Every requirement of the environment it does not meet now; empty when it would be chosen.")


@strawberry.type(description="The policy refuses a deployment switch (registerDeployment, rollbackDeployment): every "
                             "unmet requirement is listed, and nothing was written but the audit event of the denied "
                             "attempt. An admin may override with `breakGlass`.")
class DeploymentRefused:
    code: str = strawberry.field(description="Always `DEPLOYMENT_REFUSED`.")
    message: str = strawberry.field(description="A summary for a person to read.")
    environment: Environment = strawberry.field(description="The deployment's environment, whose requirements apply.")
    name: str = strawberry.field(description="The deployment's name within the environment.")
    unmet: list[UnmetRequirement] = strawberry.field(
        description="Every requirement not met, all at once (for a rollback, every candidate's, in candidate order).")
    candidates: list[RollbackCandidate] = strawberry.field(
        description="For a rollback: the earlier versions considered, most recently served first, each with what it "
                    "lacks; empty for registerDeployment.")
    served: strawberry.Private[tuple[str, str] | None]

    @strawberry.field(description="The version the switch would have served; null for a rollback (see `candidates`).")
    async def model_version(self, info: Info) -> ModelVersion | None:
        if self.served is None:
            return None
        return from_node(ModelVersion, await catalog_loaders.by_key(info, Kinds.MODEL_VERSION.value).load(self.served))


def deployment_refused(refusal: Refusal) -> DeploymentRefused:
    """The GraphQL answer of a refused deployment switch."""
    served = None
    if refusal.verdict is not None:
        model_name, _, version = refusal.verdict.model_version.rpartition("@")
        served = (model_name, version)
    return DeploymentRefused(
        code="DEPLOYMENT_REFUSED", message=refusal.message, environment=Environment(refusal.environment),
        name=refusal.name, served=served, unmet=[_unmet_view(u) for u in refusal.unmet],
        candidates=[RollbackCandidate(model_version=from_node(ModelVersion, candidate["version"]),
                                      last_served=_native(candidate["last_served"]),
                                      unmet=[_unmet_view(u) for u in verdict.unmet])
                    for candidate, verdict in refusal.candidates])
