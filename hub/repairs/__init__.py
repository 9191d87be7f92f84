"""Credit repair: the enterprise applies for the repair of its own penalty once its minimum
publicity has passed (`store`), the deciding department grants or refuses through a signed
`repair.decision@1` record, and a repaired penalty stops being shared (`sharing`)."""

from hub.repairs.sharing import KIND_DEPARTMENT, department_of, keeps_history, still_shared
from hub.repairs.store import (
    RepairApplication,
    RepairError,
    apply_for_repair,
    repair_applications_of,
    repair_queue,
)

__all__ = [
    "KIND_DEPARTMENT",
    "RepairApplication",
    "RepairError",
    "apply_for_repair",
    "department_of",
    "keeps_history",
    "repair_applications_of",
    "repair_queue",
    "still_shared",
]
