"""Agencies' path end to end: the CLI makes a key, registers, signs, pushes over HTTP to a real
hub, and syncs a drop folder; the hub answers with the outcome and the right status."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from connector_kit import DATABASE, NOW, bearer, enterprise_record, uscc
from connector_kit import hub_cli as hub
from graph_kit import token_for
from neo4j import AsyncDriver

from connectors.signing import generate_key
from graph_schema.model import Department

pytestmark = pytest.mark.asyncio


def push(url: str, **request: Any) -> httpx.Response:
    """A POST with room for a loaded machine (httpx waits 5 s by default)."""
    return httpx.post(url, timeout=60, **request)


async def test_keygen_register_sign_push_status(
    ledger: AsyncDriver, neo4j_uri: str, hub_url: str, tmp_path: Path
) -> None:
    key = tmp_path / "samr.jwk"
    made = hub(neo4j_uri, tmp_path, "connector", "keygen", "--kid", "samr-cli-1", "--out", str(key))
    assert made.returncode == 0, made.stderr
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    public = json.loads(made.stdout)
    assert "d" not in public and public["kid"] == "samr-cli-1"

    registered = hub(
        neo4j_uri,
        tmp_path,
        "connector",
        "register",
        "--id",
        "samr-cli",
        "--department",
        "SAMR",
        "--record-types",
        "samr.enterprise@1",
        "--public-key",
        str(key),
    )
    assert registered.returncode == 0, registered.stderr

    records = tmp_path / "enterprises.jsonl"
    records.write_text("\n".join(json.dumps(enterprise_record(i)) for i in range(4)))
    signed = hub(
        neo4j_uri,
        tmp_path,
        "connector",
        "sign",
        str(records),
        "--key",
        str(key),
        "--connector",
        "samr-cli",
        "--department",
        "SAMR",
        "--type",
        "samr.enterprise@1",
        "--sequence",
        "1",
    )
    assert signed.returncode == 0, signed.stderr
    batch = tmp_path / "batch.json"
    batch.write_text(signed.stdout)

    url = f"{hub_url}/connectors/batches"
    unauthenticated = hub(neo4j_uri, tmp_path, "connector", "push", str(batch), "--url", url)
    assert unauthenticated.returncode == 1
    assert "missing_token" in unauthenticated.stdout

    token = await token_for(hub_url, ledger, "connector", institution="samr-cli")
    pushed = hub(
        neo4j_uri, tmp_path, "connector", "push", str(batch), "--url", url, "--token", token
    )
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert json.loads(pushed.stdout)["status"] == "APPLIED"

    again = push(url, content=batch.read_bytes(), headers=bearer(token))
    assert again.status_code == 200
    assert again.json()["status"] == "ALREADY_APPLIED"

    rows, _, _ = await ledger.execute_query(
        "MATCH (e:Enterprise) RETURN count(e) AS n", database_=DATABASE
    )
    assert rows[0]["n"] == 4

    status = hub(neo4j_uri, tmp_path, "connector", "status", "samr-cli")
    assert status.returncode == 0
    assert "samr-cli" in status.stdout and "SAMR" in status.stdout

    wrong = hub(
        neo4j_uri,
        tmp_path,
        "connector",
        "register",
        "--id",
        "samr-cli",
        "--department",
        "SAMR",
        "--record-types",
        "tax.refund@1",
        "--public-key",
        str(key),
    )
    assert wrong.returncode == 2
    assert "SAMR may not send: tax.refund@1" in wrong.stderr


async def test_push_answers_refusals_with_status_and_every_reason(ledger, samr, hub_url, hub_clock):
    hub_clock.hold(NOW)
    url = f"{hub_url}/connectors/batches"
    token = await token_for(hub_url, ledger, "connector", institution="samr-test")
    bad = [enterprise_record(1, uscc="91410200MA0O0001XX"), enterprise_record(2, zone="")]
    now = NOW  # the hub is held at the connectors' time
    response = push(
        url, content=samr.batch("samr.enterprise@1", bad, created_at=now), headers=bearer(token)
    )
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "REJECTED"
    assert {p["index"] for p in body["problems"]} == {0, 1}

    assert push(url, content=b"{}", headers=bearer(token)).status_code == 400
    impostor = generate_key("EdDSA", samr.key.kid)
    forged = push(
        url,
        content=samr.batch(
            "samr.enterprise@1", [enterprise_record(1)], key=impostor, created_at=now
        ),
        headers=bearer(token),
    )
    assert forged.status_code == 403
    assert forged.json()["problems"][0]["code"] == "BAD_SIGNATURE"

    # a declared size over the limit is refused before the body is read
    host, port = hub_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"POST /connectors/batches HTTP/1.1\r\nHost: hub\r\n"
            + f"Authorization: Bearer {token}\r\n".encode()
            + b"Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"
        )
        assert conn.recv(200).startswith(b"HTTP/1.1 413")


async def test_push_needs_the_connectors_own_oauth_client(ledger, samr, hub_url, hub_clock):
    hub_clock.hold(NOW)
    url = f"{hub_url}/connectors/batches"
    now = NOW
    document = samr.batch("samr.enterprise@1", [enterprise_record(1)], created_at=now)

    missing = push(url, content=document)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")

    reader = await token_for(hub_url, ledger, "regulator")
    assert push(url, content=document, headers=bearer(reader)).status_code == 403

    other = await token_for(hub_url, ledger, "connector", institution="customs-test")
    refused = push(url, content=document, headers=bearer(other))
    assert refused.status_code == 403
    assert refused.json()["problems"][0]["code"] == "CONNECTOR_MISMATCH"

    own = await token_for(hub_url, ledger, "connector", institution="samr-test")
    assert push(url, content=document, headers=bearer(own)).status_code == 202


async def test_sync_ingests_a_folder_in_sequence_order(
    ledger, samr, neo4j_uri: str, tmp_path: Path
) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    # written out of order: the sync must apply 1, 2, 3
    for sequence, name in ((3, "a.json"), (1, "b.json"), (2, "c.json")):
        (folder / name).write_bytes(
            samr.batch(
                "samr.enterprise@1",
                [enterprise_record(sequence)],
                sequence=sequence,
                created_at=None,
            )
        )
    (folder / "notes.txt").write_text("ignored")
    # the samr fixture signs at a fixed test time; this hub uses the real clock, so allow it
    env_age = str(10 * 365 * 86400)
    env = {
        "PATH": os.environ["PATH"],
        "NEO4J_URI": neo4j_uri,
        "HUB_DATA_DIR": str(tmp_path),
        "HUB_BATCH_MAX_AGE_S": env_age,
        "HUB_BATCH_MAX_FUTURE_SKEW_S": env_age,
    }
    result = subprocess.run(
        [sys.executable, "-m", "hub.cli", "sync", str(folder)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.endswith("records)")]
    assert [line.split(":")[0] for line in lines] == ["b.json", "c.json", "a.json"]
    rows, _, _ = await ledger.execute_query(
        "MATCH (c:Connector {id: 'samr-test'}) RETURN c.lastSequence AS s", database_=DATABASE
    )
    assert rows[0]["s"] == 3
    found, _, _ = await ledger.execute_query(
        "MATCH (e:Enterprise) RETURN collect(e.uscc) AS u", database_=DATABASE
    )
    assert sorted(found[0]["u"]) == sorted(uscc(i) for i in (1, 2, 3))


async def test_a_pushed_list_entry_re_rates_and_lists_at_once(ledger, agency, hub_url, hub_clock):
    hub_clock.hold(NOW)
    samr = await agency("samr-listing", Department.SAMR, ["samr.enterprise@1", "list.entry@1"])
    url = f"{hub_url}/connectors/batches"
    token = await token_for(hub_url, ledger, "connector", institution="samr-listing")
    now = NOW
    for record_type, records in (
        ("samr.enterprise@1", [enterprise_record(1, registeredOn="2015-01-01")]),
        (
            "list.entry@1",
            [
                {
                    "id": "LST-PUSHED-1",
                    "subject": {"uscc": uscc(1)},
                    "list": "SERIOUS_DISHONESTY",
                    "listedOn": (now.date() - dt.timedelta(days=10)).isoformat(),
                    "reason": "fraud",
                    "basis": "joint punishment memorandum",
                }
            ],
        ),
    ):
        pushed = push(
            url, content=samr.batch(record_type, records, created_at=now), headers=bearer(token)
        )
        assert pushed.status_code == 202, pushed.text
    # the push answered after re-rating: the stored rating and the list row are there
    rows, _, _ = await ledger.execute_query(
        "MATCH (:Enterprise {uscc: $u})-[:CURRENT_RATING]->(r:Rating) RETURN r.grade AS grade",
        u=uscc(1),
        database_=DATABASE,
    )
    assert [row["grade"] for row in rows] == ["D"]
    regulator = await token_for(hub_url, ledger, "regulator")
    body = push(
        f"{hub_url}/graphql",
        json={"query": "{ jointPunishmentList { edges { node { uscc cause subjectRole } } } }"},
        headers=bearer(regulator),
    ).json()
    assert [e["node"] for e in body["data"]["jointPunishmentList"]["edges"]] == [
        {"uscc": uscc(1), "cause": "LST-PUSHED-1", "subjectRole": "ENTERPRISE"}
    ]
