"""Issue 14: every shell command README.md and docs/*.md show runs, so none can rot unnoticed.

`tests/doc_commands.py` finds the commands (lines of shell blocks starting with `hub`, `make`,
`curl` or `.venv/bin/`). Each one is, by `COVERAGE` below or by a marker in the document:

- run here for real: in a subprocess (bash, as a user types it), from a working directory
  of its own whose `.venv` is the repository's and which holds no `.env` (the settings read
  `.env` from the working directory), with an environment stated here alone, against the
  session's Neo4j (`NEO4J_URI`) and hub; its exit code and the fragments of its output
  written down in the test are checked;
- run by another file named here, which is checked to hold what runs it (`make test` is what
  CI runs; `make run` and `hub run` serve until Ctrl-C and have a smoke test of their own);
- in a block marked `<!-- not-run: REASON -->` (the benchmarks), or in a README example
  block (`<!-- example: NAME -->`) that tests/test_readme_examples.py runs.

A synopsis line (`hub db start | stop | status`, `hub risk scan [--as-of DATE]`) stands for
each command it spells out (`doc_commands.forms`): all of them are run, their placeholders
filled with what the test set up.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import os
import re
import shlex
import signal
import stat
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from doc_commands import REPO, DocCommand, commands_in, documented_commands, forms
from graph_kit import DATABASE, drain_background_writes, token_for, wait_until
from neo4j import AsyncDriver

from connectors import store
from connectors.client import BatchSigner, encode_payload
from connectors.signing import generate_key, public_jwk, write_private_key
from graph_schema.dates import utc_today
from graph_schema.model import Department
from hub.localdb import LocalNeo4j, free_port

# --- how each documented command is covered -------------------------------------------------


@dataclass(frozen=True)
class RunHere:
    """Run for real, its output checked, by the test of this module named `test`."""

    test: str


@dataclass(frozen=True)
class RunElsewhere:
    """Run by the repository's file `path`, which holds `evidence`; `why` not here."""

    path: str
    evidence: str
    why: str


SMOKE_TEST = RunElsewhere(
    "tests/test_smoke_run.py",
    "def test_hub_run_",
    "it serves until Ctrl-C: the smoke test runs `hub run` (what `make run` runs after "
    "`make install`) on a Neo4j and a demo zone of its own, uses it, and stops it with Ctrl-C",
)

CONNECTOR_TOOLS = [
    "hub connector keygen --kid customs-kaifeng-2026-11 --out customs.jwk",
    "hub connector register --id customs-kaifeng --department CUSTOMS "
    "--record-types customs.declaration@1 --public-key customs.jwk",
    "hub connector sign --key customs.jwk --connector customs-kaifeng --department CUSTOMS "
    "--type customs.declaration@1 --sequence 42 declarations.jsonl > batch.json",
    "hub clients add --kind connector --institution customs-kaifeng",
    'hub connector push batch.json --url http://127.0.0.1:8000/connectors/batches --token "$TOKEN"',
    "hub connector status customs-kaifeng",
    "hub connector rotate --id customs-kaifeng --public-key new.jwk",
    "hub connector revoke customs-kaifeng-2026-11",
    "hub connector reset-sequence customs-kaifeng --to 41 "
    '--reason "key customs-kaifeng-2026-11 leaked; sequences above 41 were not ours"',
]
"""The agencies' tools of docs/connectors.md, in the page's order (run in that order)."""

