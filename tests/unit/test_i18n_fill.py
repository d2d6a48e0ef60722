"""tools/i18n.py fill: drafted translations go only where a string has none or a fuzzy guess
(a translation someone made is never replaced), with the same placeholders and the
language's number of plural forms, and the catalogue is marked a machine draft; a .po read
and written back is unchanged (its ``#:`` places kept)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.i18n_tool import load as _tool


def test_fill_puts_drafts_only_where_nothing_is(tmp_path: Path) -> None:
    tool = _tool()
    Message = tool.Message
    po = tmp_path / "facilitator.po"
    header = "Language: cy\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    tool.write_po(po, header, {
        "Tables": Message("Tables", places=["ui/a.py:1"]),
        "Results": Message("Results", places=["ui/a.py:2"], strings=["Canlyniadau"]),
        "Print": Message("Print", places=["ui/a.py:3"], strings=["Argraff"], fuzzy=True),
        "Hello {name}": Message("Hello {name}", places=["ui/a.py:4"]),
        "{n} vote": Message("{n} vote", "{n} votes", places=["ui/a.py:5"]),
        "Seat {n}": Message("Seat {n}", places=["ui/a.py:6"]),
    }, 2)
    put, refused = tool.fill(po, {
        "Tables": "Byrddau", "Results": "WRONG", "Print": "WRONG",
        "Hello {name}": "Helo {enw}", "{n} vote": ["{n} bleidlais", "{n} pleidlais"],
        "Seat {n}": ["one", "two"], "Gone": "Wedi mynd",
    })
    assert put == 3
    assert len(refused) == 3 and "{enw}" in refused[0] and "forms" in refused[1]
    header_after, messages = tool.read_po(po)
    assert messages["Tables"].strings == ["Byrddau"]
    assert messages["Results"].strings == ["Canlyniadau"]  # someone's work is kept
    assert messages["Print"].strings == ["WRONG"] and not messages["Print"].fuzzy  # a guess
    assert messages["{n} vote"].strings == ["{n} bleidlais", "{n} pleidlais"]
    assert not any(messages["Hello {name}"].strings) and not any(messages["Seat {n}"].strings)
    assert messages["Tables"].places == ["ui/a.py:1"]
    assert tool.DRAFT_NOTE in header_after


def test_fill_from_the_command_line_says_what_it_refused(tmp_path: Path) -> None:
    tool = _tool()
    locale = tmp_path / "locale"
    po = locale / "cy" / "LC_MESSAGES" / "facilitator.po"
    po.parent.mkdir(parents=True)
    tool.write_po(po, "Language: cy\n", {"Tables": tool.Message("Tables")}, 2)
    drafts = tmp_path / "d.json"
    drafts.write_text(json.dumps({"Tables": "Byrddau", "Nope": "Na"}), encoding="utf-8")
    tool.LOCALE, tool.ROOT = locale, tmp_path
    assert tool.main(["fill", "cy", str(drafts)]) == 1
    assert tool.read_po(po)[1]["Tables"].strings == ["Byrddau"]
    assert tool.main(["fill", "xx", str(drafts)]) == 2


def test_a_catalogue_reads_and_writes_back_unchanged(tmp_path: Path) -> None:
    tool = _tool()
    for po in tool.languages():
        header, messages = tool.read_po(po)
        copy = tmp_path / "copy.po"
        tool.write_po(copy, header, messages, tool._nplurals(header))
        assert copy.read_text(encoding="utf-8") == po.read_text(encoding="utf-8"), po
