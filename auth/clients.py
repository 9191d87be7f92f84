"""OAuth clients registered in the graph, and the functions behind `hub clients add|list|remove`.

A client is `(:Client {id, kind, institution, scopes, authMethod, secretHash, jwks, createdAt,
disabled})`. It authenticates either with `client_secret_basic` (the secret is shown once and
stored only as an argon2id hash) or with `private_key_jwt` (RFC 7523: it signs an assertion with
a private key whose public JWK is registered in `jwks`).

`HubClient` also carries the methods authlib's server calls on a client (its `ClientMixin`
protocol), so it can be handed to authlib as is.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from neo4j import AsyncDriver, RoutingControl
from neo4j.exceptions import ConstraintError

from auth import cypher
from auth.principal import ClientKind
from graph_schema.uscc import UsccError, validate_uscc

AuthMethod = Literal["client_secret_basic", "private_key_jwt"]
AUTH_METHODS: tuple[AuthMethod, ...] = get_args(AuthMethod)
GRANT_TYPE = "client_credentials"

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile defaults
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
_ACCEPTED_CLIENT_KEYS = {("EC", "P-256"), ("OKP", "Ed25519"), ("RSA", None)}


class ClientError(ValueError):
    """A client cannot be registered or found as asked; the message says why."""


def hash_secret(secret: str) -> str:
    """The argon2id hash of a client secret (salted, slow by design)."""
    return _HASHER.hash(secret)


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    """True when `secret` matches; with no hash it still spends the time of one check."""
    try:
        return _HASHER.verify(secret_hash or _DUMMY_HASH, secret) and secret_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def burn_secret_check(secret: str) -> None:
    """Spend the time of a secret check, so an unknown client id answers as slowly as a known."""
    verify_secret(None, secret)


@dataclass(frozen=True)
class HubClient:
    """A registered client. `jwks` is its public JWK Set (private_key_jwt only)."""

    client_id: str
    kind: ClientKind
    scopes: frozenset[str]
    auth_method: AuthMethod
    institution: str | None = None
    secret_hash: str | None = None
    jwks: dict[str, Any] | None = None
    created_at: int = 0
    disabled: bool = False

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> HubClient:
        jwks = data.get("jwks")
        return cls(
            client_id=str(data["id"]),
            kind=ClientKind(data["kind"]),
            scopes=frozenset(data.get("scopes") or ()),
            auth_method=_auth_method(str(data["authMethod"])),
            institution=data.get("institution"),
            secret_hash=data.get("secretHash"),
            jwks=json.loads(jwks) if jwks else None,
            created_at=int(data.get("createdAt") or 0),
            disabled=bool(data.get("disabled")),
        )

    def describe(self) -> dict[str, Any]:
        """A JSON-able view without the secret hash (for `hub clients list`)."""
        return {
            "client_id": self.client_id,
            "kind": self.kind.value,
            "institution": self.institution,
            "scopes": sorted(self.scopes),
            "auth_method": self.auth_method,
            "created_at": self.created_at,
            "disabled": self.disabled,
            "key_ids": [k.get("kid") for k in (self.jwks or {}).get("keys", [])],
        }

    def public_keys(self) -> KeySet:
        """The registered public keys (private_key_jwt)."""
        return KeySet.import_key_set(self.jwks or {"keys": []})  # type: ignore[arg-type]

    # --- authlib's ClientMixin protocol ----------------------------------------------------------
    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_response_type(self, response_type: str) -> bool:
        return False

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return " ".join(sorted(self.scopes))
        return " ".join(s for s in scope.split() if s in self.scopes)

    def check_client_secret(self, client_secret: str) -> bool:
        return self.auth_method == "client_secret_basic" and verify_secret(
            self.secret_hash, client_secret
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return not self.disabled and method == self.auth_method

    def check_grant_type(self, grant_type: str) -> bool:
        return not self.disabled and grant_type == GRANT_TYPE


def _auth_method(value: str) -> AuthMethod:
    for method in AUTH_METHODS:
        if value == method:
            return method
    raise ClientError(f"unknown auth method {value!r}; use one of {', '.join(AUTH_METHODS)}")


def validate_public_jwks(jwks: Mapping[str, Any]) -> dict[str, Any]:
    """Check a client's JWK Set: public keys only, each with a kid, of an accepted type."""
    keys = jwks.get("keys")
    if not isinstance(keys, list) or not keys:
        raise ClientError("private_key_jwt needs a JWK Set with at least one key")
    for key in keys:
        if not isinstance(key, dict):
            raise ClientError("each JWK must be a JSON object")
        if "d" in key or key.get("kty") == "oct":
            raise ClientError(
                f"key {key.get('kid')!r} is private or symmetric: register public keys"
            )
        if not key.get("kid"):
            raise ClientError("each registered key needs a kid")
        shape = (key.get("kty"), key.get("crv"))
        if shape not in _ACCEPTED_CLIENT_KEYS:
            raise ClientError(f"key {key['kid']!r} is {shape}: use EC P-256, OKP Ed25519 or RSA")
    try:
        KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as error:
        raise ClientError(f"the JWK Set cannot be read: {error}") from None
    return {"keys": keys}


