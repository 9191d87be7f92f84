"""Issue 13, "Closed to abuse", through the real HTTP API and the `hub` command: a sequence
that cannot be pushed out of reach (bounded, a bounded jump, an audited operator reset), a push
body that is not a batch answered 4xx with its reason, a bounded push body, one batch pushed
twice at once, and `Ed25519` as the other name of `EdDSA`.

The hub here is served with the batch skew opened wide, so batches signed at the suite's fixed
time `NOW` are accepted whatever the machine's clock says.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from connector_kit import (
    DATABASE,
    NOW,
    Agency,
    bearer,
    enterprise_record,
    fingerprint,
    hub_cli,
    uscc,
)
from graph_kit import hub_settings, served, token_for
from neo4j import AsyncDriver
from neo4j.time import DateTime

from connectors.client import BatchSigner, encode_payload
from connectors.signing import Key, import_jwk
from graph_schema.model import Department
from hub.localdb import free_port

pytestmark = pytest.mark.asyncio

BODY_LIMIT = 64 * 1024
SEQUENCE_JUMP = 1000
WIDE_SKEW_S = 20 * 365 * 86_400


@pytest.fixture(scope="module")
def fixed_hub(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real hub (uvicorn, its own driver) with a 64 KiB body limit and a jump of 1000."""

    settings = hub_settings(
        neo4j_uri=neo4j_uri,
        data_dir=tmp_path_factory.mktemp("abuse-hub"),
        port=free_port(),
        batch_max_bytes=BODY_LIMIT,
        batch_max_sequence_jump=SEQUENCE_JUMP,
        batch_max_age_s=WIDE_SKEW_S,
        batch_max_future_skew_s=WIDE_SKEW_S,
    )
    with served(settings) as url:
        yield url


async def push(hub: str, token: str, body: bytes) -> httpx.Response:
    async with httpx.AsyncClient(base_url=hub, timeout=60) as client:
        return await client.post("/connectors/batches", content=body, headers=bearer(token))


