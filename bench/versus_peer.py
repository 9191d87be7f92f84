"""The hub side by side with the Neo4j GraphQL Library (`@neo4j/graphql`) on one Neo4j.

    python -m bench.versus_peer --enterprises 100000

Loads a generated zone into a fresh local Neo4j with `bench.fastload` (as bench/profile_query.py
does), starts the hub (production mode, one worker) and two Node processes of the peer in
bench/peer/ (`@neo4j/graphql` on Apollo Server: one without authorization, one verifying the
hub's own tokens against the hub's JWKS with `@authorization` rules mirroring the regulator's
view), checks that all of them and raw Cypher answer the same rows, then drives two reads,
interleaved (hub, peer, peer with auth, raw; then again, `--rounds` times), at `--concurrency`
clients and at one:

- the enterprise profile (bench/profile_query.py's document; raw = the hub's own Cypher);
- a page of 100 enterprises after a random one (five fields and the current legal
  representative's name; raw = one equivalent Cypher query).

Two load generators: one Python async client for every target (httpx, or the async driver for
raw Cypher), and wrk with bench/peer/post.lua for the HTTP targets. Prints the data size, one
table of req/s, p50 and p99 per round and generator, and one of CPU time per request of the
serving process and of Neo4j over each run (from /proc/<pid>/stat), with the share of the
machine's CPU that other work took meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from neo4j import AsyncDriver, AsyncGraphDatabase, RoutingControl

from auth.catalog import load_catalog
from auth.clients import add_client
from auth.principal import ClientKind
from bench.fastload import fastload_zone
from bench.harness import Latencies, fresh_neo4j, hub_process, run_concurrently
from bench.profile_query import PROFILE_QUERY, RAW_QUERY
from graph_schema.migrate import apply_migrations
from hub import cypher
from hub.localdb import free_port

DATABASE = "neo4j"
PEER_DIR = Path(__file__).with_name("peer")
WRK_SCRIPT = PEER_DIR / "post.lua"
PAGE_SIZE = 100
KEY = "__KEY__"
"""The placeholder of a request body that the load generators replace by a key."""

# --- the reads, as each target asks for them --------------------------------------------------

PEER_PROFILE_QUERY = """
query Profile($uscc: String!) {
  enterprises(where: { uscc: { eq: $uscc } }) {
    uscc name zone industryBelt registeredOn status
    legalRepresentativesConnection(where: { edge: { until: { eq: null } } }) {
      edges { properties { since } node { name idMasked } }
    }
    officersConnection(sort: [{ edge: { role: ASC } }, { node: { name: ASC } }]) {
      edges { properties { role } node { name } }
    }
    penalties(sort: [{ decidedOn: DESC }]) {
      id department severity amountCny decidedOn publicUntil repairedOn
    }
    listEntries(sort: [{ listedOn: DESC }]) {
      id list department listedOn expiresOn removedOn
    }
    classifications(sort: [{ department: ASC }, { scheme: ASC }, { effectiveFrom: DESC }]) {
      department scheme value effectiveFrom effectiveTo
    }
  }
}
"""

HUB_PAGE_QUERY = """
query Page($after: String) {
  enterprises(first: 100, after: $after) {
    edges { node { uscc name zone status registeredOn legalRepresentative { person { name } } } }
  }
}
"""

PEER_PAGE_QUERY = """
query Page($after: String!) {
  enterprises(where: { uscc: { gt: $after } }, sort: [{ uscc: ASC }], limit: 100) {
    uscc name zone status registeredOn
    legalRepresentativesConnection(where: { edge: { until: { eq: null } } }) {
      edges { node { name } }
    }
  }
}
"""

# The page as the hub reads it (a regulator sees every enterprise: the visibility predicate is
# `true`): its own query, keyset on the uscc index, the legal representatives in the same row,
# one more than the page to know whether another follows.
RAW_PAGE_QUERY = cypher.enterprise_page_query(
    ["legal_representatives"], f" AND {cypher.ENTERPRISE_FILTERS['after']}", "true"
)


def hub_cursor(uscc: str) -> str:
    """The hub's cursor after `uscc` in the enterprise list (hub.api.pagination.encode_cursor)."""
    return base64.urlsafe_b64encode(f"uscc:{uscc}".encode()).decode()


