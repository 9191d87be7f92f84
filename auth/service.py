"""The authorization server of one hub instance: keys, verifier, and the async endpoint logic.

Built when the app is built (`AuthService.from_settings`), bound to the Neo4j driver at start
(`await service.start(driver, database)`), closed at shutdown (`await service.aclose()`).
Each endpoint reads the form, loads from the graph what authlib will need (the client, the
token to introspect or revoke, the authorization code or refresh token presented, used up
there and then), runs authlib in a worker thread (`auth.server`), then does what authlib
decided needs the graph: refusing a replayed client assertion, storing a revocation, storing a
person's new refresh token in its session.

People's sessions (`auth.signin`) run on the hub's clock (`start(..., clock=)`): their access
tokens are dated by it and their expiry checked against it, as are codes, sign-in requests,
lockouts and the session's working day. Clients' tokens keep the system clock.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import secrets
import time
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from authlib.oauth2.rfc6749.util import (  # type: ignore[import-untyped]
    extract_basic_authorization,
)
from joserfc import jws
from joserfc.errors import JoseError
from neo4j import AsyncDriver
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from auth import cypher
from auth.accounts import get_account, username_of
from auth.clients import AUTH_METHODS, HubClient, get_client
from auth.keys import SIGNING_ALG, SigningKeys
from auth.principal import Principal
from auth.revocation import RevocationStore, consume_assertion
from auth.server import (
    ASSERTION_ALGORITHMS,
    CONSOLE_CLIENT,
    CONSOLE_CLIENT_ID,
    ConsoleClient,
    HubAuthorizationServer,
    HubOAuth2Request,
    PrivateKeyJWT,
    RefreshCredential,
    VerifiedToken,
    safe_text,
)
from auth.settings import AuthSettings, check_https_url
from auth.signin import AUTHORIZE_PATH, SignInService, digest, person_document, person_from_document
from auth.tokens import AccessTokenIssuer
from auth.verify import TokenError, TokenVerifier

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_FORM_BYTES = 16 * 1024
MAX_CLIENT_ID = 200

PATHS = {
    "authorization_endpoint": AUTHORIZE_PATH,
    "token_endpoint": "/oauth/token",
    "introspection_endpoint": "/oauth/introspect",
    "revocation_endpoint": "/oauth/revoke",
    "jwks_uri": "/.well-known/jwks.json",
}
METADATA_PATH = "/.well-known/oauth-authorization-server"


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if status == 401:
        headers["WWW-Authenticate"] = f'Basic error="{error}", error_description="{description}"'
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=headers
    )


class TokenRateLimit(Protocol):
    """A per-key limit on token requests (the hub's `hub.rate_limit.RateLimiter`)."""

    per_minute: int

    def take(self, key: str) -> float | None:
        """Spend one request of `key`: None if allowed, else the seconds until one is."""
        ...


def _slow_down(who: str, per_minute: int, wait: float) -> JSONResponse:
    """429 with Retry-After and an OAuth error body (RFC 8628's `slow_down`)."""
    retry_after = str(max(1, math.ceil(wait)))
    return JSONResponse(
        {
            "error": "slow_down",
            "error_description": safe_text(
                f"{who} sent more than {per_minute} requests a minute to the token, "
                f"introspection and revocation endpoints; retry after {retry_after} s"
            ),
        },
        status_code=429,
        headers={"Retry-After": retry_after, "Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _claimed_client_id(headers: Headers, form: dict[str, str]) -> str | None:
    """The client id a request claims (Basic user, or the assertion's unverified `sub`)."""
    client_id, _ = extract_basic_authorization(headers)
    if client_id:
        return str(client_id)
    assertion = form.get("client_assertion")
    if form.get("client_assertion_type") != ASSERTION_TYPE or not assertion:
        # a public client (the console) names itself in the form
        return CONSOLE_CLIENT_ID if form.get("client_id") == CONSOLE_CLIENT_ID else None
    try:
        claims = json.loads(jws.extract_compact(assertion.encode("ascii")).payload)
    except (JoseError, ValueError, UnicodeError):
        return None
    sub = claims.get("sub") if isinstance(claims, dict) else None
    return sub if isinstance(sub, str) else None


class HubTokenVerifier(TokenVerifier):
    """The hub's verifier: a person's token (the console's) names the person in the principal,
    and its expiry is checked against the hub's clock, which dated it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person_clock: Callable[[], float] = self.clock

    def _check_expiry(self, claims: dict[str, Any], now: float) -> None:
        if claims.get("client_id") == CONSOLE_CLIENT_ID and claims.get("iss") == self.issuer:
            now = self.person_clock()
        super()._check_expiry(claims, now)

    async def _own_principal(self, claims: dict[str, Any]) -> Principal:
        principal = await super()._own_principal(claims)
        if principal.client_id != CONSOLE_CLIENT_ID:
            return principal
        name = claims.get("name")
        sub = claims.get("sub")
        return replace(
            principal,
            person=sub if isinstance(sub, str) else None,
            person_name=name if isinstance(name, str) else None,
        )


class AuthService:
    """OAuth endpoints and token verification for one hub instance."""

    def __init__(
        self,
        settings: AuthSettings,
        *,
        issuer: str,
        keys: SigningKeys,
        scopes_supported: Collection[str] | None = None,
        token_rate_limit: TokenRateLimit | None = None,
        sign_in_rate_limit: TokenRateLimit | None = None,
    ) -> None:
        self.settings = settings
        self.token_rate_limit = token_rate_limit
        self.issuer = check_https_url(issuer)  # authlib refuses plain http off loopback
        self.audience = settings.audience or self.issuer
        self.keys = keys
        self.scopes_supported = sorted(scopes_supported) if scopes_supported else None
        self.urls = {name: self.issuer + path for name, path in PATHS.items()}
        self.hub_clock: Callable[[], float] = time.time
        self.token_issuer = AccessTokenIssuer(
            self.issuer,
            self.audience,
            settings.token_lifetime_s,
            keys,
            person_clock=lambda: self.hub_clock(),
        )
        assertion = PrivateKeyJWT(
            [self.urls["token_endpoint"], self.issuer],
            settings.leeway_s,
            settings.max_assertion_lifetime_s,
        )
        self.server = HubAuthorizationServer(
            self.token_issuer, self.scopes_supported, assertion, settings.introspection_scopes
        )
        self.verifier = HubTokenVerifier(
            self.issuer,
            self.audience,
            keys,
            settings.external_issuers,
            revocation_check=self._is_revoked,
            leeway_s=settings.leeway_s,
        )
        self.verifier.person_clock = lambda: self.hub_clock()
        self.sign_in = SignInService(
            self.server, settings, console_origin=self.issuer, rate_limit=sign_in_rate_limit
        )
        """People's sign-in page and codes (`auth.signin`)."""
        self._driver: AsyncDriver | None = None
        self._database = ""
        self._revocations: RevocationStore | None = None

    @classmethod
    def from_settings(
        cls,
        settings: AuthSettings,
        *,
        default_issuer: str,
        default_keys_dir: Path,
        scopes_supported: Collection[str] | None = None,
        token_rate_limit: TokenRateLimit | None = None,
        sign_in_rate_limit: TokenRateLimit | None = None,
    ) -> AuthService:
        """The service for `settings`; the defaults fill the settings left unset."""
        keys_dir = settings.keys_dir or default_keys_dir
        keys = SigningKeys.open(keys_dir, create=settings.create_keys_if_missing)
        return cls(
            settings,
            issuer=settings.issuer or default_issuer,
            keys=keys,
            scopes_supported=scopes_supported,
            token_rate_limit=token_rate_limit,
            sign_in_rate_limit=sign_in_rate_limit,
        )

    # --- lifecycle ---------------------------------------------------------------------------
    async def start(
        self,
        driver: AsyncDriver,
        database: str,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        """Bind to the graph; `clock` is the hub's (people's sessions run on it)."""
        self._driver = driver
        self._database = database
        if clock is not None:
            self.hub_clock = lambda: clock().timestamp()
        self.sign_in.start(driver, database, lambda: self.hub_clock())
        self._revocations = RevocationStore(driver, database, self.settings.revocation_cache_s)

    async def aclose(self) -> None:
        await self.verifier.aclose()

    @property
    def revocations(self) -> RevocationStore:
        if self._revocations is None:
            raise RuntimeError("AuthService.start(driver, database) was not called")
        return self._revocations

    @property
    def driver(self) -> AsyncDriver:
        if self._driver is None:
            raise RuntimeError("AuthService.start(driver, database) was not called")
        return self._driver

    async def _is_revoked(self, jti: str, exp: int) -> bool:
        return await self.revocations.is_revoked(jti, exp)

    # --- endpoints ---------------------------------------------------------------------------
    async def token_endpoint(self, request: Request) -> Response:
        """POST /oauth/token: the client credentials grant."""
        prepared = await self._prepare(request, self.urls["token_endpoint"], subject=False)
        if isinstance(prepared, Response):
            return prepared
        refused = self._over_token_rate(request, prepared)
        if refused is not None:
            return refused
        response: Response = await run_in_threadpool(self.server.create_token_response, prepared)
        return await self._finish(prepared, response)

    async def introspection_endpoint(self, request: Request) -> Response:
        """POST /oauth/introspect (RFC 7662)."""
        return await self._endpoint(request, "introspection")

    async def revocation_endpoint(self, request: Request) -> Response:
        """POST /oauth/revoke (RFC 7009); the console (public) revokes its refresh token."""
        if "authorization" not in request.headers:
            prepared = await self._prepare(request, self.urls["revocation_endpoint"], subject=False)
            if isinstance(prepared, Response):
                return prepared
            if prepared.preloaded_client is CONSOLE_CLIENT:
                refused = self._over_token_rate(request, prepared)
                return refused or await self._revoke_console_token(prepared.form)
        return await self._endpoint(request, "revocation")

    async def jwks_endpoint(self, request: Request) -> Response:
        """GET /.well-known/jwks.json: the current and previous public signing keys."""
        return JSONResponse(
            self.keys.public_jwks(), headers={"Cache-Control": "public, max-age=60"}
        )

    async def metadata_endpoint(self, request: Request) -> Response:
        """GET /.well-known/oauth-authorization-server (RFC 8414)."""
        return JSONResponse(self.metadata(), headers={"Cache-Control": "public, max-age=300"})

    def metadata(self) -> dict[str, Any]:
        methods = list(AUTH_METHODS)
        algs = list(ASSERTION_ALGORITHMS)
        document: dict[str, Any] = {
            "issuer": self.issuer,
            **self.urls,
            "grant_types_supported": ["client_credentials", "authorization_code", "refresh_token"],
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "ui_locales_supported": ["zh-CN", "en"],
            "token_endpoint_auth_methods_supported": [*methods, "none"],
            "token_endpoint_auth_signing_alg_values_supported": algs,
            "introspection_endpoint_auth_methods_supported": methods,
            "introspection_endpoint_auth_signing_alg_values_supported": algs,
            "revocation_endpoint_auth_methods_supported": methods,
            "revocation_endpoint_auth_signing_alg_values_supported": algs,
            "access_token_signing_alg_values_supported": [SIGNING_ALG],
        }
        if self.scopes_supported is not None:
            document["scopes_supported"] = self.scopes_supported
        return document

    # --- the async side of the adapter -------------------------------------------------------
    def _over_token_rate(self, request: Request, prepared: HubOAuth2Request) -> Response | None:
        """429 once a client id from one remote address (or, for an id the hub does not know,
        the remote address) is over its rate: each attempt at the token, introspection or
        revocation endpoint costs a deliberately slow secret check, so the three share one
        budget."""
        limit = self.token_rate_limit
        if limit is None:
            return None
        client = prepared.preloaded_client
        address = request.client.host if request.client else "unknown"
        if client is not None:
            # per address too: a client id is no secret, and whoever guesses its secret from
            # elsewhere must not spend the client's own budget and lock it out
            key, who = f"client:{client.client_id}@{address}", f"client {client.client_id}"
        else:
            key, who = f"address:{address}", f"address {address}"
        wait = limit.take(key)
        return None if wait is None else _slow_down(who, limit.per_minute, wait)

    async def _endpoint(self, request: Request, name: str) -> Response:
        url = self.urls[f"{name}_endpoint"]
        prepared = await self._prepare(request, url, subject=True)
        if isinstance(prepared, Response):
            return prepared
        refused = self._over_token_rate(request, prepared)
        if refused is not None:
            return refused
        response: Response = await run_in_threadpool(
            self.server.create_endpoint_response, name, prepared
        )
        return await self._finish(prepared, response)

    async def _prepare(
        self, request: Request, url: str, *, subject: bool
    ) -> HubOAuth2Request | Response:
        """Read the form and load the client (and the subject token) before authlib runs."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return _oauth_error(
                400, "invalid_request", "send application/x-www-form-urlencoded parameters"
            )
        if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
            return _oauth_error(413, "invalid_request", "the request body is too large")
        form_data = await request.form()
        form: dict[str, str] = {}
        for key, value in form_data.multi_items():
            if key in form or not isinstance(value, str):
                return _oauth_error(400, "invalid_request", f"parameter {key!r} is repeated")
            form[key] = value
        client_id = _claimed_client_id(request.headers, form)
        client: HubClient | ConsoleClient | None = None
        if client_id == CONSOLE_CLIENT_ID:
            client = CONSOLE_CLIENT  # built in, never a registered client
        elif client_id and len(client_id) <= MAX_CLIENT_ID:
            client = await get_client(self.driver, self._database, client_id)
        token = await self._own_token(form.get("token")) if subject else None
        prepared = HubOAuth2Request(url, request.headers, form, client, token)
        if client is CONSOLE_CLIENT and not subject:
            grant_type = form.get("grant_type")
            if grant_type == "authorization_code":
                prepared.preloaded_code = await self.sign_in.consume_code(form.get("code", ""))
            elif grant_type == "refresh_token":
                prepared.preloaded_refresh = await self._use_refresh_token(
                    form.get("refresh_token", "")
                )
        return prepared

    # --- people's sessions -------------------------------------------------------------------
    def _now(self) -> int:
        return int(self.hub_clock())

    async def _use_refresh_token(self, token: str) -> RefreshCredential | None:
        """Use up a refresh token: its session, or None when unknown, used before (which ends
        the whole session: RFC 9700 reuse detection), revoked, past its working day, or its
        hub account is gone or disabled. A hub account's person is read afresh."""
        if not token or len(token) > 512:
            return None
        records, _, _ = await self.driver.execute_query(
            cypher.USE_REFRESH_TOKEN, {"digest": digest(token)}, database_=self._database
        )
        if not records:
            return None
        family = records[0]["family"]
        if records[0]["reused"] or family["revoked"] or family["exp"] < self._now():
            return None
        person = person_from_document(json.loads(family["person"]))
        username = username_of(person.account_id)
        if username is not None:
            account = await get_account(self.driver, self._database, username)
            if account is None or account.disabled:
                await self._end_session(str(family["id"]))
                return None
            person = account.person()
        return RefreshCredential(
            family=str(family["id"]),
            client_id=str(family["clientId"]),
            scope=str(family["scope"]),
            person=person,
        )

    async def _end_session(self, family: str) -> None:
        await self.driver.execute_query(
            cypher.REVOKE_SESSION, {"family": family}, database_=self._database
        )

    async def _store_refresh_token(self, prepared: HubOAuth2Request) -> None:
        issued = prepared.issued or {}
        token = issued.get("refresh_token")
        if not token:
            return
        now = self._now()
        if prepared.preloaded_refresh is not None:
            await self.driver.execute_query(
                cypher.ADD_REFRESH_TOKEN,
                {"family": prepared.preloaded_refresh.family, "digest": digest(token), "now": now},
                database_=self._database,
            )
            return
        code = prepared.preloaded_code
        if code is None:
            raise RuntimeError("a refresh token was issued without a code or a refresh token")
        await self.driver.execute_query(
            cypher.CREATE_SESSION,
            {
                "family": secrets.token_urlsafe(18),
                "exp": now + self.settings.session_lifetime_s,
                "person": json.dumps(person_document(code.person), ensure_ascii=False),
                "accountId": code.person.account_id,
                "clientId": code.client_id,
                "scope": issued.get("scope", code.scope),
                "digest": digest(token),
                "now": now,
                "codeDigest": digest(prepared.form.get("code", "")),
            },
            database_=self._database,
        )

    async def _revoke_console_token(self, form: dict[str, str]) -> Response:
        """RFC 7009 for the console (a public client): a refresh token ends its session; one of
        the console's access tokens is revoked itself. Anything else is answered 200 too."""
        token = form.get("token", "")
        if not token:
            return _oauth_error(400, "invalid_request", "the token parameter is missing")
        if form.get("token_type_hint") != "access_token" and len(token) <= 512:
            records, _, _ = await self.driver.execute_query(
                cypher.FAMILY_OF_REFRESH_TOKEN, {"digest": digest(token)}, database_=self._database
            )
            if records:
                await self._end_session(str(records[0]["family"]))
                return JSONResponse({}, headers={"Cache-Control": "no-store"})
        verified = await self._own_token(token)
        if verified is not None and verified.principal.client_id == CONSOLE_CLIENT_ID:
            await self.revocations.revoke(verified.principal.token_id, int(verified.claims["exp"]))
        return JSONResponse({}, headers={"Cache-Control": "no-store"})

    async def _own_token(self, value: str | None) -> VerifiedToken | None:
        """The hub's own valid token, or None (unknown, expired, revoked, or external)."""
        if not value:
            return None
        try:
            principal, claims = await self.verifier.verify_with_claims(value)
        except TokenError:
            return None
        return VerifiedToken(principal, claims) if principal.issuer == self.issuer else None

    async def _finish(self, prepared: HubOAuth2Request, response: Response) -> Response:
        """Refuse a replayed assertion; store what authlib revoked."""
        if prepared.auth_method == PrivateKeyJWT.CLIENT_AUTH_METHOD:
            claims = json.loads(
                jws.extract_compact(prepared.form["client_assertion"].encode()).payload
            )
            fresh = await consume_assertion(
                self.driver,
                self._database,
                str(claims["sub"]),
                str(claims["jti"]),
                int(claims["exp"]),
            )
            if not fresh:
                return _oauth_error(401, "invalid_client", "the client assertion was used before")
        if prepared.to_revoke is not None and response.status_code == 200:
            token = prepared.to_revoke
            await self.revocations.revoke(token.principal.token_id, int(token.claims["exp"]))
        if prepared.issued is not None and response.status_code == 200:
            await self._store_refresh_token(prepared)
        return response
