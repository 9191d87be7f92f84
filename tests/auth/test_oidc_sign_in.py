"""People sign in through a department's OpenID provider (`auth.oidc`), against the test-only
provider of `oidc_provider` served over HTTP.

The relying party's routes are tested here with a stand-in for the hub's sign-in service (it
records whom it was asked to sign in); the browser is an httpx client following redirects by
hand, with the hub mounted in process at http://hub.test and the provider on a real port.
"""

from __future__ import annotations

import base64
import html
import json
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from graph_kit import HeldClock, hub_settings, served
from oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcTestProvider, ServedProvider
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, RedirectResponse, Response

from auth.catalog import load_catalog
from auth.keys import SigningKeys
from auth.oidc import ERROR_HEADER, OidcSignIn, SignInPorts, pkce_challenge
from auth.person import Person
from auth.principal import ClientKind
from auth.settings import OidcLabel, OidcProvider
from hub.localdb import free_port

HUB = "http://hub.test"
START = f"{HUB}/oauth/oidc/henan-tax/start"
TAX_SCOPES = load_catalog().default_scopes(ClientKind.TAX)


@pytest.fixture(scope="module")
def provider(session_clock: HeldClock) -> Iterator[OidcTestProvider]:
    served = ServedProvider(clock=lambda: session_clock().timestamp())
    served.provider.redirect_uris.add(f"{HUB}/oauth/oidc/henan-tax/callback")
    try:
        yield served.provider
    finally:
        served.stop()


def provider_config(issuer: str, name: str = "henan-tax") -> OidcProvider:
    return OidcProvider(
        name=name,
        label=OidcLabel(zh="河南税务统一身份认证", en="Henan Tax sign-in"),
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,  # type: ignore[arg-type]
        kind=ClientKind.TAX,
        institution="henan-tax-bureau",
    )


@dataclass
class FakeSignIn:
    """Stands for the hub's sign-in service: pending requests, completions, used states."""

    languages: dict[str, str] = field(default_factory=dict)
    completed: list[tuple[str, Person]] = field(default_factory=list)
    used: set[tuple[str, str]] = field(default_factory=set)

    async def language(self, pending_id: str) -> str | None:
        return self.languages.get(pending_id)

    async def complete(self, pending_id: str, person: Person) -> Response:
        self.completed.append((pending_id, person))
        return RedirectResponse(f"{HUB}/console/?code=hub-code-{pending_id}", status_code=302)

    async def show_error(self, pending_id: str, message: str) -> Response:
        return HTMLResponse(f'<p role="alert">{html.escape(message)}</p>')

    async def consume_state(self, provider: str, state: str, exp: int) -> bool:
        fresh = (provider, state) not in self.used
        self.used.add((provider, state))
        return fresh

    def ports(self) -> SignInPorts:
        return SignInPorts(self.language, self.complete, self.show_error, self.consume_state)


@dataclass
class RelyingParty:
    oidc: OidcSignIn
    sign_in: FakeSignIn
    browser: httpx.AsyncClient


@pytest.fixture
async def rp(
    provider: OidcTestProvider, tmp_path: Path, session_clock: HeldClock
) -> AsyncIterator[RelyingParty]:
    sign_in = FakeSignIn(languages={"p-zh": "zh-CN", "p-en": "en"})
    async with httpx.AsyncClient() as hub_http:
        oidc = OidcSignIn(
            [provider_config(provider.url), provider_config("http://127.0.0.1:9", "down")],
            hub_url=HUB,
            keys=SigningKeys.open(tmp_path),
            http=hub_http,
            ports=sign_in.ports(),
            default_scopes=load_catalog().default_scopes,
            known_scopes=load_catalog().scope_names(),
            clock=lambda: session_clock().timestamp(),
        )
        hub = httpx.ASGITransport(app=Starlette(routes=oidc.routes()))
        async with httpx.AsyncClient(mounts={HUB: hub}, timeout=30) as browser:
            yield RelyingParty(oidc, sign_in, browser)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def to_provider(browser: httpx.AsyncClient, pending: str = "p-zh") -> str:
    """Follow the sign-in link to the provider: the authorization request's URL."""
    start = await browser.get(f"{START}?{urlencode({'pending': pending})}")
    assert start.status_code == 302, start.text
    return start.headers["location"]


