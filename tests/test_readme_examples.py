"""The README's examples run as written, so they cannot rot: the token example gets a token and
lists enterprises; for banks, the curl script grants a consent and reads the financing profile
under it, and the gql script reads the profile and receives a rating change over its
subscription. Against a real uvicorn hub and the test Neo4j."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from graph_kit import DATABASE, HeldClock, subscriptions_watching
from neo4j import AsyncDriver

from auth.catalog import load_catalog
from auth.demo import create_demo_clients
from auth.principal import ClientKind
from graph_schema.dates import utc_today
from graph_schema.uscc import make_uscc
from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer

README = Path(__file__).parents[1] / "README.md"
USCC = make_uscc("9", "1", "410200", "MR000001")


def example(name: str, language: str) -> str:
    text = README.read_text()
    found = re.search(rf"<!-- example: {name} -->\n```{language}\n(.*?)\n```", text, flags=re.S)
    assert found, f"README has no {name} example"
    return found.group(1)


@pytest.fixture
async def clients(graph: AsyncDriver, tmp_path: Path) -> Path:
    await graph.execute_query(
        """CREATE (:Enterprise {uscc: $u, name: 'Readme Trading Co.', zone: 'KAIFENG',
                  status: 'ACTIVE', registeredOn: date('2018-03-01')})""",
        u=USCC,
        database_=DATABASE,
    )
    path = tmp_path / "demo-clients.json"
    await create_demo_clients(
        graph,
        DATABASE,
        path,
        load_catalog().default_grants(),
        institutions={ClientKind.ENTERPRISE: USCC},
    )
    return path


def json_values(text: str) -> list[dict[str, Any]]:
    """The JSON documents printed one after another (jq's output)."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while text[at:].strip():
        at += len(text[at:]) - len(text[at:].lstrip())
        value, at = decoder.raw_decode(text, at)
        values.append(value)
    return values


def environment(hub_url: str, clients: Path) -> dict[str, str]:
    return os.environ | {"HUB": hub_url, "CLIENTS": str(clients)}


async def run_shell_example(
    name: str, hub_url: str, clients: Path, **variables: str
) -> subprocess.CompletedProcess[str]:
    """Run the README's shell example `name` as written, against the test hub, with the
    environment `variables` the example reads besides HUB and CLIENTS."""
    run = await asyncio.to_thread(
        subprocess.run,
        ["bash", "-euo", "pipefail", "-c", example(name, "sh")],
        env=environment(hub_url, clients) | variables,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return run


async def test_the_token_example_lists_enterprises(hub_url: str, clients: Path) -> None:
    run = await run_shell_example("token-curl", hub_url, clients)
    (answer,) = json_values(run.stdout)
    listed = answer["data"]["enterprises"]
    assert listed["totalCount"] == 1 and listed["edges"][0]["node"]["uscc"] == USCC


async def test_the_customs_example_reads_the_quarter_s_9610_exports(
    graph: AsyncDriver, hub_url: str, clients: Path
) -> None:
    await graph.execute_query(
        """MATCH (e:Enterprise {uscc: $u})
           CREATE (e)-[:DECLARED]->(:Declaration {id: 'D-Q3', mode: '9610', direction: 'EXPORT',
                  declaredOn: date('2026-08-03'), valueCny: 1200.5, destination: 'DE',
                  hsCode: '950450', source: 'customs-conn'}),
                  (e)-[:DECLARED]->(:Declaration {id: 'D-Q4', mode: '9610', direction: 'EXPORT',
                  declaredOn: date('2026-10-01'), valueCny: 99.0, destination: 'DE',
                  hsCode: '950450', source: 'customs-conn'}),
                  (e)-[:DECLARED]->(:Declaration {id: 'D-B2B', mode: '9710',
                  direction: 'EXPORT', declaredOn: date('2026-08-04'), valueCny: 50.0,
                  destination: 'US', hsCode: '950450', source: 'customs-conn'})""",
        u=USCC,
        database_=DATABASE,
    )
    run = await run_shell_example("customs-declarations", hub_url, clients, USCC=USCC)
    (answer,) = json_values(run.stdout)
    declarations = answer["data"]["enterprise"]["declarations"]
    # only the third quarter's 9610 export: not the October one, not the 9710 one
    assert declarations["totalCount"] == 1
    assert declarations["totalValueCny"] == "1200.5"
    assert [edge["node"] for edge in declarations["edges"]] == [
        {
            "id": "D-Q3",
            "declaredOn": "2026-08-03",
            "valueCny": "1200.5",
            "destination": "DE",
            "hsCode": "950450",
            "source": "customs-conn",
        }
    ]


async def test_the_curl_example_grants_and_reads(
    hub_url: str, clients: Path, hub_clock: HeldClock
) -> None:
    hub_clock.hold(dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC))  # the script's consent
    # runs 90 days from the real today, so it is in force on this earlier day too
    run = await run_shell_example("banks-curl", hub_url, clients)
    granted, read = json_values(run.stdout)
    consent = granted["data"]["grantConsent"]["id"]
    profile = read["data"]["financingProfile"]
    assert profile["consentId"] == consent
    assert profile["exports"] == []  # a new enterprise: nothing in the twelve months to June
    assert profile["dataQuality"] == [
        "no export declared in 2025-07, 2025-08, 2025-09, 2025-10, 2025-11, 2025-12, "
        "2026-01, 2026-02, 2026-03, 2026-04, 2026-05, 2026-06",
        "no overseas warehouse reported",
    ]


async def test_the_gql_example_reads_and_hears_a_downgrade(
    graph: AsyncDriver, hub_url: str, clients: Path
) -> None:
    await graph.execute_query(
        """MATCH (e:Enterprise {uscc: $u})
           CREATE (e)-[:CONSENTED]->(:Consent {id: 'C-readme', institution: 'demo-bank',
                  purpose: 'WORKING_CAPITAL', grantedAt: datetime(),
                  expiresAt: datetime() + duration('P30D'),
                  scopes: ['enterprise:read', 'credit:read', 'financing:read']})""",
        u=USCC,
        database_=DATABASE,
    )
    recomputer = CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules())
    today = utc_today()
    await recomputer.recompute([USCC], [], today)  # its first rating: not a change

    script = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        example("banks-gql", "python"),
        env=environment(hub_url, clients) | {"ONE_CHANGE": "1"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert script.stdout is not None
    profile = await asyncio.wait_for(script.stdout.readline(), 30)
    assert "'consentId': 'C-readme'" in profile.decode()
    # the script's subscription is live on the hub's change feed: a change from now on reaches it
    assert await subscriptions_watching(1), "the example's subscription did not start"

    await graph.execute_query(
        """MATCH (e:Enterprise {uscc: $u})
           CREATE (e)-[:LISTED]->(:ListEntry {id: 'L-readme', list: 'SERIOUS_DISHONESTY',
                  department: 'SAMR', listedOn: date() - duration('P1D'), reason: 'fraud',
                  basis: 'memorandum'})""",
        u=USCC,
        database_=DATABASE,
    )
    await recomputer.recompute([USCC], [], today)
    out, err = await asyncio.wait_for(script.communicate(), 30)
    assert script.returncode == 0, err.decode()
    change = out.decode().strip()
    assert f"'uscc': '{USCC}'" in change and "'grade': 'D'" in change
    assert "'downgrade': True" in change
