"""The hub service: the Starlette app and GraphQL API, the demo zone, the CLI, the local Neo4j."""

from hub.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
