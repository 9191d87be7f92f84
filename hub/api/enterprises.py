"""Enterprises in the API: `enterprise(uscc)` and the `enterprises` connection, read through
the caller's visibility filter, with the relations a request selects read in the same query."""

from __future__ import annotations

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from graph_schema.model import EnterpriseStatus
from hub.api.context import Info
from hub.api.errors import bad_user_input, checked_uscc, shown
from hub.api.pagination import bounded, decode_cursor, encode_cursor
from hub.api.types import Enterprise, EnterpriseEdge, PageInfo
from hub.repository import EnterpriseFilter as ReaderFilter

# GraphQL fields of Enterprise that read a relation, and the relation each reads.
RELATION_FIELDS: dict[str, str] = {
    "legalRepresentative": "legal_representatives",
    "officers": "officers",
    "shareholders": "shareholders",
    "holdings": "holdings",
    "addresses": "addresses",
    "filings": "filings",
    "penalties": "penalties",
    "listEntries": "list_entries",
    "classifications": "classifications",
}


def selected_relations(info: Info) -> list[str]:
    """The relations the request selects directly under this field (fragments included)."""
    found: set[str] = set()
    stack: list[Selection] = list(info.selected_fields[0].selections)
    while stack:
        node = stack.pop()
        if isinstance(node, SelectedField):
            if node.name in RELATION_FIELDS:
                found.add(RELATION_FIELDS[node.name])
        else:  # a fragment spread or inline fragment: look inside it
            stack.extend(node.selections)
    return sorted(found)


@strawberry.input
class EnterpriseFilter:
    zone: str | None = None
    industry_belt: str | None = None
    name_contains: str | None = strawberry.field(
        default=None,
        description="A substring of the registered (Chinese) name, or of the English name "
        "beside it in any case.",
    )
    status: EnterpriseStatus | None = None

    def to_reader(self) -> ReaderFilter:
        return ReaderFilter(
            zone=self.zone,
            industry_belt=self.industry_belt,
            status=self.status.value if self.status else None,
            name_contains=self.name_contains or None,
        )


@strawberry.type
class EnterpriseConnection:
    edges: list[EnterpriseEdge]
    page_info: PageInfo
    filter: strawberry.Private[ReaderFilter]

    @strawberry.field(description="Enterprises matching the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        return await info.context.services.reader.enterprise_count(
            self.filter, info.context.loaders.visibility
        )


ENTITY_KEYS = frozenset({"__typename", "uscc"})


def checked_representation(representation: object, index: int) -> None:
    """An Enterprise reference is `{"__typename": "Enterprise", "uscc": "<a valid USCC>"}`."""
    where = f"representations[{index}]"
    if not isinstance(representation, dict):
        raise bad_user_input(f"{where} is not an object", argument=where)
    typename = representation.get("__typename")
    if typename != "Enterprise":
        named = shown(str(typename)) if typename is not None else "no __typename"
        raise bad_user_input(
            f"{where} names {named}: the hub resolves only Enterprise references",
            argument=f"{where}.__typename",
        )
    extra = sorted(shown(str(key)) for key in set(representation) - ENTITY_KEYS)
    if extra:
        raise bad_user_input(
            f"{where} has keys the Enterprise key does not: {', '.join(extra[:5])}",
            argument=where,
        )
    uscc = representation.get("uscc")
    if not isinstance(uscc, str):
        raise bad_user_input(f"{where}.uscc must be a USCC string", argument=f"{where}.uscc")
    checked_uscc(uscc, argument=f"{where}.uscc")


@strawberry.type
class EnterpriseQuery:
    @strawberry.field(description="One enterprise by USCC; null when the hub does not know it.")
    async def enterprise(self, info: Info, uscc: str) -> Enterprise | None:
        relations = selected_relations(info)
        row = await info.context.loaders.load_profile(checked_uscc(uscc), relations)
        if row is None:
            return None
        info.context.loaders.touch(info.path, [row["uscc"]])
        return Enterprise.from_row(row)

    @strawberry.field(description="Enterprises in USCC order, a page at a time (Relay).")
    async def enterprises(
        self,
        info: Info,
        filter: EnterpriseFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> EnterpriseConnection | None:
        settings = info.context.services.settings
        limit = bounded(first, settings.limits.enterprises)
        where = (filter or EnterpriseFilter()).to_reader()
        after_uscc = decode_cursor(after) if after is not None else None
        rows = await info.context.services.reader.enterprise_page(
            where, after_uscc, limit + 1, info.context.loaders.visibility
        )
        page = rows[:limit]
        info.context.loaders.prime(page)
        info.context.loaders.touch(info.path, [row["uscc"] for row in page])
        edges = [
            EnterpriseEdge(cursor=encode_cursor(row["uscc"]), node=Enterprise.from_row(row))
            for row in page
        ]
        return EnterpriseConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], len(rows) > limit, after),
            filter=where,
        )
