"""The access policy: which fields, which enterprises and which lists a principal may see.

Pure functions over the catalog (`auth.catalog`) and the principal (`auth.principal`): no I/O,
no clock (callers pass `now`), no GraphQL import, so the GraphQL layer, the SDL printer, the
audit trail and the tests all ask the same questions of the same rules.

- Fields: `field_allowed` decides for a `Type.field` (GraphQL names). A field without a rule is
  denied to everyone, so a new field stays hidden until the catalog says who may see it.
  A denial names the scopes that would grant the field (`Decision.missing_scopes`).
- Enterprises: `enterprise_visibility` says which enterprises the caller may see;
  `visibility_params` turns that into the parameters of `VISIBILITY_PREDICATE`, a Cypher WHERE
  fragment over the enterprise variable `e` that the queries apply right after their indexed
  lookup. An enterprise the caller may not see is indistinguishable from one that does not
  exist.
- Lists: `list_visibility`, the one answer to which lists the caller may see, on every path.
- Purpose, masking: `purpose_required`, `mask_person_name`.
- Federation: `requires_scopes` gives the `@requiresScopes` argument matching a field's rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from auth.catalog import Catalog, VisibilityMode
from auth.principal import Principal
from graph_schema.model import ListKind
from graph_schema.predicates import has_active_consent

Reason = Literal["granted", "missing_scope", "not_public", "no_rule", "no_consent"]


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a field may be resolved for a caller, and if not, why.

    `missing_scopes`: any one of these would grant the field (empty when no scope can, i.e.
    `no_rule`). For `not_public` they are the scopes the field needs of a non-public client.
    `mask`: when allowed, the name of the masker (`MASKERS`) to apply to the value.
    `consent`: when allowed to a consent-limited caller, the scope the enterprise's active
    consent to the caller must also cover (checked per enterprise, where the data is read).
    """

    allowed: bool
    missing_scopes: tuple[str, ...] = ()
    reason: Reason = "granted"
    mask: str | None = None
    consent: str | None = None

    def message(self, type_name: str, field_name: str) -> str:
        """The error message of a denial; it depends on the schema and caller, never on data."""
        where = f"{type_name}.{field_name}"
        if self.reason == "no_rule":
            return f"{where} has no access rule in the scope catalog"
        if self.reason == "not_public":
            return f"{where} is not available to public clients"
        if self.reason == "no_consent":
            return f"{where} needs a consent of this enterprise covering {self.consent}"
        if len(self.missing_scopes) == 1:
            return f"{where} needs the scope {self.missing_scopes[0]}"
        return f"{where} needs one of the scopes {', '.join(self.missing_scopes)}"

    def extensions(self) -> dict[str, Any]:
        """The GraphQL error extensions of a denial."""
        return {"code": "FORBIDDEN", "scopes": list(self.missing_scopes), "reason": self.reason}


GRANTED: Final = Decision(allowed=True)
_NO_RULE: Final = Decision(allowed=False, reason="no_rule")


def field_allowed(
    catalog: Catalog, principal: Principal, type_name: str, field_name: str
) -> Decision:
    """May `principal` resolve `type_name.field_name`? GraphQL names: `Enterprise.listEntries`."""
    # Introspection meta fields (__typename, __schema, __type) and the fields of the
    # introspection types (__Schema, __Type, __Field, ...) describe the schema, not data;
    # introspection as a whole is switched off in production by the schema's own extension.
    if field_name.startswith("__") or type_name.startswith("__"):
        return GRANTED
    rule = catalog.field_rule(type_name, field_name)
    if rule is None:
        return _NO_RULE
    grant = catalog.grant(principal.kind)
    if grant.public_only and not rule.public:
        return Decision(allowed=False, missing_scopes=rule.any_of, reason="not_public")
    if rule.any_of and principal.scopes.isdisjoint(rule.any_of):
        return Decision(allowed=False, missing_scopes=rule.any_of, reason="missing_scope")
    if grant.public_only and rule.public_mask is not None:
        return Decision(allowed=True, mask=rule.public_mask)
    if grant.visibility is VisibilityMode.CONSENTED and rule.consent is not None:
        return Decision(allowed=True, consent=rule.consent)
    return GRANTED


def without_consent(decision: Decision) -> Decision:
    """The denial of a field whose enterprise has no active consent covering
    `decision.consent` (the caller asked for a field `field_allowed` granted under consent)."""
    scope = decision.consent or ""
    return Decision(allowed=False, missing_scopes=(scope,), reason="no_consent", consent=scope)


