"""Who may see what: OAuth clients and tokens, the scope catalog, the access policy, audit."""

from auth.principal import ClientKind, Principal

__all__ = ["ClientKind", "Principal"]
