"""Re-rating after a batch takes the network stored by the day's last search, and only then.

A batch that changes no tie and no listing (`Reach.OWN`: a penalty here) re-rates its
enterprises with the network each one's last search stored as of the same day, instead of
searching again (`CreditRecomputer.rerate_batch`); a batch that changes a tie (`Reach.NETWORK`)
searches again for everything it reaches and stores what it finds, so the next batch of the
day takes the new network; a day later nothing stored is taken, so a list entry that expires
overnight stops counting. Each rating is held to the one a search from scratch gives on the
same graph and day: score, grade and every factor with its reason, evidence and path.

The zone, sent through the pipeline whose answer waits for the batch's re-rating:
enterprise 0 is on the abnormal operation list until tomorrow; person 0 represents 0 and 1;
1 and 2 share an address (2 is two hops from 0); 3 and 4 share another address, apart from
the rest until a batch ties 3 to 0.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from connector_kit import DATABASE, NOW, Agency, uscc
from neo4j import AsyncDriver

from connectors.pipeline import Pipeline, Status
from connectors.records.registry import RECORD_TYPES
from connectors.records.subjects import Reach
from graph_schema.identity import id_check_digit
from graph_schema.model import Department
from hub.credit import load_model
from hub.credit.engine import rate
from hub.credit.gather import gather_facts
from hub.credit.joint_rules import load_joint_rules
from hub.credit.rating_store import factor_dicts
from hub.credit.recompute import CreditRecomputer
from hub.effects import Drainer, effect_handlers
from hub.risk import RiskScanner, load_risk_rules

AS_OF = NOW.date()
TOMORROW = AS_OF + dt.timedelta(days=1)
PERSON = "4101021985031" + "0007"
PERSON += id_check_digit(PERSON)
TYPES = [
    "samr.enterprise@1",
    "samr.person@1",
    "samr.legal_representative@1",
    "samr.address@1",
    "samr.shareholding@1",
    "list.entry@1",
    "penalty@1",
]


class Day:
    """The re-rating's day, held by the test (the hub's clock, day by day)."""

    def __init__(self, day: dt.date) -> None:
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


async def hub(
    graph: AsyncDriver, agency: Callable[..., Any]
) -> tuple[Agency, Pipeline, CreditRecomputer, Day]:
    """The zone of the module doc, rated in full as of today."""
    samr: Agency = await agency("samr-reuse", Department.SAMR, TYPES)
    today = Day(AS_OF)
    recomputer = CreditRecomputer(
        graph, DATABASE, load_model(), load_joint_rules(), chunk_size=2, clock=today
    )
    scanner = RiskScanner(graph, DATABASE, load_risk_rules(), clock=today)
    drainer = Drainer(graph, DATABASE, effect_handlers(recomputer, scanner), clock=lambda: NOW)
    pipeline = Pipeline(
        graph, DATABASE, b"test-person-secret", clock=lambda: NOW, complete_effects=drainer.settle
    )
    zone: list[tuple[str, list[dict[str, Any]]]] = [
        (
            "samr.enterprise@1",
            [
                {
                    "uscc": uscc(i),
                    "name": f"Reuse Co. {i}",
                    "zone": "KAIFENG",
                    "registeredOn": "2020-01-01",
                    "status": "ACTIVE",
                }
                for i in range(5)
            ],
        ),
        ("samr.person@1", [{"idNumber": PERSON, "name": "Person 0"}]),
        (
            "list.entry@1",
            [
                {
                    "id": "LST-0",
                    "subject": {"uscc": uscc(0)},
                    "list": "ABNORMAL_OPERATION",
                    "listedOn": "2026-06-01",
                    "expiresOn": TOMORROW.isoformat(),
                    "reason": "not reachable at the registered address",
                    "basis": "SAMR interim measures on abnormal operation",
                }
            ],
        ),
        (
            "samr.legal_representative@1",
            [
                {"idNumber": PERSON, "uscc": uscc(i), "since": "2020-01-01", "until": None}
                for i in (0, 1)
            ],
        ),
        (
            "samr.address@1",
            [
                {"uscc": uscc(i), "address": address, "since": "2020-01-01"}
                for i, address in [
                    (1, "No. 1 Reuse Road, Kaifeng"),
                    (2, "No. 1 Reuse Road, Kaifeng"),
                    (3, "No. 2 Reuse Road, Kaifeng"),
                    (4, "No. 2 Reuse Road, Kaifeng"),
                ]
            ],
        ),
    ]
    for record_type, records in zone:
        await send(samr, pipeline, record_type, records)
    await recomputer.recompute_all(AS_OF)
    return samr, pipeline, recomputer, today


async def send(
    samr: Agency, pipeline: Pipeline, record_type: str, records: list[dict[str, Any]]
) -> None:
    outcome = await pipeline.ingest(samr.batch(record_type, records))
    assert outcome.status is Status.APPLIED, (record_type, outcome.problems)


def penalty(n: int, *owners: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"PEN-{n}-{i}",
            "uscc": uscc(i),
            "caseNo": f"REUSE-{n}-{i}",
            "severity": "GENERAL",
            "amountCny": "5000.00",
            "decidedOn": "2026-10-01",
            "publicUntil": "2027-10-01",
        }
        for i in owners
    ]


async def stored(graph: AsyncDriver, i: int) -> tuple[int, str, list[dict[str, Any]]]:
    """The current rating of enterprise `i`: score, grade, factors."""
    records, _, _ = await graph.execute_query(
        "MATCH (:Enterprise {uscc: $uscc})-[:CURRENT_RATING]->(r:Rating)"
        " RETURN r.score AS score, r.grade AS grade, r.factors AS factors",
        uscc=uscc(i),
        database_=DATABASE,
    )
    (record,) = records
    return record["score"], record["grade"], json.loads(record["factors"])


async def from_scratch(
    graph: AsyncDriver, recomputer: CreditRecomputer, i: int, day: dt.date
) -> tuple[int, str, list[dict[str, Any]]]:
    """The rating of enterprise `i` as of `day` with every fact, its network too, read anew."""
    facts = await gather_facts(graph, DATABASE, [uscc(i)], day, recomputer.model)
    rating = rate(recomputer.model, facts[uscc(i)])
    return rating.score, rating.grade, factor_dicts(rating)


def network(rating: tuple[int, str, list[dict[str, Any]]]) -> list[tuple[int, list[str]]]:
    """The network factors of a rating: points, and the relationships of each one's path."""
    return [
        (f["points"], [step["relationship"] for step in f["paths"][0]])
        for f in rating[2]
        if f["code"] == "NETWORK_RISK"
    ]


