"""Cypher access for monitoring: health signals and what they are attached to. Every function takes
the use case's transaction."""

from __future__ import annotations

from typing import Any

from app.core.db import Tx


async def match_deployments(tx: Tx, alerts: list[dict]) -> dict[int, list[dict]]:
    """The deployments each alert names (by environment and name, else by endpoint), by the alert's
    index; alerts naming none are left out."""
    return {r["index"]: list(r["deployments"]) for r in await tx.records("monitoring.match_deployments", alerts=alerts)}


async def model_version_target(tx: Tx, *, model_name: str, version: str) -> dict | None:
    """A model version's id and key and its model's owning team; None when it does not exist."""
    record = await tx.single("monitoring.model_version_target", model_name=model_name, version=version)
    return dict(record) if record is not None else None


async def record_signals(tx: Tx, signals: list[dict], **stamp: Any) -> dict[int, dict]:
    """Record (or resolve, or leave as they are) health signals, by the row's index."""
    return {r["index"]: dict(r) for r in await tx.records("monitoring.record_signals", signals=signals, **stamp)}


async def health_of(tx: Tx, requests: list[dict]) -> dict[Any, dict]:
    """Signal counts and the recent signals of targets, by the request's key."""
    most = max((r["recent"] for r in requests), default=0)
    return {r["key"]: dict(r) for r in await tx.records("monitoring.health_of", requests=requests, most=most)}


async def link_incident(tx: Tx, **params: Any) -> dict:
    """Link a signal to its incident and the incident to the served version's upstream (suspects)."""
    record = await tx.single("monitoring.link_incident", **params)
    return dict(record) if record is not None else {"linked": 0, "budget_cut": False}


async def incident_suspects(tx: Tx, *, incident_id: str, offset: int, limit: int) -> dict | None:
    """A page of an incident's suspects with the total; None when the incident does not exist."""
    record = await tx.single("monitoring.incident_suspects", incident_id=incident_id, offset=offset, limit=limit)
    return dict(record) if record is not None else None