async def back_from_provider(
    browser: httpx.AsyncClient, authorize_url: str, user: str = "li-wei"
) -> str:
    """The provider signs `user` in: the callback URL it sends the browser to."""
    # appended: httpx's `params` would replace the query the hub wrote
    answer = await browser.get(f"{authorize_url}&{urlencode({'user': user})}")
    assert answer.status_code == 302, answer.text
    callback: str = answer.headers["location"]
    assert callback.startswith(f"{HUB}/oauth/oidc/henan-tax/callback?")
    return callback


async def sign_in_through(browser: httpx.AsyncClient, pending: str = "p-zh") -> httpx.Response:
    callback = await back_from_provider(browser, await to_provider(browser, pending))
    return await browser.get(callback)


def li_wei(provider: str = "henan-tax") -> Person:
    return Person(
        account_id=f"oidc:{provider}:li-wei",
        name="李伟",
        kind=ClientKind.TAX,
        institution="henan-tax-bureau",
        scopes=TAX_SCOPES,
    )


async def test_a_person_signs_in_through_the_department_provider(
    rp: RelyingParty, provider: OidcTestProvider
) -> None:
    authorize = await to_provider(rp.browser, "p-en")
    asked = query(authorize)
    assert authorize.startswith(f"{provider.url}/authorize?")
    assert {k: asked[k] for k in ("response_type", "client_id", "redirect_uri", "scope")} == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": f"{HUB}/oauth/oidc/henan-tax/callback",
        "scope": "openid profile",
    }
    assert asked["code_challenge_method"] == "S256" and asked["ui_locales"] == "en"
    assert len({asked["state"], asked["nonce"], asked["code_challenge"]}) == 3
    form = await rp.browser.get(authorize)  # without a chosen user: the provider's form
    assert '<option value="li-wei">李伟</option>' in form.text
    done = await rp.browser.get(await back_from_provider(rp.browser, authorize))
    assert done.status_code == 302
    assert done.headers["location"] == f"{HUB}/console/?code=hub-code-p-en"
    assert rp.sign_in.completed == [("p-en", li_wei())]
    # the state cookie is used up with the answer
    assert "hub_oidc_state" not in rp.browser.cookies


async def test_each_person_is_named_by_provider_and_subject(rp: RelyingParty) -> None:
    callback = await back_from_provider(rp.browser, await to_provider(rp.browser), "zhang-min")
    assert (await rp.browser.get(callback)).status_code == 302
    (_, person), *_ = rp.sign_in.completed
    assert (person.account_id, person.name) == ("oidc:henan-tax:zhang-min", "张敏")


async def test_the_sign_in_page_gets_a_link_per_provider(rp: RelyingParty) -> None:
    assert rp.oidc.links("p-zh", "zh-CN") == [
        ("河南税务统一身份认证", "/oauth/oidc/henan-tax/start?pending=p-zh"),
        ("河南税务统一身份认证", "/oauth/oidc/down/start?pending=p-zh"),
    ]
    assert rp.oidc.links("p 1", "en")[0] == (
        "Henan Tax sign-in",
        "/oauth/oidc/henan-tax/start?pending=p+1",
    )
    assert rp.oidc.links("p-zh")[0][0] == "河南税务统一身份认证 · Henan Tax sign-in"


@pytest.mark.parametrize(
    ("misbehaviour", "reason"),
    [
        ({"tamper": True}, "bad signature"),
        ({"claims": {"nonce": "a-nonce-of-another-sign-in"}}, "wrong nonce"),
        ({"claims": {"aud": "another-relying-party"}}, "wrong audience 'another-relying-party'"),
        ({"claims": {"iss": "https://idp.elsewhere.example"}}, "wrong issuer"),
        ({"claims": {"sub": ""}}, "no subject"),
    ],
)
async def test_an_id_token_that_fails_verification_is_refused(
    rp: RelyingParty, provider: OidcTestProvider, misbehaviour: dict[str, object], reason: str
) -> None:
    provider.next_id_token = misbehaviour
    refused = await sign_in_through(rp.browser)
    assert refused.headers[ERROR_HEADER].startswith(f"bad_id_token: {reason}")
    assert "河南税务统一身份认证返回的身份凭证未通过校验，登录被拒绝。" in refused.text  # noqa: RUF001
    assert rp.sign_in.completed == []
    # the allowed twin: the same person, the provider behaving, is signed in
    assert (await sign_in_through(rp.browser)).status_code == 302
    assert rp.sign_in.completed == [("p-zh", li_wei())]


