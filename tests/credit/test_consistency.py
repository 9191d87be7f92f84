"""The consistency checker (hub/credit/consistency.py) on hand-built facts, each rule with a
finding and its clean twin; the rules file refused when it is wrong; and the findings in the
API (`CreditProfile.dataQualityFindings`), each refusal with its allowed twin."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import httpx
import pytest
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc
from hub.credit.consistency import (
    DEFAULT_CONSISTENCY_PATH,
    ConsistencyError,
    Finding,
    check,
    consistency_rules_from_data,
    load_consistency_rules,
)
from hub.credit.facts import ClassificationFact, ListEntryFact, PenaltyFact, RatingFacts

REFUND_MEASURES = "出口退\uff08免\uff09税企业分类管理办法"  # fullwidth brackets, as in its title
DEPARTMENT = {
    "TAX_CREDIT": "TAX",
    "EXPORT_REFUND_CLASS": "TAX",
    "CUSTOMS_CREDIT": "CUSTOMS",
    "SAFE_GOODS_TRADE": "SAFE",
}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def cls(
    id_: str, scheme: str, value: str, start: str, end: str | None = None
) -> ClassificationFact:
    return ClassificationFact(
        id=id_,
        department=DEPARTMENT[scheme],
        scheme=scheme,
        value=value,
        effective_from=d(start),
        effective_to=None if end is None else d(end),
    )


def entry(
    id_: str,
    kind: str,
    department: str,
    listed: str,
    expires: str | None = None,
    removed: str | None = None,
) -> ListEntryFact:
    return ListEntryFact(
        id=id_,
        list=kind,
        department=department,
        listed_on=d(listed),
        expires_on=None if expires is None else d(expires),
        removed_on=None if removed is None else d(removed),
    )


def facts(
    as_of: str = "2026-06-01",
    *,
    classifications: tuple[ClassificationFact, ...] = (),
    entries: tuple[ListEntryFact, ...] = (),
    penalties: tuple[PenaltyFact, ...] = (),
    first_export: str | None = None,
) -> RatingFacts:
    return RatingFacts(
        uscc="91410200MA00000001",
        as_of=d(as_of),
        registered_on=d("2015-01-01"),
        classifications=classifications,
        list_entries=entries,
        penalties=penalties,
        first_export_on=None if first_export is None else d(first_export),
    )


def found(f: RatingFacts) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each finding as (rule, department, evidence)."""
    return [(x.rule, x.department.value, x.evidence) for x in check(f)]


# --- export-refund class 4 ---------------------------------------------------------------------


def test_tax_d_with_refund_class_2_is_found_for_tax_and_class_4_is_clean() -> None:
    tax_d = cls("T1", "TAX_CREDIT", "D", "2026-04-01")
    wrong = facts(classifications=(tax_d, cls("R1", "EXPORT_REFUND_CLASS", "2", "2025-06-01")))
    [finding] = check(wrong)
    assert finding == Finding(
        rule="REFUND_CLASS_4_FOR_TAX_D",
        department=finding.department,
        message="an enterprise of tax credit grade D is in export-refund class 4",
        detail="TAX_CREDIT D (T1, from 2026-04-01) but EXPORT_REFUND_CLASS 2 (R1, from "
        "2025-06-01) on 2026-06-01",
        evidence=("T1", "R1"),
        basis=f"{REFUND_MEASURES} (SAT Announcement 2016 No. 46): class 4 includes "
        "enterprises of tax credit grade D (article not confirmed)",
    )
    assert finding.department.value == "TAX"
    clean = facts(classifications=(tax_d, cls("R1", "EXPORT_REFUND_CLASS", "4", "2026-04-01")))
    assert found(clean) == []


def test_the_class_is_judged_at_the_date_and_only_where_there_is_one() -> None:
    both = (
        cls("T1", "TAX_CREDIT", "D", "2026-04-01"),
        cls("R1", "EXPORT_REFUND_CLASS", "2", "2025-06-01"),
    )
    assert found(facts("2026-03-31", classifications=both)) == []  # the D not yet in effect
    assert found(facts("2026-04-01", classifications=both)) == [
        ("REFUND_CLASS_4_FOR_TAX_D", "TAX", ("T1", "R1"))
    ]
    no_refund_class = facts(classifications=(cls("T1", "TAX_CREDIT", "D", "2026-04-01"),))
    assert found(no_refund_class) == []


