"""The Q&A page: capture questions from the tables, moderate, merge, order fairly, ask, follow up.

Keyboard: Ctrl+Enter adds the typed question; in the list, A approves, H hides, F2 edits,
Ctrl+M merges the selected questions, + / - count votes, Enter asks the selected question;
F6 asks the next, F7 pauses the answer timer, F9 answered, F10 deferred to a written answer,
Ctrl+D declines (with a reason).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.changes import Changes
from facilitator.clock import Clock
from facilitator.i18n import _, ngettext
from facilitator.people import list_participants
from facilitator.qa import ops, queries
from facilitator.qa.export import qa_csv
from facilitator.qa.model import CLOSED, QaState, table_from_scan
from facilitator.reports.qa import write_followup
from facilitator.reports.qa_cards import write_question_cards
from facilitator.store import EventStore
from facilitator.tables import current_plan
from facilitator.timing.countdown import OvertimePolicy, display_seconds, format_mmss
from ui.bus import ChangeBus
from ui.camera import CameraPanel, QrSeen
from ui.flow import flow_row
from ui.pages.base import APP_ACTOR, Page
from ui.pages.common import SaveChooser, choose_save_path, save_export
from ui.pages.qa.dialogs import ExpertsDialog, ask_table_count, ask_text
from ui.widgets import ScrollDown

QUESTION_ID = Qt.ItemDataRole.UserRole + 20
STATUS_WORDS = {
    "pending": "⏳", "approved": "✓", "hidden": "🚫", "now": "▶", "answered": "✔",
    "deferred": "✉", "declined": "✖", "merged": "⇢",
}


class QaPage(Page):
    def __init__(
        self,
        store: EventStore,
        bus: ChangeBus,
        clock: Clock,
        *,
        actor: str = APP_ACTOR,
        ask_text_fn: Callable[[QWidget, str, str, str], str | None] = ask_text,
        ask_tables: Callable[[QWidget, int], int | None] = ask_table_count,
        choose_save: SaveChooser = choose_save_path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, bus, actor=actor, parent=parent)
        self.title = _("Q&A")
        self._clock = clock
        self._ask_text = ask_text_fn
        self._ask_tables = ask_tables
        self._choose_save = choose_save
        self._state: QaState | None = None
        self.panel_id: int | None = queries.latest_panel_id(store)

        heading = QLabel(_("Questions to the experts"))
        heading.setObjectName("pageTitle")
        self.panel_combo = QComboBox()
        self.panel_combo.setAccessibleName(_("Expert panel"))
        self.new_panel_button = QPushButton(_("New panel…"))
        self.order_combo = QComboBox()
        self.order_combo.setAccessibleName(_("Order of asking"))
        for key, label in (("round_robin", _("Round-robin across tables")),
                           ("votes", _("Most votes first")), ("arrival", _("In order of arrival")),
                           ("manual", _("By hand"))):
            self.order_combo.addItem(label, key)
        self.experts_label = QLabel()

        # capture
        self.table_edit = QLineEdit()
        self.table_edit.setPlaceholderText(_("Table (or scan its card)"))
        self.table_edit.setMaximumWidth(190)
        self.table_edit.setAccessibleName(_("Table the question comes from"))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(_("The table's question — Ctrl+Enter adds it"))
        self.text_edit.setAccessibleName(_("Question"))
        self.text_edit.setMaximumHeight(90)
        self.text_edit.installEventFilter(self)
        self.approve_box = QCheckBox(_("Approve as added"))
        self.approve_box.setChecked(True)
        self.add_button = QPushButton(_("Add question"))
        self.add_button.setObjectName("primary")
        capture = QGroupBox(_("New question"))
        capture_layout = QHBoxLayout(capture)
        column = QVBoxLayout()
        # A question card held up to a webcam names its table as a scanned card does (QR
        # codes only, so without the paper reader add-on too).
        self.camera = CameraPanel(store, _("hold the table's question card up to it."),
                                  papers=False, preview=QSize(160, 90))
        self.camera.seen.connect(self._on_camera_seen)
        column.addWidget(self.table_edit)
        column.addWidget(self.camera.toggle)
        column.addWidget(self.approve_box)
        column.addWidget(self.add_button)
        capture_layout.addLayout(column)
        capture_layout.addWidget(self.text_edit, 1)
        capture_layout.addWidget(self.camera)

        # list
        self.view_combo = QComboBox()
        self.view_combo.setAccessibleName(_("Show"))
        for key, label in (("queue", _("To ask, in order")), ("pending", _("Waiting for approval")),
                           ("all", _("All questions")), ("done", _("Asked or closed"))):
            self.view_combo.addItem(label, key)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [_("No."), _("Status"), _("Table"), _("Question"), _("Votes"), _("Why here")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(5, 300)
        # Rows follow the wrapped question's height whenever the columns change width.
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAccessibleName(_("Questions"))
        self.table.installEventFilter(self)
        self.approve_button = QPushButton(_("Approve (F3)"))
        self.hide_button = QPushButton(_("Hide (Del)"))
        self.edit_button = QPushButton(_("Edit (F2)"))
        self.merge_button = QPushButton(_("Merge (Ctrl+M)"))
        self.unmerge_button = QPushButton(_("Un-merge"))
        self.vote_button = QPushButton(_("+1 vote"))
        self.experts_button = QPushButton(_("Experts…"))
        # Wraps onto a second line where the words are longer (Welsh, Arabic).
        list_buttons = flow_row(self.approve_button, self.hide_button, self.edit_button,
                                self.merge_button, self.unmerge_button, self.vote_button,
                                self.experts_button)
        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Show:")))
        row.addWidget(self.view_combo)
        row.addStretch(1)
        row.addWidget(QLabel(_("Order:")))
        row.addWidget(self.order_combo)
        list_layout.addLayout(row)
        list_layout.addWidget(self.table, 1)
        list_layout.addLayout(list_buttons)

        # now
        self.now_label = QLabel()
        self.now_label.setObjectName("qaNow")
        self.now_label.setWordWrap(True)
        self.now_meta = QLabel()
        self.timer_label = QLabel()
        self.timer_label.setObjectName("qaTimer")
        self.ask_next_button = QPushButton(_("Ask next (F6)"))
        self.ask_next_button.setObjectName("primary")
        self.answered_button = QPushButton(_("Answered (F9)"))
        self.defer_button = QPushButton(_("Written answer (F10)"))
        self.decline_button = QPushButton(_("Decline… (Ctrl+D)"))
        self.pause_button = QPushButton(_("Pause timer (F7)"))
        now_box = QGroupBox(_("Being asked"))
        now_layout = QVBoxLayout(now_box)
        now_layout.addWidget(self.now_label)
        now_layout.addWidget(self.now_meta)
        now_layout.addWidget(self.timer_label)
        for button in (self.ask_next_button, self.answered_button, self.defer_button,
                       self.decline_button, self.pause_button):
            now_layout.addWidget(button)
        now_layout.addStretch(1)
        self.answer_button = QPushButton(_("Record written answer…"))
        self.pdf_button = QPushButton(_("Print follow-up (PDF)…"))
        self.csv_button = QPushButton(_("Export CSV…"))
        self.cards_button = QPushButton(_("Print question cards…"))
        # The papers and files two a row when there is room, under the question's buttons.
        now_layout.addLayout(flow_row(self.answer_button, self.pdf_button, self.csv_button,
                                      self.cards_button))

        splitter = QSplitter()
        splitter.addWidget(list_box)
        # Scrolls on a 768-pixel screen rather than squeeze the question and its buttons.
        splitter.addWidget(ScrollDown(now_box))
        splitter.setSizes([900, 360])
        splitter.setChildrenCollapsible(False)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.experts_label)
        top.addWidget(self.panel_combo)
        top.addWidget(self.new_panel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(capture)
        layout.addWidget(splitter, 1)

        self._ticker = QTimer(self)
        self._ticker.setInterval(250)
        self._ticker.timeout.connect(self._on_ticker_timeout)

        self.add_button.clicked.connect(self.add_typed)
        self.table_edit.returnPressed.connect(self._on_table_return)
        self.new_panel_button.clicked.connect(self.new_panel)
        self.panel_combo.currentIndexChanged.connect(self._on_panel_changed)
        self.order_combo.currentIndexChanged.connect(self._on_order_changed)
        self.view_combo.currentIndexChanged.connect(self.refresh)
        self.approve_button.clicked.connect(self.approve_selected)
        self.hide_button.clicked.connect(self.hide_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        self.merge_button.clicked.connect(self.merge_selected)
        self.unmerge_button.clicked.connect(self.unmerge_selected)
        self.vote_button.clicked.connect(lambda: self.vote_selected(1))
        self.experts_button.clicked.connect(self.assign_selected)
        self.ask_next_button.clicked.connect(self.ask_next)
        self.answered_button.clicked.connect(lambda: self.close_now("answered"))
        self.defer_button.clicked.connect(lambda: self.close_now("deferred"))
        self.decline_button.clicked.connect(lambda: self.close_now("declined"))
        self.pause_button.clicked.connect(self.toggle_timer)
        self.answer_button.clicked.connect(self.record_answer)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.csv_button.clicked.connect(self.export_csv)
        self.cards_button.clicked.connect(self.print_cards)
        self._make_actions()
        self.refresh()
        self.setFocusProxy(self.text_edit)

    # -- keyboard --------------------------------------------------------------

    def _make_actions(self) -> None:
        self.shortcut(_("Ask next"), "F6", self.ask_next)
        self.shortcut(_("Pause the answer timer"), "F7", self.toggle_timer)
        self.shortcut(_("Answered"), "F9", lambda: self.close_now("answered"))
        self.shortcut(_("Written answer"), "F10", lambda: self.close_now("deferred"))
        self.shortcut(_("Decline"), "Ctrl+D", lambda: self.close_now("declined"))
        self.shortcut(_("Merge"), "Ctrl+M", self.merge_selected)
        self.shortcut(_("Edit"), "F2", self.edit_selected)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, mods = event.key(), event.modifiers()
            if watched is self.text_edit and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and mods & Qt.KeyboardModifier.ControlModifier:
                self.add_typed()
                return True
            if watched is self.table:
                return self._on_table_key(event)
        return super().eventFilter(watched, event)

    def _on_table_key(self, event: QKeyEvent) -> bool:
        """Keys on the list: + and − vote (the main keyboard's Shift+= or the keypad), F3
        approves, Delete hides, Enter asks. Letters are never commands there: typing that
        lands in the list goes on in the question field, where it was meant to go."""
        key, mods = event.key(), event.modifiers()
        plain = not mods & ~(Qt.KeyboardModifier.KeypadModifier
                             | Qt.KeyboardModifier.ShiftModifier)
        handlers: dict[int, Callable[[], object]] = {
            Qt.Key.Key_Plus: lambda: self.vote_selected(1),
            Qt.Key.Key_Minus: lambda: self.vote_selected(-1),
            Qt.Key.Key_Return: self.ask_selected,
            Qt.Key.Key_Enter: self.ask_selected,
            Qt.Key.Key_F3: self.approve_selected,
            Qt.Key.Key_Delete: self.hide_selected,
        }
        handler = handlers.get(key) if plain else None
        if handler is not None:
            handler()
            return True
        text = event.text()
        if plain and text and text.isprintable():
            self.text_edit.setFocus()
            self.text_edit.insertPlainText(text)
            return True
        return False

    # -- ops ---------------------------------------------------------------------

    def _row_id(self, row: int) -> int | None:
        item = self.table.item(row, 0)
        return int(item.data(QUESTION_ID)) if item is not None else None

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [qid for qid in map(self._row_id, rows) if qid is not None]

    def _each(self, op: Callable[[int], Changes]) -> None:
        """Run ``op`` on each selected question, stopping at the first refusal."""
        ids = self.selected_ids()
        if not ids:
            self.banner.show_message(_("Select a question first."), "info")
            return
        for qid in ids:
            if self.run(partial(op, qid)) is None:
                break
        self._select(ids)

    def approve_selected(self) -> None:
        self._each(lambda q: ops.approve(self.store, q, actor=self.actor))

    def hide_selected(self) -> None:
        self._each(lambda q: ops.hide(self.store, q, actor=self.actor))

    def unmerge_selected(self) -> None:
        self._each(lambda q: ops.unmerge(self.store, q, actor=self.actor))

    def vote_selected(self, delta: int) -> None:
        """Count votes by hand (a show of hands): +1 or -1 on each selected question."""
        self._each(lambda q: ops.add_votes(self.store, q, delta, actor=self.actor))

    def _on_table_return(self) -> None:
        scanned = table_from_scan(self.table_edit.text())
        if scanned is not None:
            self.table_edit.setText(scanned)
        self.text_edit.setFocus()

    def _on_camera_seen(self, seen: QrSeen, _frame: object) -> None:
        """A QR code the camera saw: a question card names its table, as when scanned."""
        if table_from_scan(seen.text) is None:
            self.refuse(_("That is not a question card: hold up the card with the table's "
                          "QR code."))
            return
        self.table_edit.setText(seen.text)
        self._on_table_return()

    def add_typed(self) -> None:
        if self.panel_id is None:
            self.banner.show_message(_("Create an expert panel first (New panel…)."), "error")
            return
        table = table_from_scan(self.table_edit.text()) or self.table_edit.text()
        text = self.text_edit.toPlainText()
        panel_id = self.panel_id
        added = self.run(lambda: ops.add_question(self.store, panel_id, table, text,
                                                  approved=self.approve_box.isChecked(),
                                                  actor=self.actor),
                         _("Question from table {table} added.").format(table=table.strip()))
        if added is not None:
            self.text_edit.clear()
            self.table_edit.setFocus()
            self.table_edit.selectAll()

    def new_panel(self) -> None:
        people = [p for p in list_participants(self.store)
                  if p.role in ("expert", "participant", "staff", "facilitator")]
        people.sort(key=lambda p: (p.role != "expert", p.name))
        answer = ExpertsDialog.ask_panel(self, people)
        if answer is None:
            return
        created = self.run(lambda: ops.create_panel(self.store, answer.title, answer.expert_ids,
                                                    actor=self.actor))
        if created is not None:
            self.panel_id = created.panel_id
            self.refresh()

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            self.banner.show_message(_("Select one question to edit."), "info")
            return
        q = queries.question(self.store, ids[0])
        new = self._ask_text(self, _("Edit the question"),
                             _("Wording (the original is kept):"), q.text)
        if new is not None:
            self.run(lambda: ops.edit_text(self.store, q.id, new, actor=self.actor),
                     _("Question reworded."))

    def merge_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) < 2:
            self.banner.show_message(_("Select two or more questions to merge (Ctrl+click)."),
                                     "info")
            return
        target, sources = ids[0], ids[1:]
        merged = self.run(lambda: ops.merge(self.store, target, sources, actor=self.actor),
                          ngettext("{n} question merged into question {id}.",
                                   "{n} questions merged into question {id}.",
                                   len(sources)).format(
                              n=len(sources), id=target))
        if merged is not None:
            self._select([target])

    def assign_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.banner.show_message(_("Select a question first."), "info")
            return
        people = sorted((p for p in list_participants(self.store) if p.role == "expert"),
                        key=lambda p: p.name)
        current = {e.id for e in queries.question(self.store, ids[0]).experts}
        chosen = ExpertsDialog.ask_experts(self, people, current)
        if chosen is None:
            return
        for qid in ids:
            self.run(partial(ops.assign_experts, self.store, qid, chosen, actor=self.actor))

    def ask_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.run(lambda: ops.ask(self.store, ids[0], actor=self.actor))

    def ask_next(self) -> None:
        if self.panel_id is not None:
            panel_id = self.panel_id
            self.run(lambda: ops.ask_next(self.store, panel_id, actor=self.actor))

    def close_now(self, outcome: str) -> None:
        state = self._state
        target = state.now.id if state and state.now else None
        if target is None and outcome != "answered":
            ids = self.selected_ids()
            target = ids[0] if len(ids) == 1 else None
        if target is None:
            self.banner.show_message(_("No question is being asked."), "info")
            return
        reason = None
        if outcome == "declined":
            reason = self._ask_text(self, _("Decline the question"),
                                    _("Why is it declined? (printed on the follow-up sheet)"), "")
            if reason is None:
                return
        question_id = target
        self.run(lambda: ops.close(self.store, question_id, outcome, reason, actor=self.actor))

    def toggle_timer(self) -> None:
        if self._state and self._state.now:
            now_id = self._state.now.id
            self.run(lambda: ops.toggle_timer(self.store, now_id, actor=self.actor))

    def record_answer(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            self.banner.show_message(_("Select the deferred question that was answered."),
                                     "info")
            return
        q = queries.question(self.store, ids[0])
        text = self._ask_text(self, _("Written answer"),
                              _("Answer received for question {id}:").format(id=q.id), "")
        if text is not None:
            expert = q.experts[0].id if q.experts else None
            self.run(lambda: ops.record_written_answer(self.store, q.id, text, expert,
                                                       actor=self.actor),
                     _("Written answer recorded."))

    def export_csv(self) -> Path | None:
        path = self._choose_save(self, _("Export the questions"), "questions.csv")
        return save_export(self.banner, path,
                           lambda p: p.write_text(qa_csv(self.store), encoding="utf-8"))

    def export_pdf(self) -> Path | None:
        if self.panel_id is None:
            return None
        panel_id = self.panel_id
        path = self._choose_save(self, _("Save the follow-up sheets"), "questions-followup.pdf")
        return save_export(self.banner, path, lambda p: write_followup(
            p, self.store, panel_id, printed_at=self._clock.now()))

    def print_cards(self) -> Path | None:
        """One card per table, with the table's QR code for keying the question in."""
        plan = current_plan(self.store)
        count = self._ask_tables(self, plan.tables if plan is not None else 10)
        if count is None:
            return None
        path = self._choose_save(self, _("Save the question cards"), "question-cards.pdf")
        title = self._state.panel.title if self._state else ""
        return save_export(self.banner, path, lambda p: write_question_cards(
            p, [str(n) for n in range(1, count + 1)], event_name=self.store.name,
            panel_title=title))

    # -- refresh -----------------------------------------------------------------

    def _fill_panels(self) -> None:
        self.panel_combo.blockSignals(True)
        self.panel_combo.clear()
        for p in queries.panels(self.store):
            self.panel_combo.addItem(p.title, p.id)
        if self.panel_id is not None:
            self.panel_combo.setCurrentIndex(max(self.panel_combo.findData(self.panel_id), 0))
        self.panel_combo.blockSignals(False)

    def _on_panel_changed(self, _index: int) -> None:
        data = self.panel_combo.currentData()
        self.panel_id = int(data) if data is not None else None
        self.refresh()

    def _on_order_changed(self, _index: int) -> None:
        mode = self.order_combo.currentData()
        if self.panel_id is None or self._state is None or mode == self._state.panel.order_mode:
            return
        panel_id = self.panel_id
        self.run(lambda: ops.set_order_mode(self.store, panel_id, str(mode), actor=self.actor))

    def _select(self, ids: list[int]) -> None:
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row in range(self.table.rowCount()):
            if self._row_id(row) in ids:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def relevant(self, changes: Changes) -> bool:
        return changes.qa or changes.participants or changes.event

    def refresh(self) -> None:
        self._fill_panels()
        if self.panel_id is None:
            self._state = None
            self.table.setRowCount(0)
            self.now_label.setText(_("No expert panel yet: press “New panel…” to start."))
            self.now_meta.setText("")
            self.experts_label.setText("")
            self._restart_ticker()
            return
        state = queries.state(self.store, self.panel_id)
        self._state = state
        self.experts_label.setText(_("Experts: {names}").format(
            names=", ".join(e.name for e in state.panel.experts) or "-"))
        self.order_combo.blockSignals(True)
        self.order_combo.setCurrentIndex(max(self.order_combo.findData(state.panel.order_mode),
                                             0))
        self.order_combo.blockSignals(False)
        view = self.view_combo.currentData()
        if view == "queue":
            shown = ([state.now] if state.now else []) + state.order
        elif view == "pending":
            shown = [q for q in state.questions if q.status == "pending"]
        elif view == "done":
            shown = [q for q in state.questions if q.status in CLOSED]
        else:
            shown = list(state.questions)
        selected = self.selected_ids()
        self.table.setRowCount(len(shown))
        for row, q in enumerate(shown):
            merged = _(" (+{n} merged)").format(n=len(q.sources)) if q.sources else ""
            edited = " ✎" if q.edited else ""
            values = [str(q.id), f"{STATUS_WORDS.get(q.status, '')} {q.status}",
                      ", ".join(q.tables), q.text + merged + edited, str(q.votes),
                      (_("asking now") if q.status == "now" else q.reason)]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(QUESTION_ID, q.id)
                if q.edited and column == 3:
                    item.setToolTip(_("Originally: {text}").format(text=q.original_text))
                self.table.setItem(row, column, item)
        self._select(selected)
        now = state.now
        if now is None:
            nxt = state.order[0] if state.order else None
            self.now_label.setText(_("Next: {text}").format(text=nxt.text) if nxt
                                   else _("No approved question is waiting."))
            self.now_meta.setText(_("table {table} · {why}").format(table=nxt.table,
                                                                    why=nxt.reason)
                                  if nxt else "")
        else:
            self.now_label.setText(now.text)
            self.now_meta.setText((_("Tables {tables} · to {experts}") if len(now.tables) > 1
                                   else _("Table {tables} · to {experts}")).format(
                tables=", ".join(now.tables),
                experts=", ".join(e.name for e in now.experts) or _("the panel")))
        running = now is not None and now.timer is not None and now.timer.running
        self.pause_button.setText(_("Pause timer (F7)") if running or now is None
                                  else _("Resume timer (F7)"))
        for button in (self.answered_button, self.pause_button):
            button.setEnabled(now is not None)
        self.ask_next_button.setEnabled(bool(state.order))
        self._restart_ticker()

    def _restart_ticker(self) -> None:
        """Show the answer timer now; keep it current only while it runs and the page shows."""
        self._on_ticker_timeout()
        now = self._state.now if self._state else None
        if now is not None and now.timer is not None and now.timer.running and self.isVisible():
            self._ticker.start()
        else:
            self._ticker.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)  # refreshes first if a change came while hidden
        self._restart_ticker()

    def hideEvent(self, event: QHideEvent) -> None:
        self._ticker.stop()
        super().hideEvent(event)

    def _on_ticker_timeout(self) -> None:
        now = self._state.now if self._state else None
        if now is None or now.timer is None:
            self.timer_label.setText("")
            return
        remaining = now.timer.remaining(self._clock)
        seconds, over = display_seconds(remaining, OvertimePolicy.COUNT_UP)
        self.timer_label.setText(format_mmss(seconds, over))
        self.timer_label.setStyleSheet("color:#dc2626;" if remaining <= 0 else "")
