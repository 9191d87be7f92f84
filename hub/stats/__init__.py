"""Statistics for regulators: declared trade by month, mode, destination or belt; grades;
CBEC operators; and each pilot zone against its plan targets (versioned data, `targets.json`,
each target quoting its seed; `progress` sets the figures against them)."""

from hub.stats.progress import ZoneFigures, ZoneProgress, zone_progress
from hub.stats.reads import Group, Statistics, statistics
from hub.stats.targets import PlanTargets, TargetsError, load_targets

__all__ = [
    "Group",
    "PlanTargets",
    "Statistics",
    "TargetsError",
    "ZoneFigures",
    "ZoneProgress",
    "load_targets",
    "statistics",
    "zone_progress",
]
