"""Completing plain answers without a resolver call per value.

graphql-core executes every field of every object on its own: a resolver call through the
access middleware, a resolve-info object, a completion, about 10 microseconds each. A page of
100 enterprises with their legal representatives is some 900 of them, most of a request's
CPU. `PlainExecution` completes a list (of `PLAN_MIN_ITEMS` values or more) whose whole
selection is plain in one tight loop over a plan compiled once per request and selection:

- every field is an attribute of its object with no arguments (strawberry's default resolver),
  or a relation field its object carries ready to shape in `preloaded` (see
  `hub.api.types.Enterprise.with_relations`);
- the access policy lets the caller see every one of them outright: no mask, no consent check
  (`hub.api.access.FieldPolicy`, the only middleware it knows; with any other it steps aside);
- every type is an object, a list or a leaf (no interface or union to resolve), no `@defer`.

Anything else, or a value that does not fit (a null where the schema says non-null, a relation
not preloaded, an object of another type), is completed by graphql-core as before: the plan
has no side effects, so starting over is safe, and the errors and masks the API promises are
exactly graphql-core's and the policy's own.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from hub.api.access import FieldPolicy

Complete = Callable[[Any], Any]
"""A compiled plan: the completed (JSON-ready) value of a resolved one, or `NotPlain`."""

PRELOADED = "preloaded"
"""The attribute of an object holding, by field name, what gives a resolver field's value
without a read (a function of no arguments)."""


PLAN_MIN_ITEMS = 8
"""The shortest list completed by a plan; shorter ones, and single objects, by graphql-core."""


class NotPlain(Exception):
    """This value does not fit the plan: graphql-core completes it."""


class PlainExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, with plain values completed by a compiled plan."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # by (return type, selection identity), as graphql-core memoises collect_subfields;
        # the selection list is kept alive beside its plan so its id is not reused
        self._plans: dict[tuple[GraphQLOutputType, int], tuple[object, Complete | None]] = {}
        middlewares = self.middleware_manager.middlewares if self.middleware_manager else ()
        self._enabled = all(isinstance(m, FieldPolicy) for m in middlewares)
        self._checks_policy = bool(middlewares)

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._enabled and _long_list(return_type, result):
            plan = self._plan(return_type, field_details_list)
            if plan is not None:
                try:
                    return plan(result)
                except NotPlain:
                    pass
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plan(self, return_type: GraphQLOutputType, selection: FieldDetailsList) -> Complete | None:
        key = (return_type, id(selection))
        cached = self._plans.get(key)
        if cached is None:
            cached = self._plans[key] = (selection, self._compile(return_type, selection))
        return cached[1]

    def _compile(
        self, return_type: GraphQLOutputType, selection: FieldDetailsList
    ) -> Complete | None:
        if isinstance(return_type, GraphQLNonNull):
            inner = self._compile(return_type.of_type, selection)
            return None if inner is None else _non_null(inner)
        if is_leaf_type(return_type):
            return _nullable(_leaf(return_type.coerce_output_value))
        if isinstance(return_type, GraphQLList):
            item = self._compile(return_type.of_type, selection)
            return None if item is None else _nullable(_list(item))
        if isinstance(return_type, GraphQLObjectType):
            found = self._object(return_type, selection)
            return None if found is None else _nullable(found)
        return None  # an interface or union: its runtime type is resolved per value

    def _object(
        self, object_type: GraphQLObjectType, selection: FieldDetailsList
    ) -> Complete | None:
        grouped, deferred, forbidden = self.collect_subfields(object_type, selection)
        if deferred or forbidden:
            return None
        steps: list[tuple[str, Callable[[Any], Any], Complete]] = []
        for key, details in grouped.items():
            if any(d.fragment_variable_values is not None for d in details):
                return None
            name = details[0].node.name.value
            if not self._visible_outright(object_type.name, name):
                return None
            if name == "__typename":
                steps.append((key, _constant(object_type.name), _identity))
                continue
            field = object_type.fields.get(name)
            if field is None or field.args or details[0].node.arguments:
                return None
            if getattr(field.resolve, "_is_default", False):
                get: Callable[[Any], Any] = attrgetter(
                    field.extensions["strawberry-definition"].python_name
                )
            elif field.resolve is not None:
                get = _preloaded(name)
            else:
                return None
            complete = self._compile(field.type, details)
            if complete is None:
                return None
            steps.append((key, get, complete))
        is_type_of = object_type.is_type_of

        def complete_object(value: Any) -> dict[str, Any]:
            if is_type_of is not None and not is_type_of(value, None):  # type: ignore[arg-type]
                raise NotPlain
            return {key: complete(get(value)) for key, get, complete in steps}

        return complete_object

    def _visible_outright(self, type_name: str, field_name: str) -> bool:
        if not self._checks_policy:
            return True
        decision = self.context_value.decide(type_name, field_name)
        return bool(decision.allowed and decision.consent is None and decision.mask is None)


def _long_list(return_type: GraphQLOutputType, result: Any) -> bool:
    """A list worth a plan: compiling one costs about what completing a few values does, and a
    plan lives only as long as its request."""
    if isinstance(return_type, GraphQLNonNull):
        return_type = return_type.of_type
    return (
        isinstance(return_type, GraphQLList)
        and isinstance(result, list)
        and len(result) >= PLAN_MIN_ITEMS
    )


def _identity(value: Any) -> Any:
    return value


def _constant(value: str) -> Callable[[Any], str]:
    return lambda _: value


def _preloaded(name: str) -> Callable[[Any], Any]:
    def get(value: Any) -> Any:
        try:
            shape = getattr(value, PRELOADED)[name]
        except (AttributeError, KeyError):
            raise NotPlain from None
        try:
            return shape()
        except Exception:  # its resolver raises it again, at its own field and path
            raise NotPlain from None

    return get


def _nullable(complete: Complete) -> Complete:
    return lambda value: None if value is None or value is Undefined else complete(value)


def _non_null(complete: Complete) -> Complete:
    def checked(value: Any) -> Any:
        completed = complete(value)
        if completed is None:
            raise NotPlain  # graphql-core reports the null with its path
        return completed

    return checked


def _leaf(coerce: Callable[[Any], Any]) -> Complete:
    def leaf(value: Any) -> Any:
        try:
            coerced = coerce(value)
        except Exception:  # graphql-core words the error and places it
            raise NotPlain from None
        if coerced is None or coerced is Undefined:
            raise NotPlain
        return coerced

    return leaf


def _list(item: Complete) -> Complete:
    def items(value: Any) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise NotPlain
        return [item(v) for v in value]

    return items
