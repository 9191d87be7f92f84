"""What the credit engine rates: the facts about one enterprise valid at a date.

A `RatingFacts` is plain data, read from the graph by `hub.credit.gather` (Cypher; the facts
are `ReadModel`s, so the query's record is validated into them as it comes) and rated by
`hub.credit.engine` (pure Python, no I/O), so the rules can be tested without a database and
the same facts always give the same rating.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from pydantic import Field

from graph_schema.read_model import BlankIfNull, GraphDate, GraphMoney, ReadModel


class PenaltyFact(ReadModel):
    id: str
    department: str
    severity: str  # MINOR | GENERAL | SERIOUS
    decided_on: GraphDate
    public_until: GraphDate | None = None
    repaired_on: GraphDate | None = None


class ListEntryFact(ReadModel):
    id: str
    list: str  # a graph_schema.model.ListKind value
    department: str
    listed_on: GraphDate
    expires_on: GraphDate | None = None
    removed_on: GraphDate | None = None


class ClassificationFact(ReadModel):
    id: str
    department: str
    scheme: str  # a graph_schema.model.ClassificationScheme value
    value: str
    effective_from: GraphDate
    effective_to: GraphDate | None = None


class OrderCheck(ReadModel):
    """One order of the rating's window and whether its three documents match."""

    id: str
    ordered_on: GraphDate
    reason: str | None = None  # why it does not match: "amount", "consignee", "no payment", ...
    matched: bool = Field(default_factory=lambda checked: checked["reason"] is None)
    """Whether the three documents match: unless said, when no reason says otherwise."""


def unmatched_by_reason(reasons: Iterable[str | None]) -> str:
    """How many orders fail the three-document check for each reason, most first:
    "2 amount, 1 payee" (the reasons of `graph_schema.predicates.document_mismatch`)."""
    counts = Counter(reason for reason in reasons if reason is not None)
    return ", ".join(f"{n} {reason}" for reason, n in sorted(counts.items(), key=_most_first))


def _most_first(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


class LoanFact(ReadModel):
    id: str
    status: str  # CURRENT | OVERDUE | DEFAULT
    granted_on: GraphDate
    due_on: GraphDate


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


class RatingFacts(ReadModel):
    uscc: str
    as_of: GraphDate
    registered_on: GraphDate
    name: BlankIfNull = ""
    zone: str | None = None
    status: str | None = None  # a graph_schema.model.EnterpriseStatus value, as registered now
    status_since: GraphDate | None = None
    """The day the registry status took effect (sent with REVOKED and DEREGISTERED)."""
    first_export_on: GraphDate | None = None
    """The day of the enterprise's earliest export declaration up to as_of, any mode."""
    penalties: tuple[PenaltyFact, ...] = ()
    list_entries: tuple[ListEntryFact, ...] = ()
    classifications: tuple[ClassificationFact, ...] = ()
    orders: tuple[OrderCheck, ...] = ()
    declared_exports_cny: GraphMoney = Field(default=Decimal(0), alias="declaredExports")
    """Export declarations (every mode) in the collections' window."""
    collected_cny: GraphMoney = Field(default=Decimal(0), alias="collected")
    """Export proceeds received from abroad (`fx.export_receipt@1`) in the same window."""
    loans: tuple[LoanFact, ...] = ()
    network: tuple[NetworkLink, ...] = ()
