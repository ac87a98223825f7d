"""The GraphQL documents we agree to run: depth, aliases and size, measured before execution in
time linear in the document.

Strawberry's depth and alias limiters walk a fragment again at every spread, so a document of
fragments that each spread the previous one twice costs 2^k steps to check: a 1.3 KB document of
21 such fragments held the service for 15 s before any limit fired. Here each fragment is measured
once and its figures reused at every spread (a spread still *counts* once per use: expanded, that
document selects millions of fields, which is what the size limit refuses). Undefined fragments
and fragment cycles measure as nothing: the standard validation rules report them.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

from app.core import limits


@dataclass(frozen=True)
class Measure:
    """What a selection set asks for once its fragments are expanded."""

    depth: int = 0      # nesting of fields with selections (introspection fields do not count)
    aliases: int = 0
    fields: int = 0     # every field selected, introspection included


_NOTHING = Measure()


class _Measurer:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]):
        self.fragments = fragments
        self.measured: dict[str, Measure] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None) -> Measure:
        depth = aliases = fields = 0
        for selection in selection_set.selections if selection_set else ():
            part = self.selection(selection)
            depth, aliases, fields = max(depth, part.depth), aliases + part.aliases, fields + part.fields
            if fields > limits.MAX_SELECTED_FIELDS:
                break  # already refused: adding more only costs time
        return Measure(depth, aliases, fields)

    def selection(self, node) -> Measure:
        if isinstance(node, FieldNode):
            inner = self.selection_set(node.selection_set)
            introspection = node.name.value.startswith("__")
            depth = 0 if introspection or node.selection_set is None else 1 + inner.depth
            return Measure(depth, inner.aliases + (node.alias is not None), inner.fields + 1)
        if isinstance(node, InlineFragmentNode):
            return self.selection_set(node.selection_set)
        if isinstance(node, FragmentSpreadNode):
            return self.fragment(node.name.value)
        return _NOTHING

    def fragment(self, name: str) -> Measure:
        if name in self.measured:
            return self.measured[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return _NOTHING
        self.in_progress.add(name)
        measure = self.selection_set(definition.selection_set)
        self.in_progress.discard(name)
        self.measured[name] = measure
        return measure


class DocumentLimits(ValidationRule):
    """Refuses an operation deeper than MAX_QUERY_DEPTH, with more than MAX_ALIASES aliases, or
    selecting more than MAX_SELECTED_FIELDS fields once its fragments are expanded."""

    def enter_document(self, node: DocumentNode, *_args) -> None:
        fragments = {d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)}
        measurer = _Measurer(fragments)
        for definition in node.definitions:
            if isinstance(definition, OperationDefinitionNode):
                self._check(definition, measurer.selection_set(definition.selection_set))

    def _check(self, operation: OperationDefinitionNode, measure: Measure) -> None:
        name = operation.name.value if operation.name else "anonymous"
        if measure.depth > limits.MAX_QUERY_DEPTH:
            self._refuse(operation, f"'{name}' exceeds maximum operation depth of {limits.MAX_QUERY_DEPTH}")
        if measure.aliases > limits.MAX_ALIASES:
            self._refuse(operation, f"{measure.aliases} aliases found. Allowed: {limits.MAX_ALIASES}")
        if measure.fields > limits.MAX_SELECTED_FIELDS:
            self._refuse(operation, f"'{name}' selects more than {limits.MAX_SELECTED_FIELDS} fields once its "
                                    "fragments are expanded; ask for less, or in several requests.")

    def _refuse(self, operation: OperationDefinitionNode, message: str) -> None:
        self.report_error(GraphQLError(message, operation))
