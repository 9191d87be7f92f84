"""Credit repair end to end (issue 17, NDRC Orders 58 and 36), against the real Neo4j and a real
uvicorn hub held at the connectors' instant (2026-11-24): minimum publicity on every repair
(`penalty@1`, `penalty.repair@1`, a granted `repair.decision@1`), the enterprise's application
through GraphQL, the tax department's signed decision, and the end of sharing with customs.

The penalties, all TAX's, of enterprise 1 (dates and eligibility worked out by hand):

- PEN-R-2025: SERIOUS, decided 2025-06-10, under Order 58 (until 2026-03-31): one minimum of
  3 months for every published penalty, so repairable from 2025-09-10.
- PEN-R-2026: SERIOUS, decided 2026-05-10, under Order 36 (from 2026-04-01): 12 months,
  repairable from 2027-05-10, after the hub's day.
- PEN-R-GEN: GENERAL, decided 2026-06-01, under Order 36: 3 months, repairable from 2026-09-01.
- PEN-R-MINOR: MINOR, decided 2026-06-01: never published, never repaired.

Enterprise 2 has PEN-R-OTHER (GENERAL, decided 2026-06-01), which enterprise 1 cannot apply for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from connector_kit import DATABASE, NOW, Agency, enterprise_record, fingerprint, uscc
from graph_kit import HeldClock, token_for
from neo4j import AsyncDriver

from connectors.records import RECORD_TYPES, validate_records
from graph_schema.model import Department, Severity
from graph_schema.predicates import repair_eligible_from
from graph_schema.publicity import PUBLICITY

TODAY = NOW.date()  # 2026-11-24

APPLY = """mutation($r: String!, $c: String!, $k: String!) {
  applyForRepair(recordId: $r, correction: $c, commitment: $k) {
    id recordId recordKind department uscc status eligibleFrom regime basis decidedOn decision
  }
}"""
MINE = "{ myRepairApplications { recordId status decidedOn decision } }"
QUEUE = """query($s: RepairStatus, $d: Department) {
  repairApplications(status: $s, department: $d) { edges { node { recordId uscc status } } }
}"""
PENALTIES = """query($u: String!) {
  enterprise(uscc: $u) { penalties { id repairedOn } }
}"""
FACTORS = """query($u: String!) { creditProfile(uscc: $u) { factors { code evidence } } }"""
PROOF = "The fine was paid in full on 2026-07-01; receipt KF-TAX-2026-0193 attached."
PROMISE = "We commit to file and pay every tax on time and accept public supervision."


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=hub_url, headers=bearer(token), timeout=30) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


def penalty(
    penalty_id: str, i: int, severity: str, decided: str, until: str | None
) -> dict[str, Any]:
    return {
        "id": penalty_id,
        "uscc": uscc(i),
        "caseNo": f"KF-TAX-{penalty_id}",
        "severity": severity,
        "amountCny": "30000.00",
        "decidedOn": decided,
        "publicUntil": until,
    }


def decision(application: str, outcome: str, decided: dt.date = TODAY) -> dict[str, Any]:
    return {
        "applicationId": application,
        "outcome": outcome,
        "decidedOn": decided.isoformat(),
        "reason": f"reviewed: {outcome.lower()}",
    }


class Zone:
    """Two enterprises registered by SAMR, penalised by TAX, through signed batches."""

    def __init__(self, hub_url: str, samr: Agency, tax: Agency, tokens: dict[str, str]) -> None:
        self.hub_url, self.samr, self.tax, self.tokens = hub_url, samr, tax, tokens

    def push(
        self, record_type: str, records: list[dict[str, Any]], agency: Agency | None = None
    ) -> httpx.Response:
        sender = agency or self.tax
        return httpx.post(
            f"{self.hub_url}/connectors/batches",
            content=sender.batch(record_type, records, created_at=NOW),
            headers=bearer(self.tokens[sender.connector]),
            timeout=60,
        )


@pytest.fixture
async def zone(ledger: AsyncDriver, agency: Any, hub_url: str, hub_clock: HeldClock) -> Zone:
    hub_clock.hold(NOW)
    samr = await agency("samr-rep", Department.SAMR, ["samr.enterprise@1"])
    tax = await agency(
        "tax-rep", Department.TAX, ["penalty@1", "penalty.repair@1", "repair.decision@1"]
    )
    tokens = {
        name: await token_for(hub_url, ledger, "connector", institution=name)
        for name in ("samr-rep", "tax-rep")
    }
    made = Zone(hub_url, samr, tax, tokens)
    registered = made.push(
        "samr.enterprise@1",
        [enterprise_record(i, registeredOn="2015-01-01") for i in (1, 2)],
        samr,
    )
    assert registered.status_code == 202, registered.text
    penalised = made.push(
        "penalty@1",
        [
            penalty("PEN-R-2025", 1, "SERIOUS", "2025-06-10", "2027-06-10"),
            penalty("PEN-R-2026", 1, "SERIOUS", "2026-05-10", "2028-05-10"),
            penalty("PEN-R-GEN", 1, "GENERAL", "2026-06-01", "2027-06-01"),
            penalty("PEN-R-MINOR", 1, "MINOR", "2026-06-01", None),
            penalty("PEN-R-OTHER", 2, "GENERAL", "2026-06-01", "2027-06-01"),
        ],
    )
    assert penalised.status_code == 202, penalised.text
    return made


async def stored_score(driver: AsyncDriver, i: int) -> int:
    rows, _, _ = await driver.execute_query(
        "MATCH (:Enterprise {uscc: $u})-[:CURRENT_RATING]->(r:Rating) RETURN r.score AS score",
        u=uscc(i),
        database_=DATABASE,
    )
    score: int = rows[0]["score"]
    return score


async def applications(driver: AsyncDriver) -> list[tuple[str, str]]:
    """Every repair application in the graph: (penalty, status)."""
    rows, _, _ = await driver.execute_query(
        "MATCH (a:RepairApplication) RETURN a.recordId AS record, a.status AS status "
        "ORDER BY record, status",
        database_=DATABASE,
    )
    return [(r["record"], r["status"]) for r in rows]


def refusal(body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The one error of a refused request (its root null) and its message."""
    assert not any((body["data"] or {}).values()), body
    (error,) = body["errors"]
    return error["extensions"], error["message"]


