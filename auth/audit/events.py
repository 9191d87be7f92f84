"""The audited event and its hash: what one request did, and how a stored record is hashed.

Every request that reads or writes enterprise data becomes an `AuditEvent`. Stored, it is an
`(:AuditRecord)` node numbered `seq` 1, 2, 3, ...; its `prevHash` is the previous record's
`hash` (`GENESIS` for the first) and its `hash` is the SHA-256 of the canonical JSON (sorted
keys, no spaces, UTF-8) of all its stored properties but `hash` itself (`record_hash`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Final

from asgi_correlation_id import correlation_id
from neo4j.time import DateTime as Neo4jDateTime
from pydantic import field_validator

from auth.principal import ClientKind, Principal
from graph_schema.read_model import EmptyIfNull, GraphDateTime, ReadModel

GENESIS: Final = "0" * 64
"""The `prevHash` of record 1."""
_FORBIDDEN_CODES: Final = frozenset({"FORBIDDEN", "UNAUTHENTICATED"})


class Outcome(StrEnum):
    """How the audited request ended."""

    OK = "ok"
    PARTIAL = "partial"
    """Data with some errors (for example fields the caller may not see)."""
    DENIED = "denied"
    ERROR = "error"


def query_hash(query: str) -> str:
    """SHA-256 (hex) of the GraphQL query text as received."""
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


def outcome_for(error_codes: Sequence[str | None], *, has_data: bool) -> Outcome:
    """The outcome of a GraphQL response from its errors' `extensions.code`s.

    No errors is `ok`; only FORBIDDEN/UNAUTHENTICATED errors and no data is `denied`; errors
    alongside data is `partial`; anything else `error`.
    """
    if not error_codes:
        return Outcome.OK
    if has_data:
        return Outcome.PARTIAL
    if all(code in _FORBIDDEN_CODES for code in error_codes):
        return Outcome.DENIED
    return Outcome.ERROR


class AuditEvent(ReadModel):
    """One audited request. `at` is made UTC (a naive time is refused); `enterprises` and
    `fields` (for example `Enterprise.financing`) are kept sorted and unique."""

    at: GraphDateTime
    client_id: str
    kind: ClientKind
    institution: str | None
    operation: str
    query_hash: str
    enterprises: EmptyIfNull[str] = ()
    purpose: str | None = None
    outcome: Outcome = Outcome.OK
    consent_ids: tuple[str, ...] = ()
    """The consents the read was made under (a bank's or insurer's)."""
    fields: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    """The person keys whose profile the answer carried (`personCreditProfile`)."""
    request_id: str | None = None
    """The request's id (`X-Request-ID`, or the one the hub made), as in its log lines."""
    person: str | None = None
    """The person signed in to the console who made the request (their account id)."""
    person_name: str | None = None

    @field_validator("at")
    @classmethod
    def _utc(cls, at: dt.datetime) -> dt.datetime:
        if at.tzinfo is None:
            raise ValueError("AuditEvent.at must be timezone-aware")
        return at.astimezone(dt.UTC)

    @field_validator("enterprises", "consent_ids", "fields", "persons")
    @classmethod
    def _sorted_unique(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(values)))

    @classmethod
    def for_request(
        cls,
        principal: Principal,
        *,
        query: str,
        operation_name: str | None = None,
        root_fields: Sequence[str] = (),
        enterprises: Iterable[str] = (),
        purpose: str | None = None,
        outcome: Outcome | str = Outcome.OK,
        consent_ids: Iterable[str] = (),
        fields: Iterable[str] = (),
        persons: Iterable[str] = (),
        at: dt.datetime | None = None,
    ) -> AuditEvent:
        """The event of one GraphQL operation: named by `operation_name`, else by its root
        fields joined with commas; `at` defaults to now, the request id to the current
        request's (None outside a request)."""
        operation = operation_name or ",".join(dict.fromkeys(root_fields)) or "(anonymous)"
        return cls(
            at=at or dt.datetime.now(dt.UTC),
            client_id=principal.client_id,
            kind=principal.kind,
            institution=principal.institution,
            operation=operation,
            query_hash=query_hash(query),
            enterprises=tuple(enterprises),
            purpose=purpose,
            outcome=Outcome(outcome),
            consent_ids=tuple(consent_ids),
            fields=tuple(fields),
            persons=tuple(persons),
            request_id=correlation_id.get(),
            person=principal.person,
            person_name=principal.person_name,
        )

    def extra_json(self) -> str:
        """The optional extras as the canonical JSON string stored in `extra`."""
        extra: dict[str, Any] = {}
        if self.consent_ids:
            extra["consentIds"] = list(self.consent_ids)
        if self.fields:
            extra["fields"] = list(self.fields)
        if self.persons:  # absent when none: records without persons hash as before
            extra["persons"] = list(self.persons)
        if self.person is not None:  # likewise: a client's records hash as before
            extra["person"] = self.person
            extra["personName"] = self.person_name
        return _canonical_json(extra)

    def properties(self, seq: int, prev_hash: str) -> dict[str, Any]:
        """The `AuditRecord` node's properties at this place in the chain, `hash` included."""
        props: dict[str, Any] = {
            "seq": seq,
            "prevHash": prev_hash,
            "at": _iso(self.at),  # the write makes it a datetime (cheaper than the driver)
            "clientId": self.client_id,
            "kind": self.kind.value,
            "operation": self.operation,
            "queryHash": self.query_hash,
            "enterprises": list(self.enterprises),
            "outcome": self.outcome.value,
            "extra": self.extra_json(),
        }
        if self.institution is not None:
            props["institution"] = self.institution
        if self.purpose is not None:
            props["purpose"] = self.purpose
        if self.request_id is not None:
            props["requestId"] = self.request_id
        props["hash"] = record_hash(props)
        return props


def person_marker(person: str) -> str:
    """The text by which a record's `extra` names `person` as the one who made the request:
    in canonical JSON a quote inside a value is escaped, so only the `person` key matches."""
    return f'"person":{_canonical_json(person)}'


def record_hash(props: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of a record's properties without `hash` (properties
    that are null are absent, as in the graph)."""
    document = {k: hashed_form(v) for k, v in props.items() if k != "hash" and v is not None}
    return hashlib.sha256(_canonical_json(document).encode("utf-8")).hexdigest()


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def hashed_form(value: Any) -> Any:
    """A stored value as it enters the hash: times as ISO 8601 UTC with microseconds and `Z`
    (a stored time with nanoseconds keeps them, so no change hides below a microsecond)."""
    if isinstance(value, Neo4jDateTime):
        if value.nanosecond % 1000:
            return value.iso_format()  # never what was hashed: hashed times have microseconds
        value = value.to_native()
    if isinstance(value, dt.datetime):
        return _iso(value)
    return value


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
