"""The packages keep their layers: `graph_schema` imports no other package of the hub,
`connectors` and `auth` only `graph_schema`, and none of the three imports `hub` (each
package's docstring says the same)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("graph_schema", "connectors", "auth", "hub")
MAY_IMPORT = {
    "graph_schema": set(),
    "connectors": {"graph_schema"},
    "auth": {"graph_schema"},
    "hub": {"graph_schema", "connectors", "auth"},
}


def imported_packages(source: str) -> set[str]:
    """The hub's packages a module's source imports (anywhere in it, lazily too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & set(PACKAGES)
    return found


def test_each_package_imports_only_the_layers_below_it() -> None:
    crossings = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            outside = imported_packages(path.read_text()) - MAY_IMPORT[package] - {package}
            if outside:
                crossings.append(f"{path.relative_to(ROOT)} imports {sorted(outside)}")
    assert crossings == []


def test_the_check_sees_a_crossing_however_it_is_written() -> None:
    assert imported_packages("from hub.settings import Settings\n") == {"hub"}
    assert imported_packages("def f():\n    import auth.policy\n") == {"auth"}
    assert imported_packages("from . import sibling\nimport httpx\n") == set()
