"""Consents: an enterprise lets one bank or insurer read its data, for a purpose, until a date.

The visibility policy (`auth.policy`, mode `consented`) admits an enterprise to a bank only
while one of its consents naming that bank is neither revoked nor expired. Consents are never
deleted: revoked and expired ones stay as history. Grants are checked here before anything is
written; the scopes a consent may cover are the catalog's (`Catalog.consents`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from neo4j import AsyncDriver, RoutingControl

from auth import cypher
from graph_schema.read_model import BlankIfNull, EmptyIfNull, GraphDateTime, ReadModel

MAX_CONSENT_DAYS = 366


class Purpose(StrEnum):
    """Why a bank or insurer reads the data (the financing products of the seeds)."""

    WORKING_CAPITAL = "WORKING_CAPITAL"
    TAX_REFUND_ADVANCE = "TAX_REFUND_ADVANCE"
    RECEIVABLES = "RECEIVABLES"
    WAREHOUSE_RECEIPT = "WAREHOUSE_RECEIPT"
    CREDIT_INSURANCE = "CREDIT_INSURANCE"


class ConsentError(ValueError):
    """A grant that cannot be made; the message names the problem and `field` the input."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class Consent(ReadModel):
    """A consent as stored, with the enterprise that granted it (`consent` in `auth.cypher`)."""

    id: str
    uscc: str
    institution: str
    purpose: str
    scopes: EmptyIfNull[str] = ()
    granted_at: GraphDateTime
    expires_at: GraphDateTime
    revoked_at: GraphDateTime | None = None
    granted_by: BlankIfNull = ""

    def active_at(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


def check_grant(
    scopes: list[str], expires_at: dt.datetime, now: dt.datetime, consentable: frozenset[str]
) -> tuple[str, ...]:
    """The grant's scopes, sorted, or a ConsentError naming what is wrong; `consentable` is
    what a consent may cover (`Catalog.consents.scopes`)."""
    unknown = sorted(set(scopes) - consentable)
    if unknown or not scopes:
        raise ConsentError(
            f"scopes {', '.join(unknown) or '(none)'} cannot be consented; choose from "
            f"{', '.join(sorted(consentable))}",
            "scopes",
        )
    if expires_at.tzinfo is None:
        raise ConsentError("expiresAt needs a time zone (e.g. 2027-01-01T00:00:00Z)", "expiresAt")
    if expires_at <= now:
        raise ConsentError(f"expiresAt {expires_at.isoformat()} is not in the future", "expiresAt")
    if expires_at > now + dt.timedelta(days=MAX_CONSENT_DAYS):
        raise ConsentError(
            f"expiresAt is more than {MAX_CONSENT_DAYS} days away; grant again when it ends",
            "expiresAt",
        )
    return tuple(sorted(set(scopes)))


async def grant_consent(
    driver: AsyncDriver,
    database: str,
    *,
    uscc: str,
    institution: str,
    purpose: Purpose,
    scopes: list[str],
    consentable: frozenset[str],
    expires_at: dt.datetime,
    client_id: str,
    now: dt.datetime,
) -> Consent:
    checked = check_grant(scopes, expires_at, now, consentable)
    records, _, _ = await driver.execute_query(
        cypher.INSTITUTION_LENDS,
        {"institution": institution},
        routing_=RoutingControl.READ,
        database_=database,
    )
    if not records or not records[0]["lends"]:
        raise ConsentError(
            f"institution {institution!r} is no bank or insurer registered with the hub",
            "institution",
        )
    records, _, _ = await driver.execute_query(
        cypher.GRANT_CONSENT,
        {
            "uscc": uscc,
            "id": f"CONSENT-{uuid.uuid4().hex[:20]}",
            "institution": institution,
            "purpose": purpose.value,
            "scopes": list(checked),
            "now": now,
            "expiresAt": expires_at,
            "clientId": client_id,
        },
        database_=database,
    )
    if not records:
        raise ConsentError(f"enterprise {uscc} is not known to the hub", "uscc")
    return Consent.model_validate(records[0]["consent"])


async def revoke_consent(
    driver: AsyncDriver, database: str, *, uscc: str, consent_id: str, now: dt.datetime
) -> Consent | None:
    """Revoke at once; None when the enterprise has no consent with that id."""
    records, _, _ = await driver.execute_query(
        cypher.REVOKE_CONSENT, {"uscc": uscc, "id": consent_id, "now": now}, database_=database
    )
    return Consent.model_validate(records[0]["consent"]) if records else None


async def consents_of(
    driver: AsyncDriver, database: str, uscc: str, *, include_ended: bool, now: dt.datetime
) -> list[Consent]:
    records, _, _ = await driver.execute_query(
        cypher.CONSENTS_OF,
        {"uscc": uscc, "include_ended": include_ended, "now": now},
        routing_=RoutingControl.READ,
        database_=database,
    )
    return [Consent.model_validate(record["consent"]) for record in records]


async def consents_covering(
    driver: AsyncDriver, database: str, *, usccs: list[str], institution: str, now: dt.datetime
) -> dict[str, dict[str, str]]:
    """For each of `usccs` that has active consents to `institution`: scope -> the id of the
    newest such consent covering it."""
    records, _, _ = await driver.execute_query(
        cypher.CONSENTS_COVERING,
        {"usccs": usccs, "institution": institution, "now": now},
        routing_=RoutingControl.READ,
        database_=database,
    )
    return {r["uscc"]: {scope: cid for scope, cid in r["covered"]} for r in records}


async def admitting_consents(
    driver: AsyncDriver, database: str, *, usccs: list[str], institution: str, now: dt.datetime
) -> list[str]:
    """The ids of the active consents admitting `usccs` to `institution` (the visibility
    policy's test)."""
    records, _, _ = await driver.execute_query(
        cypher.ADMITTING_CONSENTS,
        {"usccs": usccs, "institution": institution, "now": now},
        routing_=RoutingControl.READ,
        database_=database,
    )
    return list(records[0]["ids"]) if records else []
