"""Re-rating after each batch gives what a full re-rating of the same graph gives.

Random signed batches of every record type in the registry (`connectors.records.RECORD_TYPES`)
go through the real pipeline, whose answer waits for the effects each batch owes
(`hub.effects`), which re-rate only what the batch can affect. Then everything is recomputed:
not one rating may change and the coverage that applies must be the same rows. The draw
iterates the registry, so a new record type joins it at once; a type without a generator here
fails the tests by name.

A second test sends one written batch of each record type, in the registry's order, onto a
graph built for it. The code has no single list of the record types that feed a rating (the
rating reads what `hub.credit.cypher.RATING_FACTS` and `NETWORK_STEP` match; each type
declares in the registry what its records name and whether their change reaches the network),
so each case here says whether its type feeds one, and the test holds it to that: a type that
feeds a rating must name the enterprise it rates (the hook's affected subjects, with the
type's reach) and move its rating; one that does not must leave the rating as it was.

A third sends a payment, a waybill and export proceeds received from abroad that each move an
enterprise's score, and checks that the hook re-rates that enterprise and announces the change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from connector_kit import DATABASE, KEYS_FROM, NOW, Agency, uscc
from graph_kit import wipe
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from neo4j import AsyncDriver

from connectors.pipeline import Outcome, Pipeline, Status
from connectors.records.registry import LIST_DEPARTMENT, RECORD_TYPES
from connectors.records.subjects import Reach
from connectors.signing import generate_key, public_jwk
from connectors.store import add_key, register_connector
from graph_schema.dates import add_months
from graph_schema.identity import id_check_digit
from graph_schema.model import ClassificationScheme, Department, ListKind
from graph_schema.predicates import coverage_applies
from graph_schema.schemes import SCHEME_DEPARTMENT, SCHEME_VALUES
from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer
from hub.effects import Drainer, effect_handlers
from hub.objections import ObjectionError, file_objection
from hub.repairs import RepairError, apply_for_repair
from hub.risk import RiskScanner, load_risk_rules

AS_OF = NOW.date()
ENTERPRISES = 6
PEOPLE = [f"4101021985031{i:04d}" for i in range(6)]
PEOPLE = [p + id_check_digit(p) for p in PEOPLE]
DEPARTMENTS = [
    Department.SAMR,
    Department.CUSTOMS,
    Department.COURT,
    Department.TAX,
    Department.SAFE,
    Department.COMMERCE,
    Department.BANK,
    Department.LOGISTICS,
]
ORDER = {"goodsCny": "100.00", "freightCny": "10.00", "taxCny": "5.00", "discountCny": "0.00"}
ORDER_PAID = "115.00"  # 100.00 + 10.00 + 5.00 - 0.00: what a matching payment pays
CONSIGNEE = {
    "consigneeName": "Anna Schmidt",
    "consigneePhone": "+4930123456",
    "consigneeAddress": "Hauptstrasse 1, Berlin",
}
WHY = "The record names us, but the case was against another company."

Op = tuple[Any, ...]


def day(before: int) -> str:
    return (AS_OF - dt.timedelta(days=before)).isoformat()


def agency_of(department: Department) -> str:
    return department.value.lower()


@dataclass(frozen=True)
class Fact:
    """A record the hub applied that a later record refers to."""

    id: str
    uscc: str | None  # the enterprise it is about; None for a person's list entry
    agency: str


@dataclass
class World:
    """What the hub has applied so far, for the records that refer to earlier ones."""

    orders: list[Fact] = field(default_factory=list)
    declarations: list[Fact] = field(default_factory=list)
    penalties: list[Fact] = field(default_factory=list)
    entries: list[Fact] = field(default_factory=list)
    classifications: list[Fact] = field(default_factory=list)

    def note(self, record_type: str, agency: str, records: list[dict[str, Any]]) -> None:
        kept = {
            "trade.order@1": self.orders,
            "customs.declaration@1": self.declarations,
            "penalty@1": self.penalties,
            "list.entry@1": self.entries,
            "classification@1": self.classifications,
        }.get(record_type)
        if kept is None:
            return
        for record in records:
            subject = record.get("uscc") or record.get("subject", {}).get("uscc")
            kept.append(Fact(record["id"], subject, agency))

    def objectable(self) -> list[Fact]:
        """The records an enterprise can object to: its penalties, entries, classifications."""
        entries = [e for e in self.entries if e.uscc is not None]
        return self.penalties + entries + self.classifications


@dataclass(frozen=True)
class Batch:
    """One batch to send: the agency that signs it and its records. `objection`: a record the
    enterprise objects to first (through the hub, not a batch), for a resolution to answer;
    `repair`: a penalty the enterprise applies to repair first, for a decision to answer (its
    records get the application's id)."""

    agency: str
    records: list[dict[str, Any]]
    objection: Fact | None = None
    repair: Fact | None = None


def pick(facts: list[Fact], ref: int) -> Fact | None:
    return facts[ref % len(facts)] if facts else None


# --- one builder per record type: (drawn or written parameters, serial, world) -> batch ------


def enterprise(op: Op, n: int, world: World) -> Batch:
    e, young, status = op
    registered = day(100) if young else "2019-01-01"  # under 12 months old is grade M
    record = {
        "uscc": uscc(e),
        "name": f"Prop Co. {e}",
        "zone": "KAIFENG",
        "registeredOn": registered,
        "status": status,
    }
    return Batch("samr", [record])


def person(op: Op, n: int, world: World) -> Batch:
    p, renamed = op
    return Batch("samr", [{"idNumber": PEOPLE[p], "name": f"Person {p}{' Jr' if renamed else ''}"}])


def legal_representative(op: Op, n: int, world: World) -> Batch:
    p, e, ended = op
    record = {
        "idNumber": PEOPLE[p],
        "uscc": uscc(e),
        "since": "2020-01-01",
        "until": day(30) if ended else None,
    }
    return Batch("samr", [record])


def officer(op: Op, n: int, world: World) -> Batch:
    p, e, role = op
    record = {"idNumber": PEOPLE[p], "uscc": uscc(e), "role": role, "since": "2020-01-01"}
    return Batch("samr", [record])


def shareholding(op: Op, n: int, world: World) -> Batch:
    kind, holder, e, ratio = op
    party = {"idNumber": PEOPLE[holder]} if kind == "PERSON" else {"uscc": uscc(holder)}
    record = {"holder": party, "uscc": uscc(e), "ratio": ratio, "since": "2020-01-01"}
    return Batch("samr", [record])


def address(op: Op, n: int, world: World) -> Batch:
    e, k = op
    record = {"uscc": uscc(e), "address": f"No. {k} Test Road, Kaifeng", "since": "2020-01-01"}
    return Batch("samr", [record])


def phone(op: Op, n: int, world: World) -> Batch:
    e, k = op
    return Batch("samr", [{"uscc": uscc(e), "phone": f"+8637123450{k:02d}", "since": "2020-01-01"}])


def filing(op: Op, n: int, world: World) -> Batch:
    e, kind = op
    record = {
        "id": f"FIL-{n}",
        "uscc": uscc(e),
        "kind": kind,
        "filedOn": day(10),
        "sharedWith": ["CUSTOMS", "TAX"],
    }
    return Batch("samr", [record])


def penalty(op: Op, n: int, world: World) -> Batch:
    e, severity, before, department = op
    decided = AS_OF - dt.timedelta(days=before)
    months = {"MINOR": None, "GENERAL": 12, "SERIOUS": 36}[severity]
    record = {
        "id": f"PEN-{n}",
        "uscc": uscc(e),
        "caseNo": f"CASE-{n}",
        "severity": severity,
        "amountCny": "1000.00",
        "decidedOn": decided.isoformat(),
        "publicUntil": None if months is None else add_months(decided, months).isoformat(),
    }
    return Batch(agency_of(department), [record])


def penalty_repair(op: Op, n: int, world: World) -> Batch:
    (ref,) = op
    target = pick(world.penalties, ref)
    record = {"id": target.id if target else "PEN-none", "repairedOn": day(0)}
    return Batch(target.agency if target else "samr", [record])


def list_entry(op: Op, n: int, world: World) -> Batch:
    kind, subject, listed, before = op
    party = {"uscc": uscc(subject)} if kind == "ENTERPRISE" else {"idNumber": PEOPLE[subject]}
    record = {
        "id": f"LST-{n}",
        "subject": party,
        "list": listed,
        "listedOn": day(before),
        "reason": "test",
        "basis": "test",
    }
    return Batch(agency_of(LIST_DEPARTMENT.get(ListKind(listed), Department.SAMR)), [record])


def list_removal(op: Op, n: int, world: World) -> Batch:
    (ref,) = op
    target = pick(world.entries, ref)
    record = {"id": target.id if target else "LST-none", "removedOn": day(0), "reason": "test"}
    return Batch(target.agency if target else "samr", [record])


def objection_resolution(op: Op, n: int, world: World) -> Batch:
    ref, outcome = op
    target = pick(world.objectable(), ref)
    record = {
        "recordId": target.id if target else "REC-none",
        "outcome": outcome,
        "resolvedOn": day(0),
        "reason": "test",
    }
    return Batch(target.agency if target else "samr", [record], objection=target)


def repair_decision(op: Op, n: int, world: World) -> Batch:
    ref, outcome = op
    target = pick(world.penalties, ref)
    record = {
        "applicationId": "APP-none",  # the application `send` files, when it can
        "outcome": outcome,
        "decidedOn": day(0),
        "reason": "test",
    }
    return Batch(target.agency if target else "samr", [record], repair=target)


def classification(op: Op, n: int, world: World) -> Batch:
    e, scheme, index, before = op
    values = SCHEME_VALUES[ClassificationScheme(scheme)]
    record = {
        "id": f"CLS-{n}",
        "uscc": uscc(e),
        "scheme": scheme,
        "value": values[index % len(values)],
        "effectiveFrom": day(before),
    }
    return Batch(agency_of(SCHEME_DEPARTMENT[ClassificationScheme(scheme)]), [record])


def declaration(op: Op, n: int, world: World) -> Batch:
    e, mode, direction, value, before = op
    record = {
        "id": f"DEC-{n}",
        "uscc": uscc(e),
        "mode": mode,
        "direction": direction,
        "declaredOn": day(before),
        "valueCny": value,
        "destination": "DE",
        "hsCode": "940540",
    }
    return Batch("customs", [record])


def customs_return(op: Op, n: int, world: World) -> Batch:
    ref, value = op
    target = pick(world.declarations, ref)
    record = {
        "id": f"RET-{n}",
        "uscc": target.uscc if target else uscc(0),
        "declarationId": target.id if target else "DEC-none",
        "returnedOn": day(0),
        "valueCny": value,
        "reason": "damaged in transit",
    }
    return Batch("customs", [record])


def order(op: Op, n: int, world: World) -> Batch:
    e, count, before, sender = op
    records = [
        {"id": f"ORD-{n}-{k}", "uscc": uscc(e), "orderedOn": day(before), **ORDER, **CONSIGNEE}
        for k in range(count)
    ]
    return Batch(sender, records)


def _orders(world: World, ref: int, count: int) -> list[Fact]:
    """`count` known orders from the `ref`th on (each once), or none."""
    known = world.orders
    return [known[(ref + k) % len(known)] for k in range(min(count, len(known)))]


def payment(op: Op, n: int, world: World) -> Batch:
    ref, count, exact = op
    targets = _orders(world, ref, count) or [Fact("ORD-none", None, "")]
    records = [
        {
            "id": f"PAY-{n}-{k}",
            "orderId": target.id,
            "paidOn": day(0),
            "amountCny": ORDER_PAID if exact else "100.00",
            "payerName": "Anna Schmidt",
        }
        for k, target in enumerate(targets)
    ]
    return Batch("bank", records)


def waybill(op: Op, n: int, world: World) -> Batch:
    ref, count, same = op
    targets = _orders(world, ref, count) or [Fact("ORD-none", None, "")]
    consignee = CONSIGNEE if same else {**CONSIGNEE, "consigneeName": "Someone Else"}
    records = [
        {
            "id": f"WAY-{n}-{k}",
            "orderId": target.id,
            "shippedOn": day(0),
            "carrier": "Test Express",
            **consignee,
        }
        for k, target in enumerate(targets)
    ]
    return Batch("logistics", records)


def inventory(op: Op, n: int, world: World) -> Batch:
    """The import inventory lists (CEB621) of known orders: their goods and freight, or goods
    10.00 short (an amount mismatch); the buyer is the payer of `payment`."""
    ref, count, same = op
    targets = _orders(world, ref, count) or [Fact("ORD-none", None, "")]
    records = [
        {
            "id": f"INV-{n}-{k}",
            "orderId": target.id,
            "direction": "IMPORT",
            "tradeMode": "9610",
            "declaredOn": day(0),
            "ebpCode": "4102960A01",
            "ebcCode": "4102960B02",
            "logisticsCode": "4102980L03",
            "logisticsNo": f"WAY-{n}-{k}",
            "goodsCny": ORDER["goodsCny"] if same else "90.00",
            "freightCny": ORDER["freightCny"],
            "buyerName": "Anna Schmidt",
            "buyerPhone": CONSIGNEE["consigneePhone"],
            "consigneeAddress": CONSIGNEE["consigneeAddress"],
        }
        for k, target in enumerate(targets)
    ]
    return Batch("customs", records)


def overseas_warehouse(op: Op, n: int, world: World) -> Batch:
    e, stock = op
    record = {
        "id": f"WH-{e}",
        "uscc": uscc(e),
        "name": f"Warehouse {e}",
        "country": "DE",
        "city": "Duisburg",
        "stockValueCny": stock,
        "stockAsOf": day(1),
        "since": "2024-01-01",
    }
    return Batch("commerce", [record])


def tax_refund(op: Op, n: int, world: World) -> Batch:
    e, status = op
    record = {
        "id": f"REF-{n}",
        "uscc": uscc(e),
        "claimedOn": day(20),
        "amountCny": "800.00",
        "status": status,
        "paidOn": day(5) if status == "PAID" else None,
    }
    return Batch("tax", [record])


def loan(op: Op, n: int, world: World) -> Batch:
    e, status, due_before = op
    record = {
        "id": f"LOAN-{n}",
        "uscc": uscc(e),
        "lender": "Bank of Kaifeng",
        "amountCny": "50000.00",
        "grantedOn": day(400),
        "dueOn": day(due_before),  # a negative number of days before: due in the future
        "status": status,
    }
    return Batch("bank", [record])


def trade_payment(op: Op, n: int, world: World) -> Batch:
    payer, payee, amount, before = op
    record = {
        "id": f"TP-{n}",
        "payerUscc": uscc(payer),
        "payeeUscc": uscc(payee),
        "paidOn": day(before),
        "amountCny": amount,
    }
    return Batch("bank", [record])


def export_receipt(op: Op, n: int, world: World) -> Batch:
    e, amount, before = op
    record = {
        "id": f"FXR-{n}",
        "uscc": uscc(e),
        "receivedOn": day(before),
        "amount": amount,
        "currency": "CNY",
        "amountCny": amount,
        "payerCountry": "KZ",
        "bank": "Bank of Kaifeng",
        "declarationId": None,
    }
    return Batch("bank", [record])


def premises(op: Op, n: int, world: World) -> Batch:
    e, status = op
    record = {
        "id": f"SP-{n}",
        "operatorUscc": uscc(e),
        "kind": "BONDED_WAREHOUSE",
        "name": f"Bonded warehouse {n}",
        "customsCode": "4611",
        "approvedOn": day(100),
        "status": status,
    }
    return Batch("customs", [record])


@dataclass(frozen=True)
class Generator:
    """How the property test draws records of one type: parameters, and the batch they make."""

    params: st.SearchStrategy[Op]
    build: Callable[[Op, int, World], Batch]


people = st.integers(0, 3)
enterprises = st.integers(0, ENTERPRISES - 1)
days_ago = st.integers(0, 900)
refs = st.integers(0, 40)

GENERATORS: dict[str, Generator] = {
    "samr.enterprise@1": Generator(
        st.tuples(enterprises, st.booleans(), st.sampled_from(["ACTIVE", "ABNORMAL"])),
        enterprise,
    ),
    "samr.person@1": Generator(st.tuples(people, st.booleans()), person),
    "samr.legal_representative@1": Generator(
        st.tuples(people, enterprises, st.booleans()), legal_representative
    ),
    "samr.officer@1": Generator(
        st.tuples(people, enterprises, st.sampled_from(["GENERAL_MANAGER", "SUPERVISOR"])),
        officer,
    ),
    "samr.shareholding@1": Generator(
        st.one_of(
            st.tuples(st.just("PERSON"), people, enterprises, st.sampled_from([0.1, 0.3, 0.6])),
            st.tuples(
                st.just("ENTERPRISE"), enterprises, enterprises, st.sampled_from([0.1, 0.3, 0.6])
            ),
        ),
        shareholding,
    ),
    "samr.address@1": Generator(st.tuples(enterprises, st.integers(0, 1)), address),
    "samr.phone@1": Generator(st.tuples(enterprises, st.integers(0, 1)), phone),
    "filing@1": Generator(
        st.tuples(enterprises, st.sampled_from(["CBEC_ENTERPRISE_FILING", "EXPORT_LICENCE"])),
        filing,
    ),
    "penalty@1": Generator(
        st.tuples(
            enterprises,
            st.sampled_from(["MINOR", "GENERAL", "SERIOUS"]),
            days_ago,
            st.sampled_from([Department.SAMR, Department.CUSTOMS, Department.TAX]),
        ),
        penalty,
    ),
    "penalty.repair@1": Generator(st.tuples(refs), penalty_repair),
    "list.entry@1": Generator(
        st.one_of(
            st.tuples(
                st.just("ENTERPRISE"), enterprises, st.sampled_from(list(ListKind)), days_ago
            ),
            st.tuples(
                st.just("PERSON"),
                people,
                st.sampled_from(["COURT_DISHONEST_DEBTOR", "SERIOUS_DISHONESTY"]),
                days_ago,
            ),
        ),
        list_entry,
    ),
    "list.removal@1": Generator(st.tuples(refs), list_removal),
    "objection.resolution@1": Generator(
        st.tuples(refs, st.sampled_from(["UPHELD", "REMOVED", "CORRECTED"])),
        objection_resolution,
    ),
    "repair.decision@1": Generator(
        st.tuples(refs, st.sampled_from(["GRANTED", "REFUSED"])), repair_decision
    ),
    "classification@1": Generator(
        st.tuples(
            enterprises, st.sampled_from(list(ClassificationScheme)), st.integers(0, 4), days_ago
        ),
        classification,
    ),
    "customs.declaration@1": Generator(
        st.tuples(
            enterprises,
            st.sampled_from(["9610", "9710", "9810"]),
            st.sampled_from(["EXPORT", "IMPORT"]),
            st.sampled_from(["60000.00", "1250.50"]),
            st.integers(0, 500),
        ),
        declaration,
    ),
    "customs.return@1": Generator(
        st.tuples(refs, st.sampled_from(["500.00", "1250.50"])), customs_return
    ),
    "trade.order@1": Generator(
        st.tuples(
            enterprises,
            st.sampled_from([1, 20]),
            st.integers(0, 400),
            st.sampled_from(["commerce", "customs"]),
        ),
        order,
    ),
    "trade.payment@1": Generator(st.tuples(refs, st.sampled_from([1, 20]), st.booleans()), payment),
    "logistics.waybill@1": Generator(
        st.tuples(refs, st.sampled_from([1, 20]), st.booleans()), waybill
    ),
    "customs.inventory@1": Generator(
        st.tuples(refs, st.sampled_from([1, 20]), st.booleans()), inventory
    ),
    "commerce.overseas_warehouse@1": Generator(
        st.tuples(enterprises, st.sampled_from(["10000.00", "250000.00"])), overseas_warehouse
    ),
    "tax.refund@1": Generator(
        st.tuples(enterprises, st.sampled_from(["CLAIMED", "PAID", "REJECTED"])), tax_refund
    ),
    "bank.loan@1": Generator(
        st.tuples(
            enterprises, st.sampled_from(["CURRENT", "OVERDUE", "DEFAULT"]), st.integers(-200, 300)
        ),
        loan,
    ),
    "bank.trade_payment@1": Generator(
        st.tuples(
            enterprises,
            enterprises,
            st.sampled_from(["50000.00", "120000.00"]),
            st.integers(0, 500),
        ),
        trade_payment,
    ),
    "fx.export_receipt@1": Generator(
        st.tuples(enterprises, st.sampled_from(["50000.00", "120000.00"]), st.integers(0, 500)),
        export_receipt,
    ),
    "customs.premises@1": Generator(
        st.tuples(enterprises, st.sampled_from(["ACTIVE", "SUSPENDED", "CANCELLED"])), premises
    ),
}
"""A generator per record type of the registry, by name."""


def without_generator() -> list[str]:
    return [name for name in RECORD_TYPES if name not in GENERATORS]


def every_record_type() -> st.SearchStrategy[tuple[str, Op]]:
    """(record type, parameters), drawn from every type of the registry."""
    missing = without_generator()
    assert not missing, f"no generator for record type(s) {', '.join(missing)}"
    return st.one_of(*(st.tuples(st.just(name), GENERATORS[name].params) for name in RECORD_TYPES))


async def agencies(driver: AsyncDriver) -> dict[str, Agency]:
    """A connector for each department, allowed every record type the registry lets it send."""
    found = {}
    for department in DEPARTMENTS:
        name = agency_of(department)
        types = [t for t, record_type in RECORD_TYPES.items() if record_type.allows(department)]
        connector = f"{name}-prop"
        await register_connector(driver, DATABASE, connector, department.value, types, KEYS_FROM)
        key = generate_key("EdDSA", f"{connector}-k1")
        await add_key(driver, DATABASE, connector, public_jwk(key), KEYS_FROM, close_others=True)
        found[name] = Agency(connector, department, key)
    return found


async def send(
    driver: AsyncDriver,
    pipeline: Pipeline,
    by_name: dict[str, Agency],
    world: World,
    record_type: str,
    batch: Batch,
) -> Outcome:
    """File the batch's objection (if any) as its enterprise, then ingest the batch."""
    if batch.objection is not None and batch.objection.uscc is not None:
        with contextlib.suppress(ObjectionError):  # one pending already, or withdrawn: fine
            await file_objection(
                driver,
                DATABASE,
                uscc=batch.objection.uscc,
                record_id=batch.objection.id,
                reason=WHY,
                client_id="enterprise-prop",
                now=NOW,
            )
    records = batch.records
    if batch.repair is not None and batch.repair.uscc is not None:
        application = await applied_for(driver, batch.repair)
        records = [record | {"applicationId": application} for record in records]
    outcome = await pipeline.ingest(by_name[batch.agency].batch(record_type, records))
    if outcome.status is Status.APPLIED:
        world.note(record_type, batch.agency, records)
    return outcome


async def applied_for(driver: AsyncDriver, penalty: Fact) -> str:
    """Apply for the repair of `penalty` as its enterprise (one may be pending already, or the
    penalty not yet eligible: fine); the id of its latest application, else an unknown one."""
    assert penalty.uscc is not None
    with contextlib.suppress(RepairError):
        await apply_for_repair(
            driver,
            DATABASE,
            uscc=penalty.uscc,
            record_id=penalty.id,
            correction="The fine was paid and the practice corrected.",
            commitment="We commit to comply with the law.",
            client_id="enterprise-prop",
            now=NOW,
        )
    rows, _, _ = await driver.execute_query(
        "MATCH (a:RepairApplication {recordId: $id}) RETURN a.id AS id "
        "ORDER BY a.filedAt DESC, a.id LIMIT 1",
        id=penalty.id,
        database_=DATABASE,
    )
    return str(rows[0]["id"]) if rows else "APP-none"


async def send_base(
    driver: AsyncDriver,
    pipeline: Pipeline,
    by_name: dict[str, Agency],
    world: World,
    base: list[tuple[str, list[Op]]],
) -> int:
    """Send each (record type, ops) of `base` as one batch, which must apply; the next serial."""
    serial = itertools.count()
    for record_type, ops in base:
        batches = [GENERATORS[record_type].build(op, next(serial), world) for op in ops]
        (agency,) = {batch.agency for batch in batches}
        records = [record for batch in batches for record in batch.records]
        outcome = await send(driver, pipeline, by_name, world, record_type, Batch(agency, records))
        assert outcome.status is Status.APPLIED, (record_type, outcome.problems)
    return next(serial)


async def state(driver: AsyncDriver) -> tuple[dict[str, Any], dict[str, Any]]:
    """Current ratings by enterprise, and the coverage rows that apply on AS_OF."""
    ratings, _, _ = await driver.execute_query(
        "MATCH (e:Enterprise)-[:CURRENT_RATING]->(r:Rating)"
        " RETURN e.uscc AS uscc, r.score AS score, r.grade AS grade, r.fingerprint AS f",
        database_=DATABASE,
    )
    rows, _, _ = await driver.execute_query(
        f"MATCH (c:ListCoverage) WHERE {coverage_applies('c', '$d')}"
        " RETURN c.id AS id, c.subjectKey AS subject, c.path AS path",
        d=AS_OF,
        database_=DATABASE,
    )
    return (
        {r["uscc"]: (r["score"], r["grade"], r["f"]) for r in ratings},
        {r["id"]: (r["subject"], r["path"]) for r in rows},
    )


async def fresh_graph(driver: AsyncDriver) -> tuple[dict[str, Agency], CreditRecomputer]:
    await wipe(driver)
    await driver.execute_query(
        "MERGE (:Zone {code: 'KAIFENG', name: 'Kaifeng'})", database_=DATABASE
    )
    recomputer = CreditRecomputer(
        driver, DATABASE, load_model(), load_joint_rules(), chunk_size=4, clock=lambda: AS_OF
    )
    return await agencies(driver), recomputer


def drainer_of(driver: AsyncDriver, recomputer: CreditRecomputer) -> Drainer:
    """The drainer of the effects batches owe, as the hub's, re-rating with `recomputer`."""
    scanner = RiskScanner(driver, DATABASE, load_risk_rules(), clock=lambda: AS_OF)
    return Drainer(driver, DATABASE, effect_handlers(recomputer, scanner), clock=lambda: NOW)


async def hooked_graph(
    driver: AsyncDriver, base: list[tuple[str, list[Op]]]
) -> tuple[Pipeline, dict[str, Agency], World, CreditRecomputer, int]:
    """A fresh graph with `base` sent through a pipeline whose hook re-rates after each batch,
    as the hub's does: the pipeline, the agencies, the world, the recomputer, the next serial."""
    by_name, recomputer = await fresh_graph(driver)
    pipeline = Pipeline(
        driver,
        DATABASE,
        b"test-person-secret",
        clock=lambda: NOW,
        complete_effects=drainer_of(driver, recomputer).settle,
    )
    world = World()
    serial = await send_base(driver, pipeline, by_name, world, base)
    return pipeline, by_name, world, recomputer, serial


def test_every_record_type_of_the_registry_has_a_generator_and_a_case() -> None:
    """The twin guard of the two tests below, without a database: a type the registry gains
    fails here by name until it has a generator and a written case."""
    assert without_generator() == []
    assert [name for name in RECORD_TYPES if name not in CASES] == []
    assert set(GENERATORS) <= set(RECORD_TYPES) and set(CASES) <= set(RECORD_TYPES)


PROPERTY_BASE: list[tuple[str, list[Op]]] = [
    ("samr.enterprise@1", [(i, False, "ACTIVE") for i in range(ENTERPRISES)]),
    ("samr.person@1", [(p, False) for p in range(4)]),
    # 20 orders of enterprise 0 (the fewest the order factor counts), each on its inventory
    # list: 0-9 shipped and not paid, 10-19 paid and not shipped, so that most payments and
    # waybills drawn make one match
    ("trade.order@1", [(0, 20, 30, "commerce")]),
    ("customs.inventory@1", [(0, 20, True)]),
    ("logistics.waybill@1", [(0, 10, True)]),
    ("trade.payment@1", [(10, 10, True)]),
    # 100000.00 of exports each (the least the collection factor counts), 0 collected: a
    # trade payment to any of the three moves its collection ratio
    ("customs.declaration@1", [(e, "9710", "EXPORT", "100000.00", 40) for e in range(3)]),
    # for repairs (past its 3-month minimum publicity) and objections
    ("penalty@1", [(4, "GENERAL", 120, Department.SAMR)]),
    ("list.entry@1", [("ENTERPRISE", 5, "ABNORMAL_OPERATION", 60)]),  # for removals, ties
]
"""What each example starts from, sent through the pipeline (and its re-rating hook)."""


@settings(
    max_examples=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(st.deferred(every_record_type), min_size=1, max_size=12))
async def test_re_rating_after_each_batch_equals_a_full_re_rating(
    graph: AsyncDriver, operations: list[tuple[str, Op]]
) -> None:
    pipeline, by_name, world, recomputer, serial = await hooked_graph(graph, PROPERTY_BASE)
    for n, (record_type, op) in zip(itertools.count(serial), operations, strict=False):
        batch = GENERATORS[record_type].build(op, n, world)
        outcome = await send(graph, pipeline, by_name, world, record_type, batch)
        event(f"{record_type} {outcome.code}")  # a refusal is fine; --hypothesis-show-statistics

    incremental = await state(graph)
    report = await recomputer.recompute_all(AS_OF)
    assert report.ratings_written == 0  # no rating differs from the one kept after the batches
    assert await state(graph) == incremental


# --- one written batch of each record type -------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A written batch of one record type, the enterprise whose rating it would move, and
    whether the type feeds a rating at all (then the rating must move, else it must not)."""

    op: Op
    subject: int | None
    feeds: bool


LISTED = 10  # enterprise 10 is on a list; the ties below bring enterprises 11 to 14 near it

# Built in this order, so the references of the cases are known: orders 0-19 are enterprise
# 0's, penalty 0 is enterprise 5's (SAMR), 1 enterprise 9's (CUSTOMS) and 2 enterprise 2's
# (TAX), each past its 3-month minimum publicity (a repair may follow), entry 0 enterprise 8's,
# declaration 0 enterprise 1's. The cases only append to those lists.
CASE_BASE: list[tuple[str, list[Op]]] = [
    ("samr.enterprise@1", [(i, False, "ACTIVE") for i in range(15)]),
    ("samr.person@1", [(p, False) for p in range(2)]),
    # enterprise 0: 20 orders; paid 0-18, shipped 0-17 and 19, listed 1-19: 17 of 20 match
    ("trade.order@1", [(0, 20, 30, "commerce")]),
    ("trade.payment@1", [(0, 19, True)]),
    ("logistics.waybill@1", [(0, 18, True), (19, 1, True)]),
    ("customs.inventory@1", [(1, 19, True)]),
    # enterprise 1: 100000.00 of 9710 exports and 50000.00 of proceeds received: 50%
    ("customs.declaration@1", [(1, "9710", "EXPORT", "100000.00", 40)]),
    ("fx.export_receipt@1", [(1, "50000.00", 20)]),
    ("penalty@1", [(5, "GENERAL", 120, Department.SAMR)]),
    ("penalty@1", [(9, "GENERAL", 120, Department.CUSTOMS)]),
    ("penalty@1", [(2, "GENERAL", 120, Department.TAX)]),
    ("list.entry@1", [("ENTERPRISE", 8, "ABNORMAL_OPERATION", 60)]),
    ("list.entry@1", [("ENTERPRISE", LISTED, "ABNORMAL_OPERATION", 60)]),
    ("samr.legal_representative@1", [(0, LISTED, False)]),
    ("samr.officer@1", [(1, LISTED, "SUPERVISOR")]),
    ("samr.address@1", [(LISTED, 10)]),
]

CASES: dict[str, Case] = {
    "samr.enterprise@1": Case((15, False, "ACTIVE"), 15, feeds=True),  # a new enterprise
    "samr.person@1": Case((5, False), None, feeds=False),
    "samr.legal_representative@1": Case((0, 11, False), 11, feeds=True),  # person 0 leads 10
    "samr.officer@1": Case((1, 12, "GENERAL_MANAGER"), 12, feeds=True),  # person 1 in 10
    "samr.shareholding@1": Case(("ENTERPRISE", LISTED, 13, 0.3), 13, feeds=True),
    "samr.address@1": Case((14, 10), 14, feeds=True),  # the address of enterprise 10
    "samr.phone@1": Case((0, 0), 0, feeds=False),
    "filing@1": Case((0, "CBEC_ENTERPRISE_FILING"), 0, feeds=False),
    "penalty@1": Case((4, "GENERAL", 30, Department.SAMR), 4, feeds=True),
    "penalty.repair@1": Case((0,), 5, feeds=True),  # penalty 0
    "list.entry@1": Case(("ENTERPRISE", 7, "SERIOUS_DISHONESTY", 5), 7, feeds=True),
    "list.removal@1": Case((0,), 8, feeds=True),  # entry 0
    "objection.resolution@1": Case((1, "REMOVED"), 9, feeds=True),  # penalty 1, withdrawn
    "repair.decision@1": Case((2, "GRANTED"), 2, feeds=True),  # penalty 2, repaired
    "classification@1": Case((6, "CUSTOMS_CREDIT", 3, 30), 6, feeds=True),  # DISHONEST
    # 50000.00 / 120000.00 collected: 41.7%, below the 50% tier
    "customs.declaration@1": Case((1, "9710", "EXPORT", "20000.00", 10), 1, feeds=True),
    "customs.return@1": Case((0, "500.00"), 1, feeds=False),  # of declaration 0
    "trade.order@1": Case((0, 1, 10, "customs"), 0, feeds=True),  # one more, unmatched
    "trade.payment@1": Case((19, 1, True), 0, feeds=True),  # order 19 was shipped: it matches
    "logistics.waybill@1": Case((18, 1, True), 0, feeds=True),  # order 18 was paid: it matches
    "customs.inventory@1": Case((0, 1, True), 0, feeds=True),  # order 0 paid, shipped: matches
    "commerce.overseas_warehouse@1": Case((0, "250000.00"), 0, feeds=False),
    "tax.refund@1": Case((0, "PAID"), 0, feeds=False),
    "bank.loan@1": Case((3, "OVERDUE", 60), 3, feeds=True),
    # a payment from a Chinese enterprise is payment flow, not a collection: no rating moves
    "bank.trade_payment@1": Case((2, 1, "60000.00", 5), 1, feeds=False),
    # 110000.00 received: 91.7% of 120000.00 or 110% of 100000.00, the top tier either way
    "fx.export_receipt@1": Case((1, "60000.00", 5), 1, feeds=True),
    # a premises rates its operator as a provider (providerProfile), not in the composite grade
    "customs.premises@1": Case((3, "SUSPENDED"), 3, feeds=False),
}
"""A written case per record type of the registry, by name."""


async def test_a_batch_of_each_record_type_re_rates_what_it_feeds(graph: AsyncDriver) -> None:
    missing = [name for name in RECORD_TYPES if name not in CASES]
    assert not missing, f"no written case for record type(s) {', '.join(missing)}"
    by_name, recomputer = await fresh_graph(graph)
    pipeline = Pipeline(graph, DATABASE, b"test-person-secret", clock=lambda: NOW)
    drainer = drainer_of(graph, recomputer)
    world = World()
    serial = await send_base(graph, pipeline, by_name, world, CASE_BASE)
    await recomputer.recompute_all(AS_OF)

    problems: list[str] = []
    for n, name in enumerate(RECORD_TYPES, start=serial):
        case = CASES[name]
        before, _ = await state(graph)
        outcome = await send(
            graph, pipeline, by_name, world, name, GENERATORS[name].build(case.op, n, world)
        )
        assert outcome.status is Status.APPLIED, (name, outcome.problems)
        subject = None if case.subject is None else uscc(case.subject)
        if case.feeds:
            named = outcome.subjects
            if not named:
                problems.append(f"{name}: an applied batch names no enterprise, person or fact")
            # what the batch's RERATE effect re-rates (`CreditRecomputer.rerate_batch`)
            reach = recomputer.reach if RECORD_TYPES[name].reach is Reach.NETWORK else 0
            affected, _ = await recomputer.affected(
                named.usccs, named.person_keys, named.fact_ids, reach
            )
            if subject not in affected:
                problems.append(f"{name}: {subject} is not among the affected {affected}")
        await drainer.settle(str(outcome.batch_id))
        after, _ = await state(graph)
        if subject is not None and (before.get(subject) != after.get(subject)) != case.feeds:
            moved = "moved" if case.feeds is False else "did not move"
            problems.append(f"{name}: the rating of {subject} {moved} after the hook")
        report = await recomputer.recompute_all(AS_OF)
        if report.ratings_written:
            problems.append(f"{name}: a full re-rating changed {report.ratings_written} rating(s)")
    assert not problems, "\n".join(problems)


# --- the three trade documents re-rate and announce the enterprise they concern -------------

TRADE_BASE: list[tuple[str, list[Op]]] = [
    ("samr.enterprise@1", [(i, False, "ACTIVE") for i in range(4)]),
    # orders 0-19 are enterprise 0's, 20-39 enterprise 1's, each on its inventory list
    ("trade.order@1", [(0, 20, 30, "commerce"), (1, 20, 30, "commerce")]),
    ("customs.inventory@1", [(0, 40, True)]),
    # enterprise 0: paid 0-16 and 18, shipped 0-17; enterprise 1: paid 20-37, shipped 20-36;
    # 17 of 20 orders match for each: 85%, the -10 tier
    ("trade.payment@1", [(0, 17, True), (18, 1, True), (20, 18, True)]),
    ("logistics.waybill@1", [(0, 18, True), (20, 17, True)]),
    # enterprise 2: 100000.00 of 9710 exports, 40000.00 of proceeds received: 40%, -10
    ("customs.declaration@1", [(2, "9710", "EXPORT", "100000.00", 40)]),
    ("fx.export_receipt@1", [(2, "40000.00", 20)]),
]

TRADE_CASES: list[tuple[str, Op, int]] = [
    ("trade.payment@1", (17, 1, True), 0),  # order 17 paid: 18 of 20 match, 90%
    ("logistics.waybill@1", (37, 1, True), 1),  # order 37 shipped: 18 of 20 match, 90%
    ("fx.export_receipt@1", (2, "20000.00", 5), 2),  # 60000.00 received: 60%
]
"""(record type, the batch's parameters, the enterprise whose score it lifts from the -10 tier
to the 0 tier: by 10)."""


async def test_trade_documents_re_rate_and_announce_the_enterprise_they_concern(
    graph: AsyncDriver,
) -> None:
    pipeline, by_name, world, _, serial = await hooked_graph(graph, TRADE_BASE)
    for n, (name, op, subject) in enumerate(TRADE_CASES, start=serial):
        (head,), _, _ = await graph.execute_query(
            "OPTIONAL MATCH (c:CreditChange) RETURN coalesce(max(c.seq), 0) AS seq",
            database_=DATABASE,
        )
        outcome = await send(
            graph, pipeline, by_name, world, name, GENERATORS[name].build(op, n, world)
        )
        assert outcome.status is Status.APPLIED, (name, outcome.problems)
        announced, _, _ = await graph.execute_query(
            "MATCH (c:CreditChange {kind: 'RATING'}) WHERE c.seq > $head"
            " RETURN c.uscc AS uscc, c.score - c.previousScore AS lift",
            head=head["seq"],
            database_=DATABASE,
        )
        assert [(row["uscc"], row["lift"]) for row in announced] == [(uscc(subject), 10)], name
