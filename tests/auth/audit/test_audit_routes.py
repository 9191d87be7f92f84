"""`GET /audit/checkpoints` as a department calls it: `after` is ASCII digits or a 400 naming
it; a stored checkpoint that cannot be read answers a 500 that names no server path (the log
does); the directory is listed again only when it changed."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from auth.audit import checkpoints as checkpoints_module
from auth.audit.checkpoints import (
    CheckpointIndex,
    checkpoint_key,
    sign_checkpoint,
    write_checkpoint,
)
from auth.audit.routes import checkpoint_routes

SIGNED_AT = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)
BAD_AFTER = {"error": "after must be a seq: a whole number of at most 15 digits"}
LONG_AGO_NS = 1_700_000_000 * 10**9
"""A directory mtime set by hand, so that whether a listing is racy is decided by the test."""


def sign(directory: Path, keys: Path, *seqs: int) -> None:
    key = checkpoint_key(keys)
    for seq in seqs:
        write_checkpoint(directory, sign_checkpoint(key, seq, f"{seq:064x}", SIGNED_AT))


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    """Checkpoints at seq 10, 20 and 30."""
    sign(tmp_path / "checkpoints", tmp_path / "keys", 10, 20, 30)
    return tmp_path / "checkpoints"


@pytest.fixture
async def client(directory: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=checkpoint_routes(directory, directory.parent / "keys"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        yield http


async def seqs(client: httpx.AsyncClient, query: str) -> list[int]:
    answer = await client.get(f"/audit/checkpoints{query}")
    assert answer.status_code == 200, answer.text
    return [c["seq"] for c in answer.json()["checkpoints"]]


@pytest.mark.parametrize("after", ["²", "1²", "١٢", "-1", "1.0", "abc", "", "1234567890123456"])
async def test_after_that_is_not_ascii_digits_is_a_400_naming_it(
    client: httpx.AsyncClient, after: str
) -> None:
    answer = await client.get("/audit/checkpoints", params={"after": after})
    assert (answer.status_code, answer.json()) == (400, BAD_AFTER)


async def test_a_seq_of_up_to_15_digits_answers(client: httpx.AsyncClient) -> None:
    assert await seqs(client, "") == [30]
    assert await seqs(client, "?after=0") == [10, 20, 30]
    assert await seqs(client, "?after=10") == [20, 30]
    assert await seqs(client, "?after=000000000019") == [20, 30]
    assert await seqs(client, "?after=999999999999999") == []


async def test_an_unreadable_checkpoint_answers_without_a_server_path(
    client: httpx.AsyncClient, directory: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = directory / "000000000040.json"
    broken.write_text("{not json")
    with caplog.at_level(logging.ERROR, logger="auth.audit.routes"):
        answer = await client.get("/audit/checkpoints")
    assert (answer.status_code, answer.json()) == (
        500,
        {"error": "a stored checkpoint cannot be read; the hub's log says which"},
    )
    assert str(directory) not in answer.text
    assert str(broken) in caplog.text  # the operator learns which
    broken.unlink()  # the allowed twin: once it is gone, the rest answers
    assert await seqs(client, "") == [30]


async def test_the_index_lists_the_directory_again_only_when_it_changed(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listings: list[Path] = []
    list_names = checkpoints_module._seqs_in

    def counted(where: Path) -> list[int]:
        listings.append(where)
        return list_names(where)

    monkeypatch.setattr(checkpoints_module, "_seqs_in", counted)
    os.utime(directory, ns=(LONG_AGO_NS, LONG_AGO_NS))
    settled = CheckpointIndex(directory, now_ns=lambda: LONG_AGO_NS + 10 * 10**9)
    for _ in range(3):
        latest = settled.latest()
        assert latest is not None and latest.seq == 30
    assert settled.after(10, 1000)[0].seq == 20
    assert len(listings) == 1

    sign(directory, directory.parent / "keys", 40)  # any writer: the directory's mtime moves
    latest = settled.latest()
    assert latest is not None and latest.seq == 40
    assert len(listings) == 2

    # a listing taken in the same second as the last change may have missed a file: taken again
    os.utime(directory, ns=(LONG_AGO_NS, LONG_AGO_NS))
    racy = CheckpointIndex(directory, now_ns=lambda: LONG_AGO_NS + 10**9)
    racy.latest()
    racy.latest()
    assert len(listings) == 4
