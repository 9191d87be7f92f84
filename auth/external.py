"""The public keys of external issuers, fetched over HTTP (httpx) and cached.

A JWKS is fetched on first use, used for `jwks_cache_s`, and refetched early when a token names
a kid it lacks, but at most once per `jwks_min_refetch_s`, so unknown kids cannot make the hub
hammer the issuer. A failed fetch keeps the keys already known. Symmetric (`oct`) and private
keys in a published JWKS are ignored: only public keys of the accepted types verify tokens.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, Key, OKPKey, RSAKey

log = logging.getLogger(__name__)

_ACCEPTED: dict[str, type[ECKey] | type[OKPKey] | type[RSAKey]] = {
    "EC": ECKey,
    "OKP": OKPKey,
    "RSA": RSAKey,
}


class JwksUnavailable(RuntimeError):
    """The issuer's JWKS could not be fetched and no keys are cached."""


def import_public_jwks(document: object) -> dict[str, Key]:
    """kid -> key for the usable public keys of a JWK Set document (others are skipped)."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWK Set: no 'keys' list")
    found: dict[str, Key] = {}
    for data in document["keys"]:
        if not isinstance(data, dict) or data.get("kty") not in _ACCEPTED or "d" in data:
            continue
        if data.get("use") not in (None, "sig"):
            continue
        try:
            key: Key = _ACCEPTED[data["kty"]].import_key(data)
        except (JoseError, ValueError, TypeError):
            continue
        key.ensure_kid()
        found[str(key.kid)] = key
    return found


class RemoteJwks:
    """One issuer's JWKS, fetched from `url` with a shared `httpx.AsyncClient`."""

    def __init__(
        self,
        url: str,
        http: httpx.AsyncClient,
        cache_s: float = 3600.0,
        min_refetch_s: float = 30.0,
        timeout_s: float = 5.0,
    ) -> None:
        self.url = url
        self.http = http
        self.cache_s = cache_s
        self.min_refetch_s = min_refetch_s
        self.timeout_s = timeout_s
        self._keys: dict[str, Key] = {}
        self._fetched_at: float | None = None  # last attempt, successful or not
        self._error: str | None = None  # why the last attempt failed
        self._lock = asyncio.Lock()

    def _lookup(self, kid: str | None) -> Key | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    async def key_for(self, kid: str | None) -> Key | None:
        """The key for `kid` (or the only key when the token names none), fetching as needed."""
        attempted = self._fetched_at
        now = time.monotonic()
        stale = attempted is None or now - attempted > self.cache_s
        missing = self._lookup(kid) is None
        if stale or (missing and now - (attempted or 0.0) >= self.min_refetch_s):
            await self._refresh(attempted)
        if not self._keys and self._error:
            raise JwksUnavailable(f"the JWKS at {self.url} is unavailable: {self._error}")
        return self._lookup(kid)

    async def _refresh(self, seen: float | None) -> None:
        async with self._lock:
            if self._fetched_at != seen:
                return  # another request fetched meanwhile
            self._fetched_at = time.monotonic()
            try:
                response = await self.http.get(self.url, timeout=self.timeout_s)
                response.raise_for_status()
                document: Any = response.json()
                self._keys = import_public_jwks(document)
                self._error = None
            except (httpx.HTTPError, ValueError) as error:
                log.warning("cannot fetch the JWKS at %s: %s", self.url, error)
                self._error = str(error) or type(error).__name__