async def test_an_expired_id_token_is_refused(
    rp: RelyingParty, provider: OidcTestProvider, session_clock: HeldClock
) -> None:
    an_hour_ago = int(session_clock().timestamp()) - 3600
    provider.next_id_token = {"claims": {"iat": an_hour_ago - 300, "exp": an_hour_ago}}
    refused = await sign_in_through(rp.browser, "p-en")
    assert refused.headers[ERROR_HEADER] == "bad_id_token: expired"
    assert "The identity token from Henan Tax sign-in failed verification" in refused.text
    assert (await sign_in_through(rp.browser, "p-en")).status_code == 302


async def test_a_replayed_answer_is_refused(rp: RelyingParty) -> None:
    callback = await back_from_provider(rp.browser, await to_provider(rp.browser))
    cookie = rp.browser.cookies["hub_oidc_state"]
    assert (await rp.browser.get(callback)).status_code == 302
    # replayed with the cookie as it was (say, captured): the state is used up
    replay = await rp.browser.get(callback, headers={"Cookie": f"hub_oidc_state={cookie}"})
    assert replay.headers[ERROR_HEADER] == "state_replayed: the state was used before"
    assert "该登录请求已被使用，请重新登录。" in replay.text  # noqa: RUF001
    # replayed from a browser that never started a sign-in: nothing to match it with
    replay = await rp.browser.get(callback)
    assert (replay.status_code, replay.headers[ERROR_HEADER]) == (400, "state_missing")
    assert len(rp.sign_in.completed) == 1


async def test_an_answer_for_another_sign_in_attempt_is_refused(rp: RelyingParty) -> None:
    first = await back_from_provider(rp.browser, await to_provider(rp.browser))
    second = await back_from_provider(rp.browser, await to_provider(rp.browser))
    # the browser's cookie is the second attempt's: the first answer does not match it
    refused = await rp.browser.get(first)
    assert refused.headers[ERROR_HEADER].startswith("state_mismatch")
    assert rp.sign_in.completed == []
    # refusing deleted the cookie; an attempt started afresh goes through
    assert (await rp.browser.get(second)).headers[ERROR_HEADER] == "state_missing"
    assert (await sign_in_through(rp.browser)).status_code == 302


async def test_a_provider_that_refuses_or_is_down_is_said_so(rp: RelyingParty) -> None:
    denied = await rp.browser.get(f"{await to_provider(rp.browser, 'p-en')}&user=li-wei&deny=1")
    answer = await rp.browser.get(denied.headers["location"])
    assert answer.headers[ERROR_HEADER] == "provider_refused: access_denied"
    assert "Henan Tax sign-in did not sign you in (access_denied)." in answer.text
    down = await rp.browser.get(f"{HUB}/oauth/oidc/down/start", params={"pending": "p-zh"})
    assert down.headers[ERROR_HEADER].startswith("provider_unavailable")
    assert "暂时无法连接河南税务统一身份认证" in down.text
    assert rp.sign_in.completed == []
    assert (await sign_in_through(rp.browser, "p-en")).status_code == 302


async def test_a_sign_in_request_the_hub_does_not_know_is_refused(rp: RelyingParty) -> None:
    for pending in ("", "p-expired"):
        gone = await rp.browser.get(
            f"{HUB}/oauth/oidc/henan-tax/start", params={"pending": pending}
        )
        assert (gone.status_code, gone.headers[ERROR_HEADER]) == (400, "unknown_pending")
        assert "登录请求已过期或无效" in gone.text and "sign in again" in gone.text
    unknown = await rp.browser.get(f"{HUB}/oauth/oidc/nobody/start", params={"pending": "p-zh"})
    assert unknown.status_code == 404
    assert (
        await rp.browser.get(f"{HUB}/oauth/oidc/henan-tax/start?pending=p-zh")
    ).status_code == 302


async def test_the_token_request_proves_the_pkce_verifier(
    rp: RelyingParty, provider: OidcTestProvider
) -> None:
    """The provider checks S256(verifier) against the challenge: a challenge the hub did not
    make (one from another flow) leaves the code unredeemable."""
    authorize = await to_provider(rp.browser)
    forged = authorize.replace(
        query(authorize)["code_challenge"], pkce_challenge("a verifier the hub never had " * 2)
    )
    refused = await rp.browser.get(await back_from_provider(rp.browser, forged))
    assert refused.headers[ERROR_HEADER].startswith("token_refused: token endpoint answered 400")
    assert (await sign_in_through(rp.browser)).status_code == 302


