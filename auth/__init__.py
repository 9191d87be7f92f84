"""Who may see what: OAuth clients and tokens, the scope catalog, the access policy, consents
and the audit trail.

May import: `graph_schema`. Never `connectors` or `hub`.
"""

from auth.principal import ClientKind, Principal

__all__ = ["ClientKind", "Principal"]
