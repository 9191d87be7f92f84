"""The demo zone's providers: the payment firms, banks and carriers that handle the zone's
cross-border trade documents, and the operators of its supervised premises, as enterprises of
the registry (docs/subjects.md, "Payment firms, banks, carriers and supervised premises").

Every zone of at least `PROVIDERS_FROM` enterprises has the same providers, beyond the
enterprises asked for: their registry facts (names, USCCs, legal representatives, addresses)
come from a generator of their own with a fixed salt, so they are the same for every seed and
the zone's own enterprises are drawn exactly as before. What a document names comes from the
draw the document already made: a receipt's `bank` label (`bankUscc` its bank), a waybill's
carrier slot (`carrierUscc`, `carrier` and `logisticsCode` its carrier's), a payment's payment
firm slot (`payFirmUscc` and `payCode`), except that a seller whose documents disagree often,
and one in twenty others, pays through the struggling firm (`STRUGGLING_FIRM`), drawn from a
generator of the seller's own (`pays_through_struggling_firm`).

Providers to look at: the struggling payment firm, whose documents fail the three-document
check far more often than the others' (a lower provider grade), and a carrier with a customs
penalty in publicity (`PENALISED_CARRIER`). The banks are real banks' Henan branches (the
receipts' labels already named them); their USCCs, registration days and representatives are
the demo's, not the registry's. The payment firms, carriers and operators are made up.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass
from typing import Final

from connectors.records.fields import add_months
from graph_schema.identity import id_check_digit
from graph_schema.model import Department, Severity
from graph_schema.publicity import PUBLICITY
from graph_schema.uscc import USCC_CHARSET, make_uscc
from hub.seed import reference as ref
from hub.seed.common import Emitter, cny, iso
from hub.seed.naming import Namer, PersonName

PROVIDERS_FROM: Final = 100
"""A zone of fewer enterprises (a test's handful) has no providers and names none."""

PAYMENT_FIRM: Final = "PAYMENT_FIRM"
BANK: Final = "BANK"
CARRIER: Final = "CARRIER"
PREMISES_OPERATOR: Final = "PREMISES_OPERATOR"

STRUGGLING_SHARE: Final = 0.05
"""Share of sellers (beside those whose documents disagree often) that pay through the
struggling firm, so it handles ordinary orders too."""

_SALT: Final = "hub.seed.providers:v1"
_REFORM: Final = dt.date(2015, 10, 1)  # USCCs issued from here: "MA" organisation codes
# person ID regions (GB/T 2260) no generated enterprise's person has (`ref.PERSON_REGIONS`),
# so a provider's representative can never take a number the zone draws
_PERSON_REGIONS: Final = ("410104", "410108", "410182", "410183")
_ZHENGZHOU: Final = next(z for z in ref.ZONES if z.code == "ZHENGZHOU")
_PLACES: Final = {p.code: p for p in _ZHENGZHOU.places}


@dataclass(frozen=True)
class Provider:
    """One provider: its registry facts and how the documents it handles name it."""

    role: str  # PAYMENT_FIRM, BANK, CARRIER or PREMISES_OPERATOR (its main role)
    uscc: str
    name: str  # registered name, in Chinese
    name_en: str
    label: str  # how a document names it: the receipt's `bank`, the waybill's `carrier`
    code: str | None  # its customs registration code (payCode, logisticsCode); demo codes
    place: str  # the district or county of its registered address
    registered: dt.date
    officer_role: str  # the legal representative's office (a branch's head: GENERAL_MANAGER)


@dataclass(frozen=True)
class Premises:
    """A supervised premises and its operator (`customs.premises@1`)."""

    id: str
    operator: str  # the operator's USCC
    kind: str
    name: str
    customs_code: str
    approved: dt.date


@dataclass(frozen=True)
class ProviderPerson:
    """A provider's legal representative."""

    id_number: str
    name: PersonName


# (role, division of the registering authority, name, English name, label, customs code,
# place of the address, registered on, office of the legal representative). Banks' branches
# register with the province's or the city's market regulation; the days are the demo's.
# fmt: off
_TABLE: Final = (
    (BANK, "410000", "中国银行股份有限公司河南省分行", "Bank of China Limited Henan Branch",
     "Bank of China Henan Branch", None, "410105", dt.date(2004, 9, 20), "GENERAL_MANAGER"),
    (BANK, "410000", "中国工商银行股份有限公司河南省分行",
     "Industrial and Commercial Bank of China Limited Henan Branch",
     "Industrial and Commercial Bank of China Henan Branch", None, "410105",
     dt.date(2005, 11, 8), "GENERAL_MANAGER"),
    (BANK, "410000", "中国建设银行股份有限公司河南省分行",
     "China Construction Bank Corporation Henan Branch", "China Construction Bank Henan Branch",
     None, "410105", dt.date(2004, 9, 27), "GENERAL_MANAGER"),
    (BANK, "410000", "中国农业银行股份有限公司河南省分行",
     "Agricultural Bank of China Limited Henan Branch",
     "Agricultural Bank of China Henan Branch", None, "410105", dt.date(2009, 2, 16),
     "GENERAL_MANAGER"),
    (BANK, "410000", "中原银行股份有限公司", "Zhongyuan Bank Co., Ltd.", "Zhongyuan Bank", None,
     "410105", dt.date(2014, 12, 23), "EXECUTIVE_DIRECTOR"),
    (BANK, "410100", "郑州银行股份有限公司", "Bank of Zhengzhou Co., Ltd.", "Bank of Zhengzhou",
     None, "410105", dt.date(2005, 6, 14), "EXECUTIVE_DIRECTOR"),
    (BANK, "410100", "中国光大银行股份有限公司郑州分行",
     "China Everbright Bank Company Limited Zhengzhou Branch",
     "China Everbright Bank Zhengzhou Branch", None, "410105", dt.date(2008, 3, 12),
     "GENERAL_MANAGER"),
    (BANK, "410000", "中国进出口银行河南省分行", "The Export-Import Bank of China Henan Branch",
     "Export-Import Bank of China Henan Branch", None, "410105", dt.date(2007, 5, 30),
     "GENERAL_MANAGER"),
    # non-bank payment institutions (非银行支付机构), made up; payCode 4101960P0n
    (PAYMENT_FIRM, "410105", "郑州鼎信支付有限公司", "Zhengzhou Dingxin Payment Co., Ltd.",
     "Dingxin Payment", "4101960P01", "410105", dt.date(2011, 7, 5), "EXECUTIVE_DIRECTOR"),
    (PAYMENT_FIRM, "410102", "河南豫商通网络支付有限公司",
     "Henan Yushangtong Network Payment Co., Ltd.", "Yushangtong Pay", "4101960P02", "410102",
     dt.date(2012, 3, 19), "EXECUTIVE_DIRECTOR"),
    (PAYMENT_FIRM, "410184", "郑州航港跨境支付服务有限公司",
     "Zhengzhou Hanggang Cross-border Payment Services Co., Ltd.", "Hanggang Pay",
     "4101960P03", "410184", dt.date(2016, 4, 11), "EXECUTIVE_DIRECTOR"),
    (PAYMENT_FIRM, "410103", "郑州速汇宝网络支付有限公司",
     "Zhengzhou Suhuibao Network Payment Co., Ltd.", "Suhuibao Pay", "4101960P04", "410103",
     dt.date(2017, 8, 22), "EXECUTIVE_DIRECTOR"),
    # international logistics and express firms, made up; logisticsCode 41019800nn
    (CARRIER, "410184", "河南中欧通国际物流有限公司",
     "Henan Zhongoutong International Logistics Co., Ltd.", "Zhongoutong Logistics",
     "4101980001", "410184", dt.date(2013, 5, 8), "EXECUTIVE_DIRECTOR"),
    (CARRIER, "410184", "郑州航空港捷运国际快递有限公司",
     "Zhengzhou Airport Jieyun International Express Co., Ltd.", "Jieyun Express",
     "4101980002", "410184", dt.date(2014, 10, 16), "EXECUTIVE_DIRECTOR"),
    (CARRIER, "410122", "郑州陆港速达供应链有限公司",
     "Zhengzhou Lugang Suda Supply Chain Co., Ltd.", "Suda Supply Chain",
     "4101980003", "410122", dt.date(2017, 2, 27), "EXECUTIVE_DIRECTOR"),
    (CARRIER, "410108", "郑州鹏程跨境物流有限公司",
     "Zhengzhou Pengcheng Cross-border Logistics Co., Ltd.", "Pengcheng Logistics",
     "4101980004", "410108", dt.date(2018, 6, 4), "EXECUTIVE_DIRECTOR"),
    # supervised-premises operators, made up
    (PREMISES_OPERATOR, "410184", "郑州新郑综保区恒通保税仓储有限公司",
     "Zhengzhou Xinzheng Hengtong Bonded Warehousing Co., Ltd.", "Hengtong Bonded Warehousing",
     None, "410184", dt.date(2012, 9, 3), "EXECUTIVE_DIRECTOR"),
    (PREMISES_OPERATOR, "410184", "郑州空港跨境电商园区运营管理有限公司",
     "Zhengzhou Konggang CBEC Park Operation Management Co., Ltd.", "Konggang CBEC Park", None,
     "410184", dt.date(2016, 11, 21), "EXECUTIVE_DIRECTOR"),
)
# fmt: on

STRUGGLING_FIRM_CODE: Final = "4101960P04"
PENALISED_CARRIER_CODE: Final = "4101980004"

# The premises: (operator's customs code or name, kind, name, customs code, approved on).
# 4600 is Zhengzhou customs' district code (关区代码) as we recall it; the subordinate office
# codes used here (4618, 4604) and the letter-and-serial layout after them are the demo's,
# not confirmed against GACC's code table.
# fmt: off
_PREMISES: Final = (
    ("Hengtong Bonded Warehousing", "BONDED_WAREHOUSE", "郑州新郑综保区恒通公用型保税仓库",
     "4618W0001", dt.date(2014, 3, 18)),
    ("Konggang CBEC Park", "CBEC_SUPERVISION_SITE", "郑州空港跨境电子商务监管作业场所",
     "4618C0002", dt.date(2017, 6, 9)),
    ("Jieyun Express", "EXPRESS_SUPERVISION_SITE", "郑州航空港国际快件监管作业场所",
     "4604K0003", dt.date(2016, 1, 12)),
)
# fmt: on


@functools.cache
def demo_providers() -> tuple[Provider, ...]:
    """The providers of every demo zone of `PROVIDERS_FROM` enterprises or more."""
    rng = random.Random(_SALT)
    found = []
    for role, division, name, name_en, label, code, place, registered, office in _TABLE:
        if registered < _REFORM:  # kept its GB 11714 organisation code
            body = f"{rng.randrange(1, 10**8):08d}"
        else:
            body = "MA" + "".join(rng.choice(USCC_CHARSET) for _ in range(6))
        uscc = make_uscc("9", "1", division, body)
        found.append(Provider(role, uscc, name, name_en, label, code, place, registered, office))
    return tuple(found)


def by_role(role: str) -> tuple[Provider, ...]:
    return tuple(p for p in demo_providers() if p.role == role)


def by_label(label: str) -> Provider:
    return next(p for p in demo_providers() if p.label == label)


def by_code(code: str) -> Provider:
    return next(p for p in demo_providers() if p.code == code)


def struggling_firm() -> Provider:
    """The payment firm whose payments often belong to orders failing the check."""
    return by_code(STRUGGLING_FIRM_CODE)


def penalised_carrier() -> Provider:
    """The carrier with a customs penalty in publicity."""
    return by_code(PENALISED_CARRIER_CODE)


def payment_firm(slot: int, struggling: bool) -> Provider:
    """The payment firm of a payment whose firm draw was `slot` (0 to 2): the struggling firm
    for a seller that pays through it, otherwise one of the others."""
    if struggling:
        return struggling_firm()
    others = [p for p in by_role(PAYMENT_FIRM) if p.code != STRUGGLING_FIRM_CODE]
    return others[slot % len(others)]


def carrier(slot: int) -> Provider:
    """The carrier of a waybill whose carrier draw was `slot` (0 to len(ref.CARRIERS) - 1)."""
    carriers = by_role(CARRIER)
    return carriers[slot % len(carriers)]


def pays_through_struggling_firm(seed: int, uscc: str, sloppy: bool) -> bool:
    """Whether seller `uscc` pays through the struggling firm: every seller whose documents
    disagree often does, and `STRUGGLING_SHARE` of the others (a generator of the seller's
    own, so nothing else in the zone moves)."""
    chance = random.Random(f"pay-firm:{seed}:{uscc}").random()
    return sloppy or chance < STRUGGLING_SHARE


def demo_premises() -> tuple[Premises, ...]:
    """The supervised premises of the demo zone, each with its operator."""
    return tuple(
        Premises(f"PRM-{code}", by_label(operator).uscc, kind, name, code, approved)
        for operator, kind, name, code, approved in _PREMISES
    )


def representatives() -> dict[str, tuple[ProviderPerson, str]]:
    """Each provider's legal representative and the address of its seat, by USCC (drawn from
    the providers' own generator: the same for every zone)."""
    rng = random.Random(_SALT + ":people")
    namer = Namer(rng)
    found: dict[str, tuple[ProviderPerson, str]] = {}
    for n, p in enumerate(demo_providers()):
        born = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(8000))
        first17 = (
            f"{_PERSON_REGIONS[n % len(_PERSON_REGIONS)]}{born:%Y%m%d}{rng.randrange(1000):03d}"
        )
        person = ProviderPerson(first17 + id_check_digit(first17), namer.person())
        found[p.uscc] = (person, namer.address(_ZHENGZHOU, _PLACES[p.place]))
    return found


