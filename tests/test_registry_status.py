"""The registry status with its day: what SAMR may send, what the graph keeps, who counts as an
operator in the statistics, and the risk signal of a declaration after deregistration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from graph_kit import DATABASE
from neo4j import AsyncDriver
from pydantic import ValidationError

from connectors.cypher import write_statement_rows
from connectors.records import RECORD_TYPES, RowContext, validate_records
from connectors.records.models import EnterpriseRecord
from graph_schema.model import Department
from graph_schema.uscc import make_uscc
from hub.risk import RiskScanner, load_risk_rules

Gql = Callable[..., Awaitable[dict[str, Any]]]
"""The `gql` fixture: the hub's /graphql as a regulator."""


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"RX{i:06d}")


def record(status: str, since: str | None = None, **changes: Any) -> dict[str, Any]:
    return {
        "uscc": u(0),
        "name": "Status Trading Co.",
        "zone": "KAIFENG",
        "registeredOn": "2019-06-18",
        "status": status,
        "statusSince": since,
    } | changes


# --- what SAMR may send ---------------------------------------------------------------------


@pytest.mark.parametrize("status", ["REVOKED", "DEREGISTERED"])
def test_a_revocation_or_deregistration_needs_its_day(status: str) -> None:
    with pytest.raises(ValidationError) as refused:
        EnterpriseRecord.model_validate(record(status))
    assert f"required when status is {status}: the day it took effect" in str(refused.value)
    # the allowed twin: with its day
    sent = EnterpriseRecord.model_validate(record(status, "2026-05-01"))
    assert sent.status_since == dt.date(2026, 5, 1)


@pytest.mark.parametrize("status", ["ACTIVE", "ABNORMAL"])
def test_an_active_or_abnormal_enterprise_may_come_without_a_day(status: str) -> None:
    assert EnterpriseRecord.model_validate(record(status)).status_since is None


def test_a_status_cannot_take_effect_before_registration() -> None:
    with pytest.raises(ValidationError) as refused:
        EnterpriseRecord.model_validate(record("REVOKED", "2019-06-17"))
    assert "2019-06-17 is before registeredOn 2019-06-18" in str(refused.value)
    # the day of registration itself is allowed
    EnterpriseRecord.model_validate(record("REVOKED", "2019-06-18"))


async def write(graph: AsyncDriver, *records: dict[str, Any]) -> None:
    record_type = RECORD_TYPES["samr.enterprise@1"]
    models, errors = validate_records(record_type, list(records), Department.SAMR)
    assert errors == []
    context = RowContext(
        source="samr-test", batch="b1", department=Department.SAMR, person_secret=b"s"
    )
    rows = record_type.to_rows(models, context)
    written = await write_statement_rows(graph, record_type.upsert, rows, database=DATABASE)
    assert written == len(rows)


async def node(graph: AsyncDriver) -> dict[str, Any]:
    records, _, _ = await graph.execute_query(
        "MATCH (e:Enterprise {uscc: $u}) RETURN e.status AS status, e.statusSince AS since",
        u=u(0),
        database_=DATABASE,
    )
    return {"status": records[0]["status"], "since": records[0]["since"]}


async def test_the_enterprise_node_keeps_the_status_day(graph: AsyncDriver) -> None:
    await graph.execute_query("CREATE (:Zone {code: 'KAIFENG'})", database_=DATABASE)
    await write(graph, record("REVOKED", "2026-05-01"))
    found = await node(graph)
    assert (found["status"], found["since"].to_native()) == ("REVOKED", dt.date(2026, 5, 1))
    # a later record without a day (the revocation was reversed) removes the old day
    await write(graph, record("ACTIVE"))
    assert await node(graph) == {"status": "ACTIVE", "since": None}


# --- operators in the statistics ------------------------------------------------------------

ENTERPRISES = """
CREATE (:Zone {code: 'KAIFENG'})
WITH 1 AS one
UNWIND $rows AS row
CREATE (e:Enterprise {uscc: row[0], name: row[0], zone: 'KAIFENG', status: row[1],
                      statusSince: row[2], registeredOn: row[3]})
// each filed as a CBEC enterprise when registered: a CBEC operator while registered
CREATE (e)-[:FILED]->(:Filing {id: 'FIL-' + row[0], kind: 'CBEC_ENTERPRISE_FILING',
                               filedOn: row[3]})
"""

OPERATORS = """query($t: Date!) {
  statistics(from: "2020-01-01", to: $t, groupBy: MODE, zone: "KAIFENG") {
    operators { zone count registered }
    targets { metric actual }
  }
}"""


