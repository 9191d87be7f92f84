"""Names and addresses of the demo zone, in Chinese as the registry records them, each name
with an English one beside it.

A registered name is 行政区划 + 字号 + 行业 + 组织形式 (place, trade name, industry, form), by
entity type (the USCC's character 2 under registration authority 9):

- an enterprise (1): the city, a trade name, its industry and a company form:
  开封市尚鼎跨境电子商务有限公司, "Kaifeng Shangding Cross-border E-commerce Co., Ltd.";
- an individual business (2): its district or county, the operator's name (or a trade name),
  its line and a shop form, never 公司: 开封市龙亭区张伟日用品店, "Kaifeng Longting District
  Zhang Wei Daily Goods Store";
- a farmers' cooperative (3): its district or county, a trade name, what its members grow and
  专业合作社: 兰考县金源大蒜种植专业合作社, "Lankao County Jinyuan Garlic Growing Professional
  Cooperative".

No name repeats a word (a two-character sequence in Chinese, a word in English), and no two
enterprises share a name in either language. Addresses read 河南省开封市龙亭区宋城路128号, some
with a building and room after it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Final

from hub.seed import reference as ref

_ATTEMPTS: Final = 40  # draws of a two-character trade name before a three-character one
_WORDS: Final = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class PersonName:
    zh: str  # 张伟
    en: str  # Zhang Wei


@dataclass(frozen=True)
class EnterpriseName:
    zh: str  # the registered name
    en: str  # the English name beside it
    brand_en: str  # the trade name (字号) in pinyin: Shangding


def repeats_a_word(zh: str, en: str) -> bool:
    """Whether a two-character sequence occurs twice in `zh` or a word twice in `en`."""
    pairs = [zh[i : i + 2] for i in range(len(zh) - 1)]
    words = _WORDS.findall(en.casefold())
    return len(set(pairs)) < len(pairs) or len(set(words)) < len(words)


def place_prefix(zone: ref.ZoneRef, place: ref.PlaceRef) -> tuple[str, str]:
    """How a name starts for `place`: a city district after its city (开封市龙亭区), a county or
    county-level city alone (兰考县)."""
    if place.district:
        return zone.city_zh + place.zh, f"{zone.city} {place.en}"
    return place.zh, place.en


class Namer:
    """Draws person names, registered names and addresses from the zone's random source;
    remembers the registered names given, so none is given twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.given: set[str] = set()  # registered names, Chinese and English

    def person(self) -> PersonName:
        rng = self.rng
        surname, surname_en = rng.choice(ref.SURNAMES_ZH)
        given, given_en = rng.choice(ref.GIVEN_ZH)
        while given_en == surname_en:  # 于宇 would read "Yu Yu"
            given, given_en = rng.choice(ref.GIVEN_ZH)
        return PersonName(surname + given, f"{surname_en} {given_en}")

    def company(self, zone: ref.ZoneRef, belt: ref.BeltRef | None) -> EnterpriseName:
        """An enterprise's name: city, trade name, industry (and what it does), company form."""
        rng = self.rng
        nouns = belt.nouns if belt is not None else ref.SERVICE_NOUNS
        for attempt in range(_ATTEMPTS * 2):
            city = zone.city_zh if rng.random() < 0.7 else zone.city_short
            noun, noun_en = rng.choice(nouns)
            activity, activity_en, _ = (
                rng.choices(ref.ACTIVITIES, [w for *_, w in ref.ACTIVITIES])[0]
                if belt is not None
                else ("", "", 0)
            )
            form, form_en, _ = rng.choices(ref.COMPANY_FORMS, [w for *_, w in ref.COMPANY_FORMS])[0]
            brand, brand_en = self._brand(long=attempt >= _ATTEMPTS)
            industry_en = " ".join(part for part in (noun_en, activity_en) if part)
            name = EnterpriseName(
                f"{city}{brand}{noun}{activity}{form}",
                f"{zone.city} {brand_en} {industry_en} {form_en}",
                brand_en,
            )
            if self._take(name):
                return name
        raise RuntimeError(f"no free enterprise name left in {zone.code}")

    def shop(self, zone: ref.ZoneRef, place: ref.PlaceRef, operator: PersonName) -> EnterpriseName:
        """An individual business's name: its place, the operator's name (or a trade name), its
        line and a shop form."""
        rng = self.rng
        prefix, prefix_en = place_prefix(zone, place)
        for attempt in range(_ATTEMPTS * 2):
            if attempt < 2 and rng.random() < 0.6:
                trade, trade_en = operator.zh, operator.en
            else:
                trade, trade_en = self._brand(long=attempt >= _ATTEMPTS)
            line, line_en = rng.choice(ref.SHOP_LINES)
            form, form_en = rng.choice(ref.SHOP_FORMS)
            name = EnterpriseName(
                f"{prefix}{trade}{line}{form}",
                f"{prefix_en} {trade_en} {line_en} {form_en}",
                trade_en.replace(" ", ""),
            )
            if self._take(name):
                return name
        raise RuntimeError(f"no free individual business name left in {place.zh}")

    def cooperative(self, zone: ref.ZoneRef, place: ref.PlaceRef) -> EnterpriseName:
        """A farmers' cooperative's name: its place, a trade name, what its members grow and
        专业合作社."""
        rng = self.rng
        prefix, prefix_en = place_prefix(zone, place)
        form, form_en = ref.COOP_FORM
        for attempt in range(_ATTEMPTS * 2):
            brand, brand_en = self._brand(long=attempt >= _ATTEMPTS)
            line, line_en = rng.choice(ref.COOP_LINES)
            name = EnterpriseName(
                f"{prefix}{brand}{line}{form}",
                f"{prefix_en} {brand_en} {line_en} {form_en}",
                brand_en,
            )
            if self._take(name):
                return name
        raise RuntimeError(f"no free cooperative name left in {place.zh}")

    def address(self, zone: ref.ZoneRef, place: ref.PlaceRef) -> str:
        """An address in `place`: 河南省开封市龙亭区宋城路128号, sometimes in a building."""
        rng = self.rng
        text = f"河南省{zone.city_zh}{place.zh}{rng.choice(zone.roads)}{rng.randint(1, 999)}号"
        if rng.random() < 0.3:
            floor = rng.randint(1, 28)
            room = floor * 100 + rng.randint(1, 30)
            building = rng.choice(ref.BUILDINGS_ZH)
            text += f"{building}{rng.randint(1, 30)}号楼{room}室"
        return text

    def _brand(self, *, long: bool) -> tuple[str, str]:
        """A trade name of two characters (three when `long`) and its pinyin: 尚鼎, Shangding."""
        rng = self.rng
        head, head_en = rng.choice(ref.BRAND_HEADS)
        chars, syllables = [head], [head_en]
        while len(chars) < (3 if long else 2):
            tail, tail_en = rng.choice(ref.BRAND_TAILS)
            if tail not in chars:
                chars.append(tail)
                syllables.append(tail_en)
        pinyin = syllables[0]
        for syllable in syllables[1:]:  # 鸿安 is Hong'an: a syllable on a, o or e is marked
            pinyin += ("'" if syllable[0] in "aoe" else "") + syllable
        return "".join(chars), pinyin.capitalize()

    def _take(self, name: EnterpriseName) -> bool:
        """Give `name` if it is free and repeats no word."""
        if name.zh in self.given or name.en in self.given or repeats_a_word(name.zh, name.en):
            return False
        self.given.update((name.zh, name.en))
        return True