async def test_a_batch_that_changes_no_tie_rates_with_the_stored_networks(
    graph: AsyncDriver, agency: Callable[..., Any]
) -> None:
    samr, pipeline, recomputer, _ = await hub(graph, agency)

    await send(samr, pipeline, "penalty@1", penalty(1, 1, 2))

    report = recomputer.last_report
    assert report is not None and (report.enterprises, report.networks_reused) == (2, 2)
    for i in (1, 2):
        assert await stored(graph, i) == await from_scratch(graph, recomputer, i, AS_OF)
    assert network(await stored(graph, 1)) == [(-12, ["LEGAL_REPRESENTATIVE_OF"] * 2 + [None])]
    assert network(await stored(graph, 2)) == [
        (-6, ["REGISTERED_AT"] * 2 + ["LEGAL_REPRESENTATIVE_OF"] * 2 + [None])
    ]
    assert (await recomputer.recompute_all(AS_OF)).ratings_written == 0


async def test_a_tie_searches_again_what_it_reaches_and_the_next_batch_takes_that(
    graph: AsyncDriver, agency: Callable[..., Any]
) -> None:
    samr, pipeline, recomputer, _ = await hub(graph, agency)
    assert network(await stored(graph, 4)) == []

    # 0 holds 30% of 3: 3 is a hop from 0, and 4, which the batch does not name, two
    await send(
        samr,
        pipeline,
        "samr.shareholding@1",
        [{"holder": {"uscc": uscc(0)}, "uscc": uscc(3), "ratio": 0.3, "since": "2026-01-01"}],
    )
    report = recomputer.last_report
    assert report is not None and report.networks_reused == 0
    assert network(await stored(graph, 3)) == [(-12, ["SHAREHOLDER_OF", None])]
    assert network(await stored(graph, 4)) == [
        (-6, ["REGISTERED_AT", "REGISTERED_AT", "SHAREHOLDER_OF", None])
    ]

    await send(samr, pipeline, "penalty@1", penalty(2, 3, 4))
    report = recomputer.last_report
    assert report is not None and report.networks_reused == 2
    for i in (3, 4):
        assert await stored(graph, i) == await from_scratch(graph, recomputer, i, AS_OF)
    assert network(await stored(graph, 4)) == [
        (-6, ["REGISTERED_AT", "REGISTERED_AT", "SHAREHOLDER_OF", None])
    ]
    assert (await recomputer.recompute_all(AS_OF)).ratings_written == 0


async def test_a_network_stored_yesterday_is_searched_again(
    graph: AsyncDriver, agency: Callable[..., Any]
) -> None:
    samr, pipeline, recomputer, today = await hub(graph, agency)
    assert network(await stored(graph, 1)) != []

    today.day = TOMORROW  # the entry of 0 expires: from today it no longer applies
    await send(samr, pipeline, "penalty@1", penalty(3, 1))

    report = recomputer.last_report
    assert report is not None and (report.enterprises, report.networks_reused) == (1, 0)
    assert await stored(graph, 1) == await from_scratch(graph, recomputer, 1, TOMORROW)
    assert network(await stored(graph, 1)) == []


def test_only_a_batch_that_changes_no_tie_and_no_listing_takes_a_stored_network() -> None:
    """What the tests above rely on: the reach a record type declares decides (a penalty is
    `Reach.OWN`; a shareholding, an address and a list entry are `Reach.NETWORK`)."""
    reaches = {name: RECORD_TYPES[name].reach for name in TYPES}
    assert reaches["penalty@1"] is Reach.OWN
    assert {reaches[n] for n in ("samr.shareholding@1", "samr.address@1", "list.entry@1")} == {
        Reach.NETWORK
    }
