"""The credit services' pure parts: the commodity data files validate and every list entry
names a source; the commodity answer, the name folding and the status on a date of identity
verification, written down by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hub.lookups.commodity import (
    GOODS_LISTS,
    GOODS_LISTS_PATH,
    NOMENCLATURE,
    CommodityDataError,
    HsCodeError,
    PositiveListStatus,
    checked_hs_code,
    describe,
    load_goods_lists,
)
from hub.lookups.identity import StatusCertainty, normalised_name, verify


def test_the_data_files_validate_and_every_entry_has_a_known_source() -> None:
    known = {source.id for source in GOODS_LISTS.sources}
    entries = [entry for goods_list in GOODS_LISTS.lists for entry in goods_list.entries]
    assert entries and all(entry.source in known for entry in entries)
    assert all(source.confirmed_by and source.number for source in GOODS_LISTS.sources)
    # every HS chapter but 77 (reserved), 01 to 97
    assert [c.code for c in NOMENCLATURE.chapters] == [f"{n:02d}" for n in range(1, 98) if n != 77]
    assert "2022" in NOMENCLATURE.nomenclature


def test_an_entry_without_a_known_source_stops_the_load(tmp_path: Path) -> None:
    data = json.loads(GOODS_LISTS_PATH.read_text(encoding="utf-8"))
    data["lists"][0]["entries"][0]["source"] = "NOWHERE"
    broken = tmp_path / "goods_lists.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommodityDataError, match="unknown source 'NOWHERE'"):
        load_goods_lists(broken)


def test_a_code_is_six_to_ten_digits_dots_allowed() -> None:
    assert checked_hs_code(" 6109.10 ") == "610910"
    assert checked_hs_code("6109.10.00") == "61091000"
    assert checked_hs_code("6109.1000") == "61091000"
    assert checked_hs_code("9504502000") == "9504502000"
    for bad in ("6109", "61091000001", "61O910"):
        with pytest.raises(HsCodeError, match="must be 6 to 10 digits") as caught:
            checked_hs_code(bad)
        assert caught.value.rule == "hs_code_format"


@pytest.mark.parametrize("dotted", ["6.1.0.9.1.0", "61.0910", "61091.0", "6109..10", ".610910"])
def test_a_dot_is_allowed_only_after_the_heading_and_the_subheading(dotted: str) -> None:
    with pytest.raises(HsCodeError, match="a dot allowed only after the heading") as caught:
        checked_hs_code(dotted)
    assert caught.value.rule == "hs_code_format"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("000000", "names chapter 00, which is not an HS chapter (01 to 97)"),
        ("990000", "names chapter 99, which is not an HS chapter (01 to 97)"),
        ("980100", "names chapter 98, which is not an HS chapter (01 to 97)"),
        ("770000", "names chapter 77, which the HS reserves"),
    ],
)
def test_a_code_of_no_hs_chapter_is_refused(code: str, problem: str) -> None:
    with pytest.raises(HsCodeError) as caught:
        checked_hs_code(code)
    assert str(caught.value).startswith(problem)
    assert caught.value.rule == "hs_code_chapter"


def test_the_first_and_last_chapters_and_the_neighbours_of_77_are_codes() -> None:
    # the allowed twins of the chapters refused above
    assert [checked_hs_code(c) for c in ("010121", "970110", "760110", "780110")] == [
        "010121",
        "970110",
        "760110",
        "780110",
    ]


def test_what_the_lists_say_of_codes() -> None:
    listed = describe("95045020")
    assert listed.positive_list is PositiveListStatus.LISTED
    assert listed.heading is not None and listed.heading.code == "9504"
    wider = describe("950450")  # the three 2022 lines lie under it
    assert wider.positive_list is PositiveListStatus.SOME_LINES
    assert [m.entry.code for m in wider.matches] == ["95045020", "95045030", "95045080"]
    assert not any(m.covers for m in wider.matches)
    swords = describe("93070090")
    assert swords.positive_list is PositiveListStatus.NOT_LISTED
    assert swords.chapter is not None and swords.chapter.title.startswith("Arms and ammunition")
    assert describe("61091000").positive_list is PositiveListStatus.NOT_KNOWN
    wine = describe("220421")
    assert [(m.goods_list.id, m.entry.effect.value) for m in wine.matches] == [
        ("RESTRICTED_ARTICLES", "RESTRICTED_IMPORT")
    ]


def test_names_fold_full_width_forms_spaces_and_case() -> None:
    full_width = "开封\uff08汴梁\uff09 贸易\u3000有限公司"
    assert normalised_name(full_width) == normalised_name("开封(汴梁)贸易有限公司")
    assert normalised_name("ＡＢＣ Trading") == "abctrading"  # noqa: RUF001


ROW = {
    "uscc": "X",
    "name": "开封汴梁贸易有限公司",
    "nameEn": "Bianliang Trading",
    "registeredOn": dt.date(2019, 5, 1),
    "status": "REVOKED",
    "statusSince": dt.date(2025, 1, 1),
}


def test_the_status_on_a_date() -> None:
    after = verify("X", "开封汴梁贸易有限公司", dt.date(2025, 6, 1), ROW)
    assert (after.registered, after.status, after.certainty) == (
        False,
        "REVOKED",
        StatusCertainty.RECORDED,
    )
    before = verify("X", "bianliang trading", dt.date(2024, 6, 1), ROW)
    assert (before.name_matches, before.english_name_matches) == (False, True)
    assert (before.registered, before.status, before.certainty) == (
        True,
        None,
        StatusCertainty.BEFORE_RECORD,
    )
    undated = verify(
        "X",
        "开封汴梁贸易有限公司",
        dt.date(2024, 6, 1),
        {**ROW, "status": "ACTIVE", "statusSince": None},
    )
    assert (undated.status, undated.certainty) == ("ACTIVE", StatusCertainty.CURRENT_UNDATED)


def test_a_wrong_name_and_no_row_answer_alike() -> None:
    day = dt.date(2026, 1, 1)
    assert verify("X", "另一家公司", day, ROW) == verify("X", "另一家公司", day, None)
    assert verify("X", "", day, ROW).matches is False
