"""The ingest pipeline against the real Neo4j: what is accepted, what is refused and why,
and that a refused or failed batch leaves the graph exactly as it was."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from connector_kit import (
    DATABASE,
    NOW,
    declaration_record,
    enterprise_record,
    fingerprint,
    uscc,
)
from neo4j import AsyncDriver

from connectors import pipeline as pipeline_module
from connectors.pipeline import Pipeline, Status
from connectors.signing import generate_key, public_jwk
from connectors.store import add_key, connector_status, revoke_key
from graph_schema.model import Department

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def customs(agency, samr, pipeline):
    # the enterprises the declarations refer to
    outcome = await pipeline.ingest(
        samr.batch("samr.enterprise@1", [enterprise_record(i) for i in range(3)])
    )
    assert outcome.status is Status.APPLIED, outcome.problems
    return await agency("customs-test", Department.CUSTOMS, ["customs.declaration@1"])


async def count(driver: AsyncDriver, label: str) -> int:
    records, _, _ = await driver.execute_query(
        f"MATCH (n:{label}) RETURN count(n) AS n", database_=DATABASE
    )
    return int(records[0]["n"])


async def rejections(driver: AsyncDriver) -> list[str]:
    records, _, _ = await driver.execute_query(
        "MATCH (r:BatchRejection) RETURN r.code AS code ORDER BY r.receivedAt", database_=DATABASE
    )
    return [r["code"] for r in records]


async def test_a_valid_batch_is_written_with_lineage_and_recorded(ledger, samr, pipeline):
    batch_id = uuid.uuid4()
    records = [enterprise_record(i) for i in range(5)]
    outcome = await pipeline.ingest(samr.batch("samr.enterprise@1", records, batch_id=batch_id))
    assert outcome.status is Status.APPLIED
    assert (outcome.records, outcome.written, outcome.gap) == (5, 5, None)
    rows, _, _ = await ledger.execute_query(
        "MATCH (e:Enterprise {uscc: $u})-[:IN_ZONE]->(z:Zone) RETURN e.source AS source, "
        "e.batch AS batch, e.name AS name, z.code AS zone",
        u=uscc(3),
        database_=DATABASE,
    )
    assert rows[0].data() == {
        "source": "samr-test",
        "batch": str(batch_id),
        "name": "Kaifeng Test Trading Co. 3",
        "zone": "KAIFENG",
    }
    ledger_rows, _, _ = await ledger.execute_query(
        "MATCH (:Connector {id: 'samr-test'})-[:SENT]->(b:Batch) "
        "RETURN b.id AS id, b.records AS records, b.written AS written, b.hash AS hash",
        database_=DATABASE,
    )
    [entry] = ledger_rows
    assert (entry["id"], entry["records"], entry["written"]) == (str(batch_id), 5, 5)
    assert len(entry["hash"]) == 64


async def test_the_same_batch_again_is_a_no_op(ledger, samr, pipeline):
    document = samr.batch("samr.enterprise@1", [enterprise_record(i) for i in range(3)])
    assert (await pipeline.ingest(document)).status is Status.APPLIED
    before = await fingerprint(ledger)
    again = await pipeline.ingest(document)
    assert again.status is Status.ALREADY_APPLIED
    assert again.problems == []
    assert await fingerprint(ledger) == before
    assert await count(ledger, "Batch") == 1


async def test_the_same_id_with_other_content_is_a_conflict(ledger, samr, pipeline):
    batch_id = uuid.uuid4()
    first = samr.batch("samr.enterprise@1", [enterprise_record(1)], batch_id=batch_id)
    assert (await pipeline.ingest(first)).status is Status.APPLIED
    before = await fingerprint(ledger)
    other = samr.batch(
        "samr.enterprise@1", [enterprise_record(1, name="Changed Name Co.")], batch_id=batch_id
    )
    outcome = await pipeline.ingest(other)
    assert outcome.status is Status.REJECTED
    assert outcome.code == "BATCH_ID_CONFLICT"
    assert await fingerprint(ledger) == before
    assert await rejections(ledger) == ["BATCH_ID_CONFLICT"]


async def test_a_sequence_not_above_the_last_is_refused(ledger, samr, pipeline):
    assert (
        await pipeline.ingest(samr.batch("samr.enterprise@1", [enterprise_record(1)], sequence=7))
    ).status is Status.APPLIED
    before = await fingerprint(ledger)
    for sequence in (7, 3):
        outcome = await pipeline.ingest(
            samr.batch("samr.enterprise@1", [enterprise_record(2)], sequence=sequence)
        )
        assert outcome.code == "SEQUENCE_NOT_INCREASING"
        assert "last accepted one, 7" in outcome.problems[0].message
    assert await fingerprint(ledger) == before


async def test_a_gap_in_the_sequence_is_accepted_and_recorded(ledger, samr, pipeline):
    await pipeline.ingest(samr.batch("samr.enterprise@1", [enterprise_record(1)], sequence=1))
    outcome = await pipeline.ingest(
        samr.batch("samr.enterprise@1", [enterprise_record(2)], sequence=5)
    )
    assert outcome.status is Status.APPLIED
    assert outcome.gap == (2, 4)
    [status] = await connector_status(ledger, DATABASE, "samr-test")
    assert status["gaps"] == [[2, 4]]
    assert status["connector"]["lastSequence"] == 5
    assert status["accepted"] == 2


@pytest.mark.parametrize("offset", [dt.timedelta(hours=1), dt.timedelta(days=-2)])
async def test_a_creation_time_outside_the_skew_is_refused(ledger, samr, pipeline, offset):
    outcome = await pipeline.ingest(
        samr.batch("samr.enterprise@1", [enterprise_record(1)], created_at=NOW + offset)
    )
    assert outcome.code == "CLOCK_SKEW"
    assert await count(ledger, "Enterprise") == 0


async def test_every_invalid_record_is_named_and_nothing_is_written(ledger, customs, pipeline):
    before = await fingerprint(ledger)
    records = [declaration_record(i) for i in range(10)]
    records[2] = declaration_record(2, valueCny="-5")
    records[5] = declaration_record(5, uscc="91410200MA000000XX")
    records[7] = declaration_record(7, mode="9999", hsCode="12")
    outcome = await pipeline.ingest(customs.batch("customs.declaration@1", records))
    assert outcome.status is Status.REJECTED
    assert {p.code for p in outcome.problems} == {"INVALID_RECORD"}
    named = {(p.index, p.field) for p in outcome.problems}
    assert {(2, "valueCny"), (5, "uscc"), (7, "mode"), (7, "hsCode")} <= named
    assert all(p.index in (2, 5, 7) for p in outcome.problems)
    assert await fingerprint(ledger) == before
    assert await rejections(ledger) == ["INVALID_RECORD"]


async def test_a_record_about_an_unknown_enterprise_refuses_the_batch(ledger, customs, pipeline):
    before = await fingerprint(ledger)
    records = [declaration_record(1), declaration_record(2, owner=99)]
    outcome = await pipeline.ingest(customs.batch("customs.declaration@1", records))
    assert outcome.code == "UNKNOWN_REFERENCE"
    assert await fingerprint(ledger) == before


async def test_a_connector_may_not_send_a_type_it_is_not_registered_for(ledger, customs, pipeline):
    refund = {
        "id": "R-1",
        "uscc": uscc(0),
        "claimedOn": "2026-10-01",
        "amountCny": "10.00",
        "status": "CLAIMED",
    }
    outcome = await pipeline.ingest(customs.batch("tax.refund@1", [refund]))
    assert outcome.code == "RECORD_TYPE_NOT_ALLOWED"
    assert "may not send tax.refund@1" in outcome.problems[0].message
    assert await count(ledger, "TaxRefund") == 0


async def test_customs_may_not_send_tax_grades(ledger, agency, customs, pipeline):
    grades = await agency("customs-grades", Department.CUSTOMS, ["classification@1"])
    record = {
        "id": "CL-1",
        "uscc": uscc(0),
        "scheme": "TAX_CREDIT",
        "value": "A",
        "effectiveFrom": "2026-01-01",
    }
    outcome = await pipeline.ingest(grades.batch("classification@1", [record]))
    assert outcome.status is Status.REJECTED
    assert outcome.problems[0].index == 0
    assert await count(ledger, "Classification") == 0


async def test_a_batch_that_dies_half_way_leaves_nothing_and_applies_when_resent(
    ledger, customs, pipeline, monkeypatch
):
    before = await fingerprint(ledger)
    document = customs.batch("customs.declaration@1", [declaration_record(i) for i in range(50)])
    real_write = pipeline_module.write_statement_rows

    async def write_then_die(tx, kind, rows, **kwargs):
        await real_write(tx, kind, rows, **kwargs)  # the rows are in the transaction ...
        raise ConnectionResetError("the hub died mid-write")  # ... and then it dies

    monkeypatch.setattr(pipeline_module, "write_statement_rows", write_then_die)
    with pytest.raises(ConnectionResetError):
        await pipeline.ingest(document)
    assert await fingerprint(ledger) == before
    assert await count(ledger, "Batch") == 1  # the enterprises' batch only

    monkeypatch.setattr(pipeline_module, "write_statement_rows", real_write)
    outcome = await pipeline.ingest(document)
    assert outcome.status is Status.APPLIED
    assert await count(ledger, "Declaration") == 50


async def test_batches_larger_than_the_limit_are_refused(ledger, samr):
    small = Pipeline(ledger, DATABASE, b"s", clock=lambda: NOW)
    small.limits = pipeline_module.Limits(max_records=3)
    outcome = await small.ingest(
        samr.batch("samr.enterprise@1", [enterprise_record(i) for i in range(4)])
    )
    assert outcome.code == "BATCH_TOO_LARGE"


# --- signatures ---------------------------------------------------------------------------


def tamper(document: bytes, member: str, edit) -> bytes:
    body = json.loads(document)
    body[member] = edit(body[member])
    return json.dumps(body).encode()


def b64(data: dict) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def payload_of(document: bytes) -> dict:
    import base64

    segment = json.loads(document)["payload"]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


async def test_unknown_kid(ledger, samr, pipeline):
    stranger = generate_key("EdDSA", "nobody-k1")
    outcome = await pipeline.ingest(
        samr.batch("samr.enterprise@1", [enterprise_record(1)], key=stranger)
    )
    assert outcome.code == "UNKNOWN_KID"


async def test_wrong_key_under_a_registered_kid(ledger, samr, pipeline):
    impostor = generate_key("EdDSA", samr.key.kid)
    outcome = await pipeline.ingest(
        samr.batch("samr.enterprise@1", [enterprise_record(1)], key=impostor)
    )
    assert outcome.code == "BAD_SIGNATURE"


async def test_tampered_payload(ledger, samr, pipeline):
    document = samr.batch("samr.enterprise@1", [enterprise_record(1)])
    payload = payload_of(document)
    payload["records"][0]["name"] = "Someone Else Co."
    outcome = await pipeline.ingest(tamper(document, "payload", lambda _: b64(payload)))
    assert outcome.code == "BAD_SIGNATURE"


async def test_tampered_header(ledger, samr, pipeline):
    document = samr.batch("samr.enterprise@1", [enterprise_record(1)])
    header = {"alg": "EdDSA", "kid": samr.key.kid, "typ": "JWT"}
    outcome = await pipeline.ingest(tamper(document, "protected", lambda _: b64(header)))
    assert outcome.code == "BAD_SIGNATURE"


async def test_alg_none(ledger, samr, pipeline):
    document = samr.batch("samr.enterprise@1", [enterprise_record(1)])
    forged = tamper(document, "protected", lambda _: b64({"alg": "none", "kid": samr.key.kid}))
    forged = tamper(forged, "signature", lambda _: "")
    outcome = await pipeline.ingest(forged)
    assert outcome.code == "ALG_NOT_ALLOWED"  # refused by its header, before any key is tried
    assert outcome.problems[0].message == (
        "algorithm 'none' is not accepted; use one of ES256, Ed25519, EdDSA"
    )
    assert await count(ledger, "Enterprise") == 0


async def test_hs256_signed_with_the_public_key(ledger, samr, pipeline):
    import base64
    import hashlib
    import hmac

    document = json.loads(samr.batch("samr.enterprise@1", [enterprise_record(1)]))
    protected = b64({"alg": "HS256", "kid": samr.key.kid})
    secret = json.dumps(public_jwk(samr.key)).encode()
    mac = hmac.new(secret, f"{protected}.{document['payload']}".encode(), hashlib.sha256).digest()
    document["protected"] = protected
    document["signature"] = base64.urlsafe_b64encode(mac).decode().rstrip("=")
    outcome = await pipeline.ingest(json.dumps(document))
    assert outcome.code == "ALG_NOT_ALLOWED"


async def test_an_algorithm_the_key_is_not_for(ledger, samr, pipeline):
    document = samr.batch("samr.enterprise@1", [enterprise_record(1)])
    header = {"alg": "ES256", "kid": samr.key.kid}
    outcome = await pipeline.ingest(tamper(document, "protected", lambda _: b64(header)))
    assert outcome.code == "ALG_KEY_MISMATCH"


async def test_key_rotation_and_revocation(ledger, samr, pipeline):
    before_rotation = NOW - dt.timedelta(hours=2)
    old = samr.batch(
        "samr.enterprise@1", [enterprise_record(1)], created_at=before_rotation, sequence=1
    )
    new_key = generate_key("ES256", "samr-test-k2")
    await add_key(
        ledger,
        DATABASE,
        "samr-test",
        public_jwk(new_key),
        NOW - dt.timedelta(hours=1),
        close_others=True,
    )

    # signed before the rotation: still verifies
    assert (await pipeline.ingest(old)).status is Status.APPLIED
    # the old key after the rotation: not valid at that time
    late = samr.batch("samr.enterprise@1", [enterprise_record(2)], sequence=2)
    assert (await pipeline.ingest(late)).code == "KEY_NOT_VALID_AT_TIME"
    # the new key works
    fresh = samr.batch("samr.enterprise@1", [enterprise_record(3)], sequence=3, key=new_key)
    assert (await pipeline.ingest(fresh)).status is Status.APPLIED
    # revoked: refused at once
    await revoke_key(ledger, DATABASE, "samr-test-k2", NOW)
    after = samr.batch("samr.enterprise@1", [enterprise_record(4)], sequence=4, key=new_key)
    assert (await pipeline.ingest(after)).code == "KEY_REVOKED"
    assert await count(ledger, "Enterprise") == 2


async def test_a_key_of_another_connector_cannot_sign_for_this_one(ledger, agency, samr, pipeline):
    other = await agency("tax-test", Department.TAX, ["tax.refund@1"])
    payload = payload_of(samr.batch("samr.enterprise@1", [enterprise_record(1)]))
    outcome = await pipeline.ingest(other.raw(payload))
    assert outcome.code == "CONNECTOR_MISMATCH"


async def test_rejections_are_recorded_with_their_reasons(ledger, samr, pipeline):
    await pipeline.ingest(b"not json at all")
    await pipeline.ingest(samr.batch("samr.enterprise@1", [enterprise_record(1, uscc="bad")]))
    records, _, _ = await ledger.execute_query(
        "MATCH (r:BatchRejection) RETURN r.code AS code, r.reasons AS reasons "
        "ORDER BY r.receivedAt, r.code",
        database_=DATABASE,
    )
    codes = sorted(r["code"] for r in records)
    assert codes == ["INVALID_RECORD", "MALFORMED_JWS"]
    invalid = next(r for r in records if r["code"] == "INVALID_RECORD")
    assert json.loads(invalid["reasons"])[0]["field"] == "uscc"
