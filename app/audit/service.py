"""Audit use cases. (Skeleton: the chain is being built; see app/audit/chain.py.)"""

from __future__ import annotations

from app.db import Database


async def record_denied(db: Database, actor: str, *, action: str, reason: str) -> None:
    """Append a denied attempt to the audit trail, in its own transaction (nothing else is written)."""
    return None
