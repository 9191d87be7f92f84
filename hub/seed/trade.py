"""The trade facts of a generated enterprise: filings (one-time filing shared with the
departments), declarations in the four customs modes, retail orders with their payment slip
or receipt, waybill and customs inventory list (the three documents and the list they are
checked against, about 3% mismatched, more for a few busy sellers), overseas warehouses of 9810
exporters, export tax refunds, export proceeds received from abroad, loans and
enterprise-to-enterprise payments.

Each is a connector record sent by the department that holds it: filings by the zone
administration's single window, declarations and inventory lists by customs, orders and
warehouses by commerce, payment slips, export proceeds, loans and enterprise payments by the
bank, waybills by logistics, refunds by tax.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Final

from graph_schema.model import Department
from hub.seed import providers as prv
from hub.seed import reference as ref
from hub.seed.common import Emitter, EnterpriseInfo, cny, iso, optional_iso

CUSTOMS: Final = Department.CUSTOMS
TAX: Final = Department.TAX
COMMERCE: Final = Department.COMMERCE
BANK: Final = Department.BANK
LOGISTICS: Final = Department.LOGISTICS
ZONE_ADMIN: Final = Department.ZONE_ADMIN

MISMATCH_SHARE: Final = 0.03
"""Share of a seller's orders whose documents disagree with the inventory list, each for one
reason of `_MISMATCHES`."""
BUSY_SELLER_SHARE: Final = 0.03
"""Share of retail sellers (active, registered more than a year ago) with 20 to 60 orders in
the last 12 months: enough for the three-document factor, which counts from 20."""
SLOPPY_SELLER_SHARE: Final = 0.2
"""Share of busy sellers whose documents disagree on 30% to 50% of orders: over the 25% of the
document-mismatch alert."""
_MISMATCHES: Final = {
    False: ("no inventory list", "amount", "consignee", "payee", "codes"),
    True: ("no inventory list", "amount", "consignee", "payer"),
}
"""How an export's (False) or import's (True) documents disagree, by the reason the match
gives (`graph_schema.predicates.document_mismatch`)."""
_PLATFORMS: Final = ("4101960E01", "4101960E02", "4102960E03", "4107960E04", "3122960E05")
"""Customs registration codes (demo) of the platforms the demo sellers sell on."""
_PAYMENT_FIRMS: Final = ("3101960P01", "4403960P02", "4101960P03")
"""Customs registration codes (demo) of the payment firms that collect or pay for orders."""


def _logistics_code(carrier: int) -> str:
    """The customs registration code (demo) of the carrier of draw `carrier` (an index of
    `ref.CARRIERS`, kept as the draw so the zone stays as it was): a zone carrier's."""
    return str(prv.carrier(carrier).code)


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
_FILED_WITH: Final = {
    "CBEC_ENTERPRISE_FILING": ("CUSTOMS", "HG", "Cross-border e-commerce enterprise registration"),
    "OVERSEAS_WAREHOUSE_FILING": ("CUSTOMS", "HW", "Overseas warehouse filing for 9810 exports"),
    "EXPORT_REFUND_FILING": ("TAX", "TS", "Export tax refund (exemption) filing"),
}
"""What each kind of filing is, by kind: the department it is filed with, the prefix of the
number that department gives it, and its title."""

