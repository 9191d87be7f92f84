"""Each graph predicate has one home, `graph_schema/predicates.py`: its text appears nowhere else.

A predicate's characteristic text is written down here by hand (a pattern, so any variable
name matches); the test fails when one is found in any other .py file of the repository. The
twin plants copies rendered by the builders and shows the search finds each of them, and each
builder's own text matches its pattern, so a rewritten fragment cannot slip past a stale one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_schema import predicates as p

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "graph_schema" / "predicates.py"
ASIDE = {Path(__file__).resolve(), Path(__file__).with_name("test_objection_states.py").resolve()}
"""Tests that write a fragment's expected text by hand: this one, and the state machine's."""
SKIPPED_DIRS = {"node_modules", "var", "build", "dist", "__pycache__"}

SIGNATURES: dict[str, str] = {
    "tie_not_ended": r"\w+\.until IS NULL OR \w+\.until >=",
    "tie_begun": r"\w+\.since IS NULL OR \w+\.since <=",
    "network_tie": r"\w+\.ratio IS NULL OR \w+\.ratio >=",
    "holder_kind": r"CASE WHEN \w+:Person THEN 'PERSON'",
    "fact_counts": r"\w+\.\w+ <= \$\w+ AND \w+\.withdrawnOn IS NULL",
    "punitive": r"\w+\.list <> 'RED_LIST'",
    "list_entry_in_force": r"\w+\.removedOn IS NULL OR \w+\.removedOn >",
    "may_be_listed": r"\(\w+\)-\[:LISTED\]->\(\) \}",
    "coverage_applies": r"\w+\.validUntil IS NULL OR \w+\.validUntil >",
    "is_export": r"\w+\.direction = 'EXPORT'",
    "trade_payment_into": r"\(:Enterprise\)-\[:PAID\]->\(\w+:TradePayment\)-\[:PAID_TO\]->",
    "export_receipt_of": r"\(\w+\)-\[:RECEIVED\]->\(\w+:ExportReceipt\)",
    "receipt_counts_after": r"\{id: \w+\.declarationId\}\)\s+WHERE \w+\.declaredOn <=",
    "receipt_settles_export": r"-\[:SOLD\]->\(:Order \{id: \w+\.orderId\}\)",
    "order_documents": r"\(\w+:Payment\)-\[:PAYS\]->\(\w+\)\s+WHERE",
    "document_mismatch": r"\w+\.goodsCny \+ \w+\.freightCny",
    "consent_in_force": r"\w+\.revokedAt IS NULL AND \w+\.expiresAt >",
    "has_active_consent": r"EXISTS \{\s*MATCH \(\w+\)-\[:CONSENTED\]",
    "objection_resolvable": r"\w+\.status = 'PENDING'",
    "objection_withdraws": r"\w+ IN \['REMOVED'\]",
    "positions": r"LEGAL_REPRESENTATIVE_OF\|OFFICER_OF\|SHAREHOLDER_OF",
}
"""Each fragment's characteristic text, by builder (`positions` for POSITIONS and
NETWORK_TIES, whose text starts with it)."""

RENDERED: dict[str, str] = {
    "tie_not_ended": p.tie_not_ended("r", "$as_of"),
    "tie_begun": p.tie_begun("r2", "$today"),
    "network_tie": p.network_tie("r", "$as_of", "$tie_ratio"),
    "holder_kind": p.holder_kind("h"),
    "fact_counts": p.fact_counts("p", "decidedOn", "$as_of"),
    "punitive": p.punitive("l"),
    "list_entry_in_force": p.list_entry_in_force("entry", "$on"),
    "may_be_listed": p.may_be_listed("y"),
    "coverage_applies": p.coverage_applies("c", "$as_of"),
    "is_export": p.is_export("d"),
    "trade_payment_into": p.trade_payment_into("e", "t"),
    "export_receipt_of": p.export_receipt_of("e", "r"),
    "receipt_counts_after": p.receipt_counts_after("r", "$since"),
    "receipt_settles_export": p.receipt_settles_export("e", "r"),
    "order_documents": p.order_documents("o", "$as_of"),
    "document_mismatch": p.document_mismatch("o"),
    "consent_in_force": p.consent_in_force("c", "$now"),
    "has_active_consent": p.has_active_consent("e", "$institution", "$now", "credit:read"),
    "objection_resolvable": p.objection_resolvable("o", "n", "row.outcome", "row.batch"),
    "objection_withdraws": p.objection_withdraws("row.props.outcome"),
    "positions": p.POSITIONS,
}


def python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(part.startswith(".") or part in SKIPPED_DIRS for part in parts[:-1]):
            continue
        yield path


def copies(root: Path, home: Path) -> list[str]:
    """Where a predicate's text appears outside `home` (the tests of `ASIDE` aside):
    `path:line: builder`."""
    found = []
    for path in python_files(root):
        if path.resolve() == home.resolve() or path.resolve() in ASIDE:
            continue
        text = path.read_text(encoding="utf-8")
        for name, pattern in SIGNATURES.items():
            for match in re.finditer(pattern, text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(root)}:{line}: {name}")
    return found


def test_every_builder_has_a_signature_and_matches_it() -> None:
    assert set(RENDERED) == set(SIGNATURES)
    for name, text in RENDERED.items():
        assert re.search(SIGNATURES[name], text), name
    assert re.search(SIGNATURES["positions"], p.NETWORK_TIES)


def test_no_predicate_text_outside_its_home() -> None:
    assert copies(ROOT, HOME) == []


def test_a_planted_copy_is_found(tmp_path: Path) -> None:
    package = tmp_path / "somewhere"
    package.mkdir()
    (package / "cypher.py").write_text(
        "\n".join(f'Q{i} = """{text}"""' for i, text in enumerate(RENDERED.values())) + "\n",
        encoding="utf-8",
    )
    home = tmp_path / "graph_schema" / "predicates.py"
    home.parent.mkdir()
    home.write_text(f'HOME = """{RENDERED["tie_begun"]}"""\n', encoding="utf-8")
    found = copies(tmp_path, home)
    assert {line.rsplit(": ", 1)[1] for line in found} == set(SIGNATURES)
    assert all(line.startswith("somewhere/cypher.py:") for line in found)


@pytest.mark.parametrize("name", ["$as_of; MATCH (x) DETACH DELETE x", "'2026-01-01'", "a b", ""])
def test_builders_refuse_anything_but_a_name(name: str) -> None:
    with pytest.raises(ValueError, match="is not a Cypher variable"):
        p.tie_in_force("r", name)


def test_builders_take_variables_properties_and_parameters() -> None:
    assert p.tie_not_ended("row.rel", "$as_of") == (
        "(row.rel.until IS NULL OR row.rel.until >= $as_of)"
    )


def test_a_tie_in_force_has_begun_and_not_ended() -> None:
    assert p.tie_begun("r", "$on") == "(r.since IS NULL OR r.since <= $on)"
    assert p.tie_in_force("r", "$on") == (
        "(r.since IS NULL OR r.since <= $on) AND (r.until IS NULL OR r.until >= $on)"
    )


def test_a_consent_scope_must_be_a_scope_name() -> None:
    assert p.consent_active("c", "$i", "$now", "financing:read").endswith(
        "'financing:read' IN c.scopes"
    )
    with pytest.raises(ValueError, match="is not a scope name"):
        p.consent_active("c", "$i", "$now", "x' OR true OR '")
