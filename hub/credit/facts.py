"""What the credit engine rates: the facts about one enterprise valid at a date.

A `RatingFacts` is plain data, gathered from the graph by `hub.credit.gather` (Cypher) and
rated by `hub.credit.engine` (pure Python, no I/O), so the rules can be tested without a
database and the same facts always give the same rating.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class PenaltyFact:
    id: str
    department: str
    severity: str  # MINOR | GENERAL | SERIOUS
    decided_on: dt.date
    public_until: dt.date | None
    repaired_on: dt.date | None


@dataclass(frozen=True)
class ListEntryFact:
    id: str
    list: str  # a graph_schema.model.ListKind value
    department: str
    listed_on: dt.date
    expires_on: dt.date | None
    removed_on: dt.date | None


@dataclass(frozen=True)
class ClassificationFact:
    id: str
    department: str
    scheme: str  # a graph_schema.model.ClassificationScheme value
    value: str
    effective_from: dt.date
    effective_to: dt.date | None


@dataclass(frozen=True)
class OrderCheck:
    """One order of the last 12 months and whether its three documents match."""

    id: str
    ordered_on: dt.date
    matched: bool
    reason: str | None = None  # why it does not match: "amount", "consignee", "no payment", ...


@dataclass(frozen=True)
class LoanFact:
    id: str
    status: str  # CURRENT | OVERDUE | DEFAULT
    granted_on: dt.date
    due_on: dt.date


@dataclass(frozen=True)
class PathStep:
    """One node of a network path: its label and key, and the relationship that leads on."""

    label: str
    key: str
    relationship: str | None = None  # type of the relationship to the next step


@dataclass(frozen=True)
class NetworkLink:
    """A listed enterprise within reach, the shortest path to it, and its active entries."""

    uscc: str
    hops: int  # relationships between the two enterprises through persons/addresses
    path: tuple[PathStep, ...]
    entry_ids: tuple[str, ...]
    lists: tuple[str, ...]


@dataclass(frozen=True)
class RatingFacts:
    uscc: str
    as_of: dt.date
    registered_on: dt.date
    name: str = ""
    zone: str | None = None
    penalties: tuple[PenaltyFact, ...] = ()
    list_entries: tuple[ListEntryFact, ...] = ()
    classifications: tuple[ClassificationFact, ...] = ()
    orders: tuple[OrderCheck, ...] = ()
    declared_exports_cny: Decimal = Decimal(0)  # 9710/9810 export declarations, 12 months
    collected_cny: Decimal = Decimal(0)  # payments received against them, 12 months
    loans: tuple[LoanFact, ...] = ()
    network: tuple[NetworkLink, ...] = field(default_factory=tuple)
