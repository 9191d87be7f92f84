"""The audit trail of the GraphQL API: each operation that read (or was refused) enterprise
data is recorded, after it ran, with who asked, why, under which consents, which enterprises,
which fields and how it ended.

What is recorded as read is what the answer carries, decided from the executed result:

- `fields`: the fields the answer carries, two levels deep (a connection's nodes count as its
  second level: `enterprises.declarations`): selected and executed (so not skipped by
  `@skip`/`@include`), not refused (null with an error at or below them), and under a root
  field that answered non-null;
- `enterprises`: every enterprise whose data the answer carries: resolvers `touch` what they
  put into the answer (the root enterprise, graph nodes, list rows, alerts, objections, ...),
  and those touched under a root that answered null are left out (`Loaders.answered`).

A root answered null without data (unknown, hidden, no consent) therefore reads nothing; a
request that read nothing is recorded only if something was refused (FORBIDDEN), as such.

The record is committed before the answer leaves (`auth.audit.writer.AuditLog.commit`,
grouped with the records of concurrent requests): a read whose record cannot be made durable
answers no data but an `AUDIT_UNAVAILABLE` error, 503 with `Retry-After` (`withheld_answer`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Final

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from auth.audit.events import AuditEvent, outcome_for
from auth.audit.writer import AuditUnavailable
from auth.catalog import VisibilityMode
from auth.consents import admitting_consents
from auth.policy import enterprise_visibility
from hub.api.context import Context

logger = logging.getLogger(__name__)

ResponsePath = tuple[str | int, ...]
"""A response path, as in a GraphQL error's `path`."""
AUDIT_UNAVAILABLE: Final = "AUDIT_UNAVAILABLE"
RETRY_AFTER_S: Final = "5"


def audit_unavailable(error: AuditUnavailable) -> GraphQLError:
    """The error a read answers instead of its data when its audit record is not durable."""
    return GraphQLError(
        f"no data answered: its audit record could not be written ({error}); retry later",
        extensions={"code": AUDIT_UNAVAILABLE},
    )


async def commit_audit(context: Context, event: AuditEvent) -> None:
    """Commit `event` before the data it records is answered; raise the GraphQL error
    `AUDIT_UNAVAILABLE` (remembered on the request for `withheld_answer`) when it cannot be."""
    try:
        await context.services.audit.commit(event)
    except AuditUnavailable as error:
        logger.error("audit record not durable, the answer is withheld: %s", error)
        context.request.state.audit_unavailable = str(error)
        raise audit_unavailable(error) from None


def withheld_answer(request: Request | WebSocket) -> Response | None:
    """The 503 an HTTP request answers when its audit record could not be written, in the
    GraphQL error shape; None when it was written (or nothing needed one)."""
    reason = getattr(request.state, "audit_unavailable", None)
    if reason is None:
        return None
    error = audit_unavailable(AuditUnavailable(reason))
    return JSONResponse(
        {"data": None, "errors": [error.formatted]},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER_S},
    )


