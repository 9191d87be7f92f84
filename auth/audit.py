"""The audit trail: who read or wrote which enterprises' data, hash-chained in the graph.

Every request that reads or writes enterprise data becomes an `AuditEvent`. `AuditLog.record`
only appends it to an in-process queue (microseconds on the request path); a background task
appends queued events in batches, one transaction each, as `(:AuditRecord)` nodes numbered
`seq` 1, 2, 3, ... Each record stores `prevHash` (the previous record's `hash`, 64 zeros for the
first) and `hash`, the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of all its
stored properties but `hash` itself. A batch first takes the write lock of the singleton
`(:AuditHead {id: 'audit'})` (last seq and hash), so several hub instances append to one chain.

`verify_chain` walks the chain in seq order and names the first changed, missing, reordered
or extra record, or a head that does not match. `audit_log` and `access_log_for` read it back,
newest first. The Cypher lives in `auth.cypher` (section "Audit trail").
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Final, Self

from neo4j import AsyncDriver, AsyncManagedTransaction, RoutingControl
from neo4j.time import DateTime as Neo4jDateTime

from auth import cypher
from auth.principal import ClientKind, Principal
from graph_schema.sessions import open_session

log = logging.getLogger(__name__)

GENESIS: Final = "0" * 64
"""The `prevHash` of record 1."""
MAX_PAGE: Final = 1000
"""The most records one `audit_log` call returns."""
_NO_CURSOR: Final = 2**62
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


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEvent:
    """One audited request. `at` is made UTC (a naive time is refused); `enterprises` and
    `fields` (for example `Enterprise.financing`) are kept sorted and unique."""

    at: dt.datetime
    client_id: str
    kind: ClientKind
    institution: str | None
    operation: str
    query_hash: str
    enterprises: tuple[str, ...] = ()
    purpose: str | None = None
    outcome: Outcome = Outcome.OK
    consent_ids: tuple[str, ...] = ()
    """The consents the read was made under (a bank's or insurer's)."""
    fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("AuditEvent.at must be timezone-aware")
        setter = object.__setattr__
        setter(self, "at", self.at.astimezone(dt.UTC))
        setter(self, "kind", ClientKind(self.kind))
        setter(self, "outcome", Outcome(self.outcome))
        setter(self, "enterprises", tuple(sorted(set(self.enterprises))))
        setter(self, "fields", tuple(sorted(set(self.fields))))
        setter(self, "consent_ids", tuple(sorted(set(self.consent_ids))))

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
        at: dt.datetime | None = None,
    ) -> AuditEvent:
        """The event of one GraphQL operation: named by `operation_name`, else by its root
        fields joined with commas; `at` defaults to now."""
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
        )

    def extra_json(self) -> str:
        """The optional extras as the canonical JSON string stored in `extra`."""
        extra: dict[str, Any] = {}
        if self.consent_ids:
            extra["consentIds"] = list(self.consent_ids)
        if self.fields:
            extra["fields"] = list(self.fields)
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
        props["hash"] = record_hash(props)
        return props


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecord(AuditEvent):
    """A stored event with its place in the chain."""

    seq: int
    hash: str
    prev_hash: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AuditRecord:
        """From the `AUDIT_RECORD_FIELDS` projection."""
        extra = json.loads(row["extra"] or "{}")
        return cls(
            seq=row["seq"],
            hash=row["hash"],
            prev_hash=row["prevHash"],
            at=_native(row["at"]),
            client_id=row["clientId"],
            kind=ClientKind(row["kind"]),
            institution=row["institution"],
            operation=row["operation"],
            query_hash=row["queryHash"],
            enterprises=tuple(row["enterprises"] or ()),
            purpose=row["purpose"],
            outcome=Outcome(row["outcome"]),
            consent_ids=tuple(extra.get("consentIds", ())),
            fields=tuple(extra.get("fields", ())),
        )


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _native(value: Any) -> dt.datetime:
    native: dt.datetime = value.to_native() if isinstance(value, Neo4jDateTime) else value
    return native.astimezone(dt.UTC)


def _hashable(value: Any) -> Any:
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


def record_hash(props: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of a record's properties without `hash` (properties
    that are null are absent, as in the graph)."""
    document = {k: _hashable(v) for k, v in props.items() if k != "hash" and v is not None}
    return hashlib.sha256(_canonical_json(document).encode("utf-8")).hexdigest()


