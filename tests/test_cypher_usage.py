"""Who runs each Cypher file (app/core/cypher.py, "Who runs a file"): every file of cypher/ but the
numbered migrations is the statement of exactly one thing in its domain's repository, named after
it — a function (`async def impact` runs `lineage.impact`), or a member of a `Statements` family
(`PerKind.list_teams` runs `catalog.list_teams`). Nothing else in app/ names a statement."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

import pytest

from app.core.config import default_cypher_dir
from app.core.cypher import load_queries, statement_of
from app.http.app import HOT_STATEMENTS
from tests.conftest import REPO

# A text that is a statement's name: `<folder>.<file stem>`.
_STATEMENT = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_]+$")


def usage_problems(statements: Iterable[str], repositories: Mapping[str, str],
                   others: Mapping[str, str]) -> list[str]:
    """What breaks the rule, a sentence each. `statements`: the app's statement names, migrations
    left out; `repositories`: the source of app/<domain>/repository.py by domain; `others`: the
    source of every other module of app/ by path."""
    known = set(statements)
    folders = {name.split(".")[0] for name in known}
    problems: list[str] = []
    users: dict[str, list[str]] = defaultdict(list)
    for domain, source in sorted(repositories.items()):
        where = f"app/{domain}/repository.py"
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                own = f"{domain}.{node.name}"
                for name in sorted(set(_statement_texts(node))):
                    users[name].append(f"{where}: function {node.name}")
                    if name not in known:
                        problems.append(f"{where}:{node.lineno}: function {node.name} runs {name}, which has no "
                                        f"file (cypher/{name.replace('.', '/')}.cypher)")
                    if name != own:
                        problems.append(f"{where}:{node.lineno}: function {node.name} runs {name}; a function runs "
                                        f"only the statement it is named after ({own})")
            elif isinstance(node, ast.ClassDef) and any(_is_family_base(base) for base in node.bases):
                for member, line in _members(node):
                    users[f"{domain}.{member}"].append(f"{where}: {node.name}.{member}")
                    if f"{domain}.{member}" not in known:
                        problems.append(f"{where}:{line}: {node.name}.{member} is named after no file "
                                        f"(no cypher/{domain}/{member}.cypher)")
                problems += [f"{where}:{line}: {name} is named in {node.name}, not by a function named after it"
                             for name, line in _statement_texts_at(node)]
            else:
                problems += [f"{where}:{line}: {name} is named outside a function named after it"
                             for name, line in _statement_texts_at(node)]
    for name in sorted(known):
        path = f"cypher/{name.replace('.', '/')}.cypher"
        if not users.get(name):
            problems.append(f"{path} is run by no repository function or family member (none is named "
                            f"{name.split('.')[1]} in app/{name.split('.')[0]}/repository.py)")
        elif len(users[name]) > 1:
            problems.append(f"{path} is run by {len(users[name])}: {'; '.join(users[name])}")
    for path, source in sorted(others.items()):
        tree = ast.parse(source)
        loader_keys = {id(part) for node in ast.walk(tree) if _is_loader_key_call(node)
                       for part in ast.walk(node.args[0])}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in known and id(node) not in loader_keys:
                problems.append(f"{path}:{node.lineno}: names the statement {node.value}; only "
                                f"app/{node.value.split('.')[0]}/repository.py may (call its function)")
            elif isinstance(node, ast.JoinedStr) and _builds_name(node, folders):
                problems.append(f"{path}:{node.lineno}: builds a statement's name from parts; name a "
                                "repository function or family member instead")
    return problems


def _statement_texts(node: ast.AST) -> list[str]:
    return [name for name, _ in _statement_texts_at(node)]


def _statement_texts_at(node: ast.AST) -> list[tuple[str, int]]:
    return [(n.value, n.lineno) for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and _STATEMENT.match(n.value)]


def _is_family_base(base: ast.expr) -> bool:
    return (isinstance(base, ast.Name) and base.id == "Statements") or \
        (isinstance(base, ast.Attribute) and base.attr == "Statements")


def _members(family: ast.ClassDef) -> list[tuple[str, int]]:
    return [(target.id, item.lineno) for item in family.body if isinstance(item, ast.Assign)
            for target in item.targets if isinstance(target, ast.Name) and not target.id.startswith("_")]


def _is_loader_key_call(node: ast.AST) -> bool:
    """`loaders.batched(key, load)`: a DataLoader's key, which may read like a statement's name."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "batched" \
        and bool(node.args)