class AuditTrail(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        yield
        execution = self.execution_context
        context = execution.context
        if not isinstance(context, Context):
            return
        result = execution.result
        errors = (result.errors or []) if result is not None else []
        codes = [(e.extensions or {}).get("code") for e in errors]
        data = result.data if result is not None else None
        touched = context.loaders.answered(data)
        persons = context.loaders.answered_persons(data)
        if not touched and not persons and "FORBIDDEN" not in codes:
            return  # nothing about any enterprise or person was read or refused
        document = execution.graphql_document
        event = AuditEvent.for_request(
            context.principal,
            query=execution.query or "",
            operation_name=execution.operation_name,
            root_fields=_root_fields(document),
            enterprises=touched,
            persons=persons,
            purpose=context.purpose,
            outcome=outcome_for(codes, has_data=_has_data(data)),
            consent_ids=await _consents(context, touched),
            fields=fields_read(document, execution.operation_name, data, errors),
        )
        await commit_audit(context, event)


async def _consents(context: Context, touched: set[str]) -> set[str]:
    """The consents a bank's or insurer's read was made under: those its scope checks used,
    and those admitting the enterprises it read (the visibility policy checks them in the query)."""
    principal = context.principal
    if (
        not touched
        or enterprise_visibility(context.services.rules.catalog, principal).mode
        is not VisibilityMode.CONSENTED
    ):
        return context.consents_used
    services = context.services
    admitting = await admitting_consents(
        services.driver,
        services.database,
        usccs=sorted(touched),
        institution=principal.institution or "",
        now=context.now,
    )
    return context.consents_used | set(admitting)


def _root_fields(document: object) -> list[str]:
    definitions = getattr(document, "definitions", ())
    return [
        selection.name.value
        for definition in definitions
        if isinstance(definition, OperationDefinitionNode)
        for selection in definition.selection_set.selections
        if isinstance(selection, FieldNode)
    ]


def fields_read(
    document: DocumentNode | None,
    operation_name: str | None,
    data: Mapping[str, object] | None,
    errors: Sequence[GraphQLError] = (),
) -> list[str]:
    """What the answer `data` carries, two levels deep: `financingProfile.exports`,
    `creditProfile.grade`; a root field without a selection, or answering an empty list, is
    itself. Only fields present in the data count (a skipped one is absent), none under a root
    that answered null, and no field that is null with an error at or below it (refused).
    Fragments are followed; aliases are not what the enterprise wants to read, so the field
    names are used."""
    if document is None or not data:
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operation = next(
        (
            d
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
            and (operation_name is None or (d.name is not None and d.name.value == operation_name))
        ),
        None,
    )
    if operation is None:
        return []
    failed = {tuple(e.path[:n]) for e in errors if e.path for n in range(1, len(e.path) + 1)}
    read: list[str] = []
    for root in _fields(operation.selection_set, fragments):
        key = _key(root)
        answer = data.get(key)
        if answer is None or root.name.value.startswith("__"):
            continue  # skipped, or answered null: nothing under it was read
        children = list(_fields(root.selection_set, fragments))
        items: list[tuple[ResponsePath, object]] = (
            [((key, i), item) for i, item in enumerate(answer)]
            if isinstance(answer, list)
            else [((key,), answer)]
        )
        if not children or not items:
            read.append(root.name.value)
        read.extend(
            f"{root.name.value}.{child.name.value}"
            for child in children
            if not child.name.value.startswith("__") and _answered(items, _key(child), failed)
        )
        read.extend(_node_fields(root, children, items, failed, fragments))
    return list(dict.fromkeys(read))


def _node_fields(
    root: FieldNode,
    children: list[FieldNode],
    items: list[tuple[ResponsePath, object]],
    failed: set[ResponsePath],
    fragments: dict[str, FragmentDefinitionNode],
) -> Iterable[str]:
    """The fields of a connection's nodes (`enterprises { edges { node { declarations } } }`
    reads `enterprises.declarations`): two levels deep counts the node's fields, not the
    Relay wrappers around them."""
    for edges in (child for child in children if child.name.value == "edges"):
        for node in (f for f in _fields(edges.selection_set, fragments) if f.name.value == "node"):
            nodes: list[tuple[ResponsePath, object]] = [
                ((*at, _key(edges), j, _key(node)), edge.get(_key(node)))
                for at, item in items
                if isinstance(item, dict) and isinstance(item.get(_key(edges)), list)
                for j, edge in enumerate(item[_key(edges)])
                if isinstance(edge, dict)
            ]
            for field in _fields(node.selection_set, fragments):
                if not field.name.value.startswith("__") and _answered(nodes, _key(field), failed):
                    yield f"{root.name.value}.{field.name.value}"


def _key(field: FieldNode) -> str:
    return field.alias.value if field.alias else field.name.value


def _answered(
    items: list[tuple[ResponsePath, object]], key: str, failed: set[ResponsePath]
) -> bool:
    """Whether `key` was answered in one of a root's items (its object, or each object of its
    list, at their paths): present, and not null because of an error at or below it."""
    return any(
        isinstance(item, dict)
        and key in item
        and (item[key] is not None or (*at, key) not in failed)
        for at, item in items
    )


def _fields(
    selections: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
) -> Iterable[FieldNode]:
    if selections is None:
        return
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, fragments)


def _has_data(data: object) -> bool:
    """Whether any root field answered (a refused field answers null)."""
    return isinstance(data, dict) and any(value is not None for value in data.values())
