"""The disposal of a risk alert: the step after collection, assessment and warning in the risk
prevention system the pilot-zone plans ask for ("risk information collection, risk
assessment, risk early warning disposal, risk control", Henan Province, Implementation Plan for
the China (Kaifeng) Cross-border E-commerce Comprehensive Pilot Zone, 18 Oct 2025, (II) 6;
and the Zhengzhou work plan of the Henan Provincial Government Office, 2015 (Yu Zheng Ban
[2015] No. 156): a system of risk information "采集、评估、预警、处置").

A regulator assigns an alert to an officer (and may reassign it), records what was verified,
and closes it with a result. The state machine is plain data, no I/O: a disposal is what its
steps, oldest first, add up to (`Disposal.of`); each transition returns the step to append, or
raises `DisposalRefused` naming the current status.

    OPEN --assign--> ASSIGNED --verify--> VERIFIED --close--> CLOSED (final)
    ASSIGNED/VERIFIED --assign--> ASSIGNED (reassigned)   ASSIGNED --close--> CLOSED
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

NOTE_MAX: Final = 2000
"""A note is at most a page."""
ASSIGNEE_MAX: Final = 200
"""An officer's name or username."""


class DisposalStatus(StrEnum):
    """Where the disposal of an alert stands."""

    OPEN = "OPEN"  # no step yet
    ASSIGNED = "ASSIGNED"
    VERIFIED = "VERIFIED"
    CLOSED = "CLOSED"


class DisposalResult(StrEnum):
    """How a closed alert ended."""

    RISK_CONFIRMED = "RISK_CONFIRMED"
    NO_RISK_FOUND = "NO_RISK_FOUND"
    REFERRED = "REFERRED"  # to the competent department


class DisposalAction(StrEnum):
    """What a step did."""

    ASSIGNED = "ASSIGNED"
    VERIFIED = "VERIFIED"
    CLOSED = "CLOSED"


class DisposalRefused(ValueError):
    """A transition the current status does not allow, or an input out of bounds; the message
    says which and `field` names the input."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DisposalStep:
    """One step of a disposal: who did what, when, and why."""

    action: DisposalAction
    by: str
    at: dt.datetime
    note: str
    assignee: str | None = None  # on ASSIGNED
    result: DisposalResult | None = None  # on CLOSED


_STATUS_AFTER: Final = {
    DisposalAction.ASSIGNED: DisposalStatus.ASSIGNED,
    DisposalAction.VERIFIED: DisposalStatus.VERIFIED,
    DisposalAction.CLOSED: DisposalStatus.CLOSED,
}

_ALLOWED_FROM: Final = {
    DisposalAction.ASSIGNED: frozenset(
        {DisposalStatus.OPEN, DisposalStatus.ASSIGNED, DisposalStatus.VERIFIED}
    ),
    DisposalAction.VERIFIED: frozenset({DisposalStatus.ASSIGNED, DisposalStatus.VERIFIED}),
    DisposalAction.CLOSED: frozenset({DisposalStatus.ASSIGNED, DisposalStatus.VERIFIED}),
}

_VERB: Final = {
    DisposalAction.ASSIGNED: "assigned",
    DisposalAction.VERIFIED: "given a verification",
    DisposalAction.CLOSED: "closed",
}


@dataclass(frozen=True)
class Disposal:
    """Where an alert's disposal stands, and the steps that brought it there (oldest first)."""

    status: DisposalStatus = DisposalStatus.OPEN
    assignee: str | None = None
    result: DisposalResult | None = None
    steps: tuple[DisposalStep, ...] = ()

    @classmethod
    def of(cls, steps: Iterable[DisposalStep]) -> Disposal:
        """The disposal the steps (oldest first) add up to."""
        disposal = cls()
        for step in steps:
            disposal = disposal.after(step)
        return disposal

    def after(self, step: DisposalStep) -> Disposal:
        """This disposal with `step` appended (not checked: `assign`, `verify`, `close` are)."""
        return Disposal(
            status=_STATUS_AFTER[step.action],
            assignee=step.assignee if step.action is DisposalAction.ASSIGNED else self.assignee,
            result=step.result if step.action is DisposalAction.CLOSED else self.result,
            steps=(*self.steps, step),
        )


def _allowed(disposal: Disposal, action: DisposalAction) -> None:
    if disposal.status not in _ALLOWED_FROM[action]:
        if disposal.status is DisposalStatus.CLOSED:
            why = "a closed alert is final"
        else:
            since = " or ".join(sorted(_ALLOWED_FROM[action]))
            why = f"it can be {_VERB[action]} only when {since}"
        raise DisposalRefused(f"the alert's disposal is {disposal.status.value}: {why}", "id")


def _text(value: str, field: str, *, required: bool, most: int) -> str:
    text = value.strip()
    if required and not text:
        raise DisposalRefused(f"{field} is required", field)
    if len(text) > most:
        raise DisposalRefused(f"{field} must be at most {most} characters, got {len(text)}", field)
    return text


def assign(
    disposal: Disposal, *, assignee: str, note: str, by: str, at: dt.datetime
) -> DisposalStep:
    """Assign (or reassign) the alert to `assignee`: from OPEN, ASSIGNED or VERIFIED."""
    _allowed(disposal, DisposalAction.ASSIGNED)
    return DisposalStep(
        action=DisposalAction.ASSIGNED,
        by=by,
        at=at,
        note=_text(note, "note", required=False, most=NOTE_MAX),
        assignee=_text(assignee, "assignee", required=True, most=ASSIGNEE_MAX),
    )


def verify(disposal: Disposal, *, note: str, by: str, at: dt.datetime) -> DisposalStep:
    """Record what was verified (the note says what): from ASSIGNED or VERIFIED."""
    _allowed(disposal, DisposalAction.VERIFIED)
    return DisposalStep(
        action=DisposalAction.VERIFIED,
        by=by,
        at=at,
        note=_text(note, "note", required=True, most=NOTE_MAX),
    )


def close(
    disposal: Disposal, *, result: DisposalResult, note: str, by: str, at: dt.datetime
) -> DisposalStep:
    """Close the alert with `result`: from ASSIGNED or VERIFIED; closed is final."""
    _allowed(disposal, DisposalAction.CLOSED)
    return DisposalStep(
        action=DisposalAction.CLOSED,
        by=by,
        at=at,
        note=_text(note, "note", required=True, most=NOTE_MAX),
        result=result,
    )
