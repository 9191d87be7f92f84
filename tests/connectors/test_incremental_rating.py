"""Re-rating after each batch gives what a full re-rating of the same graph gives.

Random signed batches (ties between persons and enterprises, list entries and their removal,
penalties, customs classifications) go through the real pipeline, whose `on_applied` hook
re-rates only what each batch can affect. Then everything is recomputed: not one rating may
change and the coverage that applies must be the same rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from connector_kit import DATABASE, KEYS_FROM, NOW, Agency, uscc
from graph_kit import wipe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from neo4j import AsyncDriver

from connectors.pipeline import Pipeline, Status
from connectors.signing import generate_key, public_jwk
from connectors.store import add_key, register_connector
from graph_schema.identity import id_check_digit
from graph_schema.model import Department
from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer

AS_OF = NOW.date()
ENTERPRISES = 6
PEOPLE = [f"4101021985031{i:04d}" for i in range(4)]
PEOPLE = [p + id_check_digit(p) for p in PEOPLE]
LISTS = ["SERIOUS_DISHONESTY", "CUSTOMS_DISHONEST", "COURT_DISHONEST_DEBTOR", "ABNORMAL_OPERATION"]
SAMR_TYPES = [
    "samr.enterprise@1",
    "samr.person@1",
    "samr.legal_representative@1",
    "samr.officer@1",
    "samr.shareholding@1",
    "samr.address@1",
    "penalty@1",
    "list.entry@1",
    "list.removal@1",
]

person = st.integers(0, len(PEOPLE) - 1)
enterprise = st.integers(0, ENTERPRISES - 1)
days_ago = st.integers(0, 900)
operation = st.one_of(
    st.tuples(st.just("legal_rep"), person, enterprise, st.booleans()),
    st.tuples(
        st.just("officer"), person, enterprise, st.sampled_from(["GENERAL_MANAGER", "SUPERVISOR"])
    ),
    st.tuples(st.just("share_p"), person, enterprise, st.sampled_from([0.1, 0.3, 0.6])),
    st.tuples(st.just("share_e"), enterprise, enterprise, st.sampled_from([0.1, 0.3, 0.6])),
    st.tuples(st.just("address"), enterprise, st.integers(0, 1)),
    st.tuples(st.just("list_e"), enterprise, st.sampled_from(LISTS), days_ago),
    st.tuples(st.just("list_p"), person, st.just("COURT_DISHONEST_DEBTOR"), days_ago),
    st.tuples(st.just("remove"), st.integers(0, 5)),
    st.tuples(st.just("penalty"), enterprise, st.sampled_from(["GENERAL", "SERIOUS"]), days_ago),
    st.tuples(
        st.just("tier"),
        enterprise,
        st.sampled_from(["ADVANCED_CERTIFIED", "ROUTINE", "DISHONEST", "SERIOUSLY_DISHONEST"]),
    ),
)


def day(before: int) -> str:
    return (AS_OF - dt.timedelta(days=before)).isoformat()


def batch_of(op: tuple[Any, ...], n: int, entries: list[str]) -> tuple[str, str, dict[str, Any]]:
    """(agency, record type, record) for one operation; `entries` are list ids so far."""
    kind = op[0]
    if kind == "legal_rep":
        until = day(30) if op[3] else None
        rec = {
            "idNumber": PEOPLE[op[1]],
            "uscc": uscc(op[2]),
            "since": "2020-01-01",
            "until": until,
        }
        return "samr", "samr.legal_representative@1", rec
    if kind == "officer":
        rec = {"idNumber": PEOPLE[op[1]], "uscc": uscc(op[2]), "role": op[3], "since": "2020-01-01"}
        return "samr", "samr.officer@1", rec
    if kind in ("share_p", "share_e"):
        holder = {"idNumber": PEOPLE[op[1]]} if kind == "share_p" else {"uscc": uscc(op[1])}
        rec = {"holder": holder, "uscc": uscc(op[2]), "ratio": op[3], "since": "2020-01-01"}
        return "samr", "samr.shareholding@1", rec
    if kind == "address":
        rec = {
            "uscc": uscc(op[1]),
            "address": f"No. {op[2]} Test Road, Kaifeng",
            "since": "2020-01-01",
        }
        return "samr", "samr.address@1", rec
    if kind in ("list_e", "list_p"):
        subject = {"uscc": uscc(op[1])} if kind == "list_e" else {"idNumber": PEOPLE[op[1]]}
        entry_id = f"LST-{n}"
        entries.append(entry_id)
        agency = "court" if op[2] == "COURT_DISHONEST_DEBTOR" else "samr"
        if op[2] == "CUSTOMS_DISHONEST":
            agency = "customs"
        rec = {
            "id": entry_id,
            "subject": subject,
            "list": op[2],
            "listedOn": day(op[3]),
            "reason": "test",
            "basis": "test",
        }
        return agency, "list.entry@1", rec
    if kind == "remove":
        target = entries[op[1] % len(entries)] if entries else "LST-none"
        rec = {"id": target, "removedOn": day(0), "reason": "test"}
        return "samr", "list.removal@1", rec
    if kind == "penalty":
        rec = {
            "id": f"PEN-{n}",
            "uscc": uscc(op[1]),
            "caseNo": f"CASE-{n}",
            "severity": op[2],
            "amountCny": "1000.00",
            "decidedOn": day(op[3]),
        }
        return "samr", "penalty@1", rec
    rec = {
        "id": f"CLS-{n}",
        "uscc": uscc(op[1]),
        "scheme": "CUSTOMS_CREDIT",
        "value": op[2],
        "effectiveFrom": day(200 + n),
    }
    return "customs", "classification@1", rec


async def agencies(driver: AsyncDriver) -> dict[str, Agency]:
    found = {}
    for name, department, types in (
        ("samr", Department.SAMR, SAMR_TYPES),
        ("customs", Department.CUSTOMS, ["classification@1", "list.entry@1", "list.removal@1"]),
        ("court", Department.COURT, ["list.entry@1", "list.removal@1"]),
    ):
        connector = f"{name}-prop"
        await register_connector(driver, DATABASE, connector, department.value, types, KEYS_FROM)
        key = generate_key("EdDSA", f"{connector}-k1")
        await add_key(driver, DATABASE, connector, public_jwk(key), KEYS_FROM, close_others=True)
        found[name] = Agency(connector, department, key)
    return found


async def state(driver: AsyncDriver) -> tuple[dict[str, Any], dict[str, Any]]:
    """Current ratings by enterprise, and the coverage rows that apply on AS_OF."""
    ratings, _, _ = await driver.execute_query(
        "MATCH (e:Enterprise)-[:CURRENT_RATING]->(r:Rating)"
        " RETURN e.uscc AS uscc, r.score AS score, r.grade AS grade, r.fingerprint AS f",
        database_=DATABASE,
    )
    rows, _, _ = await driver.execute_query(
        "MATCH (c:ListCoverage) WHERE c.validFrom <= $d"
        " AND (c.validUntil IS NULL OR c.validUntil > $d)"
        " AND (c.withdrawnOn IS NULL OR c.withdrawnOn > $d)"
        " RETURN c.id AS id, c.subjectKey AS subject, c.path AS path",
        d=AS_OF,
        database_=DATABASE,
    )
    return (
        {r["uscc"]: (r["score"], r["grade"], r["f"]) for r in ratings},
        {r["id"]: (r["subject"], r["path"]) for r in rows},
    )


@settings(
    max_examples=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=10))
async def test_re_rating_after_each_batch_equals_a_full_re_rating(
    graph: AsyncDriver, operations: list[tuple[Any, ...]]
) -> None:
    await wipe(graph)
    await graph.execute_query(
        "MERGE (:Zone {code: 'KAIFENG', name: 'Kaifeng'})", database_=DATABASE
    )
    by_name = await agencies(graph)
    recomputer = CreditRecomputer(
        graph, DATABASE, load_model(), load_joint_rules(), chunk_size=4, clock=lambda: AS_OF
    )
    pipeline = Pipeline(
        graph, DATABASE, b"test-person-secret", clock=lambda: NOW, on_applied=recomputer.after_batch
    )
    samr = by_name["samr"]
    base = [
        (
            "samr.enterprise@1",
            [
                {
                    "uscc": uscc(i),
                    "name": f"Prop Co. {i}",
                    "zone": "KAIFENG",
                    "registeredOn": "2019-01-01",
                    "status": "ACTIVE",
                }
                for i in range(ENTERPRISES)
            ],
        ),
        ("samr.person@1", [{"idNumber": p, "name": f"Person {i}"} for i, p in enumerate(PEOPLE)]),
    ]
    for record_type, records in base:
        outcome = await pipeline.ingest(samr.batch(record_type, records))
        assert outcome.status is Status.APPLIED, outcome.problems

    entries: list[str] = []
    for n, op in zip(itertools.count(), operations, strict=False):
        name, record_type, record = batch_of(op, n, entries)
        await pipeline.ingest(by_name[name].batch(record_type, [record]))  # a refusal is fine

    incremental = await state(graph)
    report = await recomputer.recompute_all(AS_OF)
    assert report.ratings_written == 0  # no rating differs from the one kept after the batches
    assert await state(graph) == incremental
