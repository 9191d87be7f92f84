"""The trade facts of a generated enterprise: filings (one-time filing shared with the
departments), declarations in the four customs modes, orders with their payment slip and
waybill (the three documents, about 3% mismatched), overseas warehouses of 9810 exporters,
export tax refunds, loans and enterprise-to-enterprise payments.

Each is a connector record sent by the department that holds it: filings by the zone
administration's single window, declarations by customs, orders and warehouses by commerce,
payment slips, loans and enterprise payments by the bank, waybills by logistics, refunds by tax.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final

from graph_schema.model import Department
from hub.seed import reference as ref
from hub.seed.common import Emitter, EnterpriseInfo, cny, iso, optional_iso

CUSTOMS: Final = Department.CUSTOMS
TAX: Final = Department.TAX
COMMERCE: Final = Department.COMMERCE
BANK: Final = Department.BANK
LOGISTICS: Final = Department.LOGISTICS
ZONE_ADMIN: Final = Department.ZONE_ADMIN

MISMATCH_SHARE: Final = 0.03
"""Share of orders whose three documents disagree (half on amount, half on consignee)."""

_MODES: Final = ("9610", "9710", "9810", "1210")
_MODE_VALUE: Final = {
    "9610": (5_000.0, 300_000.0),
    "9710": (50_000.0, 3_000_000.0),
    "9810": (100_000.0, 5_000_000.0),
    "1210": (10_000.0, 800_000.0),
}
_IMPORT_SHARE: Final = {"9610": 0.08, "9710": 0.0, "9810": 0.0, "1210": 0.85}
RETURN_SHARE: Final = {"9610": 0.06, "9710": 0.02, "9810": 0.04, "1210": 0.0}
"""How often an export's goods come back, by mode (retail most, B2B least)."""
_RETURN_REASONS: Final = (
    "buyer returned within the platform's return period",
    "goods damaged in transit",
    "rejected at destination customs",
    "unsold overseas warehouse stock brought back",
)
_IMPORT_HS: Final = ("330499", "190110", "330210", "210690", "040221", "961900")
_DESTINATIONS: Final = tuple(code for code, _ in ref.EXPORT_DESTINATIONS)
_DESTINATION_WEIGHTS: Final = tuple(weight for _, weight in ref.EXPORT_DESTINATIONS)
_CALLING: Final = {
    "US": "1",
    "CA": "1",
    "GB": "44",
    "DE": "49",
    "FR": "33",
    "JP": "81",
    "KR": "82",
    "RU": "7",
    "KZ": "7",
    "AU": "61",
    "BR": "55",
    "MX": "52",
}
_FILING_EXTRAS: Final = ("SAMR", "LOGISTICS", "BANK")


