"""Who still sees a repaired penalty: the end of sharing that repair brings.

NDRC Order 36 art. 3: once information is repaired, its publicity ends and it is no longer
shared with other departments nor used, while the history stays with those who keep it
(SPEC section 6): the subject, the deciding department and audit. From the day of its repair
a penalty is therefore served only to

- the enterprise itself (the `enterprise` client kind, for its own USCC),
- the department that decided it (the `customs`, `tax`, `safe`, `commerce` and `samr` kinds,
  each the department of its name: `KIND_DEPARTMENT`),
- audit: a caller holding `audit:read` (by the catalog's default grants, the `regulator` and
  `admin` kinds).

Any other caller (another department, a bank or insurer, the public) no longer gets it. The
rating already ignores a penalty from its repair day (`hub.credit.engine`).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from auth.principal import ClientKind, Principal
from graph_schema.model import Department

AUDIT_SCOPE: Final = "audit:read"
"""The scope of those who keep the history of repaired records for audit."""

KIND_DEPARTMENT: Final[dict[ClientKind, Department]] = {
    ClientKind.CUSTOMS: Department.CUSTOMS,
    ClientKind.TAX: Department.TAX,
    ClientKind.SAFE: Department.SAFE,
    ClientKind.COMMERCE: Department.COMMERCE,
    ClientKind.SAMR: Department.SAMR,
}
"""The department each departmental client kind acts for."""


def department_of(principal: Principal) -> Department | None:
    """The department the caller acts for, or None (not a department's client)."""
    return KIND_DEPARTMENT.get(principal.kind)


def keeps_history(principal: Principal) -> bool:
    """Whether the caller keeps every repaired record in view (audit)."""
    return principal.has(AUDIT_SCOPE)


def still_shared(
    principal: Principal,
    *,
    subject: str,
    department: str,
    repaired_on: dt.date | None,
    today: dt.date,
) -> bool:
    """Whether a penalty of `subject` decided by `department`, repaired on `repaired_on`
    (None: not repaired), is served to the caller on `today`."""
    if repaired_on is None or repaired_on > today:
        return True
    if principal.enterprise_uscc == subject or keeps_history(principal):
        return True
    own = department_of(principal)
    return own is not None and own.value == department
