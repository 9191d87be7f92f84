"""The query cost limit: a static estimate of how many values an operation can return.

Each field costs 1, and a field with a `first` or `limit` argument multiplies what it selects
by that argument (by the largest allowed page when the argument is a variable, which the
validation cannot see). Depth, alias and token limits alone let a query ask for 100 edges of
100 edges of 100 edges; the cost limit refuses that before anything runs.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

_SIZED_ARGUMENTS = ("first", "limit")


def query_cost(
    selections: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variable_size: int,
    seen: frozenset[str] = frozenset(),
) -> int:
    """The cost of a selection set (fragment cycles are the validator's to refuse)."""
    if selections is None:
        return 0
    total = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            total += 1 + _multiplier(selection, variable_size) * query_cost(
                selection.selection_set, fragments, variable_size, seen
            )
        elif isinstance(selection, InlineFragmentNode):
            total += query_cost(selection.selection_set, fragments, variable_size, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                total += query_cost(fragment.selection_set, fragments, variable_size, seen | {name})
    return total


def _multiplier(field: FieldNode, variable_size: int) -> int:
    for argument in field.arguments or ():
        if argument.name.value in _SIZED_ARGUMENTS:
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(1, int(value.value))
            return variable_size
    return 1


def cost_limit_rule(max_cost: int, variable_size: int) -> type[ValidationRule]:
    """A validation rule refusing operations whose cost exceeds `max_cost`."""

    class QueryCostLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            self.fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }

        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            cost = query_cost(node.selection_set, self.fragments, variable_size)
            if cost > max_cost:
                name = node.name.value if node.name else "the operation"
                self.report_error(
                    GraphQLError(
                        f"{name} costs {cost}, over the limit of {max_cost}: ask for smaller "
                        "pages (first, limit) or fewer nested lists",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": max_cost},
                    )
                )

    return QueryCostLimit
