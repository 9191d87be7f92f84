"""Hostile and broken tokens at a protected route: each refused 401 with its own code."""

from __future__ import annotations

import time

import pytest
from auth_kit import (
    alg_none,
    basic,
    hs256_with,
    hub_claims,
    new_ec_key,
    sign,
)

from auth.keys import keys_path, read_signing_keys


def hub_key(auth_server):
    return read_signing_keys(keys_path(auth_server.keys_dir))[0]


def hub_header(key, **overrides):
    return {"alg": "ES256", "kid": str(key.kid), "typ": "at+jwt", **overrides}


async def refused(http, token: str | None, code: str, **headers: str) -> dict[str, str]:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = await http.get("/whoami", headers=headers)
    assert response.status_code == 401, response.text
    body: dict[str, str] = response.json()
    assert body["code"] == code, body
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    if code != "missing_token":
        assert 'error="invalid_token"' in challenge
        assert code in challenge
    return body


async def test_a_forged_token_signed_with_the_hub_key_is_accepted(auth_server, http):
    """The baseline the attacks below vary: claims and header as the hub writes them."""
    key = hub_key(auth_server)
    token = sign(hub_header(key), hub_claims(auth_server.url, auth_server.url), key)
    response = await http.get("/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text


async def test_no_token(http):
    body = await refused(http, None, "missing_token")
    assert body["error"] == "unauthorized"
    response = await http.get("/whoami")
    assert response.headers["www-authenticate"] == 'Bearer realm="pilotzone-credit-hub"'


async def test_not_a_bearer_header_or_not_a_jwt(http):
    await refused(http, None, "malformed", Authorization="Basic Zm9vOmJhcg==")
    await refused(http, "not-a-jwt", "malformed")
    await refused(http, "a.b.c", "malformed")
    await refused(http, "x" * 9000, "malformed")


async def test_expired(auth_server, http):
    key = hub_key(auth_server)
    now = int(time.time())
    claims = hub_claims(auth_server.url, auth_server.url, iat=now - 4000, exp=now - 3600)
    await refused(http, sign(hub_header(key), claims, key), "expired")


async def test_future_iat_and_nbf(auth_server, http):
    key = hub_key(auth_server)
    later = int(time.time()) + 3600
    for claim in ("iat", "nbf"):
        claims = hub_claims(auth_server.url, auth_server.url, **{claim: later}, exp=later + 600)
        await refused(http, sign(hub_header(key), claims, key), "not_yet_valid")


async def test_small_clock_skew_is_tolerated(auth_server, http):
    key = hub_key(auth_server)
    claims = hub_claims(auth_server.url, auth_server.url, iat=int(time.time()) + 20)
    response = await http.get(
        "/whoami", headers={"Authorization": f"Bearer {sign(hub_header(key), claims, key)}"}
    )
    assert response.status_code == 200


async def test_wrong_signature(auth_server, http):
    key = hub_key(auth_server)
    impostor = new_ec_key(str(key.kid))  # same kid, another key
    claims = hub_claims(auth_server.url, auth_server.url)
    await refused(http, sign(hub_header(key), claims, impostor), "bad_signature")
    # a genuine token whose claims were changed after signing
    genuine = sign(hub_header(key), claims, key)
    head, _, signature = genuine.split(".")
    tampered = sign(hub_header(key), {**claims, "scope": "admin"}, key).split(".")[1]
    await refused(http, f"{head}.{tampered}.{signature}", "bad_signature")


async def test_alg_none(auth_server, http):
    key = hub_key(auth_server)
    claims = hub_claims(auth_server.url, auth_server.url)
    await refused(http, alg_none(hub_header(key), claims), "alg_not_allowed")
    await refused(http, alg_none({"alg": "none", "typ": "at+jwt"}, claims), "alg_not_allowed")


async def test_hs256_signed_with_the_public_key(auth_server, http):
    key = hub_key(auth_server)
    claims = hub_claims(auth_server.url, auth_server.url)
    public_pem = key.as_pem(private=False)
    public_json = (await http.get("/.well-known/jwks.json")).content
    for secret in (public_pem, public_json):
        await refused(http, hs256_with(secret, hub_header(key), claims), "alg_not_allowed")


async def test_other_asymmetric_algorithm_for_the_hub(auth_server, http):
    key = hub_key(auth_server)
    claims = hub_claims(auth_server.url, auth_server.url)
    token = sign(hub_header(key), claims, key)
    _, payload, signature = token.split(".")
    from auth_kit import b64json

    forged = f"{b64json(hub_header(key, alg='RS256'))}.{payload}.{signature}"
    await refused(http, forged, "alg_not_allowed")


async def test_unknown_kid(auth_server, http):
    stranger = new_ec_key("no-such-kid")
    claims = hub_claims(auth_server.url, auth_server.url)
    await refused(http, sign(hub_header(stranger), claims, stranger), "unknown_kid")
    key = hub_key(auth_server)
    no_kid = {"alg": "ES256", "typ": "at+jwt"}
    await refused(http, sign(no_kid, claims, key), "unknown_kid")


async def test_revoked(auth_server, http, make_client, get_token):
    client, secret = await make_client()
    token = await get_token(client.client_id, secret)
    await http.post("/oauth/revoke", data={"token": token}, headers=basic(client.client_id, secret))
    await refused(http, token, "revoked")


async def test_wrong_audience(auth_server, http):
    key = hub_key(auth_server)
    for aud in ("https://other-hub.example", ["https://a.example", "https://b.example"], None):
        claims = hub_claims(auth_server.url, aud)
        if aud is None:
            del claims["aud"]
        await refused(http, sign(hub_header(key), claims, key), "wrong_audience")
    claims = hub_claims(auth_server.url, ["https://a.example", auth_server.url])
    response = await http.get(
        "/whoami", headers={"Authorization": f"Bearer {sign(hub_header(key), claims, key)}"}
    )
    assert response.status_code == 200  # a list that includes the hub is fine


async def test_wrong_issuer(auth_server, http):
    key = hub_key(auth_server)
    for iss in ("https://evil.example", auth_server.url + "/x", None):
        claims = hub_claims(iss, auth_server.url)
        if iss is None:
            del claims["iss"]
        await refused(http, sign(hub_header(key), claims, key), "wrong_issuer")


@pytest.mark.parametrize("typ", [None, "JWT", "jwt", "at+jwe"])
async def test_wrong_type(auth_server, http, typ):
    key = hub_key(auth_server)
    header = hub_header(key, typ=typ)
    if typ is None:
        del header["typ"]
    claims = hub_claims(auth_server.url, auth_server.url)
    await refused(http, sign(header, claims, key), "wrong_type")


async def test_hub_token_missing_claims_is_malformed(auth_server, http):
    key = hub_key(auth_server)
    for claim in ("jti", "client_id", "kind", "exp"):
        claims = hub_claims(auth_server.url, auth_server.url)
        del claims[claim]
        await refused(http, sign(hub_header(key), claims, key), "malformed")
    claims = hub_claims(auth_server.url, auth_server.url, kind="overlord")
    await refused(http, sign(hub_header(key), claims, key), "malformed")