COVERAGE: dict[tuple[str, str], RunHere | RunElsewhere] = {
    ("README.md", "make run"): SMOKE_TEST,
    ("README.md", "make test"): RunElsewhere(
        ".ci/run",
        "\nmake test\n",
        "run by CI (.ci/run): it is the whole suite, lint and installs; running it from the "
        "suite would recurse",
    ),
    ("README.md", ".venv/bin/hub db start | stop | status"): RunHere(
        "test_hub_db_starts_says_and_stops_a_local_neo4j"
    ),
    ("README.md", ".venv/bin/hub migrate"): RunHere("test_hub_migrate"),
    ("README.md", ".venv/bin/hub seed --enterprises 2000 --seed 42"): RunHere(
        "test_hub_seed_then_rate_and_risk_scan_the_demo_zone"
    ),
    ("README.md", ".venv/bin/hub serve"): RunHere("test_hub_serve_serves_until_ctrl_c"),
    ("README.md", ".venv/bin/hub run"): SMOKE_TEST,
    ("README.md", ".venv/bin/hub uscc check CODE..."): RunHere("test_hub_uscc_check"),
    ("README.md", ".venv/bin/hub sync PATH"): RunHere("test_hub_sync_ingests_a_folder"),
    ("README.md", ".venv/bin/hub rate --all | USCC... [--as-of DATE]"): RunHere(
        "test_hub_seed_then_rate_and_risk_scan_the_demo_zone"
    ),
    ("README.md", ".venv/bin/hub rate --due [--as-of DATE]"): RunHere("test_hub_rate_due"),
    ("README.md", ".venv/bin/hub risk scan [--as-of DATE]"): RunHere(
        "test_hub_seed_then_rate_and_risk_scan_the_demo_zone"
    ),
    ("README.md", ".venv/bin/hub connector ..."): RunHere("test_the_connector_tools_in_order"),
    ("README.md", ".venv/bin/hub users add | list | disable | enable | unlock"): RunElsewhere(
        "tests/auth/test_users_cli.py",
        "async def test_users_disable_enable_and_unlock(",
        "the people verbs need a person's password on stdin and a graph: that test adds, lists, "
        "disables, enables and unlocks people, and signs one in",
    ),
    ("README.md", ".venv/bin/hub connector reset-sequence CONNECTOR --to N --reason TEXT"): (
        RunHere("test_the_connector_tools_in_order")
    ),
    ("README.md", ".venv/bin/hub clients add | list | remove | demo"): RunHere(
        "test_hub_clients_add_list_remove_demo"
    ),
    ("README.md", ".venv/bin/hub keys rotate"): RunHere("test_hub_keys_rotate"),
    ("README.md", ".venv/bin/hub audit verify"): RunHere("test_hub_audit_verify"),
    ("README.md", ".venv/bin/hub schema"): RunHere("test_hub_schema"),
    **{
        ("docs/connectors.md", text): RunHere("test_the_connector_tools_in_order")
        for text in CONNECTOR_TOOLS
    },
}

README_EXAMPLES_TEST = REPO / "tests" / "test_readme_examples.py"


def uncovered(
    commands: Sequence[DocCommand], coverage: Mapping[tuple[str, str], RunHere | RunElsewhere]
) -> list[str]:
    """What is wrong with the coverage of `commands`, each problem by file:line: a command
    neither run (`coverage`, or a README example that tests/test_readme_examples.py runs) nor
    marked not-run with a reason; a test or file named in `coverage` that does not run it; an
    entry of `coverage` for a command no document shows."""
    runner = README_EXAMPLES_TEST.read_text(encoding="utf-8")
    problems: list[str] = []
    for command in commands:
        not_run, example = command.marker("not-run"), command.marker("example")
        covered = coverage.get((command.file, command.text))
        if not_run is not None:
            if not not_run.value:
                problems.append(f"{command.where}: `not-run` without a reason")
            if covered is not None:
                problems.append(f"{command.where}: marked not-run, yet listed as run")
        elif example is not None and command.file == "README.md":
            if f'"{example.value}"' not in runner:
                problems.append(
                    f"{command.where}: the example {example.value!r} is not run by "
                    f"{README_EXAMPLES_TEST.relative_to(REPO)}"
                )
        elif isinstance(covered, RunHere):
            if not covered.test.startswith("test_") or not callable(globals().get(covered.test)):
                problems.append(f"{command.where}: no test {covered.test} here runs it")
        elif isinstance(covered, RunElsewhere):
            path = REPO / covered.path
            if not path.is_file() or covered.evidence not in path.read_text(encoding="utf-8"):
                problems.append(
                    f"{command.where}: {covered.path} does not run it ({covered.evidence!r})"
                )
        else:
            problems.append(
                f"{command.where}: `{command.text}` is neither run by the suite (list it in "
                "COVERAGE of tests/test_documented_commands.py, with a test that runs it) nor "
                "marked `<!-- not-run: REASON -->` above its block"
            )
    shown = {(c.file, c.text) for c in commands}
    problems += [
        f"{file}: `{text}` is listed as run, but {file} does not show it"
        for file, text in coverage
        if (file, text) not in shown
    ]
    return problems


