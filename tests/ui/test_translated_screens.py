"""Every screen in each language: the demo event (made in that language) opened at
1,366×768, every page shown, the projector and the main dialogs; fails on a string shown in
English where the catalogue has a translation (a string translated at import time, or built
before the language was set) and on clipped text (a label or button narrower than its text,
a wrapped label shorter than its lines). Screens are saved (tests/ui/screens.py) to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from facilitator import i18n
from facilitator.clock import FakeClock
from facilitator.i18n import _, language
from ui.context import AppContext
from ui.language import apply_language
from ui.main_window import PAGE_KEYS, MainWindow

from .screens import demo_window, save_screens

pytestmark = pytest.mark.slow  # the demo event made and every screen laid out, 3 times

SCREEN = QSize(1366, 768)
LANGUAGES = ("en", "cy", "ar")
KNOWN_CUT: dict[str, str] = {}
"""Big wrapped labels cut at 1,366×768 in English too (object name: page): the pages' layout,
not a language's; kept out of the clipping check, and test_the_known_cut_labels_are_still_cut_
in_english fails once they fit, so they are taken off this list. (The Plenary page's speaker
line and the Q&A page's question being asked fit since those pages do.)"""
KNOWN_SQUEEZED: set[str] = set()
"""Screens too full for 1,366×768 in English too, whose fields get less height than their
text (none left: the Plenary and Q&A pages and the round editor fit since their columns
scroll): the screen's layout, not a language's. Their squeeze is not
checked in the languages' tests; test_the_known_full_screens_fit_in_english checks the
English screens that were on this list."""


@cache
def _catalogue() -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    """The code's strings as shown (accelerator ampersands dropped): exact ones, and a
    pattern for each string with {placeholders}."""
    from tests.i18n_tool import load

    tool = load()
    exact: dict[str, str] = {}
    patterns = []
    for msgid in tool.extract():
        shown = plain(msgid)
        if not re.search(r"[A-Za-z]{3}", re.sub(r"\{[^}]*\}", "", shown)):
            continue  # "{n}", "A4", "ID": the same in every language
        if "{" in msgid:
            parts = re.split(r"\{[^{}]*\}", shown)
            if sum(len(p) for p in parts) >= 8:
                patterns.append((re.compile(".+?".join(map(re.escape, parts)) + r"\Z",
                                            re.S), msgid))
        else:
            exact[shown] = msgid
    return exact, patterns


def plain(text: str) -> str:
    """Text as shown: "&&" is an ampersand, a lone "&" marks the shortcut key."""
    return re.sub(r"&(&?)", r"\1", text).strip()


def untranslated(text: str) -> str | None:
    """The msgid ``text`` is, if it is one shown untranslated (the catalogue has another
    wording for it in the language now set)."""
    exact, patterns = _catalogue()
    shown = plain(text)
    msgid = exact.get(shown)
    if msgid is None and "\n" not in shown and len(shown) < 400:
        msgid = next((m for pattern, m in patterns if pattern.match(shown)), None)
    if msgid is None:
        return None
    if plain(_(msgid)) != plain(msgid) or (language() != "en" and msgid not in translated()):
        return msgid
    return None


def ends_with_ellipsis() -> set[str]:
    """The code's strings that end with "…" ("Print papers…"), as shown in the language now
    set: such a label is not a text cut short."""
    exact, _patterns = _catalogue()
    return {plain(_(msgid)) for msgid in exact.values() if msgid.endswith("…")}


def translated() -> set[str]:
    """The strings the catalogue of the language now set has a translation for."""
    catalogue = getattr(i18n._translation, "_catalog", {})
    return {k if isinstance(k, str) else k[0] for k in catalogue}


def shown_texts(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every text the user can see in ``top`` now."""
    found: list[tuple[str, str]] = [("window title", top.windowTitle())]
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top):
            continue
        name = type(widget).__name__
        if isinstance(widget, QLabel) and not widget.pixmap().isNull():
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            found.append((name, widget.text()))
        elif isinstance(widget, QGroupBox):
            found.append((name, widget.title()))
        elif isinstance(widget, QLineEdit):
            found.append((name + " placeholder", widget.placeholderText()))
        elif isinstance(widget, QComboBox):
            found += [(name, widget.itemText(i)) for i in range(widget.count())]
        elif isinstance(widget, QTabWidget):
            found += [(name, widget.tabText(i)) for i in range(widget.count())]
        elif isinstance(widget, QListWidget):
            found += [(name, widget.item(i).text()) for i in range(min(widget.count(), 50))]
        if isinstance(widget, (QTableView, QTreeView)) and widget.model() is not None:
            model = widget.model()
            found += [(name + " header", str(model.headerData(c, Qt.Orientation.Horizontal)))
                      for c in range(model.columnCount())]
    if isinstance(top, QMainWindow):
        for act in top.menuBar().actions():
            found.append(("menu", act.text()))
            menu = act.menu()
            if isinstance(menu, QMenu):
                found += [("menu item", a.text()) for a in menu.actions() if a.text()]
    return [(where, text) for where, text in found if text and text != "None"]


def clipped(top: QWidget, known: bool = False) -> list[str]:
    """Labels and buttons whose text does not fit them (with ``known``, only those of
    :data:`KNOWN_CUT`)."""
    problems = []
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top) or widget.width() <= 1:
            continue
        if (widget.objectName() in KNOWN_CUT) != known:
            continue

        if isinstance(widget, QLabel) and widget.pixmap().isNull() and widget.text():
            text = widget.text()
            if "<" in text and ">" in text:
                continue  # rich text lays itself out
            room = widget.contentsRect()
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
                # A line's leading may overhang (the projector's 230 px digits): a cut line
                # is a whole line missing, far more than a tenth of one.
                if needed > widget.height() + max(2, widget.fontMetrics().lineSpacing() // 10):
                    problems.append(f"wrapped label cut off ({needed}>{widget.height()} px): "
                                    f"{text[:80]!r}")
                continue
            if text.rstrip().endswith("…") and not widget.toolTip() \
                    and plain(text) not in ends_with_ellipsis():
                problems.append(f"label cut short with no tooltip: {text[:80]!r}")
            if widget.buddy() is not None or "&&" in text:
                text = plain(text)  # the shortcut's "&" is not drawn
            needed = max(widget.fontMetrics().horizontalAdvance(line)
                         for line in text.split("\n"))
            if needed > room.width() + 2 and not widget.toolTip():
                problems.append(f"label {needed}>{room.width()} px: {text[:80]!r}")
        elif isinstance(widget, QAbstractButton) and widget.text() \
                and type(widget).__name__ in ("QPushButton", "QCheckBox", "QRadioButton") \
                and widget.sizeHint().width() > widget.width() + 2 and not widget.toolTip():
            problems.append(f"button {widget.sizeHint().width()}>{widget.width()} px: "
                            f"{plain(widget.text())[:80]!r}")
    return problems


def event_data(window: MainWindow) -> set[str]:
    """What the event file holds (the pool's columns and values, the event's name): shown as
    typed, in whatever language the organisers typed it."""
    from facilitator.people import list_participants

    assert window.store is not None
    people = list_participants(window.store)
    data = {window.store.name} | {p.name for p in people}
    for person in people:
        data |= set(person.attributes) | {str(v) for v in person.attributes.values()}
    return data


def squeezed(top: QWidget) -> list[str]:
    """Fields, buttons and one-line labels given less height than their text needs."""
    problems = []
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, (QLabel, QAbstractButton, QComboBox, QLineEdit)) \
                or not widget.isVisibleTo(top) or (isinstance(widget, QLabel)
                                                   and widget.wordWrap()):
            continue
        if widget.height() < widget.sizeHint().height() - 4:
            text = widget.currentText() if isinstance(widget, QComboBox) else \
                widget.placeholderText() if isinstance(widget, QLineEdit) else widget.text()
            problems.append(f"{type(widget).__name__} squeezed to {widget.height()} px high "
                            f"(needs {widget.sizeHint().height()}): {plain(text)[:60]!r}")
    return problems


def check(top: QWidget, where: str, data: set[str]) -> list[str]:
    """Untranslated and clipped text in ``top`` (``data``: the event's own words, left out)."""
    problems = [f"{where}: {kind} shows {text[:90]!r} in English"
                for kind, text in shown_texts(top) if text not in data and untranslated(text)]
    problems += [f"{where}: {p}" for p in clipped(top)]
    if not KNOWN_SQUEEZED & set(where.split()):
        problems += [f"{where}: {p}" for p in squeezed(top)]
    return problems


def projector_views(window: MainWindow) -> Iterator[str]:
    """Put the demo event in the states the projector shows in turn: the welcome, a plenary
    with someone speaking and people waiting, a question's result."""
    from facilitator.ballots import list_rounds
    from facilitator.people import list_participants
    from facilitator.results import ops as results
    from facilitator.timing import ops as timing

    store = window.store
    assert store is not None
    yield "welcome"
    present = [p for p in list_participants(store) if p.present][:3]
    for person in present:
        timing.enqueue(store, person.id, actor="test")
    timing.start_next(store, actor="test")
    yield "plenary"
    first = list_rounds(store)[0]
    results.set_live(store, first.id, True, actor="test")
    results.set_projected(store, (first.id, 0), actor="test")
    yield "result"


def settle() -> None:
    for _round in range(3):
        QCoreApplication.processEvents()


@pytest.fixture(params=LANGUAGES)
def window(request: pytest.FixtureRequest, qtbot: QtBot, qapp: QApplication, tmp_path: Path,
           clock: FakeClock, context: AppContext) -> Iterator[MainWindow]:
    apply_language(qapp, request.param)
    with demo_window(qtbot, context, tmp_path, clock, SCREEN) as win:
        yield win
    apply_language(qapp, "en")


def test_every_page_and_the_projector_is_translated_and_nothing_is_cut(
        window: MainWindow, request: pytest.FixtureRequest) -> None:
    language = request.node.callspec.params["window"]
    data = event_data(window)
    problems: list[str] = []
    for key in PAGE_KEYS:
        window.show_page(key)
        settle()
        problems += check(window, f"{language} {key}", data)
        save_screens(window, f"i18n-{language}-{key}", (SCREEN,))
        for tabs in window.pages[key].findChildren(QTabWidget):
            for index in range(1, tabs.count() if tabs.isVisibleTo(window) else 0):
                tabs.setCurrentIndex(index)
                settle()
                problems += check(window, f"{language} {key} tab {index + 1}", data)
                save_screens(window, f"i18n-{language}-{key}-tab{index + 1}", (SCREEN,))
            tabs.setCurrentIndex(0)
    window.toggle_projector()
    settle()
    projector = window.projector
    assert projector is not None
    projector.resize(SCREEN)
    settle()
    for view in projector_views(window):
        projector.refresh()
        settle()
        problems += check(projector, f"{language} projector {view}", data)
        save_screens(projector, f"i18n-{language}-projector-{view}", (SCREEN,))
    window.toggle_projector()
    for what, keys in window.shortcut_lines():
        if untranslated(what) or untranslated(keys):
            problems.append(f"{language} shortcuts: {what!r} in English")
    assert not problems, "\n".join(problems)


def test_the_main_dialogs_are_translated_and_nothing_is_cut(
        window: MainWindow, qtbot: QtBot, request: pytest.FixtureRequest) -> None:
    from facilitator.ballots import list_rounds
    from facilitator.people import list_participants
    from facilitator.tables.plans import SeatingRules
    from ui.pages.participants.dialogs import EditPersonDialog, RemovePersonDialog, WalkInDialog
    from ui.pages.qa.dialogs import ExpertsDialog
    from ui.pages.tables.constraints import ConstraintsDialog
    from ui.pages.voting.dialogs import NoteDialog, PrintDialog, RoundDialog

    language = request.node.callspec.params["window"]
    store = window.store
    assert store is not None
    rounds = list_rounds(store)
    people = list_participants(store)
    columns = {"Area": ["North", "South"]}
    dialogs: list[QDialog] = [
        WalkInDialog(columns, window),
        EditPersonDialog(people[0], columns, window),
        RemovePersonDialog(people[0], [], window),
        RoundDialog(None, window),
        RoundDialog(rounds[0], window),
        PrintDialog(rounds[0], 30, [1], window),
        NoteDialog(_("Close “{title}”").format(title=rounds[0].title),
                   _("The figures agree. A note is optional."), False, window),
        ExpertsDialog(people, set(), True, window),
        ConstraintsDialog(SeatingRules(), people, columns, 3, 8, window),
    ]
    problems: list[str] = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        settle()
        problems += check(dialog, f"{language} {type(dialog).__name__}", event_data(window))
        save_screens(dialog, f"i18n-{language}-{type(dialog).__name__}", (dialog.size(),))
        dialog.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("window", ["en"], indirect=True)
def test_the_known_cut_labels_are_still_cut_in_english(window: MainWindow) -> None:
    """When a page's layout is fixed, its label leaves :data:`KNOWN_CUT` (and is checked)."""
    for page in sorted(set(KNOWN_CUT.values())):
        window.show_page(page)
        settle()
        assert clipped(window, known=True), f"the {page} page's big label fits now: " \
            "take it off KNOWN_CUT"


@pytest.mark.parametrize("window", ["en"], indirect=True)
def test_the_known_full_screens_fit_in_english(window: MainWindow, qtbot: QtBot) -> None:
    from ui.pages.voting.dialogs import RoundDialog

    problems = []
    assert window.store is not None
    from facilitator.ballots import list_rounds

    dialog = RoundDialog(list_rounds(window.store)[0], window)
    qtbot.addWidget(dialog)
    dialog.show()
    settle()
    problems += squeezed(dialog)
    dialog.close()
    assert not problems, "\n".join(problems)


def test_the_checker_catches_cut_squeezed_and_english_text(qtbot: QtBot,
                                                           qapp: QApplication) -> None:
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    apply_language(qapp, "cy")
    try:
        top = QWidget()
        qtbot.addWidget(top)
        layout = QVBoxLayout(top)
        wide = QLabel("A label far too long for the forty pixels it is given here")
        wide.setFixedWidth(40)
        squeezed_button = QPushButton(_("Add question"))
        squeezed_button.setFixedSize(30, 8)
        cut_short = QLabel("Everything confirmed so far is sa…")
        english = QLabel("Tables")  # a string the Welsh catalogue translates
        for widget in (wide, squeezed_button, cut_short, english):
            layout.addWidget(widget)
        top.show()
        settle()
        found = "\n".join(check(top, "sample", set()))
        assert "label" in found and "far too long" in found
        assert "button" in found and "Ychwanegu cwestiwn" in found
        assert "squeezed" in found
        assert "cut short with no tooltip" in found
        assert "'Tables' in English" in found
    finally:
        apply_language(qapp, "en")
