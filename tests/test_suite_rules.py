"""The suite's own rules, checked on its source: a test waits on a condition, never for a
while (a sleep passes on a quiet machine and fails on a busy one), and builds the hub's
settings from what it states, never from the developer's environment or `.env`."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).parent
POLLING_HELPERS = {TESTS / "graph_kit.py"}
"""The one module whose bounded polls (`eventually`, `wait_until`) may sleep between tries."""

SLEEP = re.compile(
    r"\b(?:asyncio|time)\.sleep\((?!0\))|^\s*from\s+(?:time|asyncio)\s+import[^\n]*\bsleep\b", re.M
)
"""A sleep of any length (`asyncio.sleep(0)` is a yield to the loop, not a wait)."""

AMBIENT_SETTINGS = re.compile(r"(?<![\w.])Settings\((?!_env_file=None\))")
"""`Settings(...)` reads the process environment and `.env`; `graph_kit.hub_settings` does not
(`Settings(_env_file=None)` is for a test of the environment it has just set)."""


def sources() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "node_modules" not in p.parts)


def offences(pattern: re.Pattern[str], allowed: set[Path]) -> list[str]:
    found = []
    for path in sources():
        if path in allowed or path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(TESTS)}:{line}")
    return found


def test_no_test_sleeps_outside_the_polling_helpers() -> None:
    assert offences(SLEEP, POLLING_HELPERS) == [], (
        "wait on a condition with graph_kit.eventually / graph_kit.wait_until instead"
    )


def test_no_test_reads_the_settings_from_its_environment() -> None:
    assert offences(AMBIENT_SETTINGS, {TESTS / "graph_kit.py"}) == [], (
        "build the hub's settings with graph_kit.hub_settings(...)"
    )


def test_the_rules_see_what_they_forbid() -> None:
    """The twin of the two above: the patterns match the constructs they exist to forbid,
    and let through what is allowed."""
    assert SLEEP.search("    await asyncio.sleep(0.5)  # started")
    assert SLEEP.search("time.sleep(1)")
    assert SLEEP.search("from time import monotonic, sleep")
    assert not SLEEP.search("await asyncio.sleep(0)  # a yield")
    assert AMBIENT_SETTINGS.search("settings = Settings(neo4j_uri=uri)")
    assert not AMBIENT_SETTINGS.search("settings = hub_settings(neo4j_uri=uri)")
    assert not AMBIENT_SETTINGS.search("auth = AuthSettings(issuer=url)")
    assert not AMBIENT_SETTINGS.search("settings = Settings(_env_file=None)  # set above")
