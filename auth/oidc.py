"""People sign in to the console through a department's OpenID Connect provider.

The hub is a relying party of each provider configured in `AuthSettings.oidc_providers`
(`HUB_AUTH__OIDC_PROVIDERS`). The console's sign-in page (`auth.signin`) shows a link per
provider; the flow then is:

1. `GET /oauth/oidc/<name>/start?pending=<id>`: the person is sent to the provider's
   authorization endpoint (from its discovery document, fetched and cached) with
   `response_type=code`, a fresh `state`, `nonce` and PKCE challenge (S256). What the callback
   must check is kept in a cookie signed with the hub's signing key (`typ: oidc-state+jwt`,
   scoped to the provider's callback path, HttpOnly, SameSite=Lax): it binds the answer to the
   browser that started, works on any instance of the hub, and never goes to the provider.
2. `GET /oauth/oidc/<name>/callback?code&state`: the cookie's state must match and is used up
   (recorded in the graph like a client assertion's jti, so a replay is refused on every
   instance); the code is exchanged at the token endpoint (`client_secret_basic`, with the PKCE
   verifier); the ID token is verified (signature against the provider's JWKS, `iss`, `aud`
   and `azp`, `exp`, `iat`, `nonce`); a `Person` (`oidc:<name>:<sub>`, with the provider's
   configured kind, institution and scopes) is handed to the sign-in service, which issues
   the hub's code and redirects to the console.

Whatever goes wrong (the provider down or refusing, a bad token, a state that does not match
or was used) shows the sign-in page again with the reason in the person's language, and the
response names it in `X-Sign-In-Error`; when the pending request itself is gone, a short page
in both languages says to start again. Never a 500.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import time
import warnings
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import Key
from joserfc.jws import JWSRegistry
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from auth.external import JwksUnavailable, RemoteJwks
from auth.person import Person
from auth.principal import ClientKind
from auth.server import safe_text
from auth.settings import OidcProvider, check_https_url

if TYPE_CHECKING:
    from auth.service import AuthService

log = logging.getLogger(__name__)

BASE_PATH = "/oauth/oidc"
STATE_TYPE = "oidc-state+jwt"
STATE_COOKIE = "hub_oidc_state"
STATE_LIFETIME_S = 600
ERROR_HEADER = "X-Sign-In-Error"
MAX_ID_TOKEN_BYTES = 16_384
_STATE_ALG = "ES256"  # the hub's signing keys are P-256
_KEY_TYPES = {
    "ES256": ("EC", "P-256"),
    "EdDSA": ("OKP", "Ed25519"),
    "Ed25519": ("OKP", "Ed25519"),
    "RS256": ("RSA", None),
}

# code -> (Chinese, English); `{label}` is the provider's label in that language
MESSAGES: dict[str, tuple[str, str]] = {
    "provider_unavailable": (
        "暂时无法连接{label}，请稍后再试或使用其他方式登录。",  # noqa: RUF001
        "{label} cannot be reached right now; try again later or sign in another way.",
    ),
    "provider_refused": (
        "{label}未完成登录（{detail}）。",  # noqa: RUF001
        "{label} did not sign you in ({detail}).",
    ),
    "token_refused": (
        "{label}拒绝了登录凭证交换，请重新登录。",  # noqa: RUF001
        "{label} refused to exchange the sign-in code; please sign in again.",
    ),
    "bad_id_token": (
        "{label}返回的身份凭证未通过校验，登录被拒绝。",  # noqa: RUF001
        "The identity token from {label} failed verification; sign-in refused.",
    ),
    "state_mismatch": (
        "登录请求与本浏览器不匹配，请重新登录。",  # noqa: RUF001
        "This sign-in answer does not belong to this browser; please sign in again.",
    ),
    "state_replayed": (
        "该登录请求已被使用，请重新登录。",  # noqa: RUF001
        "This sign-in answer was already used; please sign in again.",
    ),
}


class OidcError(Exception):
    """A sign-in through a provider is refused; `code` is a key of `MESSAGES`."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class StateKeys(Protocol):
    """The hub's signing keys (`auth.keys.SigningKeys`): the state cookie is signed with them."""

    @property
    def current(self) -> Key: ...

    def key_for(self, kid: str) -> Key | None: ...


