"""The date-driven re-rating: what the passing of days alone changes, re-rated by the hub.

Stored ratings and list statuses move after a batch; but a penalty's publicity ends, its decay
steps, a list entry expires and an enterprise turns a year old with no batch at all.
`DateRerating` re-rates exactly the enterprises (and listed persons) with such a date since the
last day it covered (`hub.credit.due`, `cypher.DUE_SUBJECTS`, and what they reach), as of the
hub clock's day, through `CreditRecomputer.recompute`: the changes go to the change feed in the
same transactions, so `ratingChanged` subscribers hear of date-driven downgrades too.

One hub process among several does it, the holder of a lease in the graph (`hub.lease`); the
last day covered is kept in the graph (`(:ScheduledRun {name, lastAsOf, lastRunAt, due,
changes})`), so a day missed while no hub ran is caught up at the next start; the first run in a
graph covers the days since the earliest day a stored rating is as of. A run whose lease is
lost or cannot be renewed stops and records nothing (the record is fenced by the lease): the
next holder does it again, re-rating being idempotent. It runs at a time of day and, to catch
up after a holder died, every interval; `run_due` is also what `hub rate --due` and the tests
call.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from neo4j import AsyncManagedTransaction

from graph_schema.sessions import open_session
from hub.clock import Clock
from hub.credit import cypher
from hub.credit.due import due_params, penalty_moves
from hub.credit.facts import PenaltyFact
from hub.credit.recompute import CreditRecomputer
from hub.lease import Lease, new_holder_id
from hub.repository import read_rows
from hub.settings import Settings

log = logging.getLogger(__name__)

SCHEDULE_NAME = "credit-date-rerating"
"""The name of the re-rating's lease and of its `ScheduledRun` record."""

RunOutcome = Literal["RERATED", "FIRST_RUN", "UP_TO_DATE", "LEASE_HELD", "LEASE_LOST"]


@dataclass(frozen=True)
class DueSubjects:
    """The enterprises and listed persons a span of days re-rates, in key order."""

    enterprises: list[str]
    persons: list[str]


@dataclass(frozen=True)
class ScheduleReport:
    """What one `run_due` did: re-rated the days after `since` up to `as_of`, or not, why."""

    outcome: RunOutcome
    as_of: dt.date
    since: dt.date | None = None
    enterprises: int = 0
    persons: int = 0
    changes: int = 0
    seconds: float = 0.0


def seconds_until_next_run(now: dt.datetime, time_of_day: dt.time, interval_s: int) -> float:
    """Seconds from `now` to the next run: the next `time_of_day` (UTC), or sooner the end of
    `interval_s` (0: no interval); never less than a second."""
    now = now.astimezone(dt.UTC)
    today_at = dt.datetime.combine(now.date(), time_of_day, tzinfo=dt.UTC)
    next_at = today_at if today_at > now else today_at + dt.timedelta(days=1)
    wait = (next_at - now).total_seconds()
    if interval_s > 0:
        wait = min(wait, float(interval_s))
    return max(wait, 1.0)


