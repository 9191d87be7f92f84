"""Through the served hub: a consented bank read is answered only once its audit record is
durable (fsynced in the hub's journal, then in the graph's chain), carrying the request id it
was sent with; a read whose record cannot be written answers no data but a 503 naming the
problem."""

from __future__ import annotations

import datetime as dt
import errno
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graph_kit import _serving, eventually, token_for
from neo4j import AsyncDriver

from auth.audit import journal
from auth.audit.writer import AuditLog
from graph_schema.uscc import make_uscc

OWN = make_uscc("9", "1", "410200", "AU000001")
READ = "query Profile($u: String!) { enterprise(uscc: $u) { name } }"
LOG = "{ myAccessLog { seq institution operation enterprises requestId } }"
GRANT = """mutation($x: DateTime!) {
  grantConsent(institution: "bank-audit", purpose: WORKING_CAPITAL,
               scopes: ["enterprise:read"], expiresAt: $x) { id } }"""


async def ask(
    hub_url: str, token: str, query: str, request_id: str | None = None, **variables: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "working capital review"}
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        return await client.post("/graphql", json={"query": query, "variables": variables})


@pytest.fixture
async def consented(graph: AsyncDriver, hub_url: str) -> AsyncIterator[tuple[str, str]]:
    """The enterprise's token and a bank's, under the enterprise's consent to read it."""
    await graph.execute_query(
        "CREATE (:Enterprise {uscc: $u, name: 'Audited Co.', zone: 'KAIFENG', status: 'ACTIVE', "
        "registeredOn: date('2020-01-01')})",
        u=OWN,
    )
    own = await token_for(hub_url, graph, "enterprise", institution=OWN)
    bank = await token_for(hub_url, graph, "bank", institution="bank-audit")
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).isoformat()
    granted = (await ask(hub_url, own, GRANT, x=expires)).json()
    assert granted.get("data") and granted["data"]["grantConsent"]["id"], granted
    yield own, bank


def served_audit() -> AuditLog:
    [services] = _serving
    return services.audit


async def test_an_answered_read_is_recorded_with_its_request_id(
    graph: AsyncDriver, hub_url: str, consented: tuple[str, str]
) -> None:
    own, bank = consented
    answer = await ask(hub_url, bank, READ, request_id="bank-req-0001", u=OWN)
    assert answer.json() == {"data": {"enterprise": {"name": "Audited Co."}}}
    assert answer.headers["X-Request-ID"] == "bank-req-0001"
    # no waiting: the record was fsynced in the journal before the answer left
    held = served_audit().journal
    assert held is not None
    lines = [json.loads(line) for line in held.path.read_text().splitlines()[1:]]
    assert [
        (line["event"]["enterprises"], line["event"]["operation"])
        for line in lines
        if line["event"]["requestId"] == "bank-req-0001"
    ] == [([OWN], "Profile")]

    async def chained() -> list[list[str]]:
        records, _, _ = await graph.execute_query(
            "MATCH (a:AuditRecord {requestId: 'bank-req-0001'}) RETURN a.enterprises AS e"
        )
        return [r["e"] for r in records]

    assert await eventually(chained, timeout_s=30) == [[OWN]]
    entries = (await ask(hub_url, own, LOG)).json()["data"]["myAccessLog"]
    assert [(e["institution"], e["operation"], e["requestId"]) for e in entries] == [
        ("bank-audit", "Profile", "bank-req-0001")
    ]


async def test_a_read_whose_record_cannot_be_written_answers_no_data(
    graph: AsyncDriver, hub_url: str, consented: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, bank = consented
    held = served_audit().journal
    assert held is not None

    def disk_full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal, "_write_all", disk_full)
    answer = await ask(hub_url, bank, READ, request_id="bank-req-0002", u=OWN)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    body = answer.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "AUDIT_UNAVAILABLE"}
    assert error["message"] == (
        "no data answered: its audit record could not be written (cannot write the audit "
        f"journal {held.path}: [Errno 28] No space left on device); retry later"
    )
    assert "Audited Co." not in answer.text
    # the allowed twin: once the record can be written, the same read answers
    monkeypatch.undo()
    again = await ask(hub_url, bank, READ, u=OWN)
    assert (again.status_code, again.json()) == (
        200,
        {"data": {"enterprise": {"name": "Audited Co."}}},
    )
