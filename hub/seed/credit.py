"""The credit facts departments hold about a generated enterprise: list entries (authoritative
lists and the red list, on enterprises and on legal representatives) and their removals,
penalties of each severity with their publicity periods and repairs, and each department's
classification over time.

They are drawn consistently, so the demo zone passes `hub.credit.consistency`: a red-listed
enterprise has an A tax grade and the advanced certified customs tier; an enterprise is in a
customs dishonest tier exactly while a customs dishonest list entry is in force (its `basis`
citing GACC Order 251 before 2026-04-01, Order 282 from then), of tax grade D while a major
tax violation entry is, of SAFE class C while a SAFE class C entry is; its export-refund
class is 4 while it is of tax grade D, customs dishonest or SAFE class C, and never 1 within
a year of its first export; and every classification value is one its scheme's regime had on
its effective date (`graph_schema/schemes.json`: CERTIFIED and SERIOUSLY_DISHONEST only from
2026-04-01). Each is a connector record sent by the department it belongs to: a list entry by
its list's department, its removal (`list.removal@1`) by the same one; a penalty by the
deciding department, with a `publicUntil` within the publicity of its severity in calendar
months (`graph_schema.publicity`), and its repair (`penalty.repair@1`) by the same department,
never before the shortest publicity period has passed. A penalty carries its decision number in
the deciding department's form (`hub.seed.reference.CASE_NUMBERS`) and a round fine; a court's
dishonest-debtor entry names its enforcement case.

The classifications are drawn with the list entries (`enterprise`) and sent after the trade
facts (`classify`), which tell the first export; what the draws leave open (the day a tier of
Order 282 took effect) comes from a generator of the enterprise's own, so the rest of the zone
is drawn as it was.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Final

from connectors.records.fields import add_months
from graph_schema.model import ClassificationScheme, Department, Severity
from graph_schema.publicity import PUBLICITY
from graph_schema.schemes import SCHEME_DEPARTMENT, SCHEMES, refusal
from hub.seed import reference as ref
from hub.seed.common import Emitter, EnterpriseInfo, RawRecord, cny, date, iso, optional_iso
from hub.seed.timeline import Segment, covering, merged, overlay, relabelled

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
        "",  # by the date listed: _CUSTOMS_BASIS
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
# The customs dishonest list's basis, by the customs credit regime in force when listed.
_CUSTOMS_BASIS: Final = {
    "GACC_ORDER_251": "Measures of the Customs for the Administration of Enterprise Credit "
    "(GACC Order 251): dishonest enterprise",
    "GACC_ORDER_282": "Measures of the Customs for the Administration of Enterprise Credit "
    "(GACC Order 282): dishonest enterprise",
}
_LIST_BY_KIND: Final = {entry[0]: entry for entry in _LISTS}
_LIST_KINDS: Final = tuple(entry[0] for entry in _LISTS)
_LIST_WEIGHTS: Final = tuple(entry[2] for entry in _LISTS)
_RED_LIST: Final = (
    "RED_LIST",
    "COMMERCE",
    0,
    "trustworthy enterprise: joint incentives",
    "国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见 "
    "(State Council Guofa 2016 No. 33): joint incentives for trustworthy subjects",
)

_PENALTY_DEPARTMENTS: Final = ("CUSTOMS", "TAX", "SAMR", "SAFE", "COMMERCE")
_PENALTY_DEPARTMENT_WEIGHTS: Final = (35, 25, 25, 10, 5)
_SEVERITIES: Final = ("MINOR", "GENERAL", "SERIOUS")
_SEVERITY_WEIGHTS: Final = (50, 38, 12)
# (lowest, highest, step) of a fine by severity, in yuan: decisions state round amounts
_SEVERITY_AMOUNTS: Final = {
    "MINOR": (500, 10_000, 100),
    "GENERAL": (10_000, 200_000, 1_000),
    "SERIOUS": (200_000, 3_000_000, 10_000),
}

_CUSTOMS_TIERS: Final = (
    "ADVANCED_CERTIFIED",
    "CERTIFIED",
    "ROUTINE",
    "DISHONEST",
    "SERIOUSLY_DISHONEST",
)
# Per 10,000 traders. GACC counted 3,236 advanced certified and 6,788 dishonest enterprises at
# the end of May 2020 (english.www.gov.cn, 2020-06-03) against some 540,000 enterprises that
# traded in the first half of 2023 (GACC, 2023-07-13): AEO well under 1%, dishonest about 1%
# of those that trade, less of those registered. Drawn here: AEO 0.2%, dishonest 0.15%, to
# which the red list (advanced certified) and the customs dishonest list entries add.
_CUSTOMS_WEIGHTS: Final = (12, 8, 9965, 10, 5)
_DISHONEST_TIERS: Final = frozenset({"DISHONEST", "SERIOUSLY_DISHONEST"})
# Tax credit grades of an enterprise a year old or more (new ones are M): mostly B, A a
# minority, D few; plausible proportions (SAT publishes the A list, not the mix).
_TAX_GRADES: Final = ("A", "B", "M", "C", "D")
_TAX_WEIGHTS: Final = (15, 64, 8, 10, 3)
# Export-refund classes (SAT 2016 No. 46): class 2 the majority, 1 and 4 few; class 3 is drawn
# for a few and given to every exporter in its first year (see _refund_classes). Plausible.
_REFUND_CLASSES: Final = ("1", "2", "3", "4")
_REFUND_WEIGHTS: Final = (7, 88, 2, 3)
_SAFE_CLASSES: Final = ("A", "B", "C")
_SAFE_WEIGHTS: Final = (94, 5, 1)

_TAX: Final = ClassificationScheme.TAX_CREDIT
_CUSTOMS: Final = ClassificationScheme.CUSTOMS_CREDIT
_REFUND: Final = ClassificationScheme.EXPORT_REFUND_CLASS
_SAFE: Final = ClassificationScheme.SAFE_GOODS_TRADE
_SCHEME_ORDER: Final = (_TAX, _CUSTOMS, _REFUND, _SAFE)  # the order an enterprise's are sent
_FALLBACK: Final = {_CUSTOMS: "ROUTINE"}  # a tier before the regime that created it
_NEW_EXPORTER_MONTHS: Final = 12  # SAT 2016 No. 46: class 3 in the first year of exporting

# Each list whose entries a classification follows while in force: (scheme, value).
_LIST_CLASSIFICATION: Final = {
    "CUSTOMS_DISHONEST": (_CUSTOMS, "DISHONEST"),
    "TAX_MAJOR_VIOLATION": (_TAX, "D"),
    "SAFE_CLASS_C": (_SAFE, "C"),
}
# What puts an enterprise in export-refund class 4 (SAT 2016 No. 46).
_REFUND_CLASS_4: Final = (
    (_TAX, frozenset({"D"})),
    (_CUSTOMS, _DISHONEST_TIERS),
    (_SAFE, frozenset({"C"})),
)


@dataclass
class _Drawn:
    """An enterprise's classifications as drawn, before they are made consistent."""

    tax: list[Segment]
    customs: tuple[int, str] | None = None  # (start, tier)
    refund: tuple[int, str] | None = None  # (start, class)
    safe: tuple[int, str] | None = None  # (start, class)


