"""The audit journal: local append-only files where a read's audit record is durable first.

A read's answer waits for one fsync of a line here (a fraction of a millisecond on a local
disk) instead of a Neo4j write transaction (about 15 ms). `auth.audit.writer.AuditLog` then
copies the entries into the hash chain in the background, in order, and at start replays what
earlier processes left out of it (a crash, Neo4j being away). Each journal file has its own id
and numbers its entries 1, 2, 3, ...; the chain transaction that appends entries also moves
`(:AuditJournal {id}).applied` to the last one's number, under the chain head's lock, and skips
entries at or below it: an entry reaches the chain exactly once, even when a commit's outcome
was lost and the write is retried, or the same file is replayed twice.

A process appends only to files it created itself, under a fresh random id (`<id>.journal`,
held by an exclusive `flock` on `<id>.lock`): a journal copied elsewhere or restored from a
backup is only ever replayed, never appended to, so its numbers cannot collide with what the
chain already holds. At open, a process also adopts every journal no running process holds (a
crashed or stopped process's, however many) and replays it; a file is deleted once every entry
in it is in the chain. The file appended to is sealed and a new one begun once it is larger than
`rotate_bytes`, so under steady load no file grows without bound.

A file is a header line `{"journal": id, "first": 1}` then one JSON line per entry,
`{"n": n, "event": {...}}`. A line torn by a crash (the file does not end in a newline) was
never fsynced, so its read was never answered: it is cut off at open. Anything else unreadable
stops the open with `JournalError`, naming the file and line: an operator must look (move the
file aside to start without it); nothing is guessed.

The journal is as durable as the disk under it: in a container, keep it on a volume.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from auth.audit.events import AuditEvent
from auth.files import write_atomic

ROTATE_BYTES: Final = 4 * 2**20
"""The file appended to is sealed, and a new one begun, past this size."""
_SUFFIX: Final = ".journal"


class JournalError(RuntimeError):
    """The journal cannot be opened, read or written; the message says which file and why."""


@dataclass(frozen=True)
class Entry:
    """One journaled event: its journal file's id and its number there."""

    journal: str
    n: int
    event: AuditEvent


Durable = Callable[[list[Entry]], None]
"""Called, in the event loop, with the entries one fsync made durable, in their order."""


@dataclass
class _File:
    """One journal file this process holds: appends to it, or replays it."""

    path: Path
    lock_fd: int
    fd: int | None
    """Open for appending (the current file), else None."""
    last: int
    """Its last entry's number (0: none)."""
    size: int = 0
    applied: int = 0
    """Entries up to this number are in the chain."""

    @property
    def id(self) -> str:
        return self.path.stem

    def release(self, *, delete: bool) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if delete:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            with contextlib.suppress(FileNotFoundError):
                self.path.with_suffix(".lock").unlink()
        os.close(self.lock_fd)  # releases the flock


