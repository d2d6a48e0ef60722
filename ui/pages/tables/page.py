"""The Tables page: settings and constraints, allocation off the GUI thread, a tab per round
with a card per table, drag-and-drop moves and swaps, locks, undo, re-balance, prints.

Allocation and re-balancing run on the task runner with a progress bar; Cancel keeps the
best plan found so far. Every hand edit is one op on the event file, run through
:meth:`Page.run`; the cards and the quality panel refill from the event file when the bus
says tables changed, and show what :func:`~facilitator.tables.queries.plan_view` says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _, ngettext
from facilitator.people import attribute_columns, list_participants
from facilitator.reports.tables import badges_of
from facilitator.store import EventStore
from facilitator.tables import ops, queries
from facilitator.tables.plans import PlanView, SavedPlan, SeatingRules, StoredPlan, stop_text
from facilitator.tables.search import CancelFn, Progress, ProgressFn
from facilitator.text import fold
from ui.bus import ChangeBus
from ui.pages.base import APP_ACTOR, Page
from ui.pages.results.printing import (
    ask_printer,
    print_pdf,
    print_temporary_pdf,
    temporary_pdf_path,
)
from ui.pages.tables.cards import (
    NO_SHOW,
    NOT_ARRIVED,
    OverviewView,
    RoundView,
    SeatList,
    TableCard,
)
from ui.pages.tables.constraints import ConstraintsDialog
from ui.pages.tables.form import SettingsForm
from ui.pages.tables.prints import BADGE_PRINTS, PRINTS, printout, suggested_name
from ui.pages.tables.quality import QualityPanel
from ui.pages.tables.runner import SearchRunner
from ui.pages.tables.undo import Edit, Op, UndoStack
from ui.tasks import TaskRunner

SaveChooser = Callable[[QWidget, str, str], Path | None]
PrinterAsker = Callable[[QWidget, str, str], QPrinter | None]
"""The system print dialog (parent, page size, title): the printer chosen, or None."""
PdfPrinter = Callable[[Path, QPrinter], int]
"""Puts a PDF's pages on a printer; how many pages were sent."""
Job = TypeVar("Job")
Outcome = TypeVar("Outcome")


def choose_save_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested)
    return Path(path) if path else None


