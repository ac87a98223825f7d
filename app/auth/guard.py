"""The permission check every declared field runs (see permissions.Requires)."""

from __future__ import annotations

from graphql import OperationType

from app.audit.service import record_denied
from app.auth.permissions import Permission
from app.errors import Forbidden
from app.user_errors import ForbiddenError


async def refuse_unless_permitted(info, permission: Permission):
    """None when the caller holds `permission`. Otherwise the denied attempt is recorded in the
    audit trail and the refusal returned (a mutation's ForbiddenError member) or raised (a query)."""
    principal = info.context.principal
    if principal.may(permission):
        return None
    message = (f"{principal.name} may not {info.field_name}: it needs the {permission.value} permission, "
               f"which none of its roles ({', '.join(sorted(r.value for r in principal.roles)) or 'none'}) grants.")
    await record_denied(info.context.db, principal.name, action=info.field_name, reason=message)
    if info.operation.operation == OperationType.MUTATION:
        return ForbiddenError(code=Forbidden.code, message=message)
    raise Forbidden(message)
