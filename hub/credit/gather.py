"""Reads `RatingFacts` from the graph: two queries for any number of enterprises."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from neo4j import AsyncDriver, RoutingControl

from hub.credit import cypher
from hub.credit.facts import (
    ClassificationFact,
    ListEntryFact,
    LoanFact,
    NetworkLink,
    OrderCheck,
    PathStep,
    PenaltyFact,
    RatingFacts,
)
from hub.repository import native

WINDOW_DAYS = 365  # "over 12 months"


async def gather_facts(
    driver: AsyncDriver, database: str, usccs: list[str], as_of: dt.date
) -> dict[str, RatingFacts]:
    """The facts of each known enterprise of `usccs`, valid at `as_of`."""
    params = {"usccs": usccs, "as_of": as_of, "since": as_of - dt.timedelta(days=WINDOW_DAYS)}
    # two independent reads: the server runs them side by side
    rows, links = await asyncio.gather(
        _read(driver, database, cypher.RATING_FACTS, params),
        _read(driver, database, cypher.NETWORK_LINKS, params),
    )
    network: dict[str, list[NetworkLink]] = defaultdict(list)
    for link in links:
        network[link["uscc"]].append(_link(link))
    return {row["uscc"]: _facts(row, as_of, network[row["uscc"]]) for row in rows}


async def _read(
    driver: AsyncDriver, database: str, query: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    records, _, _ = await driver.execute_query(
        query, params, routing_=RoutingControl.READ, database_=database
    )
    return [native(record.data()) for record in records]


def _facts(row: dict[str, Any], as_of: dt.date, network: list[NetworkLink]) -> RatingFacts:
    return RatingFacts(
        uscc=row["uscc"],
        as_of=as_of,
        registered_on=row["registeredOn"],
        name=row.get("name") or "",
        zone=row.get("zone"),
        penalties=tuple(
            PenaltyFact(
                id=p["id"],
                department=p["department"],
                severity=p["severity"],
                decided_on=p["decidedOn"],
                public_until=p.get("publicUntil"),
                repaired_on=p.get("repairedOn"),
            )
            for p in sorted(row["penalties"], key=lambda p: p["id"])
        ),
        list_entries=tuple(
            ListEntryFact(
                id=entry["id"],
                list=entry["list"],
                department=entry["department"],
                listed_on=entry["listedOn"],
                expires_on=entry.get("expiresOn"),
                removed_on=entry.get("removedOn"),
            )
            for entry in sorted(row["listEntries"], key=lambda e: e["id"])
        ),
        classifications=tuple(
            ClassificationFact(
                id=c["id"],
                department=c["department"],
                scheme=c["scheme"],
                value=c["value"],
                effective_from=c["effectiveFrom"],
                effective_to=c.get("effectiveTo"),
            )
            for c in sorted(row["classifications"], key=lambda c: c["id"])
        ),
        orders=tuple(
            OrderCheck(
                id=o["id"],
                ordered_on=o["orderedOn"],
                matched=o["reason"] is None,
                reason=o["reason"],
            )
            for o in sorted(row["orders"], key=lambda o: o["id"])
        ),
        declared_exports_cny=_money(row["declaredExports"]),
        collected_cny=_money(row["collected"]),
        loans=tuple(
            LoanFact(
                id=loan["id"],
                status=loan["status"],
                granted_on=loan["grantedOn"],
                due_on=loan["dueOn"],
            )
            for loan in sorted(row["loans"], key=lambda loan: loan["id"])
        ),
        network=tuple(sorted(network, key=lambda link: (link.hops, link.uscc))),
    )


def _link(row: dict[str, Any]) -> NetworkLink:
    nodes, relationships = row["nodes"], row["relationships"]
    steps = tuple(
        PathStep(
            label=node["label"],
            key=node["key"],
            relationship=relationships[i] if i < len(relationships) else None,
        )
        for i, node in enumerate(nodes)
    )
    entries = sorted(row["entries"], key=lambda e: e["id"])
    return NetworkLink(
        uscc=row["other"],
        hops=sum(1 for node in nodes if node["label"] == "Enterprise") - 1,
        path=steps,
        entry_ids=tuple(e["id"] for e in entries),
        lists=tuple(sorted({e["list"] for e in entries})),
    )


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))
