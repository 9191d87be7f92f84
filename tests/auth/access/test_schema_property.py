"""A property over the whole schema: whatever valid query a caller sends, the answer carries no
field and no enterprise the catalog denies that caller, and it is never a 500.

hypothesis-graphql draws valid queries from the hub's own schema (every root query field, any
arguments, nested selections); USCC-like arguments are pointed at the enterprises of a small
graph, some visible to the caller and some not. Each query runs over HTTP against the served
hub as every client kind, banks with and without consents. What each caller may see is written
down here: the enterprises (`VISIBLE`) and the consents (`CONSENTS`) per caller; the fields
come from the catalog's data, read by `may_see` below, a reading of `auth/catalog.json`
independent of `auth.policy`.

`HUB_PROPERTY_EXAMPLES` raises the number of queries (default 25 in `make test`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any

import graphql
import httpx
import pytest
from graph_kit import DATABASE, token_for
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    get_named_type,
    is_abstract_type,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries
from neo4j import AsyncDriver

from auth.catalog import Catalog, VisibilityMode, load_catalog
from auth.principal import ClientKind
from graph_schema.uscc import make_uscc
from hub.api.schema import build_schema
from hub.settings import Settings

E0, E1, E2 = (make_uscc("9", "1", "410200", f"PR{i:06d}") for i in range(3))
ALL = frozenset({E0, E1, E2})
NOT_A_USCC = "not-a-uscc"
EXAMPLES = int(os.environ.get("HUB_PROPERTY_EXAMPLES", "25"))

GRAPH = """
UNWIND [[$e0, 'Listed Co.'], [$e1, 'Subject Co.'], [$e2, 'Hidden Co.']] AS e
CREATE (:Enterprise {uscc: e[0], name: e[1], zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
WITH count(*) AS made
MATCH (e0:Enterprise {uscc: $e0}), (e1:Enterprise {uscc: $e1}), (e2:Enterprise {uscc: $e2})
CREATE (wang:Person {personKey: 'wang-key', name: 'Wang Wei', idMasked: '4102**********1234'})
CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(e0),
       (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2021-01-01')}]->(e1),
       (e1)-[:SHAREHOLDER_OF {ratio: 0.6, since: date('2021-01-01')}]->(e2),
       (e2)-[:SHAREHOLDER_OF {ratio: 0.3, since: date('2021-01-01')}]->(e1)
CREATE (e0)-[:LISTED]->(:ListEntry {id: 'SD-0', list: 'SERIOUS_DISHONESTY',
        department: 'SAMR', listedOn: date('2025-03-01'), expiresOn: date('2029-03-01'),
        reason: 'fraud', basis: 'NDRC Order 36', source: 'samr', batch: 'B-1'})
CREATE (e1)-[:LISTED]->(:ListEntry {id: 'SAFE-C-1', list: 'SAFE_CLASS_C',
        department: 'SAFE', listedOn: date('2025-06-01'), expiresOn: date('2028-06-01'),
        reason: 'class C', basis: 'SAFE rules', source: 'safe', batch: 'B-2'})
CREATE (e1)-[:CLASSIFIED]->(:Classification {id: 'CL-SAFE-1', department: 'SAFE',
        scheme: 'SAFE_GOODS_TRADE', value: 'C', effectiveFrom: date('2025-01-01'),
        source: 'safe', batch: 'B-2'})
CREATE (e1)-[:PENALISED]->(:Penalty {id: 'P-1', department: 'CUSTOMS', severity: 'GENERAL',
        caseNo: 'KF-2026-1', decidedOn: date('2026-01-05'), publicUntil: date('2027-01-05'),
        amountCny: 5000.0, source: 'customs', batch: 'B-3'})
"""

GRANT = """mutation($i: String!, $s: [String!]!, $x: DateTime!) {
  grantConsent(institution: $i, purpose: WORKING_CAPITAL, scopes: $s, expiresAt: $x) { id }
}"""


@dataclass(frozen=True)
class Caller:
    """One client of the hub and, written down, what it may see."""

    name: str
    kind: ClientKind
    institution: str | None
    visible: frozenset[str]
    consents: dict[str, frozenset[str]]


CALLERS = [
    *(
        Caller(kind.value, kind, None, ALL, {})
        for kind in (
            ClientKind.CUSTOMS,
            ClientKind.TAX,
            ClientKind.SAFE,
            ClientKind.COMMERCE,
            ClientKind.SAMR,
            ClientKind.REGULATOR,
            ClientKind.PUBLIC,
            ClientKind.ADMIN,
        )
    ),
    Caller("connector", ClientKind.CONNECTOR, None, frozenset(), {}),
    Caller("enterprise E1", ClientKind.ENTERPRISE, E1, frozenset({E1}), {}),
    Caller("enterprise E2", ClientKind.ENTERPRISE, E2, frozenset({E2}), {}),
    # E1 consented to bank-a for its registry data only, to the insurer for everything
    Caller(
        "bank, registry-only consent",
        ClientKind.BANK,
        "bank-a",
        frozenset({E1}),
        {E1: frozenset({"enterprise:read"})},
    ),
    Caller("bank without consent", ClientKind.BANK, "bank-b", frozenset(), {}),
    Caller(
        "insurer, full consent",
        ClientKind.INSURER,
        "insurer-a",
        frozenset({E1}),
        {E1: frozenset({"enterprise:read", "credit:read", "financing:read"})},
    ),
]

PUBLISHED_ANY_SUBJECT = frozenset({"JointListEntry", "IdentityVerification"})
"""Types whose `uscc` may name any enterprise: the consolidated lists are published, and
identity verification confirms published registration facts (nothing without the name)."""

PUBLISHED_LISTS = frozenset(
    {
        "SERIOUS_DISHONESTY",
        "CUSTOMS_DISHONEST",
        "TAX_MAJOR_VIOLATION",
        "COURT_DISHONEST_DEBTOR",
        "ABNORMAL_OPERATION",
        "RED_LIST",
    }
)
ONLY_PUBLISHED_LISTS = frozenset({ClientKind.PUBLIC, ClientKind.BANK, ClientKind.INSURER})
"""Kinds that may see an entry only of a list published by law (SAFE class C is not)."""

PERSON_KEY = "wang-key"
PERSON_KEY_READERS = frozenset({ClientKind.REGULATOR, ClientKind.ADMIN})
"""Kinds with pii:read or graph:read: the only ones a person's key may reach."""


def may_see(
    catalog: Catalog, caller: Caller, type_name: str, field: str, enterprise: str | None
) -> bool:
    """The catalog's rule of `type_name.field`, read for `caller` (and, for a field under
    consent, the consents of the enterprise the object belongs to)."""
    if field.startswith("__") or type_name.startswith("__"):
        return True
    rule = catalog.fields.get(f"{type_name}.{field}") or catalog.fields.get(f"{type_name}.*")
    if rule is None:
        return False
    grant = catalog.kinds[caller.kind]
    if grant.public_only and not rule.public:
        return False
    if rule.any_of and not set(rule.any_of) & set(grant.scopes):
        return False
    if grant.visibility is VisibilityMode.CONSENTED and rule.consent is not None:
        return rule.consent in caller.consents.get(enterprise or "", frozenset())
    return True


# --- drawing queries -------------------------------------------------------------------------

USCC_ARGUMENTS = frozenset({"uscc", "usccs", "from", "to"})


def _uscc_node(draw: st.DrawFn) -> StringValueNode:
    return StringValueNode(value=draw(st.sampled_from([E0, E1, E2, E1, NOT_A_USCC])))


def _entity(uscc: str) -> ValueNode:
    return nodes.Object(
        [
            graphql.ObjectFieldNode(
                name=NameNode(value="__typename"), value=nodes.String("Enterprise")
            ),
            graphql.ObjectFieldNode(name=NameNode(value="uscc"), value=nodes.String(uscc)),
        ]
    )


CUSTOM_SCALARS = {
    "Date": st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)).map(nodes.String),
    "DateTime": st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2027, 12, 31))
    .map(lambda d: d.replace(tzinfo=dt.UTC).isoformat())
    .map(nodes.String),
    "Decimal": st.integers(0, 10**9).map(nodes.String),
    "_Any": st.sampled_from([E0, E1, E2]).map(_entity),
}


