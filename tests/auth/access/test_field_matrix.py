"""Every client kind, every consent of a bank or an insurer, every field: what the served hub
answers equals the access matrix written down in field_matrix_table.py (issue 14).

The expected answers are data, read off the catalog and the docs by a reviewer; nothing here
asks auth.policy. The queries are generated from the served schema, so a field added later is
read too, and fails the test until the table has a line for it. Each answer is walked
alongside the schema, and every field is classified by what the caller got (field_matrix_table
explains the cells): its value, its value masked, a FORBIDDEN error and its reason, nothing
at all without an error, or no occurrence. The graph and the consents are field_matrix_zone's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from field_matrix_table import (
    ALLOWED,
    CONSENTS,
    EXPECTED,
    EXPLAINING_BANK,
    EXTRA,
    KINDS,
    REFUSED,
    column,
    principals,
)
from field_matrix_zone import (
    CONSENT_SCOPES,
    E0,
    E1,
    EXPLAINING_BANK_CONSENTS,
    EXPLAINING_BANK_SCOPES,
    NAMES,
    NOON,
    SAFE_C_TRACES,
    ask,
    build_zone,
    explaining_bank,
    institution,
)
from graph_kit import HeldClock, hub_settings, token_for, wipe
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    is_required_argument,
)
from neo4j import AsyncDriver

from auth.principal import ClientKind
from hub.api.schema import build_schema

# The served schema's types and fields (built without the catalog: no access rule is read).
SCHEMA: GraphQLSchema = build_schema(hub_settings(neo4j_uri="bolt://unused"))._schema


def unwrap(t: GraphQLType) -> GraphQLType:
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


def object_type(name: str) -> GraphQLObjectType:
    t = SCHEMA.type_map[name]
    assert isinstance(t, GraphQLObjectType)
    return t


SELECTED: set[str] = set()
"""Every `Type.field` some query below selects (filled as the queries are built)."""


def selection(t: GraphQLObjectType, inside_enterprise: bool = False) -> str:
    """Every field of `t`, nested objects in full; an enterprise inside an enterprise (a
    shareholder, a holding) by its uscc and name; a union by its __typename only."""
    parts = []
    for name, field in t.fields.items():
        inner = unwrap(field.type)
        if any(is_required_argument(a) for a in field.args.values()):
            raise AssertionError(f"{t.name}.{name} needs an argument: select it by hand")
        SELECTED.add(f"{t.name}.{name}")
        if isinstance(inner, GraphQLObjectType):
            if inner.name == "Enterprise" and inside_enterprise:
                SELECTED.update({"Enterprise.uscc", "Enterprise.name"})
                parts.append(f"{name} {{ uscc name }}")
            else:
                nested = inside_enterprise or inner.name == "Enterprise"
                parts.append(f"{name} {{ {selection(inner, nested)} }}")
        elif isinstance(inner, GraphQLUnionType):
            parts.append(f"{name} {{ __typename }}")
        else:
            parts.append(name)
    return " ".join(parts)


def full(type_name: str) -> str:
    return selection(object_type(type_name), inside_enterprise=type_name == "Enterprise")


# For roots whose entries are covered elsewhere (audit records: test_audit_*.py; the change
# feed's entries: tests/auth/consent/test_watching.py) or are of a type another root reads in
# full (jointIncentiveList): whether the root answers, not what it lists.
ROOT_ONLY = "__typename"


REFERENCE = [{"__typename": "Enterprise", "uscc": E1}]

# One request per root field, so that a refused non-null root (`_entities: [_Entity]!`,
# `jointPunishmentList`, `statistics`, ...) nulls only its own answer.
ROOTS: dict[str, tuple[str, dict[str, Any]]] = {
    "providerProfile": (
        f"query($u: String!) {{ providerProfile(uscc: $u) {{ {full('ProviderProfile')} }} }}",
        {"u": E1},
    ),
    "enterprise": (
        f"query($u: String!) {{ enterprise(uscc: $u) {{ {full('Enterprise')} }} }}",
        {"u": E1},
    ),
    "enterprises": (
        '{ enterprises(first: 5, filter: {nameContains: "Subject"}) '
        f"{{ {full('EnterpriseConnection')} }} }}",
        {},
    ),
    "_entities": (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        f"{{ __typename ... on Enterprise {{ {full('Enterprise')} }} }} }}",
        {"r": REFERENCE},
    ),
    "_service": (f"{{ _service {{ {full('_Service')} }} }}", {}),
    "creditProfile": (
        f"query($u: String!) {{ creditProfile(uscc: $u) {{ {full('CreditProfile')} }} }}",
        {"u": E1},
    ),
    "measuresFor": (
        'query($u: String!) { measuresFor(uscc: $u, department: "BANK") '
        f"{{ {full('EnterpriseMeasures')} }} }}",
        {"u": E1},
    ),
    "financingProfile": (
        f"query($u: String!) {{ financingProfile(uscc: $u) {{ {full('FinancingProfile')} }} }}",
        {"u": E1},
    ),
    "jointPunishmentList": (
        f"{{ jointPunishmentList(first: 50) {{ {full('JointListConnection')} }} }}",
        {},
    ),
    "jointIncentiveList": (f"{{ jointIncentiveList(first: 5) {{ {ROOT_ONLY} }} }}", {}),
    "changesSince": (f"{{ changesSince {{ {full('ChangesPage')} }} }}", {}),
    "objections": (f"{{ objections(first: 20) {{ {full('ObjectionConnection')} }} }}", {}),
    "myObjections": (f"{{ myObjections {{ {full('Objection')} }} }}", {}),
    "repairApplications": (
        f"{{ repairApplications(status: GRANTED, first: 20) "
        f"{{ {full('RepairApplicationConnection')} }} }}",
        {},
    ),
    "myRepairApplications": (f"{{ myRepairApplications {{ {full('RepairApplication')} }} }}", {}),
    "myConsents": (f"{{ myConsents {{ {full('Consent')} }} }}", {}),
    "myAccessLog": (f"{{ myAccessLog(first: 1) {{ {ROOT_ONLY} }} }}", {}),
    "auditLog": (f"{{ auditLog(first: 1) {{ {ROOT_ONLY} }} }}", {}),
    "relationshipGraph": (
        "query($u: String!) { relationshipGraph(uscc: $u, depth: 2) "
        f"{{ {full('RelationshipGraph')} }} }}",
        {"u": E1},
    ),
    "paths": (
        "query($u: String!, $e0: String!) { paths(from: $u, to: $e0) "
        f"{{ {full('NetworkPath')} }} }}",
        {"u": E1, "e0": E0},
    ),
    "ultimateOwners": (
        f"query($u: String!) {{ ultimateOwners(uscc: $u) {{ {full('UltimateOwner')} }} }}",
        {"u": E1},
    ),
    "riskAlerts": (f"{{ riskAlerts(first: 10) {{ {full('RiskAlertConnection')} }} }}", {}),
    "statistics": (
        '{ statistics(from: "2025-07-01", to: "2026-06-15", zone: "KAIFENG") '
        f"{{ {full('ZoneStatistics')} }} }}",
        {},
    ),
    "personCreditProfile": (
        "query($k: String!) { personCreditProfile(personKey: $k) "
        f"{{ {full('PersonCreditProfile')} }} }}",
        {"k": "wang-key"},
    ),
    "tradeReconciliation": (
        f"query($u: String!) {{ tradeReconciliation(uscc: $u) "
        f"{{ {full('TradeReconciliation')} }} }}",
        {"u": E1},
    ),
    "verifyIdentity": (
        'query($u: String!) { verifyIdentity(uscc: $u, name: "Subject Co.") '
        f"{{ {full('IdentityVerification')} }} }}",
        {"u": E1},
    ),
    "creditRecord": (
        f"query($u: String!) {{ creditRecord(uscc: $u) {{ {full('CreditRecord')} }} }}",
        {"u": E1},
    ),
    "commodity": (f'{{ commodity(hsCode: "95045020") {{ {full("Commodity")} }} }}', {}),
    "shipments": (f"{{ shipments(first: 10) {{ {full('ShipmentConnection')} }} }}", {}),
    "tradeDeclarations": (
        f"{{ tradeDeclarations(first: 10) {{ {full('TradeDeclarationConnection')} }} }}",
        {},
    ),
}
SELECTED.update(f"Query.{root}" for root in ROOTS)

# Types no query above reads field by field (see ROOT_ONLY; Mutation and Subscription are
# not queries).
NOT_READ = {
    "AuditEntry",
    "AuditPerson",
    "RatingChange",
    "ListStatusChange",
    "Mutation",
    "Subscription",
}

# Fields the graph leaves null or empty wherever they occur: allowed there, yet nothing shows.
MAY_BE_EMPTY = {
    "LegalRepresentative.until": "the current representative's tie has not ended",
    "JointListEntry.withdrawnOn": "every path of the rows still holds",
    "RatingSnapshot.supersededAt": "one rating, the current one",
    "RiskAlert.clearedOn": "cleared alerts are not listed by default",
    "Consent.revokedAt": "ended consents are not listed by default",
    "ChangesPage.changes": "a first call without a cursor starts watching from now",
    "IdentityVerification.statusSince": "E1's status was registered without its day",
    "GoodsListEntry.mapping": "the retail import list names tariff lines: nothing to map",
    "ReceiptsAgainstExports.signals": "E1's export proceeds came back: no signal on them",
    "PersonRole.statusSince": "no enterprise of Wang's has ended its registration",
    "ProviderProfile.forcedBy": "E1 is on no list that forces a provider grade to D",
}

# Fields whose whole answer carries the SAFE class C entry (its id, list or measures) for a
# caller that sees every list: A there means the trace is present, L that it is absent.
TRACED = {
    "Query.jointPunishmentList",
    "Enterprise.listEntries",
    "CreditRecord.listEntries",
    "CreditProfile.listEntries",
    "ProviderProfile.listEntries",
    "CreditProfile.measures",
    "CreditProfile.objections",
    "EnterpriseMeasures.measures",
    "FinancingProfile.bankMeasures",
    "Query.objections",
    "Query.myObjections",
}

Observation = tuple[Any, dict[str, Any] | None]


class Answers:
    """Every occurrence of every field in the answers of one principal, with the error at
    its path, if any."""

    def __init__(self) -> None:
        self.seen: dict[str, list[Observation]] = defaultdict(list)
        self.unplaced: list[dict[str, Any]] = []

    def read(self, root: str, body: dict[str, Any]) -> None:
        errors = body.get("errors", [])
        assert all("path" in e for e in errors), f"{root}: request failed: {errors}"
        at = {tuple(e["path"]): e for e in errors}
        placed: set[tuple[Any, ...]] = set()
        data = body.get("data") or {}
        value = data.get(root)
        self._record("Query", root, value, (root,), at, placed)
        self.unplaced += [e for path, e in at.items() if path not in placed]

    def _record(
        self,
        type_name: str,
        name: str,
        value: Any,
        path: tuple[Any, ...],
        at: dict[tuple[Any, ...], dict[str, Any]],
        placed: set[tuple[Any, ...]],
    ) -> None:
        placed.add(path)
        self.seen[f"{type_name}.{name}"].append((value, at.get(path)))
        inner = unwrap(object_type(type_name).fields[name].type)
        if isinstance(inner, GraphQLObjectType | GraphQLUnionType):
            for item_path, item in items(value, path):
                t = SCHEMA.type_map[item["__typename"]] if "__typename" in item else inner
                assert isinstance(t, GraphQLObjectType)
                for key, child in item.items():
                    if key != "__typename":
                        self._record(t.name, key, child, (*item_path, key), at, placed)


def items(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The objects in a field's value (lists of lists included) with their paths."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from items(item, (*path, i))
    elif isinstance(value, dict):
        yield path, value


def empty(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(empty(v) for v in value))


def traced(value: Any) -> bool:
    text = json.dumps(value)
    return any(trace in text for trace in SAFE_C_TRACES)


def refusal(error: dict[str, Any], field: str) -> str:
    """The cell of a refused field, checking what every refusal of its kind carries."""
    extensions = error.get("extensions") or {}
    code, reason = extensions.get("code"), extensions.get("reason")
    if code == "BAD_USER_INPUT":
        return "U"
    if code != "FORBIDDEN":
        return f"?{code}"
    if reason is None:
        return "F"
    assert field in error["message"], (field, error)  # names the field, never the data
    assert extensions.get("scopes"), (field, error)  # and a scope that would grant it
    return {"missing_scope": "S", "not_public": "P", "no_consent": "N"}.get(reason, f"?{reason}")


def cell(field: str, seen: list[Observation]) -> str:
    """What the caller got of `field`, over all its occurrences, as a table cell."""
    if not seen:
        return "."
    refused = {refusal(e, field) if e else "-" for _, e in seen}
    if refused != {"-"}:
        return refused.pop() if len(refused) == 1 else f"mixed{sorted(refused)}"
    values = [v for v, _ in seen]
    if all(empty(v) for v in values):
        return "A" if field in MAY_BE_EMPTY else "H"
    if field == "Person.name":
        if set(values) <= set(NAMES.values()):
            return "M"
        return "A" if set(values) <= set(NAMES) else f"?names{sorted(values)}"
    if field in TRACED:
        return "A" if traced(values) else "L"
    return "A"


def leaves_with_traces(answers: Answers) -> set[str]:
    """The scalar fields whose values carry a SAFE class C trace (but the SDL, which names
    every list kind: it describes the schema, not an enterprise)."""
    found = set()
    for field, seen in answers.seen.items():
        if field == "_Service.sdl":
            continue
        type_name, _, name = field.partition(".")
        inner = unwrap(object_type(type_name).fields[name].type)
        if not isinstance(inner, GraphQLObjectType | GraphQLUnionType) and traced(
            [v for v, _ in seen]
        ):
            found.add(field)
    return found


@pytest.fixture(scope="module")
async def zone(driver: AsyncDriver, hub_url: str, session_clock: HeldClock) -> AsyncIterator[str]:
    """The matrix's graph, built once for the module, with the hub held at NOON."""
    session_clock.hold(NOON)
    try:
        await wipe(driver)
        await build_zone(driver, hub_url)
        yield hub_url
    finally:
        session_clock.release()


