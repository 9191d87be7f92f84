"""Retention: the chain's oldest records moved out of the graph into files, still verifiable.

`archive_before` writes the records older than a date, from the chain's start (or where the
last archive ended) up to the last one before the first newer record, as one segment
`audit-<first>-<last>.jsonl` (a JSON line per record: every stored property, `at` as ISO 8601
UTC, exactly as hashed), with the signed checkpoint at its last seq beside it
(`audit-<first>-<last>.checkpoint.json`, also stored in the checkpoint directory). Only then
does it move the graph's `(:AuditAnchor)` to that seq and hash and delete the records and their
access entries in bounded transactions. Access entries are not written out: they are the
record's `enterprises`.

A run cut short is finished by the next, whatever its date: a segment left beyond the anchor
(written, the anchor not yet moved) is adopted when the graph still holds exactly its records,
chained from the anchor, and set aside (renamed `*.stale`, kept) when it does not; records
archived but not yet deleted are deleted. So archiving never leaves two segments overlapping.

`segment_pages` feeds the archive to `auth.audit.chain.verify_chain`, which walks it before the
graph.

Beside each segment lies its index of who was read, `audit-<first>-<last>.index.json`: for each
USCC its records' seqs and byte offsets in the segment, so that `AccessArchive` (what
`auth.audit.reads.access_log_for` pages on into once the graph's records run out) reads one
enterprise's archived reads without scanning the years in full. It is written (fsynced) after
the segment and before the anchor moves; an adopted segment's is written again, and a set-aside
segment's is renamed `*.stale` with it. A segment archived before indexes existed (or whose index
was lost) gets one built on first read, written beside it when the directory is writable.

The index is derived data and not trusted: a read seeks to the offset, takes the whole line there
and uses it only if it is the record with that seq, within the segment, naming the enterprise
asked about. So an index that was tampered with can hide an enterprise's archived reads from its
log (drop entries, point them astray) but never forge one nor show it another enterprise's
record: whatever is shown is a line of the segment, which `hub audit verify` checks against the
segment's signed checkpoint. `hub audit verify` does not compare indexes with their segments
(the chain it proves is the segments'); delete an index to have it built again from its segment.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final, TextIO

from joserfc.jwk import ECKey, KeySet
from neo4j import AsyncDriver, RoutingControl

from auth import cypher
from auth.audit.checkpoints import (
    Checkpoint,
    CheckpointError,
    checkpoint_key,
    read_checkpoint_file,
    sign_checkpoint,
    signed_payload,
    write_checkpoint,
)
from auth.audit.events import GENESIS, hashed_form, record_hash
from auth.files import fsync_directory, write_atomic

_SEGMENT: Final = re.compile(r"^audit-([0-9]{12})-([0-9]{12})\.jsonl$")
_CHECKPOINT_SUFFIX: Final = ".checkpoint.json"
_INDEX_SUFFIX: Final = ".index.json"
INDEX_FORMAT: Final = 1
"""The version of the index files' layout; one of another version is built again."""
STALE_SUFFIX: Final = ".stale"
"""Added to a segment (its checkpoint and index) left by a run cut short that the graph
disowns."""
DELETE_CHUNK: Final = 1000
"""Records (with their access entries) deleted per transaction."""

Page = list[tuple[dict[str, Any], list[list[Any]]]]
"""Records' properties with their access entries `[uscc, seq]`, as the chain walk takes them."""


class ArchiveError(RuntimeError):
    """The archive cannot be written or read; the message says why."""


@dataclass(frozen=True)
class Anchor:
    """Records 1 to `seq` are archived; the graph's chain continues after `seq` (`hash`)."""

    seq: int
    hash: str


@dataclass(frozen=True)
class Segment:
    """One archive file: records `first` to `last`."""

    path: Path
    first: int
    last: int

    @property
    def checkpoint_path(self) -> Path:
        """The signed checkpoint at `last`, beside the segment."""
        return self.path.with_name(self.path.name.removesuffix(".jsonl") + _CHECKPOINT_SUFFIX)

    @property
    def index_path(self) -> Path:
        """The index of who was read in the segment, beside it."""
        return self.path.with_name(self.path.name.removesuffix(".jsonl") + _INDEX_SUFFIX)


