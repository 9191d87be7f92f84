"""The circuit that makes the hub answer 503 at once while Neo4j is gone (`hub.availability`),
its states driven by a clock the test moves and probes the test answers; no database."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx
import pytest
import strawberry
from graphql import GraphQLError
from neo4j.exceptions import (
    ClientError,
    ConnectionAcquisitionTimeoutError,
    ServiceUnavailable,
    SessionExpired,
)
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.extensions import MaskErrors

from hub.availability import (
    FAILURE_STATE,
    Circuit,
    CircuitState,
    DatabaseFailures,
    DatabaseGuard,
    DatabaseUnavailable,
    graphql_unavailable,
    ingest_unavailable,
    oauth_unavailable,
    unavailability,
)


class MovedClock:
    """A monotonic clock that moves only when the test moves it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Probe:
    """Neo4j as the probe finds it: answering, or failing with `error`."""

    def __init__(self) -> None:
        self.calls = 0
        self.error: BaseException | None = None

    async def __call__(self) -> None:
        self.calls += 1
        if self.error is not None:
            raise self.error


def circuit_with(probe: Probe, clock: MovedClock, probe_timeout_s: float = 1.0) -> Circuit:
    return Circuit(probe, open_s=2.0, probe_timeout_s=probe_timeout_s, clock=clock)


async def test_a_closed_circuit_admits_without_asking_the_database() -> None:
    probe = Probe()
    circuit = circuit_with(probe, MovedClock())
    await circuit.admit()
    assert (circuit.state, probe.calls) == (CircuitState.CLOSED, 0)


async def test_a_failure_opens_it_and_requests_are_refused_at_once_with_when_to_retry() -> None:
    probe, clock = Probe(), MovedClock()
    circuit = circuit_with(probe, clock)
    circuit.record_failure(ServiceUnavailable("Couldn't connect to 127.0.0.1:7687"))
    assert circuit.state is CircuitState.OPEN
    with pytest.raises(DatabaseUnavailable) as refused:
        await circuit.admit()
    assert refused.value.retry_after_s == 2
    assert refused.value.reason == (
        "the database is not reachable (ServiceUnavailable); retry after 2 s"
    )
    clock.now += 1.5
    with pytest.raises(DatabaseUnavailable) as later:
        await circuit.admit()
    assert later.value.retry_after_s == 1
    assert probe.calls == 0  # no request reached the database while it was open


async def test_after_the_open_time_one_probe_closes_it_when_the_database_answers() -> None:
    probe, clock = Probe(), MovedClock()
    circuit = circuit_with(probe, clock)
    circuit.record_failure(SessionExpired("gone"))
    clock.now += 2.0
    await circuit.admit()  # this request probed, and goes through
    assert (circuit.state, probe.calls) == (CircuitState.CLOSED, 1)
    await circuit.admit()
    assert probe.calls == 1  # closed again: no more probes


async def test_a_failed_probe_opens_it_for_another_open_time() -> None:
    probe, clock = Probe(), MovedClock()
    circuit = circuit_with(probe, clock)
    circuit.record_failure(ServiceUnavailable("gone"))
    clock.now += 2.0
    probe.error = ServiceUnavailable("still gone")
    with pytest.raises(DatabaseUnavailable) as refused:
        await circuit.admit()
    assert (circuit.state, refused.value.retry_after_s) == (CircuitState.OPEN, 2)
    clock.now += 1.0
    with pytest.raises(DatabaseUnavailable):
        await circuit.admit()
    assert probe.calls == 1
    probe.error = None
    clock.now += 1.0
    await circuit.admit()
    assert (circuit.state, probe.calls) == (CircuitState.CLOSED, 2)


async def test_one_probe_at_a_time_the_others_are_refused_meanwhile() -> None:
    clock = MovedClock()
    answered = asyncio.Event()
    probes = 0

    async def slow_probe() -> None:
        nonlocal probes
        probes += 1
        await answered.wait()

    circuit = Circuit(slow_probe, open_s=2.0, probe_timeout_s=30.0, clock=clock)
    circuit.record_failure(ServiceUnavailable("gone"))
    clock.now += 2.0
    probing = asyncio.create_task(circuit.admit())
    while probes == 0:
        await asyncio.sleep(0)
    assert circuit.state is CircuitState.PROBING
    with pytest.raises(DatabaseUnavailable) as refused:
        await circuit.admit()
    assert refused.value.retry_after_s == 1
    answered.set()
    await probing
    assert (circuit.state, probes) == (CircuitState.CLOSED, 1)


