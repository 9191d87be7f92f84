"""The worked example of docs/credit-model.md is an enterprise of the demo zone, rated for real.

The demo zone `make run` seeds (2,000 enterprises, seed 42) is loaded with the benchmark's
fast path, which builds the same business graph as the signed seed (tests/test_seed.py checks
that), and the documented enterprise is rated from the graph as of the documented date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from graph_kit import DATABASE, hub_settings
from neo4j import AsyncDriver

from bench.fastload import fastload_zone
from hub.credit import load_model, rate
from hub.credit.gather import gather_facts

DOC = Path(__file__).parents[2] / "docs" / "credit-model.md"
USCC = "91410222822143465P"
AS_OF = dt.date(2026, 11, 1)


async def test_the_documented_demo_enterprise_rates_as_the_page_says(graph: AsyncDriver) -> None:
    settings = hub_settings()
    await fastload_zone(
        graph,
        DATABASE,
        person_secret=b"demo-example",
        enterprises=settings.demo_enterprises,
        seed=settings.demo_seed,
    )
    facts = (await gather_facts(graph, DATABASE, [USCC], AS_OF, load_model()))[USCC]
    rating = rate(load_model(), facts)

    section = DOC.read_text(encoding="utf-8").split("## Worked example from the demo zone")[1]
    section = section.split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows == [
        f"| `{f.code}` | {f.points:+d} | {f.reason} | {', '.join(f.evidence)} |"
        for f in rating.factors
    ]
    assert (rating.score, rating.grade, rating.forced_by) == (88, "B", None)
    assert "**88, grade B** (label 综合B)" in section and f"*{rating.treatment.name}*" in section
    # the page says no listed enterprise is within reach: the rating finds none either
    assert "no listed enterprise within three hops" in section
    assert [f for f in rating.factors if f.code == "NETWORK_RISK"] == []


async def test_the_documented_shareholding_points_the_way_the_registry_says(
    graph: AsyncDriver,
) -> None:
    settings = hub_settings()
    await fastload_zone(
        graph,
        DATABASE,
        person_secret=b"demo-example",
        enterprises=settings.demo_enterprises,
        seed=settings.demo_seed,
    )
    records, _, _ = await graph.execute_query(
        "MATCH (p:Person)-[r:SHAREHOLDER_OF]->(e:Enterprise {uscc: $u}) "
        "RETURN p.name AS holder, r.ratio AS ratio, "
        "EXISTS { (p)-[:LEGAL_REPRESENTATIVE_OF]->(e) } AS represents ORDER BY ratio DESC",
        u=USCC,
        database_=DATABASE,
    )
    # the persons hold the subject, the larger holder represents it, as the page says
    assert [(r["holder"], r["ratio"], r["represents"]) for r in records] == [
        ("韩芳", 0.9, True),
        ("王军", 0.1, False),
    ]
    section = DOC.read_text(encoding="utf-8").split("## Worked example from the demo zone")[1]
    assert "韩芳, holds 90% of it, 王军 10%" in " ".join(section.split())
