"""The credit report view (`#/report/<uscc>`) in Debian's Chromium: what a customs officer reads
and files (registry, grade and its evidence, list entries, penalties with their publicity, the
customs measures with their basis, in Chinese first), printed to PDF; and what a market
regulator and a bank may not read left out with a translated note, never a blank page.

Screenshots and the PDF go to CONSOLE_SCREENSHOTS (tests/console/conftest.py)."""

from __future__ import annotations

import datetime as dt
import re

from console_kit import SHOTS, screenshot, watched_page
from graph_kit import DATABASE, HeldClock, token_for
from neo4j import AsyncDriver
from playwright.async_api import Browser, Page

from graph_schema.uscc import make_uscc
from hub.credit import load_joint_rules, load_model
from hub.credit.recompute import CreditRecomputer

A, B = (make_uscc("9", "1", "410200", f"RP{i:06d}") for i in range(2))
TODAY = dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC)
BANK = "开封银行"
CASE_NO = "汴市监罚〔2026〕12号"  # noqa: RUF001 (a decision number's own brackets)
GRADE = "C"  # 80, less 10 for the customs dishonest listing and 8 for a public general penalty

GRAPH = """
CREATE (a:Enterprise {uscc: $a, name: '开封云帆跨境贸易有限公司', nameEn: 'Kaifeng Yunfan Trading',
                      zone: 'KAIFENG', status: 'ACTIVE', registeredOn: date('2019-03-01'),
                      statusSince: date('2019-03-01')})
CREATE (b:Enterprise {uscc: $b, name: '开封远航物流有限公司', zone: 'KAIFENG', status: 'ACTIVE',
                      registeredOn: date('2018-01-01')})
CREATE (wang:Person {personKey: 'wang', name: '王伟'}), (li:Person {personKey: 'li', name: '李娜'})
CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2019-03-01')}]->(a),
       (li)-[:OFFICER_OF {role: 'SUPERVISOR', since: date('2019-03-01')}]->(a),
       (wang)-[:SHAREHOLDER_OF {ratio: 0.6, since: date('2019-03-01')}]->(a),
       (b)-[:SHAREHOLDER_OF {ratio: 0.4, since: date('2019-03-01')}]->(a),
       (a)-[:REGISTERED_AT {since: date('2019-03-01')}]->
         (:Address {key: 'kf-5', text: '河南省开封市龙亭区五号路 5 号'})
CREATE (a)-[:CLASSIFIED]->(:Classification {id: 'CL-CUS', department: 'CUSTOMS',
        scheme: 'CUSTOMS_CREDIT', value: 'ROUTINE', effectiveFrom: date('2024-04-01'),
        source: 'customs-connector'})
CREATE (a)-[:LISTED]->(:ListEntry {id: 'LE-CD', list: 'CUSTOMS_DISHONEST', department: 'CUSTOMS',
        listedOn: date('2026-02-01'), expiresOn: date('2028-02-01'), reason: '走私违规',
        basis: '海关总署令第282号'})
CREATE (a)-[:PENALISED]->(:Penalty {id: 'PN-1', department: 'SAMR', caseNo: $case_no,
        severity: 'GENERAL', amountCny: 12345.6, decidedOn: date('2026-03-10'),
        publicUntil: date('2027-03-10'), source: 'samr-connector'})
CREATE (a)-[:DECLARED]->(:Declaration {id: 'D-1', declaredOn: date('2026-05-20'),
        valueCny: 250000.0, direction: 'EXPORT', mode: '9710', destination: 'US',
        hsCode: '610910'})
"""

CONSENT = """
MATCH (e:Enterprise {uscc: $a})
CREATE (e)-[:CONSENTED]->(:Consent {id: 'CS-1', institution: $bank,
        scopes: ['enterprise:read', 'credit:read'], purpose: 'FINANCING',
        grantedAt: datetime('2026-06-01T00:00:00Z'), expiresAt: datetime('2027-06-01T00:00:00Z')})
"""


async def seeded(graph: AsyncDriver, clock: HeldClock) -> None:
    clock.hold(TODAY)
    await graph.execute_query(GRAPH, a=A, b=B, case_no=CASE_NO, database_=DATABASE)
    recomputer = CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules())
    # two stored ratings: before the listing and the penalty, and today (the history chart)
    await recomputer.recompute_all(dt.date(2026, 1, 15))
    await recomputer.recompute_all(TODAY.date())


async def report_page(browser: Browser, hub_url: str, token: str, purpose: str = "") -> Page:
    watched = await watched_page(browser, height=1200)
    page = watched.page
    logged: list[str] = []
    page.on("console", lambda message: logged.append(message.text))
    await page.goto(f"{hub_url}/console")
    await page.wait_for_selector("body[data-ready]")
    await page.evaluate(
        "([t, p]) => { hubConsole.session.adopt({access_token: t});"
        " if (p) hubConsole.session.setPurpose(p); return hubConsole.render(); }",
        [token, purpose],
    )
    await page.evaluate(f"() => {{ location.hash = '#/report/{A}'; }}")
    # the report is complete, or the frame said why not (that message fails the test)
    await page.wait_for_selector("#report[data-complete], #notice:not([hidden])")
    assert await page.locator("#notice").is_hidden(), (await text(page, "#notice"), logged)
    assert watched.page_errors == []
    return page


async def text(page: Page, selector: str) -> str:
    return (await page.inner_text(selector)).strip()