def zone() -> ref.ZoneRef:
    """Every provider is registered in Zhengzhou."""
    return _ZHENGZHOU


def emit_providers(out: Emitter) -> None:
    """The providers' registry records (enterprise, legal representative and office, address,
    phone) and their premises, sent by SAMR and customs as for any enterprise."""
    samr = Department.SAMR
    people = representatives()
    phones = random.Random(_SALT + ":phones")
    for p in demo_providers():
        person, address = people[p.uscc]
        since = iso(p.registered.toordinal())
        out.emit(
            "samr.enterprise@1",
            samr,
            {
                "uscc": p.uscc,
                "name": p.name,
                "nameEn": p.name_en,
                "zone": _ZHENGZHOU.code,
                "industryBelt": None,
                "registeredOn": since,
                "status": "ACTIVE",
                "statusSince": None,
            },
        )
        out.emit("samr.person@1", samr, {"idNumber": person.id_number, "name": person.name.zh})
        tie = {"idNumber": person.id_number, "uscc": p.uscc}
        out.emit("samr.legal_representative@1", samr, {**tie, "since": since, "until": None})
        office = {**tie, "role": p.officer_role, "since": since, "until": None}
        out.emit("samr.officer@1", samr, office)
        seat = {"uscc": p.uscc, "address": address, "since": since, "until": None}
        out.emit("samr.address@1", samr, seat)
        phone = f"0371{phones.randint(5, 6)}{phones.randrange(10**7):07d}"
        line = {"uscc": p.uscc, "phone": phone, "since": since, "until": None}
        out.emit("samr.phone@1", samr, line)
    for premises in demo_premises():
        out.emit(
            "customs.premises@1",
            Department.CUSTOMS,
            {
                "id": premises.id,
                "operatorUscc": premises.operator,
                "kind": premises.kind,
                "name": premises.name,
                "customsCode": premises.customs_code,
                "approvedOn": iso(premises.approved.toordinal()),
                "status": "ACTIVE",
                "validUntil": None,
            },
        )


