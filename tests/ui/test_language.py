"""The desktop's language: asked at the first start, kept in settings.json, changed from the
Language menu (the window is rebuilt in it, the event stays open) or with --language; Arabic
lays the window out right to left and Qt's own buttons follow the language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

import ui.app
from facilitator.i18n import language
from facilitator.reports.fonts import has_rtl
from facilitator.store import EventStore
from ui.context import AppContext
from ui.language import (
    LanguageDialog,
    apply_language,
    save_language,
    saved_language,
    start_language,
)
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def english_after(qapp: QApplication) -> Iterator[None]:
    yield
    apply_language(qapp, "en")


def cancel_text() -> str:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    button = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert button is not None
    return button.text()


def test_the_first_start_asks_and_keeps_the_answer(qapp: QApplication, tmp_path: Path) -> None:
    asked: list[str] = []

    def ask(suggested: str) -> str:
        asked.append(suggested)
        return "cy"

    assert start_language(qapp, tmp_path, None, may_ask=True, ask=ask) == "cy"
    assert asked and saved_language(tmp_path) == "cy" and language() == "cy"
    asked.clear()
    assert start_language(qapp, tmp_path, None, may_ask=True, ask=ask) == "cy"
    assert not asked  # asked once


def test_a_closed_question_or_nobody_to_ask_keeps_nothing(qapp: QApplication,
                                                          tmp_path: Path) -> None:
    start_language(qapp, tmp_path, None, may_ask=True, ask=lambda _s: None)
    assert saved_language(tmp_path) is None  # asked again next time
    start_language(qapp, tmp_path, None, may_ask=False, ask=lambda _s: pytest.fail("asked"))
    assert saved_language(tmp_path) is None


def test_the_flag_wins_and_is_kept_with_the_other_settings(qapp: QApplication,
                                                           tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"language": "cy", "other": 1}', encoding="utf-8")
    assert start_language(qapp, tmp_path, "ar", may_ask=True,
                          ask=lambda _s: pytest.fail("asked")) == "ar"
    assert json.loads((tmp_path / "settings.json").read_text(encoding="utf-8")) == {
        "language": "ar", "other": 1}
    (tmp_path / "settings.json").write_text("not json", encoding="utf-8")
    assert saved_language(tmp_path) is None  # a damaged file is a first start, not a crash
    assert ui.app._parse_args(["--language", "cy"]).language == "cy"


def test_arabic_is_right_to_left_and_qt_buttons_follow(qapp: QApplication) -> None:
    apply_language(qapp, "ar")
    assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert cancel_text() != "Cancel" and has_rtl(cancel_text())  # Qt's qtbase_ar
    apply_language(qapp, "cy")
    assert qapp.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert cancel_text() == "Diddymu"
    apply_language(qapp, "en")
    assert cancel_text() == "Cancel"


def test_the_first_start_dialog_offers_each_language_in_itself(qtbot: QtBot) -> None:
    dialog = LanguageDialog("cy")
    qtbot.addWidget(dialog)
    assert [b.text() for b in dialog.buttons.values()] == ["English", "Cymraeg", "العربية"]
    assert dialog.buttons["cy"].isDefault()
    dialog.buttons["ar"].click()
    assert dialog.chosen == "ar"


def test_the_language_menu_rebuilds_the_window_and_keeps_the_event(
        qtbot: QtBot, context: AppContext, demo_store: EventStore) -> None:
    window = MainWindow(context, demo_store)
    qtbot.addWidget(window)
    window.show()
    window.show_page("voting")
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&View", "&Language", "&Help"]
    welsh = next(a for a in window.language_menu.actions() if a.text() == "Cymraeg")
    welsh.trigger()
    assert language() == "cy" and saved_language(context.config_dir) == "cy"
    assert window.store is demo_store and window.current_page_key() == "voting"
    assert window.menuBar().actions()[0].text() == "&Ffeil"
    assert window.sidebar.item(0).text() == "Cyfranogwyr"
    assert "Cymraeg" in window.statusBar().currentMessage()
    ticked = [a.text() for a in window.language_menu.actions() if a.isChecked()]
    assert ticked == ["Cymraeg"]


def test_the_language_is_not_changed_while_phones_vote(
        qtbot: QtBot, context: AppContext, demo_store: EventStore,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow(context, demo_store)
    qtbot.addWidget(window)
    shown: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda title, text: shown.append(text))
    panel = window.pages["voting"].phone_panel  # type: ignore[attr-defined]
    monkeypatch.setattr(panel, "server", SimpleNamespace(stop=lambda: None))
    window.change_language("ar")
    assert shown and "stop it on the Voting page" in shown[0]
    assert language() == "en" and saved_language(context.config_dir) is None
    save_language(context.config_dir, "en")


@pytest.mark.slow
def test_the_smoke_test_passes_in_arabic(tmp_path: Path) -> None:
    """`facilitator --smoke-test --language ar`: every page, the projector, an Arabic PDF
    read back and the phone server, right to left, with no Qt warning."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run([sys.executable, "-m", "ui.app", "--smoke-test", "--language", "ar",
                             "--config-dir", str(tmp_path / "c"), "--data-dir",
                             str(tmp_path / "d")],
                            capture_output=True, text=True, cwd=root, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "smoke test passed" in result.stdout


@pytest.mark.parametrize("direction", [Qt.LayoutDirection.LeftToRight,
                                       Qt.LayoutDirection.RightToLeft])
def test_result_bars_grow_from_the_reading_side(qtbot: QtBot,
                                                direction: Qt.LayoutDirection) -> None:
    """Right to left, a result's bars start on the right (the labels are on the right)."""
    from fractions import Fraction

    from PySide6.QtGui import QColor

    from facilitator.results.model import Line
    from ui.pages.results.view import BarChart

    chart = BarChart()
    qtbot.addWidget(chart)
    chart.setLayoutDirection(direction)
    chart.resize(600, 40)
    chart.set_lines((Line("نعم", Fraction(1), Fraction(1, 4)),))
    image = chart.grab().toImage()
    label_w, figure_w = 600 * 0.32, 600 * 0.2
    bar_w = 600 - label_w - figure_w - 16
    start, end = label_w + 8 + 3, label_w + 8 + bar_w - 3  # inside the track, left to right
    if direction == Qt.LayoutDirection.RightToLeft:
        start, end = 600 - start, 600 - end
    blue = QColor("#3b82f6")
    assert image.pixelColor(int(start), 20) == blue  # the filled quarter
    assert image.pixelColor(int(end), 20) != blue  # the empty rest of the track
