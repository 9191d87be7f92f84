"""GraphQL errors a caller can act on: each names the problem and carries a stable code."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError


def bad_user_input(message: str, **details: Any) -> GraphQLError:
    """An argument the caller must fix; `extensions.code` is BAD_USER_INPUT."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", **details})