def test_every_documented_command_is_run_mapped_or_marked() -> None:
    """A documented command that nothing runs and no marker excuses fails here, by file:line;
    so does an entry of COVERAGE that no document shows any more."""
    assert uncovered(documented_commands(), COVERAGE) == []


# --- the parser, on a page written here --------------------------------------------------------

PAGE = """# A page

```sh
$ hub migrate            # a comment
make run \\
    --flag "a # in quotes" 'b'   # the comment
echo not a documented command
  curl -s http://127.0.0.1:8000/healthz
```

<!-- not-run: needs docker -->
```bash
.venv/bin/python -m bench.x
```

<!-- example: one -->
```
curl -s "$HUB/healthz"
```

```python
hub = "not shell"
```

1. A step:

   ```console
   .venv/bin/hub schema
   ```

~~~
hub
~~~
"""


def test_the_parser_finds_commands_markers_and_continuations() -> None:
    found = [
        (c.line, c.text, c.comment, c.language, tuple((m.kind, m.value) for m in c.markers))
        for c in commands_in(PAGE, "page.md")
    ]
    assert found == [
        (4, "hub migrate", "a comment", "sh", ()),
        (5, "make run --flag \"a # in quotes\" 'b'", "the comment", "sh", ()),
        (8, "curl -s http://127.0.0.1:8000/healthz", "", "sh", ()),
        (13, ".venv/bin/python -m bench.x", "", "bash", (("not-run", "needs docker"),)),
        (18, 'curl -s "$HUB/healthz"', "", "", (("example", "one"),)),
        (28, ".venv/bin/hub schema", "", "console", ()),
        (32, "hub", "", "", ()),
    ]
    assert commands_in(PAGE, "page.md")[0].where == "page.md:4"


def test_a_command_neither_run_nor_marked_is_named_by_file_and_line() -> None:
    """The page above as if it were the README: what `uncovered` says of it."""
    commands = commands_in(PAGE, "README.md")
    coverage: dict[tuple[str, str], RunHere | RunElsewhere] = {
        ("README.md", "hub migrate"): RunHere("test_hub_migrate"),
        ("README.md", "curl -s http://127.0.0.1:8000/healthz"): RunHere("test_of_no_such_name"),
        ("README.md", ".venv/bin/hub schema"): RunElsewhere(".ci/run", "not in that file", "-"),
        ("README.md", "hub gone"): RunHere("test_hub_migrate"),
    }
    unlisted = (
        "is neither run by the suite (list it in COVERAGE of tests/test_documented_commands.py, "
        "with a test that runs it) nor marked `<!-- not-run: REASON -->` above its block"
    )
    assert uncovered(commands, coverage) == [
        f"README.md:5: `make run --flag \"a # in quotes\" 'b'` {unlisted}",
        "README.md:8: no test test_of_no_such_name here runs it",
        "README.md:18: the example 'one' is not run by tests/test_readme_examples.py",
        "README.md:28: .ci/run does not run it ('not in that file')",
        f"README.md:32: `hub` {unlisted}",
        "README.md: `hub gone` is listed as run, but README.md does not show it",
    ]


def test_a_synopsis_stands_for_each_command_it_spells_out() -> None:
    assert forms(".venv/bin/hub db start | stop | status") == [
        ".venv/bin/hub db start",
        ".venv/bin/hub db stop",
        ".venv/bin/hub db status",
    ]
    assert forms(".venv/bin/hub rate --all | USCC... [--as-of DATE]") == [
        ".venv/bin/hub rate --all",
        ".venv/bin/hub rate --all --as-of DATE",
        ".venv/bin/hub rate USCC...",
        ".venv/bin/hub rate USCC... --as-of DATE",
    ]
    assert forms(".venv/bin/hub migrate") == [".venv/bin/hub migrate"]


# --- running a documented command -------------------------------------------------------------

OPERATOR = "doc-operator"
"""The local user name the children see (`hub connector reset-sequence` records it)."""
VENV_BIN = REPO / ".venv" / "bin"