@dataclass(frozen=True)
class Archived:
    """What one `archive_before` run did: the segment it wrote, if any; the segments a run cut
    short had written that it adopted, or set aside; the records it deleted from the graph."""

    segment: Segment | None
    checkpoint: Checkpoint | None
    deleted: int
    adopted: tuple[Segment, ...] = ()
    set_aside: tuple[Segment, ...] = ()


async def read_anchor(driver: AsyncDriver, database: str) -> Anchor | None:
    records, _, _ = await driver.execute_query(
        cypher.AUDIT_ANCHOR, database_=database, routing_=RoutingControl.READ
    )
    if not records:
        return None
    return Anchor(int(records[0]["seq"]), str(records[0]["hash"]))


def read_segments(directory: Path) -> list[Segment]:
    """The segments in `directory`, in seq order (none when it does not exist)."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _SEGMENT.match(path.name)
        if match:
            found.append(Segment(path, int(match[1]), int(match[2])))
    return sorted(found, key=lambda s: s.first)


def segment_checkpoint(segment: Segment) -> Checkpoint | None:
    """The checkpoint stored beside `segment` (unverified), None when there is none; a file
    that cannot be read raises `ArchiveError` naming it."""
    try:
        return read_checkpoint_file(segment.checkpoint_path)
    except FileNotFoundError:
        return None
    except CheckpointError as error:
        raise ArchiveError(str(error)) from None


def _lines(segment: Segment) -> Generator[tuple[dict[str, Any], int]]:
    """Each record of `segment` with its line's length in bytes (a line that is not a record
    raises `ArchiveError` naming it)."""
    with segment.path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
            except ValueError as error:
                raise ArchiveError(f"{segment.path} line {number} is not JSON: {error}") from None
            if not isinstance(record, dict):
                raise ArchiveError(f"{segment.path} line {number} is not a record")
            yield record, len(line)


def _records(segment: Segment) -> Generator[dict[str, Any]]:
    for record, _ in _lines(segment):
        yield record


def segment_pages(segments: Sequence[Segment], page_size: int = 5000) -> Iterator[Page]:
    """The archived records in file order, a page at a time, with their access entries."""
    page: Page = []
    for segment in segments:
        for record in _records(segment):
            seq = record.get("seq")
            page.append((record, [[u, seq] for u in record.get("enterprises") or ()]))
            if len(page) >= page_size:
                yield page
                page = []
    if page:
        yield page


Reads = dict[str, list[tuple[int, int]]]
"""An index's entries: for each USCC, its records' `(seq, byte offset)` in the segment."""


@dataclass(frozen=True)
class SegmentIndex:
    """Who was read in a segment of `size` bytes: each USCC's `(seq, offset)`, in seq order."""

    size: int
    reads: Reads


def build_index(segment: Segment) -> SegmentIndex:
    """The index of `segment`, read from the segment itself (a line that is not a record
    raises `ArchiveError` naming it)."""
    reads: Reads = {}
    offset = 0
    for record, length in _lines(segment):
        _index_record(reads, record, offset)
        offset += length
    return SegmentIndex(offset, {uscc: sorted(found) for uscc, found in reads.items()})


def _index_record(reads: Reads, record: Mapping[str, Any], offset: int) -> None:
    seq = record.get("seq")
    if isinstance(seq, int):
        for uscc in record.get("enterprises") or ():
            reads.setdefault(str(uscc), []).append((seq, offset))


def write_index(segment: Segment, index: SegmentIndex) -> None:
    """Write the index beside `segment`, durably."""
    document = {
        "format": INDEX_FORMAT,
        "segment": segment.path.name,
        "bytes": index.size,
        "reads": {uscc: [list(entry) for entry in found] for uscc, found in index.reads.items()},
    }
    write_atomic(segment.index_path, json.dumps(document, separators=(",", ":")) + "\n")


def read_index(segment: Segment, size: int) -> SegmentIndex | None:
    """The index beside `segment` when there is one for this segment of `size` bytes, in a
    layout this hub reads; None otherwise (then it is built from the segment)."""
    try:
        document = json.loads(segment.index_path.read_bytes())
    except (OSError, ValueError):
        return None
    if (
        not isinstance(document, dict)
        or document.get("format") != INDEX_FORMAT
        or document.get("segment") != segment.path.name
        or document.get("bytes") != size
        or not isinstance(document.get("reads"), dict)
    ):
        return None
    reads: Reads = {}
    for uscc, found in document["reads"].items():
        if not isinstance(found, list):
            return None
        entries = set()
        for entry in found:
            if not (
                isinstance(entry, list)
                and len(entry) == 2
                and all(isinstance(n, int) and not isinstance(n, bool) for n in entry)
            ):
                return None
            entries.add((entry[0], entry[1]))
        reads[uscc] = sorted(entries)
    return SegmentIndex(size, reads)


