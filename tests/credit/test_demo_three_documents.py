"""The demo zone `make run` seeds has sellers the three-document check has something to say
about: a plausible few with the 20 orders of the last 12 months the rating's ORDER_MATCH factor
needs, and among them a few whose documents disagree with their inventory lists on 25% of
orders or more, for whom the risk scan raises DOCUMENT_MISMATCH.

The zone (the demo's enterprises and seed) is loaded with the benchmark's fast path, which
builds the graph the signed seed builds (tests/test_seed.py checks that); the rating and the
scan then read it as the hub does, on the demo's today.
"""

from __future__ import annotations

import pytest
from graph_kit import DATABASE, hub_settings, wipe
from neo4j import AsyncDriver

from bench.fastload import fastload_zone
from hub.credit import load_model
from hub.credit.engine import rate
from hub.credit.gather import gather_facts
from hub.risk import RiskScanner, load_risk_rules
from hub.seed import DEFAULT_TODAY

SETTINGS = hub_settings()
ENTERPRISES, SEED = SETTINGS.demo_enterprises, SETTINGS.demo_seed
BATCH = 500


@pytest.fixture(scope="module")
async def demo_zone(driver: AsyncDriver) -> list[str]:
    """The demo zone loaded as `make run` seeds it; its enterprises' USCCs."""
    await wipe(driver)
    await fastload_zone(
        driver, DATABASE, person_secret=b"demo-documents", enterprises=ENTERPRISES, seed=SEED
    )
    records, _, _ = await driver.execute_query(
        "MATCH (e:Enterprise) RETURN e.uscc AS uscc ORDER BY uscc", database_=DATABASE
    )
    return [r["uscc"] for r in records]


async def test_a_few_demo_sellers_are_judged_on_their_three_documents(
    driver: AsyncDriver, demo_zone: list[str]
) -> None:
    model = load_model()
    sellers = judged = 0
    points: list[int] = []
    for start in range(0, len(demo_zone), BATCH):
        found = await gather_facts(
            driver, DATABASE, demo_zone[start : start + BATCH], DEFAULT_TODAY, model
        )
        for facts in found.values():
            sellers += bool(facts.orders)
            factors = [f for f in rate(model, facts).factors if f.code == "ORDER_MATCH"]
            judged += bool(factors)
            points += [f.points for f in factors]
    # ORDER_MATCH applies to a plausible few sellers (1% to 4%), not none and not most
    assert 0.01 <= judged / sellers <= 0.04, (judged, sellers)
    # most of them match well (0 or +3), a few under 75% lose the full 20 points
    assert set(points) >= {0, -20} and sum(p >= 0 for p in points) > len(points) / 2


async def test_the_risk_scan_finds_a_few_demo_sellers_whose_documents_disagree(
    driver: AsyncDriver, demo_zone: list[str]
) -> None:
    rules = load_risk_rules()
    scanner = RiskScanner(driver, DATABASE, rules, clock=lambda: DEFAULT_TODAY)
    report = await scanner.scan_all(DEFAULT_TODAY)
    alerted = report.by_kind.get("DOCUMENT_MISMATCH", 0)
    assert 2 <= alerted <= 10, report.by_kind
    records, _, _ = await driver.execute_query(
        "MATCH (a:RiskAlert {kind: 'DOCUMENT_MISMATCH'}) RETURN size(a.evidence) AS unmatched",
        database_=DATABASE,
    )
    assert len(records) == alerted
    # each names at least 5 unmatched orders (25% of the 20 orders the alert needs at least)
    assert all(r["unmatched"] >= 5 for r in records)
