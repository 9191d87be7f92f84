"""The query cost: a static estimate of how many values an operation can return, counted with
the request's variables before anything runs (`hub.api.limits.OperationLimits` refuses an
operation over `HUB_MAX_QUERY_COST`).

Each field costs 1, and a list field the limits table sizes (`hub.settings.SIZED_FIELDS`)
multiplies what it selects by its size: the literal or the variable's value the request gives
its argument, else the field's default from the same table, which is what the resolver will
use. So a query costs the same whether it writes `first: 20`, passes 20 in a variable or
leaves `first` out where 20 is the default. A field taking a list whose every item is one
result (`_entities(representations: ...)`) multiplies what it selects by the list's length.
Depth, alias and token limits alone let a query ask for 100 edges of 100 edges of 100 edges, or
150,000 entities at once; the cost limit refuses that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
)
from graphql.utilities import value_from_ast_untyped

from hub.settings import SIZED_FIELDS, FieldLimits

_ONE_RESULT_PER_ITEM = ("representations",)
"""List arguments whose every item is one result (federation's `_entities`)."""

ENTITIES_FIELD = "_entities"
REPRESENTATIONS = "representations"

Variables = Mapping[str, object]
Fragments = Mapping[str, FragmentDefinitionNode]


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


@dataclass(frozen=True)
class CostRule:
    """Prices operations against `schema`, with list sizes from `limits`."""

    schema: GraphQLSchema
    limits: FieldLimits

    def cost(
        self,
        operation: OperationDefinitionNode,
        fragments: Fragments,
        variables: Variables | None = None,
    ) -> int:
        """The cost of `operation` with the request's variables (see `operation_variables`)."""
        root = self.schema.get_root_type(operation.operation)
        return self._selections(operation.selection_set, root, fragments, variables or {})

    def _selections(
        self,
        selections: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        fragments: Fragments,
        variables: Variables,
        seen: frozenset[str] = frozenset(),
    ) -> int:
        # fragment cycles are the validator's to refuse; `seen` only keeps this walk finite
        if selections is None:
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                inner = self._selections(
                    selection.selection_set,
                    self._field_type(parent, selection.name.value),
                    fragments,
                    variables,
                    seen,
                )
                total += 1 + self._multiplier(parent, selection, variables) * inner
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                total += self._selections(selection.selection_set, on, fragments, variables, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in seen:
                    on = self.schema.get_type(fragment.type_condition.name.value)
                    total += self._selections(
                        fragment.selection_set, on, fragments, variables, seen | {name}
                    )
        return total

    def _field_type(self, parent: GraphQLNamedType | None, name: str) -> GraphQLNamedType | None:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return None
        field = parent.fields.get(name)
        return None if field is None else get_named_type(field.type)

    def _multiplier(
        self, parent: GraphQLNamedType | None, field: FieldNode, variables: Variables
    ) -> int:
        arguments = {argument.name.value: argument.value for argument in field.arguments or ()}
        found = 1
        for name in _ONE_RESULT_PER_ITEM:
            if name in arguments:
                found = max(found, _list_length(arguments[name], variables))
        sized = SIZED_FIELDS.get((parent.name, field.name.value)) if parent else None
        if sized is not None:
            argument, entry = sized
            given = arguments.get(argument) if argument is not None else None
            size = _int_value(given, variables) if given is not None else None
            found = max(found, self.limits.of(entry).default if size is None else max(1, size))
        return found


def _int_value(value: ValueNode, variables: Variables) -> int | None:
    """The int a literal or a variable gives; None when it gives none (null, absent): the
    resolver then uses the field's default."""
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
