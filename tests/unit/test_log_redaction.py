"""Issue 16: never a secret or a token in a log. A record holding a bearer token, a JWT, a client
secret, a password or the person-key secret (in its message, its arguments, an extra field or
its traceback) is written without it, and an ordinary record is written as it was; the JSON line
has the documented fields. The request id a request may bring is kept only when it is a sane
token."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from graph_kit import hub_settings

from hub.logs import HubJsonFormatter, RedactSecrets, held_secrets, sane_request_id

PERSON_KEY_SECRET = "9f1c2e7a" * 8
JWT = (
    "eyJhbGciOiJFZERTQSIsImtpZCI6Imh1Yi0xIn0"
    ".eyJzdWIiOiJiYW5rLTEiLCJzY29wZSI6ImNyZWRpdDpyZWFkIn0"
    ".c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
)
CLIENT_SECRET = "Zq8-vN3_kP0wR7tY2uI5oA9sD4fG6hJ1kL3zX8cV0bM"


@pytest.fixture
def written() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose records go through the hub's filter and JSON formatter into a buffer."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactSecrets([PERSON_KEY_SECRET]))
    handler.setFormatter(HubJsonFormatter())
    logger = logging.getLogger("tests.redaction")
    logger.handlers, logger.propagate, logger.level = [handler], False, logging.INFO
    try:
        yield logger, out
    finally:
        logger.handlers = []


def lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_record_holding_tokens_and_secrets_is_written_without_them(
    written: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = written
    logger.info("request headers: %s", {"Authorization": f"Bearer {JWT}"})
    logger.info("token request client_id=bank-1&client_secret=%s", CLIENT_SECRET)
    logger.warning("introspected %s", JWT)
    logger.info("keys", extra={"detail": f'{{"password": "hunter2-but-longer", "d": "{JWT}"}}'})
    try:
        raise ValueError(f"cannot derive a person key with {PERSON_KEY_SECRET}")
    except ValueError:
        logger.exception("identity failed")

    text = out.getvalue()
    for secret in (JWT, CLIENT_SECRET, "hunter2-but-longer", PERSON_KEY_SECRET):
        assert secret not in text
    assert [line["message"] for line in lines(out)] == [
        "request headers: {'Authorization': 'Bearer [REDACTED]'}",
        "token request client_id=bank-1&client_secret=[REDACTED]",
        "introspected [REDACTED]",
        "keys",
        "identity failed",
    ]
    assert lines(out)[3]["detail"] == '{"password": "[REDACTED]", "d": "[REDACTED]"}'
    assert str(lines(out)[4]["exc_info"]).endswith(
        "ValueError: cannot derive a person key with [REDACTED]"
    )


def test_an_ordinary_record_is_written_as_it_was(
    written: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = written
    logger.info(
        "re-rated %d enterprises; max_tokens=%d; uscc %s; client bank-1 asked for a token",
        12,
        2000,
        "91350100M000100Y43",
    )
    (line,) = lines(out)
    assert line["message"] == (
        "re-rated 12 enterprises; max_tokens=2000; uscc 91350100M000100Y43; client bank-1 "
        "asked for a token"
    )
    assert {"timestamp", "level", "logger", "message", "request_id"} <= line.keys()
    assert (line["level"], line["logger"], line["request_id"]) == (
        "INFO",
        "tests.redaction",
        None,
    )


def test_the_secrets_the_hub_holds_are_redacted_literally(tmp_path: Path) -> None:
    settings = hub_settings(person_key_secret=PERSON_KEY_SECRET, neo4j_password="n30-pass-word")
    assert held_secrets(settings) == [PERSON_KEY_SECRET, "n30-pass-word"]
    unset = hub_settings(data_dir=tmp_path)
    assert held_secrets(unset) == []  # none kept yet, and none made by asking


@pytest.mark.parametrize(
    "given",
    ["abc-123", "3f9c0d2e8a7b4c1d9e0f1a2b3c4d5e6f", "req.2026-11-24T08:00:00Z", "a" * 128],
)
def test_a_sane_request_id_is_kept(given: str) -> None:
    assert sane_request_id(given)


@pytest.mark.parametrize(
    "given",
    ["a" * 129, "a" * 1000, "abc\n123", "abc\t123", "abc 123", "", "-leading", JWT, "日志"],
)
def test_an_insane_request_id_is_refused(given: str) -> None:
    assert not sane_request_id(given)