async def token_of(hub_url: str, driver: AsyncDriver, principal: str) -> str:
    kind, _, consent = principal.partition("/")
    if kind == EXPLAINING_BANK:
        scopes = [*EXPLAINING_BANK_SCOPES, "lists:read"]
        lender = explaining_bank(consent)
        return await token_for(hub_url, driver, "bank", institution=lender, scopes=scopes)
    if consent:
        return await token_for(hub_url, driver, kind, institution=institution(kind, consent))
    named = {"enterprise": E1, "connector": "matrix-connector"}.get(kind)
    return await token_for(hub_url, driver, kind, institution=named)


async def answers_of(hub_url: str, token: str, roots: list[str]) -> Answers:
    answers = Answers()
    for root in roots:
        query, variables = ROOTS[root]
        answers.read(root, await ask(hub_url, token, query, **variables))
    assert answers.unplaced == [], f"errors at no field read: {answers.unplaced}"
    return answers


@pytest.mark.parametrize("principal", principals())
async def test_each_field_answers_as_the_table_says(
    zone: str, driver: AsyncDriver, principal: str
) -> None:
    token = await token_of(zone, driver, principal)
    answers = await answers_of(zone, token, list(ROOTS))
    unknown = sorted(set(answers.seen) - set(EXPECTED))
    assert unknown == [], f"fields without a line in the table: {unknown}"
    where = column(principal)
    got = {field: cell(field, answers.seen.get(field, [])) for field in EXPECTED}
    wrong = {
        field: f"table {cells[where]}, served {got[field]}"
        for field, cells in EXPECTED.items()
        if got[field] != cells[where]
    }
    assert wrong == {}, f"{principal}: " + json.dumps(wrong, indent=1)
    if principal.startswith(("bank/", "insurer/")) or principal == "public":
        # "A bank or insurer sees only the entries of the lists published by law (never SAFE
        # class C)"; the public likewise sees the published lists only
        assert leaves_with_traces(answers) == set()


