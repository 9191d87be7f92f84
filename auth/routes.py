"""The OAuth routes the hub mounts: authorization (people's sign-in page), token,
introspection, revocation, JWKS, metadata.

service = AuthService.from_settings(settings.auth, default_issuer=..., default_keys_dir=...)
routes = [*oauth_routes(service), ...]
# at start: await service.start(driver, database); requests are verified by service.verifier
# at shutdown: await service.aclose()
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from auth.oidc import oidc_routes
from auth.service import METADATA_PATH, PATHS, AuthService


def oauth_routes(service: AuthService) -> list[BaseRoute]:
    """Every endpoint of the authorization server, at the paths the metadata announces."""
    return [
        Route(PATHS["authorization_endpoint"], service.sign_in.authorize_get, methods=["GET"]),
        Route(PATHS["authorization_endpoint"], service.sign_in.authorize_post, methods=["POST"]),
        *oidc_routes(service),  # departments' OpenID providers (auth.oidc)
        Route(PATHS["token_endpoint"], service.token_endpoint, methods=["POST"]),
        Route(PATHS["introspection_endpoint"], service.introspection_endpoint, methods=["POST"]),
        Route(PATHS["revocation_endpoint"], service.revocation_endpoint, methods=["POST"]),
        Route(PATHS["jwks_uri"], service.jwks_endpoint, methods=["GET"]),
        Route(METADATA_PATH, service.metadata_endpoint, methods=["GET"]),
    ]
