"""Unit tests for graph_schema.uscc (Unified Social Credit Code, GB 32100-2015)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from graph_schema.uscc import (
    USCC_CHARSET,
    UsccError,
    is_valid_uscc,
    make_uscc,
    org_code_check_character,
    uscc_check_character,
    validate_uscc,
)
from graph_schema.uscc_tables import (
    AUTHORITIES,
    DEFAULT_DIVISIONS_PATH,
    DIVISIONS,
    UsccTableError,
    load_divisions,
    load_uscc_codes,
)

# Commonly cited published codes; both pass the organisation-code and USCC checks
# (verified independently by _reference_checks below).
PUBLISHED_CODES = ["91350100M000100Y43", "91110000802100433B"]

# Weights exactly as written in the standards, kept separate from the module's constants.
SPEC_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
SPEC_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def _reference_checks(code: str) -> tuple[str, str]:
    """Independent, literal re-statement of both check computations from the brief."""
    org_total = sum(
        (int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w
        for c, w in zip(code[8:16], SPEC_ORG_WEIGHTS, strict=True)
    )
    org_check = {10: "X", 11: "0"}.get(11 - org_total % 11, str(11 - org_total % 11))
    total = sum(
        USCC_CHARSET.index(c) * w for c, w in zip(code[:17], SPEC_USCC_WEIGHTS, strict=True)
    )
    return org_check, USCC_CHARSET[(31 - total % 31) % 31]


def _with_char(code: str, position: int, char: str) -> str:
    """Replace the character at 1-based ``position``."""
    return code[: position - 1] + char + code[position:]


def _rejects(code: str, rule: str) -> UsccError:
    with pytest.raises(UsccError) as excinfo:
        validate_uscc(code)
    err = excinfo.value
    assert err.rule == rule
    assert err.code == code
    assert not is_valid_uscc(code)
    return err


# --- valid codes ---------------------------------------------------------------------


def test_weights_are_powers_of_three_mod_31() -> None:
    assert [pow(3, i, 31) for i in range(17)] == SPEC_USCC_WEIGHTS


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_published_codes_are_valid(code: str) -> None:
    org_check, check = _reference_checks(code)
    assert code[16] == org_check
    assert code[17] == check
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("9", "1", "350100", "M000100Y"), "91350100M000100Y43"),
        (("9", "1", "110000", "80210043"), "91110000802100433B"),
        # Organisation check 10 -> 'X' (which is also a USCC character).
        (("9", "1", "440300", "10000018"), "9144030010000018XH"),
        # Organisation check 11 -> '0'.
        (("9", "1", "440300", "10000004"), "91440300100000040X"),
        # Letter registration authority code.
        (("Y", "1", "310115", "MA1FL123"), "Y1310115MA1FL12379"),
    ],
)
def test_make_uscc(parts: tuple[str, str, str, str], expected: str) -> None:
    code = make_uscc(*parts)
    assert code == expected
    assert _reference_checks(code) == (code[16], code[17])
    assert validate_uscc(code) == code


def test_check_character_helpers() -> None:
    assert uscc_check_character("91350100M000100Y4") == "3"
    assert uscc_check_character("91110000802100433") == "B"
    assert org_code_check_character("M000100Y") == "4"
    assert org_code_check_character("80210043") == "3"
    assert org_code_check_character("10000018") == "X"
    assert org_code_check_character("10000004") == "0"


@pytest.mark.parametrize("bad", ["", "91350100M000100Y", "91350100M000100Y43", "9135010#M000100Y4"])
def test_uscc_check_character_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        uscc_check_character(bad)


@pytest.mark.parametrize("bad", ["", "M000100", "M000100Y4", "m000100y", "M00010#Y"])
def test_org_code_check_character_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        org_code_check_character(bad)


def full_width(text: str) -> str:
    """`text` as a Chinese input method types it: each ASCII character's full-width form."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def test_full_width_input_pasted_from_chinese_documents_is_folded() -> None:
    # the same codes as typed in a Chinese document, one with an ideographic space around it
    assert full_width("91350100M000100Y43")[0] == "\uff19"  # a full-width nine
    pasted = "\u3000" + full_width("91350100M000100Y43") + "\u3000"
    assert validate_uscc(pasted) == "91350100M000100Y43"
    assert validate_uscc(full_width("91110000802100433b")) == "91110000802100433B"
    # folded, a code is still checked: a wrong check character stays wrong
    assert _rejects(full_width("91350100M000100Y44"), "check_character")


