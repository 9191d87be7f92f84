"""Opaque Relay cursors over the enterprise key (or a list's time and id), cursors bound to the
enterprise and filter a page was read for, and the page-size rule."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError

from hub.api.errors import bad_user_input, shown
from hub.settings import Bound


def encode_cursor(key: str, kind: str = "uscc") -> str:
    """An opaque cursor over `key` in a list of `kind` (enterprises by USCC by default)."""
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


def decode_cursor(cursor: str, kind: str = "uscc", argument: str = "after") -> str:
    """The key of a cursor `encode_cursor` issued for the same kind of list; otherwise an
    error naming `argument`, the argument the cursor came in."""
    prefix = f"{kind}:"
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_cursor(cursor, argument) from None
    if not text.startswith(prefix) or len(text) == len(prefix):
        raise bad_cursor(cursor, argument)
    return text.removeprefix(prefix)


def encode_time_cursor(at: dt.datetime, key: str, kind: str) -> str:
    """A cursor for a list in (time, id) order, such as the objection and repair queues."""
    return encode_cursor(f"{at.isoformat()}|{key}", kind)


def decode_time_cursor(cursor: str, kind: str) -> tuple[dt.datetime, str]:
    """The (time, id) of a cursor `encode_time_cursor` issued for `kind`; otherwise an error."""
    at, _, key = decode_cursor(cursor, kind).partition("|")
    try:
        return dt.datetime.fromisoformat(at), key
    except ValueError:
        raise bad_cursor(cursor) from None


def filter_digest(filters: Mapping[str, Any]) -> str:
    """A short digest of a filter's parameters (None for a field left out): equal filters give
    equal digests, whatever order their fields came in."""
    text = json.dumps(dict(filters), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_bound_cursor(key: str, kind: str, owner: str, digest: str) -> str:
    """A cursor over `key` in the `kind` list of the enterprise `owner` under the filter whose
    digest is `digest` (`filter_digest`): `decode_bound_cursor` takes it back only there."""
    return encode_cursor(f"{owner}|{digest}|{key}", kind)


def decode_bound_cursor(
    cursor: str, kind: str, owner: str, digest: str, argument: str = "after"
) -> str:
    """The key of a cursor `encode_bound_cursor` issued for the same list of the same
    enterprise under the same filter; otherwise an error naming `argument` and saying which
    differs (a later page of another enterprise or filter would silently skip records)."""
    given_owner, _, rest = decode_cursor(cursor, kind, argument).partition("|")
    given_digest, _, key = rest.partition("|")
    if not given_owner or not given_digest or not key:
        raise bad_cursor(cursor, argument)
    if given_owner != owner:
        raise bad_user_input(
            f"{argument} is a cursor of another enterprise's page; pass an endCursor of this "
            "enterprise's previous page",
            argument=argument,
        )
    if given_digest != digest:
        raise bad_user_input(
            f"{argument} is a cursor of a page under another filter; pass an endCursor of a "
            "previous page under the same filter",
            argument=argument,
        )
    return key


def bounded(first: int | None, bound: Bound, argument: str = "first") -> int:
    """The size a list field uses: `first` (or another `argument`) as given, within the
    limits table's `bound`, else the bound's default."""
    if first is None:
        return bound.default
    if first < 1 or first > bound.maximum:
        raise bad_user_input(
            f"{argument} must be between 1 and {bound.maximum}, got {first}", argument=argument
        )
    return first


def bad_cursor(cursor: str, argument: str = "after") -> GraphQLError:
    """A cursor this API did not issue (or one whose key does not parse)."""
    return bad_user_input(
        f"cursor {shown(cursor)!r} is not one this API issued; pass an endCursor from a "
        "previous page",
        argument=argument,
    )
