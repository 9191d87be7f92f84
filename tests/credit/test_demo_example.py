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
USCC = "91410200MA9EEF3N0C"
HOLDER = "91410204MAYG4UD85G"
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
    assert (rating.score, rating.grade, rating.forced_by) == (86, "B", None)
    assert "**86, grade B** (label 综合B)" in section and f"*{rating.treatment.name}*" in section
    [network] = [f for f in rating.factors if f.code == "NETWORK_RISK"]
    path = " ".join(
        f"{step.label} {step.key}" + (f" -{step.relationship}-" if step.relationship else "")
        for step in network.paths[0]
    )
    assert f"`{path}`" in section


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
        "MATCH (h:Enterprise {uscc: $h})-[r:SHAREHOLDER_OF]->(e:Enterprise {uscc: $u}) "
        "RETURN r.ratio AS ratio",
        h=HOLDER,
        u=USCC,
        database_=DATABASE,
    )
    assert [record["ratio"] for record in records] == [0.6]  # the holder holds the subject
    section = DOC.read_text(encoding="utf-8").split("## Worked example from the demo zone")[1]
    assert f"it is **60% held by** Kaifeng Yongkang Food Technology Co., Ltd. (`{HOLDER}`)" in (
        " ".join(section.split())
    )