async def test_a_provider_is_configured_safely(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from auth.settings import AuthSettings

    good = provider_config("https://idp.tax.henan.example")
    assert good.issuer == "https://idp.tax.henan.example"
    assert provider_config("http://127.0.0.1:8081/").issuer == "http://127.0.0.1:8081"
    with pytest.raises(ValidationError, match="must be an https URL"):
        provider_config("http://idp.tax.henan.example")
    assert CLIENT_SECRET not in repr(good)  # the client secret is never printed
    with pytest.raises(ValidationError, match="must include 'openid'"):
        OidcProvider.model_validate({**good.model_dump(), "request_scope": "profile"})
    with pytest.raises(ValidationError, match="not allowed"):
        OidcProvider.model_validate({**good.model_dump(), "algorithms": ["HS256"]})
    other = provider_config("https://idp.customs.example", "zhengzhou-customs")
    assert len(AuthSettings(oidc_providers=[good, other]).oidc_providers) == 2
    with pytest.raises(ValidationError, match="a name of its own"):
        AuthSettings(oidc_providers=[good, provider_config("https://idp.customs.example")])
    # scopes the catalog does not know stop the hub at start
    catalog = load_catalog()
    http = httpx.AsyncClient()

    def relying_party(config: OidcProvider) -> OidcSignIn:
        return OidcSignIn(
            [config],
            hub_url=HUB,
            keys=SigningKeys.open(tmp_path),
            http=http,
            ports=FakeSignIn().ports(),
            default_scopes=catalog.default_scopes,
            known_scopes=catalog.scope_names(),
        )

    chosen = good.model_copy(update={"scopes": ["enterprise:read"]})
    assert relying_party(chosen).providers["henan-tax"].scopes == {"enterprise:read"}
    with pytest.raises(ValueError, match=r"unknown scopes \['everything'\]"):
        relying_party(good.model_copy(update={"scopes": ["enterprise:read", "everything"]}))
    await http.aclose()


# --- the whole flow through the real hub ---------------------------------------------------------

CONSOLE_CLIENT = "hub-console"
A_USCC = "91410200MA44XK7QX7"
ENTERPRISE = "query($u: String!) { enterprise(uscc: $u) { uscc } }"
CUSTOMS_LINES = 'query { commodity(hsCode: "610910") { declaredLines { valueCny } } }'


@dataclass
class OidcHub:
    url: str
    provider: OidcTestProvider


@pytest.fixture(scope="module")
def oidc_hub(
    neo4j_uri: str,
    driver: object,  # the migrated graph
    tmp_path_factory: pytest.TempPathFactory,
    session_clock: HeldClock,
) -> Iterator[OidcHub]:
    """A hub of its own whose sign-in page offers the test provider (`henan-tax`)."""
    served_provider = ServedProvider(clock=lambda: session_clock().timestamp())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    served_provider.provider.redirect_uris.add(f"{url}/oauth/oidc/henan-tax/callback")
    config = provider_config(served_provider.provider.url).model_dump(mode="json")
    config["client_secret"] = CLIENT_SECRET
    settings = hub_settings(
        neo4j_uri=neo4j_uri,
        data_dir=tmp_path_factory.mktemp("oidc-hub-data"),
        port=port,
        effects_drain_in_background=False,
        auth={"oidc_providers": [config]},
    )
    try:
        with served(settings, session_clock) as hub_url:
            assert hub_url == url
            yield OidcHub(url, served_provider.provider)
    finally:
        served_provider.stop()


def unverified_claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    claims: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * 4))
    return claims


async def console_sign_in(
    browser: httpx.AsyncClient, hub: OidcHub, language: str = "en"
) -> tuple[httpx.Response, str]:
    """The console asks the hub to sign someone in; the person follows the provider's link on
    the sign-in page, the provider signs li-wei in. The hub's last answer, and the verifier."""
    verifier = secrets.token_urlsafe(48)
    console = f"{hub.url}/console/"
    ask = {
        "response_type": "code",
        "client_id": CONSOLE_CLIENT,
        "redirect_uri": console,
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
        "state": "console-state-1",
        "ui_locales": language,
    }
    page = await browser.get(f"{hub.url}/oauth/authorize?{urlencode(ask)}")
    assert page.status_code == 200, page.text
    links = re.findall(r'href="(/oauth/oidc/henan-tax/start\?pending=[^"]+)"', page.text)
    assert len(links) == 1, page.text
    assert ("Henan Tax sign-in" if language == "en" else "河南税务统一身份认证") in page.text
    start = await browser.get(hub.url + html.unescape(links[0]))
    assert start.status_code == 302, start.text
    callback = await browser.get(f"{start.headers['location']}&user=li-wei")
    assert callback.status_code == 302, callback.text
    return await browser.get(callback.headers["location"]), verifier


