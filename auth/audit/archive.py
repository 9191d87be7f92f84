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
graph; `archived_access_log` is an enterprise's access log in the archive.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO

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
STALE_SUFFIX: Final = ".stale"
"""Added to a segment (and its checkpoint) left by a run cut short that the graph disowns."""
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


def _records(segment: Segment) -> Generator[dict[str, Any]]:
    with segment.path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
            except ValueError as error:
                raise ArchiveError(f"{segment.path} line {number} is not JSON: {error}") from None
            if not isinstance(record, dict):
                raise ArchiveError(f"{segment.path} line {number} is not a record")
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


def archived_access_log(segments: Sequence[Segment], uscc: str) -> list[dict[str, Any]]:
    """The archived records that read `uscc`, newest first, each cut down to that enterprise
    (it does not learn whom else the same request touched)."""
    found = [
        {**record, "enterprises": [uscc]}
        for segment in segments
        for record in _records(segment)
        if uscc in (record.get("enterprises") or ())
    ]
    return sorted(found, key=lambda r: -int(r.get("seq") or 0))


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
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            last, prev = await _spool(driver, database, anchor, head_seq, before, out, page_size)
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
    for path in (segment.path, segment.checkpoint_path):
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
) -> tuple[int, str]:
    """Write the records after `anchor` older than `before` to `out`, checking the chain on
    the way; the last one's seq and hash."""
    last, prev = anchor.seq, anchor.hash
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
            out.write(json.dumps(_stored(props), ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            last, prev = props["seq"], props["hash"]
    return last, prev


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
