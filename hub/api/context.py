"""What every resolver receives: the reader, the request's loaders and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from hub.api.loaders import Loaders
from hub.repository import EnterpriseReader
from hub.settings import Settings


@dataclass
class Context:
    request: Request | WebSocket
    reader: EnterpriseReader
    loaders: Loaders
    settings: Settings


Info = StrawberryInfo[Context, None]
