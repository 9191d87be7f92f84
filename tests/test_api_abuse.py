"""Issue 13, "closed to abuse", for /graphql: each refusal through the real HTTP API (or
websocket) of a served hub, beside its allowed twin. The limits are the defaults
(`hub/settings.py`): a 1 MiB body, 500 representations, a cost of 50,000."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets
from graph_kit import DATABASE, eventually, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc

MAX_BODY_BYTES = 1024 * 1024  # HUB_MAX_BODY_BYTES's default
MAX_REPRESENTATIONS = 500  # HUB_MAX_REPRESENTATIONS's default
GRAPHQL_RESPONSE = "application/graphql-response+json"
ENTERPRISES = MAX_REPRESENTATIONS


def uscc(i: int) -> str:
    return make_uscc("9", "1", "410200", f"AB{i:06d}")


USCCS = [uscc(i) for i in range(ENTERPRISES)]

ZONE = """
UNWIND $usccs AS u
CREATE (e:Enterprise {uscc: u, name: 'Abuse Test Co. ' + u, zone: 'KAIFENG', status: 'ACTIVE',
                      registeredOn: date('2019-01-01')})
CREATE (p:Person {personKey: 'p-' + u, name: 'Li Lei'})
CREATE (p)-[:LEGAL_REPRESENTATIVE_OF {since: date('2019-01-01')}]->(e)
CREATE (p)-[:OFFICER_OF {role: 'DIRECTOR', since: date('2019-01-01')}]->(e)
"""


@pytest.fixture
async def zone(graph: AsyncDriver) -> AsyncDriver:
    await graph.execute_query(ZONE, usccs=USCCS, database_=DATABASE)
    return graph


@pytest.fixture
async def regulator(graph: AsyncDriver, hub_url: str) -> AsyncIterator[httpx.AsyncClient]:
    token = await token_for(hub_url, graph, "regulator")
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=120) as client:
        yield client


async def audited(driver: AsyncDriver, operation: str) -> bool:
    records, _, _ = await driver.execute_query(
        "MATCH (a:AuditRecord {operation: $op}) RETURN count(a) AS n", op=operation
    )
    return bool(records[0]["n"])


# --- 6: the IDE page runs nothing ----------------------------------------------------------


async def test_a_query_asked_for_as_a_page_needs_a_token_and_is_not_audited(
    zone: AsyncDriver, hub_url: str, regulator: httpx.AsyncClient
) -> None:
    query = f'query Anonymous {{ enterprise(uscc: "{USCCS[0]}") {{ name }} }}'
    anonymous = httpx.get(
        f"{hub_url}/graphql", params={"query": query}, headers={"Accept": "text/html"}
    )
    assert anonymous.status_code == 401
    assert anonymous.json() == {
        "error": "unauthorized",
        "code": "missing_token",
        "error_description": "an access token is required",
    }
    # the same request with a token runs (and is audited): once its record is written, an
    # anonymous one queued before it would have been too
    signed = await regulator.get(
        "/graphql", params={"query": query}, headers={"Accept": "text/html"}
    )
    assert signed.status_code == 200
    assert signed.json() == {"data": {"enterprise": {"name": f"Abuse Test Co. {USCCS[0]}"}}}
    assert await eventually(lambda: audited(zone, "Anonymous"), timeout_s=10.0)
    records, _, _ = await zone.execute_query(
        "MATCH (a:AuditRecord {clientId: ''}) RETURN count(a) AS n"
    )
    assert records[0]["n"] == 0  # nothing anonymous is audited


async def test_the_ide_page_is_still_served_as_a_page(hub_url: str) -> None:
    page = httpx.get(f"{hub_url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="graphiql"' in page.text


# --- 7: bounded bodies, representations and cost --------------------------------------------

TOO_LARGE = {
    "errors": [
        {
            "message": "the request body is larger than 1048576 bytes (HUB_MAX_BODY_BYTES)",
            "extensions": {"code": "REQUEST_TOO_LARGE"},
        }
    ]
}


async def test_a_body_declared_over_the_limit_is_413(regulator: httpx.AsyncClient) -> None:
    body = json.dumps({"query": "{ __typename }", "extensions": {"pad": "x" * MAX_BODY_BYTES}})
    answer = await regulator.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.json() == TOO_LARGE


async def test_a_streamed_body_is_counted_while_it_arrives(regulator: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        yield b'{"query": "{ __typename }", "extensions": {"pad": "'
        for _ in range(20):
            yield b"x" * 64 * 1024
        yield b'"}}'

    answer = await regulator.post(
        "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.json() == TOO_LARGE


ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { %s } } }"


def representations(usccs: list[str]) -> list[dict[str, str]]:
    return [{"__typename": "Enterprise", "uscc": u} for u in usccs]


async def test_more_representations_than_allowed_are_refused_before_the_database(
    zone: AsyncDriver, regulator: httpx.AsyncClient
) -> None:
    reps = representations([*USCCS, USCCS[0]])  # 501
    answer = await regulator.post(
        "/graphql", json={"query": ENTITIES % "uscc", "variables": {"r": reps}}
    )
    assert answer.status_code == 200  # application/json: a GraphQL answer
    assert answer.json() == {
        "data": None,
        "errors": [
            {
                "message": "_entities takes at most 500 representations in one request, got "
                "501: send them in smaller requests",
                "extensions": {
                    "code": "BAD_USER_INPUT",
                    "argument": "representations",
                    "limit": 500,
                },
            }
        ],
    }


async def test_a_list_variable_multiplies_the_cost(
    zone: AsyncDriver, regulator: httpx.AsyncClient
) -> None:
    hundred = ENTITIES % " ".join(["uscc"] * 100)  # each representation costs 100
    refused = await regulator.post(
        "/graphql", json={"query": hundred, "variables": {"r": representations(USCCS)}}
    )
    assert refused.json() == {
        "data": None,
        "errors": [
            {
                "message": "the operation costs 50001, over the limit of 50000: ask for "
                "smaller pages (first, limit), fewer representations or fewer nested lists",
                "locations": [{"line": 1, "column": 1}],
                "extensions": {"code": "QUERY_TOO_COSTLY", "cost": 50001, "limit": 50000},
            }
        ],
    }
    allowed = await regulator.post(
        "/graphql", json={"query": hundred, "variables": {"r": representations(USCCS[:499])}}
    )
    assert allowed.status_code == 200
    entities = allowed.json()["data"]["_entities"]
    assert [e["uscc"] for e in entities] == USCCS[:499]


USCC_500_TIMES = " ".join(["uscc"] * 500)
PAGE = "query($n: Int) { enterprises(first: $n) { edges { node { " + USCC_500_TIMES + " } } } }"


async def test_a_page_size_variable_counts_for_its_value(
    zone: AsyncDriver, regulator: httpx.AsyncClient
) -> None:
    # each edge costs 502: one page of 1 costs 503, a page of 100 costs 50,201
    small = await regulator.post("/graphql", json={"query": PAGE, "variables": {"n": 1}})
    assert small.status_code == 200
    assert small.json() == {"data": {"enterprises": {"edges": [{"node": {"uscc": USCCS[0]}}]}}}
    large = await regulator.post("/graphql", json={"query": PAGE, "variables": {"n": 100}})
    assert large.json()["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 50201,
        "limit": 50000,
    }


BIG_SELECTION = """uscc name zone status registeredOn
  legalRepresentative { since person { name } }
  officers { role person { name } }
  shareholders { ratio person { name } }
  holdings { ratio enterprise { uscc } }
  filings { kind filedOn }
  penalties { department severity }
  listEntries { list listedOn }
  classifications { scheme value }"""


def largest_body() -> bytes:
    """500 representations, every relation, padded to exactly the largest body allowed."""
    payload: dict[str, Any] = {
        "query": ENTITIES % BIG_SELECTION,
        "variables": {"r": representations(USCCS)},
        "extensions": {"padding": ""},
    }
    short = MAX_BODY_BYTES - len(json.dumps(payload).encode())
    payload["extensions"]["padding"] = "x" * short
    body = json.dumps(payload).encode()
    assert len(body) == MAX_BODY_BYTES
    return body


async def test_the_hub_stays_ready_while_the_largest_request_runs(
    zone: AsyncDriver, regulator: httpx.AsyncClient
) -> None:
    large = asyncio.create_task(
        regulator.post(
            "/graphql", content=largest_body(), headers={"Content-Type": "application/json"}
        )
    )
    ready_while_in_flight = False
    for _ in range(500):  # bounded: each poll waits for an answer
        if large.done():
            break
        answer = await regulator.get("/readyz")
        if answer.status_code == 200:
            ready_while_in_flight = not large.done()
            break
    result = await large
    assert ready_while_in_flight, "/readyz did not answer while the large request ran"
    assert result.status_code == 200, result.text[:500]
    body = result.json()
    assert "errors" not in body
    entities = body["data"]["_entities"]
    assert [e["uscc"] for e in entities] == USCCS
    assert entities[0]["officers"] == [{"role": "DIRECTOR", "person": {"name": "Li Lei"}}]


# --- 9: bodies that are not a GraphQL request ------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"query": "{ __typename }", "variables": {"a": '
            + b"[" * 50_000
            + b"]" * 50_000
            + b"}}",
            "the request body is JSON nested too deeply",
        ),
        (
            b'{"query": "{ __typename \xff }"}',
            "the request body is not UTF-8 (byte 24 is invalid): send JSON in UTF-8",
        ),
        (
            b'"{ __typename }"',
            "the request body must be a JSON object with a `query`, not a string",
        ),
        (
            b'{"query": "{ __typename }", "variables": {"n": ' + b"9" * 5000 + b"}}",
            "the request body has a number too long to read",
        ),
    ],
    ids=["nested-50000-deep", "not-utf-8", "a-string", "a-huge-number"],
)
@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
async def test_a_body_that_is_no_graphql_request_is_400_naming_the_problem(
    regulator: httpx.AsyncClient, body: bytes, message: str, accept: str
) -> None:
    answer = await regulator.post(
        "/graphql", content=body, headers={"Content-Type": "application/json", "Accept": accept}
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith(accept)
    assert answer.json() == {
        "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
    }


async def test_a_json_object_with_a_query_runs(regulator: httpx.AsyncClient) -> None:
    answer = await regulator.post(
        "/graphql",
        content=b'{"query": "{ __typename }", "variables": {"a": [[[]]]}}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 200
    assert answer.json() == {"data": {"__typename": "Query"}}


# --- 10: several operations need an operationName -------------------------------------------

TWO_OPERATIONS = f"""
query First {{ enterprise(uscc: "{USCCS[0]}") {{ name }} }}
query Second {{ enterprise(uscc: "{USCCS[1]}") {{ uscc }} }}
"""


async def test_several_operations_without_a_name_run_none(
    zone: AsyncDriver, regulator: httpx.AsyncClient
) -> None:
    answer = await regulator.post(
        "/graphql", json={"query": TWO_OPERATIONS}, headers={"Accept": GRAPHQL_RESPONSE}
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "errors": [
            {
                "message": "Must provide operation name if query contains multiple operations.",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }


async def test_several_operations_with_a_name_run_that_one(
    zone: AsyncDriver, regulator: httpx.AsyncClient
) -> None:
    answer = await regulator.post(
        "/graphql",
        json={"query": TWO_OPERATIONS, "operationName": "Second"},
        headers={"Accept": GRAPHQL_RESPONSE},
    )
    assert answer.status_code == 200
    assert answer.json() == {"data": {"enterprise": {"uscc": USCCS[1]}}}


# --- 11: clear errors -----------------------------------------------------------------------

ONE = "query($u: String!) { enterprise(uscc: $u) { name } }"


async def test_a_megabyte_uscc_is_not_echoed_whole(regulator: httpx.AsyncClient) -> None:
    answer = await regulator.post("/graphql", json={"query": ONE, "variables": {"u": "A" * 10**6}})
    assert len(answer.content) < 1000
    [error] = answer.json()["errors"]
    assert error["message"] == "USCC " + "A" * 40 + "…: has 1000000 characters, expected 18"
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "uscc", "rule": "length"}


async def test_a_short_bad_uscc_is_echoed_whole(regulator: httpx.AsyncClient) -> None:
    answer = await regulator.post("/graphql", json={"query": ONE, "variables": {"u": "123"}})
    assert answer.json()["errors"][0]["message"] == "USCC 123: has 3 characters, expected 18"


AUDIT = "query($k: String) { auditLog(filter: {kind: $k}, first: 5) { kind } }"


async def test_an_unknown_audit_kind_is_bad_user_input(regulator: httpx.AsyncClient) -> None:
    answer = await regulator.post("/graphql", json={"query": AUDIT, "variables": {"k": "spy"}})
    assert answer.json() == {
        "data": {"auditLog": None},
        "errors": [
            {
                "message": "filter.kind 'spy' is not a client kind; use one of customs, tax, "
                "safe, commerce, samr, regulator, bank, insurer, enterprise, connector, public, "
                "admin",
                "locations": [{"line": 1, "column": 21}],
                "path": ["auditLog"],
                "extensions": {"code": "BAD_USER_INPUT", "argument": "filter.kind"},
            }
        ],
    }


async def test_a_known_audit_kind_filters(regulator: httpx.AsyncClient) -> None:
    answer = await regulator.post("/graphql", json={"query": AUDIT, "variables": {"k": "bank"}})
    assert answer.status_code == 200
    assert answer.json() == {"data": {"auditLog": []}}


SUBSCRIPTION = "subscription { ratingChanged { uscc grade } }"


async def test_a_subscription_over_http_is_told_to_use_the_websocket(
    regulator: httpx.AsyncClient,
) -> None:
    answer = await regulator.post("/graphql", json={"query": SUBSCRIPTION})
    assert answer.status_code == 400
    assert answer.json() == {
        "errors": [
            {
                "message": "subscriptions run over the websocket, not over HTTP: open a "
                "websocket to /graphql with the graphql-transport-ws subprotocol",
                "extensions": {"code": "WEBSOCKET_REQUIRED"},
            }
        ]
    }


async def connect(hub_url: str, payload: dict[str, str]) -> websockets.ClientConnection:
    url = hub_url.replace("http://", "ws://") + "/graphql"
    ws = await websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return ws


async def test_a_subscription_over_the_websocket_is_accepted(
    graph: AsyncDriver, hub_url: str
) -> None:
    token = await token_for(hub_url, graph, "regulator")
    ws = await connect(hub_url, {"Authorization": f"Bearer {token}"})
    try:
        assert json.loads(await ws.recv()) == {"type": "connection_ack", "payload": None}
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}
        await ws.send(json.dumps(subscribe))
        probe = {"id": "2", "type": "subscribe", "payload": {"query": "{ __typename }"}}
        await ws.send(json.dumps(probe))
        seen = []
        while not seen or seen[-1] != {"id": "2", "type": "complete"}:
            seen.append(json.loads(await ws.recv()))
        assert seen == [
            {"id": "2", "type": "next", "payload": {"data": {"__typename": "Query"}}},
            {"id": "2", "type": "complete"},
        ]  # nothing about the subscription: it is waiting for changes
    finally:
        await ws.close()


async def refusal(hub_url: str, payload: dict[str, str]) -> tuple[int, str]:
    ws = await connect(hub_url, payload)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await ws.recv()
    received = closed.value.rcvd
    assert received is not None
    return received.code, received.reason


async def test_a_refused_websocket_says_why(graph: AsyncDriver, hub_url: str) -> None:
    assert await refusal(hub_url, {}) == (4403, "missing_token")
    assert await refusal(hub_url, {"Authorization": "Bearer not.a.token"}) == (4403, "malformed")
    bank = await token_for(hub_url, graph, "bank", institution="bank-a")
    assert await refusal(hub_url, {"Authorization": f"Bearer {bank}"}) == (
        4403,
        "purpose_required",
    )
    too_long = {"Authorization": f"Bearer {bank}", "X-Purpose": "x" * 201}
    assert await refusal(hub_url, too_long) == (4403, "purpose_too_long")
    regulator = await token_for(hub_url, graph, "regulator")
    admin_id, admin_secret = await admin_client(graph)  # an operator revokes the token
    revoked = httpx.post(
        f"{hub_url}/oauth/revoke", data={"token": regulator}, auth=(admin_id, admin_secret)
    )
    assert revoked.status_code == 200, revoked.text
    assert await refusal(hub_url, {"Authorization": f"Bearer {regulator}"}) == (4403, "revoked")
    # the allowed twin: a bank that states its purpose is acknowledged
    ws = await connect(hub_url, {"Authorization": f"Bearer {bank}", "X-Purpose": "watching"})
    try:
        assert json.loads(await ws.recv()) == {"type": "connection_ack", "payload": None}
    finally:
        await ws.close()


async def admin_client(graph: AsyncDriver) -> tuple[str, str]:
    from auth.catalog import load_catalog
    from auth.clients import add_client
    from auth.principal import ClientKind

    client, secret = await add_client(
        graph,
        DATABASE,
        kind=ClientKind.ADMIN,
        scopes=sorted(load_catalog().default_scopes(ClientKind.ADMIN)),
    )
    assert secret is not None
    return client.client_id, secret
