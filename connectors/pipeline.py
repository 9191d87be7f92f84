"""The ingest pipeline: a signed batch is verified, checked, validated, then written whole.

Checks run in this order, each with its own code: the batch is a UTF-8 JSON object (a
flattened JWS), its signature (with a key valid at the batch's creation time and not revoked),
record type allowed for the connector, batch id new (the same batch again is ALREADY_APPLIED,
also when both copies arrive at once; the same id with other content, or from another
connector, is a conflict, also when both arrive at once), sequence
above the connector's last and at most `Limits.max_sequence_jump` above it, creation time
within the allowed skew, every record valid, and, for a repair, the penalty's minimum publicity
passed (checked in the write's transaction against the stored penalty; the refusal names the
record and the day it may be repaired). Then all rows are upserted in one transaction,
with the Batch recorded in the same transaction, and with it the effects the batch owes (a
re-rating of what its records name, with how far their change reaches, as declared per record
type in `connectors.records.registry`, then a risk scan): `hub.effects` drains them, so a
process killed after the commit leaves them owed, never lost. A refused batch writes nothing but
its BatchRejection. `complete_effects`, when given, runs (or waits for) what the batch owes
before the answer, for an applied batch and for a resend of one alike.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction
from pydantic import ValidationError

from connectors import store
from connectors.cypher import refused_rows, write_statement_rows
from connectors.envelope import BatchPayload
from connectors.records.registry import RECORD_TYPES, RecordType
from connectors.records.rows import Row, RowContext
from connectors.records.subjects import Reach, Subjects
from connectors.records.validation import validate_records
from connectors.signing import SignatureProblem, read_header, verify
from graph_schema.model import Department
from graph_schema.sessions import open_session

log = logging.getLogger(__name__)


class Status(StrEnum):
    APPLIED = "APPLIED"
    ALREADY_APPLIED = "ALREADY_APPLIED"
    REJECTED = "REJECTED"


MAX_PROBLEM_CHARS = 500
"""The longest reason (or field path) a refusal answers and stores."""


@dataclass(frozen=True)
class Problem:
    """One reason a batch was refused; `index` and `field` point into the records."""

    code: str
    message: str
    index: int | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        # a reason is answered and stored: whatever a sender put in a batch, it stays short
        if len(self.message) > MAX_PROBLEM_CHARS:
            object.__setattr__(self, "message", self.message[:MAX_PROBLEM_CHARS] + "…")
        if self.field is not None and len(self.field) > MAX_PROBLEM_CHARS:
            object.__setattr__(self, "field", self.field[:MAX_PROBLEM_CHARS] + "…")

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Limits:
    max_records: int = 10_000
    max_bytes: int = 64 * 1024 * 1024
    max_future_skew: dt.timedelta = dt.timedelta(minutes=5)
    max_age: dt.timedelta = dt.timedelta(hours=24)
    max_sequence_jump: int = 1_000_000
    """How far above the connector's last accepted sequence a batch's may be: a leaked key
    cannot push the sequence out of the legitimate sender's reach in one batch."""
    effects_wait: dt.timedelta = dt.timedelta(seconds=10)
    """How long an answer waits for its batch's effects; beyond, they finish in the background
    (or, if this process dies, in any drainer): the answer never depends on them."""


@dataclass
class Outcome:
    status: Status
    batch_id: str | None = None
    connector: str | None = None
    sequence: int | None = None
    record_type: str | None = None
    records: int = 0
    written: int = 0
    gap: tuple[int, int] | None = None
    problems: list[Problem] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    subjects: Subjects = field(default_factory=Subjects)
    """What the applied batch's records name (`RecordType.subjects`): whom to re-rate."""
    reach: Reach = Reach.OWN
    """How far the applied batch's change travels (`RecordType.reach`)."""

    @property
    def code(self) -> str:
        return self.problems[0].code if self.problems else self.status.value

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "batchId": self.batch_id,
            "connector": self.connector,
            "sequence": self.sequence,
            "recordType": self.record_type,
            "records": self.records,
            "written": self.written,
            "gap": list(self.gap) if self.gap else None,
            "problems": [p.as_dict() for p in self.problems],
        }


class Refused(Exception):
    def __init__(self, *problems: Problem) -> None:
        super().__init__(problems[0].message)
        self.problems = list(problems)


class _AppliedMeanwhile(Exception):
    """The same batch (same id, same content) was applied while this copy was being checked."""


EffectsHook = Callable[[str], Awaitable[None]]
"""Completes (runs, or waits for) the effects the applied batch of this id still owes."""


