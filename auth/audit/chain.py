"""Verifying the audit chain: walk it in seq order and name the first thing wrong.

`verify_chain` recomputes every record's hash and checks each record follows the one before,
then that the head matches the last record and no record lies outside the chain: it names the
first changed, missing, reordered or extra record, or a head that does not match.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from neo4j import AsyncDriver, RoutingControl

from auth import cypher
from auth.audit.events import GENESIS, record_hash


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
    head = await _first_record(driver, database, cypher.AUDIT_HEAD)
    head_seq: int | None = head["seq"]
    if head_seq is None:
        if (await _first_record(driver, database, cypher.AUDIT_COUNT))["n"] == 0:
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
        for record in records:
            walk.check(record["props"], record["access"])
            if walk.problem is not None:
                break
        after = records[-1]["props"]["seq"]
        if progress is not None:
            progress(walk.expected - 1, head_seq)
    problem = walk.problem or await _check_tail(driver, database, head_seq, head["hash"], walk)
    return VerifyResult(checked=walk.expected - 1, head_seq=head_seq, problem=problem)


async def _first_record(
    driver: AsyncDriver, database: str, query: str, **params: Any
) -> Mapping[str, Any]:
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
    max_seq = (await _first_record(driver, database, cypher.AUDIT_MAX_SEQ)).get("seq")
    head_now = (await _first_record(driver, database, cypher.AUDIT_HEAD))["seq"]
    if max_seq is not None and (head_now is None or max_seq > head_now):
        return ChainProblem(
            ProblemKind.HEAD,
            head_seq + 1,
            f"records up to seq {max_seq} lie beyond the chain head at seq {head_now}: the head "
            "was altered or rolled back",
        )
    for _ in range(5):  # the total is exact only when no batch commits in between
        total = (await _first_record(driver, database, cypher.AUDIT_COUNT))["n"]
        newer = (await _first_record(driver, database, cypher.AUDIT_COUNT_AFTER, seq=head_seq))["n"]
        if total == (await _first_record(driver, database, cypher.AUDIT_COUNT))["n"]:
            if total - newer == head_seq:
                return None
            return ChainProblem(
                ProblemKind.EXTRA,
                head_seq,
                f"{total - newer - head_seq} records lie outside the chain of {head_seq} "
                "(a duplicate seq, or none)",
            )
    return None
