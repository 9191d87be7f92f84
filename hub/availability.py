"""Whether Neo4j can be reached now, and how the hub answers while it cannot.

Without this a request made while Neo4j is gone waits for the driver to give up (its
connection timeout, then its retries of the transaction) and ends in a plain-text 500. Here:

- **What counts.** `ServiceUnavailable` (and its kinds: routing, an incomplete commit),
  `SessionExpired` and Neo4j's own `DatabaseUnavailable` say Neo4j cannot be reached: they open
  the circuit. A `ConnectionAcquisitionTimeoutError` says every pooled connection is busy while
  the database answers them: that request is answered 503 too, but the circuit stays closed
  (opening it would refuse the requests a busy but healthy database can still serve).
- **The circuit.** Closed, every request goes through. After a failure it is open for
  `HUB_CIRCUIT_OPEN_S`: requests that need the database are answered 503 at once, with
  `Retry-After` and the reason. The first request after that probes Neo4j (half-open: one probe
  at a time, one auto-commit `RETURN 1`, which the driver does not retry, bounded by
  `HUB_CIRCUIT_PROBE_TIMEOUT_S`; other requests meanwhile are answered 503): an answer closes
  the circuit, anything else opens it again. Recovery needs no restart and no operator.
- **The first request after Neo4j went away.** The circuit cannot cut a driver's retry loop
  short (the driver reports a failure only when it gives up), so the bound comes from the
  driver's settings: a short connection timeout (`HUB_NEO4J_CONNECTION_TIMEOUT_S`, 2 s) and
  `HUB_NEO4J_MAX_RETRY_TIME_S` of 0.5 s by default, which is one retry about a second after the
  first failure. That retry is what survives a leader switch (or a deadlock between two
  writers); a longer one would hold every request of a dead database for as long, which is what
  the hub did before (15 to 31 s). A cluster whose elections take longer can raise it, trading
  the two-second answer for it.
- **Where.** `DatabaseGuard` (ASGI middleware) admits or refuses the requests that need the
  database (`/graphql`, the OAuth endpoints, `/connectors/batches`) and turns a failure into
  that route's 503 (`DATABASE_ANSWERS`); `DatabaseFailures` (a schema extension) notes a
  resolver's failure before production masks its error, so a GraphQL answer is a 503 and not a
  200 with errors. `/readyz` asks `Circuit.check`. A websocket is closed with 1013 (try again
  later) and the reason `database_unavailable`.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, Final

from graphql import GraphQLError
from neo4j import READ_ACCESS, AsyncDriver
from neo4j import exceptions as neo4j_errors
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from auth.server import safe_text
from auth.service import PATHS
from hub import cypher

log = logging.getLogger(__name__)

UNREACHABLE: Final = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.DatabaseUnavailable,
)
"""Errors that say Neo4j cannot be reached: they open the circuit."""

BUSY: Final = (neo4j_errors.ConnectionAcquisitionTimeoutError,)
"""Errors that say every pooled connection is in use: 503, the circuit stays closed."""

TRY_AGAIN_LATER: Final = 1013
"""The websocket close code (RFC 6455's registry) of a socket closed while Neo4j is away."""

UNAVAILABLE_REASON: Final = "database_unavailable"
"""The close reason of such a socket."""

FAILURE_STATE: Final = "database_failure"
"""Where a request's state holds the error its operation failed with (`DatabaseFailures`)."""

BUSY_RETRY_AFTER_S: Final = 1


def unavailability(error: BaseException | None) -> BaseException | None:
    """The error (`error` itself, what it was raised from, or a GraphQL error's original)
    that says Neo4j cannot serve now; None when `error` says nothing of the kind."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNREACHABLE + BUSY):
            return error
        seen.add(id(error))
        error = error.original_error if isinstance(error, GraphQLError) else error.__cause__
    return None


class DatabaseUnavailable(Exception):
    """Neo4j cannot serve this request now: `reason` says why, `retry_after_s` when to ask
    again."""

    def __init__(self, reason: str, retry_after_s: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


class CircuitState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PROBING = "half-open"


Probe = Callable[[], Awaitable[object]]


async def answers_query(driver: AsyncDriver, database: str) -> None:
    """One auto-commit read (never retried by the driver): raises unless Neo4j answers it."""
    async with driver.session(database=database, default_access_mode=READ_ACCESS) as session:
        result = await session.run(cypher.READINESS)
        await result.consume()


class Circuit:
    """Whether requests may go to Neo4j now (see the module's docstring). `clock` is a
    monotonic clock in seconds (injected by the tests)."""

    def __init__(
        self,
        probe: Probe,
        *,
        open_s: float,
        probe_timeout_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._probe = probe
        self._open_s = open_s
        self._probe_timeout_s = probe_timeout_s
        self._clock = clock
        self._state = CircuitState.CLOSED
        self._probe_at = 0.0
        self._cause = ""

    @property
    def state(self) -> CircuitState:
        return self._state

    def retry_after_s(self) -> int:
        """Whole seconds until a request may find the database again (at least 1)."""
        if self._state is CircuitState.OPEN:
            return max(1, math.ceil(self._probe_at - self._clock()))
        return 1

    def refusal(self) -> DatabaseUnavailable:
        """What a request is answered while the circuit is not closed."""
        wait = self.retry_after_s()
        return DatabaseUnavailable(
            f"the database is not reachable ({self._cause or 'no answer'}); retry after {wait} s",
            wait,
        )

    def refusal_for(self, error: BaseException) -> DatabaseUnavailable:
        """What a request that failed with `error` (see `unavailability`) is answered."""
        if isinstance(error, BUSY):
            return DatabaseUnavailable(
                f"every connection to the database is busy; retry after {BUSY_RETRY_AFTER_S} s",
                BUSY_RETRY_AFTER_S,
            )
        return self.refusal()

    def record_failure(self, error: BaseException) -> None:
        """A request (or task) could not reach Neo4j: open the circuit (a busy pool does not;
        during a probe, the probe decides)."""
        if isinstance(error, BUSY) or self._state is CircuitState.PROBING:
            return
        self._open(type(error).__name__)

    async def admit(self) -> None:
        """Return when a request may go to Neo4j; raise `DatabaseUnavailable` at once while
        the circuit is open, or after a failed probe when it is this request's turn to probe."""
        if self._state is CircuitState.CLOSED:
            return
        if self._state is CircuitState.PROBING or self._clock() < self._probe_at:
            raise self.refusal()
        await self._run_probe()

    async def check(self) -> None:
        """Readiness: probe now while closed, else as `admit` (at once while open). A probe
        while closed leaves the circuit closed as it runs: readiness checks, which anyone may
        send, must not refuse the requests that arrive meanwhile; only a failure opens it."""
        if self._state is not CircuitState.CLOSED:
            await self.admit()
            return
        try:
            async with asyncio.timeout(self._probe_timeout_s):
                await self._probe()
        except TimeoutError:
            self._open(f"no answer within {self._probe_timeout_s:g} s")
            raise self.refusal() from None
        except Exception as error:  # whatever the probe met, the database did not answer
            self._open(type(error).__name__)
            raise self.refusal() from error

    async def _run_probe(self) -> None:
        was = self._state
        self._state = CircuitState.PROBING
        try:
            async with asyncio.timeout(self._probe_timeout_s):
                await self._probe()
        except TimeoutError:
            self._state = was
            self._open(f"no answer within {self._probe_timeout_s:g} s")
            raise self.refusal() from None
        except Exception as error:  # whatever the probe met, the database did not answer
            self._state = was
            self._open(type(error).__name__)
            raise self.refusal() from error
        except BaseException:  # cancelled mid-probe (the client left): the next one probes
            self._state = was
            raise
        self._state = CircuitState.CLOSED
        if was is not CircuitState.CLOSED:
            log.warning("the database answers again: requests go through (circuit closed)")

    def _open(self, cause: str) -> None:
        if self._state is CircuitState.CLOSED:
            log.warning(
                "the database is not reachable (%s): requests that need it are answered 503 "
                "for %g s, then it is probed (circuit open)",
                cause,
                self._open_s,
            )
        self._state = CircuitState.OPEN
        self._cause = cause
        self._probe_at = self._clock() + self._open_s


# --- the 503 answers -----------------------------------------------------------------------

Answer = Callable[[DatabaseUnavailable], Response]


def _retry_after(refusal: DatabaseUnavailable) -> dict[str, str]:
    return {"Retry-After": str(refusal.retry_after_s)}


def graphql_unavailable(refusal: DatabaseUnavailable) -> Response:
    """/graphql: the GraphQL error shape, code DATABASE_UNAVAILABLE."""
    return JSONResponse(
        {"errors": [{"message": refusal.reason, "extensions": {"code": "DATABASE_UNAVAILABLE"}}]},
        status_code=503,
        headers=_retry_after(refusal),
    )


def oauth_unavailable(refusal: DatabaseUnavailable) -> Response:
    """The OAuth endpoints: RFC 6749's `temporarily_unavailable` (sections 4.1.2.1, 5.2)."""
    return JSONResponse(
        {"error": "temporarily_unavailable", "error_description": safe_text(refusal.reason)},
        status_code=503,
        headers={**_retry_after(refusal), "Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def ingest_unavailable(refusal: DatabaseUnavailable) -> Response:
    """/connectors/batches: the ingest refusal's shape; nothing of the batch was applied
    unless the push already was (a resend then answers ALREADY_APPLIED)."""
    problem = {"code": "DATABASE_UNAVAILABLE", "message": refusal.reason}
    return JSONResponse(
        {"status": "REJECTED", "problems": [problem]},
        status_code=503,
        headers=_retry_after(refusal),
    )


DATABASE_ANSWERS: Final[Mapping[str, Answer]] = {
    "/graphql": graphql_unavailable,
    "/connectors/batches": ingest_unavailable,
    PATHS["token_endpoint"]: oauth_unavailable,
    PATHS["introspection_endpoint"]: oauth_unavailable,
    PATHS["revocation_endpoint"]: oauth_unavailable,
}
"""The routes that need the database, and how each answers while it cannot be reached."""


async def close_unavailable(websocket: WebSocket) -> None:
    """Accept the websocket only to close it at once with 1013 and the reason."""
    offered = websocket.scope.get("subprotocols") or []
    await websocket.accept(subprotocol=offered[0] if offered else None)
    await websocket.close(TRY_AGAIN_LATER, UNAVAILABLE_REASON)


class DatabaseGuard:
    """ASGI middleware: the routes of `answers` are refused at once while the circuit is open,
    and a request that fails to reach Neo4j (raised, or noted by `DatabaseFailures`) is
    answered its route's 503 instead of a 500 or a 200 with errors."""

    def __init__(
        self, app: ASGIApp, circuit: Callable[[], Circuit], answers: Mapping[str, Answer]
    ) -> None:
        self.app = app
        self.circuit = circuit
        self.answers = answers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = self.answers.get(scope.get("path", ""))
        if answer is None or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        circuit = self.circuit()
        try:
            await circuit.admit()
        except DatabaseUnavailable as refusal:
            if scope["type"] == "websocket":
                await close_unavailable(WebSocket(scope, receive, send))
            else:
                await answer(refusal)(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)  # its failures: `on_ws_connect`, the extension
            return
        await self._guarded(scope, receive, send, circuit, answer)

    async def _guarded(
        self, scope: Scope, receive: Receive, send: Send, circuit: Circuit, answer: Answer
    ) -> None:
        state: dict[str, Any] = scope.setdefault("state", {})
        started = replaced = False

        async def send_or_replace(message: Message) -> None:
            nonlocal started, replaced
            if replaced:
                return  # the rest of the answer the failed operation made
            if message["type"] == "http.response.start":
                failure = state.get(FAILURE_STATE)
                if isinstance(failure, BaseException):
                    replaced = True
                    circuit.record_failure(failure)
                    await answer(circuit.refusal_for(failure))(scope, receive, send)
                    return
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_or_replace)
        except Exception as error:
            cause = unavailability(error)
            if cause is None or started or replaced:
                raise
            circuit.record_failure(cause)
            await answer(circuit.refusal_for(cause))(scope, receive, send)


class DatabaseFailures(SchemaExtension):
    """Notes an operation that failed to reach Neo4j: it opens the circuit, and over HTTP
    `DatabaseGuard` answers 503. It must come after `MaskErrors` in the schema's extensions
    (hooks are left in reverse order), so it sees a resolver's error before it is masked;
    an error raised by another extension's hook reaches it wherever it stands."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except Exception as raised:
            cause = unavailability(raised)
            if cause is not None:
                self._note(cause)
            raise
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            cause = unavailability(error)
            if cause is not None:
                self._note(cause)
                return

    def _note(self, cause: BaseException) -> None:
        context = self.execution_context.context
        services = getattr(context, "services", None)
        if services is not None:
            services.circuit.record_failure(cause)
        request = getattr(context, "request", None)
        if request is not None:
            setattr(request.state, FAILURE_STATE, cause)