def test_an_all_zero_organisation_code_is_refused_naming_its_rule() -> None:
    code = make_uscc("9", "1", "350100", "00000000")
    assert code[8:17] == "000000000"  # its GB 11714 check character is 0: the check passes
    err = _rejects(code, "org_code_zero")
    assert "organisation code (characters 9-17) is all zeros" in str(err)
    # its twin, one organisation later, is a code
    assert validate_uscc(make_uscc("9", "1", "350100", "00000001")) == make_uscc(
        "9", "1", "350100", "00000001"
    )


def test_lowercase_and_whitespace_are_normalised() -> None:
    assert validate_uscc("91350100m000100y43") == "91350100M000100Y43"
    assert validate_uscc("  91110000802100433b\n") == "91110000802100433B"
    assert is_valid_uscc("\t91350100m000100y43 ")


# --- structure: GB 32100 authority and type table, GB/T 2260 divisions ----------------

# The GB 32100-2015 table (registration authority -> entity types), written out by hand.
TABLE_BY_HAND = {
    "1": "1239",  # establishment administration: organ, public institution, mass org., other
    "2": "19",  # foreign affairs
    "3": "123459",  # judicial administration: law firm ... arbitration commission, other
    "4": "19",  # culture
    "5": "1239",  # civil affairs: social organisation, private non-enterprise, foundation
    "6": "129",  # tourism
    "7": "129",  # religious affairs
    "8": "19",  # trade unions
    "9": "123",  # market regulation: enterprise, individual business, farmers' cooperative
    "A": "19",  # CMC reform and establishment office
    "N": "1239",  # agriculture: group, village, township collective economic organisations
    "Y": "1",  # other authorities, not subdivided
}


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("9", "1", "410102", "MA44K7XB"), "91410102MA44K7XB63"),  # enterprise
        (("9", "2", "410200", "L0000001"), "92410200L000000111"),  # individual business
        (("9", "3", "410702", "MA3RLN8P"), "93410702MA3RLN8PXC"),  # farmers' cooperative
        (("5", "1", "410100", "MJ000001"), "51410100MJ00000189"),  # social organisation
        (("1", "2", "410200", "41640099"), "124102004164009999"),  # public institution
        (("N", "2", "410225", "N0000001"), "N2410225N000000161"),  # village collective
        (("A", "1", "100000", "MA0000AA"), "A1100000MA0000AA2M"),  # military, national
        (("Y", "1", "100000", "MB1X0001"), "Y1100000MB1X00010U"),  # other, national
        (("9", "1", "100000", "MA01AAAA"), "91100000MA01AAAA58"),  # SAMR headquarters
    ],
)
def test_codes_of_the_table_are_accepted(parts: tuple[str, str, str, str], expected: str) -> None:
    code = make_uscc(*parts)
    assert code == expected
    assert _reference_checks(code) == (code[16], code[17])
    assert validate_uscc(code) == expected


def test_exactly_the_pairs_of_the_table_are_accepted() -> None:
    for authority in USCC_CHARSET:
        for kind in USCC_CHARSET:
            code = make_uscc(authority, kind, "410100", "MA44K7XB")
            allowed = kind in TABLE_BY_HAND.get(authority, "")
            assert is_valid_uscc(code) == allowed, (authority, kind)
            if not allowed:
                with pytest.raises(UsccError) as excinfo:
                    validate_uscc(code)
                expected = (
                    "registration_authority" if authority not in TABLE_BY_HAND else "entity_type"
                )
                assert excinfo.value.rule == expected, (authority, kind)


