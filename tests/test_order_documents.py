"""`Enterprise.orders`: each order with its three documents and their match, through the served
hub (issue 19).

The first tests read a small demo zone (300 enterprises, seed 42, loaded as tests/test_seed.py
checks the pipeline builds it) and check the pages, every filter and the totals against the
records the generator produced and the mismatch it meant each order to have (caught by
wrapping `TradeFacts._order` while generating), never against the reader. The hub is held on
the demo's today, so every document the generator dated counts.

The last tests build small graphs by hand: one order for each reason the match gives, with
the reason written down, and the refusals of each department and lender, each with the twin
that is allowed.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import httpx
import pytest
from graph_kit import DATABASE, HeldClock, hub_settings, token_for, wipe
from graphql import parse
from neo4j import AsyncDriver

from bench.fastload import fastload_zone
from graph_schema.model import Department
from graph_schema.uscc import make_uscc
from hub.api.cost import CostRule
from hub.api.schema import build_schema
from hub.seed import DEFAULT_TODAY, generate_zone
from hub.seed import reference as ref
from hub.seed.trade import TradeFacts
from hub.settings import FieldLimits

ENTERPRISES, SEED = 300, 42
TODAY = dt.datetime.combine(DEFAULT_TODAY, dt.time(12), tzinfo=dt.UTC)

ORDER_FIELDS = """
  id orderedOn direction ebpCode goodsCny freightCny taxCny discountCny buyerName
  consigneeName source batch
  inventoryList { id goodsCny source }
  payment { id amountCny source }
  waybill { id carrier source }
  match { status reasons }
"""

PAGE = (
    "query($u: String!, $f: OrderFilter, $n: Int, $a: String) { enterprise(uscc: $u) {"
    " orders(filter: $f, first: $n, after: $a) {"
    " edges { cursor node { " + ORDER_FIELDS + " } }"
    " pageInfo { hasNextPage hasPreviousPage endCursor }"
    " totalCount totalGoodsCny byMatchStatus { status count goodsCny } unmatchedByReason"
    " } } }"
)


@dataclass(frozen=True)
class Generated:
    """An order as the generator sent it, and the reason it meant the documents to disagree
    for (None: they agree)."""

    record: dict[str, Any]
    meant: str | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.record["orderedOn"], self.record["id"])


def generated_orders() -> dict[str, list[Generated]]:
    """The demo zone's orders by seller, with the mismatch `TradeFacts._order` was asked for."""
    meant: dict[str, str | None] = {}
    original = TradeFacts._order
    signature = inspect.signature(original)

    def spy(self: TradeFacts, *args: Any) -> None:
        original(self, *args)
        order = self.out.records[("trade.order@1", Department.COMMERCE)][-1]
        meant[order["id"]] = signature.bind(self, *args).arguments["mismatch"]

    orders: dict[str, list[Generated]] = {}
    with patch.object(TradeFacts, "_order", spy):
        for chunk in generate_zone(ENTERPRISES, SEED, DEFAULT_TODAY):
            for record in chunk.records.get(("trade.order@1", Department.COMMERCE), []):
                orders.setdefault(record["uscc"], []).append(Generated(record, meant[record["id"]]))
    return orders


@pytest.fixture(scope="module")
def expected() -> dict[str, list[Generated]]:
    return generated_orders()


@pytest.fixture(scope="module")
async def demo(
    driver: AsyncDriver, hub_url: str, session_clock: HeldClock
) -> AsyncIterator[httpx.AsyncClient]:
    """The demo zone, and a client of the hub as the regulator (every scope the orders need),
    the hub held on the demo's today."""
    session_clock.hold(TODAY)
    try:
        await wipe(driver)
        await fastload_zone(
            driver, DATABASE, person_secret=b"order-documents", enterprises=ENTERPRISES, seed=SEED
        )
        token = await token_for(hub_url, driver, "regulator")
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
            yield client
    finally:
        session_clock.release()


