"""Providers through signed batches: a payment naming its payment firm before the registry sends
the firm is written and linked when the firm arrives; the batch re-rates the firm with the
seller; a supervised premises comes from customs and links its operator; one from another
department, or for an unknown operator, is refused whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connector_kit import DATABASE, Agency, enterprise_record, uscc
from neo4j import AsyncDriver

from connectors.pipeline import Pipeline, Status
from graph_schema.model import Department

SELLER, FIRM, OPERATOR = uscc(1), uscc(2), uscc(3)


def order() -> dict[str, Any]:
    return {
        "id": "ORD-P-1",
        "uscc": SELLER,
        "orderedOn": "2026-10-01",
        "direction": "EXPORT",
        "goodsCny": "100.00",
        "freightCny": "10.00",
    }


def payment() -> dict[str, Any]:
    return {
        "id": "PAY-P-1",
        "orderId": "ORD-P-1",
        "paidOn": "2026-10-02",
        "amountCny": "110.00",
        "payFirmUscc": FIRM,
    }


def premises(operator: str = OPERATOR) -> dict[str, Any]:
    return {
        "id": "SP-P-1",
        "operatorUscc": operator,
        "kind": "CBEC_SUPERVISION_SITE",
        "name": "Kaifeng supervision site",
        "customsCode": "4611W001",
        "approvedOn": "2025-11-03",
        "status": "ACTIVE",
    }


async def links(driver: AsyncDriver, rel: str) -> list[tuple[str, str]]:
    rows, _, _ = await driver.execute_query(
        "MATCH (e:Enterprise)-[r]->(n) WHERE type(r) = $rel "
        "RETURN e.uscc AS uscc, n.id AS id ORDER BY id",
        rel=rel,
        database_=DATABASE,
    )
    return [(row["uscc"], row["id"]) for row in rows]


async def test_a_payment_links_its_firm_when_the_registry_sends_it_later(
    pipeline: Pipeline, samr: Agency, agency: Callable[..., Any], ledger: AsyncDriver
) -> None:
    customs: Agency = await agency(
        "customs-test", Department.CUSTOMS, ["trade.order@1", "trade.payment@1"]
    )
    assert (
        await pipeline.ingest(samr.batch("samr.enterprise@1", [enterprise_record(1)]))
    ).status is Status.APPLIED
    assert (
        await pipeline.ingest(customs.batch("trade.order@1", [order()]))
    ).status is Status.APPLIED
    paid = await pipeline.ingest(customs.batch("trade.payment@1", [payment()]))
    # written though the firm is unknown yet: the firm is named, not the payment's subject
    assert (paid.status, paid.written) == (Status.APPLIED, 1)
    # the batch re-rates the firm with the order's seller (found from the order's id)
    assert paid.subjects.usccs == {FIRM}
    assert paid.subjects.fact_ids == {"ORD-P-1"}
    rows, _, _ = await ledger.execute_query(
        "MATCH (e:OwedEffect {kind: 'RERATE', batch: $batch}) "
        "RETURN e.usccs AS usccs, e.factIds AS facts",
        batch=str(paid.batch_id),
        database_=DATABASE,
    )
    assert (rows[0]["usccs"], rows[0]["facts"]) == ([FIRM], ["ORD-P-1"])
    assert await links(ledger, "HANDLED") == []
    await pipeline.ingest(samr.batch("samr.enterprise@1", [enterprise_record(2)]))
    assert await links(ledger, "HANDLED") == [(FIRM, "PAY-P-1")]
    # sent again without the firm, the payment loses the link
    corrected = {k: v for k, v in payment().items() if k != "payFirmUscc"}
    await pipeline.ingest(customs.batch("trade.payment@1", [corrected]))
    assert await links(ledger, "HANDLED") == []


async def test_a_premises_from_customs_links_its_operator(
    pipeline: Pipeline, samr: Agency, agency: Callable[..., Any], ledger: AsyncDriver
) -> None:
    customs: Agency = await agency("customs-sp", Department.CUSTOMS, ["customs.premises@1"])
    logistics: Agency = await agency("logistics-sp", Department.LOGISTICS, ["customs.premises@1"])
    unknown = await pipeline.ingest(customs.batch("customs.premises@1", [premises()]))
    assert (unknown.status, unknown.code) == (Status.REJECTED, "UNKNOWN_REFERENCE")
    await pipeline.ingest(samr.batch("samr.enterprise@1", [enterprise_record(3)]))
    # logistics may not send it, though its connector lists the type: the twin below may
    refused = await pipeline.ingest(logistics.batch("customs.premises@1", [premises()]))
    assert refused.status is Status.REJECTED
    assert await links(ledger, "OPERATES_PREMISES") == []
    applied = await pipeline.ingest(customs.batch("customs.premises@1", [premises()]))
    assert (applied.status, applied.written) == (Status.APPLIED, 1)
    assert applied.subjects.usccs == {OPERATOR}
    assert await links(ledger, "OPERATES_PREMISES") == [(OPERATOR, "SP-P-1")]
    rows, _, _ = await ledger.execute_query(
        "MATCH (n:SupervisedPremises) RETURN n {.kind, .status, .customsCode, .source} AS n",
        database_=DATABASE,
    )
    assert rows[0]["n"] == {
        "kind": "CBEC_SUPERVISION_SITE",
        "status": "ACTIVE",
        "customsCode": "4611W001",
        "source": "customs-sp",
    }
