"""Helpers for the auth tests: crafting JWTs (good and hostile), Basic headers, assertions,
and serving a Starlette app with uvicorn in a thread."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import warnings
from typing import Any

import httpx
import uvicorn
from graph_kit import wait_until
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, Key, OKPKey

DATABASE = "neo4j"
CATALOG = [
    "admin",
    "audit:read",
    "credit:read",
    "customs:read",
    "enterprise:read",
    "financing:read",
    "pii:read",
    "self:read",
]
EXTERNAL_ISSUER = "https://idp.province.example"
EXTERNAL_AUDIENCE = "pilotzone-hub"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ENTERPRISE_USCC = "91410200MA44XK7QX7"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64json(document: dict[str, Any]) -> str:
    return b64(json.dumps(document, separators=(",", ":")).encode())


def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a compact JWS, without verifying anything."""
    header, payload, _ = token.split(".")

    def part(segment: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        )
        return data

    return part(header), part(payload)


def sign(header: dict[str, Any], claims: dict[str, Any], key: Key) -> str:
    """A JWT signed with `key` under header['alg'] (joserfc; no default typ added)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.encode(header, claims, key, algorithms=[header["alg"]], default_type=None)


def alg_none(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{b64json({**header, 'alg': 'none'})}.{b64json(claims)}."


def hs256_with(secret: bytes, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """HS256 over the token, keyed with `secret` (e.g. the issuer's public key bytes)."""
    signing_input = f"{b64json({**header, 'alg': 'HS256'})}.{b64json(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def hub_claims(issuer: str, audience: str, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": "forged-client",
        "client_id": "forged-client",
        "scope": "enterprise:read",
        "iat": now,
        "exp": now + 300,
        "jti": secrets.token_urlsafe(12),
        "kind": "customs",
    }
    claims.update(overrides)
    return claims


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def new_ec_key(kid: str) -> ECKey:
    return ECKey.generate_key("P-256", {"kid": kid, "alg": "ES256", "use": "sig"}, private=True)


def new_ed_key(kid: str) -> OKPKey:
    return OKPKey.generate_key("Ed25519", {"kid": kid, "use": "sig"}, private=True)


def public_jwks(*keys: Key) -> dict[str, Any]:
    return {"keys": [dict(k.as_dict(private=False)) for k in keys]}


def client_assertion(
    client_id: str,
    key: Key,
    audience: str,
    *,
    alg: str = "ES256",
    jti: str | None = None,
    lifetime_s: int = 60,
) -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "exp": now + lifetime_s,
        "jti": jti or secrets.token_urlsafe(12),
    }
    return sign({"alg": alg, "kid": str(key.kid)}, claims, key)


def assertion_form(assertion: str, **extra: str) -> dict[str, str]:
    return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion, **extra}


class ServedApp:
    """An ASGI app served by uvicorn on 127.0.0.1:`port` in a daemon thread."""

    def __init__(self, app: Any, port: int, ready_path: str) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

        def ready() -> bool:
            try:
                return httpx.get(f"{self.url}{ready_path}", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        if not wait_until(ready, timeout_s=30):
            raise RuntimeError(f"the test app on {self.url} did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
