"""How the served hub logs: one JSON object a line (or plain text for a developer), each with
the request id of the request it was written for, and never a secret.

`configure_logging(settings)` is called by `hub serve` and `hub run` before anything logs, and
`logging_config(settings)` is the same configuration handed to uvicorn as its `log_config`, so
uvicorn's error and access logs go through the same handler. A line holds `timestamp` (UTC,
ISO 8601), `level`, `logger`, `message` and `request_id` (null outside a request), plus
`exc_info` when an exception is logged; docs/operations.md describes them.

The request id is `asgi_correlation_id`'s: `RequestIds` (installed by `hub.app.create_app`)
screens `X-Request-ID` and hands the request to `CorrelationIdMiddleware`, which takes the id
from the header or makes one, returns it in the response, and keeps it in the `correlation_id`
context variable, which `CorrelationIdFilter` copies into every record. An id that is not a
sane token (`sane_request_id`) is replaced, and never logged: the line saying so carries the
new id, like every other line of the request.

`RedactSecrets`, on the handler, rewrites each record before it is formatted: bearer and basic
credentials, JWT-shaped strings, `client_secret=`/`password=`/`token=`-style values, private key
material, argon2 hashes, and the literal secrets the hub holds (the person-key secret, the Neo4j
password) are replaced by `[REDACTED]` in the message, its arguments, extra fields and
tracebacks.
"""

from __future__ import annotations

import contextlib
import logging
import logging.config
import re
import traceback
import uuid
from collections.abc import Iterable
from typing import Any, Final

from asgi_correlation_id import CorrelationIdFilter, CorrelationIdMiddleware
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.settings import Settings

REQUEST_ID_HEADER: Final = "X-Request-ID"

REDACTED: Final = "[REDACTED]"

_REPLACED_KEY: Final = "hub.request_id_replaced"
"""Set in a request's scope when its X-Request-ID was not sane and was dropped."""

log = logging.getLogger(__name__)

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
"""What an incoming request id may be: one short token a log search can match (no spaces, no
control characters, at most 128 characters)."""

_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    # credentials after an auth scheme: "Authorization: Bearer <token>", "Basic <base64>"
    (re.compile(r"(?i)\b(bearer|basic|dpop)(\s+)[A-Za-z0-9._~+/=-]+"), rf"\1\2{REDACTED}"),
    # a JWT or compact JWS: base64url JSON header "eyJ...", two dots
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*"), REDACTED),
    # key=value, key: value and "key": "value" forms of secret-bearing names
    (
        re.compile(
            r"(?i)\b((?:client_secret|secret|password|passwd|pwd|person_key_secret|"
            r"access_token|refresh_token|id_token|token|client_assertion|api_key|apikey|"
            r"secret_?hash)[\"']?\s*[:=]\s*[\"']?)[^\"'\s,&;)}\]]+"
        ),
        rf"\1{REDACTED}",
    ),
    # a JWK's private members
    (re.compile(r"(\"(?:d|p|q|dp|dq|qi|k)\"\s*:\s*\")[^\"]+"), rf"\1{REDACTED}"),
    (
        re.compile(
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
        ),
        REDACTED,
    ),
    (re.compile(r"\$argon2(?:id|i|d)\$[^\s\"']+"), REDACTED),
)

_STANDARD_ATTRS: Final = frozenset(RESERVED_ATTRS) | {"message", "asctime", "correlation_id"}
"""What a LogRecord holds of its own; anything else on it is an `extra` field."""

_DROPPED_EXTRAS: Final = frozenset({"color_message"})
"""uvicorn's copy of the message with terminal colours: noise in a JSON line."""


def sane_request_id(value: str) -> bool:
    """Whether an incoming X-Request-ID is kept (else a new id replaces it and it is never
    logged): a short token of letters, digits and `._:-`, and not JWT-shaped."""
    return _SANE_REQUEST_ID.fullmatch(value) is not None and not value.startswith("eyJ")


def new_request_id() -> str:
    """A request id for a request that brought none (or none sane)."""
    return uuid.uuid4().hex


