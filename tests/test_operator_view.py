"""Issue 16, an operator's view: `/metrics` on a served hub parses as Prometheus text and moves
by exactly what was done (a signed batch pushed, GraphQL requests answered), with labels from
bounded sets only; `hub serve` in a process of its own writes JSON lines, each line of a request
carrying its request id (the one the request gave when it is a sane token, else a new one), and
no secret a request carried."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from graph_kit import DATABASE, HeldClock, eventually, token_for, wait_until
from neo4j import AsyncDriver
from prometheus_client.parser import text_string_to_metric_families

from connectors import store
from connectors.client import BatchSigner, encode_payload
from connectors.signing import generate_key, public_jwk
from graph_schema.model import Department
from graph_schema.uscc import make_uscc
from hub.localdb import free_port

NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
SAMR = "samr.enterprise@1"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(hub_url: str) -> Samples:
    """Every sample of GET /metrics, by name and labels; the body must parse as Prometheus text."""
    answer = httpx.get(f"{hub_url}/metrics", timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """A sample's value; 0 for one not reported yet (a labelled counter before its first use)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def enterprise(i: int) -> dict[str, str]:
    return {
        "uscc": make_uscc("9", "1", "410200", f"MT{i:06d}"),
        "name": f"Metrics Test Trading Co. {i}",
        "zone": "KAIFENG",
        "registeredOn": "2021-05-01",
        "status": "ACTIVE",
    }


async def test_metrics_parse_and_move_by_what_was_pushed_and_asked(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock
) -> None:
    hub_clock.hold(NOW)
    await graph.execute_query(
        "MERGE (:Zone {code: 'KAIFENG', name: 'Kaifeng'})", database_=DATABASE
    )
    key = generate_key("EdDSA", "samr-metrics-k1")
    await store.register_connector(
        graph, DATABASE, "samr-metrics", "SAMR", [SAMR], NOW - dt.timedelta(days=30)
    )
    await store.add_key(
        graph,
        DATABASE,
        "samr-metrics",
        public_jwk(key),
        NOW - dt.timedelta(days=30),
        close_others=True,
    )
    signer = BatchSigner("samr-metrics", Department.SAMR, key)
    pusher = {
        "Authorization": "Bearer "
        + await token_for(hub_url, graph, "connector", institution="samr-metrics")
    }
    regulator = {"Authorization": "Bearer " + await token_for(hub_url, graph, "regulator")}
    batch = encode_payload(
        signer.sign(SAMR, [enterprise(i) for i in (1, 2, 3)], 1, uuid.uuid4(), NOW)
    )
    unknown_type = encode_payload(
        signer.sign("samr.nosuchtype@9", [enterprise(4)], 2, uuid.uuid4(), NOW)
    )

    async with httpx.AsyncClient(base_url=hub_url, timeout=60) as http:
        before = scrape(hub_url)
        applied = await http.post("/connectors/batches", content=batch, headers=pusher)
        assert (applied.status_code, applied.json()["written"]) == (202, 3), applied.text
        again = await http.post("/connectors/batches", content=batch, headers=pusher)
        assert again.json()["status"] == "ALREADY_APPLIED", again.text
        refused = await http.post("/connectors/batches", content=unknown_type, headers=pusher)
        assert refused.json()["problems"][0]["code"] == "UNKNOWN_RECORD_TYPE", refused.text
        asked = await http.post(
            "/graphql",
            # the operation's name is the client's to choose: the label is the root field
            json={
                "query": "query Whatever_A_Client_Sends_1($u: String!) { enterprise(uscc: $u) "
                "{ name } }",
                "variables": {"u": enterprise(1)["uscc"]},
            },
            headers=regulator,
        )
        assert asked.json() == {"data": {"enterprise": {"name": "Metrics Test Trading Co. 1"}}}
        unknown_field = await http.post(
            "/graphql", json={"query": "{ noSuchField_42 }"}, headers=regulator
        )
        assert unknown_field.status_code == 200, unknown_field.text
        anonymous = await http.post(
            "/graphql", json={"query": '{ enterprise(uscc: "x") { name } }'}
        )
        assert anonymous.status_code == 401
    after = scrape(hub_url)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("hub_batches_total", outcome="APPLIED", record_type=SAMR) == 1
    assert moved("hub_batches_total", outcome="ALREADY_APPLIED", record_type=SAMR) == 1
    # a record type the registry does not know is never a label of its own
    assert moved("hub_batches_total", outcome="UNKNOWN_RECORD_TYPE", record_type="unknown") == 1
    assert moved("hub_records_ingested_total", record_type=SAMR) == 3
    requests = {
        tuple(sorted(labels)): after[(name, labels)] - value(before, name, **dict(labels))
        for name, labels in after
        if name == "hub_requests_total"
        and after[(name, labels)] != value(before, name, **dict(labels))
    }

    def request(route: str, operation: str, status: str, code: str) -> tuple[tuple[str, str], ...]:
        return tuple(
            sorted({"route": route, "operation": operation, "status": status, "code": code}.items())
        )

    assert requests == {
        request("/metrics", "none", "2xx", "none"): 1,  # the first scrape
        request("/connectors/batches", "none", "2xx", "none"): 2,  # applied, already applied
        request("/connectors/batches", "none", "4xx", "none"): 1,
        request("/graphql", "enterprise", "2xx", "OK"): 1,
        request("/graphql", "other", "2xx", "GRAPHQL_VALIDATION_FAILED"): 1,
        request("/graphql", "none", "4xx", "none"): 1,  # no token: refused before GraphQL
    }
    graphql = {"route": "/graphql"}
    assert moved("hub_request_duration_seconds_count", **graphql, operation="enterprise") == 1
    names = {name for name, _ in after}
    assert not any("Whatever_A_Client_Sends" in str(labels) for _, labels in after)
    assert not any("noSuchField_42" in str(labels) for _, labels in after)
    assert {
        "hub_audit_records_pending",
        "hub_audit_records_written_total",
        "hub_subscriptions",
        "hub_neo4j_pool_connections",
        "hub_neo4j_pool_max_size",
        "hub_owed_effects",
        "hub_owed_effect_oldest_age_seconds",
    } <= names
    assert value(after, "hub_metrics_graph_up") == 1
    assert value(after, "hub_neo4j_pool_max_size") == 50
    assert value(after, "hub_subscriptions") == 0

    # the applied batch's subjects are re-rated (now or by the worker that drains its effects)
    async def rerated() -> bool:
        return (
            value(scrape(hub_url), "hub_rerated_subjects_total")
            >= value(before, "hub_rerated_subjects_total") + 3
        )

    assert await eventually(rerated, timeout_s=30)


