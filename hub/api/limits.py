"""What an operation must keep to before it runs, as schema extensions (every transport:
HTTP and the websocket).

- `Documents` parses and validates the document. Small documents (the usual, repeated queries)
  are parsed and validated once and cached; a large one (a long string literal, say) is parsed
  in a worker thread, so it cannot hold up the event loop, and is not cached, so a few large
  documents cannot pin memory. The token limit (`HUB_MAX_TOKENS`) bounds the parser's work.
  A document with several operations must say which to run (`operationName`): the GraphQL
  spec's "Must provide operation name if query contains multiple operations."
- `OperationLimits` counts, with the request's variables, the representations passed to
  `_entities` (at most `HUB_MAX_REPRESENTATIONS`, a BAD_USER_INPUT naming the limit) and the
  cost of the operation (`hub.api.cost`, list sizes from the limits table
  `HUB_LIMITS__*`, at most `HUB_MAX_QUERY_COST`), before any resolver
  runs, so a refused operation never touches the database.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    parse,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from hub.api.cost import CostRule, operation_variables, representation_count
from hub.api.errors import bad_user_input
from hub.settings import FieldLimits

CACHED_DOCUMENT_CHARS = 16 * 1024
"""Documents up to this size are parsed and validated on the event loop and cached; larger
ones are parsed in a worker thread and never cached."""

CACHE_SIZE = 512

MULTIPLE_OPERATIONS = "Must provide operation name if query contains multiple operations."


@functools.lru_cache(maxsize=CACHE_SIZE)
def _parse_cached(query: str, max_tokens: int | None) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


_validate_cached = functools.lru_cache(maxsize=CACHE_SIZE)(validate_document)


def _provided_operation_name(execution: Any) -> str | None:
    # strawberry keeps the operationName of the request apart from the one it infers (the
    # first operation's name): only the former says whether the client chose an operation.
    name = getattr(execution, "_provided_operation_name", None)
    return name if isinstance(name, str) else None


class Documents(SchemaExtension):
    """Parse (off the event loop when large) and validate, with bounded caches."""

    async def on_parse(self) -> AsyncIterator[None]:
        execution = self.execution_context
        query = execution.query
        if execution.graphql_document is None and query:
            max_tokens = execution.parse_options.get("max_tokens")
            if len(query) <= CACHED_DOCUMENT_CHARS:
                execution.graphql_document = _parse_cached(query, max_tokens)
            else:
                execution.graphql_document = await asyncio.to_thread(
                    parse, query, max_tokens=max_tokens
                )
        yield
        document = execution.graphql_document
        if document is None:
            return
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) > 1 and _provided_operation_name(execution) is None:
            raise GraphQLError(MULTIPLE_OPERATIONS, extensions={"code": "BAD_REQUEST"})

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None and execution.pre_execution_errors is None:
            small = len(execution.query or "") <= CACHED_DOCUMENT_CHARS
            validate = _validate_cached if small else validate_document
            execution.pre_execution_errors = validate(
                execution.schema._schema, document, execution.validation_rules
            )
        yield


class OperationLimits(SchemaExtension):
    """The representation and cost limits, counted with the request's variables."""

    def __init__(self, *, max_cost: int, limits: FieldLimits, max_representations: int) -> None:
        super().__init__()
        self.max_cost = max_cost
        self.limits = limits
        self.max_representations = max_representations

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        operation = (
            get_operation_ast(document, execution.operation_name) if document is not None else None
        )
        if operation is not None:
            self.check(document, operation, execution.variables)  # type: ignore[arg-type]
        yield

    def check(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        given: dict[str, Any] | None,
    ) -> None:
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        variables = operation_variables(operation, given)
        count = representation_count(operation, fragments, variables)
        if count > self.max_representations:
            raise bad_user_input(
                f"_entities takes at most {self.max_representations} representations in one "
                f"request, got {count}: send them in smaller requests",
                argument="representations",
                limit=self.max_representations,
            )
        rule = CostRule(self.execution_context.schema._schema, self.limits)
        cost = rule.cost(operation, fragments, variables)
        if cost > self.max_cost:
            name = operation.name.value if operation.name else "the operation"
            raise GraphQLError(
                f"{name} costs {cost}, over the limit of {self.max_cost}: ask for smaller "
                "pages (first, limit), fewer representations or fewer nested lists",
                operation,
                extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": self.max_cost},
            )