@pytest.mark.parametrize("consent", EXPLAINING_BANK_CONSENTS)
async def test_a_bank_granted_credit_explain_reads_the_factor_summary_under_credit_consent(
    zone: str, driver: AsyncDriver, consent: str
) -> None:
    principal = f"{EXPLAINING_BANK}/{consent}"
    token = await token_of(zone, driver, principal)
    answers = await answers_of(zone, token, ["financingProfile"])
    field = "FinancingProfile.factorSummary"
    assert cell(field, answers.seen[field]) == EXTRA[(principal, field)]


@pytest.mark.parametrize("department", ["ZONE_ADMIN", "TAX"])
async def test_a_department_reads_its_own_measures_for_e1(
    zone: str, driver: AsyncDriver, department: str
) -> None:
    token = await token_of(zone, driver, "customs")
    query = (
        "query($u: String!, $d: String!) { measuresFor(uscc: $u, department: $d) "
        f"{{ {full('EnterpriseMeasures')} }} }}"
    )
    answers = Answers()
    answers.read("measuresFor", await ask(zone, token, query, u=E1, d=department))
    for (principal, field), outcome in EXTRA.items():
        if principal == f"customs@{department}":
            assert cell(field, answers.seen[field]) == outcome


def test_the_table_has_a_line_for_every_field_read_and_no_other() -> None:
    assert set(ROOTS) == set(object_type("Query").fields), "a root field without a query"
    assert set(EXPECTED) == SELECTED
    read = {field.partition(".")[0] for field in SELECTED}
    served = {
        name
        for name, t in SCHEMA.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("_")
    }
    assert served - read == NOT_READ


