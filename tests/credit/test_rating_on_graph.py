"""The credit engine end to end on the real graph: tiny hand-built graphs, `recompute_all`, and
the stored current rating read back, so the gathering Cypher, the engine and storage all count.

Every expected number is worked out here from the rating model 2026.4 (hub/credit/model.json):
the base is 80; bands A 90-100, B 70-89, C 40-69, D 0-39. The subject is an enterprise
registered in 2015 with a ROUTINE customs classification (0 points, but a fact: without any
fact it would be grade M for thin data), so it rates B at 80 and each case moves it by exactly
the points of the facts it adds.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pytest
from graph_kit import DATABASE
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc
from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer, RecomputeReport

MODEL = load_model()
RULES = load_joint_rules()
AS_OF = dt.date(2026, 11, 1)

BASE = 80  # model base: neutral facts rate B
TOP_OF_D = 39  # a forced D holds the score at most at the top of the D band
HOP1 = -12  # network hop1_points, halved per further hop


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"RG{i:06d}")


SUBJECT = u(0)

# Neutral enterprises: registered long ago, customs ROUTINE (0 points) since 2020.
NEUTRAL = """
UNWIND $usccs AS uscc
CREATE (e:Enterprise {uscc: uscc, name: 'E-' + uscc, zone: 'KAIFENG', status: 'ACTIVE',
                      registeredOn: date('2015-01-01')})
CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'ROUTINE-' + uscc, department: 'CUSTOMS',
        scheme: 'CUSTOMS_CREDIT', value: 'ROUTINE', effectiveFrom: date('2020-01-01')})
"""

ROUTINE = ("CUSTOMS_ROUTINE", 0)


@dataclass(frozen=True)
class Stored:
    """An enterprise's current stored rating."""

    score: int
    grade: str
    forced_by: str | None
    as_of: str
    factors: list[dict[str, Any]]

    @property
    def codes(self) -> list[tuple[str, int]]:
        return [(factor["code"], factor["points"]) for factor in self.factors]


async def neutral(graph: AsyncDriver, *usccs: str) -> None:
    await graph.execute_query(NEUTRAL, usccs=list(usccs), database_=DATABASE)


async def run(graph: AsyncDriver, query: str, **params: Any) -> None:
    await graph.execute_query(query, params, database_=DATABASE)


async def rate_all(graph: AsyncDriver, as_of: dt.date = AS_OF) -> RecomputeReport:
    recomputer = CreditRecomputer(graph, DATABASE, MODEL, RULES)
    return await recomputer.recompute_all(as_of)


async def stored(graph: AsyncDriver, uscc: str = SUBJECT) -> Stored:
    records, _, _ = await graph.execute_query(
        "MATCH (e:Enterprise {uscc: $u})-[:CURRENT_RATING]->(r:Rating) "
        "RETURN r.score AS score, r.grade AS grade, r.forcedBy AS forcedBy, "
        "toString(r.asOf) AS asOf, r.factors AS factors",
        u=uscc,
        database_=DATABASE,
    )
    assert len(records) == 1, f"{uscc} has {len(records)} current ratings"
    row = records[0]
    return Stored(
        score=row["score"],
        grade=row["grade"],
        forced_by=row["forcedBy"],
        as_of=row["asOf"],
        factors=json.loads(row["factors"]),
    )


async def rating_of(graph: AsyncDriver, as_of: dt.date = AS_OF) -> Stored:
    await rate_all(graph, as_of)
    return await stored(graph)


