"""GraphQL errors a caller can act on: each names the problem and carries a stable code."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from graph_schema.uscc import UsccError, validate_uscc


def bad_user_input(message: str, **details: Any) -> GraphQLError:
    """An argument the caller must fix; `extensions.code` is BAD_USER_INPUT."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", **details})


def checked_uscc(uscc: str, argument: str = "uscc") -> str:
    """The USCC, or a BAD_USER_INPUT naming the rule it breaks."""
    try:
        return validate_uscc(uscc)
    except UsccError as error:
        raise bad_user_input(str(error), argument=argument, rule=error.rule) from None