@dataclass(frozen=True)
class Place:
    """Where documented commands run: a working directory whose `.venv` is the repository's,
    a data directory inside it, and the environment every child gets (and nothing else)."""

    workdir: Path
    env: Mapping[str, str]

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"


def place(tmp_path: Path, neo4j_uri: str | None, **settings: str) -> Place:
    """A working directory as a checkout's root (`.venv` links to the repository's, no `.env`)
    and the child's environment: the hub's settings stated here alone, `hub` on the PATH (an
    activated venv, as docs/connectors.md assumes), the tools (bash, curl, jq, java) of the
    machine's PATH."""
    (tmp_path / ".venv").symlink_to(REPO / ".venv", target_is_directory=True)
    (tmp_path / "data").mkdir()
    assert not (tmp_path / ".env").exists()
    env = {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "LOGNAME": OPERATOR,
        "USER": OPERATOR,
        "COLUMNS": "200",  # rich's tables and lines, unwrapped
        "PYTHONUNBUFFERED": "1",
        "HUB_DATA_DIR": str(tmp_path / "data"),
    }
    if neo4j_uri is not None:
        env["NEO4J_URI"] = neo4j_uri
    return Place(tmp_path, env | settings)


def doc(file: str, text: str) -> DocCommand:
    """The command `text` as `file` shows it (the test fails if the document changed)."""
    shown = [c for c in documented_commands() if c.file == file and c.text == text]
    assert len(shown) == 1, f"{file} does not show `{text}` (once)"
    return shown[0]


def fill(form: str, **values: str | Sequence[str]) -> str:
    """A synopsis form with its placeholders (`USCC...`, `DATE`, ...) replaced by values,
    quoted for the shell; every placeholder must be given one."""
    words = []
    for word in form.split():
        value = values.get(word.removesuffix("...").replace("-", "_"))
        if value is None:
            assert not re.fullmatch(r"[A-Z][A-Z_]*(\.\.\.)?", word), f"{word} has no value"
            words.append(word)
        else:
            words += [shlex.quote(value)] if isinstance(value, str) else map(shlex.quote, value)
    return " ".join(words)


