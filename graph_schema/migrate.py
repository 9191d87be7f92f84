"""Applies the Cypher migrations in `migrations/` in order, once each, recording them in the graph.

Each file `NNNN_name.cypher` is one migration: statements separated by `;`, each idempotent
(`IF NOT EXISTS`). An applied migration is a `(:SchemaMigration {version, name, checksum,
appliedOn})` node; a migration whose file changed after it was applied is an error, since the
graph no longer matches what the file says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from importlib import resources

from neo4j import AsyncDriver

_BOOTSTRAP = (
    "CREATE CONSTRAINT schema_migration_version IF NOT EXISTS "
    "FOR (n:SchemaMigration) REQUIRE n.version IS UNIQUE"
)
# A map projection, so a fresh graph without these properties raises no warning.
_APPLIED = "MATCH (m:SchemaMigration) RETURN m {.*} AS m"
_RECORD = (
    "MERGE (m:SchemaMigration {version: $version}) "
    "ON CREATE SET m.name = $name, m.checksum = $checksum, m.appliedOn = $applied_on"
)


class MigrationError(RuntimeError):
    """The graph's recorded migrations disagree with the migration files."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    checksum: str


def load_migrations() -> list[Migration]:
    """The migrations shipped with the package, in version order."""
    found: list[Migration] = []
    for entry in resources.files("graph_schema.migrations").iterdir():
        if not entry.name.endswith(".cypher"):
            continue
        stem = entry.name.removesuffix(".cypher")
        number, _, name = stem.partition("_")
        if not number.isdigit() or not name:
            raise MigrationError(f"migration file {entry.name!r} is not named NNNN_name.cypher")
        text = entry.read_text(encoding="utf-8")
        found.append(
            Migration(
                version=int(number),
                name=name,
                statements=_split_statements(text),
                checksum=hashlib.sha256(text.encode()).hexdigest(),
            )
        )
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migration files share a version: {versions}")
    return found


def _split_statements(text: str) -> tuple[str, ...]:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return tuple(s.strip() for s in "\n".join(lines).split(";") if s.strip())


async def applied_versions(driver: AsyncDriver, database: str) -> dict[int, str]:
    """Version -> checksum of the migrations recorded in the graph."""
    records, _, _ = await driver.execute_query(_APPLIED, database_=database)
    return {int(r["m"]["version"]): str(r["m"]["checksum"]) for r in records}


async def apply_migrations(driver: AsyncDriver, database: str) -> list[int]:
    """Apply every migration not yet recorded; return the versions applied by this call."""
    await driver.execute_query(_BOOTSTRAP, database_=database)
    done = await applied_versions(driver, database)
    newly: list[int] = []
    for migration in load_migrations():
        recorded = done.get(migration.version)
        if recorded is not None:
            if recorded != migration.checksum:
                raise MigrationError(
                    f"migration {migration.version:04d}_{migration.name} was changed after it "
                    "was applied; add a new migration instead of editing an applied one"
                )
            continue
        # Schema statements cannot share a transaction with writes, so each runs on its own.
        for statement in migration.statements:
            await driver.execute_query(statement, database_=database)
        await driver.execute_query(
            _RECORD,
            version=migration.version,
            name=migration.name,
            checksum=migration.checksum,
            applied_on=dt.datetime.now(dt.UTC),
            database_=database,
        )
        newly.append(migration.version)
    return newly


async def pending_migrations(driver: AsyncDriver, database: str) -> list[int]:
    """Versions of shipped migrations the graph has not recorded (empty when up to date)."""
    done = await applied_versions(driver, database)
    return [m.version for m in load_migrations() if m.version not in done]
