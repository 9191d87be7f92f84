"""Helpers every database test can import: the database name and a way to empty the graph."""

from __future__ import annotations

from neo4j import AsyncDriver

DATABASE = "neo4j"


async def wipe(drv: AsyncDriver) -> None:
    """Delete every node but the migration records, in chunks so large graphs fit in memory."""
    while True:
        records, _, _ = await drv.execute_query(
            "MATCH (n) WHERE NOT n:SchemaMigration WITH n LIMIT 20000 "
            "DETACH DELETE n RETURN count(*) AS deleted",
            database_=DATABASE,
        )
        if records[0]["deleted"] == 0:
            return
