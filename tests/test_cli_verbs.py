"""Issue 14: every `hub` verb is run by at least one test as a user runs it, a process of its
own (`python -m hub.cli ...`), and its effect and its output are checked.

`COVERED` names, for each verb of the typer app, the test that runs it through the command line;
`test_every_verb_is_run_by_a_named_test` walks the app and fails on a verb the table misses, an
entry for a verb that is gone, or a test that does not exist.

Each child gets an environment stated here alone (PATH and the hub's settings the test gives:
no developer's NEO4J_URI, HUB_* or HUB_TOKEN) and works in its data directory, so that no
developer's `.env` is read either. The database tests run on the session's Neo4j (`neo4j_uri`),
emptied by the `graph` fixture; `hub db start/status/stop` start a Neo4j of their own.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import json
import os
import re
import signal
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import typer.core
import typer.main
from graph_kit import DATABASE, wait_until
from neo4j import AsyncDriver, GraphDatabase

from auth.audit.events import AuditEvent, Outcome
from auth.audit.writer import AuditLog
from auth.catalog import load_catalog
from auth.clients import add_client
from auth.principal import ClientKind
from connectors import store
from connectors.client import BatchSigner, encode_payload
from connectors.signing import Key, generate_key, public_jwk
from graph_schema.dates import utc_today
from graph_schema.migrate import load_migrations
from graph_schema.model import Department
from graph_schema.uscc import make_uscc
from hub.localdb import LocalNeo4j, free_port

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CLIENT_SCHEMA = REPO / "clients" / "python" / "schema.graphql"
GRANT = {"grant_type": "client_credentials"}
SHOWN_ONCE = "   (shown once; only its hash is stored)"

HERE = "tests/test_cli_verbs.py::"
AGENCY_PATH = "tests/connectors/test_push_and_cli.py::test_keygen_register_sign_push_status"
RESET_PATH = (
    "tests/connectors/test_closed_to_abuse.py::"
    "test_an_operator_reset_undoes_what_a_leaked_key_pushed"
)
SMOKE_RUN = (
    "tests/test_smoke_run.py::test_hub_run_serves_the_demo_zone_and_ctrl_c_stops_it_and_its_neo4j"
)
SYNC_PATH = "tests/connectors/test_push_and_cli.py::test_sync_ingests_a_folder_in_sequence_order"
AUDIT_CLI = "tests/auth/audit/test_audit_cli.py::"

COVERED: dict[str, str] = {
    "audit access-log": AUDIT_CLI + "test_archive_then_verify_and_the_access_log_still_answers",
    "audit archive": AUDIT_CLI + "test_archive_then_verify_and_the_access_log_still_answers",
    "audit checkpoint": AUDIT_CLI + "test_verify_names_a_rewrite_against_signed_checkpoints",
    "audit verify": HERE + "test_audit_verify_finds_a_record_changed_in_the_graph",
    "clients add": HERE + "test_clients_add_list_remove",
    "clients demo": HERE + "test_clients_demo_writes_one_working_client_per_kind",
    "clients list": HERE + "test_clients_add_list_remove",
    "clients remove": HERE + "test_clients_add_list_remove",
    "connector keygen": AGENCY_PATH,
    "connector push": AGENCY_PATH,
    "connector register": AGENCY_PATH,
    "connector reset-sequence": RESET_PATH,
    "connector revoke": HERE + "test_connector_rotate_and_revoke_close_the_old_keys",
    "connector rotate": HERE + "test_connector_rotate_and_revoke_close_the_old_keys",
    "connector sign": AGENCY_PATH,
    "connector status": AGENCY_PATH,
    "db start": HERE + "test_db_start_status_stop_manage_a_local_neo4j",
    "db status": HERE + "test_db_start_status_stop_manage_a_local_neo4j",
    "db stop": HERE + "test_db_start_status_stop_manage_a_local_neo4j",
    "keys rotate": HERE + "test_keys_rotate_changes_the_kid_a_served_hub_signs_with",
    "migrate": HERE + "test_migrate_applies_what_is_missing_and_refuses_an_edited_one",
    "rate": HERE + "test_rate_all_and_rate_given_enterprises",
    "risk scan": HERE + "test_risk_scan_stores_an_alert_and_clears_it",
    "run": SMOKE_RUN,  # `hub run` starts its own Neo4j, seeds, serves; Ctrl-C stops both
    "schema": HERE + "test_schema_prints_the_sdl_of_the_python_client",
    "seed": HERE + "test_seed_builds_the_zone_once",
    "serve": HERE + "test_keys_rotate_changes_the_kid_a_served_hub_signs_with",
    "sync": SYNC_PATH,
    "uscc check": HERE + "test_uscc_check_prints_valid_or_the_reason",
    "users add": "tests/auth/test_users_cli.py::test_users_add_list_and_the_person_signs_in",
    "users list": "tests/auth/test_users_cli.py::test_users_add_list_and_the_person_signs_in",
    "users disable": "tests/auth/test_users_cli.py::test_users_disable_enable_and_unlock",
    "users enable": "tests/auth/test_users_cli.py::test_users_disable_enable_and_unlock",
    "users unlock": "tests/auth/test_users_cli.py::test_users_disable_enable_and_unlock",
}
"""Every verb of `hub`, and a test that runs it through the command line."""


# --- running `hub` ------------------------------------------------------------------------------


def child_env(data_dir: Path, neo4j_uri: str | None, **settings: str) -> dict[str, str]:
    """The child's whole environment: PATH (java for the local Neo4j), the data directory, the
    Neo4j when given, and `settings`. COLUMNS: a table is as wide as its content (up to 200)."""
    env = {"PATH": os.environ["PATH"], "HUB_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    if neo4j_uri is not None:
        env["NEO4J_URI"] = neo4j_uri
    return env | settings


def hub(
    data_dir: Path, neo4j_uri: str | None, *args: str, timeout_s: float = 300, **settings: str
) -> subprocess.CompletedProcess[str]:
    """`hub ARGS...` in a process of its own, working in `data_dir`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "hub.cli", *args],
        env=child_env(data_dir, neo4j_uri, **settings),
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


