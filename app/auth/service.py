"""Access management: principals, their roles and teams, and the API tokens they authenticate with.

A token is `lg_` + 43 url-safe characters (256 random bits). Only its sha256 is stored: a
fast hash is right for a secret that random (no dictionary to guess from), and it lets a
request find its token with one index seek. The secret is shown once, when issued.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from app.audit.entry import AuditEntry
from app.auth.permissions import Principal, Role
from app.catalog import validation as v
from app.db import Database, Tx
from app.errors import InvalidInput, NotFound

TOKEN_PREFIX = "lg_"
BOOTSTRAP_PRINCIPAL = "bootstrap-admin"
ANONYMOUS = Principal(name="anonymous", roles=frozenset({Role.VIEWER}))


@dataclass(frozen=True)
class IssuedToken:
    secret: str
    record: dict


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


async def grant(db: Database, actor: Principal, *, principal: str, roles: list[str], teams: list[str],
                description: str | None = None, expires_at: datetime | None = None) -> IssuedToken:
    """Create or update a principal with exactly these roles and teams, and issue it a new token."""
    name = v.identifier("principal", principal)
    if name in (BOOTSTRAP_PRINCIPAL, ANONYMOUS.name):
        raise InvalidInput(f"{name!r} is reserved.", field="principal")
    checked_roles = sorted({_role(r).value for r in v.bounded_list("roles", roles, max_items=10)})
    if not checked_roles:
        raise InvalidInput("roles must name at least one role.", field="roles")
    checked_teams = sorted({v.identifier("teams", t) for t in v.bounded_list("teams", teams, max_items=50)})
    description = v.description("description", description)
    now = datetime.now(UTC)
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("expiresAt must be in the future.", field="expiresAt")
    secret = new_secret()

    async def work(tx: Tx) -> IssuedToken:
        stored = await tx.single("auth.upsert_principal", name=name, roles=checked_roles, teams=checked_teams,
                                 id=str(uuid.uuid4()), now=now, by=actor.name)
        if stored is None:
            raise NotFound(f"One of the teams {', '.join(checked_teams)} does not exist; register it first.",
                           kind="Team", key=",".join(checked_teams))
        record = await tx.single("auth.create_api_token", principal=name, token_id=str(uuid.uuid4()),
                                 token_hash=hash_token(secret), description=description, expires_at=expires_at,
                                 now=now, by=actor.name)
        token = record["token"]
        tx.record_audit(AuditEntry(actor=actor.name, action="createApiToken", target_kind="ApiToken",
                                   target_key=f"{name}/{token['id']}", target_id=token["id"],
                                   after={"principal": name, "roles": checked_roles, "teams": checked_teams}))
        return IssuedToken(secret=secret, record=token)

    return await db.write(work)


async def revoke(db: Database, actor: Principal, *, token_id: str) -> dict:
    """Revoke a token: it authenticates nobody from now on (in this process at once, elsewhere
    within the authentication cache's lifetime). Revoking twice is harmless."""
    token_id = v.text_key("id", token_id, max_length=64)

    async def work(tx: Tx) -> dict:
        record = await tx.single("auth.revoke_api_token", token_id=token_id, now=datetime.now(UTC), by=actor.name)
        if record is None:
            raise NotFound(f"No API token has id {token_id}.", kind="ApiToken", key=token_id)
        if record["revoking"]:
            tx.record_audit(AuditEntry(actor=actor.name, action="revokeApiToken", target_kind="ApiToken",
                                       target_key=f"{record['token']['principal']}/{token_id}", target_id=token_id,
                                       before={"revoked": False}, after={"revoked": True}))
        return record["token"]

    token = await db.write(work)
    AUTHENTICATION_CACHE.clear()
    return token


async def list_tokens(db: Database, *, principal: str | None, first: int) -> list[dict]:
    v.in_range("first", first, 1, 500)

    async def work(tx: Tx) -> list[dict]:
        return [r["token"] for r in await tx.records("auth.list_api_tokens", principal=principal, limit=first)]

    return await db.read(work)


class AuthenticationCache:
    """Recently authenticated token hashes, for a few seconds: one index seek per request is
    what a busy ingestion endpoint cannot afford. Revocation clears it in this process."""

    def __init__(self, ttl: float = 5.0, size: int = 1024):
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    def get(self, key: str) -> Principal | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, principal: Principal) -> None:
        self._entries[key] = (time.monotonic() + self.ttl, principal)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


AUTHENTICATION_CACHE = AuthenticationCache()


async def authenticate(db: Database, secret: str, *, bootstrap_hash: str | None) -> Principal | None:
    """The principal a bearer token stands for, or None (unknown, revoked, expired)."""
    token_hash = hash_token(secret)
    if bootstrap_hash is not None and hmac.compare_digest(token_hash, bootstrap_hash):
        return Principal(name=BOOTSTRAP_PRINCIPAL, roles=frozenset({Role.ADMIN}))
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    cached = AUTHENTICATION_CACHE.get(token_hash)
    if cached is not None:
        return cached

    async def work(tx: Tx):
        return await tx.single("auth.authenticate", token_hash=token_hash, now=datetime.now(UTC))

    record = await db.read(work)
    if record is None:
        return None
    principal = Principal(name=record["name"], roles=frozenset(Role(r) for r in record["roles"]),
                          teams=frozenset(record["teams"]), token_id=record["token_id"])
    AUTHENTICATION_CACHE.put(token_hash, principal)
    return principal


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(f"role {value!r} is not one of {', '.join(r.value for r in Role)}.", field="roles") from None
