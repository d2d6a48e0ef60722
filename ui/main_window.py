"""The main window: a sidebar of the day's jobs, one page per job, the projector."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.errors import UserError
from facilitator.i18n import _, ngettext
from facilitator.store import FILE_SUFFIX, EventStore
from facilitator.store.owner import canonical
from facilitator.timing.ops import resume_after_restart
from facilitator.timing.queries import current_turn
from ui.bus import ChangeBus
from ui.context import AppContext
from ui.language import language_menu
from ui.pages.base import APP_ACTOR
from ui.sound import Chime
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from ui.projector import ProjectorWindow  # imported when first opened (it loads pages)

PAGE_KEYS = ("participants", "tables", "plenary", "qa", "voting", "results", "theatre",
             "polls", "stations", "reading")
IDLE_BUILD_AFTER_MS = 50
"""After the window shows, the wait before the other pages are built (its first paint comes
first); then one page per turn of the event loop."""


class PageSet(Mapping[str, QWidget]):
    """The window's pages by key, each built (its module imported, too) the first time it
    is asked for: the window shows with one page built, the others follow on idle or as soon
    as something asks (issue 14). ``key in pages`` and ``len(pages)`` build nothing;
    ``pages[key]``, ``get``, ``values`` and ``items`` build what they return."""

    def __init__(self, builders: Mapping[str, Callable[[], QWidget]],
                 on_built: Callable[[QWidget], object]) -> None:
        self._builders = dict(builders)
        self._on_built = on_built
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        page = self._built.get(key)
        if page is None:
            page = self._builders[key]()
            self._built[key] = page
            self._on_built(page)
        return page

    def __contains__(self, key: object) -> bool:
        return key in self._builders

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)

    @property
    def built(self) -> dict[str, QWidget]:
        """The pages built so far (asking builds none)."""
        return dict(self._built)

    def build_next(self) -> bool:
        """Build the first page not built yet; False if there was none left."""
        key = next((k for k in self._builders if k not in self._built), None)
        if key is None:
            return False
        self[key]
        return True


def page_shortcut(number: int) -> str:
    """The page shortcut of the ``number``-th page: Ctrl+1 … Ctrl+9, then Ctrl+0."""
    return f"Ctrl+{number % 10}"


_WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


def event_file_name(name: str) -> str:
    """The file name suggested for a new event called ``name``: the name as typed (spaces,
    apostrophes, brackets and accents kept), less only what Windows refuses in a file name
    (``<>:"/\\|?*``, control characters, trailing dots and spaces, CON, NUL…)."""
    kept = "".join(" " if ch in _WINDOWS_FORBIDDEN or ord(ch) < 32 else ch for ch in name)
    stem = " ".join(kept.split()).rstrip(". ")[:120].rstrip(". ")
    if not stem or stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = f"{stem} event".strip()
    return f"{stem}{FILE_SUFFIX}"


def available_size(widget: QWidget) -> QSize:
    """The room the screen the window opens on leaves for windows (less any task bar)."""
    screen = widget.screen()
    return screen.availableGeometry().size() if screen is not None else QSize(1366, 728)


DEFAULT_SIZE = QSize(1280, 800)
MINIMUM_SIZE = QSize(960, 600)
FRAME_ALLOWANCE = QSize(16, 40)
"""Room left for the window's title bar and borders, which the window's size leaves out."""


def initial_size(available: QSize) -> QSize:
    """The default size, shrunk so that the window and its frame fit on ``available``."""
    return QSize(max(MINIMUM_SIZE.width(), min(DEFAULT_SIZE.width(),
                                                available.width() - FRAME_ALLOWANCE.width())),
                 max(MINIMUM_SIZE.height(), min(DEFAULT_SIZE.height(),
                                                available.height() - FRAME_ALLOWANCE.height())))


def _ask_during_vote(parent: QWidget, questions: list[str], what_then: str,
                     go: str) -> bool:
    """Whether to stop serving phones while ``questions`` are open to them (the button
    ``go`` says yes)."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("Phone voting is open"), ngettext(
        "A question is open to phones:\n{questions}",
        "{n} questions are open to phones:\n{questions}", len(questions)).format(
            n=len(questions), questions="\n".join(questions)), parent=parent)
    box.setInformativeText(what_then)
    go_button = box.addButton(go, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(_("&Keep voting open"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is go_button


def ask_quit_during_vote(parent: QWidget, questions: list[str]) -> bool:
    """Whether to quit while phones can vote (``questions``: what is open to them)."""
    return _ask_during_vote(parent, questions, _(
        "If you quit now, phones cannot vote until Facilitator is running again. The votes "
        "already cast are kept, and the question stays open: it takes votes again when you "
        "open this event and start phone voting. To end the vote, close the question on the "
        "Voting page first."), _("&Quit anyway"))


def ask_leave_during_vote(parent: QWidget, questions: list[str]) -> bool:
    """Whether to open or create another event (which stops the phone server) while phones
    can vote on ``questions``."""
    return _ask_during_vote(parent, questions, _(
        "If you open or create another event now, phones cannot vote until this event is "
        "open again. The votes already cast are kept, and the question stays open: it takes "
        "votes again when you open this event and start phone voting. To end the vote, "
        "close the question on the Voting page first."), _("&Close this event anyway"))


def ask_new_event(parent: QWidget) -> tuple[Path, str] | None:
    name, ok = QInputDialog.getText(parent, _("New event"), _("Name of the event:"))
    if not ok or not name.strip():
        return None
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save the new event as"), event_file_name(name.strip()),
        _("Facilitator events (*{suffix})").format(suffix=FILE_SUFFIX))
    if not path:
        return None
    file = Path(path)
    if file.suffix != FILE_SUFFIX:
        file = file.with_name(file.name + FILE_SUFFIX)
    return file, name.strip()


def ask_open_event(parent: QWidget) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Open an event"), "",
        _("Facilitator events (*{suffix});;All files (*)").format(suffix=FILE_SUFFIX))
    return Path(path) if path else None


class MainWindow(QMainWindow):
    event_opened = Signal(object)
    """The Path of the event now shown (the second-launch listener follows it)."""
    all_pages_built = Signal()
    """Every page of the event shown exists (once per event, after the idle builds)."""

    def __init__(
        self,
        context: AppContext,
        store: EventStore | None = None,
        *,
        ask_new: Callable[[QWidget], tuple[Path, str] | None] = ask_new_event,
        ask_open: Callable[[QWidget], Path | None] = ask_open_event,
        ask_quit: Callable[[QWidget, list[str]], bool] = ask_quit_during_vote,
        ask_leave: Callable[[QWidget, list[str]], bool] = ask_leave_during_vote,
    ) -> None:
        super().__init__()
        self.context = context
        self.store: EventStore | None = None
        self.bus = ChangeBus(self)
        self.tasks = TaskRunner(self)
        self.chime = Chime(self)
        self.projector: ProjectorWindow | None = None
        self.pages = PageSet({}, self.stack_page)
        self._idle_builder = QTimer(self)
        self._idle_builder.setSingleShot(True)
        self._idle_builder.timeout.connect(self._on_idle_builder_timeout)
        self._rest_to_build = False
        self._ask_new = ask_new
        self._ask_open = ask_open
        self._ask_quit = ask_quit
        self._ask_leave = ask_leave
        self.setMinimumSize(MINIMUM_SIZE)
        self.resize(initial_size(available_size(self)))

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(_("Jobs of the day"))
        self.event_label = QLabel()
        self.event_label.setObjectName("sidebarEvent")
        self.event_label.setWordWrap(True)
        side = QWidget()
        side.setObjectName("sidePanel")
        side.setFixedWidth(220)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        side_layout.addWidget(self.event_label)
        side_layout.addWidget(self.sidebar, 1)
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.saved_label = QLabel()
        self.statusBar().addPermanentWidget(self.saved_label)
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row_changed)
        self.bus.saved.connect(self._on_bus_saved)

        self._make_menus()
        if store is not None:
            self.set_store(store)
        else:
            self._show_welcome()

    # -- menus and shortcuts ---------------------------------------------------------------------

    def _action(self, menu: QMenu, text: str, shortcut: str | QKeySequence.StandardKey | None,
                slot: Callable[[], object]) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _page_shower(self, key: str) -> Callable[[], None]:
        def show() -> None:
            self.show_page(key)

        return show

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        self._action(file_menu, _("&New event…"), QKeySequence.StandardKey.New,
                     self.new_event)
        self._action(file_menu, _("&Open event…"), QKeySequence.StandardKey.Open,
                     self.open_event_dialog)
        self.recent_menu = file_menu.addMenu(_("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        self._action(file_menu, _("Open the &demo event"), None, self.open_demo)
        file_menu.addSeparator()
        self.import_action = self._action(file_menu, _("&Import participants…"), "Ctrl+I",
                                          self._on_import_triggered)
        file_menu.addSeparator()
        self._action(file_menu, _("&Quit"), QKeySequence.StandardKey.Quit, self.close)

        view_menu = bar.addMenu(_("&View"))
        self.page_actions: list[QAction] = []
        titles = self._page_titles()
        for number, key in enumerate(PAGE_KEYS, start=1):
            act = self._action(view_menu, titles[key], page_shortcut(number),
                               self._page_shower(key))
            self.page_actions.append(act)
        view_menu.addSeparator()
        self.projector_action = self._action(view_menu, _("&Projector window"), "F5",
                                             self.toggle_projector)
        self._action(view_menu, _("&Full screen"), "F11", self._on_full_screen_triggered)

        self.language_menu = language_menu(bar.addMenu(_("&Language")), self,
                                           self.change_language)
        help_menu = bar.addMenu(_("&Help"))
        self._action(help_menu, _("&Keyboard shortcuts"), "F1", self.show_shortcuts)
        self._action(help_menu, _("&About Facilitator"), None, self._on_about_triggered)
        self._update_actions()

    def _page_titles(self) -> dict[str, str]:
        return {
            "participants": _("Participants"),
            "tables": _("Tables"),
            "plenary": _("Plenary"),
            "qa": _("Q&&A"),
            "voting": _("Voting"),
            "results": _("Results"),
            "theatre": _("Theatre"),
            "polls": _("Polls"),
            "stations": _("Stations"),
            "reading": _("Reading papers"),
        }

    def _update_actions(self) -> None:
        has_event = self.store is not None
        for act in [*self.page_actions, self.projector_action, self.import_action]:
            act.setEnabled(has_event)

    # -- events (files) ---------------------------------------------------------------------------

    def set_store(self, store: EventStore) -> None:
        """Show ``store``; the previous event (if any) is closed."""
        self._close_store()
        self.store = store
        self.context.recent.add(store.path)
        try:
            # A countdown that was running when the app (or the laptop) stopped goes on.
            resume_after_restart(store, self.context.clock, actor=APP_ACTOR)
        except UserError as exc:
            self.show_error(_("Cannot resume the plenary timers"), exc.message)
        self._build_pages(store)
        self.setWindowTitle(_("{event} — Facilitator").format(event=store.name))
        self.event_label.setText(store.name)
        self.saved_label.setText(
            _("Every change is saved in {file} as soon as it is made.").format(
                file=store.path.name))
        self._update_actions()
        self.show_page("participants")
        self._build_rest_when_idle()
        self.event_opened.emit(store.path)

    def _close_store(self) -> None:
        if self.projector is not None:
            self.projector.close()
            self.projector.deleteLater()
            self.projector = None
        self.tasks.wait()
        self._idle_builder.stop()
        self._rest_to_build = False
        for page in self.pages.built.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages = PageSet({}, self.stack_page)
        self.sidebar.clear()
        if self.store is not None:
            self.store.close()
            self.store = None

    def _page_builders(self, store: EventStore) -> dict[str, Callable[[], QWidget]]:
        """How each page is built; each imports its module only then (issue 14)."""
        bus, tasks, clock, chime = self.bus, self.tasks, self.context.clock, self.chime

        def participants() -> QWidget:
            from ui.pages.participants import ParticipantsPage
            return ParticipantsPage(store, bus, tasks)

        def tables() -> QWidget:
            from ui.pages.tables import TablesPage
            return TablesPage(store, bus, tasks)

        def plenary() -> QWidget:
            from ui.pages.plenary.page import PlenaryPage
            return PlenaryPage(store, bus, clock, chime)

        def qa() -> QWidget:
            from ui.pages.qa import QaPage
            return QaPage(store, bus, clock)

        def voting() -> QWidget:
            from ui.pages.voting import VotingPage
            return VotingPage(store, bus, tasks)

        def results() -> QWidget:
            from ui.pages.results import ResultsPage
            return ResultsPage(store, bus)

        def theatre() -> QWidget:
            from ui.pages.theatre import TheatrePage
            return TheatrePage(store, bus, clock, tasks=tasks)

        def polls() -> QWidget:
            from ui.pages.polls import PollsPage
            return PollsPage(store, bus, tasks=tasks)

        def stations() -> QWidget:  # other laptops (issue 18)
            from ui.pages.stations import StationsPage
            return StationsPage(store, bus)

        def reading() -> QWidget:  # issue 17
            from ui.pages.reading import ReadingPage
            return ReadingPage(store, bus, tasks, chime=chime)

        return {"participants": participants, "tables": tables, "plenary": plenary, "qa": qa,
                "voting": voting, "results": results, "theatre": theatre, "polls": polls,
                "stations": stations, "reading": reading}

    def stack_page(self, page: QWidget) -> None:
        """Put a page just built into the window (hidden until shown)."""
        self.stack.addWidget(page)

    def _build_pages(self, store: EventStore) -> None:
        """The sidebar, and the pages built as they are first asked for; but the Plenary
        page at once while a speaker's countdown runs: it chimes at each stage whichever
        page is shown, and it must see the countdown before a stage passes."""
        titles = self._page_titles()
        plain = {k: v.replace("&&", "&") for k, v in titles.items()}
        self.pages = PageSet(self._page_builders(store), self.stack_page)
        self._rest_to_build = True
        turn = current_turn(store)
        if turn is not None and turn.countdown.running:
            self.pages["plenary"]
        for number, key in enumerate(PAGE_KEYS, start=1):
            item = QListWidgetItem(f"{plain[key]}")
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(_("Ctrl+{n}").format(n=number % 10))
            item.setSizeHint(QSize(200, 48))
            self.sidebar.addItem(item)

    def _show_welcome(self) -> None:
        welcome = QWidget()
        layout = QVBoxLayout(welcome)
        layout.setContentsMargins(48, 48, 48, 48)
        title = QLabel(_("Facilitator"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        layout.addWidget(QLabel(_("Open an event to start the day, or try the demo event.")))
        for text, slot in ((_("&New event…"), self.new_event),
                           (_("&Open event…"), self.open_event_dialog),
                           (_("Open the &demo event"), self.open_demo)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            layout.addWidget(button)
        layout.addStretch(1)
        self.pages = PageSet({"welcome": lambda: welcome}, self.stack_page)
        self.pages["welcome"]
        self._rest_to_build = True  # none: all_pages_built comes once the window shows
        self.event_label.setText(_("No event open"))
        self.setWindowTitle(_("Facilitator"))
        self._build_rest_when_idle()

    def new_event(self) -> None:
        answer = self._ask_new(self)
        if answer is None:
            return
        path, name = answer
        if not self._may_leave_event():
            return
        try:
            store = EventStore.create(path, name, self.context.clock)
        except UserError as exc:
            self.show_error(_("Cannot create the event"), exc.message)
            return
        self.set_store(store)

    def open_event_dialog(self) -> None:
        path = self._ask_open(self)
        if path is not None:
            self.open_event(path)

    def _is_open(self, path: Path) -> bool:
        return self.store is not None and canonical(self.store.path) == canonical(path)

    def open_event(self, path: Path) -> bool:
        """Open ``path`` in place of the current event; refused (the current one stays) if
        another program has it. The current event again: nothing to do."""
        if self._is_open(path):
            return True
        if not self._may_leave_event():
            return False
        try:
            store = EventStore.open(path, self.context.clock)
        except UserError as exc:
            self.show_error(_("Cannot open the event"), exc.message)
            return False
        self.set_store(store)
        return True

    def open_demo(self) -> None:
        from facilitator.demo import create_demo_event

        path = self.context.demo_path
        if self._is_open(path) or not self._may_leave_event():
            return
        try:
            if path.exists():
                store = EventStore.open(path, self.context.clock)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                store = create_demo_event(path, self.context.clock, with_votes=True)
        except (UserError, OSError) as exc:
            self.show_error(_("Cannot open the demo event"), str(exc))
            return
        self.set_store(store)

    def _may_leave_event(self) -> bool:
        """Whether the event shown may close for another (asked while phones can vote: its
        pages, and the phone server with them, close)."""
        open_now = self.open_phone_questions()
        return not open_now or self._ask_leave(self, open_now)

    def _on_recent_menu_about_to_show(self) -> None:
        self.recent_menu.clear()
        recent = self.context.recent.existing()
        if not recent:
            act = self.recent_menu.addAction(_("(no recent events)"))
            act.setEnabled(False)
            return
        for number, path in enumerate(recent, start=1):
            act = self.recent_menu.addAction(f"&{number} {path.name} — {path.parent}")
            act.triggered.connect(lambda checked=False, p=path: self.open_event(p))

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.critical(self, title, message)

    # -- pages ---------------------------------------------------------------------------------

    def show_page(self, key: str) -> None:
        if key not in self.pages:
            return
        row = PAGE_KEYS.index(key)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)
        else:
            self._on_sidebar_row_changed(row)

    def current_page_key(self) -> str | None:
        widget = self.stack.currentWidget()
        return next((k for k, w in self.pages.built.items() if w is widget), None)

    def _on_sidebar_row_changed(self, row: int) -> None:
        if not 0 <= row < len(PAGE_KEYS) or PAGE_KEYS[row] not in self.pages:
            return
        page = self.pages[PAGE_KEYS[row]]
        self.stack.setCurrentWidget(page)
        page.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._build_rest_when_idle()

    def _build_rest_when_idle(self) -> None:
        """Build the pages not built yet once the window shows, one per event-loop turn."""
        if self._rest_to_build and self.isVisible() and not self._idle_builder.isActive():
            self._idle_builder.start(IDLE_BUILD_AFTER_MS)

    def _on_idle_builder_timeout(self) -> None:
        if self.pages.build_next():
            self._idle_builder.start(0)  # the next one after whatever else is waiting
        else:
            self._rest_to_build = False
            self.all_pages_built.emit()

    def _on_import_triggered(self) -> None:
        from ui.pages.participants import ParticipantsPage

        page = self.pages.get("participants")
        if isinstance(page, ParticipantsPage):
            self.show_page("participants")
            page.import_button.click()

    # -- projector and misc ------------------------------------------------------------------------

    def toggle_projector(self) -> None:
        if self.store is None:
            return
        if self.projector is None:
            from ui.projector import ProjectorWindow

            self.projector = ProjectorWindow(self.store, self.bus, self.context.clock)
        if self.projector.isVisible():
            self.projector.hide()
        else:
            self.projector.show_on_best_screen()
            self.activateWindow()

    def _on_full_screen_triggered(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def _on_bus_saved(self) -> None:
        if self.store is not None:
            self.saved_label.setText(_("Saved in {file} at {time}").format(
                file=self.store.path.name,
                time=self.context.clock.now().astimezone().strftime("%H:%M:%S")))

    def shortcut_lines(self) -> list[tuple[str, str]]:
        return [
            (_("Check in (scan field or list)"), _("Enter")),
            (_("Find or scan"), "Ctrl+F"),
            (_("Move from search to the list"), "↓"),
            (_("Undo check-in"), "Ctrl+U"),
            (_("Mark / clear no-show"), "Ctrl+Shift+X"),
            (_("Add a walk-in"), "Ctrl+Shift+A"),
            (_("Import participants"), "Ctrl+I"),
            (_("Pages, in the sidebar's order"), "Ctrl+1 … Ctrl+9, Ctrl+0"),
            (_("Plenary: queue the typed name / as a direct reply"),
             _("Enter / Ctrl+Enter")),
            (_("Plenary: next speaker"), "F6"),
            (_("Plenary: pause or resume"), "F7"),
            (_("Plenary: +30 s / +1 min"), "F8 / Shift+F8"),
            (_("Plenary: end turn"), "F9"),
            (_("Plenary: next agenda item"), "F10"),
            (_("Plenary: remove / move in queue"), _("Delete / Alt+↑ Alt+↓")),
            (_("Q&A: add the typed question"), _("Ctrl+Enter")),
            (_("Q&A: approve / hide / edit / merge"), _("F3 / Delete / F2 / Ctrl+M")),
            (_("Q&A: votes (main keys or keypad)"), _("+ / -")),
            (_("Q&A: ask selected / ask next"), _("Enter / F6")),
            (_("Q&A: answered / written answer / decline"), _("F9 / F10 / Ctrl+D")),
            (_("Tables: undo / redo a change"), "Ctrl+Z / Ctrl+Shift+Z"),
            (_("Tables: lock or unlock the selected person"), "Ctrl+L"),
            (_("Tables: move the selected person to a table"), "Ctrl+M"),
            (_("Voting: scan a paper, key the marks, save"), _("Scan, digits, Enter")),
            (_("Voting: next / previous question; put a paper aside"),
             _("Tab / Shift+Tab; Esc")),
            (_("Voting: unreadable question / spoiled paper"), "/ / *"),
            (_("Voting: first, second keying, adjudicate, hand out"), "Alt+1 … Alt+4"),
            (_("Voting: undo entry; new round; print papers"),
             "Ctrl+U; Ctrl+Shift+N; Ctrl+P"),
            (_("Results: print / save PDF / show on projector"),
             "Ctrl+P / Ctrl+Shift+S / Ctrl+J"),
            (_("Projector window"), "F5"),
            (_("Full screen"), "F11"),
            (_("New / open event"), "Ctrl+N / Ctrl+O"),
        ]

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td>{what}</td><td><b>{keys}</b></td></tr>"
                       for what, keys in self.shortcut_lines())
        QMessageBox.information(self, _("Keyboard shortcuts"), f"<table>{rows}</table>")

    def _on_about_triggered(self) -> None:
        from facilitator import __version__

        QMessageBox.about(self, _("About Facilitator"), _(
            "Facilitator {version}\nFor the day of a citizens' assembly. Works offline.\n"
            "Licensed under the GNU GPL, version 3 or later.").format(version=__version__))

    def open_phone_questions(self) -> list[str]:
        """What phones can vote on now ("Round title: question"), for the quit warning."""
        if self.store is None:
            return []
        from facilitator.lan.queries import phone_questions  # not needed to show the window

        return [f"{q.round_title}: {q.question.text}"
                for q in phone_questions(self.store, open_only=True)]

    # -- language ------------------------------------------------------------------------------

    def change_language(self, code: str) -> None:
        """Switch to ``code`` (Language menu), keep it for the next starts, and rebuild the
        window in it; refused while phone voting runs (rebuilding would stop the server)."""
        from PySide6.QtWidgets import QApplication

        from ui.language import apply_language, changed_message, save_language

        voting = self.pages.built.get("voting")  # not built: its server was never started
        if getattr(getattr(voting, "phone_panel", None), "server", None):
            self.show_error(_("Cannot change the language now"), _(
                "Phone voting is on: stop it on the Voting page first (the window is rebuilt "
                "in the new language, which would stop it)."))
            return
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        save_language(self.context.config_dir, code)
        apply_language(app, code)
        self.retranslate()
        self.statusBar().showMessage(changed_message(code), 15000)

    def retranslate(self) -> None:
        """Build the menus and the pages again in the language now set: the event stays
        open and the page shown stays shown; the projector window closes."""
        shown = self.current_page_key()
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            self.menuBar().removeAction(menu_action)
            if isinstance(menu, QMenu):
                for act in menu.actions():
                    if act.parent() is self:
                        act.deleteLater()
                menu.deleteLater()
        self._make_menus()
        self.sidebar.setAccessibleName(_("Jobs of the day"))
        store = self.store
        if store is None:
            for page in self.pages.built.values():
                self.stack.removeWidget(page)
                page.deleteLater()
            self._show_welcome()
            return
        if self.projector is not None:
            self.projector.close()
            self.projector.deleteLater()
            self.projector = None
        self.tasks.wait()
        self._idle_builder.stop()
        old, self.pages = self.pages, PageSet({}, self.stack_page)
        for page in old.built.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.sidebar.clear()
        self._build_pages(store)
        self.setWindowTitle(_("{event} — Facilitator").format(event=store.name))
        self.saved_label.setText(
            _("Every change is saved in {file} as soon as it is made.").format(
                file=store.path.name))
        self._update_actions()
        self.show_page(shown if shown in PAGE_KEYS else "participants")
        self._build_rest_when_idle()

    def closeEvent(self, event: QCloseEvent) -> None:
        open_now = self.open_phone_questions()
        if open_now and not self._ask_quit(self, open_now):
            event.ignore()
            return
        self._close_store()
        super().closeEvent(event)
