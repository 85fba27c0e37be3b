"""What a query will cost, estimated from its text before it runs: the objects it may resolve.

Every field costs one; a list field multiplies what is below it by the number of items it is expected to hold
(`first` for a page, an estimate per field otherwise: an organisation's activities are many, a record's history
a few). Aliases and fragments count as written. The estimate refuses the runaway shapes (the history of every
record of every organisation, thirty times over) before any work, and tells heavy queries, which wait their
turn, from the light ones that keep the register responsive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)

LIST_SIZES = {"organizations": 10, "processingActivities": 1000, "history": 50, "changes": 10}
"""How many items a list field is expected to hold, where it differs from DEFAULT_LIST. A record's history is
weighed as 50 versions: registers are edited for years, and each entry carries every changed field's values."""
DEFAULT_LIST = 10


def estimate(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None = None,
             variables: Mapping[str, Any] | None = None) -> int:
    """The estimated cost of running `operation_name` (or the document's only operation)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return 0  # execution reports the missing or ambiguous operation
    op = operations[0]
    root = {"query": schema.query_type, "mutation": schema.mutation_type,
            "subscription": schema.subscription_type}[op.operation.value]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return _Walk(schema, fragments, variables or {}).cost(op.selection_set, root, None, ())


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: Mapping[str, Any]):
        self.schema, self.fragments, self.variables = schema, fragments, variables

    def _first(self, node: FieldNode) -> int | None:
        for arg in node.arguments or ():
            if arg.name.value == "first":
                value = (self.variables.get(arg.value.name.value) if isinstance(arg.value, VariableNode)
                         else value_from_ast_untyped(arg.value))
                return value if isinstance(value, int) and value > 0 else None
        return None

    def cost(self, selections: SelectionSetNode | None, parent: Any, page: int | None,
             spreading: tuple[str, ...]) -> int:
        if selections is None or parent is None:
            return 0
        total = 0
        for s in selections.selections:
            if isinstance(s, FieldNode):
                total += self._field(s, parent, page, spreading)
            elif isinstance(s, InlineFragmentNode):
                t = self.schema.get_type(s.type_condition.name.value) if s.type_condition else parent
                total += self.cost(s.selection_set, t, page, spreading)
            elif isinstance(s, FragmentSpreadNode) and s.name.value not in spreading:
                frag = self.fragments.get(s.name.value)
                if frag is not None:
                    t = self.schema.get_type(frag.type_condition.name.value)
                    total += self.cost(frag.selection_set, t, page, (*spreading, s.name.value))
        return total

    def _field(self, node: FieldNode, parent: Any, page: int | None, spreading: tuple[str, ...]) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(name)
        if definition is None:  # __typename, or a field validation refuses
            return 1
        t = definition.type
        if isinstance(t, GraphQLNonNull):
            t = t.of_type
        many = 1
        if isinstance(t, GraphQLList):
            many = page if name == "edges" and page else LIST_SIZES.get(name, DEFAULT_LIST)
        below = self.cost(node.selection_set, get_named_type(t), self._first(node), spreading)
        return many * (1 + below)
