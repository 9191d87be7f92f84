"""A test-only OpenID Connect provider, as a department's identity provider would be.

A small Starlette app served by uvicorn on a free port: discovery
(`/.well-known/openid-configuration`), its JWKS (`/jwks`, one RS256 key), `/authorize` (the
authorization code flow; a person is signed in by the form it shows, or at once when the
request names them with `user=<sub>`; `deny=1` answers `access_denied`) and `/token`
(`client_secret_basic`, single-use codes, the redirect URI and PKCE S256 checked) issuing an
ID token with the nonce it was asked for. A test makes it misbehave once through
`next_id_token` (claims to override, or a signature to spoil).
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

import httpx
import uvicorn
from graph_kit import wait_until
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from hub.localdb import free_port

CLIENT_ID = "pilotzone-hub"
CLIENT_SECRET = "s3cret: with/odd+characters"  # form-urlencoded in the Basic header
USERS = {
    "li-wei": {"name": "李伟", "preferred_username": "liwei"},
    "zhang-min": {"name": "张敏", "preferred_username": "zhangmin"},
}


@dataclass
class _Grant:
    redirect_uri: str
    nonce: str | None
    challenge: str
    sub: str


@dataclass
class OidcTestProvider:
    """The provider's state; `url` is its issuer."""

    url: str
    clock: Callable[[], float]
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    redirect_uris: set[str] = field(default_factory=set)
    next_id_token: dict[str, Any] = field(default_factory=dict)
    """One-shot misbehaviour: {"claims": {...overrides}} or {"tamper": True}."""
    token_requests: int = 0
    _codes: dict[str, _Grant] = field(default_factory=dict)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }

    def id_token(self, grant: _Grant) -> str:
        now = int(self.clock())
        claims: dict[str, Any] = {
            "iss": self.url,
            "sub": grant.sub,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            **USERS[grant.sub],
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        misbehave, self.next_id_token = self.next_id_token, {}
        claims.update(misbehave.get("claims", {}))
        token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key, algorithms=["RS256"])
        if misbehave.get("tamper"):
            header, payload, signature = token.split(".")
            flipped = "A" if signature[10] != "A" else "B"
            token = f"{header}.{payload}.{signature[:10]}{flipped}{signature[11:]}"
        return token

    # --- endpoints -------------------------------------------------------------------------------
    async def discovery_endpoint(self, request: Request) -> Response:
        return JSONResponse(self.discovery())

    async def jwks_endpoint(self, request: Request) -> Response:
        return JSONResponse({"keys": [dict(self.key.as_dict(private=False), use="sig")]})

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != CLIENT_ID or q.get("redirect_uri") not in self.redirect_uris:
            return HTMLResponse("unknown client or redirect URI", status_code=400)
        redirect_uri = q["redirect_uri"]
        if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256":
            return _back(redirect_uri, q.get("state"), error="invalid_request")
        if q.get("deny"):
            return _back(redirect_uri, q.get("state"), error="access_denied")
        user = q.get("user")
        if user is None:  # the sign-in form: the same request again with the chosen user
            fields = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in q.items()
            )
            options = "".join(f'<option value="{s}">{u["name"]}</option>' for s, u in USERS.items())
            return HTMLResponse(
                '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
                "<title>测试身份认证 · Test IdP</title></head><body><main>"
                f'<form method="get" action="/authorize">{fields}'
                '<label for="user">用户 · User</label>'
                f'<select id="user" name="user">{options}</select>'
                '<button type="submit">登录 · Sign in</button></form></main></body></html>'
            )
        if user not in USERS:
            return _back(redirect_uri, q.get("state"), error="access_denied")
        code = secrets.token_urlsafe(16)
        self._codes[code] = _Grant(redirect_uri, q.get("nonce"), q.get("code_challenge", ""), user)
        return _back(redirect_uri, q.get("state"), code=code)

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        client_id, _, secret = base64.b64decode(encoded or "").decode().partition(":")
        if scheme != "Basic" or (unquote(client_id), unquote(secret)) != (
            CLIENT_ID,
            CLIENT_SECRET,
        ):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        form = await request.form()
        grant = self._codes.pop(str(form.get("code")), None)
        if form.get("grant_type") != "authorization_code" or grant is None:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = str(form.get("code_verifier", ""))
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .decode()
            .rstrip("=")
        )
        if form.get("redirect_uri") != grant.redirect_uri or challenge != grant.challenge:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(grant),
            },
            headers={"Cache-Control": "no-store"},
        )

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery_endpoint),
                Route("/jwks", self.jwks_endpoint),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
            ]
        )


def _back(redirect_uri: str, state: str | None, **params: str) -> Response:
    if state is not None:
        params["state"] = state
    return RedirectResponse(f"{redirect_uri}?{urlencode(params)}", status_code=302)


class ServedProvider:
    """The provider served by uvicorn on 127.0.0.1 on a free port, in a daemon thread."""

    def __init__(self, clock: Callable[[], float]) -> None:
        port = free_port()
        self.provider = OidcTestProvider(f"http://127.0.0.1:{port}", clock)
        self.server = uvicorn.Server(
            uvicorn.Config(self.provider.app(), host="127.0.0.1", port=port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

        def ready() -> bool:
            try:
                url = f"{self.provider.url}/.well-known/openid-configuration"
                return httpx.get(url, timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        if not wait_until(ready, timeout_s=30):
            raise RuntimeError("the test OpenID provider did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