def problems(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    assert body["status"] == "REJECTED", body
    found: list[dict[str, Any]] = body["problems"]
    return found


async def last_sequence(driver: AsyncDriver, connector: str) -> int:
    records, _, _ = await driver.execute_query(
        "MATCH (c:Connector {id: $id}) RETURN c.lastSequence AS s", id=connector, database_=DATABASE
    )
    return int(records[0]["s"])


async def count(driver: AsyncDriver, label: str) -> int:
    records, _, _ = await driver.execute_query(
        f"MATCH (n:{label}) RETURN count(n) AS n", database_=DATABASE
    )
    return int(records[0]["n"])


def with_sequence(agency: Agency, sequence: Any, i: int = 1) -> bytes:
    """A batch signed by `agency` carrying any `sequence`, even one the hub must refuse."""
    signer = BatchSigner(agency.connector, agency.department, agency.key)
    payload = signer.payload("samr.enterprise@1", [enterprise_record(i)], 1, uuid.uuid4(), NOW)
    return agency.raw({**payload, "sequence": sequence})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# --- 8: the sequence is bounded, jumps are bounded, and an operator can reset it ------------


async def test_a_sequence_past_the_bound_is_a_malformed_payload_not_a_500(
    ledger: AsyncDriver, samr: Agency, fixed_hub: str, neo4j_uri: str, tmp_path: Path
) -> None:
    token = await token_for(fixed_hub, ledger, "connector", institution="samr-test")
    before = await fingerprint(ledger)
    for sequence, message in (
        (2**63 - 1, "sequence: Input should be less than or equal to 9007199254740991"),
        (2**63, "sequence: Input should be less than or equal to 9007199254740991"),
        (2**53, "sequence: Input should be less than or equal to 9007199254740991"),
        (0, "sequence: Input should be greater than or equal to 1"),
        (-1, "sequence: Input should be greater than or equal to 1"),
        ("7", "sequence: Input should be a valid integer"),
        (7.0, "sequence: Input should be a valid integer"),
    ):
        response = await push(fixed_hub, token, with_sequence(samr, sequence))
        assert response.status_code == 400, (sequence, response.text)
        assert problems(response) == [
            {"code": "MALFORMED_PAYLOAD", "message": message, "field": "sequence"}
        ]
    assert await fingerprint(ledger) == before
    assert await last_sequence(ledger, "samr-test") == 0
    assert await count(ledger, "Batch") == 0

    # the largest sequence is accepted (once an operator brought the connector within a jump)
    reset = hub_cli(
        neo4j_uri, tmp_path, "connector", "reset-sequence", "samr-test",
        "--to", "9007199254740990", "--reason", "test of the bound", "--by", "ops-test",
    )  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    largest = await push(fixed_hub, token, with_sequence(samr, 2**53 - 1))
    assert largest.status_code == 202, largest.text
    assert largest.json()["sequence"] == 9007199254740991
    assert await last_sequence(ledger, "samr-test") == 9007199254740991
    beyond = await push(fixed_hub, token, with_sequence(samr, 2**53, i=2))
    assert beyond.status_code == 400
    assert [p["code"] for p in problems(beyond)] == ["MALFORMED_PAYLOAD"]


async def test_a_sequence_jump_past_the_maximum_is_refused(
    ledger: AsyncDriver, samr: Agency, fixed_hub: str
) -> None:
    token = await token_for(fixed_hub, ledger, "connector", institution="samr-test")
    before = await fingerprint(ledger)
    too_far = await push(fixed_hub, token, with_sequence(samr, 1001))
    assert too_far.status_code == 409
    assert problems(too_far) == [
        {
            "code": "SEQUENCE_JUMP_TOO_LARGE",
            "message": "sequence 1001 is more than 1000 above the last accepted one, 0; an "
            "operator can reset the connector's sequence",
        }
    ]
    assert await fingerprint(ledger) == before
    assert await last_sequence(ledger, "samr-test") == 0

    at_most = await push(fixed_hub, token, with_sequence(samr, 1000))
    assert at_most.status_code == 202, at_most.text
    assert at_most.json()["gap"] == [1, 999]

    # the jump is measured from the last accepted sequence, not from zero
    again_too_far = await push(fixed_hub, token, with_sequence(samr, 2001, i=2))
    assert again_too_far.status_code == 409
    assert [p["code"] for p in problems(again_too_far)] == ["SEQUENCE_JUMP_TOO_LARGE"]
    next_jump = await push(fixed_hub, token, with_sequence(samr, 2000, i=2))
    assert next_jump.status_code == 202, next_jump.text
    assert await last_sequence(ledger, "samr-test") == 2000


async def test_an_operator_reset_undoes_what_a_leaked_key_pushed(
    ledger: AsyncDriver, samr: Agency, fixed_hub: str, neo4j_uri: str, tmp_path: Path
) -> None:
    token = await token_for(fixed_hub, ledger, "connector", institution="samr-test")
    # whoever holds the leaked key pushes the sequence as far as one batch may
    leaked = await push(fixed_hub, token, with_sequence(samr, 1000, i=1))
    assert leaked.status_code == 202, leaked.text
    # the department's own next batch is refused from then on
    own = samr.batch("samr.enterprise@1", [enterprise_record(2)], sequence=1)
    refused = await push(fixed_hub, token, own)
    assert refused.status_code == 409
    assert [p["code"] for p in problems(refused)] == ["SEQUENCE_NOT_INCREASING"]

    reset = hub_cli(
        neo4j_uri, tmp_path, "connector", "reset-sequence", "samr-test",
        "--to", "0", "--reason", "key samr-test-k1 leaked; batch 1000 was not ours",
        "--by", "ops-wang",
    )  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    assert reset.stdout == "connector samr-test: last sequence reset from 1000 to 0 by ops-wang\n"

    records, _, _ = await ledger.execute_query(
        "MATCH (:Connector {id: 'samr-test'})-[:SEQUENCE_RESET]->(r:SequenceReset) "
        "RETURN r {.*} AS reset",
        database_=DATABASE,
    )
    [row] = records
    recorded = dict(row["reset"])
    assert isinstance(recorded.pop("at"), DateTime)
    assert isinstance(recorded.pop("id"), str)
    assert recorded == {
        "connector": "samr-test",
        "fromSequence": 1000,
        "toSequence": 0,
        "reason": "key samr-test-k1 leaked; batch 1000 was not ours",
        "by": "ops-wang",
    }
    assert await last_sequence(ledger, "samr-test") == 0

    accepted = await push(fixed_hub, token, own)
    assert accepted.status_code == 202, accepted.text
    assert await last_sequence(ledger, "samr-test") == 1

    status = hub_cli(neo4j_uri, tmp_path, "connector", "status", "samr-test")
    assert status.returncode == 0, status.stderr
    [line] = [x for x in status.stdout.splitlines() if "sequence reset" in x]
    assert line.startswith("samr-test: sequence reset from 1000 to 0 by ops-wang at "), line
    assert line.endswith(": key samr-test-k1 leaked; batch 1000 was not ours"), line


async def test_a_reset_needs_a_registered_connector_a_reason_and_a_sequence_in_bounds(
    ledger: AsyncDriver, samr: Agency, fixed_hub: str, neo4j_uri: str, tmp_path: Path
) -> None:
    token = await token_for(fixed_hub, ledger, "connector", institution="samr-test")
    applied = await push(fixed_hub, token, with_sequence(samr, 3))
    assert applied.status_code == 202, applied.text

    def reset(*args: str) -> Any:
        return hub_cli(neo4j_uri, tmp_path, "connector", "reset-sequence", *args)

    unknown = reset("nobody", "--to", "0", "--reason", "why not", "--by", "ops-wang")
    assert (unknown.returncode, unknown.stderr) == (1, "no connector 'nobody' is registered\n")
    blank = reset("samr-test", "--to", "0", "--reason", "   ", "--by", "ops-wang")
    assert (blank.returncode, blank.stderr) == (
        2,
        "reason: String should have at least 1 character\n",
    )
    no_reason = reset("samr-test", "--to", "0", "--by", "ops-wang")
    assert no_reason.returncode == 2
    assert "Missing option '--reason'" in no_reason.stderr
    for to in ("-1", "9007199254740992"):
        out_of_bounds = reset("samr-test", "--to", to, "--reason", "test", "--by", "ops-wang")
        assert out_of_bounds.returncode == 2, to
        assert "Invalid value for '--to'" in out_of_bounds.stderr, out_of_bounds.stderr

    assert await count(ledger, "SequenceReset") == 0
    assert await last_sequence(ledger, "samr-test") == 3

    # and the same reset with everything in order is done
    done = reset("samr-test", "--to", "0", "--reason", "test", "--by", "ops-wang")
    assert done.returncode == 0, done.stderr
    assert await count(ledger, "SequenceReset") == 1
    assert await last_sequence(ledger, "samr-test") == 0


# --- 9: a body that is not a batch is a 400 with its reason; the body is bounded -----------

LONG_KID = json.dumps(
    {
        "protected": b64(json.dumps({"alg": "ES256", "kid": "K" * 20_000}).encode()),
        "payload": b64(b"{}"),
        "signature": "AAAA",
    }
).encode()
DEEP_HEADER = json.dumps(
    {"protected": b64(b"[" * 20_000), "payload": b64(b"{}"), "signature": "AAAA"}
).encode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 50_000, "the batch is nested too deeply to be a flattened JWS"),
        (b'{"a":' * 10_000, "the batch is nested too deeply to be a flattened JWS"),
        (b"\xff\xfe{\x00}\x00", "the batch is not UTF-8 (invalid start byte at byte 0)"),
        (
            '{"payload": "café"}'.encode("latin-1"),
            "the batch is not UTF-8 (invalid continuation byte at byte 16)",
        ),
        (b'"a batch"', "a batch must be a JSON object (flattened JWS), not a string"),
        (b"[]", "a batch must be a JSON object (flattened JWS), not an array"),
        (b"42", "a batch must be a JSON object (flattened JWS), not a number"),
        (b"null", "a batch must be a JSON object (flattened JWS), not null"),
        (b"true", "a batch must be a JSON object (flattened JWS), not a boolean"),
        (DEEP_HEADER, "the protected header is nested too deeply"),
        (b'{"payload": ' + b"9" * 5000 + b"}", "the batch holds a number too long to read"),
        (b"9" * 5000, "the batch holds a number too long to read"),
        (LONG_KID, "the protected header's kid is longer than 200 characters"),
    ],
    ids=[
        "deep-array",
        "deep-object",
        "utf-16",
        "latin-1",
        "string",
        "array",
        "number",
        "null",
        "boolean",
        "deep-header",
        "long-number-member",
        "long-number",
        "long-kid",
    ],
)
async def test_a_body_that_is_not_a_batch_is_a_400_naming_the_problem(
    ledger: AsyncDriver, samr: Agency, fixed_hub: str, body: bytes, message: str
) -> None:
    token = await token_for(fixed_hub, ledger, "connector", institution="samr-test")
    before = await fingerprint(ledger)
    refused = await push(fixed_hub, token, body)
    assert refused.status_code == 400, refused.text
    assert problems(refused) == [{"code": "MALFORMED_JWS", "message": message}]
    assert await fingerprint(ledger) == before
    assert await count(ledger, "BatchRejection") == 1

    # a batch after it is applied as ever
    batch = samr.batch("samr.enterprise@1", [enterprise_record(1)])
    applied = await push(fixed_hub, token, batch)
    assert applied.status_code == 202, applied.text


