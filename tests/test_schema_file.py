"""`schema.graphql` is the exported SDL; it must match the code."""

from __future__ import annotations

from pathlib import Path

from app.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_graphql_is_the_exported_sdl():
    exported = schema.as_str() + "\n"
    assert SCHEMA_FILE.read_text() == exported, (
        "schema.graphql is out of date: run `./dev export-schema > schema.graphql` and commit it"
    )
