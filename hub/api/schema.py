"""The GraphQL schema put together: the root Query, Mutation and Subscription composed from
the slices in `hub.api`, the extensions and limits, and the federation entity check."""

from __future__ import annotations

from collections.abc import Callable

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

from auth.catalog import Catalog
from auth.policy import requires_scopes
from hub.api.access import FieldPolicy
from hub.api.audit import AuditTrail
from hub.api.audit_log import AuditQuery
from hub.api.changes import ChangesQuery, Subscription
from hub.api.consent import ConsentMutation, ConsentQuery
from hub.api.credit import CreditQuery
from hub.api.enterprises import EnterpriseQuery, checked_representation
from hub.api.execution import PlainExecution
from hub.api.financing import FinancingQuery
from hub.api.limits import Documents, OperationLimits
from hub.api.lists import ListsQuery
from hub.api.lookups import LookupsQuery
from hub.api.network import NetworkQuery
from hub.api.objections import ObjectionMutation, ObjectionQuery
from hub.api.persons import PersonQuery
from hub.api.providers import ProvidersQuery
from hub.api.reconciliation import ReconciliationQuery
from hub.api.repairs import RepairMutation, RepairQuery
from hub.api.risk import RiskMutation, RiskQuery
from hub.api.stats import StatsQuery
from hub.api.types import Enterprise
from hub.availability import DatabaseFailures
from hub.metrics import OperationMetrics
from hub.settings import Settings

FEDERATION_VERSION = "2.7"  # the composition tools in use reject strawberry's default 2.11


Query = merge_types(
    "Query",
    (
        EnterpriseQuery,
        CreditQuery,
        ListsQuery,
        NetworkQuery,
        StatsQuery,
        RiskQuery,
        FinancingQuery,
        ObjectionQuery,
        RepairQuery,
        ChangesQuery,
        ConsentQuery,
        AuditQuery,
        PersonQuery,
        ReconciliationQuery,
        ProvidersQuery,
        LookupsQuery,
    ),
)
"""The root query, one slice per module; the order of the slices is the order of the fields."""

Mutation = merge_types(
    "Mutation", (ConsentMutation, ObjectionMutation, RepairMutation, RiskMutation)
)


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


EXPECTED_ERROR_CODES = frozenset({"FORBIDDEN", "BAD_USER_INPUT", "BAD_REQUEST", "QUERY_TOO_COSTLY"})


def is_unexpected(error: GraphQLError) -> bool:
    """A fault of the hub (a Python exception, a database error), not an answer to the caller:
    masked in production, where its text could leak internals. Errors the hub raises on
    purpose (FORBIDDEN, BAD_USER_INPUT, ...) and validation errors are kept."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def build_schema(
    settings: Settings, catalog: Catalog | None = None, *, plain_completion: bool = True
) -> federation.Schema:
    """The schema with its limits; with a catalog, also the access policy and the
    `@requiresScopes` directives a gateway can enforce (the hub enforces them itself).
    `plain_completion`: plain answers are completed by a compiled plan (`hub.api.execution`);
    off only to show, in the suite, that both ways answer alike."""
    # Factories, not instances: strawberry builds a fresh extension per request, so no state
    # leaks between concurrent requests (the parse and validation caches are module-level).
    # The depth and alias rules are made once: each limiter makes new rule classes, and the
    # validation cache (`hub.api.limits`) keys on them, so per-request limiters never hit it.
    limit_rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        OperationMetrics,  # outermost: it sees the outcome of every phase
        Documents,  # parses large documents off the event loop; bounded caches
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: OperationLimits(
            max_cost=settings.max_query_cost,
            limits=settings.limits,
            max_representations=settings.max_representations,
        ),
    ]
    if settings.production:
        extensions.append(DisableIntrospection)
        extensions.append(lambda: MaskErrors(should_mask_error=is_unexpected))
    if catalog is not None:
        extensions += [FieldPolicy, AuditTrail]
    # last: left first, it sees a resolver's database failure before MaskErrors hides it
    extensions.append(DatabaseFailures)

    def make() -> federation.Schema:
        return HubSchema(
            query=Query,
            mutation=Mutation,  # the consent, objection, repair and risk mutations, merged
            subscription=Subscription,
            types=[Enterprise],
            extensions=extensions,
            federation_version=FEDERATION_VERSION,  # type: ignore[arg-type]
            execution_context_class=PlainExecution if plain_completion else None,
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


def client_sdl(settings: Settings, catalog: Catalog) -> str:
    """The schema as plain SDL, for client generators (`clients/python/schema.graphql`): every
    type and directive definition, without the federation directives applied to fields."""
    return print_schema(build_schema(settings, catalog)._schema) + "\n"
