"""What `/graphql` checks of an HTTP request before GraphQL sees it, and how it refuses.

- The body is read up to `HUB_MAX_BODY_BYTES` (`hub.request_body`): a larger
  `Content-Length` is refused before anything is read, and a body without one is counted
  while it arrives, so a huge body is never buffered whole (413).
- The body must be UTF-8 JSON (a large body is decoded in a worker thread, off the event
  loop), nested no deeper than the decoder allows, and a JSON object with a string `query`,
  an object `variables`, ...: otherwise 400 naming the problem.
- Subscriptions run over the websocket (graphql-transport-ws), never over HTTP (400); a GET
  runs queries only (a mutation is 405), decided where the operation is chosen
  (`execute_single`), so the document is parsed once.
- Every refusal is a GraphQL-shaped body: `{"errors": [{"message", "extensions": {"code"}}]}`.
- A websocket refused in `connection_init` is closed with 4403 and the refusal's code as the
  close reason (`expired`, `revoked`, `purpose_required`, ...). The token it was acknowledged
  with is checked again (`SocketToken`) before each operation and, by the subscriptions, before
  each delivery: once it has expired or is revoked, the socket is closed the same way.
- A websocket message is decoded as a body is (`decode_json`): one that is not JSON, is nested
  too deeply or holds a number too long closes the socket with 4400 and the problem as the
  close reason.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Mapping
from contextlib import suppress
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message
from starlette.websockets import (
    WebSocket,
    WebSocketDisconnect,
    WebSocketDisconnected,
    WebSocketState,
)
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.http.exceptions import NonTextMessageReceived
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from auth.verify import TokenError, TokenVerifier
from hub.availability import TRY_AGAIN_LATER, UNAVAILABLE_REASON
from hub.ide import OfflineIdeGraphQL
from hub.request_body import BadContentLength, BodyTooLarge, bounded_body

OFF_LOOP_BYTES = 64 * 1024
"""Bodies at least this large are decoded in a worker thread."""

SUBSCRIPTIONS_OVER_WEBSOCKET = (
    "subscriptions run over the websocket, not over HTTP: open a websocket to /graphql with "
    "the graphql-transport-ws subprotocol"
)

_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}

REFUSED_CONNECTION = 4403
"""The close code of a websocket refused in connection_init (graphql-transport-ws), or whose
token has expired or been revoked since."""

INVALID_MESSAGE = 4400
"""The close code of a websocket that sent a message that cannot be read (graphql-transport-ws)."""


class RequestRefused(Exception):
    """A request answered before (or instead of) GraphQL: its status, message and code."""

    def __init__(
        self, status: int, message: str, code: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return refusal_response(self.status, self.message, self.code, self.headers)


def refusal_response(
    status: int, message: str, code: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """A GraphQL-shaped refusal: no data, one error naming the problem and its code."""
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status,
        headers=dict(headers or {}),
    )


async def guarded_body(request: Request, limit: int) -> bytes:
    """The body (`hub.request_body.bounded_body`), its refusals GraphQL-shaped: 413 over
    `limit` bytes, 400 for a Content-Length that is not a number."""
    try:
        return await bounded_body(request, limit)
    except BodyTooLarge:
        raise RequestRefused(
            413,
            f"the request body is larger than {limit} bytes (HUB_MAX_BODY_BYTES)",
            "REQUEST_TOO_LARGE",
        ) from None
    except BadContentLength as error:
        raise RequestRefused(400, str(error), "BAD_REQUEST") from None


def replaying(request: Request, body: bytes) -> Request:
    """The request again, its body (already read) served from memory."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await request.receive()

    return Request(request.scope, receive)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def decode_json(data: str | bytes, what: str = "the request body") -> object:
    """UTF-8 JSON, or a 400 naming what is wrong with it."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise RequestRefused(
                400,
                f"{what} is not UTF-8 (byte {error.start} is invalid): send JSON in UTF-8",
                "BAD_REQUEST",
            ) from None
    else:
        text = data
    try:
        return json.loads(text)
    except RecursionError:
        raise RequestRefused(400, f"{what} is JSON nested too deeply", "BAD_REQUEST") from None
    except json.JSONDecodeError as error:
        raise RequestRefused(
            400,
            f"{what} is not JSON: {error.msg} (line {error.lineno}, column {error.colno})",
            "BAD_REQUEST",
        ) from None
    except ValueError:  # a number with more digits than Python converts
        raise RequestRefused(400, f"{what} has a number too long to read", "BAD_REQUEST") from None


async def decode_json_off_loop(data: str | bytes, what: str = "the request body") -> object:
    """`decode_json`, in a worker thread when the body (or message) is large."""
    if len(data) < OFF_LOOP_BYTES:
        return decode_json(data, what)
    return await asyncio.to_thread(decode_json, data, what)


def _member(data: Mapping[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if value is not None and not isinstance(value, kind):
        what = "a string" if kind is str else "an object"
        raise RequestRefused(
            400,
            f"the request's `{name}` must be {what} or null, not a {_json_kind(value)}",
            "BAD_REQUEST",
        )
    return value


def request_data(data: object) -> GraphQLRequestData:
    """The GraphQL request a decoded JSON body holds, or a 400 saying why it holds none."""
    if isinstance(data, list):
        raise RequestRefused(
            400, "batching is not enabled: send one operation per request", "BAD_REQUEST"
        )
    if not isinstance(data, dict):
        raise RequestRefused(
            400,
            f"the request body must be a JSON object with a `query`, not a {_json_kind(data)}",
            "BAD_REQUEST",
        )
    return GraphQLRequestData(
        query=_member(data, "query", str),
        variables=_member(data, "variables", dict),
        operation_name=_member(data, "operationName", str),
        extensions=_member(data, "extensions", dict),
    )


def refuse_connection(websocket: HTTPConnection, code: str) -> ConnectionRejectionError:
    """The rejection of a websocket in connection_init; it closes with 4403 and `code` as
    the close reason (`ReasonedWebSocketAdapter`)."""
    websocket.state.refusal = code
    return ConnectionRejectionError({"code": code})


async def close_refused(websocket: WebSocket, code: str) -> None:
    """Close a connected websocket with 4403 and `code` as the reason (once: a second refusal,
    say by another operation at the same moment, finds it closed)."""
    if getattr(websocket.state, "refusal", None) is not None:
        return
    websocket.state.refusal = code
    with suppress(WebSocketDisconnect, WebSocketDisconnected):  # the client has gone already
        await websocket.close(REFUSED_CONNECTION, code)


class SocketToken:
    """The access token a websocket was acknowledged with, checked again for as long as the
    socket is open: only its expiry and revocation can change (`TokenVerifier.recheck`)."""

    def __init__(
        self, websocket: WebSocket, verifier: TokenVerifier, claims: dict[str, Any]
    ) -> None:
        self.websocket = websocket
        self.verifier = verifier
        self.claims = claims

    async def holds(self) -> bool:
        """True while the token is good; otherwise the socket is closed with 4403 and the
        reason (`expired`, `revoked`), and False."""
        if getattr(self.websocket.state, "refusal", None) is not None:
            return False
        try:
            await self.verifier.recheck(self.claims)
        except TokenError as error:
            await close_refused(self.websocket, error.code.value)
            return False
        return True


def remember_token(websocket: WebSocket, verifier: TokenVerifier, claims: dict[str, Any]) -> None:
    """Keep the token a websocket is acknowledged with, for `token_holds`."""
    websocket.state.token = SocketToken(websocket, verifier, claims)


async def token_holds(connection: HTTPConnection) -> bool:
    """Whether the websocket's token still holds (see `SocketToken.holds`: when it does not,
    the socket is closed); True for a connection without one (an HTTP request, checked when
    it arrived)."""
    token = getattr(connection.state, "token", None)
    return not isinstance(token, SocketToken) or await token.holds()


class ReasonedWebSocketAdapter(ASGIWebSocketAdapter):
    """strawberry closes a refused connection with 4403 "Forbidden"; this says why. Messages
    are decoded by `decode_json`, and one it refuses closes the socket with 4400 and the
    problem (strawberry would fail on too deep a message or too long a number)."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                try:
                    message = await decode_json_off_loop(text, "the message")
                except RequestRefused as refused:
                    if ignore_parsing_errors:
                        continue
                    await self.close(INVALID_MESSAGE, refused.message)
                    return
                yield message
        except KeyError as error:  # a binary message: strawberry closes with 4400 too
            raise NonTextMessageReceived from error
        except WebSocketDisconnect:
            pass

    async def send_json(self, message: Mapping[str, object]) -> None:
        if self.ws.application_state == WebSocketState.DISCONNECTED:
            return  # closed by the hub (a refused token, say): nothing more is sent
        await super().send_json(message)

    async def close(self, code: int, reason: str) -> None:
        refusal = getattr(self.ws.state, "refusal", None)
        if code == REFUSED_CONNECTION and isinstance(refusal, str):
            reason = refusal
            if refusal == UNAVAILABLE_REASON:  # not forbidden: the client may try again later
                code = TRY_AGAIN_LATER
        await super().close(code, reason)


