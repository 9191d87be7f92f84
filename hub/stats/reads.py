"""Reads the statistics and sets each zone's figures against its plan targets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from neo4j import AsyncDriver

from graph_schema.dates import add_months
from hub.repository import read_rows
from hub.stats import cypher
from hub.stats.targets import METRIC_LABELS, PlanTargets


@dataclass(frozen=True)
class Group:
    key: str
    declarations: int
    value_cny: Decimal


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


def _money(value: float | None) -> Decimal:
    return Decimal(str(round(value or 0.0, 2)))


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
    groups = await read_rows(driver, database, cypher.DECLARATIONS_BY[group_by], params)
    grades = await read_rows(driver, database, cypher.GRADE_DISTRIBUTION, params)
    zones = await read_rows(driver, database, cypher.ZONE_FIGURES, params)
    progress = []
    for row in zones:
        planned = plan.zones.get(row["zone"])
        if planned is None:
            continue
        actual: dict[str, float | None] = {
            "operators": row["operators"],
            "annual_value_cny": row["annualValue"],
            "industry_belts": row["industryBelts"],
            "parks": None,
        }
        progress += [
            ZoneProgress(
                row["zone"], metric, METRIC_LABELS[metric], target, actual[metric], planned.source
            )
            for metric, target in planned.targets.items()
        ]
    return Statistics(
        zone=zone,
        start=start,
        end=end,
        group_by=group_by,
        groups=tuple(Group(str(g["key"]), g["count"], _money(g["value"])) for g in groups),
        grades=tuple((g["grade"], g["count"]) for g in grades),
        operators=tuple((z["zone"], z["operators"]) for z in zones),
        targets=tuple(progress),
    )
