"""The credit record a credit service issues for one enterprise, as the caller may see it.

Pure: it takes the enterprise's facts as the enterprise reads load them (`hub.cypher`
PENALTIES, LIST_ENTRIES, CLASSIFICATIONS: graph properties, camelCase) and decides, on `today`,
with the rules that already hold elsewhere, never a copy of them:

- list entries in force: `hub.credit.engine.active_list_entries` (listed, neither removed nor
  expired), not withdrawn, of the lists `auth.policy.list_visibility` shows the caller;
- penalties in their publicity period: `graph_schema.publicity` `PUBLICITY.public_until`, the
  one rule the rating and repairs use too, not repaired (repair ends publicity),
  and still shared with the caller (`hub.repairs.sharing.still_shared`);
- classifications in effect, one per scheme: `hub.credit.engine.effective_classifications`;
- repair history: repaired penalties, served as `still_shared` serves them (the subject, the
  deciding department, audit), with the application that led to the repair when there is one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auth.policy import ListVisibility
from auth.principal import Principal
from graph_schema.model import Severity
from graph_schema.publicity import PUBLICITY
from hub.credit.engine import active_list_entries, effective_classifications
from hub.credit.facts import ClassificationFact, ListEntryFact, RatingFacts
from hub.repairs import RepairApplication, still_shared

Row = dict[str, Any]


@dataclass(frozen=True)
class PublicPenalty:
    row: Row
    public_until: dt.date
    basis: str
    """The publicity rule of its regime (`graph_schema/publicity.json`)."""


@dataclass(frozen=True)
class RepairRecord:
    penalty: Row
    application: RepairApplication | None


def _counted(rows: Iterable[Row]) -> list[Row]:
    """Facts that count: a record withdrawn after an objection never counted."""
    return [row for row in rows if row.get("withdrawnOn") is None]


def entries_in_force(rows: Sequence[Row], lists: ListVisibility, today: dt.date) -> list[Row]:
    """The list entries in force on `today` of the lists the caller may see, newest first."""
    shown = {row["id"]: row for row in _counted(rows) if lists.shows(row["list"])}
    facts = RatingFacts(
        uscc="",
        as_of=today,
        registered_on=today,
        list_entries=tuple(ListEntryFact.model_validate(row) for row in shown.values()),
    )
    active = {fact.id for fact in active_list_entries(facts)}
    return [row for row in shown.values() if row["id"] in active]


def publicity_end(row: Row) -> tuple[dt.date, str] | None:
    """The day the penalty's publicity ends and its rule, or None for a severity never
    published (or one graph_schema does not know)."""
    try:
        severity = Severity(row["severity"])
    except ValueError:
        return None
    decided_on: dt.date = row["decidedOn"]
    period = PUBLICITY.period(severity, decided_on)
    until = PUBLICITY.public_until(severity, decided_on, row.get("publicUntil"))
    if period is None or until is None:
        return None
    return until, period.basis


def penalties_in_publicity(
    rows: Sequence[Row], principal: Principal, subject: str, today: dt.date
) -> list[PublicPenalty]:
    """The penalties public on `today`, newest first."""
    found = []
    for row in _counted(rows):
        end = publicity_end(row)
        if end is None or not row["decidedOn"] <= today < end[0]:
            continue
        repaired: dt.date | None = row.get("repairedOn")
        if repaired is not None and repaired <= today:
            continue  # repair ends publicity (NDRC Order 36 art. 3)
        if still_shared(
            principal,
            subject=subject,
            department=row["department"],
            repaired_on=repaired,
            today=today,
        ):
            found.append(PublicPenalty(row, end[0], end[1]))
    return found


def classifications_in_effect(rows: Sequence[Row], today: dt.date) -> list[Row]:
    """Each scheme's classification in effect on `today`, by department and scheme."""
    by_id = {row["id"]: row for row in _counted(rows)}
    facts = RatingFacts(
        uscc="",
        as_of=today,
        registered_on=today,
        classifications=tuple(ClassificationFact.model_validate(row) for row in by_id.values()),
    )
    chosen = [by_id[fact.id] for fact in effective_classifications(facts).values()]
    return sorted(chosen, key=lambda row: (row["department"], row["scheme"]))


def repair_history(
    penalties: Sequence[Row],
    applications: Sequence[RepairApplication],
    principal: Principal,
    subject: str,
    today: dt.date,
) -> list[RepairRecord]:
    """The penalties repaired by `today` that the caller still keeps in view, newest repair
    first, each with the granted application behind it (None: repaired on the department's
    own `penalty.repair@1` record)."""
    granted = {a.record_id: a for a in applications if a.status.value == "GRANTED"}
    found = []
    for row in _counted(penalties):
        repaired: dt.date | None = row.get("repairedOn")
        if repaired is None or repaired > today:
            continue
        if still_shared(
            principal,
            subject=subject,
            department=row["department"],
            repaired_on=repaired,
            today=today,
        ):
            found.append(RepairRecord(row, granted.get(row["id"])))
    return sorted(found, key=lambda r: (r.penalty["repairedOn"], r.penalty["id"]), reverse=True)
