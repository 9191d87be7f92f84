"""Time moves ratings too (issue 16): the enterprises a span of days re-rates with no new data,
the lease that lets one hub process among several do it, the catch-up at start, and a
date-driven upgrade reaching a subscribed bank. Real Neo4j; the clock is held, never read."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from graph_kit import (
    DATABASE,
    HeldClock,
    eventually,
    hub_settings,
    subscriptions_watching,
    token_for,
)
from neo4j import AsyncDriver
from neo4j.exceptions import ServiceUnavailable

from bench.fastload import fastload_zone
from graph_schema.predicates import coverage_applies
from graph_schema.uscc import make_uscc
from hub.bootstrap import bootstrap
from hub.credit.changes import head_seq
from hub.credit.joint_rules import load_joint_rules
from hub.credit.model import load_model
from hub.credit.recompute import CreditRecomputer, Progress, RecomputeReport
from hub.credit.schedule import SCHEDULE_NAME, DateRerating
from hub.lease import Lease

D = dt.date
NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
TOMORROW = TODAY + dt.timedelta(days=1)


def uscc(i: int) -> str:
    return make_uscc("9", "1", "410200", f"DR{i:06d}")


PEN, LIST, YOUNG, ORDER, CLASS, TIE, LOAN, CONTROL = (uscc(i) for i in range(8))

# Each enterprise has one date-dependent input, on its own day of June 2026; CONTROL has none
# that moves this year (a classification without end, founded long ago).
ONE_DATE_EACH = """
UNWIND $usccs AS u
CREATE (:Enterprise {uscc: u, name: 'Dated Co. ' + u, zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: CASE u WHEN $young THEN date('2025-06-20')
                                   ELSE date('2015-01-01') END})
WITH count(*) AS made
MATCH (pen:Enterprise {uscc: $pen}), (listed:Enterprise {uscc: $list}),
      (sold:Enterprise {uscc: $order}), (classed:Enterprise {uscc: $class}),
      (tied:Enterprise {uscc: $tie}), (lent:Enterprise {uscc: $loan}),
      (control:Enterprise {uscc: $control})
// public until 2026-06-16 (its first day no longer public)
CREATE (pen)-[:PENALISED]->(:Penalty {id: 'P-DR', department: 'CUSTOMS', severity: 'SERIOUS',
        decidedOn: date('2025-06-16'), publicUntil: date('2026-06-16')})
CREATE (pen)-[:CLASSIFIED]->(:Classification {id: 'C-DR-PEN', department: 'SAFE',
        scheme: 'SAFE_GOODS_TRADE', value: 'B', effectiveFrom: date('2020-01-01')})
// expires 2026-06-18
CREATE (listed)-[:LISTED]->(:ListEntry {id: 'L-DR', list: 'ABNORMAL_OPERATION',
        department: 'SAMR', listedOn: date('2025-01-10'), expiresOn: date('2026-06-18')})
// ordered 2025-06-22: out of the 12-month window from 2026-06-22
CREATE (sold)-[:SOLD]->(:Order {id: 'O-DR', orderedOn: date('2025-06-22'), goodsCny: 100.0,
        freightCny: 0.0, taxCny: 0.0, discountCny: 0.0, consigneeName: 'A',
        consigneePhone: '1', consigneeAddress: 'X'})
// ends 2026-06-24
CREATE (classed)-[:CLASSIFIED]->(:Classification {id: 'C-DR', department: 'CUSTOMS',
        scheme: 'CUSTOMS_CREDIT', value: 'ROUTINE', effectiveFrom: date('2020-01-01'),
        effectiveTo: date('2026-06-24')})
// legal representative to 2026-06-25, his last day
CREATE (:Person {personKey: 'p-dr', name: 'Sun Li'})-[:LEGAL_REPRESENTATIVE_OF
        {since: date('2015-01-01'), until: date('2026-06-25')}]->(tied)
// due 2026-06-27: late from 2026-06-28
CREATE (lent)-[:BORROWED]->(:Loan {id: 'LN-DR', status: 'OVERDUE',
        grantedOn: date('2025-01-01'), dueOn: date('2026-06-27')})
CREATE (control)-[:CLASSIFIED]->(:Classification {id: 'C-DR-CTL', department: 'CUSTOMS',
        scheme: 'CUSTOMS_CREDIT', value: 'ROUTINE', effectiveFrom: date('2020-01-01')})
