"""A provider's profile as of a date: its facts read from the graph and rated.

Plain functions over the driver and the loaded models; who may see which enterprise, list or
field is decided by the caller (`hub.api.providers` asks `auth.policy`). Whether a penalty
counts (public and not repaired) and whether a list entry is in force are decided as the
composite rating decides them (`hub.credit.engine`), so the two ratings never disagree on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from neo4j import AsyncDriver

from graph_schema.dates import add_months
from graph_schema.read_model import read_records
from hub.credit.engine import active_list_entries, penalty_points
from hub.credit.facts import ListEntryFact, PenaltyFact, RatingFacts
from hub.credit.model import RatingModel
from hub.providers import cypher
from hub.providers.model import ProviderModel
from hub.providers.rating import (
    HandledDocument,
    PremisesFact,
    ProviderFacts,
    ProviderRating,
    Role,
    rate_provider,
)


@dataclass(frozen=True)
class RatedProvider:
    """The rating, the facts it was computed from, and every penalty and list entry dated by
    as_of (the facts hold only those that count)."""

    rating: ProviderRating
    facts: ProviderFacts
    penalties: tuple[PenaltyFact, ...]
    list_entries: tuple[ListEntryFact, ...]


async def provider_as_of(
    driver: AsyncDriver,
    database: str,
    model: ProviderModel,
    credit_model: RatingModel,
    uscc: str,
    as_of: dt.date,
) -> RatedProvider | None:
    """The provider profile of `uscc` on `as_of`; None when the hub does not know it."""
    since = add_months(as_of, -model.window_months)
    params = {"uscc": uscc, "as_of": as_of, "since": since}
    records = await read_records(driver, database, cypher.PROVIDER_FACTS, params)
    if not records:
        return None
    record = records[0]
    penalties = tuple(PenaltyFact.model_validate(p) for p in record["penalties"])
    entries = tuple(ListEntryFact.model_validate(e) for e in record["listEntries"])
    premises = tuple(PremisesFact.model_validate(p) for p in record["premises"])
    roles = [
        role
        for role, held in (
            (Role.PAYMENT_FIRM, record["paymentFirm"]),
            (Role.BANK, record["bank"]),
            (Role.CARRIER, record["carrier"]),
            (Role.PREMISES_OPERATOR, bool(premises)),
        )
        if held
    ]
    in_force = active_list_entries(
        RatingFacts(
            uscc=uscc, as_of=as_of, registered_on=record["registeredOn"], list_entries=entries
        )
    )
    facts = ProviderFacts(
        uscc=uscc,
        as_of=as_of,
        since=since,
        roles=tuple(roles),
        documents=tuple(HandledDocument.model_validate(d) for d in record["documents"]),
        premises=premises,
        counted_penalties=tuple(
            p for p in penalties if penalty_points(credit_model, p, as_of) is not None
        ),
        entries_in_force=tuple(in_force),
    )
    return RatedProvider(rate_provider(model, facts), facts, penalties, entries)
