"""What follows an applied batch is owed in the graph, not in a process's memory.

The batch's transaction records its effects (a RERATE, then a SCAN) as `OwedEffect` nodes;
`hub.effects.Drainer` claims, runs and marks them done. The tests here: the effects are recorded
with the batch; a resend of an applied batch whose effects are still owed completes them; two
drainers on one database do each effect once; a claim that has run out is taken over and one
that has not is left alone; and `hub serve` killed with SIGKILL after a batch committed but
before its re-rating finished completes the re-rating by itself once started again, announcing
each downgrade once.

To kill the hub surely in that window, the test holds the change feed's head (the lock every
re-rating that changes a grade takes to append its changes) in a transaction of its own: the
batch commits, its re-rating then waits on the head, seen as `Blocked` in SHOW TRANSACTIONS,
and that is when the hub is killed. It runs on the system clock, as it ships.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from connector_kit import DATABASE, NOW, Agency, bearer, enterprise_record, uscc
from graph_kit import HeldClock, ServedHub, eventually, token_for
from neo4j import AsyncDriver
from test_crash import BLOCKED

from connectors.pipeline import Limits, Pipeline, Status
from connectors.store import EffectKind
from graph_schema.dates import add_months
from graph_schema.model import Department
from hub.clock import system_clock
from hub.credit import load_model
from hub.credit.cypher import CHANGES_LOCK_HEAD
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer
from hub.effects import Backlog, Drainer, EffectHandler, OwedEffect, backlog, effect_handlers
from hub.risk import RiskScanner, load_risk_rules

SECRET = b"test-person-secret"


async def owed(driver: AsyncDriver) -> list[dict[str, Any]]:
    """Every effect as stored, by id."""
    rows, _, _ = await driver.execute_query(
        "MATCH (e:OwedEffect) RETURN e {.*} AS e ORDER BY e.id", database_=DATABASE
    )
    return [dict(row["e"]) for row in rows]


async def grades(driver: AsyncDriver, usccs: list[str]) -> dict[str, str | None]:
    rows, _, _ = await driver.execute_query(
        "UNWIND $usccs AS u MATCH (e:Enterprise {uscc: u}) RETURN u, e.creditGrade AS grade",
        usccs=usccs,
        database_=DATABASE,
    )
    return {row["u"]: row["grade"] for row in rows}


def hub_drainer(driver: AsyncDriver, as_of: dt.date, clock: Callable[[], dt.datetime]) -> Drainer:
    """A drainer with the hub's handlers: re-rating and the risk scan, as of `as_of`."""
    recomputer = CreditRecomputer(
        driver, DATABASE, load_model(), load_joint_rules(), clock=lambda: as_of
    )
    scanner = RiskScanner(driver, DATABASE, load_risk_rules(), clock=lambda: as_of)
    return Drainer(driver, DATABASE, effect_handlers(recomputer, scanner), clock=clock)


class Executions:
    """Handlers that only note which drainer ran which effect, and when it started and ended."""

    def __init__(self) -> None:
        self.log: list[tuple[str, str, str]] = []  # (start | end, worker, effect id)

    def handlers(self, worker: str) -> dict[EffectKind, EffectHandler]:
        async def handle(effect: OwedEffect) -> None:
            self.log.append(("start", worker, effect.id))
            await asyncio.sleep(0)  # let the other drainer run meanwhile
            self.log.append(("end", worker, effect.id))

        return {EffectKind.RERATE: handle, EffectKind.SCAN: handle}

    def runs(self) -> collections.Counter[str]:
        return collections.Counter(effect for event, _, effect in self.log if event == "start")


async def test_a_batch_records_what_it_owes_in_its_own_transaction(
    pipeline: Pipeline, samr: Agency, ledger: AsyncDriver
) -> None:
    document = samr.batch("samr.enterprise@1", [enterprise_record(2), enterprise_record(1)])
    outcome = await pipeline.ingest(document)
    assert outcome.status is Status.APPLIED
    batch = str(outcome.batch_id)
    stored = await owed(ledger)
    assert [(e["id"], e["kind"], e["state"]) for e in stored] == [
        (f"{batch}:RERATE", "RERATE", "OWED"),
        (f"{batch}:SCAN", "SCAN", "OWED"),
    ]
    for effect in stored:
        assert (effect["batch"], effect["usccs"], effect["reach"]) == (
            batch,
            [uscc(1), uscc(2)],
            "OWN",
        )
        assert effect["createdAt"].to_native() == NOW
    # two owed, the oldest recorded at NOW: an hour later it is an hour old
    assert await backlog(ledger, DATABASE, NOW + dt.timedelta(hours=1)) == Backlog(2, 3600.0)


