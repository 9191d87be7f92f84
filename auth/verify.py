"""Verifying access tokens on API requests: the hub's own and configured external issuers'.

`TokenVerifier.verify_access_token` returns the caller's `Principal` or raises `TokenError`
whose `code` says exactly what is wrong (see `TokenErrorCode`). The checks, in order: the token
parses as a compact JWS (`malformed`); its `alg` is an asymmetric one this issuer is configured
for, never `none` or HMAC (`alg_not_allowed`); its unverified `iss` picks the keys, and an
issuer not configured is `wrong_issuer`; the hub's own tokens must be `typ: at+jwt`
(`wrong_type`); the `kid` must name a known key (`unknown_kid`) of the algorithm's type
(`alg_not_allowed`); the signature (`bad_signature`); `exp` (`expired`), `nbf`/`iat` no later
than now plus the leeway (`not_yet_valid`); `aud` (`wrong_audience`); the hub's own tokens
must not be revoked (`revoked`), and external claims must map to a client kind
(`unmapped_claims`).

`TokenVerifier.recheck` checks again, for a connection that outlives a request (a websocket), a
token verified earlier: only what can change since, `expired` and `revoked`.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import httpx
from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import Key
from joserfc.jws import CompactSignature, JWSRegistry

from auth.external import JwksUnavailable, RemoteJwks
from auth.keys import SIGNING_ALG
from auth.principal import ClientKind, Principal
from auth.settings import EXTERNAL_ALGORITHMS, ExternalIssuer
from auth.tokens import ACCESS_TOKEN_TYPE

MAX_TOKEN_BYTES = 8192
_KEY_TYPES = {"ES256": ("EC", "P-256"), "EdDSA": ("OKP", "Ed25519"), "Ed25519": ("OKP", "Ed25519")}
_TYP_AT_JWT = {ACCESS_TOKEN_TYPE, f"application/{ACCESS_TOKEN_TYPE}"}


class TokenErrorCode(StrEnum):
    MISSING_TOKEN = "missing_token"
    MALFORMED = "malformed"
    ALG_NOT_ALLOWED = "alg_not_allowed"
    WRONG_TYPE = "wrong_type"
    WRONG_ISSUER = "wrong_issuer"
    UNKNOWN_KID = "unknown_kid"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    WRONG_AUDIENCE = "wrong_audience"
    REVOKED = "revoked"
    UNMAPPED_CLAIMS = "unmapped_claims"
    JWKS_UNAVAILABLE = "jwks_unavailable"


class TokenError(Exception):
    """An access token is refused; `code` is stable, `description` says why in words."""

    def __init__(self, code: TokenErrorCode, description: str) -> None:
        super().__init__(f"{code.value}: {description}")
        self.code = code
        self.description = description


class KeyProvider(Protocol):
    """Finds the hub's own verification key by kid (`auth.keys.SigningKeys` is one)."""

    def key_for(self, kid: str) -> Key | None: ...


RevocationCheck = Callable[[str, int], Awaitable[bool]]
"""`(jti, exp) -> revoked?`, e.g. `RevocationStore.is_revoked`."""


@dataclass
class _External:
    config: ExternalIssuer
    jwks: RemoteJwks


def _registry(alg: str) -> JWSRegistry:
    return JWSRegistry(algorithms=[alg], strict_check_header=False)


_REGISTRIES = {alg: _registry(alg) for alg in EXTERNAL_ALGORITHMS}


def _key_fits(key: Key, alg: str) -> bool:
    """The key is of the type `alg` needs (and, if it names an algorithm, the same one)."""
    named = key.get("alg")
    same_family = {"EdDSA", "Ed25519"}
    if named and named != alg and not {named, alg} <= same_family:
        return False
    if alg == "RS256":
        return key.key_type == "RSA"
    kty, crv = _KEY_TYPES[alg]
    return key.key_type == kty and key.get("crv") == crv


def _parse(token: str) -> tuple[CompactSignature, dict[str, Any]]:
    if len(token) > MAX_TOKEN_BYTES:
        raise TokenError(TokenErrorCode.MALFORMED, f"the token is over {MAX_TOKEN_BYTES} bytes")
    try:
        obj = jws.extract_compact(token.encode("ascii"))
        claims = json.loads(obj.payload)
    except (JoseError, ValueError, UnicodeError):
        raise TokenError(TokenErrorCode.MALFORMED, "the token is not a compact JWS JWT") from None
    if not isinstance(claims, dict):
        raise TokenError(TokenErrorCode.MALFORMED, "the token's payload is not a JSON object")
    header = obj.headers()
    if "crit" in header or "b64" in header:
        raise TokenError(TokenErrorCode.MALFORMED, "critical header extensions are not accepted")
    return obj, claims


