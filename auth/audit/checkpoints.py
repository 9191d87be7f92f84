"""Signed checkpoints of the audit chain, kept outside the graph so the graph cannot rewrite them.

A checkpoint is the chain head at a moment, `{seq, hash, at}`, signed by the hub's checkpoint
key (ES256, a private JWK Set in `<keys_dir>/audit-checkpoint.json`, mode 0600; made on first
use, shared by the instances that share the keys directory). Each is a file `<seq>.json` in the
checkpoint directory: `{"seq", "hash", "at", "kid", "jws"}`, where `jws` is the compact JWS of
the canonical JSON of `{seq, hash, at}`; the signed payload is what counts, the other fields
are there to be read. Departments fetch them (`GET /audit/checkpoints`) with the public key
(`GET /audit/checkpoint-key.json`) and keep their own copies; `hub audit verify` checks the
chain against them (`auth.audit.chain`).

The `Checkpointer` signs one after every `every_records` records this hub wrote and every
`interval_s` seconds when the head moved (also by another instance).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import datetime as dt
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet
from neo4j import AsyncDriver, RoutingControl

from auth import cypher
from auth.files import write_atomic

log = logging.getLogger(__name__)

KEY_FILE: Final = "audit-checkpoint.json"
SIGNING_ALG: Final = "ES256"
_SUFFIX: Final = ".json"
_CHECKPOINT_NAME: Final = re.compile(r"^([0-9]{1,15})\.json$")


class CheckpointError(ValueError):
    """A checkpoint file or key file that cannot be read; the message names it."""


@dataclass(frozen=True)
class Checkpoint:
    """The chain head signed at `at`: record `seq` has hash `hash`."""

    seq: int
    hash: str
    at: str
    kid: str
    jws: str

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "at": self.at, "kid": self.kid, "jws": self.jws}

    @classmethod
    def from_json(cls, document: Mapping[str, Any], source: str) -> Checkpoint:
        try:
            return cls(
                seq=int(document["seq"]),
                hash=str(document["hash"]),
                at=str(document["at"]),
                kid=str(document["kid"]),
                jws=str(document["jws"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise CheckpointError(f"{source} is not a checkpoint: {error!r}") from None


def _payload(seq: int, hash_: str, at: str) -> bytes:
    document = {"seq": seq, "hash": hash_, "at": at}
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def key_path(keys_dir: Path) -> Path:
    return keys_dir / KEY_FILE


def checkpoint_key(keys_dir: Path, *, create: bool = True) -> ECKey:
    """The private checkpoint key in `keys_dir`; `create` makes it when there is none (safe
    when instances race: the first one written wins)."""
    path = key_path(keys_dir)
    if create and not path.exists():
        key = ECKey.generate_key("P-256", {"alg": SIGNING_ALG, "use": "sig"}, private=True)
        key.ensure_kid()
        write_atomic(path, json.dumps({"keys": [dict(key.as_dict(private=True))]}), exclusive=True)
    try:
        keys = json.loads(path.read_text())["keys"]
        key = ECKey.import_key(keys[0])
    except FileNotFoundError:
        raise CheckpointError(f"no checkpoint key at {path}") from None
    except (ValueError, KeyError, TypeError, IndexError, JoseError) as error:
        raise CheckpointError(f"the checkpoint key file {path} cannot be read: {error!r}") from None
    if not key.is_private:
        raise CheckpointError(f"the checkpoint key in {path} is not a private key")
    return key


def public_jwks(keys_dir: Path) -> dict[str, Any]:
    """The checkpoint key's public JWK Set (creates the key if missing)."""
    return dict(KeySet([checkpoint_key(keys_dir)]).as_dict(private=False))


def sign_checkpoint(key: ECKey, seq: int, hash_: str, at: dt.datetime) -> Checkpoint:
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    token = jws.serialize_compact(
        {"alg": SIGNING_ALG, "kid": key.kid}, _payload(seq, hash_, stamp), key
    )
    return Checkpoint(seq=seq, hash=hash_, at=stamp, kid=str(key.kid), jws=token)


