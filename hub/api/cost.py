"""The query cost: a static estimate of how many values an operation can return, counted with
the request's variables before anything runs (`hub.api.limits.OperationLimits` refuses an
operation over `HUB_MAX_QUERY_COST`).

Each field costs 1, and a field with a `first` or `limit` argument multiplies what it selects
by that argument: a literal, or the value the request gives the variable (its default when the
request gives none; the largest allowed page when neither says). A field taking a list whose
every item is one result (`_entities(representations: ...)`) multiplies what it selects by
the list's length. Depth, alias and token limits alone let a query ask for 100 edges of 100
edges of 100 edges, or 150,000 entities at once; the cost limit refuses that.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)
from graphql.utilities import value_from_ast_untyped

_SIZED_ARGUMENTS = ("first", "limit")
"""Arguments bounding how many items a list field returns."""

_ONE_RESULT_PER_ITEM = ("representations",)
"""List arguments whose every item is one result (federation's `_entities`)."""

ENTITIES_FIELD = "_entities"
REPRESENTATIONS = "representations"

Variables = Mapping[str, object]


def operation_variables(operation: OperationDefinitionNode, given: Variables | None) -> Variables:
    """The variables as the operation will see them: those the request gives, else the
    defaults its variable definitions declare (uncoerced: coercion comes later)."""
    values: dict[str, object] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if given is not None and name in given:
            values[name] = given[name]
        elif definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return values


def query_cost(
    selections: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variable_size: int,
    seen: frozenset[str] = frozenset(),
    variables: Variables | None = None,
) -> int:
    """The cost of a selection set (fragment cycles are the validator's to refuse);
    `variable_size` is what a page size the request leaves open counts for."""
    if selections is None:
        return 0
    values = variables or {}
    total = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            inner = query_cost(selection.selection_set, fragments, variable_size, seen, values)
            total += 1 + _multiplier(selection, variable_size, values) * inner
        elif isinstance(selection, InlineFragmentNode):
            total += query_cost(selection.selection_set, fragments, variable_size, seen, values)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                total += query_cost(
                    fragment.selection_set, fragments, variable_size, seen | {name}, values
                )
    return total


def _multiplier(field: FieldNode, variable_size: int, variables: Variables) -> int:
    found = 1
    for argument in field.arguments or ():
        name = argument.name.value
        if name in _SIZED_ARGUMENTS:
            size = _int_value(argument.value, variables)
            found = max(found, variable_size if size is None else max(1, size))
        elif name in _ONE_RESULT_PER_ITEM:
            found = max(found, _list_length(argument.value, variables))
    return found


def _int_value(value: ValueNode, variables: Variables) -> int | None:
    if isinstance(value, IntValueNode):
        return int(value.value)
    if isinstance(value, VariableNode):
        given = variables.get(value.name.value)
        if isinstance(given, bool):
            return None
        if isinstance(given, int):
            return given
        if isinstance(given, float) and given.is_integer():
            return int(given)
    return None


def _list_length(value: ValueNode, variables: Variables) -> int:
    if isinstance(value, ListValueNode):
        return len(value.values)
    if isinstance(value, VariableNode):
        given = variables.get(value.name.value)
        if isinstance(given, list):
            return len(given)
    return 1


def representation_count(
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: Variables,
) -> int:
    """How many representations the operation passes to `_entities`, over every root
    `_entities` field (aliases and fragments included)."""
    total = 0
    stack: list[SelectionSetNode] = [operation.selection_set]
    spread: set[str] = set()
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value != ENTITIES_FIELD:
                    continue
                for argument in selection.arguments or ():
                    if argument.name.value == REPRESENTATIONS:
                        total += _list_length(argument.value, variables)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in spread:
                    spread.add(name)
                    stack.append(fragment.selection_set)
    return total
