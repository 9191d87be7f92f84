"""Issuing the hub's access tokens: JWTs per RFC 9068, signed with the current key (ES256).

Claims: `iss`, `aud`, `sub` and `client_id` (the client's id), `scope` (space separated),
`iat`, `exp`, `jti`, and the hub's own `kind` and `institution`. Header: `typ: at+jwt`, `alg`,
`kid`.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from joserfc import jwt

from auth.clients import HubClient
from auth.keys import SIGNING_ALG, SigningKeys

ACCESS_TOKEN_TYPE = "at+jwt"


@dataclass(frozen=True)
class AccessTokenIssuer:
    """Signs access tokens for clients; also authlib's token generator (`__call__`)."""

    issuer: str
    audience: str
    lifetime_s: int
    keys: SigningKeys

    def claims_for(
        self, client: HubClient, scopes: Collection[str], now: int | None = None
    ) -> dict[str, Any]:
        issued = int(time.time()) if now is None else now
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": client.client_id,
            "client_id": client.client_id,
            "scope": " ".join(sorted(set(scopes))),
            "iat": issued,
            "exp": issued + self.lifetime_s,
            "jti": secrets.token_urlsafe(18),
            "kind": client.kind.value,
        }
        if client.institution:
            claims["institution"] = client.institution
        return claims

    def sign(self, claims: dict[str, Any]) -> str:
        key = self.keys.current
        header = {"alg": SIGNING_ALG, "kid": str(key.kid), "typ": ACCESS_TOKEN_TYPE}
        return jwt.encode(header, claims, key, algorithms=[SIGNING_ALG])

    def issue(self, client: HubClient, scopes: Collection[str]) -> tuple[str, dict[str, Any]]:
        """A signed token for `client` with `scopes`, and its claims."""
        claims = self.claims_for(client, scopes)
        return self.sign(claims), claims

    def __call__(
        self,
        grant_type: str,
        client: HubClient,
        user: object = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = False,
    ) -> dict[str, Any]:
        """authlib's token generator signature; `scope` was already checked against the client."""
        scopes = scope.split() if scope else sorted(client.scopes)
        token, claims = self.issue(client, scopes)
        return {
            "token_type": "Bearer",
            "access_token": token,
            "expires_in": self.lifetime_s,
            "scope": claims["scope"],
        }
