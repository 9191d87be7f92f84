"""Each department's measures come from its own classification, under the regime in force on
the day asked; the composite grade gives none. Hand-built facts, no database."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from connectors.records import ClassificationRecord
from graph_schema.model import ListKind
from hub.credit import load_model, rate
from hub.credit.facts import ClassificationFact, RatingFacts
from hub.credit.joint_rules import load_joint_rules
from hub.credit.statutory import (
    DEFAULT_STATUTORY_PATH,
    StatutoryError,
    load_statutory,
    statutory_catalog_from_data,
    statutory_measures,
)

CATALOG = load_statutory()
USCC = "91410100MA3X4C0B7Y"


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def classified(scheme: str, value: str, department: str, since: str) -> ClassificationFact:
    return ClassificationFact(
        id=f"CL-{scheme}-{value}",
        department=department,
        scheme=scheme,
        value=value,
        effective_from=d(since),
    )


AEO = classified("CUSTOMS_CREDIT", "ADVANCED_CERTIFIED", "CUSTOMS", "2024-03-01")
TAX_D = classified("TAX_CREDIT", "D", "TAX", "2025-08-01")
DISHONEST = classified("CUSTOMS_CREDIT", "DISHONEST", "CUSTOMS", "2024-03-01")
TAX_A = classified("TAX_CREDIT", "A", "TAX", "2024-04-01")


def facts(as_of: str, *classifications: ClassificationFact) -> RatingFacts:
    return RatingFacts(
        uscc=USCC, as_of=d(as_of), registered_on=d("2019-01-01"), classifications=classifications
    )


def texts(found: list[Any]) -> list[str]:
    return [m.measure for m in found]


def test_an_aeo_enterprise_with_tax_d_gets_no_customs_inspection_measure_and_the_tax_ones() -> None:
    enterprise = facts("2026-05-01", AEO, TAX_D)
    assert rate(load_model(), enterprise).grade == "D"  # the composite grade is forced D

    customs = statutory_measures(CATALOG, enterprise, "CUSTOMS")
    assert texts(customs) == [
        "AEO: average inspection rate below 20% of that of enterprises under routine "
        "administration",
        "AEO: customs formalities handled first",
        "AEO mutual-recognition facilitation abroad",
    ]
    assert not any("80%" in text for text in texts(customs))
    assert {(m.trigger, m.regime) for m in customs} == {
        ("CL-CUSTOMS_CREDIT-ADVANCED_CERTIFIED", "GACC_ORDER_282")
    }

    tax = statutory_measures(CATALOG, enterprise, "TAX")
    assert texts(tax) == [
        "named on the published list of grade D taxpayers with the directly responsible persons",
        "VAT special invoices supplied as to a taxpayer under guidance; ordinary invoices only "
        "against used ones, in strictly limited quantity",
        "export refunds reviewed more strictly",
        "key monitoring target: more frequent inspection and stricter review of filings",
    ]
    assert {(m.trigger, m.regime) for m in tax} == {("CL-TAX_CREDIT-D", "SAT_2025_12")}


def test_a_customs_dishonest_enterprise_gets_the_customs_measures_whatever_its_grade() -> None:
    enterprise = facts("2026-05-01", DISHONEST, TAX_A)
    assert rate(load_model(), enterprise).grade != "D"  # the composite grade is not D

    customs = statutory_measures(CATALOG, enterprise, "CUSTOMS")
    assert texts(customs)[0] == "average inspection rate of 80% or more"
    assert all(m.basis.startswith("GACC Order 282") for m in customs)
    # its twin: no customs measure of inspection for tax A
    assert "80%" not in " ".join(texts(statutory_measures(CATALOG, enterprise, "TAX")))


def test_the_customs_regime_switches_on_2026_04_01() -> None:
    before = statutory_measures(CATALOG, facts("2026-03-31", DISHONEST), "CUSTOMS")
    after = statutory_measures(CATALOG, facts("2026-04-01", DISHONEST), "CUSTOMS")
    assert {m.regime for m in before} == {"GACC_ORDER_251"}
    assert before[0].basis == (
        "GACC Order 251, measures for dishonest enterprises (article not confirmed)"
    )
    assert {m.regime for m in after} == {"GACC_ORDER_282"}


def test_a_2025_as_of_applies_the_2014_tax_rules_until_july_and_sat_2025_no_12_after() -> None:
    assert {m.regime for m in statutory_measures(CATALOG, facts("2025-06-30", TAX_A))} == {
        "SAT_2018_8"
    }
    assert {m.regime for m in statutory_measures(CATALOG, facts("2025-07-01", TAX_A))} == {
        "SAT_2025_12"
    }


def test_no_department_takes_measures_from_another_departments_classification() -> None:
    enterprise = facts("2026-05-01", AEO, TAX_D)
    assert statutory_measures(CATALOG, enterprise, "SAFE") == []
    assert statutory_measures(CATALOG, enterprise, "ZONE_ADMIN") == []
    assert {m.department for m in statutory_measures(CATALOG, enterprise)} == {"CUSTOMS", "TAX"}


def test_every_measure_names_its_instrument() -> None:
    data = json.loads(DEFAULT_STATUTORY_PATH.read_text(encoding="utf-8"))
    for scheme in data["schemes"].values():
        for regime in scheme.values():
            for measures in regime.values():
                for item in measures:
                    assert item["basis"].split(",")[0].split(" (")[0] in {
                        "GACC Order 251",
                        "GACC Order 282",
                        "GACC Order 251: enterprises neither certified nor dishonest are under "
                        "routine administration",
                        "GACC Order 282: routine enterprises",
                        "SAT 2014 No. 40",
                        "SAT 2014 No. 40 as amended by SAT 2018 No. 8",
                        "SAT 2018 No. 8",
                        "SAT 2025 No. 12",
                        "SAT 2016 No. 46",
                        "SAFE Huifa 2012 No. 38",
                    }, item["basis"]


def test_the_catalogue_refuses_a_value_its_regime_did_not_have() -> None:
    data = json.loads(DEFAULT_STATUTORY_PATH.read_text(encoding="utf-8"))
    data["schemes"]["CUSTOMS_CREDIT"]["GACC_ORDER_251"]["CERTIFIED"] = [
        {"measure": "reduced inspection", "basis": "GACC Order 251"}
    ]
    with pytest.raises(StatutoryError, match="CERTIFIED did not exist under"):
        statutory_catalog_from_data(data)
    del data["schemes"]["CUSTOMS_CREDIT"]["GACC_ORDER_251"]["CERTIFIED"]
    del data["schemes"]["TAX_CREDIT"]["SAT_2025_12"]["D"]
    with pytest.raises(StatutoryError, match="SAT_2025_12: no measures for D"):
        statutory_catalog_from_data(data)


def record(value: str, since: str) -> dict[str, Any]:
    return {
        "id": "CL-1",
        "uscc": USCC,
        "scheme": "CUSTOMS_CREDIT",
        "value": value,
        "effectiveFrom": since,
    }


def test_a_certified_tier_dated_2025_is_refused_and_from_2026_04_01_accepted() -> None:
    with pytest.raises(ValueError) as refused:
        ClassificationRecord.model_validate(record("CERTIFIED", "2025-09-01"))
    message = str(refused.value)
    assert "'CERTIFIED' is not a value of scheme CUSTOMS_CREDIT on 2025-09-01" in message
    assert "GACC_ORDER_282 (from 2026-04-01)" in message
    assert ClassificationRecord.model_validate(record("CERTIFIED", "2026-04-01")).value == (
        "CERTIFIED"
    )
    with pytest.raises(ValueError, match="SERIOUSLY_DISHONEST"):
        ClassificationRecord.model_validate(record("SERIOUSLY_DISHONEST", "2026-03-31"))


def test_a_customs_tier_before_the_first_modelled_regime_is_refused() -> None:
    with pytest.raises(ValueError, match="no CUSTOMS_CREDIT regime is in force on 2021-10-31"):
        ClassificationRecord.model_validate(record("ROUTINE", "2021-10-31"))
    assert ClassificationRecord.model_validate(record("ROUTINE", "2021-11-01")).value == "ROUTINE"


def test_the_customs_dishonest_list_adds_no_customs_measure_to_the_tiers_own() -> None:
    # customs acts on its tier (above); a listing, right or wrong, does not add an 80% rule
    listed = load_joint_rules().punishment[ListKind.CUSTOMS_DISHONEST]
    assert "CUSTOMS" not in listed.measures_for("ENTERPRISE")
    assert "TAX" in listed.measures_for("ENTERPRISE")


def tax_record(value: str, since: str) -> dict[str, Any]:
    return record(value, since) | {"scheme": "TAX_CREDIT"}


def test_tax_grades_a_to_d_exist_from_2014_and_m_from_2018() -> None:
    assert ClassificationRecord.model_validate(tax_record("A", "2017-04-01")).value == "A"
    with pytest.raises(ValueError, match="'M' is not a value of scheme TAX_CREDIT on 2017-04-01"):
        ClassificationRecord.model_validate(tax_record("M", "2017-04-01"))
    assert ClassificationRecord.model_validate(tax_record("M", "2018-04-01")).value == "M"
