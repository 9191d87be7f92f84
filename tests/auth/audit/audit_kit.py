"""Helpers for the audit tests: events to record, writing a chain, tampering with the graph."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from graph_kit import DATABASE
from neo4j import AsyncDriver

from auth.audit.events import AuditEvent, Outcome
from auth.audit.writer import AuditLog
from auth.principal import ClientKind

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def event(
    i: int = 0,
    *,
    client_id: str = "bank-1",
    kind: ClientKind = ClientKind.BANK,
    enterprises: Sequence[str] = ("91330100MA0000001A",),
    outcome: Outcome = Outcome.OK,
    purpose: str | None = "credit review",
    at: dt.datetime | None = None,
) -> AuditEvent:
    return AuditEvent(
        at=at or T0 + dt.timedelta(minutes=i),
        client_id=client_id,
        kind=kind,
        institution=f"inst-{client_id}",
        operation=f"Op{i}",
        query_hash=f"{i:064x}",
        enterprises=tuple(enterprises),
        purpose=purpose,
        outcome=outcome,
        consent_ids=(f"consent-{i}",) if kind is ClientKind.BANK else (),
        fields=("Enterprise.name", "Enterprise.financing"),
    )


async def write_chain(log: AuditLog, events: Sequence[AuditEvent]) -> list[int]:
    """Commit `events` concurrently (they share transactions), in order; their seqs."""
    return list(await asyncio.gather(*(log.commit(e) for e in events)))


async def run(graph: AsyncDriver, query: str, **params: object) -> None:
    await graph.execute_query(query, params, database_=DATABASE)
