"""People sign in to the console: the authorization code grant with PKCE for `hub-console`.

Routes (mounted by `auth.routes.oauth_routes`):

- `GET /oauth/authorize?response_type=code&client_id=hub-console&redirect_uri=<origin>/console/
  &code_challenge=...&code_challenge_method=S256&state=...&ui_locales=zh-CN|en`: authlib's
  `AuthorizationCodeGrant` with `CodeChallenge(required=True)` validates the request; the
  request is then stored in Neo4j as a pending authorization request under an opaque id
  (`(:PendingAuthorization {digest, ...})`, 10 minutes) and the sign-in page is rendered.
- `GET /oauth/authorize?pending=<id>`: the page again for a pending request (e.g. after an
  upstream identity provider sent the person back with an error).
- `POST /oauth/authorize` (form `pending`, `username`, `password`, `totp`): a hub account signs
  in; on success the browser is sent to `redirect_uri?code=...&state=...`. Attempts share the
  token endpoint's rate limit (own bucket per remote address): beyond it, 429 with Retry-After.
  The console's redirect URI is `<issuer origin>/console/`, whatever the Host header says.

Contract for department OIDC sign-in (another module adds buttons and calls back):

- `AuthService.sign_in` is the `SignInService` of the hub (`request.app` routes get it from the
  `AuthService` handed to `oauth_routes`).
- `SignInService.extra_sign_in_links: Callable[[str], list[tuple[str, str]]] | None`: set it
  once at start; the page calls it with the pending request id and shows each
  `(label, url)` as a link under the password form (the url should carry the pending id).
- `await sign_in.pending(pending_id) -> PendingRequest | None`: the pending request (its
  `language` is "zh-CN" or "en"), or None when unknown or expired.
- `await complete_sign_in(sign_in, pending_id, person) -> starlette Response`: issues the
  single-use code (60 s) for `person` (`auth.person.Person`) and answers the redirect to the
  console (`redirect_uri?code=...&state=...`); the pending request is used up. For an unknown
  or expired pending id it answers the sign-in error page (400).
- `await render_sign_in_page(sign_in, pending_id, error=None) -> Response`: the page for a
  pending request with an error message shown (already in the page's language).
- `sign_in.page_url(pending_id) -> str`: where the page for a pending request is.

A person's access token is signed like a client's, with client_id `hub-console`, the
person's kind, institution and scopes, plus `sub` (the account id), `name` and
`preferred_username`; with it comes an opaque refresh token that rotates on each use.
"""

# ruff: noqa: RUF001  # the Chinese texts use Chinese (full-width) punctuation, as they should
from __future__ import annotations

import hashlib
import html
import json
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from authlib.common.urls import add_params_to_uri  # type: ignore[import-untyped]
from authlib.oauth2.base import OAuth2Error  # type: ignore[import-untyped]
from neo4j import AsyncDriver, RoutingControl
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from auth import cypher
from auth.accounts import SignInRefusal, authenticate
from auth.person import Person
from auth.principal import ClientKind
from auth.server import (
    CONSOLE_PATH,
    HubAuthorizationServer,
    HubOAuth2Request,
    StoredCode,
)
from auth.settings import AuthSettings
from graph_schema.read_model import ReadModel

