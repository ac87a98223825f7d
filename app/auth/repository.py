"""Cypher access for access management: principals, API tokens, and the owners the team scope
reads. Every function takes the use case's transaction."""

from __future__ import annotations

from datetime import datetime

from app.core.cypher import Statements
from app.core.db import Tx
from app.core.kinds import Kind, Kinds


class OwnerOf(Statements):
    """The team owning one record of a kind, by its natural key (`owner_of`)."""

    def __init__(self, kind: Kind):
        self.kind = kind

    owner_of_dataset = Kinds.DATASET.value
    owner_of_feature = Kinds.FEATURE.value
    owner_of_job = Kinds.JOB.value
    owner_of_model = Kinds.MODEL.value
    owner_of_run = Kinds.RUN.value


async def owner_of(tx: Tx, kind: Kind, key: dict) -> str | None:
    """The team owning the record of `kind` with this natural key; None when nobody does (or
    there is no such record yet)."""
    record = await tx.single(OwnerOf.where(kind=kind).statement, **key)
    return record["owner"] if record is not None else None


async def owners(tx: Tx, *, datasets: list[dict], dataset_versions: list[dict], jobs: list[dict],
                 runs: list[dict], models: list[dict], model_versions: list[dict]) -> dict | None:
    """The owners of every record named, by kind, in one row (missing records are nulls)."""
    record = await tx.single("auth.owners", datasets=datasets, dataset_versions=dataset_versions, jobs=jobs,
                             runs=runs, models=models, model_versions=model_versions)
    return dict(record) if record is not None else None


async def upsert_principal(tx: Tx, *, name: str, roles: list[str], teams: list[str], id: str, now: datetime,
                           by: str) -> dict | None:
    """Create or update a principal with exactly these roles and teams; None when a team is missing."""
    record = await tx.single("auth.upsert_principal", name=name, roles=roles, teams=teams, id=id, now=now, by=by)
    return dict(record) if record is not None else None


async def create_api_token(tx: Tx, *, principal: str, token_id: str, token_hash: str, description: str | None,
                           expires_at: datetime | None, now: datetime, by: str) -> dict:
    """Store a new token of the principal (its hash only); the token as listed."""
    record = await tx.single("auth.create_api_token", principal=principal, token_id=token_id,
                             token_hash=token_hash, description=description, expires_at=expires_at, now=now, by=by)
    return record["token"]


async def revoke_api_token(tx: Tx, *, token_id: str, now: datetime, by: str) -> dict | None:
    """Revoke a token: {token, revoking (false when it already was)}; None for an unknown id."""
    record = await tx.single("auth.revoke_api_token", token_id=token_id, now=now, by=by)
    return dict(record) if record is not None else None


async def list_api_tokens(tx: Tx, *, principal: str | None, limit: int) -> list[dict]:
    """Tokens (of one principal, or everyone's), as listed."""
    return [r["token"] for r in await tx.records("auth.list_api_tokens", principal=principal, limit=limit)]


async def authenticate(tx: Tx, *, token_hash: str, now: datetime) -> dict | None:
    """The principal of a live token, {token_id, expires_at, name, roles, teams}; None when the
    token is unknown, revoked or expired."""
    record = await tx.single("auth.authenticate", token_hash=token_hash, now=now)
    return dict(record) if record is not None else None


async def current_access(tx: Tx, *, token_hashes: list[str], now: datetime) -> list[dict]:
    """The live ones of these tokens with their principals as they stand now."""
    return [dict(r) for r in await tx.records("auth.current_access", token_hashes=token_hashes, now=now)]
