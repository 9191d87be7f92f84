"""The hub service: the composition root (`bootstrap`), the Starlette app and GraphQL API,
the credit engine, network, risk, statistics, objections and financing, the demo zone, the
CLI and the local Neo4j.

May import: `graph_schema`, `connectors`, `auth`. Nothing imports `hub` but its own entry
points, `bench/` and the tests.
"""

from hub.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
