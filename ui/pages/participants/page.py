"""The Participants page: the list, check-in by scan or search, walk-ins, import.

Keyboard: the scan field has the focus; Enter checks in the scanned badge or the one match,
↓ moves into the list (Enter there checks in), Esc goes back; Ctrl+F finds, Ctrl+U undoes a
check-in, Ctrl+Shift+X marks a no-show, Ctrl+Shift+A adds a walk-in, F2 edits the selected
person, Delete (in the list) removes them from the list after a confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from facilitator import codes
from facilitator.changes import NO_CHANGES, Changes
from facilitator.errors import UserError
from facilitator.i18n import _, ngettext
from facilitator.people import ops, queries
from facilitator.people.importer import RawTable, read_table
from facilitator.people.model import NotFoundError, Participant, ParticipantResult
from facilitator.reports.tables import badges_of, write_badges
from facilitator.store import EventStore
from facilitator.tables.queries import current_plan
from facilitator.text import header_key
from ui.bus import ChangeBus
from ui.camera import CameraPanel, QrSeen
from ui.flow import flow_row
from ui.pages.base import APP_ACTOR, Page
from ui.pages.participants.dialogs import (
    EditPersonDialog,
    ImportDialog,
    RemovePersonDialog,
    WalkInDialog,
)
from ui.pages.participants.model import (
    NAME_COLUMN,
    PARTICIPANT_ROLE,
    ParticipantsFilter,
    ParticipantsModel,
    role_count_text,
)
from ui.tasks import TaskRunner

FileChooser = Callable[[QWidget], Path | None]
SaveChooser = Callable[[QWidget, str, str], Path | None]


def _choose_save_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested)
    return Path(path) if path else None


def choose_people_file(parent: QWidget) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Import participants"), "",
        _("Participant lists (*.csv *.tsv *.txt *.xlsx);;All files (*)"))
    return Path(path) if path else None


def mistyped_badge_code(text: str) -> bool:
    """Whether ``text``, which matched no one, was meant as a badge code: the length of one
    (grouped with dashes or not), made of code characters, with a digit in it (a name has
    none), but failing the check character."""
    code = codes.normalise(text)
    if not any(ch.isdigit() for ch in text) or " " in text.strip():
        return False
    return codes.check_badge_code(code) == "typo" or (
        len(code) == codes.OLD_BADGE_LENGTH and not codes.is_valid(code)
        and all(ch in codes.ALPHABET for ch in code))


class ParticipantsPage(Page):
    """Check-in desk and participant list in one: the scan field always has the focus."""

    import_finished = Signal(object)
    """Emitted with the :class:`~facilitator.people.model.ImportReport` after an import."""

    def __init__(
        self,
        store: EventStore,
        bus: ChangeBus,
        tasks: TaskRunner,
        *,
        actor: str = APP_ACTOR,
        choose_file: FileChooser = choose_people_file,
        choose_save: SaveChooser | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, bus, actor=actor, parent=parent)
        self.title = _("Participants")
        self._tasks = tasks
        self._choose_file = choose_file
        self._choose_save = choose_save or _choose_save_path
        self._last_checked_in: int | None = None
        self._pending: Changes = NO_CHANGES
        """What changed since the last refresh: rows to re-read, or the whole list."""

        self.model = ParticipantsModel(store, self)
        self.proxy = ParticipantsFilter(self)
        self.proxy.setSourceModel(self.model)

        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary")
        self.summary_label.setWordWrap(True)
        self.breakdown_combo = QComboBox()
        self.breakdown_combo.setAccessibleName(_("Break down attendance by"))
        breakdown_label = QLabel(_("&Break down by:"))
        breakdown_label.setBuddy(self.breakdown_combo)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("scanField")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(
            _("Scan a badge, or type a name or ID — Enter checks in"))
        self.search_edit.setAccessibleName(_("Scan or search"))
        self.search_edit.installEventFilter(self)
        # A badge held up to a webcam checks in as its scanned code does (issue 17); QR
        # codes only, so without the paper reader add-on too.
        self.camera = CameraPanel(store, _("hold a badge's QR code up to it."), papers=False,
                                  preview=QSize(240, 180))
        self.camera.seen.connect(self._on_camera_seen)

        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        filter_row = QHBoxLayout()
        for key, label in (("all", _("All")), ("checked_in", _("Here")),
                           ("expected", _("Not yet arrived")), ("no_show", _("No-shows")),
                           ("walk_in", _("Walk-ins")), ("removed", _("Removed"))):
            button = QPushButton(label)
            button.setCheckable(True)
            button.setProperty("filterKey", key)
            button.setObjectName("filterButton")
            self.filter_group.addButton(button)
            filter_row.addWidget(button)
            if key == "all":
                button.setChecked(True)
        filter_row.addStretch(1)
        self.filter_group.buttonClicked.connect(self._on_filter_group_clicked)

        self.check_in_button = QPushButton(_("Check &in"))
        self.check_in_button.setObjectName("primary")
        self.undo_button = QPushButton(_("&Undo check-in"))
        self.no_show_button = QPushButton(_("&No-show"))
        self.walk_in_button = QPushButton(_("Add &walk-in…"))
        self.import_button = QPushButton(_("Im&port list…"))
        self.badges_button = QPushButton(_("Print ba&dges…"))
        self.badges_button.setToolTip(_("Badges for everyone on the list, with or without a "
                                        "table plan (tables are printed when there is one)."))
        badges_menu = QMenu(self.badges_button)
        for sheet, text in (("a6", _("Badges, A6…")),
                            ("labels", _("Badge labels, A4 (8 a sheet)…"))):
            badges_menu.addAction(text).triggered.connect(
                lambda checked=False, k=sheet: self.print_badges(k))
        self.badges_button.setMenu(badges_menu)
        self.edit_button = QPushButton(_("&Edit person…"))
        self.remove_button = QPushButton(_("Remo&ve from list…"))
        # Wraps onto a second line where the words are longer (Welsh, Arabic).
        actions = flow_row(self.check_in_button, self.undo_button, self.no_show_button,
                           self.walk_in_button, self.edit_button, self.remove_button,
                           self.import_button, self.badges_button)
        self.check_in_button.clicked.connect(self._on_check_in_clicked)
        self.undo_button.clicked.connect(self._on_undo_clicked)
        self.no_show_button.clicked.connect(self._on_no_show_clicked)
        self.walk_in_button.clicked.connect(self._on_walk_in_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME_COLUMN, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setAccessibleName(_("Participants"))
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(breakdown_label)
        top.addWidget(self.breakdown_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.search_edit, 1)
        scan_row.addWidget(self.camera.toggle)
        layout.addLayout(scan_row)
        layout.addWidget(self.banner)
        layout.addLayout(filter_row)
        table_row = QHBoxLayout()
        table_row.addWidget(self.table, 1)
        table_row.addWidget(self.camera)
        layout.addLayout(table_row, 1)
        layout.addLayout(actions)

        self.search_edit.textChanged.connect(self._on_search_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_return_pressed)
        self.breakdown_combo.currentIndexChanged.connect(self._on_breakdown_changed)

        self.actions_ = self._make_actions()
        self._fill_breakdown_combo()
        self._resize_columns()
        self._refresh_summary()
        self._update_buttons()
        self.setFocusProxy(self.search_edit)

    # -- actions and shortcuts ------------------------------------------------------------------

    def _make_actions(self) -> list[QAction]:
        return [
            self.shortcut(_("Find or scan"), "Ctrl+F", self.focus_scan_field),
            self.shortcut(_("Undo check-in"), "Ctrl+U", self._on_undo_clicked),
            self.shortcut(_("Mark no-show"), "Ctrl+Shift+X", self._on_no_show_clicked),
            self.shortcut(_("Add walk-in"), "Ctrl+Shift+A", self._on_walk_in_clicked),
            self.shortcut(_("Edit person…"), "F2", self._on_edit_clicked),
            self._remove_action(),
        ]

    def _remove_action(self) -> QAction:
        """Delete removes the selected person, only while the list has the focus (in the
        scan field it deletes characters)."""
        action = QAction(_("Remove from list…"), self.table)
        action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(self._on_remove_clicked)
        self.table.addAction(action)
        return action

    def focus_scan_field(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search_edit and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                self._move_into_table()
                return True
            if watched is self.search_edit and key == Qt.Key.Key_Escape and self.search_edit.text():
                self.search_edit.clear()
                return True
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._on_check_in_clicked()
                return True
            if watched is self.table and key == Qt.Key.Key_Escape:
                self.focus_scan_field()
                return True
        return super().eventFilter(watched, event)

    def _move_into_table(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        self.table.setFocus()
        current = self.table.currentIndex()
        row = current.row() if current.isValid() else 0
        person = self.proxy.data(self.proxy.index(row, 0), PARTICIPANT_ROLE)
        if (isinstance(person, Participant) and person.id == self._last_checked_in
                and row + 1 < self.proxy.rowCount()):
            row += 1  # on down the list: the person just checked in is done
        self.table.selectRow(row)

    # -- who is meant -------------------------------------------------------------------------

    def selected_participant(self) -> Participant | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(
                index.row(), QModelIndex()):
            return None
        person = self.proxy.data(index, PARTICIPANT_ROLE)
        return person if isinstance(person, Participant) else None

    def _visible_people(self) -> list[Participant]:
        people = []
        for row in range(self.proxy.rowCount()):
            person = self.proxy.data(self.proxy.index(row, 0), PARTICIPANT_ROLE)
            if isinstance(person, Participant):
                people.append(person)
        return people

    # -- commands -------------------------------------------------------------------------------

    def _run_for(self, op: Callable[[], ParticipantResult],
                 said: Callable[[Participant], str]) -> ParticipantResult | None:
        """Run an op on one person (:meth:`Page.run`); say what it did, and keep it said."""
        result = self.run(op)
        if result is not None:
            self.banner.show_message(said(result.participant), "ok")
        return result

    def check_in_person(self, person: Participant, via: str) -> bool:
        result = self._run_for(
            lambda: ops.check_in(self.store, person.id, via=via, actor=self.actor),
            lambda p: _("✓ {name} checked in at {time}").format(
                name=p.name,
                time=p.checked_in_at.astimezone().strftime("%H:%M") if p.checked_in_at else ""),
        )
        if result is not None:
            self._last_checked_in = person.id
            self._update_buttons()
        return result is not None

    def _on_search_return_pressed(self) -> None:
        text = self.search_edit.text().strip()
        if not text:
            person = self.selected_participant()
            if person is not None:
                self.check_in_person(person, "search")
            return
        try:
            scanned = queries.find_by_scan(self.store, text)
        except NotFoundError as exc:
            if "/v/" in text or (codes.is_valid(codes.normalise(text)) and len(text) >= 7):
                self.banner.show_message(exc.message, "error")
                self.search_edit.selectAll()
                return
            if mistyped_badge_code(text):
                self.banner.show_message(_(
                    "Badge code {code} not recognised — check the characters (a letter or "
                    "digit is wrong or missing).").format(code=text[:40]), "error")
                self.search_edit.selectAll()
                return
            scanned = None
        if scanned is not None:
            if self.check_in_person(scanned, "scan"):
                self.search_edit.clear()
            else:
                self.search_edit.selectAll()
            return
        visible = self._visible_people()
        chosen = visible[0] if len(visible) == 1 else self.selected_participant()
        if chosen is None:
            self.banner.show_message(
                _("No one matches '{text}'.").format(text=text) if not visible else
                ngettext("{n} person matches '{text}': keep typing, or press ↓ to pick.",
                         "{n} people match '{text}': keep typing, or press ↓ to pick one.",
                         len(visible)).format(n=len(visible), text=text),
                "info")
            return
        if self.check_in_person(chosen, "search"):
            self.search_edit.clear()

    def _on_camera_seen(self, seen: QrSeen, _frame: object) -> None:
        """A QR code the camera saw: a badge checks in exactly as its code scanned here."""
        if seen.is_paper:
            self.banner.show_message(_("That is a ballot paper: read papers on the Reading "
                                       "page."), "error")
            return
        self.search_edit.setText(seen.text)
        self._on_search_return_pressed()

    def _on_check_in_clicked(self) -> None:
        person = self.selected_participant()
        if person is None:
            visible = self._visible_people()
            person = visible[0] if len(visible) == 1 else None
        if person is None:
            self.banner.show_message(_("Select a person first (↓ from the search field)."),
                                     "info")
            return
        self.check_in_person(person, "search")
        self.focus_scan_field()

    def _on_undo_clicked(self) -> None:
        person = self.selected_participant()
        if person is None and self._last_checked_in is not None:
            candidates = [p for p in self._visible_people() if p.id == self._last_checked_in]
            person = candidates[0] if candidates else None
        if person is None:
            self.banner.show_message(_("Select the person whose check-in to undo."), "info")
            return
        self._run_for(lambda: ops.undo_check_in(self.store, person.id, actor=self.actor),
                      lambda p: _("Check-in of {name} undone.").format(name=p.name))

    def _on_no_show_clicked(self) -> None:
        person = self.selected_participant()
        if person is None:
            self.banner.show_message(_("Select the person to mark as a no-show."), "info")
            return
        if person.status == "no_show":
            self._run_for(lambda: ops.clear_no_show(self.store, person.id, actor=self.actor),
                          lambda p: _("{name} is expected again.").format(name=p.name))
        else:
            self._run_for(lambda: ops.mark_no_show(self.store, person.id, actor=self.actor),
                          lambda p: _("{name} marked as a no-show.").format(name=p.name))

    def _on_walk_in_clicked(self) -> None:
        columns = {c: self._values_of(c) for c in self.model.attributes}
        walk_in = WalkInDialog.ask(self, columns)
        if walk_in is None:
            return
        result = self._run_for(
            lambda: ops.add_walk_in(self.store, walk_in.name, walk_in.attributes,
                                    role=walk_in.role, check_in_now=walk_in.check_in_now,
                                    actor=self.actor),
            lambda p: (_("✓ Walk-in {name} added and checked in (badge {badge}).")
                       if walk_in.check_in_now else _("Walk-in {name} added (badge {badge}).")
                       ).format(name=p.name, badge=codes.pretty(p.badge_code)),
        )
        if result is not None:
            self.select_participant(result.participant.id, reveal=True)

    # -- edit and remove ------------------------------------------------------------------------

    def _on_edit_clicked(self) -> None:
        person = self.selected_participant()
        if person is None:
            self.banner.show_message(_("Select the person to edit."), "info")
            return
        columns = {c: self._values_of(c) for c in self.model.attributes}
        edit = EditPersonDialog.ask(self, person, columns)
        if edit is None:
            return
        result = self._run_for(
            lambda: ops.edit_participant(self.store, person.id, name=edit.name, role=edit.role,
                                         attributes=edit.attributes, actor=self.actor),
            lambda p: _("{name} updated.").format(name=p.name))
        if result is not None:
            self.select_participant(person.id)

    def _on_remove_clicked(self) -> None:
        person = self.selected_participant()
        if person is None:
            self.banner.show_message(_("Select the person to remove or restore."), "info")
            return
        if not person.active:
            self._run_for(
                lambda: ops.restore_participant(self.store, person.id, actor=self.actor),
                lambda p: _("{name} is back on the list.").format(name=p.name))
            return
        notes = self._removal_notes(person)
        if RemovePersonDialog.ask(self, person, notes) is None:
            return
        self._run_for(
            lambda: ops.remove_participant(self.store, person.id, actor=self.actor),
            lambda p: " ".join([_("{name} removed from the list (shown under "
                                  "\"Removed\").").format(name=p.name), *notes]))

    def _removal_notes(self, person: Participant) -> list[str]:
        """What removing ``person`` means beyond the list: a seat in the current plan."""
        plan = current_plan(self.store)
        if plan is None:
            return []
        tables = sorted({t + 1 for round_ in plan.seats for t, seated in enumerate(round_)
                         if person.id in seated})
        if not tables:
            return []
        return [ngettext(
            "{name} is seated at table {tables} in the current table plan; the Tables page "
            "will list them as having left, to re-balance.",
            "{name} is seated at tables {tables} in the current table plan; the Tables page "
            "will list them as having left, to re-balance.", len(tables)).format(
                name=person.name, tables=", ".join(str(t) for t in tables))]

    def _values_of(self, column: str) -> list[str]:
        values = {p.attributes.get(column, "") for p in self.model.people}
        return sorted(v for v in values if v)

    # -- import -------------------------------------------------------------------------------

    def print_badges(self, layout: str = "a6") -> bool:
        """Save badges (``a6`` or ``labels``) as a PDF, written off the GUI thread: the same
        badges as the Tables page's Print menu, and they need no table plan."""
        name = "badges-a6.pdf" if layout == "a6" else "badge-labels.pdf"
        path = self._choose_save(self, _("Save the badges as"), name)
        if path is None:
            return False
        badges = badges_of(self.store)
        printed_at = self.store.clock.now()
        self.banner.show_message(_("Writing {path}…").format(path=path.name), "info")
        self._tasks.run(
            lambda: write_badges(path, badges, layout=layout, printed_at=printed_at),
            self._on_badges_done, self._on_badges_failed)
        return True

    def _on_badges_done(self, path: Path) -> None:
        self.banner.show_message(_("Saved {path}").format(path=path), "ok", seconds=10)

    def _on_badges_failed(self, exc: Exception) -> None:
        if isinstance(exc, OSError):
            self.refuse(_("Could not write the file: {error}").format(
                error=exc.strerror or exc))
            return
        raise exc

    def _on_import_clicked(self) -> None:
        path = self._choose_file(self)
        if path is None:
            return
        self.banner.show_message(_("Reading {file}…").format(file=path.name), "info")
        self.import_button.setEnabled(False)
        self._tasks.run(lambda: read_table(path), self._on_table_read, self._on_table_failed)

    def _on_table_read(self, table: RawTable) -> None:
        self.import_button.setEnabled(True)
        parsed = ImportDialog.ask(self, table)
        if parsed is None:
            self.banner.clear_message()
            return
        report = self.run(lambda: ops.import_people(self.store, parsed, actor=self.actor))
        if report is not None:
            self.banner.show_message(report.summary(), "ok")
            self.import_finished.emit(report)

    def _on_table_failed(self, exc: Exception) -> None:
        self.import_button.setEnabled(True)
        if isinstance(exc, UserError):
            self.banner.show_message(exc.message, "error")
            QMessageBox.warning(self, _("Cannot import this file"), exc.message)
            return
        raise exc

    # -- refresh ------------------------------------------------------------------------------

    def relevant(self, changes: Changes) -> bool:
        """Who is on the list and who is here; kept until the refresh re-reads those rows."""
        if not (changes.participants or changes.attendance or changes.event):
            return False
        self._pending = self._pending | changes
        return True

    def refresh(self) -> None:
        """Re-read the rows that changed (or the whole list), the summary and the buttons."""
        pending, self._pending = self._pending, NO_CHANGES
        if pending.any:
            self.model.apply_changes(pending)
        else:
            self.model.reload()
        if pending.participants or pending.event or not pending.any:
            self._fill_breakdown_combo()
            self._resize_columns()
        self._refresh_summary()
        self._update_buttons()

    def _fill_breakdown_combo(self) -> None:
        current = self.breakdown_combo.currentData()
        self.breakdown_combo.blockSignals(True)
        self.breakdown_combo.clear()
        self.breakdown_combo.addItem(_("(nothing)"), None)
        for column in self.model.attributes:
            self.breakdown_combo.addItem(column, column)
        preferred = current or next(
            (c for c in self.model.attributes if header_key(c) in ("gender", "sex")),
            self.model.attributes[0] if self.model.attributes else None)
        index = self.breakdown_combo.findData(preferred) if preferred else 0
        self.breakdown_combo.setCurrentIndex(max(index, 0))
        self.breakdown_combo.blockSignals(False)

    def _on_breakdown_changed(self, _index: int) -> None:
        self._refresh_summary()

    def _refresh_summary(self) -> None:
        attribute = self.breakdown_combo.currentData()
        summary = queries.attendance_summary(self.store, attribute)
        text = _("Present: {present} of {total}").format(present=summary.present,
                                                          total=summary.total)
        if summary.groups:
            text += " · " + ", ".join(f"{g.value} {g.present}/{g.total}" for g in summary.groups)
        extras = [role_count_text(role, n) for role, n in sorted(summary.others_present.items())]
        if summary.no_show:
            extras.insert(0, ngettext("{n} no-show", "{n} no-shows", summary.no_show).format(
                n=summary.no_show))
        if extras:
            text += " · " + _("also: {list}").format(list=", ".join(extras))
        self.summary_label.setText(text)

    def _resize_columns(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(max(header.sectionSize(column), 70), 260))

    def _on_filter_group_clicked(self, button: QPushButton) -> None:
        key = str(button.property("filterKey"))
        self.model.set_include_removed(key == "removed")
        self.proxy.set_status(key)
        self._update_buttons()

    def _on_search_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        if self.banner.kind == "info":
            self.banner.clear_message()

    def _on_table_selection_changed(self, *_args: object) -> None:
        self._update_buttons()

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self._on_check_in_clicked()

    def _update_buttons(self) -> None:
        person = self.selected_participant()
        self.undo_button.setEnabled(
            (person is not None and person.present) or
            (person is None and self._last_checked_in is not None))
        self.no_show_button.setText(
            _("Clear &no-show") if person is not None and person.status == "no_show"
            else _("&No-show"))
        self.no_show_button.setEnabled(person is not None and not person.present
                                       and person.active)
        self.edit_button.setEnabled(person is not None)
        self.remove_button.setText(_("Re&store to list") if person is not None
                                   and not person.active else _("Remo&ve from list…"))
        self.remove_button.setEnabled(person is not None)

    def select_participant(self, participant_id: int, *, reveal: bool = False) -> bool:
        """Select a person in the list; ``reveal``: clear the search, then the filter, if
        they hide them (a walk-in just added is shown, whatever was being searched)."""
        row = self.model.row_of(participant_id)
        if row is None:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid() and reveal:
            self.search_edit.clear()
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
            if not proxy_index.isValid():
                for button in self.filter_group.buttons():
                    if button.property("filterKey") == "all":
                        button.click()
                proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():
            return False
        self.table.selectRow(proxy_index.row())
        self.table.scrollTo(proxy_index)
        return True
