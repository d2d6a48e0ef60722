"""The suite passes from a clone of the repository alone: no test, benchmark or tool reads a
path outside it (the reference data is in ``tests/data``, with its sources and licences).

Each Python file is read, not run: every path built from ``__file__`` (``Path(__file__)``,
``.resolve()``, ``.parent``, ``.parents[k]``, ``/ "name"``, ``/ ".."``, and names bound to such
paths) is worked out and must stay inside the repository; and no string names a path
beside it (``"../x"``, or an absolute path into the folder that holds the repository).
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("tests", "tools")
SCANNED_FILES = ("dev.py", ".ci/run")


def _files() -> list[Path]:
    found = [p for top in SCANNED for p in sorted((ROOT / top).rglob("*.py"))]
    found += [ROOT / name for name in SCANNED_FILES if (ROOT / name).is_file()]
    return [p for p in found if p.resolve() != Path(__file__).resolve()]


class _Paths:
    """Works out the paths a module builds from ``__file__`` (without running it)."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.names: dict[str, str] = {}

    def value(self, node: ast.AST) -> str | None:
        """The normalised absolute path ``node`` evaluates to, if it is built from __file__."""
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return str(self.source)
            return self.names.get(node.id)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in {"Path", "PurePath"} and node.args:
                base = self.value(node.args[0])
                if base is None:
                    return None
                return _join(base, *(_text(a) or "" for a in node.args[1:]))
            if isinstance(func, ast.Attribute):
                inner = self.value(func.value)
                if inner is None:
                    return None
                if func.attr in {"resolve", "absolute", "expanduser"}:
                    return inner
                if func.attr == "joinpath":
                    return _join(inner, *(_text(a) or "" for a in node.args))
                if func.attr in {"with_name", "with_suffix"}:
                    return inner  # same folder
            if (isinstance(func, ast.Attribute) and func.attr == "dirname"
                    and node.args and (inner := self.value(node.args[0])) is not None):
                return os.path.dirname(inner)
            return None
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            inner = self.value(node.value)
            return None if inner is None else os.path.dirname(inner)
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
                and node.value.attr == "parents" and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, int)):
            inner = self.value(node.value.value)
            if inner is None:
                return None
            for _ in range(node.slice.value + 1):
                inner = os.path.dirname(inner)
            return inner
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left = self.value(node.left)
            right = _text(node.right)
            if left is not None and right is not None:
                return _join(left, right)
            return left  # a computed name: at least the folder it is under
        return None


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _join(base: str, *parts: str) -> str:
    return os.path.normpath(os.path.join(base, *parts))


def _inside(path: str) -> bool:
    root = str(ROOT)
    return path == root or path.startswith(root + os.sep)


def paths_outside(source: Path, text: str) -> list[str]:
    """Each path the file builds from ``__file__`` that leaves the repository, with its line."""
    tree = ast.parse(text, filename=str(source))
    paths = _Paths(source)
    # Names bound to paths (ROOT = Path(__file__)...; DATA = ROOT / "tests"), in order.
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = paths.value(node.value)
            for target in targets:
                if isinstance(target, ast.Name) and value is not None:
                    paths.names.setdefault(target.id, value)
    found: dict[int, str] = {}  # line -> the longest path out built on it
    for node in ast.walk(tree):
        if isinstance(node, ast.expr) and not isinstance(node, ast.Name):
            value = paths.value(node)
            out = value is not None and not _inside(value)
            if out and value is not None and len(value) > len(found.get(node.lineno, "")):
                found[node.lineno] = value
    return [f"{source.relative_to(ROOT)}:{line}: {value}" for line, value in sorted(found.items())]


def strings_beside(source: Path, text: str) -> list[str]:
    """String constants that name a path beside the repository: relative upwards
    (``"../data"``), or absolute into the folder that holds the repository's folder."""
    if source.suffix != ".py":
        words = [(n, w) for n, line in enumerate(text.splitlines(), 1) for w in line.split()]
    else:
        words = [(node.lineno, node.value) for node in ast.walk(ast.parse(text))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    found = []
    for line, word in words:
        word = word.strip("\"'")
        beside = word.startswith("../") or (
            os.path.isabs(word) and _join(word).startswith(str(ROOT.parent) + os.sep)
            and not _inside(_join(word)))
        if beside:
            found.append(f"{source.relative_to(ROOT)}:{line}: {word}")
    return found


def test_no_test_benchmark_or_tool_reads_outside_the_repository() -> None:
    problems: list[str] = []
    for source in _files():
        text = source.read_text(encoding="utf-8")
        problems += strings_beside(source, text)
        if source.suffix == ".py":
            problems += paths_outside(source, text)
    assert not problems, "paths outside the repository:\n" + "\n".join(problems)


@pytest.mark.parametrize("line", [
    'DATA = (Path(__file__).resolve().parents[2] / ".." / "elsewhere" / "x").resolve()',
    'DATA = Path(__file__).resolve().parents[5] / "tables"',
    'ROOT = Path(__file__).parent.parent.parent.parent\nDATA = ROOT / "x.csv"',
    'ROOT = Path(__file__).resolve().parents[1]\nDATA = ROOT.parent.parent / "x"',
    'def f():\n    root = Path(__file__).resolve().parents[2]\n    return root / ".." / "x"',
])
def test_the_check_finds_a_path_out(line: str) -> None:
    source = ROOT / "tests" / "unit" / "example.py"
    assert paths_outside(source, line)


def test_the_check_finds_a_string_naming_a_path_beside_the_repository() -> None:
    source = ROOT / "tests" / "unit" / "example.py"
    beside = str(ROOT.parent / "elsewhere" / "x.blt")
    assert strings_beside(source, f"DATA = {beside!r}\nMORE = '../x/y.pb'\n") == [
        f"tests/unit/example.py:1: {beside}", "tests/unit/example.py:2: ../x/y.pb"]
    assert not strings_beside(source, f"OK = {str(ROOT / 'tests' / 'data')!r}\n"
                                      "CHROMIUM = '/usr/bin/chromium'\n")


@pytest.mark.parametrize("line", [
    'DATA = Path(__file__).resolve().parents[2] / "data" / "pb"',
    'ROOT = Path(__file__).resolve().parents[2]\nDATA = ROOT / "tests" / "data" / name',
    'URL = "/static/../../etc/passwd"',  # an HTTP path in a server test, not a file
])
def test_the_check_lets_a_path_inside_pass(line: str) -> None:
    source = ROOT / "tests" / "unit" / "example.py"
    assert not paths_outside(source, line)


def test_the_reference_data_is_in_the_repository() -> None:
    data = ROOT / "tests" / "data"
    assert len(list((data / "stv" / "glasgow-2007").glob("*.blt"))) == 21
    assert len(list((data / "pb").glob("*.pb"))) == 23
    assert sorted(p.name for p in (data / "tables").glob("*.csv")) == [
        "100i_4j_3k_3d_data.csv", "30i_4j_3k_3d_data.csv"]
    for folder in ("", "stv", "pb", "tables"):
        assert (data / folder / "README.md").is_file(), f"tests/data/{folder} has no README"
