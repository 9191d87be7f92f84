"""The scope catalog: the packaged file loads, says what SPEC section 5 says, and a broken
catalog is refused with a message naming the problem. No database."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from auth.catalog import (
    DEFAULT_PATH,
    Catalog,
    CatalogError,
    VisibilityMode,
    catalog_markdown,
    load_catalog,
    parse_catalog,
)
from auth.principal import ClientKind
from graph_schema.model import ListKind

SPEC_SCOPES = {
    "enterprise:read",
    "credit:read",
    "credit:explain",
    "customs:read",
    "tax:read",
    "fx:read",
    "payments:read",
    "logistics:read",
    "penalties:read",
    "lists:read",
    "graph:read",
    "risk:read",
    "stats:read",
    "pii:read",
    "financing:read",
    "audit:read",
    "self:read",
    "consent:write",
    "connector:push",
    "admin",
}


def raw() -> dict[str, Any]:
    """The packaged catalog as plain data, to break on purpose."""
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


RAW = raw()


def broken(change: Any) -> str:
    """The error message of the packaged catalog after `change(data)`."""
    data = copy.deepcopy(RAW)
    change(data)
    with pytest.raises(CatalogError) as caught:
        parse_catalog(json.dumps(data), "test.json")
    return str(caught.value)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_packaged_catalog_loads_with_a_version_and_described_scopes(catalog: Catalog) -> None:
    assert catalog.version >= 1
    # the spec's scopes, objection:write for the enterprise's objections (issue 7),
    # commerce:read for the commerce department's records (issue 19) and risk:dispose for
    # the regulator's disposal of risk alerts (issue 21)
    assert catalog.scope_names() == SPEC_SCOPES | {
        "objection:write",
        "commerce:read",
        "risk:dispose",
    }
    assert all(scope.description.strip() for scope in catalog.scopes)


@pytest.mark.parametrize("kind", list(ClientKind))
def test_each_kinds_default_grant_is_the_data(catalog: Catalog, kind: ClientKind) -> None:
    assert catalog.default_scopes(kind) == frozenset(RAW["kinds"][kind.value]["scopes"])
    assert catalog.default_scopes(kind) <= catalog.scope_names()
    assert catalog.default_grants()[kind] == catalog.default_scopes(kind)


def test_grants_follow_who_the_kinds_are(catalog: Catalog) -> None:
    assert catalog.default_scopes(ClientKind.CONNECTOR) == {"connector:push"}
    assert catalog.default_scopes(ClientKind.ADMIN) == catalog.scope_names()
    assert catalog.default_scopes(ClientKind.PUBLIC) == {"enterprise:read", "lists:read"}
    for kind in ClientKind:
        if kind not in (ClientKind.REGULATOR, ClientKind.ADMIN):
            assert "pii:read" not in catalog.default_scopes(kind), kind
    # Only lenders read financing data, and only under consent with a stated purpose.
    lenders = {k for k in ClientKind if "financing:read" in catalog.default_scopes(k)}
    assert lenders == {ClientKind.BANK, ClientKind.INSURER, ClientKind.ADMIN}
    for kind in (ClientKind.BANK, ClientKind.INSURER):
        assert catalog.grant(kind).visibility is VisibilityMode.CONSENTED
        assert catalog.grant(kind).purpose_required
    assert catalog.grant(ClientKind.ENTERPRISE).visibility is VisibilityMode.SELF
    assert catalog.grant(ClientKind.CONNECTOR).visibility is VisibilityMode.NONE
    assert catalog.grant(ClientKind.PUBLIC).public_only


def test_public_lists_are_those_published_by_law(catalog: Catalog) -> None:
    assert catalog.lists.public == set(ListKind) - {ListKind.SAFE_CLASS_C}


def test_field_rule_prefers_the_fields_own_rule_to_the_type_default(catalog: Catalog) -> None:
    own = catalog.field_rule("ListEntry", "source")
    default = catalog.field_rule("ListEntry", "reason")
    assert own is not None and default is not None
    assert not own.public and default.public
    assert catalog.field_rule("Penalty", "caseNo") == catalog.fields["Penalty.*"]
    assert catalog.field_rule("Enterprise", "noSuchField") is None
    assert catalog.field_rule("NoSuchType", "id") is None


def test_list_shorthand_is_any_of_and_not_public(catalog: Catalog) -> None:
    rule = catalog.fields["Filing.*"]
    assert rule.any_of == ("enterprise:read",)
    assert not rule.public


def test_load_catalog_reads_a_given_path(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(RAW), encoding="utf-8")
    assert load_catalog(path) == load_catalog()
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CatalogError, match=rf"^{re.escape(str(path))}: not JSON"):
        load_catalog(path)


def test_unknown_scope_in_a_grant_is_named() -> None:
    message = broken(lambda d: d["kinds"]["bank"]["scopes"].append("loans:read"))
    assert "kinds.bank: unknown scope loans:read" in message
    assert message.startswith("test.json: ")


def test_missing_kind_is_named() -> None:
    message = broken(lambda d: d["kinds"].pop("insurer"))
    assert "kinds: no grant for insurer" in message


def test_unknown_kind_is_named() -> None:
    message = broken(lambda d: d["kinds"].update(court=d["kinds"]["samr"]))
    assert "kinds.court" in message


def test_duplicate_scope_in_the_scope_list_is_named() -> None:
    message = broken(lambda d: d["scopes"].append(dict(d["scopes"][0])))
    assert "scopes repeats enterprise:read" in message


def test_duplicate_scope_in_a_grant_is_named() -> None:
    message = broken(lambda d: d["kinds"]["tax"]["scopes"].append("tax:read"))
    assert "kinds.tax.scopes: the grant repeats tax:read" in message


def test_a_key_written_twice_is_refused() -> None:
    text = json.dumps(RAW).replace(
        '"Enterprise.uscc": {', '"Enterprise.uscc": ["admin"], "Enterprise.uscc": {', 1
    )
    with pytest.raises(CatalogError, match=r"'Enterprise\.uscc' appears twice"):
        parse_catalog(text)


def test_unknown_scope_in_a_field_rule_is_named() -> None:
    message = broken(lambda d: d["fields"].update({"Enterprise.name": ["enterprise:raed"]}))
    assert "fields.Enterprise.name: unknown scope enterprise:raed" in message


def test_malformed_field_key_is_named() -> None:
    message = broken(lambda d: d["fields"].update({"Enterprise": ["enterprise:read"]}))
    assert "key 'Enterprise' is not 'Type.field' or 'Type.*'" in message


def test_unknown_public_list_is_named() -> None:
    message = broken(lambda d: d["lists"]["public"].append("GREY_LIST"))
    assert "lists.public" in message


def test_misspelt_option_is_refused_not_ignored() -> None:
    message = broken(lambda d: d["kinds"]["bank"].update(purposeRequierd=True))
    assert "kinds.bank.purposeRequierd" in message


def test_self_visibility_only_for_enterprises() -> None:
    message = broken(lambda d: d["kinds"]["bank"].update(visibility="self"))
    assert "kinds.bank: visibility 'self' is only for enterprise clients" in message


def test_consents_cover_the_lenders_scopes(catalog: Catalog) -> None:
    assert catalog.consents.scopes == {"enterprise:read", "credit:read", "financing:read"}


def test_a_consentable_scope_must_be_a_catalog_scope() -> None:
    message = broken(lambda d: d["consents"]["scopes"].append("spy:read"))
    assert "consents: unknown scope spy:read" in message


def test_a_field_may_ask_only_for_a_consentable_scope() -> None:
    message = broken(lambda d: d["fields"]["FinancingProfile.grade"].update(consent="tax:read"))
    assert "fields.FinancingProfile.grade: consent 'tax:read' is not a scope a consent" in message
    # the allowed twin: a consentable scope parses
    data = copy.deepcopy(RAW)
    data["fields"]["FinancingProfile.grade"]["consent"] = "financing:read"
    rule = parse_catalog(json.dumps(data)).fields["FinancingProfile.grade"]
    assert rule.consent == "financing:read"


def test_mask_only_on_public_fields() -> None:
    message = broken(lambda d: d["fields"]["Person.name"].update(public=False))
    assert "fields.Person.name: publicMask is only meaningful on a public field" in message


def test_several_problems_are_all_named() -> None:
    def change(d: dict[str, Any]) -> None:
        d["kinds"].pop("public")
        d["kinds"]["customs"]["scopes"].append("spy:read")

    message = broken(change)
    assert "no grant for public" in message and "unknown scope spy:read" in message


def test_markdown_tables_name_every_scope_and_kind(catalog: Catalog) -> None:
    text = catalog_markdown(catalog)
    for scope in catalog.scope_names():
        assert f"| `{scope}` |" in text
    for kind in ClientKind:
        assert f"| `{kind.value}` |" in text
