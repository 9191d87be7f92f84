"""Connectors' way in: the push endpoint (the pipeline behind it is built by `hub.bootstrap`)."""

from __future__ import annotations

from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse

from auth.http import forbidden_response, require_principal, unauthorized_response
from auth.principal import ClientKind
from auth.verify import TokenError
from connectors.pipeline import Outcome, Status
from hub.bootstrap import RunningServices
from hub.request_body import BadContentLength, BodyTooLarge, bounded_body

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
    "NOT_YET_REPAIRABLE": 422,
}
"""The HTTP status of each refusal; an applied batch is 202, one already applied 200."""


def http_status(outcome: Outcome) -> int:
    if outcome.status is Status.APPLIED:
        return 202
    if outcome.status is Status.ALREADY_APPLIED:
        return 200
    return STATUS_BY_CODE.get(outcome.code, 400)


async def push_batch(running: RunningServices, request: Request) -> JSONResponse:
    """POST /connectors/batches: the body is the batch (a flattened JSON JWS); the caller is
    the connector's OAuth client, with the scope connector:push. The body is read only up to
    the batch size limit: a larger declared Content-Length is refused before reading, a
    streamed (chunked) body as soon as it passes the limit."""
    services = running()
    try:
        principal = await require_principal(request, services.auth.verifier)
    except TokenError as error:
        return unauthorized_response(error)
    if not principal.has("connector:push"):
        return forbidden_response(["connector:push"])
    pipeline = services.pipeline
    limit = pipeline.limits.max_bytes
    try:
        body = await bounded_body(request, limit)
    except BodyTooLarge as error:
        if error.declared is not None:
            return _too_large(f"the body is {error.declared} bytes; the limit is {limit}")
        return _too_large(f"the body is over the limit of {limit} bytes")
    except BadContentLength as error:
        return _rejected(400, "MALFORMED_PAYLOAD", str(error))
    # A connector client pushes only its own connector's batches; an admin may push any.
    sender = principal.institution if principal.kind is ClientKind.CONNECTOR else None
    outcome = await pipeline.ingest(body, sender=sender or None)
    services.metrics.count_batch(outcome)
    return JSONResponse(outcome.as_dict(), status_code=http_status(outcome))


def _too_large(message: str) -> JSONResponse:
    return _rejected(413, "BATCH_TOO_LARGE", message)


def _rejected(status: int, code: str, message: str) -> JSONResponse:
    problem = {"code": code, "message": message}
    return JSONResponse({"status": "REJECTED", "problems": [problem]}, status_code=status)