@pytest.mark.parametrize(
    ("authority", "code"), [("B", "B1410100MA44K7XB64"), ("0", "01410100MA44K7XB6F")]
)
def test_an_authority_not_in_the_table_is_refused_naming_it(authority: str, code: str) -> None:
    assert make_uscc(authority, "1", "410100", "MA44K7XB") == code
    assert _reference_checks(code) == (code[16], code[17])  # only the authority is wrong
    err = _rejects(code, "registration_authority")
    assert str(err) == (
        f"USCC {code}: registration authority {authority!r} (character 1) is not in the "
        "GB 32100-2015 table (1 establishment administration, 2 foreign affairs, 3 judicial "
        "administration, 4 culture, 5 civil affairs, 6 tourism, 7 religious affairs, 8 trade "
        "unions, 9 market regulation, A CMC reform and establishment office, N agriculture, "
        "Y other authorities)"
    )
    # its twin: the same code under market regulation (9) is an enterprise's code
    assert validate_uscc(make_uscc("9", "1", "410100", "MA44K7XB")) == "91410100MA44K7XB66"


def test_an_entity_type_the_authority_does_not_issue_is_refused_naming_both() -> None:
    code = make_uscc("9", "5", "410100", "MA44K7XB")
    assert code == "95410100MA44K7XB6R"
    err = _rejects(code, "entity_type")
    assert str(err) == (
        "USCC 95410100MA44K7XB6R: entity type '5' does not exist under registration "
        "authority '9' (market regulation: 1 enterprise, 2 individual business, 3 farmers' "
        "cooperative)"
    )
    # its twins: type 5 exists under judicial administration (3, arbitration commission),
    # and 9 issues types 2 and 3
    assert validate_uscc(make_uscc("3", "5", "410100", "MA44K7XB")) == "35410100MA44K7XB60"
    assert is_valid_uscc("92410200L000000111")  # 9/2 individual business
    assert is_valid_uscc("93410702MA3RLN8PXC")  # 9/3 farmers' cooperative


def test_type_9_other_exists_under_civil_affairs_but_not_market_regulation() -> None:
    assert is_valid_uscc(make_uscc("5", "9", "410100", "MA44K7XB"))
    err = _rejects(make_uscc("9", "9", "410100", "MA44K7XB"), "entity_type")
    assert "entity type '9' does not exist under registration authority '9'" in str(err)


@pytest.mark.parametrize(
    ("division", "code"),
    [("999999", "91999999MA44K7XB6Y"), ("000000", "91000000MA44K7XB62")],
)
def test_an_unknown_division_is_refused_naming_it(division: str, code: str) -> None:
    assert make_uscc("9", "1", division, "MA44K7XB") == code
    err = _rejects(code, "division_unknown")
    assert str(err) == (
        f"USCC {code}: administrative division code (characters 3-8) {division!r} is not a "
        "GB/T 2260 division code listed since 2015, nor 100000 (national)"
    )


@pytest.mark.parametrize(
    ("division", "what"),
    [
        ("410102", "Zhongyuan District, Zhengzhou (a county-level district)"),
        ("410200", "Kaifeng (a prefecture-level city)"),
        ("410000", "Henan (a province)"),
        ("100000", "the national level (SAMR headquarters)"),
        ("410728", "Changyuan County, withdrawn when it became Changyuan city (410783)"),
        ("410783", "Changyuan city"),
        ("410173", "Zhengzhou Airport Economy Zone (an NBS statistical code)"),
    ],
)
def test_a_known_division_is_accepted(division: str, what: str) -> None:
    code = make_uscc("9", "1", division, "MA44K7XB")
    assert validate_uscc(code) == code, what


def test_the_division_table_names_its_codes() -> None:
    assert DIVISIONS.name_of("410102") == "中原区"
    assert DIVISIONS.name_of("410200") == "开封市"
    assert DIVISIONS.name_of("410000") == "河南省"
    assert DIVISIONS.name_of("410728") == "长垣县"
    assert str(DIVISIONS.withdrawn["410728"]) == "2018-10-31"
    assert "410783" not in DIVISIONS.withdrawn
    assert DIVISIONS.name_of("100000") is not None
    assert DIVISIONS.name_of("999999") is None
    assert DIVISIONS.name_of("000000") is None


