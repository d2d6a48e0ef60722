"""The app started as a station (``facilitator --station``): pair with the main laptop, then
check people in, key papers and capture Q&A questions for it (facilitator.stations).

Everything done here is first kept on this laptop (the outbox, on disk before the screen
says "queued"), then sent by a background thread, which also keeps the event data it needs
(participants, open rounds, panels) in a cached copy, so the station keeps working while the
Wi-Fi is down. A banner says when the main laptop cannot be reached and how many items wait;
the Conflicts tab lists what the main laptop refused, with its reason, for a person to
resolve.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator import codes
from facilitator.ballots import codes as ballot_codes
from facilitator.ballots.model import BallotRound, Paper
from facilitator.ballots.questions import Question
from facilitator.errors import UserError
from facilitator.i18n import _, ngettext
from facilitator.people.model import search_words
from facilitator.stations.client import OfflineError, StationClient
from facilitator.stations.model import PairingCode
from facilitator.stations.outbox import REFUSED, Outbox
from ui.feedback import FeedbackBanner
from ui.pages.participants.model import role_text
from ui.pages.participants.page import mistyped_badge_code
from ui.pages.voting.editor import BallotEditor
from ui.tasks import TaskRunner

ITEM_ID = Qt.ItemDataRole.UserRole + 40
PERIOD = 1.0  # seconds between two tries to send while something waits or offline
REFRESH_EVERY = 15  # turns of the sender between two reads of the event data
# The check-in list's columns: the Participants page's first six, in its order.
STATUS_COLUMN, NAME_COLUMN, ID_COLUMN, ROLE_COLUMN, ARRIVED_COLUMN, BADGE_COLUMN = range(6)
SHOWN_AT_MOST = 200
_PRESENT = QColor("#1b7f3a")  # as on the Participants page
_NO_SHOW = QColor("#9a3412")


@dataclass(frozen=True)
class LinkState:
    online: bool | None
    waiting: int
    refused: int
    problem: str = ""


class _Sender(QObject):
    """Sends the outbox in a thread of its own; ``changed`` (queued to the GUI thread)
    says how the link is after each try. ``poke`` sends now."""

    changed = Signal(object)

    def __init__(self, client: StationClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="station-sender", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(10.0)

    def _loop(self) -> None:
        turn = 0
        while not self._stop.is_set():
            problem = ""
            try:
                if turn % REFRESH_EVERY == 0:
                    self.client.hello()
                    self.client.refresh()
                self.client.sync()
                turn += 1
            except OfflineError:
                turn = 0  # read the event again as soon as the link is back
            except UserError as exc:  # revoked, not paired, unreadable answer
                problem = exc.message
            counts = self.client.outbox.counts()
            self.changed.emit(LinkState(self.client.online, self.client.outbox.waiting_count,
                                        counts[REFUSED], problem))
            self._wake.wait(PERIOD)
            self._wake.clear()


PAIRING_CODE_SHAPE = "FS1:192.168.1.20:8766:····-····-····-····:…"
"""What a pairing code looks like (shown greyed in the empty field): a code, the same in
every language, not words to translate."""


class StationWindow(QMainWindow):
    pairing_ended = Signal()  # a pairing attempt ended: paired, refused, failed or cancelled

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Facilitator station"))
        self.outbox = Outbox(folder)
        self.client = StationClient(self.outbox)
        self.tasks = TaskRunner(self)
        self._attempt = 0  # the pairing attempt whose answer the window waits for (0: none)
        self._attempts = 0
        self.link: _Sender | None = None
        self.state = LinkState(None, self.outbox.waiting_count, 0)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)

        # -- pairing
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(PAIRING_CODE_SHAPE)
        self.code_edit.setAccessibleName(_("Pairing code"))
        self.pair_person_edit = QLineEdit()
        self.pair_person_edit.setAccessibleName(_("Your name"))
        self.pair_button = QPushButton(_("&Pair with the main laptop"))
        self.pair_button.clicked.connect(self._on_pair_clicked)
        self.code_edit.returnPressed.connect(self._on_pair_clicked)
        self.pair_status_label = QLabel()
        self.pair_status_label.setWordWrap(True)
        self.pair_status_label.hide()
        self.pair_cancel_button = QPushButton(_("Cancel"))
        self.pair_cancel_button.clicked.connect(self._on_pair_cancel_clicked)
        self.pair_cancel_button.hide()
        self.pair_banner = FeedbackBanner()
        pairing = QWidget()
        layout = QVBoxLayout(pairing)
        intro = QLabel(_("Type or scan the pairing code shown on the main laptop's Stations "
                         "page. It works once."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.addRow(_("Pairing &code:"), self.code_edit)
        form.addRow(_("Your &name:"), self.pair_person_edit)
        layout.addLayout(form)
        layout.addWidget(self.pair_button)
        busy = QHBoxLayout()
        busy.addWidget(self.pair_status_label, 1)
        busy.addWidget(self.pair_cancel_button)
        layout.addLayout(busy)
        layout.addWidget(self.pair_banner)
        layout.addStretch(1)
        self.stack.addWidget(pairing)

        # -- work
        self.offline_label = QLabel()
        self.offline_label.setObjectName("offlineBanner")
        self.offline_label.setWordWrap(True)
        self.offline_label.setStyleSheet(
            "#offlineBanner { background:#fff4d6; color:#6b4e00; border:2px solid #b58900;"
            " border-radius:4px; padding:6px; font-weight:600; }")
        self.offline_label.hide()
        self.banner = FeedbackBanner()
        self.title_label = QLabel()
        self.person_edit = QLineEdit()
        self.person_edit.setAccessibleName(_("Who is at this station"))
        self.person_edit.editingFinished.connect(self._on_person_edited)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._check_in_tab(), _("Check-in"))
        self.tabs.addTab(self._ballot_tab(), _("Ballots"))
        self.tabs.addTab(self._qa_tab(), _("Q&&A"))
        self.conflict_list = QListWidget()
        self.conflict_list.setAccessibleName(_("Refused by the main laptop"))
        self.resolved_button = QPushButton(_("&Resolved"))
        self.resolved_button.setToolTip(_("Take it off this list (a person has dealt with it)."))
        self.resolved_button.clicked.connect(self._on_resolved_clicked)
        conflicts = QWidget()
        c_layout = QVBoxLayout(conflicts)
        c_layout.addWidget(QLabel(_("The main laptop refused these; each says why. Check the "
                                    "paper or the person, then mark it resolved.")))
        c_layout.addWidget(self.conflict_list, 1)
        c_layout.addWidget(self.resolved_button)
        self.tabs.addTab(conflicts, _("Conflicts"))
        work = QWidget()
        w_layout = QVBoxLayout(work)
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(QLabel(_("At this station:")))
        top.addWidget(self.person_edit)
        w_layout.addLayout(top)
        w_layout.addWidget(self.offline_label)
        w_layout.addWidget(self.banner)
        w_layout.addWidget(self.tabs, 1)
        self.stack.addWidget(work)

        if self.client.paired:
            self._show_work()

    # -- tabs ----------------------------------------------------------------------------------

    def _check_in_tab(self) -> QWidget:
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("Search by name, ID or badge code"))
        self.search_edit.setAccessibleName(_("Search"))
        self.search_edit.textChanged.connect(self._on_search_changed)
        self.search_edit.returnPressed.connect(self._on_check_in_clicked)
        self.search_edit.installEventFilter(self)
        # The Participants page's table (its columns, its keys: ↓ from the search picks,
        # Enter checks the one picked in, Esc goes back to the search, Ctrl+F finds).
        self.people_table = QTableWidget(0, 6)
        self.people_table.setHorizontalHeaderLabels(
            [_("Status"), _("Name"), _("ID"), _("Role"), _("Arrived"), _("Badge")])
        self.people_table.setAccessibleName(_("Participants"))
        self.people_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.people_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.people_table.verticalHeader().setVisible(False)
        header = self.people_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.people_table.installEventFilter(self)
        self.people_table.doubleClicked.connect(self._on_check_in_clicked)
        self.check_in_button = QPushButton(_("&Check in"))
        self.check_in_button.clicked.connect(self._on_check_in_clicked)
        self.walk_in_edit = QLineEdit()
        self.walk_in_edit.setAccessibleName(_("Walk-in's name"))
        self.walk_in_button = QPushButton(_("Add &walk-in"))
        self.walk_in_button.clicked.connect(self._on_walk_in_clicked)
        tab = QWidget()
        find = QShortcut(QKeySequence("Ctrl+F"), tab)  # "Find or scan", as on the main
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self._focus_search)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.people_table, 1)
        layout.addWidget(self.check_in_button)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Not on the list:")))
        row.addWidget(self.walk_in_edit, 1)
        row.addWidget(self.walk_in_button)
        layout.addLayout(row)
        return tab

    def _ballot_tab(self) -> QWidget:
        """The main laptop's keyer (the Voting page's): scan or type the paper's code, key
        its marks with the same keys, Enter queues it for the main laptop."""
        self.round_combo = QComboBox()
        self.round_combo.setAccessibleName(_("Ballot round"))
        self.round_combo.currentIndexChanged.connect(self._fill_questions)
        self.paper_edit = QLineEdit()
        self.paper_edit.setAccessibleName(_("Paper's code"))
        self.paper_edit.setPlaceholderText(_("Scan the paper's code, or type it and press "
                                             "Enter"))
        self.paper_edit.returnPressed.connect(self._on_paper_scanned)
        self.pass_combo = QComboBox()
        self.pass_combo.setAccessibleName(_("Which keying"))
        self.pass_combo.addItem(_("First keying"), 1)
        self.pass_combo.addItem(_("Second keying (another person keyed it first)"), 2)
        self.editor = BallotEditor()
        self.editor.save_requested.connect(self._on_save_paper_clicked)
        self.editor.cancelled.connect(self._on_editor_cancelled)
        self.editor.scan_started.connect(self._on_editor_scan_started)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        form = QFormLayout()
        form.addRow(_("&Round:"), self.round_combo)
        self.ballot_form = form
        form.addRow(_("&Keying:"), self.pass_combo)
        form.addRow(_("Paper's c&ode:"), self.paper_edit)
        layout.addLayout(form)
        layout.addWidget(self.editor, 1)
        return tab

    def _qa_tab(self) -> QWidget:
        self.panel_combo = QComboBox()
        self.panel_combo.setAccessibleName(_("Panel"))
        self.table_edit = QLineEdit()
        self.table_edit.setAccessibleName(_("Table"))
        self.question_edit = QLineEdit()
        self.question_edit.setAccessibleName(_("Question"))
        self.add_question_button = QPushButton(_("&Add question"))
        self.add_question_button.clicked.connect(self._on_add_question_clicked)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        form = QFormLayout()
        form.addRow(_("&Panel:"), self.panel_combo)
        form.addRow(_("&Table:"), self.table_edit)
        form.addRow(_("&Question:"), self.question_edit)
        layout.addLayout(form)
        layout.addWidget(self.add_question_button)
        layout.addStretch(1)
        return tab

    # -- pairing -------------------------------------------------------------------------------

    @property
    def pairing(self) -> bool:
        """A pairing attempt is in progress (off the GUI thread)."""
        return self._attempt != 0

    def _on_pair_clicked(self) -> None:
        if self.pairing:
            return
        text, person = self.code_edit.text(), self.pair_person_edit.text()
        try:
            code = PairingCode.parse(text)  # a mistyped code is refused at once
        except UserError as exc:
            self.pair_banner.show_message(exc.message, "error")
            return
        self._attempt = self._attempts = attempt = self._attempts + 1
        self._show_pairing_busy(True)
        self.pair_status_label.setText(_("Connecting to the main laptop at {host}:{port}…")
                                       .format(host=code.host, port=code.port))
        self.pair_banner.clear_message()
        self.tasks.run(lambda: self.client.pair(text, person),
                       lambda name: self._on_paired(attempt, name),
                       lambda exc: self._on_pair_failed(attempt, exc))

    def _show_pairing_busy(self, busy: bool) -> None:
        self.pair_button.setEnabled(not busy)
        self.code_edit.setReadOnly(busy)
        self.pair_person_edit.setReadOnly(busy)
        self.pair_status_label.setVisible(busy)
        self.pair_cancel_button.setVisible(busy)

    def _end_attempt(self) -> None:
        self._attempt = 0
        self._show_pairing_busy(False)
        self.pairing_ended.emit()

    def _on_pair_cancel_clicked(self) -> None:
        if not self.pairing:
            return
        self.client.abort()
        self._end_attempt()
        self.pair_banner.show_message(_("Pairing cancelled; nothing was changed here."),
                                      "info")

    def _on_paired(self, attempt: int, name: str) -> None:
        # Also an attempt cancelled too late: the main laptop has paired this station.
        current = attempt == self._attempt
        if self.stack.currentIndex() == 0:
            self.code_edit.clear()
            self._show_work()
            self.banner.show_message(_("Paired as “{name}”.").format(name=name), "ok")
        if current:
            self._end_attempt()

    def _on_pair_failed(self, attempt: int, exc: Exception) -> None:
        if attempt != self._attempt:
            return  # cancelled: the person has moved on
        self._end_attempt()
        if isinstance(exc, UserError):
            self.pair_banner.show_message(exc.message, "error")
        else:
            raise exc

    def _show_work(self) -> None:
        self.title_label.setText(_("Station “{name}”").format(name=self.client.name))
        self.person_edit.setText(self.client.person)
        self.stack.setCurrentIndex(1)
        self._fill_from_snapshot()
        self._fill_conflicts()
        if self.link is None:
            self.link = _Sender(self.client, self)
            self.link.changed.connect(self._on_sender_changed)
            self.link.start()

    # -- the link ------------------------------------------------------------------------------

    @Slot(object)
    def _on_sender_changed(self, state: LinkState) -> None:
        before = self.state
        self.state = state
        if state.problem:
            self.offline_label.setText(state.problem)
            self.offline_label.show()
        elif state.online is False:
            self.offline_label.setText(ngettext(
                "Offline: the main laptop cannot be reached. {n} item waits here and is sent "
                "when it is back; keep working.",
                "Offline: the main laptop cannot be reached. {n} items wait here and are sent "
                "when it is back; keep working.", state.waiting).format(n=state.waiting))
            self.offline_label.show()
        else:
            self.offline_label.hide()
        if state.refused != before.refused or state.waiting != before.waiting:
            self._fill_conflicts()
        self._fill_from_snapshot()

    def _queue(self, kind: str, data: dict[str, Any], done: str) -> bool:
        try:
            self.client.queue(kind, data)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return False
        self.banner.show_message(done, "ok", seconds=4)
        if kind == "check_in":
            self._fill_people()
        if self.link is not None:
            self.link.poke()
        return True

    def _on_person_edited(self) -> None:
        self.client.set_person(self.person_edit.text())
        if self.link is not None:
            self.link.poke()

    # -- filling from the cached event ---------------------------------------------------------

    def _fill_from_snapshot(self) -> None:
        snapshot = self.client.snapshot() or {}
        self._people = list(snapshot.get("participants") or [])
        self._fill_people()
        rounds = list(snapshot.get("rounds") or [])
        if [r["id"] for r in rounds] != [self.round_combo.itemData(i)
                                         for i in range(self.round_combo.count())]:
            self._rounds = {r["id"]: r for r in rounds}
            self.round_combo.clear()
            for r in rounds:
                self.round_combo.addItem(r["title"], r["id"])
        panels = list(snapshot.get("panels") or [])
        if [p["id"] for p in panels] != [self.panel_combo.itemData(i)
                                         for i in range(self.panel_combo.count())]:
            self.panel_combo.clear()
            for p in panels:
                self.panel_combo.addItem(p["title"], p["id"])

    def _on_search_changed(self) -> None:
        self.people_table.clearSelection()  # a new search: nobody is picked yet
        self.people_table.setCurrentCell(-1, -1)
        self._fill_people()

    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def picked_person(self) -> int | None:
        """The participant picked in the check-in list, if any."""
        row = self.people_table.currentRow()
        item = self.people_table.item(row, NAME_COLUMN) if row >= 0 else None
        return int(item.data(ITEM_ID)) if item is not None else None

    def _fill_people(self) -> None:
        words = search_words(self.search_edit.text())  # the main laptop's one rule
        keep = self.picked_person()
        # Checked in from here but not confirmed yet (or refused): the list says so too.
        mine = {int(q.item.data.get("participant", 0)): q.state
                for q in self.outbox.items() if q.item.kind == "check_in"}
        matches = [person for person in getattr(self, "_people", [])
                   if all(w in str(person.get("search_key", "")) for w in words)]
        matches = matches[:SHOWN_AT_MOST]
        table = self.people_table
        table.setUpdatesEnabled(False)
        table.clearSelection()
        table.setRowCount(len(matches))
        picked = -1
        for row, person in enumerate(matches):
            state = mine.get(int(person["id"]))
            here = person["status"] == "checked_in" or state == "confirmed"
            status = (_("✓ Here") if here
                      else _("◷ queued") if state in ("queued", "sent")
                      else _("refused: see Conflicts") if state == "refused"
                      else _("No-show") if person["status"] == "no_show"
                      else _("Expected"))
            arrived = person.get("checked_in_at")
            cells = [status, person["name"], person["ext_id"], role_text(person["role"]),
                     datetime.fromisoformat(arrived).astimezone().strftime("%H:%M")
                     if arrived else "", person["badge_code"]]
            colour = _PRESENT if here else _NO_SHOW if person["status"] == "no_show" else None
            for column, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setData(ITEM_ID, person["id"])
                if column == STATUS_COLUMN and colour is not None:
                    item.setForeground(QBrush(colour))
                table.setItem(row, column, item)
            if person["id"] == keep:
                picked = row
        if picked < 0 and len(matches) == 1:
            picked = 0  # several: the person picks (as on the main)
        if picked >= 0:
            table.setCurrentCell(picked, NAME_COLUMN)
            table.selectRow(picked)
        else:
            table.setCurrentCell(-1, -1)
        table.setUpdatesEnabled(True)

    def _fill_questions(self) -> None:
        round_id = self.round_combo.currentData()
        chosen = getattr(self, "_rounds", {}).get(round_id, {})
        self.ballot_form.setRowVisible(self.pass_combo, bool(chosen.get("double_entry")))
        if not chosen.get("double_entry"):
            self.pass_combo.setCurrentIndex(0)
        if self.editor.loaded and (self.editor.paper is None
                                   or self.editor.paper.round.id != round_id):
            self.editor.clear()

    def _round_for_keying(self) -> BallotRound | None:
        """The chosen round as the keyer needs it, from the cached event data."""
        data = getattr(self, "_rounds", {}).get(self.round_combo.currentData())
        if not data:
            return None
        return BallotRound(
            id=int(data["id"]), title=str(data["title"]), instructions="", language=None,
            double_entry=bool(data.get("double_entry")), status=str(data["status"]),
            questions=tuple(Question.from_json(q) for q in data["questions"]), printed=0,
            issued=None, returned=None, created_at=datetime.now(UTC), opened_at=None,
            closed_at=None, close_note=None, present_at_close=None)

    def _fill_conflicts(self) -> None:
        done = set(self.outbox.get("resolved") or [])
        self.conflict_list.clear()
        for queued in self.outbox.items(REFUSED):
            if queued.item.id in done:
                continue
            what = {"check_in": _("Check-in"), "walk_in": _("Walk-in"),
                    "ballot": _("Paper"), "question": _("Question")}[queued.item.kind]
            detail = str(queued.item.data.get("code") or queued.item.data.get("name")
                         or queued.item.data.get("scan")
                         or queued.item.data.get("participant") or "")
            item = QListWidgetItem(f"{what} {detail}: {queued.reason}")
            item.setData(ITEM_ID, queued.item.id)
            self.conflict_list.addItem(item)
        count = self.conflict_list.count()
        self.tabs.setTabText(3, _("Conflicts ({n})").format(n=count) if count
                             else _("Conflicts"))

    # -- actions -------------------------------------------------------------------------------

    def _on_check_in_clicked(self) -> None:
        """As the Participants page's search: one match (or the one picked) is checked in;
        several ask to keep typing or pick; a badge code's typo is refused here."""
        typed = self.search_edit.text().strip()
        picked = self.picked_person()
        shown = self.people_table.rowCount()
        if "/v/" in typed or (not shown and len(typed) >= 7
                              and codes.is_valid(codes.normalise(typed))):
            # A badge's QR code (its voting link, unknown here) or a code the cached list
            # does not have: the main laptop finds the person.
            if self._queue("check_in", {"scan": typed},
                           _("Queued: badge {code} checked in.").format(code=typed[-12:])):
                self.search_edit.clear()
            return
        if not shown and typed and mistyped_badge_code(typed):
            self.banner.show_message(_(
                "Badge code {code} not recognised — check the characters (a letter or digit "
                "is wrong or missing).").format(code=typed[:40]), "error")
            self.search_edit.selectAll()
            return
        if picked is None:
            self.banner.show_message(
                _("No one matches '{text}'.").format(text=typed) if not shown else
                ngettext("{n} person matches '{text}': keep typing, or press ↓ to pick.",
                         "{n} people match '{text}': keep typing, or press ↓ to pick one.",
                         shown).format(n=shown, text=typed), "error" if not shown else "info")
            return
        cell = self.people_table.item(self.people_table.currentRow(), NAME_COLUMN)
        if self._queue("check_in", {"participant": picked},
                       _("Queued: {who} checked in.").format(who=cell.text() if cell else "")):
            self.search_edit.clear()
            self.search_edit.setFocus()

    def _on_walk_in_clicked(self) -> None:
        name = " ".join(self.walk_in_edit.text().split())
        if not name:
            self.banner.show_message(_("A walk-in needs a name."), "error")
            return
        if self._queue("walk_in", {"name": name, "attributes": {}},
                       _("Queued: walk-in {name}.").format(name=name)):
            self.walk_in_edit.clear()

    def _on_paper_scanned(self) -> None:
        """The paper's code (the main laptop checks that it exists and was not keyed yet;
        a mistyped code is refused here, by its check character)."""
        text = self.paper_edit.text().strip()
        ballot_round = self._round_for_keying()
        if not text:
            return
        if ballot_round is None:
            self.banner.show_message(_("The main laptop has no open ballot round."), "error")
            return
        code = ballot_codes.normalise(text)
        if not ballot_codes.is_ballot_code(code):
            self.banner.show_message(_("‘{text}’ is not a ballot code (a character is misread "
                                       "or mistyped).").format(text=text[:40]), "error")
            self.paper_edit.selectAll()
            return
        self.paper_edit.clear()
        paper = Paper(ballot_round, code, 0, int(self.pass_combo.currentData()))
        self.editor.load(paper)
        self.editor.setFocus()
        self.banner.show_message(_("Paper {code}: key the marks, Enter queues it, Esc puts it "
                                   "aside.").format(code=paper.pretty), "info")

    def _on_save_paper_clicked(self) -> None:
        paper = self.editor.paper
        if paper is None:
            return
        try:
            answers = [] if self.editor.spoiled else [a.to_json()
                                                      for a in self.editor.answers()]
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return
        if self._queue("ballot", {"round": paper.round.id, "code": paper.code,
                                  "answers": answers, "pass": paper.pass_,
                                  "spoiled": self.editor.spoiled},
                       _("Queued: paper {code}.").format(code=paper.pretty)):
            self.editor.clear()
            self.paper_edit.setFocus()

    def _on_editor_cancelled(self) -> None:
        said = self.editor.put_aside()
        if said is not None:
            self.banner.show_message(said, "info")
        self.paper_edit.setFocus()

    def _on_editor_scan_started(self, text: str) -> None:
        paper = self.editor.paper
        self.editor.clear()
        if paper is not None:
            self.banner.show_message(_("Paper {code} was NOT saved: a new code was scanned "
                                       "before Enter. Scan it again to key it.").format(
                                           code=paper.pretty), "error")
        self.paper_edit.setFocus()
        self.paper_edit.setText(text)

    def _on_add_question_clicked(self) -> None:
        panel_id = self.panel_combo.currentData()
        if panel_id is None:
            self.banner.show_message(_("The main laptop has no Q&A panel yet."), "error")
            return
        if self._queue("question", {"panel": int(panel_id), "table": self.table_edit.text(),
                                    "text": self.question_edit.text()},
                       _("Queued: the question from table {table}.").format(
                           table=self.table_edit.text())):
            self.question_edit.clear()

    def _on_resolved_clicked(self) -> None:
        item = self.conflict_list.currentItem()
        if item is None:
            return
        done = list(self.outbox.get("resolved") or [])
        self.outbox.put(resolved=[*done, item.data(ITEM_ID)])
        self._fill_conflicts()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The Participants page's keys: ↓ (or Page Down) in the search goes to the list, to
        # pick one of several; Esc clears the search; in the list, Enter checks the one
        # picked in and Esc goes back to the search.
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        table = self.people_table
        if watched is self.search_edit and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) \
                and table.rowCount():
            table.setFocus()
            if table.currentRow() < 0:
                table.setCurrentCell(0, NAME_COLUMN)
                table.selectRow(0)
            return True
        if watched is self.search_edit and key == Qt.Key.Key_Escape and self.search_edit.text():
            self.search_edit.clear()
            return True
        if watched is table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_check_in_clicked()
            return True
        if watched is table and key == Qt.Key.Key_Escape:
            self._focus_search()
            return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.person_edit.blockSignals(True)  # losing the focus now must not write
        if self.pairing:
            self.client.abort()
            self._attempt = 0
        self.tasks.wait(2.0)  # a pairing still opening its connection: not past closing
        if self.link is not None:
            self.link.stop()
            self.link = None
        self.client.close()
        self.outbox.close()
        super().closeEvent(event)