def test_a_customs_dishonest_tier_asks_for_refund_class_4() -> None:
    listed = entry("L1", "CUSTOMS_DISHONEST", "CUSTOMS", "2026-05-01", expires="2028-05-01")
    tier = cls("C1", "CUSTOMS_CREDIT", "SERIOUSLY_DISHONEST", "2026-05-01")
    wrong = facts(
        classifications=(tier, cls("R1", "EXPORT_REFUND_CLASS", "3", "2025-06-01")),
        entries=(listed,),
    )
    assert found(wrong) == [("REFUND_CLASS_4_FOR_CUSTOMS_DISHONEST", "TAX", ("C1", "R1"))]
    clean = facts(
        classifications=(tier, cls("R1", "EXPORT_REFUND_CLASS", "4", "2026-05-01")),
        entries=(listed,),
    )
    assert found(clean) == []


def test_safe_class_c_asks_for_refund_class_4() -> None:
    safe_c = cls("S1", "SAFE_GOODS_TRADE", "C", "2025-03-01")
    wrong = facts(classifications=(safe_c, cls("R1", "EXPORT_REFUND_CLASS", "1", "2024-01-01")))
    assert found(wrong) == [("REFUND_CLASS_4_FOR_SAFE_C", "TAX", ("S1", "R1"))]
    safe_b = cls("S1", "SAFE_GOODS_TRADE", "B", "2025-03-01")
    clean = facts(classifications=(safe_b, cls("R1", "EXPORT_REFUND_CLASS", "1", "2024-01-01")))
    assert found(clean) == []


# --- the customs dishonest tier and its list ---------------------------------------------------


def test_a_customs_dishonest_tier_unpublished_is_found_for_customs() -> None:
    tier = cls("C1", "CUSTOMS_CREDIT", "DISHONEST", "2025-02-01")
    assert found(facts(classifications=(tier,))) == [
        ("CUSTOMS_DISHONEST_TIER_IS_PUBLISHED", "CUSTOMS", ("C1",))
    ]
    [finding] = check(facts(classifications=(tier,)))
    assert finding.detail == (
        "CUSTOMS_CREDIT DISHONEST (C1, from 2025-02-01) but no CUSTOMS_DISHONEST entry by "
        "CUSTOMS in force on 2026-06-01"
    )
    published = entry("L1", "CUSTOMS_DISHONEST", "CUSTOMS", "2025-02-01", expires="2027-02-01")
    assert found(facts(classifications=(tier,), entries=(published,))) == []


def test_a_customs_listing_no_longer_in_force_or_sent_by_another_does_not_publish() -> None:
    tier = cls("C1", "CUSTOMS_CREDIT", "DISHONEST", "2025-02-01")
    expired = entry("L1", "CUSTOMS_DISHONEST", "CUSTOMS", "2024-02-01", expires="2026-02-01")
    by_samr = entry("L2", "CUSTOMS_DISHONEST", "SAMR", "2025-02-01")
    for listed in (expired, by_samr):
        assert found(facts(classifications=(tier,), entries=(listed,)))[0] == (
            "CUSTOMS_DISHONEST_TIER_IS_PUBLISHED",
            "CUSTOMS",
            ("C1",),
        )


def test_a_customs_listing_with_a_routine_tier_is_found() -> None:
    listed = entry("L1", "CUSTOMS_DISHONEST", "CUSTOMS", "2025-02-01", expires="2027-02-01")
    routine = cls("C1", "CUSTOMS_CREDIT", "ROUTINE", "2024-06-01")
    assert found(facts(classifications=(routine,), entries=(listed,))) == [
        ("CUSTOMS_DISHONEST_LIST_HAS_THE_TIER", "CUSTOMS", ("L1", "C1"))
    ]
    removed = entry("L1", "CUSTOMS_DISHONEST", "CUSTOMS", "2025-02-01", removed="2026-01-10")
    assert found(facts(classifications=(routine,), entries=(removed,))) == []
    assert found(facts(entries=(listed,))) == []  # no tier at all: nothing contradicts it


def test_a_safe_class_c_entry_asks_for_class_c() -> None:
    listed = entry("L1", "SAFE_CLASS_C", "SAFE", "2025-06-01", expires="2026-06-01")
    safe_a = cls("S1", "SAFE_GOODS_TRADE", "A", "2024-01-01")
    assert found(facts("2026-05-31", classifications=(safe_a,), entries=(listed,))) == [
        ("SAFE_CLASS_C_LIST_HAS_THE_CLASS", "SAFE", ("L1", "S1"))
    ]
    assert found(facts("2026-06-01", classifications=(safe_a,), entries=(listed,))) == []


