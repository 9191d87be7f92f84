"""personCreditProfile on hand-built graphs: the roles, grades, lists, measures, paths and
factors expected are written down here from hub/credit/joint_rules.json (2026.3) and
hub/persons/person_model.json (2026.1), not computed by the code under test.

Wang represents E0 (on the serious dishonesty list, SD-1), holds 30% of E1, was E2's
supervisor until 2022 and E3's legal representative until 2025 (E3's licence was revoked on
2025-10-01), and is a dishonest judgment debtor himself (CT-P). Zhou holds nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from graph_kit import DATABASE, HeldClock, eventually, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc
from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer

AS_OF = dt.date(2026, 11, 1)
NOON = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
E0, E1, E2, E3 = (make_uscc("9", "1", "410200", f"PP{i:06d}") for i in range(4))

GRAPH = """
UNWIND [[$e0, 'Listed Co.', 'ACTIVE', null], [$e1, 'Held Co.', 'ACTIVE', null],
        [$e2, 'Old Co.', 'ACTIVE', null], [$e3, 'Revoked Co.', 'REVOKED', date('2025-10-01')]]
  AS e
CREATE (:Enterprise {uscc: e[0], name: e[1], zone: 'KAIFENG', status: e[2],
                     statusSince: e[3], registeredOn: date('2020-01-01')})
WITH count(*) AS made
MATCH (e0:Enterprise {uscc: $e0}), (e1:Enterprise {uscc: $e1}),
      (e2:Enterprise {uscc: $e2}), (e3:Enterprise {uscc: $e3})
CREATE (wang:Person {personKey: 'wang', name: 'Wang Wei', idMasked: '410102********1234'}),
       (:Person {personKey: 'zhou', name: 'Zhou Min', idMasked: '410102********5678'})
CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(e0),
       (wang)-[:SHAREHOLDER_OF {ratio: 0.3, since: date('2021-01-01')}]->(e1),
       (wang)-[:OFFICER_OF {role: 'SUPERVISOR', since: date('2020-01-01'),
                            until: date('2022-12-31')}]->(e2),
       (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01'),
                                         until: date('2025-12-31')}]->(e3)
CREATE (e0)-[:LISTED]->(:ListEntry {id: 'SD-1', list: 'SERIOUS_DISHONESTY', department: 'SAMR',
        listedOn: date('2026-03-01'), expiresOn: date('2029-03-01'), reason: 'fraud'})
CREATE (wang)-[:LISTED]->(:ListEntry {id: 'CT-P', list: 'COURT_DISHONEST_DEBTOR',
        department: 'COURT', listedOn: date('2026-04-01'), expiresOn: date('2028-04-01'),
        reason: 'judgment unpaid'})
