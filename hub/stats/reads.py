"""Reads the statistics and sets each zone's figures against its plan targets (`progress`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from neo4j import AsyncDriver
from pydantic import BeforeValidator, Field

from graph_schema.dates import add_months
from graph_schema.read_model import GraphMoney, ReadModel, read_records
from hub.stats import cypher
from hub.stats.progress import ZoneFigures, ZoneProgress, zone_progress
from hub.stats.targets import PlanTargets, ZonePlan


class Group(ReadModel):
    """The export declarations of one group (`cypher.DECLARATIONS_BY`): their count and value."""

    key: Annotated[str, BeforeValidator(str)]
    """A month (YYYY-MM), mode, destination or industry belt; a missing one reads "None"."""
    declarations: int = Field(alias="count")
    value_cny: GraphMoney = Field(alias="value")


@dataclass(frozen=True)
class Statistics:
    zone: str | None
    start: dt.date
    end: dt.date
    group_by: str
    groups: tuple[Group, ...]
    grades: tuple[tuple[str, int], ...]
    operators: tuple[ZoneFigures, ...]
    """Each zone's figures on `end` (its CBEC operators and registered enterprises)."""
    plans: tuple[tuple[str, ZonePlan], ...]
    """Each zone's plan (`plan_targets`, whether or not the graph holds the zone), with the
    note of a zone that has no target."""
    targets: tuple[ZoneProgress, ...]


async def statistics(
    driver: AsyncDriver,
    database: str,
    plan: PlanTargets,
    *,
    zone: str | None,
    start: dt.date,
    end: dt.date,
    group_by: str,
) -> Statistics:
    params = {
        "zone": zone,
        "from": start,
        "to": end,
        "year_ago": add_months(end, -12),
        "cbec_kinds": list(plan.cbec_filing_kinds),
        "belt_min": plan.belt_min_cbec_operators,
    }
    groups = await read_records(driver, database, cypher.DECLARATIONS_BY[group_by], params)
    grades = await read_records(driver, database, cypher.GRADE_DISTRIBUTION, params)
    zones = [
        ZoneFigures.model_validate(record.data())
        for record in await read_records(driver, database, cypher.ZONE_FIGURES, params)
    ]
    planned = tuple((code, p) for code, p in plan.zones.items() if zone in (None, code))
    progress = [
        row
        for figures in zones
        if figures.zone in plan.zones
        for row in zone_progress(plan.zones[figures.zone], figures, end)
    ]
    return Statistics(
        zone=zone,
        start=start,
        end=end,
        group_by=group_by,
        groups=tuple(Group.model_validate(group.data()) for group in groups),
        grades=tuple((g["grade"], g["count"]) for g in grades),
        operators=tuple(zones),
        plans=planned,
        targets=tuple(progress),
    )
