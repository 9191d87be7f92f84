"""Settings of the authorization server and of token verification (embedded in hub settings).

`AuthSettings` is a plain pydantic model, so the hub can nest it in its `BaseSettings`
(environment `HUB_AUTH__ISSUER=...` with `env_nested_delimiter="__"`, or JSON in `HUB_AUTH`).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

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


def check_algorithms(value: list[str]) -> list[str]:
    """Signature algorithms a configured issuer or provider may use: some, all of them known."""
    bad = sorted(set(value) - set(EXTERNAL_ALGORITHMS))
    if bad or not value:
        raise ValueError(
            f"algorithms {bad or value} not allowed; use {', '.join(EXTERNAL_ALGORITHMS)}"
        )
    return value


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
        return check_algorithms(value)


class OidcLabel(BaseModel):
    """What the sign-in page's link for a provider says, in each of the console's languages."""

    zh: str = Field(min_length=1, max_length=80)
    en: str = Field(min_length=1, max_length=80)


class OidcProvider(BaseModel):
    """A department's OpenID Connect provider its people sign in to the console through.

    The hub is a confidential client of the provider (`client_secret_basic`), registered with
    the redirect URI `<hub issuer>/oauth/oidc/<name>/callback`; endpoints and keys come from
    the provider's discovery document (`<issuer>/.well-known/openid-configuration`). Everyone
    signing in through it gets `kind`, `institution` and `scopes` (unset: the kind's default
    grant in the scope catalog); their name is the ID token's `name_claim`. See `auth.oidc`.
    """

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    label: OidcLabel
    issuer: str
    client_id: str = Field(min_length=1, max_length=200)
    client_secret: SecretStr
    kind: ClientKind
    institution: str | None = None
    scopes: list[str] | None = None
    name_claim: str = "name"
    request_scope: str = Field(
        default="openid profile", description="The scope asked of the provider."
    )
    algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256"])
    discovery_cache_s: float = Field(default=3600.0, gt=0)

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        return check_https_url(value)

    @field_validator("algorithms")
    @classmethod
    def _algorithms(cls, value: list[str]) -> list[str]:
        return check_algorithms(value)

    @field_validator("request_scope")
    @classmethod
    def _openid(cls, value: str) -> str:
        if "openid" not in value.split():
            raise ValueError("the scope asked of an OpenID provider must include 'openid'")
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
    oidc_providers: list[OidcProvider] = Field(
        default_factory=list, description="Departments' OpenID providers people sign in with."
    )
    sign_in_max_failures: int = Field(
        default=5, ge=1, le=100, description="Failed sign-ins in a row that lock an account."
    )
    sign_in_lockout_s: int = Field(
        default=900, ge=1, le=86_400, description="How long a locked account stays locked."
    )
    authorization_code_lifetime_s: int = Field(default=60, ge=10, le=600)
    pending_sign_in_lifetime_s: int = Field(
        default=600, ge=60, le=3600, description="How long a sign-in page may be left open."
    )
    session_lifetime_s: int = Field(
        default=36_000,
        ge=300,
        le=7 * 86_400,
        description="A person's session (refresh token family) lives at most this long.",
    )

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

    @model_validator(mode="after")
    def _distinct_oidc_providers(self) -> AuthSettings:
        names = [p.name for p in self.oidc_providers]
        if len(set(names)) != len(names):
            raise ValueError("each OpenID provider must have a name of its own")
        return self