async def test_a_resend_of_an_applied_batch_completes_the_effects_it_still_owes(
    pipeline: Pipeline, samr: Agency, ledger: AsyncDriver
) -> None:
    # the first copy applied by a process that died before its effects: they stay owed
    document = samr.batch("samr.enterprise@1", [enterprise_record(1), enterprise_record(2)])
    first = await pipeline.ingest(document)
    assert first.status is Status.APPLIED
    assert await grades(ledger, [uscc(1), uscc(2)]) == {uscc(1): None, uscc(2): None}

    drainer = hub_drainer(ledger, NOW.date(), lambda: NOW)
    hooked = Pipeline(ledger, DATABASE, SECRET, clock=lambda: NOW, complete_effects=drainer.settle)
    resent = await hooked.ingest(document)
    assert resent.status is Status.ALREADY_APPLIED
    # registered in 2021 and nothing else known: too little data to judge, grade M
    assert await grades(ledger, [uscc(1), uscc(2)]) == {uscc(1): "M", uscc(2): "M"}
    assert [(e["kind"], e["state"], e["doneBy"]) for e in await owed(ledger)] == [
        ("RERATE", "DONE", drainer.worker),
        ("SCAN", "DONE", drainer.worker),
    ]
    # done, an effect no longer carries the batch's subjects: the batch's records name them
    assert [sorted(set(e) & {"usccs", "personKeys", "factIds"}) for e in await owed(ledger)] == [
        [],
        [],
    ]
    assert (await backlog(ledger, DATABASE, NOW)).owed == 0


async def test_a_resend_whose_effects_are_done_runs_none_again(
    pipeline: Pipeline, samr: Agency, ledger: AsyncDriver
) -> None:
    # the twin: the effects were done after the first copy, so the resend runs nothing
    executions = Executions()
    drainer = Drainer(ledger, DATABASE, executions.handlers("w"), worker="w", clock=lambda: NOW)
    hooked = Pipeline(ledger, DATABASE, SECRET, clock=lambda: NOW, complete_effects=drainer.settle)
    document = samr.batch("samr.enterprise@1", [enterprise_record(1)])
    assert (await hooked.ingest(document)).status is Status.APPLIED
    assert sum(executions.runs().values()) == 2
    assert (await hooked.ingest(document)).status is Status.ALREADY_APPLIED
    assert sum(executions.runs().values()) == 2


async def test_an_applied_batch_is_answered_applied_when_completing_its_effects_fails(
    samr: Agency, ledger: AsyncDriver
) -> None:
    # the batch is committed: a failure after it must not answer as if it were not
    async def failing(batch_id: str) -> None:
        raise ConnectionError("Neo4j went away after the commit")

    hooked = Pipeline(ledger, DATABASE, SECRET, clock=lambda: NOW, complete_effects=failing)
    outcome = await hooked.ingest(samr.batch("samr.enterprise@1", [enterprise_record(1)]))
    assert outcome.status is Status.APPLIED
    assert [e["state"] for e in await owed(ledger)] == ["OWED", "OWED"]


async def test_an_answer_waits_for_its_effects_only_up_to_the_limit(
    samr: Agency, ledger: AsyncDriver
) -> None:
    release = asyncio.Event()
    finished: list[str] = []

    async def slow(batch_id: str) -> None:
        await release.wait()
        finished.append(batch_id)

    limits = Limits(effects_wait=dt.timedelta(0))
    hooked = Pipeline(
        ledger, DATABASE, SECRET, limits=limits, clock=lambda: NOW, complete_effects=slow
    )
    outcome = await hooked.ingest(samr.batch("samr.enterprise@1", [enterprise_record(1)]))
    assert (outcome.status, finished) == (Status.APPLIED, [])  # answered, effects still running
    release.set()

    async def finished_after_the_answer() -> bool:
        return finished == [str(outcome.batch_id)]

    assert await eventually(finished_after_the_answer)
    # the twin: effects quicker than the limit are done when the answer comes
    release.clear()
    quick = Pipeline(ledger, DATABASE, SECRET, clock=lambda: NOW, complete_effects=slow)
    release.set()
    second = await quick.ingest(samr.batch("samr.enterprise@1", [enterprise_record(2)]))
    assert finished == [str(outcome.batch_id), str(second.batch_id)]


