"""A second, test-only issuer whose JWKS the hub fetches over HTTP."""

from __future__ import annotations

import secrets
import time

import httpx
import pytest
from auth_kit import EXTERNAL_AUDIENCE, EXTERNAL_ISSUER, new_ec_key, new_ed_key, sign

from auth.external import RemoteJwks
from auth.keys import SigningKeys, ensure_signing_keys
from auth.principal import ClientKind
from auth.settings import ExternalIssuer
from auth.verify import TokenError, TokenErrorCode, TokenVerifier


def idp_claims(**overrides):
    now = int(time.time())
    claims = {
        "iss": EXTERNAL_ISSUER,
        "aud": EXTERNAL_AUDIENCE,
        "sub": "officer-17",
        "azp": "henan-bank-portal",
        "role": "bank-officer",
        "scp": ["credit", "firms", "unmapped"],
        "org": "bank-of-zhengzhou",
        "iat": now,
        "exp": now + 300,
        "jti": secrets.token_urlsafe(8),
    }
    claims.update(overrides)
    return claims


def idp_token(idp, claims, alg="Ed25519", key=None):
    key = key or idp.key
    return sign({"alg": alg, "kid": str(key.kid), "typ": "JWT"}, claims, key)


async def whoami(http, token):
    return await http.get("/whoami", headers={"Authorization": f"Bearer {token}"})


async def test_external_token_is_accepted_and_mapped(http, external_idp):
    for alg in ("Ed25519", "EdDSA"):
        response = await whoami(http, idp_token(external_idp, idp_claims(), alg=alg))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "client_id": "henan-bank-portal",  # azp: the first of client_id, azp, sub present
            "kind": "bank",
            "scopes": ["credit:read", "enterprise:read"],
            "institution": "bank-of-zhengzhou",
            "issuer": EXTERNAL_ISSUER,
            "token_id": response.json()["token_id"],
        }


async def test_external_token_for_another_audience_is_refused(http, external_idp):
    token = idp_token(external_idp, idp_claims(aud="https://someone-else.example"))
    response = await whoami(http, token)
    assert response.status_code == 401
    assert response.json()["code"] == "wrong_audience"
    # nor is an external token addressed to the hub's own audience (the issuer sets its aud)
    response = await whoami(http, idp_token(external_idp, idp_claims(aud=str(http.base_url))))
    assert response.json()["code"] == "wrong_audience"


async def test_external_refusals(http, external_idp):
    response = await whoami(http, idp_token(external_idp, idp_claims(role="janitor")))
    assert response.json()["code"] == "unmapped_claims"
    now = int(time.time())
    response = await whoami(http, idp_token(external_idp, idp_claims(exp=now - 3600)))
    assert response.json()["code"] == "expired"
    stranger = new_ed_key(str(external_idp.key.kid))
    response = await whoami(http, idp_token(external_idp, idp_claims(), key=stranger))
    assert response.json()["code"] == "bad_signature"
    # an ES256 header over an Ed25519 key: the key does not fit the algorithm
    ec = new_ec_key(str(external_idp.key.kid))
    response = await whoami(http, idp_token(external_idp, idp_claims(), alg="ES256", key=ec))
    assert response.json()["code"] == "alg_not_allowed"


async def test_a_rotated_external_key_is_fetched_on_unknown_kid(http, external_idp):
    old_key = external_idp.key
    try:
        new_key = external_idp.rotate(f"idp-{secrets.token_hex(3)}")
        response = await whoami(http, idp_token(external_idp, idp_claims(), key=new_key))
        assert response.status_code == 200, response.text
        response = await whoami(http, idp_token(external_idp, idp_claims(), key=old_key))
        assert response.json()["code"] == "unknown_kid"
    finally:
        external_idp.key = old_key
        external_idp.served["jwks"] = {"keys": [dict(old_key.as_dict(private=False))]}


async def test_jwks_refetch_is_rate_limited(external_idp):
    async with httpx.AsyncClient() as client:
        jwks = RemoteJwks(f"{external_idp.url}/jwks.json", client, min_refetch_s=3600)
        before = len(external_idp.fetches)
        assert await jwks.key_for(str(external_idp.key.kid)) is not None
        for _ in range(5):
            assert await jwks.key_for("no-such-kid") is None
        assert len(external_idp.fetches) - before == 1


async def test_an_unreachable_jwks_is_its_own_error(tmp_path):
    ensure_signing_keys(tmp_path)
    verifier = TokenVerifier(
        "http://127.0.0.1:1",
        "aud",
        SigningKeys.open(tmp_path),
        [
            ExternalIssuer(
                issuer="https://down.example",
                jwks_url="http://127.0.0.1:9/jwks.json",
                audience="aud",
                default_kind=ClientKind.PUBLIC,
            )
        ],
    )
    key = new_ed_key("k")
    token = sign({"alg": "Ed25519", "kid": "k"}, {"iss": "https://down.example"}, key)
    try:
        with pytest.raises(TokenError) as caught:
            await verifier.verify_access_token(token)
        assert caught.value.code is TokenErrorCode.JWKS_UNAVAILABLE
    finally:
        await verifier.aclose()


def test_external_issuer_config_refuses_hmac_and_plain_http():
    with pytest.raises(ValueError, match="not allowed"):
        ExternalIssuer(
            issuer="https://a.example",
            jwks_url="https://a.example/j",
            audience="x",
            algorithms=["HS256"],
        )
    with pytest.raises(ValueError, match="https"):
        ExternalIssuer(issuer="https://a.example", jwks_url="http://a.example/j", audience="x")
