"""The package as it ships: the wheel built from exactly the files the Dockerfile copies,
installed (not editable) into a fresh virtualenv, serves the API against the suite's Neo4j."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request

from app.cli.localneo4j import free_port
from tests.conftest import ADMIN_TOKEN, REPO, wait_until_ready


def dockerfile_copies() -> list[str]:
    """The sources of every `COPY` line of the Dockerfile, as the image build takes them."""
    sources = []
    for line in (REPO / "Dockerfile").read_text().splitlines():
        words = line.split()
        if words[:1] == ["COPY"]:
            sources += [word for word in words[1:-1] if not word.startswith("--")]
    return sources


def test_the_wheel_of_the_image_files_installs_and_serves(tmp_path, settings, client):
    context = tmp_path / "context"
    context.mkdir()
    for source in dockerfile_copies():
        path = REPO / source
        if path.is_dir():
            shutil.copytree(path, context / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, context / source)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"),
                    str(context)], check=True, timeout=300)
    [wheel] = (tmp_path / "dist").glob("lineagegraph-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    str(wheel)], check=True, timeout=600)

    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("LINEAGEGRAPH_", "PYTHON"))},
           "NEO4J_URI": settings.effective_neo4j_uri, "NEO4J_USER": settings.neo4j_user,
           "NEO4J_PASSWORD": settings.neo4j_password, "LINEAGEGRAPH_PORT": str(port),
           "LINEAGEGRAPH_BOOTSTRAP_TOKEN": ADMIN_TOKEN, "LINEAGEGRAPH_LOG_LEVEL": "WARNING"}
    # Run from outside the checkout, so nothing can be imported from it.
    service = subprocess.Popen([str(venv / "bin" / "lineagegraph"), "serve"], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base, timeout=120, process=service)
        request = urllib.request.Request(base + "/graphql", data=b'{"query": "{ me { name roles } }"}', headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {ADMIN_TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read().decode()
        assert '"roles":["ADMIN"]' in body, body
        installed = subprocess.run([str(venv / "bin" / "python"), "-c",
                                    "import app, app.core.config as c; print(app.__file__, c.default_policy_file())"],
                                   cwd=tmp_path, capture_output=True, text=True, check=True).stdout
        assert str(venv) in installed and "_policies" in installed, installed
    finally:
        service.terminate()
        service.wait(timeout=60)
