"""The scope catalog: scopes, each client kind's default grant, and the rule of every field.

The catalog is data (`auth/catalog.json`, versioned by its `version`), so a change of who may
see what is a reviewed data change, not a code change. `load_catalog()` reads and validates it
once at start; a catalog that names an unknown scope, lacks a client kind, repeats a scope or a
key, or has a malformed field rule is refused with a message naming the problem.

Shape of the file:

- `version`: an integer, raised on every change (the audit trail can record it).
- `scopes`: `[{name, description}]`, in the order the README shows them.
- `kinds`: for every `ClientKind`, `{description, scopes, visibility, purposeRequired?,
  publicOnly?, why?}`. `scopes` is the default grant; `visibility` is which enterprises the
  kind may see (`all`, `self`, `consented`, `none`, see `VisibilityMode`); `purposeRequired`
  means each request must carry `X-Purpose`; `publicOnly` limits the kind to fields marked
  `public`, to the public lists, and masks fields that have a `publicMask`.
- `lists`: `{public: [ListKind...], why}`: the lists published by law.
- `consents`: `{scopes: [scope...], why}`: the scopes an enterprise's consent to a bank or
  insurer may cover.
- `fields`: `"Type.field"` or `"Type.*"` (the type's default) to a rule, either a list of
  scopes (any one suffices) or `{anyOf, public?, publicMask?, consent?, why?}`. An empty `anyOf`
  means any authenticated caller. `consent` names the consentable scope a consent-limited
  caller's consent must cover for the enterprise the field belongs to. A field with no rule is
  denied to everyone (see `auth.policy`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from auth.principal import ClientKind
from graph_schema.datafile import describe_error
from graph_schema.model import ListKind

CATALOG_FILE = "catalog.json"
DEFAULT_PATH = Path(__file__).with_name(CATALOG_FILE)

_SCOPE_NAME = re.compile(r"^[a-z]+(:[a-z]+)?$")
_FIELD_KEY = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*\.([_A-Za-z][_0-9A-Za-z]*|\*)$")


class CatalogError(ValueError):
    """The catalog cannot be used; the message names the file and every problem found."""


class VisibilityMode(StrEnum):
    """Which enterprises a client kind may see."""

    ALL = "all"  # every enterprise
    SELF = "self"  # only the enterprise the client belongs to
    CONSENTED = "consented"  # only enterprises with an active consent naming the institution
    NONE = "none"  # no enterprise at all


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="forbid"
    )


def _no_repeats(values: Iterable[str], what: str) -> None:
    repeated = sorted(value for value, count in Counter(values).items() if count > 1)
    if repeated:
        raise ValueError(f"{what} repeats {', '.join(repeated)}")


class Scope(_Model):
    name: str
    description: str = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _well_formed(cls, name: str) -> str:
        if not _SCOPE_NAME.match(name):
            raise ValueError(f"scope name {name!r} is not of the form 'area:verb' or 'word'")
        return name


class FieldRule(_Model):
    """What one field (or a type's fields by default) needs.

    `any_of`: the caller needs at least one of these scopes; empty means any authenticated
    caller. `public`: a `publicOnly` client kind may see it. `public_mask`: how the value is
    shown to a `publicOnly` kind (the name of a masker in `auth.policy.MASKERS`).
    `consent`: for a kind whose visibility is `consented` (banks, insurers), the scope the
    enterprise's active consent to the caller must cover, beyond the `enterprise:read` that
    admits the enterprise: the field carries that scope's data (a classification is credit
    data); one of the catalog's `consents.scopes`.
    """

    any_of: tuple[str, ...]
    public: bool = False
    public_mask: Literal["person_name"] | None = None
    consent: str | None = None
    why: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _list_shorthand(cls, data: Any) -> Any:
        # `"Filing.*": ["enterprise:read"]` is short for `{"anyOf": ["enterprise:read"]}`.
        return {"anyOf": data} if isinstance(data, list) else data

    @model_validator(mode="after")
    def _consistent(self) -> FieldRule:
        _no_repeats(self.any_of, "anyOf")
        if self.public_mask is not None and not self.public:
            raise ValueError("publicMask is only meaningful on a public field")
        return self


class KindGrant(_Model):
    """A client kind's default grant and the visibility and purpose rules of the kind."""

    description: str = Field(min_length=1)
    scopes: tuple[str, ...]
    visibility: VisibilityMode
    purpose_required: bool = False
    public_only: bool = False
    why: str | None = None

    @field_validator("scopes")
    @classmethod
    def _distinct(cls, scopes: tuple[str, ...]) -> tuple[str, ...]:
        _no_repeats(scopes, "the grant")
        return scopes


class PublicLists(_Model):
    public: frozenset[ListKind]
    why: str | None = None


class Consentable(_Model):
    """The scopes an enterprise's consent may cover (each a catalog scope)."""

    scopes: frozenset[str] = Field(min_length=1)
    why: str | None = None