@dataclass(frozen=True)
class SignInPorts:
    """What the OIDC routes need of the hub's sign-in service (`auth.signin`)."""

    language: Callable[[str], Awaitable[str | None]]
    """The pending request's language ("zh-CN" or "en"), None when unknown or expired."""
    complete: Callable[[str, Person], Awaitable[Response]]
    """Issue the hub's code for the person and redirect to the console."""
    show_error: Callable[[str, str], Awaitable[Response]]
    """The sign-in page of the pending request with an error message."""
    consume_state: Callable[[str, str, int], Awaitable[bool]]
    """`(provider, state, exp)`: record the state as used; False when it was used before."""


@dataclass(frozen=True)
class Discovery:
    """The parts of a provider's discovery document the hub uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(verifier))."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _key_fits(key: Key, alg: str) -> bool:
    kty, crv = _KEY_TYPES[alg]
    named = key.get("alg")
    if named and named != alg and not {named, alg} <= {"EdDSA", "Ed25519"}:
        return False
    return key.key_type == kty and (crv is None or key.get("crv") == crv)


def _number(claims: dict[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OidcError("bad_id_token", f"claim {name!r} is not a NumericDate")
    return float(value)


class ProviderClient:
    """One configured provider: its discovery document and JWKS (both cached) and the
    checks of its ID tokens."""

    def __init__(
        self,
        config: OidcProvider,
        scopes: frozenset[str],
        http: httpx.AsyncClient,
        clock: Callable[[], float],
        leeway_s: int,
    ) -> None:
        self.config = config
        self.scopes = scopes
        self.http = http
        self.clock = clock
        self.leeway_s = leeway_s
        self._discovery: Discovery | None = None
        self._fetched_at = 0.0
        self._jwks: RemoteJwks | None = None

    def label(self, language: str) -> str:
        return self.config.label.en if language == "en" else self.config.label.zh

    async def discovery(self) -> Discovery:
        """The discovery document, fetched at most every `discovery_cache_s`; a provider
        that cannot be reached is `provider_unavailable` (a cached document is kept)."""
        fresh = time.monotonic() - self._fetched_at < self.config.discovery_cache_s
        if self._discovery is not None and fresh:
            return self._discovery
        url = f"{self.config.issuer}/.well-known/openid-configuration"
        try:
            response = await self.http.get(url, timeout=10.0)
            response.raise_for_status()
            document: Any = response.json()
            found = Discovery(
                issuer=str(document["issuer"]).rstrip("/"),
                authorization_endpoint=check_https_url(str(document["authorization_endpoint"])),
                token_endpoint=check_https_url(str(document["token_endpoint"])),
                jwks_uri=check_https_url(str(document["jwks_uri"])),
            )
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            log.warning("cannot read the discovery document at %s: %s", url, error)
            if self._discovery is not None:
                return self._discovery
            raise OidcError("provider_unavailable", f"discovery failed: {error}") from None
        if found.issuer != self.config.issuer:
            # OpenID Connect Discovery 1.0, 4.3: the document must name the configured issuer
            raise OidcError(
                "provider_unavailable", f"the discovery document names issuer {found.issuer!r}"
            )
        if self._jwks is None or self._jwks.url != found.jwks_uri:
            self._jwks = RemoteJwks(found.jwks_uri, self.http)
        self._discovery, self._fetched_at = found, time.monotonic()
        return found

    async def exchange(self, code: str, verifier: str, redirect_uri: str) -> str:
        """The ID token the token endpoint gives for `code` (client_secret_basic)."""
        discovery = await self.discovery()
        secret = self.config.client_secret.get_secret_value()
        # RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encoding
        basic = base64.b64encode(
            f"{quote(self.config.client_id, safe='')}:{quote(secret, safe='')}".encode()
        ).decode("ascii")
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        headers = {"Authorization": f"Basic {basic}", "Accept": "application/json"}
        try:
            response = await self.http.post(
                discovery.token_endpoint, data=form, headers=headers, timeout=10.0
            )
        except httpx.HTTPError as error:
            raise OidcError("provider_unavailable", f"token endpoint: {error}") from None
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            error_code = body.get("error") if isinstance(body, dict) else None
            raise OidcError(
                "token_refused", f"token endpoint answered {response.status_code} {error_code}"
            )
        id_token = body.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise OidcError("bad_id_token", "the token response carries no id_token")
        return id_token

    async def verify_id_token(self, token: str, nonce: str) -> dict[str, Any]:
        """The ID token's claims once its signature, issuer, audience, times and nonce hold
        (OpenID Connect Core 1.0, 3.1.3.7)."""
        discovery = await self.discovery()
        if len(token) > MAX_ID_TOKEN_BYTES:
            raise OidcError("bad_id_token", "the ID token is too large")
        try:
            obj = jws.extract_compact(token.encode("ascii"))
            claims = json.loads(obj.payload)
        except (JoseError, ValueError, UnicodeError):
            raise OidcError("bad_id_token", "the ID token is not a compact JWS") from None
        if not isinstance(claims, dict):
            raise OidcError("bad_id_token", "the ID token's payload is not a JSON object")
        header = obj.headers()
        alg, kid = header.get("alg"), header.get("kid")
        if not isinstance(alg, str) or alg not in self.config.algorithms:
            raise OidcError("bad_id_token", f"algorithm {alg!r} is not accepted")
        if "crit" in header or (kid is not None and not isinstance(kid, str)):
            raise OidcError("bad_id_token", "the ID token's header is not accepted")
        assert self._jwks is not None  # set by discovery()
        try:
            key = await self._jwks.key_for(kid)
        except JwksUnavailable as error:
            raise OidcError("provider_unavailable", str(error)) from None
        if key is None or not _key_fits(key, alg):
            raise OidcError("bad_id_token", f"the provider publishes no {alg} key {kid!r}")
        registry = JWSRegistry(algorithms=[alg], strict_check_header=False)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SecurityWarning)
                valid = jws.validate_compact(obj, key, registry=registry)
        except JoseError:
            valid = False
        if not valid:
            raise OidcError("bad_id_token", "bad signature")
        self._check_claims(claims, discovery.issuer, nonce)
        return claims

    def _check_claims(self, claims: dict[str, Any], issuer: str, nonce: str) -> None:
        if not isinstance(claims.get("iss"), str) or claims["iss"].rstrip("/") != issuer:
            raise OidcError("bad_id_token", f"wrong issuer {claims.get('iss')!r}")
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        client_id = self.config.client_id
        if client_id not in audiences:
            raise OidcError("bad_id_token", f"wrong audience {aud!r}")
        azp = claims.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != client_id:
            raise OidcError("bad_id_token", f"wrong authorized party {azp!r}")
        now = self.clock()
        exp, iat = _number(claims, "exp"), _number(claims, "iat")
        if exp is None or now > exp + self.leeway_s:
            raise OidcError("bad_id_token", "expired")
        if iat is None or iat > now + self.leeway_s:
            raise OidcError("bad_id_token", "issued in the future")
        if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(
            claims["nonce"], nonce
        ):
            raise OidcError("bad_id_token", "wrong nonce")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub or len(sub) > 255:
            raise OidcError("bad_id_token", "no subject")

    def person(self, claims: dict[str, Any]) -> Person:
        """Who signed in: the subject under this provider, with its configured grant."""
        sub = str(claims["sub"])
        name = claims.get(self.config.name_claim)
        if not isinstance(name, str) or not name.strip():
            fallback = claims.get("preferred_username")
            name = fallback if isinstance(fallback, str) and fallback.strip() else sub
        return Person(
            account_id=f"oidc:{self.config.name}:{sub}",
            name=name.strip()[:200],
            kind=self.config.kind,
            institution=self.config.institution,
            scopes=self.scopes,
        )


def _standalone_page(code: str, status: int) -> HTMLResponse:
    """A page in both languages when there is no pending request to show again."""
    body = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>登录失败 · Sign-in failed</title></head><body><main>"
        "<h1>登录失败</h1><p>登录请求已过期或无效，请返回控制台重新登录。</p>"  # noqa: RUF001
        '<h1 lang="en">Sign-in failed</h1><p lang="en">The sign-in request expired or is not '
        "valid; go back to the console and sign in again.</p>"
        '<p><a href="/console/">返回控制台 · Back to the console</a></p></main></body></html>'
    )
    response = HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
    response.headers[ERROR_HEADER] = code
    return response


class OidcSignIn:
    """The routes and sign-in links of every configured provider."""

    def __init__(
        self,
        providers: Sequence[OidcProvider],
        *,
        hub_url: str,
        keys: StateKeys,
        http: httpx.AsyncClient,
        ports: SignInPorts,
        default_scopes: Callable[[ClientKind], Collection[str]],
        known_scopes: Collection[str] | None = None,
        clock: Callable[[], float] = time.time,
        leeway_s: int = 60,
    ) -> None:
        self.hub_url = hub_url.rstrip("/")
        self.keys = keys
        self.ports = ports
        self.clock = clock
        self.secure_cookie = self.hub_url.startswith("https://")
        self.providers: dict[str, ProviderClient] = {}
        for config in providers:
            scopes = frozenset(
                config.scopes if config.scopes is not None else default_scopes(config.kind)
            )
            unknown = sorted(scopes - set(known_scopes)) if known_scopes is not None else []
            if unknown:
                raise ValueError(f"OpenID provider {config.name!r}: unknown scopes {unknown}")
            self.providers[config.name] = ProviderClient(config, scopes, http, clock, leeway_s)

    # --- for the sign-in page ------------------------------------------------------------------
    def links(self, pending_id: str, language: str | None = None) -> list[tuple[str, str]]:
        """(label, url) of each provider for a pending request; without a language the label
        is given in both."""
        found = []
        for name, provider in self.providers.items():
            label_zh, label_en = provider.config.label.zh, provider.config.label.en
            if language is None:
                label = f"{label_zh} · {label_en}"
            else:
                label = label_en if language == "en" else label_zh
            found.append((label, f"{BASE_PATH}/{name}/start?{urlencode({'pending': pending_id})}"))
        return found

    def routes(self) -> list[BaseRoute]:
        if not self.providers:
            return []
        return [
            Route(BASE_PATH + "/{name}/start", self.start, methods=["GET"]),
            Route(BASE_PATH + "/{name}/callback", self.callback, methods=["GET"]),
        ]

    def redirect_uri(self, name: str) -> str:
        return f"{self.hub_url}{BASE_PATH}/{name}/callback"

    # --- the state cookie ----------------------------------------------------------------------
    def _sign_state(self, payload: dict[str, Any]) -> str:
        key = self.keys.current
        header = {"alg": _STATE_ALG, "kid": str(key.kid), "typ": STATE_TYPE}
        return jwt.encode(header, payload, key, algorithms=[_STATE_ALG])

    def _read_state(self, value: str | None, name: str) -> dict[str, Any] | None:
        """The cookie's payload if the hub signed it for this provider and it is current."""
        if not value or len(value) > 4096:
            return None
        try:
            obj = jws.extract_compact(value.encode("ascii"))
            header = obj.headers()
            kid = header.get("kid")
            key = self.keys.key_for(kid) if isinstance(kid, str) else None
            if (
                key is None
                or header.get("alg") != _STATE_ALG
                or header.get("typ") != STATE_TYPE
                or not jws.validate_compact(obj, key, algorithms=[_STATE_ALG])
            ):
                return None
            payload = json.loads(obj.payload)
        except (JoseError, ValueError, UnicodeError):
            return None
        if not isinstance(payload, dict) or payload.get("provider") != name:
            return None
        if not all(isinstance(payload.get(k), str) for k in ("pending", "state", "nonce", "pkce")):
            return None
        exp = payload.get("exp")
        if not isinstance(exp, int) or exp < self.clock():
            return None
        return payload

    def _cookie_path(self, name: str) -> str:
        return f"{BASE_PATH}/{name}/callback"

    # --- the routes ----------------------------------------------------------------------------
    async def _refuse(
        self, provider: ProviderClient, pending_id: str, error: OidcError
    ) -> Response:
        """The sign-in page again, saying what went wrong in the person's language."""
        log.info("OIDC sign-in through %s refused: %s", provider.config.name, error)
        language = await self.ports.language(pending_id)
        if language is None:
            return _standalone_page(error.code, 400)
        zh, en = MESSAGES[error.code]
        template = en if language == "en" else zh
        detail = error.detail if error.code == "provider_refused" else ""
        message = template.format(label=provider.label(language), detail=detail)
        response = await self.ports.show_error(pending_id, message)
        response.headers[ERROR_HEADER] = safe_text(f"{error.code}: {error.detail}")
        return response

    async def start(self, request: Request) -> Response:
        """GET /oauth/oidc/<name>/start?pending=<id>: off to the provider."""
        provider = self.providers.get(request.path_params["name"])
        if provider is None:
            return _standalone_page("unknown_provider", 404)
        pending_id = request.query_params.get("pending", "")
        if not pending_id or len(pending_id) > 200:
            return _standalone_page("unknown_pending", 400)
        language = await self.ports.language(pending_id)
        if language is None:
            return _standalone_page("unknown_pending", 400)
        try:
            discovery = await provider.discovery()
        except OidcError as error:
            return await self._refuse(provider, pending_id, error)
        name = provider.config.name
        state, nonce, verifier = (secrets.token_urlsafe(24) for _ in range(3))
        verifier += secrets.token_urlsafe(24)  # 64 characters (RFC 7636: 43 to 128)
        exp = int(self.clock()) + STATE_LIFETIME_S
        cookie = self._sign_state(
            {
                "provider": name,
                "pending": pending_id,
                "state": state,
                "nonce": nonce,
                "pkce": verifier,
                "exp": exp,
            }
        )
        target = _with_query(
            discovery.authorization_endpoint,
            {
                "response_type": "code",
                "client_id": provider.config.client_id,
                "redirect_uri": self.redirect_uri(name),
                "scope": provider.config.request_scope,
                "state": state,
                "nonce": nonce,
                "code_challenge": pkce_challenge(verifier),
                "code_challenge_method": "S256",
                "ui_locales": language,
            },
        )
        response = RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})
        response.set_cookie(
            STATE_COOKIE,
            cookie,
            max_age=STATE_LIFETIME_S,
            path=self._cookie_path(name),
            secure=self.secure_cookie,
            httponly=True,
            samesite="lax",
        )
        return response

    async def callback(self, request: Request) -> Response:
        """GET /oauth/oidc/<name>/callback?code&state (or ?error): back from the provider."""
        provider = self.providers.get(request.path_params["name"])
        if provider is None:
            return _standalone_page("unknown_provider", 404)
        name = provider.config.name
        saved = self._read_state(request.cookies.get(STATE_COOKIE), name)
        if saved is None:
            response: Response = _standalone_page("state_missing", 400)
        else:
            response = await self._answer(provider, saved, request)
        response.delete_cookie(
            STATE_COOKIE,
            path=self._cookie_path(name),
            secure=self.secure_cookie,
            httponly=True,
            samesite="lax",
        )
        return response

    async def _answer(
        self, provider: ProviderClient, saved: dict[str, Any], request: Request
    ) -> Response:
        pending_id: str = saved["pending"]
        params = request.query_params
        try:
            state = params.get("state", "")
            if not secrets.compare_digest(state.encode(), str(saved["state"]).encode()):
                raise OidcError("state_mismatch", "the state does not match the cookie's")
            if not await self.ports.consume_state(provider.config.name, state, saved["exp"]):
                raise OidcError("state_replayed", "the state was used before")
            if params.get("error"):
                detail = params["error"][:60]
                raise OidcError("provider_refused", safe_text(detail))
            code = params.get("code", "")
            if not code:
                raise OidcError("token_refused", "the provider sent no code")
            id_token = await provider.exchange(
                code, saved["pkce"], self.redirect_uri(provider.config.name)
            )
            claims = await provider.verify_id_token(id_token, saved["nonce"])
        except OidcError as error:
            return await self._refuse(provider, pending_id, error)
        return await self.ports.complete(pending_id, provider.person(claims))


