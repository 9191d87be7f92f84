"""Reading the audit log back: filters, newest-first keyset pagination, an enterprise's own log."""

from __future__ import annotations

import datetime as dt

import pytest
from audit_kit import T0, event, write_chain
from graph_kit import DATABASE
from neo4j import AsyncDriver

from auth.audit.events import Outcome
from auth.audit.reads import AuditRecord, access_log_for, audit_log
from auth.audit.writer import AuditLog
from auth.principal import ClientKind

A, B, C = "91330100MA0000001A", "91330100MA0000002B", "91330100MA0000003C"


@pytest.fixture
async def logged(graph: AsyncDriver, audit: AuditLog) -> AsyncDriver:
    """30 events, minute i for i in 0..29: banks 1 and 2 alternate on A (and B every third),
    a customs client every fifth touches C."""
    events = []
    for i in range(30):
        if i % 5 == 4:
            events.append(event(i, client_id="customs-1", kind=ClientKind.CUSTOMS, enterprises=[C]))
        else:
            touched = [A, B] if i % 3 == 0 else [A]
            events.append(event(i, client_id=f"bank-{i % 2 + 1}", enterprises=touched))
    await write_chain(audit, events)
    return graph


def minutes(records: list[AuditRecord]) -> list[int]:
    return [int((r.at - T0).total_seconds() // 60) for r in records]


async def test_newest_first_and_round_trip(logged: AsyncDriver) -> None:
    records = await audit_log(logged, DATABASE, first=3)
    assert [r.seq for r in records] == [30, 29, 28]
    newest = records[0]
    assert newest.at == T0 + dt.timedelta(minutes=29) and newest.at.tzinfo is dt.UTC
    assert newest.client_id == "customs-1" and newest.kind is ClientKind.CUSTOMS
    assert newest.institution == "inst-customs-1" and newest.operation == "Op29"
    assert newest.enterprises == (C,) and newest.outcome is Outcome.OK
    assert newest.purpose == "credit review" and newest.consent_ids == ()
    assert newest.fields == ("Enterprise.financing", "Enterprise.name")
    assert newest.prev_hash == records[1].hash and len(newest.hash) == 64
    bank = records[1]
    assert bank.consent_ids == ("consent-28",) and bank.query_hash == f"{28:064x}"


async def test_pages_by_seq_cover_everything_once(logged: AsyncDriver) -> None:
    seen: list[int] = []
    after = None
    while page := await audit_log(logged, DATABASE, first=7, after_seq=after):
        seen += [r.seq for r in page]
        after = page[-1].seq
    assert seen == list(range(30, 0, -1))


async def test_filters(logged: AsyncDriver) -> None:
    customs = await audit_log(logged, DATABASE, kind="customs", first=100)
    assert minutes(customs) == [29, 24, 19, 14, 9, 4]
    bank1 = await audit_log(logged, DATABASE, client_id="bank-1", first=100)
    assert minutes(bank1) == [i for i in range(29, -1, -1) if i % 5 != 4 and i % 2 == 0]
    both = await audit_log(logged, DATABASE, client_id="bank-1", kind=ClientKind.CUSTOMS)
    assert both == []
    window = await audit_log(
        logged,
        DATABASE,
        since=T0 + dt.timedelta(minutes=10),
        until=T0 + dt.timedelta(minutes=13),
    )
    assert minutes(window) == [12, 11, 10]
    touching_b = await audit_log(logged, DATABASE, uscc=B, first=100)
    assert minutes(touching_b) == [i for i in range(29, -1, -1) if i % 3 == 0 and i % 5 != 4]
    assert all(B in r.enterprises for r in touching_b)
    page = await audit_log(logged, DATABASE, client_id="bank-2", first=2, after_seq=20)
    assert [r.seq for r in page] == [18, 16]
    assert await audit_log(logged, DATABASE, uscc="91000000000000000X") == []
    with pytest.raises(ValueError):
        await audit_log(logged, DATABASE, first=0)


async def test_access_log_for_an_enterprise(logged: AsyncDriver) -> None:
    records = await access_log_for(logged, DATABASE, B, first=4)
    assert minutes(records) == [27, 21, 18, 15]
    # it learns who read its data, not whom else the same request read
    assert all(r.enterprises == (B,) for r in records)
    assert {r.client_id for r in records} == {"bank-1", "bank-2"}
    more = await access_log_for(logged, DATABASE, B, first=50, after_seq=records[-1].seq)
    assert minutes(more) == [12, 6, 3, 0]
    assert minutes(await access_log_for(logged, DATABASE, C, first=50)) == [29, 24, 19, 14, 9, 4]