async def test_a_probe_that_does_not_answer_is_bounded_and_counts_as_a_failure() -> None:
    clock = MovedClock()

    async def silent_probe() -> None:
        await asyncio.Event().wait()  # a server that accepts and never answers

    circuit = Circuit(silent_probe, open_s=2.0, probe_timeout_s=0.05, clock=clock)
    circuit.record_failure(ServiceUnavailable("gone"))
    clock.now += 2.0
    with pytest.raises(DatabaseUnavailable) as refused:
        await circuit.admit()
    assert circuit.state is CircuitState.OPEN
    assert refused.value.reason == (
        "the database is not reachable (no answer within 0.05 s); retry after 2 s"
    )


async def test_a_probe_cancelled_with_its_request_leaves_the_next_request_to_probe() -> None:
    clock = MovedClock()
    started = asyncio.Event()

    async def slow_probe() -> None:
        started.set()
        await asyncio.Event().wait()

    circuit = Circuit(slow_probe, open_s=2.0, probe_timeout_s=30.0, clock=clock)
    circuit.record_failure(ServiceUnavailable("gone"))
    clock.now += 2.0
    probing = asyncio.create_task(circuit.admit())
    await started.wait()
    probing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await probing
    assert circuit.state is CircuitState.OPEN
    assert circuit.retry_after_s() == 1  # due now: the next request probes


async def test_a_busy_pool_is_answered_503_but_leaves_the_circuit_closed() -> None:
    circuit = circuit_with(Probe(), MovedClock())
    busy = ConnectionAcquisitionTimeoutError("no connection within 3 s")
    circuit.record_failure(busy)
    assert circuit.state is CircuitState.CLOSED
    refusal = circuit.refusal_for(busy)
    assert (refusal.retry_after_s, refusal.reason) == (
        1,
        "every connection to the database is busy; retry after 1 s",
    )


async def test_readiness_probes_a_closed_circuit_and_a_failure_opens_it() -> None:
    probe, clock = Probe(), MovedClock()
    circuit = circuit_with(probe, clock)
    await circuit.check()
    assert (circuit.state, probe.calls) == (CircuitState.CLOSED, 1)
    probe.error = ServiceUnavailable("gone")
    with pytest.raises(DatabaseUnavailable):
        await circuit.check()
    assert circuit.state is CircuitState.OPEN
    with pytest.raises(DatabaseUnavailable):
        await circuit.check()  # open: answered from the circuit, the database not asked
    assert probe.calls == 2


async def test_requests_go_through_while_a_readiness_check_waits_for_the_database() -> None:
    # anyone may call /readyz: its probe must not refuse the requests arriving meanwhile
    clock = MovedClock()
    answered = asyncio.Event()
    probes = 0

    async def slow_probe() -> None:
        nonlocal probes
        probes += 1
        await answered.wait()

    circuit = Circuit(slow_probe, open_s=2.0, probe_timeout_s=30.0, clock=clock)
    checking = asyncio.create_task(circuit.check())
    while probes == 0:
        await asyncio.sleep(0)
    assert circuit.state is CircuitState.CLOSED
    await circuit.admit()  # admitted, not refused
    answered.set()
    await checking
    assert (circuit.state, probes) == (CircuitState.CLOSED, 1)


def test_the_cause_is_found_through_graphql_errors_and_raised_from_chains() -> None:
    gone = ServiceUnavailable("gone")
    assert unavailability(GraphQLError("resolver failed", original_error=gone)) is gone
    try:
        try:
            raise gone
        except ServiceUnavailable as error:
            raise RuntimeError("while reading") from error
    except RuntimeError as wrapped:
        assert unavailability(wrapped) is gone
    # the twin: errors that say nothing about reaching the database
    assert unavailability(ClientError("syntax")) is None
    assert unavailability(GraphQLError("FORBIDDEN")) is None
    assert unavailability(None) is None


# --- the middleware, on a small app --------------------------------------------------------


