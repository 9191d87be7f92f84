"""Statistics for regulators: declared trade by month, mode, destination or belt; grades;
operators; and each pilot zone against its plan targets (versioned data, `targets.json`)."""

from hub.stats.reads import Group, Statistics, ZoneProgress, statistics
from hub.stats.targets import PlanTargets, TargetsError, load_targets

__all__ = [
    "Group",
    "PlanTargets",
    "Statistics",
    "TargetsError",
    "ZoneProgress",
    "load_targets",
    "statistics",
]
