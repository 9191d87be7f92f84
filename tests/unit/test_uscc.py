"""Unit tests for graph_schema.uscc (Unified Social Credit Code, GB 32100-2015)."""

from __future__ import annotations

import pickle

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
    # Foreign character wins over a bad division code.
    assert _rejects("9#3A0100M000100Y43", "charset")
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
    charset_char = st.sampled_from(USCC_CHARSET)
    uscc_parts = st.tuples(
        charset_char,
        charset_char,
        st.text(alphabet="0123456789", min_size=6, max_size=6),
        st.text(alphabet=USCC_CHARSET, min_size=8, max_size=8).filter(
            lambda body: body != "00000000"
        ),
    )

    @given(uscc_parts)
    def test_made_codes_validate(parts: tuple[str, str, str, str]) -> None:
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
            "division_code",
            "org_code_zero",
            "org_code_check",
            "check_character",
        }

else:  # pragma: no cover

    @pytest.mark.skip(reason="hypothesis is not installed")
    def test_properties_need_hypothesis() -> None:
        pass
