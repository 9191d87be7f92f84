"""Introspection (RFC 7662) and revocation (RFC 7009)."""

from __future__ import annotations

import pytest
from auth_kit import DATABASE, assertion_form, basic, client_assertion, new_ec_key, public_jwks

from auth.keys import SigningKeys, keys_path
from auth.revocation import RevocationStore
from auth.verify import TokenError, TokenErrorCode, TokenVerifier


async def test_introspection_of_an_own_token(auth_server, http, make_client, get_token):
    client, secret = await make_client()
    token = await get_token(client.client_id, secret)
    response = await http.post(
        "/oauth/introspect", data={"token": token}, headers=basic(client.client_id, secret)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["active"] is True
    assert body["client_id"] == body["sub"] == client.client_id
    assert body["iss"] == auth_server.url
    assert body["scope"] == "customs:read enterprise:read"
    assert body["token_type"] == "Bearer"
    assert {"exp", "iat", "jti", "aud"} <= set(body)


async def test_introspection_answers_inactive(http, make_client, get_token):
    client, secret = await make_client()
    other, other_secret = await make_client()
    auth = basic(client.client_id, secret)
    for junk in ("not-a-token", "a.b.c", ""):
        response = await http.post("/oauth/introspect", data={"token": junk}, headers=auth)
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert response.json() == {"active": False}
    # another client's token is not for this (non-admin) client to see
    foreign = await get_token(other.client_id, other_secret)
    response = await http.post("/oauth/introspect", data={"token": foreign}, headers=auth)
    assert response.json() == {"active": False}


async def test_an_admin_client_may_introspect_any_token(make_client, get_token, http):
    from auth.principal import ClientKind

    admin, admin_secret = await make_client(ClientKind.ADMIN, ("admin",))
    client, secret = await make_client()
    token = await get_token(client.client_id, secret)
    response = await http.post(
        "/oauth/introspect", data={"token": token}, headers=basic(admin.client_id, admin_secret)
    )
    assert response.json()["active"] is True
    assert response.json()["client_id"] == client.client_id


async def test_introspection_requires_client_authentication(http, make_client, get_token):
    client, secret = await make_client()
    token = await get_token(client.client_id, secret)
    response = await http.post("/oauth/introspect", data={"token": token})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    response = await http.post(
        "/oauth/introspect", data={"token": token}, headers=basic(client.client_id, "wrong")
    )
    assert response.status_code == 401


async def test_revocation_stops_a_token_at_once(auth_server, http, make_client, get_token):
    client, secret = await make_client()
    token = await get_token(client.client_id, secret)
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await http.get("/whoami", headers=bearer)).status_code == 200

    response = await http.post(
        "/oauth/revoke",
        data={"token": token, "token_type_hint": "access_token"},
        headers=basic(client.client_id, secret),
    )
    assert response.status_code == 200, response.text

    response = await http.get("/whoami", headers=bearer)
    assert response.status_code == 401
    assert response.json()["code"] == "revoked"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    response = await http.post(
        "/oauth/introspect", data={"token": token}, headers=basic(client.client_id, secret)
    )
    assert response.json() == {"active": False}
    # revoking again, or revoking junk, is still 200 (RFC 7009 section 2.2)
    for again in (token, "junk"):
        response = await http.post(
            "/oauth/revoke", data={"token": again}, headers=basic(client.client_id, secret)
        )
        assert response.status_code == 200


async def test_another_instance_sees_the_revocation_through_the_graph(
    auth_server, graph, http, make_client, get_token
):
    client, secret = await make_client()
    token = await get_token(client.client_id, secret)
    other_instance = TokenVerifier(
        auth_server.url,
        auth_server.url,
        SigningKeys(keys_path(auth_server.keys_dir)),
        revocation_check=RevocationStore(graph, DATABASE, negative_ttl_s=0).is_revoked,
    )
    try:
        assert (await other_instance.verify_access_token(token)).client_id == client.client_id
        response = await http.post(
            "/oauth/revoke", data={"token": token}, headers=basic(client.client_id, secret)
        )
        assert response.status_code == 200
        with pytest.raises(TokenError) as caught:
            await other_instance.verify_access_token(token)
        assert caught.value.code is TokenErrorCode.REVOKED
    finally:
        await other_instance.aclose()


async def test_a_client_cannot_revoke_another_clients_token(http, make_client, get_token):
    victim, victim_secret = await make_client()
    attacker, attacker_secret = await make_client()
    token = await get_token(victim.client_id, victim_secret)
    response = await http.post(
        "/oauth/revoke", data={"token": token}, headers=basic(attacker.client_id, attacker_secret)
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    response = await http.get("/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


async def test_revocation_with_private_key_jwt(auth_server, http, make_client):
    key = new_ec_key("rk")
    client, _ = await make_client(auth_method="private_key_jwt", jwks=public_jwks(key))

    def form(**extra: str) -> dict[str, str]:
        assertion = client_assertion(client.client_id, key, auth_server.token_url)
        return {**assertion_form(assertion), **extra}

    response = await http.post("/oauth/token", data=form(grant_type="client_credentials"))
    token = response.json()["access_token"]
    response = await http.post("/oauth/revoke", data=form(token=token))
    assert response.status_code == 200, response.text
    response = await http.get("/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.json()["code"] == "revoked"