# --- the rules, without a database ----------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "regime"),
    [
        ("2022-12-31", "NDRC_ORDER_58"),  # before the first regime: the first applies
        ("2023-05-01", "NDRC_ORDER_58"),
        ("2026-03-31", "NDRC_ORDER_58"),
        ("2026-04-01", "NDRC_ORDER_36"),
        ("2026-05-10", "NDRC_ORDER_36"),
    ],
)
def test_the_regime_is_the_one_in_force_on_the_decision_date(decided: str, regime: str) -> None:
    assert PUBLICITY.regime_for(dt.date.fromisoformat(decided)).id == regime


def test_the_regimes_cite_their_instruments_and_never_the_wrong_order() -> None:
    order_58, order_36 = PUBLICITY.regimes
    assert "失信行为纠正后的信用信息修复管理办法" in order_58.instrument
    assert (order_58.in_force_from, order_58.in_force_until) == (
        dt.date(2023, 5, 1),
        dt.date(2026, 3, 31),
    )
    assert "信用修复管理办法" in order_36.instrument and "2025-11-20" in order_36.instrument
    assert (order_36.in_force_from, order_36.in_force_until) == (dt.date(2026, 4, 1), None)
    texts = [order_58.instrument, order_36.instrument, order_58.repair_basis]
    texts += [order_36.repair_basis]
    texts += [r.basis(s) for r in PUBLICITY.regimes for s in Severity]
    assert not [t for t in texts if "Order 36 of 2023" in t]
    # the latest regime answers for callers without a date (the rating model)
    assert PUBLICITY.period(Severity.SERIOUS) == order_36.period(Severity.SERIOUS)


