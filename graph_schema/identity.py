"""Identity keys: how persons, addresses and phones become stable, privacy-preserving node keys.

A person's ID number is turned into `personKey` with a keyed hash (HMAC-SHA256) held by the hub,
so the same person filed by two departments is one node, and the clear number is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

_ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_SPACES = re.compile(r"\s+")
_PHONE_DROP = re.compile(r"[\s\-()]")


def validate_id_number(id_number: str) -> str:
    """Normalise a resident ID number (GB 11643: 17 digits and a check digit or X)."""
    value = id_number.strip().upper()
    if not _ID_NUMBER.match(value):
        raise ValueError("ID number must be 17 digits followed by a digit or X")
    expected = id_check_digit(value[:17])
    if value[17] != expected:
        raise ValueError(f"ID number check digit is {value[17]!r}, expected {expected!r}")
    return value


def id_check_digit(first17: str) -> str:
    """The GB 11643 check digit for the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def person_key(id_number: str, secret: bytes) -> str:
    """The keyed hash that identifies a person in the graph (hex HMAC-SHA256)."""
    return hmac.new(secret, validate_id_number(id_number).encode(), hashlib.sha256).hexdigest()


def mask_id_number(id_number: str) -> str:
    """Keep the region (6) and the last 4 characters, as Chinese agencies display them."""
    value = validate_id_number(id_number)
    return value[:6] + "*" * 8 + value[-4:]


def normalise_address(text: str) -> str:
    """The key of an address: NFKC (full-width to half-width), case-folded, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACES.sub(" ", folded).strip()


def normalise_phone(number: str) -> str:
    """The key of a phone number: digits with an optional leading +."""
    value = _PHONE_DROP.sub("", unicodedata.normalize("NFKC", number))
    if not re.fullmatch(r"\+?[0-9]{5,20}", value):
        raise ValueError(f"phone number {number!r} is not 5 to 20 digits")
    return value
