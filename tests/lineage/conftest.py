"""What the lineage tests share: writing through the catalog's service layer at chosen times."""

from __future__ import annotations

import asyncio

import pytest

from app.core.db import Database


@pytest.fixture(scope="module")
def service_calls(client, settings, queries):
    """`service_calls(coroutine_function)` awaits `coroutine_function(db)` on a loop and driver of
    the test's own, so a test can write with `Actor(principal=…, now=<the time it happened>)`."""
    loop = asyncio.new_event_loop()
    db = Database.connect(settings, queries)
    yield lambda work: loop.run_until_complete(work(db))
    loop.run_until_complete(db.close())
    loop.close()
