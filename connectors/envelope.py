"""The signed batch: its payload (the envelope around the records) as agencies produce it.

A batch is a JWS in the flattened JSON serialisation (RFC 7515 section 7.2.2) whose protected
header names `alg` and `kid`, and whose payload is the JSON object `BatchPayload` describes.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from graph_schema.model import Department

FORMAT_VERSION = 1
RECORD_TYPE_PATTERN = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)*@[1-9][0-9]*$")
CONNECTOR_ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{1,63}$"
MAX_SEQUENCE = 2**53 - 1
"""The largest sequence a batch may carry (and a connector's sequence be reset to): exact in
every JSON parser (a JavaScript number) and far inside Neo4j's 64-bit integers."""


class BatchPayload(BaseModel):
    """What a batch carries; the records stay raw here and are validated per record type."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="forbid"
    )

    format_version: int = Field(description="Always 1 for this format.")
    connector: str = Field(pattern=CONNECTOR_ID_PATTERN)
    department: Department
    batch_id: uuid.UUID
    sequence: int = Field(
        strict=True,
        ge=1,
        le=MAX_SEQUENCE,
        description="Strictly increasing per connector; gaps allowed (up to a maximum jump).",
    )
    created_at: AwareDatetime
    record_type: str = Field(description="Type and version, e.g. customs.declaration@1.")
    records: list[dict[str, Any]] = Field(min_length=1)

    @field_validator("format_version")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise ValueError(f"format version {value} is not supported (this hub reads 1)")
        return value

    @field_validator("record_type")
    @classmethod
    def _record_type_shape(cls, value: str) -> str:
        if not RECORD_TYPE_PATTERN.match(value):
            raise ValueError(f"record type {value!r} is not of the form domain.name@version")
        return value

    def created_utc(self) -> dt.datetime:
        return self.created_at.astimezone(dt.UTC)
