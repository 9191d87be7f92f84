"""The console's translation catalogue: every key in both languages, and every key the page uses.

An officer switching to English (or back) must never meet a raw key or a blank: each namespace
under hub/web/console/locales/ has the same keys in zh-CN and en, no empty text, and the same
interpolation variables ({{x}}) on both sides. Every literal key the console's code names
(`t("ns:key")`, `data-i18n="ns:key"`, a view's `nav: "ns:key"`) must be in the catalogue, and
every namespace i18n.js loads must exist. Keys built at run time (`t(\\`enums:kind.${k}\\`)`) are
not scanned. No database needed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CONSOLE = Path(__file__).resolve().parents[2] / "hub" / "web" / "console"
LOCALES = CONSOLE / "locales"
LANGUAGES = ("zh-CN", "en")
VARIABLE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")

Flat = dict[tuple[str, ...], str]


def flatten(tree: object, prefix: tuple[str, ...] = ()) -> Flat:
    """Leaves by their path of keys (a tuple: a measure's text may itself hold dots)."""
    if isinstance(tree, dict):
        flat: Flat = {}
        for key, value in tree.items():
            flat.update(flatten(value, (*prefix, key)))
        return flat
    assert isinstance(tree, str), f"{'.'.join(prefix)} is {tree!r}, not a text"
    return {prefix: tree}


def catalogue(language: str) -> dict[str, Flat]:
    return {
        path.stem: flatten(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((LOCALES / language).glob("*.json"))
    }


def loaded_namespaces() -> list[str]:
    source = (CONSOLE / "i18n.js").read_text(encoding="utf-8")
    found = re.search(r"NAMESPACES\s*=\s*\[([^\]]*)\]", source)
    assert found, "i18n.js declares no NAMESPACES"
    return re.findall(r'"([\w-]+)"', found.group(1))


NAMESPACES = loaded_namespaces()


def test_i18n_loads_every_namespace_there_is_and_each_exists_in_both_languages() -> None:
    for language in LANGUAGES:
        files = sorted(p.stem for p in (LOCALES / language).glob("*.json"))
        assert files == sorted(NAMESPACES), language


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_both_languages_have_the_same_keys(namespace: str) -> None:
    zh, en = (catalogue(language)[namespace] for language in LANGUAGES)
    only_zh = sorted(".".join(k) for k in zh.keys() - en.keys())
    only_en = sorted(".".join(k) for k in en.keys() - zh.keys())
    assert (only_zh, only_en) == ([], [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_is_empty(language: str) -> None:
    empty = [
        f"{namespace}:{'.'.join(key)}"
        for namespace, flat in catalogue(language).items()
        for key, text in flat.items()
        if not text.strip()
    ]
    assert empty == []


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_interpolation_variables_are_the_same_in_both_languages(namespace: str) -> None:
    zh, en = (catalogue(language)[namespace] for language in LANGUAGES)
    variables = {
        key: (set(VARIABLE.findall(zh[key])), set(VARIABLE.findall(en[key]))) for key in zh
    }
    differing = {".".join(k): v for k, v in variables.items() if k in en and v[0] != v[1]}
    assert differing == {}


def test_the_chinese_catalogue_is_chinese() -> None:
    """zh-CN texts that are not Chinese are a copy of the English left untranslated; codes,
    letters of a grade and numbers of a class may stay as they are."""
    han = re.compile(r"[\u4e00-\u9fff]")
    zh, en = catalogue("zh-CN"), catalogue("en")
    untranslated = [
        f"{namespace}:{'.'.join(key)}"
        for namespace, flat in zh.items()
        for key, text in flat.items()
        if not han.search(text) and text == en[namespace].get(key) and len(text) > 3
    ]
    assert untranslated == []


# t("ns:key"), t('ns:key'), t(`ns:key`) without ${...}; data-i18n*="ns:key"; nav: "ns:key"
LITERAL_KEYS = (
    re.compile(r"""\bt\(\s*(["'`])([\w-]+:[\w.-]+)\1"""),
    re.compile(r"""data-i18n(?:-[\w-]+)?=(["'])([\w-]+:[\w.-]+)\1"""),
    re.compile(r"""\bnav:\s*(["'])([\w-]+:[\w.-]+)\1"""),
)


def used_keys() -> dict[str, set[str]]:
    """Literal catalogue keys by the file (relative to the console) that names them."""
    used: dict[str, set[str]] = {}
    files = [*CONSOLE.rglob("*.js"), CONSOLE / "index.html"]
    for path in files:
        if "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        keys = {m.group(2) for pattern in LITERAL_KEYS for m in pattern.finditer(text)}
        if keys:
            used[str(path.relative_to(CONSOLE))] = keys
    return used


def test_the_scan_finds_the_keys_the_frame_uses() -> None:
    """The scan itself works: the frame's sign-in panel and skip link are found."""
    used = used_keys()
    assert "common:signIn.title" in used["main.js"]
    assert "common:skipToContent" in used["index.html"]
    assert "common:nav.search" in used["views/search.js"]


def test_every_key_the_console_names_is_in_the_catalogue() -> None:
    for language in LANGUAGES:
        known = catalogue(language)
        missing = sorted(
            f"{file}: {key}"
            for file, keys in used_keys().items()
            for key in keys
            if tuple(key.split(":", 1)[1].split(".")) not in known.get(key.split(":", 1)[0], {})
        )
        assert missing == [], language


def test_every_client_kind_and_consent_purpose_has_a_label() -> None:
    """The account box shows `enums:kind.<kind>` and a bank's purposes `enums:purpose.<P>`:
    every kind of auth/catalog.json and every consent purpose of auth/consents.py."""
    from auth.consents import Purpose
    from auth.principal import ClientKind

    main = (CONSOLE / "main.js").read_text(encoding="utf-8")
    offered = re.search(r"const PURPOSES = \[([^\]]*)\]", main)
    assert offered
    assert re.findall(r'"(\w+)"', offered.group(1)) == [p.value for p in Purpose]
    for language in LANGUAGES:
        enums = catalogue(language)["enums"]
        assert {k[1] for k in enums if k[0] == "kind"} >= {k.value for k in ClientKind}
        assert {k[1] for k in enums if k[0] == "purpose"} == {p.value for p in Purpose}


def test_every_graphql_enum_value_has_a_label() -> None:
    """enums.<EnumType>.<VALUE> for every enum of the hub's schema, in both languages (the
    schema as clients/python/schema.graphql holds it; tests/test_documented_commands.py keeps
    that file equal to `hub schema`)."""
    sdl = (CONSOLE.parents[2] / "clients" / "python" / "schema.graphql").read_text(encoding="utf-8")
    types = {
        name: set(re.findall(r"^\s+([A-Z][A-Z0-9_]*)\s*$", body, re.MULTILINE))
        for name, body in re.findall(r"^enum (\w+)[^{]*\{(.*?)^\}", sdl, re.MULTILINE | re.DOTALL)
    }
    assert types["ListKind"] >= {"SERIOUS_DISHONESTY", "RED_LIST"} and "Department" in types
    for language in LANGUAGES:
        enums = catalogue(language)["enums"]
        missing = sorted(
            f"{name}.{value}"
            for name, values in types.items()
            for value in values
            if (name, value) not in enums
        )
        assert missing == [], language


def group(enums: Flat, name: str) -> set[str]:
    """The values of one enum group."""
    return {key[1] for key in enums if key[0] == name}


def test_every_risk_kind_factor_and_measure_has_a_label() -> None:
    """Codes the hub's rules produce are shown translated: risk alert kinds (RiskAlert.kind),
    every measure text of the credit rules, every factor a classification or list yields."""
    credit = CONSOLE.parents[1] / "credit"
    measures: set[str] = set()

    def walk(node: object, key: str | None = None) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("measure", "measures"):
            measures.add(node)

    for name in ("joint_rules", "statutory", "model"):
        walk(json.loads((credit / f"{name}.json").read_text(encoding="utf-8")))
    model = json.loads((credit / "model.json").read_text(encoding="utf-8"))
    factors = {
        f"{scheme['code_prefix']}_{value}"
        for scheme in model["classifications"]
        for value in scheme["values"]
    } | {f"LIST_{kind}" for kind in model["list_entries"]["kinds"]}
    risk_doc = (CONSOLE.parents[1] / "api" / "risk.py").read_text(encoding="utf-8")
    for language in LANGUAGES:
        enums = catalogue(language)["enums"]
        assert measures <= group(enums, "measure"), language
        assert factors <= group(enums, "factor"), language
        assert {"CIRCULAR_PAYMENTS", "DOCUMENT_MISMATCH", "EXPORT_SPIKE"} <= group(
            enums, "riskKind"
        )
        assert all(kind in risk_doc for kind in group(enums, "riskKind")), (
            "a risk kind the hub lacks"
        )