@pytest.mark.parametrize(
    ("severity", "decided", "repaired", "eligible", "regime"),
    [
        ("SERIOUS", "2026-05-10", "2027-05-09", "2027-05-10", "NDRC_ORDER_36"),
        ("GENERAL", "2026-06-01", "2026-08-31", "2026-09-01", "NDRC_ORDER_36"),
        ("SERIOUS", "2025-06-10", "2025-09-09", "2025-09-10", "NDRC_ORDER_58"),
    ],
)
def test_a_penalty_record_repaired_before_its_minimum_publicity_is_refused(
    severity: str, decided: str, repaired: str, eligible: str, regime: str
) -> None:
    record_type = RECORD_TYPES["penalty@1"]
    until = "2028-05-10" if severity == "SERIOUS" else "2027-06-01"
    record = penalty("PEN-R-X", 1, severity, decided, until) | {"repairedOn": repaired}
    _, errors = validate_records(record_type, [record], Department.TAX)
    (error,) = errors
    assert error.field == "repairedOn"
    assert f"may be repaired from {eligible}" in error.reason and regime in error.reason
    # the twin: on the day it becomes eligible
    models, errors = validate_records(
        record_type, [record | {"repairedOn": eligible}], Department.TAX
    )
    assert errors == [] and len(models) == 1


# --- the Cypher twin of the rule --------------------------------------------------------------

ELIGIBLE = [
    ("GENERAL", "2025-11-30", "2026-02-28"),  # Order 58: 3 months, clamped to the month's end
    ("SERIOUS", "2026-03-31", "2026-06-30"),  # Order 58's last day: 3 months
    ("SERIOUS", "2026-04-01", "2027-04-01"),  # Order 36's first day: 12 months
    ("GENERAL", "2026-01-31", "2026-04-30"),
    ("SERIOUS", "2028-02-29", "2029-02-28"),
    ("GENERAL", "2022-08-15", "2022-11-15"),  # before Order 58: held to it
    ("MINOR", "2026-06-01", None),
]


async def test_the_cypher_twin_gives_the_eligible_day_the_rules_give(graph: AsyncDriver) -> None:
    query = (
        "UNWIND $cases AS c WITH c, {severity: c[0], decidedOn: date(c[1])} AS p "
        f"RETURN c[1] AS decided, toString({repair_eligible_from('p')}) AS eligible"
    )
    rows, _, _ = await graph.execute_query(
        query, cases=[[s, d] for s, d, _ in ELIGIBLE], database_=DATABASE
    )
    assert [r["eligible"] for r in rows] == [e for _, _, e in ELIGIBLE]
    python = [
        PUBLICITY.repairable_from(Severity(s), dt.date.fromisoformat(d)) for s, d, _ in ELIGIBLE
    ]
    assert [None if e is None else e.isoformat() for e in python] == [e for _, _, e in ELIGIBLE]


# --- penalty.repair@1 ---------------------------------------------------------------------------


async def test_a_department_repair_before_the_minimum_publicity_refuses_the_batch(
    ledger: AsyncDriver, zone: Zone
) -> None:
    before = await fingerprint(ledger)
    early = zone.push(
        "penalty.repair@1",
        [
            {"id": "PEN-R-GEN", "repairedOn": TODAY.isoformat()},  # eligible: fine alone
            {"id": "PEN-R-2026", "repairedOn": TODAY.isoformat()},
        ],
    )
    assert early.status_code == 422, early.text
    (problem,) = early.json()["problems"]
    assert (problem["code"], problem["index"], problem["field"]) == (
        "NOT_YET_REPAIRABLE",
        1,
        "repairedOn",
    )
    assert problem["message"].startswith(
        "penalty PEN-R-2026: a SERIOUS penalty decided 2026-05-10 may be repaired from "
        "2027-05-10, after 12 months of publicity, not on 2026-11-24 (NDRC_ORDER_36"
    )
    minor = zone.push("penalty.repair@1", [{"id": "PEN-R-MINOR", "repairedOn": "2026-11-01"}])
    assert minor.status_code == 422
    assert "a MINOR penalty is not published, so not repaired" in minor.text
    assert await fingerprint(ledger) == before  # the whole batch was refused

    # the twin: the penalty past its minimum publicity is repaired
    repaired = zone.push("penalty.repair@1", [{"id": "PEN-R-GEN", "repairedOn": "2026-09-01"}])
    assert repaired.status_code == 202, repaired.text
    rows, _, _ = await ledger.execute_query(
        "MATCH (p:Penalty) WHERE p.repairedOn IS NOT NULL RETURN p.id AS id, p.repairedOn AS on",
        database_=DATABASE,
    )
    assert [(r["id"], r["on"].iso_format()) for r in rows] == [("PEN-R-GEN", "2026-09-01")]