async def test_two_drainers_on_one_outbox_do_each_effect_once(
    pipeline: Pipeline, samr: Agency, ledger: AsyncDriver
) -> None:
    batches = []
    for i in range(8):
        document = samr.batch("samr.enterprise@1", [enterprise_record(i)])
        batches.append(str((await pipeline.ingest(document)).batch_id))
    executions = Executions()
    first, second = (
        Drainer(ledger, DATABASE, executions.handlers(w), worker=w, clock=lambda: NOW, page=4)
        for w in ("first", "second")
    )
    done = await asyncio.gather(first.drain(), second.drain())

    stored = await owed(ledger)
    assert len(stored) == 16 and sum(done) == 16
    assert executions.runs() == {effect["id"]: 1 for effect in stored}
    ran_by = {effect: worker for event, worker, effect in executions.log if event == "start"}
    assert {e["id"]: (e["state"], e["doneBy"]) for e in stored} == {
        e["id"]: ("DONE", ran_by[e["id"]]) for e in stored
    }
    # each batch's scan started only once its re-rating had ended
    position = {(event, effect): n for n, (event, _, effect) in enumerate(executions.log)}
    for batch in batches:
        assert position[("end", f"{batch}:RERATE")] < position[("start", f"{batch}:SCAN")]


async def test_a_claim_that_ran_out_is_taken_over_and_one_that_has_not_is_left(
    pipeline: Pipeline, samr: Agency, ledger: AsyncDriver
) -> None:
    outcome = await pipeline.ingest(samr.batch("samr.enterprise@1", [enterprise_record(1)]))
    rerate = f"{outcome.batch_id}:RERATE"
    executions = Executions()
    timeout = dt.timedelta(seconds=60)
    crashed = Drainer(
        ledger, DATABASE, executions.handlers("crashed"), worker="crashed", clock=lambda: NOW
    )
    clock = HeldClock()
    other = Drainer(
        ledger,
        DATABASE,
        executions.handlers("other"),
        worker="other",
        clock=clock,
        claim_timeout=timeout,
    )
    taken = await crashed.claim(rerate)  # and never heard of again
    assert taken is not None and taken.claimed_by == "crashed"

    # 59 s later the claim holds: neither the effect nor its batch's scan is the other's to do
    clock.hold(NOW + timeout - dt.timedelta(seconds=1))
    assert await other.claim(rerate) is None
    assert await other.drain() == 0 and executions.log == []

    # 61 s later it has run out: the other drainer takes it over, then does the scan
    clock.hold(NOW + timeout + dt.timedelta(seconds=1))
    assert await other.drain() == 2
    assert [(e["kind"], e["state"], e["doneBy"], e["claims"]) for e in await owed(ledger)] == [
        ("RERATE", "DONE", "other", 2),
        ("SCAN", "DONE", "other", 1),
    ]
    # the first claimant, were it only slow, finds its claim gone and marks nothing
    assert await crashed.run_claimed(taken) is False
    assert [e["doneBy"] for e in await owed(ledger)] == ["other", "other"]


# --- hub serve killed after the commit --------------------------------------------------------

ENTERPRISES = 40


@pytest.fixture
def patient_hub(neo4j_uri: str, tmp_path: Path) -> ServedHub:
    """`hub serve` whose claims run out 3 s after its last renewal, looking for owed effects
    every 0.2 s (started by the test)."""
    served = ServedHub(neo4j_uri, tmp_path)
    served.env |= {"HUB_EFFECTS_CLAIM_TIMEOUT_S": "3", "HUB_EFFECTS_POLL_S": "0.2"}
    return served


async def rating_changes(driver: AsyncDriver) -> list[tuple[str, str | None, str | None]]:
    rows, _, _ = await driver.execute_query(
        "MATCH (c:CreditChange {kind: 'RATING'}) "
        "RETURN c.uscc AS u, c.previousGrade AS before, c.grade AS after ORDER BY c.seq",
        database_=DATABASE,
    )
    return [(row["u"], row["before"], row["after"]) for row in rows]


