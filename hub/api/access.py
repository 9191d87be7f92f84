"""The access policy applied to GraphQL: every field is checked before it resolves.

`FieldPolicy` runs as middleware on every field of every operation (root fields, nested
fields, connection edges and totalCount, federation `_entities`, subscription payloads, and any
field added later), asks `auth.policy` whether the caller may see it, and answers a denied
field with null and a FORBIDDEN error naming the scopes it needs, before its resolver runs,
so a denied field never touches the database and its error says nothing about the data.

A field granted to a consent-limited caller (a bank, an insurer) under consent
(`Decision.consent`, from the catalog rule's `consent`) resolves only when the enterprise it
belongs to has an active consent to the caller covering that scope; otherwise it is null with
a FORBIDDEN error, on every path that reaches the enterprise (`enterprise`, `enterprises`,
`_entities`, holdings, shareholders).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo
from strawberry.extensions import SchemaExtension

from auth.catalog import Catalog
from auth.policy import (
    Decision,
    apply_mask,
    enterprise_visibility,
    visibility_params,
    visibility_predicate,
    without_consent,
)
from auth.principal import Principal
from hub.repository import VisibilityFilter


def denial(decision: Decision, type_name: str, field_name: str) -> GraphQLError:
    """The FORBIDDEN error of a denied field: its message names the scopes, never the data."""
    return GraphQLError(decision.message(type_name, field_name), extensions=decision.extensions())


def visibility_filter(catalog: Catalog, principal: Principal, now: dt.datetime) -> VisibilityFilter:
    """The enterprises `principal` may see, as the enterprise reads apply them at `now`."""
    visibility = enterprise_visibility(catalog, principal)
    return VisibilityFilter(
        predicate=visibility_predicate(visibility), params=visibility_params(visibility, now)
    )


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
            raise denial(decision, type_name, field_name)
        if decision.consent is not None:
            return _under_consent(decision, _next, root, info, *args, **kwargs)
        result = _next(root, info, *args, **kwargs)
        if decision.mask is None:
            return result
        if isawaitable(result):
            return _masked(decision, result)
        return apply_mask(decision, result)


async def _masked(decision: Decision, pending: Awaitable[Any]) -> Any:
    return apply_mask(decision, await pending)


async def _under_consent(
    decision: Decision,
    _next: Callable[..., Any],
    root: Any,
    info: GraphQLResolveInfo[Any],
    *args: Any,
    **kwargs: Any,
) -> Any:
    """Resolve the field only if the enterprise it belongs to (the parent's `uscc`) has an
    active consent to the caller covering `decision.consent`; a parent without a USCC is
    refused (a rule may name a consent only on a type that belongs to one enterprise)."""
    scope = decision.consent or ""
    uscc = getattr(root, "uscc", None)
    consent_id = await info.context.loaders.consent_for(str(uscc), scope) if uscc else None
    if consent_id is None:
        type_name, field_name = info.parent_type.name, info.field_name
        raise denial(without_consent(decision), type_name, field_name)
    info.context.consents_used.add(consent_id)
    result = _next(root, info, *args, **kwargs)
    # no mask here: masks are for public-only kinds, consents for consent-limited ones
    return await result if isawaitable(result) else result
