"""Revoked access tokens (RFC 7009) and used client assertions, kept in the graph.

A revoked token's `jti` is stored as `(:RevokedToken {jti, exp})` until the token would have
expired, and in this instance's memory, so it stops working here at once. Other hub instances
see it because verification asks the graph: every check of a token not known revoked here is a
unique-index lookup, remembered as "not revoked" for at most `negative_ttl_s` (≤ 1 s), so
another instance honours a revocation within that second.
"""

from __future__ import annotations

import time

from neo4j import AsyncDriver, RoutingControl
from neo4j.exceptions import ConstraintError

from auth import cypher

_PURGE_EVERY_S = 60.0
_PURGE_BATCH = 1000


class RevocationStore:
    """Revocations of access tokens, shared through the graph."""

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        negative_ttl_s: float = 1.0,
        max_cached: int = 50_000,
    ) -> None:
        if not 0 <= negative_ttl_s <= 1.0:
            raise ValueError("negative_ttl_s must be between 0 and 1 second")
        self.driver = driver
        self.database = database
        self.negative_ttl_s = negative_ttl_s
        self.max_cached = max_cached
        self._revoked: dict[str, int] = {}  # jti -> exp
        self._not_revoked: dict[str, float] = {}  # jti -> monotonic time checked
        self._last_purge = 0.0

    async def revoke(self, jti: str, exp: int) -> None:
        """Revoke a token for good (until `exp`); effective at once on this instance."""
        self._revoked[jti] = exp
        self._not_revoked.pop(jti, None)
        await self.driver.execute_query(
            cypher.REVOKE_TOKEN, {"jti": jti, "exp": exp}, database_=self.database
        )
        await self._maybe_purge()

    async def is_revoked(self, jti: str, exp: int | None = None) -> bool:
        """True when the token was revoked here or by any instance (see the module doc).

        `exp` (the token's) bounds how long a revocation found in the graph is kept in memory.
        """
        if jti in self._revoked:
            return True
        checked = self._not_revoked.get(jti)
        if checked is not None and time.monotonic() - checked < self.negative_ttl_s:
            return False
        records, _, _ = await self.driver.execute_query(
            cypher.IS_REVOKED,
            {"jti": jti},
            database_=self.database,
            routing_=RoutingControl.READ,
        )
        if records[0]["revoked"]:
            self._revoked[jti] = exp if exp is not None else int(time.time()) + 86_400
            return True
        if self.negative_ttl_s > 0:
            if len(self._not_revoked) >= self.max_cached:
                self._not_revoked.clear()
            self._not_revoked[jti] = time.monotonic()
        return False

    async def _maybe_purge(self) -> None:
        if time.monotonic() - self._last_purge < _PURGE_EVERY_S:
            return
        self._last_purge = time.monotonic()
        await self.purge_expired()

    async def purge_expired(self) -> int:
        """Forget revocations of tokens that have expired anyway (graph and memory)."""
        now = int(time.time())
        self._revoked = {j: e for j, e in self._revoked.items() if e >= now}
        purged = 0
        for query in (cypher.PURGE_REVOKED, cypher.PURGE_ASSERTIONS):
            records, _, _ = await self.driver.execute_query(
                query, {"now": now, "limit": _PURGE_BATCH}, database_=self.database
            )
            purged += int(records[0]["purged"])
        return purged


async def consume_assertion(
    driver: AsyncDriver, database: str, client_id: str, jti: str, exp: int
) -> bool:
    """Record a client assertion's jti as used; False when it was used before (a replay)."""
    try:
        await driver.execute_query(
            cypher.CONSUME_ASSERTION,
            {"key": f"{client_id} {jti}", "exp": exp, "now": int(time.time())},
            database_=database,
        )
    except ConstraintError:
        return False
    return True