class AccessArchive:
    """One enterprise's reads in the archived segments of `directory`, newest first, through the
    segments' indexes (see the module docstring). Parsed indexes are kept in the process, the
    `cached` most recently used, each keyed by its segment's and its own file identity (so a
    file replaced or edited is read again). Blocking file reads: call it from a thread."""

    def __init__(self, directory: Path, cached: int = 4096) -> None:
        self.directory = directory
        self._cached = cached
        self._indexes: OrderedDict[tuple[Any, ...], SegmentIndex] = OrderedDict()
        self._lock = threading.Lock()

    def reads(self, uscc: str, first: int, before_seq: int | None = None) -> list[dict[str, Any]]:
        """At most `first` archived records that read `uscc`, newest first, below `before_seq`
        when given; each as its segment holds it (every enterprise it named)."""
        found: list[dict[str, Any]] = []
        below = before_seq
        for segment in reversed(read_segments(self.directory)):
            if len(found) >= first:
                break
            if below is not None and segment.first >= below:
                continue
            index = self._index(segment)
            entries = index.reads.get(uscc, [])
            cut = len(entries) if below is None else bisect.bisect_left(entries, (below, -1))
            if cut == 0:
                continue
            with segment.path.open("rb") as stored:
                for seq, offset in reversed(entries[:cut]):
                    if below is not None and seq >= below:
                        continue  # an entry repeated by a tampered index
                    record = _line_at(stored, offset, index.size)
                    if record is None or not _reads(record, segment, seq, uscc):
                        continue  # an index entry astray: the record is not shown
                    found.append(record)
                    below = seq
                    if len(found) >= first:
                        break
        return found

    def _index(self, segment: Segment) -> SegmentIndex:
        """The segment's index: cached, read from beside it, or built (and written beside it
        when it can be)."""
        key, size = _identity(segment)
        with self._lock:
            cached = self._indexes.get(key)
            if cached is not None:
                self._indexes.move_to_end(key)
                return cached
        index = read_index(segment, size)
        if index is None:
            index = build_index(segment)
            if not segment.index_path.exists():
                with contextlib.suppress(OSError):  # a read-only archive: kept in memory only
                    write_index(segment, index)
                key, _ = _identity(segment)
        with self._lock:
            self._indexes[key] = index
            self._indexes.move_to_end(key)
            while len(self._indexes) > self._cached:
                self._indexes.popitem(last=False)
        return index


def _identity(segment: Segment) -> tuple[tuple[Any, ...], int]:
    """What changes when the segment or its index file is replaced or written to (the cache's
    key), and the segment's size."""
    stat = segment.path.stat()
    try:
        beside = segment.index_path.stat()
        index: tuple[int, ...] = (beside.st_ino, beside.st_size, beside.st_mtime_ns)
    except FileNotFoundError:
        index = ()
    return (str(segment.path), stat.st_ino, stat.st_size, stat.st_mtime_ns, index), stat.st_size


def _line_at(stored: BinaryIO, offset: int, size: int) -> dict[str, Any] | None:
    """The record on the whole line starting at `offset`; None when no line starts there or
    it is not a record."""
    if not 0 <= offset < size:
        return None
    if offset > 0:
        stored.seek(offset - 1)
        if stored.read(1) != b"\n":
            return None
    else:
        stored.seek(0)
    try:
        record = json.loads(stored.readline())
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _reads(record: Mapping[str, Any], segment: Segment, seq: int, uscc: str) -> bool:
    """Whether `record` is the segment's record `seq` and it read `uscc`."""
    enterprises = record.get("enterprises")
    return (
        record.get("seq") == seq
        and segment.first <= seq <= segment.last
        and isinstance(enterprises, list)
        and uscc in enterprises
    )


def _stored(props: Mapping[str, Any]) -> dict[str, Any]:
    """A record's properties as JSON holds them: times as the ISO text they were hashed as."""
    return {k: hashed_form(v) for k, v in sorted(props.items())}