def exchange(hub: str, request: bytes) -> tuple[int, dict[str, Any]]:
    """Send raw bytes of an HTTP request to the hub; its status and JSON body."""
    host, port = hub.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as conn:
        conn.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            assert chunk, data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:])
        while len(body) < int(headers["content-length"]):
            chunk = conn.recv(65536)
            assert chunk, body
            body += chunk
    return int(lines[0].split()[1]), json.loads(body)


async def test_a_push_body_over_the_limit_is_refused_before_it_is_read_whole(
    ledger: AsyncDriver, samr: Agency, fixed_hub: str
) -> None:
    token = await token_for(fixed_hub, ledger, "connector", institution="samr-test")
    head = (
        b"POST /connectors/batches HTTP/1.1\r\nHost: hub\r\n"
        + f"Authorization: Bearer {token}\r\n".encode()
        + b"Content-Type: application/json\r\n"
    )
    # a declared length over the limit: refused with only one byte of the body sent
    declared = exchange(fixed_hub, head + b"Content-Length: 1000000000\r\n\r\n{")
    assert declared == (
        413,
        {
            "status": "REJECTED",
            "problems": [
                {
                    "code": "BATCH_TOO_LARGE",
                    "message": "the body is 1000000000 bytes; the limit is 65536",
                }
            ],
        },
    )
    # no declared length (chunked): refused once the limit is passed, the body never ended
    streamed = exchange(
        fixed_hub,
        head
        + b"Transfer-Encoding: chunked\r\n\r\n"
        + f"{BODY_LIMIT + 1:x}\r\n".encode()
        + b" " * (BODY_LIMIT + 1),
    )
    assert streamed == (
        413,
        {
            "status": "REJECTED",
            "problems": [
                {"code": "BATCH_TOO_LARGE", "message": "the body is over the limit of 65536 bytes"}
            ],
        },
    )
    assert await count(ledger, "BatchRejection") == 0

    # a batch within the limit, streamed the same way, is applied
    batch = samr.batch("samr.enterprise@1", [enterprise_record(1)])

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(batch), 100):
            yield batch[start : start + 100]

    async with httpx.AsyncClient(base_url=fixed_hub, timeout=60) as client:
        applied = await client.post("/connectors/batches", content=chunks(), headers=bearer(token))
    assert applied.request.headers["transfer-encoding"] == "chunked"
    assert applied.status_code == 202, applied.text


