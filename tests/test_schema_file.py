"""`schema.graphql` is the exported SDL; it must match the code, and document the whole API."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    specified_scalar_types,
)

from app.graphql.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_graphql_is_the_exported_sdl():
    exported = schema.as_str() + "\n"
    assert SCHEMA_FILE.read_text() == exported, (
        "schema.graphql is out of date: run `./dev export-schema > schema.graphql` and commit it"
    )


def _undocumented(graphql_schema) -> list[str]:
    """Every type, field, argument, input field and enum value without a description."""
    missing = []
    for name, type_ in sorted(graphql_schema.type_map.items()):
        if name.startswith("__") or name in specified_scalar_types:
            continue  # introspection and the built-in scalars are documented by the spec
        if not (type_.description or "").strip():
            missing.append(f"type {name}")
        if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType)):
            for field_name, field in type_.fields.items():
                if not (field.description or "").strip():
                    missing.append(f"field {name}.{field_name}")
                for arg_name, arg in field.args.items():
                    if not (arg.description or "").strip():
                        missing.append(f"argument {name}.{field_name}({arg_name})")
        elif isinstance(type_, GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                if not (field.description or "").strip():
                    missing.append(f"input field {name}.{field_name}")
        elif isinstance(type_, GraphQLEnumType):
            for value_name, value in type_.values.items():
                if not (value.description or "").strip():
                    missing.append(f"enum value {name}.{value_name}")
    return missing


def test_every_type_field_and_argument_is_described():
    missing = _undocumented(schema._schema)
    assert not missing, f"{len(missing)} schema elements have no description:\n  " + "\n  ".join(missing)