def field_decider(catalog: Catalog, principal: Principal) -> Callable[[str, str], Decision]:
    """`field_allowed` for one principal, remembering each answer: make one per request, since
    a page of enterprises asks the same few questions thousands of times."""
    cache: dict[tuple[str, str], Decision] = {}

    def decide(type_name: str, field_name: str) -> Decision:
        key = (type_name, field_name)
        decision = cache.get(key)
        if decision is None:
            decision = cache[key] = field_allowed(catalog, principal, type_name, field_name)
        return decision

    return decide


def mask_person_name(name: str) -> str:
    """A person's name with all but the surname hidden: "Wang Wei" -> "Wang *", "王伟" -> "王*".

    Names without spaces (Chinese) keep their first character only, which also hides the
    given name of compound surnames (欧阳娜娜 -> 欧*). The mask has one star whatever the length,
    so it does not reveal how long the name is.
    """
    name = name.strip()
    if not name:
        return ""
    head, _, rest = name.partition(" ")
    if rest.strip():
        return f"{head} *"
    return f"{name[0]}*" if len(name) > 1 else "*"


MASKERS: Final[Mapping[str, Callable[[str], str]]] = {"person_name": mask_person_name}
"""Maskers by the name a field rule's `publicMask` uses."""


def apply_mask(decision: Decision, value: Any) -> Any:
    """The value as the caller may see it: masked when the decision says so (None stays None)."""
    if decision.mask is None or value is None:
        return value
    return MASKERS[decision.mask](value)


def requires_scopes(catalog: Catalog, type_name: str, field_name: str) -> list[list[str]]:
    """The argument of the field's `@requiresScopes` directive: any-of groups of one scope each.

    `[]` means the field needs no scope (print no directive). A field without a rule raises
    `LookupError`, so the SDL cannot be built for a schema the policy would not serve.
    Public-only limits, masks and visibility are the hub's own: a gateway enforces scopes only.
    """
    rule = catalog.field_rule(type_name, field_name)
    if rule is None:
        raise LookupError(f"{type_name}.{field_name} has no access rule in the scope catalog")
    return [[scope] for scope in rule.any_of]


@dataclass(frozen=True, slots=True)
class EnterpriseVisibility:
    """Which enterprises the caller may see: all, only `uscc`, those consenting to
    `institution`, or none."""

    mode: VisibilityMode
    uscc: str | None = None
    institution: str | None = None

    @classmethod
    def all(cls) -> EnterpriseVisibility:
        return cls(VisibilityMode.ALL)

    @classmethod
    def only(cls, uscc: str) -> EnterpriseVisibility:
        return cls(VisibilityMode.SELF, uscc=uscc)

    @classmethod
    def consented(cls, institution: str) -> EnterpriseVisibility:
        return cls(VisibilityMode.CONSENTED, institution=institution)

    @classmethod
    def none(cls) -> EnterpriseVisibility:
        return cls(VisibilityMode.NONE)


def enterprise_visibility(catalog: Catalog, principal: Principal) -> EnterpriseVisibility:
    """The enterprises `principal` may see, by its kind's `visibility` in the catalog."""
    mode = catalog.grant(principal.kind).visibility
    if mode is VisibilityMode.ALL:
        return EnterpriseVisibility.all()
    # A principal without the identity its mode needs sees nothing rather than everything: a
    # token of an enterprise client that names no enterprise is a broken token, not a wildcard.
    if mode is VisibilityMode.SELF:
        uscc = principal.enterprise_uscc
        return EnterpriseVisibility.only(uscc) if uscc else EnterpriseVisibility.none()
    if mode is VisibilityMode.CONSENTED:
        institution = principal.institution
        return (
            EnterpriseVisibility.consented(institution)
            if institution
            else EnterpriseVisibility.none()
        )
    return EnterpriseVisibility.none()


def active_consent(scope: str) -> str:
    """Cypher: has enterprise `e` a consent to `$visibility_institution` covering `scope` that
    is neither revoked nor past `expiresAt` on `$visibility_now` (`visibility_params`)? `scope`
    is a scope name the calling code fixes, never a caller's string."""
    return has_active_consent("e", "$visibility_institution", "$visibility_now", scope)


_CONSENTED = active_consent("enterprise:read")

VISIBILITY_PREDICATE: Final = f"""(
  $visibility_mode = 'all'
  OR ($visibility_mode = 'self' AND e.uscc = $visibility_uscc)
  OR ($visibility_mode = 'consented' AND {_CONSENTED})
)"""
"""Cypher WHERE fragment: may the caller see enterprise `e` (`visibility_params`)?

Mode 'none' matches no branch, so it admits nothing. A consent admits the enterprise when it
covers `enterprise:read` (the data behind the other scopes is checked where it is read),
is not revoked and `expiresAt` (a zoned DATETIME) is after `$visibility_now`; a consent
without `expiresAt` is never active (the comparison is null). Insert it as a value, not into
a template that is formatted afterwards: its braces would be taken for format fields.
"""

