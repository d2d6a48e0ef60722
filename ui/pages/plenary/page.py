"""The Plenary page: the speaker queue, the countdown, the agenda and who is being heard.

Everything runs from the keyboard: type a name (or scan a badge) and Enter to queue someone,
Ctrl+Enter for a direct reply (Enter queues the highlighted suggestion, or the first; ↓ moves
down the suggestions), F6 next speaker, F7 pause, F8 +30 s, Shift+F8 +1 min, F9 end
the turn, F10 next agenda item, Delete removes from the queue, Alt+↑/↓ reorders.

It only reads until the facilitator acts: an event whose plenary was never used shows the
session-to-be ("Plenary 1"), and the first op (queueing someone) opens it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from facilitator.changes import Changes
from facilitator.clock import Clock
from facilitator.i18n import _
from facilitator.people import (
    NotFoundError,
    Participant,
    attribute_columns,
    find_by_scan,
    search_words,
)
from facilitator.people import list_participants as all_people
from facilitator.reports.speaking import write_speaking_report
from facilitator.store import EventStore
from facilitator.text import fold
from facilitator.timing import ops, queries
from facilitator.timing.countdown import (
    NORMAL_COLOUR,
    OvertimePolicy,
    display_seconds,
    format_mmss,
    parse_mmss,
    stage_at,
    stages_crossed,
)
from facilitator.timing.model import PlenarySettings, PlenaryState, QueuePolicy
from facilitator.timing.stats import SpeakingStats, stats_csv
from ui.bus import ChangeBus
from ui.flow import flow_row
from ui.pages.base import APP_ACTOR, Page
from ui.pages.common import SaveChooser, choose_save_path, save_export
from ui.pages.plenary.agenda import AgendaBox
from ui.pages.plenary.hands import HandsBox
from ui.pages.plenary.heard import HeardBox
from ui.sound import Chime
from ui.widgets import ScrollDown, narrow_combo

QUEUE_ID = Qt.ItemDataRole.UserRole + 10


class PlenaryPage(Page):
    def __init__(
        self,
        store: EventStore,
        bus: ChangeBus,
        clock: Clock,
        chime: Chime | None = None,
        choose_save: SaveChooser = choose_save_path,
        *,
        actor: str = APP_ACTOR,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, bus, actor=actor, parent=parent)
        self.title = _("Plenary")
        self._clock = clock
        self.chime = chime or Chime(self)
        self._choose_save = choose_save
        self._state: PlenaryState | None = None
        self._last_remaining: float | None = None
        self._last_turn_id: int | None = None
        self._people: list[Participant] = []  # present first, then by name
        self._people_by_label: dict[str, Participant] = {}
        self._people_stale = False
        self._filling = False

        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        self.session_label = QLabel()

        # -- the countdown ------------------------------------------------------------
        self.speaker_label = QLabel()
        self.speaker_label.setObjectName("plenarySpeaker")
        self.speaker_label.setWordWrap(True)
        self.countdown_label = QLabel()
        self.countdown_label.setObjectName("plenaryCountdown")
        self.countdown_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown_label.setAccessibleName(_("Time left"))
        self.next_button = QPushButton(_("Next (F6)"))
        self.next_button.setObjectName("primary")
        self.next_button.setToolTip(_("Give the floor to the next person (F6)"))
        self.pause_button = QPushButton(_("Pause (F7)"))
        self.add30_button = QPushButton(_("+30 s (F8)"))
        self.add60_button = QPushButton(_("+1 min"))
        self.add60_button.setToolTip(_("Add a minute (Shift+F8)"))
        self.reset_button = QPushButton(_("Reset"))
        self.end_button = QPushButton(_("End (F9)"))
        self.end_button.setToolTip(_("End this turn and record it (F9)"))
        self.turn_edit = QLineEdit()
        self.turn_edit.setMaximumWidth(90)
        self.turn_edit.setAccessibleName(_("Length of a turn (minutes:seconds)"))
        self.overtime_combo = QComboBox()
        self.overtime_combo.addItem(_("count up in red"), OvertimePolicy.COUNT_UP.value)
        self.overtime_combo.addItem(_("stop at 0:00"), OvertimePolicy.STOP.value)
        self.chime_box = QCheckBox(_("Chime at each stage"))
        timer_box = QGroupBox(_("Speaking now"))
        timer_layout = QVBoxLayout(timer_box)
        timer_layout.addWidget(self.speaker_label)
        timer_layout.addWidget(self.countdown_label)
        for buttons in ((self.next_button, self.pause_button, self.end_button),
                        (self.add30_button, self.add60_button, self.reset_button)):
            timer_layout.addLayout(flow_row(*buttons))  # wrap rather than squeeze their words
        form = QFormLayout()
        form.addRow(_("&Turn length (m:ss):"), self.turn_edit)
        form.addRow(_("Over &time:"), self.overtime_combo)
        form.addRow(self.chime_box)  # the whole width: its words do not fit beside a label
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # fields under labels
        timer_layout.addLayout(form)  # when the column is narrow

        self.agenda = AgendaBox()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(timer_box)
        left_layout.addWidget(self.agenda, 1)

        # -- the queue ------------------------------------------------------------
        self.add_edit = QLineEdit()
        self.add_edit.setObjectName("scanField")
        self.add_edit.setPlaceholderText(
            _("Name or badge — Enter queues, Ctrl+Enter for a direct reply"))
        self.add_edit.setAccessibleName(_("Add to the speaker queue"))
        # The page fills the suggestions itself (the one search rule, Participant.matches)
        # and handles Enter: the completer is attached with setWidget, not setCompleter, so
        # the line edit never rewrites its text behind the page's back.
        self._completer_model = QStringListModel(self)
        self.completer = QCompleter(self._completer_model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setWidget(self.add_edit)
        self.completer.activated.connect(self._on_completer_activated)
        popup = self.completer.popup()  # the completer's own list, made here
        assert popup is not None
        self.suggestions = popup
        # Installed after the completer's own filter, so it sees Enter first.
        self.suggestions.installEventFilter(self)
        self.add_edit.textEdited.connect(self._on_add_text_edited)
        self.add_edit.installEventFilter(self)
        self.policy_combo = QComboBox()
        self.policy_combo.setAccessibleName(_("Queue order"))
        self.policy_combo.addItem(_("First come"), "first_come:turns")
        self.policy_combo.addItem(_("Progressive: fewest turns first"), "progressive:turns")
        self.policy_combo.addItem(_("Progressive: least time first"), "progressive:seconds")
        self.policy_combo.addItem(_("Alternate between groups"), "alternate:turns")
        self.group_combo = QComboBox()
        self.group_combo.setAccessibleName(_("Groups to alternate"))
        for combo in (self.policy_combo, self.group_combo):  # not as wide as the longest
            narrow_combo(combo)  # choice: the page fits a 1,366-pixel laptop
        self.queue_list = QListWidget()
        self.queue_list.setAccessibleName(_("Speaker queue"))
        self.queue_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.queue_list.model().rowsMoved.connect(self._on_queue_rows_moved)
        self.queue_list.installEventFilter(self)
        self.remove_button = QPushButton(_("Remove (Del)"))
        self.floor_button = QPushButton(_("Give the floor"))
        queue_box = QGroupBox(_("Speaker queue"))
        queue_layout = QVBoxLayout(queue_box)
        queue_layout.addWidget(self.add_edit)
        order = QGridLayout()  # the groups under the order: side by side, too wide
        order.addWidget(QLabel(_("Order:")), 0, 0)
        order.addWidget(self.policy_combo, 0, 1)
        order.addWidget(self.group_combo, 1, 1)
        order.setColumnStretch(1, 1)
        queue_layout.addLayout(order)
        queue_layout.addWidget(self.queue_list, 1)
        row = QHBoxLayout()
        row.addWidget(self.floor_button)
        row.addWidget(self.remove_button)
        queue_layout.addLayout(row)
        self.hands = HandsBox(self)  # raised hands from phones, next to the queue
        queue_layout.addWidget(self.hands)

        self.heard = HeardBox()

        splitter = QSplitter()
        # The agenda scrolls under the timer rather than squeeze it on a 768-pixel screen.
        splitter.addWidget(ScrollDown(left))
        splitter.addWidget(queue_box)
        splitter.addWidget(self.heard)
        splitter.setSizes([470, 380, 420])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.session_label)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)

        self._ticker = QTimer(self)
        self._ticker.setInterval(200)
        self._ticker.timeout.connect(self._on_ticker_timeout)

        self.next_button.clicked.connect(self.next_speaker)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.add30_button.clicked.connect(lambda: self.add_time(30))
        self.add60_button.clicked.connect(lambda: self.add_time(60))
        self.reset_button.clicked.connect(self.reset_turn)
        self.end_button.clicked.connect(self.end_turn)
        self.remove_button.clicked.connect(self.remove_selected)
        self.floor_button.clicked.connect(self._on_floor_clicked)
        self.agenda.add_button.clicked.connect(self._on_agenda_add_clicked)
        self.agenda.title_edit.returnPressed.connect(self._on_agenda_add_clicked)
        self.agenda.next_button.clicked.connect(self.next_agenda_item)
        for edited in (self.turn_edit.editingFinished, self.overtime_combo.currentIndexChanged,
                       self.policy_combo.currentIndexChanged,
                       self.group_combo.currentIndexChanged, self.chime_box.toggled,
                       self.heard.balance_box.toggled):
            edited.connect(self._on_settings_edited)
        for chosen in (self.heard.scope_combo, self.heard.attribute_combo):
            chosen.currentIndexChanged.connect(self._on_stats_options_changed)
        self.heard.csv_button.clicked.connect(self.export_csv)
        self.heard.pdf_button.clicked.connect(self.export_pdf)

        self._make_shortcuts()
        self._fill_attribute_combos()
        self._fill_people()
        self.refresh()
        self.setFocusProxy(self.add_edit)

    # -- keyboard ------------------------------------------------------------

    def _make_shortcuts(self) -> None:
        self.shortcuts = {
            "next": self.shortcut(_("Next speaker"), "F6", self.next_speaker),
            "pause": self.shortcut(_("Pause or resume"), "F7", self.toggle_pause),
            "add30": self.shortcut(_("Add 30 seconds"), "F8", lambda: self.add_time(30)),
            "add60": self.shortcut(_("Add a minute"), "Shift+F8", lambda: self.add_time(60)),
            "end": self.shortcut(_("End turn"), "F9", self.end_turn),
            "agenda": self.shortcut(_("Next agenda item"), "F10", self.next_agenda_item),
            "find": self.shortcut(_("Add to the queue"), "Ctrl+F", self._focus_add),
        }

    def _focus_add(self) -> None:
        self.add_edit.setFocus()
        self.add_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, mods = event.key(), event.modifiers()
            popup = self.suggestions
            suggesting = popup.isVisible()
            if (watched is self.add_edit or watched is popup) and key in (
                    Qt.Key.Key_Return, Qt.Key.Key_Enter):
                # The popup would eat Enter (and queue nothing unless a row was highlighted).
                self.queue_typed(reply=bool(mods & Qt.KeyboardModifier.ControlModifier))
                return True
            if watched is self.add_edit and key == Qt.Key.Key_Down and not suggesting:
                self.queue_list.setFocus()
                if self.queue_list.currentRow() < 0 and self.queue_list.count():
                    self.queue_list.setCurrentRow(0)
                return True
            if watched is self.queue_list:
                if key == Qt.Key.Key_Delete:
                    self.remove_selected()
                    return True
                if mods & Qt.KeyboardModifier.AltModifier and key in (Qt.Key.Key_Up,
                                                                      Qt.Key.Key_Down):
                    self.move_selected(-1 if key == Qt.Key.Key_Up else 1)
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self._on_floor_clicked()
                    return True
                if key == Qt.Key.Key_Escape:
                    self._focus_add()
                    return True
        return super().eventFilter(watched, event)

    # -- ops ------------------------------------------------------------

    def queue_typed(self, *, reply: bool = False) -> bool:
        """Enter in the name field: queue the highlighted suggestion; else the badge, voting
        link or ID typed; else the first suggestion. A name no one has is refused."""
        popup = self.suggestions
        current = popup.currentIndex()
        highlighted = (str(current.data()) if popup.isVisible() and current.isValid()
                       and popup.selectionModel().isSelected(current) else None)
        popup.hide()
        text = self.add_edit.text().strip()
        if highlighted is None and not text:
            return False
        person = self._person_for(highlighted or text)
        return person is not None and self._enqueue(person, reply=reply)

    def _enqueue(self, person: Participant, *, reply: bool = False) -> bool:
        done = self.run(
            lambda: ops.enqueue(self.store, person.id, reply=reply, actor=self.actor),
            (_("{name} will reply directly.") if reply else
             _("{name} is in the queue.")).format(name=person.name)) is not None
        if done:  # typing on starts a new name
            self.add_edit.clear()
            self._completer_model.setStringList([])
        return done

    def _on_completer_activated(self, label: str) -> None:
        """A suggestion clicked (or Tab on a highlighted one): queue that person at once."""
        person = self._person_for(label)
        if person is not None:
            self._enqueue(person)

    def _on_add_text_edited(self, text: str) -> None:
        """Suggest the people the text matches; none is highlighted until ↓ or the mouse."""
        labels = [self._label(p) for p in self._matching(text)] if text.strip() else []
        self._completer_model.setStringList(labels)
        popup = self.suggestions
        if not labels:
            popup.hide()
            return
        self.completer.complete()
        popup.selectionModel().clear()

    def _matching(self, text: str) -> list[Participant]:
        """The people whose name, ID or badge has every word of ``text``: present first."""
        words = search_words(text)
        return [p for p in self._people if p.matches(words)]

    @staticmethod
    def _label(person: Participant) -> str:
        return f"{person.name} ({person.ext_id})"

    def _person_for(self, text: str) -> Participant | None:
        labelled = self._people_by_label.get(text)
        if labelled is not None:
            return labelled
        try:
            return find_by_scan(self.store, text)
        except NotFoundError:
            pass
        matches = self._matching(text)
        if matches:
            return matches[0]
        self.refuse(_("No one on the list matches '{text}': check the spelling, or scan "
                      "their badge.").format(text=text[:60]))
        return None

    def next_speaker(self) -> None:
        self.run(lambda: ops.start_next(self.store, self._turn_seconds(), actor=self.actor))

    def toggle_pause(self) -> None:
        self.run(lambda: ops.toggle_pause(self.store, actor=self.actor))

    def add_time(self, seconds: int) -> None:
        self.run(lambda: ops.add_time(self.store, seconds, actor=self.actor))

    def reset_turn(self) -> None:
        self.run(lambda: ops.reset(self.store, actor=self.actor))

    def end_turn(self) -> None:
        self.run(lambda: ops.end_turn(self.store, actor=self.actor))

    def next_agenda_item(self) -> None:
        self.run(lambda: ops.start_next_agenda_item(self.store, actor=self.actor))

    def remove_selected(self) -> None:
        item = self.queue_list.currentItem()
        if item is None:
            return
        queue_id = int(item.data(QUEUE_ID))
        self.run(lambda: ops.remove_from_queue(self.store, queue_id, actor=self.actor))

    def move_selected(self, delta: int) -> None:
        row = self.queue_list.currentRow()
        item = self.queue_list.currentItem()
        if item is None or self._state is None:
            return
        replies = sum(1 for e in self._state.queue if e.is_reply)
        target = max(0, row - replies + delta)
        queue_id = int(item.data(QUEUE_ID))
        if self.run(lambda: ops.move_in_queue(self.store, queue_id, target,
                                              actor=self.actor)) is not None:
            self._select_queue_id(queue_id)

    def _on_queue_rows_moved(self, *_args: object) -> None:
        """A drag finished: store the order now on screen (replies keep their place first)."""
        if self._state is None:
            return
        replies = {e.id for e in self._state.queue if e.is_reply}
        order = [int(self.queue_list.item(r).data(QUEUE_ID))
                 for r in range(self.queue_list.count())]
        order = [qid for qid in order if qid not in replies]
        # After the view has finished its own bookkeeping for the drop.
        QTimer.singleShot(0, lambda: self.run(
            lambda: ops.set_queue_order(self.store, order, actor=self.actor)))

    def _on_floor_clicked(self) -> None:
        item = self.queue_list.currentItem()
        if item is None:
            self.next_speaker()
            return
        queue_id = int(item.data(QUEUE_ID))
        self.run(lambda: ops.start_entry(self.store, queue_id, self._turn_seconds(),
                                         actor=self.actor))

    def _on_agenda_add_clicked(self) -> None:
        title = self.agenda.title_edit.text()
        try:
            seconds = parse_mmss(self.agenda.minutes_edit.text())
        except ValueError:
            self.refuse(_("Give the item's length as minutes:seconds, e.g. 15:00."))
            return
        if self.run(lambda: ops.add_agenda_item(self.store, title, seconds,
                                                actor=self.actor)) is not None:
            self.agenda.title_edit.clear()

    def _turn_seconds(self) -> int | None:
        try:
            return parse_mmss(self.turn_edit.text())
        except ValueError:
            return None

    def _on_settings_edited(self, *_args: object) -> None:
        if self._state is None or self._filling:
            return
        seconds = self._turn_seconds()
        if seconds is None:
            self.refuse(_("Give the turn length as minutes:seconds, e.g. 2:00."))
            self.turn_edit.setText(format_mmss(self._state.settings.turn_seconds))
            return
        policy, by = str(self.policy_combo.currentData() or "first_come:turns").split(":")
        attribute = self.group_combo.currentData()
        old = self._state.settings
        new = PlenarySettings(
            turn_seconds=seconds, stages=old.stages,
            overtime=OvertimePolicy(self.overtime_combo.currentData()),
            policy=QueuePolicy(policy), progressive_by=by,
            alternate_attribute=attribute or old.alternate_attribute,
            chime=self.chime_box.isChecked(),
            projector_shows_balance=self.heard.balance_box.isChecked())
        if new != old and self.run(
                lambda: ops.save_settings(self.store, new, actor=self.actor)) is None:
            self._fill_settings(old)

    def page_chimes(self) -> list[str]:
        """The stages chimed so far (shown nowhere; tests and diagnostics read it)."""
        return list(self.chime.played)

    # -- exports ------------------------------------------------------------

    def _stats(self) -> SpeakingStats:
        assert self._state is not None
        # Before the first session is opened its id is None, which reads the whole event:
        # the same (empty) figures, as there are no turns outside a session.
        session = None if self.heard.whole_event else self._state.session_id
        return queries.speaking_stats(self.store, self._clock, session_id=session,
                                      attribute=self.heard.attribute)

    def export_csv(self) -> Path | None:
        path = self._choose_save(self, _("Export speaking times"), "speaking-times.csv")
        return save_export(self.banner, path,
                           lambda p: p.write_text(stats_csv(self._stats()), encoding="utf-8"))

    def export_pdf(self) -> Path | None:
        if self._state is None:
            return None
        path = self._choose_save(self, _("Save the speaking-time report"), "who-was-heard.pdf")
        scope = _("whole event") if self.heard.whole_event else self._state.session_title
        return save_export(self.banner, path, lambda p: write_speaking_report(
            p, self._stats(), event_name=self.store.name, scope_title=scope,
            printed_at=self._clock.now()))

    # -- refresh ------------------------------------------------------------

    def relevant(self, changes: Changes) -> bool:
        """The plenary itself, and the people it names and counts (who is present)."""
        if changes.participants or changes.attendance or changes.event:
            self._people_stale = True  # names to suggest (present first), columns to group by
        return (changes.plenary or changes.participants or changes.attendance or changes.event
                or changes.phones)  # a hand raised on a phone

    def _fill_attribute_combos(self) -> None:
        columns = attribute_columns(self.store)
        for combo in (self.group_combo, self.heard.attribute_combo):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            if combo is self.heard.attribute_combo:
                combo.addItem(_("(no groups)"), None)
            for column in columns:
                combo.addItem(column, column)
            preferred = current or next(
                (c for c in columns if fold(c) in ("gender", "sex")), columns[0] if columns
                else None)
            index = combo.findData(preferred)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def _fill_people(self) -> None:
        self._people = sorted(all_people(self.store),
                              key=lambda p: (not p.present, fold(p.name), p.ext_id))
        self._people_by_label = {self._label(p): p for p in self._people}

    def _fill_settings(self, conf: PlenarySettings) -> None:
        self._filling = True
        try:
            if not self.turn_edit.hasFocus():
                self.turn_edit.setText(format_mmss(conf.turn_seconds))
            self.overtime_combo.setCurrentIndex(self.overtime_combo.findData(conf.overtime.value))
            key = conf.policy.value + ":" + (
                conf.progressive_by if conf.policy is QueuePolicy.PROGRESSIVE else "turns")
            self.policy_combo.setCurrentIndex(max(self.policy_combo.findData(key), 0))
            if conf.alternate_attribute:
                self.group_combo.setCurrentIndex(
                    max(self.group_combo.findData(conf.alternate_attribute), 0))
            self.group_combo.setEnabled(conf.policy is QueuePolicy.ALTERNATE)
            self.chime_box.setChecked(conf.chime)
            self.chime.muted = not conf.chime
            self.heard.balance_box.setChecked(conf.projector_shows_balance)
        finally:
            self._filling = False

    def refresh(self) -> None:
        if self._people_stale:
            self._people_stale = False
            self._fill_attribute_combos()
            self._fill_people()
        state = queries.state(self.store)
        self._state = state
        self.session_label.setText(state.session_title)
        self._fill_settings(state.settings)
        self._fill_queue(state)
        self.hands.refresh()
        current = state.current
        if current is None:
            self.speaker_label.setText(_("No one is speaking. F6 gives the floor to the next "
                                         "person in the queue."))
        else:
            marker = "  ↩ " + _("direct reply") if current.kind == "reply" else ""
            self.speaker_label.setText(current.participant.name + marker)
        if current is None or current.id != self._last_turn_id:
            self._last_remaining = None
            self._last_turn_id = current.id if current else None
        self.pause_button.setText(_("Resume (F7)") if current and not current.countdown.running
                                  else _("Pause (F7)"))
        for button in (self.pause_button, self.add30_button, self.add60_button,
                       self.reset_button, self.end_button):
            button.setEnabled(current is not None)
        self.next_button.setEnabled(bool(state.queue))
        self.agenda.show_agenda(state, self._clock)
        self.heard.show_stats(self._stats())
        self._on_ticker_timeout()
        if (current is not None and current.countdown.running) or state.current_agenda_item:
            self._ticker.start()
        else:
            self._ticker.stop()

    def _fill_queue(self, state: PlenaryState) -> None:
        self.queue_list.blockSignals(True)
        selected = self.queue_list.currentItem()
        selected_id = selected.data(QUEUE_ID) if selected is not None else None
        self.queue_list.clear()
        for number, entry in enumerate(state.queue, start=1):
            marker = "↩ " if entry.is_reply else ""
            item = QListWidgetItem(f"{number}. {marker}{entry.participant.name} — {entry.reason}")
            item.setData(QUEUE_ID, entry.id)
            if entry.is_reply:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
            self.queue_list.addItem(item)
        self.queue_list.blockSignals(False)
        if selected_id is not None:
            self._select_queue_id(int(selected_id))

    def _select_queue_id(self, queue_id: int) -> None:
        for row in range(self.queue_list.count()):
            if self.queue_list.item(row).data(QUEUE_ID) == queue_id:
                self.queue_list.setCurrentRow(row)
                return

    def _on_ticker_timeout(self) -> None:
        state = self._state
        if state is None:
            return
        current = state.current
        if current is None:
            self.countdown_label.setText(format_mmss(state.settings.turn_seconds))
            self.countdown_label.setStyleSheet("color:#9ca3af;")
        else:
            remaining = current.countdown.remaining(self._clock)
            seconds, over = display_seconds(remaining, state.settings.overtime)
            stage = stage_at(remaining, state.settings.stages)
            colour = stage.colour if stage else NORMAL_COLOUR
            self.countdown_label.setText(format_mmss(seconds, over))
            self.countdown_label.setStyleSheet(f"color:{colour};")
            if self._last_remaining is not None:
                for crossed in stages_crossed(self._last_remaining, remaining,
                                              state.settings.stages):
                    self.chime.play(crossed.key)
            self._last_remaining = remaining
        if state.current_agenda_item is not None:
            self.agenda.show_agenda(state, self._clock)

    def _on_stats_options_changed(self, *_args: object) -> None:
        if self._state is not None:
            self.heard.show_stats(self._stats())
