"""The disposal state machine of risk alerts (`hub.risk.disposal`), without a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from hub.risk.disposal import (
    NOTE_MAX,
    Disposal,
    DisposalAction,
    DisposalRefused,
    DisposalResult,
    DisposalStatus,
    DisposalStep,
    assign,
    close,
    verify,
)

AT = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(hours=2)


def assigned(to: str = "Li Wei") -> Disposal:
    return Disposal().after(assign(Disposal(), assignee=to, note="", by="chief", at=AT))


def verified() -> Disposal:
    d = assigned()
    return d.after(verify(d, note="Addresses checked on site.", by="Li Wei", at=LATER))


def closed() -> Disposal:
    d = verified()
    return d.after(
        close(d, result=DisposalResult.NO_RISK_FOUND, note="Same building.", by="Li Wei", at=LATER)
    )


def test_a_new_alert_is_open_with_no_step() -> None:
    assert Disposal.of([]) == Disposal(DisposalStatus.OPEN, None, None, ())


def test_assign_verify_close_walks_the_alert_to_closed_with_its_result() -> None:
    d = closed()
    assert d.status is DisposalStatus.CLOSED
    assert d.assignee == "Li Wei" and d.result is DisposalResult.NO_RISK_FOUND
    assert [s.action for s in d.steps] == [
        DisposalAction.ASSIGNED,
        DisposalAction.VERIFIED,
        DisposalAction.CLOSED,
    ]
    assert d.steps[0] == DisposalStep(DisposalAction.ASSIGNED, "chief", AT, "", "Li Wei", None)
    assert d.steps[2].result is DisposalResult.NO_RISK_FOUND and d.steps[2].assignee is None
    assert Disposal.of(d.steps) == d  # the steps alone say where it stands


def test_an_assigned_alert_may_be_closed_without_a_verification() -> None:
    d = assigned()
    step = close(d, result=DisposalResult.REFERRED, note="To customs.", by="chief", at=LATER)
    assert d.after(step).status is DisposalStatus.CLOSED


@pytest.mark.parametrize("start", [assigned, verified])
def test_an_alert_may_be_reassigned_until_it_is_closed(start: Callable[[], Disposal]) -> None:
    d = start()
    again = d.after(assign(d, assignee="Zhang Min", note="Li Wei is away.", by="chief", at=LATER))
    assert again.status is DisposalStatus.ASSIGNED and again.assignee == "Zhang Min"


def test_verifications_may_follow_one_another() -> None:
    d = verified()
    step = verify(d, note="Bank statements read.", by="Li Wei", at=LATER)
    assert d.after(step).status is DisposalStatus.VERIFIED and len(d.after(step).steps) == 3


def test_an_open_alert_cannot_be_verified_or_closed_before_it_is_assigned() -> None:
    with pytest.raises(DisposalRefused) as refused:
        verify(Disposal(), note="Checked.", by="x", at=AT)
    assert str(refused.value) == (
        "the alert's disposal is OPEN: it can be given a verification only when ASSIGNED or "
        "VERIFIED"
    )
    with pytest.raises(DisposalRefused) as refused:
        close(Disposal(), result=DisposalResult.RISK_CONFIRMED, note="Done.", by="x", at=AT)
    assert str(refused.value) == (
        "the alert's disposal is OPEN: it can be closed only when ASSIGNED or VERIFIED"
    )
    assert refused.value.field == "id"


def test_a_closed_alert_is_final() -> None:
    d = closed()
    for attempt in (
        lambda: assign(d, assignee="Zhang Min", note="", by="x", at=LATER),
        lambda: verify(d, note="More.", by="x", at=LATER),
        lambda: close(d, result=DisposalResult.RISK_CONFIRMED, note="Again.", by="x", at=LATER),
    ):
        with pytest.raises(DisposalRefused, match=r"^the alert's disposal is CLOSED: a closed "):
            attempt()


def test_verify_and_close_need_a_note_and_every_note_has_a_bound() -> None:
    d = assigned()
    with pytest.raises(DisposalRefused, match=r"^note is required$") as refused:
        verify(d, note="   ", by="x", at=AT)
    assert refused.value.field == "note"
    with pytest.raises(DisposalRefused, match=r"^note is required$"):
        close(d, result=DisposalResult.REFERRED, note="", by="x", at=AT)
    with pytest.raises(DisposalRefused, match=f"at most {NOTE_MAX} characters, got 2001"):
        assign(d, assignee="Zhang Min", note="n" * (NOTE_MAX + 1), by="x", at=AT)
    kept = verify(d, note="n" * NOTE_MAX, by="x", at=AT)
    assert len(kept.note) == NOTE_MAX


def test_an_assignee_is_required_and_trimmed() -> None:
    with pytest.raises(DisposalRefused, match=r"^assignee is required$") as refused:
        assign(Disposal(), assignee=" ", note="", by="x", at=AT)
    assert refused.value.field == "assignee"
    step = assign(Disposal(), assignee="  wang.fang ", note=" urgent ", by="x", at=AT)
    assert (step.assignee, step.note) == ("wang.fang", "urgent")
