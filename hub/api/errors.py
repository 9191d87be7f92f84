"""GraphQL errors a caller can act on: each names the problem and carries a stable code.

A message never echoes a long input whole: a value the caller sent is shown by its first
`SHOWN_CHARS` characters (`shown`), and a message is cut at `MAX_MESSAGE_CHARS` whatever it
holds, so a megabyte in is never a megabyte out.
"""

from __future__ import annotations

import datetime as dt
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


EARLIEST_DAY = dt.date(1990, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)
"""The days a date argument may name: no record of the hub is older, and date arithmetic near
the calendar's ends (year 1, year 9999) would overflow."""


def checked_day(day: dt.date | None, argument: str) -> dt.date | None:
    """The date, or a BAD_USER_INPUT when it is outside `EARLIEST_DAY`..`LATEST_DAY`."""
    if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
        raise bad_user_input(
            f"{argument} {day.isoformat()} is outside {EARLIEST_DAY.isoformat()} to "
            f"{LATEST_DAY.isoformat()}",
            argument=argument,
        )
    return day


def checked_moment(moment: dt.datetime | None, argument: str) -> dt.datetime | None:
    """The datetime in UTC, or a BAD_USER_INPUT when it has no time zone (the hub stores zoned
    times, and Neo4j compares a zoned with a local one as null, which would match nothing) or
    cannot be one (an offset past Neo4j's +-18:00 is fine once in UTC; year 1 at +14:00 is not
    a time at all)."""
    if moment is None:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise bad_user_input(
            f"{argument} needs a time zone (e.g. 2026-01-01T00:00:00Z)", argument=argument
        )
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise bad_user_input(
            f"{argument} is not a time the hub can hold", argument=argument
        ) from None
