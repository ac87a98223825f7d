"""What the compliance tests share: the demo registry loaded once per module, and the dossier read
straight through the service on a loop and driver of the tests' own."""

from __future__ import annotations

import asyncio

import pytest

from app.compliance import service
from app.core.db import Database
from app.core.kinds import Kinds
from app.lineage.service import Start
from tests.conftest import load_demo


@pytest.fixture(scope="module")
def demo_registry(client, settings, queries, neo4j_driver):
    """The demo (app/cli/demo.py), loaded once for a module whose tests only read."""
    neo4j_driver.execute_query(queries["admin.wipe_registry"].text, database_=settings.neo4j_database)
    load_demo(settings, queries)


@pytest.fixture(scope="module")
def service_db(client, settings, queries):
    """`service_db(work)` awaits `work(db)` on a loop and driver of the module's own."""
    loop = asyncio.new_event_loop()
    db = Database.connect(settings, queries)
    yield lambda work: loop.run_until_complete(work(db))
    loop.run_until_complete(db.close())
    loop.close()


def deployment(environment: str, name: str) -> Start:
    return Start(kind=Kinds.DEPLOYMENT.value, key={"environment": environment, "name": name})


def model_version(model_name: str, version: str) -> Start:
    return Start(kind=Kinds.MODEL_VERSION.value, key={"model_name": model_name, "version": version})


@pytest.fixture(scope="module")
def read_dossier(service_db):
    """`read_dossier(start, as_of=None)`: the Dossier the service answers."""
    return lambda start, **kwargs: service_db(lambda db: service.dossier(db, start, **kwargs))
