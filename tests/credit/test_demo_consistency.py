"""The demo zone `make run` seeds passes the consistency check (hub/credit/consistency.py): no
classifications that contradict each other, none outside the regime of its date, no early
repair, every enterprise, as of dates under each regime.

The zone (2,000 enterprises, seed 42) is loaded with the benchmark's fast path, which builds
the same business graph as the signed seed (tests/test_seed.py checks that) and validates every
record with its connector model as the pipeline does; the records themselves are checked here
too, without a database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import cache
from typing import Any

import pytest
from graph_kit import DATABASE, hub_settings, wipe
from neo4j import AsyncDriver

from bench.fastload import fastload_zone
from connectors.records import RECORD_TYPES, validate_records
from connectors.records.models import ClassificationRecord
from graph_schema.model import Department
from hub.credit import load_model
from hub.credit.consistency import check
from hub.credit.engine import active_list_entries, effective_classifications
from hub.credit.facts import RatingFacts
from hub.credit.gather import gather_facts
from hub.seed import generate_zone, plan_batches

SETTINGS = hub_settings()
ENTERPRISES, SEED = SETTINGS.demo_enterprises, SETTINGS.demo_seed
DATES = (dt.date(2025, 1, 1), dt.date(2026, 6, 1), dt.date(2026, 11, 1))
BATCH = 500


@cache
def zone_records() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """The demo zone's records by type, each with the department that sends it."""
    records: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for chunk in generate_zone(ENTERPRISES, SEED):
        for batch in plan_batches(chunk, SEED, ENTERPRISES):
            sent = records.setdefault(batch.record_type, [])
            sent += [(batch.department.value, r) for r in batch.records]
    return records


def test_every_demo_classification_is_a_valid_record_of_its_date() -> None:
    classifications = zone_records()["classification@1"]
    for _, record in classifications:
        ClassificationRecord.model_validate(record)  # refuses a value outside its regime
    for department in {department for department, _ in classifications}:
        records = [r for sender, r in classifications if sender == department]
        _, errors = validate_records(
            RECORD_TYPES["classification@1"], records, Department(department)
        )
        assert errors == [], (department, errors[:3])
    first = {
        scheme: min(r["effectiveFrom"] for _, r in classifications if r["scheme"] == scheme)
        for scheme in ("CUSTOMS_CREDIT", "TAX_CREDIT")
    }
    assert first["CUSTOMS_CREDIT"] >= "2021-11-01" and first["TAX_CREDIT"] >= "2018-04-01"
    order_282 = [
        r["effectiveFrom"]
        for _, r in classifications
        if r["value"] in ("CERTIFIED", "SERIOUSLY_DISHONEST")
    ]
    assert order_282 and min(order_282) >= "2026-04-01"


def test_each_customs_dishonest_listing_cites_the_order_of_its_day() -> None:
    listings = [
        (department, r)
        for department, r in zone_records()["list.entry@1"]
        if r["list"] == "CUSTOMS_DISHONEST"
    ]
    assert {department for department, _ in listings} == {"CUSTOMS"}
    cited = Counter(
        ("251" if r["listedOn"] < "2026-04-01" else "282", "GACC Order 282" in r["basis"])
        for _, r in listings
    )
    assert cited["251", True] == cited["282", False] == 0
    assert cited["251", False] > 0 and cited["282", True] > 0
    assert all("GACC Order 251" in r["basis"] for _, r in listings if r["listedOn"] < "2026-04-01")


def test_customs_tiers_are_in_plausible_proportions() -> None:
    traders = {r["uscc"] for _, r in zone_records()["classification@1"]
               if r["scheme"] == "CUSTOMS_CREDIT"}  # fmt: skip
    on = "2026-11-01"
    tiers = Counter(
        r["value"]
        for _, r in zone_records()["classification@1"]
        if r["scheme"] == "CUSTOMS_CREDIT"
        and r["effectiveFrom"] <= on
        and (r["effectiveTo"] is None or on < r["effectiveTo"])
    )
    aeo = (tiers["ADVANCED_CERTIFIED"] + tiers["CERTIFIED"]) / len(traders)
    dishonest = (tiers["DISHONEST"] + tiers["SERIOUSLY_DISHONEST"]) / len(traders)
    assert 0.005 <= aeo <= 0.02
    assert 0 < dishonest < 0.01


@pytest.fixture(scope="module")
async def demo_facts(driver: AsyncDriver) -> dict[dt.date, list[RatingFacts]]:
    """The demo zone loaded as `make run` seeds it, and every enterprise's facts at DATES."""
    await wipe(driver)
    await fastload_zone(
        driver, DATABASE, person_secret=b"demo-consistency", enterprises=ENTERPRISES, seed=SEED
    )
    records, _, _ = await driver.execute_query(
        "MATCH (e:Enterprise) RETURN e.uscc AS uscc ORDER BY uscc", database_=DATABASE
    )
    usccs = [r["uscc"] for r in records]
    assert len(usccs) == ENTERPRISES
    model = load_model()
    gathered: dict[dt.date, list[RatingFacts]] = {}
    for day in DATES:
        gathered[day] = []
        for start in range(0, len(usccs), BATCH):
            found = await gather_facts(driver, DATABASE, usccs[start : start + BATCH], day, model)
            gathered[day] += found.values()
    return gathered


async def test_the_demo_zone_has_no_data_quality_finding(
    demo_facts: dict[dt.date, list[RatingFacts]],
) -> None:
    for day, every in demo_facts.items():
        assert len(every) == ENTERPRISES
        findings = [(f.uscc, x.rule, x.detail) for f in every for x in check(f)]
        assert findings == [], f"{day}: {len(findings)} findings, first {findings[:5]}"


async def test_each_rule_of_the_check_has_cases_in_the_demo_zone(
    demo_facts: dict[dt.date, list[RatingFacts]],
) -> None:
    """The twin of the clean check: the zone holds what each rule is about, so a clean
    answer says something."""
    seen: Counter[str] = Counter()
    for every in demo_facts.values():
        for f in every:
            held = {s: c.value for s, c in effective_classifications(f).items()}
            lists = {e.list for e in active_list_entries(f)}
            refund = held.get("EXPORT_REFUND_CLASS")
            if refund is not None and held.get("TAX_CREDIT") == "D":
                seen["tax D with a refund class"] += 1
            if held.get("CUSTOMS_CREDIT") in ("DISHONEST", "SERIOUSLY_DISHONEST"):
                seen["customs dishonest tier"] += 1
            if refund is not None and held.get("SAFE_GOODS_TRADE") == "C":
                seen["SAFE C with a refund class"] += 1
            if "TAX_MAJOR_VIOLATION" in lists:
                seen["major tax violation listed"] += 1
            if refund == "1" and f.first_export_on is not None:
                seen["refund class 1 of an exporter"] += 1
            if any(p.repaired_on is not None for p in f.penalties):
                seen["repaired penalty"] += 1
    assert set(seen) == {
        "tax D with a refund class",
        "customs dishonest tier",
        "SAFE C with a refund class",
        "major tax violation listed",
        "refund class 1 of an exporter",
        "repaired penalty",
    }, seen
