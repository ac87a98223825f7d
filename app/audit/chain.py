"""Appending to the hash chain. (Skeleton: being built.)"""

from __future__ import annotations


async def append(tx, entries) -> None:
    return None
