"""Watching enterprises: a lender with consent learns of a downgrade pushed by a connector
batch, over a graphql-transport-ws subscription and by polling changesSince; a lender
without consent learns nothing. Real Neo4j, real uvicorn, real websockets, signed batches.
The hub is held at a written-down instant; how fast a change arrives is measured by
`bench/watch.py`, not asserted here."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets
from graph_kit import DATABASE, HeldClock, eventually, subscriptions_watching, token_for
from neo4j import AsyncDriver

from connectors.client import BatchSigner, encode_payload
from connectors.signing import generate_key, public_jwk
from connectors.store import add_key, register_connector
from graph_schema.model import Department
from graph_schema.uscc import make_uscc

E1, E2 = (make_uscc("9", "1", "410200", f"MW{i:06d}") for i in (1, 2))
GRANT = """mutation($i: String!, $x: DateTime!) {
  grantConsent(institution: $i, purpose: WORKING_CAPITAL,
               scopes: ["enterprise:read", "credit:read"], expiresAt: $x) { id }
}"""
REVOKE = "mutation($id: String!) { revokeConsent(id: $id) { id active } }"
RATINGS = "subscription { ratingChanged { uscc previousGrade grade downgrade } }"
LISTS = "subscription { listStatusChanged { uscc previousLists lists } }"
SINCE = """query($c: String) { changesSince(cursor: $c) {
  cursor hasMore
  changes { __typename ... on RatingChange { uscc grade downgrade }
                       ... on ListStatusChange { uscc lists } } } }"""
NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
UNTIL = (NOW + dt.timedelta(days=30)).isoformat()


class Samr:
    """SAMR's registered connector, pushing signed batches over HTTP as the agency would."""

    def __init__(self, hub_url: str, signer: BatchSigner, token: str) -> None:
        self.hub_url, self.signer, self.token, self.sequence = hub_url, signer, token, 0

    def push(self, record_type: str, records: list[dict[str, Any]]) -> None:
        self.sequence += 1
        document = self.signer.sign(record_type, records, self.sequence, created_at=NOW)
        response = httpx.post(
            f"{self.hub_url}/connectors/batches",
            content=encode_payload(document),
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=60,
        )
        assert response.status_code == 202, response.text


def listing(entry_id: str, uscc: str) -> dict[str, Any]:
    return {
        "id": entry_id,
        "subject": {"uscc": uscc},
        "list": "SERIOUS_DISHONESTY",
        "listedOn": (TODAY - dt.timedelta(days=3)).isoformat(),
        "reason": "contract fraud",
        "basis": "joint punishment memorandum",
    }


@pytest.fixture
async def samr(graph: AsyncDriver, hub_url: str, hub_clock: HeldClock) -> Samr:
    hub_clock.hold(NOW)
    await graph.execute_query(
        "MERGE (:Zone {code: 'KAIFENG', name: 'Kaifeng'})", database_=DATABASE
    )
    since = NOW - dt.timedelta(days=1)
    await register_connector(
        graph, DATABASE, "samr-watch", "SAMR", ["samr.enterprise@1", "list.entry@1"], since
    )
    key = generate_key("EdDSA", "samr-watch-k1")
    await add_key(graph, DATABASE, "samr-watch", public_jwk(key), since, close_others=True)
    token = await token_for(hub_url, graph, "connector", institution="samr-watch")
    agency = Samr(hub_url, BatchSigner("samr-watch", Department.SAMR, key), token)
    agency.push(
        "samr.enterprise@1",
        [
            {
                "uscc": u,
                "name": f"Watched Co. {u[-3:]}",
                "zone": "KAIFENG",
                "registeredOn": "2015-01-01",
                "status": "ACTIVE",
            }
            for u in (E1, E2)
        ],
    )
    return agency


async def call(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "loan monitoring"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=30) as http:
        body: dict[str, Any] = (
            await http.post("/graphql", json={"query": query, "variables": variables})
        ).json()
    return body


@asynccontextmanager
async def subscription(hub_url: str, token: str, query: str) -> AsyncIterator[Any]:
    url = hub_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"Authorization": f"Bearer {token}", "X-Purpose": "loan monitoring"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        yield ws


async def next_data(ws: Any, within: float) -> dict[str, Any] | None:
    """The next `next` payload's data, or None if none comes within `within` seconds."""
    try:
        message = json.loads(await asyncio.wait_for(ws.recv(), within))
    except TimeoutError:
        return None
    assert message["type"] == "next", message
    data: dict[str, Any] = message["payload"]["data"]
    return data


