"""statistics(zone, from, to, groupBy) in the API (scope stats:read): maps to hub.stats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry

from hub.api.context import Info
from hub.api.errors import bad_user_input
from hub.stats import ZoneProgress, statistics
from hub.stats.targets import Plan

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


@strawberry.type(
    description="A zone's cross-border e-commerce operators and its registered enterprises on `to`."
)
class ZoneOperators:
    zone: str
    count: int = strawberry.field(
        description="CBEC operators: enterprises with a CBEC enterprise or overseas-warehouse "
        "filing by `to`, registered by then and neither revoked nor deregistered by then."
    )
    registered: int = strawberry.field(
        description="Every enterprise registered on `to` (ACTIVE or ABNORMAL), traders or not."
    )


@strawberry.enum(description="How a target is counted.")
class TargetKind(Enum):
    FLOW = "FLOW"
    STOCK = "STOCK"


@strawberry.enum(description="What a target's number counts.")
class TargetUnit(Enum):
    COUNT = "COUNT"
    CNY = "CNY"


@strawberry.enum(description="How the actual must compare with the target.")
class TargetComparison(Enum):
    MORE_THAN = "MORE_THAN"
    AT_LEAST = "AT_LEAST"


@strawberry.type(description="A zone's plan: where its targets come from, or why it has none.")
class ZonePlan:
    zone: str
    source: str = strawberry.field(description="The plan: title, issuer, issue date, seed.")
    seed: str = strawberry.field(description="The seed file (docs/seeds) quoted.")
    issued: dt.date
    target_count: int = strawberry.field(description="How many targets the plan sets the zone.")
    note: str = strawberry.field(
        description="What to know of the plan's text; for a zone without targets, why."
    )
    passage: str = strawberry.field(
        description="The plan's sentence on its goals, exactly as in the seed."
    )


@strawberry.type(description="A target of a zone's plan against the zone's figure for it.")
class ZoneTarget:
    zone: str
    metric: str
    label: str = strawberry.field(description="The metric in a few words.")
    definition: str = strawberry.field(description="What is counted for the target.")
    computation: str = strawberry.field(
        description="How the hub computes the actual, or why it does not."
    )
    proxy: str | None = strawberry.field(
        description="When the actual stands in for what the plan counts: what it is instead "
        "and why (declared value for a transaction volume)."
    )
    quote: str = strawberry.field(description="The plan's words, exactly as in the seed.")
    quote_english: str = strawberry.field(
        description="The quote in English: the hub's rendering where the seed is in another "
        "language, else the quote itself."
    )
    source: str = strawberry.field(description="The plan the target comes from.")
    kind: TargetKind = strawberry.field(
        description="FLOW: over the 12 months to `asOf` (`periodFrom` to `asOf`, both "
        "included); STOCK: on `asOf`."
    )
    period_from: dt.date | None = strawberry.field(description="A flow's first day.")
    as_of: dt.date = strawberry.field(description="`to`: a flow's last day, a stock's day.")
    start: dt.date = strawberry.field(description="The plan's issue date.")
    deadline: dt.date | None = strawberry.field(description="When the plan wants it reached.")
    deadline_basis: str | None = strawberry.field(
        description="How the deadline follows from the plan, or why there is none."
    )
    unit: TargetUnit
    comparison: TargetComparison
    target: Decimal = strawberry.field(description="Whole for COUNT; yuan, two decimals, for CNY.")
    actual: Decimal | None = strawberry.field(
        description="As `target`; null when the hub does not measure it (see `computation`)."
    )
    progress: float | None = strawberry.field(description="actual / target.")
    met: bool | None = strawberry.field(
        description="Whether the actual already satisfies the target (MORE_THAN is strict)."
    )


@strawberry.type(description="Trade, grades, operators and plan targets of one or all zones.")
class ZoneStatistics:
    zone: str | None
    from_: dt.date = strawberry.field(name="from")
    to: dt.date
    group_by: StatsGroupBy
    groups: list[TradeGroup]
    grade_distribution: list[GradeCount]
    operators: list[ZoneOperators]
    plans: list[ZonePlan]
    targets: list[ZoneTarget]


def _source(plan: Plan) -> str:
    return f"{plan.title}, {plan.issuer}, {plan.issued.isoformat()} (docs/seeds/{plan.seed})"


def _target(found: ZoneProgress) -> ZoneTarget:
    target, plan = found.target, found.plan
    return ZoneTarget(
        zone=found.zone,
        metric=target.metric,
        label=found.label,
        definition=target.measure,
        computation=target.actual,
        proxy=target.proxy,
        quote=target.quote,
        quote_english=target.english or target.quote,
        source=_source(plan),
        kind=TargetKind(target.kind.value),
        period_from=found.period_from,
        as_of=found.as_of,
        start=plan.issued,
        deadline=plan.deadline,
        deadline_basis=plan.deadline_basis,
        unit=TargetUnit(found.unit.value),
        comparison=TargetComparison(target.comparison.value),
        target=found.goal,
        actual=found.actual,
        progress=found.progress,
        met=found.met,
    )


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
        operators=[
            ZoneOperators(zone=z.zone, count=z.cbec_operators, registered=z.registered)
            for z in found.operators
        ],
        plans=[
            ZonePlan(
                zone=zone,
                source=_source(planned.plan),
                seed=planned.plan.seed,
                issued=planned.plan.issued,
                target_count=len(planned.targets),
                note=planned.note,
                passage=planned.passage,
            )
            for zone, planned in found.plans
        ],
        targets=[_target(t) for t in found.targets],
    )


@strawberry.type
class StatsQuery:
    @strawberry.field(
        description="Declared trade between `from` and `to` grouped by `groupBy`, the grade "
        "distribution, CBEC operators per zone, each zone's plan, and each zone against its "
        "plan targets on `to`."
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
