"""The demo zone `make run` seeds passes the consistency check (hub/credit/consistency.py): no
classifications that contradict each other, none outside the regime of its date, no early
repair, every enterprise, as of dates under each regime. It is also what a regulator would
recognise: classification mixes near published proportions, registered names in Chinese (with
English beside them) whose forms agree with the USCC's entity type, legacy organisation codes
before the USCC reform, Chinese addresses and case numbers, round fines.

The zone (2,000 enterprises, seed 42) is loaded with the benchmark's fast path, which builds
the same business graph as the signed seed (tests/test_seed.py checks that) and validates every
record with its connector model as the pipeline does; the records themselves are checked here
too, without a database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from graph_kit import DATABASE, hub_settings, wipe
from neo4j import AsyncDriver

from bench.fastload import fastload_zone
from connectors.records import RECORD_TYPES, validate_records
from connectors.records.models import ClassificationRecord
from graph_schema.model import Department
from graph_schema.uscc import validate_uscc
from graph_schema.uscc_tables import DIVISIONS
from hub.credit import load_model
from hub.credit.consistency import check
from hub.credit.engine import active_list_entries, effective_classifications
from hub.credit.facts import RatingFacts
from hub.credit.gather import gather_facts
from hub.seed import generate_zone, plan_batches
from hub.seed.providers import demo_providers

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


def held_on(scheme: str, on: str = "2026-11-01") -> Counter[str]:
    """How many enterprises hold each value of `scheme` on `on`."""
    return Counter(
        r["value"]
        for _, r in zone_records()["classification@1"]
        if r["scheme"] == scheme
        and r["effectiveFrom"] <= on
        and (r["effectiveTo"] is None or on < r["effectiveTo"])
    )


def test_classification_mixes_are_near_published_proportions() -> None:
    """GACC counted 3,236 advanced certified and 6,788 dishonest enterprises (May 2020) against
    some 540,000 that traded in the first half of 2023, more registered: AEO and customs
    dishonest each a fraction of a percent of the zone. Export-refund class 2 is the majority
    (SAT 2016 No. 46: 1 and 4 few, 3 for new exporters and some); tax grades mostly B, A a
    minority, D few (plausible proportions)."""
    on_file = len(zone_records()["samr.enterprise@1"])
    tiers = held_on("CUSTOMS_CREDIT")
    aeo = (tiers["ADVANCED_CERTIFIED"] + tiers["CERTIFIED"]) / on_file
    dishonest = (tiers["DISHONEST"] + tiers["SERIOUSLY_DISHONEST"]) / on_file
    assert 0.001 <= aeo <= 0.008
    assert 0 < dishonest <= 0.004
    refund = held_on("EXPORT_REFUND_CLASS")
    classed = sum(refund.values())
    assert refund["2"] / classed > 0.5
    assert refund["1"] / classed < 0.1 and refund["4"] / classed < 0.1
    assert 0 < refund["3"] < refund["2"]
    tax = held_on("TAX_CREDIT")
    assert tax.most_common(1)[0][0] == "B" and tax["B"] / on_file > 0.45
    assert tax["A"] / on_file < 0.25 and 0 < tax["D"] / on_file < 0.05


# --- names, codes, addresses and case numbers, as the registry and the departments write them --

CHINESE = re.compile(r"[\u4e00-\u9fff]")
COMPANY_FORMS = ("有限公司", "有限责任公司", "股份有限公司")
SHOP_FORMS = ("店", "商行", "经营部", "工作室", "经销部")
CITY_DIVISIONS = {"KAIFENG": "4102", "XINXIANG": "4107", "ZHENGZHOU": "4101"}


# the zone's providers (banks' branches, payment firms, carriers, operators: hub/seed/providers.py)
# are named and coded as they register, not as the zone's own enterprises; checked apart
PROVIDERS = 18
PROVIDER_USCCS = {p.uscc for p in demo_providers()}


def enterprises() -> list[dict[str, Any]]:
    """The zone's own enterprises, the providers left out."""
    return [r for _, r in zone_records()["samr.enterprise@1"] if r["uscc"] not in PROVIDER_USCCS]


