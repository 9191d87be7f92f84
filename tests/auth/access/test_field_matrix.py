"""Every client kind, every field: a kind's default token gets a field exactly when the
catalog says so. The query is generated from the served schema, so a field added later is
covered without touching this test (and one without a catalog rule fails it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from graph_kit import DATABASE, token_for
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
)
from neo4j import AsyncDriver
from test_enterprise_api import FOCUS, build_graph

from auth.catalog import load_catalog
from auth.policy import field_allowed
from auth.principal import ClientKind, Principal
from hub.api.schema import build_schema
from hub.settings import Settings

CATALOG = load_catalog()
SCHEMA: GraphQLSchema = build_schema(Settings(neo4j_uri="bolt://unused"), CATALOG)._schema
BANK = "bank-of-kaifeng"


def unwrap(t: GraphQLType) -> GraphQLType:
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


def selection(t: GraphQLObjectType, depth: int) -> str:
    """Every field of `t`; nested enterprises (shareholders' holders) only by their scalars."""
    parts = []
    for name, field in t.fields.items():
        inner = unwrap(field.type)
        if field.args and any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue  # fields with required arguments are queried at the root below
        if isinstance(inner, GraphQLObjectType):
            if inner.name == "Enterprise" and depth > 0:
                parts.append(f"{name} {{ uscc name }}")
            else:
                parts.append(f"{name} {{ {selection(inner, depth + 1)} }}")
        elif not isinstance(inner, GraphQLUnionType):
            parts.append(name)
    return " ".join(parts)


ENTERPRISE = SCHEMA.type_map["Enterprise"]
assert isinstance(ENTERPRISE, GraphQLObjectType)
QUERY = f"""query($u: String!, $reps: [_Any!]!) {{
  enterprise(uscc: $u) {{ {selection(ENTERPRISE, 0)} }}
  enterprises(first: 50) {{ totalCount pageInfo {{ hasNextPage endCursor }}
                            edges {{ cursor node {{ uscc name }} }} }}
  _entities(representations: $reps) {{ ... on Enterprise {{ uscc name }} }}
  _service {{ sdl }}
}}"""


def check(
    kind: ClientKind,
    t: GraphQLObjectType,
    data: Any,
    path: tuple[str, ...],
    errors: dict[tuple[str, ...], dict[str, Any]],
    seen: set[str],
) -> None:
    """Walk the answer alongside the schema: each selected field is there exactly when
    allowed, and a denied one is null with a FORBIDDEN error naming its scopes."""
    principal = Principal("matrix", kind, CATALOG.default_scopes(kind))
    for key, value in data.items():
        if key == "__typename":
            continue
        field = t.fields[key]
        seen.add(f"{t.name}.{key}")
        decision = field_allowed(CATALOG, principal, t.name, key)
        here = (*path, key)
        if not decision.allowed:
            assert value is None, (kind, here)
            error = errors.get(here)
            assert error is not None, f"{kind}: no error for denied {here}"
            assert error["extensions"]["code"] == "FORBIDDEN"
            assert set(error["extensions"]["scopes"]) == set(decision.missing_scopes)
            continue
        assert here not in errors, f"{kind}: allowed {here} answered {errors[here]}"
        inner = unwrap(field.type)
        if isinstance(inner, GraphQLObjectType) and value is not None:
            items = value if isinstance(value, list) else [value]
            for item in items:
                if item is not None:
                    check(kind, inner, item, here, errors, seen)


@pytest.fixture
async def zone_with_consent(graph: AsyncDriver) -> AsyncDriver:
    await build_graph(graph)
    await graph.execute_query(
        """MATCH (e:Enterprise {uscc: $u})
           CREATE (e)-[:CONSENTED]->(:Consent {id: 'C-matrix', institution: $bank,
                   scopes: ['enterprise:read', 'credit:read', 'financing:read'],
                   purpose: 'WORKING_CAPITAL',
                   grantedAt: datetime(), expiresAt: $until})""",
        u=FOCUS,
        bank=BANK,
        until=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
        database_=DATABASE,
    )
    return graph


@pytest.mark.parametrize("kind", list(ClientKind), ids=lambda k: k.value)
async def test_each_kind_gets_exactly_the_fields_its_grant_allows(
    zone_with_consent: AsyncDriver, hub_url: str, kind: ClientKind
) -> None:
    institution = {
        ClientKind.ENTERPRISE: FOCUS,
        ClientKind.BANK: BANK,
        ClientKind.INSURER: BANK,
        ClientKind.CONNECTOR: "samr-matrix",
    }.get(kind)
    token = await token_for(hub_url, zone_with_consent, kind.value, institution=institution)
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "credit review"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers) as client:
        response = await client.post(
            "/graphql",
            json={
                "query": QUERY,
                "variables": {"u": FOCUS, "reps": [{"__typename": "Enterprise", "uscc": FOCUS}]},
            },
        )
    body = response.json()
    errors = {tuple(p for p in e["path"] if isinstance(p, str)): e for e in body.get("errors", [])}
    assert all(e["extensions"]["code"] == "FORBIDDEN" for e in errors.values()), errors
    seen: set[str] = set()
    if body["data"] is None:
        # _entities is non-null ([_Entity]!, by the federation spec): denying it nulls the
        # whole answer, which is right for a kind that may read no enterprise at all
        principal = Principal("matrix", kind, CATALOG.default_scopes(kind))
        assert not field_allowed(CATALOG, principal, "Query", "_entities").allowed
        assert ("_entities",) in errors
        return
    check(kind, SCHEMA.query_type, body["data"], (), errors, seen)
    principal = Principal("matrix", kind, CATALOG.default_scopes(kind))
    if field_allowed(CATALOG, principal, "Query", "enterprise").allowed:
        # the focus enterprise is visible to every kind that may read enterprises at all
        assert body["data"]["enterprise"]["uscc"] == FOCUS


def test_every_field_of_the_schema_has_a_catalog_rule() -> None:
    missing = [
        f"{name}.{field}"
        for name, t in SCHEMA.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__")
        for field in t.fields
        if CATALOG.field_rule(name, field) is None
    ]
    assert missing == [], (
        f"fields without an access rule (add them to auth/catalog.json): {missing}"
    )
