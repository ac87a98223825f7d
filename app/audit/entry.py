"""One audit event, before it is chained: what a service hands to `record_audit` (app/audit/chain.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
    actor: str                      # the principal's name
    action: str                     # the use case, e.g. registerDataset, promote, lineageEvent, quarantine
    target_kind: str                # the node label, e.g. Dataset, ModelVersion, Deployment, Incident
    target_key: str                 # its natural key as text, e.g. s3://raw/transactions, credit-scoring@2
    target_id: str | None = None    # its id, when it has one (auditTrail finds events by it)
    before: dict[str, Any] | None = None   # a summary of the record before (None when created)
    after: dict[str, Any] | None = None    # a summary after (None when refused or deleted)
    outcome: str = "ok"             # ok | denied
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