async def _socket_token_holds(websocket: object) -> bool:
    return not isinstance(websocket, ReasonedWebSocketAdapter) or await token_holds(websocket.ws)


def _renewed(websocket: object, context: Any) -> Any:
    """A context of its own for each operation on a socket: its loaders, consents and clock
    are those of now, not of the connection_init (a consent revoked or expired since then no
    longer admits), and its audit record holds only what this operation read."""
    if not isinstance(websocket, ReasonedWebSocketAdapter):
        return context
    renew = getattr(websocket.ws.state, "new_context", None)
    if renew is None:
        return context
    fresh = renew()
    fresh.connection_params = getattr(context, "connection_params", None)
    return fresh


class TokenCheckedTransportWS(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws, the socket's token checked again before each new operation,
    and each operation run in a context of its own (`_renewed`)."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if await _socket_token_holds(self.websocket):
            self.context = _renewed(self.websocket, self.context)
            await super().handle_subscribe(message)


class TokenCheckedGraphQLWS(BaseGraphQLWSHandler[Any, Any]):
    """The legacy graphql-ws protocol, likewise."""

    async def handle_start(self, message: StartMessage) -> None:
        if await _socket_token_holds(self.websocket):
            self.context = _renewed(self.websocket, self.context)
            await super().handle_start(message)


class GuardedGraphQL(OfflineIdeGraphQL):
    """strawberry's view with the hub's request checks (see the module's docstring)."""

    websocket_adapter_class = ReasonedWebSocketAdapter
    graphql_transport_ws_handler_class = TokenCheckedTransportWS
    graphql_ws_handler_class = TokenCheckedGraphQLWS

    def encode_json(self, data: object) -> str:
        """The answer as JSON by orjson (a page of 100 enterprises in a tenth of the standard
        library's time); what it cannot encode (an integer beyond 64 bits, say) by the standard
        library. A string, not bytes: strawberry sends websocket messages as they come, and a
        browser's graphql-ws client reads only text frames."""
        try:
            return orjson.dumps(data).decode()
        except TypeError:
            return json.dumps(data, separators=(",", ":"))

    async def run_guarded(self, request: Request, context: Any, max_body_bytes: int) -> Response:
        """Run an HTTP request whose caller is known; every refusal is GraphQL-shaped."""
        try:
            if request.method == "POST":
                request = replaying(request, await guarded_body(request, max_body_bytes))
            response: Response = await super().run(request, context)
        except RequestRefused as refused:
            return refused.response()
        except HTTPException as error:  # strawberry's own refusals, in the same shape
            code = _HTTP_CODES.get(error.status_code, "BAD_REQUEST")
            return refusal_response(error.status_code, error.reason, code)
        return response

    def parse_json(self, data: str | bytes) -> Any:
        return decode_json(data, "a JSON query parameter")

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        content_type, _ = parse_content_type(request.content_type or "")
        if request.method == "POST" and "application/json" in content_type:
            return request_data(await decode_json_off_loop(await request.get_body()))
        return await super().parse_http_body(request)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        method = request_adapter.method
        allowed = {OperationType.QUERY}
        if method == "POST":
            allowed.add(OperationType.MUTATION)
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise RequestRefused(
                    400, SUBSCRIPTIONS_OVER_WEBSOCKET, "WEBSOCKET_REQUIRED"
                ) from None
            raise RequestRefused(  # a GET asking for a mutation: GET must change nothing
                405,
                "a GET request runs queries only: send mutations with POST",
                "METHOD_NOT_ALLOWED",
                {"Allow": "POST"},
            ) from None
        except CannotGetOperationTypeError as error:
            raise RequestRefused(400, error.as_http_error_reason(), "BAD_REQUEST") from None
        except MissingQueryError:
            raise RequestRefused(
                400, "no GraphQL query found in the request", "BAD_REQUEST"
            ) from None