"""


async def write_one_date_each(driver: AsyncDriver) -> None:
    params = {
        "usccs": [PEN, LIST, YOUNG, ORDER, CLASS, TIE, LOAN, CONTROL],
        "pen": PEN,
        "list": LIST,
        "young": YOUNG,
        "order": ORDER,
        "class": CLASS,
        "tie": TIE,
        "loan": LOAN,
        "control": CONTROL,
    }
    await driver.execute_query(ONE_DATE_EACH, params, database_=DATABASE)


def recomputer_of(driver: AsyncDriver) -> CreditRecomputer:
    return CreditRecomputer(driver, DATABASE, load_model(), load_joint_rules())


def schedule_of(driver: AsyncDriver, clock: HeldClock, holder: str = "test-hub") -> DateRerating:
    return DateRerating(recomputer_of(driver), clock, holder=holder)


async def test_exactly_the_enterprise_whose_date_falls_in_the_days_is_due(
    graph: AsyncDriver,
) -> None:
    await write_one_date_each(graph)
    schedule = schedule_of(graph, HeldClock())
    spans = [
        ((D(2026, 6, 15), D(2026, 6, 16)), [PEN]),  # publicity ends
        ((D(2026, 6, 16), D(2026, 6, 17)), []),
        ((D(2026, 6, 17), D(2026, 6, 18)), [LIST]),  # the list entry expires
        ((D(2026, 6, 19), D(2026, 6, 20)), [YOUNG]),  # one year old
        ((D(2026, 6, 21), D(2026, 6, 22)), [ORDER]),  # the order leaves the window
        ((D(2026, 6, 23), D(2026, 6, 24)), [CLASS]),  # the classification ends
        ((D(2026, 6, 24), D(2026, 6, 25)), []),  # the tie's last day: still in force
        ((D(2026, 6, 25), D(2026, 6, 26)), [TIE]),  # the tie has ended
        ((D(2026, 6, 26), D(2026, 6, 27)), []),  # the loan's due day: not late yet
        ((D(2026, 6, 27), D(2026, 6, 28)), [LOAN]),  # late
        ((D(2026, 5, 28), D(2026, 5, 29)), [PEN]),  # its decay steps from -11 to -10
        ((D(2026, 5, 29), D(2026, 5, 30)), []),
        ((D(2026, 6, 15), D(2026, 6, 30)), sorted([PEN, LIST, YOUNG, ORDER, CLASS, TIE, LOAN])),
    ]
    for (d0, d1), expected in spans:
        due = await schedule.due(d0, d1)
        assert due.enterprises == sorted(expected), (d0, d1)
    tie_due = await schedule.due(D(2026, 6, 25), D(2026, 6, 26))
    assert tie_due.persons == ["p-dr"]  # the person at the tie's other end


SNAPSHOT = f"""
MATCH (e:Enterprise)
OPTIONAL MATCH (e)-[:CURRENT_RATING]->(r:Rating)
RETURN e.uscc AS uscc, r.fingerprint AS fingerprint, e.listStatus AS lists,
       COLLECT {{ MATCH (e)-[:COVERED_BY]->(c:ListCoverage) WHERE {coverage_applies("c", "$as_of")}
                 RETURN c.id ORDER BY c.id }} AS covered
"""


async def stored_as_of(
    driver: AsyncDriver, recomputer: CreditRecomputer, day: dt.date
) -> dict[str, Any]:
    """Every enterprise's rating and coverage once everything is rated as of `day`."""
    await recomputer.recompute_all(day)
    records, _, _ = await driver.execute_query(SNAPSHOT, as_of=day, database_=DATABASE)
    return {r["uscc"]: (r["fingerprint"], r["lists"], r["covered"]) for r in records}


async def test_every_enterprise_the_date_changes_on_a_seeded_zone_is_due(
    graph: AsyncDriver,
) -> None:
    """The due set may be larger than what changes, never smaller."""
    await fastload_zone(graph, DATABASE, person_secret=b"test-secret", enterprises=150, seed=42)
    recomputer = recomputer_of(graph)
    schedule = DateRerating(recomputer, HeldClock())
    d0 = D(2026, 11, 1)  # the seeded zone's today
    changed_somewhere = 0
    for d1 in (D(2026, 11, 2), D(2026, 12, 15), D(2027, 5, 1), D(2027, 11, 2)):
        before = await stored_as_of(graph, recomputer, d0)
        due = await schedule.due(d0, d1)
        after = await stored_as_of(graph, recomputer, d1)
        changed = {u for u in before if before[u] != after[u]}
        assert changed <= set(due.enterprises), (d1, sorted(changed - set(due.enterprises)))
        changed_somewhere += len(changed)
    assert changed_somewhere > 0  # the check saw changes to check


