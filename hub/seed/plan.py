"""How the demo zone's records become batches: which connector sends what, in which order,
in batches of at most `MAX_BATCH_RECORDS`, with deterministic batch ids.

Each department has one demo connector (`hub.seed.reference.SOURCE`, e.g. `samr-demo`) that
may send the record types of `DEPARTMENT_TYPES`. Within a chunk, batches go in `SEND_ORDER`:
enterprises and persons before the relations that refer to them, orders before their payment
slips, waybills and inventory lists, penalties and list entries before their repairs and
removals; for a type sent by several departments, in the order of `Department`. A batch's id is
`uuid5(SEED_NAMESPACE, "seed:{seed}:{enterprises}:{chunk}:{department}:{type}:{part}")`, so the
same zone always gives the same batch ids (and lineage), and a batch already in the ledger is
recognised when the same zone is seeded again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from graph_schema.model import Department
from hub.seed.common import RawRecord
from hub.seed.generator import SeedChunk
from hub.seed.reference import SOURCE

__all__ = [
    "DEPARTMENT_TYPES",
    "MAX_BATCH_RECORDS",
    "SEED_NAMESPACE",
    "SEND_ORDER",
    "PlannedBatch",
    "batch_id",
    "plan_batches",
]

MAX_BATCH_RECORDS: Final = 5000
"""Records per batch at most."""

SEED_NAMESPACE: Final = uuid.UUID("5c1b0f3e-8a57-5d2e-9b0c-3f4e6a7d8c21")
"""The UUID namespace of the seed's batch ids."""

SEND_ORDER: Final[tuple[str, ...]] = (
    "samr.enterprise@1",
    "samr.person@1",
    "samr.legal_representative@1",
    "samr.officer@1",
    "samr.shareholding@1",
    "samr.address@1",
    "samr.phone@1",
    "filing@1",
    "classification@1",
    "customs.declaration@1",
    "customs.return@1",
    "trade.order@1",
    "trade.payment@1",
    "logistics.waybill@1",
    "customs.inventory@1",
    "customs.premises@1",
    "commerce.overseas_warehouse@1",
    "tax.refund@1",
    "bank.loan@1",
    "bank.trade_payment@1",
    "fx.export_receipt@1",
    "penalty@1",
    "list.entry@1",
    "penalty.repair@1",
    "list.removal@1",
)
"""The record types in the order a chunk's batches are sent."""

_SANCTIONS: Final = (
    "penalty@1",
    "penalty.repair@1",
    "list.entry@1",
    "list.removal@1",
    # not seeded, but a department answers objections and repair applications in the demo
    "objection.resolution@1",
    "repair.decision@1",
)
_LISTS: Final = ("list.entry@1", "list.removal@1")

DEPARTMENT_TYPES: Final[dict[Department, tuple[str, ...]]] = {
    Department.SAMR: (
        "samr.enterprise@1",
        "samr.person@1",
        "samr.legal_representative@1",
        "samr.officer@1",
        "samr.shareholding@1",
        "samr.address@1",
        "samr.phone@1",
        *_SANCTIONS,
    ),
    Department.ZONE_ADMIN: ("filing@1",),
    Department.CUSTOMS: (
        "customs.declaration@1",
        "customs.return@1",
        "customs.inventory@1",
        "customs.premises@1",
        "classification@1",
        *_SANCTIONS,
    ),
    Department.TAX: ("tax.refund@1", "classification@1", *_SANCTIONS),
    Department.SAFE: ("classification@1", *_SANCTIONS),
    Department.COMMERCE: ("trade.order@1", "commerce.overseas_warehouse@1", *_SANCTIONS),
    Department.COURT: _LISTS,
    Department.BANK: (
        "trade.payment@1",
        "bank.loan@1",
        "bank.trade_payment@1",
        "fx.export_receipt@1",
    ),
    Department.LOGISTICS: ("logistics.waybill@1",),
}
"""The record types each department's demo connector is registered for."""

_DEPARTMENT_RANK: Final = {department: rank for rank, department in enumerate(Department)}
_TYPE_RANK: Final = {name: rank for rank, name in enumerate(SEND_ORDER)}


@dataclass(frozen=True)
class PlannedBatch:
    """One batch to send: its records, who sends them, and its deterministic id."""

    chunk: int
    part: int  # the part of the chunk's records of this type and department
    record_type: str
    department: Department
    connector: str
    batch_id: uuid.UUID
    records: list[RawRecord]

    def describe(self) -> str:
        """`samr-demo samr.person@1 (chunk 3, part 0, batch <uuid>)`, for messages."""
        return (
            f"{self.connector} {self.record_type} "
            f"(chunk {self.chunk}, part {self.part}, batch {self.batch_id})"
        )


def batch_id(
    seed: int, enterprises: int, chunk: int, department: Department, record_type: str, part: int
) -> uuid.UUID:
    """The deterministic id of one batch of the seed."""
    name = f"seed:{seed}:{enterprises}:{chunk}:{department.value}:{record_type}:{part}"
    return uuid.uuid5(SEED_NAMESPACE, name)


def plan_batches(
    chunk: SeedChunk, seed: int, enterprises: int, max_records: int = MAX_BATCH_RECORDS
) -> Iterator[PlannedBatch]:
    """The batches of `chunk` in sending order (see the module doc).

    Raises `ValueError` for records of a type or department this plan does not send.
    """
    for record_type, department in chunk.records:
        if record_type not in DEPARTMENT_TYPES.get(department, ()):
            raise ValueError(f"the seed has no {department.value} connector for {record_type}")
    keys = sorted(chunk.records, key=lambda k: (_TYPE_RANK[k[0]], _DEPARTMENT_RANK[k[1]]))
    for record_type, department in keys:
        records = chunk.records[(record_type, department)]
        for part, start in enumerate(range(0, len(records), max_records)):
            yield PlannedBatch(
                chunk=chunk.index,
                part=part,
                record_type=record_type,
                department=department,
                connector=SOURCE[department],
                batch_id=batch_id(seed, enterprises, chunk.index, department, record_type, part),
                records=records[start : start + max_records],
            )