def test_the_full_width_form_of_a_real_code_is_accepted() -> None:
    pasted = full_width("91410102MA44K7XB63")
    assert pasted[:3] == "\uff19\uff11\uff14"  # full-width nine, one, four
    assert pasted[8:10] == "\uff2d\uff21"  # full-width M, A
    assert validate_uscc(pasted) == "91410102MA44K7XB63"
    # folded, its structure is still checked: full-width type 5 under 9 stays refused
    assert _rejects(full_width("95410100MA44K7XB6R"), "entity_type")


def test_a_broken_table_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_DIVISIONS_PATH.read_text(encoding="utf-8"))
    data["divisions"]["41010"] = "five digits"
    data["withdrawn"]["999999"] = "2015-09-30"
    bad = tmp_path / "divisions.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UsccTableError) as excinfo:
        load_divisions(bad)
    assert str(excinfo.value).startswith(f"USCC division codes {bad}: ")
    assert "divisions.41010" in str(excinfo.value)
    codes = tmp_path / "uscc_codes.json"
    codes.write_text(json.dumps({"version": 1, "authorities": {"O": {}}}), encoding="utf-8")
    with pytest.raises(UsccTableError) as excinfo:
        load_uscc_codes(codes)
    assert str(excinfo.value).startswith(f"USCC authority and type table {codes}: ")
    assert "authorities.O" in str(excinfo.value)


# --- rejections ----------------------------------------------------------------------


def test_wrong_check_character() -> None:
    code = "91350100M000100Y4K"
    err = _rejects(code, "check_character")
    assert str(err) == (
        "USCC 91350100M000100Y4K: check character is 'K', expected '3' (GB 32100-2015)"
    )


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_excluded_letters(letter: str) -> None:
    code = _with_char("91350100M000100Y43", 10, letter)
    err = _rejects(code, "excluded_letter")
    assert f"excluded letter '{letter}' at position 10" in str(err)
    assert "I, O, S, V and Z are not used" in str(err)


def test_excluded_letter_found_in_lowercase_input() -> None:
    err = _rejects("91350100m000100o43", "excluded_letter")
    assert "excluded letter 'O' at position 16" in str(err)


@pytest.mark.parametrize(
    ("code", "length"), [("91350100M000100Y4", 17), ("91350100M000100Y433", 19)]
)
def test_wrong_length(code: str, length: int) -> None:
    err = _rejects(code, "length")
    assert str(err) == f"USCC {code}: has {length} characters, expected 18"


def test_empty_string_is_a_length_error() -> None:
    err = _rejects("   ", "length")
    assert "has 0 characters, expected 18" in str(err)


@pytest.mark.parametrize(("char", "position"), [("#", 3), ("-", 9), (" ", 12), ("\u4e00", 18)])
def test_character_outside_charset(char: str, position: int) -> None:
    code = _with_char("91350100M000100Y43", position, char)
    err = _rejects(code, "charset")
    assert f"character {char!r} at position {position}" in str(err)
    assert "not in the GB 32100-2015 character set" in str(err)


def test_non_digit_division_code() -> None:
    first17 = "913A0100M000100Y4"  # checks recomputed, so only the division rule can fail
    code = first17 + uscc_check_character(first17)
    err = _rejects(code, "division_code")
    assert "administrative division code (characters 3-8) '3A0100'" in str(err)
    assert "non-digit 'A' at position 4" in str(err)


def test_wrong_org_code_check_with_correct_final_check() -> None:
    # Organisation check should be '4'; use 'X' and recompute the USCC check so that
    # only the GB 11714 rule is violated.
    first17 = "91350100M000100YX"
    code = first17 + uscc_check_character(first17)
    assert code[17] == _reference_checks(code)[1]
    err = _rejects(code, "org_code_check")
    assert str(err) == (
        f"USCC {code}: organisation code check (characters 9-17, GB 11714) is 'X', expected '4'"
    )


