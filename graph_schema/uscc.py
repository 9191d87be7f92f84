"""Validation and construction of Unified Social Credit Codes (USCC, 统一社会信用代码).

Every legal entity registered in mainland China -- including the enterprises, platforms
and service providers that take part in the cross-border e-commerce pilot zones -- is
identified by an 18-character USCC defined in GB 32100-2015.  The hub uses the USCC as
the natural key for organisations, so codes coming from connectors and users are checked
here before they reach the graph.

Layout of a code (1-based positions):

* 1      registration authority code (e.g. ``9`` market regulation / SAMR, ``5`` civil
         affairs, ``Y`` other), from GB 32100-2015's table
* 2      entity type code under that authority (under ``9``: 1 enterprise, 2 individual
         business, 3 farmers' cooperative)
* 3-8    administrative division code of the registration authority (GB/T 2260, or
         ``100000`` for a national authority)
* 9-17   organisation code (GB 11714): an eight-character body plus its check character
* 18     check character over positions 1-17 (GB 32100-2015)

All characters come from the 31-character set ``0123456789ABCDEFGHJKLMNPQRTUWXY``; the
letters I, O, S, V and Z are never used.  The authority, type and division tables are data
(:mod:`graph_schema.uscc_tables`, read once at import); the checks themselves do no I/O.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from graph_schema.uscc_tables import AUTHORITIES, DIVISIONS

__all__ = [
    "USCC_CHARSET",
    "USCC_LENGTH",
    "UsccError",
    "UsccRule",
    "is_valid_uscc",
    "make_uscc",
    "org_code_check_character",
    "uscc_check_character",
    "validate_uscc",
]

UsccRule = Literal[
    "length",
    "excluded_letter",
    "charset",
    "registration_authority",
    "entity_type",
    "division_code",
    "division_unknown",
    "org_code_zero",
    "org_code_check",
    "check_character",
]
"""Stable, machine-readable names of the validation rules reported by :class:`UsccError`."""

USCC_LENGTH = 18
"""Number of characters in a Unified Social Credit Code."""

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The GB 32100-2015 character set; a character's value is its index in this string."""

_EXCLUDED_LETTERS = "IOSVZ"
_DIGITS = "0123456789"
_UPPERCASE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_USCC_VALUES: dict[str, int] = {char: index for index, char in enumerate(USCC_CHARSET)}
# Weight of position i (1-based) is 3 ** (i - 1) mod 31.
_USCC_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(USCC_LENGTH - 1))
_USCC_MODULUS = len(USCC_CHARSET)

# GB 11714 organisation code: digits keep their value, letters count A=10 .. Z=35.
_ORG_VALUES: dict[str, int] = {
    char: index for index, char in enumerate(_DIGITS + _UPPERCASE_LETTERS)
}
_ORG_WEIGHTS: tuple[int, ...] = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_LENGTH = len(_ORG_WEIGHTS)

# Indices and slices (0-based) of the parts of a code.
_AUTHORITY_INDEX = 0
_TYPE_INDEX = 1
_DIVISION = slice(2, 8)
_ORG_BODY = slice(8, 16)
_ORG_CHECK_INDEX = 16
_CHECK_INDEX = 17


class UsccError(ValueError):
    """A string is not a valid Unified Social Credit Code.

    Attributes:
        code: the string that was passed to :func:`validate_uscc`, unmodified.
        rule: which rule failed (see :data:`UsccRule`); stable, meant for programs.
        message: a human-readable explanation, also returned by ``str()``.
    """

    code: str
    rule: UsccRule
    message: str

    def __init__(self, code: str, rule: UsccRule, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.rule = rule
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[UsccError], tuple[str, UsccRule, str]]:
        # Keep the exception picklable despite the custom constructor signature.
        return (type(self), (self.code, self.rule, self.message))


