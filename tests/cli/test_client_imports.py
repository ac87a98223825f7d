"""The commands that run on a CI runner or a laptop load none of the server: importing one brings in
app/cli, the pure parts of app/core, and (for `audit`) the checkpoint format it verifies offline."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CLIENT_MODULES = ("remote", "client", "pipeline", "tokens", "gate", "audit", "importer", "mlflow", "documents")
PURE_CORE = {"app.core", "app.core.documents", "app.core.errors", "app.core.validation", "app.core.vocabulary"}
ALLOWED_EXTRA = {"audit": {"app.audit", "app.audit.checkpoint"}}
SERVER_LIBRARIES = ("strawberry", "starlette", "neo4j", "uvicorn", "pydantic_settings")


@pytest.mark.parametrize("name", CLIENT_MODULES)
def test_a_client_command_module_loads_no_server_code(name):
    probe = (f"import importlib, json, sys; importlib.import_module('app.cli.{name}'); "
             "print(json.dumps(sorted(sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                                       text=True).stdout)
    server = [module for module in loaded if module.startswith("app.") and not module.startswith("app.cli")
              and module not in PURE_CORE | ALLOWED_EXTRA.get(name, set())]
    assert server == []
    assert [library for library in SERVER_LIBRARIES if library in loaded] == []
