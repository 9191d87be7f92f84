"""statistics through the API equals the sums of the seeded facts themselves."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from graph_kit import DATABASE
from neo4j import AsyncDriver

from bench.fastload import fastload_zone
from graph_schema.dates import add_months
from graph_schema.model import Department
from hub.seed import DEFAULT_TODAY, generate_zone

ENTERPRISES, SEED = 150, 42
START = DEFAULT_TODAY - dt.timedelta(days=3000)

STATS = """query($f: Date!, $t: Date!, $g: StatsGroupBy!, $z: String) {
  statistics(from: $f, to: $t, groupBy: $g, zone: $z) {
    groups { key declarations valueCny }
    gradeDistribution { grade count }
    operators { zone count }
    targets { zone metric target actual progress }
  }
}"""


def seeded() -> tuple[list[dict], list[dict]]:
    enterprises, declarations = [], []
    for chunk in generate_zone(ENTERPRISES, SEED, DEFAULT_TODAY):
        enterprises += chunk.records.get(("samr.enterprise@1", Department.SAMR), [])
        declarations += chunk.records.get(("customs.declaration@1", Department.CUSTOMS), [])
    return enterprises, declarations


async def test_statistics_equal_the_sums_of_the_seeded_facts(graph: AsyncDriver, gql) -> None:
    await fastload_zone(graph, DATABASE, person_secret=b"s", enterprises=ENTERPRISES, seed=SEED)
    enterprises, declarations = seeded()
    zone_of = {e["uscc"]: e["zone"] for e in enterprises}
    by_mode: dict[str, list] = defaultdict(lambda: [0, Decimal(0)])
    kaifeng_months: dict[str, list] = defaultdict(lambda: [0, Decimal(0)])
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

    # nothing was rated: every enterprise is UNRATED; operators are the enterprises still
    # registered on `to`: active or on the abnormal-operation list, not revoked or deregistered
    # by then (the seed dates those within the 30 days before today)
    assert stats["gradeDistribution"] == [{"grade": "UNRATED", "count": ENTERPRISES}]
    active: dict[str, int] = defaultdict(int)
    for e in enterprises:
        active[e["zone"]] += e["status"] in ("ACTIVE", "ABNORMAL")
    ended = [e for e in enterprises if e["status"] in ("REVOKED", "DEREGISTERED")]
    assert ended and all(e["statusSince"] <= DEFAULT_TODAY.isoformat() for e in ended)
    assert {o["zone"]: o["count"] for o in stats["operators"]} == {
        zone: active.get(zone, 0) for zone in ("KAIFENG", "XINXIANG", "ZHENGZHOU")
    }
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
    assert targets[("KAIFENG", "operators")]["target"] == 1000
    assert targets[("KAIFENG", "operators")]["actual"] == active["KAIFENG"]
    assert (
        Decimal(str(targets[("KAIFENG", "annual_value_cny")]["actual"])).quantize(Decimal("0.01"))
        == kaifeng_year
    )
    assert targets[("KAIFENG", "industry_belts")]["actual"] == 5
    assert targets[("XINXIANG", "parks")]["actual"] is None  # the hub holds no park data


async def test_a_reversed_range_is_named(graph: AsyncDriver, gql) -> None:
    body = await gql(STATS, f="2026-05-01", t="2026-01-01", g="MODE", z=None)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "before from" in body["errors"][0]["message"]
