"""The console's lists in Chromium: the joint lists, risk alerts and the enterprise's own page.

A regulator pages through a joint punishment list longer than a page with its total shown,
sorts a page by a header, narrows it with a filter and exports it as CSV (with a byte order
mark, headers in Chinese); works a risk alert from open to closed, and a regulator without
risk:dispose is refused in words. An enterprise grants and withdraws a consent, files an
objection and reads who read its data; the objection waits in the regulator's queue, in both
languages.
"""

# The console writes Chinese with full-width punctuation and en dashes, as its users read it.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
from console_kit import screenshot, serious_violations, watched_page
from graph_kit import DATABASE, HeldClock, eventually, token_for
from neo4j import AsyncDriver
from playwright.async_api import Browser, Page

from auth.catalog import load_catalog
from auth.principal import ClientKind
from graph_schema.uscc import make_uscc
from hub.credit import load_joint_rules, load_model
from hub.credit.recompute import CreditRecomputer

ERRORS: dict[str, str] = json.loads(
    (Path(__file__).resolve().parents[2] / "hub/web/console/locales/zh-CN/errors.json").read_text(
        encoding="utf-8"
    )
)
"""The console's error messages in Chinese, as the user reads them."""


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"LW{i:06d}")


KAIFENG = 55
"""Enterprises on the serious-dishonesty list in Kaifeng: more than a page of 50."""
ZHENGZHOU = 5
"""Enterprises on customs' dishonest list in Zhengzhou: what a filter narrows to."""

LISTED = """
UNWIND $rows AS row
CREATE (e:Enterprise {uscc: row.uscc, name: row.name, zone: row.zone, status: 'ACTIVE',
                      registeredOn: date('2019-01-01')})
CREATE (e)-[:LISTED]->(:ListEntry {id: row.entry, list: row.list, department: row.department,
        listedOn: date('2025-01-01'), reason: 'fraud', basis: 'memorandum', source: 'test'})
"""


def listed_rows() -> list[dict[str, str]]:
    rows = []
    for i in range(KAIFENG + ZHENGZHOU):
        kaifeng = i < KAIFENG
        rows.append(
            {
                "uscc": u(i),
                # names run against the USCC order, so sorting by name changes the page's order
                "name": f"开封测试贸易有限公司{99 - i:03d}"
                if kaifeng
                else f"郑州测试进出口公司{i}",
                "zone": "KAIFENG" if kaifeng else "ZHENGZHOU",
                "entry": f"LE-{i}",
                "list": "SERIOUS_DISHONESTY" if kaifeng else "CUSTOMS_DISHONEST",
                "department": "SAMR" if kaifeng else "CUSTOMS",
            }
        )
    return rows


async def lacks(hub_url: str, token: str, type_name: str, field: str) -> bool:
    """Has the hub's schema no `field` on `type_name` (a contract another engineer lands)?"""
    query = "query ($t: String!) { __type(name: $t) { fields { name } } }"
    async with httpx.AsyncClient(base_url=hub_url) as http:
        answer = (
            await http.post(
                "/graphql",
                json={"query": query, "variables": {"t": type_name}},
                headers={"Authorization": f"Bearer {token}"},
            )
        ).json()
    kind = answer.get("data", {}).get("__type") or {"fields": []}
    return field not in {f["name"] for f in kind["fields"] or []}


async def signed_in(browser: Browser, hub_url: str, token: str, route: str) -> Page:
    """The console at `#/<route>` with `token` adopted, as the sign-in would leave it."""
    watched = await watched_page(browser, height=1100)
    page = watched.page
    await page.goto(f"{hub_url}/console/#/{route}")
    await page.wait_for_selector("body[data-ready]")
    await page.evaluate(
        "t => { hubConsole.session.adopt({access_token: t}); return hubConsole.render(); }", token
    )
    return page


async def range_text(page: Page, table: str) -> str:
    return (
        await page.locator(f"section.data-table:has(#{table}) .table-range").inner_text()
    ).strip()


