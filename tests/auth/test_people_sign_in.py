"""People sign in to the console (issue 21): the authorization code grant with PKCE for the
public client `hub-console`, through the real hub over HTTP, as the console's page does it
(`hub/web/console/session.js`): GET /oauth/authorize, the sign-in form POSTed, the code
exchanged with the verifier, refresh tokens rotated, sign-out at /oauth/revoke.
"""

# ruff: noqa: RUF001  # the page's Chinese texts use full-width punctuation
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from graph_kit import DATABASE, HeldClock, eventually, hub_settings, served
from neo4j import AsyncDriver
from test_enterprise_api import FOCUS, build_graph
from test_risk_disposal import ALERTS, ASSIGN, NOON, VERIFY, ask, u

from auth.accounts import (
    Account,
    add_account,
    get_account,
    set_account_disabled,
    unlock_account,
)
from auth.catalog import load_catalog
from auth.principal import ClientKind
from hub.cli_auth import write_demo_clients
from hub.localdb import free_port
from hub.settings import Settings

PASSWORD = "correct horse battery staple"
T = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
CUSTOMS_SCOPES = load_catalog().default_scopes(ClientKind.CUSTOMS)
REGULATOR_SCOPES = load_catalog().default_scopes(ClientKind.REGULATOR)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


@dataclass
class Console:
    """The console's side of the flow: one browser tab."""

    http: httpx.AsyncClient
    origin: str

    @property
    def redirect_uri(self) -> str:
        return f"{self.origin}/console/"

    async def authorize(self, verifier: str, state: str = "s-1", **extra: str) -> httpx.Response:
        params = {
            "response_type": "code",
            "client_id": "hub-console",
            "redirect_uri": self.redirect_uri,
            "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256",
            "state": state,
            "ui_locales": "zh-CN",
        } | extra
        return await self.http.get("/oauth/authorize", params=params)

    async def post_form(
        self, pending: str, username: str, password: str, totp: str = ""
    ) -> httpx.Response:
        return await self.http.post(
            "/oauth/authorize",
            data={"pending": pending, "username": username, "password": password, "totp": totp},
        )

    async def exchange(self, code: str, verifier: str) -> httpx.Response:
        return await self.token(
            grant_type="authorization_code",
            code=code,
            redirect_uri=self.redirect_uri,
            code_verifier=verifier,
        )

    async def token(self, **form: str) -> httpx.Response:
        return await self.http.post("/oauth/token", data={"client_id": "hub-console", **form})

    async def refresh(self, refresh_token: str) -> httpx.Response:
        return await self.token(grant_type="refresh_token", refresh_token=refresh_token)

    async def code_for(
        self, username: str, password: str = PASSWORD, totp: str = ""
    ) -> tuple[str, str]:
        """Sign in: the code the console comes back with, and its verifier."""
        verifier = secrets.token_urlsafe(48)
        page = await self.authorize(verifier)
        assert page.status_code == 200, page.text
        signed = await self.post_form(pending_of(page), username, password, totp)
        assert signed.status_code == 303, signed.text
        back = urlsplit(signed.headers["location"])
        assert f"{back.scheme}://{back.netloc}{back.path}" == self.redirect_uri
        query = parse_qs(back.query)
        assert query["state"] == ["s-1"]
        return query["code"][0], verifier

    async def sign_in(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        code, verifier = await self.code_for(username, password)
        tokens = await self.exchange(code, verifier)
        assert tokens.status_code == 200, tokens.text
        answer: dict[str, Any] = tokens.json()
        return answer

    async def graphql(self, access_token: str, query: str = "{ __typename }") -> httpx.Response:
        return await self.http.post(
            "/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {access_token}"},
        )


