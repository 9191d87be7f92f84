"""GraphQL over HTTP media types: `application/graphql-response+json` when the client asks for
it, `application/json` otherwise (the spec's legacy type, and what a client without an Accept
header gets).

With `application/graphql-response+json` the status says whether the request was executed: a
document that does not parse or validate, or variables that do not coerce, is 400 with no
`data` entry; an executed request is 200 even when some fields failed (their errors have a
`path`). With `application/json` every GraphQL answer is 200, as older clients expect.
"""

from __future__ import annotations

import json
from typing import Final

GRAPHQL_RESPONSE: Final = "application/graphql-response+json"
JSON: Final = "application/json"


def _ranges(accept: str) -> list[tuple[str, float, int]]:
    """(media type, q, position) of each media range of an Accept header."""
    found: list[tuple[str, float, int]] = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            found.append((media.lower(), q, position))
    return found


def wants_graphql_response(accept: str | None) -> bool:
    """Whether the client prefers `application/graphql-response+json` to `application/json`
    (ties go to the one listed first)."""
    if not accept:
        return False
    ranked = {media: (q, -position) for media, q, position in _ranges(accept) if q > 0}
    mine = ranked.get(GRAPHQL_RESPONSE)
    if mine is None:
        return False
    legacy = ranked.get(JSON) or ranked.get("application/*") or ranked.get("*/*")
    return legacy is None or mine >= legacy


def as_graphql_response(body: bytes) -> tuple[int, bytes]:
    """Status and body of a JSON GraphQL answer re-sent as `application/graphql-response+json`:
    a request error (no data, no error with a path) is 400 without `data`."""
    try:
        result = json.loads(body)
    except ValueError:
        return 200, body
    if not isinstance(result, dict):
        return 200, body
    errors = result.get("errors") or []
    request_error = (
        bool(errors)
        and result.get("data") is None
        and all(isinstance(e, dict) and "path" not in e for e in errors)
    )
    if not request_error:
        return 200, body
    result.pop("data", None)
    return 400, json.dumps(result, separators=(",", ":")).encode()
