"""Enterprises in the API: `enterprise(uscc)` and the `enterprises` connection, read through
the caller's visibility filter, with the relations a request selects read in the same query."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
    VariableNode,
)

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


def selected_relations(info: Info, *path: str) -> list[str]:
    """The relations the request selects, and the caller may read outright, on the Enterprise
    reached from this field through the fields `path` (none: this field is the enterprise;
    "edges", "node": a connection's), with fragments looked into and `@skip`/`@include` obeyed.
    A relation denied to the caller, or granted only under a consent not yet checked, is left
    to its resolver (which never reads what is denied). Read off the document itself:
    strawberry's `selected_fields` converts the whole selection into objects on every request."""
    raw = info._raw_info
    fragments = raw.fragments
    variables = info.variable_values
    decide = info.context.decide
    level: list[FieldNode] = list(raw.field_nodes)
    for name in (*path, None):
        found: set[str] = set()
        below: list[FieldNode] = []
        stack: list[SelectionNode] = [
            s for node in level if node.selection_set for s in node.selection_set.selections
        ]
        while stack:
            selection = stack.pop()
            if not _included(selection, variables):
                continue
            if isinstance(selection, FieldNode):
                field = selection.name.value
                if name is None and field in RELATION_FIELDS:
                    decision = decide("Enterprise", field)
                    if decision.allowed and decision.consent is None:
                        found.add(RELATION_FIELDS[field])
                elif field == name:
                    below.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                stack.extend(selection.selection_set.selections)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    stack.extend(fragment.selection_set.selections)
        if name is None:
            return sorted(found)
        level = below
    return []  # not reached: the loop returns at its last step (name None)


def _included(selection: SelectionNode, variables: dict[str, Any]) -> bool:
    """What `@skip(if:)` and `@include(if:)` on the selection say, with the request's variables."""
    for directive in getattr(selection, "directives", None) or ():
        if directive.name.value not in ("skip", "include"):
            continue
        condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
        if isinstance(condition, VariableNode):
            value = bool(variables.get(condition.name.value))
        elif isinstance(condition, BooleanValueNode):
            value = condition.value
        else:
            continue
        if value == (directive.name.value == "skip"):
            return False
    return True


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
        found = await info.context.loaders.load_profile(checked_uscc(uscc), relations)
        if found is None:
            return None
        row, related = found
        info.context.loaders.touch(info.path, [row["uscc"]])
        return Enterprise.with_relations(info.context, row, related)

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
        relations = selected_relations(info, "edges", "node")
        rows = await info.context.services.reader.enterprise_page(
            where, after_uscc, limit + 1, info.context.loaders.visibility, relations
        )
        page = rows[:limit]
        info.context.loaders.prime([row for row, _ in page])
        info.context.loaders.touch(info.path, [row["uscc"] for row, _ in page])
        edges = [
            EnterpriseEdge(
                cursor=encode_cursor(row["uscc"]),
                node=Enterprise.with_relations(info.context, row, related),
            )
            for row, related in page
        ]
        return EnterpriseConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], len(rows) > limit, after),
            filter=where,
        )
