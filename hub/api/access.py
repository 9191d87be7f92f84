"""The access policy applied to GraphQL: every field is checked before it resolves.

`FieldPolicy` runs as middleware on every field of every operation (root fields, nested
fields, connection edges and totalCount, federation `_entities`, subscription payloads, and any
field added later), asks `auth.policy` whether the caller may see it, and answers a denied
field with null and a FORBIDDEN error naming the scopes it needs, before its resolver runs,
so a denied field never touches the database and its error says nothing about the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo
from strawberry.extensions import SchemaExtension

from auth.catalog import Catalog
from auth.policy import apply_mask, row_params, row_predicate, row_scope
from auth.principal import Principal
from hub.repository import RowFilter


def row_filter(catalog: Catalog, principal: Principal, now: dt.datetime) -> RowFilter:
    scope = row_scope(catalog, principal)
    return RowFilter(predicate=row_predicate(scope), params=row_params(scope, now))


class FieldPolicy(SchemaExtension):
    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo[Any],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        type_name, field_name = info.parent_type.name, info.field_name
        decision = info.context.decide(type_name, field_name)
        if not decision.allowed:
            raise GraphQLError(
                decision.message(type_name, field_name), extensions=decision.extensions()
            )
        result = _next(root, info, *args, **kwargs)
        if decision.mask is None:
            return result
        if isawaitable(result):
            return _masked(decision, result)
        return apply_mask(decision, result)


async def _masked(decision: Any, pending: Awaitable[Any]) -> Any:
    return apply_mask(decision, await pending)
