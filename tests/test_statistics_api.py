"""statistics through the API equals the sums of the seeded facts themselves; each zone's plan
targets are counted as their definitions say (CBEC operators are filed enterprises, new CBEC
enterprises a flow over the 12 months to `to`, money in decimal yuan)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from graph_kit import DATABASE
from neo4j import AsyncDriver

from bench.fastload import fastload_zone
from graph_schema.dates import add_months
from graph_schema.model import Department
from graph_schema.uscc import make_uscc
from hub.reference_data import load_reference
from hub.seed import DEFAULT_TODAY, generate_zone

ENTERPRISES, SEED = 150, 42
START = DEFAULT_TODAY - dt.timedelta(days=3000)

STATS = """query($f: Date!, $t: Date!, $g: StatsGroupBy!, $z: String) {
  statistics(from: $f, to: $t, groupBy: $g, zone: $z) {
    groups { key declarations valueCny }
    gradeDistribution { grade count }
    operators { zone count registered }
    plans { zone seed issued targetCount note passage }
    targets { zone metric kind unit comparison target actual progress met periodFrom asOf
              start deadline quote proxy computation }
  }
}"""
CBEC_KINDS = ("CBEC_ENTERPRISE_FILING", "OVERSEAS_WAREHOUSE_FILING")


def seeded() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    enterprises: list[dict[str, Any]] = []
    declarations: list[dict[str, Any]] = []
    filings: list[dict[str, Any]] = []
    for chunk in generate_zone(ENTERPRISES, SEED, DEFAULT_TODAY):
        enterprises += chunk.records.get(("samr.enterprise@1", Department.SAMR), [])
        declarations += chunk.records.get(("customs.declaration@1", Department.CUSTOMS), [])
        filings += chunk.records.get(("filing@1", Department.ZONE_ADMIN), [])
    return enterprises, declarations, filings


async def test_statistics_equal_the_sums_of_the_seeded_facts(graph: AsyncDriver, gql: Any) -> None:
    await fastload_zone(graph, DATABASE, person_secret=b"s", enterprises=ENTERPRISES, seed=SEED)
    enterprises, declarations, filings = seeded()
    zone_of = {e["uscc"]: e["zone"] for e in enterprises}
    by_mode: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    kaifeng_months: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for d in declarations:
        on = dt.date.fromisoformat(d["declaredOn"])
        if START <= on <= DEFAULT_TODAY:
            by_mode[d["mode"]][0] += 1
            by_mode[d["mode"]][1] += Decimal(d["valueCny"])
            if zone_of[d["uscc"]] == "KAIFENG":
                kaifeng_months[d["declaredOn"][:7]][0] += 1
                kaifeng_months[d["declaredOn"][:7]][1] += Decimal(d["valueCny"])
    assert by_mode, "the seed declares trade"

    body = await gql(STATS, f=START.isoformat(), t=DEFAULT_TODAY.isoformat(), g="MODE", z=None)
    stats = body["data"]["statistics"]
    assert {g["key"]: (g["declarations"], Decimal(g["valueCny"])) for g in stats["groups"]} == {
        mode: (count, value) for mode, (count, value) in by_mode.items()
    }
    months = await gql(
        STATS, f=START.isoformat(), t=DEFAULT_TODAY.isoformat(), g="MONTH", z="KAIFENG"
    )
    assert {
        g["key"]: (g["declarations"], Decimal(g["valueCny"]))
        for g in months["data"]["statistics"]["groups"]
    } == {month: (count, value) for month, (count, value) in kaifeng_months.items()}

    # nothing was rated: every enterprise is UNRATED; registered enterprises are those still
    # registered on `to`: active or on the abnormal-operation list, not revoked or deregistered
    # by then (the seed dates those within the 30 days before today); CBEC operators are those
    # of them with a CBEC filing
    # the zone's enterprises and the 18 providers serving them (hub/seed/providers.py)
    assert stats["gradeDistribution"] == [{"grade": "UNRATED", "count": ENTERPRISES + 18}]
    assert len(enterprises) == ENTERPRISES + 18
    cbec = {f["uscc"] for f in filings if f["kind"] in CBEC_KINDS}
    registered: dict[str, int] = defaultdict(int)
    operators: dict[str, int] = defaultdict(int)
    for e in enterprises:
        still = e["status"] in ("ACTIVE", "ABNORMAL")
        registered[e["zone"]] += still
        operators[e["zone"]] += still and e["uscc"] in cbec
    ended = [e for e in enterprises if e["status"] in ("REVOKED", "DEREGISTERED")]
    assert ended and all(e["statusSince"] <= DEFAULT_TODAY.isoformat() for e in ended)
    zones = ("KAIFENG", "XINXIANG", "ZHENGZHOU")
    assert {o["zone"]: (o["count"], o["registered"]) for o in stats["operators"]} == {
        zone: (operators[zone], registered[zone]) for zone in zones
    }
    assert all(operators[zone] < registered[zone] for zone in zones), "some never filed"
    year_ago = add_months(DEFAULT_TODAY, -12)
    kaifeng_year = sum(
        (
            Decimal(d["valueCny"])
            for d in declarations
            if zone_of[d["uscc"]] == "KAIFENG"
            and year_ago < dt.date.fromisoformat(d["declaredOn"]) <= DEFAULT_TODAY
        ),
        Decimal(0),
    )
    targets = {(t["zone"], t["metric"]): t for t in stats["targets"]}
    assert targets[("KAIFENG", "cbec_operators")]["target"] == "1000"
    assert targets[("KAIFENG", "cbec_operators")]["actual"] == str(operators["KAIFENG"])
    # the value as a decimal string with two places, exactly the sum of the records' values
    value = targets[("KAIFENG", "cbec_declared_value_cny")]
    assert value["actual"] == f"{kaifeng_year:.2f}"
    assert value["target"] == "10000000000.00"
    assert targets[("XINXIANG", "industrial_parks")]["actual"] is None  # no park data
    # Zhengzhou's plan sets the zone no target, and says why
    plans = {p["zone"]: p for p in stats["plans"]}
    assert [(p["zone"], p["targetCount"]) for p in stats["plans"]] == [
        ("KAIFENG", 4),
        ("XINXIANG", 4),
        ("ZHENGZHOU", 0),
    ]
    assert plans["ZHENGZHOU"]["note"].startswith("No target for the zone.")
    assert plans["ZHENGZHOU"]["seed"] == "003_f72ed74819de282d.txt"
    assert "全省跨境电子商务年交易额超过300亿美元" in plans["ZHENGZHOU"]["passage"]


async def test_a_reversed_range_is_named(graph: AsyncDriver, gql: Any) -> None:
    body = await gql(STATS, f="2026-05-01", t="2026-01-01", g="MODE", z=None)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "before from" in body["errors"][0]["message"]


# --- plan targets on a small graph -----------------------------------------------------------

AS_OF = dt.date(2026, 6, 30)  # the 12 months to it run from 2025-07-01

TARGETS = """query($t: Date!, $z: String) {
  statistics(from: "2025-01-01", to: $t, groupBy: MODE, zone: $z) {
    operators { zone count registered }
    targets { zone metric kind unit comparison target actual progress met periodFrom asOf
              start deadline quote proxy computation }
  }
}"""

FIRMS = """
UNWIND $rows AS row
CREATE (e:Enterprise {uscc: row.uscc, name: row.uscc, zone: row.zone, status: row.status,
                      statusSince: row.since, registeredOn: date('2020-01-01')})
