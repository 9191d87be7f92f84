"""authlib's OAuth 2.0 server on Starlette: the thin, synchronous part of the adapter.

authlib's server is synchronous and the Neo4j driver is async, so everything that needs the
graph happens before and after authlib runs (in `auth.service`): the client named by the
request (Basic header or the assertion's `sub`) is loaded first and carried on the request
(`HubOAuth2Request.preloaded_client`), as is the token being introspected or revoked
(`subject_token`, already verified). authlib then runs in a worker thread (the argon2 secret
check is slow on purpose) and decides; what it asks to persist (a revocation) and the
assertion's replay check are done afterwards by the caller.

Grants: client credentials for registered clients; authorization code with PKCE (S256 only,
required) and refresh token for the console, the built-in public client `hub-console`
(`ConsoleClient`, client authentication `none`, redirect URI `<the request's origin>/console/`).
The code or refresh token presented is used up in the graph before authlib runs and carried
on the request (`preloaded_code`, `preloaded_refresh`); the tokens authlib issues are stored
afterwards (`issued`). Client authentication: `client_secret_basic` and `private_key_jwt`
(RFC 7523, assertions signed ES256, Ed25519/EdDSA or RS256, `aud` the token endpoint or the
issuer, lifetime capped).
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from authlib.oauth2.rfc6749 import (  # type: ignore[import-untyped]
    AuthorizationCodeGrant,
    AuthorizationServer,
    ClientAuthentication,
    ClientCredentialsGrant,
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Request,
    RefreshTokenGrant,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749.util import (  # type: ignore[import-untyped]
    extract_basic_authorization,
)
from authlib.oauth2.rfc7009 import RevocationEndpoint  # type: ignore[import-untyped]
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion  # type: ignore[import-untyped]
from authlib.oauth2.rfc7636 import CodeChallenge  # type: ignore[import-untyped]
from authlib.oauth2.rfc7662 import IntrospectionEndpoint  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import JoseError, SecurityWarning
from starlette.responses import JSONResponse, Response

from auth.clients import AUTH_METHODS, HubClient, burn_secret_check
from auth.person import Person
from auth.principal import Principal

CONSOLE_CLIENT_ID = "hub-console"
CONSOLE_PATH = "/console/"

ASSERTION_ALGORITHMS = ("ES256", "Ed25519", "EdDSA", "RS256")
_UNSAFE = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")


def safe_text(text: str) -> str:
    """Text fit for an OAuth error description (RFC 6749's restricted ASCII)."""
    return _UNSAFE.sub("?", text)[:200]


@dataclass(frozen=True)
class VerifiedToken:
    """One of the hub's own access tokens, verified; authlib's TokenMixin protocol."""

    principal: Principal
    claims: Mapping[str, Any]

    def check_client(self, client: HubClient) -> bool:
        return bool(client.client_id == self.principal.client_id)

    def get_scope(self) -> str:
        return str(self.claims.get("scope", ""))

    def get_expires_in(self) -> int:
        return max(0, int(self.claims["exp"]) - int(time.time()))

    def is_expired(self) -> bool:
        return int(self.claims["exp"]) < time.time()

    def is_revoked(self) -> bool:
        return False  # verification already refused revoked tokens


class HubOAuth2Request(OAuth2Request):  # type: ignore[misc]
    """A form-encoded request (or an authorization request's query) with what the async side
    loaded for it."""

    def __init__(
        self,
        uri: str,
        headers: Mapping[str, str],
        form: dict[str, str],
        preloaded_client: HubClient | ConsoleClient | None = None,
        subject_token: VerifiedToken | None = None,
        *,
        method: str = "POST",
        args: dict[str, str] | None = None,
        console_redirect_uri: str = "",
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self.payload = BasicOAuth2Payload(form if method == "POST" else (args or {}))
        self._form = form
        self._args = args or {}
        self.preloaded_client = preloaded_client
        self.subject_token = subject_token
        self.to_revoke: VerifiedToken | None = None
        self.console_redirect_uri = console_redirect_uri
        """`<origin>/console/` for the origin the request came to."""
        self.preloaded_code: StoredCode | None = None
        self.preloaded_refresh: RefreshCredential | None = None
        self.code_to_store: StoredCode | None = None
        self.code_value: str | None = None
        self.issued: dict[str, Any] | None = None

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return self._args


@dataclass(frozen=True)
class ConsoleClient:
    """The console: a public client (no secret), built in, for people signing in. Its only
    redirect URI is `<origin>/console/` of the hub the request came to (checked by the grant)."""

    client_id: str = CONSOLE_CLIENT_ID
    scopes: frozenset[str] = frozenset()

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False  # the grant compares with the request's own origin instead

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def get_allowed_scope(self, scope: str | None) -> str:
        return scope or ""

    def check_client_secret(self, client_secret: str) -> bool:
        return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


CONSOLE_CLIENT = ConsoleClient()


@dataclass(frozen=True)
class StoredCode:
    """An authorization code's grant, as stored (by digest) and used up; authlib's
    AuthorizationCodeMixin."""

    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    code_challenge_method: str
    person: Person
    live: bool = True

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass(frozen=True)
class RefreshCredential:
    """A refresh token just used up, with its session (family); authlib's TokenMixin."""

    family: str
    client_id: str
    scope: str
    person: Person

    def check_client(self, client: ConsoleClient | HubClient) -> bool:
        return bool(client.client_id == self.client_id)

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return 0

    def is_expired(self) -> bool:
        return False  # an expired session is not loaded

    def is_revoked(self) -> bool:
        return False  # nor a revoked one


class PrivateKeyJWT(JWTBearerClientAssertion):  # type: ignore[misc]
    """RFC 7523 client authentication with the client's registered public keys.

    Replays are refused after authlib has run (`auth.revocation.consume_assertion`), so
    `validate_jti` only insists a jti is present (authlib does that before calling it).
    """

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, audiences: list[str], leeway_s: int, max_lifetime_s: int) -> None:
        super().__init__(validate_jti=True, leeway=leeway_s)
        self.audiences = audiences
        self.max_lifetime_s = max_lifetime_s

    def get_audiences(self) -> list[str]:
        return self.audiences

    def validate_jti(self, claims: Mapping[str, Any], jti: str) -> bool:
        return isinstance(jti, str) and 0 < len(jti) <= 256

    def resolve_client_public_key(self, client: HubClient) -> Any:
        if client.auth_method != self.CLIENT_AUTH_METHOD or not client.jwks:
            raise InvalidClientError(description="the client has no registered public keys")
        return client.public_keys()

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> dict[str, Any]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SecurityWarning)
                token = jwt.decode(assertion, resolve_key, algorithms=list(ASSERTION_ALGORITHMS))
        except JoseError as error:
            raise InvalidClientError(
                description=safe_text(f"the client assertion does not verify: {error}")
            ) from None
        self.verify_claims(token.claims)
        exp = token.claims["exp"]
        if not isinstance(exp, int | float) or exp - time.time() > self.max_lifetime_s:
            raise InvalidClientError(
                description=f"a client assertion may live at most {self.max_lifetime_s} s"
            )
        return dict(token.claims)


