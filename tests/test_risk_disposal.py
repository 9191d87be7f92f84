"""Working risk alerts through the API: a regulator assigns, verifies and closes them (stored,
audited, refused where the state machine or the catalog says so), filters them by disposal
status, orders them, and every list the console pages through says how many rows its filter
keeps (`totalCount`)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from credit.joint_kit import JOINT_GRAPH, USCCS
from graph_kit import DATABASE, HeldClock, eventually, token_for
from neo4j import AsyncDriver

from auth.catalog import load_catalog
from auth.clients import add_client
from auth.principal import ClientKind
from graph_schema.uscc import make_uscc
from hub.credit import load_joint_rules, load_model
from hub.credit.recompute import CreditRecomputer

NOON = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
AT = "2026-11-02T12:00:00+00:00"


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"RD{i:06d}")


# Four alerts over four enterprises: (id, severity, detected on, subjects, cleared on).
ALERTS = """
UNWIND range(0, 3) AS i
CREATE (:Enterprise {uscc: $u[i], name: 'D' + i, zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
WITH collect(1) AS done
UNWIND [['RA-a', 'HIGH', '2026-10-01', [0, 1], null],
        ['RA-b', 'LOW', '2026-10-20', [2], null],
        ['RA-c', 'MEDIUM', '2026-10-10', [3], null],
        ['RA-d', 'HIGH', '2026-10-25', [3], '2026-10-30']] AS a
CREATE (r:RiskAlert {id: a[0], kind: 'SHARED_ADDRESS', severity: a[1],
        reason: 'enterprises share an address', subjects: [i IN a[3] | $u[i]], evidence: ['x'],
        zones: ['KAIFENG'], basis: 'zone risk rules', detectedOn: date(a[2]),
        lastSeenOn: date(a[2]), clearedOn: date(a[4])})
WITH r
UNWIND r.subjects AS uscc
MATCH (e:Enterprise {uscc: uscc})
CREATE (e)-[:ALERTED]->(r)
"""

DISPOSAL = "disposal { status assignee result steps { action by at note assignee result } }"
ASSIGN = f"""mutation Assign($id: String!, $to: String!, $note: String! = "") {{
  assignRiskAlert(id: $id, assignee: $to, note: $note) {{ id {DISPOSAL} }} }}"""
VERIFY = f"""mutation Verify($id: String!, $note: String!) {{
  recordRiskAlertVerification(id: $id, note: $note) {{ id {DISPOSAL} }} }}"""
CLOSE = f"""mutation Close($id: String!, $result: DisposalResult!, $note: String!) {{
  closeRiskAlert(id: $id, result: $result, note: $note) {{ id {DISPOSAL} }} }}"""
LIST = f"""query($f: RiskAlertFilter, $first: Int, $after: String, $o: RiskAlertOrder) {{
  riskAlerts(filter: $f, first: $first, after: $after, orderBy: $o) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ id {DISPOSAL} }} }} }} }}"""


async def ask(
    hub_url: str, token: str, query: str, purpose: str | None = None, **variables: Any
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} | ({"X-Purpose": purpose} if purpose else {})
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=30) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


async def client_of(
    hub_url: str, driver: AsyncDriver, kind: str, scopes: list[str] | None = None
) -> tuple[str, str]:
    """A new client of `kind` (its default grant unless `scopes`): its id and a token."""
    granted = (
        scopes if scopes is not None else sorted(load_catalog().default_scopes(ClientKind(kind)))
    )
    client, secret = await add_client(driver, DATABASE, kind=ClientKind(kind), scopes=granted)
    async with httpx.AsyncClient(base_url=hub_url) as http:
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, secret or ""),
        )
    response.raise_for_status()
    return client.client_id, response.json()["access_token"]


def step(action: str, by: str, note: str, assignee: str | None = None, result: str | None = None):
    return {
        "action": action,
        "by": by,
        "at": AT,
        "note": note,
        "assignee": assignee,
        "result": result,
    }


def refusal(body: dict[str, Any]) -> tuple[str, str]:
    """The code and message of a refused mutation (its answer null)."""
    assert body["data"] is None, body
    [error] = body["errors"]
    return error["extensions"]["code"], error["message"]


@pytest.fixture
async def alerts(graph: AsyncDriver, hub_clock: HeldClock) -> AsyncDriver:
    hub_clock.hold(NOON)
    await graph.execute_query(ALERTS, u=[u(i) for i in range(4)], database_=DATABASE)
    return graph


async def test_a_regulator_assigns_verifies_and_closes_an_alert(alerts, hub_url) -> None:
    me, regulator = await client_of(hub_url, alerts, "regulator")
    assigned = await ask(hub_url, regulator, ASSIGN, id="RA-a", to="Li Wei", note="On site.")
    assert assigned == {
        "data": {
            "assignRiskAlert": {
                "id": "RA-a",
                "disposal": {
                    "status": "ASSIGNED",
                    "assignee": "Li Wei",
                    "result": None,
                    "steps": [step("ASSIGNED", me, "On site.", assignee="Li Wei")],
                },
            }
        }
    }
    verified = await ask(hub_url, regulator, VERIFY, id="RA-a", note="Both firms at one desk.")
    assert verified["data"]["recordRiskAlertVerification"]["disposal"]["status"] == "VERIFIED"
    closed = await ask(
        hub_url, regulator, CLOSE, id="RA-a", result="REFERRED", note="Sent to SAMR."
    )
    expected = {
        "status": "CLOSED",
        "assignee": "Li Wei",
        "result": "REFERRED",
        "steps": [
            step("ASSIGNED", me, "On site.", assignee="Li Wei"),
            step("VERIFIED", me, "Both firms at one desk."),
            step("CLOSED", me, "Sent to SAMR.", result="REFERRED"),
        ],
    }
    assert closed == {"data": {"closeRiskAlert": {"id": "RA-a", "disposal": expected}}}
    # stored: another regulator reads the same disposal in the list
    _, other = await client_of(hub_url, alerts, "regulator")
    listed = await ask(hub_url, other, LIST, f={"disposalStatus": "CLOSED"})
    assert listed["data"]["riskAlerts"]["edges"] == [{"node": {"id": "RA-a", "disposal": expected}}]
    # an alert never worked is OPEN with no step
    [open_b] = [
        e["node"]
        for e in (await ask(hub_url, other, LIST))["data"]["riskAlerts"]["edges"]
        if e["node"]["id"] == "RA-b"
    ]
    assert open_b["disposal"] == {"status": "OPEN", "assignee": None, "result": None, "steps": []}


async def test_an_alert_is_reassigned_and_may_close_without_a_verification(alerts, hub_url) -> None:
    me, regulator = await client_of(hub_url, alerts, "regulator")
    await ask(hub_url, regulator, ASSIGN, id="RA-b", to="Li Wei")
    again = await ask(hub_url, regulator, ASSIGN, id="RA-b", to="zhang.min", note="Li is away.")
    disposal = again["data"]["assignRiskAlert"]["disposal"]
    assert (disposal["status"], disposal["assignee"]) == ("ASSIGNED", "zhang.min")
    closed = await ask(hub_url, regulator, CLOSE, id="RA-b", result="NO_RISK_FOUND", note="Ok.")
    assert closed["data"]["closeRiskAlert"]["disposal"]["steps"] == [
        step("ASSIGNED", me, "", assignee="Li Wei"),
        step("ASSIGNED", me, "Li is away.", assignee="zhang.min"),
        step("CLOSED", me, "Ok.", result="NO_RISK_FOUND"),
    ]


async def test_a_step_the_status_does_not_allow_is_refused_naming_the_status(
    alerts, hub_url
) -> None:
    _, regulator = await client_of(hub_url, alerts, "regulator")
    early = await ask(hub_url, regulator, VERIFY, id="RA-c", note="Checked.")
    assert refusal(early) == (
        "BAD_USER_INPUT",
        "the alert's disposal is OPEN: it can be given a verification only when ASSIGNED or "
        "VERIFIED",
    )
    early = await ask(hub_url, regulator, CLOSE, id="RA-c", result="NO_RISK_FOUND", note="x")
    assert refusal(early) == (
        "BAD_USER_INPUT",
        "the alert's disposal is OPEN: it can be closed only when ASSIGNED or VERIFIED",
    )
    await ask(hub_url, regulator, ASSIGN, id="RA-c", to="Li Wei")
    no_note = await ask(hub_url, regulator, CLOSE, id="RA-c", result="NO_RISK_FOUND", note=" ")
    assert refusal(no_note) == ("BAD_USER_INPUT", "note is required")
    assert no_note["errors"][0]["extensions"]["argument"] == "note"
    long = await ask(hub_url, regulator, VERIFY, id="RA-c", note="n" * 2001)
    assert refusal(long) == ("BAD_USER_INPUT", "note must be at most 2000 characters, got 2001")
    await ask(hub_url, regulator, CLOSE, id="RA-c", result="RISK_CONFIRMED", note="Shell firms.")
    for late in (
        await ask(hub_url, regulator, ASSIGN, id="RA-c", to="zhang.min"),
        await ask(hub_url, regulator, VERIFY, id="RA-c", note="More."),
    ):
        assert refusal(late) == (
            "BAD_USER_INPUT",
            "the alert's disposal is CLOSED: a closed alert is final",
        )
    unknown = await ask(hub_url, regulator, ASSIGN, id="RA-zz", to="Li Wei")
    assert refusal(unknown) == ("BAD_USER_INPUT", "there is no risk alert 'RA-zz'")
    # the refusals left nothing behind: one assignment and one closing
    [alert] = (await ask(hub_url, regulator, LIST, f={"disposalStatus": "CLOSED"}))["data"][
        "riskAlerts"
    ]["edges"]
    assert [s["action"] for s in alert["node"]["disposal"]["steps"]] == ["ASSIGNED", "CLOSED"]


async def test_customs_and_the_enterprise_may_not_dispose_a_regulator_may(alerts, hub_url) -> None:
    _, customs = await client_of(hub_url, alerts, "customs")
    refused = await ask(hub_url, customs, ASSIGN, id="RA-a", to="Li Wei")
    code, _ = refusal(refused)
    assert code == "FORBIDDEN"
    assert refused["errors"][0]["extensions"]["reason"] == "missing_scope"
    assert refused["errors"][0]["extensions"]["scopes"] == ["risk:dispose"]
    enterprise = await token_for(hub_url, alerts, "enterprise", institution=u(0))
    assert refusal(await ask(hub_url, enterprise, ASSIGN, id="RA-a", to="me"))[0] == "FORBIDDEN"
    # a regulator's client granted only the reads (no risk:dispose) reads, but may not close
    reads = sorted(load_catalog().default_scopes(ClientKind.REGULATOR) - {"risk:dispose"})
    _, reader = await client_of(hub_url, alerts, "regulator", scopes=reads)
    assert refusal(await ask(hub_url, reader, ASSIGN, id="RA-a", to="Li Wei"))[0] == "FORBIDDEN"
    still = await ask(hub_url, reader, LIST, f={"disposalStatus": "OPEN"})
    assert still["data"]["riskAlerts"]["totalCount"] == 3  # RA-a, RA-b, RA-c: untouched

    # the twin: the regulator's default grant assigns and closes
    _, regulator = await client_of(hub_url, alerts, "regulator")
    assigned = await ask(hub_url, regulator, ASSIGN, id="RA-a", to="Li Wei")
    assert assigned["data"]["assignRiskAlert"]["disposal"]["status"] == "ASSIGNED"
    closed = await ask(hub_url, regulator, CLOSE, id="RA-a", result="NO_RISK_FOUND", note="Ok.")
    assert closed["data"]["closeRiskAlert"]["disposal"]["status"] == "CLOSED"
    refused = await ask(hub_url, customs, CLOSE, id="RA-b", result="NO_RISK_FOUND", note="Ok.")
    assert refusal(refused)[0] == "FORBIDDEN"


async def test_two_officers_closing_at_once_close_it_once(alerts, hub_url) -> None:
    _, regulator = await client_of(hub_url, alerts, "regulator")
    await ask(hub_url, regulator, ASSIGN, id="RA-a", to="Li Wei")
    answers = await asyncio.gather(
        *(
            ask(hub_url, regulator, CLOSE, id="RA-a", result=result, note="Done.")
            for result in ("RISK_CONFIRMED", "NO_RISK_FOUND")
        )
    )
    done = [a for a in answers if a.get("data")]
    refused = [refusal(a) for a in answers if not a.get("data")]
    assert len(done) == 1
    assert refused == [
        ("BAD_USER_INPUT", "the alert's disposal is CLOSED: a closed alert is final")
    ]
    [alert] = (await ask(hub_url, regulator, LIST, f={"disposalStatus": "CLOSED"}))["data"][
        "riskAlerts"
    ]["edges"]
    assert [s["action"] for s in alert["node"]["disposal"]["steps"]] == ["ASSIGNED", "CLOSED"]


async def test_a_disposal_step_is_in_the_audit_trail_of_the_alerts_enterprises(
    alerts, hub_url
) -> None:
    _, regulator = await client_of(hub_url, alerts, "regulator")
    why = "dispose of RA-a"
    answer = await ask(hub_url, regulator, ASSIGN, why, id="RA-a", to="Li Wei")
    assert answer["data"]["assignRiskAlert"]["disposal"]["status"] == "ASSIGNED"
    e0, e2 = [await token_for(hub_url, alerts, "enterprise", institution=u(i)) for i in (0, 2)]
    log = "{ myAccessLog(first: 20) { operation purpose enterprises fields outcome } }"

    async def logged() -> list[dict[str, Any]]:
        entries = (await ask(hub_url, e0, log))["data"]["myAccessLog"]
        return [e for e in entries if e["purpose"] == why]

    assert await eventually(logged) == [
        {
            "operation": "Assign",
            "purpose": why,
            "enterprises": [u(0)],
            "fields": ["assignRiskAlert.disposal", "assignRiskAlert.id"],
            "outcome": "ok",
        }
    ]
    assert [
        e for e in (await ask(hub_url, e2, log))["data"]["myAccessLog"] if e["purpose"] == why
    ] == []


async def test_filter_by_disposal_status_order_and_pages_with_a_total(alerts, hub_url) -> None:
    _, regulator = await client_of(hub_url, alerts, "regulator")
    await ask(hub_url, regulator, ASSIGN, id="RA-c", to="Li Wei")

    def ids(body: dict[str, Any]) -> list[str]:
        return [e["node"]["id"] for e in body["data"]["riskAlerts"]["edges"]]

    # newest first by default; RA-d was cleared, so left out unless asked
    everything = await ask(hub_url, regulator, LIST)
    assert ids(everything) == ["RA-b", "RA-c", "RA-a"]
    assert everything["data"]["riskAlerts"]["totalCount"] == 3
    with_cleared = await ask(hub_url, regulator, LIST, f={"includeCleared": True})
    assert ids(with_cleared) == ["RA-d", "RA-b", "RA-c", "RA-a"]
    by_severity = await ask(hub_url, regulator, LIST, f={"includeCleared": True}, o="SEVERITY_DESC")
    assert ids(by_severity) == ["RA-d", "RA-a", "RA-c", "RA-b"]

    open_ = await ask(hub_url, regulator, LIST, f={"disposalStatus": "OPEN"})
    assert (ids(open_), open_["data"]["riskAlerts"]["totalCount"]) == (["RA-b", "RA-a"], 2)
    assigned = await ask(hub_url, regulator, LIST, f={"disposalStatus": "ASSIGNED"})
    assert (ids(assigned), assigned["data"]["riskAlerts"]["totalCount"]) == (["RA-c"], 1)
    closed = await ask(hub_url, regulator, LIST, f={"disposalStatus": "CLOSED"})
    assert (ids(closed), closed["data"]["riskAlerts"]["totalCount"]) == ([], 0)

    # pages in severity order: the total is the filter's, on every page
    f = {"includeCleared": True}
    first = await ask(hub_url, regulator, LIST, f=f, first=3, o="SEVERITY_DESC")
    page = first["data"]["riskAlerts"]
    assert (ids(first), page["totalCount"], page["pageInfo"]["hasNextPage"]) == (
        ["RA-d", "RA-a", "RA-c"],
        4,
        True,
    )
    after = page["pageInfo"]["endCursor"]
    rest = await ask(hub_url, regulator, LIST, f=f, first=3, after=after, o="SEVERITY_DESC")
    tail = rest["data"]["riskAlerts"]
    assert (ids(rest), tail["totalCount"], tail["pageInfo"]["hasNextPage"]) == (["RA-b"], 4, False)
    # a cursor of one order does not page another
    mixed = await ask(hub_url, regulator, LIST, f=f, first=3, after=after)
    assert mixed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "SEVERITY_DESC order" in mixed["errors"][0]["message"]


OBJECTIONS = """query($d: Department, $first: Int) { objections(department: $d, first: $first) {
  totalCount pageInfo { hasNextPage } edges { node { id } } } }"""
REPAIRS = """query($d: Department, $first: Int) {
  repairApplications(department: $d, first: $first) {
    totalCount pageInfo { hasNextPage } edges { node { id } } } }"""

QUEUES = """
CREATE (e:Enterprise {uscc: $u, name: 'Q', zone: 'KAIFENG', status: 'ACTIVE',
                      registeredOn: date('2020-01-01')})