"""

PROFILE = """query($k: String!) { personCreditProfile(personKey: $k) {
  personKey name idMasked asOf level levelLabel forcedBy modelVersion rolesTruncated
  factors { code points evidence paths { label key personKey relationship } }
  roles { relationship role ratio since until current counted uscc enterpriseName status
          statusSince grade listEntries { id list inForce } }
  listEntries { id list department listedOn expiresOn removedOn inForce }
  measures { list cause department relation validFrom validUntil
             measures { department measures items { measure basis } }
             path { label key personKey relationship } }
} }"""


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def zone(graph: AsyncDriver, clock: HeldClock) -> None:
    await graph.execute_query(GRAPH, e0=E0, e1=E1, e2=E2, e3=E3, database_=DATABASE)
    recomputer = CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules())
    await recomputer.recompute_all(AS_OF)
    clock.hold(NOON)


def step(label: str, key: str, relationship: str | None = None) -> dict[str, Any]:
    person = label == "Person"
    return {
        "label": label,
        "key": None if person else key,
        "personKey": key if person else None,
        "relationship": relationship,
    }


async def test_a_listed_representative_shareholder_and_court_debtor(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock
) -> None:
    await zone(graph, hub_clock)
    regulator = await token_for(hub_url, graph, "regulator")
    body = await ask(hub_url, regulator, PROFILE, k="wang")
    assert "errors" not in body, body
    p = body["data"]["personCreditProfile"]

    assert (p["personKey"], p["name"], p["idMasked"]) == ("wang", "Wang Wei", "410102********1234")
    assert (p["asOf"], p["modelVersion"], p["rolesTruncated"]) == ("2026-11-01", "2026.1", False)
    # a list names him: restricted, whatever the points
    assert (p["level"], p["levelLabel"], p["forcedBy"]) == (
        "RESTRICTED",
        "失信受限",
        "OWN_LIST_ENTRY",
    )

    # current ties first (E0, E1), then the past ones (E2, E3); E0 forced to D by SD-1, E1 and
    # E2 M (nothing of their own to judge), E3 N (revoked)
    roles = [
        (
            r["uscc"],
            r["relationship"],
            r["role"],
            r["ratio"],
            r["since"],
            r["until"],
            r["current"],
            r["counted"],
            r["status"],
            r["statusSince"],
            r["grade"],
        )
        for r in p["roles"]
    ]
    assert roles == [
        (
            E0,
            "LEGAL_REPRESENTATIVE_OF",
            None,
            None,
            "2020-01-01",
            None,
            True,
            True,
            "ACTIVE",
            None,
            "D",
        ),
        (E1, "SHAREHOLDER_OF", None, 0.3, "2021-01-01", None, True, True, "ACTIVE", None, "M"),
        (
            E2,
            "OFFICER_OF",
            "SUPERVISOR",
            None,
            "2020-01-01",
            "2022-12-31",
            False,
            False,
            "ACTIVE",
            None,
            "M",
        ),
        (
            E3,
            "LEGAL_REPRESENTATIVE_OF",
            None,
            None,
            "2020-01-01",
            "2025-12-31",
            False,
            False,
            "REVOKED",
            "2025-10-01",
            "N",
        ),
    ]
    assert [r["enterpriseName"] for r in p["roles"]] == [
        "Listed Co.",
        "Held Co.",
        "Old Co.",
        "Revoked Co.",
    ]
    assert p["roles"][0]["listEntries"] == [
        {"id": "SD-1", "list": "SERIOUS_DISHONESTY", "inForce": True}
    ]
    assert [r["listEntries"] for r in p["roles"][1:]] == [[], [], []]

    assert p["listEntries"] == [
        {
            "id": "CT-P",
            "list": "COURT_DISHONEST_DEBTOR",
            "department": "COURT",
            "listedOn": "2026-04-01",
            "expiresOn": "2028-04-01",
            "removedOn": None,
            "inForce": True,
        }
    ]

    measures = {m["cause"]: m for m in p["measures"]}
    assert sorted(measures) == ["CT-P", "SD-1"]
    court, sd = measures["CT-P"], measures["SD-1"]
    # his own listing: the court's high-consumption restriction (SPC 2015 No. 17 art. 3)
    assert (court["list"], court["department"], court["relation"]) == (
        "COURT_DISHONEST_DEBTOR",
        "COURT",
        "on the list of dishonest judgment debtors",
    )
    assert (court["validFrom"], court["validUntil"]) == ("2026-04-01", "2028-04-01")
    assert [m["department"] for m in court["measures"]] == ["COURT"]
    [restriction] = court["measures"][0]["items"]
    assert restriction["measure"].startswith("restricted from high consumption")
    assert "最高人民法院关于限制被执行人高消费" in restriction["basis"]
    assert "art. 3" in restriction["basis"]
    assert court["path"] == [step("Person", "wang", "LISTED"), step("ListEntry", "CT-P")]
    # E0's listing covers its legal representative: commerce's honours measure
    assert (sd["list"], sd["department"], sd["relation"]) == (
        "SERIOUS_DISHONESTY",
        "SAMR",
        "legal representative of the listed enterprise",
    )
    assert (sd["validFrom"], sd["validUntil"]) == ("2026-03-01", "2029-03-01")
    assert sd["measures"][0]["department"] == "COMMERCE"
    assert sd["measures"][0]["measures"] == ["honours revoked; not eligible for commendation"]
    assert sd["path"] == [
        step("Person", "wang", "LEGAL_REPRESENTATIVE_OF"),
        step("Enterprise", E0, "LISTED"),
        step("ListEntry", "SD-1"),
    ]

    # own entry 60; SD-1's measures 40; E3 revoked while he represented it (within 36
    # months) 20; a current role in a grade D enterprise (E0) 10. E0's listing covers him,
    # so it is not counted again as a role in a listed enterprise; E1 is clean.
    factors = {f["code"]: f for f in p["factors"]}
    assert [(f["code"], f["points"], f["evidence"]) for f in p["factors"]] == [
        ("OWN_LIST_ENTRY", 60, ["CT-P"]),
        ("JOINT_MEASURES", 40, ["SD-1"]),
        ("ROLE_IN_REVOKED_ENTERPRISE", 20, [E3]),
        ("ROLE_IN_LOW_GRADE_ENTERPRISE", 10, [E0]),
    ]
    assert factors["JOINT_MEASURES"]["paths"] == [sd["path"]]
    assert factors["ROLE_IN_REVOKED_ENTERPRISE"]["paths"] == [
        [step("Person", "wang", "LEGAL_REPRESENTATIVE_OF"), step("Enterprise", E3)]
    ]


async def test_a_person_with_nothing_is_clear(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock
) -> None:
    await zone(graph, hub_clock)
    regulator = await token_for(hub_url, graph, "regulator")
    body = await ask(hub_url, regulator, PROFILE, k="zhou")
    assert "errors" not in body, body
    p = body["data"]["personCreditProfile"]
    assert (p["name"], p["level"], p["levelLabel"], p["forcedBy"]) == (
        "Zhou Min",
        "CLEAR",
        "无不良信用记录",
        None,
    )
    assert (p["factors"], p["roles"], p["listEntries"], p["measures"]) == ([], [], [], [])


async def test_an_unknown_key_is_null_without_an_error(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock
) -> None:
    await zone(graph, hub_clock)
    regulator = await token_for(hub_url, graph, "regulator")
    body = await ask(hub_url, regulator, PROFILE, k="nobody-0123")
    assert body == {"data": {"personCreditProfile": None}}


async def test_customs_without_pii_read_is_refused_naming_it_and_the_regulator_reads(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock
) -> None:
    await zone(graph, hub_clock)
    query = "query($k: String!) { personCreditProfile(personKey: $k) { name level } }"
    customs = await token_for(hub_url, graph, "customs")
    refused = await ask(hub_url, customs, query, k="wang")
    assert refused["data"] == {"personCreditProfile": None}
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "pii:read" in error["message"]
    assert "Wang" not in str(refused)
    regulator = await token_for(hub_url, graph, "regulator")
    allowed = await ask(hub_url, regulator, query, k="wang")
    assert allowed == {"data": {"personCreditProfile": {"name": "Wang Wei", "level": "RESTRICTED"}}}


async def test_the_audit_trail_names_the_person_key_read(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock
) -> None:
    await zone(graph, hub_clock)
    regulator = await token_for(hub_url, graph, "regulator")
    read = await ask(
        hub_url, regulator, 'query Look { personCreditProfile(personKey: "wang") { level } }'
    )
    assert read["data"]["personCreditProfile"] == {"level": "RESTRICTED"}
    log = "{ auditLog(first: 5) { operation persons enterprises } }"

    async def logged() -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = (await ask(hub_url, regulator, log))["data"]["auditLog"]
        return [e for e in entries if e["operation"] == "Look"]

    # the record is durable in the hub's journal before the answer; the chain is written after
    [entry] = await eventually(logged)
    assert entry["persons"] == ["wang"]
    # the enterprises the answer names (roles and measures' paths), for their access logs
    assert entry["enterprises"] == sorted([E0, E1, E2, E3])


async def test_malformed_keys_are_named_and_an_id_number_is_not_echoed(
    graph: AsyncDriver, hub_url: str
) -> None:
    regulator = await token_for(hub_url, graph, "regulator")
    query = "query($k: String!) { personCreditProfile(personKey: $k) { name } }"
    bad = await ask(hub_url, regulator, query, k="wang key; DROP")
    [error] = bad["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == "personKey"
    assert "is not a person key" in error["message"]
    id_number = "11010519491231002X"
    refused = await ask(hub_url, regulator, query, k=id_number)
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "looks like a resident ID number" in error["message"]
    assert id_number not in str(refused)
    empty = await ask(hub_url, regulator, query, k="")
    assert empty["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
