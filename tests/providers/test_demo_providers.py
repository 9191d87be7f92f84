"""The demo zone's providers through the API: a zone of 500 enterprises (seed 42) seeded into
Neo4j, then `providerProfile` of its payment firms, a carrier, a bank and a premises operator
read as the regulator reads them, on the demo's today.

Hand-checked from the generated records (tests/unit/test_seed_generator.py checks the records
themselves): the struggling payment firm 郑州速汇宝网络支付有限公司 handled the payments of the
zone's seller whose documents disagree often, so over a fifth of its payments of the 12 months
are of failing orders (-30: grade C); the other three firms are under 10% (grade B). The
carrier 郑州鹏程跨境物流有限公司 has a general customs penalty decided in 2026, public for 12
months and not repaired.
"""

from __future__ import annotations

from typing import Any

import httpx
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver

from bench.fastload import fastload_zone

STRUGGLING = "91410103MA2H1RMX5F"  # 郑州速汇宝网络支付有限公司
OTHER_FIRMS = ("914101054820907220", "914101028010960144", "91410184MAF2BEM63K")
CARRIER = "91410108MAQKRTP595"  # 郑州鹏程跨境物流有限公司, the penalised carrier
EXPRESS = "91410184368458941J"  # 郑州航空港捷运国际快递有限公司: carrier and site operator
BANK = "91410000931562271L"  # 中国银行股份有限公司河南省分行

PROFILE = """query($u: String!) {
  providerProfile(uscc: $u, asOf: "2026-11-01") {
    roles score grade
    volumes { role documents }
    mismatches { documents mismatched percent }
    penalties { severity counted }
    premises { kind status }
  }
}"""


async def profile(hub_url: str, token: str, uscc: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "provider review"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=120) as client:
        response = await client.post("/graphql", json={"query": PROFILE, "variables": {"u": uscc}})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["providerProfile"]
    return found


async def test_demo_providers_are_rated_from_what_they_handled(
    graph: AsyncDriver, hub_url: str
) -> None:
    await fastload_zone(graph, DATABASE, person_secret=b"demo-providers", enterprises=500, seed=42)
    regulator = await token_for(hub_url, graph, "regulator")

    struggling = await profile(hub_url, regulator, STRUGGLING)
    assert struggling["roles"] == ["PAYMENT_FIRM"]
    assert struggling["volumes"][0]["role"] == "PAYMENT_FIRM"
    assert struggling["volumes"][0]["documents"] > 0
    assert float(struggling["mismatches"]["percent"]) >= 20
    assert (struggling["score"], struggling["grade"]) == (50, "C")  # 80 - 30
    for uscc in OTHER_FIRMS:
        other = await profile(hub_url, regulator, uscc)
        assert other["roles"] == ["PAYMENT_FIRM"] and other["volumes"][0]["documents"] >= 10
        assert float(other["mismatches"]["percent"]) < 10
        assert other["grade"] == "B" and other["score"] > struggling["score"]

    carrier = await profile(hub_url, regulator, CARRIER)
    assert carrier["roles"] == ["CARRIER"]
    assert carrier["volumes"][0]["documents"] > 0
    assert carrier["penalties"] == [{"severity": "GENERAL", "counted": True}]

    express = await profile(hub_url, regulator, EXPRESS)
    assert express["roles"] == ["CARRIER", "PREMISES_OPERATOR"]
    assert express["premises"] == [{"kind": "EXPRESS_SUPERVISION_SITE", "status": "ACTIVE"}]
    assert express["penalties"] == []

    bank = await profile(hub_url, regulator, BANK)
    assert bank["roles"] == ["BANK"] and bank["volumes"][0]["documents"] > 0
    assert bank["mismatches"]["mismatched"] == 0  # receipts are not among the three documents
