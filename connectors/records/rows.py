"""Records to the rows of the Cypher statements that write them, built from the record models.

A row is what one UNWIND statement of `graph_schema.writes.UPSERTS` (or
`connectors.cypher.UPDATES`) reads for one record: `props`, the fact's properties with the
lineage `source` and `batch`; endpoint keys beside it (`uscc`, `personKey`, ...); and `rel`,
the period of the relationship (`since`, `until`, lineage) for the statements that have one.

The record model is the one definition of a fact. Each record type declares a `RowShape`
beside its model in the registry, saying only where its row differs from the model: which
fields are endpoint keys (`row`) or the relationship's period (`rel`), which go under another
name (`rename`), where the batch's department is stamped, which are left out while `None`, and
the values derived from a record (`row_extra`, `props_extra`: a person key, an address key).
Every other field goes into `props` under its camelCase name. `RowWriter` compiles a shape
against its model once; values are converted by the field's type: `Decimal` to `float` (Neo4j
has no decimal), an enum to its value, a list of enums to their values; dates stay
`datetime.date`. A person's ID number only reaches a row hashed (`RowContext.person_key`).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from inspect import isclass
from typing import Any, Literal

from pydantic import BaseModel

from connectors.records.models import Party
from graph_schema.identity import person_key
from graph_schema.model import Department

__all__ = ["Row", "RowContext", "RowShape", "RowWriter", "party_row"]

Row = dict[str, Any]
"""One row of an UNWIND statement's `$rows`."""


@dataclass(frozen=True)
class RowContext:
    """What rows need besides the records: lineage, the sending department and the person key.

    `source` is the connector id and `batch` the batch id (both stamped on every fact);
    `department` is the batch's department (penalties, list entries and classifications
    belong to it); `person_secret` is the HMAC key of `person_key` (kept out of the repr).
    """

    source: str
    batch: str
    department: Department
    person_secret: bytes = field(repr=False)
    _person_keys: dict[str, str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def lineage(self) -> dict[str, str]:
        return {"source": self.source, "batch": self.batch}

    def person_key(self, id_number: str) -> str:
        """The person key rows and subjects carry for `id_number`, never the number itself."""
        # remembered for the batch: its rows and its subjects hash the same persons
        key = self._person_keys.get(id_number)
        if key is None:
            key = self._person_keys[id_number] = person_key(id_number, self.person_secret)
        return key


Extra = Callable[[Any, RowContext], Row]
"""Values derived from one record (and the batch's context), merged into its row or props."""


@dataclass(frozen=True)
class RowShape:
    """Where a record type's row differs from its model's fields (see the module doc).

    `row`: fields that are the statement's endpoint keys, beside `props`. `rel`: fields of the
    relationship's `rel` (its period); with none, the row has no `rel`. `rename`: the key the
    statement reads where it is not the field's camelCase name. `derived`: fields that reach
    the row only through an extra (hashed or split). `department`: stamp the batch's
    department in the `row` or in `props`. `unset_if_none`: props left out while `None`, so a
    record sent again does not erase what another record set (`SET n += row.props` removes a
    property set to null). `row_extra`, `props_extra`: values derived from the record, merged
    into the row or into its props.
    """

    row: tuple[str, ...] = ()
    rel: tuple[str, ...] = ()
    rename: Mapping[str, str] = field(default_factory=dict)
    derived: tuple[str, ...] = ()
    department: Literal["row", "props"] | None = None
    unset_if_none: tuple[str, ...] = ()
    row_extra: Extra | None = None
    props_extra: Extra | None = None


def _value(annotation: Any, access: str, name: str) -> str:
    """The Python expression of a field's value as a Neo4j parameter, `access` being the
    expression that reads the field: `Decimal` to `float`, an enum to its value, a list item
    by item; `None` stays `None`."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _value(typing.get_args(annotation)[0], access, name)
    if origin in (typing.Union, types.UnionType):
        kinds = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(kinds) != 1:
            raise TypeError(f"field {name}: a union of {kinds} has no row value")
        converted = _value(kinds[0], access, name)
        return access if converted == access else f"(None if {access} is None else {converted})"
    if origin is list:
        return f"[{_value(typing.get_args(annotation)[0], 'item', name)} for item in {access}]"
    if annotation is Decimal:
        return f"float({access})"
    if isclass(annotation) and issubclass(annotation, Enum):
        return f"{access}.value"
    if isclass(annotation) and issubclass(annotation, BaseModel):
        raise TypeError(f"field {name} is a model: declare it derived and give it an extra")
    return access


RowsOf = Callable[[Sequence[Any], RowContext], list[Row]]


class RowWriter:
    """A `RowShape` compiled against its record model: one function that builds the rows of
    many records.

    The function is generated as Python source, as `dataclasses` generates `__init__`: each
    row is a dict display, as fast as rows written out by hand, which ingest needs (every
    record of every batch passes here). The source holds only the model's field names (Python
    identifiers) and the statement's keys (string literals, by `repr`), never data; `source`
    keeps it for reading.
    """

    def __init__(self, model: type[BaseModel], shape: RowShape) -> None:
        fields = model.model_fields
        declared = [*shape.row, *shape.rel, *shape.derived, *shape.rename, *shape.unset_if_none]
        unknown = sorted(set(declared) - set(fields))
        if unknown:
            raise ValueError(f"{model.__name__} has no field(s) {', '.join(unknown)}")
        placed = [*shape.row, *shape.rel, *shape.derived]
        if len(placed) != len(set(placed)):
            raise ValueError(f"{model.__name__}: a field is placed twice in {shape}")

        def entry(name: str) -> str:
            key = shape.rename.get(name, fields[name].alias or name)
            value = _value(fields[name].annotation, f"r.{name}", name)
            if name in shape.unset_if_none:
                return f"**({{}} if r.{name} is None else {{{key!r}: {value}}})"
            return f"{key!r}: {value}"

        lineage = ["'source': source", "'batch': batch"]
        props = [entry(name) for name in fields if name not in placed] + lineage
        row = [entry(name) for name in shape.row]
        if shape.department is not None:
            (props if shape.department == "props" else row).append("'department': department")
        if shape.props_extra is not None:
            props.append("**props_extra(r, context)")
        row.append(f"'props': {{{', '.join(props)}}}")
        if shape.rel:
            row.append(f"'rel': {{{', '.join([*map(entry, shape.rel), *lineage])}}}")
        if shape.row_extra is not None:
            row.append("**row_extra(r, context)")
        self.source = (
            "def rows(records, context):\n"
            "    source, batch = context.source, context.batch\n"
            "    department = context.department.value\n"
            f"    return [{{{', '.join(row)}}} for r in records]\n"
        )
        names: dict[str, Any] = {"props_extra": shape.props_extra, "row_extra": shape.row_extra}
        exec(compile(self.source, f"<rows of {model.__name__}>", "exec"), names)
        self._rows: RowsOf = names["rows"]

    def rows(self, records: Sequence[BaseModel], context: RowContext) -> list[Row]:
        """One row per record, in order."""
        return self._rows(records, context)


def party_row(name: str, subject: Party, context: RowContext) -> Row:
    """A shareholder or listed subject as the statements read it: `{name}Kind` (ENTERPRISE or
    PERSON) and `name` (the USCC, or the person key)."""
    if subject.id_number is not None:
        return {f"{name}Kind": "PERSON", name: context.person_key(subject.id_number)}
    assert subject.uscc is not None  # Party holds exactly one
    return {f"{name}Kind": "ENTERPRISE", name: subject.uscc}