def test_a_major_tax_violation_asks_for_tax_grade_d() -> None:
    listed = entry("L1", "TAX_MAJOR_VIOLATION", "TAX", "2025-09-01")
    grade_b = cls("T1", "TAX_CREDIT", "B", "2025-04-01")
    assert found(facts(classifications=(grade_b,), entries=(listed,))) == [
        ("TAX_MAJOR_VIOLATION_IS_GRADE_D", "TAX", ("L1", "T1"))
    ]
    grade_d = cls("T2", "TAX_CREDIT", "D", "2025-09-01")
    assert found(facts(classifications=(grade_b, grade_d), entries=(listed,))) == []


# --- new exporters, regimes and repairs ------------------------------------------------------


def test_refund_class_1_within_a_year_of_the_first_export_is_found() -> None:
    class_1 = cls("R1", "EXPORT_REFUND_CLASS", "1", "2026-03-01")
    [finding] = check(facts(classifications=(class_1,), first_export="2025-06-15"))
    assert (finding.rule, finding.department.value, finding.evidence) == (
        "NEW_EXPORTER_REFUND_CLASS_3",
        "TAX",
        ("R1",),
    )
    assert finding.detail == (
        "EXPORT_REFUND_CLASS 1 (R1, from 2026-03-01) though the first export was on "
        "2025-06-15: class 1 only from 2026-06-15"
    )
    assert found(facts(classifications=(class_1,), first_export="2025-03-01")) == []
    assert found(facts(classifications=(class_1,), first_export=None)) == []
    class_3 = cls("R1", "EXPORT_REFUND_CLASS", "3", "2026-03-01")
    assert found(facts(classifications=(class_3,), first_export="2025-06-15")) == []
    # class 2 is for exporters past their first year too (new exporters are class 3)
    class_2 = cls("R2", "EXPORT_REFUND_CLASS", "2", "2026-03-01")
    assert found(facts(classifications=(class_2,), first_export="2025-06-15")) == [
        ("NEW_EXPORTER_REFUND_CLASS_3", "TAX", ("R2",))
    ]
    assert found(facts(classifications=(class_2,), first_export="2025-03-01")) == []


def test_a_tier_order_282_created_dated_before_it_is_found_for_its_department() -> None:
    early = cls("C1", "CUSTOMS_CREDIT", "CERTIFIED", "2025-06-01", end="2026-04-01")
    [finding] = check(facts(classifications=(early,)))
    assert (finding.rule, finding.department.value, finding.evidence) == (
        "CLASSIFICATION_VALUE_OF_ITS_REGIME",
        "CUSTOMS",
        ("C1",),
    )
    assert finding.detail == (
        "C1: 'CERTIFIED' is not a value of scheme CUSTOMS_CREDIT on 2025-06-01: "
        "海关注册登记和备案企业信用管理办法 (GACC Order 251) allows ADVANCED_CERTIFIED, ROUTINE, "
        "DISHONEST; it exists under GACC_ORDER_282 (from 2026-04-01)"
    )
    in_time = cls("C1", "CUSTOMS_CREDIT", "CERTIFIED", "2026-04-01")
    assert found(facts(classifications=(in_time,))) == []


def test_a_classification_before_its_first_regime_is_found() -> None:
    for early, first in (
        (cls("T1", "TAX_CREDIT", "B", "2014-09-30"), cls("T1", "TAX_CREDIT", "B", "2014-10-01")),
        (
            cls("C1", "CUSTOMS_CREDIT", "ROUTINE", "2021-10-31"),
            cls("C1", "CUSTOMS_CREDIT", "ROUTINE", "2021-11-01"),
        ),
    ):
        assert found(facts(classifications=(early,))) == [
            ("CLASSIFICATION_VALUE_OF_ITS_REGIME", DEPARTMENT[early.scheme], (early.id,))
        ]
        assert found(facts(classifications=(first,))) == []


def penalty(severity: str, decided: str, repaired: str) -> PenaltyFact:
    return PenaltyFact(
        id="P1",
        department="SAMR",
        severity=severity,
        decided_on=d(decided),
        repaired_on=d(repaired),
    )


def test_a_repair_before_the_minimum_publicity_is_found_for_the_deciding_department() -> None:
    # Order 36 (decisions from 2026-04-01): a serious penalty is public for a year at least
    early = facts("2027-06-01", penalties=(penalty("SERIOUS", "2026-05-01", "2026-06-01"),))
    [finding] = check(early)
    assert (finding.rule, finding.department.value, finding.evidence) == (
        "REPAIR_AFTER_MINIMUM_PUBLICITY",
        "SAMR",
        ("P1",),
    )
    assert "may be repaired from 2027-05-01" in finding.detail
    in_time = facts("2027-06-01", penalties=(penalty("SERIOUS", "2026-05-01", "2027-05-01"),))
    assert found(in_time) == []
    # the 2023 measures (decisions before 2026-04-01): three months for a general penalty
    general = facts(penalties=(penalty("GENERAL", "2025-01-10", "2025-04-09"),))
    assert found(general) == [("REPAIR_AFTER_MINIMUM_PUBLICITY", "SAMR", ("P1",))]
    assert found(facts(penalties=(penalty("GENERAL", "2025-01-10", "2025-04-10"),))) == []


