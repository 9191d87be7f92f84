"""The field types that record models share, and the base class of every record model.

Every record model is a frozen pydantic model that takes camelCase keys (`valueCny`), also
accepts the snake_case names in Python, and forbids unknown keys. Field types are precise:
dates are `datetime.date` (sent as `YYYY-MM-DD`), money is a `Decimal` in yuan with at most two
decimals and never negative, codes are checked against their patterns, a USCC is checked by
`graph_schema.uscc.validate_uscc` (through `graph_schema.model.Uscc`) and a resident ID number
by `graph_schema.identity.validate_id_number`.

Rules that involve more than one field (`until` not before `since`, a MINOR penalty without
`publicUntil`, ...) are checked by each model's `model_validator`, which reports all of a
record's broken rules at once through `rule_problems`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from graph_schema.dates import add_months
from graph_schema.identity import normalise_phone, validate_id_number
from graph_schema.model import Money, Uscc
from graph_schema.uscc import USCC_LENGTH, validate_uscc

__all__ = [
    "CODE_PATTERN",
    "COUNTRY_PATTERN",
    "CURRENCY_PATTERN",
    "CUSTOMS_REGISTRATION_PATTERN",
    "HS_CODE_PATTERN",
    "ID_PATTERN",
    "INDUSTRY_BELT_PATTERN",
    "RULE_ERROR",
    "ZONE_PATTERN",
    "Amount",
    "Code",
    "CountryCode",
    "CurrencyCode",
    "EnterpriseCode",
    "HsCode",
    "Id",
    "IdNumber",
    "IdNumberValue",
    "IndustryBeltCode",
    "Name",
    "PhoneNumber",
    "Ratio",
    "Record",
    "Text",
    "UsccCode",
    "ZoneCode",
    "add_months",
    "raise_rule_problems",
]

ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$"
CODE_PATTERN: Final = r"^[A-Z][A-Z0-9_]{1,63}$"
ZONE_PATTERN: Final = r"^[A-Z_]{2,32}$"
INDUSTRY_BELT_PATTERN: Final = r"^[A-Z0-9_]{2,48}$"
COUNTRY_PATTERN: Final = r"^[A-Z]{2}$"
CURRENCY_PATTERN: Final = r"^[A-Z]{3}$"
HS_CODE_PATTERN: Final = r"^[0-9]{6,10}$"
CUSTOMS_REGISTRATION_PATTERN: Final = r"^[0-9]{4}[0-9A-Z]{6}$"


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


RULE_ERROR: Final = "record_rule"
"""The pydantic error type of a broken cross-field rule; its context holds `problems`."""

# --- a memo in front of the USCC check ------------------------------------------------------

_USCC_MEMO: dict[str, str] = {}
_USCC_MEMO_MAX: Final = 200_000


def _memo_uscc(value: Any, handler: ValidatorFunctionWrapHandler) -> str:
    """Validate through `graph_schema.model.Uscc`, remembering the codes that passed.

    The same enterprises come back batch after batch (declarations, orders, refunds of one
    enterprise), and the Python check costs about 4 us a code; a hit costs a dict lookup.
    Only valid codes (public identifiers) are remembered, keyed by the exact input string.
    """
    if type(value) is str:
        known = _USCC_MEMO.get(value)
        if known is not None:
            return known
    result: str = handler(value)
    if type(value) is str:
        if len(_USCC_MEMO) >= _USCC_MEMO_MAX:
            _USCC_MEMO.clear()
        _USCC_MEMO[value] = result
    return result


UsccCode = Annotated[Uscc, WrapValidator(_memo_uscc)]
"""A Unified Social Credit Code: `graph_schema.model.Uscc` (normalised, GB 32100-2015 and
GB 11714 checks) with a memo of codes already accepted."""

IdNumberValue = Annotated[str, AfterValidator(validate_id_number)]
"""A resident ID number (GB 11643), normalised; use `IdNumber` for a required field, and
`Field(repr=False)` on an optional one."""

IdNumber = Annotated[IdNumberValue, Field(repr=False)]
"""A resident ID number (GB 11643), normalised. Kept only inside the record instance (and out
of its repr); rows carry `person_key(...)` and `mask_id_number(...)` instead. Never memoised."""

Amount = Annotated[Money, Field(ge=0)]
"""An amount in yuan: a decimal with at most two decimal places (18 digits), not negative."""

Ratio = Annotated[Decimal, Field(gt=0, le=1)]
"""A share of capital: more than 0 and at most 1 (a JSON number or a decimal string)."""

Id = Annotated[str, Field(pattern=ID_PATTERN)]
"""A business identifier chosen by the sending agency: 1 to 64 ASCII letters, digits and
`. _ : / -`, starting with a letter or digit. Unique per fact kind across the hub."""

Code = Annotated[str, Field(pattern=CODE_PATTERN)]
"""An upper-case code (`EXECUTIVE_DIRECTOR`, `CBEC_ENTERPRISE_FILING`): A-Z, 0-9 and `_`,
2 to 64 characters, starting with a letter."""

ZoneCode = Annotated[str, Field(pattern=ZONE_PATTERN)]
IndustryBeltCode = Annotated[str, Field(pattern=INDUSTRY_BELT_PATTERN)]
CountryCode = Annotated[str, Field(pattern=COUNTRY_PATTERN)]
"""An ISO 3166-1 alpha-2 country code in capitals."""
CurrencyCode = Annotated[str, BeforeValidator(_upper), Field(pattern=CURRENCY_PATTERN)]
"""An ISO 4217 currency code (`USD`, `EUR`, `CNY`), upper-cased first as a USCC is; the
pattern checks its form, not that ISO 4217 lists it."""
HsCode = Annotated[str, Field(pattern=HS_CODE_PATTERN)]
"""A Harmonized System code of 6 to 10 digits."""

_CUSTOMS_REGISTRATION: Final = re.compile(CUSTOMS_REGISTRATION_PATTERN)


def _enterprise_code(value: str) -> str:
    """`value` as a USCC (18 characters, `validate_uscc`) or a customs registration code (10
    characters), folded (NFKC) and upper-cased; `ValueError` naming the rule otherwise."""
    code = unicodedata.normalize("NFKC", value).strip().upper()
    if len(code) == USCC_LENGTH:
        return validate_uscc(code)
    if _CUSTOMS_REGISTRATION.fullmatch(code):
        return code
    raise ValueError(
        f"{value!r} is neither a customs registration code (10 characters: a 4-digit area "
        "code, then 6 digits or capitals) nor a USCC (18 characters)"
    )


EnterpriseCode = Annotated[str, AfterValidator(_enterprise_code)]
"""How a customs cross-border e-commerce message names an enterprise (`ebpCode`, `ebcCode`,
`payCode`, `logisticsCode`): its 10-character customs registration code (海关注册编码, e.g.
`1105910159`) or its USCC, which the messages also accept (checked as `UsccCode` is)."""

Name = Annotated[str, Field(min_length=1, max_length=200)]
"""A name of a person, enterprise, carrier, lender or warehouse."""

Text = Annotated[str, Field(min_length=1, max_length=1000)]
"""Free text: reasons, legal bases, addresses, case numbers."""

_NORMAL_PHONE: Final = re.compile(r"\+?[0-9]{5,20}")


def _phone(value: str) -> str:
    """`normalise_phone(value)`, skipped when `value` is already normal (its own result): the
    common case of machine-sent numbers, three times faster."""
    return value if _NORMAL_PHONE.fullmatch(value) else normalise_phone(value)


PhoneNumber = Annotated[str, AfterValidator(_phone)]
"""A phone number, normalised by `normalise_phone`: digits with an optional leading +."""


class Record(BaseModel):
    """Base of every record model: camelCase keys, unknown keys rejected, immutable."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
    )


def raise_rule_problems(problems: Iterable[tuple[str, str]]) -> None:
    """Raise one pydantic error carrying every broken rule as (field, reason), if any.

    `field` is the camelCase name (relative to the model that raises) of the field the reason
    is about; `connectors.records.validation` turns each problem into its own `RecordError`.
    """
    found = tuple(problems)
    if found:
        raise PydanticCustomError(
            RULE_ERROR,
            "{summary}",
            {
                "summary": "; ".join(f"{field}: {reason}" for field, reason in found),
                "problems": found,
            },
        )
