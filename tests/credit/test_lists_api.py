"""The consolidated lists, measuresFor and the stored parts of creditProfile through the API.

The graph is `joint_kit.PROPAGATION` (E0 on the serious dishonesty list; Wang, its legal
representative, also represents E1; Li holds 60% of E0), recomputed as of today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from graph_kit import DATABASE, token_for
from joint_kit import PROPAGATION, u
from neo4j import AsyncDriver

from auth.policy import mask_person_name
from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer

LIST = """query($f: JointListFilter, $first: Int, $after: String) {
  jointPunishmentList(filter: $f, first: $first, after: $after) {
    edges { cursor node {
      list cause subjectType uscc enterpriseName person { name } subjectRole relation depth
      validFrom validUntil measures { department measures }
      path { label key relationship }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def build(driver: AsyncDriver) -> None:
    await driver.execute_query(PROPAGATION, u=[u(i) for i in range(4)], database_=DATABASE)
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
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


def nodes(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in body["data"]["jointPunishmentList"]["edges"]]


async def test_a_regulator_reads_every_covered_subject_with_its_path(graph, hub_url) -> None:
    await build(graph)
    regulator = await token_for(hub_url, graph, "regulator")
    rows = nodes(await ask(hub_url, regulator, LIST))
    by_subject = {row["uscc"] or row["person"]["name"]: row for row in rows}
    assert sorted(by_subject) == sorted([u(0), u(1), "Wang Wei", "Li Na"])
    related = by_subject[u(1)]
    assert related["subjectRole"] == "RELATED_ENTERPRISE" and related["depth"] == 1
    assert related["enterpriseName"] == "E1" and related["cause"] == "SD-1"
    assert [(s["label"], s["key"], s["relationship"]) for s in related["path"]] == [
        ("ListEntry", "SD-1", "LISTED"),
        ("Enterprise", u(0), "LEGAL_REPRESENTATIVE_OF"),
        ("Person", None, "LEGAL_REPRESENTATIVE_OF"),  # a person's key is not a list fact
        ("Enterprise", u(1), None),
    ]
    assert (related["validFrom"], related["validUntil"]) == ("2026-03-01", "2029-03-01")


async def test_filters_and_pages(graph, hub_url) -> None:
    await build(graph)
    regulator = await token_for(hub_url, graph, "regulator")
    persons = nodes(await ask(hub_url, regulator, LIST, f={"subjectType": "PERSON"}))
    assert sorted(row["person"]["name"] for row in persons) == ["Li Na", "Wang Wei"]
    # only the covered persons have SAMR measures (barred from office)
    samr = nodes(await ask(hub_url, regulator, LIST, f={"department": "SAMR"}))
    assert sorted(row["subjectType"] for row in samr) == ["PERSON", "PERSON"]
    assert nodes(await ask(hub_url, regulator, LIST, f={"zone": "XINXIANG"})) == []

    first = await ask(hub_url, regulator, LIST, first=3)
    page = first["data"]["jointPunishmentList"]
    assert len(page["edges"]) == 3 and page["pageInfo"]["hasNextPage"]
    rest = await ask(hub_url, regulator, LIST, first=3, after=page["pageInfo"]["endCursor"])
    tail = rest["data"]["jointPunishmentList"]
    assert len(tail["edges"]) == 1 and not tail["pageInfo"]["hasNextPage"]
    seen = [e["cursor"] for e in page["edges"]] + [e["cursor"] for e in tail["edges"]]
    assert len(set(seen)) == 4

    bad = await ask(hub_url, regulator, LIST, f={"department": "POLICE"})
    assert bad["data"] is None or bad["data"]["jointPunishmentList"] is None
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "CUSTOMS" in bad["errors"][0]["message"]  # names the departments it knows


async def test_the_public_sees_published_lists_with_names_masked(graph, hub_url) -> None:
    await build(graph)
    public = await token_for(hub_url, graph, "public")
    rows = nodes(await ask(hub_url, public, LIST))
    names = sorted(row["person"]["name"] for row in rows if row["person"])
    assert len(rows) == 4 and names == sorted(
        [mask_person_name("Wang Wei"), mask_person_name("Li Na")]
    )
    assert "Wang Wei" not in names
    refused = await ask(
        hub_url, public, "{ jointPunishmentList { edges { node { path { personKey } } } } }"
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_enterprise_sees_only_its_own_rows(graph, hub_url) -> None:
    await build(graph)
    own = await token_for(hub_url, graph, "enterprise", institution=u(1))
    rows = nodes(await ask(hub_url, own, LIST))
    assert [(row["uscc"], row["subjectRole"]) for row in rows] == [(u(1), "RELATED_ENTERPRISE")]


MEASURES = """query($u: String!, $d: String!) {
  measuresFor(uscc: $u, department: $d) {
    uscc department grade treatment measures { kind list cause relation measures }
  }
}"""


async def test_measures_for_one_department(graph, hub_url) -> None:
    await build(graph)
    customs = await token_for(hub_url, graph, "customs")
    listed = (await ask(hub_url, customs, MEASURES, u=u(0), d="CUSTOMS"))["data"]["measuresFor"]
    assert listed["grade"] == "D"
    assert "inspection of 80% or more" in listed["treatment"]
    [cause] = listed["measures"]
    assert cause["kind"] == "PUNISHMENT" and cause["cause"] == "SD-1"
    assert "no AEO certification" in cause["measures"]

    related = (await ask(hub_url, customs, MEASURES, u=u(1), d="CUSTOMS"))["data"]["measuresFor"]
    assert related["measures"][0]["measures"] == [
        "enhanced document review",
        "no AEO certification while the person is responsible",
    ]
    trusted = (await ask(hub_url, customs, MEASURES, u=u(2), d="CUSTOMS"))["data"]["measuresFor"]
    [incentive] = trusted["measures"]
    assert incentive["kind"] == "INCENTIVE" and incentive["cause"] == "CRITERIA:C-aeo+C-tax"
    assert incentive["measures"][0].startswith("fast lane")


PROFILE = """query($u: String!) {
  creditProfile(uscc: $u) {
    grade classifications { department value }
    listEntries { id list inForce }
    measures(department: "BANK") { cause measures }
    history { grade score modelVersion supersededAt }
  }
}"""


async def test_credit_profile_carries_classifications_entries_measures_and_history(
    graph, hub_url
) -> None:
    await build(graph)
    tax = await token_for(hub_url, graph, "tax")
    listed = (await ask(hub_url, tax, PROFILE, u=u(0)))["data"]["creditProfile"]
    assert listed["listEntries"] == [{"id": "SD-1", "list": "SERIOUS_DISHONESTY", "inForce": True}]
    assert listed["measures"] == [
        {
            "cause": "SD-1",
            "measures": ["no new credit", "existing credit reviewed for early recall"],
        }
    ]
    [stored] = listed["history"]
    assert stored["grade"] == "D" and stored["supersededAt"] is None
    trusted = (await ask(hub_url, tax, PROFILE, u=u(2)))["data"]["creditProfile"]
    assert sorted((c["department"], c["value"]) for c in trusted["classifications"]) == [
        ("CUSTOMS", "ADVANCED_CERTIFIED"),
        ("TAX", "A"),
    ]
