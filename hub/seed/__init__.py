"""The synthetic demo zone, built through the signed connector pipeline as the agencies would.

`generate_zone(enterprises, seed)` yields `SeedChunk`s of connector records (pure, no I/O);
`plan_batches` turns a chunk into batches per record type and sending department, in an order
where every reference exists before use; `seed_zone(driver, database, data_dir=...,
person_secret=..., enterprises=..., seed=...)` signs each batch with its demo connector's key
and ingests it through `connectors.pipeline.Pipeline`, returning `SeedStats`;
`graph_is_empty` tells whether to seed; `scan_zone` runs the risk scan over the seeded (and
rated) zone. The hub's reference data (zones, belts, departments) is loaded by
`hub.reference_data.load_reference`, which `seed_zone` calls first.
"""

from hub.seed.agencies import SeedError
from hub.seed.generator import CHUNK_ENTERPRISES, DEFAULT_TODAY, SeedChunk, generate_zone
from hub.seed.plan import (
    DEPARTMENT_TYPES,
    MAX_BATCH_RECORDS,
    SEND_ORDER,
    PlannedBatch,
    plan_batches,
)
from hub.seed.seeding import SeedStats, graph_is_empty, scan_zone, seed_zone

__all__ = [
    "CHUNK_ENTERPRISES",
    "DEFAULT_TODAY",
    "DEPARTMENT_TYPES",
    "MAX_BATCH_RECORDS",
    "SEND_ORDER",
    "PlannedBatch",
    "SeedChunk",
    "SeedError",
    "SeedStats",
    "generate_zone",
    "graph_is_empty",
    "plan_batches",
    "scan_zone",
    "seed_zone",
]
