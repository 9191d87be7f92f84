"""Objections end to end, against the real Neo4j and a real uvicorn hub: the enterprise files
one through GraphQL, its profiles show the record under objection, and the department's signed
`objection.resolution@1` batch settles it and re-rates the enterprise. The hub is held at a
written-down instant, so the dates the test writes and the day the hub rates as of agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from connector_kit import DATABASE, NOW, Agency, enterprise_record, fingerprint, uscc
from graph_kit import HeldClock, token_for
from neo4j import AsyncDriver

from graph_schema.model import Department

FILE = """mutation($r: String!, $why: String!) {
  fileObjection(recordId: $r, reason: $why) { id recordId recordKind department status }
}"""
OWN = """query($u: String!) {
  enterprise(uscc: $u) {
    listEntries { id removedOn withdrawnOn objectionStatus objectionFiledAt objectionResolvedOn }
    penalties { id severity objectionStatus }
  }
  creditProfile(uscc: $u) { grade score objections { recordId status resolution }
                            listEntries { id } }
}"""
QUEUE = """query($d: Department) {
  objections(department: $d) { edges { node { recordId uscc status } } }
}"""
WHY = "The entry names us, but the judgment was against another company."
TODAY = NOW.date()  # the connectors' fixed time (their keys are valid from 30 days before)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=hub_url, headers=bearer(token), timeout=30) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


async def stored_grade(driver: AsyncDriver, i: int) -> str:
    rows, _, _ = await driver.execute_query(
        "MATCH (e:Enterprise {uscc: $u}) RETURN e.creditGrade AS grade",
        u=uscc(i),
        database_=DATABASE,
    )
    grade: str = rows[0]["grade"]
    return grade


async def objections_and_records(driver: AsyncDriver) -> tuple[int, list[Any]]:
    """The objections and the list entries they would mark."""
    rows, _, _ = await driver.execute_query(
        "OPTIONAL MATCH (o:Objection) WITH count(o) AS n "
        "MATCH (l:ListEntry) RETURN n, properties(l) AS props ORDER BY l.id",
        database_=DATABASE,
    )
    return rows[0]["n"], [r["props"] for r in rows]


def listing(entry_id: str, i: int) -> dict[str, Any]:
    return {
        "id": entry_id,
        "subject": {"uscc": uscc(i)},
        "list": "SERIOUS_DISHONESTY",
        "listedOn": (TODAY - dt.timedelta(days=20)).isoformat(),
        "reason": "contract fraud",
        "basis": "joint punishment memorandum",
    }


def resolution(record_id: str, outcome: str) -> dict[str, Any]:
    return {
        "recordId": record_id,
        "outcome": outcome,
        "resolvedOn": TODAY.isoformat(),
        "reason": f"reviewed: {outcome.lower()}",
    }


class Zone:
    """Two enterprises registered and one listed by SAMR, pushed as signed batches."""

    def __init__(self, hub_url: str, samr: Agency, token: str) -> None:
        self.hub_url, self.samr, self.token = hub_url, samr, token

    def push(
        self,
        record_type: str,
        records: list[dict[str, Any]],
        agency: Agency | None = None,
        token: str | None = None,
    ) -> httpx.Response:
        sender = agency or self.samr
        return httpx.post(
            f"{self.hub_url}/connectors/batches",
            content=sender.batch(record_type, records, created_at=NOW),
            headers=bearer(token or self.token),
            timeout=60,
        )


@pytest.fixture
async def zone(ledger: AsyncDriver, agency: Any, hub_url: str, hub_clock: HeldClock) -> Zone:
    hub_clock.hold(NOW)
    samr = await agency(
        "samr-obj", Department.SAMR, ["samr.enterprise@1", "list.entry@1", "objection.resolution@1"]
    )
    token = await token_for(hub_url, ledger, "connector", institution="samr-obj")
    made = Zone(hub_url, samr, token)
    registered = made.push(
        "samr.enterprise@1",
        [enterprise_record(i, registeredOn="2015-01-01") for i in (1, 2)],
    )
    assert registered.status_code == 202, registered.text
    listed = made.push("list.entry@1", [listing("LST-OBJ-1", 1), listing("LST-OBJ-2", 2)])
    assert listed.status_code == 202, listed.text
    return made


async def test_an_objection_marks_the_record_and_its_removal_re_rates(
    ledger: AsyncDriver, hub_url: str, zone: Zone
) -> None:
    assert await stored_grade(ledger, 1) == "D"
    own = await token_for(hub_url, ledger, "enterprise", institution=uscc(1))
    filed = await ask(hub_url, own, FILE, r="LST-OBJ-1", why=WHY)
    assert filed["data"]["fileObjection"] | {"id": None} == {
        "id": None,
        "recordId": "LST-OBJ-1",
        "recordKind": "ListEntry",
        "department": "SAMR",
        "status": "PENDING",
    }

    # under objection: marked, with its date, in every profile; the rating still counts it
    profile = (await ask(hub_url, own, OWN, u=uscc(1)))["data"]
    (entry,) = profile["enterprise"]["listEntries"]
    assert entry["objectionStatus"] == "PENDING"
    assert dt.datetime.fromisoformat(entry["objectionFiledAt"]).date() == TODAY
    assert profile["creditProfile"]["objections"] == [
        {"recordId": "LST-OBJ-1", "status": "PENDING", "resolution": None}
    ]
    assert profile["creditProfile"]["grade"] == "D"
    # and it is in SAMR's queue, not in customs'
    regulator = await token_for(hub_url, ledger, "regulator")
    queued = (await ask(hub_url, regulator, QUEUE, d="SAMR"))["data"]["objections"]["edges"]
    assert [e["node"] for e in queued] == [
        {"recordId": "LST-OBJ-1", "uscc": uscc(1), "status": "PENDING"}
    ]
    assert (await ask(hub_url, regulator, QUEUE, d="CUSTOMS"))["data"]["objections"] == {
        "edges": []
    }

    answered = zone.push("objection.resolution@1", [resolution("LST-OBJ-1", "REMOVED")])
    assert answered.status_code == 202, answered.text

    # the answer is applied at once: withdrawn, never in force, the rating no longer forced to
    # D: base 80 and nothing else, so M (the model's grade for an enterprise with no trade data)
    assert await stored_grade(ledger, 1) == "M"
    assert await stored_grade(ledger, 2) == "D"  # the other enterprise's entry is untouched
    profile = (await ask(hub_url, own, OWN, u=uscc(1)))["data"]
    (entry,) = profile["enterprise"]["listEntries"]
    listed_on = (TODAY - dt.timedelta(days=20)).isoformat()
    assert entry | {"objectionFiledAt": None} == {
        "id": "LST-OBJ-1",
        "removedOn": listed_on,
        "withdrawnOn": TODAY.isoformat(),
        "objectionStatus": "REMOVED",
        "objectionFiledAt": None,
        "objectionResolvedOn": TODAY.isoformat(),
    }
    credit = profile["creditProfile"]
    assert (credit["grade"], credit["score"], credit["listEntries"]) == ("M", 80, [])
    assert credit["objections"] == [
        {"recordId": "LST-OBJ-1", "status": "REMOVED", "resolution": "reviewed: removed"}
    ]
    assert (await ask(hub_url, regulator, QUEUE, d="SAMR"))["data"]["objections"] == {"edges": []}


async def test_an_upheld_objection_keeps_the_rating_and_frees_the_record(
    ledger: AsyncDriver, hub_url: str, zone: Zone
) -> None:
    own = await token_for(hub_url, ledger, "enterprise", institution=uscc(1))
    assert "errors" not in await ask(hub_url, own, FILE, r="LST-OBJ-1", why=WHY)
    again = await ask(hub_url, own, FILE, r="LST-OBJ-1", why=WHY)
    assert again["errors"][0]["extensions"]["argument"] == "recordId"
    assert "already under objection since" in again["errors"][0]["message"]

    assert (
        zone.push("objection.resolution@1", [resolution("LST-OBJ-1", "UPHELD")]).status_code == 202
    )
    assert await stored_grade(ledger, 1) == "D"
    profile = (await ask(hub_url, own, OWN, u=uscc(1)))["data"]
    assert profile["enterprise"]["listEntries"][0]["objectionStatus"] == "UPHELD"
    assert profile["enterprise"]["listEntries"][0]["withdrawnOn"] is None
    # answered, so the enterprise may object again (with new grounds)
    assert "errors" not in await ask(hub_url, own, FILE, r="LST-OBJ-1", why=WHY + " New proof.")
    statuses = [o["status"] for o in profile["creditProfile"]["objections"]]
    assert statuses == ["UPHELD"]


async def test_bad_objections_are_refused_with_the_reason(
    ledger: AsyncDriver, hub_url: str, zone: Zone
) -> None:
    own = await token_for(hub_url, ledger, "enterprise", institution=uscc(1))
    before = await objections_and_records(ledger)
    for record, why, argument, says in (
        ("LST-OBJ-2", WHY, "recordId", "has no penalty, list entry or classification"),
        ("NOPE", WHY, "recordId", "has no penalty, list entry or classification"),
        ("LST-OBJ-1", "  no  ", "reason", "reason must be 10 to 2000 characters, got 2"),
    ):
        body = await ask(hub_url, own, FILE, r=record, why=why)
        assert body["data"] is None
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
        assert says in error["message"]
    regulator = await token_for(hub_url, ledger, "regulator")
    refused = await ask(hub_url, regulator, FILE, r="LST-OBJ-1", why=WHY)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await objections_and_records(ledger) == before  # nothing was written


async def test_resolutions_only_by_the_records_department_for_a_pending_objection(
    ledger: AsyncDriver, agency: Any, hub_url: str, zone: Zone
) -> None:
    customs = await agency("customs-obj", Department.CUSTOMS, ["objection.resolution@1"])
    customs_token = await token_for(hub_url, ledger, "connector", institution="customs-obj")
    # no objection pending yet
    early = zone.push("objection.resolution@1", [resolution("LST-OBJ-1", "REMOVED")])
    assert early.status_code == 422 and "UNKNOWN_REFERENCE" in early.text
    own = await token_for(hub_url, ledger, "enterprise", institution=uscc(1))
    assert "errors" not in await ask(hub_url, own, FILE, r="LST-OBJ-1", why=WHY)
    before = await fingerprint(ledger)
    # another department may not answer for SAMR's entry
    foreign = zone.push(
        "objection.resolution@1", [resolution("LST-OBJ-1", "REMOVED")], customs, customs_token
    )
    assert foreign.status_code == 422 and "UNKNOWN_REFERENCE" in foreign.text
    # CORRECTED before the corrected entry was sent
    uncorrected = zone.push("objection.resolution@1", [resolution("LST-OBJ-1", "CORRECTED")])
    assert uncorrected.status_code == 422 and "CORRECTED before the corrected" in uncorrected.text
    assert await fingerprint(ledger) == before
    assert await stored_grade(ledger, 1) == "D"

    # the corrected entry (shorter), then CORRECTED
    corrected = listing("LST-OBJ-1", 1) | {"expiresOn": (TODAY - dt.timedelta(days=1)).isoformat()}
    assert zone.push("list.entry@1", [corrected]).status_code == 202
    settled = zone.push("objection.resolution@1", [resolution("LST-OBJ-1", "CORRECTED")])
    assert settled.status_code == 202, settled.text
    assert await stored_grade(ledger, 1) == "M"  # the corrected entry expired yesterday
    profile = (await ask(hub_url, own, OWN, u=uscc(1)))["data"]
    assert profile["enterprise"]["listEntries"][0]["objectionStatus"] == "CORRECTED"


LENDER_VIEW = """query($u: String!) {
  creditProfile(uscc: $u) { objections { recordId recordKind department } } }"""


async def test_a_lender_sees_only_the_objections_to_records_it_may_see(
    ledger: AsyncDriver, hub_url: str, zone: Zone
) -> None:
    """An objection names its record, so a bank under a credit consent sees the objection to
    the published list entry but not the one to a penalty (banks hold no penalties:read); a
    regulator, who may read both records, sees both objections."""
    samr = zone.samr
    penalty = {
        "id": "PEN-OBJ-1",
        "uscc": uscc(1),
        "caseNo": "KF-SAMR-2026-0007",
        "severity": "GENERAL",
        "amountCny": "20000.00",
        "decidedOn": (TODAY - dt.timedelta(days=40)).isoformat(),
        "publicUntil": (TODAY + dt.timedelta(days=200)).isoformat(),
    }
    await ledger.execute_query(
        "MATCH (c:Connector {id: 'samr-obj'}) SET c.recordTypes = c.recordTypes + 'penalty@1'",
        database_=DATABASE,
    )
    assert zone.push("penalty@1", [penalty], agency=samr).status_code == 202
    own = await token_for(hub_url, ledger, "enterprise", institution=uscc(1))
    bank = await token_for(hub_url, ledger, "bank", institution="bank-obj")
    for record in ("LST-OBJ-1", "PEN-OBJ-1"):
        assert "errors" not in await ask(hub_url, own, FILE, r=record, why=WHY)
    granted = await ask(
        hub_url,
        own,
        """mutation($x: DateTime!) { grantConsent(institution: "bank-obj",
           purpose: WORKING_CAPITAL, scopes: ["enterprise:read", "credit:read"],
           expiresAt: $x) { id } }""",
        x=(NOW + dt.timedelta(days=30)).isoformat(),
    )
    assert "errors" not in granted, granted

    async with httpx.AsyncClient(base_url=hub_url, timeout=30) as http:
        answer = await http.post(
            "/graphql",
            json={"query": LENDER_VIEW, "variables": {"u": uscc(1)}},
            headers=bearer(bank) | {"X-Purpose": "credit line review"},
        )
    seen = answer.json()["data"]["creditProfile"]
    assert seen["objections"] == [
        {"recordId": "LST-OBJ-1", "recordKind": "ListEntry", "department": "SAMR"}
    ]
    regulator = await token_for(hub_url, ledger, "regulator")
    seen = (await ask(hub_url, regulator, LENDER_VIEW, u=uscc(1)))["data"]["creditProfile"]
    assert sorted(o["recordId"] for o in seen["objections"]) == ["LST-OBJ-1", "PEN-OBJ-1"]