async def archive_before(
    driver: AsyncDriver,
    database: str,
    before: dt.datetime,
    directory: Path,
    checkpoints_dir: Path,
    keys_dir: Path,
    *,
    page_size: int = 5000,
    now: dt.datetime | None = None,
) -> Archived:
    """Archive the records older than `before` (see the module docstring), first finishing a
    run cut short. Refuses (raises `ArchiveError`) to archive a chain that does not verify on
    the way, or to touch a segment beyond the anchor that the graph does not continue."""
    signed_at = now or dt.datetime.now(dt.UTC)
    key = checkpoint_key(keys_dir)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    anchor = await read_anchor(driver, database) or Anchor(0, GENESIS)
    deleted = await _delete_upto(driver, database, anchor.seq)  # an interrupted run's leftovers
    adopted: list[Segment] = []
    set_aside: list[Segment] = []
    for segment in read_segments(directory):
        if segment.last <= anchor.seq:
            continue
        last_hash = await _graph_holds(driver, database, segment, anchor, page_size)
        if last_hash is None:
            await _disown(driver, database, segment, anchor)
            set_aside.append(segment)
            continue
        write_index(segment, build_index(segment))  # whatever the run cut short left of it
        _seal(segment, key, last_hash, signed_at, checkpoints_dir)
        await _move_anchor(driver, database, segment.last, last_hash)
        anchor = Anchor(segment.last, last_hash)
        deleted += await _delete_upto(driver, database, anchor.seq)
        adopted.append(segment)
    head, _, _ = await driver.execute_query(
        cypher.AUDIT_HEAD, database_=database, routing_=RoutingControl.READ
    )
    head_seq = head[0]["seq"] if head and head[0]["seq"] is not None else 0
    fd, spool = tempfile.mkstemp(dir=directory, prefix=".segment-", suffix=".tmp")
    reads: Reads = {}
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            last, prev, size = await _spool(
                driver, database, anchor, head_seq, before, out, page_size, reads
            )
            out.flush()
            os.fsync(out.fileno())
        if last == anchor.seq:
            return Archived(None, None, deleted, tuple(adopted), tuple(set_aside))
        name = f"audit-{anchor.seq + 1:012d}-{last:012d}.jsonl"
        segment = Segment(directory / name, anchor.seq + 1, last)
        os.replace(spool, segment.path)
        fsync_directory(directory)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(spool)
    write_index(segment, SegmentIndex(size, reads))
    checkpoint = _seal(segment, key, prev, signed_at, checkpoints_dir)
    await _move_anchor(driver, database, last, prev)
    deleted += await _delete_upto(driver, database, last)
    return Archived(segment, checkpoint, deleted, tuple(adopted), tuple(set_aside))


def _seal(
    segment: Segment, key: ECKey, last_hash: str, at: dt.datetime, checkpoints_dir: Path
) -> Checkpoint:
    """The signed checkpoint at the segment's last seq, written beside it (unless one that
    verifies is there already) and into the checkpoint directory (where one is kept)."""
    jwks = dict(KeySet([key]).as_dict(private=False))
    try:
        beside = segment_checkpoint(segment)
    except ArchiveError:
        beside = None  # unreadable: signed again below
    if (
        beside is not None
        and signed_payload(beside, jwks) is not None
        and (beside.seq, beside.hash) == (segment.last, last_hash)
    ):
        checkpoint = beside
    else:
        checkpoint = sign_checkpoint(key, segment.last, last_hash, at)
        write_atomic(segment.checkpoint_path, json.dumps(checkpoint.as_json()) + "\n")
    write_checkpoint(checkpoints_dir, checkpoint)
    return checkpoint


async def _move_anchor(driver: AsyncDriver, database: str, seq: int, hash_: str) -> None:
    """Records 1 to `seq` are archived: the graph's chain continues after `seq` (`hash_`)."""
    await driver.execute_query(cypher.AUDIT_MOVE_ANCHOR, seq=seq, hash=hash_, database_=database)


