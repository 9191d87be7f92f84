"""Person keys, masking and address/phone keys: no clear ID number ever leaves these functions."""

from __future__ import annotations

import pytest

from graph_schema.identity import (
    id_check_digit,
    mask_id_number,
    normalise_address,
    normalise_phone,
    person_key,
    validate_id_number,
)

ID = "11010519491231002" + id_check_digit("11010519491231002")


def test_person_key_is_keyed_and_stable() -> None:
    assert person_key(ID, b"k1") == person_key(ID.lower(), b"k1")
    assert person_key(ID, b"k1") != person_key(ID, b"k2")
    assert ID not in person_key(ID, b"k1")
    assert len(person_key(ID, b"k1")) == 64


def test_mask_keeps_region_and_last_four() -> None:
    assert mask_id_number(ID) == ID[:6] + "********" + ID[-4:]


@pytest.mark.parametrize(
    ("value", "reason"),
    [("1234", "17 digits"), (ID[:-1] + ("0" if ID[-1] != "0" else "1"), "check digit")],
)
def test_bad_id_numbers_are_refused_with_the_reason(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validate_id_number(value)


def test_address_and_phone_keys_fold_variants_together() -> None:
    assert normalise_address("  No.\uff11  Songcheng   Road ") == normalise_address(
        "no.1 songcheng road"
    )
    assert normalise_phone("+86 371-2345 6789") == "+8637123456789"
    with pytest.raises(ValueError, match="5 to 20 digits"):
        normalise_phone("call me")
