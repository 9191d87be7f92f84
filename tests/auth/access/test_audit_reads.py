"""The audit trail records what the answer carried, no more and no less.

`fields` are the fields the request was answered (selected, not skipped, not refused, under a
root that answered non-null); `enterprises` every enterprise whose data the answer carries
(roots, graph nodes, list rows, alerts, objections). Each test gives its requests a purpose of
its own and compares the records of that purpose, written literally. A record that must not
exist is shown absent by a later request's record: the chain is written in order, so once the
later one is in the log, an earlier one would be too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from graph_kit import DATABASE, eventually, token_for
from neo4j import AsyncDriver
from test_enterprise_api import FOCUS, PARENT, build_graph
from test_network_api import build as build_network
from test_network_api import u as nw
from test_risk_alerts import ENTERPRISES, PAY, run, scanner
from test_risk_alerts import u as rk

from auth.catalog import load_catalog
from auth.consents import Purpose, grant_consent
from hub.credit import load_joint_rules, load_model
from hub.credit.recompute import CreditRecomputer

AS_OF = dt.date(2026, 11, 1)
# consents are granted "in 2099" so they are active now, whenever now is
GRANTED, EXPIRES = dt.datetime(2099, 1, 1, tzinfo=dt.UTC), dt.datetime(2099, 6, 1, tzinfo=dt.UTC)

MY_LOG = """{ myAccessLog(first: 50) {
  operation institution purpose enterprises fields outcome } }"""
AUDIT_LOG = """query($u: String!) { auditLog(filter: {uscc: $u}, first: 50) {
  operation purpose enterprises fields outcome } }"""


async def call(hub_url: str, token: str, query: str, purpose: str | None = None, **variables):
    """As `test_audit_api.call`, with room for a cold hub on a loaded machine (the first
    rating of a run takes seconds)."""
    headers = {"Authorization": f"Bearer {token}"} | ({"X-Purpose": purpose} if purpose else {})
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    return response.json()


def record(operation: str, enterprises: list[str], fields: list[str], outcome: str = "ok"):
    return {
        "operation": operation,
        "enterprises": enterprises,
        "fields": fields,
        "outcome": outcome,
    }


async def access_log(hub_url: str, token: str, purpose: str) -> list[dict[str, Any]]:
    """The enterprise's access log, this test's records only, newest first."""
    entries = (await call(hub_url, token, MY_LOG))["data"]["myAccessLog"]
    return [
        record(e["operation"], e["enterprises"], e["fields"], e["outcome"])
        for e in entries
        if e["purpose"] == purpose
    ]


async def logged_until(hub_url: str, token: str, purpose: str, operation: str):
    """The enterprise's log (this test's records) once `operation` is in it, within a bound."""

    async def check():
        found = await access_log(hub_url, token, purpose)
        return found if any(e["operation"] == operation for e in found) else None

    return await eventually(check) or await access_log(hub_url, token, purpose)


async def whole_record(hub_url: str, auditor: str, uscc: str, purpose: str, operation: str):
    """The full record (all its enterprises) of `operation`, from the whole log."""
    entries = (await call(hub_url, auditor, AUDIT_LOG, u=uscc))["data"]["auditLog"]
    return [
        record(e["operation"], e["enterprises"], e["fields"], e["outcome"])
        for e in entries
        if e["purpose"] == purpose and e["operation"] == operation
    ]


async def consent(graph: AsyncDriver, uscc: str, institution: str, scopes: list[str]) -> None:
    await grant_consent(
        graph,
        DATABASE,
        uscc=uscc,
        institution=institution,
        purpose=Purpose.WORKING_CAPITAL,
        scopes=scopes,
        consentable=load_catalog().consents.scopes,
        expires_at=EXPIRES,
        client_id="test",
        now=GRANTED,
    )


# --- 2a: a root answered null without data reads nothing -----------------------------------

GRADE = "query %s($u: String!) { creditProfile(uscc: $u) { grade score } }"


async def test_a_credit_profile_refused_for_want_of_consent_is_no_read(graph, hub_url) -> None:
    await build_graph(graph)
    bank = await token_for(hub_url, graph, "bank", institution="bank-2a")
    own = await token_for(hub_url, graph, "enterprise", institution=FOCUS)
    await consent(graph, FOCUS, "bank-2a", ["enterprise:read"])
    why = "audit 2a"

    refused = await call(hub_url, bank, GRADE % "Refused", purpose=why, u=FOCUS)
    assert refused == {"data": {"creditProfile": None}}
    await consent(graph, FOCUS, "bank-2a", ["credit:read"])
    granted = await call(hub_url, bank, GRADE % "Granted", purpose=why, u=FOCUS)
    assert granted["data"]["creditProfile"]["grade"]

    assert await logged_until(hub_url, own, why, "Granted") == [
        record("Granted", [FOCUS], ["creditProfile.grade", "creditProfile.score"]),
    ]


# --- 2b: @skip and @include, with the request's variables ----------------------------------

SKIPPED = """query Skipped($u: String!) {
  enterprise(uscc: $u) { name } financingProfile(uscc: $u) @skip(if: true) { exports { month } }
}"""
CHOSEN = """query %s($u: String!, $s: Boolean!, $i: Boolean!) {
  enterprise(uscc: $u) { name penalties @skip(if: $s) { id } }
  creditProfile(uscc: $u) @include(if: $i) { grade }
}"""


async def test_skipped_and_excluded_fields_are_not_read(graph, hub_url) -> None:
    await build_graph(graph)
    regulator = await token_for(hub_url, graph, "regulator")
    own = await token_for(hub_url, graph, "enterprise", institution=FOCUS)
    why = "audit 2b"

    skipped = await call(hub_url, regulator, SKIPPED, purpose=why, u=FOCUS)
    assert skipped == {"data": {"enterprise": {"name": "开封市牧野贸易有限公司1"}}}
    both = await call(
        hub_url, regulator, CHOSEN % "SkipBoth", purpose=why, u=FOCUS, s=True, i=False
    )
    assert both == {"data": {"enterprise": {"name": "开封市牧野贸易有限公司1"}}}
    kept = await call(
        hub_url, regulator, CHOSEN % "KeepBoth", purpose=why, u=FOCUS, s=False, i=True
    )
    assert kept["data"]["enterprise"]["penalties"] == [{"id": "P-1"}]

    assert await logged_until(hub_url, own, why, "KeepBoth") == [
        record(
            "KeepBoth", [FOCUS], ["creditProfile.grade", "enterprise.name", "enterprise.penalties"]
        ),
        record("SkipBoth", [FOCUS], ["enterprise.name"]),
        record("Skipped", [FOCUS], ["enterprise.name"]),
    ]


# --- 2c: a field refused with FORBIDDEN is not read ----------------------------------------

CLASSES = "query %s($u: String!) { enterprise(uscc: $u) { name classifications { id } } }"


async def test_a_field_refused_for_want_of_consent_is_not_read(graph, hub_url) -> None:
    await build_graph(graph)
    bank = await token_for(hub_url, graph, "bank", institution="bank-2c")
    own = await token_for(hub_url, graph, "enterprise", institution=FOCUS)
    await consent(graph, FOCUS, "bank-2c", ["enterprise:read"])
    why = "audit 2c"

    refused = await call(hub_url, bank, CLASSES % "Refused", purpose=why, u=FOCUS)
    assert refused["data"] == {
        "enterprise": {"name": "开封市牧野贸易有限公司1", "classifications": None}
    }
    [error] = refused["errors"]
    assert error["path"] == ["enterprise", "classifications"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["reason"] == "no_consent"
    await consent(graph, FOCUS, "bank-2c", ["credit:read"])
    granted = await call(hub_url, bank, CLASSES % "Granted", purpose=why, u=FOCUS)
    assert granted["data"]["enterprise"]["classifications"] == [{"id": "C-1"}]

    assert await logged_until(hub_url, own, why, "Granted") == [
        record("Granted", [FOCUS], ["enterprise.classifications", "enterprise.name"]),
        record("Refused", [FOCUS], ["enterprise.name"], outcome="partial"),
    ]


# --- 3: reads of other enterprises than the root ---------------------------------------------

GRAPH = """query Graph($u: String!) {
  relationshipGraph(uscc: $u, depth: 3) { nodes { key name grade } } }"""


async def test_the_enterprises_of_a_relationship_graph_are_read(graph, hub_url) -> None:
    await build_network(graph)  # E0-Wang-E1, E0-address-E2; E3 alone
    regulator = await token_for(hub_url, graph, "regulator")
    e0, e2, e3 = [
        await token_for(hub_url, graph, "enterprise", institution=nw(i)) for i in (0, 2, 3)
    ]
    why = "audit 3 graph"

    answer = await call(hub_url, regulator, GRAPH, purpose=why, u=nw(0))
    nodes = answer["data"]["relationshipGraph"]["nodes"]
    assert {n["key"]: (n["name"], n["grade"]) for n in nodes if n["key"].startswith("9")} == {
        nw(0): ("E0", None),
        nw(1): ("E1", None),
        nw(2): ("E2", "D"),
    }

    # E2, a node of the graph, sees the read; E0, its root, too; E3, not in it, does not
    assert await logged_until(hub_url, e2, why, "Graph") == [
        record("Graph", [nw(2)], ["relationshipGraph.nodes"])
    ]
    assert await access_log(hub_url, e0, why) == [
        record("Graph", [nw(0)], ["relationshipGraph.nodes"])
    ]
    assert await access_log(hub_url, e3, why) == []
    assert await whole_record(hub_url, regulator, nw(0), why, "Graph") == [
        record("Graph", [nw(0), nw(1), nw(2)], ["relationshipGraph.nodes"])
    ]


LISTED = """query Listed($d: Date!) {
  jointPunishmentList(asOf: $d) { edges { node { uscc enterpriseName list } } } }"""


async def test_the_rows_of_the_joint_punishment_list_are_read(graph, hub_url) -> None:
    await build_network(graph)  # E2 is on the serious dishonesty list
    await CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules()).recompute_all(AS_OF)
    regulator = await token_for(hub_url, graph, "regulator")
    e2, e0 = [await token_for(hub_url, graph, "enterprise", institution=nw(i)) for i in (2, 0)]
    why = "audit 3 list"

    answer = await call(hub_url, regulator, LISTED, purpose=why, d=AS_OF.isoformat())
    assert [edge["node"] for edge in answer["data"]["jointPunishmentList"]["edges"]] == [
        {"uscc": nw(2), "enterpriseName": "E2", "list": "SERIOUS_DISHONESTY"}
    ]

    assert await logged_until(hub_url, e2, why, "Listed") == [
        record(
            "Listed",
            [nw(2)],
            [
                "jointPunishmentList.edges",
                "jointPunishmentList.enterpriseName",
                "jointPunishmentList.list",
                "jointPunishmentList.uscc",
            ],
        )
    ]
    assert await access_log(hub_url, e0, why) == []


ALERTS = "query Alerts { riskAlerts { edges { node { kind subjects } } } }"


async def test_the_subjects_of_risk_alerts_are_read(graph, hub_url) -> None:
    await run(graph, ENTERPRISES, n=4, u=[rk(i) for i in range(4)])
    paid = AS_OF - dt.timedelta(days=30)
    for i, (a, b) in enumerate([(0, 1), (1, 2), (2, 0)]):  # a ring; R3 is outside it
        await run(graph, PAY, a=rk(a), b=rk(b), id=f"TP-{i}", on=paid)
    await scanner(graph).scan_all(AS_OF)
    regulator = await token_for(hub_url, graph, "regulator")
    r1, r3 = [await token_for(hub_url, graph, "enterprise", institution=rk(i)) for i in (1, 3)]
    why = "audit 3 alerts"

    answer = await call(hub_url, regulator, ALERTS, purpose=why)
    [alert] = [edge["node"] for edge in answer["data"]["riskAlerts"]["edges"]]
    assert alert["kind"] == "CIRCULAR_PAYMENTS"
    assert sorted(alert["subjects"]) == [rk(0), rk(1), rk(2)]

    assert await logged_until(hub_url, r1, why, "Alerts") == [
        record("Alerts", [rk(1)], ["riskAlerts.edges", "riskAlerts.kind", "riskAlerts.subjects"])
    ]
    assert await access_log(hub_url, r3, why) == []
    assert await whole_record(hub_url, regulator, rk(0), why, "Alerts") == [
        record(
            "Alerts",
            [rk(0), rk(1), rk(2)],
            ["riskAlerts.edges", "riskAlerts.kind", "riskAlerts.subjects"],
        )
    ]


FILE = """mutation { fileObjection(recordId: "P-1", reason: "Not our case: another company's.") {
  status } }"""
QUEUE = "query Queue { objections { edges { node { recordId uscc status } } } }"


async def test_the_enterprises_of_the_objection_queue_are_read(graph, hub_url) -> None:
    await build_graph(graph)
    own = await token_for(hub_url, graph, "enterprise", institution=FOCUS)
    parent = await token_for(hub_url, graph, "enterprise", institution=PARENT)
    filed = await call(hub_url, own, FILE)
    assert filed == {"data": {"fileObjection": {"status": "PENDING"}}}
    regulator = await token_for(hub_url, graph, "regulator")
    why = "audit 3 objections"

    answer = await call(hub_url, regulator, QUEUE, purpose=why)
    assert answer == {
        "data": {
            "objections": {
                "edges": [{"node": {"recordId": "P-1", "uscc": FOCUS, "status": "PENDING"}}]
            }
        }
    }

    assert await logged_until(hub_url, own, why, "Queue") == [
        record(
            "Queue",
            [FOCUS],
            ["objections.edges", "objections.recordId", "objections.status", "objections.uscc"],
        )
    ]
    assert await access_log(hub_url, parent, why) == []
