"""The Tables page's choice between new faces and balance, its search time, the progress
with the best figures so far, why the search stopped, and balance per column in plain words
(issue 19)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from facilitator.store import EventStore
from facilitator.tables import queries
from facilitator.tables.plans import TRADEOFF_CHOICES
from facilitator.tables.quality import PlanQuality
from facilitator.tables.search import Progress
from ui.bus import ChangeBus
from ui.pages.tables import TablesPage
from ui.pages.tables.form import progress_text
from ui.tasks import TaskRunner


@pytest.fixture
def page(qtbot: QtBot, demo_store: EventStore, tmp_path: Path) -> Iterator[TablesPage]:
    bus, tasks = ChangeBus(), TaskRunner()
    page = TablesPage(demo_store, bus, tasks, choose_save=lambda *_: tmp_path / "x.pdf")
    page._keep = (bus, tasks)  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    yield page
    tasks.wait()


def test_the_tradeoff_is_chosen_in_plain_words_and_saved_with_the_plan(
    qtbot: QtBot, page: TablesPage, demo_store: EventStore
) -> None:
    form = page.form
    labels = [form.tradeoff_combo.itemText(i) for i in range(form.tradeoff_combo.count())]
    assert labels == list(TRADEOFF_CHOICES.values())
    assert labels[0] == "Never meet twice" and labels[-1] == "Best balance"
    form.tradeoff_combo.setCurrentIndex(form.tradeoff_combo.findData("balance"))
    assert form.seconds_combo.currentData() is None  # the standard search
    form.rounds_spin.setValue(2)
    form.size_spin.setValue(8)
    form.check_column("Gender")
    qtbot.mouseClick(form.allocate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    assert queries.settings(demo_store).tradeoff == "balance"
    plan = queries.current_plan(demo_store)
    assert plan is not None and plan.stopped == "finished"
    text = page.quality_panel.spread_label.text()
    assert "Gender: every table has" in text
    if os.environ.get("TABLES_SCREENSHOT"):
        page.grab().save(os.environ["TABLES_SCREENSHOT"])


def test_a_search_time_is_offered_and_kept(page: TablesPage, demo_store: EventStore) -> None:
    form = page.form
    form.seconds_combo.setCurrentIndex(form.seconds_combo.findData(30.0))
    settings = form.settings(queries.settings(demo_store))
    assert settings.search_seconds == 30.0
    form.fill(settings, ["Gender"])
    assert form.seconds_combo.currentData() == 30.0
    assert "30 seconds" in form.seconds_combo.currentText()


def test_progress_says_the_best_figures_so_far(page: TablesPage) -> None:
    best = PlanQuality(mixing=10, balance=1.0, repeat_pairs=3, max_meetings=2, mean_l1=0.125,
                       l1_by_attribute={})
    page.form.show_running("Allocating…")
    page.form.show_search_progress(Progress(0.5, best))
    assert page.form.progress.value() == 500
    assert page.form.progress_label.text() == progress_text(Progress(0.5, best))
    assert "3 pairs meet more than once" in page.form.progress_label.text()
    assert "0.125" in page.form.progress_label.text()
