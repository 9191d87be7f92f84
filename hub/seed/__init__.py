"""The synthetic demo zone: a deterministic generator of facts and the loader that writes them.

`generate_zone(enterprises, seed, person_secret)` yields `SeedChunk`s of rows (pure, no I/O);
`load_zone(driver, database, chunks)` upserts them with the statements of
`graph_schema.writes` and returns `SeedStats`; `graph_is_empty` tells whether to seed.
"""

from hub.seed.generator import CHUNK_ENTERPRISES, DEFAULT_TODAY, SeedChunk, generate_zone
from hub.seed.loader import SeedLoadError, SeedStats, graph_is_empty, load_zone

__all__ = [
    "CHUNK_ENTERPRISES",
    "DEFAULT_TODAY",
    "SeedChunk",
    "SeedLoadError",
    "SeedStats",
    "generate_zone",
    "graph_is_empty",
    "load_zone",
]