# --- the logs of `hub serve` ----------------------------------------------------------------


class ServedProcess:
    """`hub serve` in a process group of its own, its output (stdout and stderr) in a file."""

    def __init__(self, neo4j_uri: str, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "serve.log"
        env = {
            "PATH": os.environ["PATH"],
            "PYTHONUNBUFFERED": "1",
            "NEO4J_URI": neo4j_uri,
            "HUB_DATA_DIR": str(data_dir),
            "HUB_PORT": str(self.port),
        }
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "hub.cli", "serve"],
                env=env,
                cwd=data_dir,  # no developer's `.env` is read
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def ready(self) -> bool:
        assert self.process.poll() is None, self.output()
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        """Ctrl-C, as an operator stops it (SIGKILL if it does not stop)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def serving(graph: AsyncDriver, neo4j_uri: str, tmp_path: Path) -> Iterator[ServedProcess]:
    hub = ServedProcess(neo4j_uri, tmp_path)
    try:
        assert wait_until(hub.ready, timeout_s=90), hub.output()
        yield hub
    finally:
        hub.stop()


MADE_ID = re.compile(r"[0-9a-f]{32}")


def raw_get(url: str, path: str, header_line: bytes) -> tuple[int, dict[str, str]]:
    """A GET sent byte for byte, for a header no HTTP client would send; its status and
    headers (lower-cased names)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(
            b"GET "
            + path.encode()
            + b" HTTP/1.1\r\nHost: "
            + host.encode()
            + b"\r\n"
            + header_line
            + b"\r\nConnection: close\r\n\r\n"
        )
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head = received.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {}
    for line in head[1:]:
        name, _, text = line.partition(":")
        headers[name.strip().lower()] = text.strip()
    return status, headers


def test_hub_serve_logs_json_lines_carrying_each_requests_id(serving: ServedProcess) -> None:
    url = serving.url
    given = httpx.get(f"{url}/healthz?case=given", headers={"X-Request-ID": "abc-123"})
    made = httpx.get(f"{url}/healthz?case=made")
    too_long = "a" * 1000
    long_answer = httpx.get(f"{url}/healthz?case=long", headers={"X-Request-ID": too_long})
    # a tab and a Unicode line separator reach the hub (HTTP allows them in a header value)
    control_status, control = raw_get(
        url, "/healthz?case=control", "X-Request-ID: evil\tid\u2028here".encode()
    )
    # a bare newline does not: uvicorn refuses the request before the hub sees it
    newline_status, _ = raw_get(url, "/healthz?case=newline", b"X-Request-ID: evil\nid")
    secret = httpx.get(f"{url}/healthz?case=secret&access_token=S3cretT0kenValue99")

    assert given.headers["x-request-id"] == "abc-123"  # a sane id is kept
    assert MADE_ID.fullmatch(made.headers["x-request-id"])
    assert MADE_ID.fullmatch(long_answer.headers["x-request-id"])  # replaced
    assert (control_status, newline_status) == (200, 400)
    assert MADE_ID.fullmatch(control["x-request-id"])  # replaced
    ids = {
        "given": "abc-123",
        "made": made.headers["x-request-id"],
        "long": long_answer.headers["x-request-id"],
        "control": control["x-request-id"],
        "secret": secret.headers["x-request-id"],
    }
    assert len(set(ids.values())) == 5

    def logged() -> bool:
        return "case=secret" in serving.output()

    assert wait_until(logged, timeout_s=30), serving.output()
    serving.stop()
    output = serving.output()
    lines = [line for line in output.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"not a JSON line: {line!r}\n{output}") from None
    assert all(
        {"timestamp", "level", "logger", "message", "request_id"} <= entry.keys()
        for entry in parsed
    ), output
    for case, request_id in ids.items():
        access = [e for e in parsed if f"case={case}" in e["message"]]
        assert len(access) == 1, (case, output)
        # every line written while the request ran carries its id
        of_request = [e for e in parsed if e["request_id"] == request_id]
        assert access[0] in of_request, (case, output)
    # a replaced id is said to be replaced, on a line of its own request, without the bad value
    for case in ("long", "control"):
        assert [e["logger"] for e in parsed if e["request_id"] == ids[case]] == [
            "hub.logs",
            "uvicorn.access",
        ], output
    assert too_long not in output and "evil" not in output
    assert "S3cretT0kenValue99" not in output
    assert "Application startup complete." in {e["message"] for e in parsed}