async def test_a_person_signs_in_to_the_console_through_the_provider(
    oidc_hub: OidcHub, graph: object
) -> None:
    async with httpx.AsyncClient(timeout=30) as browser:
        back, verifier = await console_sign_in(browser, oidc_hub)
        assert back.status_code in (302, 303), back.text
        location = back.headers["location"]
        assert location.startswith(f"{oidc_hub.url}/console/?")
        answer = query(location)
        assert answer["state"] == "console-state-1"
        tokens = await browser.post(
            f"{oidc_hub.url}/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": answer["code"],
                "redirect_uri": f"{oidc_hub.url}/console/",
                "client_id": CONSOLE_CLIENT,
                "code_verifier": verifier,
            },
        )
        assert tokens.status_code == 200, tokens.text
        access = tokens.json()["access_token"]
        claims = unverified_claims(access)
        assert {k: claims.get(k) for k in ("sub", "name", "kind", "institution", "client_id")} == {
            "sub": "oidc:henan-tax:li-wei",
            "name": "李伟",
            "kind": "tax",
            "institution": "henan-tax-bureau",
            "client_id": CONSOLE_CLIENT,
        }
        assert set(str(claims["scope"]).split()) == set(TAX_SCOPES)
        bearer = {"Authorization": f"Bearer {access}"}
        read = await browser.post(
            f"{oidc_hub.url}/graphql",
            json={"query": ENTERPRISE, "variables": {"u": A_USCC}},
            headers=bearer,
        )
        assert read.status_code == 200 and read.json() == {"data": {"enterprise": None}}
        # the person holds the tax grant, not the customs one
        customs = await browser.post(
            f"{oidc_hub.url}/graphql", json={"query": CUSTOMS_LINES}, headers=bearer
        )
        codes = [
            (e["extensions"]["code"], e["extensions"]["reason"]) for e in customs.json()["errors"]
        ]
        assert codes == [("FORBIDDEN", "missing_scope")], customs.text


@pytest.mark.parametrize(
    ("misbehaviour", "reason"),
    [
        ({"tamper": True}, "bad_id_token: bad signature"),
        ({"claims": {"nonce": "a-nonce-of-another-sign-in"}}, "bad_id_token: wrong nonce"),
        ({"claims": {"aud": "another-relying-party"}}, "bad_id_token: wrong audience"),
    ],
)
async def test_the_hub_refuses_an_id_token_that_fails_verification(
    oidc_hub: OidcHub, graph: object, misbehaviour: dict[str, object], reason: str
) -> None:
    async with httpx.AsyncClient(timeout=30) as browser:
        oidc_hub.provider.next_id_token = misbehaviour
        refused, _ = await console_sign_in(browser, oidc_hub, "zh-CN")
        assert refused.headers["X-Sign-In-Error"].startswith(reason)
        assert "location" not in refused.headers  # no code goes to the console
        assert "河南税务统一身份认证返回的身份凭证未通过校验，登录被拒绝。" in refused.text  # noqa: RUF001
        # the allowed twin: the provider behaving, the same person gets to the console
        signed_in, _ = await console_sign_in(browser, oidc_hub, "zh-CN")
        assert signed_in.headers["location"].startswith(f"{oidc_hub.url}/console/?code=")


async def test_the_hub_refuses_a_replayed_answer(oidc_hub: OidcHub, graph: object) -> None:
    async with httpx.AsyncClient(timeout=30) as browser:
        page = await browser.get(
            f"{oidc_hub.url}/oauth/authorize?"
            + urlencode(
                {
                    "response_type": "code",
                    "client_id": CONSOLE_CLIENT,
                    "redirect_uri": f"{oidc_hub.url}/console/",
                    "code_challenge": pkce_challenge("v" * 50),
                    "code_challenge_method": "S256",
                    "state": "s",
                }
            )
        )
        (link,) = re.findall(r'href="(/oauth/oidc/henan-tax/start\?pending=[^"]+)"', page.text)
        start = await browser.get(oidc_hub.url + html.unescape(link))
        callback = (await browser.get(f"{start.headers['location']}&user=li-wei")).headers[
            "location"
        ]
        cookie = browser.cookies["hub_oidc_state"]
        first = await browser.get(callback)
        assert first.headers["location"].startswith(f"{oidc_hub.url}/console/?code=")
        replay = await browser.get(callback, headers={"Cookie": f"hub_oidc_state={cookie}"})
        assert replay.headers["X-Sign-In-Error"].startswith("state_replayed")
        assert "location" not in replay.headers
