"""Audit fixtures: a running `AuditLog` on the emptied graph."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from graph_kit import DATABASE
from neo4j import AsyncDriver

from auth.audit.writer import AuditLog


@pytest.fixture
async def audit(graph: AsyncDriver) -> AsyncIterator[AuditLog]:
    log = AuditLog(graph, DATABASE, batch_size=50, durable_timeout=60)
    log.start()
    try:
        yield log
    finally:
        await log.aclose()