async def test_a_customs_officer_reads_prints_and_files_the_report(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, browser: Browser
) -> None:
    await seeded(graph, hub_clock)
    token = await token_for(hub_url, graph, "customs", institution="郑州海关")
    page = await report_page(browser, hub_url, token)

    # the header: report date (the rating's), the reader and a print button
    assert await text(page, "#report-date") == "2026年6月30日"
    assert await text(page, "#report-reader") == "海关 · 郑州海关"
    assert await text(page, "#report-print") == "打印 / 另存为 PDF"

    # identity and registry
    assert await text(page, "#report-name") == "开封云帆跨境贸易有限公司"
    assert await text(page, "#r-uscc") == A
    assert "2019年3月1日" in await text(page, "#r-status")
    assert (await text(page, "#r-legal-rep")).startswith("王伟")
    assert "李娜" in await text(page, "#r-officers")
    holders = await text(page, "#r-shareholders")
    assert "王伟" in holders and "60%" in holders and "开封远航物流有限公司" in holders
    assert "五号路" in await text(page, "#r-addresses")

    # the composite grade with its factors; the penalty's factor links to the penalty's row
    assert await page.locator("#r-grade-badge").is_visible()
    assert await text(page, "#r-grade-badge .grade-letter") == GRADE
    assert await page.locator("#r-factor-chart").is_visible()
    evidence = page.locator("#r-factors a.evidence[data-evidence='PN-1']")
    assert await evidence.count() == 1, await text(page, "#r-factors")
    assert await evidence.get_attribute("href") == "#rec-PN-1"
    await evidence.click()
    assert page.url.endswith(f"#/report/{A}")  # the report stays; the row is scrolled to
    assert await page.locator("#rec-PN-1.flash").count() == 1

    # the list entry and the penalty with its publicity period and repair status
    listed = await text(page, "#rec-LE-CD")
    assert "走私违规" in listed and "2026年2月1日" in listed and "2028年2月1日" in listed
    penalty = await text(page, "#rec-PN-1")
    assert CASE_NO in penalty and "¥12,345.60" in penalty
    assert (await text(page, "#rec-PN-1 .public-until")).startswith("2027年3月10日")
    assert await text(page, "#rec-PN-1 .repair") == "未修复"

    # the measures for customs only, each with its legal basis
    blocks = page.locator("#r-measures .measure-block")
    assert await blocks.count() == 1
    assert await blocks.first.get_attribute("data-department") == "CUSTOMS"
    rows = blocks.first.locator("tbody tr")
    assert await rows.count() >= 1
    for basis in await rows.locator("td.basis").all_inner_texts():
        assert basis.strip(), "a measure without its legal basis"

    # rating history charted; trade data customs may read summed
    assert await page.locator("#r-history-chart").is_visible()
    assert await page.locator("#r-history-table tbody tr").count() >= 1
    declared = await text(page, "#r-trade-totals tr[data-total='declarations']")
    assert "¥250,000.00" in declared
    await screenshot(page, "report-zh.png")

    # printed: A4 PDF of more than one page, and the print stylesheet without the frame
    pdf = await page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) > 1 or len(pdf) > 100_000
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "report.pdf").write_bytes(pdf)
    await page.emulate_media(media="print")
    assert await page.locator("header.top").is_hidden()
    assert await page.locator("#report-print").is_hidden()
    await screenshot(page, "report-print.png")
    await page.emulate_media(media="screen")

    # English by the switch: the same report, translated
    await page.click("#language button[data-lang='en']")
    await page.wait_for_selector("#report[data-complete]")
    assert await text(page, "#report-print") == "Print / save as PDF"
    assert await text(page, "#report-date") == "June 30, 2026"
    assert await text(page, "#rec-PN-1 .repair") == "not repaired"
    await screenshot(page, "report-en.png")


async def test_a_market_regulator_reads_penalties_but_not_trade_data(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, browser: Browser
) -> None:
    await seeded(graph, hub_clock)
    token = await token_for(hub_url, graph, "samr", institution="开封市市场监管局")
    page = await report_page(browser, hub_url, token)
    # allowed: penalties, and the measures of its own department
    assert CASE_NO in await text(page, "#rec-PN-1")
    assert await page.locator("#r-measures .measure-block[data-department='SAMR']").count() == 1
    assert await page.locator("#r-measures .measure-block[data-department='CUSTOMS']").count() == 0
    # refused: the customs, tax and SAFE records behind the trade summary, said so in Chinese
    refused = await text(page, "#r-trade .report-note[data-refused='scope']")
    assert refused.startswith("您的账号无权查看") and "报关单" in refused
    assert await page.locator("#r-trade-totals").count() == 0


async def test_a_bank_under_consent_reads_the_grade_but_not_penalties(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, browser: Browser
) -> None:
    await seeded(graph, hub_clock)
    await graph.execute_query(CONSENT, a=A, bank=BANK, database_=DATABASE)
    token = await token_for(hub_url, graph, "bank", institution=BANK)
    page = await report_page(browser, hub_url, token, purpose="FINANCING")
    # allowed under its consent: the registry, the grade, the list entry
    assert await text(page, "#report-name") == "开封云帆跨境贸易有限公司"
    assert await page.locator("#r-grade-badge").is_visible(), await text(page, "#r-grade")
    assert "走私违规" in await text(page, "#rec-LE-CD")
    # refused: penalties (no penalties:read), and the financing data its consent does not cover
    assert await text(page, "#r-penalties .report-note") == (
        "您的账号无权查看行政处罚，此部分从略。"  # noqa: RUF001
    )
    assert await page.locator("#rec-PN-1").count() == 0
    financing = await text(page, "#r-trade .report-note[data-section='trade.financing']")
    assert financing.startswith("该企业未授权贵机构查看")
