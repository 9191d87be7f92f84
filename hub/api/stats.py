"""statistics(zone, from, to, groupBy) in the API (scope stats:read): maps to hub.stats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry

from hub.api.context import Info
from hub.api.errors import bad_user_input
from hub.stats import statistics

MAX_RANGE_DAYS = 3660  # ten years of declarations in one answer is plenty


@strawberry.enum(description="How declared trade is grouped.")
class StatsGroupBy(Enum):
    MONTH = "MONTH"
    MODE = "MODE"
    DESTINATION = "DESTINATION"
    INDUSTRY_BELT = "INDUSTRY_BELT"


@strawberry.type(description="Declarations of one group: how many, and their value.")
class TradeGroup:
    key: str = strawberry.field(description="YYYY-MM, a mode, a destination or a belt code.")
    declarations: int
    value_cny: Decimal


@strawberry.type(description="How many enterprises hold a grade (stored ratings).")
class GradeCount:
    grade: str = strawberry.field(
        description="A, B, C, D, M, N (not graded: revoked or deregistered), or UNRATED."
    )
    count: int


@strawberry.type(description="Active enterprises of a zone.")
class ZoneOperators:
    zone: str
    count: int


@strawberry.type(description="A zone's figure against its plan target.")
class ZoneTarget:
    zone: str
    metric: str
    label: str
    target: float
    actual: float | None = strawberry.field(description="Null when the hub holds no such data.")
    progress: float | None = strawberry.field(description="actual / target.")
    source: str = strawberry.field(description="The plan the target comes from.")


@strawberry.type(description="Trade, grades, operators and plan targets of one or all zones.")
class ZoneStatistics:
    zone: str | None
    from_: dt.date = strawberry.field(name="from")
    to: dt.date
    group_by: StatsGroupBy
    groups: list[TradeGroup]
    grade_distribution: list[GradeCount]
    operators: list[ZoneOperators]
    targets: list[ZoneTarget]


async def zone_statistics(
    info: Info, zone: str | None, start: dt.date, end: dt.date, group_by: StatsGroupBy
) -> ZoneStatistics:
    if end < start:
        raise bad_user_input(f"to ({end}) is before from ({start})", argument="to")
    if (end - start).days > MAX_RANGE_DAYS:
        raise bad_user_input(
            f"from {start} to {end} spans more than {MAX_RANGE_DAYS} days", argument="from"
        )
    services = info.context.services
    found = await statistics(
        services.driver,
        services.database,
        services.rules.plan_targets,
        zone=zone,
        start=start,
        end=end,
        group_by=group_by.value,
    )
    return ZoneStatistics(
        zone=found.zone,
        from_=found.start,
        to=found.end,
        group_by=group_by,
        groups=[
            TradeGroup(key=g.key, declarations=g.declarations, value_cny=g.value_cny)
            for g in found.groups
        ],
        grade_distribution=[GradeCount(grade=grade, count=count) for grade, count in found.grades],
        operators=[ZoneOperators(zone=z, count=count) for z, count in found.operators],
        targets=[
            ZoneTarget(
                zone=t.zone,
                metric=t.metric,
                label=t.label,
                target=t.target,
                actual=t.actual,
                progress=t.progress,
                source=t.source,
            )
            for t in found.targets
        ],
    )


@strawberry.type
class StatsQuery:
    @strawberry.field(
        description="Declared trade between `from` and `to` grouped by `groupBy`, the grade "
        "distribution, operators per zone, and each zone against its plan targets."
    )
    async def statistics(
        self,
        info: Info,
        from_: Annotated[dt.date, strawberry.argument(name="from")],
        to: dt.date,
        group_by: StatsGroupBy = StatsGroupBy.MONTH,
        zone: str | None = None,
    ) -> ZoneStatistics:
        return await zone_statistics(info, zone, from_, to, group_by)