CBEC_FILING_FROM: Final = dt.date(2014, 8, 1).toordinal()
"""No cross-border e-commerce filing before the day customs first registered cross-border
e-commerce enterprises (GACC Announcement 2014 No. 56, in force 2014-08-01, as we recall it):
an enterprise registered earlier files when that began."""
PROCEEDS_KEPT_ABROAD_SHARE: Final = 0.02
"""Share of exporters whose export proceeds never come back (the exports-without-receipts
signal); every other export is paid for in full or in part, mostly 5 to 120 days after it."""
UNEXPLAINED_RECEIPTS_SHARE: Final = 0.03
"""Share of the enterprises that do not trade which nonetheless receive money from abroad booked
as export proceeds (the receipts-without-exports signal): a few in a thousand of the zone."""
EXCESS_REFUND_SHARE: Final = 0.006
"""Share of exporters that claim export tax refunds far beyond what their exports could yield
(the REFUNDS_OUT_OF_PROPORTION signal): a handful in the demo zone."""
_CURRENCY: Final = {
    "GB": "GBP",
    "DE": "EUR",
    "FR": "EUR",
    "ES": "EUR",
    "IT": "EUR",
    "NL": "EUR",
    "JP": "JPY",
    "AU": "AUD",
    "CA": "CAD",
    "RU": "CNY",  # trade with Russia and Central Asia is largely settled in yuan
    "KZ": "CNY",
    "UZ": "CNY",
}
"""The currency buyers of a destination pay in; US dollars elsewhere."""
_CNY_PER_UNIT: Final = {
    "USD": 7.1,
    "EUR": 7.7,
    "GBP": 9.0,
    "JPY": 0.047,
    "AUD": 4.6,
    "CAD": 5.2,
    "CNY": 1.0,
}
"""A fixed demo exchange rate per currency (yuan per unit)."""


