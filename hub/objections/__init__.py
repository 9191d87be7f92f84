"""Objections an enterprise files against its own penalties, list entries and classifications."""

from hub.objections.store import (
    Objection,
    ObjectionError,
    check_reason,
    file_objection,
    objection_queue,
    objections_of,
)

__all__ = [
    "Objection",
    "ObjectionError",
    "check_reason",
    "file_objection",
    "objection_queue",
    "objections_of",
]
