"""The package as it ships: the wheel built from exactly the files the Dockerfile copies from the
build context, installed (not editable) into a fresh virtualenv, serves the API against the suite's
Neo4j, and the UI from where the image puts the one its node stage builds (LINEAGEGRAPH_UI_DIR)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

from app.cli.localneo4j import free_port
from app.core.config import default_ui_dir
from tests.conftest import ADMIN_TOKEN, REPO, wait_until_ready


@dataclass(frozen=True)
class Copy:
    """One `COPY` of the Dockerfile: the stage it is in, the stage it copies from (None: the build
    context), its sources and destination, and the stage's WORKDIR then."""

    stage: str
    from_stage: str | None
    sources: tuple[str, ...]
    dest: str
    workdir: str

    def dest_path(self) -> PurePosixPath:
        return PurePosixPath(self.workdir) / self.dest


def dockerfile_instructions() -> list[list[str]]:
    """The Dockerfile's instructions as words, continuation lines joined, comments left out."""
    instructions, pending = [], ""
    for line in (REPO / "Dockerfile").read_text().splitlines():
        if not pending and line.lstrip().startswith("#"):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        if pending.strip():
            instructions.append(pending.split())
        pending = ""
    return instructions


def dockerfile_copies() -> list[Copy]:
    """Every `COPY` of the Dockerfile, with its stage (`FROM … AS name`, or its index) and WORKDIR."""
    copies, stage, workdir, index = [], "", "/", -1
    for words in dockerfile_instructions():
        instruction = words[0].upper()
        if instruction == "FROM":
            index += 1
            stage = words[3] if len(words) >= 4 and words[2].upper() == "AS" else str(index)
            workdir = "/"
        elif instruction == "WORKDIR":
            workdir = str(PurePosixPath(workdir) / words[1])
        elif instruction == "COPY":
            flags = [w for w in words[1:] if w.startswith("--")]
            rest = [w for w in words[1:] if not w.startswith("--")]
            source_stage = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
            copies.append(Copy(stage, source_stage, tuple(rest[:-1]), rest[-1], workdir))
    return copies


def image_stage() -> str:
    """The stage the image is: the last one."""
    return dockerfile_copies()[-1].stage


def image_sources() -> list[str]:
    """What the image itself takes from the build context (not from another stage): the files the
    wheel is built from."""
    return [source for copy in dockerfile_copies() if copy.stage == image_stage() and copy.from_stage is None
            for source in copy.sources]


def image_env() -> dict[str, str]:
    """The image's `ENV` settings (the `KEY=value` form the Dockerfile uses)."""
    env, stage = {}, -1
    for words in dockerfile_instructions():
        if words[0].upper() == "FROM":
            env, stage = {}, stage + 1
        elif words[0].upper() == "ENV":
            env.update(word.split("=", 1) for word in words[1:] if "=" in word)
    return env


def in_checkout(copy_from: Copy, source: str) -> Path:
    """Where in the checkout a path of another stage comes from: that stage's COPY from the build
    context whose destination holds it (`/build/ui/dist` → ui/dist, its build output)."""
    path = PurePosixPath(source)
    for copy in dockerfile_copies():
        if copy.stage != copy_from.from_stage or copy.from_stage is not None:
            continue
        dest = copy.dest_path()
        for context_source in copy.sources:
            # `COPY ui ./`: the folder's contents land in dest; `COPY a b ./`: each under its name.
            root = dest if len(copy.sources) == 1 and (REPO / context_source).is_dir() else dest / PurePosixPath(context_source).name
            if path == root or root in path.parents:
                return REPO / context_source / path.relative_to(root)
    raise AssertionError(f"nothing in stage {copy_from.from_stage!r} is copied from the build context to {source}")


def built_ui() -> Path:
    """ui/dist as `./dev test` builds it (what the node stage's `npm run build` makes)."""
    dist = default_ui_dir()
    if not (dist / "index.html").is_file():
        pytest.skip("the UI is not built (./dev test builds it; `cd ui && npm ci && npm run build`)")
    return dist


def test_the_dockerfile_copies_what_exists_and_serves_the_ui_it_builds():
    copies = dockerfile_copies()
    stages = [c.stage for c in copies]
    for copy in copies:
        if copy.from_stage is None:
            for source in copy.sources:
                assert (REPO / source).exists(), f"COPY {source} (stage {copy.stage}): no such file in the checkout"
        else:
            assert copy.from_stage in stages[:stages.index(copy.stage)], f"COPY --from={copy.from_stage}: no earlier stage"
            for source in copy.sources:
                assert in_checkout(copy, source).exists(), f"COPY --from={copy.from_stage} {source}: its stage makes no such thing"
    # The image takes the UI its node stage built, exactly where the service is told to serve it from.
    [ui] = [c for c in copies if c.stage == image_stage() and c.from_stage is not None]
    assert in_checkout(ui, ui.sources[0]) == built_ui()
    assert image_env()["LINEAGEGRAPH_UI_DIR"] == str(ui.dest_path())
    # The node stage builds from the sources and the lockfile, never the host's packages or build.
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {"ui/node_modules", "ui/dist"} <= set(ignored)


def test_the_wheel_of_the_image_files_installs_and_serves(tmp_path, settings, client):
    context = tmp_path / "context"
    context.mkdir()
    for source in image_sources():
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
           "LINEAGEGRAPH_BOOTSTRAP_TOKEN": ADMIN_TOKEN, "LINEAGEGRAPH_LOG_LEVEL": "WARNING",
           # As in the image: the UI from where LINEAGEGRAPH_UI_DIR says, not beside the package.
           "LINEAGEGRAPH_UI_DIR": str(built_ui())}
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
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            page = response.read().decode()
        assert "<title>lineagegraph registry</title>" in page and "not built" not in page, page[:300]
        installed = subprocess.run([str(venv / "bin" / "python"), "-c",
                                    "import app, app.core.config as c; print(app.__file__, c.default_policy_file())"],
                                   cwd=tmp_path, capture_output=True, text=True, check=True).stdout
        assert str(venv) in installed and "_policies" in installed, installed
    finally:
        service.terminate()
        service.wait(timeout=60)
