"""The web console end to end in Debian's Chromium, as each kind of person uses it (issue 21).

A person with a hub account opens /console, follows the sign-in button to the hub's own page
(/oauth/authorize), types a username and password (and a one-time code when two-step
verification is on) and comes back signed in; the account box names them. Each kind sees the
views its grant allows (the nav holds no others) and each renders without an error beyond the
refusals the hub states in words; axe-core finds nothing serious on any of them. The language
switch turns the page to English and is remembered across a reload; signing out ends the
session at the hub (its refresh token is refused). A session kept past the access token's
ten minutes keeps working through a refresh, and past its ten hours the console says it has
expired. A department's OpenID provider signs a person in as well. The page asks nothing of
any origin but the hub's (and the provider's, for the person who signs in there).

Screenshots (under CONSOLE_SCREENSHOTS, `test-output/console/` by default):
`<kind>-<view>.png` for each kind and view, `<kind>-en.png` for its search view in English,
`sign-in-refused.png` (the hub's page after a wrong password, in English),
`sign-in-page.png` (the page with a department's provider link), `session-expired.png`.
"""

# The expected texts hold Chinese punctuation on purpose: it is what the pages show.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pyotp
import pytest
from console_kit import Watched, screenshot, serious_violations, watched_page
from graph_kit import DATABASE, HeldClock
from neo4j import AsyncDriver
from playwright.async_api import Browser, Page, Response, Route

from auth.accounts import Account, add_account
from auth.catalog import load_catalog
from auth.principal import ClientKind
from graph_schema.uscc import make_uscc
from hub.credit import load_joint_rules, load_model
from hub.credit.recompute import CreditRecomputer

# the hub with the test OpenID provider is tests/auth's fixture, used as it is
sys.path.append(str(Path(__file__).resolve().parents[1] / "auth"))
import test_oidc_sign_in
from test_oidc_sign_in import OidcHub

oidc_hub = test_oidc_sign_in.oidc_hub

LOCALES = Path(__file__).resolve().parents[2] / "hub" / "web" / "console" / "locales"


def catalogue(language: str, namespace: str) -> dict[str, str]:
    texts: dict[str, str] = json.loads(
        (LOCALES / language / f"{namespace}.json").read_text(encoding="utf-8")
    )
    return texts


ZH_ERRORS = catalogue("zh-CN", "errors")
EN_ERRORS = catalogue("en", "errors")

PASSWORD = "correct horse battery staple"
TODAY = dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC)
A, B = (make_uscc("9", "1", "410200", f"PP{i:06d}") for i in range(2))
BANK = "开封银行"
INSURER = "中国信保河南分公司"

GRAPH = """
CREATE (a:Enterprise {uscc: $a, name: '开封云帆跨境贸易有限公司', nameEn: 'Kaifeng Yunfan Trading',
                      zone: 'KAIFENG', status: 'ACTIVE', registeredOn: date('2019-03-01'),
                      statusSince: date('2019-03-01')})
CREATE (b:Enterprise {uscc: $b, name: '开封远航物流有限公司', zone: 'KAIFENG', status: 'ACTIVE',
                      registeredOn: date('2018-01-01')})
CREATE (wang:Person {personKey: 'wang', name: '王伟'})
CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2019-03-01')}]->(a),
       (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2018-01-01')}]->(b),
       (b)-[:SHAREHOLDER_OF {ratio: 0.4, since: date('2019-03-01')}]->(a),
       (a)-[:REGISTERED_AT {since: date('2019-03-01')}]->
         (:Address {key: 'kf-5', text: '河南省开封市龙亭区五号路 5 号'})
CREATE (a)-[:CLASSIFIED]->(:Classification {id: 'CL-CUS', department: 'CUSTOMS',
        scheme: 'CUSTOMS_CREDIT', value: 'ROUTINE', effectiveFrom: date('2024-04-01'),
        source: 'customs-connector'})
CREATE (b)-[:LISTED]->(:ListEntry {id: 'LE-SD', list: 'SERIOUS_DISHONESTY', department: 'SAMR',
        listedOn: date('2026-02-01'), reason: '虚假申报', basis: '联合惩戒备忘录'})
CREATE (a)-[:PENALISED]->(:Penalty {id: 'PN-1', department: 'SAMR', caseNo: '汴市监罚〔2026〕12号',
        severity: 'GENERAL', amountCny: 12345.6, decidedOn: date('2026-03-10'),
        publicUntil: date('2027-03-10'), source: 'samr-connector'})
CREATE (a)-[:DECLARED]->(:Declaration {id: 'D-1', declaredOn: date('2026-05-20'),
        valueCny: 250000.0, direction: 'EXPORT', mode: '9710', destination: 'US',
        hsCode: '610910'})
WITH a
UNWIND $institutions AS institution
CREATE (a)-[:CONSENTED]->(:Consent {id: 'CS-' + institution, institution: institution,
        scopes: ['enterprise:read', 'credit:read'], purpose: 'WORKING_CAPITAL',
        grantedAt: datetime('2026-06-01T00:00:00Z'), expiresAt: datetime('2027-06-01T00:00:00Z')})
"""


