"""Who may do what: roles grant permissions; every mutation declares the one it needs.

The matrix below is the whole policy of the API (README "Authorization"). A mutation field
carries `requires(Permission.X)`; a test walks the schema and fails when one does not.
Writes are further scoped to the owning team (app/auth/scope.py, read inside each write's
transaction because it needs the record's owner): a contributor of `risk` cannot change what
`payments` owns.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension


@strawberry.enum(description="What a principal may do; README \"Authorization\" has the whole matrix.")
class Role(enum.Enum):
    VIEWER = strawberry.enum_value("viewer", description="Reads everything, changes nothing.")
    CONTRIBUTOR = strawberry.enum_value(
        "contributor", description="Registers, sends lineage, records checks, deploys and promotes, for its teams.")
    DATA_STEWARD = strawberry.enum_value(
        "data_steward", description="Registers data for its teams, records checks, quarantines, reads the audit trail.")
    SECURITY_LEAD = strawberry.enum_value(
        "security_lead", description="Records checks, approves, quarantines, reads the audit trail.")
    PRODUCT_OWNER = strawberry.enum_value("product_owner", description="Approves and promotes.")
    APPROVER = strawberry.enum_value("approver", description="Approves promotions (never its own versions).")
    ADMIN = strawberry.enum_value("admin", description="Everything, including tokens and teams.")


class Permission(enum.Enum):
    READ = "read"                          # every query
    REGISTER = "register"                  # catalog registrations and links (team-scoped)
    INGEST_LINEAGE = "ingest_lineage"      # POST /api/v1/lineage
    DEPLOY = "deploy"                      # record what a deployment serves
    RECORD_CHECK = "record_check"          # bias / safety / license / privacy / evaluation checks
    APPROVE = "approve"                    # approvals towards a promotion
    PROMOTE = "promote"                    # move a model version to another stage
    QUARANTINE = "quarantine"              # quarantine, release, roll back (incident response)
    READ_AUDIT = "read_audit"              # auditTrail, verifyAudit
    MANAGE_ACCESS = "manage_access"        # tokens, principals, roles, teams memberships


_EVERYONE = {Permission.READ}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset(_EVERYONE),
    Role.CONTRIBUTOR: frozenset(_EVERYONE | {Permission.REGISTER, Permission.INGEST_LINEAGE, Permission.DEPLOY,
                                             Permission.RECORD_CHECK, Permission.PROMOTE}),
    Role.DATA_STEWARD: frozenset(_EVERYONE | {Permission.REGISTER, Permission.RECORD_CHECK, Permission.QUARANTINE,
                                              Permission.READ_AUDIT}),
    Role.SECURITY_LEAD: frozenset(_EVERYONE | {Permission.RECORD_CHECK, Permission.QUARANTINE, Permission.READ_AUDIT,
                                               Permission.APPROVE}),
    Role.PRODUCT_OWNER: frozenset(_EVERYONE | {Permission.APPROVE, Permission.PROMOTE}),
    Role.APPROVER: frozenset(_EVERYONE | {Permission.APPROVE}),
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a person or a pipeline, its teams and roles."""

    name: str
    roles: frozenset[Role] = frozenset()
    teams: frozenset[str] = frozenset()
    token_id: str | None = None
    # The sha256 of the token it authenticated with (the stored lookup key, not a secret): writes
    # re-read the token by it inside their transaction (app/auth/service.recheck_writer).
    token_hash: str | None = field(default=None, repr=False)

    def covers(self, other: Principal) -> bool:
        """Every role and team of `other` is still mine: whatever `other` was allowed, I am."""
        return self.roles >= other.roles and self.teams >= other.teams

    @property
    def permissions(self) -> frozenset[Permission]:
        granted: set[Permission] = set()
        for role in self.roles:
            granted |= ROLE_PERMISSIONS[role]
        return frozenset(granted)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def may_write_for(self, team: str | None) -> bool:
        """Team scope of writes: records owned by one of my teams, or by nobody; admins anything."""
        return self.is_admin or team is None or team in self.teams


# Who acts when the registry itself writes (demo load, migrations of data): not an API caller.
SYSTEM = Principal(name="system", roles=frozenset({Role.ADMIN}))


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
        from app.auth.guard import refuse_unless_permitted

        refusal = await refuse_unless_permitted(info, self.requirement.permission)
        if refusal is not None:
            return refusal
        result = await next_(source, info, **kwargs)
        if _is_forbidden(result):  # refused further in, by the team scope of writes: audited too
            from app.audit.service import record_denied

            await record_denied(info.context.db, info.context.principal.name, action=info.field_name,
                                reason=result.message)
        return result


def _is_forbidden(result) -> bool:
    from app.user_errors import ForbiddenError

    return isinstance(result, ForbiddenError)


def requires(permission: Permission) -> list[FieldExtension]:
    """`@strawberry.mutation(extensions=requires(Permission.PROMOTE))`."""
    return [Requires(permission)]