def _number(claims: dict[str, Any], name: str, required: bool) -> float | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenError(TokenErrorCode.MALFORMED, f"claim {name!r} must be a NumericDate")
    return float(value)


def _string(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value:
        raise TokenError(TokenErrorCode.MALFORMED, f"claim {name!r} must be a non-empty string")
    return value


def _scopes(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(s, str) for s in value):
        return list(value)
    raise TokenError(TokenErrorCode.MALFORMED, "the scope claim is neither a string nor a list")


class TokenVerifier:
    """Verifies bearer tokens: the hub's own (`issuer`, keys from `keys`) and external ones.

    `http` is used to fetch external issuers' JWKS; without one, the verifier makes its own
    client (closed by `aclose`).
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        keys: KeyProvider,
        external_issuers: Sequence[ExternalIssuer] = (),
        revocation_check: RevocationCheck | None = None,
        leeway_s: int = 60,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self.revocation_check = revocation_check
        self.leeway_s = leeway_s
        self.clock = clock
        """Now, in seconds since the epoch, for `exp`, `nbf` and `iat`."""
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(follow_redirects=False)
        self._external = {
            e.issuer: _External(
                e, RemoteJwks(e.jwks_url, self.http, e.jwks_cache_s, e.jwks_min_refetch_s)
            )
            for e in external_issuers
        }

    async def aclose(self) -> None:
        if self._own_http:
            await self.http.aclose()

    async def verify_access_token(self, token: str) -> Principal:
        """The principal the token stands for, or `TokenError` saying why not."""
        principal, _ = await self.verify_with_claims(token)
        return principal

    async def verify_with_claims(self, token: str) -> tuple[Principal, dict[str, Any]]:
        """As `verify_access_token`, also returning the token's (verified) claims."""
        obj, claims = _parse(token)
        header = obj.headers()
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in EXTERNAL_ALGORITHMS:
            raise TokenError(
                TokenErrorCode.ALG_NOT_ALLOWED,
                f"algorithm {alg!r} is not accepted (only asymmetric signatures)",
            )
        iss = claims.get("iss")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise TokenError(TokenErrorCode.MALFORMED, "the kid header must be a string")
        if iss == self.issuer:
            key = self._own_key(alg, header.get("typ"), kid)
            external = None
        elif isinstance(iss, str) and iss.rstrip("/") in self._external:
            external = self._external[iss.rstrip("/")]
            key = await self._external_key(external, alg, header.get("typ"), kid)
        else:
            raise TokenError(TokenErrorCode.WRONG_ISSUER, f"issuer {iss!r} is not trusted")
        if not _key_fits(key, alg):
            raise TokenError(
                TokenErrorCode.ALG_NOT_ALLOWED, f"key {key.kid!r} is not a key for {alg}"
            )
        self._check_signature(obj, key, alg)
        audience = external.config.audience if external else self.audience
        self._check_times_and_audience(claims, audience)
        if external is None:
            return await self._own_principal(claims), claims
        return self._external_principal(external.config, claims), claims

    async def recheck(self, claims: dict[str, Any]) -> None:
        """Check again a token this verifier accepted (`verify_with_claims`' claims): its
        signature, issuer and audience stand, so only `expired` (against the clock, with the
        leeway) and, for the hub's own tokens, `revoked`. The revocation check
        (`RevocationStore.is_revoked`) answers from memory a revocation made on this instance
        and remembers "not revoked" for up to a second, so rechecking a token often costs at
        most one index lookup a second."""
        self._check_expiry(claims, self.clock())
        if claims.get("iss") == self.issuer:
            await self._check_revoked(claims)

    # --- keys --------------------------------------------------------------------------------
    def _own_key(self, alg: str, typ: object, kid: str | None) -> Key:
        if alg != SIGNING_ALG:
            raise TokenError(
                TokenErrorCode.ALG_NOT_ALLOWED, f"the hub signs with {SIGNING_ALG}, not {alg}"
            )
        if not isinstance(typ, str) or typ.lower() not in _TYP_AT_JWT:
            raise TokenError(
                TokenErrorCode.WRONG_TYPE, f"typ is {typ!r}; an access token is {ACCESS_TOKEN_TYPE}"
            )
        key = self.keys.key_for(kid) if kid else None
        if key is None:
            raise TokenError(TokenErrorCode.UNKNOWN_KID, f"no hub signing key has kid {kid!r}")
        return key

    async def _external_key(
        self, external: _External, alg: str, typ: object, kid: str | None
    ) -> Key:
        config = external.config
        if alg not in config.algorithms:
            raise TokenError(
                TokenErrorCode.ALG_NOT_ALLOWED, f"{config.issuer} is not configured for {alg}"
            )
        wanted = config.require_typ
        if wanted and (not isinstance(typ, str) or typ.lower() != wanted.lower()):
            raise TokenError(TokenErrorCode.WRONG_TYPE, f"typ is {typ!r}, expected {wanted!r}")
        try:
            key = await external.jwks.key_for(kid)
        except JwksUnavailable as error:
            raise TokenError(TokenErrorCode.JWKS_UNAVAILABLE, str(error)) from None
        if key is None:
            raise TokenError(
                TokenErrorCode.UNKNOWN_KID, f"{config.issuer} publishes no key with kid {kid!r}"
            )
        return key

    @staticmethod
    def _check_signature(obj: CompactSignature, key: Key, alg: str) -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SecurityWarning)  # EdDSA's RFC 9864 rename
                valid = jws.validate_compact(obj, key, registry=_REGISTRIES[alg])
        except JoseError:
            valid = False
        if not valid:
            raise TokenError(
                TokenErrorCode.BAD_SIGNATURE, f"the signature does not verify with key {key.kid!r}"
            )

    # --- claims ------------------------------------------------------------------------------
    def _check_expiry(self, claims: dict[str, Any], now: float) -> None:
        exp = _number(claims, "exp", required=True)
        assert exp is not None
        if now > exp + self.leeway_s:
            raise TokenError(TokenErrorCode.EXPIRED, f"the token expired at {int(exp)}")

    async def _check_revoked(self, claims: dict[str, Any]) -> None:
        jti = _string(claims, "jti")
        if self.revocation_check is not None and await self.revocation_check(
            jti, int(claims["exp"])
        ):
            raise TokenError(TokenErrorCode.REVOKED, "the token was revoked")

    def _check_times_and_audience(self, claims: dict[str, Any], audience: str) -> None:
        now = self.clock()
        self._check_expiry(claims, now)
        for name in ("nbf", "iat"):
            moment = _number(claims, name, required=False)
            if moment is not None and moment > now + self.leeway_s:
                raise TokenError(
                    TokenErrorCode.NOT_YET_VALID, f"claim {name} ({int(moment)}) is in the future"
                )
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        if audience not in audiences:
            raise TokenError(
                TokenErrorCode.WRONG_AUDIENCE, f"the token is for {aud!r}, not {audience!r}"
            )

    async def _own_principal(self, claims: dict[str, Any]) -> Principal:
        client_id = _string(claims, "client_id")
        jti = _string(claims, "jti")
        try:
            kind = ClientKind(str(claims.get("kind")))
        except ValueError:
            raise TokenError(
                TokenErrorCode.MALFORMED, "the kind claim is missing or unknown"
            ) from None
        await self._check_revoked(claims)
        institution = claims.get("institution")
        return Principal(
            client_id=client_id,
            kind=kind,
            scopes=frozenset(_scopes(claims.get("scope"))),
            institution=institution if isinstance(institution, str) else None,
            issuer=self.issuer,
            token_id=jti,
        )

    @staticmethod
    def _external_principal(config: ExternalIssuer, claims: dict[str, Any]) -> Principal:
        client_id = next(
            (claims[c] for c in config.client_id_claims if isinstance(claims.get(c), str)), None
        )
        if not client_id:
            raise TokenError(
                TokenErrorCode.UNMAPPED_CLAIMS,
                f"none of the claims {config.client_id_claims} names the client",
            )
        raw_kind = claims.get(config.kind_claim)
        kind = config.kind_map.get(raw_kind) if isinstance(raw_kind, str) else None
        kind = kind or config.default_kind
        if kind is None:
            raise TokenError(
                TokenErrorCode.UNMAPPED_CLAIMS,
                f"claim {config.kind_claim}={raw_kind!r} maps to no client kind",
            )
        raw_scopes = _scopes(claims.get(config.scope_claim))
        if config.scope_map is None:
            scopes = set(raw_scopes)
        else:
            scopes = {s for raw in raw_scopes for s in config.scope_map.get(raw, ())}
        if config.max_scopes is not None:
            scopes &= set(config.max_scopes)
        institution = claims.get(config.institution_claim) if config.institution_claim else None
        jti = claims.get("jti")
        return Principal(
            client_id=str(client_id),
            kind=kind,
            scopes=frozenset(scopes),
            institution=institution if isinstance(institution, str) else None,
            issuer=config.issuer,
            token_id=jti if isinstance(jti, str) else "",
        )
