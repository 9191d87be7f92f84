"""The local Neo4j: Community edition embedded in a small JVM launcher, Bolt on 127.0.0.1."""

from hub.localdb.runner import LocalNeo4j, LocalNeo4jError, ensure_launcher_built, free_port

__all__ = ["LocalNeo4j", "LocalNeo4jError", "ensure_launcher_built", "free_port"]
