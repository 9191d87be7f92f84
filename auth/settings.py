"""Settings of the authorization server and of token verification (embedded in hub settings).

`AuthSettings` is a plain pydantic model, so the hub can nest it in its `BaseSettings`
(environment `HUB_AUTH__ISSUER=...` with `env_nested_delimiter="__"`, or JSON in `HUB_AUTH`).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator, model_validator

from auth.principal import ClientKind

EXTERNAL_ALGORITHMS = ("ES256", "EdDSA", "Ed25519", "RS256")
"""The only algorithms an external issuer may be configured for (never `none` or HMAC)."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_https_url(url: str) -> str:
    """A URL must be https, except on a loopback host (local runs and tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url.rstrip("/")
    raise ValueError(f"{url!r} must be an https URL (http only on a loopback host)")


class ExternalIssuer(BaseModel):
    """Another identity platform whose access tokens the hub accepts (e.g. a province's).

    Its claims map to a principal: `kind_claim` through `kind_map` (or `default_kind`), scopes
    from `scope_claim` (a space-separated string or a list) through `scope_map` or passed through
    as they are when `scope_map` is None, always capped by `max_scopes` when set. The client id
    is the first of `client_id_claims` present.
    """

    issuer: str
    jwks_url: str
    audience: str
    algorithms: list[str] = Field(default_factory=lambda: ["ES256", "RS256", "Ed25519", "EdDSA"])
    require_typ: str | None = Field(
        default=None, description="A `typ` header the tokens must carry, e.g. 'at+jwt'."
    )
    client_id_claims: list[str] = Field(default_factory=lambda: ["client_id", "azp", "sub"])
    kind_claim: str = "kind"
    kind_map: dict[str, ClientKind] = Field(default_factory=dict)
    default_kind: ClientKind | None = None
    scope_claim: str = "scope"
    scope_map: dict[str, list[str]] | None = None
    max_scopes: list[str] | None = Field(
        default=None, description="Scopes a token of this issuer can never exceed."
    )
    institution_claim: str | None = "institution"
    jwks_cache_s: float = Field(
        default=3600.0, gt=0, description="How long a fetched JWKS is used."
    )
    jwks_min_refetch_s: float = Field(
        default=30.0, ge=0, description="Least time between fetches triggered by an unknown kid."
    )

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("jwks_url")
    @classmethod
    def _jwks_url(cls, value: str) -> str:
        return check_https_url(value)

    @field_validator("algorithms")
    @classmethod
    def _algorithms(cls, value: list[str]) -> list[str]:
        bad = sorted(set(value) - set(EXTERNAL_ALGORITHMS))
        if bad or not value:
            raise ValueError(
                f"algorithms {bad or value} not allowed; use {', '.join(EXTERNAL_ALGORITHMS)}"
            )
        return value


class AuthSettings(BaseModel):
    """The authorization server and the verifier.

    `issuer` is the hub's public base URL (the `iss` of its tokens; endpoints hang below it);
    unset, the hub passes its own `http://host:port`. `audience` is the `aud` of the tokens the
    hub issues and accepts; unset, it is the issuer.
    """

    issuer: str | None = None
    audience: str | None = None
    token_lifetime_s: int = Field(default=600, ge=30, le=86_400)
    keys_dir: Path | None = Field(
        default=None, description="Holds oauth-signing.json; unset, <data_dir>/keys."
    )
    create_keys_if_missing: bool = Field(
        default=True, description="Generate a first key when the file is missing (not in prod)."
    )
    keep_previous_keys: int = Field(default=2, ge=1, le=10)
    leeway_s: int = Field(default=60, ge=0, le=300, description="Clock skew allowed.")
    max_assertion_lifetime_s: int = Field(default=600, ge=30, le=3600)
    introspection_scopes: list[str] = Field(
        default_factory=lambda: ["admin"],
        description="A client with one of these may introspect or revoke any token; others "
        "only their own.",
    )
    revocation_cache_s: float = Field(
        default=1.0, ge=0, le=1.0, description="How long 'not revoked' is remembered per token."
    )
    external_issuers: list[ExternalIssuer] = Field(default_factory=list)

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str | None) -> str | None:
        return None if value is None else check_https_url(value)

    @model_validator(mode="after")
    def _distinct_issuers(self) -> AuthSettings:
        names = [e.issuer for e in self.external_issuers]
        if len(set(names)) != len(names) or (self.issuer and self.issuer in names):
            raise ValueError("each external issuer must be distinct and not the hub itself")
        return self