@dataclass
class DateRerating:
    """Re-rates what the date changes, under a lease, in one database."""

    recomputer: CreditRecomputer
    clock: Clock
    wake: Callable[[], None] = lambda: None
    """Tells the change feed to poll now (this process has just appended changes)."""
    time_of_day: dt.time = dt.time(0, 10)
    interval_s: int = 3600
    lease_ttl_s: int = 300
    pause: Callable[[float], Awaitable[None]] = asyncio.sleep
    """Waits the seconds between two renewals of the lease (a test lets each one go)."""
    name: str = SCHEDULE_NAME
    holder: str = field(default_factory=new_holder_id)
    last_report: ScheduleReport | None = field(default=None, init=False)
    _task: asyncio.Task[None] | None = field(default=None, init=False, repr=False)

    @property
    def lease(self) -> Lease:
        return Lease(self.recomputer.driver, self.recomputer.database, self.name, self.holder)

    async def due(self, d0: dt.date, d1: dt.date) -> DueSubjects:
        """The subjects a date in (d0, d1] re-rates: those with the date, and what a list entry
        or a tie with it reaches (as far as a batch's change would)."""
        model = self.recomputer.model
        params = due_params(model, self.recomputer.rules, d0, d1)
        rows = await read_rows(
            self.recomputer.driver, self.recomputer.database, cypher.DUE_SUBJECTS, params
        )
        own: tuple[set[str], set[str]] = (set(), set())
        reaching: tuple[set[str], set[str]] = (set(), set())
        for row in rows:
            penalty = row["penalty"]
            if penalty is not None and not penalty_moves(
                model, PenaltyFact.model_validate(penalty), d0, d1
            ):
                continue
            usccs, keys = reaching if row["reaching"] else own
            if row["uscc"] is not None:
                usccs.add(row["uscc"])
            if row["key"] is not None:
                keys.add(row["key"])
        enterprises: set[str] = set()
        persons: set[str] = set()
        for (usccs, keys), reach in ((own, 0), (reaching, None)):
            if usccs or keys:
                found, listed = await self.recomputer.affected(usccs, keys, reach=reach)
                enterprises |= set(found)
                persons |= set(listed)
        return DueSubjects(sorted(enterprises), sorted(persons))

    async def run_due(self, as_of: dt.date | None = None) -> ScheduleReport:
        """Under the lease, re-rate as of `as_of` (default: the hub clock's day) what the days
        since the last covered one changed, and record `as_of` as covered.

        The first run in a graph (no `ScheduledRun`) covers the days since the earliest day a
        current rating is as of (batches and `hub rate --all` rated as of their days), and only
        records its day when there is none before it; a day already covered, or a later one,
        re-rates nothing; without the lease (another process runs it) nothing is done. Should
        the lease be lost or its renewal fail, the run is cancelled and records nothing
        (LEASE_LOST); the lease is released whatever happens.
        """
        day = as_of or self.clock().date()
        lease = self.lease
        ttl = dt.timedelta(seconds=self.lease_ttl_s)
        if not await lease.acquire(self.clock(), ttl):
            return self._done(ScheduleReport("LEASE_HELD", day))
        running = asyncio.create_task(self._covered(day, lease), name="date-rerating-run")
        keeping = asyncio.create_task(self._keep(lease, ttl), name="date-rerating-lease")
        try:
            await asyncio.wait((running, keeping), return_when=asyncio.FIRST_COMPLETED)
            if running.done():
                return self._done(running.result())
            # the keeper gave up: another may run now, so this run stops (the next redoes it)
            return self._done(ScheduleReport("LEASE_LOST", day))
        finally:
            for task in (running, keeping):
                task.cancel()
            await asyncio.gather(running, keeping, return_exceptions=True)
            await self._release(lease)

    async def _release(self, lease: Lease) -> None:
        try:
            await lease.release()
        except Exception:  # the database away: the lease expires by itself after its ttl
            log.exception("date-driven re-rating could not release its lease %s", self.name)

    async def _earliest_rating(self, day: dt.date) -> dt.date:
        """The earliest day a current rating is as of, not after `day` (`day`: none)."""
        rows = await read_rows(
            self.recomputer.driver, self.recomputer.database, cypher.EARLIEST_CURRENT_RATING, {}
        )
        earliest: dt.date | None = rows[0]["earliest"] if rows else None
        return day if earliest is None else min(earliest, day)

    async def _covered(self, day: dt.date, lease: Lease) -> ScheduleReport:
        started = time.perf_counter()
        rows = await read_rows(
            self.recomputer.driver,
            self.recomputer.database,
            cypher.SCHEDULED_RUN,
            {"name": self.name},
        )
        last: dt.date | None = rows[0]["lastAsOf"] if rows else None
        if last is not None and last >= day:
            return ScheduleReport("UP_TO_DATE", day, since=last)
        since = last if last is not None else await self._earliest_rating(day)
        if since >= day:  # a first run with nothing rated before its day
            if not await self._record(lease, day, 0, 0):
                return ScheduleReport("LEASE_LOST", day)
            return ScheduleReport("FIRST_RUN", day)
        due = await self.due(since, day)
        report = await self.recomputer.recompute(due.enterprises, due.persons, day)
        if report.changes:
            self.wake()
        subjects = len(due.enterprises) + len(due.persons)
        if not await self._record(lease, day, subjects, report.changes):
            return ScheduleReport("LEASE_LOST", day, since=since)
        return ScheduleReport(
            "RERATED",
            day,
            since=since,
            enterprises=len(due.enterprises),
            persons=len(due.persons),
            changes=report.changes,
            seconds=time.perf_counter() - started,
        )

    async def _record(self, lease: Lease, day: dt.date, due: int, changes: int) -> bool:
        """Record `day` as covered if this run still holds `lease`, checked in the same
        transaction; whether it did."""
        ran_at = self.clock()
        params = {
            "name": self.name,
            "as_of": day,
            "ran_at": ran_at,
            "due": due,
            "changes": changes,
        }

        async def write(tx: AsyncManagedTransaction) -> bool:
            if not await lease.held_in(tx, ran_at):
                return False
            await (await tx.run(cypher.SCHEDULED_RUN_DONE, params)).consume()
            return True

        async with open_session(self.recomputer.driver, self.recomputer.database) as session:
            recorded: bool = await session.execute_write(write)
        if not recorded:
            log.warning("date-driven re-rating lost its lease %s; %s not recorded", self.name, day)
        return recorded

    async def _keep(self, lease: Lease, ttl: dt.timedelta) -> None:
        """Renew the lease while a long run goes on (a third of its time to live apart); return
        as soon as it is lost or cannot be renewed, which stops the run."""
        while True:
            await self.pause(ttl.total_seconds() / 3)
            try:
                renewed = await lease.renew(self.clock(), ttl)
            except Exception:  # the database away: the lease may expire before the run ends
                log.exception("date-driven re-rating could not renew its lease %s", self.name)
                return
            if not renewed:
                log.warning("date-driven re-rating lost its lease %s", self.name)
                return

    def _done(self, report: ScheduleReport) -> ScheduleReport:
        self.last_report = report
        if report.outcome == "RERATED":
            log.info(
                "date-driven re-rating as of %s (days after %s): %d enterprises, %d persons, "
                "%d changes in %.1f s",
                report.as_of,
                report.since,
                report.enterprises,
                report.persons,
                report.changes,
                report.seconds,
            )
        return report

    def start(self) -> None:
        """Run now (catching up a missed day) and then at each time of day or interval."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="date-rerating")

    async def _run(self) -> None:
        while True:
            try:
                await self.run_due()
            except Exception:  # the database away for a moment: the next run catches up
                log.exception("date-driven re-rating failed; the next run catches up")
            wait = seconds_until_next_run(self.clock(), self.time_of_day, self.interval_s)
            await asyncio.sleep(wait)

    async def aclose(self) -> None:
        """Stop the schedule (a run in progress is cancelled; its lease is released)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def build_schedule(
    recomputer: CreditRecomputer,
    settings: Settings,
    clock: Clock,
    wake: Callable[[], None] = lambda: None,
) -> DateRerating:
    """The re-rating of `settings`' schedule, on `recomputer`'s database, by `clock`."""
    return DateRerating(
        recomputer,
        clock,
        wake=wake,
        time_of_day=settings.rerate_time_of_day,
        interval_s=settings.rerate_interval_s,
        lease_ttl_s=settings.rerate_lease_ttl_s,
    )
