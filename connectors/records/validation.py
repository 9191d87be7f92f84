"""Validating a batch's records, with every problem of every invalid record in plain words.

The fast path validates the whole list with one cached `TypeAdapter(list[Model])` (pydantic's
Rust core, no per-record Python except the checks that need it). When that fails, its errors
already locate every problem by record index; the records without errors are then validated
again as one list, to have their models for the department rules (validating 5,000 records
one by one would cost 3 to 5 times as much). A problem never quotes the value sent, so no ID
number ends up in an error.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from connectors.records.fields import (
    CODE_PATTERN,
    COUNTRY_PATTERN,
    HS_CODE_PATTERN,
    ID_PATTERN,
    INDUSTRY_BELT_PATTERN,
    RULE_ERROR,
    ZONE_PATTERN,
)
from connectors.records.registry import RecordType
from graph_schema.model import Department

__all__ = ["RecordError", "validate_records"]

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class RecordError:
    """One problem of one record: its `index` in the batch, the `field` (a dotted camelCase
    path inside the record such as `valueCny` or `holder.idNumber`; empty for the record as a
    whole) and the `reason` in plain words."""

    index: int
    field: str
    reason: str

    @property
    def path(self) -> str:
        """The field's path in the batch: `records[3].valueCny`."""
        return f"records[{self.index}]" + (f".{self.field}" if self.field else "")

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@functools.cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter[list[BaseModel]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def validate_records(
    record_type: RecordType[M], raw: Sequence[object], department: Department
) -> tuple[list[M], list[RecordError]]:
    """Validate `raw` (the batch's records, as parsed from JSON) as `record_type` sent by
    `department`.

    Returns `(records, errors)`. With no errors, `records` has one model per raw record, in
    order. Otherwise `errors` lists every problem of every invalid record (model rules and the
    department rules of `record_type.check`), sorted by index, and `records` only the records
    that were valid: the batch must then be rejected as a whole.

    Raises `ValueError` if `department` may not send `record_type` at all: a caller checks
    `record_type.allows(department)` first and refuses such a batch with its own error code.
    """
    if not record_type.allows(department):
        raise ValueError(f"department {department.value} may not send {record_type.name} records")
    if isinstance(raw, str | bytes):
        raise TypeError("records must be a list of records, not a string")
    raw = raw if isinstance(raw, list) else list(raw)
    adapter = _list_adapter(record_type.model)
    errors: list[RecordError] = []
    valid: list[tuple[int, M]]
    try:
        models: list[M] = adapter.validate_python(raw)  # type: ignore[assignment]
        valid = list(enumerate(models))
    except ValidationError as exc:
        # The list's errors already name each record's index; validate the others again as
        # one list (fast) to have their models for the department rules.
        errors = _record_errors(exc)
        failed = {e.index for e in errors}
        rest = [index for index in range(len(raw)) if index not in failed]
        try:
            others: list[M] = adapter.validate_python([raw[i] for i in rest])  # type: ignore[assignment]
            valid = list(zip(rest, others, strict=True))
        except ValidationError:  # not expected: validation is deterministic
            valid = []
            for index in rest:
                try:
                    valid.append((index, record_type.model.model_validate(raw[index])))
                except ValidationError as again:
                    errors.extend(_record_errors(again, index))
    if record_type.check is not None:
        check = record_type.check
        for index, model in valid:
            errors.extend(RecordError(index, f, reason) for f, reason in check(model, department))
    if not errors:
        return [model for _, model in valid], []
    failed = {e.index for e in errors}
    errors.sort(key=lambda e: e.index)
    return [model for index, model in valid if index not in failed], errors


# --- pydantic's errors in plain words -----------------------------------------------------------

_PATTERN_WORDS: Final[dict[str, str]] = {
    ID_PATTERN: (
        "must be 1 to 64 ASCII letters, digits or . _ : / -, starting with a letter or digit"
    ),
    CODE_PATTERN: "must be an upper-case code of 2 to 64 characters (A-Z, 0-9, _)",
    ZONE_PATTERN: "must be a zone code of 2 to 32 capital letters or _",
    INDUSTRY_BELT_PATTERN: "must be an industry belt code of 2 to 48 capitals, digits or _",
    COUNTRY_PATTERN: "must be an ISO 3166-1 alpha-2 country code (two capital letters)",
    HS_CODE_PATTERN: "must be an HS code of 6 to 10 digits",
}

_FIXED_WORDS: Final[dict[str, str]] = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this record type",
    "string_type": "must be a string",
    "date_type": "must be a date as YYYY-MM-DD",
    "date_parsing": "must be a date as YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date as YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date as YYYY-MM-DD",
    "decimal_type": 'must be a decimal number (a JSON number or a string such as "12.50")',
    "decimal_parsing": 'must be a decimal number (a JSON number or a string such as "12.50")',
    "finite_number": "must be a finite number",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
}


def _words(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    fixed = _FIXED_WORDS.get(kind)
    if fixed is not None:
        return fixed
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "enum":
        return f"must be one of {ctx['expected']}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx["pattern"])
        return _PATTERN_WORDS.get(pattern, f"must match the pattern {pattern}")
    if kind == "string_too_short":
        return "must not be empty" if ctx["min_length"] == 1 else error["msg"].lower()
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "too_long":
        return f"must have at most {ctx['max_length']} items"
    if kind == "decimal_max_places":
        return f"must have at most {ctx['decimal_places']} decimal places"
    if kind == "decimal_max_digits":
        return f"must have at most {ctx['max_digits']} digits in all"
    if kind == "greater_than_equal":
        return "must not be negative" if ctx["ge"] == 0 else f"must be at least {ctx['ge']}"
    if kind == "greater_than":
        return f"must be greater than {ctx['gt']}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}"
    if kind == "less_than":
        return f"must be less than {ctx['lt']}"
    return str(error["msg"])


def _record_errors(exc: ValidationError, index: int | None = None) -> list[RecordError]:
    """Pydantic's errors as `RecordError`s (no input values quoted): of the list of records,
    whose error locations start with the record's index, or of the record at `index`."""
    found: list[RecordError] = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = error["loc"]
        if index is None:
            at, loc = int(loc[0]), loc[1:]
        else:
            at = index
        where = [str(part) for part in loc]
        if error["type"] == RULE_ERROR:
            for field, reason in error.get("ctx", {})["problems"]:
                path = [*where, field] if field else where
                found.append(RecordError(at, ".".join(path), reason))
        else:
            found.append(RecordError(at, ".".join(where), _words(error)))
    return found