async def test_a_second_holder_is_refused_while_the_lease_holds_and_takes_it_after(
    graph: AsyncDriver,
) -> None:
    ttl = dt.timedelta(minutes=5)
    first = Lease(graph, DATABASE, "test-job", "hub-a")
    second = Lease(graph, DATABASE, "test-job", "hub-b")
    assert await first.acquire(NOW, ttl)
    assert not await second.acquire(NOW + dt.timedelta(minutes=4), ttl)
    assert await first.renew(NOW + dt.timedelta(minutes=4), ttl)  # now until NOW + 9 min
    assert not await second.acquire(NOW + dt.timedelta(minutes=8), ttl)
    # allowed once it has expired: the first holder died and renewed no more
    assert await second.acquire(NOW + dt.timedelta(minutes=9), ttl)
    assert not await first.renew(NOW + dt.timedelta(minutes=9), ttl)
    await first.release()  # not the first's any more: left alone
    assert not await first.acquire(NOW + dt.timedelta(minutes=10), ttl)
    await second.release()
    assert await first.acquire(NOW + dt.timedelta(minutes=10), ttl)

    # the schedule of another process does nothing while the lease is held
    clock = HeldClock()
    clock.hold(NOW)
    holding = Lease(graph, DATABASE, SCHEDULE_NAME, "hub-a")
    assert await holding.acquire(NOW, ttl)
    other = schedule_of(graph, clock, holder="hub-b")
    assert (await other.run_due()).outcome == "LEASE_HELD"
    clock.hold(NOW + ttl)
    assert (await other.run_due()).outcome == "FIRST_RUN"  # expired: it runs


CHANGES = """
MATCH (c:CreditChange) WHERE c.seq > $after
RETURN c.uscc AS uscc, c.kind AS kind, c.previousGrade AS previous, c.grade AS grade
ORDER BY c.seq
"""


async def test_a_missed_day_is_caught_up_at_start_once(graph: AsyncDriver, tmp_path: Path) -> None:
    await write_one_date_each(graph)
    two_days_ago = TODAY - dt.timedelta(days=1)  # 2026-06-14: last covered
    clock = HeldClock()
    clock.hold(NOW - dt.timedelta(days=1))
    await recomputer_of(graph).recompute_all(two_days_ago)
    assert (await schedule_of(graph, clock).run_due()).outcome == "FIRST_RUN"
    before = await head_seq(graph, DATABASE)  # the first rating's list statuses

    clock.hold(NOW + dt.timedelta(days=1))  # 2026-06-16: the hub was down on 2026-06-15
    settings = hub_settings(
        neo4j_uri="bolt://unused", data_dir=tmp_path, migrate_on_start=False, rerate_schedule=True
    )
    services = await bootstrap(settings, graph, clock)
    try:

        async def ran() -> bool:
            return services.schedule.last_report is not None

        assert await eventually(ran, timeout_s=30)
        report = services.schedule.last_report
        assert report is not None
        assert (report.outcome, report.since, report.as_of, report.enterprises) == (
            "RERATED",
            two_days_ago,
            TOMORROW,
            1,  # the penalty's publicity ended on 2026-06-16
        )
        again = await services.schedule.run_due()
        assert (again.outcome, again.since) == ("UP_TO_DATE", TOMORROW)
    finally:
        await services.aclose()
    records, _, _ = await graph.execute_query(CHANGES, after=before, database_=DATABASE)
    assert [dict(r) for r in records] == [
        {"uscc": PEN, "kind": "RATING", "previous": "C", "grade": "B"}
    ]
    runs, _, _ = await graph.execute_query(
        "MATCH (r:ScheduledRun) RETURN r.name AS name, r.lastAsOf AS last, r.due AS due",
        database_=DATABASE,
    )
    assert [(r["name"], r["last"].to_native(), r["due"]) for r in runs] == [
        (SCHEDULE_NAME, TOMORROW, 1)
    ]


