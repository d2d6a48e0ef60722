"""The facilitator's Phones panel: run the phone server, open and close questions for
phones, watch turnout live, revoke and reissue badges, approve raised hands.

The server runs in its own thread (:class:`facilitator.lan.server.LanServer`) and calls
back on that thread; :class:`_Relay` brings what changed to the GUI thread by a queued
signal, and the panel publishes it on the bus at most every ``PUBLISH_MS`` (500 phones
voting in ten seconds must not mean 500 page refreshes).

The panel is the Phones tab of the Voting page: every op it makes goes through that page's
:meth:`ui.pages.base.Page.run` with the page's actor (a refusal in the page's banner, what
changed published once). A panel on its own (tests, the benchmark) runs them itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.ballots import list_rounds
from facilitator.changes import Changes, OpResult, changes_of
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.lan import ops, queries
from facilitator.lan.model import LanSettings, badge_mismatch
from facilitator.lan.server import LanServer, ServerError, local_addresses
from facilitator.people import (
    HOTSPOTS,
    BadgeLink,
    badge_link,
    find_by_scan,
    parse_link,
    set_badge_link,
)
from facilitator.results import RoundResults, count_round, option_figures, round_turnouts
from facilitator.results.ops import set_live, set_projected
from facilitator.results.queries import is_live, projected
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.flow import flow_row
from ui.pages.base import APP_ACTOR, Page
from ui.widgets import ScrollDown

PUBLISH_MS = 300
R = TypeVar("R", bound=OpResult)


class _Relay(QObject):
    """Lives on the GUI thread; ``arrived`` emitted from the server thread is queued here."""

    arrived = Signal(object)

    def __init__(self, panel: PhonePanel) -> None:
        super().__init__(panel)
        self._panel = panel
        self.arrived.connect(self._on_arrived)

    @Slot(object)
    def _on_arrived(self, changes: Changes) -> None:
        self._panel.queue_changes(changes)


def qr_pixmap(text: str, scale: int = 6, border: int = 2) -> QPixmap:
    """A QR code drawn pixel by pixel (no image library needed), with ``border`` white
    modules around it (4 is the standard's quiet zone: on a dark projector, use it)."""
    import qrcode

    code = qrcode.QRCode(border=border, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    black = QColor("black").rgb()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x, y, black)
    return QPixmap.fromImage(image.scaled(size * scale, size * scale))


class PhonePanel(QWidget):
    server_started = Signal(str)
    """Emitted with the join page's address once the server listens."""
    server_stopped = Signal()

    def __init__(self, store: EventStore, bus: ChangeBus, *, page: Page | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._bus = bus
        self._page = page
        self.server: LanServer | None = None
        self.mismatch_box: QMessageBox | None = None
        self._pending: Changes | None = None
        self._stale_hidden = False  # changes heard while another page was shown
        self._relay = _Relay(self)
        self._publish_timer = QTimer(self)
        self._publish_timer.setSingleShot(True)
        self._publish_timer.setInterval(PUBLISH_MS)
        self._publish_timer.timeout.connect(self._on_publish_timer_timeout)
        settings = queries.settings(store)
        link = badge_link(store)

        # -- server
        self.address_combo = QComboBox()
        self.address_combo.setAccessibleName(_("Address the phones use"))
        for interface in local_addresses():
            self.address_combo.addItem(interface.label, interface.address)
        # Where the printed badges point comes first; else where phones were served last.
        for host in ((link.host, settings.host) if link.saved else (settings.host,)):
            found = self.address_combo.findData(host) if host else -1
            if found >= 0:
                self.address_combo.setCurrentIndex(found)
                break
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1024, 65535)
        self.port_spin.setValue(max(1024, link.port if link.saved else settings.port))
        self.port_spin.setAccessibleName(_("Port"))
        # -- where badges point (their QR code is a voting link)
        self.badge_link_combo = QComboBox()
        self.badge_link_combo.setEditable(True)
        self.badge_link_combo.setAccessibleName(_("Phone address printed on badges"))
        self.badge_link_combo.setToolTip(_(
            "The address in the badges' QR codes. Badges are printed before the day: a "
            "hotspot the laptop runs itself always has the same address."))
        self.badge_link_button = QPushButton(_("Use for &badges"))
        self.badge_link_label = QLabel()
        self.badge_link_label.setWordWrap(True)
        self.mismatch_label = QLabel()
        self.mismatch_label.setObjectName("badgeMismatch")
        self.mismatch_label.setWordWrap(True)
        self.mismatch_label.setStyleSheet(
            "#badgeMismatch { background:#fdecec; color:#9b1c1c; border:2px solid #9b1c1c;"
            " border-radius:4px; padding:6px; font-weight:600; }")
        self.mismatch_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.mismatch_label.hide()
        self.projector_button = QPushButton(_("Join page on the &projector"))
        self.projector_button.setCheckable(True)
        self.projector_button.setEnabled(False)  # while phones are served
        self.start_button = QPushButton(_("&Start phone voting"))
        self.status_label = QLabel(_("Phone voting is off."))
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qr_label = QLabel()
        self.qr_label.setAccessibleName(_("QR code of the join page"))
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for combo in (self.address_combo, self.badge_link_combo):  # long labels: no wider
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        server_box = QGroupBox(_("Phone server"))
        server_layout = QVBoxLayout(server_box)
        server_form = QFormLayout()
        server_form.addRow(_("&Address:"), self.address_combo)
        server_form.addRow(_("&Port:"), self.port_spin)
        server_layout.addLayout(server_form)
        # One above the other: side by side they made the tab too wide for 1,366 px.
        server_layout.addWidget(self.start_button)
        server_layout.addWidget(self.projector_button)
        server_layout.addWidget(self.mismatch_label)
        row = QHBoxLayout()
        row.addWidget(self.status_label, 1)
        row.addWidget(self.qr_label)
        server_layout.addLayout(row)
        server_layout.addWidget(self.badge_link_label)  # says where badges point (or not set)
        server_layout.addWidget(self.badge_link_combo)  # the button under it: side by side,
        server_layout.addWidget(self.badge_link_button)  # too wide in Welsh for 1,366 px

        # -- questions
        self.round_combo = QComboBox()
        self.round_combo.setAccessibleName(_("Ballot round for phones"))
        self.question_table = QTableWidget(0, 4)
        self.question_table.setHorizontalHeaderLabels(
            [_("Question"), _("Phones"), _("Turnout"), _("Results")])
        self.question_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.question_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.question_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.question_table.verticalHeader().setVisible(False)
        header = self.question_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.open_button = QPushButton(_("&Open for phones"))
        self.close_button = QPushButton(_("C&lose for phones"))
        self.project_button = QPushButton(_("Results on the pro&jector"))
        self.project_button.setCheckable(True)
        self.project_button.setToolTip(_(
            "Bars on the projector: live while phones vote if results are shown while "
            "voting is open, else once the question closes."))
        self.change_box = QCheckBox(_("Voters may change their vote until the question closes"))
        self.change_box.setChecked(settings.allow_change)
        self.live_box = QCheckBox(_("Show results while voting is open"))
        self.live_box.setChecked(settings.results_live)
        questions_box = QGroupBox(_("Questions on phones"))
        questions_layout = QVBoxLayout(questions_box)
        questions_layout.addWidget(self.round_combo)
        questions_layout.addWidget(self.question_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.close_button)
        row.addStretch(1)
        questions_layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.project_button)
        row.addStretch(1)
        questions_layout.addLayout(row)
        questions_layout.addWidget(self.change_box)
        questions_layout.addWidget(self.live_box)

        # -- badges and hands
        self.badge_edit = QLineEdit()
        self.badge_edit.setPlaceholderText(_("Scan or type a badge, code or ID"))
        self.badge_edit.setAccessibleName(_("Badge to revoke or reissue"))
        self.revoke_button = QPushButton(_("&Revoke badge (lost)"))
        self.reissue_button = QPushButton(_("Re&issue badge"))
        self.badge_label = QLabel()
        self.badge_label.setWordWrap(True)
        self.hands_list = QListWidget()
        self.hands_list.setAccessibleName(_("Raised hands from phones"))
        self.approve_button = QPushButton(_("&Add to speaker queue"))
        self.dismiss_button = QPushButton(_("&Dismiss"))
        people_box = QGroupBox(_("Badges and raised hands"))
        people = QVBoxLayout(people_box)  # the buttons' rows wrap rather than widen the tab
        people.addWidget(self.badge_edit)
        people.addLayout(flow_row(self.revoke_button, self.reissue_button))
        people.addWidget(self.badge_label)
        people.addWidget(QLabel(_("Raised hands:")))
        people.addWidget(self.hands_list, 1)
        people.addLayout(flow_row(self.approve_button, self.dismiss_button))

        layout = QHBoxLayout(self)
        # The server and badge column scrolls rather than squeeze its messages on a
        # 768-pixel screen (a warning about the badges' address must be readable whole).
        left_widget = QWidget()
        left = QVBoxLayout(left_widget)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(server_box)
        left.addWidget(people_box, 1)
        self.left_scroll = ScrollDown(left_widget)  # never cut sideways
        layout.addWidget(self.left_scroll, 1)
        layout.addWidget(questions_box, 2)

        self.start_button.clicked.connect(self._on_start_clicked)
        self.badge_link_button.clicked.connect(self._on_badge_link_clicked)
        self.projector_button.clicked.connect(self._on_projector_clicked)
        self.address_combo.currentIndexChanged.connect(self._on_address_changed)
        self.port_spin.valueChanged.connect(self._on_address_changed)
        self.round_combo.currentIndexChanged.connect(self._on_round_combo_changed)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.close_button.clicked.connect(self._on_close_clicked)
        self.project_button.clicked.connect(self._on_project_clicked)
        self.change_box.clicked.connect(self._on_settings_clicked)
        self.live_box.clicked.connect(self._on_settings_clicked)
        self.revoke_button.clicked.connect(self._on_revoke_clicked)
        self.reissue_button.clicked.connect(self._on_reissue_clicked)
        self.approve_button.clicked.connect(self._on_approve_clicked)
        self.dismiss_button.clicked.connect(self._on_dismiss_clicked)
        self.question_table.itemSelectionChanged.connect(self._update_buttons)
        bus.changes_applied.connect(self._on_bus_changes_applied)
        holder = self  # the server must stop even if the panel is deleted without closing

        def stop_server(*_args: object) -> None:
            server = holder.__dict__.get("server")
            if server is not None:
                server.stop()

        self.destroyed.connect(stop_server)
        self.reload()
        self.refresh_badge_link()

    # -- server --------------------------------------------------------------------------------

    @property
    def join_url(self) -> str | None:
        return f"{self.server.base_url}/" if self.server is not None else None

    def start_server(self) -> None:
        host = str(self.address_combo.currentData())
        port = self.port_spin.value()
        server = LanServer(self._store, host, port, on_changes=self._relay.arrived.emit)
        try:
            server.start()
        except UserError as exc:  # the address is taken, not this machine's…
            server.stop()
            self.status_label.setText(exc.message)
            return
        settings = replace(queries.settings(self._store),
                           allow_change=self.change_box.isChecked(),
                           results_live=self.live_box.isChecked(), port=port, host=host,
                           projector_join=False)  # shown when asked, each time
        if self._run(lambda: ops.save_settings(self._store, settings,
                                               actor=self.actor)) is None:
            server.stop()
            return
        self.server = server
        url = f"{server.base_url}/"
        self.status_label.setText(_("Phones join at {url} (the laptop and the phones must be "
                                    "on the same network).").format(url=url))
        self.qr_label.setPixmap(qr_pixmap(url, 4))
        self.start_button.setText(_("&Stop phone voting"))
        self.address_combo.setEnabled(False)
        self.port_spin.setEnabled(False)
        self.projector_button.setEnabled(True)
        self.refresh_badge_link()
        mismatch = self.mismatch_label.text() if not self.mismatch_label.isHidden() else ""
        if mismatch and self._page is not None:
            self._page.banner.show_message(mismatch, "error")
            self.mismatch_box = QMessageBox(
                QMessageBox.Icon.Warning, _("Badges point elsewhere"), mismatch,
                QMessageBox.StandardButton.Ok, self)
            self.mismatch_box.open()  # window-modal, does not block the phone server
        self.server_started.emit(url)

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        self._publish_timer.stop()
        self._on_publish_timer_timeout()  # what arrived last is shown, not lost
        if queries.settings(self._store).projector_join:
            self._save_settings(projector_join=False)  # no join page to show any more
        self.status_label.setText(_("Phone voting is off."))
        self.qr_label.clear()
        self.start_button.setText(_("&Start phone voting"))
        self.address_combo.setEnabled(True)
        self.port_spin.setEnabled(True)
        self.projector_button.setChecked(False)
        self.projector_button.setEnabled(False)
        self.refresh_badge_link()
        self.server_stopped.emit()

    # -- where badges point --------------------------------------------------------------------

    def refresh_badge_link(self) -> None:
        """Show where badges point, and say loudly when phones are (or would be) served
        elsewhere (:func:`facilitator.lan.model.badge_mismatch`)."""
        link = badge_link(self._store)
        combo = self.badge_link_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(link.address, link.address)
        offered = [link.address]
        for interface in local_addresses()[:-1]:  # not 127.0.0.1: no phone reaches it
            address = f"{interface.address}:{link.port}"
            if address not in offered:
                combo.addItem(interface.label, address)
                offered.append(address)
        for host, kind in HOTSPOTS.items():
            address = f"{host}:{link.port}"
            if address not in offered:
                combo.addItem(f"{host} ({_(kind)})", address)
                offered.append(address)
        combo.setCurrentIndex(0)
        combo.blockSignals(False)
        if link.saved:
            text = _("Badge QR codes open the ballot at {url}.").format(url=link.base_url)
        else:
            text = _("Not set: badges printed now point to this laptop's address "
                     "({url}), which may differ at the venue. Set the address the phones "
                     "will use before printing.").format(url=link.base_url)
        self.badge_link_label.setText(text)
        if self.server is not None:
            host, port = self.server.host, self.server.port
        else:
            host, port = str(self.address_combo.currentData()), self.port_spin.value()
        mismatch = badge_mismatch(link, host, port, running=self.server is not None)
        self.mismatch_label.setText(mismatch or "")
        self.mismatch_label.setVisible(bool(mismatch))

    def _on_address_changed(self, *_args: object) -> None:
        if self.server is None:
            self.refresh_badge_link()

    def _on_badge_link_clicked(self) -> None:
        combo = self.badge_link_combo
        found = combo.findText(combo.currentText())
        typed = str(combo.itemData(found)) if found >= 0 else combo.currentText()
        try:
            link = parse_link(typed)
        except UserError as exc:
            self._refuse(exc.message)
            return
        self._set_badge_link(link)

    def _set_badge_link(self, link: BadgeLink) -> None:
        if self._run(lambda: set_badge_link(self._store, link, actor=self.actor)) is not None:
            self.refresh_badge_link()

    def _refuse(self, message: str) -> None:
        if self._page is not None:
            self._page.refuse(message)
        else:
            self.badge_label.setText(message)

    def _on_projector_clicked(self) -> None:
        self._save_settings(projector_join=self.projector_button.isChecked())

    def _on_start_clicked(self) -> None:
        if self.server is None:
            self.start_server()
        else:
            self.stop_server()

    # -- changes from the server thread --------------------------------------------------------

    def queue_changes(self, changes: Changes) -> None:
        self._pending = changes if self._pending is None else self._pending | changes
        if not self._publish_timer.isActive():
            self._publish_timer.start()

    def _on_publish_timer_timeout(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._bus.publish(pending)

    # -- running ops -----------------------------------------------------------------------------

    @property
    def actor(self) -> str:
        """Who the audit log names for what the panel does: its page's actor."""
        return self._page.actor if self._page is not None else APP_ACTOR

    def _run(self, op: Callable[[], R]) -> R | None:
        """Run an op through the page (:meth:`Page.run`); on its own, the panel shows a refusal
        under the badge field and publishes what changed itself."""
        if self._page is not None:
            return self._page.run(op)
        try:
            result = op()
        except UserError as exc:
            self.badge_label.setText(exc.message)
            return None
        self._bus.publish(changes_of(result))
        return result

    def _on_bus_changes_applied(self, changes: Changes) -> None:
        if changes.participants and self.server is not None:
            self.server.tokens_changed()
        if self.window().isVisible() and not self.isVisible():
            # Another page is shown: catch up when shown (a reload reads every ballot of the
            # round; at each paper keyed at a station it held the GUI thread up).
            self._stale_hidden = self._stale_hidden or bool(
                changes.ballots or changes.phones or changes.attendance)
            return
        if changes.ballots:
            self.reload()
        elif changes.phones or changes.attendance:
            self.refresh_questions()
            self.refresh_hands()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale_hidden:
            self._stale_hidden = False
            self.reload()

    # -- questions -----------------------------------------------------------------------------

    def reload(self) -> None:
        current = self.round_combo.currentData()
        self.round_combo.blockSignals(True)
        self.round_combo.clear()
        for ballot_round in list_rounds(self._store):
            if not ballot_round.is_closed:
                self.round_combo.addItem(ballot_round.title, ballot_round.id)
        found = self.round_combo.findData(current)
        self.round_combo.setCurrentIndex(found if found >= 0 else self.round_combo.count() - 1)
        self.round_combo.blockSignals(False)
        self.refresh_questions()
        self.refresh_hands()

    def _on_round_combo_changed(self, _index: int) -> None:
        self.refresh_questions()

    def refresh_questions(self) -> None:
        round_id = self.round_combo.currentData()
        selected = self.selected_index()
        self.question_table.setRowCount(0)
        if round_id is None:
            self._update_buttons()
            return
        ballot_round = next((r for r in list_rounds(self._store) if r.id == round_id), None)
        if ballot_round is None:
            return
        live = queries.settings(self._store).results_live
        # The figures of the Results page and the phones, from the same functions.
        turnouts = round_turnouts(self._store, round_id)
        counted: RoundResults | None = None
        for index, question in enumerate(ballot_round.questions):
            state = queries.phone_question(self._store, round_id, index)
            status = (_("not open") if state is None else
                      _("OPEN") if state.is_open else _("closed"))
            if state is not None and (live or not state.is_open):
                counted = counted or count_round(self._store, round_id)
                results = ", ".join(f"{f.label}: {f.figure}" for f in
                                    option_figures(counted.questions[index]))
            else:
                results = _("hidden until close")
            row = self.question_table.rowCount()
            self.question_table.insertRow(row)
            for column, text in enumerate(
                    [f"{index + 1}. {question.text}", status, turnouts[index].summary(),
                     results]):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, index)
                item.setToolTip(text)
                self.question_table.setItem(row, column, item)
        if selected is not None and selected < self.question_table.rowCount():
            self.question_table.selectRow(selected)
        self._update_buttons()

    def selected_index(self) -> int | None:
        rows = self.question_table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_buttons(self) -> None:
        index = self.selected_index()
        round_id = self.round_combo.currentData()
        state = (queries.phone_question(self._store, round_id, index)
                 if index is not None and round_id is not None else None)
        self.open_button.setEnabled(index is not None and (state is None or not state.is_open))
        self.close_button.setEnabled(state is not None and state.is_open)
        self.project_button.setEnabled(index is not None)
        self.project_button.setChecked(
            index is not None and round_id is not None
            and projected(self._store) == (int(round_id), index))

    def _selected_question(self) -> tuple[int, int] | None:
        """The round and question (0-based) chosen in the table, if any."""
        round_id, index = self.round_combo.currentData(), self.selected_index()
        return None if round_id is None or index is None else (int(round_id), index)

    def _on_open_clicked(self) -> None:
        chosen = self._selected_question()
        if chosen is not None:
            round_id, index = chosen
            self._run(lambda: ops.open_question(self._store, round_id, index, actor=self.actor))

    def _on_close_clicked(self) -> None:
        chosen = self._selected_question()
        if chosen is not None:
            round_id, index = chosen
            self._run(lambda: ops.close_question(self._store, round_id, index,
                                                 actor=self.actor))

    def _on_project_clicked(self) -> None:
        chosen = self._selected_question()
        if chosen is None:
            return
        target = chosen if self.project_button.isChecked() else None
        round_id, index = chosen
        state = queries.phone_question(self._store, round_id, index)
        # Results shown while phones vote: the round's results go live (the Results page
        # shows them too), so the projector's bars follow each vote.
        go_live = (target is not None and queries.settings(self._store).results_live
                   and state is not None and state.is_open
                   and not is_live(self._store, round_id))
        if go_live and self._run(lambda: set_live(self._store, round_id, True,
                                                  actor=self.actor)) is None:
            self._update_buttons()
            return
        self._run(lambda: set_projected(self._store, target, actor=self.actor))
        self._update_buttons()

    def _on_settings_clicked(self) -> None:
        self._save_settings(allow_change=self.change_box.isChecked(),
                            results_live=self.live_box.isChecked())

    def _save_settings(self, **changed: bool) -> None:
        new: LanSettings = replace(queries.settings(self._store), **changed)  # type: ignore[arg-type]
        self._run(lambda: ops.save_settings(self._store, new, actor=self.actor))

    # -- badges and hands ----------------------------------------------------------------------

    def _badge_person(self) -> int | None:
        try:
            return find_by_scan(self._store, self.badge_edit.text()).id
        except UserError as exc:
            self.badge_label.setText(exc.message)
            return None

    def _on_revoke_clicked(self) -> None:
        pid = self._badge_person()
        if pid is not None and self._run(
                lambda: ops.revoke(self._store, pid, actor=self.actor)) is not None:
            self.badge_label.setText(_("Badge revoked: its QR code and code no longer work. "
                                       "Reissue it to print a new badge."))
            self.badge_edit.clear()

    def _on_reissue_clicked(self) -> None:
        pid = self._badge_person()
        if pid is None:
            return
        result = self._run(lambda: ops.reissue(self._store, pid, actor=self.actor))
        if result is None:
            return
        person = result.participant
        self.badge_edit.clear()
        self.badge_label.setText(_("New badge for {name}: code {code}. Print it from the "
                                   "Tables page (badges).").format(name=person.name,
                                                                   code=person.badge_code))

    def refresh_hands(self) -> None:
        self.hands_list.clear()
        for hand in queries.hands(self._store):
            item = QListWidgetItem(_("{name} (since {time})").format(
                name=hand.participant.name, time=hand.at.astimezone().strftime("%H:%M")))
            item.setData(Qt.ItemDataRole.UserRole, hand.id)
            self.hands_list.addItem(item)
        has = self.hands_list.count() > 0
        self.approve_button.setEnabled(has)
        self.dismiss_button.setEnabled(has)

    def _selected_hand(self) -> int | None:
        item = self.hands_list.currentItem() or self.hands_list.item(0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _on_approve_clicked(self) -> None:
        hand = self._selected_hand()
        if hand is not None:
            self._run(lambda: ops.approve_hand(self._store, hand, actor=self.actor))

    def _on_dismiss_clicked(self) -> None:
        hand = self._selected_hand()
        if hand is not None:
            self._run(lambda: ops.dismiss_hand(self._store, hand, actor=self.actor))


__all__ = ["PhonePanel", "ServerError", "qr_pixmap"]