VISIBILITY_PREDICATES: Final[Mapping[VisibilityMode, str]] = {
    VisibilityMode.ALL: "true",
    VisibilityMode.SELF: "e.uscc = $visibility_uscc",
    VisibilityMode.CONSENTED: f"({_CONSENTED})",
    VisibilityMode.NONE: "false",
}
"""`VISIBILITY_PREDICATE` specialised to one mode, for queries that scan: with the mode fixed
in the text the planner can seek `e.uscc = $visibility_uscc` in the unique index instead of
scanning every enterprise. Same parameters (`visibility_params`); one cached plan per mode."""


def visibility_predicate(visibility: EnterpriseVisibility) -> str:
    """The fixed fragment of `VISIBILITY_PREDICATES` for this visibility (never built from its
    values)."""
    return VISIBILITY_PREDICATES[visibility.mode]


def visibility_params(visibility: EnterpriseVisibility, now: dt.datetime) -> dict[str, Any]:
    """The parameters `VISIBILITY_PREDICATE` reads, all always present (Cypher refuses a
    missing one).

    `now` must carry a time zone: consents store zoned datetimes, and Neo4j compares a local
    datetime with a zoned one as null, which would silently hide every consented enterprise.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("visibility_params needs a timezone-aware `now`")
    return {
        "visibility_mode": visibility.mode.value,
        "visibility_uscc": visibility.uscc,
        "visibility_institution": visibility.institution,
        "visibility_now": now,
    }


def network_detail_visible(catalog: Catalog, principal: Principal) -> bool:
    """May the caller see whom a network factor of a rating points at (the related enterprise,
    the persons and entries on the way)? Only kinds that see every enterprise: an enterprise
    reading its own rating learns that a related enterprise is listed and how far, not which,
    since it may not read that enterprise itself."""
    return enterprise_visibility(catalog, principal).mode is VisibilityMode.ALL


@dataclass(frozen=True, slots=True)
class ListVisibility:
    """Which list entries and consolidated-list rows the caller may see: those of `lists`;
    when `only_uscc` is set, only the consolidated-list rows whose subject is that
    enterprise; when `listed_only` is set, only the rows of the listed subjects themselves
    (publication by law), not the persons an entry covers nor incentives earned by criteria."""

    lists: tuple[str, ...]
    only_uscc: str | None = None
    listed_only: bool = False

    def shows(self, list_kind: str) -> bool:
        """May the caller see an entry of this list?"""
        return list_kind in self.lists


def list_visibility(catalog: Catalog, principal: Principal) -> ListVisibility:
    """The lists `principal` may see (given `lists:read`, which the field rules check), on
    every path: `Enterprise.listEntries`, `creditProfile`, the joint lists and measures, the
    change feed, the financing profile and objections.

    Public clients and consent-limited ones (banks, insurers) see the lists published by law,
    for every subject: publication is what makes them lists. The law publishes the listed
    subject, so of the consolidated lists they see the listed subjects only, never the
    coverage the hub derives (covered persons, incentives earned by criteria): the
    departments and regulators, who apply the measures, see those. An enterprise sees every
    list, but only its own consolidated-list rows. The supervising kinds see every list.
    """
    visibility = enterprise_visibility(catalog, principal)
    if visibility.mode is VisibilityMode.NONE:
        return ListVisibility(())
    public_only = (
        visibility.mode is VisibilityMode.CONSENTED or catalog.grant(principal.kind).public_only
    )
    kinds = tuple(
        kind.value for kind in ListKind if not public_only or catalog.is_public_list(kind.value)
    )
    return ListVisibility(
        kinds,
        visibility.uscc if visibility.mode is VisibilityMode.SELF else None,
        listed_only=public_only,
    )


def purpose_required(catalog: Catalog, principal: Principal) -> bool:
    """Must the caller state an `X-Purpose` for every request that reads enterprise data?"""
    return catalog.grant(principal.kind).purpose_required


__all__ = [
    "GRANTED",
    "MASKERS",
    "VISIBILITY_PREDICATE",
    "VISIBILITY_PREDICATES",
    "Decision",
    "EnterpriseVisibility",
    "ListVisibility",
    "Reason",
    "active_consent",
    "apply_mask",
    "enterprise_visibility",
    "field_allowed",
    "field_decider",
    "list_visibility",
    "mask_person_name",
    "network_detail_visible",
    "purpose_required",
    "requires_scopes",
    "visibility_params",
    "visibility_predicate",
    "without_consent",
]