class RequestIds:
    """ASGI middleware: the request id of every HTTP request and websocket (see the module's
    docstring). An insane X-Request-ID is dropped before `CorrelationIdMiddleware` sees it, so
    it makes a new id, and the replacement is logged once that id is current."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.correlation = CorrelationIdMiddleware(
            self._with_id, header_name=REQUEST_ID_HEADER, generator=new_request_id, validator=None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = MutableHeaders(scope=scope)
        given = headers.get(REQUEST_ID_HEADER)
        if given is not None and not sane_request_id(given):
            del headers[REQUEST_ID_HEADER]
            scope[_REPLACED_KEY] = True
        await self.correlation(scope, receive, send)

    async def _with_id(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.pop(_REPLACED_KEY, False):
            log.warning(
                "the request's X-Request-ID was not a sane token (1 to 128 letters, digits and "
                "._:-) and is replaced by this request's id"
            )
        await self.app(scope, receive, send)


def redact(text: str, literals: Iterable[str] = ()) -> str:
    """`text` without the secrets the patterns recognise nor any of `literals`."""
    for literal in literals:
        text = text.replace(literal, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record so that no secret reaches a log: the message is formatted with its
    arguments and redacted (the arguments are dropped), string extras are redacted, and a
    traceback is formatted and redacted into `exc_text`. `literals` are secret values the hub
    holds, redacted wherever they appear."""

    def __init__(self, literals: Iterable[str] = ()) -> None:
        super().__init__()
        # a short literal would redact ordinary words; the hub's secrets are long
        self.literals = tuple(sorted({s for s in literals if len(s) >= 8}, key=len, reverse=True))

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, dict):
            try:
                message = record.getMessage()
            except (TypeError, ValueError):  # arguments that do not fit the format
                message = f"{record.msg} {record.args!r}"
            record.msg, record.args = redact(message, self.literals), None
        for name in [n for n in vars(record) if n not in _STANDARD_ATTRS]:
            if name in _DROPPED_EXTRAS:
                delattr(record, name)
            elif isinstance(value := getattr(record, name), str):
                setattr(record, name, redact(value, self.literals))
        if record.exc_info:
            formatted = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text, record.exc_info = redact(formatted, self.literals), None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text, self.literals)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.literals)
        return True


class HubJsonFormatter(JsonFormatter):
    """The JSON line: timestamp, level, logger, message, request_id (and any extra field)."""

    def __init__(self) -> None:
        super().__init__(
            ["levelname", "name", "message", "correlation_id"],
            rename_fields={"levelname": "level", "name": "logger", "correlation_id": "request_id"},
            rename_fields_keep_missing=True,
            timestamp=True,
            reserved_attrs=[*RESERVED_ATTRS, *_DROPPED_EXTRAS],
        )


TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"


def held_secrets(settings: Settings) -> list[str]:
    """The secret values the hub holds that must never appear in a log: the person-key secret
    (from the settings, or the file the hub keeps in its data dir; never created here) and the
    Neo4j password."""
    found: list[str] = []
    if settings.person_key_secret is not None:
        found.append(settings.person_key_secret.get_secret_value())
    else:
        kept = settings.data_dir / "person-key.secret"
        # not made yet: the hub makes it later, and logs no key it makes
        with contextlib.suppress(OSError):
            found.append(kept.read_text(encoding="utf-8").strip())
    if settings.neo4j_password is not None:
        found.append(settings.neo4j_password.get_secret_value())
    return found


def logging_config(settings: Settings) -> dict[str, Any]:
    """The `logging.config.dictConfig` of the served hub (also uvicorn's `log_config`): one
    handler on stderr for every logger, uvicorn's included, with the request id filter and
    the redaction filter."""
    json_lines = settings.log_format == "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {
                "()": CorrelationIdFilter,
                "default_value": None if json_lines else "-",
            },
            "redact": {"()": RedactSecrets, "literals": held_secrets(settings)},
        },
        "formatters": {
            "json": {"()": HubJsonFormatter},
            "text": {"format": TEXT_FORMAT},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": settings.log_format,
                "filters": ["request_id", "redact"],
            }
        },
        "root": {"handlers": ["default"], "level": settings.log_level},
        # uvicorn's loggers pass their records to the root's handler rather than their own
        "loggers": {
            name: {"handlers": [], "propagate": True, "level": settings.log_level}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
        },
    }


def configure_logging(settings: Settings) -> dict[str, Any]:
    """Configure this process's logging for the served hub; the configuration, for uvicorn."""
    config = logging_config(settings)
    logging.config.dictConfig(config)
    logging.captureWarnings(True)  # a Python warning is a log line too, not loose text
    return config