def untimed(text: str) -> str:
    """`text` with the durations and rates a command reports replaced (they are not asserted)."""
    text = re.sub(r"\bin \d+\.\d s\b", "in <t> s", text)
    return re.sub(r"\([\d,]+ records/s\)", "(<n> records/s)", text)


def table_rows(text: str) -> list[tuple[str, ...]]:
    """The body rows of a table the command printed (its cells stripped)."""
    return [
        tuple(cell.strip() for cell in line.strip("│").split("│"))
        for line in text.splitlines()
        if line.startswith("│")
    ]


def ask_token(url: str, client_id: str, secret: str) -> httpx.Response:
    return httpx.post(f"{url}/oauth/token", data=GRANT, auth=(client_id, secret), timeout=30)


def jose_header(token: str) -> dict[str, object]:
    import base64

    segment = token.split(".")[0]
    header: dict[str, object] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return header


async def run(driver: AsyncDriver, query: str, **params: object) -> list[dict[str, object]]:
    records, _, _ = await driver.execute_query(query, params, database_=DATABASE)
    return [dict(record) for record in records]


# --- the table is complete --------------------------------------------------------------------


def hub_verbs() -> set[str]:
    """Every verb of the `hub` typer app, as a path of words ("clients add")."""
    from hub.cli import app

    found: set[str] = set()

    def walk(command: object, path: tuple[str, ...]) -> None:
        if isinstance(command, typer.core.TyperGroup):
            for name, sub in command.commands.items():
                walk(sub, (*path, name))
        else:
            found.add(" ".join(path))

    walk(typer.main.get_command(app), ())
    return found


