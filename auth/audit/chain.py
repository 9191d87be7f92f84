"""Verifying the audit chain: walk it in seq order and name the first thing wrong.

`verify_chain` recomputes every record's hash and checks each record follows the one before,
then that the head matches the last record and no record lies outside the chain: it names the
first changed, missing, reordered or extra record, or a head that does not match.

Given signed checkpoints (`auth.audit.checkpoints`, kept outside the graph), it first checks
their signatures, then that the record at each checkpoint's seq has the signed hash (a record
rewritten with every later hash recomputed passes the walk, not this) and that the chain
reaches the newest checkpoint (a tail cut with the head rolled back to match it). Once the
graph has an archive anchor, the archived segments (`auth.audit.archive`) must cover records 1
to the anchor: they are walked first, from seq 1, each must match the signed checkpoint kept
beside it at its last seq, and they must end where the anchor says the graph's chain continues.
The anchor is never trusted alone: whoever can write the graph can make one up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from neo4j import AsyncDriver, RoutingControl

from auth import cypher
from auth.audit.archive import Anchor, Segment, read_anchor, segment_checkpoint, segment_pages
from auth.audit.checkpoints import Checkpoint, signed_payload
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
    REWRITTEN = "rewritten"
    """The record at a checkpoint's seq has another hash than the one signed."""
    TRUNCATED = "truncated"
    """The chain ends before a signed checkpoint: its tail was removed, the head rolled back."""
    SIGNATURE = "signature"
    """A checkpoint whose signature does not verify with the hub's checkpoint key."""
    ANCHOR = "anchor"
    """The archive does not cover what the graph's anchor says is archived, or does not end
    where the anchor says the chain continues, or a segment lacks its signed checkpoint."""


@dataclass(frozen=True)
class ChainProblem:
    """The first problem in the chain: its kind, the seq where it shows, in plain words."""

    kind: ProblemKind
    seq: int
    message: str


@dataclass(frozen=True)
class VerifyResult:
    """`ok`, or the first problem found; `checked` records were verified before it, and
    `checkpoints` signed checkpoints matched; records up to `archived_seq` are archived (and
    were walked in the archive)."""

    checked: int
    head_seq: int
    problem: ChainProblem | None = None
    checkpoints: int = 0
    archived_seq: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.problem is None:
            text = f"audit chain ok: {self.checked} records, head at seq {self.head_seq}"
            if self.archived_seq:
                text += f"; records 1 to {self.archived_seq} archived"
            if self.checkpoints:
                text += f"; {self.checkpoints} signed checkpoints match"
            return text
        return f"audit chain BROKEN at seq {self.problem.seq}: {self.problem.message}"


Progress = Callable[[int, int], None]
"""Called as `progress(checked, total)` after each page."""


@dataclass
class _Walk:
    expected: int = 1
    prev_hash: str = GENESIS
    problem: ChainProblem | None = field(default=None)
    signed: dict[int, Checkpoint] = field(default_factory=dict)
    """The checkpoints by seq, whose signatures verified."""
    sealed: dict[int, Checkpoint] = field(default_factory=dict)
    """The archive's segment checkpoints by seq, whose signatures verified."""
    matched: int = 0
    last_matched: int = 0
    checked: int = 0

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
        elif (differs := self._differing_checkpoint(seq, props.get("hash"))) is not None:
            self._fail(ProblemKind.REWRITTEN, seq, self._rewritten(differs))
        else:
            self.prev_hash = props["hash"]
            self.expected += 1
            self.checked += 1
            if seq in self.signed or seq in self.sealed:
                self.matched += 1
                self.last_matched = seq

    def _differing_checkpoint(self, seq: int, hash_: object) -> Checkpoint | None:
        """A signed checkpoint at `seq` whose hash is not `hash_`, if any."""
        for found in (self.signed.get(seq), self.sealed.get(seq)):
            if found is not None and found.hash != hash_:
                return found
        return None

    def _rewritten(self, checkpoint: Checkpoint) -> str:
        seq = checkpoint.seq
        where = (
            f"record {seq} was rewritten"
            if self.last_matched == seq - 1
            else f"a record from seq {self.last_matched + 1} to {seq} was rewritten"
        )
        return (
            f"{where}: record {seq}'s hash is not the one signed in the checkpoint of "
            f"{checkpoint.at}, although every later hash agrees (they were recomputed)"
        )

    def _fail(self, kind: ProblemKind, seq: int, message: str) -> None:
        self.problem = ChainProblem(kind, seq, message)


