"""What keeps the read path fast and must never regress silently: a document the hub has seen is
not validated again (strawberry's validation is a third of a profile request's CPU when it is
not cached), whatever its variables. Against the session's real uvicorn hub."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema

GraphQLCaller = Callable[..., Awaitable[dict[str, object]]]  # the suite's `gql` fixture

DOCUMENT = """
query ValidatedOnce($uscc: String!) {
  enterprise(uscc: $uscc) { uscc name legalRepresentative { person { name } } }
}
"""


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents graphql-core validated while the test ran (strawberry's `validate_document`
    calls the module's `validate` for every validation that is not served from a cache)."""
    seen: list[str] = []
    validate = strawberry_schema.validate

    def counted(schema: Any, document: Any, rules: Any = None, **kwargs: Any) -> Any:
        operation = document.definitions[0]
        seen.append(operation.name.value if operation.name else "")
        return validate(schema, document, rules, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counted)
    return seen


async def test_the_same_document_twice_is_validated_once(
    gql: GraphQLCaller, validations: list[str]
) -> None:
    first = await gql(DOCUMENT, uscc="91350100M000100Y43")
    second = await gql(DOCUMENT, uscc="91410103MA2H1RMX5F")
    assert "errors" not in first and "errors" not in second
    assert validations.count("ValidatedOnce") == 1


async def test_a_different_document_is_validated(
    gql: GraphQLCaller, validations: list[str]
) -> None:
    await gql(DOCUMENT, uscc="91350100M000100Y43")
    await gql(DOCUMENT.replace("ValidatedOnce", "ValidatedAsWell"), uscc="91350100M000100Y43")
    assert validations.count("ValidatedAsWell") == 1