def uscc_check_character(first17: str) -> str:
    """Return the GB 32100-2015 check character (position 18) for the first 17 characters.

    ``first17`` must be exactly 17 characters from :data:`USCC_CHARSET` (uppercase); a
    :class:`ValueError` is raised otherwise.
    """
    if len(first17) != USCC_LENGTH - 1:
        raise ValueError(
            f"expected {USCC_LENGTH - 1} characters to compute a USCC check character, "
            f"got {len(first17)}"
        )
    total = 0
    for position, (char, weight) in enumerate(zip(first17, _USCC_WEIGHTS, strict=True), 1):
        value = _USCC_VALUES.get(char)
        if value is None:
            raise ValueError(
                f"character {char!r} at position {position} is not in the USCC character set"
            )
        total += value * weight
    return USCC_CHARSET[(_USCC_MODULUS - total % _USCC_MODULUS) % _USCC_MODULUS]


def org_code_check_character(first8: str) -> str:
    """Return the GB 11714 organisation-code check character for an eight-character body.

    ``first8`` must be exactly eight ASCII digits or uppercase letters (A=10 .. Z=35); a
    :class:`ValueError` is raised otherwise.  The result is a digit or ``'X'``.
    """
    if len(first8) != _ORG_BODY_LENGTH:
        raise ValueError(
            f"expected {_ORG_BODY_LENGTH} characters to compute an organisation code check "
            f"character, got {len(first8)}"
        )
    total = 0
    for position, (char, weight) in enumerate(zip(first8, _ORG_WEIGHTS, strict=True), 1):
        value = _ORG_VALUES.get(char)
        if value is None:
            raise ValueError(
                f"character {char!r} at position {position} is not a digit or uppercase "
                "letter, as GB 11714 organisation codes require"
            )
        total += value * weight
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def validate_uscc(code: str) -> str:
    """Check a Unified Social Credit Code and return it normalised.

    Full-width characters (as pasted from Chinese documents) are folded to their ASCII form
    (Unicode NFKC), surrounding whitespace is stripped and letters are uppercased.  The rules
    are checked in this order, and the first failure raises :class:`UsccError` with its
    ``rule``:

    1. ``length``: exactly 18 characters;
    2. ``excluded_letter``: none of the letters I, O, S, V, Z;
    3. ``charset``: every character is in :data:`USCC_CHARSET`;
    4. ``registration_authority``: position 1 is an authority of GB 32100-2015's table;
    5. ``entity_type``: position 2 is an entity type that authority issues;
    6. ``division_code``: positions 3-8 are digits;
    7. ``division_unknown``: positions 3-8 are a GB/T 2260 division code (current or
       withdrawn since 2015) or ``100000``, the national level;
    8. ``org_code_zero``: positions 9-17 are not all zeros (no organisation has that code);
    9. ``org_code_check``: position 17 is the GB 11714 check of positions 9-16;
    10. ``check_character``: position 18 is the GB 32100-2015 check of positions 1-17.
    """
    normalised = unicodedata.normalize("NFKC", code).strip().upper()
    label = f"USCC {normalised}"

    if len(normalised) != USCC_LENGTH:
        raise UsccError(
            code,
            "length",
            f"{label}: has {len(normalised)} characters, expected {USCC_LENGTH}",
        )

    for position, char in enumerate(normalised, 1):
        if char in _EXCLUDED_LETTERS:
            raise UsccError(
                code,
                "excluded_letter",
                f"{label}: contains excluded letter {char!r} at position {position} "
                "(I, O, S, V and Z are not used)",
            )

    for position, char in enumerate(normalised, 1):
        if char not in _USCC_VALUES:
            raise UsccError(
                code,
                "charset",
                f"{label}: contains character {char!r} at position {position}, which is not "
                f"in the GB 32100-2015 character set ({USCC_CHARSET})",
            )

    authority_code = normalised[_AUTHORITY_INDEX]
    authority = AUTHORITIES.authorities.get(authority_code)
    if authority is None:
        raise UsccError(
            code,
            "registration_authority",
            f"{label}: registration authority {authority_code!r} (character 1) is not in the "
            f"GB 32100-2015 table ({AUTHORITIES.describe_authorities()})",
        )

    type_code = normalised[_TYPE_INDEX]
    if type_code not in authority.types:
        raise UsccError(
            code,
            "entity_type",
            f"{label}: entity type {type_code!r} does not exist under registration "
            f"authority {authority_code!r} ({authority.describe_types()})",
        )

    division = normalised[_DIVISION]
    for position, char in enumerate(division, _DIVISION.start + 1):
        if char not in _DIGITS:
            raise UsccError(
                code,
                "division_code",
                f"{label}: administrative division code (characters 3-8) {division!r} "
                f"has non-digit {char!r} at position {position}",
            )
    if DIVISIONS.name_of(division) is None:
        raise UsccError(
            code,
            "division_unknown",
            f"{label}: administrative division code (characters 3-8) {division!r} is not a "
            "GB/T 2260 division code listed since 2015, nor 100000 (national)",
        )

    if set(normalised[_ORG_BODY.start : _ORG_CHECK_INDEX + 1]) == {"0"}:
        # all zeros passes the GB 11714 check (its check character is 0), yet names no one
        raise UsccError(
            code,
            "org_code_zero",
            f"{label}: organisation code (characters 9-17) is all zeros, which names no "
            "organisation",
        )

    org_expected = org_code_check_character(normalised[_ORG_BODY])
    org_actual = normalised[_ORG_CHECK_INDEX]
    if org_actual != org_expected:
        raise UsccError(
            code,
            "org_code_check",
            f"{label}: organisation code check (characters 9-17, GB 11714) is "
            f"{org_actual!r}, expected {org_expected!r}",
        )

    expected = uscc_check_character(normalised[:_CHECK_INDEX])
    actual = normalised[_CHECK_INDEX]
    if actual != expected:
        raise UsccError(
            code,
            "check_character",
            f"{label}: check character is {actual!r}, expected {expected!r} (GB 32100-2015)",
        )

    return normalised


