"""Data-quality findings in the API: `CreditProfile.dataQualityFindings`, where the
departments' records about an enterprise contradict each other or the law's dates
(`hub.credit.consistency`), each naming the department that must fix it.

The catalog admits the field with credit:explain (the findings name records, as the factors
do); who then sees which finding is decided here, by whom it is for:

- the department that must fix it (the `customs`, `tax`, `safe`, `commerce` and `samr`
  kinds, each its own department's findings only),
- a supervisor (the `regulator` and `admin` kinds): every finding,
- the enterprise itself: every finding about it.

Anyone else (a bank or insurer, even one granted credit:explain) gets none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import strawberry

from auth.principal import ClientKind, Principal
from graph_schema.model import Department
from hub.credit.consistency import Finding, check
from hub.credit.facts import RatingFacts
from hub.repairs.sharing import department_of

SUPERVISORS: Final = frozenset({ClientKind.REGULATOR, ClientKind.ADMIN})
"""The kinds that see every department's findings."""


@strawberry.type(
    description="Records of an enterprise that contradict each other or the law's dates, and "
    "the department that must fix them."
)
class DataQualityFinding:
    rule: str = strawberry.field(description="The consistency rule, e.g. REFUND_CLASS_4_FOR_TAX_D.")
    department: Department = strawberry.field(description="The department that must fix it.")
    message: str = strawberry.field(description="What the rule requires.")
    detail: str = strawberry.field(description="What was found, with dates and record ids.")
    evidence: list[str] = strawberry.field(description="Ids of the records behind it.")
    basis: str = strawberry.field(description="The regulation the rule comes from.")

    @classmethod
    def of(cls, finding: Finding) -> DataQualityFinding:
        return cls(
            rule=finding.rule,
            department=finding.department,
            message=finding.message,
            detail=finding.detail,
            evidence=list(finding.evidence),
            basis=finding.basis,
        )


def shown_to(principal: Principal, uscc: str, findings: Iterable[Finding]) -> list[Finding]:
    """The findings about enterprise `uscc` that `principal` may see (see the module doc)."""
    if principal.enterprise_uscc == uscc or principal.kind in SUPERVISORS:
        return list(findings)
    own = department_of(principal)
    return [] if own is None else [f for f in findings if f.department is own]


def findings_of(
    principal: Principal, facts: RatingFacts, department: Department | None
) -> list[DataQualityFinding]:
    """The caller's findings on `facts` (as of their date); `department` keeps one's."""
    shown = shown_to(principal, facts.uscc, check(facts))
    return [
        DataQualityFinding.of(f) for f in shown if department is None or f.department is department
    ]
