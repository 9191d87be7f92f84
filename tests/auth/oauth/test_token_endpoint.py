"""The token endpoint: client credentials with client_secret_basic and private_key_jwt."""

from __future__ import annotations

import json

from auth_kit import (
    CATALOG,
    ENTERPRISE_USCC,
    assertion_form,
    basic,
    client_assertion,
    new_ec_key,
    new_ed_key,
    public_jwks,
    unverified,
)

from auth.keys import keys_path
from auth.principal import ClientKind

GRANT = {"grant_type": "client_credentials"}


async def test_basic_auth_issues_an_rfc9068_token(auth_server, http, make_client):
    client, secret = await make_client(
        ClientKind.ENTERPRISE, ("self:read", "enterprise:read"), institution=ENTERPRISE_USCC
    )
    response = await http.post("/oauth/token", data=GRANT, headers=basic(client.client_id, secret))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    assert body["scope"] == "enterprise:read self:read"  # none asked: all of the client's
    assert "refresh_token" not in body

    header, claims = unverified(body["access_token"])
    current = json.loads(keys_path(auth_server.keys_dir).read_text())["current"]
    assert header == {"alg": "ES256", "kid": current, "typ": "at+jwt"}
    assert claims["iss"] == auth_server.url
    assert claims["aud"] == auth_server.url
    assert claims["sub"] == claims["client_id"] == client.client_id
    assert claims["scope"] == "enterprise:read self:read"
    assert claims["exp"] - claims["iat"] == 600
    assert len(claims["jti"]) >= 16
    assert claims["kind"] == "enterprise"
    assert claims["institution"] == ENTERPRISE_USCC

    me = await http.get("/whoami", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200, me.text
    assert me.json() == {
        "client_id": client.client_id,
        "kind": "enterprise",
        "scopes": ["enterprise:read", "self:read"],
        "institution": ENTERPRISE_USCC,
        "issuer": auth_server.url,
        "token_id": claims["jti"],
    }


async def test_a_subset_of_scopes_can_be_asked_for(http, make_client):
    client, secret = await make_client()
    response = await http.post(
        "/oauth/token",
        data={**GRANT, "scope": "customs:read"},
        headers=basic(client.client_id, secret),
    )
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "customs:read"
    assert unverified(response.json()["access_token"])[1]["scope"] == "customs:read"


async def test_wrong_secret_is_invalid_client_401(http, make_client):
    client, _ = await make_client()
    response = await http.post("/oauth/token", data=GRANT, headers=basic(client.client_id, "x"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic ")


async def test_unknown_client_is_invalid_client_401(http, make_client):
    await make_client()
    response = await http.post("/oauth/token", data=GRANT, headers=basic("nobody", "secret"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic ")


async def test_no_credentials_is_invalid_client(http):
    response = await http.post("/oauth/token", data=GRANT)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_scope_escalation_is_invalid_scope(http, make_client):
    client, secret = await make_client(scopes=("enterprise:read",))
    for scope in ("enterprise:read admin", "pii:read", "no-such-scope"):
        response = await http.post(
            "/oauth/token", data={**GRANT, "scope": scope}, headers=basic(client.client_id, secret)
        )
        assert response.status_code == 400, scope
        assert response.json()["error"] == "invalid_scope", scope
        assert "access_token" not in response.json()


async def test_other_grants_and_bodies_are_refused(http, make_client):
    client, secret = await make_client()
    auth = basic(client.client_id, secret)
    response = await http.post("/oauth/token", data={"grant_type": "password"}, headers=auth)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    response = await http.post("/oauth/token", json=GRANT, headers=auth)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    response = await http.post(
        "/oauth/token",
        content="grant_type=client_credentials&scope=a&scope=b",
        headers={**auth, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    response = await http.get("/oauth/token")
    assert response.status_code == 405


async def test_a_disabled_client_gets_no_token(graph, http, make_client):
    from auth.clients import set_client_disabled

    client, secret = await make_client()
    await set_client_disabled(graph, "neo4j", client.client_id, True)
    response = await http.post("/oauth/token", data=GRANT, headers=basic(client.client_id, secret))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_private_key_jwt_es256_and_ed25519(auth_server, http, make_client):
    ec, ed = new_ec_key("bank-ec-1"), new_ed_key("bank-ed-1")
    client, secret = await make_client(
        ClientKind.BANK,
        ("financing:read", "credit:read"),
        auth_method="private_key_jwt",
        jwks=public_jwks(ec, ed),
    )
    assert secret is None
    for key, alg in ((ec, "ES256"), (ed, "Ed25519"), (ed, "EdDSA")):
        assertion = client_assertion(client.client_id, key, auth_server.token_url, alg=alg)
        response = await http.post(
            "/oauth/token", data={**GRANT, **assertion_form(assertion), "scope": "credit:read"}
        )
        assert response.status_code == 200, (alg, response.text)
        claims = unverified(response.json()["access_token"])[1]
        assert claims["client_id"] == client.client_id
        assert claims["kind"] == "bank"
        assert claims["scope"] == "credit:read"


async def test_private_key_jwt_issuer_as_audience(auth_server, http, make_client):
    key = new_ec_key("k1")
    client, _ = await make_client(auth_method="private_key_jwt", jwks=public_jwks(key))
    assertion = client_assertion(client.client_id, key, auth_server.url)
    response = await http.post("/oauth/token", data={**GRANT, **assertion_form(assertion)})
    assert response.status_code == 200, response.text


async def test_private_key_jwt_refusals(auth_server, http, make_client):
    key, stranger = new_ec_key("k1"), new_ec_key("k1")
    client, _ = await make_client(auth_method="private_key_jwt", jwks=public_jwks(key))

    async def attempt(assertion: str) -> dict[str, str]:
        response = await http.post("/oauth/token", data={**GRANT, **assertion_form(assertion)})
        assert response.status_code == 401, response.text
        body: dict[str, str] = response.json()
        assert body["error"] == "invalid_client"
        return body

    url = auth_server.token_url
    # a replay of an assertion that already got a token
    used = client_assertion(client.client_id, key, url)
    response = await http.post("/oauth/token", data={**GRANT, **assertion_form(used)})
    assert response.status_code == 200, response.text
    assert "used before" in (await attempt(used))["error_description"]
    # signed by a key that is not registered (same kid)
    await attempt(client_assertion(client.client_id, stranger, url))
    # for another audience
    await attempt(client_assertion(client.client_id, key, "https://elsewhere.example/token"))
    # living too long
    await attempt(client_assertion(client.client_id, key, url, lifetime_s=3600))
    # a private_key_jwt client cannot use a secret instead
    response = await http.post("/oauth/token", data=GRANT, headers=basic(client.client_id, "x"))
    assert response.status_code == 401


async def test_basic_client_cannot_use_an_assertion(auth_server, http, make_client):
    key = new_ec_key("k1")
    client, _ = await make_client()
    assertion = client_assertion(client.client_id, key, auth_server.token_url)
    response = await http.post("/oauth/token", data={**GRANT, **assertion_form(assertion)})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_metadata_document(auth_server, http):
    response = await http.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    meta = response.json()
    base = auth_server.url
    assert meta["issuer"] == base
    assert meta["token_endpoint"] == f"{base}/oauth/token"
    assert meta["jwks_uri"] == f"{base}/.well-known/jwks.json"
    assert meta["introspection_endpoint"] == f"{base}/oauth/introspect"
    assert meta["revocation_endpoint"] == f"{base}/oauth/revoke"
    assert meta["authorization_endpoint"] == f"{base}/oauth/authorize"
    # clients' grant, and the console's (people signing in: auth.signin)
    assert meta["grant_types_supported"] == [
        "client_credentials",
        "authorization_code",
        "refresh_token",
    ]
    assert meta["response_types_supported"] == ["code"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "private_key_jwt",
        "none",  # the console, a public client
    ]
    assert meta["scopes_supported"] == sorted(CATALOG)
    assert "none" not in meta["token_endpoint_auth_signing_alg_values_supported"]