def test_every_refusal_has_an_allowed_twin() -> None:
    """A refused (or hidden) cell is only as good as the proof that the field is served at
    all: some column of the same line, or a twin beyond the default grants, gets its value."""
    extra: dict[str, set[str]] = defaultdict(set)
    for (_, field), outcome in EXTRA.items():
        extra[field].add(outcome)
    lonely = [
        field
        for field, cells in EXPECTED.items()
        if set(cells.values()) & (REFUSED | {"H"})
        and not (set(cells.values()) | extra[field]) & ALLOWED
    ]
    assert lonely == []


def test_the_columns_are_every_kind_and_each_consent_alone_together_and_none() -> None:
    assert set(KINDS) | {"bank", "insurer"} == {k.value for k in ClientKind}
    assert tuple(CONSENT_SCOPES) == CONSENTS
    alone = {scopes for scopes in CONSENT_SCOPES.values() if len(scopes) == 1}
    assert alone == {("enterprise:read",), ("credit:read",), ("financing:read",)}
    assert CONSENT_SCOPES["no"] == ()
    assert CONSENT_SCOPES["ECF"] == ("enterprise:read", "credit:read", "financing:read")


def test_every_field_of_the_schema_has_a_catalog_rule() -> None:
    """Not an oracle (the table is): a lint of the catalog's completeness. A field without a
    rule is refused to everyone, so a field added to the schema must get one."""
    from auth.catalog import load_catalog

    catalog = load_catalog()
    missing = [
        f"{name}.{field}"
        for name, t in SCHEMA.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__")
        for field in t.fields
        if catalog.field_rule(name, field) is None
    ]
    assert missing == [], (
        f"fields without an access rule (add them to auth/catalog.json): {missing}"
    )
