"""Field execution without per-field ceremony for the fields that need none.

graphql-core executes every selected field the same way: it builds a resolve-info object, calls
the field's resolver through Strawberry's wrapper, checks whether the result is awaitable, and
completes it through the generic type dispatch; a list of scalars goes through all of that once
per item. For an answer of 500 impact items that is ~6,000 field executions and ~70% of the
request's CPU in Python (issue #16's profile), most of them on fields that just read an attribute.

`LeanExecutionContext` answers those fields directly: a field whose Strawberry definition is
*basic* (no resolver, no field extensions such as the permission checks, so Strawberry itself
would only read the attribute), takes no arguments, and whose type is a scalar or enum or a list
of them, and `__typename`. Anything unusual on the way (null where the type forbids it, a value
the scalar refuses, a non-list where a list is declared, directives on the field) falls back to
graphql-core's own path, which then reports it exactly as before; so does every other field, and
every field when an extension wraps resolvers (a Strawberry `resolve` hook).

It also remembers which object type a union or interface member resolves to: Strawberry's type
resolver tries the union's members one by one (~10 µs an item, 20% of a 500-item impact page), and
for an object of a plain (non-generic, not `strawberry.cast`) Strawberry type its answer depends
on the object's class alone, so it is asked once per (abstract type, class) and its answer reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLLeafType, GraphQLList, GraphQLNonNull, GraphQLObjectType, Undefined, is_leaf_type
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import has_object_definition
from strawberry.types.cast import get_strawberry_type_cast
from strawberry.types.field import StrawberryField

_SLOW = object()  # "answer this one the standard way"


@dataclass(frozen=True, slots=True)
class _LeafField:
    """How to answer one basic leaf field of one object type."""

    field: StrawberryField
    leaf: GraphQLLeafType
    non_null: bool          # the field's type is non-null
    is_list: bool           # a list of leaves
    items_non_null: bool    # ... whose items are non-null

    def answer(self, source: Any) -> Any:
        value = self.field.default_resolver(source, self.field.python_name)
        if value is None:
            return _SLOW if self.non_null else None
        if not self.is_list:
            coerced = self.leaf.coerce_output_value(value)
            return _SLOW if coerced is None or coerced is Undefined else coerced
        if not isinstance(value, (list, tuple)):
            return _SLOW
        coerce, out = self.leaf.coerce_output_value, []
        for item in value:
            if item is None:
                if self.items_non_null:
                    return _SLOW
                out.append(None)
                continue
            coerced = coerce(item)
            if coerced is None or coerced is Undefined:
                return _SLOW
            out.append(coerced)
        return out


_TYPENAME = object()


def _plan_of(parent_type: GraphQLObjectType, field_name: str) -> _LeafField | object | None:
    if field_name == "__typename":
        return _TYPENAME
    graphql_field = parent_type.fields.get(field_name)
    if graphql_field is None or graphql_field.args:
        return None
    definition = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    field_type, non_null = graphql_field.type, False
    if isinstance(field_type, GraphQLNonNull):
        field_type, non_null = field_type.of_type, True
    is_list = items_non_null = False
    if isinstance(field_type, GraphQLList):
        field_type, is_list = field_type.of_type, True
        if isinstance(field_type, GraphQLNonNull):
            field_type, items_non_null = field_type.of_type, True
    if not is_leaf_type(field_type):
        return None
    return _LeafField(definition, field_type, non_null, is_list, items_non_null)


class LeanExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with basic leaf fields and `__typename` answered directly."""

    # (object type, field name) -> how to answer it, or None for the standard path. The schema's
    # types live as long as the process, so the plans do too.
    _plans: dict[tuple[GraphQLObjectType, str], _LeafField | object | None] = {}
    # (abstract type, Python class) -> the object type its objects resolve to.
    _runtime_types: dict[tuple[Any, type], GraphQLObjectType] = {}

    def execute_field(self, parent_type, source, field_details_list, path, position_context):
        details = field_details_list[0]
        node = details.node
        if not node.directives and not node.arguments and not _wraps_resolvers(self):
            key = (parent_type, node.name.value)
            plan = self._plans.get(key, _SLOW)
            if plan is _SLOW:
                plan = self._plans[key] = _plan_of(parent_type, node.name.value)
            if plan is _TYPENAME:
                return parent_type.name
            if plan is not None:
                try:
                    answer = plan.answer(source)
                except Exception:  # noqa: BLE001 — the standard path reports it, located
                    answer = _SLOW
                if answer is not _SLOW:
                    return answer
        return super().execute_field(parent_type, source, field_details_list, path, position_context)


    def complete_abstract_value(self, return_type, field_details_list, info, path, result, position_context):
        if _resolves_by_class(result):
            key = (return_type, type(result))
            runtime_type = self._runtime_types.get(key)
            if runtime_type is None:
                resolve = return_type.resolve_type or self.type_resolver
                name = resolve(result, info, return_type)
                if not isinstance(name, str):  # awaitable or odd: the standard path handles it
                    return super().complete_abstract_value(return_type, field_details_list, info, path, result,
                                                           position_context)
                runtime_type = self.ensure_valid_runtime_type(name, return_type, field_details_list, info, result)
                self._runtime_types[key] = runtime_type
            return self.complete_object_value(runtime_type, field_details_list, info, path, result, position_context)
        return super().complete_abstract_value(return_type, field_details_list, info, path, result, position_context)


def _resolves_by_class(value: Any) -> bool:
    """Whether Strawberry resolves `value`'s runtime type from its class alone."""
    if not has_object_definition(value) or get_strawberry_type_cast(value) is not None:
        return False
    definition = value.__strawberry_definition__
    return not definition.is_graphql_generic and not definition.type_var_map


def _wraps_resolvers(context: StrawberryGraphQLCoreExecutionContext) -> bool:
    manager = context.middleware_manager
    return manager is not None and bool(manager.middlewares)
