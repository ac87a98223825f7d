"""Cypher access for the compliance dossier: the facts it reads beside the provenance traversal."""

from __future__ import annotations

from typing import Any

from app.core.db import Tx


async def dossier_facts(tx: Tx, **params: Any) -> dict:
    """The one-row facts of a dossier's assets as of `as_of`: owners, risk tiers and incidents per
    asset; checks, approvals, stage spans and measurements of its model versions; the switches of
    its deployment (or into its model version); the audit chain's head."""
    return dict(await tx.single("compliance.dossier_facts", **params))
