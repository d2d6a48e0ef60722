"""The Stations page on the main laptop: serve stations, make a one-time pairing code for a
new one (check-in, ballot entry, Q&A capture), see each station (who is at it, what it did)
and revoke one (facilitator.stations).

Items a station sends are applied on a server thread; what they changed comes back to the
GUI thread and is published on the bus like any op's changes, merged: four stations keying
at full speed apply over a hundred items a second, and a signal (and the pages' refresh)
per item kept the GUI thread's queue from ever emptying, so its timers (and everything
else) stalled for seconds (``tests/benchmarks/bench_stations.py``). The server thread adds
each item's changes to a pending set and signals only when it was empty; the GUI thread
publishes the set at most every ``PUBLISH_EVERY_MS``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
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
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import N_, _
from facilitator.lan.server import local_addresses
from facilitator.stations import ops, queries
from facilitator.stations.cli import DEFAULT_PORT
from facilitator.stations.model import BALLOTS, CHECK_IN, PERMISSION_NAMES, QA, PairingCode
from facilitator.stations.server import StationServer
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.flow import flow_row
from ui.pages.base import Page

STATION_ID = Qt.ItemDataRole.UserRole + 30
STATE_NAMES = {"offered": N_("waiting to pair"), "paired": N_("paired"),
               "revoked": N_("revoked"), "expired": N_("code expired")}


PUBLISH_EVERY_MS = 250


class _Relay(QObject):
    """Lives on the GUI thread. ``add`` (from a server thread) merges an item's changes into
    the pending set; ``arrived`` (queued to the GUI thread) is emitted only when that set was
    empty, so a burst of items is one signal; ``take`` (GUI thread) empties it."""

    arrived = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: Changes | None = None

    def add(self, changes: Changes) -> None:
        with self._lock:
            first = self._pending is None
            self._pending = changes if self._pending is None else self._pending | changes
        if first:
            self.arrived.emit()

    def take(self) -> Changes | None:
        with self._lock:
            changes, self._pending = self._pending, None
        return changes


class StationsPage(Page):
    def __init__(self, store: EventStore, bus: ChangeBus, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(store, bus, parent=parent)
        self.server: StationServer | None = None
        # Held apart from the page, so the page's destruction can still stop the server.
        self._running: dict[str, StationServer | None] = {"server": None}
        running = self._running
        self.destroyed.connect(lambda *_args: _stop(running))
        self._relay = _Relay(self)
        self._relay.arrived.connect(self._on_relay_arrived)
        self._publish_timer = QTimer(self)
        self._publish_timer.setSingleShot(True)
        self._publish_timer.setInterval(PUBLISH_EVERY_MS)
        self._publish_timer.timeout.connect(self._publish)

        self.address_combo = QComboBox()
        self.address_combo.setAccessibleName(_("Address the stations use"))
        for interface in local_addresses():
            self.address_combo.addItem(interface.label, interface.address)
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1024, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.port_spin.setAccessibleName(_("Port"))
        self.start_button = QPushButton(_("&Start serving stations"))
        self.start_button.clicked.connect(self._on_start_clicked)
        self.status_label = QLabel(_("Stations are not served."))
        self.status_label.setWordWrap(True)
        server_box = QGroupBox(_("Stations' server"))
        form = QFormLayout(server_box)
        form.addRow(_("&Address:"), self.address_combo)
        form.addRow(_("&Port:"), self.port_spin)
        form.addRow(self.start_button)
        form.addRow(self.status_label)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("Check-in desk 2"))
        self.name_edit.setAccessibleName(_("New station's name"))
        self.may_boxes = {key: QCheckBox(_(PERMISSION_NAMES[key]).replace("&", "&&"))
                          for key in (CHECK_IN, BALLOTS, QA)}
        self.may_boxes[CHECK_IN].setChecked(True)
        self.offer_button = QPushButton(_("&Make a pairing code"))
        self.offer_button.clicked.connect(self._on_offer_clicked)
        self.code_label = QLabel()
        self.code_label.setObjectName("pairingCode")
        self.code_label.setWordWrap(True)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setStyleSheet("#pairingCode { font-family: monospace; font-size: 15pt;"
                                      " font-weight: 600; }")
        self.qr_label = QLabel()
        self.qr_label.setAccessibleName(_("QR code of the pairing code"))
        offer_box = QGroupBox(_("New station"))
        offer_layout = QVBoxLayout(offer_box)
        offer_form = QFormLayout()
        offer_form.addRow(_("&Name:"), self.name_edit)
        # The three wrap onto more lines rather than widen the page (in Welsh, side by side
        # with the server's box, they asked 1,087 px of a 1,366-pixel laptop's 1,060).
        offer_form.addRow(_("May do:"), flow_row(*self.may_boxes.values()))
        offer_layout.addLayout(offer_form)
        offer_layout.addWidget(self.offer_button)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_label, 1)
        code_row.addWidget(self.qr_label)
        offer_layout.addLayout(code_row)

        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            [_("Station"), _("May do"), _("State"), _("Who is at it"), _("Applied"),
             _("Refused"), _("Last heard from")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 7):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAccessibleName(_("Stations"))
        self.revoke_button = QPushButton(_("&Revoke"))
        self.revoke_button.setToolTip(_("The station's requests are refused from now on."))
        self.revoke_button.clicked.connect(self._on_revoke_clicked)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        top = QHBoxLayout()
        top.addWidget(server_box, 1)
        top.addWidget(offer_box, 2)
        self.title = _("Stations")
        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.revoke_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.refresh()

    # -- the page contract ---------------------------------------------------------------------

    def relevant(self, changes: Changes) -> bool:
        return changes.event or changes.attendance or changes.ballots or changes.qa

    def refresh(self) -> None:
        selected = self.selected_station()
        counts = queries.decided_counts(self.store)
        now = self.store.clock.now()
        stations = queries.stations(self.store)
        self.table.setRowCount(len(stations))
        for row, station in enumerate(stations):
            done = counts.get(station.id, {})
            may = ", ".join(_(PERMISSION_NAMES[k]) for k in (CHECK_IN, BALLOTS, QA)
                            if k in station.may)
            cells = [station.name, may, _(STATE_NAMES[station.state(now)]), station.person or "",
                     str(done.get("applied", 0)), str(done.get("refused", 0)),
                     station.last_seen_at.astimezone().strftime("%H:%M:%S")
                     if station.last_seen_at else ""]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(STATION_ID, station.id)
                self.table.setItem(row, column, item)
            if station.id == selected:
                self.table.selectRow(row)
        self._update_buttons()

    def selected_station(self) -> int | None:
        items = self.table.selectedItems()
        return int(items[0].data(STATION_ID)) if items else None

    def _update_buttons(self) -> None:
        self.revoke_button.setEnabled(self.selected_station() is not None)

    # -- actions -------------------------------------------------------------------------------

    def start_serving(self) -> bool:
        if self.server is not None and self.server.running:
            return True
        server = StationServer(self.store, str(self.address_combo.currentData()),
                               self.port_spin.value(), on_changes=self._relay.add)
        try:
            server.start()
        except UserError as exc:
            self.refuse(exc.message)
            return False
        self.server = self._running["server"] = server
        self.port_spin.setValue(server.port)
        self.start_button.setText(_("S&top serving stations"))
        self.address_combo.setEnabled(False)
        self.port_spin.setEnabled(False)
        self.status_label.setText(_("Stations are served at {host}:{port}.").format(
            host=server.host, port=server.port))
        return True

    def stop_serving(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = self._running["server"] = None
        self.start_button.setText(_("&Start serving stations"))
        self.address_combo.setEnabled(True)
        self.port_spin.setEnabled(True)
        self.status_label.setText(_("Stations are not served."))

    def _on_start_clicked(self) -> None:
        if self.server is not None:
            self.stop_serving()
        else:
            self.start_serving()

    def _on_offer_clicked(self) -> None:
        may = [key for key, box in self.may_boxes.items() if box.isChecked()]
        if not self.start_serving():
            return
        made = self.run(lambda: ops.offer(self.store, self.name_edit.text(), may,
                                          actor=self.actor))
        if made is None or self.server is None:
            return
        code = PairingCode(self.server.host, self.server.port, made.secret, self.server.pin)
        self.code_label.setText(code.text())
        from ui.phone_panel import qr_pixmap

        self.qr_label.setPixmap(qr_pixmap(code.text(), scale=4))
        self.banner.show_message(_("Type or scan this code on “{name}” within 30 minutes; it "
                                   "works once.").format(name=made.station.name), "ok")
        self.name_edit.clear()

    def _on_revoke_clicked(self) -> None:
        station_id = self.selected_station()
        if station_id is not None:
            self.run(lambda: ops.revoke(self.store, station_id, actor=self.actor),
                     _("The station is revoked; its requests are refused from now on."))

    @property
    def publishing(self) -> bool:
        """Changes from stations are waiting to be published."""
        return self._publish_timer.isActive()

    @Slot()
    def _on_relay_arrived(self) -> None:
        if not self._publish_timer.isActive():
            self._publish_timer.start()

    def _publish(self) -> None:
        changes = self._relay.take()
        if changes is not None:
            self.bus.publish(changes)



def _stop(running: dict[str, StationServer | None]) -> None:
    """The page is gone (its event closed): stop serving its stations."""
    server = running.get("server")
    if server is not None:
        server.stop()


def smoke_check(store: EventStore, folder: Path) -> None:
    """For ``--smoke-test`` (a frozen build that lacks cheroot, cryptography or a module
    they load late fails here): serve stations on 127.0.0.1, pair a station over TLS with a
    fresh code, and read the event through it."""
    from facilitator.stations.client import StationClient
    from facilitator.stations.outbox import Outbox

    server = StationServer(store, "127.0.0.1", 0)
    server.start()
    client = StationClient(Outbox(folder / "smoke-station"), timeout=10.0)
    try:
        offer = ops.offer(store, "Smoke test", [CHECK_IN], actor="smoke test")
        client.pair(PairingCode("127.0.0.1", server.port, offer.secret, server.pin).text())
        if not isinstance(client.refresh().get("participants"), list):
            raise RuntimeError("the station read no participants")
        ops.revoke(store, offer.station.id, actor="smoke test")
    finally:
        client.close()
        client.outbox.close()
        server.stop()
