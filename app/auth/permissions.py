"""Every field declares the permission it needs; this is where the declaration is enforced.

The role matrix is app/core/access.py (README "Authorization"). A mutation field
carries `requires(Permission.X)`; a test walks the schema and fails when one does not.
Writes are further scoped to the owning team (app/auth/scope.py, read inside each write's
transaction because it needs the record's owner): a contributor of `risk` cannot change what
`payments` owns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import OperationType
from strawberry.extensions import FieldExtension

from app.audit.service import record_denied
from app.core.access import Permission, Principal
from app.core.db import Database
from app.core.errors import Forbidden
from app.core.results import ForbiddenError


@dataclass(frozen=True)
class Requirement:
    """The permission a GraphQL field declares (read by the schema-walk test and the extension)."""

    permission: Permission
    extra: dict[str, Any] = field(default_factory=dict)


class Requires(FieldExtension):
    """Refuses the field with FORBIDDEN (and records the denied attempt) unless the caller holds
    the permission. On a mutation returning a result union, the refusal is its ForbiddenError
    member; elsewhere, a GraphQL error with extensions.code FORBIDDEN."""

    def __init__(self, permission: Permission):
        super().__init__()
        self.requirement = Requirement(permission)

    async def resolve_async(self, next_, source, info, **kwargs):
        refusal = await refuse_unless_permitted(info, self.requirement.permission)
        if refusal is not None:
            return refusal
        result = await next_(source, info, **kwargs)
        if _is_forbidden(result):  # refused further in, by the team scope of writes: audited too
            await record_denied(info.context.db, info.context.principal.name, action=info.field_name,
                                reason=result.message)
        return result


def _is_forbidden(result) -> bool:
    return isinstance(result, ForbiddenError)


def requires(permission: Permission) -> list[FieldExtension]:
    """`@strawberry.mutation(extensions=requires(Permission.PROMOTE))`."""
    return [Requires(permission)]


async def refusal(db: Database, principal: Principal, permission: Permission, *, action: str) -> Forbidden | None:
    """None when `principal` holds `permission`. Otherwise the denied attempt is recorded in the
    audit trail and the refusal returned, for the door to answer it its own way. Every door —
    GraphQL fields, the OpenLineage endpoint, the document routes — asks here."""
    if principal.may(permission):
        return None
    message = (f"{principal.name} may not {action}: it needs the {permission.value} permission, "
               f"which none of its roles ({', '.join(sorted(r.value for r in principal.roles)) or 'none'}) grants.")
    await record_denied(db, principal.name, action=action, reason=message)
    return Forbidden(message)


async def demand(db: Database, principal: Principal, permission: Permission, *, action: str) -> None:
    """Raise the refusal (HTTP 403 at the HTTP doors) unless `principal` holds `permission`."""
    refused = await refusal(db, principal, permission, action=action)
    if refused is not None:
        raise refused


async def refuse_unless_permitted(info, permission: Permission):
    """None when the caller holds `permission`. Otherwise the refusal is returned (a mutation's
    ForbiddenError member) or raised (a query)."""
    refused = await refusal(info.context.db, info.context.principal, permission, action=info.field_name)
    if refused is None:
        return None
    if info.operation.operation == OperationType.MUTATION:
        return ForbiddenError(code=refused.code, message=refused.message)
    raise refused
