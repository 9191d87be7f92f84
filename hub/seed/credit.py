"""The credit facts departments hold about a generated enterprise: list entries (authoritative
lists and the red list, on enterprises and on legal representatives) and their removals,
penalties of each severity with their publicity periods and repairs, and each department's
classification.

They are drawn consistently: a red-listed enterprise has an A tax grade and the advanced
certified customs tier, a customs-dishonest one the dishonest tier, and so on. Each is a
connector record sent by the department it belongs to: a list entry by its list's department,
its removal (`list.removal@1`) by the same one; a penalty by the deciding department, with a
`publicUntil` within the publicity of its severity in calendar months
(`graph_schema.publicity`), and its repair (`penalty.repair@1`) by the same department.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from connectors.records.fields import add_months
from graph_schema.model import SCHEME_DEPARTMENT, ClassificationScheme, Department, Severity
from graph_schema.publicity import PUBLICITY
from hub.seed.common import Emitter, EnterpriseInfo, RawRecord, cny, date, iso, optional_iso

# (kind, department, weight, reason, basis, days listed before expiry or None)
_LISTS: Final = (
    (
        "SERIOUS_DISHONESTY",
        "SAMR",
        10,
        "serious illegal and dishonest acts in market dealings",
        "Measures for the Administration of the List of Serious Illegal and Dishonest Entities "
        "in Market Supervision (SAMR Order 44)",
        1095,
    ),
    (
        "CUSTOMS_DISHONEST",
        "CUSTOMS",
        12,
        "customs credit rated dishonest",
        "Measures of the Customs for the Administration of Enterprise Credit (GACC Order 282)",
        730,
    ),
    (
        "TAX_MAJOR_VIOLATION",
        "TAX",
        14,
        "major tax violation: fraudulent export refund claim",
        "Measures for the Administration of Information on Major Tax Violations and Dishonest "
        "Entities (SAT Order 54)",
        1095,
    ),
    (
        "COURT_DISHONEST_DEBTOR",
        "COURT",
        18,
        "failed to perform an effective judgment",
        "Provisions of the Supreme People's Court on Publishing the List of Dishonest Judgment "
        "Debtors (Fa Shi [2017] No. 7)",
        730,
    ),
    (
        "SAFE_CLASS_C",
        "SAFE",
        10,
        "classified C in goods-trade foreign exchange supervision",
        "Guidelines for Foreign Exchange Administration of Goods Trade (SAFE)",
        365,
    ),
    (
        "ABNORMAL_OPERATION",
        "SAMR",
        16,
        "cannot be contacted at the registered address",
        "Interim Measures for the Administration of the List of Enterprises with Abnormal "
        "Operations, art. 4",
        None,
    ),
)
# Why an entry of each list came off it early.
_REMOVAL_REASONS: Final = {
    "SERIOUS_DISHONESTY": "credit repair approved after the publicity period",
    "CUSTOMS_DISHONEST": "customs credit re-rated after rectification",
    "TAX_MAJOR_VIOLATION": "tax, late fees and fines paid in full; credit repaired",
    "COURT_DISHONEST_DEBTOR": "the judgment was performed",
    "SAFE_CLASS_C": "re-classified after the supervision period",
    "ABNORMAL_OPERATION": "contact restored at the registered address; annual report filed",
}
_LIST_BY_KIND: Final = {entry[0]: entry for entry in _LISTS}
_LIST_KINDS: Final = tuple(entry[0] for entry in _LISTS)
_LIST_WEIGHTS: Final = tuple(entry[2] for entry in _LISTS)
_RED_LIST: Final = (
    "RED_LIST",
    "COMMERCE",
    0,
    "trustworthy enterprise: joint incentives",
    "Henan joint incentive memorandum for trustworthy cross-border e-commerce enterprises",
)

_PENALTY_DEPARTMENTS: Final = ("CUSTOMS", "TAX", "SAMR", "SAFE", "COMMERCE")
_PENALTY_DEPARTMENT_WEIGHTS: Final = (35, 25, 25, 10, 5)
_SEVERITIES: Final = ("MINOR", "GENERAL", "SERIOUS")
_SEVERITY_WEIGHTS: Final = (50, 38, 12)
_SEVERITY_AMOUNTS: Final = {
    "MINOR": (200.0, 10_000.0),
    "GENERAL": (10_000.0, 200_000.0),
    "SERIOUS": (200_000.0, 3_000_000.0),
}

_CUSTOMS_TIERS: Final = (
    "ADVANCED_CERTIFIED",
    "CERTIFIED",
    "ROUTINE",
    "DISHONEST",
    "SERIOUSLY_DISHONEST",
)
_CUSTOMS_WEIGHTS: Final = (4, 16, 174, 5, 1)
_TAX_GRADES: Final = ("A", "B", "M", "C", "D")
_TAX_WEIGHTS: Final = (25, 45, 10, 14, 6)
_REFUND_CLASSES: Final = ("1", "2", "3", "4")
_REFUND_WEIGHTS: Final = (10, 30, 55, 5)
_SAFE_CLASSES: Final = ("A", "B", "C")
_SAFE_WEIGHTS: Final = (94, 5, 1)

_TAX: Final = ClassificationScheme.TAX_CREDIT
_CUSTOMS: Final = ClassificationScheme.CUSTOMS_CREDIT
_REFUND: Final = ClassificationScheme.EXPORT_REFUND_CLASS
_SAFE: Final = ClassificationScheme.SAFE_GOODS_TRADE


class CreditFacts:
    """Generates the list entries, penalties and classifications of one enterprise at a time."""

    def __init__(self, out: Emitter) -> None:
        self.out = out
        today = date(out.today)
        evaluation_year = today.year if (today.month, today.day) >= (4, 1) else today.year - 1
        self.tax_evaluated = dt.date(evaluation_year, 4, 1).toordinal()

    def enterprise(self, e: EnterpriseInfo) -> None:
        """List entries, penalties and classifications of `e`, consistent with each other."""
        rng = self.out.rng
        if e.red_listed:
            self._red_list(e)
        else:
            if e.status == "ABNORMAL":
                self._list_entry(e, "ABNORMAL_OPERATION", active=True)
            elif e.restored:
                self._list_entry(e, "ABNORMAL_OPERATION", active=False)
            elif rng.random() < 0.007:
                kind = rng.choices(_LIST_KINDS, _LIST_WEIGHTS)[0]
                active = kind != "ABNORMAL_OPERATION" and rng.random() < 0.75
                self._list_entry(e, kind, active=active)
            if rng.random() < 0.002:
                self._list_entry(e, "COURT_DISHONEST_DEBTOR", active=True, person=True)
            penalty_share = 0.3 if e.cluster is not None else 0.12
            if rng.random() < penalty_share:
                for _ in range(2 if rng.random() < 0.2 else 1):
                    self._penalty(e)
        self._classifications(e)

    def _list_entry(
        self, e: EnterpriseInfo, kind: str, *, active: bool, person: bool = False
    ) -> None:
        out, rng = self.out, self.out.rng
        _, department, _, reason, basis, lifetime = _LIST_BY_KIND[kind]
        listed = out.recent(e, 1400, after_registration=30)
        expires = None if lifetime is None else listed + lifetime
        removed = None
        # An inactive entry without an expiry must have been removed; others may have been.
        if not active and (expires is None or rng.random() < 0.6):
            removed = out.day(listed + 90, min(listed + 700, out.today))
            if expires is not None and removed >= expires:
                removed = None
        if active and expires is not None and expires <= out.today:
            expires = out.today + rng.randint(30, 365)  # keep it in force
        in_force = removed is None and (expires is None or expires > out.today)
        if in_force and not person:
            e.listed.append(kind)
        sender = Department(department)
        entry = out.next_id("LST")
        subject = {"idNumber": e.legal_rep} if person else {"uscc": e.uscc}
        self._emit_entry(sender, entry, subject, kind, listed, expires, reason, basis)
        if removed is not None:
            out.emit(
                "list.removal@1",
                sender,
                {"id": entry, "removedOn": iso(removed), "reason": _REMOVAL_REASONS[kind]},
            )

    def _red_list(self, e: EnterpriseInfo) -> None:
        out = self.out
        kind, department, _, reason, basis = _RED_LIST
        listed = out.recent(e, 700, after_registration=365)
        expires = listed + out.rng.randint(365, 1095)
        entry = out.next_id("LST")
        subject = {"uscc": e.uscc}
        self._emit_entry(
            Department(department), entry, subject, kind, listed, expires, reason, basis
        )

    def _emit_entry(
        self,
        sender: Department,
        entry: str,
        subject: dict[str, str],
        kind: str,
        listed: int,
        expires: int | None,
        reason: str,
        basis: str,
    ) -> None:
        record: RawRecord = {
            "id": entry,
            "subject": subject,
            "list": kind,
            "listedOn": iso(listed),
            "expiresOn": optional_iso(expires),
            "reason": reason,
            "basis": basis,
        }
        self.out.emit("list.entry@1", sender, record)

    def _penalty(self, e: EnterpriseInfo) -> None:
        out, rng = self.out, self.out.rng
        department = Department(rng.choices(_PENALTY_DEPARTMENTS, _PENALTY_DEPARTMENT_WEIGHTS)[0])
        severity = rng.choices(_SEVERITIES, _SEVERITY_WEIGHTS)[0]
        decided = out.recent(e, 1500, after_registration=60)
        public_until = repaired = None
        if severity != "MINOR":
            # Public for `shortest` to `longest` calendar months; repairable after `shortest`.
            shortest, longest = PUBLICITY.bounds(Severity(severity))
            earliest = add_months(date(decided), shortest).toordinal()
            public_until = out.day(earliest, add_months(date(decided), longest).toordinal())
            last = min(public_until, out.today) - 1
            if rng.random() < 0.3 and earliest <= last:
                repaired = out.day(earliest, last)
        number = out.next_id("PEN")
        year = date(decided).year
        out.emit(
            "penalty@1",
            department,
            {
                "id": number,
                "uscc": e.uscc,
                "caseNo": f"{e.zone.abbreviation}-{department.value}-{year}-{number[-5:]}",
                "severity": severity,
                "amountCny": cny(out.money(*_SEVERITY_AMOUNTS[severity])),
                "decidedOn": iso(decided),
                "publicUntil": optional_iso(public_until),
            },
        )
        if repaired is not None:
            out.emit("penalty.repair@1", department, {"id": number, "repairedOn": iso(repaired)})

    def _classifications(self, e: EnterpriseInfo) -> None:
        out, rng = self.out, self.out.rng
        today = out.today
        if e.registered > today - 365:
            self._classify(e, _TAX, "M", out.day(e.registered + 30, today), None)
        else:
            grade = rng.choices(_TAX_GRADES, _TAX_WEIGHTS)[0]
            if e.red_listed:
                grade = "A"
            elif "TAX_MAJOR_VIOLATION" in e.listed:
                grade = "D"
            self._classify(e, _TAX, grade, self.tax_evaluated, None)
            previous = date(self.tax_evaluated).replace(year=date(self.tax_evaluated).year - 1)
            if e.registered < previous.toordinal() and rng.random() < 0.1:
                grade = rng.choices(_TAX_GRADES, _TAX_WEIGHTS)[0]
                self._classify(e, _TAX, grade, previous.toordinal(), self.tax_evaluated - 1)
        if not e.trader:
            return
        tier = rng.choices(_CUSTOMS_TIERS, _CUSTOMS_WEIGHTS)[0]
        if e.red_listed:
            tier = "ADVANCED_CERTIFIED"
        elif "CUSTOMS_DISHONEST" in e.listed:
            tier = "DISHONEST"
        self._classify(e, _CUSTOMS, tier, out.recent(e, 900, 30), None)
        if rng.random() < 0.6:
            value = rng.choices(_REFUND_CLASSES, _REFUND_WEIGHTS)[0]
            if e.registered > today - 365:
                value = "3"
            self._classify(e, _REFUND, value, out.recent(e, 700, 60), None)
        if rng.random() < 0.6 or "SAFE_CLASS_C" in e.listed:
            value = (
                "C" if "SAFE_CLASS_C" in e.listed else rng.choices(_SAFE_CLASSES, _SAFE_WEIGHTS)[0]
            )
            self._classify(e, _SAFE, value, out.recent(e, 700, 60), None)

    def _classify(
        self,
        e: EnterpriseInfo,
        scheme: ClassificationScheme,
        value: str,
        start: int,
        end: int | None,
    ) -> None:
        """A classification, sent by the department that owns `scheme`."""
        out = self.out
        out.emit(
            "classification@1",
            SCHEME_DEPARTMENT[scheme],
            {
                "id": out.next_id("CLS"),
                "uscc": e.uscc,
                "scheme": scheme.value,
                "value": value,
                "effectiveFrom": iso(start),
                "effectiveTo": optional_iso(end),
            },
        )
