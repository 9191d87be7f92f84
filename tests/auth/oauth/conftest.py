"""Auth fixtures: a real authorization server (uvicorn, own Neo4j driver) with one protected
route, and a test-only external issuer serving its JWKS over HTTP."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth_kit import (
    CATALOG,
    DATABASE,
    EXTERNAL_AUDIENCE,
    EXTERNAL_ISSUER,
    ServedApp,
    basic,
    new_ed_key,
    public_jwks,
)
from joserfc.jwk import OKPKey
from neo4j import AsyncDriver, AsyncGraphDatabase
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auth.clients import AuthMethod, HubClient, add_client
from auth.http import principal_from_request, unauthorized_response
from auth.keys import SigningKeys, ensure_signing_keys, keys_path
from auth.principal import ClientKind
from auth.routes import oauth_routes
from auth.service import AuthService
from auth.settings import AuthSettings, ExternalIssuer
from auth.verify import TokenError, TokenErrorCode
from hub.localdb import free_port


@dataclasses.dataclass
class ExternalIdp:
    """The test-only external issuer: its current key and the JWKS it serves."""

    url: str
    key: OKPKey
    served: dict[str, Any]
    fetches: list[int]

    def rotate(self, kid: str) -> OKPKey:
        self.key = new_ed_key(kid)
        self.served["jwks"] = public_jwks(self.key)
        return self.key


@pytest.fixture(scope="session")
def external_idp() -> Iterator[ExternalIdp]:
    key = new_ed_key("idp-1")
    served: dict[str, Any] = {"jwks": public_jwks(key)}
    fetches: list[int] = []

    async def jwks(request: Request) -> Response:
        fetches.append(1)
        return JSONResponse(served["jwks"])

    app = Starlette(routes=[Route("/jwks.json", jwks)])
    idp = ServedApp(app, free_port(), "/jwks.json")
    fetches.clear()
    try:
        yield ExternalIdp(idp.url, key, served, fetches)
    finally:
        idp.stop()


@dataclasses.dataclass
class AuthServer:
    url: str
    keys_dir: Path
    service: AuthService

    @property
    def token_url(self) -> str:
        return f"{self.url}/oauth/token"


@pytest.fixture(scope="session")
def auth_server(
    neo4j_uri: str,
    driver: AsyncDriver,  # the migrated graph
    external_idp: ExternalIdp,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[AuthServer]:
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    keys_dir = tmp_path_factory.mktemp("keys")
    ensure_signing_keys(keys_dir)
    settings = AuthSettings(
        issuer=issuer,
        external_issuers=[
            ExternalIssuer(
                issuer=EXTERNAL_ISSUER,
                jwks_url=f"{external_idp.url}/jwks.json",
                audience=EXTERNAL_AUDIENCE,
                kind_claim="role",
                kind_map={"bank-officer": ClientKind.BANK, "tax-officer": ClientKind.TAX},
                scope_claim="scp",
                scope_map={"credit": ["credit:read"], "firms": ["enterprise:read"]},
                institution_claim="org",
                jwks_min_refetch_s=0,
            )
        ],
    )
    service = AuthService(
        settings,
        issuer=issuer,
        keys=SigningKeys(keys_path(keys_dir), reload_interval_s=0),
        scopes_supported=CATALOG,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        drv = AsyncGraphDatabase.driver(neo4j_uri, auth=None)
        await service.start(drv, DATABASE)
        try:
            yield
        finally:
            await service.aclose()
            await drv.close()

    async def whoami(request: Request) -> Response:
        try:
            principal = await principal_from_request(request, service.verifier)
        except TokenError as error:
            return unauthorized_response(error)
        if principal is None:
            return unauthorized_response(
                TokenError(TokenErrorCode.MISSING_TOKEN, "an access token is required")
            )
        return JSONResponse(
            {
                "client_id": principal.client_id,
                "kind": principal.kind.value,
                "scopes": sorted(principal.scopes),
                "institution": principal.institution,
                "issuer": principal.issuer,
                "token_id": principal.token_id,
            }
        )

    app = Starlette(routes=[*oauth_routes(service), Route("/whoami", whoami)], lifespan=lifespan)
    served = ServedApp(app, port, "/.well-known/jwks.json")
    try:
        yield AuthServer(served.url, keys_dir, service)
    finally:
        served.stop()


@pytest.fixture
async def http(auth_server: AuthServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=auth_server.url, timeout=30) as client:
        yield client


ClientFactory = Callable[..., Awaitable[tuple[HubClient, str | None]]]


@pytest.fixture
def make_client(graph: AsyncDriver) -> ClientFactory:
    """Register a client in the (emptied) graph."""

    async def make(
        kind: ClientKind = ClientKind.CUSTOMS,
        scopes: tuple[str, ...] = ("enterprise:read", "customs:read"),
        auth_method: AuthMethod = "client_secret_basic",
        **kwargs: Any,
    ) -> tuple[HubClient, str | None]:
        institution = kwargs.pop("institution", f"inst-{kind.value}")
        return await add_client(
            graph,
            DATABASE,
            kind=kind,
            scopes=scopes,
            institution=institution,
            auth_method=auth_method,
            known_scopes=CATALOG,
            **kwargs,
        )

    return make


TokenGetter = Callable[..., Awaitable[str]]


@pytest.fixture
def get_token(http: httpx.AsyncClient) -> TokenGetter:
    """A token for a basic-auth client (asserting the endpoint answered 200)."""

    async def get(client_id: str, secret: str, scope: str | None = None) -> str:
        form = {"grant_type": "client_credentials"}
        if scope is not None:
            form["scope"] = scope
        response = await http.post("/oauth/token", data=form, headers=basic(client_id, secret))
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    return get
