"""GraphQL of the audit trail: auditTrail, verifyAudit. (Skeleton: being built.)"""

from __future__ import annotations

import strawberry


@strawberry.type
class AuditQuery:
    pass