def signed_payload(checkpoint: Checkpoint, jwks: Mapping[str, Any]) -> Checkpoint | None:
    """The checkpoint as its signature says it (`seq`, `hash`, `at` from the signed payload),
    or None when the signature does not verify with a key of `jwks` or the file's fields are
    not what was signed."""
    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
        verified = jws.deserialize_compact(checkpoint.jws, keys, algorithms=[SIGNING_ALG])
        document = json.loads(verified.payload)
        signed = Checkpoint(
            seq=int(document["seq"]),
            hash=str(document["hash"]),
            at=str(document["at"]),
            kid=checkpoint.kid,
            jws=checkpoint.jws,
        )
    except (JoseError, ValueError, KeyError, TypeError):
        return None
    # a file whose readable fields differ from what was signed misleads whoever reads them
    return signed if signed == checkpoint else None


def checkpoint_file(directory: Path, seq: int) -> Path:
    return directory / f"{seq:012d}{_SUFFIX}"


def write_checkpoint(directory: Path, checkpoint: Checkpoint) -> Path:
    """Store `checkpoint` as `<seq>.json`; one already stored for that seq is kept."""
    path = checkpoint_file(directory, checkpoint.seq)
    write_atomic(path, json.dumps(checkpoint.as_json(), indent=1) + "\n", exclusive=True)
    return path


def _seqs_in(directory: Path) -> list[int]:
    """The seqs of the checkpoint files in `directory`, sorted, from their names alone (none
    when it does not exist)."""
    try:
        with os.scandir(directory) as entries:
            names = [e.name for e in entries]
    except FileNotFoundError:
        return []
    # only the names `write_checkpoint` gives, which `checkpoint_file` finds again
    return sorted(
        seq
        for name in names
        if (match := _CHECKPOINT_NAME.match(name))
        and checkpoint_file(directory, seq := int(match[1])).name == name
    )


def read_checkpoint_file(path: Path) -> Checkpoint:
    """The checkpoint in `path` (unverified). A missing file raises `FileNotFoundError`, one
    that cannot be read `CheckpointError` naming it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as error:
        raise CheckpointError(f"checkpoint file {path} cannot be read: {error!r}") from None
    if not isinstance(document, dict):
        raise CheckpointError(f"checkpoint file {path} is not a JSON object")
    return Checkpoint.from_json(document, str(path))


def _read_seqs(directory: Path, seqs: Iterable[int]) -> list[Checkpoint]:
    try:
        return [read_checkpoint_file(checkpoint_file(directory, seq)) for seq in seqs]
    except FileNotFoundError as error:
        raise CheckpointError(f"checkpoint file {error.filename} vanished") from None


def read_checkpoints(
    directory: Path, *, after: int = 0, limit: int | None = None
) -> list[Checkpoint]:
    """The checkpoints stored in `directory` with seq above `after`, in seq order (at most
    `limit`); none when the directory does not exist. An unreadable file raises
    `CheckpointError` naming it."""
    seqs = _seqs_in(directory)
    wanted = seqs[bisect.bisect_right(seqs, after) :]
    return _read_seqs(directory, wanted if limit is None else wanted[:limit])


def latest_checkpoint(directory: Path) -> Checkpoint | None:
    """The checkpoint with the highest seq in `directory`, if any."""
    seqs = _seqs_in(directory)
    return _read_seqs(directory, seqs[-1:])[0] if seqs else None


class CheckpointIndex:
    """The checkpoint directory as the public endpoint reads it: the seqs are listed again
    only when the directory changed (its mtime moved: a file was added, by any writer), and
    only the files an answer holds are parsed, so an unauthenticated request costs a `stat`
    and a few small reads, not a listing of years of checkpoints. Thread-safe."""

    RACY_NS: Final = 2_000_000_000
    """A listing taken this soon after the directory's mtime may miss a file written in the
    same timestamp tick, so it is taken again (as git treats a racily clean index)."""

    def __init__(self, directory: Path, *, now_ns: Callable[[], int] = time.time_ns) -> None:
        self.directory = directory
        self._now_ns = now_ns
        self._lock = threading.Lock()
        self._seqs: list[int] = []
        self._listed: tuple[int, int] | None = None
        """The directory's (inode, mtime) when `_seqs` was listed."""
        self._listed_ns = 0

    def _current(self) -> list[int]:
        try:
            stat = os.stat(self.directory)
        except FileNotFoundError:
            return []
        stamp = (stat.st_ino, stat.st_mtime_ns)
        with self._lock:
            if stamp != self._listed or self._listed_ns - stat.st_mtime_ns < self.RACY_NS:
                self._listed_ns = self._now_ns()
                self._seqs = _seqs_in(self.directory)
                self._listed = stamp
            return self._seqs

    def latest(self) -> Checkpoint | None:
        """The newest checkpoint, if any."""
        seqs = self._current()
        return _read_seqs(self.directory, seqs[-1:])[0] if seqs else None

    def after(self, seq: int, limit: int) -> list[Checkpoint]:
        """At most `limit` checkpoints with seq above `seq`, oldest first."""
        seqs = self._current()
        start = bisect.bisect_right(seqs, seq)
        return _read_seqs(self.directory, seqs[start : start + limit])


