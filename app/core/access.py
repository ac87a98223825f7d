"""Who is calling and what their roles let them do: the identity every domain checks against.

The role matrix below is the whole policy of the API (README "Authorization"); app/auth
enforces it on each field (`requires`) and app/auth/scope.py adds the team scope of writes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from app.core.vocabulary import graphql_enum


Role = graphql_enum("Role")


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
    VERIFY_ARTIFACTS = "verify_artifacts"  # read artifacts from their stores and record what was found
    MANAGE_ACCESS = "manage_access"        # tokens, principals, roles, teams memberships
    RECORD_HEALTH = "record_health"        # health signals: recordHealthSignal, POST /api/v1/alertmanager


_EVERYONE = {Permission.READ}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset(_EVERYONE),
    Role.CONTRIBUTOR: frozenset(_EVERYONE | {Permission.REGISTER, Permission.INGEST_LINEAGE, Permission.DEPLOY,
                                             Permission.RECORD_CHECK, Permission.PROMOTE}),
    Role.DATA_STEWARD: frozenset(_EVERYONE | {Permission.REGISTER, Permission.RECORD_CHECK, Permission.QUARANTINE,
                                              Permission.READ_AUDIT, Permission.VERIFY_ARTIFACTS}),
    Role.SECURITY_LEAD: frozenset(_EVERYONE | {Permission.RECORD_CHECK, Permission.QUARANTINE, Permission.READ_AUDIT,
                                               Permission.APPROVE}),
    Role.PRODUCT_OWNER: frozenset(_EVERYONE | {Permission.APPROVE, Permission.PROMOTE}),
    Role.APPROVER: frozenset(_EVERYONE | {Permission.APPROVE}),
    Role.MONITOR: frozenset(_EVERYONE | {Permission.RECORD_HEALTH}),
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
