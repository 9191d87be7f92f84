"""A pure, deterministic generator of a synthetic demo zone (no I/O).

`generate_zone(enterprises, seed)` yields `SeedChunk`s of connector records, one chunk per
`CHUNK_ENTERPRISES` enterprises: the records the agencies would send, as camelCase dicts that
validate against `connectors.records` (docs/connectors-record-types.md), grouped by record type
and by the department that sends them. The same arguments always give exactly the same records:
everything is drawn from one `random.Random(seed)` in a fixed order, and nothing depends on set
or dict hashing.

A record only refers to enterprises, persons, orders, list entries and penalties of its own
chunk or an earlier one, so chunks can be sent one after the other (`hub.seed.plan` orders the
batches within a chunk). Persons are sent by SAMR with a clear, checksum-valid synthetic ID
number, and every relation refers to them by it; the hub stores only the keyed hash.

About 21 records per enterprise: the enterprise, ~2 persons, its legal representative (some
represent several enterprises), officers, shareholders (persons and enterprises, chains
mostly 2 to 3 deep, ratios summing to at most 1), address and phone (some shared; a few shell-like
clusters of 5 to 15 enterprises at one address and phone, with a circular shareholding and a
circular payment flow), filings, list entries (~2%, a few red list) and their removals,
penalties and their repairs, department classifications, declarations in the four customs
modes, orders with payment slip and waybill (~3% mismatched), overseas warehouses, tax refunds,
loans and enterprise-to-enterprise payments. A zone of `hub.seed.providers.PROVIDERS_FROM`
enterprises or more also has its providers (payment firms, banks, carriers, premises operators),
beyond the enterprises asked for, sent with the first chunk (`hub.seed.providers`).

Registered names, addresses and person names are Chinese, each enterprise with an English name
beside it (`hub.seed.naming`). The USCC agrees with what it names (GB 32100: character 1 is 9,
market regulation; character 2 the entity type): about 92% enterprises (1), named as companies
and with shareholders; 5% individual businesses (2) and 3% farmers' cooperatives (3), named as
such, without shareholders, their operator or chairman the legal representative. Characters
3-8 are the division of the registration authority when the code was issued (GB/T 2260); 9-17
the organisation code: an enterprise or cooperative registered before the USCC reform
(2015-10-01) kept its GB 11714 code (eight digits and a check character), one registered since
has a code issued with its USCC ("MA" and six characters), and individual businesses, which had
no organisation code before the reform, have "MA" codes too.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from graph_schema.identity import id_check_digit, normalise_address
from graph_schema.model import Department
from graph_schema.uscc import USCC_CHARSET, make_uscc
from hub.seed import providers as prv
from hub.seed import reference as ref
from hub.seed.common import BatchKey, Emitter, EnterpriseInfo, RawRecord, date, iso, optional_iso
from hub.seed.credit import CreditFacts
from hub.seed.naming import EnterpriseName, Namer, PersonName
from hub.seed.trade import TradeFacts

CHUNK_ENTERPRISES: Final = 1000
"""Enterprises per chunk."""

DEFAULT_TODAY: Final = dt.date(2026, 11, 1)
"""The day the demo zone is generated "as of": every event is on or before it."""

SAMR: Final = Department.SAMR

_BODY_SPACE: Final = len(USCC_CHARSET) ** 6  # organisation-code bodies "MA" + 6 characters
_LEGACY_SPACE: Final = 10**8 - 1  # GB 11714 bodies of eight digits, 00000000 excepted
_EARLIEST: Final = dt.date(2005, 1, 1).toordinal()
_REFORM: Final = dt.date(2015, 10, 1).toordinal()  # GB 32100-2015 in force: USCCs issued
_COOPERATIVES_FROM: Final = dt.date(2007, 7, 1).toordinal()  # 农民专业合作社法 in force
_BIRTH_FIRST: Final = dt.date(1958, 1, 1).toordinal()
_BIRTH_LAST: Final = dt.date(2001, 12, 31).toordinal()
# USCC character 2 under registration authority 9 (market regulation), GB 32100
_ENTERPRISE: Final = "1"
_INDIVIDUAL_BUSINESS: Final = "2"
_COOPERATIVE: Final = "3"
_ENTITY_TYPES: Final = ((_ENTERPRISE, 92), (_INDIVIDUAL_BUSINESS, 5), (_COOPERATIVE, 3))
# the belt whose names and goods a zone's cooperatives take (Zhengzhou has no farming belt)
_FARMING_BELTS: Final = {"KAIFENG": "KF_AGRI", "XINXIANG": "XX_AGRI_SPECIALTIES"}
# payment rings: of at most 5 enterprises, within the last 300 days (what the risk rules'
# ring detection looks for: hub/risk/rules.json circular_payments)
_RING_MOST: Final = 5
_RING_DAYS: Final = 300
# who trades across the border: most companies, fewer shops and cooperatives
_TRADER_SHARE: Final = {_ENTERPRISE: 0.85, _INDIVIDUAL_BUSINESS: 0.6, _COOPERATIVE: 0.5}


@dataclass(frozen=True)
class SeedChunk:
    """The records of one chunk, keyed by (record type, sending department)."""

    index: int
    enterprises: int  # enterprises generated in this chunk
    enterprises_done: int  # enterprises in this chunk and all before it
    records: dict[BatchKey, list[RawRecord]]

    @property
    def count(self) -> int:
        """How many records the chunk holds."""
        return sum(len(records) for records in self.records.values())


def generate_zone(
    enterprises: int, seed: int, today: dt.date = DEFAULT_TODAY
) -> Iterator[SeedChunk]:
    """The demo zone of `enterprises` enterprises for `seed`, chunk by chunk (see module doc)."""
    if enterprises < 0:
        raise ValueError(f"enterprises must be 0 or more, got {enterprises}")
    return _ZoneBuilder(enterprises, seed, today).chunks()


@dataclass
class _Cluster:
    """Shell-like enterprises sharing one address, phone and mostly one legal representative."""

    zone: ref.ZoneRef
    place: ref.PlaceRef
    address: str
    phone: str
    nominee: str | None = None
    members: list[EnterpriseInfo] = field(default_factory=list)


class _ZoneBuilder:
    def __init__(self, total: int, seed: int, today: dt.date) -> None:
        self.total = total
        self.out = Emitter(seed, today)
        rng = self.out.rng
        self.uscc_step = rng.randrange(1, _BODY_SPACE)
        while self.uscc_step % len(USCC_CHARSET) == 0:  # coprime to 31**6: a permutation
            self.uscc_step = rng.randrange(1, _BODY_SPACE)
        self.uscc_offset = rng.randrange(_BODY_SPACE)
        self.legacy_step = rng.randrange(1, _LEGACY_SPACE)
        while math.gcd(self.legacy_step, _LEGACY_SPACE) != 1:
            self.legacy_step = rng.randrange(1, _LEGACY_SPACE)
        self.legacy_offset = rng.randrange(_LEGACY_SPACE)
        self.namer = Namer(rng)
        self.enterprises: list[EnterpriseInfo] = []
        self.credit = CreditFacts(self.out)
        self.trade = TradeFacts(self.out, self.enterprises)
        # providers beyond the enterprises asked for, from a generator of their own
        self.trade.providers = total >= prv.PROVIDERS_FROM
        self.provider_usccs = {p.uscc for p in prv.demo_providers()}
        self.id_numbers: set[str] = set()
        self.representatives: list[str] = []
        self.with_parent: list[int] = []
        self.addresses: dict[str, list[str]] = {z.code: [] for z in ref.ZONES}
        self.address_keys: set[str] = set()
        self.phones: list[str] = []
        self.zone_cumulative: list[float] = []
        share = 0.0
        for zone in ref.ZONES:
            share += zone.share
            self.zone_cumulative.append(share)
        self.belts = {z.code: [b for b in ref.BELTS if b.zone == z.code] for z in ref.ZONES}

    def chunks(self) -> Iterator[SeedChunk]:
        done = index = 0
        while True:
            n = min(CHUNK_ENTERPRISES, self.total - done)
            if n > 0:
                self._chunk(done, n)
                if self.trade.providers and index == 0:
                    prv.emit_providers(self.out)
                if self.trade.providers and done + n >= self.total:  # after every other record
                    prv.emit_carrier_penalty(self.out, self.credit.case_numbers)
            done += n
            yield SeedChunk(index, n, done, self.out.take_records())
            if done >= self.total:
                return
            index += 1

    # --- one chunk -------------------------------------------------------------------------

    def _chunk(self, start: int, n: int) -> None:
        rng = self.out.rng
        cluster_of: list[int | None] = [None] * n
        clusters: list[_Cluster] = []
        if n >= 5:
            for position in sorted(rng.sample(range(n - 4), max(1, round(n * 0.003)))):
                size = rng.randint(5, 15)  # at least 5 fit: position < n - 4
                span = range(position, min(n, position + size))
                if any(cluster_of[p] is not None for p in span):
                    continue
                zone = rng.choice(ref.ZONES)
                place = rng.choice(zone.places)
                address = self._new_address(zone, place)
                clusters.append(_Cluster(zone, place, address, self._new_phone(zone)))
                for p in span:
                    cluster_of[p] = len(clusters) - 1
        free = [p for p in range(n) if cluster_of[p] is None]
        red = set(rng.sample(free, min(len(free), max(1, round(n * 0.002)))))
        others = [p for p in free if p not in red]
        restored = set(rng.sample(others, min(len(others), max(1, round(n * 0.008)))))
        chunk: list[EnterpriseInfo] = []
        for position in range(n):
            number = cluster_of[position]
            cluster = None if number is None else clusters[number]
            e = self._enterprise(
                start + position, number, cluster, position in red, position in restored
            )
            chunk.append(e)
            self.credit.enterprise(e)
            self.trade.enterprise(e)
            self.credit.classify(e)  # after trade: a refund class depends on the first export
        for cluster in clusters:
            members = cluster.members
            if len(members) >= 2:
                head, last = members[0], members[-1]
                since = max(head.registered, last.registered)
                self._shareholding({"uscc": last.uscc}, head, 20, since)
                self._payment_cycle(members[:_RING_MOST])
        outside = [chunk[p] for p in free]
        if len(outside) >= 3:
            self._payment_cycle(rng.sample(outside, 3))

    def _payment_cycle(self, members: list[EnterpriseInfo]) -> None:
        """Money going round: each member pays the next, the last pays the first, within the
        last `_RING_DAYS` days."""
        rng = self.out.rng
        amount = self.out.money(200_000, 2_000_000)
        today = self.out.today
        day = self.out.day(max(*(m.registered for m in members), today - _RING_DAYS), today)
        for payer, payee in zip(members, members[1:] + members[:1], strict=True):
            self.trade.trade_payment(payer, payee, amount, day)
            amount = round(amount * rng.uniform(0.97, 0.995), 2)
            day = min(day + rng.randint(0, 1), today)

    # --- one enterprise --------------------------------------------------------------------

    def _enterprise(
        self,
        index: int,
        number: int | None,
        cluster: _Cluster | None,
        red: bool,
        restored: bool,
    ) -> EnterpriseInfo:
        """A new enterprise; `red`: on the red list; `restored`: off the abnormal-operation
        list again (both are active). A cluster's members are companies."""
        out, rng = self.out, self.out.rng
        draw = rng.random()
        zone = next(
            (z for z, c in zip(ref.ZONES, self.zone_cumulative, strict=True) if draw < c),
            ref.ZONES[-1],
        )
        if cluster is not None:
            zone = cluster.zone
        kind = _ENTERPRISE
        if cluster is None:
            kind = rng.choices([t for t, _ in _ENTITY_TYPES], [w for _, w in _ENTITY_TYPES])[0]
        belt = self._belt(zone, kind)
        # where it is registered: a company by its district's or its city's bureau, the
        # others by their district's or county's (cooperatives mostly in the counties)
        place = cluster.place if cluster is not None else self._place(zone, kind)
        city_level = kind == _ENTERPRISE and rng.random() >= 0.7
        if cluster is not None:
            registered = out.today - rng.randint(30, 540)
            status = "ABNORMAL" if rng.random() < 0.25 else "ACTIVE"
        else:
            first = _COOPERATIVES_FROM if kind == _COOPERATIVE else _EARLIEST
            if rng.random() < 0.12:
                registered = out.today - rng.randint(1, 364)
            else:
                registered = rng.randint(first, out.today - 365)
            draw = rng.random()
            status = (
                "ACTIVE"
                if red or restored or draw >= 0.04
                else "ABNORMAL"
                if draw < 0.006
                else "REVOKED"
                if draw < 0.022
                else "DEREGISTERED"
            )
        # the code was issued on registration, or on re-coding after the reform
        issued = date(max(registered, _REFORM))
        division = zone.division if city_level else place.code_on(issued)
        legacy = registered < _REFORM and kind != _INDIVIDUAL_BUSINESS
        body = self._legacy_body(index) if legacy else self._org_body(index)
        uscc = make_uscc("9", kind, division, body)
        if uscc in self.provider_usccs:  # never silently one enterprise with a provider
            raise RuntimeError(f"enterprise {index} drew the USCC of a provider, {uscc}")
        operator = self.namer.person() if kind == _INDIVIDUAL_BUSINESS else None
        name = self._name(kind, zone, place, belt, operator)
        trader_share = 0.5 if cluster is not None else _TRADER_SHARE[kind]
        e = EnterpriseInfo(
            index=index,
            uscc=uscc,
            entity_type=kind,
            name=name.zh,
            name_en=name.en,
            brand_en=name.brand_en,
            zone=zone,
            place=place,
            belt=belt,
            division=division,
            registered=registered,
            status=status,
            legal_rep="",
            cluster=number,
            trader=rng.random() < trader_share and (kind != _COOPERATIVE or belt is not None),
            red_listed=red,
            restored=restored,
        )
        self.enterprises.append(e)
        out.emit(
            "samr.enterprise@1",
            SAMR,
            {
                "uscc": uscc,
                "name": e.name,
                "nameEn": e.name_en,
                "zone": zone.code,
                "industryBelt": None if belt is None else belt.code,
                "registeredOn": iso(registered),
                "status": status,
                # a revocation or deregistration is sent with its day (no draw: the rest of
                # the zone stays as it was): the last 30 days, never before registration
                "statusSince": (
                    iso(max(registered, out.today - 30))
                    if status in ("REVOKED", "DEREGISTERED")
                    else None
                ),
            },
        )
        self._people(e, cluster, operator)
        self._contacts(e, cluster)
        if cluster is not None:
            cluster.members.append(e)
        return e

    def _belt(self, zone: ref.ZoneRef, kind: str) -> ref.BeltRef | None:
        """A company's or a shop's industry belt (most have one); a cooperative's is its
        zone's farming belt, if it has one."""
        rng = self.out.rng
        if kind == _COOPERATIVE:
            code = _FARMING_BELTS.get(zone.code)
            return next((b for b in self.belts[zone.code] if b.code == code), None)
        belts = self.belts[zone.code]
        return rng.choices(belts, [b.weight for b in belts])[0] if rng.random() < 0.85 else None

    def _place(self, zone: ref.ZoneRef, kind: str) -> ref.PlaceRef:
        rng = self.out.rng
        if kind == _COOPERATIVE:
            return rng.choices(zone.places, [1 if p.district else 4 for p in zone.places])[0]
        return rng.choice(zone.places)

    def _name(
        self,
        kind: str,
        zone: ref.ZoneRef,
        place: ref.PlaceRef,
        belt: ref.BeltRef | None,
        operator: PersonName | None,
    ) -> EnterpriseName:
        if operator is not None:
            return self.namer.shop(zone, place, operator)
        if kind == _COOPERATIVE:
            return self.namer.cooperative(zone, place)
        return self.namer.company(zone, belt)

    def _org_body(self, index: int) -> str:
        """A post-reform organisation-code body: "MA" and six characters, one per index."""
        value = (index * self.uscc_step + self.uscc_offset) % _BODY_SPACE
        chars = []
        for _ in range(6):
            value, digit = divmod(value, len(USCC_CHARSET))
            chars.append(USCC_CHARSET[digit])
        return "MA" + "".join(reversed(chars))

    def _legacy_body(self, index: int) -> str:
        """A pre-reform GB 11714 body: eight digits (never all zeros), one per index."""
        return f"{(index * self.legacy_step + self.legacy_offset) % _LEGACY_SPACE + 1:08d}"

    # --- people ------------------------------------------------------------------------------

    def _new_person(self, name: PersonName | None = None) -> str:
        """A new person with a unique synthetic ID number (and `name`, or one drawn), sent by
        SAMR; returns the number."""
        out, rng = self.out, self.out.rng
        while True:
            birth = date(rng.randint(_BIRTH_FIRST, _BIRTH_LAST))
            first17 = (
                f"{rng.choice(ref.PERSON_REGIONS)}{birth.year:04d}{birth.month:02d}"
                f"{birth.day:02d}{rng.randrange(1000):03d}"
            )
            if first17 not in self.id_numbers:
                break
        self.id_numbers.add(first17)
        id_number = first17 + id_check_digit(first17)
        if name is None:
            name = self.namer.person()
        out.emit("samr.person@1", SAMR, {"idNumber": id_number, "name": name.zh})
        return id_number

    def _people(
        self, e: EnterpriseInfo, cluster: _Cluster | None, operator: PersonName | None
    ) -> None:
        """Legal representative (and a former one), officers and shareholders. An individual
        business's operator (经营者) is its legal representative, with no officers and no
        shareholders; a cooperative's chairman (理事长) is, and it has no shareholders."""
        out, rng = self.out, self.out.rng
        if operator is not None:
            e.legal_rep = self._new_person(operator)
            self._relation("samr.legal_representative@1", e.legal_rep, e, e.registered, None)
            return
        if cluster is not None and rng.random() < 0.7:
            if cluster.nominee is None:
                cluster.nominee = self._new_person()
            rep = cluster.nominee
        elif self.representatives and rng.random() < 0.12:
            rep = rng.choice(self.representatives[-3000:])
        else:
            rep = self._new_person()
            self.representatives.append(rep)
        e.legal_rep = rep
        since = e.registered
        if e.registered < out.today - 365 and rng.random() < 0.1:
            former = self._new_person()
            since = out.day(e.registered + 180, out.today - 30)
            self._relation("samr.legal_representative@1", former, e, e.registered, since)
        self._relation("samr.legal_representative@1", rep, e, since, None)
        if e.entity_type == _COOPERATIVE:
            role = "CHAIRMAN"
        else:
            role = "EXECUTIVE_DIRECTOR" if rng.random() < 0.7 else "GENERAL_MANAGER"
        self._relation("samr.officer@1", rep, e, since, None, role=role)
        if rng.random() < 0.55:
            supervisor = self._new_person()
            self._relation("samr.officer@1", supervisor, e, e.registered, None, role="SUPERVISOR")
        if e.entity_type == _COOPERATIVE:
            return
        if rng.random() < 0.1:
            officer = self._new_person()
            role = rng.choice(ref.OFFICER_ROLES)
            self._relation("samr.officer@1", officer, e, e.registered, None, role=role)
        self._shareholders(e, cluster, rep)

    def _shareholders(self, e: EnterpriseInfo, cluster: _Cluster | None, rep: str) -> None:
        """Percentages summing to at most 100; an enterprise holder (a company) makes chains."""
        rng = self.out.rng
        remaining = 100 if rng.random() < 0.85 else rng.randint(50, 95)
        members = cluster.members if cluster is not None else None
        if members:  # controlled by the cluster's first enterprise
            share = rng.choice((60, 70, 80, 100))
            self._shareholding({"uscc": members[0].uscc}, e, share, e.registered)
            remaining = 100 - share
        elif members is not None:  # the cluster's first enterprise: 20% stays for the cycle
            remaining = 80
        elif e.index > 0 and rng.random() < 0.12:
            if self.with_parent and rng.random() < 0.5:
                parent = self.enterprises[rng.choice(self.with_parent[-500:])]
            else:
                parent = self.enterprises[rng.randrange(max(0, e.index - 2000), e.index)]
            share = rng.choice((25, 30, 51, 60, 70, 100))
            if parent.entity_type == _ENTERPRISE:  # a shop or a cooperative holds no shares
                self._shareholding({"uscc": parent.uscc}, e, share, e.registered)
                self.with_parent.append(e.index)
                remaining = 100 - share
        if remaining <= 0:
            return
        if remaining >= 2 and rng.random() < 0.35:
            own = rng.randint((remaining + 1) // 2, remaining - 1)
            self._shareholding({"idNumber": rep}, e, own, e.registered)
            partner = self._new_person()
            self._shareholding({"idNumber": partner}, e, remaining - own, e.registered)
        else:
            self._shareholding({"idNumber": rep}, e, remaining, e.registered)

    def _shareholding(
        self, holder: dict[str, str], e: EnterpriseInfo, percent: int, since: int
    ) -> None:
        """`holder` (`{"uscc": ...}` or `{"idNumber": ...}`) holds `percent`% of `e`."""
        self.out.emit(
            "samr.shareholding@1",
            SAMR,
            {
                "holder": holder,
                "uscc": e.uscc,
                "ratio": f"{percent / 100:.2f}",
                "since": iso(since),
                "until": None,
            },
        )

    def _relation(
        self,
        record_type: str,
        id_number: str,
        e: EnterpriseInfo,
        since: int,
        until: int | None,
        role: str | None = None,
    ) -> None:
        record: RawRecord = {"idNumber": id_number, "uscc": e.uscc}
        if role is not None:
            record["role"] = role
        record["since"] = iso(since)
        record["until"] = optional_iso(until)
        self.out.emit(record_type, SAMR, record)

    # --- addresses and phones ----------------------------------------------------------------

    def _contacts(self, e: EnterpriseInfo, cluster: _Cluster | None) -> None:
        out, rng = self.out, self.out.rng
        zone_addresses = self.addresses[e.zone.code]
        if cluster is not None:
            address = cluster.address
        elif zone_addresses and rng.random() < 0.04:
            address = rng.choice(zone_addresses[-300:])
        else:
            address = self._new_address(e.zone, e.place)
            zone_addresses.append(address)
        since = e.registered
        if e.registered < out.today - 730 and rng.random() < 0.05:
            since = out.day(e.registered + 365, out.today - 30)
            former = self._new_address(e.zone, e.place)
            self._contact("samr.address@1", e, {"address": former}, e.registered, since)
        self._contact("samr.address@1", e, {"address": address}, since, None)
        if cluster is not None and rng.random() < 0.8:
            phone = cluster.phone
        elif self.phones and rng.random() < 0.02:
            phone = rng.choice(self.phones[-300:])
        else:
            phone = self._new_phone(e.zone)
            self.phones.append(phone)
        self._contact("samr.phone@1", e, {"phone": phone}, e.registered, None)

    def _contact(
        self, record_type: str, e: EnterpriseInfo, value: RawRecord, since: int, until: int | None
    ) -> None:
        record = {"uscc": e.uscc, **value, "since": iso(since), "until": optional_iso(until)}
        self.out.emit(record_type, SAMR, record)

    def _new_address(self, zone: ref.ZoneRef, place: ref.PlaceRef) -> str:
        """A new address in `place`, distinct (once normalised) from every earlier one."""
        while True:
            text = self.namer.address(zone, place)
            key = normalise_address(text)
            if key not in self.address_keys:
                self.address_keys.add(key)
                return text

    def _new_phone(self, zone: ref.ZoneRef) -> str:
        rng = self.out.rng
        if rng.random() < 0.75:
            return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        area = "0373" if zone.code == "XINXIANG" else "0371"
        return f"{area}{rng.randint(2, 8)}{rng.randrange(10**7):07d}"
