"""One holder at a time across every hub process on one Neo4j: a named mutex in the graph.

The holder keeps a transaction open that holds the write lock of `(:Mutex {name})`; another
process asking for the same name waits on that lock inside Neo4j, and gets it when the first
transaction ends. A holder that dies (even by `kill -9`) loses its connection, Neo4j rolls its
transaction back and the lock is free: nothing to expire, no clock involved. The transaction
writes nothing that outlives it (it is rolled back), so holding the mutex costs one pooled
connection for as long as the work runs.

Used where a read-then-write over several transactions must not interleave with the same work
in another process: re-rating reads facts, rates in Python, then writes, and two re-ratings
interleaved could store the older reading last (`hub.credit.recompute`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from neo4j import AsyncDriver

from graph_schema.sessions import open_session
from hub.cypher import MUTEX_TAKE

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def held(driver: AsyncDriver, database: str, name: str) -> AsyncIterator[None]:
    """Hold the mutex `name` for the block: wait until no other holder (in any process) has
    it, keep it while the block runs, free it when the block ends however it ends."""
    async with open_session(driver, database) as session:
        tx = await session.begin_transaction()
        try:
            await (await tx.run(MUTEX_TAKE, name=name)).consume()
            yield
        finally:
            # nothing to keep: ending the transaction is what frees the lock
            try:
                await tx.rollback()
            except Exception as error:  # the connection is gone: Neo4j has freed it already
                log.warning("mutex %s: the holding transaction ended with %s", name, error)
