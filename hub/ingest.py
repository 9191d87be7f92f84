"""Connectors' way in: the push endpoint, and the pipeline the hub builds from its settings."""

from __future__ import annotations

import datetime as dt
from typing import Final

from neo4j import AsyncDriver
from starlette.requests import Request
from starlette.responses import JSONResponse

from auth.http import forbidden_response, require_principal, unauthorized_response
from auth.principal import ClientKind
from auth.verify import TokenError
from connectors.pipeline import AppliedHook, Limits, Outcome, Pipeline, Status
from hub.clock import Clock, system_clock
from hub.settings import Settings

STATUS_BY_CODE: Final[dict[str, int]] = {
    "MALFORMED_JWS": 400,
    "MALFORMED_PAYLOAD": 400,
    "UNKNOWN_KID": 403,
    "BAD_SIGNATURE": 403,
    "ALG_NOT_ALLOWED": 403,
    "ALG_KEY_MISMATCH": 403,
    "KEY_REVOKED": 403,
    "KEY_NOT_VALID_AT_TIME": 403,
    "CONNECTOR_MISMATCH": 403,
    "DEPARTMENT_MISMATCH": 403,
    "RECORD_TYPE_NOT_ALLOWED": 403,
    "BATCH_ID_CONFLICT": 409,
    "SEQUENCE_NOT_INCREASING": 409,
    "SEQUENCE_JUMP_TOO_LARGE": 409,
    "BATCH_TOO_LARGE": 413,
    "UNKNOWN_RECORD_TYPE": 422,
    "CLOCK_SKEW": 422,
    "INVALID_RECORD": 422,
    "UNKNOWN_REFERENCE": 422,
}
"""The HTTP status of each refusal; an applied batch is 202, one already applied 200."""


def chain_hooks(*hooks: AppliedHook) -> AppliedHook:
    """One `on_applied` hook running `hooks` in order (re-rating before the risk scan, which
    reads the coverage re-rating stores)."""

    async def run(outcome: Outcome) -> None:
        for hook in hooks:
            await hook(outcome)

    return run


def build_pipeline(
    driver: AsyncDriver,
    settings: Settings,
    person_secret: bytes,
    on_applied: AppliedHook | None,
    clock: Clock = system_clock,
) -> Pipeline:
    limits = Limits(
        max_records=settings.batch_max_records,
        max_bytes=settings.batch_max_bytes,
        max_future_skew=dt.timedelta(seconds=settings.batch_max_future_skew_s),
        max_age=dt.timedelta(seconds=settings.batch_max_age_s),
        max_sequence_jump=settings.batch_max_sequence_jump,
    )
    return Pipeline(
        driver,
        settings.neo4j_database,
        person_secret,
        limits=limits,
        on_applied=on_applied,
        clock=clock,
    )


def http_status(outcome: Outcome) -> int:
    if outcome.status is Status.APPLIED:
        return 202
    if outcome.status is Status.ALREADY_APPLIED:
        return 200
    return STATUS_BY_CODE.get(outcome.code, 400)


async def push_batch(request: Request) -> JSONResponse:
    """POST /connectors/batches: the body is the batch (a flattened JSON JWS); the caller is
    the connector's OAuth client, with the scope connector:push. The body is read only up to
    the batch size limit: a larger declared Content-Length is refused before reading, a
    streamed (chunked) body as soon as it passes the limit."""
    try:
        principal = await require_principal(request)
    except TokenError as error:
        return unauthorized_response(error)
    if not principal.has("connector:push"):
        return forbidden_response(["connector:push"])
    pipeline: Pipeline = request.app.state.pipeline
    limit = pipeline.limits.max_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return _too_large(f"the body is {int(declared)} bytes; the limit is {limit}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return _too_large(f"the body is over the limit of {limit} bytes")
    # A connector client pushes only its own connector's batches; an admin may push any.
    sender = principal.institution if principal.kind is ClientKind.CONNECTOR else None
    outcome = await pipeline.ingest(bytes(body), sender=sender or None)
    return JSONResponse(outcome.as_dict(), status_code=http_status(outcome))


def _too_large(message: str) -> JSONResponse:
    problem = {"code": "BATCH_TOO_LARGE", "message": message}
    return JSONResponse({"status": "REJECTED", "problems": [problem]}, status_code=413)
