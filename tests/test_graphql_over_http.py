"""GraphQL over HTTP: the graphql-http server audit suite (npm) against the real hub finds no
failing MUST, and every SHOULD or MAY it warns about is one docs/conformance.md keeps, with
its reason."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from graph_kit import token_for
from neo4j import AsyncDriver

ROOT = Path(__file__).parents[1]
NODE_DIR = ROOT / "tests" / "node"
CONFORMANCE = ROOT / "docs" / "conformance.md"


def run_audit(url: str, token: str) -> list[dict[str, Any]]:
    node = shutil.which("node")
    assert node, "Node.js is required"
    assert (NODE_DIR / "node_modules" / "graphql-http").exists(), "`make test` runs npm ci"
    run = subprocess.run(
        [node, "audit.mjs", f"{url}/graphql", token],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    results: list[dict[str, Any]] = json.loads(run.stdout)
    return results


@pytest.fixture
async def audit(graph: AsyncDriver, hub_url: str) -> list[dict[str, Any]]:
    token = await token_for(hub_url, graph, "regulator")
    return await asyncio.to_thread(run_audit, hub_url, token)


async def test_no_must_fails(audit: list[dict[str, Any]]) -> None:
    assert len(audit) > 30  # the suite ran
    failing = [a for a in audit if a["name"].startswith("MUST") and a["status"] != "ok"]
    assert failing == []


async def test_every_warning_is_documented_with_a_reason(audit: list[dict[str, Any]]) -> None:
    kept = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|$", CONFORMANCE.read_text(), re.M))
    warned = {a["id"]: a for a in audit if a["status"] != "ok"}
    assert set(warned) == set(kept), {k: v["name"] for k, v in warned.items()}
    assert all(reason.strip() for reason in kept.values())


async def test_get_serves_queries_only(graph: AsyncDriver, hub_url: str) -> None:
    import httpx

    token = await token_for(hub_url, graph, "regulator")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/graphql-response+json"}
    mutation = 'mutation { revokeConsent(id: "x") { id } }'
    answer = httpx.get(f"{hub_url}/graphql", params={"query": mutation}, headers=headers)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert answer.json() == {
        "errors": [
            {
                "message": "a GET request runs queries only: send mutations with POST",
                "extensions": {"code": "METHOD_NOT_ALLOWED"},
            }
        ]
    }
    # the operation the request names decides: its query runs, its mutation does not
    both = 'query Q { __typename } mutation M { revokeConsent(id: "x") { id } }'
    chosen = {"query": both, "operationName": "Q"}
    assert httpx.get(f"{hub_url}/graphql", params=chosen, headers=headers).json() == {
        "data": {"__typename": "Query"}
    }
    chosen = {"query": both, "operationName": "M"}
    assert httpx.get(f"{hub_url}/graphql", params=chosen, headers=headers).status_code == 405
    subscription = "subscription { ratingChanged { uscc } }"
    answer = httpx.get(f"{hub_url}/graphql", params={"query": subscription}, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["extensions"] == {"code": "WEBSOCKET_REQUIRED"}
    broken = httpx.get(f"{hub_url}/graphql", params={"query": "{ enterprise("}, headers=headers)
    assert broken.status_code == 400 and "data" not in broken.json()
    assert broken.headers["content-type"].startswith("application/graphql-response+json")
