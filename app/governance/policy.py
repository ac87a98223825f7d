"""The promotion policy: a YAML file in the repository (`policies/promotion.yaml`), read once at
start-up and validated completely, so a mistake stops the service with the file and the field
named instead of surfacing as a wrong verdict at the first promotion.

Per target stage: which stages a version may come from, naming conventions, lineage rules
(licences allowed upstream, privacy classes that need a privacy review, nothing quarantined) and,
per risk tier of the model, the checks, metric thresholds and approvals required. Per deployment
environment: the stages a version it serves may be in, and the stage whose gate it must pass when
a deployment switches to it (app/governance/gate.evaluate_environment).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from app.core import vocabulary


# The policy file's vocabularies are the registry's (app/core/vocabulary.toml). Promotion targets:
# QUARANTINED is set by incident response, never by a promotion.
SourceStage = Literal[vocabulary.STAGES]
Stage = Literal[tuple(stage for stage in vocabulary.STAGES if stage != "QUARANTINED")]
RiskTier = Literal[vocabulary.RISK_TIERS]
PrivacyClass = Literal[vocabulary.PRIVACY_CLASSES]
CheckKind = Literal[vocabulary.CHECK_KINDS]
Environment = Literal[vocabulary.ENVIRONMENTS]
RoleName = Literal[vocabulary.values("Role")]

CHECK_KINDS: tuple[str, ...] = vocabulary.CHECK_KINDS
# The check a privacy class upstream calls for (README "Promotion and policies").
PRIVACY_REVIEW = "privacy_review"


class PolicyFileError(RuntimeError):
    """A policy file that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    # A misspelt key is an error, not a silently ignored rule.
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetricThreshold(_Strict):
    """Every recorded value of `metric` (on any dataset version) must lie within [min, max]."""

    metric: str
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounded(self) -> MetricThreshold:
        if self.min is None and self.max is None:
            raise ValueError("a threshold needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class Approvals(_Strict):
    """`count` distinct people holding any of `roles`, none of them the version's author."""

    count: Annotated[int, Field(ge=0, le=20)] = 0
    roles: list[RoleName] = Field(default_factory=lambda: ["approver"])

    @model_validator(mode="after")
    def _someone_can_approve(self) -> Approvals:
        if self.count > 0 and not self.roles:
            raise ValueError("approvals need at least one role when count is above 0")
        return self


class TierRequirements(_Strict):
    """What a model of one risk tier needs to enter the stage."""

    checks: list[CheckKind] = Field(default_factory=list)
    # Kinds for which a recorded WAIVED (with its reason) counts as met; otherwise only PASSED does.
    waivable: list[CheckKind] = Field(default_factory=list)
    metrics: list[MetricThreshold] = Field(default_factory=list)
    approvals: Approvals = Field(default_factory=Approvals)


class Naming(_Strict):
    """Regular expressions the model name and the version string must match in full."""

    model: str | None = None
    version: str | None = None

    @field_validator("model", "version")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return pattern


class LineageRules(_Strict):
    """Rules on everything upstream of the version, at any depth."""

    # SPDX ids (or `proprietary`) allowed on upstream datasets; null allows any. A dataset with no
    # recorded licence is refused when a list is given: unknown terms are not known to be allowed.
    allowed_licenses: list[str] | None = None
    # Upstream data of these classes requires a passed privacy_review check on the version.
    privacy_review_for: list[PrivacyClass] = Field(default_factory=list)
    # Nothing upstream (dataset versions, model versions) may be quarantined.
    block_quarantined: bool = True


class StagePolicy(_Strict):
    """Everything required to enter one stage."""

    allowed_from: list[SourceStage]
    naming: Naming = Field(default_factory=Naming)
    lineage: LineageRules = Field(default_factory=LineageRules)
    tiers: dict[RiskTier, TierRequirements] = Field(default_factory=dict)

    def for_tier(self, tier: str) -> TierRequirements:
        """A tier the file leaves out has no checks, thresholds or approvals to meet."""
        return self.tiers.get(tier, TierRequirements())


class EnvironmentPolicy(_Strict):
    """What a deployment in one environment requires of the version it serves, at every switch."""

    # The stages a served version may be in (QUARANTINED never: incident response sets it).
    stages: Annotated[list[Stage], Field(min_length=1)]
    # When given, the promotion gate of this stage (checks, approvals, lineage rules …) must pass
    # at the moment of the switch, not only when the version was promoted.
    gate: Stage | None = None


# --- team scope of governance actions (README "Authorization") ------------------------------------

CrossTeamAction = Literal["record_check", "approve", "promote"]


class CrossTeam(_Strict):
    """Who may record checks on, approve or promote another team's model versions: by action, the
    roles allowed to act across teams (holding any one is enough). Everyone else acts only on what
    their teams own (or nobody does); admins act anywhere. Empty by default: nobody crosses."""

    record_check: list[RoleName] = Field(default_factory=list)
    approve: list[RoleName] = Field(default_factory=list)
    promote: list[RoleName] = Field(default_factory=list)

    def allows(self, action: CrossTeamAction, roles: Iterable[str]) -> bool:
        return not set(getattr(self, action)).isdisjoint(roles)


# --- monitoring: what a critical health signal does (README "Monitoring") -------------------------


class CriticalSignalAction(_Strict):
    """What a FIRING CRITICAL health signal on a deployment in one of the listed environments does,
    in the transaction that records it (app/monitoring/service.py)."""

    # Open an incident quarantining the version the deployment serves (and what was built from it),
    # through incident response's own quarantine; the incident also names the version's upstream.
    quarantine: bool = True
    # Then roll the deployment back to its last good version, through rollbackDeployment's rule and
    # the deployment gate. Off by default: taking production back is a decision the file must state.
    rollback: bool = False

    @model_validator(mode="after")
    def _rollback_needs_quarantine(self) -> CriticalSignalAction:
        if self.rollback and not self.quarantine:
            raise ValueError("rollback needs quarantine: a rollback only ever leaves a quarantined version, so "
                             "without the quarantine there is nothing to roll back from")
        return self


class MonitoringPolicy(_Strict):
    """Where critical signals act, and what they do. Left out: signals are recorded, nothing acts."""

    environments: list[Environment] = Field(default_factory=list)
    on_critical: CriticalSignalAction = Field(default_factory=CriticalSignalAction)

    def acts_in(self, environment: str) -> bool:
        return environment in self.environments


class Policies(_Strict):
    """The whole promotion policy, as loaded from its file."""

    version: Literal[1]
    # How a model with no recorded risk tier is gated: as the strictest tier unless the file says otherwise.
    unrated_tier: RiskTier = "CRITICAL"
    cross_team: CrossTeam = Field(default_factory=CrossTeam)
    stages: dict[Stage, StagePolicy]
    # Environments left out need nothing of what they serve.
    environments: dict[Environment, EnvironmentPolicy] = Field(default_factory=dict)
    monitoring: MonitoringPolicy = Field(default_factory=MonitoringPolicy)
    source: str = Field(default="", exclude=True)

    @field_validator("environments")
    @classmethod
    def _gates_exist(cls, environments: dict, info: ValidationInfo) -> dict:
        stages = info.data.get("stages") or {}
        for environment, rule in environments.items():
            if rule.gate is not None and rule.gate not in stages:
                raise ValueError(f"`{environment}.gate` is {rule.gate}, which has no rules under `stages`: there is "
                                 "no gate to pass")
        return environments

    def for_stage(self, stage: str) -> StagePolicy | None:
        return self.stages.get(stage)

    def for_environment(self, environment: str) -> EnvironmentPolicy | None:
        return self.environments.get(environment)


def _problem(error: dict) -> str:
    """One validation error as `field `a.b.c`: what is wrong`; a bad mapping key is named as the field."""
    parts = [str(part) for part in error["loc"]]
    is_key = parts[-1:] == ["[key]"]
    field = ".".join(parts[:-1] if is_key else parts) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"field `{field}`: unknown key (misspelt?)"
    return f"field `{field}`: {'not a known name: ' if is_key else ''}{error['msg']}"


def load_policies(path: Path | str) -> Policies:
    """Read and validate a policy file; `PolicyFileError` naming the file and the field otherwise."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyFileError(f"{path}: cannot read the policy file: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyFileError(f"{path}{where}: not valid YAML: {problem}") from None
    if not isinstance(raw, dict):
        raise PolicyFileError(f"{path}: a policy file is a mapping with `version` and `stages`")
    try:
        policies = Policies.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_problem(error) for error in exc.errors()[:5])
        more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
        raise PolicyFileError(f"{path}: {problems}{more}") from None
    return policies.model_copy(update={"source": str(path)})
