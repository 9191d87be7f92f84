"""A person signed in to the console: a hub account or a department identity provider's user.

Access tokens issued to a person carry the kind, institution and scopes a client's would,
plus who the person is (`sub` = `account_id`, `name`), so the audit trail names the person.
"""

from __future__ import annotations

from dataclasses import dataclass

from auth.principal import ClientKind


@dataclass(frozen=True)
class Person:
    """Who signed in. `account_id` is `local:<username>` for a hub account and
    `oidc:<provider>:<subject>` for a department identity provider's user."""

    account_id: str
    name: str
    kind: ClientKind
    institution: str | None
    scopes: frozenset[str]