class TablesPage(Page):
    plan_saved = Signal(int)
    """Emitted with the new plan's id after an allocation or re-balance was stored."""

    def __init__(
        self,
        store: EventStore,
        bus: ChangeBus,
        tasks: TaskRunner,
        choose_save: SaveChooser = choose_save_path,
        *,
        ask_print: PrinterAsker = ask_printer,
        send_to_printer: PdfPrinter = print_pdf,
        actor: str = APP_ACTOR,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, bus, actor=actor, parent=parent)
        self.title = _("Tables")
        self._tasks = tasks
        self._choose_save = choose_save
        self._ask_print = ask_print
        self._send_to_printer = send_to_printer
        self._plan: StoredPlan | None = None
        self._view: PlanView | None = None
        self._edits = UndoStack()
        self._search = SearchRunner(tasks, self)
        self._search.progressed.connect(self._on_search_progressed)
        self._dirty_rounds: set[int] = set()
        self._form_stale = False
        self._watching = False

        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        self.plan_label = QLabel()
        self.plan_label.setObjectName("summary")
        self.plan_label.setWordWrap(True)
        self.form = SettingsForm()
        self.quality_panel = QualityPanel()

        # -- the plan (centre) ---------------------------------------------------------------
        self.undo_button = QPushButton(_("Undo"))
        self.redo_button = QPushButton(_("Redo"))
        self.rebalance_round = QSpinBox()
        self.rebalance_round.setRange(1, 1)
        self.rebalance_round.setPrefix(_("from round "))
        self.rebalance_round.setAccessibleName(_("Re-balance from round"))
        self.rebalance_button = QPushButton(_("Re-&balance"))
        self.rebalance_button.setToolTip(_("Seat latecomers and fill the gaps leavers left in "
                                           "this round and the next, moving as few people as "
                                           "possible."))
        # A push button with a menu (as Participants' "Print badges…"): its arrow beside the
        # words. A tool button drew it in its corner, over the "…".
        self.print_button = QPushButton(_("&Print…"))
        # Each printout goes to the system's print dialog (a printer, or a PDF where the
        # system offers it), or is saved as a PDF file straight away.
        print_menu = QMenu(self.print_button)
        self.paper_actions: dict[str, QAction] = {}
        """Print on paper, through the print dialog (by kind of printout)."""
        self.print_actions: dict[str, QAction] = {}
        """Save as a file (by kind of printout; PLAN.json too)."""
        save_menu = QMenu(_("&Save as PDF instead"), print_menu)
        for key, (text, _name) in PRINTS.items():
            if key != "json":
                paper = print_menu.addAction(_(text))
                paper.triggered.connect(lambda checked=False, k=key: self.print_on_paper(k))
                self.paper_actions[key] = paper
                act = save_menu.addAction(_(text))
            else:
                print_menu.addSeparator()
                print_menu.addMenu(save_menu)
                act = print_menu.addAction(_(text))
            act.triggered.connect(lambda checked=False, k=key: self.print_plan(k))
            self.print_actions[key] = act
        self.print_button.setMenu(print_menu)
        self.drift_label = QLabel()
        self.drift_label.setWordWrap(True)
        self.drift_label.setObjectName("driftLabel")
        self.round_tabs = QTabWidget()
        self.round_tabs.setDocumentMode(True)
        self.round_tabs.currentChanged.connect(self._on_round_tabs_changed)
        self.empty_label = QLabel(_("No table plan yet. Check the settings on the left and "
                                    "press Allocate."))
        self.empty_label.setObjectName("placeholderText")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        plan_box = QWidget()
        plan_layout = QVBoxLayout(plan_box)
        plan_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        for widget in (self.undo_button, self.redo_button, self.rebalance_round,
                       self.rebalance_button, self.print_button):
            # Never squeeze a control below its natural width ("e-balanc", "n round 1").
            widget.setMinimumWidth(widget.sizeHint().width())
        for widget in (self.undo_button, self.redo_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.print_button)
        plan_layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.rebalance_round)
        row.addWidget(self.rebalance_button)
        row.addStretch(1)
        plan_layout.addLayout(row)
        plan_layout.addWidget(self.drift_label)
        plan_layout.addWidget(self.round_tabs, 1)
        plan_layout.addWidget(self.empty_label, 1)
        self.overview = OverviewView()
        self._presence: dict[int, str] = {}

        # The settings and the plan's quality share one side column (a tab each), so the
        # cards get the width: several columns of them on a laptop, not one.
        self.side_tabs = QTabWidget()
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.addTab(self.form, _("Next plan"))
        self.side_tabs.addTab(self.quality_panel, _("Quality"))
        splitter = QSplitter()
        splitter.addWidget(self.side_tabs)
        splitter.addWidget(plan_box)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self._splitter = splitter
        self._side_sized = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.plan_label, 1)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)

        self.form.allocate_button.clicked.connect(self.allocate)
        self.form.cancel_button.clicked.connect(self.cancel)
        self.form.constraints_button.clicked.connect(self.edit_constraints)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.rebalance_button.clicked.connect(self._on_rebalance_clicked)
        self.shortcut(_("Undo"), "Ctrl+Z", self.undo)
        self.shortcut(_("Redo"), "Ctrl+Shift+Z", self.redo)
        self.shortcut(_("Lock or unlock the selected person"), "Ctrl+L",
                      self.toggle_lock_selected)
        self.shortcut(_("Move the selected person to a table"), "Ctrl+M", self.move_selected)
        self.plan_saved.connect(lambda _id: self.side_tabs.setCurrentWidget(self.quality_panel))
        self._fill_settings()
        self.refresh()
        if self._view is not None:
            self.side_tabs.setCurrentWidget(self.quality_panel)

    # -- what the page shows -------------------------------------------------------------------

    def relevant(self, changes: Changes) -> bool:
        # The form is refilled only when the list's columns may have changed: otherwise a
        # refresh would throw away settings typed but not yet used.
        self._form_stale = self._form_stale or changes.participants or changes.event
        return changes.tables or changes.attendance or changes.participants or changes.event

    def refresh(self) -> None:
        if self._form_stale:
            self._form_stale = False
            self._fill_settings()
        plan = queries.current_plan(self.store)
        view = None if plan is None else queries.plan_view(self.store, plan)
        self._plan, self._view = plan, view
        self._presence = self._who_is_away()
        self.form.show_rules(queries.settings(self.store).rules)
        self.round_tabs.setVisible(view is not None)
        self.empty_label.setVisible(view is None)
        if plan is None or view is None:
            self.plan_label.setText(_("No plan yet"))
            self._set_round_tabs(0)
            self.quality_panel.clear()
            self.drift_label.setVisible(False)
            self._update_buttons()
            return
        rounds = len(view.rounds)
        self._set_round_tabs(rounds)
        self._dirty_rounds = set(range(rounds))
        self._fill_round(self.current_round())
        self.overview.show_plan(view, self._presence)
        self.rebalance_round.setRange(1, rounds)
        kind = _("re-balanced") if view.kind == "rebalance" else _("allocated")
        edits = ngettext("{n} change by hand", "{n} changes by hand", view.edits).format(
            n=view.edits)
        self.plan_label.setText(_("Plan {id}, {kind} at {time}: {people} people, {tables} "
                                  "tables, {rounds} rounds").format(
            id=view.plan_id, kind=kind, time=view.created_at.astimezone().strftime("%H:%M"),
            people=len(view.people), tables=view.tables, rounds=rounds)
            + (f"; {edits}" if view.edits else ""))
        self.quality_panel.show_plan(view, queries.check_plan(self.store, plan))
        self._show_drift(plan)
        self._update_buttons()

    def _who_is_away(self) -> dict[int, str]:
        """Participant id to ``NOT_ARRIVED`` or ``NO_SHOW``, for the cards' marks. Before
        anyone has checked in (a plan made days ahead) no one is marked "not yet arrived"."""
        people = list_participants(self.store)
        started = any(p.present for p in people)
        return {p.id: p.status for p in people
                if p.status == NO_SHOW or (started and p.status == NOT_ARRIVED)}

    def _fill_settings(self) -> None:
        self.form.fill(queries.settings(self.store), attribute_columns(self.store))

    def _round_count(self) -> int:
        return sum(isinstance(self.round_tabs.widget(i), RoundView)
                   for i in range(self.round_tabs.count()))

    def _set_round_tabs(self, count: int) -> None:
        """A tab per round, then "All rounds" (the overview) when there is a plan."""
        if self._round_count() == count and (
                count == 0 or self.round_tabs.indexOf(self.overview) == count):
            return
        showing_overview = self.round_tabs.currentWidget() is self.overview
        self.round_tabs.blockSignals(True)
        at = self.round_tabs.indexOf(self.overview)
        if at >= 0:
            self.round_tabs.removeTab(at)
        while self.round_tabs.count() > count:
            widget = self.round_tabs.widget(self.round_tabs.count() - 1)
            self.round_tabs.removeTab(self.round_tabs.count() - 1)
            if widget is not None:
                widget.deleteLater()
        while self.round_tabs.count() < count:
            r = self.round_tabs.count()
            self.round_tabs.addTab(RoundView(r), _("Round {n}").format(n=r + 1))
        if count:
            self.round_tabs.addTab(self.overview, _("All rounds"))
            if showing_overview:
                self.round_tabs.setCurrentWidget(self.overview)
        self.round_tabs.blockSignals(False)

    def _fill_round(self, round_: int) -> None:
        """Fill a round's cards when it is first shown after a change (tabs fill lazily)."""
        view = self._view
        if view is None or round_ not in self._dirty_rounds or round_ >= len(view.rounds):
            return
        self._dirty_rounds.discard(round_)
        for card in self.round_view(round_).show_round(view, self._presence):
            card.seats.person_dropped.connect(
                lambda pid, table, onto, r=round_: self.drop_person(r, pid, table, onto))
            card.seats.context_requested.connect(self._on_seat_context)

    def _show_drift(self, plan: StoredPlan) -> None:
        drift = queries.drift(self.store, plan)
        if not drift.any:
            self.drift_label.setVisible(False)
            return
        parts = []
        if drift.arrived:
            parts.append(ngettext("{n} person arrived", "{n} people arrived",
                                  len(drift.arrived)).format(n=len(drift.arrived)))
        if drift.departed:
            parts.append(ngettext("{n} left", "{n} left", len(drift.departed)).format(
                n=len(drift.departed)))
        self.drift_label.setText(_("Since this plan was made {what}: press Re-balance to seat "
                                   "them with as few moves as possible.").format(
            what=_(" and ").join(parts)))
        self.drift_label.setVisible(True)

    def _update_buttons(self) -> None:
        running = self.busy
        has_plan = self._view is not None
        self.form.allocate_button.setEnabled(not running)
        self.form.constraints_button.setEnabled(not running)
        undo, redo = self._edits.undo_text, self._edits.redo_text
        self.undo_button.setEnabled(undo is not None and not running)
        self.redo_button.setEnabled(redo is not None and not running)
        if undo is not None:
            self.undo_button.setToolTip(_("Undo: {what} (Ctrl+Z)").format(what=undo))
        if redo is not None:
            self.redo_button.setToolTip(_("Redo: {what} (Ctrl+Shift+Z)").format(what=redo))
        self.rebalance_button.setEnabled(has_plan and not running)
        self.rebalance_round.setEnabled(has_plan and not running)
        for actions in (self.print_actions, self.paper_actions):
            for key, act in actions.items():  # badges print with no plan too
                act.setEnabled(has_plan or key in BADGE_PRINTS)
        for view in (self.round_tabs.widget(i) for i in range(self.round_tabs.count())):
            if isinstance(view, RoundView):
                for card in view.cards:
                    card.seats.setDragEnabled(not running)

    def current_round(self) -> int:
        view = self.round_tabs.currentWidget()
        return view.round if isinstance(view, RoundView) else 0

    def round_view(self, round_: int) -> RoundView:
        view = self.round_tabs.widget(round_)
        assert isinstance(view, RoundView)
        return view

    def card(self, round_: int, table: int) -> TableCard:
        self._fill_round(round_)
        return self.round_view(round_).cards[table]

    def seat_lists(self, round_: int) -> list[SeatList]:
        self._fill_round(round_)
        return [card.seats for card in self.round_view(round_).cards]

    def describe_tables(self, round_: int) -> list[list[int]]:
        """Participant ids per card as shown (tests compare it with the event file)."""
        return [lst.participants() for lst in self.seat_lists(round_)]

    # -- hand edits, each undoable -------------------------------------------------------------

    def _do(self, edit: Edit, message: str) -> bool:
        if self.run(edit.redo, message) is None:
            return False
        self._edits.push(edit)
        self._update_buttons()
        return True

    def undo(self) -> None:
        if not self.busy:
            self._edits.undo(self.run)
            self._update_buttons()

    def redo(self) -> None:
        if not self.busy:
            self._edits.redo(self.run)
            self._update_buttons()

    def drop_person(self, round_: int, participant_id: int, to_table: int,
                    onto: int | None = None) -> bool:
        """What a drop does: swap with ``onto`` when given, else move to ``to_table``."""
        view = self._view
        if view is None or self.busy:
            return False
        from_table = view.table_of(participant_id, round_)
        if from_table is None:
            return False
        store, plan_id, actor = self.store, view.plan_id, self.actor
        name = view.name_of(participant_id)
        if onto is not None:
            other = view.name_of(onto)

            def swap(undoing: bool) -> Op:
                return lambda: ops.swap_people(store, plan_id, round_, participant_id, onto,
                                               actor=actor, undoing=undoing)

            return self._do(Edit(_("swap {a} and {b} in round {r}").format(
                a=name, b=other, r=round_ + 1), swap(True), swap(False)),
                _("Swapped {a} and {b}.").format(a=name, b=other))

        def move_to(table: int, undoing: bool = False) -> Op:
            return lambda: ops.move_person(store, plan_id, round_, participant_id, table,
                                           actor=actor, undoing=undoing)

        return self._do(Edit(_("move {name} to table {t} in round {r}").format(
            name=name, t=to_table + 1, r=round_ + 1), move_to(from_table, undoing=True),
            move_to(to_table)),
            _("Moved {name} to table {t}.").format(name=name, t=to_table + 1))

    def set_locked(self, round_: int, participant_id: int, locked: bool) -> bool:
        view = self._view
        if view is None:
            return False
        store, plan_id, actor = self.store, view.plan_id, self.actor
        name = view.name_of(participant_id)
        table = view.table_of(participant_id, round_)

        def lock(value: bool) -> Op:
            return lambda: ops.set_locked(store, plan_id, round_, participant_id, value,
                                          actor=actor)

        message = (_("{name} is locked to table {t} in round {r}.") if locked else
                   _("{name} is no longer locked.")).format(
            name=name, t=(table or 0) + 1, r=round_ + 1)
        return self._do(Edit((_("lock {name}") if locked else _("unlock {name}")).format(
            name=name), lock(not locked), lock(locked)), message)

    def _selected(self) -> tuple[int, int] | None:
        view = self.round_tabs.currentWidget()
        if not isinstance(view, RoundView):
            return None
        for card in view.cards:
            pid = card.seats.current_participant()
            if pid is not None and card.seats.hasFocus():
                return view.round, pid
        for card in view.cards:
            pid = card.seats.current_participant()
            if pid is not None:
                return view.round, pid
        return None

    def toggle_lock_selected(self) -> None:
        chosen = self._selected()
        if chosen is None or self._view is None:
            self.banner.show_message(_("Select a person on a table card first."), "info")
            return
        round_, pid = chosen
        seat = self._view.seat(round_, pid)
        self.set_locked(round_, pid, not (seat is not None and seat.locked))

    def move_selected(self) -> None:
        chosen = self._selected()
        view = self._view
        if chosen is None or view is None:
            self.banner.show_message(_("Select a person on a table card first."), "info")
            return
        round_, pid = chosen
        table, ok = QInputDialog.getInt(
            self, _("Move to table"), _("Move {name} to table:").format(name=view.name_of(pid)),
            (view.table_of(pid, round_) or 0) + 1, 1, view.tables)
        if ok:
            self.drop_person(round_, pid, table - 1)

    def _on_seat_context(self, participant_id: int, table: int, where: QPoint) -> None:
        view = self._view
        tab = self.round_tabs.currentWidget()
        if view is None or not isinstance(tab, RoundView):
            return
        round_ = tab.round
        menu = QMenu(self)
        seat = view.seat(round_, participant_id)
        locked = seat is not None and seat.locked
        lock = menu.addAction(_("Unlock") if locked else
                              _("Lock to table {t} in this round").format(t=table + 1))
        lock.triggered.connect(lambda: self.set_locked(round_, participant_id, not locked))
        move_menu = menu.addMenu(_("Move to table"))
        closed = view.closed_tables(round_)
        for t in range(view.tables):
            if t == table or t in closed:
                continue
            act = move_menu.addAction(_("Table {n}").format(n=t + 1))
            act.triggered.connect(lambda checked=False, t=t: self.drop_person(
                round_, participant_id, t))
        move_menu.setEnabled(not locked)
        menu.exec(where)
        menu.deleteLater()

    def edit_constraints(self) -> SeatingRules | None:
        saved = queries.settings(self.store)
        people = list_participants(self.store)
        columns: dict[str, list[str]] = {}
        for column in attribute_columns(self.store):
            values = {p.attributes.get(column, "").strip() for p in people} - {""}
            columns[column] = sorted(values, key=fold)
        form = self.form.settings(saved)
        tables = self._view.tables if self._view is not None else form.table_count(
            len(queries.pool(self.store, form)))
        rules = ConstraintsDialog.ask(self, saved.rules, people, columns,
                                      max(form.rounds, saved.rounds), tables)
        if rules is None:
            return None
        self.save_rules(rules)
        return rules

    def save_rules(self, rules: SeatingRules) -> bool:
        store, actor = self.store, self.actor

        def use(chosen: SeatingRules) -> Op:
            return lambda: ops.save_settings(
                store, replace(queries.settings(store), rules=chosen), actor=actor)

        return self._do(
            Edit(_("change the constraints"), use(queries.settings(store).rules),
                 use(rules)),
            _("Constraints saved; they apply to the next allocation or re-balance."))

    # -- allocating and re-balancing (off the GUI thread) --------------------------------------

    @property
    def busy(self) -> bool:
        return self._search.running is not None

    def allocate(self) -> bool:
        """Save the form's settings and start a search; False if refused or already busy."""
        if self.busy:
            return False
        settings = self.form.settings(queries.settings(self.store))
        if self.run(lambda: ops.save_settings(self.store, settings, actor=self.actor)) is None:
            return False
        return self._launch(
            "allocate", lambda: queries.prepare_allocation(self.store, settings),
            lambda job, progress, cancel: queries.run_allocation(job, progress=progress,
                                                                 cancel=cancel),
            self._on_allocation_done,
            lambda job: _("Allocating {people} people to {tables} tables over {rounds} "
                          "rounds…").format(people=len(job.problem.people),
                                            tables=job.problem.tables,
                                            rounds=job.problem.rounds))

    def rebalance(self, from_round: int) -> bool:
        if self.busy:
            return False
        return self._launch(
            "rebalance", lambda: queries.prepare_rebalance(self.store, from_round),
            lambda job, progress, cancel: queries.run_rebalance(job, progress=progress,
                                                                cancel=cancel),
            self._on_rebalance_done,
            lambda job: _("Re-balancing rounds {a} to {b}…").format(
                a=from_round + 1, b=job.problem.rounds))

    def _launch(self, kind: str, prepare: Callable[[], Job],
                search: Callable[[Job, ProgressFn, CancelFn], Outcome],
                done: Callable[[Job, Outcome], None], text: Callable[[Job], str]) -> bool:
        """Read what a search needs (or say why it cannot run), start it, show it running."""
        try:
            job = prepare()
        except UserError as exc:
            self.refuse(exc.message)
            return False
        if not self._search.start(kind, lambda progress, cancel: search(job, progress, cancel),
                                  lambda outcome: done(job, outcome), self._on_search_failed):
            return False
        self._show_running(text(job))
        return True

    def _on_rebalance_clicked(self) -> None:
        self.rebalance(self.rebalance_round.value() - 1)

    def cancel(self) -> None:
        if self._search.cancel():
            self.form.progress_label.setText(_("Stopping…"))

    def shutdown(self) -> None:
        """The event is being closed: stop any search and drop its result unsaved."""
        self._search.shutdown()

    def _show_running(self, text: str | None) -> None:
        self.form.show_running(text)
        if text is not None:
            self.banner.clear_message()
        self._update_buttons()

    @Slot(object)
    def _on_search_progressed(self, progress: Progress) -> None:
        if not self.busy:
            return
        self.form.show_search_progress(progress)

    def _on_allocation_done(self, job: queries.AllocationJob,
                            outcome: queries.AllocationOutcome) -> None:
        self._show_running(None)
        saved = self.run(lambda: ops.save_allocation(self.store, job, outcome, actor=self.actor))
        if saved is None:
            return
        self._push_plan_switch(saved, _("allocate plan {id}").format(id=saved.plan_id))
        q = outcome.allocation.quality
        text = _("Plan {id}: {people} people at {tables} tables; {repeats} pairs meet more "
                 "than once; mean L1 {l1:.3f}.").format(
            id=saved.plan_id, people=len(job.problem.people), tables=job.problem.tables,
            repeats=q.repeat_pairs, l1=q.mean_l1)
        if outcome.allocation.stopped != "finished":
            text += " " + stop_text(outcome.allocation.stopped)
        if job.notes:
            text += " " + " ".join(job.notes)
        self.banner.show_message(text, "info" if job.notes else "ok", seconds=0 if job.notes
                                 else 10)
        self.plan_saved.emit(saved.plan_id)

    def _on_rebalance_done(self, job: queries.RebalanceJob,
                           outcome: queries.RebalanceOutcome) -> None:
        self._show_running(None)
        saved = self.run(lambda: ops.save_rebalance(self.store, job, outcome, actor=self.actor))
        if saved is None:
            return
        self._push_plan_switch(saved, _("re-balance (plan {id})").format(id=saved.plan_id))
        res = outcome.result
        text = _("Re-balanced from round {r}: {arrived} seated, {left} left, {moved} "
                 "already seated people move.").format(
            r=job.from_round + 1, arrived=len(res.arrived), left=len(res.departed),
            moved=len(res.moved_people))
        if res.stopped != "finished":
            text += " " + _("Stopped early: this is the best plan found so far.")
        self.banner.show_message(text + " " + _("The cards mark them: ★ moved, ✚ new."), "ok")
        self.plan_saved.emit(saved.plan_id)

    def _push_plan_switch(self, saved: SavedPlan, text: str) -> None:
        store, new, old, actor = self.store, saved.plan_id, saved.previous_id, self.actor
        self._edits.push(Edit(text, lambda: ops.set_current_plan(store, old, actor=actor),
                              lambda: ops.set_current_plan(store, new, actor=actor)))
        self._update_buttons()

    def _on_search_failed(self, exc: Exception) -> None:
        self._show_running(None)
        if isinstance(exc, UserError):
            self.refuse(exc.message)
            return
        raise exc

    # -- printing --------------------------------------------------------------------------------

    def _printout(self, kind: str, path: Path) -> Callable[[], Path] | None:
        """The work that writes printout ``kind`` to ``path``; None (and why, in the banner)
        when there is nothing to print."""
        view, plan = self._view, self._plan
        if (view is None or plan is None) and kind not in BADGE_PRINTS:
            self.banner.show_message(_("Allocate tables first: there is no plan to print."),
                                     "info")
            return None
        return printout(kind, path, view, round_=self.current_round(),
                        printed_at=self.store.clock.now(),
                        plan_data=queries.plan_json(self.store, plan)
                        if kind == "json" and plan is not None else None,
                        # With or without a plan: each QR code is the person's voting link.
                        badges=badges_of(self.store) if kind in BADGE_PRINTS else None)

    def print_plan(self, kind: str) -> bool:
        """Save printout ``kind`` as a file (a PDF; PLAN.json for ``json``)."""
        if self._view is None and kind not in BADGE_PRINTS:
            return self._printout(kind, Path()) is not None  # says why not
        path = self._choose_save(self, _("Save the printout as"),
                                 suggested_name(kind, self.current_round()))
        if path is None:
            return False
        work = self._printout(kind, path)
        if work is None:
            return False
        self.banner.show_message(_("Writing {path}…").format(path=path.name), "info")
        self._tasks.run(work, self._on_print_done, self._on_print_failed)
        return True

    def print_on_paper(self, kind: str) -> bool:
        """Print printout ``kind`` through the system's print dialog: the PDF is written to
        a temporary folder off the GUI thread, then its pages go to the printer chosen."""
        if self._view is None and kind not in BADGE_PRINTS:
            return self._printout(kind, Path()) is not None  # says why not
        title = _(PRINTS[kind][0]).rstrip("…")
        printer = self._ask_print(self, "A4", _("Print: {what}").format(what=title))
        if printer is None:
            return False
        work = self._printout(kind, temporary_pdf_path(suggested_name(kind,
                                                                      self.current_round())))
        if work is None:
            return False
        self.banner.show_message(_("Preparing {what} for the printer…").format(what=title),
                                 "info")
        self._tasks.run(work, lambda path: self._on_paper_ready(path, printer),
                        self._on_print_failed)
        return True

    def _on_paper_ready(self, path: Path, printer: QPrinter) -> None:
        try:
            pages = print_temporary_pdf(path, printer, self._send_to_printer)
        except UserError as exc:
            self.refuse(exc.message)
            return
        self.banner.show_message(ngettext("Sent {n} page to the printer.",
                                          "Sent {n} pages to the printer.", pages).format(
            n=pages), "ok", seconds=10)

    def _on_print_done(self, path: Path) -> None:
        self.banner.show_message(_("Saved {path}").format(path=path), "ok", seconds=10)

    def _on_print_failed(self, exc: Exception) -> None:
        if isinstance(exc, OSError):
            self.refuse(_("Could not write the file: {error}").format(
                error=exc.strerror or exc))
            return
        raise exc

    # -- events --------------------------------------------------------------------------------

    def _on_round_tabs_changed(self, index: int) -> None:
        if index >= 0 and isinstance(self.round_tabs.widget(index), RoundView):
            self._fill_round(index)
            if self._view is not None:
                self.rebalance_round.setValue(index + 1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._side_sized:  # once the page has its width: the side column no wider
            self._side_sized = True  # than it needs, the cards get the rest
            side = self.side_tabs.minimumSizeHint().width()
            self._splitter.setSizes([side, max(1, self._splitter.width() - side)])
        if not self._watching:
            self._watching = True
            # Closing the app stops the search now, not in 20 s; a main window that takes
            # this page out of its stack is closing the event under it.
            self.window().installEventFilter(self)
            stack = self.parentWidget()
            if isinstance(stack, QStackedWidget):
                stack.widgetRemoved.connect(self._on_stack_widget_removed)
        QTimer.singleShot(0, self, self._reflow_current)  # not after the page is gone

    def _reflow_current(self) -> None:
        view = self.round_tabs.currentWidget()
        if isinstance(view, RoundView):
            view.reflow()

    def _on_stack_widget_removed(self, _index: int) -> None:
        stack = self.parentWidget()
        if isinstance(stack, QStackedWidget) and stack.indexOf(self) < 0:
            self.shutdown()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window() and event.type() == QEvent.Type.Close:
            self.shutdown()
        return super().eventFilter(watched, event)