async def settled(page: Page, table: str) -> None:
    await page.wait_for_selector(f"section.data-table:has(#{table}) .table-wrap[aria-busy=false]")


async def test_a_regulator_pages_sorts_filters_and_exports_the_joint_list(
    graph: AsyncDriver, hub_url: str, browser: Browser, session_clock: HeldClock
) -> None:
    token = await token_for(hub_url, graph, "regulator")
    if await lacks(hub_url, token, "JointListConnection", "totalCount"):
        pytest.skip("JointListConnection.totalCount has not landed in the hub's schema")
    await graph.execute_query(LISTED, rows=listed_rows(), database_=DATABASE)
    await CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules()).recompute_all(
        session_clock().date()
    )
    page = await signed_in(browser, hub_url, token, "lists/punishment")
    table = "jointPunishmentList-table"
    await page.wait_for_selector(f"#{table} tbody tr td")
    await settled(page, table)

    headers = await page.locator(f"#{table} thead th[scope=col]").all_inner_texts()
    assert [h.strip() for h in headers][:3] == ["主体", "统一社会信用代码", "名单"]
    assert "有效期至" in headers[5] and "措施" in headers[6]

    # server-side paging with the total over all pages
    assert await range_text(page, table) == "第 1–50 条，共 60 条"
    assert await page.locator(f"#{table} tbody tr").count() == 50
    await page.click("section.data-table:has(#jointPunishmentList-table) .page-next")
    await page.wait_for_function(
        "() => document.querySelector('.table-range').textContent.startsWith('第 51')"
    )
    assert await range_text(page, table) == "第 51–60 条，共 60 条"
    assert await page.locator(f"#{table} tbody tr").count() == 10
    await page.click("section.data-table:has(#jointPunishmentList-table) .page-previous")
    await page.wait_for_function(
        "() => document.querySelector('.table-range').textContent.startsWith('第 1–')"
    )

    # sorting by the subject reorders the page, and says it sorts this page only
    subject = page.locator(f"#{table} tbody td[data-key=subject]")
    shown = await subject.all_inner_texts()
    await page.click(f"#{table} th[data-key=subject] button")
    assert await page.get_attribute(f"#{table} th[data-key=subject]", "aria-sort") == "ascending"
    ascending = await subject.all_inner_texts()
    assert ascending == sorted(shown) and ascending != shown
    await page.click(f"#{table} th[data-key=subject] button")
    assert await page.get_attribute(f"#{table} th[data-key=subject]", "aria-sort") == "descending"
    assert await subject.all_inner_texts() == sorted(shown, reverse=True)
    assert "当前页" in await page.locator(".sort-note").inner_text()
    await screenshot(page, "lists.png", full_page=False)

    # a filter narrows the list at the hub
    await page.select_option("select[name=list]", "CUSTOMS_DISHONEST")
    await page.wait_for_function(
        "() => document.querySelector('.table-range').textContent.endsWith('共 5 条')"
    )
    assert await page.locator(f"#{table} tbody tr").count() == ZHENGZHOU
    zones = {z.strip() for z in await subject.all_inner_texts()}
    assert all(z.startswith("郑州测试进出口公司") for z in zones)
    shown_list = (
        await page.locator(f"#{table} tbody td[data-key=list]").first.inner_text()
    ).strip()

    # the export holds the filtered rows, a BOM for Excel and the headers as shown
    async with page.expect_download() as download_info:
        await page.click("section.data-table:has(#jointPunishmentList-table) .export-csv")
    download = await download_info.value
    assert download.suggested_filename == "joint-punishment-list.csv"
    path = await download.path()
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").strip().split("\r\n")
    assert lines[0].startswith("主体,统一社会信用代码,名单,关联关系,生效日期,有效期至,")
    assert len(lines) == 1 + ZHENGZHOU
    assert all(f",{shown_list}," in line for line in lines[1:])
    assert "已导出 5 条记录" in await page.locator(".export-note").inner_text()

    # a zone chosen narrows the same way
    await page.select_option("select[name=list]", "")
    await page.wait_for_function(
        "() => document.querySelector('.table-range').textContent.endsWith('共 60 条')"
    )
    await page.select_option("select[name=zone]", "KAIFENG")
    await page.wait_for_function(
        "() => document.querySelector('.table-range').textContent.endsWith('共 55 条')"
    )
    assert await serious_violations(page) == []