async def ask(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def orders_of(
    client: httpx.AsyncClient, uscc: str, filter: dict[str, Any] | None = None, first: int = 100
) -> dict[str, Any]:
    body = await ask(client, PAGE, u=uscc, f=filter, n=first)
    assert "errors" not in body, body["errors"]
    connection: dict[str, Any] = body["data"]["enterprise"]["orders"]
    return connection


def newest_first(orders: list[Generated]) -> list[str]:
    return [o.record["id"] for o in sorted(orders, key=lambda o: o.key, reverse=True)]


def by_reason(orders: list[Generated]) -> str:
    """The unmatched counted by reason, most first, ties by name: "3 amount, 1 payee"."""
    counts = Counter(o.meant for o in orders if o.meant is not None)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{n} {reason}" for reason, n in ranked)


def totals_of(orders: list[Generated]) -> dict[str, Any]:
    """The totals the connection must give for `orders`, from the generator's records."""
    matched = [o for o in orders if o.meant is None]
    unmatched = [o for o in orders if o.meant is not None]

    def goods(some: list[Generated]) -> Decimal:
        return sum((Decimal(o.record["goodsCny"]) for o in some), Decimal("0.00"))

    return {
        "totalCount": len(orders),
        "totalGoodsCny": goods(orders),
        "byMatchStatus": [
            {"status": "MATCHED", "count": len(matched), "goodsCny": goods(matched)},
            {"status": "UNMATCHED", "count": len(unmatched), "goodsCny": goods(unmatched)},
        ],
        "unmatchedByReason": by_reason(orders),
    }


def totals_in(connection: dict[str, Any]) -> dict[str, Any]:
    """The totals a connection answered, its sums of money as numbers."""
    return {
        "totalCount": connection["totalCount"],
        "totalGoodsCny": Decimal(connection["totalGoodsCny"]),
        "byMatchStatus": [
            {**group, "goodsCny": Decimal(group["goodsCny"])}
            for group in connection["byMatchStatus"]
        ],
        "unmatchedByReason": connection["unmatchedByReason"],
    }


def busiest(expected: dict[str, list[Generated]]) -> str:
    """The seller with the most unmatched orders (a sloppy busy one), then the most orders."""
    return max(
        expected,
        key=lambda u: (sum(o.meant is not None for o in expected[u]), len(expected[u]), u),
    )


# --- the demo zone -----------------------------------------------------------------------------


async def test_the_pages_walk_every_order_newest_first(
    demo: httpx.AsyncClient, expected: dict[str, list[Generated]]
) -> None:
    seller = busiest(expected)
    orders = expected[seller]
    assert len(orders) >= 20  # a busy seller: more than two pages of 7
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        body = await ask(demo, PAGE, u=seller, n=7, a=after)
        assert "errors" not in body, body["errors"]
        connection = body["data"]["enterprise"]["orders"]
        info = connection["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        assert len(connection["edges"]) == (7 if info["hasNextPage"] else len(orders) - len(seen))
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        assert connection["totalCount"] == len(orders)  # over all pages, on every page
        pages += 1
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == newest_first(orders)
    assert pages == -(-len(orders) // 7)


async def test_each_order_shows_its_documents_and_the_match_the_generator_meant(
    demo: httpx.AsyncClient, expected: dict[str, list[Generated]]
) -> None:
    sellers = sorted(expected, key=lambda u: -len(expected[u]))[:8]
    meant: Counter[str | None] = Counter()
    for seller in sellers:
        connection = await orders_of(demo, seller)
        nodes = {edge["node"]["id"]: edge["node"] for edge in connection["edges"]}
        assert set(nodes) == {o.record["id"] for o in expected[seller]}
        for order in expected[seller]:
            node, record = nodes[order.record["id"]], order.record
            assert (node["orderedOn"], node["direction"], node["ebpCode"]) == (
                record["orderedOn"],
                record["direction"],
                record["ebpCode"],
            )
            for name in ("goodsCny", "freightCny", "taxCny", "discountCny"):
                assert Decimal(node[name]) == Decimal(record[name]), name
            assert node["consigneeName"] == record["consigneeName"]
            assert node["buyerName"] == record.get("buyerName")
            assert node["source"] == ref.SOURCE[Department.COMMERCE] and node["batch"]
            # every order was paid and shipped; only a missing list leaves one out
            assert node["payment"]["source"] == ref.SOURCE[Department.BANK]
            assert node["waybill"]["source"] == ref.SOURCE[Department.LOGISTICS]
            if order.meant == "no inventory list":
                assert node["inventoryList"] is None
            else:
                assert node["inventoryList"]["source"] == ref.SOURCE[Department.CUSTOMS]
                assert Decimal(node["inventoryList"]["goodsCny"]) == Decimal(record["goodsCny"])
            status = "MATCHED" if order.meant is None else "UNMATCHED"
            reasons = [] if order.meant is None else [order.meant]
            assert node["match"] == {"status": status, "reasons": reasons}, record["id"]
            meant[order.meant] += 1
    # the sellers read cover matched orders and more than one reason
    assert meant[None] > 0 and len(meant) >= 3, meant


async def test_the_totals_are_over_every_page_of_the_filter(
    demo: httpx.AsyncClient, expected: dict[str, list[Generated]]
) -> None:
    seller = busiest(expected)
    orders = expected[seller]
    connection = await orders_of(demo, seller, first=3)
    assert len(connection["edges"]) == 3
    totals = totals_in(connection)
    assert totals == totals_of(orders)
    assert totals["byMatchStatus"][1]["count"] >= 5  # a sloppy seller: a few unmatched


def filters(orders: list[Generated]) -> dict[str, tuple[dict[str, Any], list[Generated]]]:
    """Each filter of the connection, and the orders of `orders` it must select (from the
    generator's records)."""
    records = [o.record for o in orders]
    days = sorted(r["orderedOn"] for r in records)
    middle = days[len(days) // 2]
    direction = records[0]["direction"]
    other = "IMPORT" if direction == "EXPORT" else "EXPORT"
    platform = records[0]["ebpCode"]
    # part of one consignee's name, in another case
    name = records[0]["consigneeName"]
    part = name[1:4].upper() if name.isascii() else name[1:]

    def named(o: Generated) -> bool:
        names = (o.record["consigneeName"], o.record.get("buyerName") or "")
        return any(part.lower() in n.lower() for n in names)

    return {
        "orderedFrom": (
            {"orderedFrom": middle},
            [o for o in orders if o.record["orderedOn"] >= middle],
        ),
        "orderedTo": (
            {"orderedTo": middle},
            [o for o in orders if o.record["orderedOn"] <= middle],
        ),
        "one day": (
            {"orderedFrom": middle, "orderedTo": middle},
            [o for o in orders if o.record["orderedOn"] == middle],
        ),
        "direction": (
            {"direction": direction},
            [o for o in orders if o.record["direction"] == direction],
        ),
        "other direction": ({"direction": other}, []),
        "platform": (
            {"platform": platform},
            [o for o in orders if o.record["ebpCode"] == platform],
        ),
        "other platform": ({"platform": "4101960E99"}, []),
        "counterpart": ({"counterpart": part}, [o for o in orders if named(o)]),
        "matched": ({"matchStatus": "MATCHED"}, [o for o in orders if o.meant is None]),
        "unmatched": ({"matchStatus": "UNMATCHED"}, [o for o in orders if o.meant is not None]),
        "unmatched, from the middle": (
            {"matchStatus": "UNMATCHED", "orderedFrom": middle},
            [o for o in orders if o.meant is not None and o.record["orderedOn"] >= middle],
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "orderedFrom",
        "orderedTo",
        "one day",
        "direction",
        "other direction",
        "platform",
        "other platform",
        "counterpart",
        "matched",
        "unmatched",
        "unmatched, from the middle",
    ],
)
async def test_each_filter_selects_the_orders_the_generator_made_and_totals_them(
    demo: httpx.AsyncClient, expected: dict[str, list[Generated]], name: str
) -> None:
    seller = busiest(expected)
    given, selected = filters(expected[seller])[name]
    connection = await orders_of(demo, seller, given)
    assert [edge["node"]["id"] for edge in connection["edges"]] == newest_first(selected)
    assert totals_in(connection) == totals_of(selected)
    if name in ("counterpart", "one day", "unmatched, from the middle"):
        assert 0 < len(selected) < len(expected[seller])  # the filter does select


async def test_a_filtered_page_walks_on_with_its_cursor(
    demo: httpx.AsyncClient, expected: dict[str, list[Generated]]
) -> None:
    seller = busiest(expected)
    matched = [o for o in expected[seller] if o.meant is None]
    first = await ask(demo, PAGE, u=seller, f={"matchStatus": "MATCHED"}, n=4)
    page = first["data"]["enterprise"]["orders"]
    after = page["pageInfo"]["endCursor"]
    second = await ask(demo, PAGE, u=seller, f={"matchStatus": "MATCHED"}, n=4, a=after)
    ids = [
        e["node"]["id"] for p in (page, second["data"]["enterprise"]["orders"]) for e in p["edges"]
    ]
    assert ids == newest_first(matched)[:8]


async def test_a_cursor_is_refused_on_another_seller_or_filter_and_followed_on_its_own(
    demo: httpx.AsyncClient, expected: dict[str, list[Generated]]
) -> None:
    seller = busiest(expected)
    other = next(u for u in sorted(expected) if u != seller and len(expected[u]) >= 2)
    # the seller's more usual direction, and the other one
    usual, _ = Counter(o.record["direction"] for o in expected[seller]).most_common(1)[0]
    unusual = "IMPORT" if usual == "EXPORT" else "EXPORT"
    usual_only = {"direction": usual}
    first = (await ask(demo, PAGE, u=seller, f=usual_only, n=3))["data"]["enterprise"]["orders"]
    cursor = first["pageInfo"]["endCursor"]
    elsewhere = await ask(demo, PAGE, u=other, f=usual_only, n=3, a=cursor)
    [error] = elsewhere["errors"]
    assert error["message"] == (
        "after is a cursor of another enterprise's page; pass an endCursor of this "
        "enterprise's previous page"
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}
    for another in ({}, {"direction": unusual}, {**usual_only, "platform": "X"}):
        [error] = (await ask(demo, PAGE, u=seller, f=another, n=3, a=cursor))["errors"]
        assert error["message"] == (
            "after is a cursor of a page under another filter; pass an endCursor of a "
            "previous page under the same filter"
        )
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}
    # the twin: the same cursor on its own seller under its own filter goes on
    own = await ask(demo, PAGE, u=seller, f=usual_only, n=3, a=cursor)
    assert "errors" not in own, own
    sold = [o for o in expected[seller] if o.record["direction"] == usual]
    assert len(sold) >= 6
    pages = [first, own["data"]["enterprise"]["orders"]]
    assert [e["node"]["id"] for p in pages for e in p["edges"]] == newest_first(sold)[:6]


async def test_page_size_cursor_and_dates_are_checked(
    demo: httpx.AsyncClient, expected: dict[str, list[Generated]]
) -> None:
    seller = busiest(expected)
    refused = await ask(demo, PAGE, u=seller, n=101)
    [error] = refused["errors"]
    assert error["message"] == "first must be between 1 and 100, got 101"
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first"}
    assert "errors" not in await ask(demo, PAGE, u=seller, n=100)  # the table's maximum
    # a cursor of another list (the enterprises') is not one of this list's
    foreign = (await ask(demo, "{ enterprises(first: 1) { pageInfo { endCursor } } }"))["data"]
    cursor = foreign["enterprises"]["pageInfo"]["endCursor"]
    [error] = (await ask(demo, PAGE, u=seller, a=cursor))["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "cursor" in error["message"]
    backwards = {"orderedFrom": "2026-10-01", "orderedTo": "2026-09-01"}
    [error] = (await ask(demo, PAGE, u=seller, f=backwards))["errors"]
    assert error["message"] == "filter.orderedFrom 2026-10-01 is after filter.orderedTo 2026-09-01"


def test_the_query_cost_counts_each_order_of_the_page() -> None:
    rule = CostRule(build_schema(hub_settings(neo4j_uri="bolt://unused"))._schema, FieldLimits())

    def cost(first: str) -> int:
        document = parse(
            f'{{ enterprise(uscc: "x") {{ orders{first} {{ edges {{ node {{ id }} }} }} }} }}'
        )
        [operation] = document.definitions
        return rule.cost(operation, {})  # type: ignore[arg-type]

    # enterprise 1 + orders (1 + size x (edges 1 + node 1 + id 1))
    assert cost("(first: 100)") == 1 + 1 + 100 * 3
    assert cost("") == 1 + 1 + 20 * 3  # the table's default, 20


# --- hand-built graphs -------------------------------------------------------------------------

SELLER = make_uscc("9", "1", "410200", "DC000001")
OTHER = make_uscc("9", "1", "410200", "DC000002")
PLATFORM, CARRIER = "4102960E01", "4102980L01"
HELD = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
CONSIGNEE = {
    "consigneeName": "Li Wei",
    "consigneePhone": "13800000000",
    "consigneeAddress": "No. 1 Renmin Road, Kaifeng",
}


def documents(
    id: str, direction: str, day: int, **changes: dict[str, Any] | None
) -> list[tuple[str, dict[str, Any] | None]]:
    """An order of 100.00 goods and 20.00 freight (and, for an import, 10.00 tax: 130.00) with
    its three documents and inventory list, all agreeing; `changes` replaces a document's
    properties (None: the document is not there)."""
    imported = direction == "IMPORT"
    on = dt.date(2026, 9, day)
    order = {
        "id": id,
        "orderedOn": on,
        "direction": direction,
        "ebpCode": PLATFORM,
        "ebcCode": SELLER,
        "goodsCny": 100.0,
        "freightCny": 20.0,
        "taxCny": 10.0 if imported else 0.0,
        "discountCny": 0.0,
        **CONSIGNEE,
        "source": "commerce-conn",
        "batch": "b-1",
    }
    if imported:
        order["buyerName"] = "Li Wei"
    payment = {
        "id": f"PAY-{id}",
        "paidOn": on,
        "amountCny": 130.0 if imported else 120.0,
        "ebpCode": PLATFORM,
        "source": "bank-conn",
        "batch": "b-2",
        **({"payerName": "Li Wei"} if imported else {"ebcCode": SELLER}),
    }
    waybill = {
        "id": f"WAY-{id}",
        "shippedOn": on,
        "carrier": "China Post",
        "logisticsCode": CARRIER,
        **CONSIGNEE,
        "source": "logistics-conn",
        "batch": "b-3",
    }
    inventory = {
        "id": f"INV-{id}",
        "direction": direction,
        "tradeMode": "1210" if imported else "9610",
        "declaredOn": on,
        "ebpCode": PLATFORM,
        "ebcCode": SELLER,
        "logisticsCode": CARRIER,
        "logisticsNo": f"WAY-{id}",
        "goodsCny": 100.0,
        "freightCny": 20.0,
        "source": "customs-conn",
        "batch": "b-4",
        **(
            {
                "buyerName": "Li Wei",
                "buyerPhone": "13800000000",
                "consigneeAddress": CONSIGNEE["consigneeAddress"],
            }
            if imported
            else {}
        ),
    }
    made: dict[str, dict[str, Any] | None] = {
        "order": order,
        "payment": payment,
        "waybill": waybill,
        "inventory": inventory,
    }
    for kind, change in changes.items():
        found = made[kind]
        made[kind] = None if change is None or found is None else {**found, **change}
    return list(made.items())


CASES: dict[str, tuple[list[tuple[str, dict[str, Any] | None]], str | None]] = {
    "OK-EXPORT": (documents("OK-EXPORT", "EXPORT", 1), None),
    "OK-IMPORT": (documents("OK-IMPORT", "IMPORT", 2), None),
    "NO-LIST": (documents("NO-LIST", "EXPORT", 3, inventory=None), "no inventory list"),
    "NO-PAY": (documents("NO-PAY", "EXPORT", 4, payment=None), "no payment"),
    "NO-WAY": (documents("NO-WAY", "IMPORT", 5, waybill=None), "no waybill"),
    # 130.00 due (100 + 20 + 10 tax), 120.00 paid: the tax forgotten
    "AMOUNT": (documents("AMOUNT", "IMPORT", 6, payment={"amountCny": 120.0}), "amount"),
    "CONSIGNEE": (
        documents("CONSIGNEE", "IMPORT", 7, waybill={"consigneePhone": "13700000000"}),
        "consignee",
    ),
    "PAYER": (documents("PAYER", "IMPORT", 8, payment={"payerName": "Zhang Min"}), "payer"),
    "PAYEE": (documents("PAYEE", "EXPORT", 9, payment={"ebcCode": OTHER}), "payee"),
    "CODES": (documents("CODES", "EXPORT", 10, waybill={"logisticsCode": "4102980L09"}), "codes"),
}
"""Each order and the reason its documents do not match its list, written down (None: they
match)."""

WRITE = {
    "order": "MATCH (e:Enterprise {uscc: $uscc}) CREATE (e)-[:SOLD]->(:Order $props)",
    "payment": "MATCH (o:Order {id: $order}) CREATE (:Payment $props)-[:PAYS]->(o)",
    "waybill": "MATCH (o:Order {id: $order}) CREATE (:Waybill $props)-[:SHIPS]->(o)",
    "inventory": "MATCH (o:Order {id: $order}) CREATE (:InventoryList $props)-[:DECLARES]->(o)",
}


async def build(graph: AsyncDriver) -> None:
    await graph.execute_query(
        "UNWIND $usccs AS uscc CREATE (:Enterprise {uscc: uscc, name: uscc, zone: 'KAIFENG',"
        " status: 'ACTIVE', registeredOn: date('2018-01-01')})",
        usccs=[SELLER, OTHER],
        database_=DATABASE,
    )
    for id, (made, _) in CASES.items():
        for kind, props in made:
            if props is not None:
                props = {**props, "orderId": id} if kind != "order" else props
                await graph.execute_query(
                    WRITE[kind], uscc=SELLER, order=id, props=props, database_=DATABASE
                )


@pytest.fixture
async def held(graph: AsyncDriver, hub_clock: HeldClock) -> AsyncDriver:
    hub_clock.hold(HELD)
    await build(graph)
    return graph


@pytest.fixture
def caller(hub_url: str, held: AsyncDriver) -> Iterator[Any]:
    """Asks the hub as a client of a kind (with an institution, for a lender)."""

    async def call(
        kind: str, query: str, institution: str | None = None, **variables: Any
    ) -> dict[str, Any]:
        token = await token_for(hub_url, held, kind, institution=institution)
        headers = {"Authorization": f"Bearer {token}", "X-Purpose": "order documents test"}
        async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
            return await ask(client, query, **variables)

    yield call


MATCHES = (
    "query($u: String!) { enterprise(uscc: $u) { orders(first: 100) {"
    " edges { node { id match { status reasons } } } } } }"
)


async def test_each_order_shows_the_reason_its_documents_do_not_match(caller: Any) -> None:
    body = await caller("customs", MATCHES, u=SELLER)
    assert "errors" not in body, body["errors"]
    edges = body["data"]["enterprise"]["orders"]["edges"]
    got = {e["node"]["id"]: e["node"]["match"] for e in edges}
    assert got == {
        id: {
            "status": "MATCHED" if reason is None else "UNMATCHED",
            "reasons": [] if reason is None else [reason],
        }
        for id, (_, reason) in CASES.items()
    }


def one(field: str, inner: str) -> str:
    return (
        'query($u: String!) { enterprise(uscc: $u) { orders(filter: {platform: "'
        + PLATFORM
        + '"}, first: 1) { edges { node { id '
        + field
        + " { "
        + inner
        + " } } } } } }"
    )


def refusal(body: dict[str, Any]) -> tuple[str, str]:
    [error] = body["errors"]
    return error["extensions"]["code"], error["extensions"]["reason"]


async def test_customs_reads_the_inventory_list_but_not_the_payment(caller: Any) -> None:
    allowed = await caller("customs", one("inventoryList", "id goodsCny"), u=SELLER)
    assert "errors" not in allowed
    node = allowed["data"]["enterprise"]["orders"]["edges"][0]["node"]
    # the newest order, of September 10
    assert node["inventoryList"]["id"] == "INV-CODES"
    assert Decimal(node["inventoryList"]["goodsCny"]) == Decimal("100.00")
    refused = await caller("customs", one("payment", "id"), u=SELLER)
    assert refusal(refused) == ("FORBIDDEN", "missing_scope")
    assert refused["data"]["enterprise"]["orders"]["edges"][0]["node"]["payment"] is None


async def test_safe_reads_the_payment_but_not_the_waybill(caller: Any) -> None:
    allowed = await caller("safe", one("payment", "id amountCny"), u=SELLER)
    assert "errors" not in allowed
    node = allowed["data"]["enterprise"]["orders"]["edges"][0]["node"]
    assert node["payment"]["id"] == "PAY-CODES"
    assert Decimal(node["payment"]["amountCny"]) == Decimal("120.00")
    refused = await caller("safe", one("waybill", "id"), u=SELLER)
    assert refusal(refused) == ("FORBIDDEN", "missing_scope")


async def test_a_consignee_phone_needs_pii_read(caller: Any) -> None:
    phone = (
        "query($u: String!) { enterprise(uscc: $u) { orders(first: 1) {"
        " edges { node { consigneeName consigneePhone } } } } }"
    )
    refused = await caller("customs", phone, u=SELLER)
    assert refusal(refused) == ("FORBIDDEN", "missing_scope")
    allowed = await caller("regulator", phone, u=SELLER)
    assert "errors" not in allowed
    node = allowed["data"]["enterprise"]["orders"]["edges"][0]["node"]
    assert node == {"consigneeName": "Li Wei", "consigneePhone": "13800000000"}


GRANT = """mutation($i: String!, $s: [String!]!) {
  grantConsent(institution: $i, purpose: WORKING_CAPITAL, scopes: $s,
               expiresAt: "2027-06-01T00:00:00+00:00") { id }
}"""

LENDER_VIEW = (
    "query($u: String!, $f: OrderFilter) { enterprise(uscc: $u) { uscc orders(filter: $f) {"
    " totalCount edges { node { id match { status } } } } } }"
)


async def test_a_bank_reads_orders_only_under_a_financing_consent(
    caller: Any, hub_url: str, held: AsyncDriver
) -> None:
    for bank in ("bank-e", "bank-ef"):  # registered before the enterprise consents to them
        await token_for(hub_url, held, "bank", institution=bank)
    scopes = {"bank-e": ["enterprise:read"], "bank-ef": ["enterprise:read", "financing:read"]}
    for bank, granted in scopes.items():
        body = await caller("enterprise", GRANT, institution=SELLER, i=bank, s=granted)
        assert "errors" not in body, body
    refused = await caller("bank", LENDER_VIEW, institution="bank-e", u=SELLER)
    assert refusal(refused) == ("FORBIDDEN", "no_consent")
    assert refused["data"]["enterprise"] == {"uscc": SELLER, "orders": None}
    allowed = await caller("bank", LENDER_VIEW, institution="bank-ef", u=SELLER)
    assert "errors" not in allowed
    orders = allowed["data"]["enterprise"]["orders"]
    assert orders["totalCount"] == len(CASES)
    # the match, under the consent; a filter on it too
    unmatched = await caller(
        "bank", LENDER_VIEW, institution="bank-ef", u=SELLER, f={"matchStatus": "UNMATCHED"}
    )
    assert unmatched["data"]["enterprise"]["orders"]["totalCount"] == 8
    # but not the documents, and no search by a buyer's or consignee's name
    documents_ = await caller("bank", one("waybill", "id"), institution="bank-ef", u=SELLER)
    assert refusal(documents_) == ("FORBIDDEN", "missing_scope")
    named = await caller(
        "bank", LENDER_VIEW, institution="bank-ef", u=SELLER, f={"counterpart": "li"}
    )
    assert refusal(named) == ("FORBIDDEN", "missing_scope")
    assert "Order.consigneeName" in named["errors"][0]["message"]
    # the twin: a department searches by name
    found = await caller("customs", LENDER_VIEW, u=SELLER, f={"counterpart": "LI WEI"})
    assert found["data"]["enterprise"]["orders"]["totalCount"] == len(CASES)