class Catalog(_Model):
    version: int = Field(ge=1)
    scopes: tuple[Scope, ...] = Field(min_length=1)
    kinds: dict[ClientKind, KindGrant]
    lists: PublicLists
    consents: Consentable
    fields: dict[str, FieldRule]

    @model_validator(mode="after")
    def _cross_references(self) -> Catalog:
        problems: list[str] = []
        names = [scope.name for scope in self.scopes]
        try:
            _no_repeats(names, "scopes")
        except ValueError as error:
            problems.append(str(error))
        known = set(names)
        missing = [kind.value for kind in ClientKind if kind not in self.kinds]
        if missing:
            problems.append(f"kinds: no grant for {', '.join(missing)}")
        for kind, grant in self.kinds.items():
            unknown = [s for s in grant.scopes if s not in known]
            if unknown:
                problems.append(f"kinds.{kind.value}: unknown scope {', '.join(unknown)}")
            # 'self' is the enterprise named by the token, which only an enterprise client
            # has (Principal.enterprise_uscc); on any other kind it would match nothing.
            if grant.visibility is VisibilityMode.SELF and kind is not ClientKind.ENTERPRISE:
                problems.append(
                    f"kinds.{kind.value}: visibility 'self' is only for enterprise clients"
                )
        unknown = sorted(s for s in self.consents.scopes if s not in known)
        if unknown:
            problems.append(f"consents: unknown scope {', '.join(unknown)}")
        for key, rule in self.fields.items():
            if not _FIELD_KEY.match(key):
                problems.append(f"fields: key {key!r} is not 'Type.field' or 'Type.*'")
            unknown = [s for s in rule.any_of if s not in known]
            if unknown:
                problems.append(f"fields.{key}: unknown scope {', '.join(unknown)}")
            if rule.consent is not None and rule.consent not in self.consents.scopes:
                problems.append(
                    f"fields.{key}: consent {rule.consent!r} is not a scope a consent can "
                    f"cover ({', '.join(sorted(self.consents.scopes))})"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def grant(self, kind: ClientKind) -> KindGrant:
        return self.kinds[kind]

    def default_scopes(self, kind: ClientKind) -> frozenset[str]:
        """The scopes a client of this kind is given unless registered with others."""
        return frozenset(self.kinds[kind].scopes)

    def default_grants(self) -> dict[ClientKind, frozenset[str]]:
        """Every kind's default grant (what `hub clients demo` gives each demo client)."""
        return {kind: self.default_scopes(kind) for kind in ClientKind}

    def scope_names(self) -> frozenset[str]:
        return frozenset(scope.name for scope in self.scopes)

    def field_rule(self, type_name: str, field_name: str) -> FieldRule | None:
        """The field's own rule, else its type's default (`Type.*`), else None (no rule)."""
        rule = self.fields.get(f"{type_name}.{field_name}")
        return rule if rule is not None else self.fields.get(f"{type_name}.*")

    def is_public_list(self, list_kind: str) -> bool:
        return list_kind in self.lists.public


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys silently; a repeated kind or field rule would
    # then hide the first one from review, so a repeat is an error.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise CatalogError(f"key {key!r} appears twice in one object")
        result[key] = value
    return result


def parse_catalog(text: str, source: str = CATALOG_FILE) -> Catalog:
    """Validate a catalog given as JSON text; `source` names it in errors."""
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
    except CatalogError as error:
        raise CatalogError(f"{source}: {error}") from None
    except json.JSONDecodeError as error:
        raise CatalogError(f"{source}: not JSON: {error}") from None
    try:
        return Catalog.model_validate(data)
    except ValidationError as error:
        raise CatalogError(f"{source}: {describe_error(error)}") from None


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Read and validate the catalog: the packaged `auth/catalog.json` unless a path is given."""
    # Found beside this module rather than through importlib.resources("auth"): under pytest a
    # tests/auth folder can make `auth` a namespace package whose first path is that folder.
    source = Path(path) if path is not None else DEFAULT_PATH
    return parse_catalog(source.read_text(encoding="utf-8"), str(source))


_VISIBILITY_TEXT: dict[VisibilityMode, str] = {
    VisibilityMode.ALL: "all",
    VisibilityMode.SELF: "itself only",
    VisibilityMode.CONSENTED: "those with an active consent to it",
    VisibilityMode.NONE: "none",
}


def catalog_markdown(catalog: Catalog) -> str:
    """The README's tables of scopes and client kinds, generated from the catalog."""
    lines = [
        f"Scope catalog version {catalog.version} (`auth/catalog.json`).",
        "",
        "| scope | what it grants | default for |",
        "| --- | --- | --- |",
    ]
    for scope in catalog.scopes:
        kinds = [kind.value for kind, grant in catalog.kinds.items() if scope.name in grant.scopes]
        lines.append(f"| `{scope.name}` | {scope.description} | {', '.join(kinds)} |")
    lines += [
        "",
        "| client kind | who | default scopes | enterprises it sees | `X-Purpose` |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind in ClientKind:
        grant = catalog.kinds[kind]
        every = set(grant.scopes) == catalog.scope_names()
        scopes = "every scope" if every else ", ".join(f"`{s}`" for s in grant.scopes)
        purpose = "required" if grant.purpose_required else "optional"
        sees = _VISIBILITY_TEXT[grant.visibility]
        lines.append(f"| `{kind.value}` | {grant.description} | {scopes} | {sees} | {purpose} |")
    public = ", ".join(f"`{kind}`" for kind in sorted(catalog.lists.public))
    consentable = ", ".join(f"`{scope}`" for scope in sorted(catalog.consents.scopes))
    lines += [
        "",
        f"Public clients see only public fields and entries of the lists {public}.",
        "",
        f"A consent to a bank or insurer may cover {consentable}.",
    ]
    return "\n".join(lines) + "\n"


__all__ = [
    "DEFAULT_PATH",
    "Catalog",
    "CatalogError",
    "Consentable",
    "FieldRule",
    "KindGrant",
    "Scope",
    "VisibilityMode",
    "catalog_markdown",
    "load_catalog",
    "parse_catalog",
]


if __name__ == "__main__":  # python -m auth.catalog: print the README tables
    print(catalog_markdown(load_catalog()), end="")
