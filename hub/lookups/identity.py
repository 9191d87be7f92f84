"""Identity verification: does this USCC belong to this registered name, and what was its
registration status on a date? Pure (no I/O, no clock): the caller passes the registry row.

What it reveals is the least a bank or platform onboarding a seller needs, and only what the
law publishes (企业信息公示暂行条例 art. 6: registration information is published through the
national enterprise credit publicity system): when the name given matches, the registration's
dates and status; when it does not, or the code is unknown, nothing at all, the same answer
either way, so the service can confirm what the caller holds but never tell it a name.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph_schema.model import ENDED_STATUSES, EnterpriseStatus


def normalised_name(name: str) -> str:
    """A name as compared: full-width forms folded to half-width (NFKC: U+FF08 to "(", U+FF21
    to "A", the ideographic space to a space), every whitespace character dropped, case folded."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(c for c in folded if not c.isspace()).casefold()


class StatusCertainty(StrEnum):
    """How far the graph knows the status on the date asked."""

    RECORDED = "RECORDED"
    """The current status took effect on or before the date (`statusSince`)."""
    CURRENT_UNDATED = "CURRENT_UNDATED"
    """The current status, whose start the registry did not send: it may have differed then."""
    BEFORE_RECORD = "BEFORE_RECORD"
    """The date is before the current status took effect; the status then is not held (the
    graph keeps the current status only), though the registration had not ended."""
    NOT_REGISTERED = "NOT_REGISTERED"
    """The date is before the registration."""


@dataclass(frozen=True)
class Verification:
    """The answer: `matches` always; the rest only when a name matched."""

    uscc: str
    matches: bool
    name_matches: bool
    english_name_matches: bool
    as_of: dt.date
    registered_on: dt.date | None = None
    registered: bool | None = None
    """Registered and not yet revoked or deregistered on `as_of`."""
    status: EnterpriseStatus | None = None
    """The status on `as_of`, when the graph knows it (`certainty`)."""
    status_since: dt.date | None = None
    certainty: StatusCertainty | None = None


def verify(uscc: str, name: str, as_of: dt.date, row: dict[str, Any] | None) -> Verification:
    """Verify `name` against the registry row of `uscc` (None: no such enterprise, or one the
    caller may not see: the same answer)."""
    given = normalised_name(name)
    name_matches = row is not None and bool(given) and normalised_name(row["name"]) == given
    english = row.get("nameEn") if row is not None else None
    english_matches = bool(english) and bool(given) and normalised_name(str(english)) == given
    if row is None or not (name_matches or english_matches):
        return Verification(uscc, False, False, False, as_of)
    registered_on: dt.date = row["registeredOn"]
    status = EnterpriseStatus(row["status"])
    since: dt.date | None = row.get("statusSince")
    known, certainty = _status_on(status, since, registered_on, as_of)
    registered = as_of >= registered_on and not (
        status in ENDED_STATUSES and (since is None or as_of >= since)
    )
    return Verification(
        uscc=uscc,
        matches=True,
        name_matches=name_matches,
        english_name_matches=english_matches,
        as_of=as_of,
        registered_on=registered_on,
        registered=registered,
        status=known,
        status_since=since,
        certainty=certainty,
    )


def _status_on(
    status: EnterpriseStatus, since: dt.date | None, registered_on: dt.date, as_of: dt.date
) -> tuple[EnterpriseStatus | None, StatusCertainty]:
    if as_of < registered_on:
        return None, StatusCertainty.NOT_REGISTERED
    if since is None:
        return status, StatusCertainty.CURRENT_UNDATED
    if as_of >= since:
        return status, StatusCertainty.RECORDED
    return None, StatusCertainty.BEFORE_RECORD
