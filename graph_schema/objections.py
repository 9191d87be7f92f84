"""The objection state machine: where an enterprise's objection to one of its records stands,
what may happen to it next, and what each answer does to the record.

Pure (no I/O, no clock): the API files objections through `hub.objections.store`, which asks
`filing_refusal`; the connector pipeline resolves them with `objection.resolution@1` records,
whose model asks `is_resolution` and whose statement (`connectors.cypher`) runs the Cypher twin
of `resolution_refusal` that `graph_schema.predicates.objection_resolvable` builds from the
same tables below.

    (none) --file--> PENDING --resolve--> UPHELD | CORRECTED | REMOVED
    UPHELD, CORRECTED --file--> PENDING (the enterprise may object again)
    REMOVED: the record is withdrawn; nothing is left to object to

A resolution is accepted from PENDING, or again from the state it led to when it is the same
batch replayed (replaying a batch is safe). CORRECTED needs the corrected record first: the
record must come from a later batch than the one objected to. REMOVED withdraws the record: it
counts for nothing, since ever.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from graph_schema.model import ObjectionStatus

OPEN: Final = ObjectionStatus.PENDING
"""The state of a filed objection waiting for its department's answer."""

RESOLUTIONS: Final[frozenset[ObjectionStatus]] = frozenset(
    {ObjectionStatus.UPHELD, ObjectionStatus.CORRECTED, ObjectionStatus.REMOVED}
)
"""The answers a department may give to an open objection."""

NEEDS_RESENT_RECORD: Final[frozenset[ObjectionStatus]] = frozenset({ObjectionStatus.CORRECTED})
"""Answers accepted only once the record was sent again (from a later batch)."""

WITHDRAWS_RECORD: Final[frozenset[ObjectionStatus]] = frozenset({ObjectionStatus.REMOVED})
"""Answers that withdraw the record (a list entry is then removed as of its listing day)."""


class FilingRefusal(StrEnum):
    """Why an objection cannot be filed against a record."""

    WITHDRAWN = "withdrawn"  # the record was withdrawn: nothing to object to
    ALREADY_OPEN = "already_open"  # an objection to it waits for its department's answer


class ResolutionRefusal(StrEnum):
    """Why a department's answer cannot be applied to the objection."""

    NOT_A_RESOLUTION = "not_a_resolution"  # PENDING is where objections start, not an answer
    NOT_OPEN = "not_open"  # no objection waits for an answer (and this is no replay of one)
    RECORD_NOT_RESENT = "record_not_resent"  # CORRECTED before the corrected record came


def filing_refusal(status: ObjectionStatus | None, *, withdrawn: bool) -> FilingRefusal | None:
    """Why an objection to a record whose last objection is in `status` (None: never objected
    to) cannot be filed, or None when it can."""
    if withdrawn:
        return FilingRefusal.WITHDRAWN
    if status is OPEN:
        return FilingRefusal.ALREADY_OPEN
    return None


def is_resolution(outcome: ObjectionStatus) -> bool:
    """Is `outcome` an answer a department may send?"""
    return outcome in RESOLUTIONS


def resolution_refusal(
    status: ObjectionStatus,
    outcome: ObjectionStatus,
    *,
    replay: bool,
    record_resent: bool,
) -> ResolutionRefusal | None:
    """Why `outcome` cannot resolve an objection in `status`, or None when it can.

    `replay`: the answer comes from the batch that already resolved the objection (a batch
    sent again). `record_resent`: the record came from a later batch than the one objected to.
    """
    if not is_resolution(outcome):
        return ResolutionRefusal.NOT_A_RESOLUTION
    if status is not OPEN and not (status is outcome and replay):
        return ResolutionRefusal.NOT_OPEN
    if outcome in NEEDS_RESENT_RECORD and not record_resent:
        return ResolutionRefusal.RECORD_NOT_RESENT
    return None


def withdraws_record(outcome: ObjectionStatus) -> bool:
    """Does this answer withdraw the record objected to?"""
    return outcome in WITHDRAWS_RECORD


__all__ = [
    "NEEDS_RESENT_RECORD",
    "OPEN",
    "RESOLUTIONS",
    "WITHDRAWS_RECORD",
    "FilingRefusal",
    "ResolutionRefusal",
    "filing_refusal",
    "is_resolution",
    "resolution_refusal",
    "withdraws_record",
]
