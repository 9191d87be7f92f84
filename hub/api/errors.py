"""GraphQL errors a caller can act on: each names the problem and carries a stable code.

A message never echoes a long input whole: a value the caller sent is shown by its first
`SHOWN_CHARS` characters (`shown`), and a message is cut at `MAX_MESSAGE_CHARS` whatever it
holds, so a megabyte in is never a megabyte out.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from graph_schema.uscc import UsccError, validate_uscc

SHOWN_CHARS = 40
MAX_MESSAGE_CHARS = 500
ELLIPSIS = "…"


def shown(value: str, limit: int = SHOWN_CHARS) -> str:
    """A value the caller sent, as an error message may echo it: at most `limit` characters
    and an ellipsis."""
    return value if len(value) <= limit else value[:limit] + ELLIPSIS


def bad_user_input(message: str, **details: Any) -> GraphQLError:
    """An argument the caller must fix; `extensions.code` is BAD_USER_INPUT."""
    return GraphQLError(
        shown(message, MAX_MESSAGE_CHARS), extensions={"code": "BAD_USER_INPUT", **details}
    )


def checked_uscc(uscc: str, argument: str = "uscc") -> str:
    """The USCC, or a BAD_USER_INPUT naming the rule it breaks."""
    try:
        return validate_uscc(uscc)
    except UsccError as error:
        echoed = uscc.strip().upper()  # how validate_uscc names the code in its message
        message = str(error).replace(echoed, shown(echoed), 1) if echoed else str(error)
        raise bad_user_input(message, argument=argument, rule=error.rule) from None