def coverage_problems(covered: dict[str, str], verbs: set[str]) -> list[str]:
    """What is wrong with `covered` for the app's `verbs`: a verb it misses, an entry for a verb
    that is gone, a test module or function that does not exist, or a module that does not run
    the verb's words (its string constants, read with `ast`: no test module is imported)."""
    problems = [f"no test named for `hub {verb}`" for verb in sorted(verbs - covered.keys())]
    problems += [f"`hub {verb}` is no verb any more" for verb in sorted(covered.keys() - verbs)]
    for verb, test in sorted(covered.items()):
        module, _, function = test.partition("::")
        path = REPO / module
        if not path.is_file():
            problems.append(f"{verb}: no test module {module}")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        if function not in functions:
            problems.append(f"{verb}: {module} has no test {function}")
        strings = {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        if missing := [word for word in verb.split() if word not in strings]:
            problems.append(f"{verb}: {module} never passes {missing} to hub")
    return problems


def test_every_verb_is_run_by_a_named_test() -> None:
    assert coverage_problems(COVERED, hub_verbs()) == []


def test_the_coverage_check_names_what_is_wrong() -> None:
    """The twin of the test above: a table that misses a verb, names one that is gone, or names
    a test that does not exist is refused, naming each."""
    verbs = hub_verbs()
    assert {"clients add", "connector push", "db start", "uscc check", "run"} <= verbs
    tampered = {verb: test for verb, test in COVERED.items() if verb != "uscc check"}
    tampered["clients rename"] = COVERED["clients add"]
    tampered["schema"] = "tests/test_cli_verbs.py::test_nothing_of_that_name"
    tampered["seed"] = "tests/test_no_such_module.py::test_seed"
    tampered["migrate"] = "tests/test_suite_rules.py::test_the_rules_see_what_they_forbid"
    assert coverage_problems(tampered, verbs) == [
        "no test named for `hub uscc check`",
        "`hub clients rename` is no verb any more",
        "clients rename: tests/test_cli_verbs.py never passes ['rename'] to hub",
        "migrate: tests/test_suite_rules.py never passes ['migrate'] to hub",
        "schema: tests/test_cli_verbs.py has no test test_nothing_of_that_name",
        "seed: no test module tests/test_no_such_module.py",
    ]


# --- uscc check, schema: no database -------------------------------------------------------------

VALID = "91410200XX0000019Y"


def test_uscc_check_prints_valid_or_the_reason(tmp_path: Path) -> None:
    assert make_uscc("9", "1", "410200", "XX000001") == VALID
    valid = hub(tmp_path, None, "uscc", "check", VALID, VALID.lower())
    assert (valid.returncode, valid.stdout, valid.stderr) == (
        0,
        f"{VALID}: valid\n{VALID}: valid\n",  # lower case is read as upper case
        "",
    )

    codes = [VALID, "91410200XI0000019Y", "91410200XX0000019X", VALID[:-1], f"[b]{VALID}"]
    checked = hub(tmp_path, None, "uscc", "check", *codes)
    assert (checked.returncode, checked.stderr) == (1, "")
    assert checked.stdout.splitlines() == [
        f"{VALID}: valid",
        "91410200XI0000019Y: invalid (excluded_letter): USCC 91410200XI0000019Y: contains "
        "excluded letter 'I' at position 10 (I, O, S, V and Z are not used)",
        "91410200XX0000019X: invalid (check_character): USCC 91410200XX0000019X: check "
        "character is 'X', expected 'Y' (GB 32100-2015)",
        "91410200XX0000019: invalid (length): USCC 91410200XX0000019: has 17 characters, "
        "expected 18",
        # what was given comes back as it is, not read as markup
        f"[b]{VALID}: invalid (length): USCC [B]{VALID}: has 21 characters, expected 18",
    ]


def test_schema_prints_the_sdl_of_the_python_client(tmp_path: Path) -> None:
    printed = hub(tmp_path, None, "schema")
    assert (printed.returncode, printed.stderr) == (0, "")
    assert printed.stdout == CLIENT_SCHEMA.read_text(encoding="utf-8")


# --- migrate -----------------------------------------------------------------------------------


async def test_migrate_applies_what_is_missing_and_refuses_an_edited_one(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    shipped = {m.version: m.checksum for m in load_migrations()}
    assert {1, 2} <= shipped.keys()
    recorded = "MATCH (m:SchemaMigration) RETURN m.version AS v, m.checksum AS c ORDER BY v"
    assert {r["v"]: r["c"] for r in await run(graph, recorded)} == shipped

    up_to_date = hub(tmp_path, neo4j_uri, "migrate")
    assert (up_to_date.returncode, up_to_date.stdout, up_to_date.stderr) == (
        0,
        "Migrations are up to date.\n",
        "",
    )

    # migrations 1 and 2 forgotten (their statements are idempotent): they are applied again
    await run(graph, "MATCH (m:SchemaMigration) WHERE m.version IN [1, 2] DELETE m")
    applied = hub(tmp_path, neo4j_uri, "migrate")
    assert (applied.returncode, applied.stdout, applied.stderr) == (
        0,
        "Applied migrations [1, 2].\n",
        "",
    )
    assert {r["v"]: r["c"] for r in await run(graph, recorded)} == shipped

    # a recorded migration whose file no longer matches is refused, and nothing is applied
    await run(graph, "MATCH (m:SchemaMigration {version: 1}) SET m.checksum = 'edited'")
    try:
        refused = hub(tmp_path, neo4j_uri, "migrate")
    finally:
        await run(graph, "MATCH (m:SchemaMigration {version: 1}) SET m.checksum = $c", c=shipped[1])
    assert (refused.returncode, refused.stdout, refused.stderr) == (
        1,
        "",
        "migration 0001_business_keys was changed after it was applied; add a new migration "
        "instead of editing an applied one\n",
    )
    again = hub(tmp_path, neo4j_uri, "migrate")
    assert (again.returncode, again.stdout) == (0, "Migrations are up to date.\n")


# --- seed, rate, risk scan ------------------------------------------------------------------------

DEMO_CONNECTORS = [
    "bank-demo",
    "commerce-demo",
    "court-demo",
    "customs-demo",
    "logistics-demo",
    "safe-demo",
    "samr-demo",
    "tax-demo",
    "zone-admin-demo",
]


async def test_seed_builds_the_zone_once(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    seeded = hub(tmp_path, neo4j_uri, "seed", "--enterprises", "3")
    assert seeded.returncode == 0, seeded.stderr
    today = utc_today().isoformat()
    [coverage] = await run(graph, "MATCH (c:ListCoverage) RETURN count(c) AS n")
    assert untimed(seeded.stdout).splitlines() == [
        # seed 42's three enterprises, through the signed pipeline (the generator is fixed)
        "Seeded 3 enterprises through the signed pipeline: 63 records in 18 batches "
        "(18 applied, 0 already there) in <t> s (<n> records/s).",
        # then rated as of today
        "Rated 3 enterprises and derived the coverage of their and 0 listed persons' entries "
        f"as of {today} in <t> s: 3 new ratings, {coverage['n']} coverage rows written, "
        "0 withdrawn.",
        # then scanned for risks: the three pay each other round
        f"Scanned 3 enterprises as of {today} in <t> s: 1 alerts (CIRCULAR_PAYMENTS 1), 0 cleared.",
    ]
    assert seeded.stderr.startswith("seeding ")  # the progress bars go to stderr

    rated = await run(
        graph,
        "MATCH (e:Enterprise) OPTIONAL MATCH (e)-[:CURRENT_RATING]->(r:Rating) "
        "RETURN e.uscc AS uscc, toString(r.asOf) AS asOf",
    )
    assert [row["asOf"] for row in rated] == [today] * 3
    ledger = "MATCH (b:Batch) RETURN count(b) AS n"
    assert await run(graph, ledger) == [{"n": 18}]
    keys = tmp_path / "connectors"
    assert sorted(p.stem for p in keys.glob("*.jwk")) == DEMO_CONNECTORS
    assert {oct(p.stat().st_mode & 0o777) for p in keys.glob("*.jwk")} == {"0o600"}

    # with data in the graph, --only-if-empty (what `hub run` does) leaves it alone
    skipped = hub(tmp_path, neo4j_uri, "seed", "--enterprises", "3", "--only-if-empty")
    assert (skipped.returncode, skipped.stdout, skipped.stderr) == (
        0,
        "The graph already has data; not seeding.\n",
        "",
    )
    assert await run(graph, ledger) == [{"n": 18}]
    assert await run(graph, "MATCH (e:Enterprise) RETURN count(e) AS n") == [{"n": 3}]


def cl(i: int) -> str:
    return make_uscc("9", "1", "410200", f"CL{i:06d}")


ENTERPRISES = """
UNWIND $usccs AS uscc
CREATE (:Enterprise {uscc: uscc, name: 'CLI ' + uscc, zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
"""
LIST = """
MATCH (e:Enterprise {uscc: $uscc})
CREATE (e)-[:LISTED]->(:ListEntry {id: $id, list: 'SERIOUS_DISHONESTY', department: 'SAMR',
                                   listedOn: date($on), reason: 'fraud', basis: 'memorandum'})
"""
GRADES = """
MATCH (e:Enterprise) OPTIONAL MATCH (e)-[:CURRENT_RATING]->(r:Rating)
RETURN e.uscc AS uscc, r.grade AS grade, toString(r.asOf) AS asOf ORDER BY uscc
"""


async def test_rate_all_and_rate_given_enterprises(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    await run(graph, ENTERPRISES, usccs=[cl(i) for i in range(3)])
    await run(graph, LIST, uscc=cl(0), id="LST-CLI-0", on="2026-10-01")

    # refused before anything is rated: neither or both of --all and USCCs, a bad code, a bad day
    for args, message in [
        ((), "Give either --all or one or more USCCs."),
        (("--all", cl(1)), "Give either --all or one or more USCCs."),
        (
            ("91410200XI0000019Y",),
            "USCC 91410200XI0000019Y: contains excluded letter 'I' at position 10 "
            "(I, O, S, V and Z are not used)",
        ),
        (
            ("--all", "--as-of", "2026-13-01"),
            "--as-of '2026-13-01' is not a date (YYYY-MM-DD): month must be in 1..12",
        ),
    ]:
        refused = hub(tmp_path, neo4j_uri, "rate", *args)
        assert (refused.returncode, refused.stdout, refused.stderr) == (2, "", message + "\n")
    assert await run(graph, "MATCH (r:Rating) RETURN count(r) AS n") == [{"n": 0}]

    every = hub(tmp_path, neo4j_uri, "rate", "--all", "--as-of", "2026-11-01")
    assert every.returncode == 0, every.stderr
    assert untimed(every.stdout) == (
        "Rated 3 enterprises and derived the coverage of their and 0 listed persons' entries "
        "as of 2026-11-01 in <t> s: 3 new ratings, 1 coverage rows written, 0 withdrawn.\n"
    )
    assert await run(graph, GRADES) == [
        {"uscc": cl(0), "grade": "D", "asOf": "2026-11-01"},  # on the serious dishonesty list
        {"uscc": cl(1), "grade": "M", "asOf": "2026-11-01"},
        {"uscc": cl(2), "grade": "M", "asOf": "2026-11-01"},
    ]

    # the second enterprise is listed too: re-rating it alone changes its rating alone
    await run(graph, LIST, uscc=cl(1), id="LST-CLI-1", on="2026-10-15")
    given = hub(tmp_path, neo4j_uri, "rate", cl(1), "--as-of", "2026-11-02")
    assert (given.returncode, given.stderr) == (0, "")
    assert given.stdout == (
        "Re-rated 1 enterprises (those given and those within reach) as of 2026-11-02: "
        "1 new ratings, 1 coverage rows written, 0 withdrawn.\n"
    )
    assert await run(graph, GRADES) == [
        {"uscc": cl(0), "grade": "D", "asOf": "2026-11-01"},
        {"uscc": cl(1), "grade": "D", "asOf": "2026-11-02"},
        {"uscc": cl(2), "grade": "M", "asOf": "2026-11-01"},
    ]


PAY = """
MATCH (a:Enterprise {uscc: $a}), (b:Enterprise {uscc: $b})
CREATE (a)-[:PAID]->(:TradePayment {id: $id, paidOn: date($on), amountCny: 1000.0})-[:PAID_TO]->(b)
"""
ALERTS = """
MATCH (a:RiskAlert)
RETURN a.kind AS kind, a.severity AS severity, a.subjects AS subjects, a.evidence AS evidence,
       toString(a.detectedOn) AS detectedOn, toString(a.clearedOn) AS clearedOn
"""


async def test_risk_scan_stores_an_alert_and_clears_it(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    await run(graph, ENTERPRISES, usccs=[cl(i) for i in range(4)])
    # payments go round 0 -> 1 -> 2 -> 0 within the year; 3 pays no one
    for i, (a, b) in enumerate([(0, 1), (1, 2), (2, 0)]):
        await run(graph, PAY, a=cl(a), b=cl(b), id=f"TP-CLI-{i}", on="2026-10-02")

    refused = hub(tmp_path, neo4j_uri, "risk", "scan", "--as-of", "2026-02-30")
    assert (refused.returncode, refused.stdout, refused.stderr) == (
        2,
        "",
        "--as-of '2026-02-30' is not a date (YYYY-MM-DD): day is out of range for month\n",
    )
    assert await run(graph, ALERTS) == []

    scanned = hub(tmp_path, neo4j_uri, "risk", "scan", "--as-of", "2026-11-01")
    assert scanned.returncode == 0, scanned.stderr
    assert untimed(scanned.stdout) == (
        "Scanned 4 enterprises as of 2026-11-01 in <t> s: 1 alerts (CIRCULAR_PAYMENTS 1), "
        "0 cleared.\n"
    )
    ring = {
        "kind": "CIRCULAR_PAYMENTS",
        "severity": "HIGH",
        "evidence": ["TP-CLI-0", "TP-CLI-1", "TP-CLI-2"],
        "detectedOn": "2026-11-01",
    }
    [alert] = await run(graph, ALERTS)
    assert sorted(alert.pop("subjects")) == [cl(0), cl(1), cl(2)]  # type: ignore[arg-type]
    assert alert == ring | {"clearedOn": None}

    # the ring's last payment is corrected to a day outside the window: the rescan clears it
    await run(graph, "MATCH (t:TradePayment {id: 'TP-CLI-2'}) SET t.paidOn = date('2025-01-01')")
    rescanned = hub(tmp_path, neo4j_uri, "risk", "scan", "--as-of", "2026-11-01")
    assert rescanned.returncode == 0, rescanned.stderr
    assert untimed(rescanned.stdout) == (
        "Scanned 4 enterprises as of 2026-11-01 in <t> s: 0 alerts (none), 1 cleared.\n"
    )
    [cleared] = await run(graph, ALERTS)
    cleared.pop("subjects")
    assert cleared == ring | {"clearedOn": "2026-11-01"}


# --- clients, keys, audit -----------------------------------------------------------------------

BANK_SCOPES = "credit:read enterprise:read financing:read lists:read"
CUSTOMS_SCOPES = (
    "credit:explain credit:read customs:read enterprise:read lists:read logistics:read "
    "penalties:read"
)
SECRET = re.compile(r"[A-Za-z0-9_-]{43}")


def added(result: subprocess.CompletedProcess[str]) -> tuple[str, str]:
    """The client id and secret `hub clients add` printed (and nothing else)."""
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    id_line, secret_line = result.stdout.splitlines()
    assert id_line.startswith("client_id: ") and secret_line.startswith("client_secret: ")
    secret = secret_line.removeprefix("client_secret: ").removesuffix(SHOWN_ONCE)
    assert secret_line.endswith(SHOWN_ONCE) and SECRET.fullmatch(secret), secret_line
    return id_line.removeprefix("client_id: "), secret


async def test_clients_add_list_remove(
    graph: AsyncDriver, neo4j_uri: str, hub_url: str, tmp_path: Path
) -> None:
    bank = hub(
        tmp_path, neo4j_uri, "clients", "add", "--kind", "bank",
        "--institution", "bank-of-kaifeng", "--client-id", "bank-cli-1",
    )  # fmt: skip
    bank_id, bank_secret = added(bank)
    assert bank_id == "bank-cli-1"
    customs_id, customs_secret = added(
        hub(tmp_path, neo4j_uri, "clients", "add", "--kind", "customs")
    )
    assert re.fullmatch(r"customs-[0-9a-f]{12}", customs_id), customs_id

    # each secret gets its client a token from the hub's token endpoint
    for client_id, secret in ((bank_id, bank_secret), (customs_id, customs_secret)):
        answer = ask_token(hub_url, client_id, secret)
        assert answer.status_code == 200, answer.text
    # refused: the id taken, a scope the catalog does not know; nothing is added
    taken = hub(tmp_path, neo4j_uri, "clients", "add", "--kind", "bank", "--client-id", bank_id)
    assert (taken.returncode, taken.stdout, taken.stderr) == (
        2,
        "",
        "a client 'bank-cli-1' already exists\n",
    )
    unknown = hub(
        tmp_path, neo4j_uri, "clients", "add", "--kind", "bank", "--scopes", "credit:read nope:x"
    )
    assert (unknown.returncode, unknown.stdout, unknown.stderr) == (
        2,
        "",
        "unknown scopes: nope:x\n",
    )

    listed = hub(tmp_path, neo4j_uri, "clients", "list")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert table_rows(listed.stdout) == [
        ("bank-cli-1", "bank", "bank-of-kaifeng", "client_secret_basic", BANK_SCOPES),
        (customs_id, "customs", "-", "client_secret_basic", CUSTOMS_SCOPES),
    ]
    assert "secret" not in listed.stdout.replace("client_secret_basic", "")

    removed = hub(tmp_path, neo4j_uri, "clients", "remove", bank_id)
    assert (removed.returncode, removed.stdout, removed.stderr) == (0, "removed bank-cli-1\n", "")
    refused = ask_token(hub_url, bank_id, bank_secret)
    assert refused.status_code == 401, refused.text
    assert refused.json()["error"] == "invalid_client"
    # the client not removed still gets its tokens
    assert ask_token(hub_url, customs_id, customs_secret).status_code == 200

    again = hub(tmp_path, neo4j_uri, "clients", "remove", bank_id)
    assert (again.returncode, again.stdout, again.stderr) == (1, "", "no client 'bank-cli-1'\n")
    after = hub(tmp_path, neo4j_uri, "clients", "list")
    assert table_rows(after.stdout) == [
        (customs_id, "customs", "-", "client_secret_basic", CUSTOMS_SCOPES)
    ]


DEMO_KINDS = [
    "customs",
    "tax",
    "safe",
    "commerce",
    "samr",
    "regulator",
    "bank",
    "insurer",
    "enterprise",
    "connector",
    "public",
    "admin",
]


async def test_clients_demo_writes_one_working_client_per_kind(
    graph: AsyncDriver, neo4j_uri: str, hub_url: str, tmp_path: Path
) -> None:
    assert [kind.value for kind in ClientKind] == DEMO_KINDS
    demo_file = tmp_path / "demo-clients.json"
    # no enterprise in the graph: the demo enterprise client has no USCC, so nothing is written
    empty = hub(tmp_path, neo4j_uri, "clients", "demo")
    assert (empty.returncode, empty.stdout, empty.stderr) == (
        1,
        "",
        "no enterprise in the graph for the demo enterprise client: run `hub seed` first\n",
    )
    assert await run(graph, "MATCH (c:Client) RETURN count(c) AS n") == [{"n": 0}]
    assert not demo_file.exists()

    await run(graph, ENTERPRISES, usccs=[VALID])
    made = hub(tmp_path, neo4j_uri, "clients", "demo")
    assert (made.returncode, made.stdout, made.stderr) == (
        0,
        f"demo clients and their secrets: {demo_file}\n",
        "",
    )
    assert oct(demo_file.stat().st_mode & 0o777) == "0o600"
    clients = json.loads(demo_file.read_text(encoding="utf-8"))["clients"]
    grants = load_catalog().default_grants()
    assert [
        (c["client_id"], c["kind"], c["institution"], c["token_endpoint"]) for c in clients
    ] == [
        (
            f"demo-{kind}",
            kind,
            VALID if kind == "enterprise" else f"demo-{kind}",
            "http://127.0.0.1:8000/oauth/token",  # the default host and port
        )
        for kind in DEMO_KINDS
    ]
    assert all(c["scopes"] == sorted(grants[ClientKind(c["kind"])]) for c in clients)
    for client in clients:
        answer = ask_token(hub_url, client["client_id"], client["client_secret"])
        assert answer.status_code == 200, (client["client_id"], answer.text)

    # refused again once the enterprise is gone: the clients of the file keep working
    await run(graph, "MATCH (e:Enterprise) DETACH DELETE e")
    gone = hub(tmp_path, neo4j_uri, "clients", "demo")
    assert (gone.returncode, gone.stderr) == (
        1,
        "no enterprise in the graph for the demo enterprise client: run `hub seed` first\n",
    )
    assert json.loads(demo_file.read_text(encoding="utf-8"))["clients"] == clients
    bank = next(c for c in clients if c["kind"] == "bank")
    assert ask_token(hub_url, bank["client_id"], bank["client_secret"]).status_code == 200


@contextlib.contextmanager
def hub_serve(neo4j_uri: str, data_dir: Path) -> Iterator[str]:
    """`hub serve` in a process group of its own on a free port; its URL once it is ready.
    Stopped (SIGTERM, then SIGKILL) however the test ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "serve"],
            env=child_env(data_dir, neo4j_uri, HUB_PORT=str(port)),
            cwd=data_dir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"hub serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        assert wait_until(ready, timeout_s=90), log.read_text()
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def jwks_kids(url: str) -> list[str]:
    answer = httpx.get(f"{url}/.well-known/jwks.json", timeout=30)
    assert answer.status_code == 200, answer.text
    return [str(key["kid"]) for key in answer.json()["keys"]]


async def test_keys_rotate_changes_the_kid_a_served_hub_signs_with(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    client, secret = await add_client(
        graph, DATABASE, kind=ClientKind.BANK, scopes=["credit:read"], institution="bank-k"
    )
    assert secret is not None
    key_file = tmp_path / "keys" / "oauth-signing.json"
    with hub_serve(neo4j_uri, tmp_path) as url:
        first = json.loads(key_file.read_text())["current"]  # the key `hub serve` made
        assert jwks_kids(url) == [first]
        before = ask_token(url, client.client_id, secret)
        assert before.status_code == 200, before.text
        assert jose_header(before.json()["access_token"])["kid"] == first

        rotated = hub(tmp_path, neo4j_uri, "keys", "rotate")
        assert rotated.returncode == 0, rotated.stderr
        second = json.loads(key_file.read_text())["current"]
        assert second != first
        assert (rotated.stdout, rotated.stderr) == (
            f"new signing key {second} in {tmp_path / 'keys'}\n",
            "",
        )
        # the running hub reads the shared key file again (it checks it every second)
        assert wait_until(lambda: jwks_kids(url) == [second, first], timeout_s=15)
        after = ask_token(url, client.client_id, secret)
        assert after.status_code == 200, after.text
        assert jose_header(after.json()["access_token"])["kid"] == second
        # a token the previous key signed stays valid until it expires
        introspected = httpx.post(
            f"{url}/oauth/introspect",
            data={"token": before.json()["access_token"]},
            auth=(client.client_id, secret),
            timeout=30,
        )
        assert introspected.status_code == 200, introspected.text
        assert introspected.json()["active"] is True
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


AUDIT_AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def audit_event(i: int) -> AuditEvent:
    return AuditEvent(
        at=AUDIT_AT + dt.timedelta(minutes=i),
        client_id="bank-audit",
        kind=ClientKind.BANK,
        institution="bank-of-kaifeng",
        operation=f"Op{i}",
        query_hash=f"{i:064x}",
        enterprises=(VALID,),
        purpose="credit review",
        outcome=Outcome.OK,
        consent_ids=(f"consent-{i}",),
        fields=("Enterprise.name",),
    )


async def test_audit_verify_finds_a_record_changed_in_the_graph(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    empty = hub(tmp_path, neo4j_uri, "audit", "verify")
    assert (empty.returncode, empty.stdout) == (0, "audit chain ok: 0 records, head at seq 0\n")

    async with AuditLog(graph, DATABASE, durable_timeout=60) as log:
        for i in range(3):
            await log.commit(audit_event(i))

    intact = hub(tmp_path, neo4j_uri, "audit", "verify")
    assert (intact.returncode, intact.stdout) == (0, "audit chain ok: 3 records, head at seq 3\n")
    assert intact.stderr.startswith("verifying ")  # the progress bar goes to stderr

    await run(graph, "MATCH (a:AuditRecord {seq: 2}) SET a.purpose = 'nothing to see'")
    tampered = hub(tmp_path, neo4j_uri, "audit", "verify")
    assert (tampered.returncode, tampered.stdout) == (
        1,
        "audit chain BROKEN at seq 2: record 2 was changed: it no longer matches its hash\n",
    )


# --- connector rotate / revoke ------------------------------------------------------------------


def enterprise(i: int) -> dict[str, object]:
    return {
        "uscc": make_uscc("9", "1", "410200", f"RT{i:06d}"),
        "name": f"Rotation Test Co. {i}",
        "zone": "KAIFENG",
        "registeredOn": "2021-05-01",
        "status": "ACTIVE",
    }


def pushed(hub_url: str, token: str, key: Key, sequence: int) -> httpx.Response:
    """A batch of one enterprise signed with `key` now, pushed to the hub."""
    signer = BatchSigner("samr-rot", Department.SAMR, key)
    document = signer.sign(
        "samr.enterprise@1", [enterprise(sequence)], sequence, uuid.uuid4(), dt.datetime.now(dt.UTC)
    )
    return httpx.post(
        f"{hub_url}/connectors/batches",
        content=encode_payload(document),
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,  # the hub re-rates what the batch touches before it answers
    )


def problem_codes(answer: httpx.Response) -> list[str]:
    return [str(problem["code"]) for problem in answer.json()["problems"]]


async def test_connector_rotate_and_revoke_close_the_old_keys(
    graph: AsyncDriver, neo4j_uri: str, hub_url: str, tmp_path: Path
) -> None:
    from graph_kit import token_for

    await run(graph, "MERGE (:Zone {code: 'KAIFENG', name: 'Kaifeng'})")
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    await store.register_connector(
        graph, DATABASE, "samr-rot", "SAMR", ["samr.enterprise@1"], since
    )
    first = generate_key("EdDSA", "samr-rot-k1")
    await store.add_key(graph, DATABASE, "samr-rot", public_jwk(first), since, close_others=True)
    token = await token_for(hub_url, graph, "connector", institution="samr-rot")
    assert pushed(hub_url, token, first, 1).status_code == 202

    second = generate_key("EdDSA", "samr-rot-k2")
    public = tmp_path / "samr-rot-k2.jwk"
    public.write_text(json.dumps(public_jwk(second)))
    nobody = hub(
        tmp_path, neo4j_uri, "connector", "rotate", "--id", "nobody", "--public-key", str(public)
    )
    assert (nobody.returncode, nobody.stdout, nobody.stderr) == (
        1,
        "",
        "no connector 'nobody' is registered\n",
    )
    rotated = hub(
        tmp_path, neo4j_uri, "connector", "rotate", "--id", "samr-rot", "--public-key", str(public)
    )
    assert (rotated.returncode, rotated.stdout, rotated.stderr) == (
        0,
        "connector samr-rot now signs with samr-rot-k2\n",
        "",
    )
    old = pushed(hub_url, token, first, 2)
    assert old.status_code == 403, old.text
    assert problem_codes(old) == ["KEY_NOT_VALID_AT_TIME"]
    assert pushed(hub_url, token, second, 2).status_code == 202

    unknown = hub(tmp_path, neo4j_uri, "connector", "revoke", "samr-rot-k9")
    assert (unknown.returncode, unknown.stdout, unknown.stderr) == (
        1,
        "",
        "no key 'samr-rot-k9' is registered\n",
    )
    assert pushed(hub_url, token, second, 3).status_code == 202
    revoked = hub(tmp_path, neo4j_uri, "connector", "revoke", "samr-rot-k2")
    assert (revoked.returncode, revoked.stdout, revoked.stderr) == (
        0,
        "key samr-rot-k2 of connector samr-rot is revoked\n",
        "",
    )
    refused = pushed(hub_url, token, second, 4)
    assert refused.status_code == 403, refused.text
    assert problem_codes(refused) == ["KEY_REVOKED"]
    rows = await run(graph, "MATCH (c:Connector {id: 'samr-rot'}) RETURN c.lastSequence AS s")
    assert rows == [{"s": 3}]


async def test_connector_register_refuses_a_bad_or_taken_key_and_writes_nothing(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    """A key without alg, or a kid already registered, is refused before the connector is
    written (or an existing one changed); a good key registers it."""
    await run(graph, "MERGE (:Zone {code: 'KAIFENG', name: 'Kaifeng'})")
    good = generate_key("EdDSA", "samr-reg-k1")
    no_alg = tmp_path / "no-alg.jwk"
    no_alg.write_text(json.dumps({k: v for k, v in public_jwk(good).items() if k != "alg"}))
    public = tmp_path / "samr-reg-k1.jwk"
    public.write_text(json.dumps(public_jwk(good)))

    def register(
        connector: str, key: Path, department: str = "SAMR"
    ) -> subprocess.CompletedProcess[str]:
        return hub(
            tmp_path,
            neo4j_uri,
            "connector",
            "register",
            "--id",
            connector,
            "--department",
            department,
            "--record-types",
            "samr.enterprise@1",
            "--public-key",
            str(key),
        )

    refused = register("samr-reg", no_alg)
    assert (refused.returncode, refused.stdout, refused.stderr) == (
        2,
        "",
        "the public JWK needs a kid and an alg\n",
    )
    assert await run(graph, "MATCH (c:Connector) RETURN c.id AS id") == []
    registered = register("samr-reg", public)
    assert (registered.returncode, registered.stdout, registered.stderr) == (
        0,
        "connector samr-reg (SAMR) may send samr.enterprise@1; key samr-reg-k1\n",
        "",
    )
    taken = register("other-reg", public)
    assert (taken.returncode, taken.stdout, taken.stderr) == (
        2,
        "",
        "key 'samr-reg-k1' is already registered (to samr-reg); give the new key a new kid\n",
    )
    assert await run(graph, "MATCH (c:Connector) RETURN c.id AS id") == [{"id": "samr-reg"}]
    again = hub(
        tmp_path, neo4j_uri, "connector", "rotate", "--id", "samr-reg", "--public-key", str(public)
    )
    assert (again.returncode, again.stderr) == (
        2,
        "key 'samr-reg-k1' is already registered (to samr-reg); give the new key a new kid\n",
    )


# --- db start / status / stop: a Neo4j of their own ----------------------------------------------


def test_db_start_status_stop_manage_a_local_neo4j(neo4j_uri: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    home = data / "neo4j"
    port = free_port()
    local = {
        "HUB_LOCAL_DB_PORT": str(port),
        "HUB_LOCAL_DB_HEAP_MB": "512",
        "HUB_LOCAL_DB_PAGECACHE_MB": "128",
    }

    def db(verb: str, uri: str | None = None) -> subprocess.CompletedProcess[str]:
        return hub(data, uri, "db", verb, **local)

    # with NEO4J_URI set there is no local Neo4j to manage: each verb says so
    for verb in ("start", "status", "stop"):
        managed = db(verb, neo4j_uri)
        assert (managed.returncode, managed.stdout, managed.stderr) == (
            1,
            "",
            f"NEO4J_URI is set ({neo4j_uri}); no local Neo4j is managed.\n",
        ), verb

    assert (db("status").returncode, db("status").stdout) == (
        1,
        f"Neo4j is not running (data in {home}).\n",
    )
    assert (db("stop").returncode, db("stop").stdout) == (0, "Neo4j was not running.\n")
    neo4j = LocalNeo4j(home=home, port=port)
    try:
        started = db("start")
        assert (started.returncode, started.stdout) == (
            0,
            f"Neo4j is up at bolt://127.0.0.1:{port} (data in {home})\n",
        ), started.stderr
        with GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=None) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1

        pid = int((home / "launcher.pid").read_text().split()[0])
        running = db("status")
        assert (running.returncode, running.stdout, running.stderr) == (
            0,
            f"Neo4j is running: pid {pid}, bolt://127.0.0.1:{port}, data in {home}\n",
            "",
        )
        again = db("start")  # a running Neo4j is found, not started twice
        assert (again.returncode, again.stdout) == (
            0,
            f"Neo4j is up at bolt://127.0.0.1:{port} (data in {home})\n",
        )
        assert int((home / "launcher.pid").read_text().split()[0]) == pid

        stopped = db("stop")
        assert (stopped.returncode, stopped.stdout, stopped.stderr) == (0, "Neo4j stopped.\n", "")
        assert neo4j.running_pid() is None
        after = db("status")
        assert (after.returncode, after.stdout) == (1, f"Neo4j is not running (data in {home}).\n")
    finally:
        neo4j.stop()  # if the test failed before `hub db stop`
