"""The graph model of the hub: labels, relationships, property models, keys and migrations."""

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
