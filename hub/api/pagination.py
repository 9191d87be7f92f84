"""Opaque Relay cursors over the enterprise key, and the page-size rule."""

from __future__ import annotations

import base64
import binascii

from graphql import GraphQLError

from hub.api.errors import bad_user_input

_PREFIX = "uscc:"


def encode_cursor(uscc: str) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{uscc}".encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _bad_cursor(cursor) from None
    if not text.startswith(_PREFIX) or len(text) == len(_PREFIX):
        raise _bad_cursor(cursor)
    return text.removeprefix(_PREFIX)


def page_size(first: int | None, default: int, maximum: int) -> int:
    if first is None:
        return default
    if first < 1 or first > maximum:
        raise bad_user_input(
            f"first must be between 1 and {maximum}, got {first}", argument="first"
        )
    return first


def _bad_cursor(cursor: str) -> GraphQLError:
    return bad_user_input(
        f"cursor {cursor!r} is not one this API issued; pass an endCursor from a previous page",
        argument="after",
    )
