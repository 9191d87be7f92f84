"""People's accounts of the hub, and the functions behind `hub users add|list|disable|unlock`.

An account is `(:Account {username, name, kind, institution, scopes, passwordHash, totpSecret,
failures, lockedUntil, disabled, createdAt})`: the password is stored only as an argon2id hash,
the optional second factor as a TOTP secret (RFC 6238, 30-second steps, 6 digits). After
`max_failures` failed sign-ins in a row the account is locked for `lockout_s` seconds; a
disabled account cannot sign in, nor refresh a session it already has.

People sign in to the console only: an account is never a connector, the public, or an
administrator (those are clients' kinds).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Collection
from enum import StrEnum
from typing import Annotated, Any

import pyotp
from neo4j import AsyncDriver, RoutingControl
from neo4j.exceptions import ConstraintError
from pydantic import BeforeValidator

from auth import cypher
from auth.clients import burn_secret_check, hash_secret, verify_secret
from auth.person import Person
from auth.principal import ClientKind
from graph_schema.read_model import ReadModel
from graph_schema.uscc import UsccError, validate_uscc

PERSON_KINDS: tuple[ClientKind, ...] = (
    ClientKind.REGULATOR,
    ClientKind.CUSTOMS,
    ClientKind.TAX,
    ClientKind.SAFE,
    ClientKind.COMMERCE,
    ClientKind.SAMR,
    ClientKind.BANK,
    ClientKind.INSURER,
    ClientKind.ENTERPRISE,
)
"""The kinds a person's account may have: the console's users."""

MIN_PASSWORD_LENGTH = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
LOCAL_PREFIX = "local:"
TOTP_ISSUER = "Pilot-zone credit hub"


class AccountError(ValueError):
    """An account cannot be made or found as asked; the message says why."""


def account_id_of(username: str) -> str:
    """The account id a hub account's tokens carry as `sub`."""
    return LOCAL_PREFIX + username


def username_of(account_id: str) -> str | None:
    """The username of a hub account's id; None for another identity provider's person."""
    return account_id.removeprefix(LOCAL_PREFIX) if account_id.startswith(LOCAL_PREFIX) else None


def _zero_if_null(value: Any) -> Any:
    return 0 if value is None else value


def _scopes(value: Any) -> Any:
    return frozenset(value or ())


ZeroIfNull = Annotated[int, BeforeValidator(_zero_if_null)]
"""A count or a time the graph may not hold yet (null: 0)."""


class Account(ReadModel):
    """One account as stored (the password hash and TOTP secret included)."""

    username: str
    name: str
    kind: ClientKind
    institution: str | None = None
    scopes: Annotated[frozenset[str], BeforeValidator(_scopes)] = frozenset()
    password_hash: str
    totp_secret: str | None = None
    failures: ZeroIfNull = 0
    locked_until: int | None = None
    disabled: Annotated[bool, BeforeValidator(bool)] = False
    created_at: ZeroIfNull = 0

    def person(self) -> Person:
        return Person(
            account_id=account_id_of(self.username),
            name=self.name,
            kind=self.kind,
            institution=self.institution,
            scopes=self.scopes,
        )

    def locked(self, now: int) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def describe(self, now: int) -> dict[str, Any]:
        """What `hub users list` shows (never the hash or the TOTP secret)."""
        return {
            "username": self.username,
            "name": self.name,
            "kind": self.kind.value,
            "institution": self.institution,
            "scopes": sorted(self.scopes),
            "totp": self.totp_secret is not None,
            "disabled": self.disabled,
            "locked": self.locked(now),
        }


def totp_uri(account: Account) -> str | None:
    """The otpauth:// URI an authenticator app reads (as a QR code or typed in)."""
    if account.totp_secret is None:
        return None
    totp = pyotp.TOTP(account.totp_secret)
    return str(totp.provisioning_uri(name=account.username, issuer_name=TOTP_ISSUER))


def check_password_strength(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"the password is too weak: use at least {MIN_PASSWORD_LENGTH} characters"
        )
    if password.lower() == username.lower() or len(set(password)) < 4:
        raise AccountError("the password is too weak: it repeats the username or one character")


def _check_institution(kind: ClientKind, institution: str | None) -> str | None:
    if kind is not ClientKind.ENTERPRISE:
        if kind is not ClientKind.REGULATOR and not institution:
            raise AccountError(f"a {kind.value} account needs --institution")
        return institution
    if not institution:
        raise AccountError("an enterprise account needs its enterprise's USCC as institution")
    try:
        return validate_uscc(institution)
    except UsccError as error:
        raise AccountError(f"institution {institution!r} is not a valid USCC: {error}") from None


