"""What a person's profile is computed from, as read from the graph (`hub.persons.reads`)."""

from __future__ import annotations

import datetime as dt

from graph_schema.read_model import EmptyIfNull, GraphDate, ReadModel
from hub.credit.reads import StoredCoverage


class EntryFact(ReadModel):
    """A list entry (of the person, or of an enterprise the person holds a role in)."""

    id: str
    list: str
    department: str
    listed_on: GraphDate
    expires_on: GraphDate | None = None
    removed_on: GraphDate | None = None
    reason: str | None = None

    def in_force(self, day: dt.date) -> bool:
        """Listed by `day` and neither removed nor expired by then (the first days it no
        longer applies)."""
        return (
            self.listed_on <= day
            and (self.removed_on is None or self.removed_on > day)
            and (self.expires_on is None or self.expires_on > day)
        )


class GradeFact(ReadModel):
    """The enterprise's current stored rating (`CURRENT_RATING`)."""

    grade: str
    score: int
    as_of: GraphDate


class RoleFact(ReadModel):
    """One tie of the person to an enterprise: legal representative, officer (with the role)
    or shareholder (with the ratio), with its dates; `until` is its last day."""

    relationship: str  # LEGAL_REPRESENTATIVE_OF | OFFICER_OF | SHAREHOLDER_OF
    role: str | None = None
    ratio: float | None = None
    since: GraphDate | None = None
    until: GraphDate | None = None
    uscc: str
    name: str
    status: str | None = None
    status_since: GraphDate | None = None
    grade: GradeFact | None = None
    entries: EmptyIfNull[EntryFact] = ()

    def current(self, day: dt.date) -> bool:
        """The tie holds on `day`."""
        return (self.since is None or self.since <= day) and (
            self.until is None or self.until >= day
        )


class PersonFacts(ReadModel):
    """A person, the roles they hold or held, the entries naming them and the coverage rows
    that apply to them, as read on `as_of`."""

    person_key: str
    name: str
    id_masked: str | None = None
    as_of: GraphDate
    roles: EmptyIfNull[RoleFact] = ()
    entries: EmptyIfNull[EntryFact] = ()
    coverage: EmptyIfNull[StoredCoverage] = ()
