"""financingProfile under consent: figures equal the seeded facts, every pull is logged.

The hub is held at noon of the demo zone's day (`DEFAULT_TODAY`), the day the zone's facts are
generated as of, so the twelve-month window holds the same facts whatever day the suite runs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from graph_kit import DATABASE, HeldClock, eventually, token_for
from neo4j import AsyncDriver

from bench.fastload import fastload_zone
from graph_schema.dates import add_months
from graph_schema.model import Department
from hub.seed import DEFAULT_TODAY, generate_zone, seed_zone

ENTERPRISES, SEED = 150, 42
NOON = dt.datetime.combine(DEFAULT_TODAY, dt.time(12), tzinfo=dt.UTC)
GRANT = """mutation($i: String!, $s: [String!]!, $x: DateTime!) {
  grantConsent(institution: $i, purpose: WORKING_CAPITAL, scopes: $s, expiresAt: $x) { id }
}"""
PROFILE = """query($u: String!) { financingProfile(uscc: $u) {
  consentId purpose exports { month mode declarations valueCny }
  exportsProvenance { departments newestFact } exportReceipts { month receipts valueCny }
  exportReceiptsProvenance { departments } domesticPaymentsReceived { month payments valueCny }
  returns { month returns valueCny } returnsProvenance { departments } returnRate
  collectionRatio grade dataQuality } }"""
LOG = "{ myAccessLog { institution purpose enterprises operation consentIds fields } }"


Facts = list[dict[str, Any]]


def busiest_exporter() -> tuple[str, Facts, Facts, Facts, Facts]:
    """The seeded enterprise with the most exports in the window (among those with returns in
    it), its exports, export proceeds received from abroad, payments received from Chinese
    enterprises and returns."""
    today = DEFAULT_TODAY
    since = add_months(today, -12)
    exports: dict[str, list[dict[str, Any]]] = defaultdict(list)
    receipts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    domestic: dict[str, list[dict[str, Any]]] = defaultdict(list)
    returns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for chunk in generate_zone(ENTERPRISES, SEED, DEFAULT_TODAY):
        for r in chunk.records.get(("customs.return@1", Department.CUSTOMS), []):
            if since < dt.date.fromisoformat(r["returnedOn"]) <= today:
                returns[r["uscc"]].append(r)
        for d in chunk.records.get(("customs.declaration@1", Department.CUSTOMS), []):
            on = dt.date.fromisoformat(d["declaredOn"])
            if d["direction"] == "EXPORT" and since < on <= today:
                exports[d["uscc"]].append(d)
        for p in chunk.records.get(("bank.trade_payment@1", Department.BANK), []):
            on = dt.date.fromisoformat(p["paidOn"])
            if since < on <= today:
                domestic[p["payeeUscc"]].append(p)
        for r in chunk.records.get(("fx.export_receipt@1", Department.BANK), []):
            if since < dt.date.fromisoformat(r["receivedOn"]) <= today:
                receipts[r["uscc"]].append(r)
    uscc = max(returns, key=lambda u: (len(exports[u]), u))
    return uscc, exports[uscc], receipts[uscc], domestic[uscc], returns[uscc]


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "working capital line"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=30) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


async def test_the_financing_profile_equals_the_seeded_facts_under_consent(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, tmp_path: Path
) -> None:
    hub_clock.hold(NOON)
    # the signed seed, so every fact's connector (and so its department) is registered
    await seed_zone(
        graph, DATABASE, data_dir=tmp_path, person_secret=b"s", enterprises=ENTERPRISES, seed=SEED
    )
    uscc, exports, receipts, domestic, returns = busiest_exporter()
    assert receipts  # the busiest exporter has its proceeds back
    own = await token_for(hub_url, graph, "enterprise", institution=uscc)
    bank = await token_for(hub_url, graph, "bank", institution="bank-fin")
    until = (NOON + dt.timedelta(days=30)).isoformat()

    # a consent without financing:read shows the bank the enterprise, not its financing data
    first = await ask(
        hub_url, own, GRANT, i="bank-fin", s=["enterprise:read", "credit:read"], x=until
    )
    first_id = first["data"]["grantConsent"]["id"]
    assert (await ask(hub_url, bank, PROFILE, u=uscc))["data"]["financingProfile"] is None

    granted = await ask(hub_url, own, GRANT, i="bank-fin", s=["financing:read"], x=until)
    consent_id = granted["data"]["grantConsent"]["id"]
    profile = (await ask(hub_url, bank, PROFILE, u=uscc))["data"]["financingProfile"]
    assert profile["consentId"] == consent_id and profile["purpose"] == "WORKING_CAPITAL"

    expected: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for d in exports:
        expected[(d["declaredOn"][:7], d["mode"])][0] += 1
        expected[(d["declaredOn"][:7], d["mode"])][1] += Decimal(d["valueCny"])
    assert {
        (r["month"], r["mode"]): [r["declarations"], Decimal(r["valueCny"])]
        for r in profile["exports"]
    } == dict(expected)
    assert profile["exportsProvenance"]["departments"] == ["CUSTOMS"]
    assert profile["exportsProvenance"]["newestFact"] == max(d["declaredOn"] for d in exports)
    received: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for r in receipts:
        received[r["receivedOn"][:7]][0] += 1
        received[r["receivedOn"][:7]][1] += Decimal(r["amountCny"])
    assert {
        r["month"]: [r["receipts"], Decimal(r["valueCny"])] for r in profile["exportReceipts"]
    } == dict(received)
    assert profile["exportReceiptsProvenance"]["departments"] == ["BANK"]
    # payments from Chinese enterprises are shown apart, and are not collections
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for p in domestic:
        paid[p["paidOn"][:7]] += Decimal(p["amountCny"])
    assert {
        r["month"]: Decimal(r["valueCny"]) for r in profile["domesticPaymentsReceived"]
    } == dict(paid)
    came_back: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for r in returns:
        came_back[r["returnedOn"][:7]][0] += 1
        came_back[r["returnedOn"][:7]][1] += Decimal(r["valueCny"])
    assert {r["month"]: [r["returns"], Decimal(r["valueCny"])] for r in profile["returns"]} == dict(
        came_back
    )
    assert profile["returnsProvenance"]["departments"] == ["CUSTOMS"]
    returned = sum(Decimal(r["valueCny"]) for r in returns)
    exported = sum(Decimal(d["valueCny"]) for d in exports)
    assert abs(Decimal(str(profile["returnRate"])) - returned / exported) < Decimal("0.0001")
    collected = sum(Decimal(r["amountCny"]) for r in receipts)
    ratio = Decimal(str(profile["collectionRatio"]))
    assert abs(ratio - collected / exported) < Decimal("0.0001")

    async def pulls_logged() -> list[dict[str, Any]]:  # the audit trail is written behind
        log = (await ask(hub_url, own, LOG))["data"]["myAccessLog"]
        return [e for e in log if e["institution"] == "bank-fin" and uscc in e["enterprises"]]

    pulls = await eventually(pulls_logged)
    # the pull under the financing consent; the one before it answered null and read nothing
    assert len(pulls) == 1 and pulls[0]["purpose"] == "working capital line"
    assert pulls[0]["consentIds"] == sorted([first_id, consent_id])
    assert "financingProfile.exports" in pulls[0]["fields"]
    assert "financingProfile.collectionRatio" in pulls[0]["fields"]


async def test_a_bank_without_consent_gets_nothing(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock
) -> None:
    hub_clock.hold(NOON)
    await fastload_zone(graph, DATABASE, person_secret=b"s", enterprises=ENTERPRISES, seed=SEED)
    uscc, *_ = busiest_exporter()
    other = await token_for(hub_url, graph, "bank", institution="bank-other")
    body = await ask(hub_url, other, PROFILE, u=uscc)
    assert body["data"]["financingProfile"] is None and "errors" not in body
