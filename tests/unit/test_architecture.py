"""The core knows no screen: importing every facilitator module must not load Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import facilitator

ROOT = Path(__file__).resolve().parents[2]


def all_core_modules() -> list[str]:
    names = ["facilitator"]
    for info in pkgutil.walk_packages(facilitator.__path__, "facilitator."):
        if info.name != "facilitator.__main__":
            names.append(info.name)
    return names


def test_core_modules_are_discovered() -> None:
    modules = all_core_modules()
    assert "facilitator.store.db" in modules and "facilitator.people.ops" in modules


def test_no_qt_anywhere_in_the_core() -> None:
    """Run in a fresh interpreter so nothing the test runner loaded can hide an import."""
    modules = all_core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'ui'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == "", f"facilitator/ pulled in: {result.stdout}"


def test_cli_runs_without_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from facilitator.cli import main\n"
        f"rc = main(['demo', {str(tmp_path / 'd.facilitator')!r}])\n"
        "assert rc == 0\n"
        "print(any(m.startswith('PySide6') for m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False"


def _subsystem(module: str) -> str:
    """``facilitator.ballots.ops`` → ``facilitator.ballots``; ``ui.pages.qa.page`` →
    ``ui.pages.qa``; a top-level module is its own subsystem."""
    parts = module.split(".")
    depth = 3 if parts[:2] == ["ui", "pages"] else 2
    return ".".join(parts[:depth])


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


PUBLIC_UNDERSCORE = {"_"}
"""gettext's ``_`` is public by convention."""


def test_no_private_name_is_used_across_packages() -> None:
    """A ``_name`` is its package's business: another package that needs it gets a public
    function instead (issue 12). Checks ``from x import _y`` and ``module._y``."""
    import ast
    import importlib.util

    problems = []
    for path in sorted([*ROOT.joinpath("facilitator").rglob("*.py"),
                        *ROOT.joinpath("ui").rglob("*.py")]):
        here = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules: dict[str, str] = {}  # local name → imported module
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and \
                    node.module.split(".")[0] in ("facilitator", "ui"):
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    if alias.name.startswith("_") and alias.name not in PUBLIC_UNDERSCORE and \
                            not alias.name.startswith("__") and \
                            _subsystem(node.module) != _subsystem(here):
                        problems.append(f"{here} imports {target}")
                    elif importlib.util.find_spec(node.module) is not None and \
                            _is_module(target):
                        modules[alias.asname or alias.name] = target
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in ("facilitator", "ui") and alias.asname:
                        modules[alias.asname] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                    node.value.id in modules and node.attr.startswith("_") and \
                    not node.attr.startswith("__"):
                target = modules[node.value.id]
                if _subsystem(target) != _subsystem(here):
                    problems.append(f"{here} uses {target}.{node.attr}")
    assert not problems, "private names used across packages:\n" + "\n".join(problems)


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def test_no_import_cycles_in_the_core() -> None:
    """Not one module of facilitator/ imports, directly or through others, a module that
    imports it back (type-only imports included): issue 12's "no cycles"."""
    import grimp

    graph = grimp.build_graph("facilitator")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                cycles.append(f"{module} -> {imported} -> … -> {module}")
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