class Rewriter:
    """Points USCC arguments at the graph's enterprises and selects `__typename` everywhere and
    `uscc` on every type that has one, so the answer can be checked field by field and row by
    row."""

    def __init__(self, schema: GraphQLSchema, draw: st.DrawFn) -> None:
        self.schema, self.draw = schema, draw

    def document(self, document: DocumentNode) -> DocumentNode:
        [operation] = document.definitions
        assert isinstance(operation, OperationDefinitionNode)
        query = self.schema.query_type
        assert query is not None
        # one root field per example: a root field refused to a caller (a non-null one such as
        # myObjections to a regulator) nulls the whole answer, and the others go unchecked
        roots = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
        one = SelectionSetNode(selections=(self.draw(st.sampled_from(roots)),))
        selection_set = self.selections(one, query)
        return DocumentNode(
            definitions=(
                OperationDefinitionNode(
                    operation=operation.operation,
                    name=operation.name,
                    variable_definitions=operation.variable_definitions,
                    directives=operation.directives,
                    selection_set=selection_set,
                ),
            )
        )

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType
    ) -> SelectionSetNode:
        kept: list[Any] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                kept.append(self.field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                on = (
                    self.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent
                )
                assert on is not None
                kept.append(
                    InlineFragmentNode(
                        type_condition=selection.type_condition,
                        directives=selection.directives,
                        selection_set=self.selections(selection.selection_set, on),
                    )
                )
            else:
                kept.append(selection)
        keys = {
            s.alias.value if s.alias else s.name.value for s in kept if isinstance(s, FieldNode)
        }
        kept.append(FieldNode(name=NameNode(value="__typename")))
        fields = getattr(parent, "fields", {})
        if "uscc" in fields and "uscc" not in keys:  # whose row it is, and whose consent
            kept.append(FieldNode(name=NameNode(value="uscc")))
        return SelectionSetNode(selections=tuple(kept))

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> FieldNode:
        fields = getattr(parent, "fields", {})
        definition_args = fields[node.name.value].args if node.name.value in fields else {}
        arguments = tuple(
            self.argument(a)
            # `from` and `to` name two enterprises on a path, two dates on `statistics`
            if a.name.value not in definition_args
            or get_named_type(definition_args[a.name.value].type).name != "Date"
            else a
            for a in node.arguments or ()
        )
        selection_set = node.selection_set
        if selection_set is not None and isinstance(
            parent, GraphQLObjectType | graphql.GraphQLInterfaceType
        ):
            definition = parent.fields[node.name.value]
            selection_set = self.selections(selection_set, get_named_type(definition.type))
        return FieldNode(
            alias=node.alias,
            name=node.name,
            arguments=arguments,
            directives=node.directives,
            selection_set=selection_set,
        )

    def argument(self, node: ArgumentNode) -> ArgumentNode:
        if node.name.value not in USCC_ARGUMENTS:
            return node
        value = node.value
        if isinstance(value, StringValueNode):
            value = _uscc_node(self.draw)
        elif isinstance(value, ListValueNode):
            value = ListValueNode(values=tuple(_uscc_node(self.draw) for _ in value.values))
        return ArgumentNode(name=node.name, value=value)


# --- checking answers --------------------------------------------------------------------------


class Checker:
    def __init__(self, schema: GraphQLSchema, catalog: Catalog, caller: Caller) -> None:
        self.schema, self.catalog, self.caller = schema, catalog, caller
        self.problems: list[str] = []

    def value(self, value: Any, selection_set: SelectionSetNode, where: str) -> None:
        if value is None:
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                self.value(item, selection_set, f"{where}.{i}")
            return
        type_name = value.get("__typename")
        concrete = self.schema.get_type(type_name) if type_name else None
        if concrete is None:
            self.problems.append(f"{where}: no __typename")
            return
        uscc = value.get("uscc")
        if (
            isinstance(uscc, str)
            and type_name not in PUBLISHED_ANY_SUBJECT
            and uscc not in self.caller.visible
        ):
            self.problems.append(f"{where}: {type_name} of {uscc}, not visible to the caller")
        listed = value.get("list")
        if (
            isinstance(listed, str)
            and self.caller.kind in ONLY_PUBLISHED_LISTS
            and listed not in PUBLISHED_LISTS
        ):
            self.problems.append(f"{where}: {type_name} of the unpublished list {listed}")
        enterprise = uscc if isinstance(uscc, str) else None
        for field in self.fields(selection_set, concrete):
            key = field.alias.value if field.alias else field.name.value
            seen = value.get(key)
            if seen is None:
                continue
            if not may_see(self.catalog, self.caller, type_name, field.name.value, enterprise):
                self.problems.append(f"{where}.{key}: {type_name}.{field.name.value} was answered")
                continue
            if field.selection_set is not None:
                self.value(seen, field.selection_set, f"{where}.{key}")

    def fields(
        self, selection_set: SelectionSetNode, concrete: GraphQLNamedType
    ) -> list[FieldNode]:
        found: list[FieldNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else concrete
                applies = on is concrete or (
                    on is not None
                    and is_abstract_type(on)
                    and isinstance(concrete, GraphQLObjectType)
                    and self.schema.is_sub_type(on, concrete)  # type: ignore[arg-type]
                )
                if applies:
                    found += self.fields(selection.selection_set, concrete)
        return found


# --- the property ------------------------------------------------------------------------------


@pytest.fixture
async def callers(graph: AsyncDriver, hub_url: str) -> dict[str, str]:
    """The graph, the consents and a token per caller."""
    await graph.execute_query(GRAPH, e0=E0, e1=E1, e2=E2, database_=DATABASE)
    tokens = {}
    for caller in CALLERS:
        tokens[caller.name] = await token_for(
            hub_url, graph, caller.kind.value, institution=caller.institution
        )
    own = await token_for(hub_url, graph, "enterprise", institution=E1)
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).isoformat()
    async with httpx.AsyncClient(base_url=hub_url, timeout=30) as http:
        for caller in CALLERS:
            for scopes in caller.consents.values():
                granted = await http.post(
                    "/graphql",
                    headers={"Authorization": f"Bearer {own}"},
                    json={
                        "query": GRANT,
                        "variables": {"i": caller.institution, "s": sorted(scopes), "x": expires},
                    },
                )
                assert "errors" not in granted.json(), granted.text
    return tokens


SCHEMA = build_schema(Settings(_env_file=None), load_catalog())._schema  # type: ignore[call-arg]
QUERY_FIELDS = sorted(SCHEMA.query_type.fields) if SCHEMA.query_type else []


def test_the_property_draws_from_every_query_field() -> None:
    # A new root field joins the property by itself; these are the ones it has today.
    assert "enterprise" in QUERY_FIELDS and "_entities" in QUERY_FIELDS
    assert len(QUERY_FIELDS) >= 20


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_answer_carries_what_the_catalog_denies(
    callers: dict[str, str], hub_url: str, data: st.DataObject
) -> None:
    catalog = load_catalog()
    drawn = data.draw(
        queries(
            SCHEMA,
            custom_scalars=CUSTOM_SCALARS,
            print_ast=lambda document: document,
            allow_x00=False,
        )
    )
    assert isinstance(drawn, DocumentNode)
    document = Rewriter(SCHEMA, data.draw).document(drawn)
    query = graphql.print_ast(document)
    [operation] = document.definitions
    assert isinstance(operation, OperationDefinitionNode)
    answered = False
    async with httpx.AsyncClient(base_url=hub_url, timeout=60) as http:
        for caller in CALLERS:
            response = await http.post(
                "/graphql",
                headers={
                    "Authorization": f"Bearer {callers[caller.name]}",
                    "X-Purpose": "property test",
                },
                json={"query": query},
            )
            assert response.status_code < 500, (caller.name, query, response.text)
            body = response.json()
            for error in body.get("errors") or []:
                # an error with a path came from a resolver: it must be one the hub meant
                assert "path" not in error or "code" in (error.get("extensions") or {}), (
                    caller.name,
                    query,
                    error,
                )
            checker = Checker(SCHEMA, catalog, caller)
            checker.value(
                {"__typename": "Query", **(body.get("data") or {})},
                operation.selection_set,
                "",
            )
            if caller.kind not in PERSON_KEY_READERS and PERSON_KEY in response.text:
                checker.problems.append("a person's key was answered")
            assert checker.problems == [], (caller.name, query, json.dumps(body)[:2000])
            if caller.kind is ClientKind.REGULATOR:
                answered = any(v is not None for v in (body.get("data") or {}).values())
    # Count only examples the regulator got data for: a query refused to everyone (too costly,
    # a bad argument) checks nothing, and the example count must mean answers checked.
    assume(answered)