class AuditLog:
    """Takes audit events on the request path and appends them to the chain in the background.

    `record` never waits: it appends to a bounded in-process queue. The writer wakes on the first
    event, lingers `interval` seconds to gather a batch (not when `batch_size` are waiting or a
    flush is asked), and writes up to `batch_size` events (and at most `max_accesses` access
    entries) per transaction. While Neo4j is unreachable the events stay queued and the writer
    retries with backoff; beyond `max_queue` the oldest are dropped, counted in `dropped` and
    logged as errors. `aclose` writes everything still queued before it returns.
    """

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        *,
        batch_size: int = 500,
        interval: float = 0.05,
        max_queue: int = 100_000,
        max_accesses: int = 20_000,
        retry_delays: tuple[float, float] = (0.1, 5.0),
    ) -> None:
        if not 0 < batch_size < max_queue:
            raise ValueError("need 0 < batch_size < max_queue")
        self._driver = driver
        self._database = database
        self._batch_size = batch_size
        self._interval = interval
        self._max_queue = max_queue
        self._max_accesses = max_accesses
        self._retry_delays = retry_delays
        self._queue: collections.deque[AuditEvent] = collections.deque()
        self._inflight = 0
        self._accepted = 0
        self._written = 0
        self._dropped = 0
        self._failures = 0
        self._last_drop_log = 0.0
        self._wake = asyncio.Event()
        self._progress = asyncio.Event()
        self._hurry = asyncio.Event()
        self._urgent = 0
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        """Events accepted but not yet written (queued or in the transaction under way)."""
        return len(self._queue) + self._inflight

    @property
    def written(self) -> int:
        return self._written

    @property
    def dropped(self) -> int:
        """Events lost because the queue overflowed while the graph could not be written."""
        return self._dropped

    def record(self, event: AuditEvent) -> None:
        """Queue an event for the chain; returns at once."""
        if self._closing:
            raise RuntimeError("the audit log is closed")
        if self.pending >= self._max_queue:
            self._queue.popleft()
            self._dropped += 1
            now = time.monotonic()
            if now - self._last_drop_log >= 10 or self._dropped == 1:
                self._last_drop_log = now
                log.error(
                    "AUDIT RECORDS LOST: the queue is full (%d events, Neo4j not writable); "
                    "%d events dropped so far",
                    self._max_queue,
                    self._dropped,
                )
        self._queue.append(event)
        self._accepted += 1
        self._wake.set()

    def start(self) -> None:
        """Start the background writer (in the running event loop)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def flush(self) -> None:
        """Wait until every event recorded before this call is written (or was dropped)."""
        target = self._accepted
        self._urgent += 1
        self._wake.set()
        self._hurry.set()
        try:
            while self._written + self._dropped < target:
                if self._task is None or self._task.done():
                    raise RuntimeError("the audit writer is not running")
                self._progress.clear()
                await self._progress.wait()
        finally:
            self._urgent -= 1

    async def aclose(self, timeout: float | None = 60.0) -> None:
        """Refuse new events, write every queued one, stop the writer. After `timeout` seconds
        (Neo4j unreachable) give up, logging how many events were not written."""
        self._closing = True
        self._wake.set()
        self._hurry.set()
        if self._task is None:
            if self._queue:
                self.start()
            else:
                return
        assert self._task is not None
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            log.error("AUDIT RECORDS LOST: %d events not written at shutdown", self.pending)

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def _run(self) -> None:
        delay = self._retry_delays[0]
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            if len(self._queue) < self._batch_size and not (self._closing or self._urgent):
                with contextlib.suppress(TimeoutError):  # linger; a flush or close cuts it short
                    await asyncio.wait_for(self._hurry.wait(), self._interval)
            if not (self._closing or self._urgent):
                self._hurry.clear()
            batch = self._take()
            try:
                await self._write(batch)
            except asyncio.CancelledError:
                self._put_back(batch)
                raise
            except Exception as error:
                self._put_back(batch)
                self._failures += 1
                level = logging.WARNING if self._failures == 1 else logging.ERROR
                log.log(
                    level,
                    "audit: cannot append to the chain (attempt %d, %d events queued): %s",
                    self._failures,
                    self.pending,
                    error,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry_delays[1])
                continue
            if self._failures:
                log.warning("audit: writing again after %d failed attempts", self._failures)
                self._failures = 0
            delay = self._retry_delays[0]
            self._inflight = 0
            self._written += len(batch)
            self._progress.set()

    def _take(self) -> list[AuditEvent]:
        batch: list[AuditEvent] = []
        accesses = 0
        while self._queue and len(batch) < self._batch_size:
            size = len(self._queue[0].enterprises)
            if batch and accesses + size > self._max_accesses:
                break
            batch.append(self._queue.popleft())
            accesses += size
        self._inflight = len(batch)
        return batch

    def _put_back(self, batch: list[AuditEvent]) -> None:
        self._queue.extendleft(reversed(batch))
        self._inflight = 0

    async def _write(self, batch: list[AuditEvent]) -> None:
        async with open_session(self._driver, self._database) as session:
            await session.execute_write(_append, batch)


async def _append(tx: AsyncManagedTransaction, batch: list[AuditEvent]) -> None:
    """One batch in one transaction: lock the head, chain the events on, move the head."""
    await (await tx.run(cypher.AUDIT_LOCK_HEAD, genesis=GENESIS)).consume()
    head = await (await tx.run(cypher.AUDIT_READ_LOCKED_HEAD)).single(strict=True)
    seq: int = head["seq"]
    prev: str = head["hash"]
    rows: list[dict[str, Any]] = []
    for event in batch:
        seq += 1
        row = event.properties(seq, prev)
        prev = row["hash"]
        rows.append(row)
        if len(rows) % 50 == 0:
            await asyncio.sleep(0)  # let requests run between slices of hashing
    await (await tx.run(cypher.AUDIT_APPEND, records=rows)).consume()
    await (await tx.run(cypher.AUDIT_MOVE_HEAD, seq=seq, hash=prev)).consume()


# --- verification ------------------------------------------------------------------------------


class ProblemKind(StrEnum):
    """What `verify_chain` found wrong."""

    CHANGED = "changed"
    """A record's content no longer matches its hash."""
    MISSING = "missing"
    """A gap in seq: records were removed."""
    REORDERED = "reordered"
    """A record's prevHash is not its predecessor's hash: reordered, or removed and renumbered."""
    EXTRA = "extra"
    """Records outside the chain: a duplicate seq or a record without one."""
    HEAD = "head"
    """The head does not match the last record."""
    ACCESS = "access"
    """A record's access entries do not match its enterprises."""