@dataclass(frozen=True)
class Read:
    """One read as each target asks it: GraphQL documents with the variable that takes the key,
    the raw Cypher with its parameters, and the keys (USCCs) requests pick from."""

    name: str
    hub_document: str
    peer_document: str
    variable: str
    raw_query: str
    raw_params: Callable[[str], dict[str, Any]]
    hub_key: Callable[[str], str]
    keys: Sequence[str]
    requests: int


TARGETS = ("hub", "peer", "peer+auth", "raw")
TITLES = {
    "hub": "hub",
    "peer": "@neo4j/graphql",
    "peer+auth": "@neo4j/graphql + auth",
    "raw": "raw Cypher",
}


# --- CPU accounting from /proc ------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    """User plus system CPU seconds of a process so far (fields 14 and 15 of /proc/pid/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def machine_busy_s() -> float:
    """CPU seconds every core of the machine spent busy so far (/proc/stat, all but idle and
    iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values
    return (user + nice + system + irq + softirq + steal) / TICKS


def own_cpu_s() -> float:
    """This process's CPU seconds and those of its finished children (wrk, npm)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def listening_pid(port: int) -> int:
    """The process that listens on TCP `port` (the hub's uvicorn, Neo4j's JVM)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":
                    inodes.add(f"socket:[{cols[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        return int(proc.name)
    raise RuntimeError(f"no process listens on port {port}")


@dataclass
class CpuMeter:
    """CPU seconds of the named processes, of this one, and of the whole machine."""

    pids: dict[str, int]
    other_s: float = 0.0
    measured_s: float = 0.0

    def snapshot(self) -> dict[str, float]:
        taken = {name: process_cpu_s(pid) for name, pid in self.pids.items()}
        taken["_self"] = own_cpu_s()
        taken["_machine"] = machine_busy_s()
        taken["_wall"] = time.monotonic()
        return taken

    def spent(self, before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
        """CPU seconds of each named process between two snapshots; adds to the tally of what
        processes other than these (and this one) took meanwhile."""
        used = {name: after[name] - before[name] for name in self.pids}
        ours = sum(used.values()) + after["_self"] - before["_self"]
        self.other_s += max(0.0, after["_machine"] - before["_machine"] - ours)
        self.measured_s += after["_wall"] - before["_wall"]
        return used


# --- one measured run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A measured run: its latencies, failed requests, and the CPU seconds of the serving
    process and of Neo4j over it."""

    latencies: Latencies
    failures: int
    server_cpu_s: float | None
    neo4j_cpu_s: float

    def cell(self) -> str:
        lat = self.latencies
        text = f"{lat.per_second:,.0f} req/s, p50 {lat.p50_ms:.1f} ms, p99 {lat.p99_ms:.1f} ms"
        return text + (f" ({self.failures} failed)" if self.failures else "")

    def cpu_cell(self) -> str:
        per = 1000 / self.latencies.count
        neo4j = f"Neo4j {self.neo4j_cpu_s * per:.2f}"
        if self.server_cpu_s is None:
            return neo4j
        return f"{self.server_cpu_s * per:.2f} + {neo4j}"


@dataclass
class HttpTarget:
    name: str
    url: str
    token: str | None
    """The regulator's token it is sent (renewed before each run), or None."""
    pid_name: str


