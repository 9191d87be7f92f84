"""Issuing the hub's access tokens: JWTs per RFC 9068, signed with the current key (ES256).

Claims: `iss`, `aud`, `sub` and `client_id` (the client's id), `scope` (space separated),
`iat`, `exp`, `jti`, and the hub's own `kind` and `institution`. Header: `typ: at+jwt`, `alg`,
`kid`. A person's token (the console's, `claims_for_person`) has the same claims but `sub` is
the person's account id, plus `name` and `preferred_username`; it is dated by `person_clock`
(the hub's clock, which the sessions and their refresh tokens also run on).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from joserfc import jwt

from auth.clients import HubClient
from auth.keys import SIGNING_ALG, SigningKeys
from auth.person import Person

ACCESS_TOKEN_TYPE = "at+jwt"
REFRESH_TOKEN_BYTES = 32


def preferred_username(person: Person) -> str:
    """The name a person signs in with: a hub account's username, else the account id."""
    return person.account_id.removeprefix("local:")


@dataclass(frozen=True)
class AccessTokenIssuer:
    """Signs access tokens for clients; also authlib's token generator (`__call__`)."""

    issuer: str
    audience: str
    lifetime_s: int
    keys: SigningKeys
    person_clock: Callable[[], float] = field(default=time.time)

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

    def claims_for_person(
        self, client_id: str, person: Person, scopes: Collection[str]
    ) -> dict[str, Any]:
        issued = int(self.person_clock())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": person.account_id,
            "client_id": client_id,
            "scope": " ".join(sorted(set(scopes))),
            "iat": issued,
            "exp": issued + self.lifetime_s,
            "jti": secrets.token_urlsafe(18),
            "kind": person.kind.value,
            "name": person.name,
            "preferred_username": preferred_username(person),
        }
        if person.institution:
            claims["institution"] = person.institution
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
        """authlib's token generator signature; `scope` was already checked against the client
        (for a person, against the person's scopes). A person's token comes with an opaque
        refresh token, stored by the caller once authlib is done."""
        if isinstance(user, Person):
            scopes = scope.split() if scope else sorted(user.scopes)
            claims = self.claims_for_person(client.client_id, user, scopes)
            token = self.sign(claims)
        else:
            scopes = scope.split() if scope else sorted(client.scopes)
            token, claims = self.issue(client, scopes)
        answer = {
            "token_type": "Bearer",
            "access_token": token,
            "expires_in": self.lifetime_s,
            "scope": claims["scope"],
        }
        if include_refresh_token:
            answer["refresh_token"] = secrets.token_urlsafe(REFRESH_TOKEN_BYTES)
        return answer