@dataclass
class Pipeline:
    """Ingests batches into one database. `complete_effects` runs after each applied batch and
    each resend of one; with `owes_effects` False a batch records no owed effects (a bulk load
    that is rated in one pass after)."""

    driver: AsyncDriver
    database: str
    person_secret: bytes
    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    complete_effects: EffectsHook | None = None
    owes_effects: bool = True
    _finishing: set[asyncio.Task[None]] = field(default_factory=set, init=False, repr=False)

    async def ingest(self, document: bytes | str, sender: str | None = None) -> Outcome:
        """Ingest one batch. `sender`, when given, is the connector the caller authenticated
        as (its OAuth client); the batch must be that connector's."""
        received_at = self.clock()
        outcome = Outcome(status=Status.REJECTED)
        started = time.perf_counter()
        raw = document.encode() if isinstance(document, str) else document
        try:
            payload, payload_hash, key = await self._verify(raw, outcome)
            if sender is not None and sender != key.connector:
                raise Refused(
                    Problem(
                        "CONNECTOR_MISMATCH",
                        f"the caller is connector {sender}; the batch is signed for "
                        f"{key.connector}",
                    )
                )
            outcome.timings_ms["verify"] = (time.perf_counter() - started) * 1000
            record_type = self._record_type(payload, key)
            if await self._already_applied(payload, payload_hash):
                outcome.status = Status.ALREADY_APPLIED
                await self._complete_effects(outcome)
                return outcome
            await self._check_sequence(payload)
            self._check_skew(payload, received_at)
            mark = time.perf_counter()
            rows, subjects = self._rows(record_type, payload)
            outcome.timings_ms["validate"] = (time.perf_counter() - mark) * 1000
            mark = time.perf_counter()
            written, gap = await self._write(
                payload, payload_hash, record_type, rows, subjects, received_at
            )
            outcome.timings_ms["write"] = (time.perf_counter() - mark) * 1000
        except _AppliedMeanwhile:
            outcome.status = Status.ALREADY_APPLIED
            await self._complete_effects(outcome)
            return outcome
        except Refused as refused:
            outcome.problems = refused.problems
            await self._record_rejection(outcome, raw, received_at)
            return outcome
        outcome.status = Status.APPLIED
        outcome.written = written
        outcome.gap = gap
        outcome.subjects = subjects
        outcome.reach = record_type.reach
        await self._complete_effects(outcome)
        return outcome

    async def _complete_effects(self, outcome: Outcome) -> None:
        """Wait for what the batch owes when a hook is given, at most `Limits.effects_wait`.
        Its recorded effects are drained anyway: this only makes the answer wait for them, so
        a failure or a long wait here never changes the answer (the batch is committed; a
        resend would be ALREADY_APPLIED)."""
        if self.complete_effects is None or outcome.batch_id is None:
            return
        task = asyncio.ensure_future(self.complete_effects(outcome.batch_id))
        try:
            await asyncio.wait_for(asyncio.shield(task), self.limits.effects_wait.total_seconds())
        except TimeoutError:
            # the work goes on after the answer; keep the task referenced until it ends
            self._finishing.add(task)
            task.add_done_callback(self._finished)
            log.info(
                "batch %s answered before its effects finished; they finish in the background",
                outcome.batch_id,
            )
        except Exception:
            log.exception(
                "completing the effects of batch %s failed; they stay owed for the drainer",
                outcome.batch_id,
            )

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._finishing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error(
                "completing a batch's effects failed; they stay owed for the drainer",
                exc_info=task.exception(),
            )

    async def _verify(
        self, raw: bytes, outcome: Outcome
    ) -> tuple[BatchPayload, str, store.RegisteredKey]:
        if len(raw) > self.limits.max_bytes:
            raise Refused(
                Problem(
                    "BATCH_TOO_LARGE",
                    f"the batch is {len(raw)} bytes; the limit is {self.limits.max_bytes}",
                )
            )
        document = _parse_document(raw)
        try:
            header = read_header(document)
        except SignatureProblem as problem:
            raise Refused(Problem(problem.code, problem.message)) from None
        key = await store.find_key(self.driver, self.database, header["kid"])
        if key is None:
            raise Refused(Problem("UNKNOWN_KID", f"no key {header['kid']!r} is registered"))
        outcome.connector = key.connector
        try:
            payload_bytes = verify(document, key.key, key.alg)
        except SignatureProblem as problem:
            raise Refused(Problem(problem.code, problem.message)) from None
        try:
            payload = BatchPayload.model_validate_json(payload_bytes)
        except ValidationError as error:
            raise Refused(*_payload_problems(error)) from None
        outcome.batch_id = str(payload.batch_id)
        outcome.sequence = payload.sequence
        outcome.record_type = payload.record_type
        outcome.records = len(payload.records)
        if payload.connector != key.connector:
            raise Refused(
                Problem(
                    "CONNECTOR_MISMATCH",
                    f"key {key.kid} belongs to connector "
                    f"{key.connector}, the batch names {payload.connector}",
                )
            )
        created = payload.created_utc()
        if key.revoked_at is not None:
            raise Refused(
                Problem("KEY_REVOKED", f"key {key.kid} was revoked on {key.revoked_at.isoformat()}")
            )
        if created < key.valid_from or (key.valid_to is not None and created >= key.valid_to):
            until = key.valid_to.isoformat() if key.valid_to else "now"
            raise Refused(
                Problem(
                    "KEY_NOT_VALID_AT_TIME",
                    f"key {key.kid} is valid from "
                    f"{key.valid_from.isoformat()} to {until}, the batch was created "
                    f"{created.isoformat()}",
                )
            )
        if payload.department.value != key.department:
            raise Refused(
                Problem(
                    "DEPARTMENT_MISMATCH",
                    f"connector {key.connector} sends for "
                    f"{key.department}, the batch names {payload.department.value}",
                )
            )
        return payload, hashlib.sha256(payload_bytes).hexdigest(), key

    def _record_type(self, payload: BatchPayload, key: store.RegisteredKey) -> RecordType:
        record_type = RECORD_TYPES.get(payload.record_type)
        if record_type is None:
            raise Refused(
                Problem(
                    "UNKNOWN_RECORD_TYPE",
                    f"record type {payload.record_type!r} is not "
                    "one this hub reads (see docs/connectors.md)",
                )
            )
        if payload.record_type not in key.record_types:
            raise Refused(
                Problem(
                    "RECORD_TYPE_NOT_ALLOWED",
                    f"connector {key.connector} may not send "
                    f"{payload.record_type}; it may send {', '.join(key.record_types)}",
                )
            )
        if not record_type.allows(payload.department):
            raise Refused(
                Problem(
                    "RECORD_TYPE_NOT_ALLOWED",
                    f"department {payload.department.value} may not send {payload.record_type}",
                )
            )
        if len(payload.records) > self.limits.max_records:
            raise Refused(
                Problem(
                    "BATCH_TOO_LARGE",
                    f"the batch has {len(payload.records)} records; "
                    f"the limit is {self.limits.max_records}",
                )
            )
        return record_type

    async def _already_applied(self, payload: BatchPayload, payload_hash: str) -> bool:
        batch_id = str(payload.batch_id)
        applied = await store.applied_batch(self.driver, self.database, batch_id)
        if applied is None:
            return False
        if applied.hash == payload_hash:
            return True
        raise _batch_id_taken(batch_id, payload.connector, applied, meanwhile=False)

    def _check_skew(self, payload: BatchPayload, now: dt.datetime) -> None:
        created = payload.created_utc()
        if created > now + self.limits.max_future_skew or created < now - self.limits.max_age:
            raise Refused(
                Problem(
                    "CLOCK_SKEW",
                    f"the batch was created {created.isoformat()}, the hub's "
                    f"time is {now.isoformat()}; allowed: up to "
                    f"{self.limits.max_future_skew} ahead and {self.limits.max_age} old",
                )
            )

    def _rows(self, record_type: RecordType, payload: BatchPayload) -> tuple[list[Row], Subjects]:
        """The batch's rows and what its records name, from its validated records."""
        models, errors = validate_records(record_type, payload.records, payload.department)
        if errors:
            raise Refused(
                *(Problem("INVALID_RECORD", e.reason, index=e.index, field=e.field) for e in errors)
            )
        context = RowContext(
            source=payload.connector,
            batch=str(payload.batch_id),
            department=Department(payload.department),
            person_secret=self.person_secret,
        )
        return (
            record_type.to_rows(models, context),
            record_type.subjects_of(models, context.person_key),
        )

    async def _write(
        self,
        payload: BatchPayload,
        payload_hash: str,
        record_type: RecordType,
        rows: list[Row],
        subjects: Subjects,
        received_at: dt.datetime,
    ) -> tuple[int, tuple[int, int] | None]:
        batch_id = str(payload.batch_id)

        async def work(tx: AsyncManagedTransaction) -> tuple[int, tuple[int, int] | None]:
            last, applied = await store.lock_connector(tx, payload.connector, batch_id)
            if applied is not None and applied.hash == payload_hash:
                raise _AppliedMeanwhile  # the same batch, sent twice at once: nothing to write
            if applied is not None:
                raise _batch_id_taken(batch_id, payload.connector, applied, meanwhile=True)
            self._check_above(payload.sequence, last)
            gap = (last + 1, payload.sequence - 1) if payload.sequence > last + 1 else None
            refused = await refused_rows(tx, record_type.upsert, rows, received_at.date())
            if refused:  # a rule the statement would only skip: name each record and why
                raise Refused(
                    *(Problem("NOT_YET_REPAIRABLE", r.message, r.index, r.field) for r in refused)
                )
            written = await write_statement_rows(tx, record_type.upsert, rows)
            if written < len(rows):
                # Rolls the whole batch back: a fact about an unknown subject would be lost.
                raise Refused(
                    Problem(
                        "UNKNOWN_REFERENCE",
                        f"{len(rows) - written} of {len(rows)} records refer to an enterprise, "
                        "person, order or entry the hub does not know (or, for a removal, "
                        "repair, objection resolution or repair decision, one of another "
                        "department, or a record with no pending objection or repair "
                        "application, or CORRECTED before the corrected record was sent); "
                        "send those first",
                    )
                )
            await store.record_batch(
                tx,
                id=batch_id,
                connector=payload.connector,
                department=payload.department.value,
                sequence=payload.sequence,
                record_type=payload.record_type,
                hash=payload_hash,
                created_at=payload.created_utc(),
                received_at=received_at,
                records=len(payload.records),
                written=written,
                gap_from=gap[0] if gap else None,
                gap_to=gap[1] if gap else None,
            )
            if self.owes_effects:
                await store.record_owed_effects(
                    tx, batch_id, subjects, record_type.reach, received_at
                )
            return written, gap

        async with open_session(self.driver, self.database) as session:
            return await session.execute_write(work)

    async def _check_sequence(self, payload: BatchPayload) -> None:
        """An early read for a plainly out-of-order batch; `_write` checks again under lock."""
        connector = await store.get_connector(self.driver, self.database, payload.connector)
        self._check_above(payload.sequence, int(connector["lastSequence"]) if connector else 0)

    def _check_above(self, sequence: int, last: int) -> None:
        if sequence <= last:
            raise Refused(
                Problem(
                    "SEQUENCE_NOT_INCREASING",
                    f"sequence {sequence} is not above the last accepted one, {last}",
                )
            )
        jump = self.limits.max_sequence_jump
        if sequence - last > jump:
            raise Refused(
                Problem(
                    "SEQUENCE_JUMP_TOO_LARGE",
                    f"sequence {sequence} is more than {jump} above the last accepted one, "
                    f"{last}; an operator can reset the connector's sequence",
                )
            )

    async def _record_rejection(self, outcome: Outcome, raw: bytes, at: dt.datetime) -> None:
        await store.record_rejection(
            self.driver,
            self.database,
            batch_id=outcome.batch_id,
            connector=outcome.connector,
            sequence=outcome.sequence,
            record_type=outcome.record_type,
            hash=hashlib.sha256(raw).hexdigest(),
            received_at=at,
            code=outcome.code,
            reasons=json.dumps([p.as_dict() for p in outcome.problems[:100]]),
        )