# --- the enterprise's application -------------------------------------------------------------


async def test_an_application_before_the_minimum_publicity_is_refused_with_the_eligible_day(
    ledger: AsyncDriver, hub_url: str, zone: Zone
) -> None:
    own = await token_for(hub_url, ledger, "enterprise", institution=uscc(1))
    extensions, message = refusal(
        await ask(hub_url, own, APPLY, r="PEN-R-2026", c=PROOF, k=PROMISE)
    )
    assert extensions == {"code": "BAD_USER_INPUT", "argument": "recordId"}
    assert "may be repaired from 2027-05-10" in message and "NDRC_ORDER_36" in message

    # the twin: a 2025 penalty falls under Order 58, whose minimum passed on 2025-09-10
    filed = (await ask(hub_url, own, APPLY, r="PEN-R-2025", c=PROOF, k=PROMISE))["data"]
    application = filed["applyForRepair"]
    assert application | {"id": None, "basis": None} == {
        "id": None,
        "recordId": "PEN-R-2025",
        "recordKind": "Penalty",
        "department": "TAX",
        "uscc": uscc(1),
        "status": "PENDING",
        "eligibleFrom": "2025-09-10",
        "regime": "NDRC_ORDER_58",
        "basis": None,
        "decidedOn": None,
        "decision": None,
    }
    assert application["basis"].startswith("NDRC Order 58 of 2023")
    # and a 2026 penalty past its minimum falls under Order 36
    general = (await ask(hub_url, own, APPLY, r="PEN-R-GEN", c=PROOF, k=PROMISE))["data"]
    assert general["applyForRepair"]["regime"] == "NDRC_ORDER_36"
    assert general["applyForRepair"]["eligibleFrom"] == "2026-09-01"
    assert general["applyForRepair"]["basis"].startswith("NDRC Order 36")


async def test_bad_applications_are_refused_with_the_reason(
    ledger: AsyncDriver, hub_url: str, zone: Zone
) -> None:
    own = await token_for(hub_url, ledger, "enterprise", institution=uscc(1))
    assert "errors" not in await ask(hub_url, own, APPLY, r="PEN-R-2025", c=PROOF, k=PROMISE)
    for record, proof, promise, argument, says in (
        ("PEN-R-MINOR", PROOF, PROMISE, "recordId", "a MINOR penalty is not published"),
        ("PEN-R-2025", PROOF, PROMISE, "recordId", "is pending since 2026-11-24"),
        ("PEN-R-OTHER", PROOF, PROMISE, "recordId", "has no penalty 'PEN-R-OTHER'"),
        ("NOPE", PROOF, PROMISE, "recordId", "has no penalty 'NOPE'"),
        ("PEN-R-GEN", " paid ", PROMISE, "correction", "must be 10 to 4000 characters, got 4"),
        ("PEN-R-GEN", PROOF, "", "commitment", "must be 10 to 2000 characters, got 0"),
        (
            "PEN-R-GEN",
            "paid in full \u202eeno on time",
            PROMISE,
            "correction",
            "contains control or text-direction characters; send plain text",
        ),
        ("PEN-R-GEN", PROOF, "we commit\x00 to pay", "commitment", "control or text-direction"),
    ):
        extensions, message = refusal(await ask(hub_url, own, APPLY, r=record, c=proof, k=promise))
        assert extensions == {"code": "BAD_USER_INPUT", "argument": argument}, message
        assert says in message
    tax = await token_for(hub_url, ledger, "tax")
    extensions, _ = refusal(await ask(hub_url, tax, APPLY, r="PEN-R-GEN", c=PROOF, k=PROMISE))
    assert extensions["code"] == "FORBIDDEN"
    assert await applications(ledger) == [("PEN-R-2025", "PENDING")]  # nothing else filed

    # an already repaired penalty
    assert (
        zone.push("penalty.repair@1", [{"id": "PEN-R-GEN", "repairedOn": "2026-10-01"}])
    ).status_code == 202
    _, message = refusal(await ask(hub_url, own, APPLY, r="PEN-R-GEN", c=PROOF, k=PROMISE))
    assert "was already repaired on 2026-10-01" in message