def _check_institution(kind: ClientKind, institution: str | None) -> str | None:
    if kind is not ClientKind.ENTERPRISE:
        return institution
    if not institution:
        raise ClientError("an enterprise client needs its enterprise's USCC as institution")
    try:
        return validate_uscc(institution)
    except UsccError as error:
        raise ClientError(f"institution {institution!r} is not a valid USCC: {error}") from None


async def add_client(
    driver: AsyncDriver,
    database: str,
    *,
    kind: ClientKind,
    scopes: Collection[str],
    institution: str | None = None,
    auth_method: AuthMethod = "client_secret_basic",
    jwks: Mapping[str, Any] | None = None,
    client_id: str | None = None,
    known_scopes: Collection[str] | None = None,
    replace: bool = False,
) -> tuple[HubClient, str | None]:
    """Register a client; returns it and, for `client_secret_basic`, its new secret (shown once).

    `known_scopes` (the scope catalog) rejects unknown scopes. With `replace`, a client of the
    same id is overwritten (new secret); otherwise an existing id is an error.
    """
    kind = ClientKind(kind)
    unknown = sorted(set(scopes) - set(known_scopes)) if known_scopes is not None else []
    if unknown:
        raise ClientError(f"unknown scopes: {', '.join(unknown)}")
    institution = _check_institution(kind, institution)
    client_id = client_id or f"{kind.value}-{secrets.token_hex(6)}"
    secret: str | None = None
    props: dict[str, Any] = {
        "kind": kind.value,
        "institution": institution,
        "scopes": sorted(set(scopes)),
        "authMethod": _auth_method(auth_method),
        "createdAt": int(time.time()),
        "disabled": False,
        "secretHash": None,
        "jwks": None,
    }
    if auth_method == "client_secret_basic":
        if jwks:
            raise ClientError("a client_secret_basic client takes no JWKs")
        secret = secrets.token_urlsafe(32)
        props["secretHash"] = hash_secret(secret)
    else:
        if jwks is None:
            raise ClientError("a private_key_jwt client needs its public JWK Set")
        props["jwks"] = json.dumps(validate_public_jwks(jwks), sort_keys=True)
    query = cypher.REPLACE_CLIENT if replace else cypher.CREATE_CLIENT
    try:
        records, _, _ = await driver.execute_query(
            query, {"id": client_id, "props": props}, database_=database
        )
    except ConstraintError:
        raise ClientError(f"a client {client_id!r} already exists") from None
    return HubClient.from_record(records[0]["client"]), secret


async def get_client(driver: AsyncDriver, database: str, client_id: str) -> HubClient | None:
    """The client of that id, or None (a disabled client is returned, marked disabled)."""
    records, _, _ = await driver.execute_query(
        cypher.GET_CLIENT, {"id": client_id}, database_=database, routing_=RoutingControl.READ
    )
    return HubClient.from_record(records[0]["client"]) if records else None


async def list_clients(driver: AsyncDriver, database: str) -> list[HubClient]:
    """Every registered client, by id."""
    records, _, _ = await driver.execute_query(
        cypher.LIST_CLIENTS, database_=database, routing_=RoutingControl.READ
    )
    return [HubClient.from_record(r["client"]) for r in records]


async def remove_client(driver: AsyncDriver, database: str, client_id: str) -> bool:
    """Delete a client; True when it existed. Its live tokens expire within their lifetime."""
    records, _, _ = await driver.execute_query(
        cypher.REMOVE_CLIENT, {"id": client_id}, database_=database
    )
    return bool(records[0]["removed"])


async def set_client_disabled(
    driver: AsyncDriver, database: str, client_id: str, disabled: bool
) -> HubClient | None:
    """Disable (or re-enable) a client: a disabled client gets no new tokens."""
    records, _, _ = await driver.execute_query(
        cypher.SET_CLIENT_DISABLED, {"id": client_id, "disabled": disabled}, database_=database
    )
    return HubClient.from_record(records[0]["client"]) if records else None