class HubClientCredentialsGrant(ClientCredentialsGrant):  # type: ignore[misc]
    """Client credentials; a requested scope the client does not hold is `invalid_scope`."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def validate_requested_scope(self) -> None:
        super().validate_requested_scope()  # against the catalog (scopes_supported)
        scope = self.request.payload.scope
        client: HubClient = self.request.client
        denied = sorted(set(scope.split()) - client.scopes) if scope else []
        if denied:
            raise InvalidScopeError(
                description=safe_text(f"the client is not granted: {' '.join(denied)}")
            )


class HubIntrospectionEndpoint(IntrospectionEndpoint):  # type: ignore[misc]
    """RFC 7662. A client may introspect its own tokens; one holding an admin scope, any."""

    CLIENT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def authenticate_token(self, request: HubOAuth2Request, client: HubClient) -> Any:
        self.check_params(request, client)
        token = request.subject_token
        if token is not None and self.check_permission(token, client, request):
            return token
        return None

    def check_permission(
        self, token: VerifiedToken, client: HubClient, request: HubOAuth2Request
    ) -> bool:
        server: HubAuthorizationServer = self.server
        return token.check_client(client) or server.may_manage_any_token(client)

    def introspect_token(self, token: VerifiedToken) -> dict[str, Any]:
        return {"active": True, "token_type": "Bearer", **token.claims}


class HubRevocationEndpoint(RevocationEndpoint):  # type: ignore[misc]
    """RFC 7009. A client may revoke its own tokens; one holding an admin scope, any.

    An unknown, expired or already revoked token is answered 200, as the RFC asks.
    """

    CLIENT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def authenticate_token(self, request: HubOAuth2Request, client: HubClient) -> Any:
        self.check_params(request, client)
        token = request.subject_token
        server: HubAuthorizationServer = self.server
        if token is not None and not (
            token.check_client(client) or server.may_manage_any_token(client)
        ):
            raise InvalidGrantError(description="the token was issued to another client")
        return token

    def revoke_token(self, token: VerifiedToken, request: HubOAuth2Request) -> None:
        request.to_revoke = token  # persisted by the async caller once authlib is done


class S256CodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE (RFC 7636), required, S256 only: a plain challenge proves nothing once seen."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge' (PKCE is required)")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256")
        super().validate_code_challenge(grant, redirect_uri)


class HubAuthorizationCodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    """The console's authorization code grant: the code is saved and used up by the async side
    (`code_to_store`, `preloaded_code`)."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["none"]

    @staticmethod
    def validate_authorization_redirect_uri(request: HubOAuth2Request, client: Any) -> str:
        redirect_uri = request.payload.redirect_uri
        expected = request.console_redirect_uri
        if not isinstance(client, ConsoleClient) or not expected or redirect_uri != expected:
            raise InvalidRequestError(
                description=safe_text(f"redirect_uri must be {expected or 'the console'}")
            )
        return str(redirect_uri)

    def save_authorization_code(self, code: str, request: HubOAuth2Request) -> None:
        person = request.user
        if not isinstance(person, Person):
            raise InvalidRequestError(description="no person signed in")
        asked = set(request.payload.scope.split()) if request.payload.scope else set()
        scopes = asked & person.scopes if asked else set(person.scopes)
        request.code_to_store = StoredCode(
            client_id=request.client.client_id,
            redirect_uri=str(request.payload.redirect_uri),
            scope=" ".join(sorted(scopes)),
            code_challenge=str(request.payload.data.get("code_challenge")),
            code_challenge_method=str(request.payload.data.get("code_challenge_method")),
            person=person,
        )
        request.code_value = code

    def query_authorization_code(self, code: str, client: Any) -> StoredCode | None:
        stored = self.request.preloaded_code
        if stored is None or not stored.live or stored.client_id != client.client_id:
            return None
        return stored  # type: ignore[no-any-return]

    def delete_authorization_code(self, authorization_code: StoredCode) -> None:
        """Already used up before authlib ran."""

    def authenticate_user(self, authorization_code: StoredCode) -> Person:
        return authorization_code.person


