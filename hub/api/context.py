"""What every resolver receives: the hub's services, who is asking, what they may see, the
request's loaders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from graphql import GraphQLError
from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from auth.policy import Decision
from auth.principal import Principal
from hub.api.loaders import Loaders
from hub.bootstrap import Services


@dataclass
class Context:
    request: Request | WebSocket
    services: Services
    """What the hub was put together from at start (`hub.bootstrap`)."""
    loaders: Loaders
    principal: Principal
    decide: Callable[[str, str], Decision]
    now: dt.datetime
    """The instant the request works as of (the hub's clock, read once per operation)."""
    purpose: str | None = None
    connection_params: dict[str, object] | None = None
    """A WebSocket's connection_init payload (strawberry sets it; it carries the token)."""
    consents_used: set[str] = field(default_factory=set)
    """The consents a bank's or insurer's reads were checked against: the audit records them."""


Info = StrawberryInfo[Context, None]


def own_uscc(info: Info, doing: str) -> str:
    """The caller's own enterprise, for what only an enterprise does for itself (`doing`:
    "manages its consents"); anyone else is FORBIDDEN."""
    uscc = info.context.principal.enterprise_uscc
    if uscc is None:
        raise GraphQLError(
            f"only an enterprise's own client {doing}", extensions={"code": "FORBIDDEN"}
        )
    return uscc
