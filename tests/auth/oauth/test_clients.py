"""Clients in the graph, and the demo clients `make run` creates."""

from __future__ import annotations

import json
import stat

import pytest
from auth_kit import CATALOG, DATABASE, ENTERPRISE_USCC, new_ec_key, public_jwks

from auth.clients import (
    ClientError,
    add_client,
    get_client,
    list_clients,
    remove_client,
    verify_secret,
)
from auth.demo import create_demo_clients
from auth.principal import ClientKind
from graph_schema.uscc import make_uscc
from hub.cypher import FIRST_ENTERPRISE


async def test_add_list_get_remove(graph):
    client, secret = await add_client(
        graph, DATABASE, kind=ClientKind.TAX, scopes=["enterprise:read"], institution="tax-kf"
    )
    assert secret and client.client_id.startswith("tax-")
    records, _, _ = await graph.execute_query(
        "MATCH (c:Client {id: $id}) RETURN c.secretHash AS h",
        id=client.client_id,
        database_=DATABASE,
    )
    stored = records[0]["h"]
    assert stored.startswith("$argon2id$") and secret not in stored
    assert verify_secret(stored, secret) and not verify_secret(stored, secret + "x")

    loaded = await get_client(graph, DATABASE, client.client_id)
    assert loaded == client
    assert loaded.check_client_secret(secret)
    assert [c.client_id for c in await list_clients(graph, DATABASE)] == [client.client_id]
    assert "secret_hash" not in json.dumps(loaded.describe())

    assert await remove_client(graph, DATABASE, client.client_id) is True
    assert await remove_client(graph, DATABASE, client.client_id) is False
    assert await get_client(graph, DATABASE, client.client_id) is None


async def test_registration_errors_name_the_problem(graph):
    async def add(**kwargs):
        defaults = {"kind": ClientKind.BANK, "scopes": ["credit:read"], "known_scopes": CATALOG}
        return await add_client(graph, DATABASE, **{**defaults, **kwargs})

    await add(client_id="bank-1")
    with pytest.raises(ClientError, match="already exists"):
        await add(client_id="bank-1")
    with pytest.raises(ClientError, match="unknown scopes: nope"):
        await add(scopes=["credit:read", "nope"])
    with pytest.raises(ClientError, match="USCC"):
        await add(kind=ClientKind.ENTERPRISE, institution=None)
    with pytest.raises(ClientError, match="not a valid USCC"):
        await add(kind=ClientKind.ENTERPRISE, institution="91410200MA44XK7QX0")
    with pytest.raises(ClientError, match="needs its public JWK Set"):
        await add(auth_method="private_key_jwt")
    private = {"keys": [dict(new_ec_key("k").as_dict(private=True))]}
    with pytest.raises(ClientError, match="private or symmetric"):
        await add(auth_method="private_key_jwt", jwks=private)
    with pytest.raises(ClientError, match="takes no JWKs"):
        await add(jwks=public_jwks(new_ec_key("k")))

    client, secret = await add(
        auth_method="private_key_jwt", jwks=public_jwks(new_ec_key("k1")), client_id="bank-2"
    )
    assert secret is None and client.describe()["key_ids"] == ["k1"]
    assert not client.check_client_secret("anything")


async def test_demo_clients(graph, tmp_path):
    defaults = {
        ClientKind.CUSTOMS: frozenset({"enterprise:read", "customs:read"}),
        ClientKind.BANK: frozenset({"financing:read"}),
        ClientKind.ENTERPRISE: frozenset({"self:read"}),
    }
    out = tmp_path / "var" / "demo-clients.json"
    with pytest.raises(ClientError, match="USCC"):
        await create_demo_clients(graph, DATABASE, out, defaults)

    institutions = {ClientKind.ENTERPRISE: ENTERPRISE_USCC}
    first = await create_demo_clients(graph, DATABASE, out, defaults, institutions)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    written = json.loads(out.read_text())["clients"]
    assert written == first
    assert [e["client_id"] for e in first] == ["demo-customs", "demo-bank", "demo-enterprise"]
    assert first[2]["institution"] == ENTERPRISE_USCC
    assert first[0]["scopes"] == ["customs:read", "enterprise:read"]

    # running it again replaces the clients (new secrets), it does not add more
    second = await create_demo_clients(graph, DATABASE, out, defaults, institutions)
    assert len(await list_clients(graph, DATABASE)) == 3
    assert second[0]["client_secret"] != first[0]["client_secret"]
    customs = await get_client(graph, DATABASE, "demo-customs")
    assert customs is not None and customs.check_client_secret(second[0]["client_secret"])


async def test_the_demo_enterprise_client_is_the_first_enterprise_with_trade(graph) -> None:
    """The demo enterprise client is the first enterprise in USCC order that declared goods
    (it has trade records to show and consent to); the first of all when none did."""
    first, trader = (
        make_uscc("9", "1", "410200", "DM000001"),
        make_uscc("9", "1", "410200", "DM000002"),
    )
    await graph.execute_query(
        """CREATE (:Enterprise {uscc: $first, name: 'Bank Branch'}),
                  (:Enterprise {uscc: $trader, name: 'Trader'})""",
        first=first,
        trader=trader,
        database_=DATABASE,
    )
    records, _, _ = await graph.execute_query(FIRST_ENTERPRISE, database_=DATABASE)
    assert records[0]["uscc"] == first  # no trade anywhere: the first
    await graph.execute_query(
        """MATCH (e:Enterprise {uscc: $trader})
           CREATE (e)-[:DECLARED]->(:Declaration {id: 'D-DM', direction: 'EXPORT'})""",
        trader=trader,
        database_=DATABASE,
    )
    records, _, _ = await graph.execute_query(FIRST_ENTERPRISE, database_=DATABASE)
    assert records[0]["uscc"] == trader
