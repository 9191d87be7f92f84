"""Calendar arithmetic the regulations are written in (publicity periods, 12-month windows)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def utc_today() -> dt.date:
    """Today in UTC: the date the hub rates, lists and scans as of unless told otherwise."""
    return dt.datetime.now(dt.UTC).date()
