"""What the tables code may import (issue 12): public names only across packages, and the
Tables page works from queries and ops, not from the engine's insides or the command line."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CORE = sorted((ROOT / "facilitator" / "tables").glob("*.py"))
PAGE = sorted((ROOT / "ui" / "pages" / "tables").glob("*.py"))


def imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every ``from module import name`` in ``path``, nested ones too;
    ``from facilitator.tables import ops`` counts as module ``facilitator.tables.ops``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = [(node.module or "", alias.name) for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) for alias in node.names]
    return [(f"{module}.{name}", "") if module == "facilitator.tables" else (module, name)
            for module, name in found]


def private(name: str) -> bool:
    return name.startswith("_") and name != "_"  # ``_`` is gettext's, by convention


def test_no_private_names_from_other_packages() -> None:
    assert CORE and PAGE
    found = [f"{path.relative_to(ROOT)}: {module}.{name}"
             for path in [*CORE, *PAGE] for module, name in imports(path)
             if module.startswith("facilitator.") and not module.startswith("facilitator.tables")
             and private(name)]
    found += [f"{path.relative_to(ROOT)}: {module}.{name}"
              for path in PAGE for module, name in imports(path)
              if module.startswith("facilitator.") and private(name)]
    assert found == []


def test_the_page_uses_queries_and_ops_only() -> None:
    """No engine internals (``compiled.encode``), no command line (``plan_text`` lived in it),
    and no sqlite3: a page never looks under the store to tell whether it is closed."""
    allowed = {"facilitator.tables.queries", "facilitator.tables.ops", "facilitator.tables.plans",
               "facilitator.tables.search"}
    used = {module for path in PAGE for module, _name in imports(path)
            if module.startswith("facilitator.tables")}
    assert used and used <= allowed, used - allowed
    for path in PAGE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        plain = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
        assert "sqlite3" not in plain, path
