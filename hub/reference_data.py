"""The hub's own reference data: the pilot zones, their industry belts and the departments.

No agency sends these; the hub writes them itself, with the lineage source `hub-reference`
and batch `reference-v1`, before anything refers to them (an enterprise needs its zone, a
filing the departments it is shared with). `load_reference(driver, database)` is idempotent:
it MERGEs on the codes, so running it at every start-up changes nothing the second time.

The belts follow the implementation plans in `docs/seeds/`: Kaifeng's five belts are those
of its plan (002); Xinxiang's are those its plan names (001). The Zhengzhou work plan (003)
names no belts, so Zhengzhou's are plausible ones for the city.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from neo4j import AsyncDriver, AsyncManagedTransaction

from graph_schema.model import Department
from graph_schema.sessions import open_session
from graph_schema.writes import write_rows

__all__ = [
    "DEPARTMENTS",
    "INDUSTRY_BELTS",
    "REFERENCE_BATCH",
    "REFERENCE_SOURCE",
    "ZONES",
    "IndustryBelt",
    "ReferenceDataError",
    "Zone",
    "load_reference",
    "reference_rows",
]

REFERENCE_SOURCE: Final = "hub-reference"
"""The lineage `source` of the reference data."""

REFERENCE_BATCH: Final = "reference-v1"
"""The lineage `batch` of the reference data; a new version of the data gets a new one."""


@dataclass(frozen=True)
class Zone:
    """A cross-border e-commerce comprehensive pilot zone."""

    code: str
    name: str


@dataclass(frozen=True)
class IndustryBelt:
    """An industry belt of a zone (`zone` is the zone's code)."""

    code: str
    name: str
    zone: str


ZONES: Final[tuple[Zone, ...]] = (
    Zone("KAIFENG", "China (Kaifeng) Cross-border E-commerce Comprehensive Pilot Zone"),
    Zone("XINXIANG", "China (Xinxiang) Cross-border E-commerce Comprehensive Pilot Zone"),
    Zone("ZHENGZHOU", "China (Zhengzhou) Cross-border E-commerce Comprehensive Pilot Zone"),
)

_BELT = "Cross-border e-commerce "

INDUSTRY_BELTS: Final[tuple[IndustryBelt, ...]] = (
    # Kaifeng (plan 002, "industrial belt cultivation action")
    IndustryBelt("KF_INSTRUMENTS", _BELT + "instrumentation belt", "KAIFENG"),
    IndustryBelt("KF_HOUSEHOLD", _BELT + "household goods belt", "KAIFENG"),
    IndustryBelt("KF_EQUIPMENT", _BELT + "equipment manufacturing belt", "KAIFENG"),
    IndustryBelt("KF_AGRI", _BELT + "agricultural and sideline products belt", "KAIFENG"),
    IndustryBelt("KF_CULTURAL_ART", _BELT + "cultural art belt", "KAIFENG"),
    # Xinxiang (plan 001)
    IndustryBelt("XX_FINE_CHEMICALS", _BELT + "fine chemicals belt", "XINXIANG"),
    IndustryBelt("XX_LIFTING_EQUIPMENT", _BELT + "lifting equipment belt", "XINXIANG"),
    IndustryBelt("XX_VIBRATING_SCREENS", _BELT + "vibrating screen belt", "XINXIANG"),
    IndustryBelt("XX_AUTO_PARTS", _BELT + "auto parts belt", "XINXIANG"),
    IndustryBelt("XX_TEXTILES_APPAREL", _BELT + "textiles and apparel belt", "XINXIANG"),
    IndustryBelt("XX_FOOD_PROCESSING", _BELT + "food processing belt", "XINXIANG"),
    IndustryBelt("XX_SMART_APPLIANCES", _BELT + "smart appliances belt", "XINXIANG"),
    IndustryBelt("XX_NEW_ENERGY_BATTERIES", _BELT + "new-energy battery belt", "XINXIANG"),
    IndustryBelt(
        "XX_AGRI_SPECIALTIES", _BELT + "characteristic agricultural products belt", "XINXIANG"
    ),
    # Zhengzhou (plausible: 003 names no belts)
    IndustryBelt("ZZ_APPAREL", _BELT + "apparel belt", "ZHENGZHOU"),
    IndustryBelt("ZZ_ELECTRONICS", _BELT + "electronics belt", "ZHENGZHOU"),
    IndustryBelt("ZZ_FROZEN_FOOD", _BELT + "quick-frozen food belt", "ZHENGZHOU"),
    IndustryBelt("ZZ_AUTO_PARTS", _BELT + "automobile and parts belt", "ZHENGZHOU"),
    IndustryBelt(
        "ZZ_ABRASIVES_REFRACTORIES", _BELT + "abrasives and refractories belt", "ZHENGZHOU"
    ),
    IndustryBelt(
        "ZZ_CROSS_BORDER_IMPORT", _BELT + "bonded import consumer goods belt", "ZHENGZHOU"
    ),
)

DEPARTMENTS: Final[tuple[tuple[Department, str], ...]] = (
    (Department.CUSTOMS, "Zhengzhou Customs"),
    (Department.TAX, "Henan Provincial Tax Service, State Taxation Administration"),
    (Department.SAFE, "Henan Branch, State Administration of Foreign Exchange"),
    (Department.COMMERCE, "Department of Commerce of Henan Province"),
    (Department.SAMR, "Henan Provincial Administration for Market Regulation"),
    (Department.COURT, "Higher People's Court of Henan Province"),
    (Department.BANK, "Zhengzhou Central Sub-branch, People's Bank of China"),
    (Department.LOGISTICS, "Henan Postal Administration"),
    (Department.ZONE_ADMIN, "Pilot zone administration (single window)"),
)
"""Every `Department` with its name in the demo province."""


class ReferenceDataError(RuntimeError):
    """The reference data could not be written whole (an industry belt of an unknown zone)."""


def reference_rows() -> dict[str, list[dict[str, Any]]]:
    """The rows of `graph_schema.writes` kinds `zones`, `industry_belts` and `departments`."""
    lineage = {"source": REFERENCE_SOURCE, "batch": REFERENCE_BATCH}
    return {
        "zones": [{"props": {"code": z.code, "name": z.name, **lineage}} for z in ZONES],
        "industry_belts": [
            {"props": {"code": b.code, "name": b.name, "zone": b.zone, **lineage}}
            for b in INDUSTRY_BELTS
        ],
        "departments": [
            {"props": {"code": d.value, "name": name, **lineage}} for d, name in DEPARTMENTS
        ],
    }


async def load_reference(driver: AsyncDriver, database: str) -> None:
    """Upsert the zones, industry belts and departments in one transaction (idempotent)."""
    rows = reference_rows()

    async def work(tx: AsyncManagedTransaction) -> None:
        for kind, kind_rows in rows.items():  # zones before the belts that refer to them
            written = await write_rows(tx, kind, kind_rows)
            if written != len(kind_rows):
                raise ReferenceDataError(
                    f"only {written} of {len(kind_rows)} {kind} rows were written"
                )

    async with open_session(driver, database) as session:
        await session.execute_write(work)
