"""Watching enterprises: `ratingChanged` and `listStatusChanged` subscriptions (over
graphql-transport-ws) and `changesSince(cursor)` for polling clients.

Both show only enterprises the caller may see now, under the same visibility policy as every read;
a bank or insurer only those whose active consent covers credit:read, checked for each change,
so a revoked consent stops the flow at once. A list-status change shows only the lists the
caller may see (banks: the published ones). Every change delivered is audited like a read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, Sequence
from typing import Annotated

import strawberry

from auth.audit.events import AuditEvent
from auth.catalog import VisibilityMode
from auth.policy import enterprise_visibility, list_visibility
from hub.api.access import denial
from hub.api.audit import commit_audit
from hub.api.context import Info
from hub.api.errors import checked_uscc
from hub.api.http_guard import token_holds
from hub.api.pagination import bad_cursor, bounded, decode_cursor, encode_cursor
from hub.credit.changes import (
    LIST_STATUS,
    RATING,
    ChangeFeed,
    CreditChange,
    changes_since,
    head_seq,
    watchable,
)


@strawberry.type(description="An enterprise's grade or score changed.")
class RatingChange:
    seq: int
    at: dt.datetime = strawberry.field(description="When the hub recomputed it.")
    as_of: dt.date
    uscc: str
    previous_grade: str | None
    grade: str | None
    previous_score: int | None
    score: int | None
    downgrade: bool = strawberry.field(
        description="The grade is worse than before (A > B > C > D; from M only to D)."
    )


@strawberry.type(description="The lists covering an enterprise changed (listed, removed, ended).")
class ListStatusChange:
    seq: int
    at: dt.datetime
    as_of: dt.date
    uscc: str
    previous_lists: list[str]
    lists: list[str] = strawberry.field(description="The lists covering it now, that you see.")


CreditChangeUnion = Annotated[RatingChange | ListStatusChange, strawberry.union("CreditChange")]


@strawberry.type(description="A page of the change feed.")
class ChangesPage:
    changes: list[CreditChangeUnion]
    cursor: str = strawberry.field(description="Pass it to the next changesSince call.")
    has_more: bool


_GRADE_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}
_D = _GRADE_ORDER["D"]


def _rating(change: CreditChange) -> RatingChange:
    before, after = (
        _GRADE_ORDER.get(change.previous_grade or ""),
        _GRADE_ORDER.get(change.grade or ""),
    )
    return RatingChange(
        seq=change.seq,
        at=change.at,
        as_of=change.as_of,
        uscc=change.uscc,
        previous_grade=change.previous_grade,
        grade=change.grade,
        previous_score=change.previous_score,
        score=change.score,
        # M (too new or too little data) ranks nowhere, but falling from it to D is bad news
        downgrade=(after == _D and before != _D)
        or (before is not None and after is not None and after > before),
    )


def _list_status(change: CreditChange) -> ListStatusChange:
    return ListStatusChange(
        seq=change.seq,
        at=change.at,
        as_of=change.as_of,
        uscc=change.uscc,
        previous_lists=list(change.previous_lists),
        lists=list(change.lists),
    )


def _kinds(info: Info) -> list[str]:
    """RATING for credit:read, LIST_STATUS for lists:read (the field rules say the same)."""
    principal = info.context.principal
    return [
        k for k, s in ((RATING, "credit:read"), (LIST_STATUS, "lists:read")) if principal.has(s)
    ]


def _checked(usccs: list[str] | None) -> list[str] | None:
    return [checked_uscc(u, "usccs") for u in usccs] if usccs is not None else None


async def changes_page(
    info: Info, cursor: str | None, first: int | None, usccs: list[str] | None
) -> ChangesPage:
    services = info.context.services
    size = bounded(first, services.settings.limits.changes)
    wanted = _checked(usccs)
    if cursor is None:  # start watching now
        head = await head_seq(services.driver, services.database)
        return ChangesPage(changes=[], cursor=encode_cursor(str(head), "change"), has_more=False)
    after = _seq(cursor)
    page = await changes_since(
        services.driver,
        services.database,
        after=after,
        limit=size,
        visibility=enterprise_visibility(services.rules.catalog, info.context.principal),
        kinds=_kinds(info),
        usccs=wanted,
        now=info.context.now,
    )
    lists = list_visibility(services.rules.catalog, info.context.principal).lists
    shown = [seen for c in page.changes if (seen := c.seen_through(lists)) is not None]
    for change in shown:
        info.context.loaders.touched.add(change.uscc)  # audited as a read
    return ChangesPage(
        changes=[_rating(c) if c.kind == RATING else _list_status(c) for c in shown],
        cursor=encode_cursor(str(page.cursor), "change"),
        has_more=page.has_more,
    )


MAX_SEQ_DIGITS = 15


def _seq(cursor: str) -> int:
    text = decode_cursor(cursor, "change", argument="cursor")
    if not text.isdigit() or len(text) > MAX_SEQ_DIGITS:  # a seq Neo4j's integers can hold
        raise bad_cursor(cursor, argument="cursor")
    return int(text)


async def _watch(
    info: Info, kind: str, usccs: list[str] | None
) -> AsyncGenerator[CreditChange, None]:
    """The changes of `kind` the caller may see, as they are committed.

    The field policy runs on each delivered payload, not on the subscribe resolver: a caller
    the subscription field is denied to is refused here, before it is watching anything, so
    no refused event is ever delivered or audited."""
    context = info.context
    field_name = _SUBSCRIPTION_FIELD[kind]
    decision = context.decide("Subscription", field_name)
    if not decision.allowed:
        raise denial(decision, "Subscription", field_name)
    wanted = set(_checked(usccs) or ())
    services = context.services
    feed: ChangeFeed = services.change_feed
    visibility = enterprise_visibility(services.rules.catalog, context.principal)
    lists = list_visibility(services.rules.catalog, context.principal).lists
    if visibility.mode is VisibilityMode.NONE:
        return
    async for batch in feed.subscribe():
        candidates = [c for c in batch if c.kind == kind and (not wanted or c.uscc in wanted)]
        if not candidates:
            continue
        if not await token_holds(context.request):
            return  # the token expired or was revoked: the socket is closed with the reason
        allowed = await watchable(
            services.driver,
            services.database,
            [c.uscc for c in candidates],
            visibility,
            now=services.clock(),  # each delivery as of its own moment: a consent can end meanwhile
        )
        for change in candidates:
            seen = change.seen_through(lists) if change.uscc in allowed else None
            if seen is None:
                continue
            await _audit(info, kind, [seen.uscc])  # durable before the delivery is sent
            yield seen


_SUBSCRIPTION_FIELD = {RATING: "ratingChanged", LIST_STATUS: "listStatusChanged"}


async def _audit(info: Info, operation: str, usccs: Sequence[str]) -> None:
    context = info.context
    await commit_audit(
        context,
        AuditEvent.for_request(
            context.principal,
            query=f"subscription {operation}",
            operation_name=f"subscription:{operation}",
            enterprises=usccs,
            purpose=context.purpose,
            fields=[_SUBSCRIPTION_FIELD[operation]],
        ),
    )


@strawberry.type
class ChangesQuery:
    @strawberry.field(
        description="Rating and list-status changes after `cursor` of the enterprises you may "
        "watch, oldest first; without a cursor, the cursor of now (start watching)."
    )
    async def changes_since(
        self,
        info: Info,
        cursor: str | None = None,
        first: int | None = None,
        usccs: list[str] | None = None,
    ) -> ChangesPage | None:
        return await changes_page(info, cursor, first, usccs)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Each change of grade or score of the enterprises you may see (`usccs` "
        "narrows them); a bank only those whose consent covers credit:read."
    )
    async def rating_changed(
        self, info: Info, usccs: list[str] | None = None
    ) -> AsyncGenerator[RatingChange, None]:
        async for change in _watch(info, RATING, usccs):
            yield _rating(change)

    @strawberry.subscription(
        description="Each change of the lists covering the enterprises you may see, as far "
        "as you may see those lists."
    )
    async def list_status_changed(
        self, info: Info, usccs: list[str] | None = None
    ) -> AsyncGenerator[ListStatusChange, None]:
        async for change in _watch(info, LIST_STATUS, usccs):
            yield _list_status(change)
