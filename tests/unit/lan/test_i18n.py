"""The phone pages' languages: catalogues compiled from their .po, complete, right-to-left."""

from __future__ import annotations

import gettext
import importlib.util
import sys
from pathlib import Path

from facilitator.lan.text import from_accept_language, pick, translation

ROOT = Path(__file__).resolve().parents[3]


def _tool() -> object:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


def test_catalogues_are_compiled_and_complete_for_the_phone_pages() -> None:
    tool = _tool()
    assert tool.problems() == []  # type: ignore[attr-defined]


def test_the_compiled_catalogue_reads_back_with_gettext(tmp_path: Path) -> None:
    tool = _tool()
    po = ROOT / "resources" / "locale" / "cy" / "LC_MESSAGES" / "facilitator.po"
    header, messages = tool.read_po(po)  # type: ignore[attr-defined]
    mo = tmp_path / "x.mo"
    mo.write_bytes(tool.mo_bytes(header, messages))  # type: ignore[attr-defined]
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    assert catalogue.gettext("Send my vote") == "Anfon fy mhleidlais"
    assert catalogue.ngettext("{n} vote", "{n} votes", 2) == "{n} pleidlais"


def test_languages_and_direction() -> None:
    assert translation("ar").direction == "rtl" and translation("cy").direction == "ltr"
    assert translation("ar")("Send my vote") == "أرسل صوتي"
    assert translation("ar").n("{n} vote", "{n} votes", 2) == "صوتان"
    assert translation("de")("Send my vote") == "Send my vote"
    assert pick("cy-GB") == "cy" and pick(None, "xx") == "en"
    assert from_accept_language("de-DE,ar;q=0.8,cy;q=0.9") == "cy"
    assert from_accept_language("en-GB,cy;q=0.5") == "en"
    assert from_accept_language("garbage;q=x") is None
