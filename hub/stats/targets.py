"""Each pilot zone's plan targets as versioned data (`targets.json`), validated on load."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from graph_schema.datafile import load_data_file

DEFAULT_TARGETS_PATH = Path(__file__).with_name("targets.json")

Metric = Literal["operators", "annual_value_cny", "industry_belts", "parks"]
METRIC_LABELS: dict[str, str] = {
    "operators": "cross-border e-commerce operators (registered enterprises, active or on the "
    "abnormal-operation list; never revoked or deregistered)",
    "annual_value_cny": "declared value over the last 12 months, CNY",
    "industry_belts": "characteristic industry belts",
    "parks": "cross-border e-commerce industrial parks",
}


class TargetsError(ValueError):
    """The targets file is not valid; the message names the file and the problem."""


class ZoneTargets(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = Field(min_length=1)
    targets: dict[Metric, float]


class PlanTargets(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    zones: dict[str, ZoneTargets]


def load_targets(path: Path | str | None = None) -> PlanTargets:
    source = Path(path) if path is not None else DEFAULT_TARGETS_PATH
    return load_data_file(PlanTargets, source, "plan targets", TargetsError)
