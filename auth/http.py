"""Bearer tokens on Starlette requests (RFC 6750): who is calling, and the 401/403 answers.

The caller passes the verifier (the hub's is `AuthService.verifier`, built at start).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from auth.principal import Principal
from auth.verify import TokenError, TokenErrorCode

REALM = "pilotzone-credit-hub"


class Verifier(Protocol):
    async def verify_access_token(self, token: str) -> Principal: ...


def bearer_token(request: HTTPConnection) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None without one.

    A header with another scheme, or `Bearer` without a token, is `TokenError(malformed)`.
    """
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or " " in token.strip():
        raise TokenError(
            TokenErrorCode.MALFORMED, "the Authorization header must be 'Bearer <token>'"
        )
    return token.strip()


async def principal_from_request(request: HTTPConnection, verifier: Verifier) -> Principal | None:
    """The verified caller, or None when the request carries no token.

    Raises `TokenError` for a token that is present but not acceptable (answer it with
    `unauthorized_response`). Works for HTTP requests and WebSockets alike.
    """
    token = bearer_token(request)
    if token is None:
        return None
    return await verifier.verify_access_token(token)


async def require_principal(request: HTTPConnection, verifier: Verifier) -> Principal:
    """As `principal_from_request`, but no token is `TokenError(missing_token)`."""
    principal = await principal_from_request(request, verifier)
    if principal is None:
        raise TokenError(TokenErrorCode.MISSING_TOKEN, "an access token is required")
    return principal


def _quoted(text: str) -> str:
    return text.replace("\\", "/").replace('"', "'").encode("ascii", "replace").decode()


def unauthorized_response(error: TokenError) -> JSONResponse:
    """401 with `WWW-Authenticate: Bearer` (RFC 6750 section 3) and the code in the body.

    Without a token the challenge carries no error (section 3.1); an unusable token is
    `error="invalid_token"`. A JWKS that cannot be fetched is the hub's problem, so 503.
    """
    body = {
        "error": "invalid_token",
        "code": error.code.value,
        "error_description": error.description,
    }
    if error.code is TokenErrorCode.JWKS_UNAVAILABLE:
        body["error"] = "temporarily_unavailable"
        return JSONResponse(body, status_code=503, headers={"Retry-After": "30"})
    if error.code is TokenErrorCode.MISSING_TOKEN:
        body["error"] = "unauthorized"
        challenge = f'Bearer realm="{REALM}"'
    else:
        challenge = (
            f'Bearer realm="{REALM}", error="invalid_token", '
            f'error_description="{_quoted(error.code.value + ": " + error.description)}"'
        )
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": challenge})


def forbidden_response(needed: Iterable[str]) -> JSONResponse:
    """403 `insufficient_scope` naming the scopes the request needs (RFC 6750 section 3.1)."""
    scopes = " ".join(sorted(needed))
    challenge = f'Bearer realm="{REALM}", error="insufficient_scope", scope="{_quoted(scopes)}"'
    body = {"error": "insufficient_scope", "code": "forbidden", "scope": scopes}
    return JSONResponse(body, status_code=403, headers={"WWW-Authenticate": challenge})
