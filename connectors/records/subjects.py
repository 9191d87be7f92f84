"""What a record touches: the subjects it names and how far a change to them reaches.

Each record type of the registry (`connectors.records.registry`) declares, beside its model, a
function from a validated record to its `Subjects` (the enterprises, persons and facts it
names) and its `Reach`. The pipeline unions a batch's subjects into its `Outcome`; the credit
engine re-rates from them after the batch (`hub.credit.recompute`), and the risk scan scans
the enterprises among them. A fact id stands for the subject of that fact, which the record
does not name: the penalty a repair names, the entry a removal names, the record an objection
resolution names, the order a payment, waybill or inventory list is for; the credit engine
finds its subject in the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from connectors.records.models import Party

__all__ = ["PersonKeyOf", "Reach", "Subjects", "party"]

PersonKeyOf = Callable[[str], str]
"""An ID number's person key: the HMAC the rows store (`RowContext.person_key`)."""


class Reach(StrEnum):
    """How far a record's change can move ratings and list coverage."""

    OWN = "OWN"
    """Only its own subjects: a fact that rates the enterprise it names (or whose fact it is)."""
    NETWORK = "NETWORK"
    """Its subjects and the enterprises within the rating's hops of them: the record changes a
    tie (a representative, officer, shareholding, shared address) or a listing that reaches
    through ties."""


@dataclass(frozen=True, slots=True)
class Subjects:
    """The enterprises (by USCC), persons (by person key) and facts (by id) records name."""

    usccs: frozenset[str] = frozenset()
    person_keys: frozenset[str] = frozenset()
    fact_ids: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.usccs or self.person_keys or self.fact_ids)

    def __or__(self, other: Subjects) -> Subjects:
        return Subjects(
            self.usccs | other.usccs,
            self.person_keys | other.person_keys,
            self.fact_ids | other.fact_ids,
        )

    @classmethod
    def union(cls, parts: Iterable[Subjects]) -> Subjects:
        """Every subject any of `parts` names (a batch's, from its records')."""
        usccs: set[str] = set()
        person_keys: set[str] = set()
        fact_ids: set[str] = set()
        for part in parts:
            usccs |= part.usccs
            person_keys |= part.person_keys
            fact_ids |= part.fact_ids
        return cls(frozenset(usccs), frozenset(person_keys), frozenset(fact_ids))


def party(subject: Party, person_key: PersonKeyOf, *usccs: str) -> Subjects:
    """A shareholder or listed subject (the enterprise, or the person by its person key), and
    the enterprises `usccs`."""
    if subject.id_number is not None:
        return Subjects(frozenset(usccs), frozenset((person_key(subject.id_number),)))
    assert subject.uscc is not None  # Party holds exactly one
    return Subjects(frozenset((subject.uscc, *usccs)))