def pending_of(page: httpx.Response) -> str:
    found = re.search(r'name="pending" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


@pytest.fixture
async def console(hub_url: str) -> AsyncIterator[Console]:
    async with httpx.AsyncClient(base_url=hub_url, timeout=30) as http:
        yield Console(http, hub_url)


async def person(
    graph: AsyncDriver,
    username: str = "li.wei",
    kind: ClientKind = ClientKind.CUSTOMS,
    *,
    totp: bool = False,
) -> Account:
    scopes = load_catalog().default_scopes(kind)
    return await add_account(
        graph,
        DATABASE,
        username=username,
        name="李伟",
        kind=kind,
        institution="zhengzhou-customs" if kind is ClientKind.CUSTOMS else None,
        password=PASSWORD,
        scopes=scopes,
        totp=totp,
        now=0,
    )


# --- the flow ----------------------------------------------------------------------------------


async def test_a_person_signs_in_with_a_code_and_pkce_and_the_token_works(
    graph: AsyncDriver, console: Console
) -> None:
    await person(graph)
    verifier = secrets.token_urlsafe(48)
    page = await console.authorize(verifier)
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert '<label for="username">用户名</label>' in page.text
    assert '<label for="password">密码</label>' in page.text
    assert 'id="totp"' in page.text
    signed = await console.post_form(pending_of(page), "li.wei", PASSWORD)
    assert signed.status_code == 303
    code = parse_qs(urlsplit(signed.headers["location"]).query)["code"][0]
    tokens = (await console.exchange(code, verifier)).json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 600
    assert tokens["refresh_token"]
    claims = claims_of(tokens["access_token"])
    assert {k: claims[k] for k in ("sub", "client_id", "kind", "institution", "name")} == {
        "sub": "local:li.wei",
        "client_id": "hub-console",
        "kind": "customs",
        "institution": "zhengzhou-customs",
        "name": "李伟",
    }
    assert claims["preferred_username"] == "li.wei"
    assert set(claims["scope"].split()) == CUSTOMS_SCOPES
    answer = await console.graphql(tokens["access_token"])
    assert answer.status_code == 200
    assert answer.json() == {"data": {"__typename": "Query"}}


async def test_the_page_is_english_when_asked(graph: AsyncDriver, console: Console) -> None:
    page = await console.authorize(secrets.token_urlsafe(48), ui_locales="en")
    assert '<html lang="en">' in page.text
    assert '<label for="password">Password</label>' in page.text


async def test_a_wrong_verifier_is_refused_and_uses_the_code_up(
    graph: AsyncDriver, console: Console
) -> None:
    await person(graph)
    code, verifier = await console.code_for("li.wei")
    refused = await console.exchange(code, secrets.token_urlsafe(48))
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    # the right verifier is refused too now: the code was used up by the failed attempt
    assert (await console.exchange(code, verifier)).json()["error"] == "invalid_grant"
    # its allowed twin: a fresh code with its own verifier
    code, verifier = await console.code_for("li.wei")
    assert (await console.exchange(code, verifier)).status_code == 200


async def test_a_code_is_used_once(graph: AsyncDriver, console: Console) -> None:
    await person(graph)
    code, verifier = await console.code_for("li.wei")
    tokens = await console.exchange(code, verifier)
    assert tokens.status_code == 200
    again = await console.exchange(code, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    # RFC 6749 section 4.1.2: the replay revokes the session issued from the code's first use
    refreshed = await console.refresh(tokens.json()["refresh_token"])
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"


async def test_a_code_used_once_keeps_its_session(graph: AsyncDriver, console: Console) -> None:
    await person(graph)
    code, verifier = await console.code_for("li.wei")
    tokens = (await console.exchange(code, verifier)).json()
    assert (await console.refresh(tokens["refresh_token"])).status_code == 200


async def test_a_code_lives_a_minute(
    graph: AsyncDriver, console: Console, hub_clock: HeldClock
) -> None:
    await person(graph)
    hub_clock.hold(T)
    code, verifier = await console.code_for("li.wei")
    hub_clock.hold(T + dt.timedelta(seconds=61))
    assert (await console.exchange(code, verifier)).json()["error"] == "invalid_grant"
    code, verifier = await console.code_for("li.wei")
    hub_clock.hold(T + dt.timedelta(seconds=61 + 59))
    assert (await console.exchange(code, verifier)).status_code == 200


async def test_the_redirect_uri_must_be_the_hubs_own_console(
    graph: AsyncDriver, console: Console
) -> None:
    elsewhere = await console.authorize(
        secrets.token_urlsafe(48), redirect_uri="https://evil.example/console/"
    )
    assert elsewhere.status_code == 400  # never redirected to an unchecked URI
    assert "location" not in elsewhere.headers
    assert "redirect_uri" in elsewhere.text
    # PKCE is required: without a challenge the console hears of it at its own redirect URI
    no_pkce = await console.http.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": "hub-console",
            "redirect_uri": console.redirect_uri,
            "state": "s-2",
        },
    )
    assert no_pkce.status_code == 302
    back = parse_qs(urlsplit(no_pkce.headers["location"]).query)
    assert back["error"] == ["invalid_request"]
    assert back["state"] == ["s-2"]
    plain = await console.authorize(secrets.token_urlsafe(48), code_challenge_method="plain")
    assert parse_qs(urlsplit(plain.headers["location"]).query)["error"] == ["invalid_request"]


