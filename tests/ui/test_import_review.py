"""Issue 13: the import dialog shows the values that look like one category spelt several
ways, merges the ones ticked, and warns about characters lost to a wrong encoding."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from facilitator.people import read_table
from tests.ui.screens import save_screens
from tests.unit.people.test_tidy_import import messy
from ui.pages.participants.dialogs import ImportDialog


def test_the_dialog_offers_merges_and_warns_of_lost_characters(
        qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ImportDialog(read_table(messy(tmp_path)))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    shown = {(g.column, g.keep) for g in dialog.groups}
    assert {("Gender", "Female"), ("Gender", "Male"), ("Gender", "Non-binary"),
            ("Area", "Riverside"), ("Area", "Old Town")} == shown
    assert dialog.groups_table.rowCount() == 5 and dialog.groups_table.isVisible()
    texts = [dialog.groups_table.item(r, 2).text()  # type: ignore[union-attr]
             for r in range(dialog.groups_table.rowCount())]
    assert "“Female” (3), “female” (1), “F” (1)" in texts
    assert dialog.lost_label.isVisible()
    assert "Gw?n Pryce" in dialog.lost_label.text() and "SiÃ¢n" in dialog.lost_label.text()
    save_screens(dialog, "import-review")

    rows = {(g.column, g.keep): r for r, g in enumerate(dialog.groups)}
    dialog.set_merge(rows[("Area", "Riverside")], False)          # "Riverdide" may be real
    dialog.set_merge(rows[("Gender", "Non-binary")], True, keep="non binary")
    dialog._on_buttons_accepted()
    parsed = dialog.parsed
    assert parsed is not None
    genders = [p.attributes["Gender"] for p in parsed.people]
    assert set(genders) == {"Female", "Male", "non binary"}
    areas = {p.attributes["Area"] for p in parsed.people}
    assert areas == {"Riverside", "riverside", "Riverdide", "Old Town", "Hillcrest"}


def test_choosing_other_columns_looks_again(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ImportDialog(read_table(messy(tmp_path)))
    qtbot.addWidget(dialog)
    dialog.second_name_combo.setCurrentIndex(dialog.second_name_combo.findData("Gender"))
    assert not [g for g in dialog.groups if g.column == "Gender"]  # now part of the name