async def add_account(
    driver: AsyncDriver,
    database: str,
    *,
    username: str,
    name: str,
    kind: ClientKind | str,
    institution: str | None,
    password: str,
    scopes: Collection[str],
    totp: bool = False,
    now: int,
    known_scopes: Collection[str] | None = None,
    replace: bool = False,
) -> Account:
    """Create an account (or, with `replace`, overwrite one of the same username)."""
    try:
        kind = ClientKind(kind)
    except ValueError:
        raise AccountError(
            f"unknown kind {kind!r}; a person is one of {', '.join(k.value for k in PERSON_KINDS)}"
        ) from None
    if kind not in PERSON_KINDS:
        raise AccountError(
            f"a person cannot be of kind {kind.value!r}; use one of "
            f"{', '.join(k.value for k in PERSON_KINDS)}"
        )
    if not USERNAME.match(username):
        raise AccountError(
            f"username {username!r} is not valid: 2 to 64 of a-z, 0-9, '.', '_', '-' "
            "(starting with a letter or digit)"
        )
    if not name.strip():
        raise AccountError("the person's name is empty")
    unknown = sorted(set(scopes) - set(known_scopes)) if known_scopes is not None else []
    if unknown:
        raise AccountError(f"unknown scopes: {', '.join(unknown)}")
    check_password_strength(password, username)
    props: dict[str, Any] = {
        "name": name.strip(),
        "kind": kind.value,
        "institution": _check_institution(kind, institution),
        "scopes": sorted(set(scopes)),
        "passwordHash": hash_secret(password),
        "totpSecret": pyotp.random_base32() if totp else None,
        "failures": 0,
        "lockedUntil": None,
        "disabled": False,
        "createdAt": now,
    }
    query = cypher.REPLACE_ACCOUNT if replace else cypher.CREATE_ACCOUNT
    try:
        records, _, _ = await driver.execute_query(
            query, {"username": username, "props": props}, database_=database
        )
    except ConstraintError:
        raise AccountError(f"an account {username!r} already exists") from None
    return Account.model_validate(records[0]["account"])


async def get_account(driver: AsyncDriver, database: str, username: str) -> Account | None:
    records, _, _ = await driver.execute_query(
        cypher.GET_ACCOUNT,
        {"username": username},
        database_=database,
        routing_=RoutingControl.READ,
    )
    return Account.model_validate(records[0]["account"]) if records else None


async def list_accounts(driver: AsyncDriver, database: str) -> list[Account]:
    records, _, _ = await driver.execute_query(
        cypher.LIST_ACCOUNTS, database_=database, routing_=RoutingControl.READ
    )
    return [Account.model_validate(r["account"]) for r in records]


async def set_account_disabled(
    driver: AsyncDriver, database: str, username: str, disabled: bool
) -> Account:
    records, _, _ = await driver.execute_query(
        cypher.SET_ACCOUNT_DISABLED,
        {"username": username, "disabled": disabled},
        database_=database,
    )
    if not records:
        raise AccountError(f"no account {username!r}")
    return Account.model_validate(records[0]["account"])


async def unlock_account(driver: AsyncDriver, database: str, username: str) -> Account:
    records, _, _ = await driver.execute_query(
        cypher.UNLOCK_ACCOUNT, {"username": username}, database_=database
    )
    if not records:
        raise AccountError(f"no account {username!r}")
    return Account.model_validate(records[0]["account"])


class SignInRefusal(StrEnum):
    """Why a sign-in was refused; the page says only that it failed, never whether the
    username, the password or the TOTP code was wrong."""

    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"


async def authenticate(
    driver: AsyncDriver,
    database: str,
    *,
    username: str,
    password: str,
    totp_code: str,
    now: int,
    max_failures: int,
    lockout_s: int,
) -> Person | SignInRefusal:
    """Check a sign-in; count a failure (locking the account at `max_failures` in a row)."""
    account = await get_account(driver, database, username) if USERNAME.match(username) else None
    if account is None:
        burn_secret_check(password)  # an unknown username answers as slowly as a known one
        return SignInRefusal.BAD_CREDENTIALS
    if account.locked(now):
        burn_secret_check(password)
        return SignInRefusal.LOCKED
    good = verify_secret(account.password_hash, password) and not account.disabled
    if good and account.totp_secret is not None:
        # a missing code is a wrong one: asking for it would confirm the password was right
        step = _totp_step(account.totp_secret, totp_code.strip(), now)
        good = step is not None and await _use_totp_step(driver, database, username, step)
    if not good:
        records, _, _ = await driver.execute_query(
            cypher.RECORD_SIGN_IN_FAILURE,
            {
                "username": username,
                "maxFailures": max_failures,
                "lockedUntil": now + lockout_s,
            },
            database_=database,
        )
        locked = bool(records and records[0]["locked"])
        return SignInRefusal.LOCKED if locked else SignInRefusal.BAD_CREDENTIALS
    if account.failures:
        await driver.execute_query(
            cypher.RECORD_SIGN_IN_SUCCESS, {"username": username}, database_=database
        )
    return account.person()


def _totp_step(secret: str, code: str, now: int) -> int | None:
    """The time step `code` is right for, now or one step either side (clock drift)."""
    totp = pyotp.TOTP(secret)
    current = int(totp.timecode(dt.datetime.fromtimestamp(now, dt.UTC)))
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def _use_totp_step(driver: AsyncDriver, database: str, username: str, step: int) -> bool:
    records, _, _ = await driver.execute_query(
        cypher.USE_TOTP_STEP, {"username": username, "step": step}, database_=database
    )
    return bool(records and records[0]["fresh"])


async def account_enabled(driver: AsyncDriver, database: str, account_id: str) -> bool:
    """Whether a person may still hold a session: a hub account must exist and be enabled;
    another identity provider's person is not the hub's to check."""
    username = username_of(account_id)
    if username is None:
        return True
    account = await get_account(driver, database, username)
    return account is not None and not account.disabled
