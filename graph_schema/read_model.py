"""How a Cypher record becomes a typed object: one mechanism for every read of the hub.

A read type subclasses `ReadModel` and names its fields once, in snake_case; a map the query
returns arrives with the graph's camelCase keys and is validated as it comes,
`Thing.model_validate(record["thing"])`, a whole record as `Thing.model_validate(record.data())`
(on a hot path, the record's keys zipped with its values: `data()` walks every value). Keys
the type does not name are ignored; a key the graph spells otherwise gets its
`Field(alias=...)`. The annotated types below convert what the driver returns but a plain
field would refuse (Neo4j's own temporal types), what the graph leaves null where the type
holds an empty value, and sums the graph computes as floats. Work beyond copying (combining
records, computing a value) stays in a named function of the reading module.

Words: a Cypher *record* is what a query returns (`neo4j.Record`, one per result line); an
UNWIND parameter is a *row*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from neo4j import AsyncDriver, Record, RoutingControl
from neo4j.time import Date, DateTime
from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel


class ReadModel(BaseModel):
    """Base of every type a Cypher record is read into: camelCase keys, immutable."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


def _python(value: Any) -> Any:
    """A Neo4j date or date-time as Python's; anything else as it is."""
    return value.to_native() if isinstance(value, Date | DateTime) else value


def _empty_if_null(value: Any) -> Any:
    return () if value is None else value


def _blank_if_null(value: Any) -> Any:
    return "" if value is None else value


def _cents(value: Any) -> Any:
    return value if isinstance(value, Decimal) else Decimal(str(round(value or 0.0, 2)))


GraphDate = Annotated[dt.date, BeforeValidator(_python)]
"""A date read from the graph (a `neo4j.time.Date`)."""
GraphDateTime = Annotated[dt.datetime, BeforeValidator(_python)]
"""A date-time read from the graph (a `neo4j.time.DateTime`)."""

_Item = TypeVar("_Item")
EmptyIfNull = Annotated[tuple[_Item, ...], BeforeValidator(_empty_if_null)]
"""A list property read as a tuple; an absent (null) one is empty."""
BlankIfNull = Annotated[str, BeforeValidator(_blank_if_null)]
"""A text property; an absent (null) one is the empty string."""
GraphMoney = Annotated[Decimal, BeforeValidator(_cents)]
"""A sum of money the graph computed as a float (null: nothing to sum), to the cent."""


async def read_records(
    driver: AsyncDriver, database: str, query: str, params: Mapping[str, Any]
) -> list[Record]:
    """Run a read query (routed to a reader on a cluster) and return its records as they come,
    for a `ReadModel` to validate."""
    records, _, _ = await driver.execute_query(
        query, dict(params), routing_=RoutingControl.READ, database_=database
    )
    return records