ALERTS = """
UNWIND $alerts AS row
MATCH (e:Enterprise {uscc: row.subject})
CREATE (e)-[:ALERTED]->(:RiskAlert {id: row.id, kind: row.kind, severity: row.severity,
        reason: row.reason, subjects: [row.subject], evidence: ['addr-key'],
        zones: ['KAIFENG'], basis: 'zone risk rules', detectedOn: date(row.on),
        lastSeenOn: date(row.on)})
"""


def alert_rows() -> list[dict[str, str]]:
    return [
        {
            "id": "RA-1",
            "kind": "SHARED_ADDRESS",
            "severity": "MEDIUM",
            "subject": u(0),
            "reason": "two enterprises registered at one address",
            "on": "2026-05-01",
        },
        {
            "id": "RA-2",
            "kind": "EXPORT_SPIKE",
            "severity": "HIGH",
            "subject": u(1),
            "reason": "exports up tenfold in a month",
            "on": "2026-04-01",
        },
        {
            "id": "RA-3",
            "kind": "SHARED_PHONE",
            "severity": "LOW",
            "subject": u(2),
            "reason": "two enterprises share a phone",
            "on": "2026-06-01",
        },
    ]


async def test_a_regulator_works_a_risk_alert_from_open_to_closed(
    graph: AsyncDriver, hub_url: str, browser: Browser
) -> None:
    token = await token_for(hub_url, graph, "regulator")
    if await lacks(hub_url, token, "Mutation", "closeRiskAlert"):
        pytest.skip("Mutation.closeRiskAlert (the disposal workflow) has not landed in the hub")
    await graph.execute_query(LISTED, rows=listed_rows()[:3], database_=DATABASE)
    await graph.execute_query(ALERTS, alerts=alert_rows(), database_=DATABASE)
    page = await signed_in(browser, hub_url, token, "alerts")
    await page.wait_for_selector("#alert-table tbody tr td[data-key=id]")
    await settled(page, "alert-table")
    assert await range_text(page, "alert-table") == "第 1–3 条，共 3 条"
    ids = page.locator("#alert-table tbody td[data-key=id]")
    # newest first by default; the hub orders by severity when that header is clicked
    assert await ids.all_inner_texts() == ["RA-3", "RA-1", "RA-2"]
    await page.click("#alert-table th[data-key=severity] button")
    await page.wait_for_function(
        "() => document.querySelector('#alert-table td[data-key=id]').textContent === 'RA-2'"
    )
    assert await ids.all_inner_texts() == ["RA-2", "RA-1", "RA-3"]
    await page.select_option("select[name=kind]", "SHARED_ADDRESS")
    await page.wait_for_function(
        "() => document.querySelector('.table-range').textContent.endsWith('共 1 条')"
    )
    await page.select_option("select[name=kind]", "")
    await page.wait_for_function(
        "() => document.querySelector('.table-range').textContent.endsWith('共 3 条')"
    )
    await screenshot(page, "alerts.png")

    await page.click("#alert-table a[href='#/alerts/RA-1']")
    await page.wait_for_selector("#disposal-status[data-status=OPEN]")
    assert "two enterprises registered at one address" in await page.inner_text(".alert-detail")
    assert await page.locator(f".alert-detail a[href='#/report/{u(0)}']").count() == 1
    # open: only assigning is offered
    assert await page.locator("#action-assign").count() == 1
    assert await page.locator("#action-verify, #action-close").count() == 0

    await page.fill("#assign-assignee", "李娜")
    await page.fill("#assign-note", "请核实注册地址")
    await page.click("#action-assign button[type=submit]")
    await page.wait_for_selector("#disposal-status[data-status=ASSIGNED]")
    assert await page.locator("#disposal-history li").count() == 1
    assert "李娜" in await page.inner_text("#disposal-history")

    await page.fill("#verify-note", "实地走访：两家企业共用一处办公室")
    await page.click("#action-verify button[type=submit]")
    await page.wait_for_selector("#disposal-status[data-status=VERIFIED]")

    await page.select_option("#close-result", "NO_RISK_FOUND")
    await page.fill("#close-note", "同一集团的关联企业，经营正常")
    await page.click("#action-close button[type=submit]")
    await page.wait_for_selector("#disposal-status[data-status=CLOSED]")
    steps = page.locator("#disposal-history li")
    assert [await steps.nth(i).get_attribute("data-action") for i in range(3)] == [
        "ASSIGNED",
        "VERIFIED",
        "CLOSED",
    ]
    assert await page.locator("#disposal-closed").count() == 1
    assert await page.locator("form.disposal-action").count() == 0
    await screenshot(page, "alert-detail.png")
    assert await serious_violations(page) == []

    # the list filters by where the disposal stands
    await page.goto(f"{hub_url}/console/#/alerts")
    await page.wait_for_selector("body[data-ready]")
    await page.evaluate(
        "t => { hubConsole.session.adopt({access_token: t}); return hubConsole.render(); }", token
    )
    await page.wait_for_selector("#alert-table tbody tr td[data-key=id]")
    await page.select_option("select[name=disposalStatus]", "CLOSED")
    await page.wait_for_function(
        "() => document.querySelector('.table-range').textContent.endsWith('共 1 条')"
    )
    assert await ids.all_inner_texts() == ["RA-1"]