async def _graph_holds(
    driver: AsyncDriver, database: str, segment: Segment, anchor: Anchor, page_size: int
) -> str | None:
    """The hash of the segment's last record when it starts right after `anchor` and the graph
    still holds exactly its records, chained from the anchor; None otherwise."""
    if segment.first != anchor.seq + 1:
        return None
    last, prev = anchor.seq, anchor.hash
    try:
        with contextlib.closing(_records(segment)) as stored:
            while last < segment.last:
                records, _, _ = await driver.execute_query(
                    cypher.AUDIT_ARCHIVE_PAGE,
                    {"after": last, "upto": segment.last, "page": page_size},
                    database_=database,
                    routing_=RoutingControl.READ,
                )
                if not records:
                    return None
                for record in records:
                    props = record["props"]
                    if (
                        props["seq"] != last + 1
                        or props.get("prevHash") != prev
                        or record_hash(props) != props.get("hash")
                        or next(stored, None) != _as_read(props)
                    ):
                        return None
                    last, prev = props["seq"], props["hash"]
            if next(stored, None) is not None:
                return None
    except ArchiveError:
        return None  # a file that is not JSON lines holds nothing the graph does
    return prev


async def _disown(driver: AsyncDriver, database: str, segment: Segment, anchor: Anchor) -> None:
    """Set aside a segment beyond the anchor that the graph does not hold: only when the
    graph's chain itself continues right after the anchor (then the file is a stale copy of a
    run cut short); otherwise the file may be the only copy of records gone from the graph."""
    records, _, _ = await driver.execute_query(
        cypher.AUDIT_ARCHIVE_PAGE,
        {"after": anchor.seq, "upto": anchor.seq + 1, "page": 1},
        database_=database,
        routing_=RoutingControl.READ,
    )
    props = records[0]["props"] if records else {}
    if props.get("seq") != anchor.seq + 1 or props.get("prevHash") != anchor.hash:
        raise ArchiveError(
            f"{segment.path} lies beyond the graph's archive anchor (seq {anchor.seq}) but the "
            "graph does not continue the chain there: run `hub audit verify`; nothing was "
            "archived"
        )
    for path in (segment.path, segment.checkpoint_path, segment.index_path):
        with contextlib.suppress(FileNotFoundError):
            os.replace(path, path.with_name(path.name + STALE_SUFFIX))
    fsync_directory(segment.path.parent)


def _as_read(props: Mapping[str, Any]) -> Any:
    """A record's properties as its segment's JSON line reads back."""
    return json.loads(json.dumps(_stored(props), ensure_ascii=False))


async def _spool(
    driver: AsyncDriver,
    database: str,
    anchor: Anchor,
    head_seq: int,
    before: dt.datetime,
    out: TextIO,
    page_size: int,
    reads: Reads,
) -> tuple[int, str, int]:
    """Write the records after `anchor` older than `before` to `out`, checking the chain on
    the way, and each one's enterprises with its offset into `reads`; the last one's seq and
    hash, and the bytes written."""
    last, prev = anchor.seq, anchor.hash
    offset = 0
    done = False
    while not done and last < head_seq:
        records, _, _ = await driver.execute_query(
            cypher.AUDIT_ARCHIVE_PAGE,
            {"after": last, "upto": head_seq, "page": page_size},
            database_=database,
            routing_=RoutingControl.READ,
        )
        if not records:
            raise ArchiveError(f"records after seq {last} are missing: run `hub audit verify`")
        for record in records:
            props = record["props"]
            if props["at"].to_native() >= before:
                done = True
                break
            if (
                props["seq"] != last + 1
                or props.get("prevHash") != prev
                or record_hash(props) != props.get("hash")
            ):
                raise ArchiveError(
                    f"the chain does not verify at seq {props['seq']}: run `hub audit verify`; "
                    "nothing was archived"
                )
            stored = _stored(props)
            line = json.dumps(stored, ensure_ascii=False, separators=(",", ":")) + "\n"
            out.write(line)
            _index_record(reads, stored, offset)
            offset += len(line.encode("utf-8"))
            last, prev = props["seq"], props["hash"]
    return last, prev, offset


async def _delete_upto(driver: AsyncDriver, database: str, seq: int) -> int:
    """Delete the records up to `seq` and their access entries, `DELETE_CHUNK` a transaction."""
    total = 0
    while seq > 0:
        records, _, _ = await driver.execute_query(
            cypher.AUDIT_DELETE_ARCHIVED, seq=seq, chunk=DELETE_CHUNK, database_=database
        )
        deleted = int(records[0]["deleted"]) if records else 0
        if deleted == 0:
            return total
        total += deleted
    return total