def _builds_name(node: ast.JoinedStr, folders: set[str]) -> bool:
    head = node.values[0] if node.values else None
    return isinstance(head, ast.Constant) and any(head.value.startswith(folder + ".") for folder in folders)


def _app_sources() -> tuple[dict[str, str], dict[str, str]]:
    app = REPO / "app"
    repositories = {path.parent.name: path.read_text() for path in sorted(app.glob("*/repository.py"))}
    others = {str(path.relative_to(REPO)): path.read_text() for path in sorted(app.rglob("*.py"))
              if path.name != "repository.py" or path.parent.parent != app}
    return repositories, others


def _app_statements() -> list[str]:
    return [name for name in load_queries(default_cypher_dir()) if not name.startswith("schema.")]


def test_every_cypher_file_is_run_by_exactly_one_repository_function_or_member_named_after_it():
    repositories, others = _app_sources()
    assert usage_problems(_app_statements(), repositories, others) == []


def test_the_hot_statements_are_named_by_their_repository_functions_and_members():
    catalog = load_queries(default_cypher_dir())
    assert [statement_of(used) for used in HOT_STATEMENTS if statement_of(used) not in catalog] == []


# --- the check itself fails where it should -----------------------------------------------------

_REPOSITORY = '''
from app.core.cypher import Statements


class Subgraph(Statements):
    def __init__(self, direction):
        self.direction = direction

    upstream_subgraph = "UPSTREAM"


async def impact(tx, **params):
    return await tx.single("lineage.impact", **params)
'''
_FILES = ("lineage.impact", "lineage.upstream_subgraph")


def test_the_check_passes_a_repository_that_follows_the_rule():
    assert usage_problems(_FILES, {"lineage": _REPOSITORY}, {}) == []


@pytest.mark.parametrize(("files", "repository", "others", "complaint"), [
    pytest.param((*_FILES, "lineage.provenance"), _REPOSITORY, {},
                 "cypher/lineage/provenance.cypher is run by no repository function", id="unused file"),
    pytest.param(("lineage.upstream_subgraph",), _REPOSITORY, {},
                 "function impact runs lineage.impact, which has no file", id="name without a file"),
    pytest.param(("lineage.impact",), _REPOSITORY, {},
                 "Subgraph.upstream_subgraph is named after no file", id="member without a file"),
    pytest.param(_FILES, _REPOSITORY.replace("def impact", "def effect"), {},
                 "function effect runs lineage.impact; a function runs only the statement it is named after",
                 id="function not named after its file"),
    pytest.param(_FILES, _REPOSITORY + "\n\nasync def impact_again(tx):\n    return await tx.single('lineage.impact')\n",
                 {}, "cypher/lineage/impact.cypher is run by 2", id="file used by two functions"),
    pytest.param(_FILES, _REPOSITORY.replace('upstream_subgraph = "UPSTREAM"', 'upstream_subgraph = "UPSTREAM"\n'
                                             '    impact = "ALSO"'), {},
                 "cypher/lineage/impact.cypher is run by 2", id="file used by a function and a member"),
    pytest.param(_FILES, _REPOSITORY + '\n_BY_NAME = {"up": "lineage.upstream_subgraph"}\n', {},
                 "lineage.upstream_subgraph is named outside a function", id="name in a module-level table"),
    pytest.param(_FILES, _REPOSITORY, {"app/lineage/service.py": 'async def f(tx):\n    await tx.single("lineage.impact")\n'},
                 "app/lineage/service.py:2: names the statement lineage.impact", id="name outside the repository"),
    pytest.param(_FILES, _REPOSITORY, {"app/core/kinds.py": 'def q(plural):\n    return f"lineage.get_{plural}"\n'},
                 "app/core/kinds.py:2: builds a statement's name from parts", id="name built from parts"),
])
def test_the_check_names_what_breaks_the_rule(files, repository, others, complaint):
    problems = usage_problems(files, {"lineage": repository}, others)
    assert any(complaint in problem for problem in problems), problems


def test_a_dataloader_key_that_reads_like_a_statement_is_not_one():
    others = {"app/lineage/types.py": 'def f(info, load):\n    return info.context.loaders.batched("lineage.impact", load)\n'}
    assert usage_problems(_FILES, {"lineage": _REPOSITORY}, others) == []
