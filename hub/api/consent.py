"""Consents in the API: an enterprise grants, revokes and lists them (scope consent:write).

The enterprise is always the caller's own (its client's institution); a consent of another
enterprise cannot be named, revoked or seen.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from auth.consents import Consent, ConsentError, Purpose, consents_of, grant_consent, revoke_consent
from hub.api.context import Info, own_uscc
from hub.api.errors import bad_user_input, checked_moment, shown


@strawberry.enum(description="What the bank or insurer finances with the data.")
class ConsentPurpose(Enum):
    WORKING_CAPITAL = "WORKING_CAPITAL"
    TAX_REFUND_ADVANCE = "TAX_REFUND_ADVANCE"
    RECEIVABLES = "RECEIVABLES"
    WAREHOUSE_RECEIPT = "WAREHOUSE_RECEIPT"
    CREDIT_INSURANCE = "CREDIT_INSURANCE"


@strawberry.type(name="Consent", description="An enterprise's consent to one bank or insurer.")
class ConsentType:
    id: str
    uscc: str
    institution: str
    purpose: ConsentPurpose
    scopes: list[str]
    granted_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    active: bool = strawberry.field(description="Neither revoked nor expired now.")


def _out(consent: Consent, now: dt.datetime) -> ConsentType:
    return ConsentType(
        id=consent.id,
        uscc=consent.uscc,
        institution=consent.institution,
        purpose=ConsentPurpose(consent.purpose),
        scopes=list(consent.scopes),
        granted_at=consent.granted_at,
        expires_at=consent.expires_at,
        revoked_at=consent.revoked_at,
        active=consent.active_at(now),
    )


async def grant(
    info: Info,
    institution: str,
    purpose: ConsentPurpose,
    scopes: list[str],
    expires_at: dt.datetime,
) -> ConsentType:
    services = info.context.services
    now = info.context.now
    try:
        consent = await grant_consent(
            services.driver,
            services.database,
            uscc=own_uscc(info, "manages its consents"),
            institution=institution,
            purpose=Purpose(purpose.value),
            scopes=scopes,
            consentable=services.rules.catalog.consents.scopes,
            expires_at=checked_moment(expires_at, "expiresAt") or expires_at,
            client_id=info.context.principal.client_id,
            now=now,
        )
    except ConsentError as error:
        raise bad_user_input(str(error), argument=error.field) from None
    return _out(consent, now)


async def revoke(info: Info, consent_id: str) -> ConsentType | None:
    services = info.context.services
    now = info.context.now
    consent = await revoke_consent(
        services.driver,
        services.database,
        uscc=own_uscc(info, "manages its consents"),
        consent_id=consent_id,
        now=now,
    )
    if consent is None:
        raise bad_user_input(f"you have no consent {shown(consent_id)!r}", argument="id")
    return _out(consent, now)


async def mine(info: Info, include_ended: bool) -> list[ConsentType]:
    services = info.context.services
    now = info.context.now
    found = await consents_of(
        services.driver,
        services.database,
        own_uscc(info, "manages its consents"),
        include_ended=include_ended,
        now=now,
    )
    return [_out(c, now) for c in found]


@strawberry.type
class ConsentQuery:
    @strawberry.field(description="Your consents to banks and insurers, newest first.")
    async def my_consents(self, info: Info, include_ended: bool = False) -> list[ConsentType]:
        return await mine(info, include_ended)


@strawberry.type
class ConsentMutation:
    @strawberry.mutation(
        description="Let a bank or insurer read your data for a purpose until `expiresAt` "
        "(at most a year): `scopes` from enterprise:read, credit:read, financing:read."
    )
    async def grant_consent(
        self,
        info: Info,
        institution: str,
        purpose: ConsentPurpose,
        scopes: list[str],
        expires_at: dt.datetime,
    ) -> ConsentType:
        return await grant(info, institution, purpose, scopes, expires_at)

    @strawberry.mutation(description="Withdraw a consent; it grants nothing from now on.")
    async def revoke_consent(self, info: Info, id: str) -> ConsentType | None:
        return await revoke(info, id)
