"""The websocket closed to abuse, through a real served hub and real websockets, each refusal
beside its allowed twin: the token a socket was acknowledged with is checked again before each
operation and each delivery, so a revoked or expired token ends the open socket (4403 and the
reason); a message that cannot be read closes it with 4400 and the problem (never a 1006)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import websockets
from graph_kit import DATABASE, eventually, hub_settings, token_for
from neo4j import AsyncDriver

from auth.catalog import load_catalog
from auth.clients import add_client
from auth.principal import ClientKind
from connectors.client import BatchSigner, encode_payload
from connectors.signing import generate_key, public_jwk
from connectors.store import add_key, register_connector
from graph_schema.model import Department
from graph_schema.uscc import make_uscc
from hub.app import HubApp, create_app

E1, E2, E3 = (make_uscc("9", "1", "410200", f"WK{i:06d}") for i in (1, 2, 3))
NAME = "query($u: String!) { enterprise(uscc: $u) { name } }"
LISTS = "subscription { listStatusChanged { uscc lists } }"
BOUND_S = 30  # how long any one answer may take: a bound, never a wait


# --- a hub of the test's own: its change feed and its verifier's clock are reachable ----------


@dataclass(frozen=True)
class Hub:
    url: str
    app: HubApp

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"


@pytest.fixture
def hub(neo4j_uri: str, tmp_path: Path) -> Iterator[Hub]:
    """A hub served by uvicorn on a socket bound here: it is reachable at once (connections
    wait in the socket's backlog until the hub serves them), and each test gets a fresh one,
    so a clock set on its verifier ends with the test."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    settings = hub_settings(neo4j_uri=neo4j_uri, data_dir=tmp_path, port=port)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        # answered once the hub has started (its services are built): the request waited for it
        assert httpx.get(f"{url}/healthz", timeout=BOUND_S).status_code == 200
        yield Hub(url, app)
    finally:
        server.should_exit = True
        thread.join(timeout=BOUND_S)
        listener.close()


def set_clock(hub: Hub, now: float) -> None:
    """The hub's verifier reads `now` from here on (the token's own times are not touched)."""
    hub.app.services.auth.verifier.clock = lambda: now


async def short_lived_token(hub: Hub, graph: AsyncDriver, issued_ago_s: int) -> tuple[str, int]:
    """A regulator's token signed with the hub's own key, as issued `issued_ago_s` seconds
    ago (so it expires that much sooner than a token issued now), and its `exp`."""
    client, _ = await add_client(
        graph,
        DATABASE,
        kind=ClientKind.REGULATOR,
        scopes=sorted(load_catalog().default_scopes(ClientKind.REGULATOR)),
    )
    issuer = hub.app.services.auth.token_issuer
    now = int(hub.app.services.auth.verifier.clock())
    claims = issuer.claims_for(client, sorted(client.scopes), now=now - issued_ago_s)
    return issuer.sign(claims), int(claims["exp"])


# --- the graph and its changes ------------------------------------------------------------


class Samr:
    """SAMR's registered connector, pushing signed batches as the agency would (the hub turns
    them into changes delivered to subscribers)."""

    def __init__(self, hub_url: str, signer: BatchSigner, token: str) -> None:
        self.hub_url, self.signer, self.token, self.sequence = hub_url, signer, token, 0

    async def push(self, record_type: str, records: list[dict[str, Any]]) -> None:
        self.sequence += 1
        document = self.signer.sign(record_type, records, self.sequence)
        async with httpx.AsyncClient(base_url=self.hub_url, timeout=BOUND_S) as http:
            response = await http.post(
                "/connectors/batches",
                content=encode_payload(document),
                headers={"Authorization": f"Bearer {self.token}"},
            )
        assert response.status_code == 202, response.text

    async def list_seriously_dishonest(self, uscc: str) -> None:
        listed_on = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3)
        entry = {
            "id": f"LST-{uscc[-4:]}",
            "subject": {"uscc": uscc},
            "list": "SERIOUS_DISHONESTY",
            "listedOn": listed_on.isoformat(),
            "reason": "contract fraud",
            "basis": "joint punishment memorandum",
        }
        await self.push("list.entry@1", [entry])


