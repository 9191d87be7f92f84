"""Subscriptions authenticate in graphql-transport-ws's connection_init payload: no token or a
bad one closes the connection; a valid one is acknowledged."""

from __future__ import annotations

import json

import pytest
import websockets
from graph_kit import token_for
from neo4j import AsyncDriver


async def init(hub_url: str, payload: dict | None) -> tuple[str, object]:
    url = hub_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        message = {"type": "connection_init"} | ({"payload": payload} if payload else {})
        await ws.send(json.dumps(message))
        try:
            answer = json.loads(await ws.recv())
            return "message", answer["type"]
        except websockets.ConnectionClosed as closed:
            return "closed", closed.rcvd.code if closed.rcvd else None


@pytest.mark.parametrize(
    "payload", [None, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}]
)
async def test_without_a_valid_token_the_connection_is_refused(
    graph: AsyncDriver, hub_url, payload
):
    assert await init(hub_url, payload) == ("closed", 4403)


async def test_a_valid_token_is_acknowledged(graph: AsyncDriver, hub_url):
    token = await token_for(hub_url, graph, "regulator")
    assert await init(hub_url, {"Authorization": f"Bearer {token}"}) == (
        "message",
        "connection_ack",
    )