class TradeFacts:
    """Generates the trade facts of one enterprise at a time."""

    def __init__(self, out: Emitter, enterprises: Sequence[EnterpriseInfo]) -> None:
        self.out = out
        self.enterprises = enterprises  # every enterprise generated so far, by index
        self.providers = False  # documents name their providers by USCC (hub.seed.providers)

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
                self._orders(e, primary)
            self._filings(e, bool(warehouse_countries), exports > 0)
            if warehouse_countries and rng.random() < 0.45:
                self._warehouse(e, rng.choice(warehouse_countries))
            if exports > 0 and rng.random() < 0.55:
                count = 2 if rng.random() < 0.3 else 1
                for _ in range(count):
                    self._tax_refund(e, exports * rng.uniform(0.03, 0.1) / count)
            excess = random.Random(f"excess-refund:{out.seed}:{e.uscc}")
            if exports > 0 and excess.random() < EXCESS_REFUND_SHARE:
                self._excess_refund(e, exports, excess)
        else:
            self._unexplained_receipts(e)
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
        first = max(e.registered, CBEC_FILING_FROM)
        filed = out.day(first, min(first + 120, out.today))
        for kind, shared_with in filings:
            filing_id = out.next_id("FIL")
            filed_with, prefix, title = _FILED_WITH[kind]
            out.emit(
                "filing@1",
                ZONE_ADMIN,
                {
                    "id": filing_id,
                    "uscc": e.uscc,
                    "kind": kind,
                    "filedOn": iso(filed),
                    "sharedWith": shared_with,
                    "filedWith": filed_with,
                    # no draw of the generator: the rest of the zone stays as it was
                    "documentNo": f"{prefix}{iso(filed)[:4]}{filing_id.rsplit('-', 1)[1]}",
                    "title": title,
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
            self._export_proceeds(e, declaration_id, declared, value, destination)
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

    def _export_proceeds(
        self, e: EnterpriseInfo, declaration_id: str, declared: int, value: float, country: str
    ) -> None:
        """The proceeds of one export received from abroad: most in one receipt, some in two,
        a few in advance, none for an exporter that keeps its proceeds abroad."""
        out = self.out
        # generators of their own (per enterprise, per declaration), so adding receipts left
        # every other record of the demo zone as it was
        if random.Random(f"abroad:{out.seed}:{e.uscc}").random() < PROCEEDS_KEPT_ABROAD_SHARE:
            return
        chance = random.Random(f"receipt:{out.seed}:{declaration_id}")
        if chance.random() < 0.03:
            return  # this one unpaid
        total = value * chance.uniform(0.95, 1.0)  # platform fees and bank charges taken off
        parts = 2 if chance.random() < 0.2 else 1
        for part in range(1, parts + 1):
            if chance.random() < 0.05:
                received = max(declared - chance.randint(1, 25), e.registered)  # in advance
            else:
                received = declared + chance.randint(5, 120)
            if received > out.today:
                continue
            self._receipt(
                e,
                f"FXR-{declaration_id}-{part}",
                received,
                total / parts,
                country,
                chance,
                declaration_id,
            )

    def _unexplained_receipts(self, e: EnterpriseInfo) -> None:
        """Money from abroad booked as export proceeds by an enterprise that exports nothing."""
        out = self.out
        chance = random.Random(f"unexplained:{out.seed}:{e.uscc}")
        if chance.random() >= UNEXPLAINED_RECEIPTS_SHARE:
            return
        for n in range(1, chance.randint(1, 3) + 1):
            received = out.today - chance.randint(40, 330)
            if received < e.registered:
                continue
            country = chance.choices(_DESTINATIONS, _DESTINATION_WEIGHTS)[0]
            amount = chance.randint(150, 900) * 1000.0
            self._receipt(e, f"FXR-{e.uscc}-{n}", received, amount, country, chance, None)

    def _receipt(
        self,
        e: EnterpriseInfo,
        receipt_id: str,
        received: int,
        amount_cny: float,
        country: str,
        chance: random.Random,
        declaration_id: str | None,
    ) -> None:
        currency = _CURRENCY.get(country, "USD")
        # the yen has no minor unit in use
        amount = round(amount_cny / _CNY_PER_UNIT[currency], 0 if currency == "JPY" else 2)
        self.out.emit(
            "fx.export_receipt@1",
            BANK,
            {
                "id": receipt_id,
                "uscc": e.uscc,
                "receivedOn": iso(received),
                "amount": cny(amount),
                "currency": currency,
                "amountCny": cny(round(amount * _CNY_PER_UNIT[currency], 2)),
                "payerCountry": country,
                "bank": (bank := chance.choice(ref.LENDERS)),
                "declarationId": declaration_id,
                **({"bankUscc": prv.by_label(bank).uscc} if self.providers else {}),
            },
        )

    def _orders(self, e: EnterpriseInfo, mode: str) -> None:
        """The retail orders of a seller whose main mode is `mode` (9610 or 1210), each with
        its three documents and customs inventory list: most sellers have a few orders; a busy
        few have 20 to 60 in the last 12 months (enough for the three-document factor), and
        some of those a mismatch rate over 25% (the document-mismatch alert)."""
        out = self.out
        # a generator of its own per seller, so the orders change nothing else in the zone
        chance = random.Random(f"orders:{out.seed}:{e.uscc}")
        imported = chance.random() < _IMPORT_SHARE[mode]
        busy = (
            e.status == "ACTIVE"
            and e.registered <= out.today - 365
            and chance.random() < BUSY_SELLER_SHARE
        )
        sloppy = busy and chance.random() < SLOPPY_SELLER_SHARE
        mismatch = chance.uniform(0.3, 0.5) if sloppy else MISMATCH_SHARE
        count = chance.randint(20, 60) if busy else chance.choice((1, 2, 2, 3, 3, 4))
        window = 364 if busy else 539  # days before today: a busy seller's in the 12 months
        platform = chance.choice(_PLATFORMS)
        struggling = prv.pays_through_struggling_firm(out.seed, e.uscc, sloppy)
        for _ in range(count):
            ordered = chance.randint(max(e.registered, out.today - window), out.today)
            kind = chance.choice(_MISMATCHES[imported]) if chance.random() < mismatch else None
            self._order(e, mode, imported, ordered, platform, kind, chance, struggling)

    def _order(
        self,
        e: EnterpriseInfo,
        mode: str,
        imported: bool,
        ordered: int,
        platform: str,
        mismatch: str | None,
        chance: random.Random,
        struggling: bool = False,
    ) -> None:
        """One order (CEB303 or CEB311), its receipt or payment (CEB403, CEB411), waybill
        (CEB505, CEB511) and inventory list (CEB603, CEB621), the documents disagreeing with
        the list as `mismatch` says (a reason of `graph_schema.predicates.document_mismatch`),
        or agreeing; paid through the struggling payment firm if `struggling`."""
        out = self.out
        goods = round(chance.uniform(30, 2500), 2)
        freight = round(chance.uniform(5, 180), 2)
        tax = round(goods * 0.091, 2) if imported else 0.0
        # an export order has no discount element (CEB303): its goods are the price charged
        discount = 0.0
        if imported and chance.random() >= 0.7:
            discount = round(chance.uniform(1, min(50.0, goods * 0.2)), 2)
        consignee = self._consignee(chance, imported)
        # an import's buyer (订购人) is mostly the consignee; some buy for someone else
        buyer = consignee if chance.random() < 0.85 else self._consignee(chance, imported)
        amount = round(goods + freight + tax - discount, 2)
        shipped_to, payer, payee, paid_platform = consignee, buyer[0], e.uscc, platform
        if mismatch == "amount":
            amount = round(amount + chance.choice((-1, 1)) * chance.uniform(5, 80), 2)
            amount = amount if amount > 0 else round(goods + freight + tax - discount + 10, 2)
        elif mismatch == "consignee":
            other = self._consignee(chance, imported)
            shipped_to = (other[0], consignee[1], consignee[2]) if chance.random() < 0.5 else other
        elif mismatch == "payer":
            payer = self._consignee(chance, imported)[0]
        elif mismatch == "payee":
            # another enterprise of the zone was paid (or, first of all, one known by its code)
            others = [x.uscc for x in self.enterprises[-50:] if x.uscc != e.uscc]
            payee = chance.choice(others) if others else "4101960Z99"
        elif mismatch == "codes":
            paid_platform = next(p for p in _PLATFORMS if p != platform)
        order_id, waybill_id = out.next_id("ORD"), out.next_id("WAY")
        carrier = chance.randrange(len(ref.CARRIERS))
        order: dict[str, object] = {
            "id": order_id,
            "uscc": e.uscc,
            "orderedOn": iso(ordered),
            "direction": "IMPORT" if imported else "EXPORT",
            "ebpCode": platform,
            "ebcCode": e.uscc,
            "goodsCny": cny(goods),
            "freightCny": cny(freight),
            "taxCny": cny(tax),
            "discountCny": cny(discount),
            "consigneeName": consignee[0],
            "consigneePhone": consignee[1],
            "consigneeAddress": consignee[2],
        }
        payment: dict[str, object] = {
            "id": out.next_id("PAY"),
            "orderId": order_id,
            "paidOn": iso(min(ordered + chance.randint(0, 1), out.today)),
            "amountCny": cny(amount),
            # the firm drawn as before (the zone stays as it was), or the struggling one
            "payCode": (
                firm := prv.payment_firm(
                    _PAYMENT_FIRMS.index(chance.choice(_PAYMENT_FIRMS)), struggling
                )
            ).code,
            "ebpCode": paid_platform,
        }
        if self.providers:
            payment["payFirmUscc"] = firm.uscc
        if imported:
            order["buyerName"] = buyer[0]
            payment["payerName"] = payer
        else:
            payment["ebcCode"] = payee
        out.emit("trade.order@1", COMMERCE, order)
        out.emit("trade.payment@1", BANK, payment)
        out.emit(
            "logistics.waybill@1",
            LOGISTICS,
            {
                "id": waybill_id,
                "orderId": order_id,
                "shippedOn": iso(min(ordered + chance.randint(1, 4), out.today)),
                "carrier": prv.carrier(carrier).label,
                "logisticsCode": _logistics_code(carrier),
                **({"carrierUscc": prv.carrier(carrier).uscc} if self.providers else {}),
                "consigneeName": shipped_to[0],
                "consigneePhone": shipped_to[1],
                "consigneeAddress": shipped_to[2],
            },
        )
        if mismatch != "no inventory list":
            self._inventory(
                order,
                mode,
                waybill_id,
                carrier,
                buyer,
                min(ordered + chance.randint(1, 2), out.today),
            )

    def _inventory(
        self,
        order: dict[str, object],
        mode: str,
        waybill_id: str,
        carrier: int,
        buyer: tuple[str, str, str],
        declared: int,
    ) -> None:
        """The customs inventory list of `order` (CEB603 for an export, CEB621 for an import),
        as customs accepted it: the order's codes, goods and freight, its waybill."""
        imported = order["direction"] == "IMPORT"
        inventory: dict[str, object] = {
            "id": self.out.next_id("INV"),
            "orderId": order["id"],
            "direction": order["direction"],
            "tradeMode": mode,
            "declaredOn": iso(declared),
            "ebpCode": order["ebpCode"],
            "ebcCode": order["ebcCode"],
            "logisticsCode": _logistics_code(carrier),
            "logisticsNo": waybill_id,
            "goodsCny": order["goodsCny"],
            "freightCny": order["freightCny"],
        }
        if imported:
            inventory["buyerName"] = buyer[0]
            inventory["buyerPhone"] = buyer[1]
            inventory["consigneeAddress"] = order["consigneeAddress"]
        self.out.emit("customs.inventory@1", CUSTOMS, inventory)

    def _consignee(self, chance: random.Random, domestic: bool) -> tuple[str, str, str]:
        """A consignee's name, phone and address: in Henan for an import, abroad otherwise."""
        if domestic:
            name = chance.choice(ref.SURNAMES_ZH)[0] + chance.choice(ref.GIVEN_ZH)[0]
            phone = f"1{chance.choice('3589')}{chance.randrange(10**9):09d}"
            zone = chance.choice(ref.ZONES)
            place = chance.choice(zone.places)
            address = (
                f"河南省{zone.city_zh}{place.zh}{chance.choice(zone.roads)}"
                f"{chance.randint(1, 400)}号"
            )
            return name, phone, address
        country = chance.choices(_DESTINATIONS, _DESTINATION_WEIGHTS)[0]
        name = f"{chance.choice(ref.FOREIGN_FIRST)} {chance.choice(ref.FOREIGN_LAST)}"
        phone = f"+{_CALLING.get(country, '44')}{chance.randrange(10**9):09d}"
        address = (
            f"{chance.randint(1, 999)} {chance.choice(ref.STREETS)}, "
            f"{chance.choice(ref.CITIES[country])}, {country}"
        )
        return name, phone, address

    def _warehouse(self, e: EnterpriseInfo, country: str) -> None:
        out, rng = self.out, self.out.rng
        city = rng.choice(ref.CITIES[country])
        since = out.recent(e, 1500, after_registration=90)
        brand = e.brand_en
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
        first = e.first_export if e.first_export is not None else e.registered
        if claimed < first + 15:
            # a refund is claimed on goods exported: after the first export declaration (a
            # generator of its own, so the zone's sequence stays as it was)
            chance = random.Random(f"refund:{out.seed}:{e.uscc}:{claimed}")
            claimed = chance.randint(min(first + 15, out.today), out.today)
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

    def _excess_refund(self, e: EnterpriseInfo, exports: float, chance: random.Random) -> None:
        """A claim in the last 300 days of 30% to 60% of every export of `e` (at least CNY
        60,000), over the 13% any export could yield; drawn from `chance`, with ids of their
        own, so every other record of the zone stays as it was."""
        out = self.out
        first = e.first_export if e.first_export is not None else e.registered
        claimed = chance.randint(min(max(first + 15, out.today - 300), out.today), out.today)
        amount = max(exports * chance.uniform(0.3, 0.6), chance.uniform(60_000, 120_000))
        out.emit(
            "tax.refund@1",
            TAX,
            {
                "id": out.next_id("TXRX"),
                "uscc": e.uscc,
                "claimedOn": iso(claimed),
                "amountCny": cny(round(amount, 2)),
                "status": "CLAIMED",
                "paidOn": None,
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