def _batch_id_taken(
    batch_id: str, connector: str, applied: store.AppliedBatch, *, meanwhile: bool
) -> Refused:
    """The conflict of a batch whose id an applied batch of other content already has;
    `meanwhile` when that batch was applied while this one was being checked. Which
    connector holds the id is not told: only that it is another one."""
    if applied.connector != connector:
        message = f"batch {batch_id} was already applied by another connector"
    elif meanwhile:
        message = (
            f"batch {batch_id} was applied with different content while this one was being checked"
        )
    else:
        message = f"batch {batch_id} was already applied with different content"
    return Refused(Problem("BATCH_ID_CONFLICT", f"{message}; a new batch needs a new id"))


def _parse_document(raw: bytes) -> Any:
    """The batch's JSON value (its shape is `read_header`'s to check): the body must be UTF-8
    (RFC 8259; no other encoding is guessed) and shallow enough for the parser."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused(
            Problem(
                "MALFORMED_JWS", f"the batch is not UTF-8 ({error.reason} at byte {error.start})"
            )
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise Refused(Problem("MALFORMED_JWS", f"the batch is not JSON: {error}")) from None
    except RecursionError:
        raise Refused(
            Problem("MALFORMED_JWS", "the batch is nested too deeply to be a flattened JWS")
        ) from None
    except ValueError:  # a number with more digits than Python converts (4,300)
        raise Refused(
            Problem("MALFORMED_JWS", "the batch holds a number too long to read")
        ) from None


def _payload_problems(error: ValidationError) -> list[Problem]:
    return [
        Problem(
            "MALFORMED_PAYLOAD",
            f"{'.'.join(map(str, e['loc'])) or 'payload'}: {e['msg']}",
            field=".".join(map(str, e["loc"])) or None,
        )
        for e in error.errors(include_url=False)
    ]


__all__ = ["EffectsHook", "Limits", "Outcome", "Pipeline", "Problem", "Refused", "Status"]