async def test_a_forged_host_header_does_not_move_the_console(
    graph: AsyncDriver, console: Console
) -> None:
    verifier = secrets.token_urlsafe(48)
    forged = await console.http.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": "hub-console",
            "redirect_uri": "http://localhost:9999/console/",
            "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256",
            "state": "s-1",
        },
        headers={"Host": "localhost:9999"},
    )
    assert forged.status_code == 400
    assert "location" not in forged.headers
    assert f"redirect_uri must be {console.redirect_uri}" in forged.text
    # the allowed twin: the hub's own origin (its issuer), with the code sent there
    await person(graph)
    code, _ = await console.code_for("li.wei")
    assert code


# --- passwords, lockout, TOTP, disabled ---------------------------------------------------------


async def test_a_wrong_password_is_refused_without_saying_which_was_wrong(
    graph: AsyncDriver, console: Console
) -> None:
    await person(graph)
    page = await console.authorize(secrets.token_urlsafe(48))
    pending = pending_of(page)
    wrong_password = await console.post_form(pending, "li.wei", "not the password at all")
    unknown_user = await console.post_form(pending, "nobody", PASSWORD)
    for refused in (wrong_password, unknown_user):
        assert refused.status_code == 401
        assert "location" not in refused.headers
        assert "用户名或密码不正确，或账户不可用。" in refused.text
        assert 'role="alert"' in refused.text
    # the allowed twin, on the same pending request
    assert (await console.post_form(pending, "li.wei", PASSWORD)).status_code == 303


async def test_five_failures_lock_the_account_for_a_while(
    graph: AsyncDriver, console: Console, hub_clock: HeldClock
) -> None:
    await person(graph)
    hub_clock.hold(T)
    page = await console.authorize(secrets.token_urlsafe(48), ui_locales="en")
    pending = pending_of(page)
    for _ in range(4):
        refused = await console.post_form(pending, "li.wei", "wrong password 123")
        assert "The username or password is wrong" in refused.text
    fifth = await console.post_form(pending, "li.wei", "wrong password 123")
    assert "locked" in fifth.text
    right = await console.post_form(pending, "li.wei", PASSWORD)
    assert right.status_code == 401  # the right password is refused while locked
    assert "locked" in right.text
    # a sign-in page lives 10 minutes: each try below opens a new one
    hub_clock.hold(T + dt.timedelta(minutes=14))
    pending = pending_of(await console.authorize(secrets.token_urlsafe(48)))
    assert (await console.post_form(pending, "li.wei", PASSWORD)).status_code == 401
    hub_clock.hold(T + dt.timedelta(minutes=15, seconds=1))
    pending = pending_of(await console.authorize(secrets.token_urlsafe(48)))
    assert (await console.post_form(pending, "li.wei", PASSWORD)).status_code == 303