class Journal:
    """One process's journal files. Build it with `Journal.open`."""

    def __init__(self, directory: Path, adopted: list[_File], replay: list[Entry]) -> None:
        self.directory = directory
        self._rotate_bytes = ROTATE_BYTES
        self._files: dict[str, _File] = {f.id: f for f in adopted}
        self.replay = replay
        """The entries the adopted files held at open: the chain may lack some."""
        self._current = self._begin()
        self._waiting: list[tuple[Entry, asyncio.Future[None]]] = []
        self._syncing: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-journal")
        self._broken: str | None = None
        self._closed = False
        self.on_durable: Durable = lambda entries: None

    @classmethod
    def open(cls, directory: Path, *, rotate_bytes: int = ROTATE_BYTES) -> Journal:
        """Adopt every journal in `directory` that no running process holds, and begin a new
        file to append to."""
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        adopted: list[_File] = []
        replay: list[Entry] = []
        try:
            for path in sorted(directory.glob(f"*{_SUFFIX}")):
                lock_fd = _try_lock(path.with_suffix(".lock"))
                if lock_fd is None:
                    continue  # a running process's
                try:
                    entries, good = _read(path)
                    if good < path.stat().st_size:
                        with path.open("r+b") as torn:  # a line torn by a crash: never answered
                            torn.truncate(good)
                            os.fsync(torn.fileno())
                except FileNotFoundError:
                    os.close(lock_fd)  # deleted by the process that replayed it
                    continue
                except BaseException:
                    os.close(lock_fd)
                    raise
                held = _File(path, lock_fd, None, last=entries[-1].n if entries else 0)
                if not entries:
                    held.release(delete=True)
                    continue
                adopted.append(held)
                replay.extend(entries)
        except BaseException:
            for held in adopted:
                held.release(delete=False)
            raise
        journal = cls(directory, adopted, replay)
        journal._rotate_bytes = rotate_bytes
        return journal

    @property
    def path(self) -> Path:
        """The file appended to now."""
        return self._current.path

    @property
    def id(self) -> str:
        """The id of the file appended to now."""
        return self._current.id

    def append(self, event: AuditEvent) -> asyncio.Future[None]:
        """Write `event` as the next entry; the future resolves once an fsync made it durable
        (and `on_durable` was called with it), or fails with `JournalError`."""
        if self._closed:
            raise JournalError(f"the audit journal in {self.directory} is closed")
        if self._broken is not None:
            raise JournalError(self._broken)
        if self._current.size > self._rotate_bytes:
            try:
                sealed, self._current = self._current, self._begin()
            except OSError as error:
                raise JournalError(f"cannot begin a new audit journal: {error}") from None
            with contextlib.suppress(OSError):  # left behind, it is replayed (and skipped) later
                self.applied(sealed.id, sealed.applied)  # deleted now if all in the chain
        current = self._current
        assert current.fd is not None
        entry = Entry(current.id, current.last + 1, event)
        line = f'{{"n":{entry.n},"event":{event.model_dump_json(by_alias=True)}}}\n'
        data = line.encode("utf-8")
        try:
            _write_all(current.fd, data)
        except OSError as error:
            self._undo(current, error)
            raise JournalError(f"cannot write the audit journal {current.path}: {error}") from None
        current.last = entry.n
        current.size += len(data)
        durable = asyncio.get_running_loop().create_future()
        self._waiting.append((entry, durable))
        if self._syncing is None:
            self._syncing = asyncio.create_task(self._sync(), name="audit-journal-fsync")
        return durable

    def applied(self, journal_id: str, n: int) -> None:
        """Entries up to `n` of that file are in the chain: a sealed file all in it is deleted."""
        held = self._files.get(journal_id)
        if held is None:
            return
        held.applied = max(held.applied, n)
        if held is not self._current and held.applied >= held.last:
            del self._files[journal_id]
            held.release(delete=True)

    async def aclose(self) -> None:
        """Stop appending; delete every file all in the chain; release the others (the next
        process replays them)."""
        if self._closed:
            return
        self._closed = True
        if self._syncing is not None:
            await asyncio.gather(self._syncing, return_exceptions=True)
        for held in list(self._files.values()):
            held.release(delete=held.applied >= held.last)
        self._files.clear()
        self._executor.shutdown(wait=False)

    def _begin(self) -> _File:
        """A new file, under a fresh id, to append to."""
        path = self.directory / f"{uuid.uuid4().hex[:16]}{_SUFFIX}"
        lock_fd = _try_lock(path.with_suffix(".lock"))
        if lock_fd is None:  # pragma: no cover - a fresh random name
            raise JournalError(f"cannot lock the new audit journal {path}")
        header = json.dumps({"journal": path.stem, "first": 1}, separators=(",", ":")) + "\n"
        write_atomic(path, header, exclusive=True)
        held = _File(path, lock_fd, os.open(path, os.O_WRONLY | os.O_APPEND), last=0)
        held.size = len(header)
        self._files[held.id] = held
        return held

    async def _sync(self) -> None:
        """Fsync what was written, over and over while appends keep coming: one fsync makes
        every entry written before it durable, so concurrent requests share it."""
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                fds = {self._files[e.journal].fd for e, _ in batch if e.journal in self._files}
                try:
                    for fd in fds:
                        if fd is not None:
                            await loop.run_in_executor(self._executor, os.fdatasync, fd)
                except OSError as error:
                    self._broken = f"cannot fsync the audit journal in {self.directory}: {error}"
                    for _, durable in batch + self._waiting:
                        if not durable.done():
                            durable.set_exception(JournalError(self._broken))
                    self._waiting = []
                    return
                self.on_durable([entry for entry, _ in batch])
                for _, durable in batch:
                    if not durable.done():
                        durable.set_result(None)
        finally:
            self._syncing = None

    def _undo(self, current: _File, error: OSError) -> None:
        """Cut a partly written line off (a full disk), or stop appending if that fails: a
        torn line followed by more entries would make the file unreadable."""
        try:
            assert current.fd is not None
            os.ftruncate(current.fd, current.size)
        except OSError:
            self._broken = f"the audit journal {current.path} is damaged by a failed write: {error}"


def _try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read(path: Path) -> tuple[list[Entry], int]:
    """The entries, and the length of the file's whole lines."""
    raw = path.read_bytes()
    complete = raw.rfind(b"\n") + 1  # what follows the last newline was never fsynced
    lines = raw[:complete].split(b"\n")[:-1]
    if not lines:
        raise JournalError(f"the audit journal {path} has no header line")
    try:
        header = json.loads(lines[0])
        expected = int(header["first"])
        if header["journal"] != path.stem:
            raise ValueError(f"it names journal {header['journal']!r}")
    except (ValueError, KeyError, TypeError) as error:
        raise JournalError(f"the audit journal {path} has a bad header: {error}") from None
    entries: list[Entry] = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            document = json.loads(line)
            n = int(document["n"])
            event = AuditEvent.model_validate(document["event"])
        except (ValueError, KeyError, TypeError, ValidationError) as error:
            raise JournalError(
                f"the audit journal {path} is unreadable at line {number}: {error}"
            ) from None
        if n != expected:
            raise JournalError(
                f"the audit journal {path} has entry {n} at line {number} where entry "
                f"{expected} belongs"
            )
        entries.append(Entry(path.stem, n, event))
        expected += 1
    return entries, complete
