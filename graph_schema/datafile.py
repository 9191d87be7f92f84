"""The versioned data files (rating model, joint rules, risk rules, plan targets, the scope
catalog, the publicity periods): read as JSON, validated by a pydantic model, and refused with
one message naming the file and every problem, so a bad policy change stops the hub at start
instead of rating with it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def describe_error(error: ValidationError) -> str:
    """A pydantic error as one line: each location and its message."""
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def validate_data(model: type[M], data: Any, what: str, source: str, error: type[ValueError]) -> M:
    """`data` (parsed JSON) as `model`; else `error("<what> <source>: <problems>")`."""
    try:
        return model.model_validate(data)
    except ValidationError as invalid:
        raise error(f"{what} {source}: {describe_error(invalid)}") from None


def load_data_file(model: type[M], path: Path, what: str, error: type[ValueError]) -> M:
    """Read `path` as JSON and validate it as `model`; problems raise `error`, naming both."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as bad:
        raise error(f"{what} {path}: not JSON: {bad}") from None
    return validate_data(model, data, what, str(path), error)