def test_rules_are_checked_in_order() -> None:
    # Excluded letter wins over a foreign character earlier in the string.
    assert _rejects("9#350100M0001O0Y43", "excluded_letter")
    # Foreign character wins over an unknown authority and a bad division code.
    assert _rejects("B#3A0100M000100Y43", "charset")
    # Unknown authority wins over everything after it (its type is not looked at).
    assert _rejects("B5999999000000000X", "registration_authority")
    # An entity type the authority does not issue wins over the division.
    assert _rejects("95999999000000000X", "entity_type")
    # Non-digit division wins over an unknown division and the organisation code.
    assert _rejects("913A0100000000000X", "division_code")
    # Unknown division wins over an all-zero organisation code.
    assert _rejects("91999999000000000X", "division_unknown")
    # All-zero organisation code wins over a bad final check.
    assert _rejects("91350100000000000X", "org_code_zero")
    # Bad division code wins over bad check characters.
    assert _rejects("913A0100M000100Y00", "division_code")
    # Bad organisation check wins over a bad final check.
    assert _rejects("91350100M000100Y00", "org_code_check")


def test_error_is_a_value_error_and_picklable() -> None:
    err = _rejects("91350100M000100Y4K", "check_character")
    assert isinstance(err, ValueError)
    clone = pickle.loads(pickle.dumps(err))
    assert (clone.code, clone.rule, str(clone)) == (err.code, err.rule, str(err))


@pytest.mark.parametrize(
    "parts",
    [
        ("", "1", "350100", "M000100Y"),
        ("91", "1", "350100", "M000100Y"),
        ("I", "1", "350100", "M000100Y"),
        ("9", "#", "350100", "M000100Y"),
        ("9", "1", "35010", "M000100Y"),
        ("9", "1", "35010A", "M000100Y"),
        ("9", "1", "350100", "M000100"),
        ("9", "1", "350100", "M000100Y4"),
        ("9", "1", "350100", "M00O100Y"),
        ("9", "1", "350100", "M00-100Y"),
    ],
)
def test_make_uscc_rejects_bad_parts(parts: tuple[str, str, str, str]) -> None:
    with pytest.raises(ValueError):
        make_uscc(*parts)


@pytest.mark.parametrize("code", [*PUBLISHED_CODES, "9144030010000018XH", "Y1310115MA1FL12379"])
def test_every_single_substitution_is_rejected(code: str) -> None:
    for position in range(1, 19):
        for char in USCC_CHARSET:
            if char != code[position - 1]:
                assert not is_valid_uscc(_with_char(code, position, char)), (position, char)


# --- properties (hypothesis is a dev dependency; skipped if it is not installed) -----

try:
    from hypothesis import given
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    HAVE_HYPOTHESIS = False
else:
    HAVE_HYPOTHESIS = True

if HAVE_HYPOTHESIS:
    # an authority and one of its types, and a division, drawn from the shipped tables
    authority_and_type = st.sampled_from(
        [
            (authority, kind)
            for authority, entry in AUTHORITIES.authorities.items()
            for kind in entry.types
        ]
    )
    known_division = st.sampled_from(sorted([*DIVISIONS.divisions, *DIVISIONS.national]))
    uscc_parts = st.tuples(
        authority_and_type,
        known_division,
        st.text(alphabet=USCC_CHARSET, min_size=8, max_size=8).filter(
            lambda body: body != "00000000"
        ),
    ).map(lambda drawn: (*drawn[0], drawn[1], drawn[2]))

    @given(uscc_parts)
    def test_made_codes_validate(parts: tuple[str, str, str, str]) -> None:
        assert parts[0] in TABLE_BY_HAND and parts[1] in TABLE_BY_HAND[parts[0]]
        code = make_uscc(*parts)
        assert validate_uscc(code) == code
        assert validate_uscc(code.lower()) == code
        assert _reference_checks(code) == (code[16], code[17])

    @given(uscc_parts, st.integers(min_value=1, max_value=18), st.integers(1, 30))
    def test_single_substitution_is_invalid(
        parts: tuple[str, str, str, str], position: int, shift: int
    ) -> None:
        code = make_uscc(*parts)
        old = USCC_CHARSET.index(code[position - 1])
        mutated = _with_char(code, position, USCC_CHARSET[(old + shift) % 31])
        with pytest.raises(UsccError) as excinfo:
            validate_uscc(mutated)
        assert excinfo.value.rule in {
            "registration_authority",
            "entity_type",
            "division_code",
            "division_unknown",
            "org_code_zero",
            "org_code_check",
            "check_character",
        }

else:  # pragma: no cover

    @pytest.mark.skip(reason="hypothesis is not installed")
    def test_properties_need_hypothesis() -> None:
        pass
