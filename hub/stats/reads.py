"""Reads the statistics and sets each zone's figures against its plan targets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from neo4j import AsyncDriver
from pydantic import BeforeValidator, Field

from graph_schema.dates import add_months
from graph_schema.read_model import GraphMoney, ReadModel, read_records
from hub.stats import cypher
from hub.stats.targets import METRIC_LABELS, PlanTargets


class Group(ReadModel):
    """The export declarations of one group (`cypher.DECLARATIONS_BY`): their count and value."""

    key: Annotated[str, BeforeValidator(str)]
    """A month (YYYY-MM), mode, destination or industry belt; a missing one reads "None"."""
    declarations: int = Field(alias="count")
    value_cny: GraphMoney = Field(alias="value")


@dataclass(frozen=True)
class ZoneProgress:
    zone: str
    metric: str
    label: str
    target: float
    actual: float | None  # None: the hub holds no data for it (parks)
    source: str

    @property
    def progress(self) -> float | None:
        return None if self.actual is None else self.actual / self.target


@dataclass(frozen=True)
class Statistics:
    zone: str | None
    start: dt.date
    end: dt.date
    group_by: str
    groups: tuple[Group, ...]
    grades: tuple[tuple[str, int], ...]
    operators: tuple[tuple[str, int], ...]
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
    params = {"zone": zone, "from": start, "to": end, "year_ago": add_months(end, -12)}
    groups = await read_records(driver, database, cypher.DECLARATIONS_BY[group_by], params)
    grades = await read_records(driver, database, cypher.GRADE_DISTRIBUTION, params)
    zones = await read_records(driver, database, cypher.ZONE_FIGURES, params)
    progress = []
    for zone_figures in zones:
        planned = plan.zones.get(zone_figures["zone"])
        if planned is None:
            continue
        actual: dict[str, float | None] = {
            "operators": zone_figures["operators"],
            "annual_value_cny": zone_figures["annualValue"],
            "industry_belts": zone_figures["industryBelts"],
            "parks": None,
        }
        progress += [
            ZoneProgress(
                zone_figures["zone"],
                metric,
                METRIC_LABELS[metric],
                target,
                actual[metric],
                planned.source,
            )
            for metric, target in planned.targets.items()
        ]
    return Statistics(
        zone=zone,
        start=start,
        end=end,
        group_by=group_by,
        groups=tuple(Group.model_validate(group.data()) for group in groups),
        grades=tuple((g["grade"], g["count"]) for g in grades),
        operators=tuple((z["zone"], z["operators"]) for z in zones),
        targets=tuple(progress),
    )