async def test_an_operator_unlocks_a_locked_account(graph: AsyncDriver, console: Console) -> None:
    await person(graph)
    pending = pending_of(await console.authorize(secrets.token_urlsafe(48)))
    for _ in range(5):
        await console.post_form(pending, "li.wei", "wrong password 123")
    assert (await console.post_form(pending, "li.wei", PASSWORD)).status_code == 401
    await unlock_account(graph, DATABASE, "li.wei")
    assert (await console.post_form(pending, "li.wei", PASSWORD)).status_code == 303


async def test_totp_is_required_and_accepted(
    graph: AsyncDriver, console: Console, hub_clock: HeldClock
) -> None:
    account = await person(graph, totp=True)
    assert account.totp_secret is not None
    totp = pyotp.TOTP(account.totp_secret)
    hub_clock.hold(T)
    page = await console.authorize(secrets.token_urlsafe(48))
    assert "已开启双重验证的账户必须填写身份验证器应用中的 6 位动态验证码。" in page.text
    pending = pending_of(page)
    # the right password without the code: the same refusal as a wrong password, counted
    asked = await console.post_form(pending, "li.wei", PASSWORD)
    assert asked.status_code == 401
    assert "用户名或密码不正确，或账户不可用。" in asked.text
    counted = await get_account(graph, DATABASE, "li.wei")
    assert counted is not None
    assert counted.failures == 1
    wrong_code = totp.at(T - dt.timedelta(minutes=5))
    refused = await console.post_form(pending, "li.wei", PASSWORD, wrong_code)
    assert refused.status_code == 401
    assert "用户名或密码不正确" in refused.text
    accepted = await console.post_form(pending, "li.wei", PASSWORD, totp.at(T))
    assert accepted.status_code == 303
    # a code is good once: seen over a shoulder, it is no use; the next step's code is
    pending = pending_of(await console.authorize(secrets.token_urlsafe(48)))
    assert (await console.post_form(pending, "li.wei", PASSWORD, totp.at(T))).status_code == 401
    hub_clock.hold(T + dt.timedelta(seconds=30))
    later = totp.at(T + dt.timedelta(seconds=30))
    assert (await console.post_form(pending, "li.wei", PASSWORD, later)).status_code == 303


async def test_a_disabled_account_cannot_sign_in_nor_refresh(
    graph: AsyncDriver, console: Console
) -> None:
    await person(graph)
    tokens = await console.sign_in("li.wei")
    await set_account_disabled(graph, DATABASE, "li.wei", True)
    assert (await console.refresh(tokens["refresh_token"])).json()["error"] == "invalid_grant"
    pending = pending_of(await console.authorize(secrets.token_urlsafe(48)))
    refused = await console.post_form(pending, "li.wei", PASSWORD)
    assert refused.status_code == 401
    assert "用户名或密码不正确，或账户不可用。" in refused.text
    await set_account_disabled(graph, DATABASE, "li.wei", False)
    assert (await console.post_form(pending, "li.wei", PASSWORD)).status_code == 303


# --- sessions: refresh, reuse, sign-out, expiry -----------------------------------------------


async def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(
    graph: AsyncDriver, console: Console
) -> None:
    await person(graph)
    first = await console.sign_in("li.wei")
    second = (await console.refresh(first["refresh_token"])).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert claims_of(second["access_token"])["sub"] == "local:li.wei"
    assert (await console.graphql(second["access_token"])).status_code == 200
    reused = await console.refresh(first["refresh_token"])
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    # the reuse revoked the family: the newest refresh token is refused too
    assert (await console.refresh(second["refresh_token"])).json()["error"] == "invalid_grant"


async def test_sign_out_revokes_the_session(graph: AsyncDriver, console: Console) -> None:
    await person(graph)
    tokens = await console.sign_in("li.wei")
    kept = await console.sign_in("li.wei")  # another tab's session is not touched
    revoked = await console.http.post(
        "/oauth/revoke",
        data={
            "client_id": "hub-console",
            "token": tokens["refresh_token"],
            "token_type_hint": "refresh_token",
        },
    )
    assert revoked.status_code == 200
    assert (await console.refresh(tokens["refresh_token"])).json()["error"] == "invalid_grant"
    assert (await console.refresh(kept["refresh_token"])).status_code == 200


