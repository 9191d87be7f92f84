"""Who is calling: the identity every access decision is made about.

A `Principal` comes from a verified access token (the hub's own or a configured external
issuer's); the policy (`auth.policy`) decides what it may see, and the audit trail records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ClientKind(StrEnum):
    """The kinds of OAuth client; each has a default grant in the scope catalog."""

    CUSTOMS = "customs"
    TAX = "tax"
    SAFE = "safe"
    COMMERCE = "commerce"
    SAMR = "samr"
    REGULATOR = "regulator"
    BANK = "bank"
    INSURER = "insurer"
    ENTERPRISE = "enterprise"
    CONNECTOR = "connector"
    PUBLIC = "public"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    `institution` is the bank's, insurer's or agency's identifier; for an enterprise client it
    is the enterprise's USCC (so `enterprise_uscc` is set). `token_id` is the token's `jti`.
    For a person signed in to the console, `person` is their account id (`local:<username>`
    or `oidc:<provider>:<subject>`) and `person_name` their name; `client_id` is the console's.
    """

    client_id: str
    kind: ClientKind
    scopes: frozenset[str]
    institution: str | None = None
    issuer: str = ""
    token_id: str = ""
    person: str | None = None
    person_name: str | None = None

    @property
    def enterprise_uscc(self) -> str | None:
        return self.institution if self.kind is ClientKind.ENTERPRISE else None

    def has(self, scope: str) -> bool:
        return scope in self.scopes