def decayed(points: int, elapsed: int, period: int) -> int:
    """A published penalty's points on day `elapsed` of `period`: linear to half (the model's
    decay floor of 50%), rounded half away from zero."""
    value = points * (1 - Fraction(50, 100) * Fraction(elapsed, period))
    magnitude = int(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def test_the_numbers_here_are_those_of_model_2026_4() -> None:
    assert MODEL.version == "2026.4"
    assert MODEL.base.points == BASE
    assert MODEL.top_of("D") == TOP_OF_D
    assert (MODEL.network.hop1_points, MODEL.network.max_hops) == (HOP1, 3)


async def test_neutral_enterprise_rates_b_at_the_base_and_one_without_facts_m(
    graph: AsyncDriver,
) -> None:
    await neutral(graph, SUBJECT)
    await run(
        graph,
        "CREATE (:Enterprise {uscc: $u, name: 'bare', zone: 'KAIFENG', status: 'ACTIVE', "
        "registeredOn: date('2015-01-01')})",
        u=u(1),
    )
    report = await rate_all(graph)
    assert report.ratings_written == 2
    subject = await stored(graph)
    assert (subject.score, subject.grade, subject.forced_by) == (BASE, "B", None)
    assert subject.codes == [ROUTINE]
    assert subject.as_of == AS_OF.isoformat()
    bare = await stored(graph, u(1))
    assert (bare.score, bare.grade, bare.codes) == (BASE, "M", [("M_THIN_DATA", 0)])


# --- each factor alone --------------------------------------------------------------------------

_ON_SUBJECT = "MATCH (e:Enterprise {uscc: $subject}) "

# 20 import orders in the window, each on its import inventory list (buyer Anna) and paid by
# Anna; the first `i <= $unmatched` are paid 1 CNY short (an amount mismatch).
# paid = goods + freight + tax - discount = 100 + 10 + 5 - 0 = 115
ORDERS = (
    _ON_SUBJECT
    + """
UNWIND range(1, 20) AS i
CREATE (e)-[:SOLD]->(o:Order {id: 'O' + i, orderedOn: date('2026-06-01'), goodsCny: 100.0,
        direction: 'IMPORT', freightCny: 10.0, taxCny: 5.0, discountCny: 0.0,
        consigneeName: 'Anna', consigneePhone: '1', consigneeAddress: 'x'})
CREATE (:InventoryList {id: 'INV' + i, direction: 'IMPORT', declaredOn: date('2026-06-01'),
        goodsCny: 100.0, freightCny: 10.0, buyerName: 'Anna', consigneeAddress: 'x'})
       -[:DECLARES]->(o)
CREATE (:Payment {id: 'PAY' + i, paidOn: date('2026-06-02'), payerName: 'Anna',
        amountCny: CASE WHEN i <= $unmatched THEN 114.0 ELSE 115.0 END})-[:PAYS]->(o)
CREATE (:Waybill {id: 'WB' + i, shippedOn: date('2026-06-03'), consigneeName: 'Anna',
        consigneePhone: '1', consigneeAddress: 'x'})-[:SHIPS]->(o)
"""
)

# Exports declared in the window in any mode: 120000 (9710) + 80000 (9610) = 200000 CNY
# (>= 100000); a 1210 import does not count. Export proceeds of $collected come from abroad; a
# Chinese buyer's payment of 1,000,000 is domestic payment flow, not a collection, and the
# proceeds of D0, declared before the window, belong to D0's window.
COLLECTIONS = (
    _ON_SUBJECT
    + """
CREATE (e)-[:DECLARED]->(:Declaration {id: 'D1', direction: 'EXPORT', mode: '9710',
        declaredOn: date('2026-03-01'), valueCny: 120000.0})
CREATE (e)-[:DECLARED]->(:Declaration {id: 'D2', direction: 'EXPORT', mode: '9610',
        declaredOn: date('2026-04-01'), valueCny: 80000.0})
CREATE (e)-[:DECLARED]->(:Declaration {id: 'D3', direction: 'IMPORT', mode: '1210',
        declaredOn: date('2026-04-01'), valueCny: 500000.0})
CREATE (e)-[:RECEIVED]->(:ExportReceipt {id: 'R1', receivedOn: date('2026-07-01'),
        amount: $collected / 7.0, currency: 'USD', amountCny: $collected, payerCountry: 'US',
        declarationId: 'D1'})
CREATE (e)-[:DECLARED]->(:Declaration {id: 'D0', direction: 'EXPORT', mode: '9710',
        declaredOn: date('2025-01-10'), valueCny: 300000.0})
CREATE (e)-[:RECEIVED]->(:ExportReceipt {id: 'R0', receivedOn: date('2026-01-05'),
        amount: 300000.0, currency: 'CNY', amountCny: 300000.0, payerCountry: 'KZ',
        declarationId: 'D0'})
CREATE (buyer:Enterprise {uscc: $buyer, name: 'buyer', zone: 'KAIFENG', status: 'ACTIVE',
        registeredOn: date('2015-01-01')})
CREATE (buyer)-[:PAID]->(:TradePayment {id: 'T1', paidOn: date('2026-07-01'),
        amountCny: 1000000.0})-[:PAID_TO]->(e)
"""
)


def classified(scheme: str, value: str, department: str) -> str:
    return _ON_SUBJECT + (
        f"CREATE (e)-[:CLASSIFIED]->(:Classification {{id: 'C-{scheme}', "
        f"department: '{department}', scheme: '{scheme}', value: '{value}', "
        "effectiveFrom: date('2025-01-01')})"
    )


def loan(status: str) -> str:
    return _ON_SUBJECT + (
        f"CREATE (e)-[:BORROWED]->(:Loan {{id: 'LN-{status}', status: '{status}', "
        "grantedOn: date('2025-01-01'), dueOn: date('2026-01-01')})"
    )


GENERAL_PENALTY_TODAY = _ON_SUBJECT + (
    "CREATE (e)-[:PENALISED]->(:Penalty {id: 'P1', department: 'CUSTOMS', severity: 'GENERAL', "
    "decidedOn: $as_of, publicUntil: date('2027-11-01'), amountCny: 5000.0})"
)

ABNORMAL_OPERATION = _ON_SUBJECT + (
    "CREATE (e)-[:LISTED]->(:ListEntry {id: 'L1', list: 'ABNORMAL_OPERATION', "
    "department: 'SAMR', listedOn: date('2026-01-01'), expiresOn: date('2029-01-01')})"
)


@pytest.mark.parametrize(
    ("query", "params", "factors", "score", "grade"),
    [
        pytest.param(
            # the later customs classification (2025) replaces ROUTINE (2020)
            classified("CUSTOMS_CREDIT", "ADVANCED_CERTIFIED", "CUSTOMS"),
            {},
            [("CUSTOMS_ADVANCED_CERTIFIED", 10)],
            BASE + 10,
            "A",
            id="customs advanced certified",
        ),
        pytest.param(
            classified("TAX_CREDIT", "C", "TAX"),
            {},
            [ROUTINE, ("TAX_C", -15)],
            BASE - 15,
            "C",
            id="tax grade C",
        ),
        pytest.param(
            classified("EXPORT_REFUND_CLASS", "4", "TAX"),
            {},
            [ROUTINE, ("EXPORT_REFUND_4", -10)],
            BASE - 10,  # 70: bottom of B
            "B",
            id="export-refund class 4",
        ),
        pytest.param(
            classified("SAFE_GOODS_TRADE", "B", "SAFE"),
            {},
            [ROUTINE, ("SAFE_B", -5)],
            BASE - 5,
            "B",
            id="SAFE class B",
        ),
        pytest.param(
            GENERAL_PENALTY_TODAY,
            {"as_of": AS_OF},
            [ROUTINE, ("PENALTY_GENERAL", -8)],  # day 0: no decay yet
            BASE - 8,
            "B",
            id="general penalty on its decision day",
        ),
        pytest.param(
            ABNORMAL_OPERATION,
            {},
            [ROUTINE, ("LIST_ABNORMAL_OPERATION", -10)],
            BASE - 10,
            "B",
            id="abnormal operation list",
        ),
        pytest.param(
            loan("OVERDUE"),
            {},
            [ROUTINE, ("LOAN_OVERDUE", -10)],
            BASE - 10,
            "B",
            id="overdue loan",
        ),
        pytest.param(
            loan("DEFAULT"),
            {},
            [ROUTINE, ("LOAN_DEFAULT", -25)],
            BASE - 25,
            "C",
            id="defaulted loan",
        ),
        pytest.param(
            ORDERS,
            {"unmatched": 0},
            [ROUTINE, ("ORDER_MATCH", 3)],  # 20 of 20 = 100% >= 98%
            BASE + 3,
            "B",
            id="orders all matched",
        ),
        pytest.param(
            ORDERS,
            {"unmatched": 3},
            [ROUTINE, ("ORDER_MATCH", -10)],  # 17 of 20 = 85%: 75% or more, under 90%
            BASE - 10,
            "B",
            id="orders 85% matched",
        ),
        pytest.param(
            COLLECTIONS,
            {"buyer": u(1), "collected": 180000.0},
            [ROUTINE, ("COLLECTION_RATIO", 2)],  # 180000 / 200000 = 90% >= 90%
            BASE + 2,
            "B",
            id="collections 90%",
        ),
        pytest.param(
            COLLECTIONS,
            {"buyer": u(1), "collected": 80000.0},
            [ROUTINE, ("COLLECTION_RATIO", -10)],  # 80000 / 200000 = 40% < 50%
            BASE - 10,
            "B",
            id="collections 40%",
        ),
        pytest.param(
            COLLECTIONS,
            {"buyer": u(1), "collected": 0.0},
            [ROUTINE, ("COLLECTION_RATIO", -10)],  # 0 / 200000: the domestic payment is not one
            BASE - 10,
            "B",
            id="domestic payments are not collections",
        ),
    ],
)
async def test_each_factor_alone(
    graph: AsyncDriver,
    query: str,
    params: dict[str, Any],
    factors: list[tuple[str, int]],
    score: int,
    grade: str,
) -> None:
    await neutral(graph, SUBJECT)
    await run(graph, query, subject=SUBJECT, **params)
    rating = await rating_of(graph)
    assert rating.codes == factors
    assert (rating.score, rating.grade, rating.forced_by) == (score, grade, None)


async def test_a_factor_carries_its_evidence(graph: AsyncDriver) -> None:
    await neutral(graph, SUBJECT)
    await run(graph, ORDERS, subject=SUBJECT, unmatched=3)
    rating = await rating_of(graph)
    order_match = rating.factors[-1]
    assert order_match["code"] == "ORDER_MATCH"
    assert sorted(order_match["evidence"]) == ["O1", "O2", "O3"]  # the unmatched orders
    assert "17 of 20" in order_match["reason"]


# --- D overrides --------------------------------------------------------------------------------

SERIOUS_DISHONESTY = _ON_SUBJECT + (
    "CREATE (e)-[:LISTED]->(:ListEntry {id: 'SD1', list: 'SERIOUS_DISHONESTY', "
    "department: 'SAMR', listedOn: date('2026-01-01'), expiresOn: date('2029-01-01')})"
)


@pytest.mark.parametrize(
    ("query", "factors", "forced_by", "score"),
    [
        pytest.param(
            classified("CUSTOMS_CREDIT", "SERIOUSLY_DISHONEST", "CUSTOMS"),
            [("CUSTOMS_SERIOUSLY_DISHONEST", -40)],
            "CUSTOMS_SERIOUSLY_DISHONEST",
            min(BASE - 40, TOP_OF_D),  # 40 held at 39
            id="customs seriously dishonest",
        ),
        pytest.param(
            classified("TAX_CREDIT", "D", "TAX"),
            [ROUTINE, ("TAX_D", -40)],
            "TAX_D",
            min(BASE - 40, TOP_OF_D),
            id="tax D",
        ),
        pytest.param(
            SERIOUS_DISHONESTY,
            [ROUTINE, ("LIST_SERIOUS_DISHONESTY", -40)],
            "LIST_SERIOUS_DISHONESTY",
            min(BASE - 40, TOP_OF_D),
            id="serious dishonesty list",
        ),
        pytest.param(
            classified("TAX_CREDIT", "D", "TAX") + "\nWITH e\n" + loan("DEFAULT"),
            [ROUTINE, ("TAX_D", -40), ("LOAN_DEFAULT", -25)],
            "TAX_D",
            min(BASE - 40 - 25, TOP_OF_D),  # 15: already below the top of D
            id="tax D and a defaulted loan",
        ),
    ],
)
async def test_d_overrides(
    graph: AsyncDriver,
    query: str,
    factors: list[tuple[str, int]],
    forced_by: str,
    score: int,
) -> None:
    await neutral(graph, SUBJECT)
    await run(graph, query, subject=SUBJECT)
    rating = await rating_of(graph)
    assert rating.codes == factors
    assert (rating.grade, rating.forced_by, rating.score) == ("D", forced_by, score)
    assert rating.score <= TOP_OF_D


async def test_a_removed_serious_dishonesty_entry_forces_nothing(graph: AsyncDriver) -> None:
    await neutral(graph, SUBJECT)
    await run(graph, SERIOUS_DISHONESTY, subject=SUBJECT)
    await run(graph, "MATCH (l:ListEntry {id: 'SD1'}) SET l.removedOn = date('2026-06-01')")
    rating = await rating_of(graph)
    assert (rating.codes, rating.score, rating.grade, rating.forced_by) == (
        [ROUTINE],
        BASE,
        "B",
        None,
    )


# --- network risk ---------------------------------------------------------------------------------

# One tie between enterprises $a and $b (a hop), in force from $since through $until (its last
# day); a null $until is no end.
TIES: dict[str, str] = {
    "legal representative": """
        MATCH (a:Enterprise {uscc: $a}), (b:Enterprise {uscc: $b})
        CREATE (p:Person {personKey: $key, name: $key})
        CREATE (p)-[:LEGAL_REPRESENTATIVE_OF {since: $since, until: $until}]->(a),
               (p)-[:LEGAL_REPRESENTATIVE_OF {since: $since, until: $until}]->(b)""",
    "officer": """
        MATCH (a:Enterprise {uscc: $a}), (b:Enterprise {uscc: $b})
        CREATE (p:Person {personKey: $key, name: $key})
        CREATE (p)-[:OFFICER_OF {role: 'DIRECTOR', since: $since, until: $until}]->(a),
               (p)-[:OFFICER_OF {role: 'SUPERVISOR', since: $since, until: $until}]->(b)""",
    "shareholding": """
        MATCH (a:Enterprise {uscc: $a}), (b:Enterprise {uscc: $b})
        CREATE (a)-[:SHAREHOLDER_OF {ratio: $ratio, since: $since, until: $until}]->(b)""",
    "person shareholding": """
        MATCH (a:Enterprise {uscc: $a}), (b:Enterprise {uscc: $b})
        CREATE (p:Person {personKey: $key, name: $key})
        CREATE (p)-[:SHAREHOLDER_OF {ratio: $ratio, since: $since, until: $until}]->(a),
               (p)-[:SHAREHOLDER_OF {ratio: $ratio, since: $since, until: $until}]->(b)""",
    "address": """
        MATCH (a:Enterprise {uscc: $a}), (b:Enterprise {uscc: $b})
        CREATE (addr:Address {key: $key})
        CREATE (a)-[:REGISTERED_AT {since: $since, until: $until}]->(addr),
               (b)-[:REGISTERED_AT {since: $since, until: $until}]->(addr)""",
}

LISTED_ENTRY = """
MATCH (e:Enterprise {uscc: $uscc})
CREATE (e)-[:LISTED]->(:ListEntry {id: $id, list: $list, department: 'SAMR',
        listedOn: date('2026-01-01'), expiresOn: date('2029-01-01')})
"""


async def chain(
    graph: AsyncDriver,
    ties: list[str],
    *,
    ratio: float = 0.25,
    since: dt.date = dt.date(2020, 1, 1),
    until: dt.date | None = None,
    listed: str = "SERIOUS_DISHONESTY",
) -> str:
    """The subject, then one neutral enterprise per tie, the last one listed: its uscc."""
    usccs = [u(i) for i in range(len(ties) + 1)]
    await neutral(graph, *usccs)
    for i, tie in enumerate(ties):
        await run(
            graph,
            TIES[tie],
            a=usccs[i],
            b=usccs[i + 1],
            key=f"K{i + 1}",
            ratio=ratio,
            since=since,
            until=until,
        )
    await run(graph, LISTED_ENTRY, uscc=usccs[-1], id="LISTED", list=listed)
    return usccs[-1]


def network(rating: Stored) -> list[dict[str, Any]]:
    return [factor for factor in rating.factors if factor["code"].startswith("NETWORK")]


@pytest.mark.parametrize(
    ("ties", "points"),
    [
        pytest.param(["legal representative"], HOP1, id="1 hop via a legal representative"),
        pytest.param(["officer"], HOP1, id="1 hop via officers"),
        pytest.param(["shareholding"], HOP1, id="1 hop via a 25% shareholding"),
        pytest.param(["address"], HOP1, id="1 hop via a shared address"),
        pytest.param(["officer", "shareholding"], HOP1 // 2, id="2 hops"),  # -12 / 2 = -6
        pytest.param(["person shareholding", "address"], HOP1 // 2, id="2 hops via a person"),
        pytest.param(
            ["address", "shareholding", "legal representative"],
            HOP1 // 4,  # -12 / 2 / 2 = -3
            id="3 hops",
        ),
        pytest.param(["shareholding"] * 4, None, id="4 hops of shareholdings"),
        pytest.param(
            ["legal representative", "officer", "address", "legal representative"],
            None,
            id="4 hops through persons and an address",
        ),
    ],
)
async def test_network_risk_halves_per_hop_up_to_three(
    graph: AsyncDriver, ties: list[str], points: int | None
) -> None:
    await chain(graph, ties)
    rating = await rating_of(graph)
    if points is None:
        assert network(rating) == []
        assert (rating.codes, rating.score, rating.grade) == ([ROUTINE], BASE, "B")
        return
    assert rating.codes == [ROUTINE, ("NETWORK_RISK", points)]
    assert network(rating)[0]["evidence"] == ["LISTED"]
    assert (rating.score, rating.forced_by) == (BASE + points, None)
    assert rating.grade == ("C" if BASE + points < 70 else "B")


async def test_network_risk_names_its_path(graph: AsyncDriver) -> None:
    listed = await chain(graph, ["officer", "address"])
    rating = await rating_of(graph)
    [factor] = network(rating)
    assert factor["points"] == HOP1 // 2  # 2 hops
    assert factor["paths"] == [
        [
            {"label": "Enterprise", "key": SUBJECT, "relationship": "OFFICER_OF"},
            {"label": "Person", "key": "K1", "relationship": "OFFICER_OF"},
            {"label": "Enterprise", "key": u(1), "relationship": "REGISTERED_AT"},
            {"label": "Address", "key": "K2", "relationship": "REGISTERED_AT"},
            {"label": "Enterprise", "key": listed, "relationship": None},
        ]
    ]
    assert f"{listed} on the SERIOUS_DISHONESTY list is 2 hops away" in factor["reason"]


@pytest.mark.parametrize(
    ("options", "points"),
    [
        pytest.param({"ratio": 0.2}, None, id="a shareholding under 25%"),
        pytest.param({"until": AS_OF}, HOP1, id="a tie on its last day"),
        pytest.param({"until": AS_OF - dt.timedelta(days=1)}, None, id="a tie that has ended"),
        pytest.param({"since": AS_OF + dt.timedelta(days=1)}, None, id="a tie not yet begun"),
        pytest.param({"listed": "RED_LIST"}, None, id="a red-listed neighbour"),
        pytest.param({"listed": "COURT_DISHONEST_DEBTOR"}, HOP1, id="another counted list"),
    ],
)
async def test_which_ties_and_lists_count_for_network_risk(
    graph: AsyncDriver, options: dict[str, Any], points: int | None
) -> None:
    await chain(graph, ["person shareholding"], **options)
    rating = await rating_of(graph)
    expected = [] if points is None else [("NETWORK_RISK", points)]
    assert rating.codes == [ROUTINE, *expected]
    assert rating.score == BASE + (points or 0)


# --- what counts as of the date -----------------------------------------------------------------

PENALTY = _ON_SUBJECT + (
    "CREATE (e)-[:PENALISED]->(:Penalty {id: 'P1', department: 'CUSTOMS', severity: 'GENERAL', "
    "decidedOn: $decided, publicUntil: $until, repairedOn: $repaired, amountCny: 5000.0})"
)

DECIDED = dt.date(2026, 1, 1)
PERIOD = 360  # days of publicity
PUBLIC_UNTIL = DECIDED + dt.timedelta(days=PERIOD)  # 2026-12-27


async def test_an_expired_publicity_period_does_not_count(graph: AsyncDriver) -> None:
    await neutral(graph, SUBJECT)
    await run(graph, PENALTY, subject=SUBJECT, decided=DECIDED, until=PUBLIC_UNTIL, repaired=None)
    last_day = await rating_of(graph, PUBLIC_UNTIL - dt.timedelta(days=1))
    # day 359 of 360: -8 * (1 - 0.5 * 359 / 360) = -4.01
    assert last_day.codes == [ROUTINE, ("PENALTY_GENERAL", decayed(-8, PERIOD - 1, PERIOD))]
    assert last_day.codes[-1][1] == -4
    expired = await rating_of(graph, PUBLIC_UNTIL)
    assert (expired.codes, expired.score, expired.grade) == ([ROUTINE], BASE, "B")


async def test_an_expired_penalty_long_ago_does_not_count(graph: AsyncDriver) -> None:
    await neutral(graph, SUBJECT)
    await run(
        graph,
        PENALTY,
        subject=SUBJECT,
        decided=dt.date(2025, 1, 1),
        until=dt.date(2025, 7, 1),  # before AS_OF
        repaired=None,
    )
    rating = await rating_of(graph)
    assert (rating.codes, rating.score, rating.grade) == ([ROUTINE], BASE, "B")


async def test_a_repaired_penalty_counts_until_the_day_before_its_repair(
    graph: AsyncDriver,
) -> None:
    repaired = DECIDED + dt.timedelta(days=181)  # 2026-07-01
    await neutral(graph, SUBJECT)
    await run(
        graph, PENALTY, subject=SUBJECT, decided=DECIDED, until=PUBLIC_UNTIL, repaired=repaired
    )
    day_before = await rating_of(graph, repaired - dt.timedelta(days=1))
    # day 180 of 360: -8 * (1 - 0.5 * 180 / 360) = -8 * 0.75 = -6
    assert decayed(-8, 180, PERIOD) == -6
    assert day_before.codes == [ROUTINE, ("PENALTY_GENERAL", -8 * 3 // 4)]
    assert day_before.score == BASE - 6
    on_repair = await rating_of(graph, repaired)
    assert (on_repair.codes, on_repair.score, on_repair.grade) == ([ROUTINE], BASE, "B")
    later = await rating_of(graph)  # AS_OF, after the repair, still inside publicity
    assert (later.codes, later.score) == ([ROUTINE], BASE)


async def test_as_of_before_and_after_a_penalty_decision(graph: AsyncDriver) -> None:
    await neutral(graph, SUBJECT)
    await run(graph, PENALTY, subject=SUBJECT, decided=DECIDED, until=PUBLIC_UNTIL, repaired=None)
    before_report = await rate_all(graph, DECIDED - dt.timedelta(days=1))
    before = await stored(graph)
    assert (before.codes, before.score, before.grade) == ([ROUTINE], BASE, "B")
    assert before.as_of == "2025-12-31"

    after_report = await rate_all(graph, DECIDED)
    after = await stored(graph)
    assert (after.codes, after.score, after.grade) == (
        [ROUTINE, ("PENALTY_GENERAL", -8)],  # day 0: in full
        BASE - 8,
        "B",
    )
    assert after.as_of == "2026-01-01"
    assert (before_report.ratings_written, after_report.ratings_written) == (1, 1)

    # the first rating is kept as history, superseded by the second
    records, _, _ = await graph.execute_query(
        "MATCH (:Enterprise {uscc: $u})-[:RATED]->(r:Rating) "
        "RETURN toString(r.asOf) AS asOf, r.score AS score, r.supersededAt IS NOT NULL AS old "
        "ORDER BY asOf",
        u=SUBJECT,
        database_=DATABASE,
    )
    assert [(r["asOf"], r["score"], r["old"]) for r in records] == [
        ("2025-12-31", BASE, True),
        ("2026-01-01", BASE - 8, False),
    ]

    # rating again with the same result stores nothing new
    again = await rate_all(graph, DECIDED)
    assert again.ratings_written == 0