@pytest.mark.parametrize(
    ("rated_on", "outcome", "since", "enterprises", "feed"),
    [
        # rated before the penalty's publicity ended on 2026-06-16 (a zone seeded days before
        # the upgrade that brought the schedule): the first run re-rates it
        (D(2026, 6, 14), "RERATED", D(2026, 6, 14), 1, [(PEN, "C", "B")]),
        # allowed: rated as of the run's day already, the first run only records it
        (TOMORROW, "FIRST_RUN", None, 0, []),
    ],
)
async def test_the_first_run_catches_up_from_the_earliest_stored_rating(
    graph: AsyncDriver,
    rated_on: dt.date,
    outcome: str,
    since: dt.date | None,
    enterprises: int,
    feed: list[tuple[str, str, str]],
) -> None:
    await write_one_date_each(graph)
    await recomputer_of(graph).recompute_all(rated_on)
    before = await head_seq(graph, DATABASE)
    clock = HeldClock()
    clock.hold(NOW + dt.timedelta(days=1))  # 2026-06-16; no ScheduledRun in the graph yet
    report = await schedule_of(graph, clock).run_due()
    assert (report.outcome, report.since, report.as_of, report.enterprises) == (
        outcome,
        since,
        TOMORROW,
        enterprises,
    )
    records, _, _ = await graph.execute_query(CHANGES, after=before, database_=DATABASE)
    assert [(r["uscc"], r["previous"], r["grade"]) for r in records] == feed
    assert await last_covered(graph) == TOMORROW


# --- a run that loses its lease ---------------------------------------------------------------

TTL = dt.timedelta(seconds=300)
"""`DateRerating`'s lease time to live (`lease_ttl_s`' default)."""

LAST_COVERED = "MATCH (r:ScheduledRun {name: $name}) RETURN r.lastAsOf AS last"
LEASE_HOLDER = "MATCH (l:Lease {name: $name}) RETURN l.holder AS holder"


async def last_covered(driver: AsyncDriver) -> dt.date:
    records, _, _ = await driver.execute_query(LAST_COVERED, name=SCHEDULE_NAME, database_=DATABASE)
    day: dt.date = records[0]["last"].to_native()
    return day


@dataclass
class StalledRecomputer(CreditRecomputer):
    """Holds each `recompute` until the test lets it go on, and notes whether it was cancelled."""

    started: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    go_on: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    cancelled: bool = field(default=False, init=False)

    async def recompute(
        self,
        usccs: Sequence[str],
        person_keys: Sequence[str],
        as_of: dt.date,
        progress: Progress | None = None,
    ) -> RecomputeReport:
        self.started.set()
        try:
            await self.go_on.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return await super().recompute(usccs, person_keys, as_of, progress)


class Renewals:
    """The lease keeper's waits between renewals, each let go by the test: no time passes."""

    def __init__(self) -> None:
        self.waits = 0
        self._let_go: asyncio.Queue[None] = asyncio.Queue()

    async def pause(self, seconds: float) -> None:
        self.waits += 1
        await self._let_go.get()

    def renew_once(self) -> None:
        self._let_go.put_nowait(None)


@dataclass(frozen=True)
class UnrenewableLease(Lease):
    """A lease whose renewal meets a database gone away."""

    async def renew(self, now: dt.datetime, ttl: dt.timedelta) -> bool:
        raise ServiceUnavailable("the database went away")


@dataclass
class UnrenewableSchedule(DateRerating):
    """The re-rating with a lease it cannot renew."""

    @property
    def lease(self) -> Lease:
        return UnrenewableLease(
            self.recomputer.driver, self.recomputer.database, self.name, self.holder
        )


