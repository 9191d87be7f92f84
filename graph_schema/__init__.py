"""The graph model of the hub: labels, relationships, enums, business keys, the USCC and
identity rules, the graph predicates every package's Cypher shares (`predicates`), the
objection state machine (`objections`), the penalties' publicity periods (`publicity`, data in
`publicity.json`), the write statements and the migrations.

May import: only itself (and third-party libraries). Every other package builds on it.
"""

from graph_schema.identity import mask_id_number, normalise_address, normalise_phone, person_key
from graph_schema.migrate import MigrationError, apply_migrations, pending_migrations
from graph_schema.model import BUSINESS_KEYS, Label, Rel
from graph_schema.uscc import UsccError, is_valid_uscc, make_uscc, validate_uscc

__all__ = [
    "BUSINESS_KEYS",
    "Label",
    "MigrationError",
    "Rel",
    "UsccError",
    "apply_migrations",
    "is_valid_uscc",
    "make_uscc",
    "mask_id_number",
    "normalise_address",
    "normalise_phone",
    "pending_migrations",
    "person_key",
    "validate_uscc",
]