async def guarded_app(circuit: Circuit) -> httpx.AsyncClient:
    async def fails(request: Request) -> JSONResponse:
        raise ServiceUnavailable("Couldn't connect to 127.0.0.1:7687")

    async def noted(request: Request) -> JSONResponse:
        setattr(request.state, FAILURE_STATE, ServiceUnavailable("gone"))
        return JSONResponse({"data": None, "errors": [{"message": "resolver failed"}]})

    async def works(request: Request) -> JSONResponse:
        return JSONResponse({"data": {"ok": True}})

    async def other(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    app = Starlette(
        routes=[
            Route("/graphql", works),
            Route("/token", fails, methods=["POST"]),
            Route("/push", noted, methods=["POST"]),
            Route("/other", other),
        ],
        middleware=[
            Middleware(
                DatabaseGuard,
                circuit=lambda: circuit,
                answers={
                    "/graphql": graphql_unavailable,
                    "/token": oauth_unavailable,
                    "/push": ingest_unavailable,
                },
            )
        ],
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


async def test_the_guard_answers_each_route_its_503_and_opens_the_circuit() -> None:
    clock = MovedClock()
    circuit = circuit_with(Probe(), clock)
    async with await guarded_app(circuit) as client:
        allowed = await client.get("/graphql")
        assert (allowed.status_code, allowed.json()) == (200, {"data": {"ok": True}})

        token = await client.post("/token")  # raised: not a plain-text 500
        assert token.status_code == 503
        assert token.headers["retry-after"] == "2"
        assert token.json() == {
            "error": "temporarily_unavailable",
            "error_description": "the database is not reachable (ServiceUnavailable); "
            "retry after 2 s",
        }
        assert circuit.state is CircuitState.OPEN

        refused = await client.get("/graphql")  # open: refused before the route runs
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "2"
        assert refused.json() == {
            "errors": [
                {
                    "message": "the database is not reachable (ServiceUnavailable); "
                    "retry after 2 s",
                    "extensions": {"code": "DATABASE_UNAVAILABLE"},
                }
            ]
        }
        unguarded = await client.get("/other")
        assert unguarded.status_code == 200


async def test_a_failure_noted_during_the_operation_replaces_its_answer() -> None:
    circuit = circuit_with(Probe(), MovedClock())
    async with await guarded_app(circuit) as client:
        pushed = await client.post("/push")
    assert pushed.status_code == 503  # not the 200 with errors the route made
    assert pushed.json() == {
        "status": "REJECTED",
        "problems": [
            {
                "code": "DATABASE_UNAVAILABLE",
                "message": "the database is not reachable (ServiceUnavailable); retry after 2 s",
            }
        ],
    }


# --- the schema extension, behind production's error masking --------------------------------


@dataclass
class FakeServices:
    circuit: Circuit


@dataclass
class FakeContext:
    request: Request
    services: FakeServices


async def noted_failure(raising: BaseException | None) -> tuple[object, list[str], Circuit]:
    """Run one query whose resolver raises `raising` (or answers) through MaskErrors, as in
    production, then DatabaseFailures: what the request's state noted, the errors the client
    would see, and the circuit."""

    @strawberry.type
    class Query:
        @strawberry.field
        async def enterprise(self) -> str:
            if raising is not None:
                raise raising
            return "answered"

    schema = strawberry.Schema(query=Query, extensions=[MaskErrors, DatabaseFailures])
    circuit = circuit_with(Probe(), MovedClock())
    request = Request({"type": "http", "state": {}})
    result = await schema.execute(
        "{ enterprise }", context_value=FakeContext(request, FakeServices(circuit))
    )
    messages = [error.message for error in result.errors or ()]
    return getattr(request.state, FAILURE_STATE, None), messages, circuit


async def test_a_resolver_failing_to_reach_the_database_is_noted_before_it_is_masked() -> None:
    gone = ServiceUnavailable("Couldn't connect to 127.0.0.1:7687")
    noted, messages, circuit = await noted_failure(gone)
    assert noted is gone
    assert messages == ["Unexpected error."]  # masked for the client, noted for the 503
    assert circuit.state is CircuitState.OPEN
    # the twins: another failure, and an answer, note nothing
    other, _, closed = await noted_failure(ValueError("a bug"))
    assert (other, closed.state) == (None, CircuitState.CLOSED)
    answered, messages, _ = await noted_failure(None)
    assert (answered, messages) == (None, [])