async def test_a_regulator_without_risk_dispose_is_refused_in_words(
    graph: AsyncDriver, hub_url: str, browser: Browser
) -> None:
    reader_scopes = sorted(
        load_catalog().default_scopes(ClientKind("regulator")) - {"risk:dispose"}
    )
    reader = await token_for(hub_url, graph, "regulator", scopes=reader_scopes)
    if await lacks(hub_url, reader, "Mutation", "assignRiskAlert"):
        pytest.skip("Mutation.assignRiskAlert (the disposal workflow) has not landed in the hub")
    await graph.execute_query(LISTED, rows=listed_rows()[:3], database_=DATABASE)
    await graph.execute_query(ALERTS, alerts=alert_rows(), database_=DATABASE)
    page = await signed_in(browser, hub_url, reader, "alerts/RA-1")
    await page.wait_for_selector("#disposal-status[data-status=OPEN]")
    await page.fill("#assign-assignee", "李娜")
    await page.click("#action-assign button[type=submit]")
    error = page.locator("#action-assign p.error")
    await error.wait_for(state="visible")
    assert (await error.inner_text()).startswith(ERRORS["FORBIDDEN"])
    assert await page.get_attribute("#disposal-status", "data-status") == "OPEN"


async def test_an_enterprise_consents_objects_and_reads_who_read_its_data(
    graph: AsyncDriver, hub_url: str, browser: Browser, session_clock: HeldClock
) -> None:
    await graph.execute_query(LISTED, rows=listed_rows()[:1], database_=DATABASE)
    own = await token_for(hub_url, graph, "enterprise", institution=u(0))
    await token_for(hub_url, graph, "bank", institution="bank-kaifeng")  # a bank it may consent to
    regulator = await token_for(hub_url, graph, "regulator")
    async with httpx.AsyncClient(base_url=hub_url) as http:
        read = await http.post(
            "/graphql",
            json={
                "query": "query ($u: String!) { enterprise(uscc: $u) { name } }",
                "variables": {"u": u(0)},
            },
            headers={"Authorization": f"Bearer {regulator}"},
        )
        assert read.json()["data"]["enterprise"]["name"] == "开封测试贸易有限公司099"

        async def logged() -> bool:
            answer = await http.post(
                "/graphql",
                json={"query": "{ myAccessLog { kind } }"},
                headers={"Authorization": f"Bearer {own}"},
            )
            return any(e["kind"] == "regulator" for e in answer.json()["data"]["myAccessLog"])

        assert await eventually(logged), "the regulator's read never reached the access log"

    page = await signed_in(browser, hub_url, own, "enterprise")
    await page.wait_for_selector("#consents-title")
    for table in ("consent-table", "objection-table", "repair-table", "access-log-table"):
        await settled(page, table)
    assert "开封测试贸易有限公司099" in await page.inner_text("h1")

    # who read its data: the regulator's read, in words
    log = page.locator("#access-log-table tbody tr")
    assert await log.count() >= 1
    assert "综试区监管" in await page.inner_text("#access-log-table tbody")
    assert (await range_text(page, "access-log-table")).startswith("第 1–")

    # grant a consent to a bank, then withdraw it
    until = (session_clock().date() + dt.timedelta(days=90)).isoformat()
    await page.fill("#grant-institution", "bank-kaifeng")
    await page.select_option("#grant-purpose", "WORKING_CAPITAL")
    await page.fill("#grant-expires", until)
    await page.click("#grant-consent button[type=submit]")
    row = page.locator("#consent-table tbody tr", has_text="bank-kaifeng")
    await row.wait_for()
    assert "有效" in await row.inner_text()
    await row.locator("button.revoke").click()
    await page.wait_for_function(
        "() => /撤回/.test(document.querySelector('#consent-table tbody tr td[data-key=state]')"
        ".textContent)"
    )
    assert await page.locator("#consent-table button.revoke").count() == 0

    # object to the list entry held against it
    await page.select_option("#objection-record", "LE-0")
    await page.fill("#objection-reason", "该违法事实已于2025年更正")
    await page.click("#file-objection button[type=submit]")
    objection = page.locator("#objection-table tbody tr td[data-key=reason]")
    await objection.wait_for()
    assert await objection.inner_text() == "该违法事实已于2025年更正"
    await screenshot(page, "enterprise.png")
    assert await serious_violations(page) == []

    # refused twin: an enterprise's consent longer than a year is refused, in words, inline
    far = (session_clock().date() + dt.timedelta(days=800)).isoformat()
    await page.fill("#grant-institution", "bank-kaifeng")
    await page.fill("#grant-expires", far)
    await page.click("#grant-consent button[type=submit]")
    refused = page.locator("#grant-consent p.error")
    await refused.wait_for(state="visible")
    assert (await refused.inner_text()).startswith(ERRORS["BAD_USER_INPUT"])

    # the objection waits in the departments' queue, which a regulator reads and filters,
    # in Chinese and, after the switch, in English
    queue = await signed_in(browser, hub_url, regulator, "lists/objections")
    await queue.wait_for_selector("#objections-table tbody td[data-key=reason]")
    await settled(queue, "objections-table")
    assert await range_text(queue, "objections-table") == "第 1–1 条，共 1 条"
    assert (
        await queue.inner_text("#objections-table td[data-key=reason]")
        == "该违法事实已于2025年更正"
    )
    await queue.select_option("select[name=department]", "CUSTOMS")
    await queue.wait_for_selector("#objections-table tbody tr.empty")
    assert await range_text(queue, "objections-table") == "共 0 条"
    await queue.select_option("select[name=department]", "SAMR")
    await queue.wait_for_selector("#objections-table tbody td[data-key=reason]")
    await queue.click("#language button[data-lang=en]")
    await queue.wait_for_selector("#objections-table thead th[data-key=reason]:has-text('Reason')")
    await queue.wait_for_selector("#objections-table tbody td[data-key=reason]")
    assert await range_text(queue, "objections-table") == "Rows 1–1 of 1"
    await queue.click("#language button[data-lang=zh-CN]")
