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
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.auth import repository
from app.core.access import Principal, Role
from app.core import validation as v
from app.core.db import Database, Tx
from app.core.errors import DomainError, Forbidden, InvalidInput, NotFound, Unauthenticated

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
        stored = await repository.upsert_principal(tx, name=name, roles=checked_roles, teams=checked_teams,
                                                   id=str(uuid.uuid4()), now=now, by=actor.name)
        if stored is None:
            raise NotFound(f"One of the teams {', '.join(checked_teams)} does not exist; register it first.",
                           kind="Team", key=",".join(checked_teams))
        token = await repository.create_api_token(tx, principal=name, token_id=str(uuid.uuid4()),
                                                  token_hash=hash_token(secret), description=description,
                                                  expires_at=expires_at, now=now, by=actor.name)
        record_audit(tx, AuditEntry(actor=actor.name, action="createApiToken", target_kind="ApiToken",
                                   target_key=f"{name}/{token['id']}", target_id=token["id"],
                                   after={"principal": name, "roles": checked_roles, "teams": checked_teams}))
        return IssuedToken(secret=secret, record=token)

    issued = await db.write(work)
    AUTHENTICATION_CACHE.clear()  # the principal's other tokens now carry other roles and teams
    return issued


async def revoke(db: Database, actor: Principal, *, token_id: str) -> dict:
    """Revoke a token: it authenticates nobody from now on — for writes at once on every process
    (they re-read the token), for reads at once here and within the authentication cache's
    lifetime elsewhere. Revoking twice is harmless."""
    token_id = v.text_key("id", token_id, max_length=64)

    async def work(tx: Tx) -> dict:
        record = await repository.revoke_api_token(tx, token_id=token_id, now=datetime.now(UTC), by=actor.name)
        if record is None:
            raise NotFound(f"No API token has id {token_id}.", kind="ApiToken", key=token_id)
        if record["revoking"]:
            record_audit(tx, AuditEntry(actor=actor.name, action="revokeApiToken", target_kind="ApiToken",
                                       target_key=f"{record['token']['principal']}/{token_id}", target_id=token_id,
                                       before={"revoked": False}, after={"revoked": True}))
        return record["token"]

    token = await db.write(work)
    AUTHENTICATION_CACHE.clear()
    return token


async def list_tokens(db: Database, *, principal: str | None, first: int) -> list[dict]:
    v.in_range("first", first, 1, 500)

    async def work(tx: Tx) -> list[dict]:
        return await repository.list_api_tokens(tx, principal=principal, limit=first)

    return await db.read(work)


class AuthenticationCache:
    """Recently authenticated token hashes, for a few seconds: one index seek per request is
    what a busy ingestion endpoint cannot afford. Each entry keeps the token's `expiresAt`, checked
    on every hit, so an expired token is refused the moment it expires. A revocation or a change of
    roles and teams may take up to `ttl` to reach READS served from another process's cache; writes
    never wait for it (`recheck_writer`). Revocation clears it in this process."""

    def __init__(self, ttl: float = 5.0, size: int = 1024):
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[str, tuple[float, datetime | None, Principal]] = OrderedDict()

    def get(self, key: str, now: datetime | None = None) -> Principal | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        fresh_until, expires_at, principal = entry
        if fresh_until < time.monotonic() or (expires_at is not None and expires_at <= (now or datetime.now(UTC))):
            del self._entries[key]
            return None
        return principal

    def put(self, key: str, principal: Principal, expires_at: datetime | None = None) -> None:
        self._entries[key] = (time.monotonic() + self.ttl, expires_at, principal)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def evict(self, key: str | None) -> None:
        if key is not None:
            self._entries.pop(key, None)

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
    now = datetime.now(UTC)
    cached = AUTHENTICATION_CACHE.get(token_hash, now)
    if cached is not None:
        return cached

    async def work(tx: Tx):
        return await repository.authenticate(tx, token_hash=token_hash, now=now)

    record = await db.read(work)
    if record is None:
        return None
    principal = _principal(record, token_hash)
    expires_at = record["expires_at"]
    AUTHENTICATION_CACHE.put(token_hash, principal, expires_at.to_native() if expires_at is not None else None)
    return principal


def _principal(record, token_hash: str) -> Principal:
    return Principal(name=record["name"], roles=frozenset(Role(r) for r in record["roles"]),
                     teams=frozenset(record["teams"]), token_id=record["token_id"], token_hash=token_hash)


# --- writes are authorized with the token as it stands now ----------------------------------------

# The principal of the request being served (set by app.http.authentication for its duration); every
# write transaction started on its behalf re-reads its token first (`recheck_writer`).
REQUEST_PRINCIPAL: ContextVar[Principal | None] = ContextVar("request_principal", default=None)


async def current_access(tx: Tx, principals: list[Principal]) -> dict[str, Principal]:
    """The principals of these (stored) tokens as they stand now, by token hash; a token that was
    revoked or has expired is missing. One statement, inside the caller's transaction."""
    hashes = sorted({p.token_hash for p in principals if p.token_hash is not None})
    if not hashes:
        return {}
    records = await repository.current_access(tx, token_hashes=hashes, now=datetime.now(UTC))
    return {record["token_hash"]: _principal(record, record["token_hash"]) for record in records}


def stale_access_refusal(cached: Principal, fresh: Principal | None) -> DomainError | None:
    """Why a write authorized on `cached` may not go on now that the token reads `fresh`, or None
    when every role and team it was authorized with still holds. Drops the stale cache entry, so
    the next request of the token (on this process) authenticates afresh."""
    if fresh is not None and fresh.covers(cached):
        return None
    AUTHENTICATION_CACHE.evict(cached.token_hash)
    if fresh is None:
        return Unauthenticated(f"The token of {cached.name} has been revoked or has expired.")
    return Forbidden(
        f"The access of {cached.name} changed since its token was last checked (roles now "
        f"{', '.join(sorted(r.value for r in fresh.roles)) or 'none'}; teams now {', '.join(sorted(fresh.teams)) or 'none'}): "
        "nothing was written. Send the request again to have it authorized with the current access.")


async def recheck_writer(tx: Tx) -> None:
    """The write guard (Database.write_guard): at the start of every write transaction served for
    a request with a stored token, re-read the token and its principal. Revoked or expired:
    UNAUTHENTICATED; fewer roles or teams than the request was authorized with: FORBIDDEN. Either
    way nothing is written, on whichever process, however fresh its authentication cache looks."""
    principal = REQUEST_PRINCIPAL.get()
    if principal is None or principal.token_hash is None:
        return  # the bootstrap admin, anonymous, or the registry itself (demo, migrations, ingestion's writer)
    fresh = (await current_access(tx, [principal])).get(principal.token_hash)
    problem = stale_access_refusal(principal, fresh)
    if problem is not None:
        raise problem


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(f"role {value!r} is not one of {', '.join(r.value for r in Role)}.", field="roles") from None