async def test_a_downgrade_reaches_the_consented_bank_and_no_one_else(
    graph: AsyncDriver, hub_url: str, samr: Samr
) -> None:
    owner = await token_for(hub_url, graph, "enterprise", institution=E1)
    lender = await token_for(hub_url, graph, "bank", institution="bank-watch")
    until = UNTIL
    assert "errors" not in await call(hub_url, owner, GRANT, i="bank-watch", x=until)
    stranger = await token_for(hub_url, graph, "bank", institution="bank-stranger")
    regulator = await token_for(hub_url, graph, "regulator")

    async with (
        subscription(hub_url, lender, RATINGS) as lender_ws,
        subscription(hub_url, stranger, RATINGS) as stranger_ws,
        subscription(hub_url, regulator, LISTS) as regulator_ws,
    ):
        assert await subscriptions_watching(3)
        samr.push("list.entry@1", [listing("LST-W-2", E2)])  # not the lender's enterprise
        samr.push("list.entry@1", [listing("LST-W-1", E1)])
        received = await next_data(lender_ws, within=10)
        assert received is not None
        change = received["ratingChanged"]
        assert change["uscc"] == E1 and change["grade"] == "D" and change["downgrade"]
        assert change["previousGrade"] not in (None, "D")
        # the regulator sees both enterprises listed, in order
        first, second = [await next_data(regulator_ws, within=5) for _ in range(2)]
        assert first and second
        assert [first["listStatusChanged"], second["listStatusChanged"]] == [
            {"uscc": E2, "previousLists": [], "lists": ["SERIOUS_DISHONESTY"]},
            {"uscc": E1, "previousLists": [], "lists": ["SERIOUS_DISHONESTY"]},
        ]
        # no consent, nothing: neither change reached the other bank
        assert await next_data(stranger_ws, within=1.5) is None
        assert await next_data(lender_ws, within=0.5) is None  # nor E2's to the lender

    # every change delivered was audited and is in the enterprise's access log
    delivered = {
        "institution": "bank-watch",
        "operation": "subscription:RATING",
        "enterprises": [E1],
    }

    async def logged() -> bool:
        log = await call(hub_url, owner, "{ myAccessLog { institution operation enterprises } }")
        return delivered in log["data"]["myAccessLog"]

    assert await eventually(logged)


async def test_changes_since_pages_what_the_bank_may_see_until_consent_is_revoked(
    graph: AsyncDriver, hub_url: str, samr: Samr
) -> None:
    owner = await token_for(hub_url, graph, "enterprise", institution=E1)
    until = UNTIL
    lender = await token_for(hub_url, graph, "bank", institution="bank-poll")
    granted = await call(hub_url, owner, GRANT, i="bank-poll", x=until)
    stranger = await token_for(hub_url, graph, "bank", institution="bank-stranger")
    start = (await call(hub_url, lender, SINCE, c=None))["data"]["changesSince"]
    assert start["changes"] == [] and not start["hasMore"]
    other = (await call(hub_url, stranger, SINCE, c=None))["data"]["changesSince"]

    samr.push("list.entry@1", [listing("LST-P-1", E1), listing("LST-P-2", E2)])
    page = (await call(hub_url, lender, SINCE, c=start["cursor"]))["data"]["changesSince"]
    # the rating change and the published list the enterprise is now on; nothing of E2
    assert page["changes"] == [
        {"__typename": "ListStatusChange", "uscc": E1, "lists": ["SERIOUS_DISHONESTY"]},
        {"__typename": "RatingChange", "uscc": E1, "grade": "D", "downgrade": True},
    ]
    nothing = (await call(hub_url, stranger, SINCE, c=other["cursor"]))["data"]["changesSince"]
    assert nothing["changes"] == []
    again = (await call(hub_url, lender, SINCE, c=page["cursor"]))["data"]["changesSince"]
    assert again["changes"] == []  # the cursor moved past them

    consent = granted["data"]["grantConsent"]["id"]
    assert (await call(hub_url, owner, REVOKE, id=consent))["data"]["revokeConsent"][
        "active"
    ] is False
    samr.push("list.entry@1", [listing("LST-P-3", E1) | {"list": "ABNORMAL_OPERATION"}])
    after = (await call(hub_url, lender, SINCE, c=page["cursor"]))["data"]["changesSince"]
    assert after["changes"] == []  # revoked: the next query shows nothing
    bad = await call(hub_url, lender, SINCE, c="not-a-cursor")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