# --- the department's decision, and the end of sharing ----------------------------------------


async def test_a_granted_repair_ends_sharing_with_customs_and_is_rated(
    ledger: AsyncDriver, agency: Any, hub_url: str, zone: Zone
) -> None:
    own = await token_for(hub_url, ledger, "enterprise", institution=uscc(1))
    tax = await token_for(hub_url, ledger, "tax")
    customs = await token_for(hub_url, ledger, "customs")
    regulator = await token_for(hub_url, ledger, "regulator")
    filed = await ask(hub_url, own, APPLY, r="PEN-R-GEN", c=PROOF, k=PROMISE)
    application = filed["data"]["applyForRepair"]["id"]

    # the queue: TAX's, not customs'; audit reads any department's
    pending = {"recordId": "PEN-R-GEN", "uscc": uscc(1), "status": "PENDING"}
    queue = (await ask(hub_url, tax, QUEUE))["data"]["repairApplications"]["edges"]
    assert [e["node"] for e in queue] == [pending]
    assert (await ask(hub_url, customs, QUEUE))["data"]["repairApplications"] == {"edges": []}
    extensions, _ = refusal(await ask(hub_url, customs, QUEUE, d="TAX"))
    assert extensions["code"] == "FORBIDDEN"
    queue = (await ask(hub_url, regulator, QUEUE, d="TAX"))["data"]["repairApplications"]
    assert [e["node"] for e in queue["edges"]] == [pending]
    factors = (await ask(hub_url, own, FACTORS, u=uscc(1)))["data"]["creditProfile"]["factors"]
    assert ["PEN-R-GEN"] in [f["evidence"] for f in factors]
    score = await stored_score(ledger, 1)

    # only the penalty's department decides, and not before the minimum publicity
    customs_agency = await agency("customs-rep", Department.CUSTOMS, ["repair.decision@1"])
    zone.tokens["customs-rep"] = await token_for(
        hub_url, ledger, "connector", institution="customs-rep"
    )
    before = await fingerprint(ledger)
    foreign = zone.push("repair.decision@1", [decision(application, "GRANTED")], customs_agency)
    assert foreign.status_code == 422 and "UNKNOWN_REFERENCE" in foreign.text
    backdated = zone.push(
        "repair.decision@1", [decision(application, "GRANTED", dt.date(2026, 8, 31))]
    )
    assert backdated.status_code == 422, backdated.text
    (problem,) = backdated.json()["problems"]
    assert (problem["code"], problem["field"]) == ("NOT_YET_REPAIRABLE", "decidedOn")
    # a decision cannot answer an application before it was filed (nor rewrite past ratings)
    assert problem["message"] == (
        "penalty PEN-R-GEN: decided on 2026-08-31, before the application was filed on 2026-11-24"
    )
    assert await fingerprint(ledger) == before
    future = zone.push("repair.decision@1", [decision(application, "GRANTED", dt.date(2030, 1, 1))])
    assert future.status_code == 422, future.text
    (problem,) = future.json()["problems"]
    assert problem["message"] == (
        "penalty PEN-R-GEN: decided on 2030-01-01, after today (2026-11-24)"
    )
    assert await fingerprint(ledger) == before

    granted = zone.push("repair.decision@1", [decision(application, "GRANTED")])
    assert granted.status_code == 202, granted.text

    # repaired today: gone from customs' view, kept for the enterprise, TAX and audit
    def seen(body: dict[str, Any]) -> dict[str, str | None]:
        return {p["id"]: p["repairedOn"] for p in body["data"]["enterprise"]["penalties"]}

    unrepaired = {"PEN-R-2025": None, "PEN-R-2026": None, "PEN-R-MINOR": None}
    everything = unrepaired | {"PEN-R-GEN": "2026-11-24"}
    assert seen(await ask(hub_url, customs, PENALTIES, u=uscc(1))) == unrepaired
    for token in (own, tax, regulator):
        assert seen(await ask(hub_url, token, PENALTIES, u=uscc(1))) == everything
    # the enterprise was re-rated: the repaired penalty no longer counts
    factors = (await ask(hub_url, own, FACTORS, u=uscc(1)))["data"]["creditProfile"]["factors"]
    assert ["PEN-R-GEN"] not in [f["evidence"] for f in factors]
    assert await stored_score(ledger, 1) > score
    assert (await ask(hub_url, own, MINE))["data"]["myRepairApplications"] == [
        {
            "recordId": "PEN-R-GEN",
            "status": "GRANTED",
            "decidedOn": "2026-11-24",
            "decision": "reviewed: granted",
        }
    ]
    assert (await ask(hub_url, tax, QUEUE))["data"]["repairApplications"] == {"edges": []}


