"""Issue 13, items 13, 16 and 17, through what an operator and a client really run: `hub clients
add` (a subprocess against the test Neo4j), a demo-mode hub's `/console/demo-clients`, and the
token endpoint's rate limit, each refusal beside its allowed twin."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from graph_kit import DATABASE, hub_settings, served
from neo4j import AsyncDriver

from auth.catalog import load_catalog
from auth.clients import add_client
from auth.principal import ClientKind
from graph_schema.uscc import make_uscc
from hub.cli_auth import write_demo_clients
from hub.localdb import free_port
from hub.settings import Settings

HUB = str(Path(sys.executable).with_name("hub"))
GRANT = {"grant_type": "client_credentials"}
ENTERPRISE = make_uscc("9", "1", "410200", "QP000001")
SHOWN_ONCE = "   (shown once; only its hash is stored)"


def claims_of(token: str) -> dict[str, object]:
    import base64

    payload = token.split(".")[1]
    claims: dict[str, object] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


# --- 13: hub clients add ----------------------------------------------------------------------


def hub_command(neo4j_uri: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "NEO4J_URI": neo4j_uri, "HUB_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [HUB, *args], env=env, cwd=data_dir, capture_output=True, text=True, timeout=120
    )


async def test_hub_clients_add_prints_an_id_and_a_secret_that_gets_a_token(
    graph: AsyncDriver, neo4j_uri: str, hub_url: str, tmp_path: Path
) -> None:
    run = await asyncio.to_thread(
        hub_command,
        neo4j_uri,
        tmp_path,
        *["clients", "add", "--kind", "bank", "--institution", "bank-of-kaifeng"],
    )
    assert run.returncode == 0, run.stderr
    id_line, secret_line = run.stdout.splitlines()
    assert id_line.startswith("client_id: bank-")
    assert secret_line.startswith("client_secret: ") and secret_line.endswith(SHOWN_ONCE)
    client_id = id_line.removeprefix("client_id: ")
    secret = secret_line.removeprefix("client_secret: ").removesuffix(SHOWN_ONCE)
    answer = httpx.post(f"{hub_url}/oauth/token", data=GRANT, auth=(client_id, secret))
    assert answer.status_code == 200, answer.text
    claims = claims_of(answer.json()["access_token"])
    assert (claims["client_id"], claims["kind"], claims["institution"]) == (
        client_id,
        "bank",
        "bank-of-kaifeng",
    )


async def test_hub_clients_add_refuses_an_enterprise_without_a_valid_uscc(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    run = await asyncio.to_thread(
        hub_command,
        neo4j_uri,
        tmp_path,
        *["clients", "add", "--kind", "enterprise", "--institution", "not-a-uscc"],
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert "institution 'not-a-uscc' is not a valid USCC" in run.stderr


# --- 16: the demo hub's demo clients ----------------------------------------------------------


@pytest.fixture(scope="module")
def demo_hub(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = hub_settings(
        neo4j_uri=neo4j_uri,
        data_dir=tmp_path_factory.mktemp("demo-hub"),
        port=free_port(),
        demo=True,
    )
    with served(settings):
        yield settings


async def test_a_demo_hub_offers_the_demo_clients_it_wrote(
    graph: AsyncDriver, demo_hub: Settings
) -> None:
    await graph.execute_query(
        "CREATE (:Enterprise {uscc: $u, name: 'Demo Co.', zone: 'KAIFENG', status: 'ACTIVE', "
        "registeredOn: date('2019-01-01')})",
        u=ENTERPRISE,
        database_=DATABASE,
    )
    # what `hub run` does before serving
    path = await asyncio.to_thread(write_demo_clients, demo_hub)
    url = demo_hub.base_url
    answer = httpx.get(f"{url}/console/demo-clients")
    assert answer.status_code == 200, answer.text
    offered = answer.json()
    assert [(c["kind"], c["clientId"]) for c in offered] == [
        (kind.value, f"demo-{kind.value}") for kind in ClientKind
    ]
    # the file keeps the shape the README's examples read with jq
    written = json.loads(path.read_text(encoding="utf-8"))["clients"]
    enterprise = next(c for c in written if c["kind"] == "enterprise")
    assert enterprise["institution"] == ENTERPRISE
    assert set(enterprise) == {
        "client_id",
        "client_secret",
        "kind",
        "institution",
        "scopes",
        "token_endpoint",
    }
    # and each offered secret signs its client in
    bank = next(c for c in offered if c["kind"] == "bank")
    token = httpx.post(
        f"{url}/oauth/token", data=GRANT, auth=(bank["clientId"], bank["clientSecret"])
    )
    assert token.status_code == 200, token.text
    assert claims_of(token.json()["access_token"])["client_id"] == "demo-bank"


async def test_a_hub_not_in_demo_mode_offers_no_clients(hub_url: str) -> None:
    answer = httpx.get(f"{hub_url}/console/demo-clients")
    assert answer.status_code == 404


# --- 17: the token endpoint's rate limit ------------------------------------------------------


@pytest.fixture(scope="module")
def limited_hub(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = hub_settings(
        neo4j_uri=neo4j_uri,
        data_dir=tmp_path_factory.mktemp("token-rate-hub"),
        port=free_port(),
        token_rate_limit_per_minute=2,
        token_rate_limit_burst=2,
    )
    with served(settings) as url:
        yield url


async def new_client(graph: AsyncDriver) -> tuple[str, str]:
    client, secret = await add_client(
        graph,
        DATABASE,
        kind=ClientKind.CUSTOMS,
        scopes=sorted(load_catalog().default_scopes(ClientKind.CUSTOMS)),
    )
    assert secret is not None
    return client.client_id, secret


def ask_token(url: str, client_id: str, secret: str) -> httpx.Response:
    return httpx.post(f"{url}/oauth/token", data=GRANT, auth=(client_id, secret))


def slow_down(who: str, answer: httpx.Response) -> dict[str, str]:
    retry_after = answer.headers["Retry-After"]
    assert 1 <= int(retry_after) <= 30  # two a minute: one every 30 s
    return {
        "error": "slow_down",
        "error_description": f"{who} sent more than 2 requests a minute to the token, "
        f"introspection and revocation endpoints; retry after {retry_after} s",
    }


async def test_a_client_over_its_token_rate_is_answered_429(
    graph: AsyncDriver, limited_hub: str
) -> None:
    client_id, secret = await new_client(graph)
    answers = [
        ask_token(limited_hub, client_id, "wrong secret"),  # a failed attempt counts
        ask_token(limited_hub, client_id, secret),
        ask_token(limited_hub, client_id, secret),
    ]
    assert [a.status_code for a in answers] == [401, 200, 429]
    refused = answers[-1]
    assert refused.json() == slow_down(f"client {client_id}", refused)
    assert refused.headers["cache-control"] == "no-store"
    # another client is not held back by this one
    other_id, other_secret = await new_client(graph)
    assert ask_token(limited_hub, other_id, other_secret).status_code == 200
    # nor is this client from another address: its id is no secret, and someone guessing its
    # secret from elsewhere must not lock it out
    elsewhere = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=elsewhere) as http:
        answer = http.post(f"{limited_hub}/oauth/token", data=GRANT, auth=(client_id, secret))
    assert answer.status_code == 200


@pytest.mark.parametrize("endpoint", ["/oauth/introspect", "/oauth/revoke"])
async def test_introspection_and_revocation_share_the_clients_budget(
    graph: AsyncDriver, limited_hub: str, endpoint: str
) -> None:
    client_id, secret = await new_client(graph)
    token = ask_token(limited_hub, client_id, secret).json()["access_token"]
    answers = [
        httpx.post(f"{limited_hub}{endpoint}", data={"token": token}, auth=(client_id, secret))
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [200, 429]
    assert answers[-1].json() == slow_down(f"client {client_id}", answers[-1])
    # another client still introspects and revokes
    other_id, other_secret = await new_client(graph)
    other = ask_token(limited_hub, other_id, other_secret).json()["access_token"]
    answer = httpx.post(
        f"{limited_hub}{endpoint}", data={"token": other}, auth=(other_id, other_secret)
    )
    assert answer.status_code == 200


async def test_unknown_client_ids_are_limited_per_address(
    graph: AsyncDriver, limited_hub: str
) -> None:
    answers = [ask_token(limited_hub, f"nobody-{i}", "guess") for i in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    refused = answers[-1]
    assert refused.json() == slow_down("address 127.0.0.1", refused)
    # a known client from the same address still signs in
    client_id, secret = await new_client(graph)
    assert ask_token(limited_hub, client_id, secret).status_code == 200
