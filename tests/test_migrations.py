"""Migrations against the real Neo4j: complete, idempotent, and guarded against edits."""

from __future__ import annotations

from neo4j import AsyncDriver

from graph_schema.migrate import (
    Migration,
    MigrationError,
    apply_migrations,
    load_migrations,
    pending_migrations,
)
from graph_schema.model import BUSINESS_KEYS

DATABASE = "neo4j"


async def schema_snapshot(driver: AsyncDriver) -> tuple[list[tuple[str, ...]], ...]:
    constraints, _, _ = await driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
        "RETURN name, type, labelsOrTypes, properties ORDER BY name",
        database_=DATABASE,
    )
    indexes, _, _ = await driver.execute_query(
        "SHOW INDEXES YIELD name, type, labelsOrTypes, properties "
        "RETURN name, type, labelsOrTypes, properties ORDER BY name",
        database_=DATABASE,
    )
    recorded, _, _ = await driver.execute_query(
        "MATCH (m:SchemaMigration) RETURN m.version AS v, m.checksum AS c, m.appliedOn AS at "
        "ORDER BY v",
        database_=DATABASE,
    )
    return (
        [tuple(map(str, r.values())) for r in constraints],
        [tuple(map(str, r.values())) for r in indexes],
        [tuple(map(str, r.values())) for r in recorded],
    )


async def test_applying_twice_changes_nothing(graph: AsyncDriver) -> None:
    # the session fixture applied them once already
    before = await schema_snapshot(graph)
    assert await apply_migrations(graph, DATABASE) == []
    assert await schema_snapshot(graph) == before
    assert await pending_migrations(graph, DATABASE) == []
    versions = [int(v) for v, _, _ in before[2]]
    assert versions == [m.version for m in load_migrations()]


async def test_every_business_key_is_unique_constrained(graph: AsyncDriver) -> None:
    constraints, _, _ = await graph.execute_query(
        "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
        "WHERE type = 'UNIQUENESS' RETURN labelsOrTypes[0] AS label, properties[0] AS key",
        database_=DATABASE,
    )
    constrained = {(r["label"], r["key"]) for r in constraints}
    assert {(label.value, key) for label, key in BUSINESS_KEYS.items()} <= constrained


async def test_a_duplicate_business_key_is_refused_by_the_graph(graph: AsyncDriver) -> None:
    await graph.execute_query("CREATE (:Penalty {id: 'P-dup'})", database_=DATABASE)
    try:
        await graph.execute_query("CREATE (:Penalty {id: 'P-dup'})", database_=DATABASE)
    except Exception as error:  # the driver raises ConstraintError
        assert "already exists" in str(error)
    else:
        raise AssertionError("a second Penalty with the same id was accepted")


async def test_an_edited_migration_is_refused(graph: AsyncDriver, monkeypatch) -> None:
    shipped = load_migrations()
    edited = [
        Migration(m.version, m.name, m.statements, "0" * 64) if m.version == 1 else m
        for m in shipped
    ]
    monkeypatch.setattr("graph_schema.migrate.load_migrations", lambda: edited)
    try:
        await apply_migrations(graph, DATABASE)
    except MigrationError as error:
        assert "0001_business_keys was changed after it was applied" in str(error)
    else:
        raise AssertionError("an edited migration was applied silently")


def test_migration_files_split_into_statements() -> None:
    first = load_migrations()[0]
    assert first.version == 1
    assert all(s.startswith("CREATE CONSTRAINT") for s in first.statements)
    assert not any("//" in s for s in first.statements)
