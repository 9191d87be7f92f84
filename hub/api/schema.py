"""The GraphQL schema: root queries mapped onto the reader, and the schema's extensions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

import strawberry
from graphql import GraphQLError, print_schema
from strawberry import federation
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.federation.schema import FederationAny
from strawberry.federation.schema_directives import RequiresScopes
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.nodes import SelectedField, Selection

from auth.audit import AuditRecord, access_log_for, audit_log
from auth.catalog import Catalog
from auth.policy import requires_scopes
from auth.principal import ClientKind
from graph_schema.model import Department, EnterpriseStatus, ObjectionStatus
from hub.api.access import FieldPolicy
from hub.api.audit import AuditTrail
from hub.api.changes import ChangesPage, Subscription, changes_page
from hub.api.consent import ConsentMutation, ConsentType
from hub.api.consent import mine as my_consents
from hub.api.context import Info
from hub.api.credit import CreditProfile, credit_profile, measures_for
from hub.api.errors import bad_user_input, checked_moment, checked_uscc, shown
from hub.api.financing import FinancingProfile, financing_profile
from hub.api.limits import Documents, OperationLimits
from hub.api.lists import (
    EnterpriseMeasures,
    JointListConnection,
    JointListFilter,
    enterprises_named,
    joint_list,
)
from hub.api.network import (
    NetworkPath,
    RelationshipGraph,
    UltimateOwner,
    graph_around,
    owners_of,
    paths_between,
)
from hub.api.objections import ObjectionConnection, ObjectionMutation, ObjectionType
from hub.api.objections import mine as my_objections
from hub.api.objections import queue as objection_queue
from hub.api.pagination import decode_cursor, encode_cursor, page_size
from hub.api.risk import RiskAlertConnection, RiskAlertFilter, risk_alerts
from hub.api.stats import StatsGroupBy, ZoneStatistics, zone_statistics
from hub.api.types import AuditEntry, Enterprise, EnterpriseEdge, PageInfo
from hub.repository import EnterpriseFilter as ReaderFilter
from hub.settings import Settings

FEDERATION_VERSION = "2.7"  # the composition tools in use reject strawberry's default 2.11


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
        default=None, description="Case-sensitive substring of the registered name."
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
        return await info.context.reader.enterprise_count(self.filter, info.context.loaders.rows)


def _audit_entries(records: list[AuditRecord]) -> list[AuditEntry]:
    return [
        AuditEntry(
            seq=r.seq,
            at=r.at,
            client_id=r.client_id,
            kind=r.kind.value,
            institution=r.institution,
            operation=r.operation,
            enterprises=list(r.enterprises),
            purpose=r.purpose,
            outcome=r.outcome.value,
            consent_ids=list(r.consent_ids),
            fields=list(r.fields),
            hash=r.hash,
        )
        for r in records
    ]


@strawberry.input
class AuditFilter:
    client_id: str | None = None
    kind: str | None = None
    uscc: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@strawberry.type
class Query:
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
        settings = info.context.settings
        limit = page_size(first, settings.default_page_size, settings.max_page_size)
        where = (filter or EnterpriseFilter()).to_reader()
        after_uscc = decode_cursor(after) if after is not None else None
        rows = await info.context.reader.enterprise_page(
            where, after_uscc, limit + 1, info.context.loaders.rows
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

    @strawberry.field(
        description="The enterprise's credit rating as of a date (default today), with its "
        "factors and their evidence; null when the hub does not know it."
    )
    async def credit_profile(
        self, info: Info, uscc: str, as_of: dt.date | None = None
    ) -> CreditProfile | None:
        profile = await credit_profile(info, checked_uscc(uscc), as_of)
        if profile is not None:
            info.context.loaders.touch(info.path, [profile.uscc])
        return profile

    @strawberry.field(
        description="The consolidated joint-punishment list: every subject an authoritative "
        "list entry covers (the enterprise, its responsible persons, enterprises reached "
        "through them), with the path, each department's measures and the dates. Rows that "
        "apply on `asOf` (default today), unless `includeEnded`."
    )
    async def joint_punishment_list(
        self,
        info: Info,
        filter: JointListFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: dt.date | None = None,
        include_ended: bool = False,
    ) -> JointListConnection:
        return await joint_list(info, "PUNISHMENT", filter, first, after, as_of, include_ended)

    @strawberry.field(
        description="The consolidated red list: enterprises earning joint incentives (a "
        "red-list entry, or advanced certified and tax A with no penalty or list entry for "
        "3 years), with the measures of each department."
    )
    async def joint_incentive_list(
        self,
        info: Info,
        filter: JointListFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: dt.date | None = None,
        include_ended: bool = False,
    ) -> JointListConnection:
        return await joint_list(info, "INCENTIVE", filter, first, after, as_of, include_ended)

    @strawberry.field(
        description="What one department must do with one enterprise on a date: its grade's "
        "treatment and the list measures for that department; null when unknown."
    )
    async def measures_for(
        self, info: Info, uscc: str, department: str, as_of: dt.date | None = None
    ) -> EnterpriseMeasures | None:
        found = await measures_for(info, checked_uscc(uscc), department, as_of)
        if found is not None:  # the enterprise, and those its measures' paths name
            named = enterprises_named(found.measures)
            info.context.loaders.touch(info.path, [found.uscc, *named])
        return found

    @strawberry.field(
        description="The network around an enterprise: nodes within `depth` (1 to 3) "
        "relationships of `relationTypes`, at most `limit` (up to 2,000) of them, nearest "
        "first, and the edges between them; each enterprise with its grade and list status."
    )
    async def relationship_graph(
        self,
        info: Info,
        uscc: str,
        depth: int = 2,
        relation_types: list[str] | None = None,
        limit: int = 500,
    ) -> RelationshipGraph | None:
        return await graph_around(info, checked_uscc(uscc), depth, relation_types, limit)

    @strawberry.field(description="The shortest paths (up to 25) between two enterprises.")
    async def paths(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        max_hops: int = 4,
        relation_types: list[str] | None = None,
    ) -> list[NetworkPath]:
        return await paths_between(
            info, checked_uscc(from_), checked_uscc(to), max_hops, relation_types
        )

    @strawberry.field(
        description="Holders whose effective share of the enterprise (products along "
        "shareholding chains, summed over chains, cycles included) reaches `threshold`."
    )
    async def ultimate_owners(
        self, info: Info, uscc: str, threshold: float = 0.25
    ) -> list[UltimateOwner] | None:
        return await owners_of(info, checked_uscc(uscc), threshold)

    @strawberry.field(
        description="Declared trade between `from` and `to` grouped by `groupBy`, the grade "
        "distribution, operators per zone, and each zone against its plan targets."
    )
    async def statistics(
        self,
        info: Info,
        from_: Annotated[dt.date, strawberry.argument(name="from")],
        to: dt.date,
        group_by: StatsGroupBy = StatsGroupBy.MONTH,
        zone: str | None = None,
    ) -> ZoneStatistics:
        return await zone_statistics(info, zone, from_, to, group_by)

    @strawberry.field(
        description="Risk alerts found on the graph (stored by `hub risk scan` and after each "
        "batch), in id order, without cleared ones unless asked."
    )
    async def risk_alerts(
        self,
        info: Info,
        filter: RiskAlertFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> RiskAlertConnection:
        return await risk_alerts(info, filter, first, after)

    @strawberry.field(
        description="A bank's or insurer's financing view of an enterprise's last 12 months, "
        "under an active consent covering financing:read; null otherwise."
    )
    async def financing_profile(self, info: Info, uscc: str) -> FinancingProfile | None:
        profile = await financing_profile(info, checked_uscc(uscc))
        if profile is not None:
            info.context.loaders.touch(info.path, [profile.uscc])
        return profile

    @strawberry.field(description="Your objections to your records, newest first.")
    async def my_objections(self, info: Info) -> list[ObjectionType]:
        return await my_objections(info)

    @strawberry.field(
        description="Objections in `status` (default PENDING), oldest first: a department's "
        "queue of records to answer with an objection.resolution@1 record."
    )
    async def objections(
        self,
        info: Info,
        status: ObjectionStatus = ObjectionStatus.PENDING,
        department: Department | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ObjectionConnection | None:
        return await objection_queue(info, status, department, first, after)

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

    @strawberry.field(description="Your consents to banks and insurers, newest first.")
    async def my_consents(self, info: Info, include_ended: bool = False) -> list[ConsentType]:
        return await my_consents(info, include_ended)

    @strawberry.field(description="Who read or was refused enterprise data, newest first.")
    async def audit_log(
        self,
        info: Info,
        filter: AuditFilter | None = None,
        first: int | None = None,
        after_seq: int | None = None,
    ) -> list[AuditEntry] | None:
        size, after = _audit_page(first, after_seq)
        f = filter or AuditFilter()
        state = info.context.request.app.state
        records = await audit_log(
            state.driver,
            state.settings.neo4j_database,
            client_id=f.client_id,
            kind=_audit_kind(f.kind),
            uscc=checked_uscc(f.uscc) if f.uscc else None,
            since=checked_moment(f.since, "filter.since"),
            until=checked_moment(f.until, "filter.until"),
            first=size,
            after_seq=after,
        )
        return _audit_entries(records)

    @strawberry.field(description="An enterprise's own access log: who read its data, when, why.")
    async def my_access_log(
        self, info: Info, first: int | None = None, after_seq: int | None = None
    ) -> list[AuditEntry] | None:
        uscc = info.context.principal.enterprise_uscc
        if uscc is None:
            raise bad_user_input("only an enterprise client has an access log of its own")
        size, after = _audit_page(first, after_seq)
        state = info.context.request.app.state
        records = await access_log_for(
            state.driver, state.settings.neo4j_database, uscc, first=size, after_seq=after
        )
        return _audit_entries(records)


Mutation = merge_types("Mutation", (ConsentMutation, ObjectionMutation))


class HubSchema(federation.Schema):
    """Logs only unexpected errors: a FORBIDDEN field or a bad argument is the caller's answer,
    not the hub's fault, and a traceback per denied field would drown the log."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            e for e in errors if (e.extensions or {}).get("code") not in EXPECTED_ERROR_CODES
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)

    def entities_resolver(
        self, info: strawberry.Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        """`_entities`, once every representation is a well-formed Enterprise reference (the
        only entity): a malformed one is a BAD_USER_INPUT naming it, not a Python error."""
        for index, representation in enumerate(representations):
            checked_representation(representation, index)
        return super().entities_resolver(info, representations)


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


EXPECTED_ERROR_CODES = frozenset({"FORBIDDEN", "BAD_USER_INPUT", "BAD_REQUEST", "QUERY_TOO_COSTLY"})


AUDIT_PAGE_MAX = 200


def _audit_kind(kind: str | None) -> str | None:
    """The client kind an audit filter names, or a BAD_USER_INPUT naming the argument."""
    known = [k.value for k in ClientKind]
    if kind is not None and kind not in known:
        raise bad_user_input(
            f"filter.kind {shown(kind)!r} is not a client kind; use one of {', '.join(known)}",
            argument="filter.kind",
        )
    return kind


def _audit_page(first: int | None, after_seq: int | None) -> tuple[int, int | None]:
    size = page_size(first, 50, AUDIT_PAGE_MAX)
    if after_seq is not None and after_seq < 1:
        raise bad_user_input("afterSeq must be a seq from a previous page", argument="afterSeq")
    return size, after_seq


def is_unexpected(error: GraphQLError) -> bool:
    """A fault of the hub (a Python exception, a database error), not an answer to the caller:
    masked in production, where its text could leak internals. Errors the hub raises on
    purpose (FORBIDDEN, BAD_USER_INPUT, ...) and validation errors are kept."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def build_schema(settings: Settings, catalog: Catalog | None = None) -> federation.Schema:
    """The schema with its limits; with a catalog, also the access policy and the
    `@requiresScopes` directives a gateway can enforce (the hub enforces them itself)."""
    # Factories, not instances: strawberry builds a fresh extension per request, so no state
    # leaks between concurrent requests (the parse and validation caches are module-level).
    # The depth and alias rules are made once: each limiter makes new rule classes, and the
    # validation cache (`hub.api.limits`) keys on them, so per-request limiters never hit it.
    limit_rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        Documents,  # parses large documents off the event loop; bounded caches
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: OperationLimits(
            max_cost=settings.max_query_cost,
            variable_size=settings.max_page_size,
            max_representations=settings.max_representations,
        ),
    ]
    if settings.production:
        extensions.append(DisableIntrospection)
        extensions.append(lambda: MaskErrors(should_mask_error=is_unexpected))
    if catalog is not None:
        extensions += [FieldPolicy, AuditTrail]

    def make() -> federation.Schema:
        return HubSchema(
            query=Query,
            mutation=Mutation,  # the consent and objection mutations, merged
            subscription=Subscription,
            types=[Enterprise],
            extensions=extensions,
            federation_version=FEDERATION_VERSION,  # type: ignore[arg-type]
        )

    schema = make()
    if catalog is None:
        return schema
    _declare_required_scopes(schema, catalog)
    return make()  # printed again, now with the directives


def _declare_required_scopes(schema: federation.Schema, catalog: Catalog) -> None:
    """Put `@requiresScopes` on every field whose catalog rule needs a scope."""
    for name, concrete in schema.schema_converter.type_map.items():
        definition = getattr(concrete, "definition", None)
        if name.startswith("_") or not isinstance(definition, StrawberryObjectDefinition):
            continue
        for field in definition.fields:
            graphql_name = schema.config.name_converter.get_graphql_name(field)
            try:
                groups = requires_scopes(catalog, name, graphql_name)
            except LookupError:
                continue  # no rule: the policy denies it to everyone; a test reports it
            kept = [d for d in field.directives if not isinstance(d, RequiresScopes)]
            field.directives = kept + ([RequiresScopes(scopes=groups)] if groups else [])


__all__ = ["HubSchema", "build_schema", "checked_uscc"]


def client_sdl(settings: Settings, catalog: Catalog) -> str:
    """The schema as plain SDL, for client generators (`clients/python/schema.graphql`): every
    type and directive definition, without the federation directives applied to fields."""
    return print_schema(build_schema(settings, catalog)._schema) + "\n"
