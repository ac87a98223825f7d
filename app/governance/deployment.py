"""The deployment gate: what a switch of a deployment to a model version requires, evaluated inside
the switch's own write transaction (registerDeployment, `deploy record`, rollbackDeployment).

One rule, one function: the facts are the promotion gate's (`governance.gate_facts`, one statement)
and the verdict is `gate.evaluate_environment`, which applies the promotion gate of the stage the
policy's `environments.<env>.gate` names. Refusals and break-glass overrides share the helpers below
so every door audits and records them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.core import validation as v
from app.core.db import Tx
from app.core.errors import Forbidden, InvalidInput
from app.governance import repository
from app.governance.gate import EnvironmentVerdict, GateFacts, Unmet, evaluate_environment
from app.governance.policy import Policies

# A break-glass reason is read by people during an incident review: a few sentences, not a file.
MAX_BREAK_GLASS_REASON = 2_000


@dataclass(frozen=True)
class Refusal:
    """A deployment switch the policy refuses; nothing but the denied attempt's audit event was written.
    `verdict` is the refused version's (registerDeployment); `candidates` are a rollback's."""

    environment: str
    name: str
    message: str
    verdict: EnvironmentVerdict | None = None
    # A rollback's candidates: ({version: node, last_served}, verdict), most recently served first.
    candidates: list[tuple[dict, EnvironmentVerdict]] = field(default_factory=list)

    @property
    def unmet(self) -> list[Unmet]:
        if self.verdict is not None:
            return self.verdict.unmet
        return [u for _, verdict in self.candidates for u in verdict.unmet]


def break_glass_reason(principal, reason: str | None) -> str | None:
    """A checked break-glass reason (None when none was asked for). Admins only: anyone else is
    FORBIDDEN before anything is read, and the Requires extension audits the denied attempt."""
    if reason is None:
        return None
    if not principal.is_admin:
        raise Forbidden(f"{principal.name} may not break glass: overriding the deployment gate is for admins only.")
    reason = v.description("breakGlass.reason", reason)
    if reason is None or not reason.strip():
        raise InvalidInput("breakGlass.reason must say why the gate is overridden.", field="breakGlass.reason")
    if len(reason) > MAX_BREAK_GLASS_REASON:
        raise InvalidInput(f"breakGlass.reason is longer than {MAX_BREAK_GLASS_REASON} characters.",
                           field="breakGlass.reason")
    return reason.strip()


async def verdict(tx: Tx, policies: Policies, environment: str, ref: dict, *,
                  never_quarantined: bool = False) -> EnvironmentVerdict | None:
    """The environment's verdict on serving the version now; None when the version does not exist."""
    rule = policies.for_environment(environment)
    # The approvals read are those for the gate's stage; without a gate, the stage is not looked at.
    stage = rule.gate if rule is not None and rule.gate is not None else "PRODUCTION"
    record = await repository.gate_facts(tx, model_name=ref["model_name"], version=ref["version"], stage=stage)
    if record is None:
        return None
    return evaluate_environment(policies, GateFacts.from_record(dict(record)), environment,
                                never_quarantined=never_quarantined)


def unmet_summary(unmet: list[Unmet]) -> list[str]:
    """Unmet requirements as `KIND: message` lines: the audit trail's and the SERVES edge's form."""
    return [f"{u.kind.value}: {u.message}" for u in unmet]


def override_marks(reason: str | None, principal: str, unmet: list[Unmet]) -> dict:
    """What a SERVES edge records of a break-glass switch (nothing when nothing was overridden)."""
    if reason is None or not unmet:
        return {}
    return {"break_glass": True, "break_glass_reason": reason, "break_glass_by": principal,
            "break_glass_overrode": unmet_summary(unmet)}


def audit_refusal(tx: Tx, actor: str, action: str, refusal: Refusal, *, target_id: str | None,
                  serving: str | None) -> None:
    """The denied attempt, in the refusing transaction (which writes nothing else)."""
    after = {"reason": refusal.message, "environment": refusal.environment, "serving": serving,
             "unmet": unmet_summary(refusal.unmet)}
    if refusal.candidates:
        after["candidates"] = {v.model_version: unmet_summary(v.unmet) for _, v in refusal.candidates}
    record_audit(tx, AuditEntry(actor=actor, action=action, target_kind="Deployment",
                               target_key=f"{refusal.environment}/{refusal.name}", target_id=target_id,
                               after={k: value for k, value in after.items() if value is not None}, outcome="denied"))
