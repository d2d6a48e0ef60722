"""Every string the UI shows goes through the shared catalogue (``_()``), none is bare.

Scans ui/ for Qt calls that put text on screen and fails on a plain string literal that
contains a letter. Keys, object names and style sheets are not user-visible and are not checked.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
SHOWN = {
    "QLabel", "QPushButton", "QAction", "QCheckBox", "setText", "setWindowTitle",
    "setPlaceholderText", "setToolTip", "addItem", "addItems", "addMenu", "addAction",
    "showMessage", "setAccessibleName", "critical", "warning", "information", "about",
    "addRow", "show_message", "QListWidgetItem", "setHorizontalHeaderLabels",
}

MESSAGE_BOXES = {"critical", "warning", "information", "about"}


def bare_strings(path: Path) -> list[str]:
    problems = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in SHOWN:
            continue
        # Message boxes take (parent, title, text); everything else shows its first argument.
        shown = node.args[1:] if name in MESSAGE_BOXES else node.args[:1]
        for arg in shown:
            if (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                    and sum(ch.isalpha() for ch in arg.value) > 1):
                problems.append(f"{path.name}:{node.lineno}: {name}({arg.value!r})")
    return problems


def ui_files() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def test_ui_files_are_scanned() -> None:
    """Every module under ui/, the pages' packages too (ui/pages/participants/page.py…),
    however they are split: the folder is walked, no file is named."""
    walked = {Path(folder) / name for folder, _dirs, names in os.walk(UI)
              for name in names if name.endswith(".py")}
    scanned = ui_files()
    assert set(scanned) == walked
    in_page_packages = [f for f in scanned if f.parent.parent == UI / "pages"]
    assert len({f.parent for f in in_page_packages}) >= 3, in_page_packages


def test_no_bare_user_visible_strings() -> None:
    problems = [p for file in ui_files() for p in bare_strings(file)]
    assert not problems, "wrap these in _():\n" + "\n".join(problems)


def test_the_checker_catches_a_bare_string(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("label = QLabel('Hello')\nok = QLabel(_('Fine'))\n", encoding="utf-8")
    assert bare_strings(sample) == ["sample.py:1: QLabel('Hello')"]