# --- 12: one batch pushed twice at the same moment -----------------------------------------


@contextlib.asynccontextmanager
async def connector_held(driver: AsyncDriver, connector: str) -> AsyncIterator[None]:
    """Hold the connector's write lock in a transaction of the test's own, so batches pushed
    meanwhile pass every early check and then queue for the lock; released on exit."""
    async with driver.session(database=DATABASE) as session:
        tx = await session.begin_transaction()
        try:
            result = await tx.run(
                "MATCH (c:Connector {id: $id}) SET c.heldByTest = true", id=connector
            )
            await result.consume()
            yield
        finally:
            await tx.rollback()


async def until_waiting_for_the_connector(driver: AsyncDriver, waiting: int) -> None:
    """Return once `waiting` transactions of the hub are blocked taking the connector lock."""
    for _ in range(20_000):
        records, _, _ = await driver.execute_query(
            "SHOW TRANSACTIONS YIELD currentQuery, status "
            "WHERE status STARTS WITH 'Blocked' AND currentQuery CONTAINS 'SET c.lockedBy' "
            "RETURN count(*) AS n",
            database_=DATABASE,
        )
        if records[0]["n"] >= waiting:
            return
    raise AssertionError(f"{waiting} pushes never queued for the connector's lock")


async def push_both_at_once(
    driver: AsyncDriver, hub: str, token: str, first: bytes, second: bytes
) -> list[tuple[int, str]]:
    async with httpx.AsyncClient(base_url=hub, timeout=120, headers=bearer(token)) as client:
        async with connector_held(driver, "samr-test"):
            both = asyncio.ensure_future(
                asyncio.gather(
                    client.post("/connectors/batches", content=first),
                    client.post("/connectors/batches", content=second),
                )
            )
            await until_waiting_for_the_connector(driver, 2)
        responses = await both
    answers = []
    for response in responses:
        body = response.json()
        answers.append(
            (
                response.status_code,
                body["problems"][0]["code"] if body["problems"] else body["status"],
            )
        )
    return sorted(answers)


