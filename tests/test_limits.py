"""The limits a hub in production keeps: no introspection or IDE, depth, alias, token and cost
limits refused before anything runs, per-client rate limits answered with 429 and
Retry-After, and unexpected errors masked. Against a real uvicorn hub in production mode."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graph_kit import ServedHub, hub_settings, served, token_for
from graphql import GraphQLError, get_introspection_query
from neo4j import AsyncDriver

from auth.keys import KeyFileError, rotate_signing_key
from hub.api.schema import is_unexpected
from hub.app import create_app
from hub.localdb import free_port
from hub.rate_limit import RateLimiter, SharedBuckets, retry_after_header

BURST = 4


@pytest.fixture(scope="module")
def production_url(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("hub-production")
    rotate_signing_key(data_dir / "keys")  # production makes no key of its own
    settings = hub_settings(
        neo4j_uri=neo4j_uri,
        data_dir=data_dir,
        port=free_port(),
        production=True,
        max_query_cost=500,
        rate_limit_per_minute=6,
        rate_limit_burst=BURST,
    )
    with served(settings) as url:
        yield url


def ask(url: str, token: str, query: str) -> httpx.Response:
    return httpx.post(
        f"{url}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )


# --- the rate limiter, without a server (the cost rule: tests/unit/test_query_cost.py) ------


def test_a_bucket_allows_the_burst_then_one_request_per_interval() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=3, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)] == [None, None, None]
    wait = limiter.take("a")
    assert wait == pytest.approx(1.0)
    assert limiter.take("b") is None  # every client has its own bucket
    now[0] = 1.0
    assert limiter.take("a") is None and limiter.take("a") is not None
    assert retry_after_header(0.2) == "1" and retry_after_header(2.01) == "3"


def test_the_workers_of_an_instance_share_a_clients_bucket(tmp_path: Path) -> None:
    now = [0.0]

    def worker() -> RateLimiter:  # each worker process opens the instance's table itself
        buckets = SharedBuckets(tmp_path / "rate-limits" / "graphql.buckets")
        return RateLimiter(per_minute=60, burst=3, clock=lambda: now[0], buckets=buckets)

    first, second = worker(), worker()
    assert [first.take("a"), second.take("a"), first.take("a")] == [None, None, None]
    assert second.take("a") == pytest.approx(1.0)  # the burst was spent across both
    assert second.take("b") is None  # the twin: another client has a bucket of its own
    now[0] = 1.0
    assert first.take("a") is None and second.take("a") is not None


def test_a_bucket_left_by_a_run_before_a_restart_of_the_machine_is_a_fresh_one(
    tmp_path: Path,
) -> None:
    now = [1000.0]
    buckets = SharedBuckets(tmp_path / "graphql.buckets")
    before = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0], buckets=buckets)
    assert before.take("a") is None and before.take("a") is None and before.take("a") is not None
    now[0] = 5.0  # the monotonic clock starts again at boot
    after = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0], buckets=buckets)
    assert after.take("a") is None and after.take("a") is None


def test_a_table_cut_short_or_overwritten_under_running_workers_starts_afresh(
    tmp_path: Path,
) -> None:
    now = [0.0]
    path = tmp_path / "graphql.buckets"
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0], buckets=SharedBuckets(path))
    assert [limiter.take("a"), limiter.take("a")] == [None, None]
    assert limiter.take("a") is not None
    path.write_bytes(b"")  # an operator's `: > graphql.buckets`
    assert limiter.take("a") is None  # no crash: the table is rebuilt, every bucket full
    assert limiter.take("a") is None and limiter.take("a") is not None
    path.write_bytes(b"\xff" * path.stat().st_size)  # garbage in every slot and the header
    assert limiter.take("a") is None


def test_a_bucket_no_limiter_wrote_is_a_fresh_one(tmp_path: Path) -> None:
    now = [10.0]
    buckets = SharedBuckets(tmp_path / "graphql.buckets")
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0], buckets=buckets)
    for nonsense in [(-math.inf, 1.0), (math.nan, 1.0), (5.0, 1.0), (1.0, math.nan)]:
        with buckets.changing() as table:
            table.put("a", nonsense)
        assert limiter.take("a") is None  # full again, not refused for ever
        wait = limiter.take("a")
        assert wait is None or math.isfinite(wait)


async def test_a_hub_with_two_workers_limits_a_client_once_for_the_instance(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    hub = ServedHub(neo4j_uri, tmp_path)
    hub.env |= {
        "HUB_WORKERS": "2",
        "HUB_RATE_LIMIT_PER_MINUTE": "1",
        "HUB_RATE_LIMIT_BURST": str(BURST),
    }
    hub.start()
    try:
        assert hub.process is not None
        children = [p for p in Path("/proc").iterdir() if p.name.isdigit()]
        workers = [p for p in children if _parent(p) == hub.process.pid]
        assert len(workers) >= 2, "hub serve runs two worker processes"
        token = await token_for(hub.url, graph, "regulator")
        # a new connection each: the kernel hands them to either worker
        answers = [ask(hub.url, token, "{ __typename }").status_code for _ in range(3 * BURST)]
        assert answers == [200] * BURST + [429] * (2 * BURST)
    finally:
        hub.kill()


def _parent(process: Path) -> int | None:
    try:
        fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1])


def test_only_the_hubs_own_faults_are_masked() -> None:
    assert is_unexpected(GraphQLError("boom", original_error=KeyError("row")))
    answer = GraphQLError("denied", extensions={"code": "FORBIDDEN"})
    assert not is_unexpected(GraphQLError("denied", original_error=answer))
    assert not is_unexpected(GraphQLError("Cannot query field 'x' on type 'Query'."))


# --- through the production hub -----------------------------------------------------------------


async def test_no_introspection_and_no_ide(graph: AsyncDriver, production_url: str) -> None:
    token = await token_for(production_url, graph, "regulator")
    body = ask(production_url, token, "{ __schema { queryType { name } } }").json()
    assert body["data"] is None and "introspection" in body["errors"][0]["message"].lower()
    page = httpx.get(f"{production_url}/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in page.text.lower()


async def test_production_refuses_the_full_introspection_query_even_to_an_admin(
    graph: AsyncDriver, production_url: str
) -> None:
    token = await token_for(production_url, graph, "admin")
    body = ask(production_url, token, get_introspection_query()).json()
    assert body["data"] is None
    assert body["errors"] and all("introspection" in e["message"] for e in body["errors"])


@pytest.mark.parametrize(
    ("query", "says"),
    [
        (
            '{ enterprise(uscc: "x") { '
            + "holdings { enterprise { " * 6
            + "uscc"
            + " } }" * 6
            + " } }",
            "exceeds maximum operation depth",
        ),
        (
            "{ " + " ".join(f'a{i}: enterprise(uscc: "x") {{ uscc }}' for i in range(31)) + " }",
            "aliases",
        ),
        ('{ enterprise(uscc: "x") { ' + "uscc " * 2100 + "} }", "token"),
        (
            "{ enterprises(first: 100) { edges { node { uscc name zone status registeredOn } } } }",
            "costs 701, over the limit of 500",
        ),
    ],
    ids=["depth", "aliases", "tokens", "cost"],
)
async def test_limits_refuse_the_operation_before_it_runs(
    graph: AsyncDriver, production_url: str, query: str, says: str
) -> None:
    token = await token_for(production_url, graph, "regulator")
    body: dict[str, Any] = ask(production_url, token, query).json()
    assert body.get("data") is None
    assert any(says in error["message"] for error in body["errors"]), body["errors"][:2]


async def test_a_query_within_the_cost_limit_runs(graph: AsyncDriver, production_url: str) -> None:
    token = await token_for(production_url, graph, "regulator")
    body = ask(production_url, token, "{ enterprises(first: 50) { edges { node { uscc } } } }")
    assert body.status_code == 200 and body.json()["data"]["enterprises"]["edges"] == []


async def test_a_client_over_its_rate_is_answered_429_with_retry_after(
    graph: AsyncDriver, production_url: str
) -> None:
    busy = await token_for(production_url, graph, "regulator")
    calm = await token_for(production_url, graph, "regulator")
    query = "{ enterprises(first: 1) { totalCount } }"
    answers = [ask(production_url, busy, query) for _ in range(BURST + 1)]
    assert [a.status_code for a in answers] == [200] * BURST + [429]
    refused = answers[-1]
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert ask(production_url, calm, query).status_code == 200  # another client is unaffected


def test_a_production_hub_without_a_signing_key_refuses_to_start(tmp_path: Path) -> None:
    settings = hub_settings(neo4j_uri="bolt://127.0.0.1:1", data_dir=tmp_path, production=True)
    with pytest.raises(KeyFileError, match=r"oauth-signing\.json"):
        create_app(settings)
    assert not (tmp_path / "keys" / "oauth-signing.json").exists()
