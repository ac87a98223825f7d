"""The layout of app/ (README "Layout") is kept by tests, not by memory.

- The layers contract in pyproject.toml (import-linter): app/cli above the HTTP edge, which is above
  the GraphQL edge, above the domains, above the shared base app/core. No import runs from the shared
  base into a domain, from a domain into an edge, or from the server into app/cli.
- No module imports another's private names (`from app.x import _y`): what one module offers
  another is public and named for what it is.
- Every domain's files carry the names of their roles, or are rules the README names; the README's
  tree names every folder, with a sentence.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "app"
DOMAINS = ("audit", "auth", "catalog", "compliance", "events", "governance", "incident", "lineage", "monitoring",
           "openlineage", "system")
ROLE_FILES = {"types.py", "inputs.py", "queries.py", "mutations.py", "service.py", "repository.py"}


def test_the_layers_contract_is_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint_imports), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "1 kept, 0 broken" in done.stdout


def test_no_module_imports_another_modules_private_names():
    offenders = []
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "app":
                offenders += [f"{path.relative_to(REPO)}:{node.lineno} {node.module}.{alias.name}"
                              for alias in node.names if alias.name.startswith("_") and alias.name != "__version__"]
    assert offenders == []


def test_a_domain_holds_role_files_and_rule_modules_the_readme_names():
    section = (REPO / "README.md").read_text().split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    for domain in DOMAINS:
        files = {p.name for p in (APP / domain).glob("*.py")} - {"__init__.py"}
        assert "service.py" in files, f"{domain} has no service.py"
        unnamed = [name for name in sorted(files - ROLE_FILES) if f"`{domain}/{name}`" not in section]
        assert unnamed == [], f"app/{domain} holds modules that are neither role files nor named in README Layout"


def _layout_tree() -> dict[str, str]:
    """The folders README "Layout" names, each with its sentence."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n", 2)[1]
    tree: dict[str, str] = {}
    parents: list[tuple[int, str]] = []
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        name, _, sentence = line.strip().partition(" ")
        parents = [(i, p) for i, p in parents if i < indent]
        path = "".join(p for _, p in parents) + name
        parents.append((indent, name))
        tree[path.rstrip("/")] = sentence.strip()
    return tree


def test_the_readme_layout_names_every_folder_with_a_sentence_and_no_other():
    tree = _layout_tree()
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    top = {path.split("/")[0] for path in tracked if "/" in path and not path.startswith(".")}
    app_folders = {str(p.parent.relative_to(REPO)) for p in APP.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert set(tree) == top | app_folders
    assert all(sentence for sentence in tree.values()), [path for path, sentence in tree.items() if not sentence]