class HubRefreshTokenGrant(RefreshTokenGrant):  # type: ignore[misc]
    """The console's refresh tokens: each use issues a new one (rotation); the one presented
    was used up by the async side, which also refuses a reused one (`preloaded_refresh`)."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> RefreshCredential | None:
        credential: RefreshCredential | None = self.request.preloaded_refresh
        return credential

    def authenticate_user(self, credential: RefreshCredential) -> Person:
        return credential.person

    def revoke_old_credential(self, credential: RefreshCredential) -> None:
        """Already used up before authlib ran."""


TokenGenerator = Callable[..., dict[str, Any]]


class HubAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """authlib's AuthorizationServer with per-request, pre-loaded clients."""

    def __init__(
        self,
        token_generator: TokenGenerator,
        scopes_supported: Collection[str] | None,
        assertion: PrivateKeyJWT,
        admin_scopes: Collection[str],
    ) -> None:
        super().__init__(scopes_supported=list(scopes_supported) if scopes_supported else None)
        self.assertion = assertion
        self.admin_scopes = frozenset(admin_scopes)
        self.register_token_generator("default", token_generator)
        self.register_grant(HubClientCredentialsGrant)
        self.register_grant(HubAuthorizationCodeGrant, [S256CodeChallenge(required=True)])
        self.register_grant(HubRefreshTokenGrant)
        self.register_endpoint(HubIntrospectionEndpoint)
        self.register_endpoint(HubRevocationEndpoint)

    def may_manage_any_token(self, client: HubClient) -> bool:
        return bool(client.scopes & self.admin_scopes)

    def query_client(self, client_id: str) -> ConsoleClient | None:
        """The console (registered clients are loaded per request; see authenticate_client)."""
        return CONSOLE_CLIENT if client_id == CONSOLE_CLIENT_ID else None

    def authenticate_client(
        self, request: HubOAuth2Request, methods: list[str], endpoint: str = "token"
    ) -> HubClient | ConsoleClient:
        def lookup(client_id: str) -> HubClient | ConsoleClient | None:
            client = request.preloaded_client
            if client is not None and client.client_id == client_id:
                return client
            _, secret = extract_basic_authorization(request.headers)
            if secret:
                burn_secret_check(secret)  # an unknown id answers as slowly as a known one
            return None

        authentication = ClientAuthentication(lookup)
        authentication.register(PrivateKeyJWT.CLIENT_AUTH_METHOD, self.assertion)
        client: HubClient | ConsoleClient = authentication(request, methods, endpoint)
        return client

    def save_token(self, token: dict[str, Any], request: HubOAuth2Request) -> None:
        """Access tokens are self-contained JWTs: nothing to store until one is revoked; a
        refresh token is stored by the async caller once authlib is done."""
        request.issued = token

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal system here."""

    def create_oauth2_request(self, request: HubOAuth2Request) -> HubOAuth2Request:
        if not isinstance(request, HubOAuth2Request):
            raise TypeError("build a HubOAuth2Request on the async side first")
        return request

    def handle_error_response(self, request: HubOAuth2Request, error: Any) -> Response:
        if isinstance(error, InvalidClientError):
            error.status_code = 401  # with `WWW-Authenticate: Basic` (RFC 6749 section 5.2)
        response: Response = super().handle_error_response(request, error)
        return response

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        return JSONResponse(body, status_code=status, headers=dict(headers))