async def test_an_expired_access_token_is_refused_while_refresh_gives_a_working_one(
    graph: AsyncDriver, console: Console, hub_clock: HeldClock
) -> None:
    await person(graph)
    hub_clock.hold(T)
    tokens = await console.sign_in("li.wei")
    assert (await console.graphql(tokens["access_token"])).status_code == 200
    hub_clock.hold(T + dt.timedelta(seconds=600 + 61))  # its lifetime and the leeway
    expired = await console.graphql(tokens["access_token"])
    assert expired.status_code == 401
    fresh = (await console.refresh(tokens["refresh_token"])).json()
    assert (await console.graphql(fresh["access_token"])).status_code == 200


async def test_a_session_lasts_a_working_day(
    graph: AsyncDriver, console: Console, hub_clock: HeldClock
) -> None:
    await person(graph)
    hub_clock.hold(T)
    tokens = await console.sign_in("li.wei")
    hub_clock.hold(T + dt.timedelta(hours=9, minutes=59))
    within = (await console.refresh(tokens["refresh_token"])).json()
    assert within["refresh_token"]
    hub_clock.hold(T + dt.timedelta(hours=10, minutes=1))
    assert (await console.refresh(within["refresh_token"])).json()["error"] == "invalid_grant"


# --- the audit trail names the person -----------------------------------------------------------


async def test_the_audit_trail_names_the_person(graph: AsyncDriver, console: Console) -> None:
    await build_graph(graph)
    await person(graph, "wang.jian", ClientKind.REGULATOR)
    tokens = await console.sign_in("wang.jian")
    read = await console.http.post(
        "/graphql",
        json={
            "query": "query Look($u: String!) { enterprise(uscc: $u) { name } }",
            "variables": {"u": FOCUS},
        },
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert read.json()["data"]["enterprise"]["name"]

    async def entries() -> list[dict[str, Any]]:
        records, _, _ = await graph.execute_query(
            "MATCH (a:AuditRecord {clientId: 'hub-console'}) RETURN a.extra AS extra, "
            "a.operation AS operation, a.kind AS kind",
            database_=DATABASE,
        )
        return [dict(r) for r in records]

    [entry] = await eventually(entries)
    assert entry["operation"] == "Look"
    assert entry["kind"] == "regulator"
    extra = json.loads(entry["extra"])
    assert (extra["person"], extra["personName"]) == ("local:wang.jian", "李伟")


async def test_a_sign_in_page_left_open_expires(
    graph: AsyncDriver, console: Console, hub_clock: HeldClock
) -> None:
    await person(graph)
    hub_clock.hold(T)
    pending = pending_of(await console.authorize(secrets.token_urlsafe(48)))
    hub_clock.hold(T + dt.timedelta(minutes=9))
    kept = pending_of(await console.authorize(secrets.token_urlsafe(48)))
    hub_clock.hold(T + dt.timedelta(minutes=10, seconds=1))
    late = await console.post_form(pending, "li.wei", PASSWORD)
    assert late.status_code == 400
    assert "登录请求已过期或无效，请返回控制台重新登录。" in late.text
    assert (await console.post_form(kept, "li.wei", PASSWORD)).status_code == 303


# --- demo mode ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_hub(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = hub_settings(
        neo4j_uri=neo4j_uri,
        data_dir=tmp_path_factory.mktemp("demo-people-hub"),
        port=free_port(),
        demo=True,
    )
    with served(settings):
        yield settings