WITH e, row
OPTIONAL MATCH (b:IndustryBelt {code: row.belt})
FOREACH (belt IN CASE WHEN b IS NULL THEN [] ELSE [b] END | CREATE (e)-[:IN_BELT]->(belt))
"""

FILINGS = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
CREATE (e)-[:FILED]->(:Filing {id: row.id, kind: row.kind, filedOn: row.on})
"""

DECLARATIONS = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
CREATE (e)-[:DECLARED]->(:Declaration {id: row.id, mode: '9710', direction: row.direction,
                                       declaredOn: row.on, valueCny: row.value})
"""


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"TG{i:06d}")


def firm(
    i: int,
    zone: str,
    status: str = "ACTIVE",
    since: dt.date | None = None,
    belt: str | None = None,
) -> dict[str, Any]:
    return {"uscc": u(i), "zone": zone, "status": status, "since": since, "belt": belt}


async def load(
    driver: AsyncDriver,
    firms: list[dict[str, Any]],
    filings: Sequence[tuple[int, str, dt.date]] = (),
    declarations: Sequence[tuple[int, str, dt.date, float]] = (),
) -> None:
    await load_reference(driver, DATABASE)
    await driver.execute_query(FIRMS, rows=firms, database_=DATABASE)
    await file(driver, filings)
    rows = [
        {"uscc": u(i), "id": f"DEC-{n}", "direction": direction, "on": on, "value": value}
        for n, (i, direction, on, value) in enumerate(declarations)
    ]
    await driver.execute_query(DECLARATIONS, rows=rows, database_=DATABASE)


async def file(driver: AsyncDriver, filings: Sequence[tuple[int, str, dt.date]]) -> None:
    rows = [
        {"uscc": u(i), "id": f"FIL-{i}-{kind}-{on}", "kind": kind, "on": on}
        for i, kind, on in filings
    ]
    await driver.execute_query(FILINGS, rows=rows, database_=DATABASE)


async def figures(gql: Any, zone: str, on: dt.date = AS_OF) -> dict[str, Any]:
    stats = (await gql(TARGETS, t=on.isoformat(), z=zone))["data"]["statistics"]
    [operators] = stats["operators"]
    return {"operators": operators, **{t["metric"]: t for t in stats["targets"]}}


async def test_a_cbec_filing_makes_an_operator_and_an_unfiled_enterprise_is_none(
    graph: AsyncDriver, gql: Any
) -> None:
    old = dt.date(2021, 3, 1)
    await load(
        graph,
        [
            firm(1, "KAIFENG"),  # CBEC enterprise filing: an operator
            firm(2, "KAIFENG"),  # active, never filed: not an operator
            firm(3, "KAIFENG"),  # export-refund filing only: any exporter files it
            firm(4, "KAIFENG"),  # overseas-warehouse filing: an operator
            firm(5, "KAIFENG"),  # filed after the day asked about
            firm(6, "KAIFENG", "DEREGISTERED", dt.date(2026, 3, 1)),  # filed, then gone
        ],
        [
            (1, "CBEC_ENTERPRISE_FILING", old),
            (3, "EXPORT_REFUND_FILING", old),
            (4, "OVERSEAS_WAREHOUSE_FILING", old),
            (5, "CBEC_ENTERPRISE_FILING", dt.date(2026, 7, 1)),
            (6, "CBEC_ENTERPRISE_FILING", old),
        ],
    )
    before = await figures(gql, "KAIFENG")
    assert before["operators"] == {"zone": "KAIFENG", "count": 2, "registered": 5}
    assert (before["cbec_operators"]["actual"], before["cbec_operators"]["target"]) == (
        "2",
        "1000",
    )
    assert before["cbec_operators"]["kind"] == "STOCK"
    assert before["cbec_operators"]["periodFrom"] is None

    # the never-filed enterprise files as a CBEC enterprise: one operator more, no more
    # registered enterprises
    await file(graph, [(2, "CBEC_ENTERPRISE_FILING", dt.date(2026, 5, 1))])
    after = await figures(gql, "KAIFENG")
    assert after["operators"] == {"zone": "KAIFENG", "count": 3, "registered": 5}
    assert after["cbec_operators"]["actual"] == "3"
    assert after["cbec_operators"]["progress"] == pytest.approx(0.003)


async def test_new_cbec_enterprises_are_first_filings_of_the_twelve_months(
    graph: AsyncDriver, gql: Any
) -> None:
    await load(
        graph,
        [firm(i, "XINXIANG") for i in range(1, 7)]
        + [firm(7, "XINXIANG", "REVOKED", dt.date(2026, 4, 1)), firm(8, "XINXIANG")],
        [
            (1, "CBEC_ENTERPRISE_FILING", dt.date(2025, 6, 30)),  # a year before: last year's
            (2, "CBEC_ENTERPRISE_FILING", dt.date(2025, 7, 1)),  # the window's first day
            (3, "OVERSEAS_WAREHOUSE_FILING", dt.date(2026, 6, 30)),  # its last day
            (4, "CBEC_ENTERPRISE_FILING", dt.date(2024, 3, 1)),  # filed before; a second
            (4, "OVERSEAS_WAREHOUSE_FILING", dt.date(2026, 1, 15)),  # filing is not a new one
            (5, "CBEC_ENTERPRISE_FILING", dt.date(2026, 7, 1)),  # after the day
            (6, "EXPORT_REFUND_FILING", dt.date(2026, 1, 10)),  # not a CBEC filing
            (7, "CBEC_ENTERPRISE_FILING", dt.date(2026, 2, 1)),  # revoked by the day
            (8, "CBEC_ENTERPRISE_FILING", dt.date(2025, 3, 1)),  # in 2025, before 2025-07-01
        ],
    )
    new = (await figures(gql, "XINXIANG"))["new_cbec_enterprises"]
    assert new["actual"] == "2"  # 2 and 3
    assert (new["kind"], new["unit"], new["comparison"]) == ("FLOW", "COUNT", "MORE_THAN")
    assert (new["periodFrom"], new["asOf"]) == ("2025-07-01", "2026-06-30")
    assert (new["target"], new["met"]) == ("100", False)
    assert (new["start"], new["deadline"]) == ("2025-10-24", "2028-10-24")
    assert new["quote"] == (
        "mais de 100 empresas de e-commerce transfronteiriças foram cultivadas anualmente"
    )
    # the calendar year 2025: 1, 2 and 8 filed first in it; 7 had not filed yet
    year = (await figures(gql, "XINXIANG", dt.date(2025, 12, 31)))["new_cbec_enterprises"]
    assert (year["actual"], year["periodFrom"], year["asOf"]) == ("3", "2025-01-01", "2025-12-31")


async def test_money_is_decimal_yuan_and_belts_count_their_filed_operators(
    graph: AsyncDriver, gql: Any
) -> None:
    old = dt.date(2021, 3, 1)
    instruments = [firm(i, "KAIFENG", belt="KF_INSTRUMENTS") for i in range(10, 20)]
    household = [firm(i, "KAIFENG", belt="KF_HOUSEHOLD") for i in range(20, 32)]
    xinxiang = [firm(40, "XINXIANG")]
    await load(
        graph,
        instruments + household + xinxiang,
        # all 10 of the instruments belt filed; 9 of the 12 of the household belt
        [(i, "CBEC_ENTERPRISE_FILING", old) for i in range(10, 29)],
        [
            (10, "EXPORT", AS_OF, 921637157.71),
            (10, "EXPORT", dt.date(2025, 7, 1), 0.10),
            (11, "IMPORT", dt.date(2026, 1, 1), 0.20),  # imports count: "import and export"
            (12, "EXPORT", dt.date(2025, 6, 30), 5000.00),  # before the 12 months
            (40, "EXPORT", dt.date(2025, 9, 1), 0.10),
            (40, "EXPORT", dt.date(2026, 2, 1), 0.20),
        ],
    )
    kaifeng = await figures(gql, "KAIFENG")
    value = kaifeng["cbec_declared_value_cny"]
    # 921637157.71 + 0.10 + 0.20, to the fen
    assert (value["actual"], value["target"]) == ("921637158.01", "10000000000.00")
    assert (value["unit"], value["kind"], value["periodFrom"]) == ("CNY", "FLOW", "2025-07-01")
    assert value["progress"] == pytest.approx(0.0921637158)
    assert value["quote"] == (
        "the annual transaction volume of cross-border e-commerce has exceeded 10 billion yuan"
    )
    assert value["proxy"].startswith("The plan counts transaction volume")
    assert (value["start"], value["deadline"]) == ("2025-10-18", "2028-10-18")
    # the instruments belt has 10 filed operators (the threshold); household only 9
    belts = kaifeng["industry_belts"]
    assert (belts["actual"], belts["target"], belts["met"]) == ("1", "5", False)
    parks = kaifeng["industrial_parks"]
    assert (parks["actual"], parks["progress"], parks["met"]) == (None, None, None)
    assert parks["computation"].startswith("Not measured by the hub")

    xx_value = (await figures(gql, "XINXIANG"))["cbec_declared_value_cny"]
    assert (xx_value["actual"], xx_value["target"]) == ("0.30", "100000000.00")
    assert xx_value["proxy"] is None  # import and export value is what the plan counts