async def seeded(graph: AsyncDriver, clock: HeldClock) -> None:
    clock.hold(TODAY)
    await graph.execute_query(GRAPH, a=A, b=B, institutions=[BANK, INSURER], database_=DATABASE)
    await CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules()).recompute_all(
        TODAY.date()
    )


@dataclass(frozen=True)
class Kind:
    """One kind of console user: the account made for it and the views it has."""

    kind: ClientKind
    name: str
    institution: str | None
    nav: tuple[str, ...]
    purpose: str | None = None

    @property
    def username(self) -> str:
        return f"{self.kind.value}.user"


# every person has these; the graph (graph:read), alerts (risk:read) and statistics
# (stats:read) only those whose grant holds their scope, the enterprise view enterprises only
COMMON = ("search", "report", "lists")
KINDS = [
    Kind(
        ClientKind.REGULATOR,
        "赵主任",
        None,
        ("search", "report", "graph", "lists", "alerts", "stats"),
    ),
    Kind(ClientKind.CUSTOMS, "钱关员", "zhengzhou-customs", COMMON),
    Kind(ClientKind.TAX, "孙税务", "henan-tax-bureau", COMMON),
    Kind(ClientKind.SAFE, "李外汇", "safe-henan", COMMON),
    Kind(ClientKind.COMMERCE, "周商务", "henan-commerce", (*COMMON, "stats")),
    Kind(ClientKind.SAMR, "吴市监", "kaifeng-samr", COMMON),
    Kind(ClientKind.BANK, "郑信贷", BANK, COMMON, purpose="WORKING_CAPITAL"),
    Kind(ClientKind.INSURER, "王承保", INSURER, COMMON, purpose="WORKING_CAPITAL"),
    Kind(ClientKind.ENTERPRISE, "冯经理", A, (*COMMON, "enterprise")),
]


async def account(
    graph: AsyncDriver, who: Kind, *, username: str | None = None, totp: bool = False
) -> Account:
    """The person's hub account, as `hub users add` makes it (the kind's default grant)."""
    return await add_account(
        graph,
        DATABASE,
        username=username or who.username,
        name=who.name,
        kind=who.kind,
        institution=who.institution,
        password=PASSWORD,
        scopes=load_catalog().default_scopes(who.kind),
        totp=totp,
        now=0,
    )


async def to_sign_in_page(page: Page, hub_url: str) -> None:
    """Open the console signed out and follow its sign-in button to the hub's page."""
    await page.goto(f"{hub_url}/console/")
    await page.wait_for_selector("body[data-ready]")
    await page.click("#signin")
    await page.wait_for_selector("form[action='/oauth/authorize'] #username")


async def submit(page: Page, username: str, password: str = PASSWORD, totp: str = "") -> None:
    await page.fill("#username", username)
    await page.fill("#password", password)
    if totp:
        await page.fill("#totp", totp)
    await page.click("form button[type=submit]")


async def back_signed_in(page: Page, name: str) -> None:
    """The console, back from the sign-in page, names the person in its account box."""
    await page.wait_for_selector("body[data-ready] #account:not([hidden])")
    assert name in await page.inner_text("#who")
    assert await page.locator(".signin").count() == 0


async def sign_in(page: Page, hub_url: str, who: Kind) -> None:
    await to_sign_in_page(page, hub_url)
    await submit(page, who.username)
    await back_signed_in(page, who.name)


async def visit(page: Page, route: str, *params: str) -> None:
    """Go to `#/<route>/<params>` and wait until the view has rendered all it asked the hub.
    A marker in <main> tells the new rendering (which empties <main>) from the last one."""
    await page.evaluate(
        """([route, params]) => {
          const marker = document.createElement('i');
          marker.id = 'visit-marker';
          document.getElementById('main').append(marker);
          location.hash = '#/' + [route, ...params.map(encodeURIComponent)].join('/');
        }""",
        [route, list(params)],
    )
    await page.wait_for_function(
        """route => {
          const main = document.getElementById('main');
          const current = document.querySelector('#nav a[aria-current=page]');
          return !document.getElementById('visit-marker') && !main.hasAttribute('aria-busy')
            && current && current.dataset.route === route;
        }""",
        arg=route,
    )


