"""The access policy as pure decisions: fields, visibility, lists, purpose, masking. No database."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from auth.catalog import Catalog, VisibilityMode, load_catalog, parse_catalog
from auth.policy import (
    MASKERS,
    VISIBILITY_PREDICATE,
    VISIBILITY_PREDICATES,
    Decision,
    EnterpriseVisibility,
    apply_mask,
    enterprise_visibility,
    field_allowed,
    field_decider,
    list_visibility,
    mask_person_name,
    purpose_required,
    requires_scopes,
    visibility_params,
    visibility_predicate,
)
from auth.principal import ClientKind, Principal
from graph_schema.model import ListKind

CATALOG = load_catalog()
USCC = "91350100M000100Y43"
NOW = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC)


def who(
    kind: ClientKind, scopes: set[str] | None = None, institution: str | None = "INST-1"
) -> Principal:
    """A principal of `kind` with its default grant unless `scopes` is given."""
    if kind is ClientKind.ENTERPRISE and institution == "INST-1":
        institution = USCC
    granted = frozenset(scopes) if scopes is not None else CATALOG.default_scopes(kind)
    return Principal(
        client_id=f"{kind.value}-1", kind=kind, scopes=granted, institution=institution
    )


def allowed(principal: Principal, type_field: str, catalog: Catalog = CATALOG) -> bool:
    type_name, field_name = type_field.split(".")
    return field_allowed(catalog, principal, type_name, field_name).allowed


def variant(change: Any) -> Catalog:
    """The packaged catalog after `change(data)`, e.g. with a field that does not exist yet."""
    data = json.loads(CATALOG.model_dump_json(by_alias=True))
    change(data)
    return parse_catalog(json.dumps(data), "variant")


# --- fields ---------------------------------------------------------------------------------


def test_regulator_sees_penalties_and_personal_data() -> None:
    regulator = who(ClientKind.REGULATOR)
    for field in ("Enterprise.penalties", "Penalty.caseNo", "Person.personKey", "Person.idMasked"):
        assert allowed(regulator, field), field
    assert field_allowed(CATALOG, regulator, "Person", "name").mask is None


def test_bank_sees_registry_ratings_and_lists_but_no_penalties_or_pii() -> None:
    bank = who(ClientKind.BANK)
    for field in ("Enterprise.name", "Enterprise.classifications", "Enterprise.listEntries"):
        assert allowed(bank, field), field
    denied = field_allowed(CATALOG, bank, "Enterprise", "penalties")
    assert denied == Decision(False, ("penalties:read",), "missing_scope")
    assert denied.message("Enterprise", "penalties") == (
        "Enterprise.penalties needs the scope penalties:read"
    )
    assert denied.extensions() == {
        "code": "FORBIDDEN",
        "scopes": ["penalties:read"],
        "reason": "missing_scope",
    }
    assert not allowed(bank, "Person.idMasked")
    assert not allowed(bank, "Person.personKey")


def test_financing_fields_follow_the_grant_not_the_kind() -> None:
    catalog = variant(lambda d: d["fields"].update({"Enterprise.financing": ["financing:read"]}))
    assert allowed(who(ClientKind.BANK), "Enterprise.financing", catalog)
    assert allowed(who(ClientKind.INSURER), "Enterprise.financing", catalog)
    assert not allowed(who(ClientKind.CUSTOMS), "Enterprise.financing", catalog)
    assert not allowed(who(ClientKind.REGULATOR), "Enterprise.financing", catalog)
    # A bank token issued without financing:read does not get it from its kind.
    narrow = who(ClientKind.BANK, {"enterprise:read", "credit:read"})
    assert not allowed(narrow, "Enterprise.financing", catalog)


def test_public_sees_public_fields_only_and_names_masked() -> None:
    public = who(ClientKind.PUBLIC)
    for field in ("Query.enterprise", "Enterprise.name", "Enterprise.legalRepresentative"):
        assert allowed(public, field), field
    assert allowed(public, "Enterprise.listEntries") and allowed(public, "ListEntry.reason")
    for field in ("Enterprise.penalties", "Penalty.id", "Person.idMasked", "Person.personKey"):
        assert not allowed(public, field), field
    filings = field_allowed(CATALOG, public, "Enterprise", "filings")
    assert filings == Decision(False, ("enterprise:read",), "not_public")
    assert filings.message("Enterprise", "filings") == (
        "Enterprise.filings is not available to public clients"
    )
    assert not allowed(public, "ListEntry.source")
    name = field_allowed(CATALOG, public, "Person", "name")
    assert name.allowed and name.mask == "person_name"
    assert apply_mask(name, "Wang Wei") == "Wang *"


def test_public_kind_stays_public_even_with_a_wider_token() -> None:
    public = who(ClientKind.PUBLIC, {"enterprise:read", "lists:read", "penalties:read"})
    assert not allowed(public, "Enterprise.penalties")


def test_public_sees_penalties_once_the_catalog_says_so() -> None:
    def publish(d: dict[str, Any]) -> None:
        d["kinds"]["public"]["scopes"].append("penalties:read")
        d["fields"]["Enterprise.penalties"]["public"] = True
        d["fields"]["Penalty.*"] = {"anyOf": ["penalties:read"], "public": True}

    catalog = variant(publish)
    public = Principal("p", ClientKind.PUBLIC, catalog.default_scopes(ClientKind.PUBLIC))
    assert allowed(public, "Enterprise.penalties", catalog)
    assert allowed(public, "Penalty.amountCny", catalog)


def test_connector_sees_no_enterprise_data() -> None:
    connector = who(ClientKind.CONNECTOR)
    for key, rule in CATALOG.fields.items():
        type_name, field_name = key.split(".")
        decision = field_allowed(CATALOG, connector, type_name, field_name)
        assert decision.allowed == (not rule.any_of), key


def test_enterprise_sees_its_own_penalties_and_lists() -> None:
    enterprise = who(ClientKind.ENTERPRISE)
    assert allowed(enterprise, "Enterprise.penalties")
    assert allowed(enterprise, "Enterprise.listEntries")
    assert not allowed(enterprise, "Person.idMasked")


def test_admin_sees_every_field_with_a_rule() -> None:
    admin = who(ClientKind.ADMIN)
    for key in CATALOG.fields:
        assert allowed(admin, key.replace("*", "anyField")), key


@pytest.mark.parametrize("kind", list(ClientKind))
def test_a_field_without_a_rule_is_denied_to_everyone(kind: ClientKind) -> None:
    for type_name, field_name in (("Enterprise", "taxArrears"), ("Unruled", "id")):
        decision = field_allowed(CATALOG, who(kind), type_name, field_name)
        assert decision == Decision(False, (), "no_rule")
        assert "has no access rule" in decision.message(type_name, field_name)


def test_meta_fields_and_rules_without_scopes_need_no_scope() -> None:
    nobody = who(ClientKind.CONNECTOR, set())
    assert allowed(nobody, "Enterprise.__typename")
    assert allowed(nobody, "Query._service") and allowed(nobody, "_Service.sdl")
    assert not allowed(nobody, "Query._entities")


def test_any_one_of_the_scopes_is_enough() -> None:
    graph_only = who(ClientKind.REGULATOR, {"graph:read"})
    assert allowed(graph_only, "Person.personKey")
    decision = field_allowed(CATALOG, who(ClientKind.BANK), "Person", "personKey")
    assert decision.missing_scopes == ("pii:read", "graph:read")
    assert decision.message("Person", "personKey") == (
        "Person.personKey needs one of the scopes pii:read, graph:read"
    )


def test_decider_answers_as_field_allowed_does() -> None:
    bank = who(ClientKind.BANK)
    decide = field_decider(CATALOG, bank)
    for key in CATALOG.fields:
        type_name, field_name = key.split(".")
        first = decide(type_name, field_name)
        assert first == field_allowed(CATALOG, bank, type_name, field_name)
        assert decide(type_name, field_name) is first


# --- federation -----------------------------------------------------------------------------


def test_requires_scopes_matches_the_rule() -> None:
    assert requires_scopes(CATALOG, "Enterprise", "penalties") == [["penalties:read"]]
    assert requires_scopes(CATALOG, "Penalty", "caseNo") == [["penalties:read"]]
    assert requires_scopes(CATALOG, "Person", "personKey") == [["pii:read"], ["graph:read"]]
    assert requires_scopes(CATALOG, "_Service", "sdl") == []
    with pytest.raises(LookupError, match=r"Enterprise\.taxArrears has no access rule"):
        requires_scopes(CATALOG, "Enterprise", "taxArrears")


# --- which enterprises ----------------------------------------------------------------------

EXPECTED_VISIBILITY = {
    ClientKind.CUSTOMS: EnterpriseVisibility.all(),
    ClientKind.TAX: EnterpriseVisibility.all(),
    ClientKind.SAFE: EnterpriseVisibility.all(),
    ClientKind.COMMERCE: EnterpriseVisibility.all(),
    ClientKind.SAMR: EnterpriseVisibility.all(),
    ClientKind.REGULATOR: EnterpriseVisibility.all(),
    ClientKind.BANK: EnterpriseVisibility.consented("INST-1"),
    ClientKind.INSURER: EnterpriseVisibility.consented("INST-1"),
    ClientKind.ENTERPRISE: EnterpriseVisibility.only(USCC),
    ClientKind.CONNECTOR: EnterpriseVisibility.none(),
    ClientKind.PUBLIC: EnterpriseVisibility.all(),
    ClientKind.ADMIN: EnterpriseVisibility.all(),
}


@pytest.mark.parametrize("kind", list(ClientKind))
def test_enterprise_visibility_per_kind(kind: ClientKind) -> None:
    assert enterprise_visibility(CATALOG, who(kind)) == EXPECTED_VISIBILITY[kind]


@pytest.mark.parametrize("kind", [ClientKind.ENTERPRISE, ClientKind.BANK, ClientKind.INSURER])
def test_a_principal_missing_its_identity_sees_nothing(kind: ClientKind) -> None:
    nothing = EnterpriseVisibility.none()
    assert enterprise_visibility(CATALOG, who(kind, institution=None)) == nothing
    assert enterprise_visibility(CATALOG, who(kind, institution="")) == nothing


def test_visibility_params_carry_every_parameter_of_the_predicate() -> None:
    params = visibility_params(EnterpriseVisibility.consented("BANK-7"), NOW)
    assert params == {
        "visibility_mode": "consented",
        "visibility_uscc": None,
        "visibility_institution": "BANK-7",
        "visibility_now": NOW,
    }
    assert set(re.findall(r"\$(\w+)", VISIBILITY_PREDICATE)) == set(params)
    assert visibility_params(EnterpriseVisibility.only(USCC), NOW)["visibility_uscc"] == USCC
    assert visibility_params(EnterpriseVisibility.none(), NOW)["visibility_mode"] == "none"


def test_visibility_predicate_has_a_branch_for_every_mode_but_none() -> None:
    modes = set(re.findall(r"\$visibility_mode = '(\w+)'", VISIBILITY_PREDICATE))
    assert modes == {mode.value for mode in VisibilityMode} - {"none"}
    assert "e.uscc = $visibility_uscc" in VISIBILITY_PREDICATE
    assert "(e)-[:CONSENTED]->(c:Consent)" in VISIBILITY_PREDICATE


@pytest.mark.parametrize("visibility", set(EXPECTED_VISIBILITY.values()))
def test_each_mode_has_a_specialised_predicate_over_the_same_parameters(
    visibility: EnterpriseVisibility,
) -> None:
    fragment = visibility_predicate(visibility)
    assert fragment is VISIBILITY_PREDICATES[visibility.mode]
    assert set(re.findall(r"\$(\w+)", fragment)) <= set(visibility_params(visibility, NOW))
    assert "$visibility_mode" not in fragment
    assert visibility_predicate(EnterpriseVisibility.consented("x")) == visibility_predicate(
        EnterpriseVisibility.consented("y")
    )


def test_visibility_params_refuse_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        visibility_params(EnterpriseVisibility.all(), dt.datetime(2026, 6, 1))


# --- lists, purpose, masking ----------------------------------------------------------------


@pytest.mark.parametrize("list_kind", list(ListKind))
def test_public_and_consent_limited_clients_see_only_public_lists(list_kind: ListKind) -> None:
    public = list_kind is not ListKind.SAFE_CLASS_C
    assert list_visibility(CATALOG, who(ClientKind.PUBLIC)).shows(list_kind) is public
    assert list_visibility(CATALOG, who(ClientKind.BANK)).shows(list_kind) is public
    assert list_visibility(CATALOG, who(ClientKind.INSURER)).shows(list_kind) is public
    assert list_visibility(CATALOG, who(ClientKind.CUSTOMS)).shows(list_kind)
    assert list_visibility(CATALOG, who(ClientKind.REGULATOR)).shows(list_kind)
    assert list_visibility(CATALOG, who(ClientKind.ENTERPRISE)).shows(list_kind)
    assert not list_visibility(CATALOG, who(ClientKind.CONNECTOR)).shows(list_kind)


@pytest.mark.parametrize("kind", list(ClientKind))
def test_purpose_is_required_of_lenders_only(kind: ClientKind) -> None:
    expected = kind in (ClientKind.BANK, ClientKind.INSURER)
    assert purpose_required(CATALOG, who(kind)) is expected


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Wang Wei", "Wang *"),
        ("  Li  Xiao Long ", "Li *"),
        ("王伟", "王*"),
        ("欧阳娜娜", "欧*"),
        ("买买提·艾力", "买*"),
        ("Wang", "W*"),
        ("王", "*"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_person_name(name: str, masked: str) -> None:
    assert mask_person_name(name) == masked


def test_masks_hide_length_and_leave_absent_values_alone() -> None:
    assert mask_person_name("王小") == mask_person_name("王小明明")
    decision = Decision(True, mask="person_name")
    assert apply_mask(decision, None) is None
    assert apply_mask(Decision(True), "Wang Wei") == "Wang Wei"
    assert set(MASKERS) == {"person_name"}
