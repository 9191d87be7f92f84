"""Connector fixtures: registered connectors with real keys, and a pipeline at a fixed time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from connector_kit import DATABASE, KEYS_FROM, NOW, Agency
from neo4j import AsyncDriver

from connectors.pipeline import Pipeline
from connectors.signing import generate_key, public_jwk
from connectors.store import add_key, register_connector
from graph_schema.model import Department

AgencyFactory = Callable[..., Any]


@pytest.fixture
async def ledger(graph: AsyncDriver) -> AsyncDriver:
    """An empty graph with the Kaifeng zone present (reference data)."""
    await graph.execute_query(
        "MERGE (:Zone {code: 'KAIFENG', name: 'Kaifeng'})", database_=DATABASE
    )
    return graph


@pytest.fixture
def agency(ledger: AsyncDriver) -> Callable[..., Any]:
    async def make(
        connector: str, department: Department, record_types: list[str], alg: str = "EdDSA"
    ) -> Agency:
        await register_connector(
            ledger, DATABASE, connector, department.value, record_types, KEYS_FROM
        )
        key = generate_key(alg, f"{connector}-k1")  # type: ignore[arg-type]
        await add_key(ledger, DATABASE, connector, public_jwk(key), KEYS_FROM, close_others=True)
        return Agency(connector, department, key)

    return make


@pytest.fixture
def pipeline(ledger: AsyncDriver) -> Pipeline:
    return Pipeline(ledger, DATABASE, person_secret=b"test-person-secret", clock=lambda: NOW)


@pytest.fixture
async def samr(agency: Callable[..., Any]) -> Agency:
    """The market regulator's connector, which registers enterprises."""
    made: Agency = await agency("samr-test", Department.SAMR, ["samr.enterprise@1"])
    return made
