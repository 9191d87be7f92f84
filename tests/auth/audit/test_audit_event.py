"""The audit event and the hash format, without a graph."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from audit_kit import T0, event

from auth.audit.events import GENESIS, AuditEvent, Outcome, outcome_for, query_hash, record_hash
from auth.principal import ClientKind, Principal


def test_event_is_normalised() -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    e = AuditEvent(
        at=dt.datetime(2026, 3, 1, 16, 0, tzinfo=shanghai),
        client_id="c",
        kind="bank",  # type: ignore[arg-type]
        institution=None,
        operation="Op",
        query_hash="h",
        enterprises=("B", "A", "B"),
        outcome="partial",  # type: ignore[arg-type]
        fields=("y", "x"),
    )
    assert e.at == T0 and e.at.tzinfo is dt.UTC
    assert e.kind is ClientKind.BANK and e.outcome is Outcome.PARTIAL
    assert e.enterprises == ("A", "B") and e.fields == ("x", "y")


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        event(at=dt.datetime(2026, 3, 1))


def test_for_request_names_the_operation_and_hashes_the_query() -> None:
    principal = Principal("bank-1", ClientKind.BANK, frozenset(), institution="ICBC-ZJ")
    q = "{ enterprise(uscc: $u) { name } enterprises { totalCount } }"
    named = AuditEvent.for_request(principal, query=q, operation_name="Profile")
    assert named.operation == "Profile"
    assert named.query_hash == hashlib.sha256(q.encode()).hexdigest() == query_hash(q)
    assert named.institution == "ICBC-ZJ" and named.kind is ClientKind.BANK
    assert (named.at - dt.datetime.now(dt.UTC)).total_seconds() < 5
    roots = AuditEvent.for_request(
        principal, query=q, root_fields=["enterprise", "enterprises", "enterprise"]
    )
    assert roots.operation == "enterprise,enterprises"
    assert AuditEvent.for_request(principal, query=q).operation == "(anonymous)"


def test_outcome_for() -> None:
    assert outcome_for([], has_data=True) is Outcome.OK
    assert outcome_for(["FORBIDDEN"], has_data=True) is Outcome.PARTIAL
    assert outcome_for(["FORBIDDEN", "UNAUTHENTICATED"], has_data=False) is Outcome.DENIED
    assert outcome_for(["FORBIDDEN", None], has_data=False) is Outcome.ERROR


def test_hash_is_sha256_of_canonical_json_of_the_properties() -> None:
    """The format an outside auditor reimplements: every stored property but `hash`, null ones
    left out, keys sorted, no spaces, UTF-8, times as ISO 8601 UTC with microseconds and Z."""
    e = event(3, purpose=None, enterprises=("91330100MA0000002B",))
    props = e.properties(1, GENESIS)
    assert "purpose" not in props
    text = (
        '{"at":"2026-03-01T08:03:00.000000Z","clientId":"bank-1",'
        '"enterprises":["91330100MA0000002B"],'
        '"extra":"{\\"consentIds\\":[\\"consent-3\\"],'
        '\\"fields\\":[\\"Enterprise.financing\\",\\"Enterprise.name\\"]}",'
        '"institution":"inst-bank-1","kind":"bank","operation":"Op3","outcome":"ok",'
        f'"prevHash":"{GENESIS}","queryHash":"{3:064x}","seq":1}}'
    )
    assert json.loads(text)  # well-formed
    assert props["hash"] == hashlib.sha256(text.encode()).hexdigest() == record_hash(props)


def test_hash_covers_every_property() -> None:
    props = event(1).properties(7, "a" * 64)
    for key in props:
        if key != "hash":
            changed = {**props, key: "x"}
            assert record_hash(changed) != props["hash"], key
    assert record_hash({**props, "note": "added"}) != props["hash"]
