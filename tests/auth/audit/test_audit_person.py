"""The person signed in, as the audit trail reads it back (issue 21): `audit_log` filtered by
person finds exactly that person's records, and `hub audit access-log` prints the person of
each read beside its client."""

from __future__ import annotations

import json
from pathlib import Path

from audit_kit import event, write_chain
from graph_kit import DATABASE
from neo4j import AsyncDriver
from test_cli_verbs import hub

from auth.audit.events import AuditEvent
from auth.audit.reads import audit_log
from auth.audit.writer import AuditLog

A = "91330100MA0000001A"


def by(i: int, person: str | None, name: str | None) -> AuditEvent:
    """Event `i`, made by `person` signed in to the console (None: by a client itself)."""
    if person is None:
        return event(i, client_id="customs-1")
    return event(i, client_id="hub-console").model_copy(
        update={"person": person, "person_name": name}
    )


async def test_the_person_filter_matches_the_account_id_exactly(
    graph: AsyncDriver, audit: AuditLog
) -> None:
    await write_chain(
        audit,
        [
            by(1, "local:li.wei", "李伟"),
            by(2, "local:li.wei2", "李伟二"),  # an id the first one is a prefix of
            by(3, None, None),
            by(4, "local:wang.jian", 'x","person":"local:li.wei'),  # a name that mimics it
            by(5, "local:li.wei", "李伟"),
        ],
    )
    mine = await audit_log(graph, DATABASE, person="local:li.wei")
    assert [(r.seq, r.operation, r.person, r.person_name) for r in mine] == [
        (5, "Op5", "local:li.wei", "李伟"),
        (1, "Op1", "local:li.wei", "李伟"),
    ]
    # combined with the other filters, paged as they are
    assert [r.seq for r in await audit_log(graph, DATABASE, person="local:li.wei", first=1)] == [5]
    page = await audit_log(
        graph, DATABASE, person="local:li.wei", client_id="hub-console", after_seq=5
    )
    assert [r.seq for r in page] == [1]
    assert await audit_log(graph, DATABASE, person="local:nobody") == []
    # the unfiltered twin: every record, a client's own with no person
    everyone = await audit_log(graph, DATABASE)
    assert [(r.seq, r.person) for r in everyone] == [
        (5, "local:li.wei"),
        (4, "local:wang.jian"),
        (3, None),
        (2, "local:li.wei2"),
        (1, "local:li.wei"),
    ]


async def test_the_access_log_verb_prints_the_person_beside_the_client(
    graph: AsyncDriver, audit: AuditLog, neo4j_uri: str, tmp_path: Path
) -> None:
    await write_chain(audit, [by(1, "local:li.wei", "李伟"), by(2, None, None)])
    log = hub(tmp_path, neo4j_uri, "audit", "access-log", "--uscc", A)
    assert log.returncode == 0, log.stderr
    lines = [json.loads(line) for line in log.stdout.splitlines()]
    assert [(r["seq"], r["clientId"], r["person"], r["personName"]) for r in lines] == [
        (2, "customs-1", None, None),
        (1, "hub-console", "local:li.wei", "李伟"),
    ]
