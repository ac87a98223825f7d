"""One real MLflow store (SQLite backend, file artifacts) for the importer's tests: made once,
read-only afterwards (building it runs MLflow's ~10 s of schema migrations)."""

from __future__ import annotations

import pytest

from tests.importers.mlflow_store import build_store


@pytest.fixture(scope="session")
def mlflow_store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("mlflow"))