async def test_operators_are_the_enterprises_still_registered_on_the_day(
    graph: AsyncDriver, gql: Gql
) -> None:
    old = dt.date(2020, 1, 1)
    rows = [
        [u(1), "ACTIVE", None, old],
        [u(2), "ABNORMAL", None, old],  # on the abnormal-operation list: still an operator
        [u(3), "REVOKED", dt.date(2026, 3, 1), old],
        [u(4), "DEREGISTERED", dt.date(2026, 12, 1), old],
        [u(5), "ACTIVE", None, dt.date(2026, 11, 15)],  # registered later
        [u(6), "REVOKED", None, old],  # revoked, day not recorded: never counted
    ]
    await graph.execute_query(ENTERPRISES, rows=rows, database_=DATABASE)

    async def operators(on: str) -> tuple[int, int, str]:
        stats = (await gql(OPERATORS, t=on))["data"]["statistics"]
        [count] = stats["operators"]
        [actual] = [t["actual"] for t in stats["targets"] if t["metric"] == "cbec_operators"]
        return count["count"], count["registered"], actual

    # 2026-02-01: 1, 2, and 3 and 4 not yet revoked or deregistered
    assert await operators("2026-02-01") == (4, 4, "4")
    # 2026-11-01: 3 was revoked in March; 4 is deregistered only in December
    assert await operators("2026-11-01") == (3, 3, "3")
    # 2027-01-01: 4 is gone; 5 registered in November
    assert await operators("2027-01-01") == (3, 3, "3")


# --- a declaration after deregistration -----------------------------------------------------

AS_OF = dt.date(2026, 11, 1)

DECLARING = """
UNWIND $rows AS row
CREATE (e:Enterprise {uscc: row[0], name: row[0], zone: 'KAIFENG', status: row[1],
                      statusSince: row[2], registeredOn: date('2018-01-01')})
WITH e, row
UNWIND row[3] AS d
CREATE (e)-[:DECLARED]->(:Declaration {id: d[0], direction: 'EXPORT', mode: '9710',
        declaredOn: d[1], valueCny: d[2]})
"""

ALERTS = """query($f: RiskAlertFilter) {
  riskAlerts(filter: $f) { edges { node { kind severity reason subjects evidence basis } } }
}"""


async def test_a_declaration_after_deregistration_is_a_risk_signal(
    graph: AsyncDriver, gql: Gql
) -> None:
    since = dt.date(2026, 6, 30)
    rows = [
        # deregistered on 2026-06-30, then two declarations in its name
        [
            u(1),
            "DEREGISTERED",
            since,
            [
                ["DEC-1", dt.date(2026, 3, 2), 500.0],
                ["DEC-2", dt.date(2026, 6, 30), 700.0],  # on the day itself: not after
                ["DEC-3", dt.date(2026, 7, 15), 1200.5],
                ["DEC-4", dt.date(2026, 9, 1), 800.0],
                ["DEC-5", dt.date(2026, 11, 20), 300.0],  # after the scan's date
            ],
        ],
        # the twin: revoked on the same day, all its declarations before it
        [u(2), "REVOKED", since, [["DEC-6", dt.date(2026, 5, 1), 900.0]]],
        # an active enterprise declaring as usual
        [u(3), "ACTIVE", None, [["DEC-7", dt.date(2026, 10, 1), 400.0]]],
    ]
    await graph.execute_query(DECLARING, rows=rows, database_=DATABASE)
    report = await RiskScanner(graph, DATABASE, load_risk_rules()).scan_all(AS_OF)
    assert report.by_kind.get("DECLARATION_AFTER_DEREGISTRATION") == 1

    edges = await gql(ALERTS, f={"kind": "DECLARATION_AFTER_DEREGISTRATION"})
    [alert] = [edge["node"] for edge in edges["data"]["riskAlerts"]["edges"]]
    assert alert["subjects"] == [u(1)] and alert["severity"] == "HIGH"
    assert alert["evidence"] == ["DEC-3", "DEC-4"]
    assert alert["reason"] == (
        "2 declarations (CNY 2,000.50) dated after its registration was deregistered on 2026-06-30"
    )
    assert "市场主体登记管理条例" in alert["basis"] and "not confirmed" in alert["basis"]


async def test_declarations_before_a_revocation_raise_nothing(graph: AsyncDriver, gql: Gql) -> None:
    rows = [[u(2), "REVOKED", dt.date(2026, 6, 30), [["DEC-6", dt.date(2026, 5, 1), 900.0]]]]
    await graph.execute_query(DECLARING, rows=rows, database_=DATABASE)
    report = await RiskScanner(graph, DATABASE, load_risk_rules()).scan_all(AS_OF)
    assert "DECLARATION_AFTER_DEREGISTRATION" not in report.by_kind
    # nor does a scan as of a day before the revocation, once it declares later
    await graph.execute_query(
        "MATCH (e:Enterprise {uscc: $u}) CREATE (e)-[:DECLARED]->(:Declaration {id: 'DEC-8', "
        "direction: 'EXPORT', mode: '9710', declaredOn: date('2026-10-01'), valueCny: 10.0})",
        u=u(2),
        database_=DATABASE,
    )
    early = await RiskScanner(graph, DATABASE, load_risk_rules()).scan_all(dt.date(2026, 6, 29))
    assert "DECLARATION_AFTER_DEREGISTRATION" not in early.by_kind
    late = await RiskScanner(graph, DATABASE, load_risk_rules()).scan_all(AS_OF)
    assert late.by_kind.get("DECLARATION_AFTER_DEREGISTRATION") == 1