def trusted_checkpoints(
    checkpoints: Sequence[Checkpoint], jwks: Mapping[str, Any]
) -> tuple[list[Checkpoint], ChainProblem | None]:
    """The checkpoints as their signatures say them, or the first whose signature does not
    verify with a key of `jwks` (the hub's checkpoint key)."""
    signed: list[Checkpoint] = []
    for checkpoint in checkpoints:
        payload = signed_payload(checkpoint, jwks)
        if payload is None or payload.seq != checkpoint.seq:
            return signed, ChainProblem(
                ProblemKind.SIGNATURE,
                checkpoint.seq,
                f"the checkpoint at seq {checkpoint.seq} has a bad signature: it was altered or "
                "not signed with the hub's checkpoint key; it proves nothing",
            )
        signed.append(payload)
    return signed, None


async def verify_chain(
    driver: AsyncDriver,
    database: str,
    *,
    checkpoints: Sequence[Checkpoint] = (),
    jwks: Mapping[str, Any] | None = None,
    archive: Sequence[Segment] = (),
    page_size: int = 5000,
    progress: Progress | None = None,
) -> VerifyResult:
    """Walk the chain from seq 1 to the head, a page per query (constant memory), recomputing
    every hash; then check that the head matches the last record and no record lies outside
    the chain. Records appended while it runs lie beyond the head it started from and are left
    for the next run. `checkpoints` (with the public `jwks` they, and the segments'
    checkpoints, were signed with) anchor the walk; `archive` is the archived segments, walked
    first: they must cover the records the graph's anchor says are archived."""
    signed: list[Checkpoint] = []
    if checkpoints:
        signed, bad = trusted_checkpoints(checkpoints, jwks or {"keys": []})
        if bad is not None:
            return VerifyResult(checked=0, head_seq=0, problem=bad)
    anchor = await read_anchor(driver, database)
    walk = _Walk(signed={c.seq: c for c in signed})
    head = await _first_record(driver, database, cypher.AUDIT_HEAD)
    head_seq: int | None = head["seq"]
    archived = 0 if anchor is None else anchor.seq
    if anchor is not None and not archive:
        uncovered = ChainProblem(
            ProblemKind.ANCHOR,
            anchor.seq,
            f"records 1..{anchor.seq} are said to be archived, but no archive covers them: "
            "give --archive DIR",
        )
        return _result(walk, head_seq or 0, archived, uncovered)
    if archive:
        sealed, bad_seal = _segment_checkpoints(archive, jwks or {"keys": []})
        if bad_seal is not None:
            return _result(walk, head_seq or 0, archived, bad_seal)
        walk.sealed = sealed
        for segment in archive:
            for page in segment_pages([segment], page_size):
                for props, access in page:
                    walk.check(props, access)
                    if walk.problem is not None:
                        return _result(walk, head_seq or 0, archived, walk.problem)
            if walk.expected - 1 != segment.last:
                short = ChainProblem(
                    ProblemKind.ANCHOR,
                    walk.expected,
                    f"segment {segment.path.name} should hold records {segment.first} to "
                    f"{segment.last} but ends at seq {walk.expected - 1}: it was cut or altered",
                )
                return _result(walk, head_seq or 0, archived, short)
        if anchor is None or walk.expected - 1 != anchor.seq or walk.prev_hash != anchor.hash:
            return _result(walk, head_seq or 0, archived, _anchor_problem(walk, anchor))
    if head_seq is None:
        if (await _first_record(driver, database, cypher.AUDIT_COUNT))["n"] == 0:
            return _result(walk, 0, archived, _truncated(walk, signed, 0, anchor))
        gone = ChainProblem(ProblemKind.HEAD, 0, "records exist but the chain head is gone")
        return _result(walk, 0, archived, gone)

    after = walk.expected - 1
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
    problem = (
        walk.problem
        or await _check_tail(driver, database, head_seq, head["hash"], walk, archived)
        or _truncated(walk, signed, head_seq, anchor)
    )
    return _result(walk, head_seq, archived, problem)


def _result(
    walk: _Walk, head_seq: int, archived: int, problem: ChainProblem | None
) -> VerifyResult:
    return VerifyResult(
        checked=walk.checked,
        head_seq=head_seq,
        problem=problem,
        checkpoints=walk.matched,
        archived_seq=archived,
    )


