"""The objection state machine (`graph_schema.objections`), without a database: who may file,
which answers apply from which state, what an answer does to the record; and that the Cypher
the pipeline runs (`graph_schema.predicates.objection_resolvable`) says the same."""

from __future__ import annotations

import pytest

from graph_schema.model import ObjectionStatus
from graph_schema.objections import (
    FilingRefusal,
    ResolutionRefusal,
    filing_refusal,
    is_resolution,
    resolution_refusal,
    withdraws_record,
)
from graph_schema.predicates import objection_resolvable, objection_withdraws

PENDING, UPHELD, CORRECTED, REMOVED = (
    ObjectionStatus.PENDING,
    ObjectionStatus.UPHELD,
    ObjectionStatus.CORRECTED,
    ObjectionStatus.REMOVED,
)


@pytest.mark.parametrize(
    ("status", "withdrawn", "refusal"),
    [
        (None, False, None),  # never objected to
        (UPHELD, False, None),  # an answered objection leaves the record open to a new one
        (CORRECTED, False, None),
        (PENDING, False, FilingRefusal.ALREADY_OPEN),
        (None, True, FilingRefusal.WITHDRAWN),
        (REMOVED, True, FilingRefusal.WITHDRAWN),
        (PENDING, True, FilingRefusal.WITHDRAWN),  # withdrawn says more than pending
    ],
)
def test_who_may_file(
    status: ObjectionStatus | None, withdrawn: bool, refusal: FilingRefusal | None
) -> None:
    assert filing_refusal(status, withdrawn=withdrawn) is refusal


def test_the_answers_a_department_may_give() -> None:
    assert [s for s in ObjectionStatus if is_resolution(s)] == [UPHELD, CORRECTED, REMOVED]
    assert [s for s in ObjectionStatus if withdraws_record(s)] == [REMOVED]


@pytest.mark.parametrize(
    ("status", "outcome", "replay", "resent", "refusal"),
    [
        (PENDING, UPHELD, False, False, None),
        (PENDING, REMOVED, False, False, None),
        (PENDING, CORRECTED, False, True, None),
        (PENDING, CORRECTED, False, False, ResolutionRefusal.RECORD_NOT_RESENT),
        (PENDING, PENDING, False, False, ResolutionRefusal.NOT_A_RESOLUTION),
        (UPHELD, UPHELD, True, False, None),  # the resolving batch sent again
        (UPHELD, UPHELD, False, False, ResolutionRefusal.NOT_OPEN),  # a second answer
        (UPHELD, REMOVED, True, False, ResolutionRefusal.NOT_OPEN),  # no change of mind
        (REMOVED, REMOVED, True, False, None),
        (CORRECTED, CORRECTED, True, True, None),
    ],
)
def test_which_answers_apply(
    status: ObjectionStatus,
    outcome: ObjectionStatus,
    replay: bool,
    resent: bool,
    refusal: ResolutionRefusal | None,
) -> None:
    assert resolution_refusal(status, outcome, replay=replay, record_resent=resent) is refusal


def test_the_pipeline_cypher_follows_the_same_tables() -> None:
    assert objection_resolvable("o", "n", "row.outcome", "row.batch") == (
        "row.outcome IN ['CORRECTED', 'REMOVED', 'UPHELD']"
        " AND (o.status = 'PENDING'"
        " OR (o.status = row.outcome AND o.resolutionBatch = row.batch))"
        " AND (NOT row.outcome IN ['CORRECTED'] OR n.batch <> o.recordBatch)"
    )
    assert objection_withdraws("row.outcome") == "row.outcome IN ['REMOVED']"
