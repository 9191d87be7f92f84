"""The demo-zone generator (pure, deterministic) and its loader into a real Neo4j.

The generator tests need no database; the loader tests use the `graph` fixture (an emptied,
migrated graph) and compare canonical fingerprints of the whole graph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from conftest import DATABASE, wipe
from neo4j import AsyncDriver, AsyncManagedTransaction
from neo4j.time import Date, DateTime
from pydantic import BaseModel

from graph_schema import model as m
from graph_schema.identity import id_check_digit
from graph_schema.uscc import make_uscc, validate_uscc
from graph_schema.writes import UPSERTS, WRITE_ORDER, write_rows
from hub.seed import CHUNK_ENTERPRISES, DEFAULT_TODAY, SeedChunk, generate_zone, load_zone
from hub.seed.loader import graph_is_empty

SECRET = b"test-person-key-secret"
Rows = dict[str, list[dict[str, Any]]]


class LegalRepresentative(m.Period, m.Lineage):
    """LEGAL_REPRESENTATIVE_OF has a period and lineage only."""


class PeriodRel(m.Period, m.Lineage):
    """REGISTERED_AT, USES_PHONE and OPERATES: a period and lineage."""


PROPS_MODEL: dict[str, type[m.GraphModel]] = {
    "enterprises": m.Enterprise,
    "persons": m.Person,
    "legal_representatives": LegalRepresentative,
    "officers": m.Officer,
    "shareholdings": m.Shareholding,
    "addresses": m.Address,
    "phones": m.Phone,
    "filings": m.Filing,
    "penalties": m.Penalty,
    "list_entries": m.ListEntry,
    "classifications": m.Classification,
    "declarations": m.Declaration,
    "orders": m.Order,
    "payments": m.Payment,
    "waybills": m.Waybill,
    "overseas_warehouses": m.OverseasWarehouse,
    "tax_refunds": m.TaxRefund,
    "loans": m.Loan,
    "trade_payments": m.TradePayment,
}
REFERENCE_MODEL: dict[str, type[m.GraphModel]] = {
    "zones": m.Zone,
    "industry_belts": m.IndustryBelt,
}
# A resident ID number: 17 digits and a check character, not inside a longer token.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9X](?![0-9A-Za-z])")


@cache
def zone_rows(enterprises: int, seed: int) -> Rows:
    """All rows of a zone merged across chunks (cached: tests only read them)."""
    merged: Rows = defaultdict(list)
    for chunk in generate_zone(enterprises, seed, SECRET):
        for kind, rows in chunk.rows.items():
            merged[kind].extend(rows)
    return dict(merged)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def id_numbers_in(text: str) -> list[str]:
    return [s for s in ID_NUMBER.findall(text) if id_check_digit(s[:17]) == s[17]]


def validate(model: type[BaseModel], props: dict[str, Any]) -> None:
    """`props` is exactly what the model gives back: same keys, same values."""
    parsed = model.model_validate(props)
    assert isinstance(parsed, m.GraphModel)
    assert parsed.to_props() == props, model.__name__


# --- the generator alone ---------------------------------------------------------------------


def test_same_arguments_give_the_same_rows_and_other_seeds_other_rows() -> None:
    first = list(generate_zone(300, 11, SECRET))
    assert first == list(generate_zone(300, 11, SECRET))
    other = list(generate_zone(300, 12, SECRET))
    assert first[0].rows["enterprises"] != other[0].rows["enterprises"]
    rekeyed = list(generate_zone(300, 11, b"another secret"))
    keys = {r["props"]["personKey"] for r in first[0].rows["persons"]}
    assert keys.isdisjoint(r["props"]["personKey"] for r in rekeyed[0].rows["persons"])


def test_chunks_cover_the_enterprises_and_reference_rows_come_first() -> None:
    chunks = list(generate_zone(2 * CHUNK_ENTERPRISES + 5, 3, SECRET))
    assert [c.enterprises for c in chunks] == [CHUNK_ENTERPRISES, CHUNK_ENTERPRISES, 5]
    assert [c.enterprises_done for c in chunks] == [1000, 2000, 2005]
    assert {"zones", "industry_belts", "departments"} <= set(chunks[0].rows)
    assert all("zones" not in c.rows for c in chunks[1:])
    assert all(set(c.rows) <= set(UPSERTS) for c in chunks)
    assert all(c.records == sum(map(len, c.rows.values())) for c in chunks)
    assert [c.enterprises for c in generate_zone(0, 3, SECRET)] == [0]
    with pytest.raises(ValueError, match="0 or more"):
        generate_zone(-1, 3, SECRET)


def test_lineage_is_per_department_connector_and_per_chunk_batch() -> None:
    for index, chunk in enumerate(generate_zone(1500, 5, SECRET)):
        for kind, rows in chunk.rows.items():
            for row in rows:
                assert row["props"]["batch"] == f"seed-5-{index}-{kind}"
                assert row["props"]["source"].endswith("-demo")
                if "rel" in row:
                    assert row["rel"]["batch"] == row["props"]["batch"]
    rows = zone_rows(500, 5)
    assert {r["props"]["source"] for r in rows["declarations"]} == {"customs-demo"}
    assert {r["props"]["source"] for r in rows["enterprises"]} == {"samr-demo"}


def test_generated_rows_validate_against_the_graph_model() -> None:
    rows = zone_rows(500, 21)
    assert set(rows) == set(WRITE_ORDER)
    for kind, model in PROPS_MODEL.items():
        for row in rows[kind]:
            validate(model, row["props"])
            if "rel" in row:
                validate(PeriodRel, row["rel"])
    for kind, model in REFERENCE_MODEL.items():
        for row in rows[kind]:
            props = {k: v for k, v in row["props"].items() if k not in ("source", "batch")}
            validate(model, props)
    assert {r["props"]["code"] for r in rows["departments"]} == {d.value for d in m.Department}
    for row in rows["classifications"]:
        scheme = m.ClassificationScheme(row["props"]["scheme"])
        assert row["props"]["value"] in m.SCHEME_VALUES[scheme]
        assert row["props"]["department"] == m.SCHEME_DEPARTMENT[scheme].value


def test_rows_only_refer_to_nodes_of_their_chunk_or_an_earlier_one() -> None:
    known: dict[str, set[str]] = defaultdict(set)
    for chunk in generate_zone(2500, 8, SECRET):
        r = chunk.rows
        known["zone"] |= {x["props"]["code"] for x in r.get("zones", [])}
        known["belt"] |= {x["props"]["code"] for x in r.get("industry_belts", [])}
        known["department"] |= {x["props"]["code"] for x in r.get("departments", [])}
        known["ENTERPRISE"] |= {x["props"]["uscc"] for x in r["enterprises"]}
        known["PERSON"] |= {x["props"]["personKey"] for x in r["persons"]}
        known["order"] |= {x["props"]["id"] for x in r["orders"]}
        for x in r["enterprises"]:
            assert x["props"]["zone"] in known["zone"]
            assert x["props"]["industryBelt"] in known["belt"] | {None}
        for kind in ("legal_representatives", "officers"):
            for x in r[kind]:
                assert x["personKey"] in known["PERSON"]
                assert x["uscc"] in known["ENTERPRISE"]
        for x in r["shareholdings"]:
            assert x["holder"] in known[x["holderKind"]]
            assert x["holder"] != x["uscc"]
        for x in r["list_entries"]:
            assert x["subject"] in known[x["subjectKind"]]
        for x in r["filings"]:
            assert set(x["sharedWith"]) <= known["department"]
        for kind in ("payments", "waybills"):
            assert all(x["props"]["orderId"] in known["order"] for x in r[kind])
        for x in r["trade_payments"]:
            assert {x["payer"], x["payee"]} <= known["ENTERPRISE"]


def test_enterprises_people_and_ownership_are_plausible() -> None:
    rows = zone_rows(2000, 42)
    usccs = [r["props"]["uscc"] for r in rows["enterprises"]]
    assert len(set(usccs)) == len(usccs)
    assert all(validate_uscc(u) == u for u in usccs)
    assert {u[2:4] for u in usccs} == {"41"}
    assert {r["props"]["zone"] for r in rows["enterprises"]} == {
        "KAIFENG",
        "XINXIANG",
        "ZHENGZHOU",
    }
    young = DEFAULT_TODAY - dt.timedelta(days=365)
    assert sum(r["props"]["registeredOn"] > young for r in rows["enterprises"]) > 100
    ratios: Counter[str] = Counter()
    for r in rows["shareholdings"]:
        ratios[r["uscc"]] += r["props"]["ratio"]
    assert max(ratios.values()) <= 1 + 1e-9
    holders = Counter(r["holderKind"] for r in rows["shareholdings"])
    assert holders["PERSON"] > holders["ENTERPRISE"] > 50
    owners: dict[str, set[str]] = defaultdict(set)
    for r in rows["shareholdings"]:
        if r["holderKind"] == "ENTERPRISE":
            owners[r["uscc"]].add(r["holder"])

    def chain(uscc: str, seen: frozenset[str] = frozenset()) -> int:
        above = [chain(o, seen | {uscc}) for o in owners[uscc] if o not in seen]
        return 1 + max(above, default=0)

    assert max(chain(u) for u in usccs) >= 3  # a shareholding chain of depth 2 or more
    assert any(u in owners[o] for u in usccs for o in owners[u])  # a cross-holding cycle
    represented = Counter(r["personKey"] for r in rows["legal_representatives"])
    assert any(n > 1 for n in represented.values())
    at_address = Counter(r["props"]["key"] for r in rows["addresses"])
    assert max(at_address.values()) >= 5
    with_phone = Counter(r["props"]["number"] for r in rows["phones"])
    assert max(with_phone.values()) >= 5


def test_no_clear_id_number_in_any_row() -> None:
    rows = zone_rows(2000, 42)
    leaks = [s for kind in rows for s in strings(rows[kind]) if id_numbers_in(s)]
    assert leaks == []
    masked = rows["persons"][0]["props"]["idMasked"]
    assert re.fullmatch(r"[0-9]{6}\*{8}[0-9]{3}[0-9X]", masked)


def test_facts_follow_the_rules_of_their_kind() -> None:
    rows = zone_rows(2000, 42)
    today = DEFAULT_TODAY
    for r in rows["penalties"]:
        p = r["props"]
        days = None if p["publicUntil"] is None else (p["publicUntil"] - p["decidedOn"]).days
        if p["severity"] == "MINOR":
            assert days is None and p["repairedOn"] is None
        elif p["severity"] == "GENERAL":
            assert days is not None and 90 <= days <= 365
        else:
            assert days is not None and 365 <= days <= 3 * 365
        assert p["decidedOn"] <= today
        if p["repairedOn"] is not None:
            assert p["decidedOn"] < p["repairedOn"] < p["publicUntil"]
    assert {r["props"]["severity"] for r in rows["penalties"]} == {"MINOR", "GENERAL", "SERIOUS"}
    assert any(r["props"]["repairedOn"] for r in rows["penalties"])
    listed = {r["subject"] for r in rows["list_entries"] if r["subjectKind"] == "ENTERPRISE"}
    assert 0.01 <= len(listed) / 2000 <= 0.04
    lists = Counter(r["props"]["list"] for r in rows["list_entries"])
    assert lists["RED_LIST"] >= 1 and len(lists) >= 5
    assert any(r["subjectKind"] == "PERSON" for r in rows["list_entries"])
    assert any(r["props"]["removedOn"] for r in rows["list_entries"])
    modes = Counter(r["props"]["mode"] for r in rows["declarations"])
    assert set(modes) == {"9610", "9710", "9810", "1210"}
    directions = Counter(r["props"]["direction"] for r in rows["declarations"])
    assert directions["EXPORT"] > 3 * directions["IMPORT"] > 0
    loans = Counter(r["props"]["status"] for r in rows["loans"])
    assert loans["CURRENT"] > loans["OVERDUE"] > 0 and loans["DEFAULT"] > 0
    assert all(r["props"]["dueOn"] > r["props"]["grantedOn"] for r in rows["loans"])
    schemes = Counter(r["props"]["scheme"] for r in rows["classifications"])
    assert set(schemes) == {s.value for s in m.ClassificationScheme}
    warehouse_owners = {r["uscc"] for r in rows["overseas_warehouses"]}
    exporters_9810 = {r["uscc"] for r in rows["declarations"] if r["props"]["mode"] == "9810"}
    assert warehouse_owners and warehouse_owners <= exporters_9810


EVENT_DATES = {
    "filings": "filedOn",
    "penalties": "decidedOn",
    "classifications": "effectiveFrom",
    "declarations": "declaredOn",
    "orders": "orderedOn",
    "tax_refunds": "claimedOn",
    "loans": "grantedOn",
}


def test_events_happen_between_registration_and_today() -> None:
    rows = zone_rows(2000, 42)
    registered = {r["props"]["uscc"]: r["props"]["registeredOn"] for r in rows["enterprises"]}
    today = DEFAULT_TODAY
    for kind, field in EVENT_DATES.items():
        for r in rows[kind]:
            assert registered[r["uscc"]] <= r["props"][field] <= today, (kind, r)
    for kind in ("legal_representatives", "officers", "shareholdings", "addresses", "phones"):
        for r in rows[kind]:
            period = r.get("rel", r["props"])
            assert registered[r["uscc"]] <= period["since"] <= today, (kind, r)
            assert period["until"] is None or period["since"] < period["until"] <= today
    for r in rows["trade_payments"]:
        paid = r["props"]["paidOn"]
        assert max(registered[r["payer"]], registered[r["payee"]]) <= paid <= today
    orders = {r["props"]["id"]: r["props"]["orderedOn"] for r in rows["orders"]}
    for kind, field in (("payments", "paidOn"), ("waybills", "shippedOn")):
        assert all(orders[r["props"]["orderId"]] <= r["props"][field] <= today for r in rows[kind])


def test_about_three_percent_of_orders_are_mismatched() -> None:
    rows = zone_rows(2000, 42)
    payments = {r["props"]["orderId"]: r["props"] for r in rows["payments"]}
    waybills = {r["props"]["orderId"]: r["props"] for r in rows["waybills"]}
    mismatched = 0
    for r in rows["orders"]:
        o = r["props"]
        due = o["goodsCny"] + o["freightCny"] + o["taxCny"] - o["discountCny"]
        w = waybills[o["id"]]
        consignee = ("consigneeName", "consigneePhone", "consigneeAddress")
        if abs(payments[o["id"]]["amountCny"] - due) > 0.005 or any(
            w[k] != o[k] for k in consignee
        ):
            mismatched += 1
    assert 0.01 <= mismatched / len(rows["orders"]) <= 0.06


def test_payments_include_circular_flows() -> None:
    rows = zone_rows(1000, 42)
    pays: dict[str, set[str]] = defaultdict(set)
    for r in rows["trade_payments"]:
        pays[r["payer"]].add(r["payee"])

    def cycles_through(start: str) -> bool:
        seen, frontier = set(), [start]
        for _ in range(20):
            frontier = [n for f in frontier for n in pays.get(f, ()) if n not in seen]
            if start in frontier:
                return True
            seen.update(frontier)
        return False

    assert sum(cycles_through(u) for u in pays) >= 6  # at least two cycles of three


# --- loading into Neo4j ----------------------------------------------------------------------


def canonical(value: Any) -> Any:
    if isinstance(value, Date | DateTime):
        return value.iso_format()
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


async def fingerprint(driver: AsyncDriver) -> tuple[str, int, int]:
    """A hash of every node (labels, properties) and relationship (type, endpoint keys,
    properties) but the migration records, with the node and relationship counts."""
    # Every business key of BUSINESS_KEYS but SchemaMigration's.
    key = "coalesce(x.uscc, x.personKey, x.number, x.key, x.id, x.code)"
    nodes, _, _ = await driver.execute_query(
        "MATCH (n) WHERE NOT n:SchemaMigration RETURN labels(n) AS labels, properties(n) AS p",
        database_=DATABASE,
    )
    rels, _, _ = await driver.execute_query(
        "MATCH (a)-[r]->(b) "
        f"WITH a, r, b, [x IN [a, b] | [labels(x), {key}]] AS ends "
        "RETURN type(r) AS type, ends, properties(r) AS p",
        database_=DATABASE,
    )
    lines = sorted(json.dumps(canonical([r["labels"], r["p"]])) for r in nodes)
    lines += sorted(json.dumps(canonical([r["type"], r["ends"], r["p"]])) for r in rels)
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return digest, len(nodes), len(rels)


def seed_chunks(enterprises: int, seed: int) -> list[SeedChunk]:
    return list(generate_zone(enterprises, seed, SECRET))


async def test_seeding_the_same_seed_twice_gives_the_same_graph(graph: AsyncDriver) -> None:
    assert await graph_is_empty(graph, DATABASE)
    stats = await load_zone(graph, DATABASE, seed_chunks(200, 42))
    assert not await graph_is_empty(graph, DATABASE)
    assert stats.enterprises == 200
    assert stats.counts["enterprises"] == 200
    assert stats.total_records == sum(c.records for c in seed_chunks(200, 42))
    first = await fingerprint(graph)
    await wipe(graph)
    assert await graph_is_empty(graph, DATABASE)
    await load_zone(graph, DATABASE, seed_chunks(200, 42))
    assert await fingerprint(graph) == first


async def test_seeding_again_on_top_changes_nothing(graph: AsyncDriver) -> None:
    done: list[int] = []
    await load_zone(graph, DATABASE, seed_chunks(1200, 42), progress=done.append)
    assert done == [1000, 1200]
    first = await fingerprint(graph)
    await load_zone(graph, DATABASE, seed_chunks(1200, 42))
    assert await fingerprint(graph) == first


async def test_another_seed_gives_another_graph(graph: AsyncDriver) -> None:
    await load_zone(graph, DATABASE, seed_chunks(200, 42))
    first = await fingerprint(graph)
    await wipe(graph)
    await load_zone(graph, DATABASE, seed_chunks(200, 43))
    assert (await fingerprint(graph))[0] != first[0]


async def test_loaded_graph_holds_valid_usccs_and_no_id_numbers(graph: AsyncDriver) -> None:
    await load_zone(graph, DATABASE, seed_chunks(300, 42))
    records, _, _ = await graph.execute_query(
        "MATCH (e:Enterprise) RETURN e.uscc AS uscc", database_=DATABASE
    )
    assert len(records) == 300
    assert all(validate_uscc(r["uscc"]) == r["uscc"] for r in records)
    records, _, _ = await graph.execute_query(
        "MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p",
        database_=DATABASE,
    )
    leaks = [s for r in records for s in strings(r["p"]) if id_numbers_in(s)]
    assert leaks == []
    records, _, _ = await graph.execute_query(
        "MATCH (x) WHERE NOT x:SchemaMigration AND (x.source IS NULL OR x.batch IS NULL) "
        "RETURN count(x) AS n "
        "UNION ALL MATCH ()-[x]->() WHERE x.source IS NULL OR x.batch IS NULL "
        "RETURN count(x) AS n",
        database_=DATABASE,
    )
    assert [r["n"] for r in records] == [0, 0]  # lineage everywhere


async def test_loaded_graph_covers_modes_severities_lists_and_documents(
    graph: AsyncDriver,
) -> None:
    await load_zone(graph, DATABASE, seed_chunks(200, 42))

    async def values(query: str) -> set[Any]:
        records, _, _ = await graph.execute_query(query, database_=DATABASE)
        return {r[0] for r in records}

    assert await values("MATCH (d:Declaration) RETURN DISTINCT d.mode") == {
        "9610",
        "9710",
        "9810",
        "1210",
    }
    assert await values("MATCH (p:Penalty) RETURN DISTINCT p.severity") == {
        "MINOR",
        "GENERAL",
        "SERIOUS",
    }
    assert await values("MATCH (p:Penalty {severity: 'MINOR'}) RETURN p.publicUntil") == {None}
    assert await values("MATCH (:Enterprise)-[:LISTED]->(l:ListEntry) RETURN count(l) > 0") == {
        True
    }
    matched = await values(
        """
        MATCH (o:Order)<-[:PAYS]-(p:Payment), (o)<-[:SHIPS]-(w:Waybill)
        WITH o, abs(p.amountCny - (o.goodsCny + o.freightCny + o.taxCny - o.discountCny))
             <= 0.005 AND w.consigneeName = o.consigneeName
             AND w.consigneePhone = o.consigneePhone
             AND w.consigneeAddress = o.consigneeAddress AS ok
        RETURN DISTINCT ok
        """
    )
    assert matched == {True, False}
    incomplete = await values(
        """
        MATCH (e:Enterprise)
        WHERE COUNT { (e)-[:IN_ZONE]->(:Zone) } <> 1
           OR NOT EXISTS { (e)-[:REGISTERED_AT]->(:Address) }
           OR NOT EXISTS { (:Person)-[:LEGAL_REPRESENTATIVE_OF]->(e) }
        RETURN count(e)
        """
    )
    assert incomplete == {0}


def graph_props(props: dict[str, Any]) -> dict[str, Any]:
    """Node properties as the model expects them: native dates, absent optionals as None."""
    return {k: v.to_native() if isinstance(v, Date) else v for k, v in props.items()}


async def test_loaded_nodes_validate_against_the_graph_model(graph: AsyncDriver) -> None:
    await load_zone(graph, DATABASE, seed_chunks(200, 42))
    label_of = {
        m.Enterprise: "Enterprise", m.Person: "Person", m.Address: "Address",
        m.Phone: "Phone", m.Filing: "Filing", m.Penalty: "Penalty",
        m.ListEntry: "ListEntry", m.Classification: "Classification",
        m.Declaration: "Declaration", m.Order: "Order", m.Payment: "Payment",
        m.Waybill: "Waybill", m.OverseasWarehouse: "OverseasWarehouse",
        m.TaxRefund: "TaxRefund", m.Loan: "Loan", m.TradePayment: "TradePayment",
    }  # fmt: skip
    for model, label in label_of.items():
        records, _, _ = await graph.execute_query(
            "MATCH (n) WHERE $label IN labels(n) RETURN properties(n) AS p LIMIT 50",
            label=label,
            database_=DATABASE,
        )
        assert records, label
        for record in records:
            model.model_validate(graph_props(record["p"]))


async def test_upserts_update_in_place_and_skip_rows_with_missing_endpoints(
    graph: AsyncDriver,
) -> None:
    await load_zone(graph, DATABASE, generate_zone(0, 1, SECRET))  # reference rows only
    lineage = {"source": "samr-test", "batch": "b1"}
    uscc = make_uscc("9", "1", "410200", "MA000001")
    enterprise = {
        "uscc": uscc,
        "name": "Kaifeng Test Instrument Co., Ltd.",
        "zone": "KAIFENG",
        "industryBelt": "KF_INSTRUMENTS",
        "registeredOn": dt.date(2020, 1, 2),
        "status": "ACTIVE",
        **lineage,
    }

    async def write(kind: str, rows: list[dict[str, Any]]) -> int:
        async with graph.session(database=DATABASE) as session:

            async def work(tx: AsyncManagedTransaction) -> int:
                return await write_rows(tx, kind, rows)

            return await session.execute_write(work)

    async def links() -> list[tuple[str, str, Any]]:
        records, _, _ = await graph.execute_query(
            "MATCH (e:Enterprise {uscc: $uscc})-[r]->(x) "
            "RETURN type(r) AS t, coalesce(x.code, x.id) AS k, e.industryBelt AS belt ORDER BY t",
            uscc=uscc,
            database_=DATABASE,
        )
        return [(r["t"], r["k"], r["belt"]) for r in records]

    assert await write("enterprises", [{"props": enterprise}]) == 1
    assert await links() == [
        ("IN_BELT", "KF_INSTRUMENTS", "KF_INSTRUMENTS"),
        ("IN_ZONE", "KAIFENG", "KF_INSTRUMENTS"),
    ]
    moved = {**enterprise, "zone": "XINXIANG", "industryBelt": None}
    assert await write_rows(graph, "enterprises", [{"props": moved}], database=DATABASE) == 1
    assert await links() == [("IN_ZONE", "XINXIANG", None)]

    filing = {"id": "FIL-T-1", "kind": "CBEC_ENTERPRISE_FILING", "filedOn": dt.date(2021, 1, 1)}
    row = {"uscc": uscc, "sharedWith": ["CUSTOMS", "TAX", "SAFE"], "props": {**filing, **lineage}}
    assert await write("filings", [row]) == 1
    assert await write("filings", [{**row, "sharedWith": ["TAX"]}]) == 1
    records, _, _ = await graph.execute_query(
        "MATCH (:Filing {id: 'FIL-T-1'})-[:SHARED_WITH]->(d) RETURN collect(d.code) AS codes",
        database_=DATABASE,
    )
    assert records[0]["codes"] == ["TAX"]

    orphan = {"id": "PEN-T-1", "severity": "MINOR", **lineage}
    unknown = make_uscc("9", "1", "410200", "MA000002")
    assert await write("penalties", [{"uscc": unknown, "props": orphan}]) == 0
    records, _, _ = await graph.execute_query(
        "MATCH (p:Penalty) RETURN count(p) AS n", database_=DATABASE
    )
    assert records[0]["n"] == 0
    with pytest.raises(ValueError, match="unknown fact kind"):
        await write_rows(graph, "gossip", [{}], database=DATABASE)
