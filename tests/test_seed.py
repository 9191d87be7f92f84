"""Seeding the demo zone through the signed connector pipeline, against a real Neo4j.

Each test gets an emptied, migrated graph (`graph`) and its own data directory for the demo
connectors' keys. Graphs are compared by a canonical fingerprint of every business node and
relationship with all their properties (lineage included), leaving out the hub's own ledger
(connectors, keys, batches, rejections) and the migration records. The generator itself is
tested without a database in tests/unit/test_seed_generator.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graph_kit import DATABASE, wipe
from neo4j import AsyncDriver, AsyncManagedTransaction
from neo4j.time import Date, DateTime

from bench.fastload import fastload_zone
from graph_schema.identity import id_check_digit
from graph_schema.predicates import document_mismatch, order_documents
from graph_schema.uscc import make_uscc, validate_uscc
from graph_schema.writes import write_rows
from hub import reference_data
from hub.reference_data import load_reference
from hub.seed import (
    PlannedBatch,
    SeedChunk,
    SeedError,
    SeedStats,
    generate_zone,
    graph_is_empty,
    plan_batches,
    seed_zone,
    seeding,
)
from hub.seed import reference as ref
from hub.seed.timeline import overlay, relabelled

SECRET = b"test-person-key-secret"
# The ledger, and the hub's own records: the audit trail of a hub served to other tests of the
# session is written in the background and may land while a seed is fingerprinted.
LEDGER = [
    "Connector",
    "SigningKey",
    "Batch",
    "BatchRejection",
    "SchemaMigration",
    "AuditRecord",
    "AuditHead",
    "AuditAccess",
    "Client",
    "RevokedToken",
    "UsedAssertion",
]
# A resident ID number: 17 digits and a check character, not inside a longer token.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9X](?![0-9A-Za-z])")


async def seed(
    driver: AsyncDriver, data_dir: Path, enterprises: int = 200, seed: int = 42, **kwargs: Any
) -> SeedStats:
    return await seed_zone(
        driver,
        DATABASE,
        data_dir=data_dir,
        person_secret=SECRET,
        enterprises=enterprises,
        seed=seed,
        **kwargs,
    )


def planned(enterprises: int, seed: int) -> list[PlannedBatch]:
    return [b for c in generate_zone(enterprises, seed) for b in plan_batches(c, seed, enterprises)]


def canonical(value: Any) -> Any:
    if isinstance(value, Date | DateTime):
        return value.iso_format()
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


async def fingerprint(driver: AsyncDriver) -> tuple[str, int, int]:
    """A hash of every business node (labels, properties) and relationship (type, endpoint
    keys, properties), leaving out the ledger, with the node and relationship counts."""
    key = "coalesce(x.uscc, x.personKey, x.number, x.key, x.id, x.code)"
    business = "NOT any(l IN labels({0}) WHERE l IN $ledger)"
    nodes, _, _ = await driver.execute_query(
        f"MATCH (n) WHERE {business.format('n')} RETURN labels(n) AS labels, properties(n) AS p",
        ledger=LEDGER,
        database_=DATABASE,
    )
    rels, _, _ = await driver.execute_query(
        f"MATCH (a)-[r]->(b) WHERE {business.format('a')} AND {business.format('b')} "
        f"WITH a, r, b, [x IN [a, b] | [labels(x), {key}]] AS ends "
        "RETURN type(r) AS type, ends, properties(r) AS p",
        ledger=LEDGER,
        database_=DATABASE,
    )
    lines = sorted(json.dumps(canonical([r["labels"], r["p"]])) for r in nodes)
    lines += sorted(json.dumps(canonical([r["type"], r["ends"], r["p"]])) for r in rels)
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return digest, len(nodes), len(rels)


async def ledger(driver: AsyncDriver) -> dict[str, Any]:
    """Connectors with their last sequence and batches (id, sequence), and rejections."""
    records, _, _ = await driver.execute_query(
        "MATCH (c:Connector) OPTIONAL MATCH (c)-[:SENT]->(b:Batch) "
        "WITH c, b ORDER BY b.receivedAt "
        "RETURN c.id AS id, c.department AS department, c.lastSequence AS last, "
        "collect([b.id, b.sequence, b.recordType]) AS batches ORDER BY id",
        database_=DATABASE,
    )
    rejected, _, _ = await driver.execute_query(
        "MATCH (r:BatchRejection) RETURN count(r) AS n", database_=DATABASE
    )
    return {
        "connectors": {r["id"]: (r["department"], r["last"], r["batches"]) for r in records},
        "rejected": rejected[0]["n"],
    }


async def values(driver: AsyncDriver, query: str) -> set[Any]:
    records, _, _ = await driver.execute_query(query, database_=DATABASE)
    return {r[0] for r in records}


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
    """The resident ID numbers in `text`: a region, a birth date, a sequence and the check
    digit (a USCC of digits only, as pre-reform organisation codes make many, has no date)."""
    return [s for s in ID_NUMBER.findall(text) if id_check_digit(s[:17]) == s[17] and born(s)]


def born(id_number: str) -> bool:
    """Whether characters 7-14 are a birth date (YYYYMMDD) of the 20th or 21st century."""
    year, month, day = int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
    try:
        return 1900 <= dt.date(year, month, day).year <= 2099
    except ValueError:
        return False


# --- determinism and idempotence ---------------------------------------------------------------


async def test_seeding_the_same_seed_twice_gives_the_same_graph(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    assert await graph_is_empty(graph, DATABASE)
    done: list[int] = []
    stats = await seed(graph, tmp_path, progress=done.append)
    assert not await graph_is_empty(graph, DATABASE)
    plan = planned(200, 42)
    assert done == [200]
    assert stats.enterprises == 200
    assert stats.counts["samr.enterprise@1"] == 218  # and the zone's 18 providers
    assert stats.records == stats.records_applied == sum(len(b.records) for b in plan)
    assert stats.batches == stats.applied == len(plan)
    assert stats.skipped == 0
    assert stats.records_per_s > 0
    assert {"generate", "sign", "ingest", "verify", "validate", "write"} <= set(stats.timings_ms)
    first = await fingerprint(graph)
    keys = {p.name: p.read_bytes() for p in (tmp_path / "connectors").iterdir()}
    await wipe(graph)  # the ledger goes too: every batch is new again
    assert await graph_is_empty(graph, DATABASE)
    again = await seed(graph, tmp_path)
    assert (again.applied, again.skipped) == (len(plan), 0)
    assert await fingerprint(graph) == first
    assert {p.name: p.read_bytes() for p in (tmp_path / "connectors").iterdir()} == keys


async def test_seeding_again_on_top_changes_nothing(graph: AsyncDriver, tmp_path: Path) -> None:
    first_stats = await seed(graph, tmp_path, enterprises=250)
    first, first_ledger = await fingerprint(graph), await ledger(graph)
    again = await seed(graph, tmp_path, enterprises=250)
    assert again.batches == first_stats.batches
    assert (again.applied, again.skipped, again.records_applied) == (0, again.batches, 0)
    assert await fingerprint(graph) == first
    assert await ledger(graph) == first_ledger
    assert first_ledger["rejected"] == 0


async def test_another_seed_gives_another_graph(graph: AsyncDriver, tmp_path: Path) -> None:
    await seed(graph, tmp_path, enterprises=150)
    first = await fingerprint(graph)
    await wipe(graph)
    await seed(graph, tmp_path, enterprises=150, seed=43)
    assert (await fingerprint(graph))[0] != first[0]


async def test_the_benchmark_fast_path_builds_the_same_graph(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    await seed(graph, tmp_path, enterprises=150)
    through_pipeline = await fingerprint(graph)
    await wipe(graph)
    stats = await fastload_zone(graph, DATABASE, person_secret=SECRET, enterprises=150, seed=42)
    assert stats.records == sum(len(b.records) for b in planned(150, 42))
    assert await fingerprint(graph) == through_pipeline
    assert (await ledger(graph))["connectors"] == {}


# --- what the graph holds ------------------------------------------------------------------------


async def test_seeded_graph_has_valid_usccs_no_id_numbers_and_lineage(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    await seed(graph, tmp_path, enterprises=300)
    usccs = await values(graph, "MATCH (e:Enterprise) RETURN e.uscc")
    assert len(usccs) == 318  # 300 and the zone's 18 providers
    assert all(validate_uscc(u) == u for u in usccs)
    records, _, _ = await graph.execute_query(
        "MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p",
        database_=DATABASE,
    )
    leaks = [s for r in records for s in strings(r["p"]) if id_numbers_in(s)]
    assert leaks == []
    masked = await values(graph, "MATCH (p:Person) RETURN p.idMasked")
    assert all(re.fullmatch(r"[0-9]{6}\*{8}[0-9]{3}[0-9X]", x) for x in masked)
    business = "NOT any(l IN labels({0}) WHERE l IN $ledger)"
    lineage, _, _ = await graph.execute_query(
        f"MATCH (x) WHERE {business.format('x')} RETURN x.source AS source, x.batch AS batch "
        f"UNION ALL MATCH (a)-[x]->(b) WHERE {business.format('a')} AND {business.format('b')} "
        "RETURN x.source AS source, x.batch AS batch",
        ledger=LEDGER,
        database_=DATABASE,
    )
    batch_ids = await values(graph, "MATCH (b:Batch) RETURN b.id")
    connectors = set(ref.SOURCE.values())
    for r in lineage:
        if r["source"] == reference_data.REFERENCE_SOURCE:
            assert r["batch"] == reference_data.REFERENCE_BATCH
        else:
            assert r["source"] in connectors and r["batch"] in batch_ids, r


async def test_seeded_graph_covers_modes_severities_lists_and_documents(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    await seed(graph, tmp_path, enterprises=300)
    assert await values(graph, "MATCH (d:Declaration) RETURN DISTINCT d.mode") == {
        "9610",
        "9710",
        "9810",
        "1210",
    }
    assert await values(graph, "MATCH (p:Penalty) RETURN DISTINCT p.severity") == {
        "MINOR",
        "GENERAL",
        "SERIOUS",
    }
    assert await values(graph, "MATCH (p:Penalty {severity: 'MINOR'}) RETURN p.publicUntil") == {
        None
    }
    repaired = await values(
        graph,
        "MATCH (p:Penalty) WHERE p.repairedOn IS NOT NULL "
        "RETURN p.repairSource = p.source AND p.repairedOn > p.decidedOn "
        "AND p.repairedOn < p.publicUntil",
    )
    assert repaired == {True}
    assert await values(graph, "MATCH (:Enterprise)-[:LISTED]->(l:ListEntry) RETURN count(l) > 0")
    on_persons = await values(graph, "MATCH (:Person)-[:LISTED]->(l:ListEntry) RETURN l.list")
    assert on_persons <= {"COURT_DISHONEST_DEBTOR"}
    removed = await values(
        graph,
        "MATCH (l:ListEntry) WHERE l.removedOn IS NOT NULL "
        "RETURN l.removalSource = l.source AND l.removedOn >= l.listedOn "
        "AND l.removalReason <> l.reason",
    )
    assert removed == {True}
    # export and import orders, each series matching its list for most orders and disagreeing
    # for a few, only for the reasons it can give (no payer on an export, no payee on an import)
    records, _, _ = await graph.execute_query(
        "MATCH (o:Order) WITH o, date('9999-12-31') AS ever\n"
        + order_documents("o", "ever")
        + f"\nRETURN DISTINCT o.direction AS d, {document_mismatch('o')} AS reason",
        database_=DATABASE,
    )
    judged = {(r["d"], r["reason"]) for r in records}
    common = {"no inventory list", "amount", "consignee"}
    reasons = {"EXPORT": common | {"payee", "codes"}, "IMPORT": common | {"payer"}}
    assert all(reason is None or reason in reasons[d] for d, reason in judged), judged
    assert {d for d, reason in judged if reason is None} == {"EXPORT", "IMPORT"}
    assert {d for d, reason in judged if reason is not None} == {"EXPORT", "IMPORT"}
    incomplete = await values(
        graph,
        """
        MATCH (e:Enterprise)
        WHERE COUNT { (e)-[:IN_ZONE]->(:Zone) } <> 1
           OR NOT EXISTS { (e)-[:REGISTERED_AT]->(:Address) }
           OR NOT EXISTS { (:Person)-[:LEGAL_REPRESENTATIVE_OF]->(e) }
        RETURN count(e)
        """,
    )
    assert incomplete == {0}
    # Each label's properties (beside lineage), and those a node may lack: what the record
    # types write, as dates, money as floats.
    properties: dict[str, tuple[set[str], set[str]]] = {
        "Enterprise": (
            {"uscc", "name", "nameEn", "zone", "registeredOn", "status"},
            {"industryBelt", "statusSince"},
        ),
        "Person": ({"personKey", "name", "idMasked"}, set()),
        "Address": ({"key", "text"}, set()),
        "Phone": ({"number"}, set()),
        "Filing": ({"id", "kind", "filedOn"}, {"filedWith", "documentNo", "title"}),
        "Classification": (
            {"id", "department", "scheme", "value", "effectiveFrom"}, {"effectiveTo"}
        ),
        "Declaration": (
            {"id", "mode", "direction", "declaredOn", "valueCny", "destination", "hsCode"}, set()
        ),
        "Order": (
            {"id", "orderedOn", "direction", "ebpCode", "ebcCode", "goodsCny", "freightCny",
             "taxCny", "discountCny", "consigneeName", "consigneePhone", "consigneeAddress"},
            {"buyerName"},  # an import's buyer
        ),
        # an import's payment names its payer, an export's receipt the enterprise paid
        "Payment": (
            {"id", "orderId", "paidOn", "amountCny", "payCode", "payFirmUscc", "ebpCode"},
            {"payerName", "ebcCode"},
        ),
        "Waybill": (
            {"id", "orderId", "shippedOn", "carrier", "logisticsCode", "carrierUscc",
             "consigneeName", "consigneePhone", "consigneeAddress"},
            set(),
        ),
        "InventoryList": (
            {"id", "orderId", "direction", "tradeMode", "declaredOn", "ebpCode", "ebcCode",
             "logisticsCode", "logisticsNo", "goodsCny", "freightCny"},
            {"buyerName", "buyerPhone", "consigneeAddress"},  # an import list's buyer
        ),
        "OverseasWarehouse": (
            {"id", "name", "country", "city", "stockValueCny", "stockAsOf"}, set()
        ),
        "TaxRefund": ({"id", "claimedOn", "amountCny", "status"}, {"paidOn"}),
        "Loan": ({"id", "lender", "amountCny", "grantedOn", "dueOn", "status"}, set()),
        "TradePayment": ({"id", "paidOn", "amountCny"}, set()),
        "SupervisedPremises": (
            {"id", "operatorUscc", "kind", "name", "customsCode", "approvedOn", "status"},
            {"validUntil"},
        ),
    }  # fmt: skip
    for label, (required, optional) in properties.items():
        records, _, _ = await graph.execute_query(
            "MATCH (n) WHERE $label IN labels(n) RETURN properties(n) AS p LIMIT 50",
            label=label,
            database_=DATABASE,
        )
        assert records, label
        for record in records:
            props = record["p"]
            assert {"source", "batch"} | required <= set(props), (label, props)
            assert set(props) <= {"source", "batch"} | required | optional, (label, props)
            for key, value in props.items():
                if key.endswith(("On", "AsOf", "From", "To")):
                    assert isinstance(value, Date), (label, key)
                if key.endswith("Cny"):
                    assert isinstance(value, float), (label, key)


# --- the ledger ----------------------------------------------------------------------------------


async def test_the_seed_is_in_the_ledger_batch_by_batch(graph: AsyncDriver, tmp_path: Path) -> None:
    stats = await seed(graph, tmp_path)
    plan = planned(200, 42)
    state = await ledger(graph)
    assert state["rejected"] == 0
    connectors = state["connectors"]
    assert set(connectors) == set(ref.SOURCE.values())
    batches = [b for _, _, sent in connectors.values() for b in sent]
    assert len(batches) == stats.batches == len(plan)
    assert {b[0] for b in batches} == {str(p.batch_id) for p in plan}
    by_connector: dict[str, list[str]] = defaultdict(list)
    for p in plan:
        by_connector[p.connector].append(str(p.batch_id))
    for department, connector in ref.SOURCE.items():
        recorded_department, last, sent = connectors[connector]
        assert recorded_department == department.value
        assert [b[1] for b in sent] == list(range(1, len(sent) + 1))  # increasing, no gap
        assert last == len(sent)
        assert [b[0] for b in sent] == by_connector[connector]  # sent in plan order
    keys, _, _ = await graph.execute_query(
        "MATCH (c:Connector)-[:HAS_KEY]->(k:SigningKey) "
        "RETURN c.id AS c, k.kid AS kid, k.alg AS alg",
        database_=DATABASE,
    )
    assert {(r["c"], r["kid"], r["alg"]) for r in keys} == {
        (c, f"{c}-seed-1", "EdDSA") for c in ref.SOURCE.values()
    }
    for connector in ref.SOURCE.values():
        mode = (tmp_path / "connectors" / f"{connector}.jwk").stat().st_mode
        assert stat.S_IMODE(mode) == 0o600
    more = await seed(graph, tmp_path, enterprises=150, seed=7)  # a second zone continues
    assert more.applied == more.batches
    after = (await ledger(graph))["connectors"]
    for connector, (_, last, sent) in after.items():
        assert [b[1] for b in sent] == list(range(1, len(sent) + 1))
        assert last == len(sent) >= connectors[connector][1]


async def test_a_rejected_batch_stops_the_seed_with_its_reasons(
    graph: AsyncDriver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(chunk: SeedChunk, seed: int, enterprises: int) -> Iterator[PlannedBatch]:
        for batch in plan_batches(chunk, seed, enterprises):
            if batch.record_type == "customs.declaration@1":
                bad = {**batch.records[3], "valueCny": "-1.00"}
                records = [*batch.records[:3], bad, *batch.records[4:]]
                batch = PlannedBatch(**{**batch.__dict__, "records": records})
            yield batch

    monkeypatch.setattr(seeding, "plan_batches", broken)
    with pytest.raises(SeedError) as raised:
        await seed(graph, tmp_path, enterprises=150)
    message = str(raised.value)
    assert "customs-demo customs.declaration@1" in message
    assert "INVALID_RECORD: records[3].valueCny: must not be negative" in message
    assert await values(graph, "MATCH (d:Declaration) RETURN count(d)") == {0}
    assert (await ledger(graph))["rejected"] == 1


async def test_an_unusable_demo_key_is_refused_before_sending(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    await seed(graph, tmp_path, enterprises=150)
    await graph.execute_query(
        "MATCH (k:SigningKey {kid: 'customs-demo-seed-1'}) SET k.revokedAt = datetime()",
        database_=DATABASE,
    )
    with pytest.raises(SeedError, match="key customs-demo-seed-1 of demo connector customs-demo"):
        await seed(graph, tmp_path, enterprises=150, seed=8)
    other = tmp_path / "other"  # another data directory has other keys than those registered
    await graph.execute_query(
        "MATCH (k:SigningKey {kid: 'customs-demo-seed-1'}) REMOVE k.revokedAt", database_=DATABASE
    )
    with pytest.raises(SeedError, match="another public key"):
        await seed(graph, other, enterprises=150, seed=8)


# --- what `hub seed` does after the batches -------------------------------------------------------


async def test_hub_seed_rates_the_zone_and_leaves_its_risk_alerts(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    """`hub seed` (and `make run`, which seeds an empty graph so) rates the zone, then runs the
    risk scan: the alerts are there without anyone running `hub risk scan`."""
    done = subprocess.run(
        [sys.executable, "-m", "hub.cli", "seed", "--enterprises", "300"],
        env={"PATH": os.environ["PATH"], "HUB_DATA_DIR": str(tmp_path), "NEO4J_URI": neo4j_uri},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    seeded, rated, scanned = done.stdout.splitlines()
    assert seeded.startswith(
        "Seeded 300 enterprises and 18 providers serving them through the signed pipeline: "
    )
    # the 300 asked for and the zone's 18 providers (payment firms, banks, carriers, operators)
    assert rated.startswith("Rated 318 enterprises and derived the coverage ")
    assert re.fullmatch(
        r"Scanned 318 enterprises as of [0-9-]{10} in [0-9.]+ s: [1-9][0-9]* alerts \(.+\), "
        r"0 cleared\.",
        scanned,
    ), scanned
    records, _, _ = await graph.execute_query(
        "MATCH (e:Enterprise)-[:ALERTED]->(a:RiskAlert) "
        "RETURN DISTINCT a.id AS id, a.kind AS kind, a.reason AS reason",
        database_=DATABASE,
    )
    kinds = Counter(r["kind"] for r in records)
    # seed 42's 300 enterprises hold a shell-like cluster of 5 or more at one address, and
    # rings of payments in the last year
    assert kinds["SHARED_ADDRESS"] >= 1 and kinds["CIRCULAR_PAYMENTS"] >= 1, kinds
    for r in records:
        if r["kind"] == "SHARED_LEGAL_REPRESENTATIVE":
            assert re.fullmatch(
                r"[0-9]+ enterprises share one legal representative \(the threshold is 5\)",
                r["reason"],
            ), r
        if r["kind"] == "SHARED_ADDRESS":
            assert re.fullmatch(
                r"[0-9]+ enterprises share the address 河南省.+ \(the threshold is 5\)", r["reason"]
            ), r


# --- reference data and the upsert statements -----------------------------------------------------


async def test_reference_data_is_loaded_idempotently(graph: AsyncDriver) -> None:
    await load_reference(graph, DATABASE)
    first = await fingerprint(graph)
    assert first[1:] == (
        len(reference_data.ZONES)
        + len(reference_data.INDUSTRY_BELTS)
        + len(reference_data.DEPARTMENTS),
        len(reference_data.INDUSTRY_BELTS),
    )
    await load_reference(graph, DATABASE)
    assert await fingerprint(graph) == first
    assert await graph_is_empty(graph, DATABASE)


async def test_upserts_update_in_place_and_skip_rows_with_missing_endpoints(
    graph: AsyncDriver,
) -> None:
    await load_reference(graph, DATABASE)
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


# --- classification timelines ----------------------------------------------------------------


def test_a_period_laid_over_a_timeline_splits_it_and_joins_equal_neighbours() -> None:
    routine = [(10, None, "ROUTINE")]
    assert overlay(routine, 20, 30, "DISHONEST") == [
        (10, 20, "ROUTINE"),
        (20, 30, "DISHONEST"),
        (30, None, "ROUTINE"),
    ]
    assert overlay(routine, 5, 12, "DISHONEST") == [(5, 12, "DISHONEST"), (12, None, "ROUTINE")]
    assert overlay(routine, 10, None, "ROUTINE") == routine
    # within: a value changes where the timeline has one, it does not appear elsewhere
    assert overlay([(10, 40, "2")], 5, 20, "4", within=True) == [(10, 20, "4"), (20, 40, "2")]
    assert overlay([(10, 40, "2")], 50, None, "4", within=True) == [(10, 40, "2")]
    assert overlay([(10, 20, "4"), (20, None, "2")], 20, None, "4", within=True) == [
        (10, None, "4")
    ]


def test_a_value_given_too_early_is_relabelled_and_a_later_one_kept() -> None:
    timeline = [(10, 20, "1"), (20, 30, "4"), (30, None, "1")]
    assert relabelled(timeline, ("1", "2"), "3", before=25) == [
        (10, 20, "3"),
        (20, 30, "4"),
        (30, None, "1"),
    ]
    # a class drawn from the first export on is class 3 for the first year, then itself
    assert relabelled([(10, None, "2")], ("1", "2"), "3", before=25) == [
        (10, 25, "3"),
        (25, None, "2"),
    ]
    assert relabelled([(10, 40, "1")], ("1", "2"), "3", before=25) == [(10, 25, "3"), (25, 40, "1")]
