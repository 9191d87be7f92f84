"""Reads the trade-finance facts of one enterprise and the consent that lets a bank see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from neo4j import AsyncDriver
from pydantic import Field

from graph_schema.read_model import ReadModel
from hub.financing import cypher
from hub.repository import read_rows


class FinancingFacts(ReadModel):
    """The record `cypher.FINANCING_FACTS` returns, each fact a map, and the department of
    each connector that sent one."""

    exports: list[dict[str, Any]]
    returns: list[dict[str, Any]]
    receipts: list[dict[str, Any]]  # export proceeds received from abroad
    domestic_payments: list[dict[str, Any]]  # payments from Chinese enterprises
    warehouses: list[dict[str, Any]]
    refunds: list[dict[str, Any]]
    loans: list[dict[str, Any]]
    departments: dict[str, str] = Field(default_factory=dict)  # connector id -> department


async def financing_consent(
    driver: AsyncDriver, database: str, uscc: str, institution: str, now: dt.datetime
) -> dict[str, Any] | None:
    rows = await read_rows(
        driver,
        database,
        cypher.FINANCING_CONSENT,
        {"uscc": uscc, "institution": institution, "now": now},
    )
    return rows[0] if rows else None


async def financing_facts(
    driver: AsyncDriver, database: str, uscc: str, today: dt.date, since: dt.date, lender: str
) -> FinancingFacts | None:
    rows = await read_rows(
        driver,
        database,
        cypher.FINANCING_FACTS,
        {"uscc": uscc, "today": today, "since": since, "lender": lender},
    )
    if not rows:
        return None
    row = rows[0]
    sources = sorted(
        {
            fact["source"]
            for key in (
                "exports",
                "returns",
                "receipts",
                "domesticPayments",
                "warehouses",
                "refunds",
                "loans",
            )
            for fact in row[key]
            if fact.get("source")
        }
    )
    mapped = await read_rows(driver, database, cypher.CONNECTOR_DEPARTMENTS, {"sources": sources})
    departments = {m["source"]: m["department"] for m in mapped}
    return FinancingFacts.model_validate({**row, "departments": departments})