def test_the_providers_are_companies_and_branches_registered_in_henan() -> None:
    providers = [r for _, r in zone_records()["samr.enterprise@1"] if r["uscc"] in PROVIDER_USCCS]
    assert len(providers) == PROVIDERS
    assert {r["zone"] for r in providers} == {"ZHENGZHOU"}
    for r in providers:
        assert r["uscc"][:2] == "91" and r["uscc"][2:4] == "41", r
        assert validate_uscc(r["uscc"]) == r["uscc"]
        assert DIVISIONS.name_of(r["uscc"][2:8]) is not None, r
        assert r["name"].endswith((*COMPANY_FORMS, "分行")), r
        assert CHINESE.search(r["name"]) and not CHINESE.search(r["nameEn"]), r
        assert not repeated_words(r["name"], r["nameEn"]), r
    names = [r["name"] for _, r in zone_records()["samr.enterprise@1"]]
    assert len(set(names)) == len(names)


def repeated_words(name: str, name_en: str) -> list[str]:
    """Two-character sequences that occur twice in the Chinese name, words twice in the English
    one ("Technology Technology")."""
    pairs = Counter(name[i : i + 2] for i in range(len(name) - 1))
    words = Counter(re.findall(r"[a-z]+", name_en.lower()))
    return [p for p, n in pairs.items() if n > 1] + [w for w, n in words.items() if n > 1]


def test_entity_forms_agree_with_the_codes() -> None:
    """GB 32100 under registration authority 9: 1 an enterprise (a company), 2 an individual
    business (a shop, no shareholders, its operator the legal representative, no officers), 3 a
    farmers' cooperative (专业合作社, no shareholders)."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for r in enterprises():
        assert r["uscc"][0] == "9", r
        by_type.setdefault(r["uscc"][1], []).append(r)
    assert set(by_type) == {"1", "2", "3"}
    assert len(by_type["1"]) > 1700 and 40 <= len(by_type["2"]) <= 150
    assert 20 <= len(by_type["3"]) <= 100
    for r in by_type["1"]:
        assert r["name"].endswith(COMPANY_FORMS), r
        assert r["nameEn"].endswith(("Co., Ltd.", "Corporation Limited")), r
    for r in by_type["2"]:
        assert r["name"].endswith(SHOP_FORMS) and "公司" not in r["name"], r
        assert "Co." not in r["nameEn"] and "Ltd" not in r["nameEn"], r
    for r in by_type["3"]:
        assert r["name"].endswith("专业合作社") and "公司" not in r["name"], r
        assert r["nameEn"].endswith("Professional Cooperative"), r
    others = {r["uscc"] for r in by_type["2"] + by_type["3"]}
    shares = [r for _, r in zone_records()["samr.shareholding@1"]]
    assert [r for r in shares if r["uscc"] in others] == []
    assert [r for r in shares if r["holder"].get("uscc") in others] == []
    assert any(r["uscc"] in {e["uscc"] for e in by_type["1"]} for r in shares)  # the twin
    shops = {r["uscc"] for r in by_type["2"]}
    represented = Counter(
        r["uscc"] for _, r in zone_records()["samr.legal_representative@1"] if r["uscc"] in shops
    )
    assert represented == Counter(shops)  # one operator each, never replaced
    officers = [r for _, r in zone_records()["samr.officer@1"]]
    assert [r for r in officers if r["uscc"] in shops] == []
    coops = {r["uscc"] for r in by_type["3"]}
    assert {r["role"] for r in officers if r["uscc"] in coops} == {"CHAIRMAN", "SUPERVISOR"}


def test_organisation_codes_are_legacy_before_the_reform_and_ma_after() -> None:
    """Characters 9-17: an enterprise or cooperative registered before 2015-10-01 kept its GB
    11714 code (eight digits and a check character); one registered since, and every individual
    business (no organisation code before the reform), has a post-reform "MA" code. Characters
    3-8 are a GB/T 2260 division of the zone's city."""
    legacy = post = 0
    for r in enterprises():
        uscc, kind = r["uscc"], r["uscc"][1]
        if kind != "2" and r["registeredOn"] < "2015-10-01":
            assert re.fullmatch(r"[0-9]{8}[0-9X]", uscc[8:17]), r
            legacy += 1
        else:
            assert uscc[8:10] == "MA", r
            post += 1
        division = uscc[2:8]
        assert division.startswith(CITY_DIVISIONS[r["zone"]]), r
        assert DIVISIONS.name_of(division) is not None, r
        # 长垣县 became 长垣市 in 2019: a code issued since carries 410783
        if division == "410728":
            assert r["registeredOn"] < "2019-10-31", r
        if division == "410783":
            assert r["registeredOn"] >= "2019-10-31", r
    assert legacy > 600 and post > 900
    assert {validate_uscc(r["uscc"]) for r in enterprises()} == {r["uscc"] for r in enterprises()}