# --- the rules file ----------------------------------------------------------------------------


def packaged() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_CONSISTENCY_PATH.read_text(encoding="utf-8"))
    return data


def test_the_packaged_rules_name_a_department_a_message_and_a_basis() -> None:
    rules = load_consistency_rules()
    assert rules.version == "2026.1"
    assert [r.id for r in rules.rules] == [
        "REFUND_CLASS_4_FOR_TAX_D",
        "REFUND_CLASS_4_FOR_CUSTOMS_DISHONEST",
        "REFUND_CLASS_4_FOR_SAFE_C",
        "CUSTOMS_DISHONEST_TIER_IS_PUBLISHED",
        "CUSTOMS_DISHONEST_LIST_HAS_THE_TIER",
        "SAFE_CLASS_C_LIST_HAS_THE_CLASS",
        "TAX_MAJOR_VIOLATION_IS_GRADE_D",
        "NEW_EXPORTER_REFUND_CLASS_3",
        "CLASSIFICATION_VALUE_OF_ITS_REGIME",
        "REPAIR_AFTER_MINIMUM_PUBLICITY",
    ]
    assert all(r.message and r.basis for r in rules.rules)


def test_a_value_no_regime_ever_had_is_refused() -> None:
    data = packaged()
    data["rules"][0]["then"]["values"] = ["5"]
    with pytest.raises(ConsistencyError, match=r"5: never a value of scheme EXPORT_REFUND_CLASS"):
        consistency_rules_from_data(data)
    consistency_rules_from_data(packaged())  # the twin: as packaged, it loads


def test_a_rule_owned_by_a_department_that_cannot_fix_it_is_refused() -> None:
    data = packaged()
    data["rules"][0]["department"] = "CUSTOMS"
    with pytest.raises(
        ConsistencyError,
        match="REFUND_CLASS_4_FOR_TAX_D: TAX classifies under EXPORT_REFUND_CLASS and must fix "
        "it, not CUSTOMS",
    ):
        consistency_rules_from_data(data)


def test_a_repeated_id_and_an_unknown_kind_are_refused() -> None:
    data = packaged()
    data["rules"][1]["id"] = data["rules"][0]["id"]
    with pytest.raises(ConsistencyError, match="id REFUND_CLASS_4_FOR_TAX_D appears twice"):
        consistency_rules_from_data(data)
    data = copy.deepcopy(packaged())
    data["rules"][0]["kind"] = "CLASSIFICATION_IMPLIES_CLASS"
    with pytest.raises(ConsistencyError, match="CLASSIFICATION_IMPLIES_CLASS"):
        consistency_rules_from_data(data, "test-rules.json")


# --- the findings in the API -------------------------------------------------------------------

USCC = make_uscc("9", "1", "410200", "DQ000001")
OTHER = make_uscc("9", "1", "410200", "DQ000002")
BANK = "bank-of-zhengzhou"
QUERY = """query($u: String!, $dep: Department) {
  creditProfile(uscc: $u, asOf: "2026-06-01") {
    uscc dataQualityFindings(department: $dep) { rule department detail evidence basis }
  }
}"""
TAX_D = "REFUND_CLASS_4_FOR_TAX_D"
TAX_DISHONEST = "REFUND_CLASS_4_FOR_CUSTOMS_DISHONEST"
CUSTOMS_UNLISTED = "CUSTOMS_DISHONEST_TIER_IS_PUBLISHED"