async def test_a_hub_killed_after_the_commit_completes_the_batch_s_effects_once_restarted(
    ledger: AsyncDriver,
    agency: Callable[..., Any],
    patient_hub: ServedHub,
) -> None:
    hub = patient_hub
    today = system_clock().date()
    samr: Agency = await agency("samr-owed", Department.SAMR, ["samr.enterprise@1", "penalty@1"])
    tax: Agency = await agency("tax-owed", Department.TAX, ["classification@1"])
    usccs = [uscc(i) for i in range(ENTERPRISES)]
    hub.start()
    try:
        samr_token = await token_for(hub.url, ledger, "connector", institution="samr-owed")
        tax_token = await token_for(hub.url, ledger, "connector", institution="tax-owed")

        def push(body: bytes, token: str) -> httpx.Response:
            return httpx.post(
                f"{hub.url}/connectors/batches", content=body, headers=bearer(token), timeout=300
            )

        registered = samr.batch(
            "samr.enterprise@1",
            [enterprise_record(i) for i in range(ENTERPRISES)],
            created_at=system_clock(),
        )
        assert push(registered, samr_token).status_code == 202
        # tax credit grade B: 80 + 3 = 83, grade B (and no longer too thin to judge)
        classified = tax.batch(
            "classification@1",
            [
                {
                    "id": f"CLS-OWED-{i}",
                    "uscc": uscc(i),
                    "scheme": "TAX_CREDIT",
                    "value": "B",
                    "effectiveFrom": (today - dt.timedelta(days=30)).isoformat(),
                }
                for i in range(ENTERPRISES)
            ],
            created_at=system_clock(),
        )
        assert push(classified, tax_token).status_code == 202
        assert set((await grades(ledger, usccs)).values()) == {"B"}

        # a serious penalty decided today counts its full -20: 83 - 20 = 63, grade C
        penalised = samr.batch(
            "penalty@1",
            [
                {
                    "id": f"PEN-OWED-{i}",
                    "uscc": uscc(i),
                    "caseNo": f"CASE-OWED-{i}",
                    "severity": "SERIOUS",
                    "amountCny": "50000.00",
                    "decidedOn": today.isoformat(),
                    "publicUntil": add_months(today, 36).isoformat(),
                }
                for i in range(ENTERPRISES)
            ],
            created_at=system_clock(),
        )

        async def committed_and_blocked() -> bool:
            # the batch stored, its re-rating claimed, and a transaction waiting on the lock
            # (a waiting transaction alone does not say the re-rating was claimed)
            rows, _, _ = await ledger.execute_query(
                "MATCH (b:Batch {connector: 'samr-owed', recordType: 'penalty@1'}) "
                "OPTIONAL MATCH (e:OwedEffect {id: b.id + ':RERATE', state: 'CLAIMED'}) "
                "RETURN count(DISTINCT b) AS batches, count(e) AS claimed",
                database_=DATABASE,
            )
            blocked, _, _ = await ledger.execute_query(BLOCKED, database_=DATABASE)
            return bool(
                rows[0]["batches"] == 1 and rows[0]["claimed"] == 1 and blocked[0]["blocked"] > 0
            )

        async with ledger.session(database=DATABASE) as session:
            holder = await session.begin_transaction()
            await holder.run(CHANGES_LOCK_HEAD)  # the re-rating's changes wait on this
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                answer = pool.submit(push, penalised, samr_token)
                assert await eventually(committed_and_blocked, timeout_s=120), (
                    "the batch never committed with its re-rating waiting"
                )
                hub.kill()
                with pytest.raises(httpx.TransportError):
                    answer.result(timeout=60)  # no answer: the agency will resend
            await holder.rollback()
    finally:
        hub.kill()

    # the batch is stored, its re-rating is not: without the owed effects this stays so
    rows, _, _ = await ledger.execute_query(
        "MATCH (b:Batch {recordType: 'penalty@1'}) RETURN b.id AS id", database_=DATABASE
    )
    rerate_id = f"{rows[0]['id']}:RERATE"
    penalty_rerate = next(e for e in await owed(ledger) if e["id"] == rerate_id)
    dead_claimant = penalty_rerate["claimedBy"]
    assert penalty_rerate["state"] == "CLAIMED" and dead_claimant is not None
    assert set((await grades(ledger, usccs)).values()) == {"B"}
    assert [change for change in await rating_changes(ledger) if change[2] == "C"] == []

    hub.start()
    try:

        async def all_done() -> bool:
            return all(e["state"] == "DONE" for e in await owed(ledger))

        assert await eventually(all_done, timeout_s=120), await owed(ledger)
        assert await grades(ledger, usccs) == {u: "C" for u in usccs}
        # each downgrade announced exactly once
        downgrades = [c for c in await rating_changes(ledger) if c[1:] == ("B", "C")]
        assert sorted(downgrades) == [(u, "B", "C") for u in sorted(usccs)]
        finished = next(e for e in await owed(ledger) if e["id"] == rerate_id)
        assert finished["doneBy"] not in (None, dead_claimant)

        # the stored ratings are what a full recomputation gives: it writes nothing
        recomputer = CreditRecomputer(ledger, DATABASE, load_model(), load_joint_rules())
        report = await recomputer.recompute_all(today)
        assert (report.ratings_written, report.changes) == (0, 0)

        resent = push(penalised, samr_token)
        assert (resent.status_code, resent.json()["status"]) == (200, "ALREADY_APPLIED")
        assert len([c for c in await rating_changes(ledger) if c[1:] == ("B", "C")]) == ENTERPRISES
    finally:
        hub.kill()
