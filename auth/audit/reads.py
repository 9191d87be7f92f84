"""Reading the audit trail back: the log, newest first, and one enterprise's access log, which
goes on from the graph's records into the archived ones (`auth.audit.archive`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any, Final

from neo4j import AsyncDriver, RoutingControl
from pydantic import model_validator

from auth import cypher
from auth.audit.archive import AccessArchive
from auth.audit.events import AuditEvent, person_marker
from auth.principal import ClientKind

MAX_PAGE: Final = 1000
"""The most records one `audit_log` call returns."""
_NO_CURSOR: Final = 2**62


class AuditRecord(AuditEvent):
    """A stored event with its place in the chain (read from `cypher.AUDIT_RECORD_FIELDS`)."""

    seq: int
    hash: str
    prev_hash: str

    @model_validator(mode="before")
    @classmethod
    def _unpack_extra(cls, stored: Any) -> Any:
        """The consent ids, fields, persons read and the person signed in are stored together
        as the JSON text `extra`."""
        if not isinstance(stored, dict) or "extra" not in stored:
            return stored
        extra = json.loads(stored["extra"] or "{}")
        return {
            **stored,
            "consentIds": extra.get("consentIds", ()),
            "fields": extra.get("fields", ()),
            "persons": extra.get("persons", ()),
            "person": extra.get("person"),
            "personName": extra.get("personName"),
        }


async def audit_log(
    driver: AsyncDriver,
    database: str,
    *,
    client_id: str | None = None,
    kind: ClientKind | str | None = None,
    uscc: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    person: str | None = None,
    first: int = 50,
    after_seq: int | None = None,
) -> list[AuditRecord]:
    """Records newest first, filtered (`since` inclusive, `until` exclusive, on `at`; `person`
    an account id, `local:<username>` or `oidc:<provider>:<sub>`), at most `first` of them;
    pass the last `seq` of a page as `after_seq` for the next page."""
    if not 0 < first <= MAX_PAGE:
        raise ValueError(f"first must be between 1 and {MAX_PAGE}")
    if uscc is not None:
        query = cypher.AUDIT_LOG_BY_ENTERPRISE
    elif client_id is not None:
        query = cypher.AUDIT_LOG_BY_CLIENT
    elif kind is not None:
        query = cypher.AUDIT_LOG_BY_KIND
    else:
        query = cypher.AUDIT_LOG
    params = {
        "uscc": uscc,
        "clientId": client_id,
        "kind": None if kind is None else ClientKind(kind).value,
        "since": since,
        "until": until,
        "person": None if person is None else person_marker(person),
        "before": _NO_CURSOR if after_seq is None else after_seq,
        "first": first,
    }
    records, _, _ = await driver.execute_query(
        query, params, database_=database, routing_=RoutingControl.READ
    )
    return [AuditRecord.model_validate(record["record"]) for record in records]


async def access_log_for(
    driver: AsyncDriver,
    database: str,
    uscc: str,
    first: int = 50,
    after_seq: int | None = None,
    archive: AccessArchive | None = None,
) -> list[AuditRecord]:
    """Who accessed this enterprise's data, newest first: the graph's records, then (once they
    run out, with `archive`) the archived ones, all below `after_seq` (seqs are global, and
    every archived one is below the graph's, so one cursor pages across both). Each record's
    `enterprises` is cut down to this enterprise, so it does not learn whom else the same
    request touched."""
    records = await audit_log(driver, database, uscc=uscc, first=first, after_seq=after_seq)
    if archive is not None and len(records) < first:
        # below the graph's oldest one read: a segment not yet anchored repeats graph records
        below = records[-1].seq if records else after_seq
        stored = await asyncio.to_thread(archive.reads, uscc, first - len(records), below)
        records += [AuditRecord.model_validate(record) for record in stored]
    return [_only(record, uscc) for record in records]


def _only(record: AuditRecord, uscc: str) -> AuditRecord:
    # a request that read several enterprises was made under the consents of each: listed,
    # they would tell this enterprise how many others were read, and let it follow them
    consents = record.consent_ids if len(record.enterprises) <= 1 else ()
    return record.model_copy(update={"enterprises": (uscc,), "consent_ids": consents})