@pytest.mark.parametrize(
    ("case", "outcome", "cancelled", "covered", "holder"),
    [
        # the renewal finds the lease another's: the run stops where it is
        ("taken over", "LEASE_LOST", True, TODAY, "hub-b"),
        # the renewal fails: the run stops, and the lease is released all the same
        ("renewal fails", "LEASE_LOST", True, TODAY, None),
        # taken over between two renewals: the run ends, but its record is fenced off
        ("taken over before the record", "LEASE_LOST", False, TODAY, "hub-b"),
        # allowed: the holder renews its lease, records the day and releases the lease
        ("kept", "RERATED", False, TOMORROW, None),
    ],
)
async def test_a_run_that_loses_its_lease_stops_and_records_nothing(
    graph: AsyncDriver,
    case: str,
    outcome: str,
    cancelled: bool,
    covered: dt.date,
    holder: str | None,
) -> None:
    await write_one_date_each(graph)
    clock = HeldClock()
    clock.hold(NOW)
    await recomputer_of(graph).recompute_all(TODAY)
    assert (await schedule_of(graph, clock).run_due()).outcome == "FIRST_RUN"
    clock.hold(NOW + dt.timedelta(days=1))  # the penalty's publicity has ended: PEN is due
    stalled = StalledRecomputer(graph, DATABASE, load_model(), load_joint_rules())
    renewals = Renewals()
    kind = UnrenewableSchedule if case == "renewal fails" else DateRerating
    schedule = kind(stalled, clock, pause=renewals.pause, holder="hub-a")
    running = asyncio.create_task(schedule.run_due())
    await asyncio.wait_for(stalled.started.wait(), timeout=30)

    if case.startswith("taken over"):
        clock.hold(NOW + dt.timedelta(days=1) + TTL)  # hub-a's lease has run out
        assert await Lease(graph, DATABASE, SCHEDULE_NAME, "hub-b").acquire(clock(), TTL)
    if case == "taken over before the record":
        stalled.go_on.set()
    else:
        renewals.renew_once()
    if case == "kept":

        async def renewed() -> bool:
            return renewals.waits == 2  # renewed, and waiting for the next renewal

        assert await eventually(renewed, timeout_s=30)
        stalled.go_on.set()

    report = await asyncio.wait_for(running, timeout=30)
    assert (report.outcome, stalled.cancelled) == (outcome, cancelled)
    assert await last_covered(graph) == covered
    leases, _, _ = await graph.execute_query(LEASE_HOLDER, name=SCHEDULE_NAME, database_=DATABASE)
    assert [r["holder"] for r in leases] == [holder]


# --- a date-driven change reaches a subscribed bank ---------------------------------------------

GRANT = """mutation($i: String!, $x: DateTime!) {
  grantConsent(institution: $i, purpose: WORKING_CAPITAL,
               scopes: ["enterprise:read", "credit:read"], expiresAt: $x) { id }
}"""
RATINGS = "subscription { ratingChanged { uscc previousGrade grade downgrade } }"


async def call(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "loan monitoring"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=30) as http:
        body: dict[str, Any] = (
            await http.post("/graphql", json={"query": query, "variables": variables})
        ).json()
    return body


@asynccontextmanager
async def subscription(hub_url: str, token: str, query: str) -> AsyncIterator[Any]:
    url = hub_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"Authorization": f"Bearer {token}", "X-Purpose": "loan monitoring"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        yield ws


async def next_data(ws: Any, within: float) -> dict[str, Any] | None:
    """The next `next` payload's data, or None if none comes within `within` seconds."""
    try:
        message = json.loads(await asyncio.wait_for(ws.recv(), within))
    except TimeoutError:
        return None
    assert message["type"] == "next", message
    data: dict[str, Any] = message["payload"]["data"]
    return data


async def test_a_publicity_ending_tomorrow_reaches_the_subscribed_bank_once(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock
) -> None:
    hub_clock.hold(NOW)
    await write_one_date_each(graph)
    # the schedule's clock moves a day; the hub serving the bank stays (its token lives minutes)
    clock = HeldClock()
    clock.hold(NOW)
    schedule = schedule_of(graph, clock)
    await schedule.recomputer.recompute_all(TODAY)  # PEN: 80 - 5 (SAFE B) - 10 (penalty): C
    assert (await schedule.run_due()).outcome == "FIRST_RUN"
    owner = await token_for(hub_url, graph, "enterprise", institution=PEN)
    lender = await token_for(hub_url, graph, "bank", institution="bank-dated")
    until = (NOW + dt.timedelta(days=30)).isoformat()
    assert "errors" not in await call(hub_url, owner, GRANT, i="bank-dated", x=until)

    async with subscription(hub_url, lender, RATINGS) as ws:
        assert await subscriptions_watching(1)
        clock.hold(NOW + dt.timedelta(days=1))  # the penalty is public no more
        report = await schedule.run_due()
        assert (report.outcome, report.enterprises, report.changes) == ("RERATED", 1, 1)
        received = await next_data(ws, within=10)
        assert received == {
            "ratingChanged": {"uscc": PEN, "previousGrade": "C", "grade": "B", "downgrade": False}
        }
        # the same day again re-rates nothing, and the bank hears nothing more
        assert (await schedule.run_due()).outcome == "UP_TO_DATE"
        assert await next_data(ws, within=1.5) is None
