"""`hub users add|list|disable|enable|unlock` as an operator runs them (a process of its own
against the test Neo4j), and the accounts they make signing in to the session's hub."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from neo4j import AsyncDriver
from test_cli_verbs import child_env, table_rows
from test_people_sign_in import Console, pending_of

PASSWORD = "a long enough passphrase"


def users(
    data_dir: Path, neo4j_uri: str, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`hub users ARGS...`, the password (if any) on stdin."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "hub.cli", "users", *args],
        env=child_env(data_dir, neo4j_uri),
        cwd=data_dir,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def add(data_dir: Path, neo4j_uri: str, *args: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return users(data_dir, neo4j_uri, "add", "--password-stdin", *args, stdin=password + "\n")


@pytest.fixture
async def console(hub_url: str) -> AsyncIterator[Console]:
    async with httpx.AsyncClient(base_url=hub_url, timeout=30) as http:
        yield Console(http, hub_url)


async def test_users_add_list_and_the_person_signs_in(
    graph: AsyncDriver, neo4j_uri: str, console: Console, tmp_path: Path
) -> None:
    made = add(
        tmp_path, neo4j_uri, "--kind", "customs", "--institution", "zhengzhou-customs",
        "--name", "李伟", "--username", "li.wei",
    )  # fmt: skip
    assert (made.returncode, made.stdout, made.stderr) == (0, "username: li.wei\n", "")
    with_totp = add(
        tmp_path, neo4j_uri, "--kind", "bank", "--institution", "bank-of-kaifeng",
        "--name", "Zhao Min", "--username", "zhao.min", "--totp",
    )  # fmt: skip
    assert with_totp.returncode == 0, with_totp.stderr
    assert re.search(
        r"^totp: otpauth://totp/[^?]*zhao\.min\?secret=[A-Z2-7]+&issuer=", with_totp.stdout, re.M
    ), with_totp.stdout
    listed = users(tmp_path, neo4j_uri, "list")
    assert listed.returncode == 0, listed.stderr
    assert table_rows(listed.stdout) == [
        ("li.wei", "李伟", "customs", "zhengzhou-customs", "no", "active"),
        ("zhao.min", "Zhao Min", "bank", "bank-of-kaifeng", "yes", "active"),
    ]
    tokens = await console.sign_in("li.wei", PASSWORD)
    assert tokens["refresh_token"]


async def test_users_add_says_what_is_wrong(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    base = ("--institution", "zhengzhou-customs", "--name", "李伟")
    unknown_kind = add(tmp_path, neo4j_uri, "--kind", "police", "--username", "a.b", *base)
    assert (unknown_kind.returncode, unknown_kind.stdout) == (2, "")
    assert unknown_kind.stderr.startswith("unknown kind 'police'; a person is one of regulator,")
    not_a_person = add(tmp_path, neo4j_uri, "--kind", "connector", "--username", "a.b", *base)
    assert not_a_person.stderr.startswith("a person cannot be of kind 'connector'")
    weak = add(
        tmp_path, neo4j_uri, "--kind", "customs", "--username", "a.b", *base, password="short1"
    )
    assert (weak.returncode, weak.stderr) == (
        2,
        "the password is too weak: use at least 12 characters\n",
    )
    first = add(tmp_path, neo4j_uri, "--kind", "customs", "--username", "a.b", *base)
    assert first.returncode == 0, first.stderr
    duplicate = add(tmp_path, neo4j_uri, "--kind", "customs", "--username", "a.b", *base)
    assert (duplicate.returncode, duplicate.stderr) == (2, "an account 'a.b' already exists\n")


async def test_users_disable_enable_and_unlock(
    graph: AsyncDriver, neo4j_uri: str, console: Console, tmp_path: Path
) -> None:
    made = add(
        tmp_path, neo4j_uri, "--kind", "tax", "--institution", "henan-tax",
        "--name", "张敏", "--username", "zhang.min",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    tokens = await console.sign_in("zhang.min", PASSWORD)

    disabled = users(tmp_path, neo4j_uri, "disable", "zhang.min")
    assert (disabled.returncode, disabled.stdout) == (0, "disabled zhang.min\n")
    assert (await console.refresh(tokens["refresh_token"])).json()["error"] == "invalid_grant"
    pending = pending_of(await console.authorize(secrets.token_urlsafe(48)))
    assert (await console.post_form(pending, "zhang.min", PASSWORD)).status_code == 401
    listed = users(tmp_path, neo4j_uri, "list")
    assert table_rows(listed.stdout)[0][-1] == "disabled"
    enabled = users(tmp_path, neo4j_uri, "enable", "zhang.min")
    assert enabled.stdout == "enabled zhang.min\n"
    assert (await console.post_form(pending, "zhang.min", PASSWORD)).status_code == 303

    pending = pending_of(await console.authorize(secrets.token_urlsafe(48)))
    for _ in range(5):
        await console.post_form(pending, "zhang.min", "wrong password 123")
    assert (await console.post_form(pending, "zhang.min", PASSWORD)).status_code == 401
    assert table_rows(users(tmp_path, neo4j_uri, "list").stdout)[0][-1] == "locked"
    unlocked = users(tmp_path, neo4j_uri, "unlock", "zhang.min")
    assert (unlocked.returncode, unlocked.stdout) == (0, "unlocked zhang.min\n")
    assert (await console.post_form(pending, "zhang.min", PASSWORD)).status_code == 303

    missing = users(tmp_path, neo4j_uri, "disable", "nobody")
    assert (missing.returncode, missing.stderr) == (1, "no account 'nobody'\n")