async def registered_samr(hub_url: str, graph: AsyncDriver) -> Samr:
    """SAMR's connector, with E1, E2 and E3 registered through it and E3 listed."""
    await graph.execute_query(
        "MERGE (z:Zone {code: 'KAIFENG'}) ON CREATE SET z.name = 'Kaifeng'", database_=DATABASE
    )
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    await register_connector(
        graph, DATABASE, "samr-ws", "SAMR", ["samr.enterprise@1", "list.entry@1"], since
    )
    key = generate_key("EdDSA", "samr-ws-k1")
    await add_key(graph, DATABASE, "samr-ws", public_jwk(key), since, close_others=True)
    token = await token_for(hub_url, graph, "connector", institution="samr-ws")
    samr = Samr(hub_url, BatchSigner("samr-ws", Department.SAMR, key), token)
    enterprises = [
        {
            "uscc": u,
            "name": f"Socket Co. {u[-3:]}",
            "zone": "KAIFENG",
            "registeredOn": "2015-01-01",
            "status": "ACTIVE",
        }
        for u in (E1, E2, E3)
    ]
    await samr.push("samr.enterprise@1", enterprises)
    await samr.list_seriously_dishonest(E3)  # a first change: the feed's head is past 0
    return samr


async def watching(hub: Hub, graph: AsyncDriver, subscribers: int) -> None:
    """Wait (bounded) until the hub's change feed serves `subscribers` and its poller has read
    the feed's head: a change committed from then on reaches every one of them. Without this
    a change pushed at once could be committed before the poller reads the head, and never be
    delivered."""
    feed = hub.app.services.change_feed

    async def live() -> bool:
        return bool(feed.subscribers == subscribers and feed.watching == subscribers)

    if not await eventually(live, timeout_s=BOUND_S):
        raise AssertionError(f"the change feed never served {subscribers} subscribers")


# --- websocket helpers ----------------------------------------------------------------------

Socket = websockets.ClientConnection


async def acknowledged(url: str, token: str) -> Socket:
    ws = await websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")], max_size=None
    )
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    assert json.loads(await asyncio.wait_for(ws.recv(), BOUND_S)) == {
        "type": "connection_ack",
        "payload": None,
    }
    return ws


async def subscribe(ws: Socket, op: str, query: str, **variables: Any) -> None:
    payload = {"query": query, "variables": variables}
    await ws.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))


async def receive(ws: Socket) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), BOUND_S))
    return message


async def answered(ws: Socket, op: str, query: str, **variables: Any) -> list[dict[str, Any]]:
    """Run one operation: its messages, up to its `complete`."""
    await subscribe(ws, op, query, **variables)
    seen = [await receive(ws)]
    while seen[-1].get("type") != "complete":
        seen.append(await receive(ws))
    return seen


async def closed(ws: Socket) -> tuple[list[dict[str, Any]], int, str]:
    """The messages received until the hub closes the socket, and its close code and reason."""
    seen: list[dict[str, Any]] = []
    with pytest.raises(websockets.ConnectionClosed) as closing:
        while True:
            seen.append(await receive(ws))
    received = closing.value.rcvd
    assert received is not None, "the connection dropped without a close frame"
    return seen, received.code, received.reason


def name_of(op: str, uscc: str) -> list[dict[str, Any]]:
    data = {"enterprise": {"name": f"Socket Co. {uscc[-3:]}"}}
    return [
        {"id": op, "type": "next", "payload": {"data": data}},
        {"id": op, "type": "complete"},
    ]


def listed(op: str, uscc: str) -> dict[str, Any]:
    change = {"uscc": uscc, "lists": ["SERIOUS_DISHONESTY"]}
    return {"id": op, "type": "next", "payload": {"data": {"listStatusChanged": change}}}