async def chain_head(driver: AsyncDriver, database: str) -> tuple[int, str] | None:
    """The chain head's (seq, hash) in the graph, None before the first record."""
    records, _, _ = await driver.execute_query(
        cypher.AUDIT_HEAD, database_=database, routing_=RoutingControl.READ
    )
    if not records or records[0]["seq"] is None:
        return None
    return int(records[0]["seq"]), str(records[0]["hash"])


class Checkpointer:
    """Signs the chain head into `directory` after every `every_records` records this hub
    wrote (`written`, the audit writer's callback) and every `interval_s` seconds when the
    head in the graph moved; `aclose` signs the last head before it returns."""

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        directory: Path,
        keys_dir: Path,
        *,
        every_records: int = 1000,
        interval_s: float = 60.0,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._driver = driver
        self._database = database
        self.directory = directory
        self._key = checkpoint_key(keys_dir)
        self._every = every_records
        self._interval = interval_s
        self._clock = clock
        latest = latest_checkpoint(directory)
        self._signed = latest.seq if latest is not None else 0
        self._signing = 0
        """The seq of the checkpoint being signed now (0: none)."""
        self._head: tuple[int, str] | None = None
        self._due_head: tuple[int, str] | None = None
        self._due = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def signed_seq(self) -> int:
        """The seq of the newest checkpoint this hub knows of."""
        return self._signed

    def written(self, seq: int, hash_: str) -> None:
        """The audit writer committed up to `seq` (with `hash_`): sign when enough are due."""
        if self._head is None or seq > self._head[0]:
            self._head = (seq, hash_)
        # counted from the checkpoint being signed, if any: it is not yet in `_signed`
        if seq - max(self._signed, self._signing) >= self._every and self._due_head is None:
            self._due_head = (seq, hash_)  # the head that made it due, however soon it is signed
            self._due.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="audit-checkpointer")

    async def sign_now(self) -> Checkpoint | None:
        """Sign the graph's head now if it moved past the newest checkpoint."""
        head = await chain_head(self._driver, self._database)
        return await self._sign(head)

    async def _sign(self, head: tuple[int, str] | None) -> Checkpoint | None:
        if head is None or head[0] <= self._signed:
            return None
        checkpoint = sign_checkpoint(self._key, head[0], head[1], self._clock())
        await asyncio.to_thread(write_checkpoint, self.directory, checkpoint)
        self._signed = head[0]
        return checkpoint

    async def _run(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._due.wait(), self._interval)
            due, self._due_head = self._due_head, None
            self._due.clear()
            self._signing = 0 if due is None else due[0]
            try:
                # on a count this hub's own commit is signed; on the timer, the graph's head
                await (self.sign_now() if due is None else self._sign(due))
            except Exception as error:
                log.error("audit: cannot sign a checkpoint: %s", error)
            finally:
                self._signing = 0

    async def aclose(self) -> None:
        """Stop the timer and sign the last head this hub wrote."""
        self._closing = True
        self._due.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        try:
            await self._sign(self._head)
        except Exception as error:
            log.error("audit: cannot sign the last checkpoint: %s", error)