def test_names_are_chinese_with_english_beside_them_and_repeat_no_word() -> None:
    names = [(r["name"], r["nameEn"]) for r in enterprises()]
    assert all(CHINESE.search(zh) and not CHINESE.search(en) for zh, en in names)
    assert [(zh, en) for zh, en in names if repeated_words(zh, en)] == []
    assert len({zh for zh, _ in names}) == len({en for _, en in names}) == len(names)
    # the twin: the check sees a repeated word
    assert repeated_words("开封市尚鼎科技科技有限公司", "Kaifeng Shangding Co., Ltd.") == ["科技"]
    assert repeated_words("开封市尚鼎有限公司", "Kaifeng Technology Technology Co., Ltd.") == [
        "technology"
    ]
    persons = [r["name"] for _, r in zone_records()["samr.person@1"]]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name) for name in persons)


def test_addresses_and_case_numbers_are_written_as_in_china() -> None:
    address = re.compile(
        r"河南省(开封市|新乡市|郑州市)[\u4e00-\u9fff]+?(区|县|市)[\u4e00-\u9fff]+?(路|大道|大街|干道)"
        r"[0-9]+号([\u4e00-\u9fff]+[0-9]+号楼[0-9]+室)?"
    )
    texts = [r["address"] for _, r in zone_records()["samr.address@1"]]
    assert [t for t in texts if not address.fullmatch(t)] == []
    year = r"\u3014(?P<year>20[0-9]{2})\u3015[1-9][0-9]*号"
    forms = {
        "CUSTOMS": "郑关缉违字" + year,
        "TAX": "(汴|新|郑)税稽罚" + year,
        "SAMR": "(汴|新|郑)市监罚字" + year,
        "SAFE": "豫汇检罚" + year,
        "COMMERCE": "(汴|新|郑)商务罚" + year,
    }
    penalties = zone_records()["penalty@1"]
    assert {department for department, _ in penalties} == set(forms)
    for department, r in penalties:
        matched = re.fullmatch(forms[department], r["caseNo"])
        assert matched and matched["year"] == r["decidedOn"][:4], r
    numbers = Counter(r["caseNo"] for _, r in penalties)
    assert numbers.most_common(1)[0][1] == 1  # no number given twice
    court = re.compile(r"\uff08(20[0-9]{2})\uff09豫(0[0-9]{3})执[1-9][0-9]*号$")
    debtors = [
        r for _, r in zone_records()["list.entry@1"] if r["list"] == "COURT_DISHONEST_DEBTOR"
    ]
    assert debtors and all(court.search(r["reason"]) for r in debtors)


def test_fines_are_round_amounts() -> None:
    """A decision states its fine in round yuan: hundreds for minor ones, thousands above."""
    fines = [(r["severity"], Decimal(r["amountCny"])) for _, r in zone_records()["penalty@1"]]
    assert {severity for severity, _ in fines} == {"MINOR", "GENERAL", "SERIOUS"}
    for severity, amount in fines:
        step = 100 if severity == "MINOR" else 1000
        assert amount >= 500 and amount % step == 0, (severity, amount)


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
    assert len(usccs) == ENTERPRISES + PROVIDERS
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
        assert len(every) == ENTERPRISES + PROVIDERS
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
