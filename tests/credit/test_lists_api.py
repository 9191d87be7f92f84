"""The consolidated lists, measuresFor and the stored parts of creditProfile through the API.

The graph is `joint_kit.JOINT_GRAPH` (E0 on the serious dishonesty list, its legal
representative Wang also representing and wholly holding E1; E3 on the abnormal operation
list; E4 and the natural person Qian dishonest judgment debtors, Sun E4's legal
representative), recomputed as of today. Under joint rules 2026.2 the punishment rows are E0,
Wang, E4, Sun and Qian; E2 earns incentives by the criteria.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from graph_kit import DATABASE, token_for
from joint_kit import JOINT_GRAPH, USCCS, u
from neo4j import AsyncDriver

from auth.policy import mask_person_name
from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer

LIST = """query($f: JointListFilter, $first: Int, $after: String) {
  jointPunishmentList(filter: $f, first: $first, after: $after) {
    edges { cursor node {
      list cause subjectType uscc enterpriseName person { name } subjectRole relation depth
      validFrom validUntil basis measures { department measures items { measure basis } }
      path { label key relationship }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""

MEASURES = """query($u: String!, $d: String!) {
  measuresFor(uscc: $u, department: $d) {
    uscc department grade measures { kind list cause relation measures items { measure basis } }
  }
}"""


INCENTIVES = """{ jointIncentiveList { edges { node {
  cause uscc measures { department measures items { measure basis } }
} } } }"""


async def build(driver: AsyncDriver) -> None:
    await driver.execute_query(JOINT_GRAPH, u=USCCS, database_=DATABASE)
    # E2 earns incentives: advanced certified and tax A since 2020, nothing against it
    await driver.execute_query(
        """MATCH (e:Enterprise {uscc: $e2})
           CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'C-aeo', department: 'CUSTOMS',
                  scheme: 'CUSTOMS_CREDIT', value: 'ADVANCED_CERTIFIED',
                  effectiveFrom: date('2020-06-01')})
           CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'C-tax', department: 'TAX',
                  scheme: 'TAX_CREDIT', value: 'A', effectiveFrom: date('2021-04-01')})""",
        e2=u(2),
        database_=DATABASE,
    )
    recomputer = CreditRecomputer(driver, DATABASE, load_model(), load_joint_rules())
    await recomputer.recompute_all(dt.datetime.now(dt.UTC).date())


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "joint lists"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


def nodes(body: dict[str, Any], field: str = "jointPunishmentList") -> list[dict[str, Any]]:
    return [edge["node"] for edge in body["data"][field]["edges"]]


def subjects(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(row["uscc"] or row["person"]["name"] for row in rows)


async def test_a_regulator_reads_every_covered_subject_with_its_path(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    regulator = await token_for(hub_url, graph, "regulator")
    rows = nodes(await ask(hub_url, regulator, LIST))
    by_subject = {row["uscc"] or row["person"]["name"]: row for row in rows}
    # E1, 100% held and represented by E0's legal representative, is on no row
    assert sorted(by_subject) == sorted([u(0), u(4), "Wang Wei", "Sun Yu", "Qian Hao"])
    assert all(step["key"] != u(1) for row in rows for step in row["path"])
    wang = by_subject["Wang Wei"]
    assert wang["subjectRole"] == "PERSON" and wang["depth"] == 0 and wang["cause"] == "SD-1"
    assert [(s["label"], s["key"], s["relationship"]) for s in wang["path"]] == [
        ("ListEntry", "SD-1", "LISTED"),
        ("Enterprise", u(0), "LEGAL_REPRESENTATIVE_OF"),
        ("Person", None, None),  # a person's key is not a list fact
    ]
    assert (wang["validFrom"], wang["validUntil"]) == ("2026-03-01", "2029-03-01")


async def test_every_measure_the_api_returns_has_its_basis(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    regulator = await token_for(hub_url, graph, "regulator")
    punished = nodes(await ask(hub_url, regulator, LIST))
    earned = nodes(await ask(hub_url, regulator, INCENTIVES), "jointIncentiveList")
    applied = []
    for uscc in USCCS:
        for department in ("CUSTOMS", "TAX", "BANK", "COURT", "ZONE_ADMIN"):
            found = await ask(hub_url, regulator, MEASURES, u=uscc, d=department)
            applied += found["data"]["measuresFor"]["measures"]
    groups = [group for row in punished + earned for group in row["measures"]] + applied
    assert len(groups) > 10 and len(applied) > 3  # the check saw measures to check
    for group in groups:
        assert group["items"], group
        assert [item["measure"] for item in group["items"]] == group["measures"]
        assert all(item["basis"].strip() for item in group["items"]), group


async def test_filters_and_pages(graph: AsyncDriver, hub_url: str) -> None:
    await build(graph)
    regulator = await token_for(hub_url, graph, "regulator")
    persons = nodes(await ask(hub_url, regulator, LIST, f={"subjectType": "PERSON"}))
    assert subjects(persons) == ["Qian Hao", "Sun Yu", "Wang Wei"]
    # the court's measures: the debtors and the unit debtor's legal representative
    court = nodes(await ask(hub_url, regulator, LIST, f={"department": "COURT"}))
    assert subjects(court) == sorted([u(4), "Qian Hao", "Sun Yu"])
    # the zone administration has measures for listed enterprises only, none for a person
    zone = nodes(await ask(hub_url, regulator, LIST, f={"department": "ZONE_ADMIN"}))
    assert subjects(zone) == sorted([u(0), u(4)])
    assert nodes(await ask(hub_url, regulator, LIST, f={"zone": "XINXIANG"})) == []
    abnormal = {"list": "ABNORMAL_OPERATION"}
    assert nodes(await ask(hub_url, regulator, LIST, f=abnormal)) == []

    first = await ask(hub_url, regulator, LIST, first=3)
    page = first["data"]["jointPunishmentList"]
    assert len(page["edges"]) == 3 and page["pageInfo"]["hasNextPage"]
    rest = await ask(hub_url, regulator, LIST, first=3, after=page["pageInfo"]["endCursor"])
    tail = rest["data"]["jointPunishmentList"]
    assert len(tail["edges"]) == 2 and not tail["pageInfo"]["hasNextPage"]
    seen = [e["cursor"] for e in page["edges"]] + [e["cursor"] for e in tail["edges"]]
    assert len(set(seen)) == 5

    bad = await ask(hub_url, regulator, LIST, f={"department": "POLICE"})
    assert bad["data"] is None or bad["data"]["jointPunishmentList"] is None
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "COURT" in bad["errors"][0]["message"]  # names the departments it knows


async def test_the_public_sees_only_the_listed_subjects_a_department_the_covered_persons(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    public = await token_for(hub_url, graph, "public")
    rows = nodes(await ask(hub_url, public, LIST))
    # E0 and E4 as listed, and Qian, a natural person the court lists (name masked); not
    # Wang nor Sun, whom the hub covers as legal representatives
    assert subjects(rows) == sorted([u(0), u(4), mask_person_name("Qian Hao")])
    assert {row["subjectRole"] for row in rows} == {"ENTERPRISE", "PERSON"}
    assert all(len(row["path"]) == 2 for row in rows)  # the entry and its own subject
    # banks and insurers read the published lists as the public does (names unmasked)
    bank = await token_for(hub_url, graph, "bank", institution="bank-of-kaifeng")
    assert subjects(nodes(await ask(hub_url, bank, LIST))) == sorted([u(0), u(4), "Qian Hao"])
    refused = await ask(
        hub_url, public, "{ jointPunishmentList { edges { node { path { personKey } } } } }"
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # the twin: a department applying the measures sees the covered legal representatives
    samr = await token_for(hub_url, graph, "samr")
    seen = nodes(await ask(hub_url, samr, LIST, f={"subjectType": "PERSON"}))
    assert subjects(seen) == ["Qian Hao", "Sun Yu", "Wang Wei"]


async def test_the_public_red_list_holds_entries_not_incentives_the_hub_derives(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    await graph.execute_query(
        """MATCH (e:Enterprise {uscc: $e3})
           CREATE (e)-[:LISTED]->(:ListEntry {id: 'RL-1', list: 'RED_LIST',
                  department: 'COMMERCE', listedOn: date('2026-01-10')})""",
        e3=u(3),
        database_=DATABASE,
    )
    recomputer = CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules())
    await recomputer.recompute_all(dt.datetime.now(dt.UTC).date())
    public = await token_for(hub_url, graph, "public")
    shown = nodes(await ask(hub_url, public, INCENTIVES), "jointIncentiveList")
    assert [(row["cause"], row["uscc"]) for row in shown] == [("RL-1", u(3))]
    regulator = await token_for(hub_url, graph, "regulator")
    every = nodes(await ask(hub_url, regulator, INCENTIVES), "jointIncentiveList")
    assert sorted((row["cause"], row["uscc"]) for row in every) == [
        ("CRITERIA:C-aeo+C-tax", u(2)),
        ("RL-1", u(3)),
    ]


async def test_an_abnormal_operation_entry_stays_on_the_enterprise(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    samr = await token_for(hub_url, graph, "samr")
    found = await ask(
        hub_url,
        samr,
        "query($u: String!) { enterprise(uscc: $u) { listEntries { id list } } }",
        u=u(3),
    )
    assert found["data"]["enterprise"]["listEntries"] == [
        {"id": "AB-1", "list": "ABNORMAL_OPERATION"}
    ]
    measures = (await ask(hub_url, samr, MEASURES, u=u(3), d="CUSTOMS"))["data"]["measuresFor"]
    assert measures["measures"] == []  # no joint measure follows from it


async def test_an_enterprise_sees_only_its_own_rows(graph: AsyncDriver, hub_url: str) -> None:
    await build(graph)
    own = await token_for(hub_url, graph, "enterprise", institution=u(0))
    rows = nodes(await ask(hub_url, own, LIST))
    assert [(row["uscc"], row["subjectRole"]) for row in rows] == [(u(0), "ENTERPRISE")]
    related = await token_for(hub_url, graph, "enterprise", institution=u(1))
    assert nodes(await ask(hub_url, related, LIST)) == []


async def test_a_row_stored_before_measures_carried_their_basis_still_reads(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    # a row as joint rules 2026.1 stored it: plain strings, one basis for the row
    await graph.execute_query(
        """MATCH (:Enterprise {uscc: $e0})-[:COVERED_BY]->(c:ListCoverage {cause: 'SD-1'})
           SET c.measures = '{"BANK": ["no new credit"]}', c.departments = ['BANK'],
               c.basis = 'joint punishment memoranda', c.rulesVersion = '2026.1'""",
        e0=u(0),
        database_=DATABASE,
    )
    regulator = await token_for(hub_url, graph, "regulator")
    sd = {"department": "BANK", "list": "SERIOUS_DISHONESTY"}
    [row] = nodes(await ask(hub_url, regulator, LIST, f=sd))
    assert row["uscc"] == u(0) and row["basis"] == "joint punishment memoranda"
    assert row["measures"] == [
        {
            "department": "BANK",
            "measures": ["no new credit"],
            "items": [{"measure": "no new credit", "basis": "joint punishment memoranda"}],
        }
    ]
    found = await ask(hub_url, regulator, MEASURES, u=u(0), d="BANK")
    [cause] = found["data"]["measuresFor"]["measures"]
    assert cause["items"] == [{"measure": "no new credit", "basis": "joint punishment memoranda"}]


async def test_measures_for_one_department(graph: AsyncDriver, hub_url: str) -> None:
    await build(graph)
    regulator = await token_for(hub_url, graph, "regulator")
    listed = (await ask(hub_url, regulator, MEASURES, u=u(0), d="BANK"))["data"]["measuresFor"]
    assert listed["grade"] == "D"
    [cause] = listed["measures"]
    assert cause["kind"] == "PUNISHMENT" and cause["cause"] == "SD-1"
    assert cause["measures"] == ["loans priced for the risk, or restricted"]

    # E1 is held and represented by E0's legal representative: no measure follows
    related = (await ask(hub_url, regulator, MEASURES, u=u(1), d="BANK"))["data"]["measuresFor"]
    assert related["measures"] == []
    trusted = (await ask(hub_url, regulator, MEASURES, u=u(2), d="BANK"))["data"]["measuresFor"]
    [incentive] = trusted["measures"]
    assert incentive["kind"] == "INCENTIVE" and incentive["cause"] == "CRITERIA:C-aeo+C-tax"
    assert incentive["measures"] == ["preferential and convenient financing terms"]

    debtor = (await ask(hub_url, regulator, MEASURES, u=u(4), d="ZONE_ADMIN"))["data"][
        "measuresFor"
    ]
    [court_list] = debtor["measures"]
    assert court_list["measures"] == [
        "refused in government procurement",
        "restricted from government support and subsidies",
    ]


PROFILE = """query($u: String!) {
  creditProfile(uscc: $u) {
    grade classifications { department value }
    listEntries { id list inForce }
    measures(department: "BANK") { cause measures items { basis } }
    history { grade score modelVersion supersededAt }
  }
}"""


async def test_credit_profile_carries_classifications_entries_measures_and_history(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    tax = await token_for(hub_url, graph, "tax")
    listed = (await ask(hub_url, tax, PROFILE, u=u(0)))["data"]["creditProfile"]
    assert listed["listEntries"] == [{"id": "SD-1", "list": "SERIOUS_DISHONESTY", "inForce": True}]
    [measures] = listed["measures"]
    assert measures["cause"] == "SD-1"
    assert measures["measures"] == ["loans priced for the risk, or restricted"]
    assert "33号" in measures["items"][0]["basis"]
    [stored] = listed["history"]
    assert stored["grade"] == "D" and stored["supersededAt"] is None
    trusted = (await ask(hub_url, tax, PROFILE, u=u(2)))["data"]["creditProfile"]
    assert sorted((c["department"], c["value"]) for c in trusted["classifications"]) == [
        ("CUSTOMS", "ADVANCED_CERTIFIED"),
        ("TAX", "A"),
    ]