async def ran(
    command: str,
    at: Place,
    *,
    exit_code: int = 0,
    shows: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    timeout_s: float = 300.0,
) -> str:
    """Run `command` with bash in `at`; check its exit code and that its output (stdout and
    stderr) shows each of `shows`; its stdout."""
    done = await asyncio.to_thread(
        subprocess.run,
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=at.workdir,
        env={**at.env, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    output = done.stdout + done.stderr
    assert done.returncode == exit_code, f"`{command}` exited {done.returncode}:\n{output}"
    for fragment in shows:
        assert fragment in output, f"`{command}` did not show {fragment!r}:\n{output}"
    return done.stdout


USCC = "91350100M000100Y43"  # the README's example enterprise (and docs/connectors.md's)


async def an_enterprise(graph: AsyncDriver, uscc: str = USCC) -> None:
    await graph.execute_query(
        """CREATE (:Enterprise {uscc: $u, name: 'Documented Trading Co.', zone: 'KAIFENG',
                  status: 'ACTIVE', registeredOn: date('2018-03-01')})""",
        u=uscc,
        database_=DATABASE,
    )


def declaration(record_id: str) -> dict[str, str]:
    """docs/connectors.md's example declaration, declared yesterday (a batch is of now)."""
    return {
        "id": record_id,
        "uscc": USCC,
        "mode": "9710",
        "direction": "EXPORT",
        "declaredOn": (utc_today() - dt.timedelta(days=1)).isoformat(),
        "valueCny": "128500.00",
        "destination": "DE",
        "hsCode": "940540",
    }


async def token_of(hub_url: str, client_id: str, secret: str) -> str:
    async with httpx.AsyncClient(base_url=hub_url, timeout=30) as http:
        answer = await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def added_client(stdout: str) -> tuple[str, str]:
    """The id and secret `hub clients add` prints."""
    found = re.fullmatch(
        r"client_id: (\S+)\nclient_secret: (\S+)   \(shown once; only its hash is stored\)\n",
        stdout,
    )
    assert found, stdout
    return found[1], found[2]


# --- the README's `hub` command ---------------------------------------------------------------


async def test_hub_uscc_check(tmp_path: Path) -> None:
    at = place(tmp_path, None)
    (form,) = forms(doc("README.md", ".venv/bin/hub uscc check CODE...").text)
    await ran(
        fill(form, CODE=["91350100M000100Y43", "91410100MA44K7XB66"]),
        at,
        shows=["91350100M000100Y43: valid\n", "91410100MA44K7XB66: valid\n"],
    )
    await ran(
        fill(form, CODE=["91350100M000100Y43", "91350100M000100Y44"]),
        at,
        exit_code=1,  # "(exit 1)"
        shows=[
            "91350100M000100Y43: valid\n",
            "91350100M000100Y44: invalid (check_character): USCC 91350100M000100Y44: check "
            "character is '4', expected '3' (GB 32100-2015)\n",
        ],
    )


async def test_hub_schema(tmp_path: Path) -> None:
    """The SDL, as clients/python/schema.graphql holds it (the README says so)."""
    stdout = await ran(doc("README.md", ".venv/bin/hub schema").text, place(tmp_path, None))
    assert "\ntype Enterprise {\n  uscc: ID!\n  name: String!\n" in stdout
    assert stdout == (REPO / "clients" / "python" / "schema.graphql").read_text(encoding="utf-8")


async def test_hub_keys_rotate(tmp_path: Path) -> None:
    at = place(tmp_path, None)
    keys = at.data_dir / "keys"
    stdout = await ran(doc("README.md", ".venv/bin/hub keys rotate").text, at)
    found = re.fullmatch(rf"new signing key (\S+) in {re.escape(str(keys))}\n", stdout)
    assert found, stdout
    assert found[1] in "".join(p.read_text() for p in keys.iterdir())


async def test_hub_migrate(graph: AsyncDriver, neo4j_uri: str, tmp_path: Path) -> None:
    """On the session's graph, migrated when its driver opened."""
    await ran(
        doc("README.md", ".venv/bin/hub migrate").text,
        place(tmp_path, neo4j_uri),
        shows=["Migrations are up to date.\n"],
    )


async def test_hub_db_starts_says_and_stops_a_local_neo4j(tmp_path: Path) -> None:
    """Without NEO4J_URI: a local Neo4j of its own under HUB_DATA_DIR, on a free port (small
    memory), stopped here whatever happens."""
    port = free_port()
    at = place(
        tmp_path,
        None,
        HUB_LOCAL_DB_PORT=str(port),
        HUB_LOCAL_DB_HEAP_MB="256",
        HUB_LOCAL_DB_PAGECACHE_MB="64",
    )
    home = at.data_dir / "neo4j"
    start, stop, status = forms(doc("README.md", ".venv/bin/hub db start | stop | status").text)
    try:
        await ran(status, at, exit_code=1, shows=[f"Neo4j is not running (data in {home})."])
        await ran(start, at, shows=[f"Neo4j is up at bolt://127.0.0.1:{port} (data in {home})"])
        await ran(status, at, shows=["Neo4j is running: pid ", f"bolt://127.0.0.1:{port}"])
        await ran(stop, at, shows=["Neo4j stopped."])
        await ran(stop, at, shows=["Neo4j was not running."])
        await ran(status, at, exit_code=1, shows=[f"Neo4j is not running (data in {home})."])
    finally:
        LocalNeo4j(home=home, port=port).stop()


CLEAN_SHUTDOWN_EXIT = 0
"""`hub serve` stopped by Ctrl-C: uvicorn shuts the app down and the command ends normally."""


async def test_hub_serve_serves_until_ctrl_c(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    """`hub serve` on HUB_HOST:HUB_PORT, ready on the session's Neo4j; Ctrl-C stops it."""
    port = free_port()
    at = place(tmp_path, neo4j_uri, HUB_HOST="127.0.0.1", HUB_PORT=str(port))
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "-c", doc("README.md", ".venv/bin/hub serve").text],
            cwd=at.workdir,
            env=dict(at.env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def ready() -> httpx.Response | None:
            assert process.poll() is None, log.read_text()
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
            except httpx.TransportError:
                return None
            return answer if answer.status_code == 200 else None

        answer = await asyncio.to_thread(wait_until, ready, 120.0, 0.2)
        assert answer is not None, log.read_text()
        assert answer.json() == {"status": "ready"}
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
        code = await asyncio.to_thread(process.wait, 60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)
    output = log.read_text()
    assert f"Uvicorn running on http://127.0.0.1:{port}" in output, output
    assert "Application shutdown complete." in output, output
    assert "Traceback" not in output, output
    assert code == CLEAN_SHUTDOWN_EXIT, output


async def test_hub_sync_ingests_a_folder(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    """Two signed batch files of a drop folder, ingested in sequence order."""
    now = dt.datetime.now(dt.UTC)
    key = generate_key("EdDSA", "customs-sync-1")
    await store.register_connector(
        graph, DATABASE, "customs-sync", "CUSTOMS", ["customs.declaration@1"], now
    )
    await store.add_key(graph, DATABASE, "customs-sync", public_jwk(key), now, close_others=False)
    await an_enterprise(graph)
    at = place(tmp_path, neo4j_uri)
    folder = tmp_path / "drop"
    folder.mkdir()
    signer = BatchSigner("customs-sync", Department.CUSTOMS, key)
    for sequence, name in [(2, "a.json"), (1, "b.jws")]:  # b first: sequence order
        batch = signer.sign(
            "customs.declaration@1", [declaration(f"DEC-SYNC-{sequence}")], sequence
        )
        (folder / name).write_bytes(encode_payload(batch))

    (form,) = forms(doc("README.md", ".venv/bin/hub sync PATH").text)
    stdout = await ran(fill(form, PATH=str(folder)), at)
    assert re.findall(r"^(\S+: .*)$", stdout, re.M)[-2:] == [
        "b.jws: applied (1 records)",
        "a.json: applied (1 records)",
    ], stdout
    rows, _, _ = await graph.execute_query(
        "MATCH (d {id: $id}) RETURN count(d) AS n", id="DEC-SYNC-2", database_=DATABASE
    )
    assert rows[0]["n"] == 1


async def test_hub_clients_add_list_remove_demo(
    graph: AsyncDriver, neo4j_uri: str, hub_url: str, tmp_path: Path
) -> None:
    """The README's own `hub clients add` example, its client listed and removed; the demo
    clients written for the hub at HUB_PORT (the session's)."""
    await an_enterprise(graph)
    hub_port = urlsplit(hub_url).port
    assert hub_port is not None
    at = place(tmp_path, neo4j_uri, HUB_HOST="127.0.0.1", HUB_PORT=str(hub_port))
    synopsis = doc("README.md", ".venv/bin/hub clients add | list | remove | demo").text
    add, list_, remove, demo = forms(synopsis)

    client_id, secret = added_client(
        await ran(f"{add} --kind bank --institution bank-of-kaifeng", at)
    )
    assert client_id.startswith("bank-")
    assert await token_of(hub_url, client_id, secret)
    await ran(list_, at, shows=[client_id, "bank-of-kaifeng", "client_secret_basic"])
    await ran(f"{remove} {client_id}", at, shows=[f"removed {client_id}\n"])
    listed = await ran(list_, at)
    assert client_id not in listed

    clients_file = at.data_dir / "demo-clients.json"
    await ran(demo, at, shows=[f"demo clients and their secrets: {clients_file}\n"])
    assert stat.S_IMODE(clients_file.stat().st_mode) == 0o600
    written = {c["client_id"]: c for c in json.loads(clients_file.read_text())["clients"]}
    assert {"demo-bank", "demo-customs", "demo-enterprise", "demo-regulator"} <= set(written)
    assert written["demo-enterprise"]["institution"] == USCC
    customs = written["demo-customs"]
    assert customs["token_endpoint"] == f"http://127.0.0.1:{hub_port}/oauth/token"
    assert await token_of(hub_url, "demo-customs", customs["client_secret"])


async def test_hub_audit_verify(
    graph: AsyncDriver, neo4j_uri: str, hub_url: str, tmp_path: Path
) -> None:
    """Reads of the session's hub are audited; the chain they make verifies."""
    await an_enterprise(graph)
    token = await token_for(hub_url, graph, "regulator")
    async with httpx.AsyncClient(base_url=hub_url, timeout=30) as http:
        for _ in range(2):
            answer = await http.post(
                "/graphql",
                json={"query": f'{{ enterprise(uscc: "{USCC}") {{ name }} }}'},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.json() == {"data": {"enterprise": {"name": "Documented Trading Co."}}}
    await drain_background_writes()

    stdout = await ran(
        doc("README.md", ".venv/bin/hub audit verify").text, place(tmp_path, neo4j_uri)
    )
    found = re.search(r"audit chain ok: (\d+) records, head at seq (\d+)\n", stdout)
    assert found, stdout
    assert int(found[1]) >= 2 and found[1] == found[2]


DEMO_USCC = "91410222822143465P"
"""An enterprise of the demo zone (2,000 enterprises, seed 42): docs/credit-model.md's."""
AS_OF = "2026-11-01"


async def test_hub_seed_then_rate_and_risk_scan_the_demo_zone(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    """The demo zone as the README seeds it, then every form of `hub rate` and `hub risk
    scan` on it. Without `--as-of`, a command works as of today (UTC): the day it started or,
    past midnight, the next."""
    at = place(tmp_path, neo4j_uri)

    async def as_of_today(command: str, shows: str, timeout_s: float = 300.0) -> None:
        days = [utc_today().isoformat()]
        stdout = await ran(command, at, shows=[shows], timeout_s=timeout_s)
        days.append(utc_today().isoformat())
        assert any(f"as of {day}" in stdout for day in days), stdout

    await as_of_today(
        doc("README.md", ".venv/bin/hub seed --enterprises 2000 --seed 42").text,
        "Seeded 2000 enterprises and 18 providers serving them through the signed pipeline: ",
        timeout_s=900,
    )
    rows, _, _ = await graph.execute_query(
        "MATCH (e:Enterprise) RETURN count(e) AS n, count(CASE e.uscc WHEN $u THEN 1 END) AS u",
        u=DEMO_USCC,
        database_=DATABASE,
    )
    # 2,000 enterprises and the zone's 18 providers (payment firms, banks, carriers)
    assert (rows[0]["n"], rows[0]["u"]) == (2018, 1)

    rate = doc("README.md", ".venv/bin/hub rate --all | USCC... [--as-of DATE]").text
    every, every_as_of, some, some_as_of = forms(rate)
    await as_of_today(every, "Rated 2,018 enterprises and derived the coverage of their and ")
    await ran(
        fill(every_as_of, DATE=AS_OF),
        at,
        shows=["Rated 2,018 enterprises and derived the coverage", f"as of {AS_OF} in "],
    )
    await as_of_today(
        fill(some, USCC=[DEMO_USCC]), "enterprises (those given and those within reach) as of "
    )
    await ran(
        fill(some_as_of, USCC=[DEMO_USCC], DATE=AS_OF),
        at,
        shows=[f"enterprises (those given and those within reach) as of {AS_OF}: "],
    )

    scan, scan_as_of = forms(doc("README.md", ".venv/bin/hub risk scan [--as-of DATE]").text)
    await as_of_today(scan, "Scanned 2,018 enterprises as of ")
    await ran(
        fill(scan_as_of, DATE=AS_OF), at, shows=[f"Scanned 2,018 enterprises as of {AS_OF} in "]
    )


async def test_hub_rate_due(graph: AsyncDriver, neo4j_uri: str, tmp_path: Path) -> None:
    """The first run records its day as covered; the next covers the days since, as of today
    (the graph is empty: nothing to re-rate). With --all it is refused, alone it runs."""
    at = place(tmp_path, neo4j_uri)
    today, as_of = forms(doc("README.md", ".venv/bin/hub rate --due [--as-of DATE]").text)
    await ran(
        today + " --all", at, exit_code=2, shows=["Give --due alone (with --as-of at most).\n"]
    )
    await ran(
        fill(as_of, DATE="2026-06-15"),
        at,
        shows=["First date-driven run: 2026-06-15 recorded as covered, nothing re-rated.\n"],
    )
    await ran(
        today,
        at,
        shows=[
            "Re-rated what the days after 2026-06-15 up to ",
            " changed: 0 enterprises, 0 listed persons, 0 changes.\n",
        ],
    )
    await ran(fill(as_of, DATE="2026-06-16"), at, shows=["re-rating is up to date: covered to "])


# --- docs/connectors.md's tools ----------------------------------------------------------------


async def test_the_connector_tools_in_order(
    graph: AsyncDriver, neo4j_uri: str, hub_url: str, tmp_path: Path
) -> None:
    """docs/connectors.md's tools, in the page's order, as an agency and an operator run
    them against the session's hub; then the README's synopsis of `hub connector`."""
    tools = [c for c in documented_commands() if c.file == "docs/connectors.md"]
    assert [c.text for c in tools] == CONNECTOR_TOOLS
    keygen, register, sign, add_client, push, status, rotate, revoke, reset = (
        c.text for c in tools
    )
    await an_enterprise(graph)
    at = place(tmp_path, neo4j_uri)
    (at.workdir / "declarations.jsonl").write_text(json.dumps(declaration("DEC-2026-000123")))
    write_private_key(at.workdir / "new.jwk", generate_key("EdDSA", "customs-kaifeng-2026-12"))

    public = json.loads(await ran(keygen, at))
    assert public["kid"] == "customs-kaifeng-2026-11" and public["alg"] == "EdDSA"
    assert "d" not in public
    assert stat.S_IMODE((at.workdir / "customs.jwk").stat().st_mode) == 0o600
    await ran(
        register,
        at,
        shows=[
            "connector customs-kaifeng (CUSTOMS) may send customs.declaration@1; "
            "key customs-kaifeng-2026-11\n"
        ],
    )
    await ran(sign, at)
    batch = json.loads((at.workdir / "batch.json").read_text())
    assert sorted(batch) == ["payload", "protected", "signature"]
    payload = json.loads(base64.urlsafe_b64decode(batch["payload"] + "=="))
    assert (payload["connector"], payload["sequence"]) == ("customs-kaifeng", 42)

    client_id, secret = added_client(await ran(add_client, at))
    token = await token_of(hub_url, client_id, secret)
    pushed = json.loads(
        await ran(push.replace("http://127.0.0.1:8000", hub_url), at, env={"TOKEN": token})
    )
    assert (pushed["status"], pushed["connector"], pushed["sequence"], pushed["written"]) == (
        "APPLIED",
        "customs-kaifeng",
        42,
        1,
    )
    table = await ran(status, at)
    # last sequence 42, 1 batch accepted, 0 rejected, the gap 1-41 below the first batch
    assert re.search(r"customs-kaifeng\W+CUSTOMS\W+42\W+1\W+0\W+1-41\W", table), table

    await ran(
        rotate, at, shows=["connector customs-kaifeng now signs with customs-kaifeng-2026-12\n"]
    )
    await ran(
        revoke, at, shows=["key customs-kaifeng-2026-11 of connector customs-kaifeng is revoked\n"]
    )
    await ran(
        reset,
        at,
        shows=[f"connector customs-kaifeng: last sequence reset from 42 to 41 by {OPERATOR}\n"],
    )

    # the README's lines: `hub connector ...` names the tools run above; reset-sequence again
    pointer = doc("README.md", ".venv/bin/hub connector ...")
    verbs = pointer.comment.split(", ")
    assert verbs == ["keygen", "register", "rotate", "revoke", "sign", "push", "status"]
    assert all(any(t.startswith(f"hub connector {v} ") for t in CONNECTOR_TOOLS) for v in verbs)
    (form,) = forms(
        doc(
            "README.md", ".venv/bin/hub connector reset-sequence CONNECTOR --to N --reason TEXT"
        ).text
    )
    await ran(
        fill(form, CONNECTOR="customs-kaifeng", N="40", TEXT="checked by the README's test"),
        at,
        shows=[f"connector customs-kaifeng: last sequence reset from 41 to 40 by {OPERATOR}\n"],
    )
    await ran(
        status,
        at,
        shows=[
            f"customs-kaifeng: sequence reset from 42 to 41 by {OPERATOR} at ",
            f"customs-kaifeng: sequence reset from 41 to 40 by {OPERATOR} at ",
        ],
    )