@dataclass(frozen=True)
class ChainProblem:
    """The first problem in the chain: its kind, the seq where it shows, in plain words."""

    kind: ProblemKind
    seq: int
    message: str


@dataclass(frozen=True)
class VerifyResult:
    """`ok`, or the first problem found; `checked` records were verified before it."""

    checked: int
    head_seq: int
    problem: ChainProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.problem is None:
            return f"audit chain ok: {self.checked} records, head at seq {self.head_seq}"
        return f"audit chain BROKEN at seq {self.problem.seq}: {self.problem.message}"


Progress = Callable[[int, int], None]
"""Called as `progress(checked, total)` after each page."""


@dataclass
class _Walk:
    expected: int = 1
    prev_hash: str = GENESIS
    problem: ChainProblem | None = field(default=None)

    def check(self, props: Mapping[str, Any], access: Sequence[Sequence[Any]]) -> None:
        seq = props.get("seq")
        n = self.expected
        if not isinstance(seq, int) or seq < n:
            self._fail(ProblemKind.EXTRA, n - 1, f"a second record has seq {seq}")
        elif seq > n:
            gap = f"record {n} is" if seq == n + 1 else f"records {n} to {seq - 1} are"
            self._fail(ProblemKind.MISSING, n, f"{gap} missing (removed)")
        elif props.get("prevHash") != self.prev_hash:
            self._fail(
                ProblemKind.REORDERED,
                seq,
                f"record {seq} does not follow record {seq - 1} (its prevHash is not that "
                "record's hash): records were reordered, or removed and renumbered, or record "
                f"{seq - 1} was rewritten along with its hash",
            )
        elif record_hash(props) != props.get("hash"):
            self._fail(
                ProblemKind.CHANGED, seq, f"record {seq} was changed: it no longer matches its hash"
            )
        elif sorted(u for u, _ in access) != sorted(props.get("enterprises") or ()) or any(
            s != seq for _, s in access
        ):
            self._fail(
                ProblemKind.ACCESS,
                seq,
                f"record {seq}'s access entries (what myAccessLog reads) do not match the "
                "enterprises it records",
            )
        else:
            self.prev_hash = props["hash"]
            self.expected += 1

    def _fail(self, kind: ProblemKind, seq: int, message: str) -> None:
        self.problem = ChainProblem(kind, seq, message)


