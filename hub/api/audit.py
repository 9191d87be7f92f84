"""The audit trail of the GraphQL API: each operation that read (or was refused) enterprise
data is recorded, after it ran, with who asked, why, which enterprises and how it ended.

Recording only queues the event (`auth.audit.AuditLog.record`); the hash chain is written in
the background, so the request does not wait for it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from auth.audit import AuditEvent, outcome_for
from hub.api.context import Context

logger = logging.getLogger(__name__)


class AuditTrail(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
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
        event = AuditEvent.for_request(
            context.principal,
            query=execution.query or "",
            operation_name=execution.operation_name,
            root_fields=_root_fields(execution.graphql_document),
            enterprises=touched,
            purpose=context.purpose,
            outcome=outcome_for(codes, has_data=_has_data(result.data if result else None)),
        )
        try:
            context.audit.record(event)
        except RuntimeError:
            # the hub is shutting down and the trail is closed: say so loudly, never silently
            logger.error("audit trail closed; not recorded: %s", event)


def _root_fields(document: object) -> list[str]:
    definitions = getattr(document, "definitions", ())
    return [
        selection.name.value
        for definition in definitions
        if isinstance(definition, OperationDefinitionNode)
        for selection in definition.selection_set.selections
        if isinstance(selection, FieldNode)
    ]


def _has_data(data: object) -> bool:
    """Whether any root field answered (a refused field answers null)."""
    return isinstance(data, dict) and any(value is not None for value in data.values())