async def revoke(hub_url: str, graph: AsyncDriver, token: str) -> None:
    """An operator revokes `token` (RFC 7009); over HTTP it is refused from then on."""
    admin, secret = await add_client(
        graph,
        DATABASE,
        kind=ClientKind.ADMIN,
        scopes=sorted(load_catalog().default_scopes(ClientKind.ADMIN)),
    )
    async with httpx.AsyncClient(base_url=hub_url, timeout=BOUND_S) as http:
        revoked = await http.post(
            "/oauth/revoke", data={"token": token}, auth=(admin.client_id, secret or "")
        )
        assert revoked.status_code == 200, revoked.text
        refused = await http.post(
            "/graphql",
            json={"query": NAME, "variables": {"u": E1}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert refused.status_code == 401


ENTERPRISES = """
UNWIND $usccs AS u
CREATE (:Enterprise {uscc: u, name: 'Socket Co. ' + right(u, 3), zone: 'KAIFENG',
                     status: 'ACTIVE', registeredOn: date('2015-01-01')})
"""


# --- 1: revocation and expiry end an open socket ------------------------------------------


async def test_a_revoked_token_closes_its_socket_at_the_next_operation(
    graph: AsyncDriver, hub_url: str
) -> None:
    await graph.execute_query(ENTERPRISES, usccs=[E1], database_=DATABASE)
    url = hub_url.replace("http://", "ws://") + "/graphql"
    token = await token_for(hub_url, graph, "regulator")
    revoked = await acknowledged(url, token)
    twin = await acknowledged(url, await token_for(hub_url, graph, "regulator"))
    try:
        assert await answered(revoked, "1", NAME, u=E1) == name_of("1", E1)
        assert await answered(twin, "1", NAME, u=E1) == name_of("1", E1)
        await revoke(hub_url, graph, token)
        await subscribe(revoked, "2", NAME, u=E1)
        assert await closed(revoked) == ([], 4403, "revoked")  # no data: closed with the reason
        # the twin, whose token was not revoked: its second operation on the socket runs
        assert await answered(twin, "2", NAME, u=E1) == name_of("2", E1)
    finally:
        await revoked.close()
        await twin.close()


BAD_WATCH = 'subscription { listStatusChanged(usccs: ["no-uscc"]) { uscc } }'


async def test_every_message_to_a_socket_is_a_text_frame(graph: AsyncDriver, hub_url: str) -> None:
    # a browser's graphql-ws client (the IDE's, Apollo's) parses only text frames
    await graph.execute_query(ENTERPRISES, usccs=[E1], database_=DATABASE)
    url = hub_url.replace("http://", "ws://") + "/graphql"
    token = await token_for(hub_url, graph, "regulator")
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
    frames: list[object] = []
    ws = await websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    )
    try:
        await ws.send(json.dumps(init))
        frames.append(await asyncio.wait_for(ws.recv(), BOUND_S))  # connection_ack
        await ws.send(json.dumps({"type": "ping"}))
        frames.append(await asyncio.wait_for(ws.recv(), BOUND_S))  # pong
        await subscribe(ws, "1", NAME, u=E1)
        frames += [await asyncio.wait_for(ws.recv(), BOUND_S) for _ in range(2)]  # next, complete
    finally:
        await ws.close()
    legacy = await websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-ws")])
    try:
        await legacy.send(json.dumps(init))
        frames.append(await asyncio.wait_for(legacy.recv(), BOUND_S))  # connection_ack
    finally:
        await legacy.close()
    assert [type(frame) for frame in frames] == [str] * 5
    assert [json.loads(frame)["type"] for frame in frames] == [  # type: ignore[arg-type]
        "connection_ack",
        "pong",
        "next",
        "complete",
        "connection_ack",
    ]


async def test_the_legacy_graphql_ws_protocol_checks_the_token_again_too(
    graph: AsyncDriver, hub_url: str
) -> None:
    url = hub_url.replace("http://", "ws://") + "/graphql"
    token = await token_for(hub_url, graph, "regulator")
    legacy = await websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-ws")])
    try:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await legacy.send(json.dumps(init))
        assert await receive(legacy) == {"type": "connection_ack"}
        start = {"type": "start", "payload": {"query": BAD_WATCH}}
        await legacy.send(json.dumps(start | {"id": "1"}))
        refused = {
            "message": "USCC NO-USCC: has 7 characters, expected 18",
            "extensions": {"code": "BAD_USER_INPUT", "argument": "usccs", "rule": "length"},
        }
        assert [await receive(legacy), await receive(legacy)] == [  # the operation ran
            {"type": "data", "id": "1", "payload": {"data": None, "errors": [refused]}},
            {"type": "complete", "id": "1"},
        ]
        await revoke(hub_url, graph, token)
        await legacy.send(json.dumps(start | {"id": "2"}))
        assert await closed(legacy) == ([], 4403, "revoked")
    finally:
        await legacy.close()


async def test_a_running_subscription_ends_when_its_token_is_revoked(
    graph: AsyncDriver, hub: Hub
) -> None:
    samr = await registered_samr(hub.url, graph)
    token = await token_for(hub.url, graph, "regulator")
    revoked = await acknowledged(hub.ws_url, token)
    twin = await acknowledged(hub.ws_url, await token_for(hub.url, graph, "regulator"))
    try:
        await subscribe(revoked, "1", LISTS)
        await subscribe(twin, "1", LISTS)
        await watching(hub, graph, subscribers=2)
        await samr.list_seriously_dishonest(E1)
        assert await receive(revoked) == listed("1", E1)  # delivered while the token holds
        assert await receive(twin) == listed("1", E1)

        await revoke(hub.url, graph, token)
        await samr.list_seriously_dishonest(E2)  # the next delivery checks the token again
        assert await closed(revoked) == ([], 4403, "revoked")
        assert await receive(twin) == listed("1", E2)
    finally:
        await revoked.close()
        await twin.close()


async def test_an_expired_token_closes_its_socket_at_the_next_operation(
    graph: AsyncDriver, hub: Hub
) -> None:
    await graph.execute_query(ENTERPRISES, usccs=[E1], database_=DATABASE)
    short, exp = await short_lived_token(hub, graph, issued_ago_s=300)
    leeway = hub.app.services.auth.verifier.leeway_s
    expiring = await acknowledged(hub.ws_url, short)
    twin = await acknowledged(hub.ws_url, await token_for(hub.url, graph, "regulator"))
    try:
        set_clock(hub, exp + leeway)  # the last moment the token is good (the leeway's end)
        assert await answered(expiring, "1", NAME, u=E1) == name_of("1", E1)
        set_clock(hub, exp + leeway + 1)
        await subscribe(expiring, "2", NAME, u=E1)
        assert await closed(expiring) == ([], 4403, "expired")
        # the twin, issued 300 s later, is still good: its operations run
        assert await answered(twin, "1", NAME, u=E1) == name_of("1", E1)
    finally:
        await expiring.close()
        await twin.close()


async def test_a_running_subscription_ends_when_its_token_expires(
    graph: AsyncDriver, hub: Hub
) -> None:
    samr = await registered_samr(hub.url, graph)  # its token is issued now: it outlives `short`
    short, exp = await short_lived_token(hub, graph, issued_ago_s=300)
    leeway = hub.app.services.auth.verifier.leeway_s
    expiring = await acknowledged(hub.ws_url, short)
    try:
        await subscribe(expiring, "1", LISTS)
        await watching(hub, graph, subscribers=1)
        set_clock(hub, exp + leeway)  # the last moment the token is good
        await samr.list_seriously_dishonest(E1)
        assert await receive(expiring) == listed("1", E1)

        set_clock(hub, exp + leeway + 1)
        await samr.list_seriously_dishonest(E2)
        assert await closed(expiring) == ([], 4403, "expired")
    finally:
        await expiring.close()


# --- 9: a message that cannot be read closes the socket with 4400 and the problem -----------


def typename_with(n: str) -> str:
    """A subscribe message asking `{ __typename }`, its variable `n` the JSON text `n`."""
    return (
        '{"id": "1", "type": "subscribe", '
        '"payload": {"query": "{ __typename }", "variables": {"n": ' + n + "}}}"
    )


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "the message is JSON nested too deeply"),
        (typename_with("9" * 5000), "the message has a number too long to read"),
        ("not json", "the message is not JSON: Expecting value (line 1, column 1)"),
    ],
    ids=["nested-100000-deep", "a-5000-digit-number", "not-json"],
)
@pytest.mark.parametrize("initialised", [False, True], ids=["before-init", "after-init"])
async def test_a_message_that_cannot_be_read_closes_the_socket_with_4400_naming_it(
    graph: AsyncDriver, hub_url: str, message: str, reason: str, initialised: bool
) -> None:
    url = hub_url.replace("http://", "ws://") + "/graphql"
    if initialised:
        ws = await acknowledged(url, await token_for(hub_url, graph, "regulator"))
    else:
        ws = await websockets.connect(
            url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
        )
    try:
        await ws.send(message)
        assert await closed(ws) == ([], 4400, reason)
    finally:
        await ws.close()


@pytest.mark.parametrize(
    "n", ["9" * 4000, "[" * 500 + "]" * 500], ids=["a-4000-digit-number", "nested-500-deep"]
)
async def test_a_message_that_can_be_read_is_answered(
    graph: AsyncDriver, hub_url: str, n: str
) -> None:
    url = hub_url.replace("http://", "ws://") + "/graphql"
    ws = await acknowledged(url, await token_for(hub_url, graph, "regulator"))
    try:
        await ws.send(typename_with(n))
        assert [await receive(ws), await receive(ws)] == [
            {"id": "1", "type": "next", "payload": {"data": {"__typename": "Query"}}},
            {"id": "1", "type": "complete"},
        ]
    finally:
        await ws.close()