async def verify_chain(
    driver: AsyncDriver,
    database: str,
    *,
    page_size: int = 5000,
    progress: Progress | None = None,
) -> VerifyResult:
    """Walk the chain from seq 1 to the head, a page per query (constant memory), recomputing
    every hash; then check that the head matches the last record and no record lies outside
    the chain. Records appended while it runs lie beyond the head it started from and are left
    for the next run."""
    head = await _row(driver, database, cypher.AUDIT_HEAD)
    head_seq: int | None = head["seq"]
    if head_seq is None:
        if (await _row(driver, database, cypher.AUDIT_COUNT))["n"] == 0:
            return VerifyResult(checked=0, head_seq=0)
        gone = ChainProblem(ProblemKind.HEAD, 0, "records exist but the chain head is gone")
        return VerifyResult(checked=0, head_seq=0, problem=gone)

    walk = _Walk()
    after = 0
    while walk.problem is None and after < head_seq:
        records, _, _ = await driver.execute_query(
            cypher.AUDIT_VERIFY_PAGE,
            {"after": after, "upto": head_seq, "page": page_size},
            database_=database,
            routing_=RoutingControl.READ,
        )
        if not records:
            n = walk.expected
            walk.problem = ChainProblem(
                ProblemKind.MISSING,
                n,
                f"the head says the chain ends at seq {head_seq} but records {n} to {head_seq} "
                "are missing (removed from the end, or the head was altered)",
            )
            break
        for row in records:
            walk.check(row["props"], row["access"])
            if walk.problem is not None:
                break
        after = records[-1]["props"]["seq"]
        if progress is not None:
            progress(walk.expected - 1, head_seq)
    problem = walk.problem or await _check_tail(driver, database, head_seq, head["hash"], walk)
    return VerifyResult(checked=walk.expected - 1, head_seq=head_seq, problem=problem)


async def _row(driver: AsyncDriver, database: str, query: str, **params: Any) -> Mapping[str, Any]:
    records, _, _ = await driver.execute_query(
        query, params, database_=database, routing_=RoutingControl.READ
    )
    return records[0] if records else {}


async def _check_tail(
    driver: AsyncDriver, database: str, head_seq: int, head_hash: str | None, walk: _Walk
) -> ChainProblem | None:
    """The head against the last record; no record beyond the head or outside the chain."""
    if head_hash != walk.prev_hash:
        return ChainProblem(
            ProblemKind.HEAD,
            head_seq,
            f"the chain head does not match record {head_seq}'s hash: the head was altered",
        )
    # Head and records are written in one transaction, so read the highest seq before the head.
    max_seq = (await _row(driver, database, cypher.AUDIT_MAX_SEQ)).get("seq")
    head_now = (await _row(driver, database, cypher.AUDIT_HEAD))["seq"]
    if max_seq is not None and (head_now is None or max_seq > head_now):
        return ChainProblem(
            ProblemKind.HEAD,
            head_seq + 1,
            f"records up to seq {max_seq} lie beyond the chain head at seq {head_now}: the head "
            "was altered or rolled back",
        )
    for _ in range(5):  # the total is exact only when no batch commits in between
        total = (await _row(driver, database, cypher.AUDIT_COUNT))["n"]
        newer = (await _row(driver, database, cypher.AUDIT_COUNT_AFTER, seq=head_seq))["n"]
        if total == (await _row(driver, database, cypher.AUDIT_COUNT))["n"]:
            if total - newer == head_seq:
                return None
            return ChainProblem(
                ProblemKind.EXTRA,
                head_seq,
                f"{total - newer - head_seq} records lie outside the chain of {head_seq} "
                "(a duplicate seq, or none)",
            )
    return None


# --- reading the log ---------------------------------------------------------------------------


async def audit_log(
    driver: AsyncDriver,
    database: str,
    *,
    client_id: str | None = None,
    kind: ClientKind | str | None = None,
    uscc: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    first: int = 50,
    after_seq: int | None = None,
) -> list[AuditRecord]:
    """Records newest first, filtered (`since` inclusive, `until` exclusive, on `at`), at most
    `first` of them; pass the last `seq` of a page as `after_seq` for the next page."""
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
        "before": _NO_CURSOR if after_seq is None else after_seq,
        "first": first,
    }
    records, _, _ = await driver.execute_query(
        query, params, database_=database, routing_=RoutingControl.READ
    )
    return [AuditRecord.from_row(r["record"]) for r in records]


async def access_log_for(
    driver: AsyncDriver,
    database: str,
    uscc: str,
    first: int = 50,
    after_seq: int | None = None,
) -> list[AuditRecord]:
    """Who accessed this enterprise's data, newest first. Each record's `enterprises` is cut
    down to this enterprise, so it does not learn whom else the same request touched."""
    records = await audit_log(driver, database, uscc=uscc, first=first, after_seq=after_seq)
    return [_only(record, uscc) for record in records]


def _only(record: AuditRecord, uscc: str) -> AuditRecord:
    return replace(record, enterprises=(uscc,))