class TradeFacts:
    """Generates the trade facts of one enterprise at a time."""

    def __init__(self, out: Emitter, enterprises: Sequence[EnterpriseInfo]) -> None:
        self.out = out
        self.enterprises = enterprises  # every enterprise generated so far, by index

    def enterprise(self, e: EnterpriseInfo) -> None:
        """Filings, declarations, three documents, warehouses, refunds and loans of `e`."""
        out, rng = self.out, self.out.rng
        if e.trader:
            modes = tuple(mode for mode, _ in e.zone.modes)
            weights = tuple(weight for _, weight in e.zone.modes)
            primary = rng.choices(modes, weights)[0]
            declared = [
                primary if rng.random() < 0.75 else rng.choices(modes, weights)[0]
                for _ in range(rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6)))
            ]
            exports = 0.0
            warehouse_countries: list[str] = []
            for mode in declared:
                value, destination = self._declaration(e, mode)
                if destination != "CN":
                    exports += value
                    if mode == "9810":
                        warehouse_countries.append(destination)
            if primary in ("9610", "1210"):
                for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
                    self._order(e, primary)
            self._filings(e, bool(warehouse_countries), exports > 0)
            if warehouse_countries and rng.random() < 0.45:
                self._warehouse(e, rng.choice(warehouse_countries))
            if exports > 0 and rng.random() < 0.55:
                count = 2 if rng.random() < 0.3 else 1
                for _ in range(count):
                    self._tax_refund(e, exports * rng.uniform(0.03, 0.1) / count)
        if e.registered < out.today - 200 and rng.random() < 0.22:
            for _ in range(2 if rng.random() < 0.15 else 1):
                self._loan(e)
        if e.index > 0 and rng.random() < 0.3:
            payee = self.enterprises[rng.randrange(max(0, e.index - 1500), e.index)]
            self.trade_payment(e, payee, out.money(10_000, 2_000_000), None)

    def _filings(self, e: EnterpriseInfo, warehouse: bool, exporter: bool) -> None:
        out, rng = self.out, self.out.rng
        extras = [code for code in _FILING_EXTRAS if rng.random() < 0.4]
        filings = [("CBEC_ENTERPRISE_FILING", ["CUSTOMS", "TAX", "SAFE", "COMMERCE", *extras])]
        if warehouse:
            filings.append(("OVERSEAS_WAREHOUSE_FILING", ["CUSTOMS", "COMMERCE"]))
        if exporter and rng.random() < 0.4:
            filings.append(("EXPORT_REFUND_FILING", ["TAX", "CUSTOMS"]))
        filed = out.day(e.registered, min(e.registered + 120, out.today))
        for kind, shared_with in filings:
            out.emit(
                "filing@1",
                ZONE_ADMIN,
                {
                    "id": out.next_id("FIL"),
                    "uscc": e.uscc,
                    "kind": kind,
                    "filedOn": iso(filed),
                    "sharedWith": shared_with,
                },
            )
            filed = out.day(filed, min(filed + 365, out.today))

    def _declaration(self, e: EnterpriseInfo, mode: str) -> tuple[float, str]:
        out, rng = self.out, self.out.rng
        imported = rng.random() < _IMPORT_SHARE[mode]
        destination = "CN" if imported else rng.choices(_DESTINATIONS, _DESTINATION_WEIGHTS)[0]
        hs_codes = (
            _IMPORT_HS
            if imported
            else (e.belt.hs_codes if e.belt is not None else ref.SERVICE_HS_CODES)
        )
        value = out.money(*_MODE_VALUE[mode])
        declaration_id, declared = out.next_id("DEC"), out.recent(e, 730)
        out.emit(
            "customs.declaration@1",
            CUSTOMS,
            {
                "id": declaration_id,
                "uscc": e.uscc,
                "mode": mode,
                "direction": "IMPORT" if imported else "EXPORT",
                "declaredOn": iso(declared),
                "valueCny": cny(value),
                "destination": destination,
                "hsCode": rng.choice(hs_codes),
            },
        )
        if not imported:
            if e.first_export is None or declared < e.first_export:
                e.first_export = declared
            self._return(e, mode, declaration_id, declared, value)
        return value, destination

    def _return(
        self, e: EnterpriseInfo, mode: str, declaration_id: str, declared: int, value: float
    ) -> None:
        out = self.out
        # a generator of its own per declaration, so adding returns left every other record of
        # the demo zone (and the worked examples drawn from it) as it was
        chance = random.Random(f"return:{out.seed}:{declaration_id}")
        if chance.random() >= RETURN_SHARE[mode]:
            return
        returned = declared + chance.randint(7, 60)
        if returned > out.today:
            return
        out.emit(
            "customs.return@1",
            CUSTOMS,
            {
                "id": f"RET-{declaration_id}",
                "uscc": e.uscc,
                "declarationId": declaration_id,
                "returnedOn": iso(returned),
                "valueCny": cny(max(0.01, round(value * chance.uniform(0.05, 1.0), 2))),
                "reason": chance.choice(_RETURN_REASONS),
            },
        )

    def _order(self, e: EnterpriseInfo, mode: str) -> None:
        out, rng = self.out, self.out.rng
        imported = mode == "1210"
        goods = out.money(30, 2500)
        freight = out.money(5, 180)
        tax = round(goods * 0.091, 2) if imported else 0.0
        discount = 0.0 if rng.random() < 0.7 else out.money(1, min(50.0, goods * 0.2))
        consignee = self._consignee(imported)
        ordered = out.recent(e, 540)
        amount = round(goods + freight + tax - discount, 2)
        shipped_to = consignee
        mismatch = rng.random()
        if mismatch < MISMATCH_SHARE / 2:
            amount = round(amount + rng.choice((-1, 1)) * out.money(5, 80), 2)
            amount = amount if amount > 0 else round(goods + freight + tax - discount + 10, 2)
        elif mismatch < MISMATCH_SHARE:
            other = self._consignee(imported)
            shipped_to = (other[0], consignee[1], consignee[2]) if rng.random() < 0.5 else other
        order_id = out.next_id("ORD")
        out.emit(
            "trade.order@1",
            COMMERCE,
            {
                "id": order_id,
                "uscc": e.uscc,
                "orderedOn": iso(ordered),
                "goodsCny": cny(goods),
                "freightCny": cny(freight),
                "taxCny": cny(tax),
                "discountCny": cny(discount),
                "consigneeName": consignee[0],
                "consigneePhone": consignee[1],
                "consigneeAddress": consignee[2],
            },
        )
        out.emit(
            "trade.payment@1",
            BANK,
            {
                "id": out.next_id("PAY"),
                "orderId": order_id,
                "paidOn": iso(min(ordered + rng.randint(0, 1), out.today)),
                "amountCny": cny(amount),
                "payerName": consignee[0],
            },
        )
        out.emit(
            "logistics.waybill@1",
            LOGISTICS,
            {
                "id": out.next_id("WAY"),
                "orderId": order_id,
                "shippedOn": iso(min(ordered + rng.randint(1, 4), out.today)),
                "carrier": rng.choice(ref.CARRIERS),
                "consigneeName": shipped_to[0],
                "consigneePhone": shipped_to[1],
                "consigneeAddress": shipped_to[2],
            },
        )

    def _consignee(self, domestic: bool) -> tuple[str, str, str]:
        rng = self.out.rng
        if domestic:
            name = f"{rng.choice(ref.SURNAMES)} {rng.choice(ref.GIVEN)}"
            phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
            zone = rng.choice(ref.ZONES)
            district = rng.choice(zone.districts)[1]
            address = (
                f"No. {rng.randint(1, 400)} {rng.choice(ref.ROADS)} Road, {district}, "
                f"{zone.city}, Henan"
            )
            return name, phone, address
        country = rng.choices(_DESTINATIONS, _DESTINATION_WEIGHTS)[0]
        name = f"{rng.choice(ref.FOREIGN_FIRST)} {rng.choice(ref.FOREIGN_LAST)}"
        phone = f"+{_CALLING.get(country, '44')}{rng.randrange(10**9):09d}"
        address = (
            f"{rng.randint(1, 999)} {rng.choice(ref.STREETS)}, "
            f"{rng.choice(ref.CITIES[country])}, {country}"
        )
        return name, phone, address

    def _warehouse(self, e: EnterpriseInfo, country: str) -> None:
        out, rng = self.out, self.out.rng
        city = rng.choice(ref.CITIES[country])
        since = out.recent(e, 1500, after_registration=90)
        brand = e.name.split(" ")[1]
        out.emit(
            "commerce.overseas_warehouse@1",
            COMMERCE,
            {
                "id": out.next_id("OWH"),
                "uscc": e.uscc,
                "name": f"{brand} {city} Overseas Warehouse",
                "country": country,
                "city": city,
                "stockValueCny": cny(out.money(200_000, 20_000_000)),
                "stockAsOf": iso(out.today - rng.randint(0, 30)),
                "since": iso(since),
                "until": None,
            },
        )

    def _tax_refund(self, e: EnterpriseInfo, amount: float) -> None:
        out, rng = self.out, self.out.rng
        claimed = out.recent(e, 540, after_registration=60)
        status = rng.choices(("PAID", "CLAIMED", "REJECTED"), (75, 15, 10))[0]
        paid = None
        if status == "PAID":
            paid = claimed + rng.randint(15, 60)
            if paid > out.today:
                status, paid = "CLAIMED", None
        out.emit(
            "tax.refund@1",
            TAX,
            {
                "id": out.next_id("TXR"),
                "uscc": e.uscc,
                "claimedOn": iso(claimed),
                "amountCny": cny(round(max(amount, 100.0), 2)),
                "status": status,
                "paidOn": optional_iso(paid),
            },
        )

    def _loan(self, e: EnterpriseInfo) -> None:
        out, rng = self.out, self.out.rng
        today = out.today
        status = rng.choices(("CURRENT", "OVERDUE", "DEFAULT"), (85, 10, 5))[0]
        if status == "CURRENT":
            granted = out.recent(e, 700, after_registration=90)
            due = max(granted + rng.randint(180, 1095), today + rng.randint(30, 365))
        else:
            due = today - (rng.randint(1, 89) if status == "OVERDUE" else rng.randint(90, 700))
            granted = due - rng.randint(180, 1095)
            if granted < e.registered + 30:
                status = "CURRENT"
                granted = out.recent(e, 700, after_registration=30)
                due = today + rng.randint(30, 365)
        out.emit(
            "bank.loan@1",
            BANK,
            {
                "id": out.next_id("LOAN"),
                "uscc": e.uscc,
                "lender": rng.choice(ref.LENDERS),
                "amountCny": cny(rng.randint(200, 10_000) * 1000),
                "grantedOn": iso(granted),
                "dueOn": iso(due),
                "status": status,
            },
        )

    def trade_payment(
        self, payer: EnterpriseInfo, payee: EnterpriseInfo, amount: float, paid: int | None
    ) -> None:
        """(payer)-[:PAID]->(payment)-[:PAID_TO]->(payee), on `paid` or a recent day."""
        out = self.out
        if paid is None:
            start = max(payer.registered, payee.registered, out.today - 365)
            paid = out.day(start, out.today)
        out.emit(
            "bank.trade_payment@1",
            BANK,
            {
                "id": out.next_id("TRP"),
                "payerUscc": payer.uscc,
                "payeeUscc": payee.uscc,
                "paidOn": iso(paid),
                "amountCny": cny(amount),
            },
        )