async def test_the_same_batch_pushed_twice_at_once_is_applied_once(
    ledger: AsyncDriver, samr: Agency, fixed_hub: str
) -> None:
    token = await token_for(fixed_hub, ledger, "connector", institution="samr-test")
    batch = samr.batch("samr.enterprise@1", [enterprise_record(i) for i in range(3)])
    answers = await push_both_at_once(ledger, fixed_hub, token, batch, batch)
    assert answers == [(200, "ALREADY_APPLIED"), (202, "APPLIED")]
    assert await count(ledger, "Batch") == 1
    assert await count(ledger, "BatchRejection") == 0
    records, _, _ = await ledger.execute_query(
        "MATCH (e:Enterprise) RETURN e.uscc AS uscc ORDER BY uscc", database_=DATABASE
    )
    assert [r["uscc"] for r in records] == sorted([uscc(0), uscc(1), uscc(2)])


async def test_one_batch_id_with_two_contents_at_once_is_a_conflict(
    ledger: AsyncDriver, samr: Agency, fixed_hub: str
) -> None:
    token = await token_for(fixed_hub, ledger, "connector", institution="samr-test")
    batch_id = uuid.uuid4()
    first = samr.batch("samr.enterprise@1", [enterprise_record(1)], batch_id=batch_id, sequence=1)
    other = samr.batch(
        "samr.enterprise@1",
        [enterprise_record(1, name="Another Name Co.")],
        batch_id=batch_id,
        sequence=1,
    )
    answers = await push_both_at_once(ledger, fixed_hub, token, first, other)
    assert answers == [(202, "APPLIED"), (409, "BATCH_ID_CONFLICT")]
    assert await count(ledger, "Batch") == 1
    assert await count(ledger, "Enterprise") == 1


# --- one batch id from two connectors --------------------------------------------------------

SHARED_ID = uuid.UUID("3f0c2a9e-5b7d-4e1a-9c48-2d6b1f8e7a50")
TAKEN = (
    "batch 3f0c2a9e-5b7d-4e1a-9c48-2d6b1f8e7a50 was already applied by another connector; "
    "a new batch needs a new id"
)


@contextlib.asynccontextmanager
async def batch_id_held(driver: AsyncDriver, batch_id: uuid.UUID) -> AsyncIterator[None]:
    """Hold the uniqueness lock of `batch_id` in a transaction of the test's own (an
    uncommitted Batch of that id), so batches of that id pushed meanwhile pass every early
    check and then queue in their write transaction, where each connector's lock is taken with
    the batch id's (see `connectors.cypher.LOCK_CONNECTOR`); rolled back on exit."""
    async with driver.session(database=DATABASE) as session:
        tx = await session.begin_transaction()
        try:
            result = await tx.run("CREATE (:Batch {id: $id, heldByTest: true})", id=str(batch_id))
            await result.consume()
            yield
        finally:
            await tx.rollback()