def _segment_checkpoints(
    archive: Sequence[Segment], jwks: Mapping[str, Any]
) -> tuple[dict[int, Checkpoint], ChainProblem | None]:
    """Each segment's checkpoint at its last seq, as signed; or the first segment without one
    (`ANCHOR`) or whose checkpoint's signature does not verify (`SIGNATURE`)."""
    sealed: dict[int, Checkpoint] = {}
    for segment in archive:
        checkpoint = segment_checkpoint(segment)
        if checkpoint is None or checkpoint.seq != segment.last:
            return sealed, ChainProblem(
                ProblemKind.ANCHOR,
                segment.last,
                f"segment {segment.path.name} has no signed checkpoint at its last seq "
                f"{segment.last} beside it: nothing proves its records were not rewritten",
            )
        trusted, bad = trusted_checkpoints([checkpoint], jwks)
        if bad is not None:
            return sealed, bad
        sealed[segment.last] = trusted[0]
    return sealed, None


def _anchor_problem(walk: _Walk, anchor: Anchor | None) -> ChainProblem:
    ends = walk.expected - 1
    cut_short = (
        "an archive run was cut short before it moved the anchor (run `hub audit archive` "
        "again to finish it)"
    )
    if anchor is None:
        return ChainProblem(
            ProblemKind.ANCHOR,
            ends,
            f"the archive holds records 1 to {ends} but the graph has no archive anchor: "
            f"{cut_short}, the anchor was removed, or this is another hub's archive",
        )
    if ends > anchor.seq:
        return ChainProblem(
            ProblemKind.ANCHOR,
            anchor.seq,
            f"the archive holds records up to seq {ends} but the graph's anchor is at seq "
            f"{anchor.seq}: {cut_short}, or the anchor was rolled back",
        )
    if ends == anchor.seq:
        return ChainProblem(
            ProblemKind.ANCHOR,
            ends,
            f"the archive ends at seq {ends} with another hash than the graph's anchor: the "
            "anchor or the archive was changed",
        )
    return ChainProblem(
        ProblemKind.ANCHOR,
        ends,
        f"the archive ends at seq {ends} but the graph continues the chain after seq "
        f"{anchor.seq}: a segment is missing or altered, or the anchor was changed",
    )


def _truncated(
    walk: _Walk, signed: Sequence[Checkpoint], head_seq: int, anchor: Anchor | None
) -> ChainProblem | None:
    """The newest checkpoint beyond the head: the chain's tail was removed after it was signed."""
    if not signed or signed[-1].seq <= head_seq:
        return None
    newest = signed[-1]
    ends = f"the chain ends at seq {head_seq}" if head_seq else "the chain is empty"
    return ChainProblem(
        ProblemKind.TRUNCATED,
        head_seq + 1,
        f"{ends}, but the checkpoint of {newest.at} signed it up to seq {newest.seq}: "
        f"records {head_seq + 1} to {newest.seq} were removed from the end and the head was "
        "rolled back (or the graph was restored from an older backup)",
    )


async def _first_record(
    driver: AsyncDriver, database: str, query: str, **params: Any
) -> Mapping[str, Any]:
    records, _, _ = await driver.execute_query(
        query, params, database_=database, routing_=RoutingControl.READ
    )
    return records[0] if records else {}


async def _check_tail(
    driver: AsyncDriver,
    database: str,
    head_seq: int,
    head_hash: str | None,
    walk: _Walk,
    archived: int,
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
    # archived records not yet deleted (an archive run interrupted) are no longer the chain's
    leftover = (await _first_record(driver, database, cypher.AUDIT_COUNT_UPTO, seq=archived))["n"]
    in_graph = head_seq - archived
    for _ in range(5):  # the total is exact only when no batch commits in between
        total = (await _first_record(driver, database, cypher.AUDIT_COUNT))["n"]
        newer = (await _first_record(driver, database, cypher.AUDIT_COUNT_AFTER, seq=head_seq))["n"]
        if total == (await _first_record(driver, database, cypher.AUDIT_COUNT))["n"]:
            if total - newer - leftover == in_graph:
                return None
            return ChainProblem(
                ProblemKind.EXTRA,
                head_seq,
                f"{total - newer - leftover - in_graph} records lie outside the chain of "
                f"{head_seq} (a duplicate seq, or none)",
            )
    return None
