"""The credit record's pure rules (hub.lookups.record) on hand-written facts: entries in force
of the lists shown, penalties in their publicity period, classifications in effect, and the
repair history by who keeps it."""

from __future__ import annotations

import datetime as dt

from auth.policy import ListVisibility
from auth.principal import ClientKind, Principal
from hub.lookups.record import (
    classifications_in_effect,
    entries_in_force,
    penalties_in_publicity,
    repair_history,
)

TODAY = dt.date(2026, 6, 15)
SUBJECT = "91410200MA00000001"


def principal(kind: ClientKind, scopes: frozenset[str] = frozenset()) -> Principal:
    return Principal(client_id=f"{kind.value}-1", kind=kind, scopes=scopes)


def penalty(
    pid: str, department: str, severity: str, decided: dt.date, **more: object
) -> dict[str, object]:
    return {"id": pid, "department": department, "severity": severity, "decidedOn": decided, **more}


PENALTIES = [
    penalty("P-GEN", "SAMR", "GENERAL", dt.date(2026, 1, 10), publicUntil=dt.date(2026, 7, 10)),
    penalty("P-MIN", "TAX", "MINOR", dt.date(2026, 2, 1)),
    penalty("P-OLD", "CUSTOMS", "SERIOUS", dt.date(2024, 1, 1)),  # Order 58: 36 months
    penalty(
        "P-REP",
        "SAMR",
        "GENERAL",
        dt.date(2025, 6, 1),
        publicUntil=dt.date(2026, 6, 1),
        repairedOn=dt.date(2025, 12, 1),
    ),
    penalty("P-WD", "CUSTOMS", "GENERAL", dt.date(2026, 3, 1), withdrawnOn=dt.date(2026, 4, 1)),
]


def test_penalties_in_publicity() -> None:
    public = principal(ClientKind.PUBLIC, frozenset({"enterprise:read"}))
    found = penalties_in_publicity(PENALTIES, public, SUBJECT, TODAY)
    assert [(p.row["id"], p.public_until) for p in found] == [
        ("P-GEN", dt.date(2026, 7, 10)),
        ("P-OLD", dt.date(2027, 1, 1)),
    ]


def test_repairs_are_kept_by_the_deciding_department_audit_and_the_subject() -> None:
    samr = principal(ClientKind.SAMR)
    customs = principal(ClientKind.CUSTOMS)
    audit = principal(ClientKind.REGULATOR, frozenset({"audit:read"}))
    assert [r.penalty["id"] for r in repair_history(PENALTIES, [], samr, SUBJECT, TODAY)] == [
        "P-REP"
    ]
    assert repair_history(PENALTIES, [], customs, SUBJECT, TODAY) == []
    assert len(repair_history(PENALTIES, [], audit, SUBJECT, TODAY)) == 1


def test_entries_in_force_of_the_lists_shown() -> None:
    rows = [
        {
            "id": "L-1",
            "list": "ABNORMAL_OPERATION",
            "department": "SAMR",
            "listedOn": dt.date(2025, 11, 1),
        },
        {
            "id": "L-2",
            "list": "SAFE_CLASS_C",
            "department": "SAFE",
            "listedOn": dt.date(2025, 1, 1),
            "expiresOn": dt.date(2027, 1, 1),
        },
        {
            "id": "L-3",
            "list": "SERIOUS_DISHONESTY",
            "department": "SAMR",
            "listedOn": dt.date(2023, 1, 1),
            "expiresOn": dt.date(2024, 1, 1),
        },
        {
            "id": "L-4",
            "list": "RED_LIST",
            "department": "TAX",
            "listedOn": dt.date(2026, 1, 1),
            "removedOn": dt.date(2026, 6, 15),
        },
    ]
    published = ListVisibility(("ABNORMAL_OPERATION", "SERIOUS_DISHONESTY", "RED_LIST"))
    assert [r["id"] for r in entries_in_force(rows, published, TODAY)] == ["L-1"]
    every = ListVisibility(("ABNORMAL_OPERATION", "SAFE_CLASS_C", "SERIOUS_DISHONESTY"))
    assert [r["id"] for r in entries_in_force(rows, every, TODAY)] == ["L-1", "L-2"]


def test_one_classification_per_scheme_in_effect() -> None:
    rows = [
        {
            "id": "C-1",
            "department": "TAX",
            "scheme": "TAX_CREDIT",
            "value": "B",
            "effectiveFrom": dt.date(2024, 4, 1),
            "effectiveTo": dt.date(2025, 4, 1),
        },
        {
            "id": "C-2",
            "department": "TAX",
            "scheme": "TAX_CREDIT",
            "value": "C",
            "effectiveFrom": dt.date(2025, 4, 1),
        },
        {
            "id": "C-3",
            "department": "SAFE",
            "scheme": "SAFE_GOODS_TRADE",
            "value": "A",
            "effectiveFrom": dt.date(2026, 7, 1),
        },
    ]
    assert [r["id"] for r in classifications_in_effect(rows, TODAY)] == ["C-2"]