async def batch_owners(driver: AsyncDriver) -> list[tuple[str, str]]:
    records, _, _ = await driver.execute_query(
        "MATCH (c:Connector)-[:SENT]->(b:Batch) RETURN b.id AS id, c.id AS connector "
        "ORDER BY connector, id",
        database_=DATABASE,
    )
    return [(r["id"], r["connector"]) for r in records]


async def rejections(driver: AsyncDriver) -> list[tuple[str, str, str]]:
    records, _, _ = await driver.execute_query(
        "MATCH (r:BatchRejection) RETURN r.batchId AS id, r.connector AS connector, r.code AS code",
        database_=DATABASE,
    )
    return [(r["id"], r["connector"], r["code"]) for r in records]


async def enterprises(driver: AsyncDriver) -> list[tuple[str, str]]:
    records, _, _ = await driver.execute_query(
        "MATCH (e:Enterprise) RETURN e.uscc AS uscc, e.source AS source ORDER BY uscc",
        database_=DATABASE,
    )
    return [(r["uscc"], r["source"]) for r in records]


async def test_a_batch_id_of_another_connector_is_a_conflict(
    ledger: AsyncDriver, samr: Agency, agency: Any, fixed_hub: str
) -> None:
    other: Agency = await agency("samr-other", Department.SAMR, ["samr.enterprise@1"])
    token = await token_for(fixed_hub, ledger, "connector", institution="samr-test")
    other_token = await token_for(fixed_hub, ledger, "connector", institution="samr-other")
    mine = samr.batch("samr.enterprise@1", [enterprise_record(1)], batch_id=SHARED_ID)
    applied = await push(fixed_hub, token, mine)
    assert applied.status_code == 202, applied.text
    before = await fingerprint(ledger)

    theirs = other.batch("samr.enterprise@1", [enterprise_record(2)], batch_id=SHARED_ID)
    refused = await push(fixed_hub, other_token, theirs)
    assert refused.status_code == 409, refused.text
    assert problems(refused) == [{"code": "BATCH_ID_CONFLICT", "message": TAKEN}]
    assert await fingerprint(ledger) == before
    assert await batch_owners(ledger) == [(str(SHARED_ID), "samr-test")]
    assert await rejections(ledger) == [(str(SHARED_ID), "samr-other", "BATCH_ID_CONFLICT")]
    assert await last_sequence(ledger, "samr-other") == 0

    # the same records under a new id are applied
    fresh_id = uuid.UUID("9b1e4d27-0c6a-4f85-b3d2-7e5a8c1f6049")
    fresh = other.batch("samr.enterprise@1", [enterprise_record(2)], batch_id=fresh_id)
    accepted = await push(fixed_hub, other_token, fresh)
    assert accepted.status_code == 202, accepted.text
    assert await batch_owners(ledger) == [
        (str(fresh_id), "samr-other"),
        (str(SHARED_ID), "samr-test"),
    ]
    assert await enterprises(ledger) == [(uscc(1), "samr-test"), (uscc(2), "samr-other")]


async def test_one_batch_id_from_two_connectors_at_once_is_a_conflict_not_a_500(
    ledger: AsyncDriver, samr: Agency, agency: Any, fixed_hub: str
) -> None:
    other: Agency = await agency("samr-other", Department.SAMR, ["samr.enterprise@1"])
    senders = {"samr-test": samr, "samr-other": other}
    tokens = {
        connector: await token_for(fixed_hub, ledger, "connector", institution=connector)
        for connector in senders
    }
    records = {"samr-test": enterprise_record(1), "samr-other": enterprise_record(2)}
    batches = {
        connector: sender.batch("samr.enterprise@1", [records[connector]], batch_id=SHARED_ID)
        for connector, sender in senders.items()
    }
    # both pushes are past every early check, each in its own write transaction, before
    # either may claim the id
    async with batch_id_held(ledger, SHARED_ID):
        both = asyncio.ensure_future(
            asyncio.gather(
                *(push(fixed_hub, tokens[c], batches[c]) for c in ("samr-test", "samr-other"))
            )
        )
        await until_waiting_for_the_connector(ledger, 2)
    responses = dict(zip(("samr-test", "samr-other"), await both, strict=True))

    assert sorted(r.status_code for r in responses.values()) == [202, 409]
    [winner] = [c for c, r in responses.items() if r.status_code == 202]
    [loser] = [c for c, r in responses.items() if r.status_code == 409]
    assert responses[winner].json()["status"] == "APPLIED"
    assert problems(responses[loser]) == [{"code": "BATCH_ID_CONFLICT", "message": TAKEN}]
    assert await batch_owners(ledger) == [(str(SHARED_ID), winner)]
    assert await rejections(ledger) == [(str(SHARED_ID), loser, "BATCH_ID_CONFLICT")]
    # the loser's records were not written, nor its sequence taken
    assert await enterprises(ledger) == [(records[winner]["uscc"], winner)]
    assert await last_sequence(ledger, winner) == 1
    assert await last_sequence(ledger, loser) == 0

    # the loser's records under a new id are applied
    fresh_id = uuid.UUID("9b1e4d27-0c6a-4f85-b3d2-7e5a8c1f6049")
    fresh = senders[loser].batch("samr.enterprise@1", [records[loser]], batch_id=fresh_id)
    accepted = await push(fixed_hub, tokens[loser], fresh)
    assert accepted.status_code == 202, accepted.text
    assert await enterprises(ledger) == [(uscc(1), "samr-test"), (uscc(2), "samr-other")]
    assert sorted(await batch_owners(ledger)) == sorted(
        [(str(SHARED_ID), winner), (str(fresh_id), loser)]
    )