WITH e
UNWIND [['O-1', 'P-1', 'Penalty', 'CUSTOMS', '2026-10-01T10:00:00Z'],
        ['O-2', 'P-2', 'Penalty', 'TAX', '2026-10-02T10:00:00Z'],
        ['O-3', 'P-3', 'Penalty', 'TAX', '2026-10-03T10:00:00Z']] AS o
CREATE (e)-[:PENALISED]->(p:Penalty {id: o[1], department: o[3]})
CREATE (e)-[:OBJECTED]->(:Objection {id: o[0], recordId: o[1], recordLabel: o[2],
        department: o[3], uscc: $u, reason: 'not ours at all', filedAt: datetime(o[4]),
        status: 'PENDING'})-[:CONCERNS]->(p)
CREATE (e)-[:APPLIED_FOR_REPAIR]->(:RepairApplication {id: 'R' + o[0], recordId: o[1],
        recordLabel: 'Penalty', department: o[3], uscc: $u, correction: 'fixed',
        commitment: 'we comply', filedAt: datetime(o[4]), status: 'PENDING',
        eligibleFrom: date('2026-01-01'), regime: 'NDRC_ORDER_58', basis: 'NDRC Order 58'})
  -[:CONCERNS]->(p)
"""


async def test_objection_and_repair_queues_count_what_their_filter_keeps(graph, hub_url) -> None:
    await graph.execute_query(QUEUES, u=u(9), database_=DATABASE)
    regulator = await token_for(hub_url, graph, "regulator")
    objections = (await ask(hub_url, regulator, OBJECTIONS, first=2))["data"]["objections"]
    assert (len(objections["edges"]), objections["totalCount"]) == (2, 3)
    assert objections["pageInfo"]["hasNextPage"]
    tax = (await ask(hub_url, regulator, OBJECTIONS, d="TAX"))["data"]["objections"]
    assert tax["totalCount"] == 2
    repairs = (await ask(hub_url, regulator, REPAIRS, first=1))["data"]["repairApplications"]
    assert (len(repairs["edges"]), repairs["totalCount"]) == (1, 3)
    # a department reads (and counts) its own penalties' applications
    customs = await token_for(hub_url, graph, "customs")
    own = (await ask(hub_url, customs, REPAIRS))["data"]["repairApplications"]
    assert (own["edges"], own["totalCount"]) == ([{"node": {"id": "RO-1"}}], 1)
    # the enterprise counts its own
    mine = await token_for(hub_url, graph, "enterprise", institution=u(9))
    assert (await ask(hub_url, mine, OBJECTIONS))["data"]["objections"]["totalCount"] == 3


JOINT = """query($f: JointListFilter, $first: Int, $after: String) {
  jointPunishmentList(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""


async def test_a_joint_list_counts_the_rows_the_caller_may_see(graph, hub_url, hub_clock) -> None:
    hub_clock.hold(NOON)
    await graph.execute_query(JOINT_GRAPH, u=USCCS, database_=DATABASE)
    recomputer = CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules())
    await recomputer.recompute_all(NOON.date())
    regulator = await token_for(hub_url, graph, "regulator")
    first = (await ask(hub_url, regulator, JOINT, first=3))["data"]["jointPunishmentList"]
    assert (len(first["edges"]), first["totalCount"]) == (3, 5)  # E0, Wang, E4, Sun, Qian
    after = first["pageInfo"]["endCursor"]
    rest = (await ask(hub_url, regulator, JOINT, first=3, after=after))["data"]
    assert (
        len(rest["jointPunishmentList"]["edges"]),
        rest["jointPunishmentList"]["totalCount"],
    ) == (
        2,
        5,
    )
    persons = await ask(hub_url, regulator, JOINT, f={"subjectType": "PERSON"})
    assert persons["data"]["jointPunishmentList"]["totalCount"] == 3
    # the public counts only what it sees: the listed subjects E0, E4 and Qian
    public = await token_for(hub_url, graph, "public")
    seen = (await ask(hub_url, public, JOINT))["data"]["jointPunishmentList"]
    assert (len(seen["edges"]), seen["totalCount"]) == (3, 3)
