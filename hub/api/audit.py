"""The audit trail of the GraphQL API: each operation that read (or was refused) enterprise
data is recorded, after it ran, with who asked, why, under which consents, which enterprises,
which fields and how it ended.

Recording only queues the event (`auth.audit.AuditLog.record`); the hash chain is written in
the background, so the request does not wait for it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterable

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from auth.audit import AuditEvent, outcome_for
from auth.consents import admitting_consents
from auth.policy import RowMode, row_scope
from hub.api.context import Context

logger = logging.getLogger(__name__)


class AuditTrail(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        yield
        execution = self.execution_context
        context = execution.context
        if not isinstance(context, Context) or context.audit is None:
            return
        result = execution.result
        errors = (result.errors or []) if result is not None else []
        codes = [(e.extensions or {}).get("code") for e in errors]
        touched = context.loaders.touched
        if not touched and "FORBIDDEN" not in codes:
            return  # nothing about any enterprise was read or refused
        document = execution.graphql_document
        event = AuditEvent.for_request(
            context.principal,
            query=execution.query or "",
            operation_name=execution.operation_name,
            root_fields=_root_fields(document),
            enterprises=touched,
            purpose=context.purpose,
            outcome=outcome_for(codes, has_data=_has_data(result.data if result else None)),
            consent_ids=await _consents(context, touched),
            fields=fields_read(document, execution.operation_name),
        )
        try:
            context.audit.record(event)
        except RuntimeError:
            # the hub is shutting down and the trail is closed: say so loudly, never silently
            logger.error("audit trail closed; not recorded: %s", event)


async def _consents(context: Context, touched: set[str]) -> set[str]:
    """The consents a bank's or insurer's read was made under: those its scope checks used,
    and those admitting the enterprises it read (the row policy checks them in the query)."""
    principal = context.principal
    if not touched or row_scope(context.catalog, principal).mode is not RowMode.CONSENTED:
        return context.consents_used
    state = context.request.app.state
    admitting = await admitting_consents(
        state.driver,
        state.settings.neo4j_database,
        usccs=sorted(touched),
        institution=principal.institution or "",
        now=dt.datetime.now(dt.UTC),
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


def fields_read(document: DocumentNode | None, operation_name: str | None) -> list[str]:
    """What the operation asked for, two levels deep: `financingProfile.exports`,
    `creditProfile.grade`; a root field without a selection is itself. Fragments are followed;
    aliases are not what the enterprise wants to read, so the field names are used."""
    if document is None:
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    read: list[str] = []
    for operation in chosen[:1]:
        for root in _fields(operation.selection_set, fragments):
            children = list(_fields(root.selection_set, fragments))
            if not children:
                read.append(root.name.value)
            read.extend(
                f"{root.name.value}.{child.name.value}"
                for child in children
                if not child.name.value.startswith("__")
            )
    return read


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
