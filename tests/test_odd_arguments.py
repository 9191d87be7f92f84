"""Arguments an outside review sent that answered with Python's words instead of the hub's:
malformed `_entities` representations, dates at the calendar's ends, a cursor past any seq, a
time without a zone, an X-Purpose the size of a letter. Each is a 400-class answer naming the
argument, beside the well-formed twin that runs. Real hub over HTTP, real Neo4j."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graph_kit import DATABASE, eventually, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc

E1 = make_uscc("9", "1", "410200", "QA000001")
ENTITIES = (
    """query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { name } } }"""
)


@pytest.fixture
async def regulator(graph: AsyncDriver, hub_url: str) -> AsyncIterator[httpx.AsyncClient]:
    await graph.execute_query(
        """CREATE (:Enterprise {uscc: $u, name: 'Odd Args Co.', zone: 'KAIFENG',
                                status: 'ACTIVE', registeredOn: date('2020-01-01')})""",
        u=E1,
        database_=DATABASE,
    )
    token = await token_for(hub_url, graph, "regulator")
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        yield client


async def ask(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refusal(body: dict[str, Any]) -> tuple[str, str, str]:
    [error] = body["errors"]
    extensions = error["extensions"]
    return extensions["code"], extensions["argument"], error["message"]


@pytest.mark.parametrize(
    ("representation", "argument", "message"),
    [
        (
            {"uscc": E1},
            "representations[0].__typename",
            "representations[0] names no __typename: the hub resolves only Enterprise references",
        ),
        (
            {"__typename": "Nope", "uscc": E1},
            "representations[0].__typename",
            "representations[0] names Nope: the hub resolves only Enterprise references",
        ),
        (
            {"__typename": "Enterprise"},
            "representations[0].uscc",
            "representations[0].uscc must be a USCC string",
        ),
        (
            {"__typename": "Enterprise", "uscc": 123},
            "representations[0].uscc",
            "representations[0].uscc must be a USCC string",
        ),
        (
            {"__typename": "Enterprise", "uscc": E1, "name": "x"},
            "representations[0]",
            "representations[0] has keys the Enterprise key does not: name",
        ),
        ("just a string", "representations[0]", "representations[0] is not an object"),
    ],
)
async def test_a_malformed_representation_is_named(
    regulator: httpx.AsyncClient, representation: object, argument: str, message: str
) -> None:
    body = await ask(regulator, ENTITIES, r=[representation])
    assert body["data"] is None  # _entities is non-null: its error nulls the answer
    assert refusal(body) == ("BAD_USER_INPUT", argument, message)


async def test_an_invalid_uscc_in_a_representation_names_its_rule(
    regulator: httpx.AsyncClient,
) -> None:
    body = await ask(regulator, ENTITIES, r=[{"__typename": "Enterprise", "uscc": "abc"}])
    code, argument, _ = refusal(body)
    assert (code, argument) == ("BAD_USER_INPUT", "representations[0].uscc")


async def test_a_well_formed_representation_resolves(regulator: httpx.AsyncClient) -> None:
    body = await ask(regulator, ENTITIES, r=[{"__typename": "Enterprise", "uscc": E1}])
    assert body == {"data": {"_entities": [{"name": "Odd Args Co."}]}}


PROFILE = "query($u: String!, $d: Date) { creditProfile(uscc: $u, asOf: $d) { asOf } }"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1989-12-31"])
async def test_an_as_of_outside_the_hubs_days_is_named(
    regulator: httpx.AsyncClient, day: str
) -> None:
    body = await ask(regulator, PROFILE, u=E1, d=day)
    assert refusal(body) == (
        "BAD_USER_INPUT",
        "asOf",
        f"asOf {day} is outside 1990-01-01 to 2099-12-31",
    )


async def test_an_as_of_inside_them_rates(regulator: httpx.AsyncClient) -> None:
    body = await ask(regulator, PROFILE, u=E1, d="2026-06-30")
    assert body == {"data": {"creditProfile": {"asOf": "2026-06-30"}}}


SINCE = "query($c: String) { changesSince(cursor: $c) { cursor } }"


async def test_a_cursor_past_any_seq_is_a_bad_cursor(regulator: httpx.AsyncClient) -> None:
    cursor = base64.b64encode(("change:" + "9" * 400).encode()).decode()
    body = await ask(regulator, SINCE, c=cursor)
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == (
        "BAD_USER_INPUT",
        "cursor",
    )
    started = await ask(regulator, SINCE, c=None)  # the twin: a cursor of now, then used
    again = await ask(regulator, SINCE, c=started["data"]["changesSince"]["cursor"])
    assert "errors" not in again


AUDIT = "query($s: DateTime) { auditLog(filter: {since: $s}) { seq } }"


async def test_a_time_without_a_zone_is_named_not_silently_empty(
    regulator: httpx.AsyncClient,
) -> None:
    body = await ask(regulator, AUDIT, s="2020-01-01T00:00:00")
    assert refusal(body) == (
        "BAD_USER_INPUT",
        "filter.since",
        "filter.since needs a time zone (e.g. 2026-01-01T00:00:00Z)",
    )
    zoned = await ask(regulator, AUDIT, s="2020-01-01T00:00:00Z")
    assert "errors" not in zoned and isinstance(zoned["data"]["auditLog"], list)


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        ("0001-01-01T00:00:00+14:00", "filter.since is not a time the hub can hold"),
    ],
)
async def test_a_time_the_hub_cannot_hold_is_named(
    regulator: httpx.AsyncClient, moment: str, message: str
) -> None:
    body = await ask(regulator, AUDIT, s=moment)
    assert refusal(body) == ("BAD_USER_INPUT", "filter.since", message)


async def test_an_offset_past_eighteen_hours_is_read_in_utc(regulator: httpx.AsyncClient) -> None:
    # Neo4j holds offsets up to +-18:00 only; the hub reads every filter time in UTC
    body = await ask(regulator, AUDIT, s="2020-01-01T00:00:00+18:01")
    assert "errors" not in body and isinstance(body["data"]["auditLog"], list)


async def test_a_purpose_longer_than_the_limit_is_refused(
    graph: AsyncDriver, hub_url: str, regulator: httpx.AsyncClient
) -> None:
    bank = await token_for(hub_url, graph, "bank", institution="bank-odd")
    query = {"query": "{ enterprises(first: 1) { edges { cursor } } }"}
    headers = {"Authorization": f"Bearer {bank}"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        long = await client.post("/graphql", json=query, headers={"X-Purpose": "x" * 201})
        fits = await client.post("/graphql", json=query, headers={"X-Purpose": "x" * 200})
    assert long.status_code == 400
    assert long.json()["errors"][0]["message"] == (
        "X-Purpose is 201 characters long; state the purpose in at most 200"
    )
    assert fits.status_code == 200 and "errors" not in fits.json()


PURPOSE_LOG = "{ auditLog(first: 20) { operation purpose } }"


async def test_a_chinese_purpose_is_kept_as_written(
    graph: AsyncDriver, hub_url: str, regulator: httpx.AsyncClient
) -> None:
    purpose = "流动资金贷款申请 2026-117"
    query = {"query": "query Chinese { enterprises(first: 1) { edges { cursor } } }"}
    answer = await regulator.post(
        "/graphql", json=query, headers={"X-Purpose": purpose.encode("utf-8")}
    )
    assert answer.status_code == 200 and "errors" not in answer.json()

    async def logged() -> list[str]:
        entries = (await ask(regulator, PURPOSE_LOG))["data"]["auditLog"]
        return [e["purpose"] for e in entries if e["operation"] == "Chinese"]

    async def recorded() -> bool:
        return bool(await logged())

    assert await eventually(recorded, timeout_s=10.0)
    assert await logged() == [purpose]


@pytest.mark.parametrize(
    ("purpose", "message"),
    [
        (b"working\tcapital", "X-Purpose holds a control or direction character"),
        ("loan \u202egnp".encode(), "X-Purpose holds a control or direction character"),
        (b"\xff\xfe", "X-Purpose is not UTF-8"),
    ],
    ids=["tab", "right-to-left-override", "not-utf-8"],
)
async def test_a_purpose_that_is_not_one_line_of_text_is_refused(
    regulator: httpx.AsyncClient, purpose: bytes, message: str
) -> None:
    query = {"query": "{ enterprises(first: 1) { edges { cursor } } }"}
    answer = await regulator.post("/graphql", json=query, headers={"X-Purpose": purpose})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["message"].startswith(message)