# --- 14: Ed25519 is the other name of EdDSA -------------------------------------------------


def named(key: Key, alg: str) -> Key:
    """The same key material under another algorithm name, as another JOSE library names it."""
    return import_jwk({**key.as_dict(private=True), "alg": alg})


def protected_alg(document: bytes) -> str:
    header = json.loads(base64.urlsafe_b64decode(json.loads(document)["protected"] + "=="))
    return str(header["alg"])


async def test_ed25519_and_eddsa_name_one_algorithm(
    ledger: AsyncDriver, agency: Any, fixed_hub: str
) -> None:
    for i, (registered, header) in enumerate((("EdDSA", "Ed25519"), ("Ed25519", "EdDSA"))):
        connector = f"samr-{registered.lower()}"
        sender: Agency = await agency(
            connector, Department.SAMR, ["samr.enterprise@1"], alg=registered
        )
        token = await token_for(fixed_hub, ledger, "connector", institution=connector)
        batch = sender.batch(
            "samr.enterprise@1", [enterprise_record(i)], key=named(sender.key, header)
        )
        assert protected_alg(batch) == header
        response = await push(fixed_hub, token, batch)
        assert response.status_code == 202, (registered, header, response.text)
    assert await count(ledger, "Enterprise") == 2


async def test_an_algorithm_of_another_curve_is_refused_whatever_its_name(
    ledger: AsyncDriver, agency: Any, fixed_hub: str
) -> None:
    cases = (
        ("samr-okp", "EdDSA", "ES256", "key samr-okp-k1 is registered for EdDSA, not ES256"),
        ("samr-okp2", "Ed25519", "ES256", "key samr-okp2-k1 is registered for Ed25519, not ES256"),
        ("samr-ec", "ES256", "Ed25519", "key samr-ec-k1 is registered for ES256, not Ed25519"),
        ("samr-ec2", "ES256", "EdDSA", "key samr-ec2-k1 is registered for ES256, not EdDSA"),
    )
    senders: list[tuple[Agency, str]] = []
    for connector, registered, _, _ in cases:
        sender: Agency = await agency(
            connector, Department.SAMR, ["samr.enterprise@1"], alg=registered
        )
        senders.append(
            (sender, await token_for(fixed_hub, ledger, "connector", institution=connector))
        )
    before = await fingerprint(ledger)
    for (sender, token), (_, _, header, message) in zip(senders, cases, strict=True):
        document = json.loads(sender.batch("samr.enterprise@1", [enterprise_record(1)]))
        claimed = {"alg": header, "kid": sender.key.kid, "typ": "hub-batch+jws"}
        document["protected"] = b64(json.dumps(claimed).encode())
        response = await push(fixed_hub, token, encode_payload(document))
        assert response.status_code == 403, response.text
        assert problems(response) == [{"code": "ALG_KEY_MISMATCH", "message": message}]
    assert await fingerprint(ledger) == before