AUTHORIZE_PATH = "/oauth/authorize"
MAX_FIELD = 1024
PURGE_LIMIT = 200
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# the page is our own: nothing from elsewhere, no framing, inline script and style only
_PAGE_HEADERS = {
    **_NO_STORE,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

LinkProvider = Callable[[str], list[tuple[str, str]]]


def digest(value: str) -> str:
    """What the graph keeps of a secret handle (pending id, code, refresh token)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def language_of(ui_locales: str | None) -> str:
    """`en` when the first of `ui_locales` is English, else Simplified Chinese."""
    first = (ui_locales or "").split(" ")[0].strip().lower()
    return "en" if first.startswith("en") else "zh-CN"


TEXT: dict[str, dict[str, str]] = {
    "zh-CN": {
        "title": "登录 · 试验区信用信息平台",
        "heading": "登录信用信息平台",
        "username": "用户名",
        "password": "密码",
        "totp": "动态验证码（选填）",
        "totp_hint": "已开启双重验证的账户必须填写身份验证器应用中的 6 位动态验证码。",
        "submit": "登录",
        "other": "其他登录方式",
        "switch": "English",
        "bad_credentials": "用户名或密码不正确，或账户不可用。",
        "too_many": "登录尝试过于频繁，请等待一分钟后再试。",
        "locked": "登录失败次数过多，账户已暂时锁定，请稍后再试。",
        "expired": "登录请求已过期或无效，请返回控制台重新登录。",
        "invalid": "登录请求无效：",
        "back": "返回控制台",
        "demo": "演示账户（仅演示模式）",
        "demo_hint": "点击填入用户名和密码",
    },
    "en": {
        "title": "Sign in · Pilot-zone credit hub",
        "heading": "Sign in to the credit hub",
        "username": "Username",
        "password": "Password",
        "totp": "One-time code (optional)",
        "totp_hint": "Accounts with two-step verification must enter the 6-digit code from "
        "their authenticator app.",
        "submit": "Sign in",
        "other": "Other ways to sign in",
        "switch": "中文",
        "bad_credentials": "The username or password is wrong, or the account cannot sign in.",
        "too_many": "Too many sign-in attempts: wait a minute, then try again.",
        "locked": "Too many failed sign-ins: the account is locked for a while. Try again later.",
        "expired": "This sign-in request has expired or is not valid: go back to the console "
        "and sign in again.",
        "invalid": "The sign-in request is not valid: ",
        "back": "Back to the console",
        "demo": "Demo accounts (demo mode only)",
        "demo_hint": "Click to fill in the username and password",
    },
}


class DemoPerson(BaseModel):
    """One demo person as `<data_dir>/demo-people.json` holds it."""

    model_config = ConfigDict(frozen=True)

    username: str
    password: str
    name: str
    kind: ClientKind
    institution: str | None


class DemoPeopleFile(BaseModel):
    """The demo people file (`{"people": [...]}`), written by `auth.demo.create_demo_people`."""

    people: list[DemoPerson]

    @classmethod
    def read(cls, path: Path) -> DemoPeopleFile:
        return cls.model_validate_json(path.read_text(encoding="utf-8"))


class StoredGrant(ReadModel):
    """What an authorization code was issued for, as its stored document holds it."""

    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    code_challenge_method: str


@dataclass(frozen=True)
class PendingRequest:
    """An authorization request, validated, waiting for its person to sign in."""

    args: dict[str, str]
    origin: str
    language: str

    def document(self) -> str:
        return json.dumps(
            {"args": self.args, "origin": self.origin, "language": self.language},
            sort_keys=True,
        )

    @classmethod
    def from_document(cls, text: str) -> PendingRequest:
        data = json.loads(text)
        return cls(dict(data["args"]), str(data["origin"]), str(data["language"]))


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of `url`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class SignInRateLimit(Protocol):
    """A per-key limit on sign-in attempts (the hub's `hub.rate_limit.RateLimiter`)."""

    def take(self, key: str) -> float | None:
        """Spend one attempt of `key`: None if allowed, else the seconds until one is."""
        ...


class SignInService:
    """The sign-in page and the codes it issues, for one hub instance (see the module doc)."""

    def __init__(
        self,
        server: HubAuthorizationServer,
        settings: AuthSettings,
        *,
        console_origin: str,
        rate_limit: SignInRateLimit | None = None,
    ) -> None:
        self.server = server
        self.settings = settings
        self.console_redirect_uri = origin_of(console_origin) + CONSOLE_PATH
        """The one redirect URI of the console: the issuer's, never one from the Host header."""
        self.rate_limit = rate_limit
        self.extra_sign_in_links: LinkProvider | None = None
        """Per pending request id, the `(label, url)` links the page shows besides the form."""
        self.demo_people_file: Path | None = None
        """In demo mode, the demo people the page offers (username and password)."""
        self.clock: Callable[[], float] = time.time
        self._driver: AsyncDriver | None = None
        self._database = ""

    def start(self, driver: AsyncDriver, database: str, clock: Callable[[], float]) -> None:
        self._driver = driver
        self._database = database
        self.clock = clock

    @property
    def driver(self) -> AsyncDriver:
        if self._driver is None:
            raise RuntimeError("AuthService.start(driver, database) was not called")
        return self._driver

    def now(self) -> int:
        return int(self.clock())

    def page_url(self, pending_id: str) -> str:
        return f"{AUTHORIZE_PATH}?{urlencode({'pending': pending_id})}"

    # --- the graph ---------------------------------------------------------------------------
    async def pending(self, pending_id: str) -> PendingRequest | None:
        """The pending request, or None when unknown or expired."""
        if not pending_id or len(pending_id) > MAX_FIELD:
            return None
        records, _, _ = await self.driver.execute_query(
            cypher.GET_PENDING,
            {"digest": digest(pending_id), "now": self.now()},
            database_=self._database,
            routing_=RoutingControl.READ,
        )
        return PendingRequest.from_document(records[0]["request"]) if records else None

    async def _store_pending(self, pending: PendingRequest) -> str:
        pending_id = secrets.token_urlsafe(24)
        now = self.now()
        await self.driver.execute_query(
            cypher.PURGE_SIGN_IN, {"now": now, "limit": PURGE_LIMIT}, database_=self._database
        )
        await self.driver.execute_query(
            cypher.CREATE_PENDING,
            {
                "digest": digest(pending_id),
                "exp": now + self.settings.pending_sign_in_lifetime_s,
                "request": pending.document(),
            },
            database_=self._database,
        )
        return pending_id

    async def _consume_pending(self, pending_id: str) -> PendingRequest | None:
        if not pending_id or len(pending_id) > MAX_FIELD:
            return None
        records, _, _ = await self.driver.execute_query(
            cypher.CONSUME_PENDING,
            {"digest": digest(pending_id), "now": self.now()},
            database_=self._database,
        )
        if not records or not records[0]["live"]:
            return None
        return PendingRequest.from_document(records[0]["request"])

    async def _store_code(self, code: str, stored: StoredCode) -> None:
        grant = {
            "clientId": stored.client_id,
            "redirectUri": stored.redirect_uri,
            "scope": stored.scope,
            "codeChallenge": stored.code_challenge,
            "codeChallengeMethod": stored.code_challenge_method,
            "person": person_document(stored.person),
        }
        await self.driver.execute_query(
            cypher.CREATE_CODE,
            {
                "digest": digest(code),
                "exp": self.now() + self.settings.authorization_code_lifetime_s,
                "grant": json.dumps(grant, sort_keys=True, ensure_ascii=False),
            },
            database_=self._database,
        )

    async def consume_code(self, code: str) -> StoredCode | None:
        """Use up an authorization code: its grant (`live` False when it had expired), or None
        when unknown or used before (which revokes the session issued from its first use)."""
        if not code or len(code) > MAX_FIELD:
            return None
        now = self.now()
        records, _, _ = await self.driver.execute_query(
            cypher.CONSUME_CODE,
            {
                "digest": digest(code),
                "now": now,
                # a replay is noticed for as long as a session issued from the code can live
                "keepUntil": now + self.settings.session_lifetime_s,
            },
            database_=self._database,
        )
        if not records or records[0]["reused"]:
            return None
        grant = json.loads(records[0]["grant"])
        stored = StoredGrant.model_validate(grant)
        return StoredCode(
            client_id=stored.client_id,
            redirect_uri=stored.redirect_uri,
            scope=stored.scope,
            code_challenge=stored.code_challenge,
            code_challenge_method=stored.code_challenge_method,
            person=person_from_document(grant["person"]),
            live=bool(records[0]["live"]),
        )

    # --- the routes --------------------------------------------------------------------------
    async def authorize_get(self, request: Request) -> Response:
        """GET /oauth/authorize: validate the console's request, then the sign-in page."""
        query = request.query_params
        if "pending" in query:
            pending_id = query["pending"]
            pending = await self.pending(pending_id)
            language = language_of(query.get("ui_locales")) if "ui_locales" in query else None
            if pending is None:
                return self._message_page(language or "zh-CN", "expired", status=400)
            return self._form_page(pending_id, language or pending.language)
        language = language_of(query.get("ui_locales"))
        args: dict[str, str] = {}
        for key, value in query.multi_items():
            if key in args or len(value) > MAX_FIELD:
                return self._message_page(
                    language, "invalid", detail=f"parameter {key!r}", status=400
                )
            args[key] = value
        pending = PendingRequest(args, _origin(request), language)
        refused = self._validate(pending)
        if refused is not None:
            return refused
        pending_id = await self._store_pending(pending)
        return self._form_page(pending_id, language)

    async def authorize_post(self, request: Request) -> Response:
        """POST /oauth/authorize: a hub account signs in with its password (and TOTP code)."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return self._message_page("zh-CN", "invalid", detail="not a form", status=400)
        if int(request.headers.get("content-length") or 0) > 16 * 1024:
            return self._message_page("zh-CN", "invalid", detail="too large", status=413)
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= MAX_FIELD}
        pending_id = fields.get("pending", "")
        pending = await self.pending(pending_id)
        language = fields.get("lang") if fields.get("lang") in TEXT else None
        if pending is None:
            return self._message_page(language or "zh-CN", "expired", status=400)
        language = language or pending.language
        username = fields.get("username", "").strip().lower()
        # each attempt costs a deliberately slow password check: a budget per remote address
        address = request.client.host if request.client else "unknown"
        wait = self.rate_limit.take(f"sign-in:{address}") if self.rate_limit else None
        if wait is not None:
            page = self._form_page(
                pending_id,
                language,
                error=TEXT[language]["too_many"],
                username=username,
                status=429,
            )
            page.headers["Retry-After"] = str(max(1, math.ceil(wait)))  # whole seconds
            return page
        outcome = await authenticate(
            self.driver,
            self._database,
            username=username,
            password=fields.get("password", ""),
            totp_code=fields.get("totp", ""),
            now=self.now(),
            max_failures=self.settings.sign_in_max_failures,
            lockout_s=self.settings.sign_in_lockout_s,
        )
        if isinstance(outcome, SignInRefusal):
            return self._form_page(
                pending_id,
                language,
                error=TEXT[language][outcome.value],
                username=username,
                status=401,
            )
        return await complete_sign_in(self, pending_id, outcome)

    # --- authlib -----------------------------------------------------------------------------
    def _oauth_request(self, pending: PendingRequest) -> HubOAuth2Request:
        return HubOAuth2Request(
            pending.origin + AUTHORIZE_PATH,
            {},
            {},
            method="GET",
            args=pending.args,
            console_redirect_uri=self.console_redirect_uri,
        )

    def _validate(self, pending: PendingRequest) -> Response | None:
        """None when authlib accepts the request; else where the error goes."""
        try:
            self.server.get_consent_grant(self._oauth_request(pending))
        except OAuth2Error as error:
            return self._error_response(pending, error)
        return None

    def _error_response(self, pending: PendingRequest, error: OAuth2Error) -> Response:
        if error.redirect_uri:  # the redirect URI was checked: the console hears of it
            params = [("error", error.error)]
            if error.description:
                params.append(("error_description", error.description))
            state = pending.args.get("state")
            if state:
                params.append(("state", state))
            return RedirectResponse(
                add_params_to_uri(error.redirect_uri, params), 302, headers=_NO_STORE
            )
        detail = f"{error.error}: {error.description or ''}".strip(": ")
        return self._message_page(pending.language, "invalid", detail=detail, status=400)

    async def issue_code(self, pending: PendingRequest, person: Person) -> Response:
        request = self._oauth_request(pending)
        try:
            grant = self.server.get_consent_grant(request)
            _, _, headers = grant.create_authorization_response(grant.redirect_uri, person)
        except OAuth2Error as error:
            return self._error_response(pending, error)
        if request.code_to_store is None or request.code_value is None:
            raise RuntimeError("authlib issued no authorization code")
        await self._store_code(request.code_value, request.code_to_store)
        location = dict(headers)["Location"]
        return RedirectResponse(location, 303, headers=_NO_STORE)

    # --- pages -------------------------------------------------------------------------------
    def _demo_people(self) -> list[DemoPerson]:
        path = self.demo_people_file
        if path is None or not path.is_file():
            return []
        try:
            return DemoPeopleFile.read(path).people
        except (OSError, ValidationError):
            return []  # a half-written or foreign file: the page works without the list

    def _form_page(
        self,
        pending_id: str,
        language: str,
        *,
        error: str | None = None,
        username: str = "",
        status: int = 200,
    ) -> Response:
        t = TEXT[language]
        e = html.escape
        other = "zh-CN" if language == "en" else "en"
        switch = f"{AUTHORIZE_PATH}?{urlencode({'pending': pending_id, 'ui_locales': other})}"
        links = self.extra_sign_in_links(pending_id) if self.extra_sign_in_links else []
        parts = [
            f'<h1 id="heading">{e(t["heading"])}</h1>',
            f'<p class="switch"><a href="{e(switch)}" lang="{other}">{e(t["switch"])}</a></p>',
        ]
        if error:
            parts.append(f'<p class="error" role="alert" id="error">{e(error)}</p>')
        described = ' aria-describedby="error"' if error else ""
        parts.append(
            f'<form method="post" action="{AUTHORIZE_PATH}" aria-labelledby="heading">'
            f'<input type="hidden" name="pending" value="{e(pending_id)}">'
            f'<input type="hidden" name="lang" value="{e(language)}">'
            f'<label for="username">{e(t["username"])}</label>'
            f'<input id="username" name="username" autocomplete="username" required'
            f' value="{e(username)}"{described} autofocus>'
            f'<label for="password">{e(t["password"])}</label>'
            f'<input id="password" name="password" type="password"'
            f' autocomplete="current-password" required>'
            f'<label for="totp">{e(t["totp"])}</label>'
            f'<input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code"'
            f' pattern="[0-9]{{6}}" maxlength="6" aria-describedby="totp-hint">'
            f'<p class="hint" id="totp-hint">{e(t["totp_hint"])}</p>'
            f'<button type="submit">{e(t["submit"])}</button>'
            "</form>"
        )
        if links:
            items = "".join(f'<li><a href="{e(url)}">{e(label)}</a></li>' for label, url in links)
            parts.append(
                f'<nav aria-label="{e(t["other"])}"><h2>{e(t["other"])}</h2><ul>{items}</ul></nav>'
            )
        demo = self._demo_people()
        if demo:
            rows = "".join(
                f'<li><button type="button" class="demo" data-username="{e(p.username)}"'
                f' data-password="{e(p.password)}">{e(p.name)} · {e(p.kind.value)} · '
                f"<code>{e(p.username)}</code> / <code>{e(p.password)}</code></button></li>"
                for p in demo
            )
            parts.append(
                f'<section aria-labelledby="demo"><h2 id="demo">{e(t["demo"])}</h2>'
                f'<p>{e(t["demo_hint"])}</p><ul class="demo-list">{rows}</ul></section>'
                "<script>for (const b of document.querySelectorAll('button.demo')) "
                "b.addEventListener('click', () => {"
                "document.getElementById('username').value = b.dataset.username;"
                "document.getElementById('password').value = b.dataset.password;"
                "document.getElementById('password').focus(); });</script>"
            )
        return _page(language, t["title"], "".join(parts), status)

    def _message_page(
        self, language: str, key: str, *, detail: str = "", status: int = 400
    ) -> Response:
        t = TEXT[language]
        e = html.escape
        body = (
            f'<h1>{e(t["title"])}</h1><p class="error" role="alert">{e(t[key])}{e(detail)}</p>'
            f'<p><a href="{CONSOLE_PATH}">{e(t["back"])}</a></p>'
        )
        return _page(language, t["title"], body, status)


_STYLE = (
    "body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;background:#f4f6f8;"
    "color:#1b1f24;margin:0}main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;"
    "border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.4rem}"
    "label{display:block;margin-top:1rem;font-weight:600}input{width:100%;box-sizing:border-box;"
    "padding:.5rem;font-size:1rem;border:1px solid #6b7280;border-radius:4px}"
    "button[type=submit]{margin-top:1.5rem;width:100%;padding:.6rem;font-size:1rem;"
    "background:#0b5cad;color:#fff;border:0;border-radius:4px;cursor:pointer}"
    ".error{color:#a4161a;background:#fde8e8;padding:.6rem;border-radius:4px}"
    ".hint{font-size:.85rem;color:#4b5563;margin:.3rem 0 0}"
    ".switch{text-align:right}.demo-list{padding-left:0;list-style:none}"
    "button.demo{margin:.2rem 0;width:100%;text-align:left;background:#eef2f7;"
    "border:1px solid #c3cad4;border-radius:4px;padding:.4rem;cursor:pointer}"
    ":focus-visible{outline:3px solid #f59e0b;outline-offset:2px}"
)


def _page(language: str, title: str, body: str, status: int) -> Response:
    document = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    return HTMLResponse(document, status_code=status, headers=_PAGE_HEADERS)


def person_document(person: Person) -> dict[str, Any]:
    return {
        "accountId": person.account_id,
        "name": person.name,
        "kind": person.kind.value,
        "institution": person.institution,
        "scopes": sorted(person.scopes),
    }


def person_from_document(data: dict[str, Any]) -> Person:
    return Person(
        account_id=str(data["accountId"]),
        name=str(data["name"]),
        kind=ClientKind(data["kind"]),
        institution=data.get("institution"),
        scopes=frozenset(data.get("scopes") or ()),
    )


async def complete_sign_in(sign_in: SignInService, pending_id: str, person: Person) -> Response:
    """Issue the code for `person` and send the browser back to the console (the contract for
    other ways of signing in: see the module doc)."""
    pending = await sign_in._consume_pending(pending_id)
    if pending is None:
        return sign_in._message_page("zh-CN", "expired", status=400)
    return await sign_in.issue_code(pending, person)


async def render_sign_in_page(
    sign_in: SignInService, pending_id: str, error: str | None = None
) -> Response:
    """The sign-in page of a pending request, with `error` shown (in the page's language)."""
    pending = await sign_in.pending(pending_id)
    if pending is None:
        return sign_in._message_page("zh-CN", "expired", status=400)
    return sign_in._form_page(
        pending_id, pending.language, error=error, status=400 if error else 200
    )