async def test_a_demo_hub_lists_its_demo_people_and_each_signs_in(
    graph: AsyncDriver, demo_hub: Settings, hub_url: str
) -> None:
    await build_graph(graph)
    await asyncio.to_thread(write_demo_clients, demo_hub)  # what `hub run` does before serving
    people = json.loads(demo_hub.demo_people_file.read_text(encoding="utf-8"))["people"]
    assert [p["kind"] for p in people] == [
        "regulator", "customs", "tax", "safe", "commerce", "samr", "bank", "insurer", "enterprise",
    ]  # fmt: skip
    enterprise = next(p for p in people if p["kind"] == "enterprise")
    clients = json.loads(demo_hub.demo_clients_file.read_text(encoding="utf-8"))["clients"]
    assert enterprise["institution"] == next(
        c["institution"] for c in clients if c["kind"] == "enterprise"
    )
    async with httpx.AsyncClient(base_url=demo_hub.base_url, timeout=30) as http:
        console = Console(http, demo_hub.base_url)
        page = await console.authorize(secrets.token_urlsafe(48))
        for p in people:
            assert f'data-username="{p["username"]}" data-password="{p["password"]}"' in page.text
        bank = next(p for p in people if p["kind"] == "bank")
        tokens = await console.sign_in(bank["username"], bank["password"])
        assert claims_of(tokens["access_token"])["kind"] == "bank"
    # a hub not in demo mode lists nobody, though the accounts exist in the graph
    async with httpx.AsyncClient(base_url=hub_url, timeout=30) as http:
        page = await Console(http, hub_url).authorize(secrets.token_urlsafe(48))
        assert page.status_code == 200
        assert "data-password" not in page.text


# --- a limit on sign-in attempts ----------------------------------------------------------------


@pytest.fixture(scope="module")
def limited_hub(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A hub whose sign-in budget is 3 attempts at once, one a minute after."""
    settings = hub_settings(
        neo4j_uri=neo4j_uri,
        data_dir=tmp_path_factory.mktemp("limited-sign-in-hub"),
        port=free_port(),
        sign_in_rate_limit_per_minute=1,
        sign_in_rate_limit_burst=3,
    )
    with served(settings) as url:
        yield url


async def test_sign_in_attempts_from_one_address_are_limited(
    graph: AsyncDriver, limited_hub: str
) -> None:
    await person(graph)
    async with httpx.AsyncClient(base_url=limited_hub, timeout=30) as http:
        console = Console(http, limited_hub)
        pending = pending_of(await console.authorize(secrets.token_urlsafe(48)))
        for _ in range(3):  # the allowed twin: the first three are answered as usual
            refused = await console.post_form(pending, "li.wei", "wrong password 123")
            assert refused.status_code == 401
            assert "用户名或密码不正确，或账户不可用。" in refused.text
        limited = await console.post_form(pending, "li.wei", PASSWORD)
        assert limited.status_code == 429  # even the right password waits
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert "登录尝试过于频繁，请等待一分钟后再试。" in limited.text
        assert "location" not in limited.headers
        # in English when the page is
        pending = pending_of(await console.authorize(secrets.token_urlsafe(48), ui_locales="en"))
        limited = await console.post_form(pending, "li.wei", PASSWORD)
        assert limited.status_code == 429
        assert "Too many sign-in attempts: wait a minute, then try again." in limited.text


# --- who took a disposal step -------------------------------------------------------------------


async def test_a_disposal_step_names_the_person_and_their_account(
    graph: AsyncDriver, console: Console, hub_clock: HeldClock
) -> None:
    hub_clock.hold(NOON)
    await graph.execute_query(ALERTS, u=[u(i) for i in range(4)], database_=DATABASE)
    await person(graph, "li.wei", ClientKind.REGULATOR)
    await person(graph, "li.wei.kaifeng", ClientKind.REGULATOR)  # the same name, 李伟
    first = (await console.sign_in("li.wei"))["access_token"]
    second = (await console.sign_in("li.wei.kaifeng"))["access_token"]
    await ask(console.origin, first, ASSIGN, id="RA-a", to="Li Wei")
    verified = await ask(console.origin, second, VERIFY, id="RA-a", note="Seen.")
    steps = verified["data"]["recordRiskAlertVerification"]["disposal"]["steps"]
    assert [step["by"] for step in steps] == ["李伟 (local:li.wei)", "李伟 (local:li.wei.kaifeng)"]