async def build(driver: AsyncDriver) -> None:
    """USCC: tax D and customs dishonest, yet refund class 2 (two findings for TAX) and on no
    customs list (one for CUSTOMS); a bank holds its consent covering credit:read."""
    await driver.execute_query(
        """
        UNWIND [$u, $other] AS uscc
        CREATE (:Enterprise {uscc: uscc, name: 'Findings Co. ' + uscc, zone: 'KAIFENG',
                             status: 'ACTIVE', registeredOn: date('2015-01-01')})
        WITH count(*) AS done
        MATCH (e:Enterprise {uscc: $u})
        CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'DQ-TAX', department: 'TAX',
               scheme: 'TAX_CREDIT', value: 'D', effectiveFrom: date('2026-04-01')})
        CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'DQ-REF', department: 'TAX',
               scheme: 'EXPORT_REFUND_CLASS', value: '2', effectiveFrom: date('2025-06-01')})
        CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'DQ-CUS', department: 'CUSTOMS',
               scheme: 'CUSTOMS_CREDIT', value: 'DISHONEST', effectiveFrom: date('2025-02-01')})
        CREATE (e)-[:CONSENTED]->(:Consent {id: 'DQ-C1', institution: $bank,
               scopes: ['enterprise:read', 'credit:read'], purpose: 'WORKING_CAPITAL',
               grantedAt: datetime('2026-01-01T00:00:00Z'),
               expiresAt: datetime('2099-01-01T00:00:00Z')})
        """,
        u=USCC,
        other=OTHER,
        bank=BANK,
        database_=DATABASE,
    )


async def ask(hub_url: str, token: str, department: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "data quality review"}
    variables = {"u": USCC, "dep": department}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        response = await client.post("/graphql", json={"query": QUERY, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


def rules_of(body: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in body["data"]["creditProfile"]["dataQualityFindings"]]


async def test_each_department_sees_the_findings_it_must_fix(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    tax = await ask(hub_url, await token_for(hub_url, graph, "tax"))
    assert rules_of(tax) == [TAX_D, TAX_DISHONEST]
    [first, _] = tax["data"]["creditProfile"]["dataQualityFindings"]
    assert first == {
        "rule": TAX_D,
        "department": "TAX",
        "detail": "TAX_CREDIT D (DQ-TAX, from 2026-04-01) but EXPORT_REFUND_CLASS 2 (DQ-REF, "
        "from 2025-06-01) on 2026-06-01",
        "evidence": ["DQ-TAX", "DQ-REF"],
        "basis": f"{REFUND_MEASURES} (SAT Announcement 2016 No. 46): class 4 "
        "includes enterprises of tax credit grade D (article not confirmed)",
    }
    # customs sees its own finding and not the tax bureau's; SAFE has none to fix
    assert rules_of(await ask(hub_url, await token_for(hub_url, graph, "customs"))) == [
        CUSTOMS_UNLISTED
    ]
    assert rules_of(await ask(hub_url, await token_for(hub_url, graph, "safe"))) == []
    # a department asking for another's findings gets none of them; the twin: its own
    tax_token = await token_for(hub_url, graph, "tax")
    assert rules_of(await ask(hub_url, tax_token, "CUSTOMS")) == []
    assert rules_of(await ask(hub_url, tax_token, "TAX")) == [TAX_D, TAX_DISHONEST]


async def test_a_supervisor_sees_every_finding_and_the_enterprise_its_own(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    regulator = await token_for(hub_url, graph, "regulator")
    assert rules_of(await ask(hub_url, regulator)) == [TAX_D, TAX_DISHONEST, CUSTOMS_UNLISTED]
    assert rules_of(await ask(hub_url, regulator, "CUSTOMS")) == [CUSTOMS_UNLISTED]
    own = await token_for(hub_url, graph, "enterprise", institution=USCC)
    assert rules_of(await ask(hub_url, own)) == [TAX_D, TAX_DISHONEST, CUSTOMS_UNLISTED]
    # another enterprise does not see this one's profile at all
    other = await token_for(hub_url, graph, "enterprise", institution=OTHER)
    assert await ask(hub_url, other) == {"data": {"creditProfile": None}}


async def test_lenders_and_the_public_see_no_finding(graph: AsyncDriver, hub_url: str) -> None:
    await build(graph)
    # a bank under a consent reads the profile, but the findings need credit:explain
    bank = await ask(hub_url, await token_for(hub_url, graph, "bank", institution=BANK))
    assert bank["data"]["creditProfile"] == {"uscc": USCC, "dataQualityFindings": None}
    [error] = bank["errors"]
    assert error["path"] == ["creditProfile", "dataQualityFindings"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["scopes"] == ["credit:explain"]
    # even granted credit:explain, a lender is no department and no supervisor: none
    explaining = await token_for(
        hub_url,
        graph,
        "bank",
        institution=BANK,
        scopes=["enterprise:read", "credit:read", "credit:explain"],
    )
    assert rules_of(await ask(hub_url, explaining)) == []
    public = await ask(hub_url, await token_for(hub_url, graph, "public"))
    assert public["data"] == {"creditProfile": None}
    assert public["errors"][0]["extensions"]["code"] == "FORBIDDEN"