def emit_carrier_penalty(out: Emitter, case_numbers: dict[tuple[str, int], int]) -> None:
    """The penalised carrier's customs penalty: general, decided in the last 200 days, public
    for 12 months and not repaired. Sent after every other record of the zone, its decision
    number continues customs' numbering of its year (`case_numbers`, updated)."""
    chance = random.Random(f"{_SALT}:penalty:{out.seed}")
    decided = dt.date.fromordinal(out.today - chance.randint(60, 200))
    shortest, longest = PUBLICITY.bounds(Severity.GENERAL, decided)
    public_until = add_months(decided, max(shortest, min(12, longest)))
    issuer = ref.CASE_NUMBERS[Department.CUSTOMS]
    number = case_numbers.get((issuer, decided.year), 0) + chance.randint(1, 6)
    case_numbers[(issuer, decided.year)] = number
    out.emit(
        "penalty@1",
        Department.CUSTOMS,
        {
            "id": out.next_id("PEN"),
            "uscc": penalised_carrier().uscc,
            "caseNo": issuer.format(year=decided.year, n=number),
            "severity": "GENERAL",
            "amountCny": cny(float(chance.randint(2, 8) * 10_000)),
            "decidedOn": decided.isoformat(),
            "publicUntil": public_until.isoformat(),
        },
    )
