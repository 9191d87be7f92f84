"""Which Neo4j the hub talks to: the configured server, or the local one it starts."""

from __future__ import annotations

from neo4j import AsyncDriver, AsyncGraphDatabase

from hub.localdb import LocalNeo4j
from hub.settings import Settings


def local_db(settings: Settings) -> LocalNeo4j:
    return LocalNeo4j(
        home=settings.local_db_home,
        port=settings.local_db_port,
        heap_mb=settings.local_db_heap_mb,
        pagecache_mb=settings.local_db_pagecache_mb,
    )


def bolt_uri(settings: Settings) -> str:
    return settings.neo4j_uri or local_db(settings).uri


def open_driver(settings: Settings, uri: str | None = None) -> AsyncDriver:
    """An async driver for `uri` (default: the configured or local server).

    With a `neo4j://` URI the driver routes: reads (`routing_=READ`, read transactions) to
    secondaries, writes to the leader; sessions and `execute_query` share one bookmark manager
    (`graph_schema.sessions`), so this process reads its own writes.
    """
    auth = None
    if settings.neo4j_uri and settings.neo4j_password is not None:
        auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    return AsyncGraphDatabase.driver(
        uri or bolt_uri(settings),
        auth=auth,
        max_connection_pool_size=settings.neo4j_max_pool_size,
        connection_timeout=settings.neo4j_connection_timeout_s,
        connection_acquisition_timeout=settings.neo4j_acquisition_timeout_s,
        max_transaction_retry_time=settings.neo4j_max_retry_time_s,
        # Query notifications (e.g. "property key does not exist" on a fresh graph) are for
        # development, not for a running service's log.
        notifications_min_severity="OFF",
    )
