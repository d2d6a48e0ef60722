"""The desktop's language: asked at the first start, changed from the Language menu (or
``facilitator --language cy``), kept in ``settings.json`` in the app's settings folder.

One call, :func:`apply_language`, switches everything the app draws: the catalogue
(:func:`facilitator.i18n.set_language`: windows, dialogs, projector, printed sheets), Qt's
own words (dialog buttons, the text fields' menu: the ``qtbase_<lang>.qm`` Qt ships, and for
Welsh, which Qt does not ship, the few standard buttons in :data:`WELSH_QT`), and the layout
direction (right to left for Arabic: the sidebar moves to the right, text aligns right).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import LANGUAGES, _, is_rtl, language, set_language

SETTINGS_FILE = "settings.json"
FIRST_TITLE = "Language · Iaith · اللغة"
FIRST_QUESTION = ("Choose the language of Facilitator.\n"
                  "Dewiswch iaith Facilitator.\n"
                  "اختر لغة Facilitator.")
"""The first start's question, asked before any language is set: in all three."""

WELSH_QT: dict[str, str] = {
    "OK": "Iawn", "Cancel": "Diddymu", "&Yes": "&Ie", "&No": "&Na", "Yes to &All": "Ie i &Bob un",
    "N&o to All": "Na i'r c&yfan", "Save": "Cadw", "Save All": "Cadw'r cyfan", "Open": "Agor",
    "Close": "Cau", "Apply": "Gweithredu", "Reset": "Ailosod", "Help": "Cymorth",
    "Discard": "Gwaredu", "Don't Save": "Peidio â chadw", "Close without Saving":
    "Cau heb gadw", "Abort": "Terfynu", "Retry": "Ceisio eto", "Ignore": "Anwybyddu",
    "Restore Defaults": "Adfer y rhagosodiadau", "Show Details...": "Dangos manylion...",
    "Hide Details...": "Cuddio manylion...", "&Undo": "&Dadwneud", "&Redo": "&Ailwneud",
    "Cu&t": "&Torri", "&Copy": "&Copïo", "&Paste": "&Gludo", "Delete": "Dileu",
    "Select All": "Dewis y cyfan", "&OK": "&Iawn", "&Cancel": "&Diddymu",
    "Look in:": "Edrych yn:", "File &name:": "&Enw'r ffeil:", "Files of type:": "Math o ffeil:",
    "&Open": "&Agor", "&Save": "&Cadw", "&Choose": "&Dewis",
}
"""Qt ships no Welsh: its standard buttons and the text fields' menu, translated here
(source texts of Qt's QPlatformTheme, QMessageBox, QWidgetTextControl, QLineEdit and
QFileDialog contexts). Machine draft, needs native review, like the catalogue."""


class _WelshQt(QTranslator):
    def translate(self, context: str, source: str,
                  disambiguation: str | None = None, n: int = -1) -> str | None:
        return WELSH_QT.get(source)  # None: Qt keeps its English ("" would blank it)

    def isEmpty(self) -> bool:
        return False


_installed: list[QTranslator] = []


def settings_file(config_dir: Path) -> Path:
    return config_dir / SETTINGS_FILE


def _read(config_dir: Path) -> dict[str, object]:
    try:
        raw = json.loads(settings_file(config_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


def saved_language(config_dir: Path) -> str | None:
    """The language chosen before (None: never chosen, so the first start asks)."""
    code = _read(config_dir).get("language")
    return code if isinstance(code, str) and code in LANGUAGES else None


def save_language(config_dir: Path, code: str) -> None:
    """Keep ``code`` for the next starts (other settings in the file are kept)."""
    settings = _read(config_dir)
    settings["language"] = code
    try:
        config_dir.mkdir(parents=True, exist_ok=True)
        settings_file(config_dir).write_text(json.dumps(settings, indent=1), encoding="utf-8")
    except OSError:
        pass  # the language is still switched now; it is asked again next time


def system_language() -> str:
    """The machine's language if the app has it (to suggest at the first start), else English."""
    code = QLocale.system().name().split("_")[0]
    return code if code in LANGUAGES else "en"


def apply_language(app: QApplication, code: str) -> None:
    """Switch the catalogue, Qt's own words and the layout direction to ``code``."""
    code = code if code in LANGUAGES else "en"
    set_language(code)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if code == "cy":
        _installed.append(_WelshQt(app))
    elif code != "en":
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name in (f"qtbase_{code}", f"qt_{code}"):
            translator = QTranslator(app)
            if translator.load(name, folder):
                _installed.append(translator)
                break
    for translator in _installed:
        app.installTranslator(translator)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_rtl(code)
                           else Qt.LayoutDirection.LeftToRight)


def qt_translated(source: str) -> str:
    """Qt's own text for ``source`` (a standard button) in the language now installed."""
    for translator in reversed(_installed):
        for context in ("QPlatformTheme", "QDialogButtonBox", "QMessageBox"):
            text = translator.translate(context, source)
            if text:
                return text
    return source


class LanguageDialog(QDialog):
    """The first start's question: one button for each language, named in itself."""

    def __init__(self, suggested: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chosen: str | None = None
        self.setWindowTitle(FIRST_TITLE)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(FIRST_QUESTION))
        self.buttons: dict[str, QPushButton] = {}
        for code, name in LANGUAGES.items():
            button = QPushButton(name)
            button.setMinimumHeight(44)
            button.clicked.connect(lambda _checked=False, c=code: self._choose(c))
            layout.addWidget(button)
            self.buttons[code] = button
        self.buttons.get(suggested, self.buttons["en"]).setDefault(True)
        self.buttons.get(suggested, self.buttons["en"]).setFocus()

    def _choose(self, code: str) -> None:
        self.chosen = code
        self.accept()


def ask_language(suggested: str) -> str | None:
    """Show :class:`LanguageDialog`; the code chosen, or None if it was closed."""
    dialog = LanguageDialog(suggested)
    dialog.exec()
    return dialog.chosen


def language_menu(menu: QMenu, parent: QWidget, choose: Callable[[str], None]) -> QMenu:
    """Fill ``menu`` with one checkable entry per language (named in itself, the one in use
    ticked); picking another calls ``choose(code)``."""
    group = QActionGroup(menu)
    group.setExclusive(True)
    for code, name in LANGUAGES.items():
        act = QAction(name, menu)
        act.setCheckable(True)
        act.setChecked(code == language())
        act.setData(code)
        group.addAction(act)
        menu.addAction(act)

        def picked(_checked: bool = False, c: str = code) -> None:
            if c != language():
                choose(c)

        act.triggered.connect(picked)
    return menu


def start_language(app: QApplication, config_dir: Path, flag: str | None, *,
                   may_ask: bool, ask: Callable[[str], str | None] = ask_language) -> str:
    """Apply the language this start uses and return it: ``--language`` (kept for the next
    starts), else the one kept, else (the first start) the one asked, kept. Not asked when
    nobody can answer (``may_ask`` False: offscreen, a timed start) or when the question is
    closed: then the machine's language if the app has it, and asked again next time."""
    code = flag or saved_language(config_dir)
    if code is None and may_ask:
        code = ask(system_language())
        if code is not None:
            save_language(config_dir, code)
    elif flag is not None:
        save_language(config_dir, flag)
    code = code or system_language()
    apply_language(app, code)
    return code


def changed_message(code: str) -> str:
    """What the window says after switching to ``code`` (in that language)."""
    return _("Facilitator is now in {language}. The window was rebuilt in it: the event "
             "stays open; the projector window was closed.").format(language=LANGUAGES[code])
