"""Reading a request body up to a limit, for every endpoint that takes one (`/graphql`,
`/connectors/batches`): a larger declared Content-Length is refused before anything is read,
and a body without one is counted while it arrives, so a huge body is never buffered whole.
Each endpoint answers the refusal in its own shape."""

from __future__ import annotations

from starlette.requests import Request


class BodyTooLarge(Exception):
    """A body over `limit` bytes: `declared` is the Content-Length that said so before it was
    read, None when it was counted while it arrived."""

    def __init__(self, limit: int, declared: int | None) -> None:
        super().__init__(f"the body is over the limit of {limit} bytes")
        self.limit = limit
        self.declared = declared


class BadContentLength(ValueError):
    """A Content-Length header that is not a number."""


async def bounded_body(request: Request, limit: int) -> bytes:
    """The body, or `BodyTooLarge` as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            raise BadContentLength("Content-Length is not a number") from None
        if length > limit:
            raise BodyTooLarge(limit, length)
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise BodyTooLarge(limit, None)
    return bytes(received)
