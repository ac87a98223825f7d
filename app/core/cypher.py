"""Every Cypher statement lives in `cypher/**/*.cypher`, one per file, loaded once by name.

A file's leading `//` comment lines are its docstring; one of them declares the
parameters it takes::

    // The dataset with this natural key, or nothing.
    // params: namespace, name
    MATCH (d:Dataset {namespace: $namespace, name: $name}) RETURN d

`cypher/catalog/get_dataset.cypher` is then `queries["catalog.get_dataset"]`. The
declared parameters must be exactly those the body uses, so a typo fails at
start-up with file:line instead of as a null at run time. Values only ever reach
Cypher as parameters; nothing here formats text into a statement.

Who runs a file: `cypher/<domain>/<stem>.cypher` is the statement of exactly one thing in
`app/<domain>/repository.py`, named after it — the function `<stem>`, or, for statements of one
shape that a value picks (a kind, a relation, a direction), the member `<stem>` of a `Statements`
family. The numbered `cypher/schema/` files are the migrations, applied in order by folder.
tests/test_cypher_usage.py holds the tree to this.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Self

# Strings, quoted identifiers and comments are skipped when looking for $parameters.
_SKIPPED = re.compile(
    r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|//[^\n]*|/\*.*?\*/""", re.DOTALL
)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_PARAMS_LINE = re.compile(r"^//\s*params:\s*(.*)$", re.IGNORECASE)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class QueryFileError(RuntimeError):
    """A `.cypher` file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Query:
    """One Cypher statement and what its file says about it."""

    name: str
    text: str
    params: frozenset[str]
    doc: str
    path: Path

    def check_params(self, given: Mapping[str, object]) -> None:
        """Fail loudly when a caller passes other parameters than the file declares."""
        if set(given) != self.params:
            missing = sorted(self.params - set(given))
            extra = sorted(set(given) - self.params)
            raise TypeError(f"{self.name}: missing parameters {missing}, unexpected {extra}")


class QueryCatalog(Mapping[str, Query]):
    """All statements of a `cypher/` folder by dotted name (`folder.file`)."""

    def __init__(self, queries: dict[str, Query]):
        self._queries = queries

    def __getitem__(self, name: str) -> Query:
        try:
            return self._queries[name]
        except KeyError:
            raise KeyError(f"no Cypher file for query {name!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)

    def digest(self) -> str:
        """A fingerprint of every statement's name and text: changes whenever a file does."""
        h = hashlib.sha256()
        for name in sorted(self._queries):
            h.update(name.encode() + b"\0" + self._queries[name].text.encode() + b"\0")
        return h.hexdigest()

    def in_folder(self, folder: str) -> list[Query]:
        """The queries of one folder, in file-name order (migrations rely on it)."""
        prefix = folder + "."
        return sorted((q for n, q in self._queries.items() if n.startswith(prefix)), key=lambda q: q.name)


class Statements(Enum):
    """A family of statements of one shape, one file each, picked by a value instead of being a
    function each: declared in a domain's repository, each member named after its file in the
    domain's folder, what picks it as its value. The family's `__init__` names the parts of the
    value (`kind`, `use`, …), which `where` looks members up by."""

    def __new__(cls, *value: Any) -> Self:
        member = object.__new__(cls)
        # Numbered, not keyed by the value: two files declared alike (two links to the same kind)
        # stay two members instead of the second silently becoming an alias of the first.
        member._value_ = len(cls.__members__) + 1
        return member

    @property
    def statement(self) -> str:
        """The name of the member's statement (`catalog.list_teams`)."""
        return statement_of(self)

    @classmethod
    def where(cls, **parts: Any) -> Self:
        """The member declared with these parts of a value (`PerKind.where(kind=kind, use="page")`)."""
        for member in cls:
            if all(getattr(member, name) == value for name, value in parts.items()):
                return member
        raise LookupError(f"{cls.__name__} has no statement for {parts}")


def statement_of(used: Callable[..., Any] | Statements) -> str:
    """The name of the statement a repository function or family member runs: `<domain>.<its
    name>`, for `app/<domain>/repository.py` (the hot-statement list names them this way)."""
    if isinstance(used, Statements):
        module, name = type(used).__module__, used.name
    else:
        module, name = used.__module__, used.__name__
    parts = module.split(".")
    if len(parts) != 3 or parts[0] != "app" or parts[2] != "repository":
        raise ValueError(f"{module}.{name} runs no statement: only app/<domain>/repository.py does")
    return f"{parts[1]}.{name}"


def load_queries(root: Path, *more_roots: Path) -> QueryCatalog:
    """Read and check every `.cypher` file under `root` (and each further root: the suite adds its
    own statements, tests/cypher, to the service's); the first broken one raises, and so does a
    name two roots both hold."""
    queries: dict[str, Query] = {}
    for folder in (root, *more_roots):
        if not folder.is_dir():
            raise QueryFileError(f"{folder}: the Cypher folder does not exist")
        paths = sorted(folder.rglob("*.cypher"))
        if not paths:
            raise QueryFileError(f"{folder}: no .cypher files found")
        for path in paths:
            query = parse_query_file(path, folder)
            if query.name in queries:
                raise QueryFileError(f"{path}:1: {query.name} is also {queries[query.name].path}")
            queries[query.name] = query
    return QueryCatalog(queries)


def parse_query_file(path: Path, root: Path) -> Query:
    """Parse one file into a Query, checking its header against its body."""
    rel = path.relative_to(root).with_suffix("")
    for part in rel.parts:
        if not _NAME.match(part):
            raise QueryFileError(f"{path}:1: name part {part!r} must be lower_snake_case")
    name = ".".join(rel.parts)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryFileError(f"{path}:1: cannot be read: {exc}") from exc

    lines = source.splitlines()
    doc_lines: list[str] = []
    declared: set[str] | None = None
    declared_at = 0
    body_start = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("//"):
            body_start = index
            break
        match = _PARAMS_LINE.match(stripped)
        if match:
            declared = _parse_declared(match.group(1), path, index + 1)
            declared_at = index + 1
        else:
            doc_lines.append(stripped.lstrip("/").strip())

    body = "\n".join(lines[body_start:]).strip()
    if not body:
        raise QueryFileError(f"{path}:1: holds no Cypher statement")
    if not doc_lines:
        raise QueryFileError(f"{path}:1: starts with no `//` comment saying what the query returns")
    code = _SKIPPED.sub(" ", body)
    if ";" in code.rstrip().rstrip(";"):
        raise QueryFileError(f"{path}:{body_start + 1}: holds more than one statement (one per file)")
    used = set(_PARAM.findall(code))
    if declared is None:
        if used:
            raise QueryFileError(
                f"{path}:1: uses parameters {sorted(used)} but has no `// params:` line declaring them"
            )
        declared = set()
    if used != declared:
        problems = []
        if declared - used:
            problems.append(f"declared but unused: {sorted(declared - used)}")
        if used - declared:
            problems.append(f"used but undeclared: {sorted(used - declared)}")
        raise QueryFileError(f"{path}:{declared_at or 1}: parameters do not match ({'; '.join(problems)})")
    return Query(
        name=name,
        text=body.rstrip().rstrip(";"),
        params=frozenset(declared),
        doc=" ".join(doc_lines),
        path=path,
    )


def _parse_declared(spec: str, path: Path, line: int) -> set[str]:
    spec = spec.strip()
    if spec in ("", "-", "none", "(none)"):
        return set()
    names = [item.strip().lstrip("$") for item in spec.split(",")]
    for item in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", item):
            raise QueryFileError(f"{path}:{line}: {item!r} is not a parameter name")
    return set(names)
