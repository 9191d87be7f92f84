"""Sessions that chain with the driver's `execute_query` calls, so a read sees every write
this process committed before it, also on a cluster whose secondaries lag the leader.

`execute_query` shares the driver's default bookmark manager; a plain `driver.session()` does
not, and a read routed to a secondary could miss a write made in such a session a moment
before. Every session of the hub is opened here.
"""

from __future__ import annotations

from neo4j import AsyncDriver, AsyncSession


def open_session(driver: AsyncDriver, database: str) -> AsyncSession:
    """A session on `database` bound to the driver's shared bookmark manager."""
    return driver.session(database=database, bookmark_manager=driver.execute_query_bookmark_manager)