async def notice(page: Page) -> str:
    """The notice bar's text ("" when hidden)."""
    if await page.locator("#notice").is_hidden():
        return ""
    return (await page.inner_text("#notice")).strip()


async def drawn_pixels(page: Page) -> int:
    """Non-transparent pixels on the graph's canvases (Cytoscape draws on several layers)."""
    count: int = await page.evaluate(
        """() => {
          let drawn = 0;
          for (const canvas of document.querySelectorAll('#graph-canvas canvas')) {
            if (!canvas.width || !canvas.height) continue;
            const data = canvas.getContext('2d')
              .getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
          }
          return drawn;
        }"""
    )
    return count


def refresh_with(hub_url: str, refresh_token: str) -> httpx.Response:
    """The token endpoint's answer to a refresh, as the console would ask it."""
    return httpx.post(
        f"{hub_url}/oauth/token",
        data={
            "client_id": "hub-console",
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
        timeout=30,
    )


def assert_clean(watched: Watched, hub_url: str, *also: str) -> None:
    """No page error; no request to any origin but the hub's (and `also`)."""
    assert watched.page_errors == []
    outside = [url for url in watched.outside(hub_url) if not url.startswith(also or ("\0",))]
    assert outside == [], f"the console asked other origins: {outside}"


# --- every kind, every view ------------------------------------------------------------------


@pytest.mark.parametrize("who", KINDS, ids=[k.kind.value for k in KINDS])
async def test_each_kind_signs_in_uses_every_view_and_signs_out(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, browser: Browser, who: Kind
) -> None:
    await seeded(graph, hub_clock)
    await account(graph, who)
    watched = await watched_page(browser, height=1100)
    page = watched.page
    await sign_in(page, hub_url, who)
    if who.purpose:  # a bank states what it reads for: the header's select, kept for the tab
        assert await page.locator("#purpose-box").is_visible()
        await page.select_option("#purpose", who.purpose)
        assert await page.evaluate("() => hubConsole.session.purpose()") == who.purpose
    else:
        assert await page.locator("#purpose-box").is_hidden()

    # the nav holds the views the kind's grant allows, and no other (absent, not broken)
    routes = await page.eval_on_selector_all("#nav a", "links => links.map(a => a.dataset.route)")
    assert tuple(routes) == who.nav

    notices: dict[str, str] = {}
    for route in who.nav:
        params = (A,) if route in ("report", "graph") else ()
        await visit(page, route, *params)
        if route == "report":
            await page.wait_for_selector("#report[data-complete]")
            assert await page.inner_text("#report-name") == "开封云帆跨境贸易有限公司"
        if route == "graph":
            await page.wait_for_selector(".graph-view[data-graph-ready]")
            # the canvas drew the graph (the layout may still be settling: wait for ink)
            await page.wait_for_function(
                """() => [...document.querySelectorAll('#graph-canvas canvas')].some(c => {
                  if (!c.width || !c.height) return false;
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
                  return n > 500; })""",
                polling=100,
            )
            assert await drawn_pixels(page) > 500, "the graph canvas is blank"
        notices[route] = await notice(page)
        await screenshot(page, f"{who.kind.value}-{route}.png")
        assert await serious_violations(page) == [], route
    assert notices == {route: "" for route in who.nav}

    # a view the kind does not have is absent: its address shows the first view instead
    for route in ("graph", "alerts", "stats", "enterprise"):
        if route in who.nav:
            continue
        await visit(page, "report")
        await page.evaluate("([r, u]) => { location.hash = `#/${r}/${u}`; }", [route, A])
        await page.wait_for_selector("#search-query")
        assert await notice(page) == "", route
        assert await page.locator(".graph-view, #alert-table, #stats-target-table").count() == 0

    # English, remembered across a reload (the session resumes from its refresh token)
    await visit(page, "search")
    assert await page.inner_text("main h1") == catalogue("zh-CN", "search")["title"]
    await page.click("#language [data-lang=en]")
    await page.wait_for_function("() => document.documentElement.lang === 'en'")
    english = catalogue("en", "search")["title"]
    await page.wait_for_function(
        "t => document.querySelector('main h1')?.textContent === t", arg=english
    )
    await page.reload()
    await page.wait_for_selector("body[data-ready] #account:not([hidden])")
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.inner_text("main h1") == english
    assert who.name in await page.inner_text("#who")
    if who.purpose:  # the stated purpose is kept for the tab
        assert await page.input_value("#purpose") == who.purpose
    await screenshot(page, f"{who.kind.value}-en.png")

    # signing out ends the session at the hub: its refresh token no longer works
    refresh_token = await page.evaluate("() => localStorage.getItem('hub.console.session')")
    assert refresh_token
    await page.click("#signout")
    await page.wait_for_selector("#signin")
    assert await page.locator("#account").is_hidden()
    refused = refresh_with(hub_url, refresh_token)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert_clean(watched, hub_url)


# --- how a person signs in ---------------------------------------------------------------------

T = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
CUSTOMS = KINDS[1]


async def test_a_wrong_password_is_refused_in_the_pages_language_and_the_right_one_signs_in(
    graph: AsyncDriver, hub_url: str, browser: Browser
) -> None:
    await account(graph, CUSTOMS)
    watched = await watched_page(browser)
    page = watched.page
    await page.goto(f"{hub_url}/console/")
    await page.wait_for_selector("body[data-ready]")
    await page.click("#language [data-lang=en]")  # the sign-in page follows the console's language
    await page.wait_for_function("() => document.documentElement.lang === 'en'")
    await page.click("#signin")
    await page.wait_for_selector("form[action='/oauth/authorize'] #username")
    assert await page.get_attribute("html", "lang") == "en"
    await submit(page, CUSTOMS.username, "not the password at all")
    await page.wait_for_selector("#error")
    assert await page.inner_text("#error") == (
        "The username or password is wrong, or the account cannot sign in."
    )
    assert await page.input_value("#username") == CUSTOMS.username
    await screenshot(page, "sign-in-refused.png")
    assert await serious_violations(page) == []
    # the allowed twin: the right password, the same page
    await submit(page, CUSTOMS.username)
    await back_signed_in(page, CUSTOMS.name)
    assert await page.get_attribute("html", "lang") == "en"
    assert_clean(watched, hub_url)


async def test_an_account_with_two_step_verification_needs_its_code(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, browser: Browser
) -> None:
    made = await account(graph, CUSTOMS, totp=True)
    assert made.totp_secret is not None
    hub_clock.hold(T)
    watched = await watched_page(browser)
    page = watched.page
    await to_sign_in_page(page, hub_url)
    # no code: refused as a wrong password would be (a missing code confirms nothing)
    await submit(page, CUSTOMS.username)
    await page.wait_for_selector("#error")
    assert await page.inner_text("#error") == "用户名或密码不正确，或账户不可用。"
    await submit(page, CUSTOMS.username, totp=pyotp.TOTP(made.totp_secret).at(T))
    await back_signed_in(page, CUSTOMS.name)
    assert_clean(watched, hub_url)


async def test_a_session_outlives_its_access_token_and_ends_after_its_working_day(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, browser: Browser
) -> None:
    await seeded(graph, hub_clock)
    regulator = KINDS[0]
    await account(graph, regulator)
    hub_clock.hold(T)
    watched = await watched_page(browser)
    page = watched.page
    seen: list[tuple[str, int, str]] = []  # (path, status, grant type) in the order answered

    def answered(response: Response) -> None:
        body = response.request.post_data or ""
        grant = parse_qs(body).get("grant_type", [""])[0] if "/oauth/" in response.url else ""
        seen.append((response.url.removeprefix(hub_url), response.status, grant))

    page.on("response", answered)
    await sign_in(page, hub_url, regulator)
    await visit(page, "lists")
    assert await notice(page) == ""

    # past the access token's ten minutes (and the minute of leeway): refused, refreshed, done
    hub_clock.hold(T + dt.timedelta(seconds=600 + 61))
    seen.clear()
    await visit(page, "search", "开封")
    await page.wait_for_selector("#search-results")
    assert await notice(page) == ""
    assert seen == [
        ("/graphql", 401, ""),
        ("/oauth/token", 200, "refresh_token"),
        ("/graphql", 200, ""),
    ]
    assert regulator.name in await page.inner_text("#who")

    # past the session's ten hours: the refresh is refused and the console says so
    hub_clock.hold(T + dt.timedelta(hours=10, minutes=1))
    await page.evaluate("() => { location.hash = '#/lists'; }")
    await page.wait_for_selector(".signin .error")
    assert await page.inner_text(".signin .error") == ZH_ERRORS["SESSION_EXPIRED"]
    assert await page.locator("#signin").is_visible()
    assert await page.locator("#account").is_hidden()
    assert await page.eval_on_selector_all("#nav a", "links => links.length") == 0
    await screenshot(page, "session-expired.png")

    # a tab reloaded after its session ended says so as well
    hub_clock.hold(T + dt.timedelta(days=1))
    await page.click("#signin")
    await submit(page, regulator.username)
    await back_signed_in(page, regulator.name)
    hub_clock.hold(T + dt.timedelta(days=1, hours=10, minutes=1))
    await page.reload()
    await page.wait_for_selector("body[data-ready] .signin .error")
    assert await page.inner_text(".signin .error") == ZH_ERRORS["SESSION_EXPIRED"]
    assert await page.locator("#account").is_hidden()
    assert_clean(watched, hub_url)


async def test_two_tabs_of_one_person_take_turns_with_the_refresh_token(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, browser: Browser
) -> None:
    """A second tab (window.open copies nothing but shares the browser's storage) refreshes
    with the token the first stored; neither ends the other's session."""
    await seeded(graph, hub_clock)
    regulator = KINDS[0]
    await account(graph, regulator)
    hub_clock.hold(T)
    watched = await watched_page(browser)
    first = watched.page
    await sign_in(first, hub_url, regulator)
    async with first.context.expect_page() as opened:
        await first.evaluate("() => window.open('/console/#/lists')")
    second = await opened.value
    await back_signed_in(second, regulator.name)  # the new tab refreshed to sign itself in

    # both tabs' access tokens lapse: each refreshes in turn, the newest token each time
    hub_clock.hold(T + dt.timedelta(seconds=600 + 61))
    await visit(first, "search", "开封")
    await visit(second, "search", "开封")  # (the second tab opened on the lists)
    await visit(first, "lists")
    for page in (first, second):
        assert await notice(page) == ""
        assert regulator.name in await page.inner_text("#who")


async def test_a_busy_token_endpoint_does_not_end_the_session(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, browser: Browser
) -> None:
    """A 429 from /oauth/token while refreshing says to wait and keeps the session: the next
    try, once the hub answers, refreshes. (A refused refresh token ends it: the test above.)"""
    await seeded(graph, hub_clock)
    regulator = KINDS[0]
    await account(graph, regulator)
    hub_clock.hold(T)
    watched = await watched_page(browser)
    page = watched.page
    await sign_in(page, hub_url, regulator)
    hub_clock.hold(T + dt.timedelta(seconds=600 + 61))

    async def busy(route: Route) -> None:
        await route.fulfill(status=429, headers={"Retry-After": "30"}, json={"error": "slow_down"})

    await page.route("**/oauth/token", busy)
    await page.evaluate("() => { location.hash = '#/lists'; }")
    await page.wait_for_function(
        "text => document.getElementById('notice').textContent.includes(text)",
        arg=ZH_ERRORS["RATE_LIMITED"],
    )
    assert await page.locator("#account").is_visible()

    await page.unroute("**/oauth/token", busy)
    await visit(page, "search", "开封")
    assert await notice(page) == ""
    assert regulator.name in await page.inner_text("#who")


async def test_a_person_signs_in_through_the_departments_identity_provider(
    oidc_hub: OidcHub, graph: AsyncDriver, browser: Browser
) -> None:
    watched = await watched_page(browser)
    page = watched.page
    await to_sign_in_page(page, oidc_hub.url)
    link = page.locator("nav a[href^='/oauth/oidc/henan-tax/start']")
    assert await link.inner_text() == "河南税务统一身份认证 · Henan Tax sign-in"
    await screenshot(page, "sign-in-page.png")
    assert await serious_violations(page) == []
    await link.click()
    await page.wait_for_selector("select#user")  # the provider's own page
    assert page.url.startswith(oidc_hub.provider.url)
    await page.select_option("#user", "li-wei")
    await page.click("button[type=submit]")
    await back_signed_in(page, "李伟")
    assert page.url.startswith(f"{oidc_hub.url}/console/")
    assert await page.evaluate("() => hubConsole.session.kind()") == "tax"
    await visit(page, "lists")
    assert await notice(page) == ""
    assert_clean(watched, oidc_hub.url, oidc_hub.provider.url)


async def test_only_a_demo_hub_lists_demo_clients_and_the_libraries_are_the_hubs_own(
    hub_url: str,
) -> None:
    async with httpx.AsyncClient(base_url=hub_url) as client:
        assert (await client.get("/console/demo-clients")).status_code == 404
        library = await client.get("/console/lib/cytoscape.js")
        assert library.status_code == 200 and "cytoscape" in library.text[:2000].lower()
        assert (await client.get("/console/lib/react.js")).status_code == 404  # not listed