@dataclass
class Bench:
    """What the runs share: the targets, the driver for raw Cypher, the meter and the results."""

    driver: AsyncDriver
    http: dict[str, HttpTarget]
    meter: CpuMeter
    concurrency: int
    seed: int
    workdir: Path
    wrk: str | None
    issue_token: Callable[[], str]
    results: dict[tuple[int, str, str, int, str], Run] = field(default_factory=dict)

    def renew_tokens(self) -> None:
        """A fresh regulator token for the targets that take one: a hub token lives 10 minutes
        (auth.settings token_lifetime_s), less than a round at 100,000 enterprises."""
        token = self.issue_token()
        for http in self.http.values():
            if http.token is not None:
                http.token = token

    def body(self, target: str, read: Read, key: str) -> dict[str, Any]:
        """The request body of `target` for the key `key` (a USCC)."""
        return self.template(target, read, read.hub_key(key) if target == "hub" else key)

    @staticmethod
    def template(target: str, read: Read, value: str) -> dict[str, Any]:
        """The request body of `target` with `value` as it is in the read's variable."""
        document = read.hub_document if target == "hub" else read.peer_document
        return {"query": document, "variables": {read.variable: value}}

    async def python_run(self, target: str, read: Read, clients: int, requests: int) -> Run:
        """`requests` reads by the Python client (httpx, or the driver for raw Cypher)."""
        keys = read.keys
        failures = 0
        if target == "raw":

            async def call(i: int) -> None:
                await self.driver.execute_query(
                    read.raw_query,
                    read.raw_params(keys[i % len(keys)]),
                    routing_=RoutingControl.READ,
                    database_=DATABASE,
                )

            return await self.measure(None, lambda: run_concurrently(call, requests, clients))
        self.renew_tokens()
        http = self.http[target]
        headers = {"Authorization": f"Bearer {http.token}"} if http.token else {}
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(
            base_url=http.url, limits=limits, timeout=60, headers=headers
        ) as client:

            async def post(i: int) -> None:
                nonlocal failures
                response = await client.post(
                    "/graphql", json=self.body(target, read, keys[i % len(keys)])
                )
                # a failure is counted, not raised: the run goes on and the table says so
                if response.status_code != 200 or b'"errors"' in response.content:
                    failures += 1

            run = await self.measure(
                http.pid_name, lambda: run_concurrently(post, requests, clients)
            )
        return Run(run.latencies, failures, run.server_cpu_s, run.neo4j_cpu_s)

    async def measure(self, pid_name: str | None, work: Callable[[], Awaitable[Latencies]]) -> Run:
        """Run `work` between two CPU snapshots; the failures are the caller's to fill in."""
        before = self.meter.snapshot()
        latencies = await work()
        used = self.meter.spent(before, self.meter.snapshot())
        server = used[pid_name] if pid_name is not None else None
        return Run(latencies, 0, server, used["neo4j"])

    def wrk_run(self, target: str, read: Read, clients: int, seconds: int) -> Run:
        """wrk with bench/peer/post.lua against an HTTP target for `seconds`."""
        assert self.wrk is not None
        self.renew_tokens()
        http = self.http[target]
        body = self.workdir / f"{target}-{read.name}.json"
        body.write_text(json.dumps(self.template(target, read, KEY), ensure_ascii=False))
        # the keys file holds what the variable takes (for the hub's page: cursors)
        keys = self.workdir / f"{target}-{read.name}.keys"
        convert = read.hub_key if target == "hub" else str
        keys.write_text("".join(f"{convert(k)}\n" for k in read.keys))
        command = [
            self.wrk,
            f"-t{min(2, clients)}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "60s",
            "-s",
            str(WRK_SCRIPT),
            f"{http.url}/graphql",
            "--",
            str(body),
            str(keys),
            http.token or "",
            str(self.seed),
        ]
        before = self.meter.snapshot()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        used = self.meter.spent(before, self.meter.snapshot())
        line = next(ln for ln in done.stdout.splitlines() if ln.startswith("WRK_RESULT"))
        count, duration_us, p50, p95, p99, failed, socket_errors = map(int, line.split()[1:])
        latencies = Latencies(count, duration_us / 1e6, p50 / 1000, p95 / 1000, p99 / 1000)
        return Run(latencies, failed + socket_errors, used[http.pid_name], used["neo4j"])

    async def round(self, number: int, reads: Sequence[Read]) -> None:
        """Each read at `concurrency` clients and at one: every target with the Python client,
        then every HTTP target with wrk for about as long as the Python client took."""
        for read in reads:
            for clients in sorted({self.concurrency, 1}, reverse=True):
                requests = read.requests if clients > 1 else max(50, read.requests // 2)
                for target in TARGETS:
                    run = await self.python_run(target, read, clients, requests)
                    self.results[number, read.name, "python", clients, target] = run
                    print(f"  round {number} {read.name} {clients}c python {target}: {run.cell()}")
                if self.wrk is None:
                    continue
                for target in TARGETS[:3]:
                    took = self.results[number, read.name, "python", clients, target]
                    seconds = min(30, max(5, round(took.latencies.elapsed_s)))
                    run = await asyncio.to_thread(self.wrk_run, target, read, clients, seconds)
                    self.results[number, read.name, "wrk", clients, target] = run
                    print(f"  round {number} {read.name} {clients}c wrk {target}: {run.cell()}")


# --- the processes ------------------------------------------------------------------------------


def ensure_peer_installed() -> None:
    """`npm ci` in bench/peer when its node_modules is missing (a clean clone)."""
    if (PEER_DIR / "node_modules").is_dir():
        return
    subprocess.run(["npm", "ci", "--prefix", str(PEER_DIR), "--no-audit", "--no-fund"], check=True)


def ensure_wrk() -> str | None:
    """wrk's path; installed from Debian when missing and this runs as root, else None (the
    Python client alone then)."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        install = ["apt-get", "install", "-y", "wrk"]
        if subprocess.run(install, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], capture_output=True)
            subprocess.run(install, capture_output=True)
        found = shutil.which("wrk")
    if found is None:
        print("wrk is not installed and cannot be: the Python client alone")
    return found


@contextlib.contextmanager
def peer_process(neo4j_uri: str, auth: Mapping[str, str] | None) -> Iterator[tuple[str, int]]:
    """bench/peer/server.mjs in its own Node process; yields its URL and pid. `auth` (the JWKS
    URL, issuer and audience) turns its authorization on."""
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_uri,
        "PEER_PORT": str(port),
        "PEER_AUTH": "on" if auth else "off",
        "NODE_ENV": "production",
        **(auth or {}),
    }
    # the log goes to a file: a pipe nobody reads fills up and stops the server mid-run
    with tempfile.NamedTemporaryFile(prefix="peer-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["node", "server.mjs"], cwd=PEER_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 60
            while b"ready " not in log_path.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_bytes().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"the peer did not start: {tail}")
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}", process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)
            log_path.unlink(missing_ok=True)


def token_for(url: str, client_id: str, secret: str) -> str:
    response = httpx.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, not verified (the peer verifies; this only reads iss and aud)."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


# --- the same rows from every target ------------------------------------------------------------


def graphql(url: str, token: str | None, body: Mapping[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{url}/graphql", json=body, headers=headers, timeout=60)
    answer: dict[str, Any] = response.json()
    return answer


def data_of(url: str, token: str | None, body: Mapping[str, Any]) -> dict[str, Any]:
    answer = graphql(url, token, body)
    if answer.get("errors") or "data" not in answer:
        raise RuntimeError(f"{url}: {json.dumps(answer, ensure_ascii=False)[:1000]}")
    data: dict[str, Any] = answer["data"]
    return data


Row = tuple[str, str, str | None]
"""(uscc, name, current legal representative's name)"""


def peer_row(node: Mapping[str, Any]) -> Row:
    edges = node["legalRepresentativesConnection"]["edges"]
    return (node["uscc"], node["name"], edges[0]["node"]["name"] if edges else None)


async def rows_of(bench: Bench, target: str, read: Read, key: str) -> list[Row]:
    """The rows `target` answers for `read` at `key`, reduced to what all of them must share."""
    if target == "raw":
        records, _, _ = await bench.driver.execute_query(
            read.raw_query,
            read.raw_params(key),
            routing_=RoutingControl.READ,
            database_=DATABASE,
        )
        if read.variable == "uscc":
            current = [
                lr["person"]["name"]
                for lr in records[0]["legal_representatives"]
                if lr["rel"].get("until") is None
            ]
            e = records[0]["enterprise"]
            return [(e["uscc"], e["name"], current[0] if current else None)]
        rows = []
        for r in records[0]["page"][:PAGE_SIZE]:
            current = [
                lr["person"]["name"]
                for lr in r["legal_representatives"]
                if lr["rel"].get("until") is None
            ]
            e = r["enterprise"]
            rows.append((e["uscc"], e["name"], current[0] if current else None))
        return rows
    http = bench.http[target]
    data = await asyncio.to_thread(data_of, http.url, http.token, bench.body(target, read, key))
    if target == "hub":
        nodes = (
            [data["enterprise"]]
            if read.variable == "uscc"
            else [edge["node"] for edge in data["enterprises"]["edges"]]
        )
        return [
            (
                n["uscc"],
                n["name"],
                n["legalRepresentative"]["person"]["name"] if n["legalRepresentative"] else None,
            )
            for n in nodes
        ]
    return [peer_row(n) for n in data["enterprises"]]


async def check_same_rows(bench: Bench, reads: Sequence[Read]) -> None:
    """Every target answers the same rows for a few keys of each read; the peer with auth
    refuses a request without a token and one from a client of another kind."""
    for read in reads:
        for key in read.keys[:5]:
            answers = {t: await rows_of(bench, t, read, key) for t in TARGETS}
            expected = 1 if read.variable == "uscc" else PAGE_SIZE
            if any(len(a) != expected for a in answers.values()) or (
                len({json.dumps(a, ensure_ascii=False) for a in answers.values()}) != 1
            ):
                shown = json.dumps(answers, ensure_ascii=False)[:2000]
                raise RuntimeError(f"{read.name} at {key}: the targets differ: {shown}")
    print(f"same rows: {', '.join(TARGETS)} agree on 5 keys of each read")


async def check_refusals(bench: Bench, profile: Read, other_token: str) -> None:
    peer = bench.http["peer+auth"]
    body = bench.body("peer+auth", profile, profile.keys[0])
    for token, who in ((None, "no token"), (other_token, "a samr client's token")):
        answer = await asyncio.to_thread(graphql, peer.url, token, body)
        if not answer.get("errors"):
            raise RuntimeError(f"the peer with auth answered {who}: {answer}")
    print("the peer with auth refuses a request without a token and a samr client's token")


# --- the benchmark ------------------------------------------------------------------------------


async def bench(enterprises: int, seed: int, requests: int, concurrency: int, rounds: int) -> None:
    ensure_peer_installed()
    wrk = ensure_wrk()
    with fresh_neo4j() as uri, tempfile.TemporaryDirectory(prefix="versus-peer-") as workdir:
        driver = AsyncGraphDatabase.driver(uri, auth=None, max_connection_pool_size=64)
        await apply_migrations(driver, DATABASE)
        stats = await fastload_zone(
            driver, DATABASE, person_secret=b"bench", enterprises=enterprises, seed=seed
        )
        counts, _, _ = await driver.execute_query(
            "MATCH (n) WITH count(n) AS nodes "
            "MATCH ()-[r]->() RETURN nodes, count(r) AS relationships",
            database_=DATABASE,
        )
        rows, _, _ = await driver.execute_query(
            "MATCH (e:Enterprise) RETURN e.uscc AS uscc ORDER BY uscc", database_=DATABASE
        )
        ordered = [r["uscc"] for r in rows]
        profile_keys = random.Random(seed).sample(ordered, len(ordered))
        # pages start before the last full page, so every page holds 100 rows
        page_keys = random.Random(seed + 1).sample(ordered[:-PAGE_SIZE], len(ordered) - PAGE_SIZE)
        size = (
            f"data: {enterprises:,} enterprises ({len(ordered):,} with the providers), "
            f"{stats.records:,} records, {counts[0]['nodes']:,} nodes, "
            f"{counts[0]['relationships']:,} relationships (loaded in {stats.elapsed_s:.0f} s)"
        )
        print(size)
        reads = [
            Read(
                "enterprise profile",
                PROFILE_QUERY,
                PEER_PROFILE_QUERY,
                "uscc",
                RAW_QUERY,
                lambda k: {"usccs": [k]},
                str,
                profile_keys,
                requests,
            ),
            Read(
                "page of 100",
                HUB_PAGE_QUERY,
                PEER_PAGE_QUERY,
                "after",
                RAW_PAGE_QUERY,
                lambda k: {"after": k, "limit": PAGE_SIZE + 1},
                hub_cursor,
                page_keys,
                max(50, requests // 10),
            ),
        ]
        scopes = load_catalog().default_scopes
        regulator, secret = await add_client(
            driver,
            DATABASE,
            kind=ClientKind.REGULATOR,
            scopes=sorted(scopes(ClientKind.REGULATOR)),
        )
        samr, samr_secret = await add_client(
            driver, DATABASE, kind=ClientKind.SAMR, scopes=sorted(scopes(ClientKind.SAMR))
        )
        # one hub worker against one Node process (hub_process passes the environment on)
        os.environ["HUB_WORKERS"] = "1"
        with hub_process(uri) as hub_url:
            token = token_for(hub_url, regulator.client_id, secret or "")
            samr_token = token_for(hub_url, samr.client_id, samr_secret or "")
            claims = unverified_claims(token)
            auth = {
                "PEER_JWKS_URL": f"{hub_url}/.well-known/jwks.json",
                "PEER_JWT_ISSUER": str(claims["iss"]),
                "PEER_JWT_AUDIENCE": str(claims["aud"]),
            }
            with (
                peer_process(uri, None) as (peer_url, peer_pid),
                peer_process(uri, auth) as (auth_url, auth_pid),
            ):
                pids = {
                    "hub": listening_pid(int(hub_url.rsplit(":", 1)[1])),
                    "peer": peer_pid,
                    "peer+auth": auth_pid,
                    "neo4j": listening_pid(int(uri.rsplit(":", 1)[1])),
                }
                runner = Bench(
                    driver=driver,
                    http={
                        "hub": HttpTarget("hub", hub_url, token, "hub"),
                        "peer": HttpTarget("peer", peer_url, None, "peer"),
                        "peer+auth": HttpTarget("peer+auth", auth_url, token, "peer+auth"),
                    },
                    meter=CpuMeter(pids),
                    concurrency=concurrency,
                    seed=seed,
                    workdir=Path(workdir),
                    wrk=wrk,
                    issue_token=lambda: token_for(hub_url, regulator.client_id, secret or ""),
                )
                await check_same_rows(runner, reads)
                await check_refusals(runner, reads[0], samr_token)
                for read in reads:  # warm up: caches, the JIT, connection pools
                    for target in TARGETS:
                        await runner.python_run(target, read, concurrency, min(300, read.requests))
                runner.meter.other_s = runner.meter.measured_s = 0.0
                for number in range(1, rounds + 1):
                    await runner.round(number, reads)
        await driver.close()
    report(runner, reads, size, rounds)


def report(runner: Bench, reads: Sequence[Read], size: str, rounds: int) -> None:
    generators = ["python"] + (["wrk"] if runner.wrk else [])
    clients = sorted({runner.concurrency, 1}, reverse=True)
    header = " | ".join(TITLES[t] for t in TARGETS)
    print()
    print(size)
    print(
        "requests per run: "
        + ", ".join(
            f"{r.name} {r.requests} ({max(50, r.requests // 2)} at 1 client)" for r in reads
        )
        + "; wrk runs about as long as the Python client took (5-30 s)"
    )
    print()
    print(f"| query | clients | round | generator | {header} | hub/peer-auth throughput |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for read in reads:
        for c in clients:
            for number in range(1, rounds + 1):
                for gen in generators:
                    cells = [
                        runner.results[r].cell()
                        if (r := (number, read.name, gen, c, t)) in runner.results
                        else "-"
                        for t in TARGETS
                    ]
                    hub = runner.results[number, read.name, gen, c, "hub"]
                    peer = runner.results[number, read.name, gen, c, "peer+auth"]
                    ratio = (
                        "n/a (failed requests)"
                        if hub.failures or peer.failures
                        else f"{hub.latencies.per_second / peer.latencies.per_second:.2f}x"
                    )
                    print(
                        f"| {read.name} | {c} | {number} | {gen} | {' | '.join(cells)} | {ratio} |"
                    )
    print()
    print("CPU ms per request over each run: the serving process + Neo4j")
    print()
    print(f"| query | clients | round | generator | {header} |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for read in reads:
        for c in clients:
            for number in range(1, rounds + 1):
                for gen in generators:
                    cells = [
                        runner.results[r].cpu_cell()
                        if (r := (number, read.name, gen, c, t)) in runner.results
                        else "-"
                        for t in TARGETS
                    ]
                    print(f"| {read.name} | {c} | {number} | {gen} | {' | '.join(cells)} |")
    meter = runner.meter
    cores = os.cpu_count() or 1
    share = meter.other_s / (meter.measured_s * cores) if meter.measured_s else 0.0
    print()
    print(
        f"other work on the machine during the runs: {meter.other_s:.0f} CPU s over "
        f"{meter.measured_s:.0f} s, {share:.0%} of its {cores} cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--requests",
        type=int,
        default=2000,
        help="profile requests per run (the page of 100 gets a tenth; one client half)",
    )
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(bench(args.enterprises, args.seed, args.requests, args.concurrency, args.rounds))


if __name__ == "__main__":
    main()