async def test_a_refused_repair_leaves_the_penalty_public(
    ledger: AsyncDriver, hub_url: str, zone: Zone
) -> None:
    own = await token_for(hub_url, ledger, "enterprise", institution=uscc(1))
    customs = await token_for(hub_url, ledger, "customs")
    filed = await ask(hub_url, own, APPLY, r="PEN-R-2025", c=PROOF, k=PROMISE)
    application = filed["data"]["applyForRepair"]["id"]
    score = await stored_score(ledger, 1)

    refused = zone.push("repair.decision@1", [decision(application, "REFUSED")])
    assert refused.status_code == 202, refused.text

    penalties = (await ask(hub_url, customs, PENALTIES, u=uscc(1)))["data"]["enterprise"]
    assert {p["id"]: p["repairedOn"] for p in penalties["penalties"]}["PEN-R-2025"] is None
    assert await stored_score(ledger, 1) == score
    assert (await ask(hub_url, own, MINE))["data"]["myRepairApplications"] == [
        {
            "recordId": "PEN-R-2025",
            "status": "REFUSED",
            "decidedOn": "2026-11-24",
            "decision": "reviewed: refused",
        }
    ]
    # decided: the same decision again is no longer pending; the enterprise may apply again
    again = zone.push("repair.decision@1", [decision(application, "GRANTED")])
    assert again.status_code == 422 and "UNKNOWN_REFERENCE" in again.text
    assert "errors" not in await ask(hub_url, own, APPLY, r="PEN-R-2025", c=PROOF, k=PROMISE)


async def test_a_penalty_whose_publicity_ended_has_nothing_to_repair(
    ledger: AsyncDriver, hub_url: str, zone: Zone
) -> None:
    # GENERAL, decided 2025-01-10 under Order 58, public until 2025-10-10: over by the hub's day
    ended = zone.push("penalty@1", [penalty("PEN-R-OLD", 2, "GENERAL", "2025-01-10", "2025-10-10")])
    assert ended.status_code == 202, ended.text
    other = await token_for(hub_url, ledger, "enterprise", institution=uscc(2))
    extensions, message = refusal(
        await ask(hub_url, other, APPLY, r="PEN-R-OLD", c=PROOF, k=PROMISE)
    )
    assert extensions == {"code": "BAD_USER_INPUT", "argument": "recordId"}
    assert message == (
        "penalty 'PEN-R-OLD': its publicity ended on 2025-10-10; it is no longer published, "
        "so there is nothing to repair"
    )
    # its twin, still public (until 2027-06-01), is applied for
    filed = await ask(hub_url, other, APPLY, r="PEN-R-OTHER", c=PROOF, k=PROMISE)
    assert filed["data"]["applyForRepair"]["status"] == "PENDING"