def oidc_routes(service: AuthService) -> list[BaseRoute]:
    """The OIDC routes of the hub's configured providers, wired to its sign-in service
    (`auth.signin`), whose page then shows a link per provider. None without providers."""
    providers = service.settings.oidc_providers
    if not providers:
        return []
    from auth.catalog import load_catalog
    from auth.revocation import consume_assertion
    from auth.signin import complete_sign_in, render_sign_in_page

    sign_in = service.sign_in
    catalog = load_catalog()

    async def language(pending_id: str) -> str | None:
        pending = await sign_in.pending(pending_id)
        return None if pending is None else str(pending.language)

    async def complete(pending_id: str, person: Person) -> Response:
        return await complete_sign_in(sign_in, pending_id, person)

    async def show_error(pending_id: str, message: str) -> Response:
        return await render_sign_in_page(sign_in, pending_id, error=message)

    async def consume_state(provider: str, state: str, exp: int) -> bool:
        # a used state is kept like a used client assertion: until it would have expired
        store = service.revocations
        return await consume_assertion(store.driver, store.database, f"oidc:{provider}", state, exp)

    oidc = OidcSignIn(
        providers,
        hub_url=service.issuer,
        keys=service.keys,
        http=service.verifier.http,
        ports=SignInPorts(language, complete, show_error, consume_state),
        default_scopes=catalog.default_scopes,
        known_scopes=service.scopes_supported,
        clock=service.verifier.clock,
        leeway_s=service.settings.leeway_s,
    )
    sign_in.extra_sign_in_links = oidc.links
    return oidc.routes()