class CreditFacts:
    """Generates the list entries, penalties and classifications of one enterprise at a time."""

    def __init__(self, out: Emitter) -> None:
        self.out = out
        today = date(out.today)
        evaluation_year = today.year if (today.month, today.day) >= (4, 1) else today.year - 1
        self.tax_evaluated = dt.date(evaluation_year, 4, 1).toordinal()
        self.drawn: dict[int, _Drawn] = {}  # by enterprise index, until classified
        self.case_numbers: dict[tuple[str, int], int] = {}  # last number by (issuer, year)

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
        self.drawn[e.index] = self._draw_classifications(e)

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
        if not person:
            if in_force:
                e.listed.append(kind)
            e.periods.append((kind, listed, removed if removed is not None else expires))
        sender = Department(department)
        entry = out.next_id("LST")
        subject = {"idNumber": e.legal_rep} if person else {"uscc": e.uscc}
        basis = _customs_basis(listed) if kind == "CUSTOMS_DISHONEST" else basis
        if kind == "COURT_DISHONEST_DEBTOR":  # the enforcement case, filed before the listing
            filed = date(out.day(max(e.registered, listed - 400), listed - 30))
            court = e.place.code_on(filed)[2:]
            case = ref.COURT_CASE.format(
                year=filed.year, court=court, n=self._case_number(f"court {court}", filed.year)
            )
            reason = f"{reason}: {case}"
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
        issuer = ref.CASE_NUMBERS[department].replace("{short}", e.zone.short_zh)
        case = issuer.format(year=year, n=self._case_number(issuer, year))
        out.emit(
            "penalty@1",
            department,
            {
                "id": number,
                "uscc": e.uscc,
                "caseNo": case,
                "severity": severity,
                "amountCny": cny(out.round_money(*_SEVERITY_AMOUNTS[severity])),
                "decidedOn": iso(decided),
                "publicUntil": optional_iso(public_until),
            },
        )
        if repaired is not None:
            out.emit("penalty.repair@1", department, {"id": number, "repairedOn": iso(repaired)})

    def _case_number(self, issuer: str, year: int) -> int:
        """The next number `issuer` gives a case in `year`: running, with the gaps of the
        cases outside the demo zone."""
        last = self.case_numbers.get((issuer, year), 0)
        number = last + self.out.rng.randint(1, 6)
        self.case_numbers[(issuer, year)] = number
        return number

    def _draw_classifications(self, e: EnterpriseInfo) -> _Drawn:
        """The tax grades, and a trader's customs tier, refund class and SAFE class, as drawn
        (from the zone's random source, in a fixed order)."""
        out, rng = self.out, self.out.rng
        today = out.today
        if e.registered > today - 365:
            drawn = _Drawn(tax=[(out.day(e.registered + 30, today), None, "M")])
        else:
            grade = rng.choices(_TAX_GRADES, _TAX_WEIGHTS)[0]
            if e.red_listed:
                grade = "A"
            drawn = _Drawn(tax=[(self.tax_evaluated, None, grade)])
            previous = date(self.tax_evaluated).replace(year=date(self.tax_evaluated).year - 1)
            if e.registered < previous.toordinal() and rng.random() < 0.1:
                grade = rng.choices(_TAX_GRADES, _TAX_WEIGHTS)[0]
                drawn.tax.insert(0, (previous.toordinal(), self.tax_evaluated, grade))
        if not e.trader:
            return drawn
        tier = rng.choices(_CUSTOMS_TIERS, _CUSTOMS_WEIGHTS)[0]
        if e.red_listed:
            tier = "ADVANCED_CERTIFIED"
        drawn.customs = (out.recent(e, 900, 30), tier)
        if rng.random() < 0.6:
            value = rng.choices(_REFUND_CLASSES, _REFUND_WEIGHTS)[0]
            if e.registered > today - 365:
                value = "3"
            drawn.refund = (out.recent(e, 700, 60), value)
        if rng.random() < 0.6 or "SAFE_CLASS_C" in e.listed:
            value = (
                "C" if "SAFE_CLASS_C" in e.listed else rng.choices(_SAFE_CLASSES, _SAFE_WEIGHTS)[0]
            )
            drawn.safe = (out.recent(e, 700, 60), value)
        return drawn

    def classify(self, e: EnterpriseInfo) -> None:
        """Send `e`'s classifications, made consistent with its list entries, with each other
        and with the regimes (see the module doc); after its trade facts."""
        drawn = self.drawn.pop(e.index)
        timelines: dict[ClassificationScheme, list[Segment]] = {_TAX: drawn.tax}
        if drawn.customs is not None:
            timelines[_CUSTOMS] = self._customs_tiers(e, *drawn.customs)
        if drawn.safe is not None:
            start, value = drawn.safe
            timelines[_SAFE] = [(start, None, value)]
        for kind, start, end in e.periods:  # the entries drawn with the other lists
            scheme_value = _LIST_CLASSIFICATION.get(kind)
            if scheme_value is not None and scheme_value[0] in timelines:
                scheme, value = scheme_value
                timelines[scheme] = overlay(timelines[scheme], start, end, value)
        if drawn.refund is not None and e.first_export is not None:
            timelines[_REFUND] = self._refund_classes(e.first_export, drawn.refund, timelines)
        for scheme in _SCHEME_ORDER:
            for start, end, value in merged(timelines.get(scheme, [])):
                if start <= self.out.today:
                    self._classify(e, scheme, value, start, end)

    def _customs_tiers(self, e: EnterpriseInfo, start: int, tier: str) -> list[Segment]:
        """The tier drawn, under the regime of its day; a dishonest one listed from its first
        day (GACC Order 251 or 282, whichever was in force) and dishonest while listed. An
        enterprise whose list entries were drawn with the other lists is routine between
        them (their periods are laid over it by `classify`)."""
        if tier in _DISHONEST_TIERS and any(k == "CUSTOMS_DISHONEST" for k, _, _ in e.periods):
            tier = "ROUTINE"
        drawn = self._in_regime(_CUSTOMS, start, tier, _OwnDraws(self.out.seed, e.uscc))
        timeline = [(s, n, "ROUTINE" if v in _DISHONEST_TIERS else v) for s, n, v in drawn]
        for first, _, value in drawn:
            if value in _DISHONEST_TIERS:
                listed, expires = self._customs_listing(e, first)
                timeline = overlay(timeline, listed, expires, value)
        return timeline

    def _in_regime(
        self, scheme: ClassificationScheme, start: int, value: str, own: _OwnDraws
    ) -> list[Segment]:
        """`value` from `start`, or, when its scheme had no such value then, the scheme's
        fallback until a day after the regime that has it came into force (if by today)."""
        if refusal(scheme, value, date(start)) is None:
            return [(start, None, value)]
        regimes = SCHEMES.schemes[scheme].regimes
        if date(start) < regimes[0].in_force_from:  # before the scheme: from its first day
            first = regimes[0].in_force_from.toordinal()
            return [] if first > self.out.today else self._in_regime(scheme, first, value, own)
        regimes = tuple(r for r in regimes if value in r.values)
        since = next(
            (r.in_force_from.toordinal() for r in regimes if r.in_force_from > date(start)),
            None,
        )
        if since is None or since > self.out.today:
            return [(start, None, _FALLBACK[scheme])]
        changed = own.day(since, self.out.today)
        return [(start, changed, _FALLBACK[scheme]), (changed, None, value)]

    def _customs_listing(self, e: EnterpriseInfo, listed: int) -> tuple[int, int]:
        """A customs dishonest list entry from `listed`, for a tier drawn dishonest."""
        kind, department, _, reason, _, lifetime = _LIST_BY_KIND["CUSTOMS_DISHONEST"]
        assert lifetime is not None
        expires = listed + lifetime
        if expires > self.out.today:
            e.listed.append(kind)
        self._emit_entry(
            Department(department),
            self.out.next_id("LST"),
            {"uscc": e.uscc},
            kind,
            listed,
            expires,
            reason,
            _customs_basis(listed),
        )
        return listed, expires

    def _refund_classes(
        self,
        first_export: int,
        drawn: tuple[int, str],
        timelines: dict[ClassificationScheme, list[Segment]],
    ) -> list[Segment]:
        """The export-refund class from the first export on: class 4 while a tax D, a
        customs dishonest tier or a SAFE class C lasts; class 3 (not 1 or 2) within the first
        year of exporting."""
        start, value = drawn
        timeline: list[Segment] = [(max(start, first_export), None, value)]
        for scheme, values in _REFUND_CLASS_4:
            for first, end in covering(timelines.get(scheme, []), values):
                timeline = overlay(timeline, first, end, "4", within=True)
        year = add_months(date(first_export), _NEW_EXPORTER_MONTHS).toordinal()
        return relabelled(timeline, ("1", "2"), "3", before=year)

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


def _customs_basis(listed: int) -> str:
    """The customs dishonest list's basis for an entry listed on `listed`: the customs credit
    regime then in force (GACC Order 251 until 2026-03-31, Order 282 from 2026-04-01)."""
    return _CUSTOMS_BASIS[SCHEMES.regime_on(_CUSTOMS, date(listed)).id]


class _OwnDraws:
    """An enterprise's own random source, for what the zone's draws leave open: drawing from
    it leaves every other record of the zone as it was."""

    def __init__(self, seed: int, uscc: str) -> None:
        self.key = f"credit:{seed}:{uscc}"
        self.rng: random.Random | None = None

    def day(self, lo: int, hi: int) -> int:
        if self.rng is None:
            self.rng = random.Random(self.key)
        return self.rng.randint(lo, hi) if lo < hi else hi