def is_valid_uscc(code: str) -> bool:
    """Return whether ``code`` is a valid USCC, after :func:`validate_uscc`'s normalisation."""
    try:
        validate_uscc(code)
    except UsccError:
        return False
    return True


def make_uscc(registration: str, org_type: str, division: str, org_body: str) -> str:
    """Build a USCC from its parts, computing both check characters.

    Only the check characters are made right: the parts' structure (an authority and type
    of GB 32100's table, a known division, a non-zero organisation code) is not checked
    here but by :func:`validate_uscc`, so a test can build a code that breaks just one
    structural rule.  Check the result with :func:`validate_uscc` when it must be valid.

    Args:
        registration: registration authority code, one character of :data:`USCC_CHARSET`.
        org_type: entity type code, one character of :data:`USCC_CHARSET`.
        division: six-digit administrative division code.
        org_body: the eight-character organisation code body (without its check
            character); each character must be in :data:`USCC_CHARSET`, so digits and
            letters other than I, O, S, V and Z.

    Letters in the parts may be given in lower case.  Raises :class:`ValueError` if any
    part has the wrong length or a character that is not allowed.
    """
    registration = registration.upper()
    org_type = org_type.upper()
    org_body = org_body.upper()

    single_chars = (
        ("registration authority code", registration),
        ("organisation type code", org_type),
    )
    for name, part in single_chars:
        if len(part) != 1 or part not in _USCC_VALUES:
            raise ValueError(
                f"{name} must be one character of the USCC character set "
                f"({USCC_CHARSET}), got {part!r}"
            )
    if len(division) != 6 or any(char not in _DIGITS for char in division):
        raise ValueError(f"administrative division code must be six digits, got {division!r}")
    if len(org_body) != _ORG_BODY_LENGTH:
        raise ValueError(
            f"organisation code body must be {_ORG_BODY_LENGTH} characters, got {org_body!r}"
        )
    for position, char in enumerate(org_body, 1):
        if char not in _USCC_VALUES:
            raise ValueError(
                f"organisation code body {org_body!r} has {char!r} at position {position}, "
                f"which is not in the USCC character set ({USCC_CHARSET})"
            )

    first16 = registration + org_type + division + org_body
    first17 = first16 + org_code_check_character(org_body)
    return first17 + uscc_check_character(first17)
