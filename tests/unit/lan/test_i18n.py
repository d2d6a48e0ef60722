"""The phone pages' languages: catalogues compiled from their .po, complete, right-to-left."""

from __future__ import annotations

import ast
import gettext
import importlib.util
import sys
from fractions import Fraction
from pathlib import Path

from facilitator.ballots import PB_RULES, Abstentions, Base, DecisionRule, Question
from facilitator.lan.text import PageText, from_accept_language, pick, translation
from facilitator.tally import Project

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


# -- what the check covers ----------------------------------------------------------------------


class _Recording(gettext.NullTranslations):
    """A translation that notes every msgid it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def gettext(self, message: str) -> str:
        self.asked.add(message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.asked.add(msgid1)
        return msgid1 if n == 1 else msgid2


def _every_rule() -> list[DecisionRule]:
    return [DecisionRule.simple_majority(), DecisionRule.supermajority("2/3"),
            DecisionRule(threshold=Fraction(3, 5)),
            DecisionRule(base=Base.PRESENT, quorum=10),
            DecisionRule(abstentions=Abstentions.COUNTED, quorum_share=Fraction(1, 3))]


def _every_phone_question() -> list[Question]:
    projects = [Project("p1", Fraction(40000), "Playground"),
                Project("p2", Fraction(25000), "Street trees")]
    questions = [Question.yes_no(f"Rule {i}?", rule=rule) for i, rule in enumerate(_every_rule())]
    questions += [
        Question.scale("Support?"), Question.choose_one("Where?", ["A", "B"]),
        Question.approval("Which?", ["A", "B", "C"], max_choices=2),
        Question.approval("Which ones?", ["A", "B"]),
        Question.rank("Elect", ["A", "B", "C"], seats=2), Question.rank("Order", ["A", "B"]),
        Question.score("Score", ["A", "B"]),
        Question.dot_vote("Dots", ["A", "B"], dots=5, max_per_option=3),
        Question.dot_vote("More dots", ["A", "B"], dots=4),
        Question.judgment("Grade", ["A", "B"])]
    questions += [Question.pb_budget("Spend", projects, 50000, max_choices=1, pb_rule=rule)
                  for rule in PB_RULES]
    return questions


def test_what_the_question_model_tells_the_phone_is_checked() -> None:
    """How to vote and how it is decided reach the phone through the page's translation:
    every msgid they ask it for is a phone string, so ``check`` wants it translated."""
    tool = _tool()
    recording = _Recording()
    t = PageText("cy", recording)
    for q in _every_phone_question():
        assert q.how_to_vote(t, phone=True) and q.decided_by(t) is not None
    phone = tool.extract(phone_only=True)  # type: ignore[attr-defined]
    assert recording.asked and recording.asked <= set(phone), recording.asked - set(phone)


def _callees_given_the_page_translation() -> dict[str, str]:
    """Functions the phone modules hand their translation ``t`` to, with where."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "facilitator" / "lan").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and any(
                    isinstance(a, ast.Name) and a.id == "t"
                    for a in [*node.args, *(k.value for k in node.keywords)]):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                found.setdefault(name, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_module_the_phone_pages_hand_their_translation_to_is_scanned() -> None:
    """A function outside facilitator/lan that gets the page's ``t`` translates strings for
    the phone: the file defining it must be a phone source of tools/i18n.py."""
    tool = _tool()
    scanned = [ROOT / source for source in tool.PHONE_SOURCES]  # type: ignore[attr-defined]
    defined: set[str] = set()
    for path in (f for s in scanned for f in ([s] if s.is_file() else s.rglob("*.py"))):
        defined |= {n.name for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    callees = _callees_given_the_page_translation()
    assert {"how_to_vote", "decided_by"} <= set(callees)
    missing = {name: where for name, where in callees.items() if name not in defined}
    assert not missing, f"add the modules defining these to PHONE_SOURCES: {missing}"


def test_phone_sources_are_folders_scanned_whole(tmp_path: Path) -> None:
    """A module added (or moved) anywhere under facilitator/lan is scanned; a phone source
    that no longer exists is a problem, not a silent empty scan."""
    tool = _tool()
    for source in tool.PHONE_SOURCES:  # type: ignore[attr-defined]
        assert (ROOT / source).exists(), source
        target = tmp_path / source
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / source).is_file():
            target.write_text("x = N_('Model text')\n", encoding="utf-8")
        else:
            (target / "deep").mkdir(parents=True)
            (target / "deep" / "new.py").write_text(
                "a = t('Page text')\nb = t.n('{n} one', '{n} many', 2)\nc = _('Desk only')\n",
                encoding="utf-8")
    (tmp_path / "ui").mkdir()
    phone = tool.extract(phone_only=True, root=tmp_path)  # type: ignore[attr-defined]
    assert set(phone) == {"Model text", "Page text", "{n} one"}
    assert phone["Page text"].places == ["facilitator/lan/deep/new.py:1"]
    everything = tool.extract(root=tmp_path)  # type: ignore[attr-defined]
    assert set(everything) == {"Model text", "Page text", "{n} one", "Desk only"}
    (tmp_path / "facilitator" / "lan" / "deep" / "new.py").unlink()
    (tmp_path / "facilitator" / "lan" / "deep").rmdir()
    (tmp_path / "facilitator" / "lan").rmdir()
    assert tool.missing_sources(tmp_path) == ["facilitator/lan"]  # type: ignore[attr-defined]


# -- update keeps what translators did -----------------------------------------------------------


def test_update_keeps_a_translation_whose_string_went_away_and_offers_it_when_reworded(
        tmp_path: Path) -> None:
    tool = _tool()
    po = tmp_path / "facilitator.po"
    header = "Language: cy\nPlural-Forms: nplurals=6; plural=0;\n"
    Message = tool.Message  # type: ignore[attr-defined]
    old = {"Send my vote": Message("Send my vote", strings=["Anfon fy mhleidlais"]),
           "Voted — receipt {receipt}": Message("Voted — receipt {receipt}",
                                                strings=["Wedi pleidleisio — {receipt}"]),
           "Your hand is raised.": Message("Your hand is raised.", strings=["Llaw i fyny."])}
    tool.write_po(po, header, old, 6)  # type: ignore[attr-defined]
    template = {"Send my vote": Message("Send my vote", places=["a.py:1"]),
                "Your hand is raised!": Message("Your hand is raised!", places=["a.py:2"])}
    tool.merge(po, template)  # type: ignore[attr-defined]
    _header, merged = tool.read_po(po)  # type: ignore[attr-defined]
    assert merged["Send my vote"].strings == ["Anfon fy mhleidlais"]
    assert not merged["Send my vote"].fuzzy
    reworded = merged["Your hand is raised!"]
    assert reworded.fuzzy and reworded.strings == ["Llaw i fyny."]
    assert reworded.previous == "Your hand is raised."
    gone = merged["Voted — receipt {receipt}"]
    assert gone.obsolete and gone.strings == ["Wedi pleidleisio — {receipt}"]
    assert "#~ msgid" in po.read_text(encoding="utf-8")
    # Neither a guess nor a string gone reaches the .mo; the string coming back restores it.
    mo = tool.mo_bytes(_header, merged)  # type: ignore[attr-defined]
    assert b"Llaw i fyny" not in mo and b"Wedi pleidleisio" not in mo
    template["Voted — receipt {receipt}"] = Message("Voted — receipt {receipt}")
    tool.merge(po, template)  # type: ignore[attr-defined]
    _header, merged = tool.read_po(po)  # type: ignore[attr-defined]
    back = merged["Voted — receipt {receipt}"]
    assert not back.obsolete and not back.fuzzy and back.strings[0].endswith("{receipt}")


def test_check_finds_a_translation_with_other_placeholders(tmp_path: Path) -> None:
    """A translation naming another placeholder would raise KeyError when formatted."""
    tool = _tool()
    Message = tool.Message  # type: ignore[attr-defined]
    messages = {"Hello, {name}": Message("Hello, {name}", strings=["Helo, {enw}"]),
                "{n} vote": Message("{n} vote", "{n} votes", strings=["{n} pleidlais", "un"]),
                "Fine {x}": Message("Fine {x}", strings=["Iawn {x}"])}
    assert tool.placeholder_problems(messages) == [  # type: ignore[attr-defined]
        "'Hello, {name}': the translation has {enw}, the string {name}"]


# -- refusals ------------------------------------------------------------------------------------


def _refusal_reasons() -> set[str]:
    """Every reason a LanError is raised with in the core (the literal second argument)."""
    reasons = set()
    for path in (ROOT / "facilitator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "LanError" \
                    and len(node.args) == 2 and isinstance(node.args[1], ast.Constant):
                reasons.add(str(node.args[1].value))
    return reasons - {"settings"}  # the desk's port setting, never a phone's


def test_every_refusal_a_phone_can_meet_is_said_in_its_language() -> None:
    from facilitator.lan.app import reason_text
    from facilitator.lan.model import LanError

    reasons = _refusal_reasons()
    assert {"not_entitled", "bad_code", "closed"} <= reasons
    for reason in sorted(reasons):
        english = reason_text(translation("en"), LanError("The desk's sentence.", reason))
        for language in ("cy", "ar"):
            said = reason_text(translation(language), LanError("The desk's sentence.", reason))
            assert said != english and not said.startswith("The desk's"), (reason, language)
    assert reason_text(translation("cy"), LanError("x", "not_entitled")) == \
        "Nid ydych chi ymhlith y bobl sy'n pleidleisio yn y rownd hon."


def test_default_labels_follow_the_voters_language_whatever_the_laptops() -> None:
    """Issue 13: "Yes/No/Abstain" stayed English on Welsh and Arabic phones; a question
    written while the laptop was in Welsh keeps "Ie", and must read "Yes" in English."""
    from facilitator.lan.pages import option_text, stock_label

    english = Question.yes_no("Trams?")
    welsh = Question.yes_no("Tramiau?", labels=("Ie", "Na", "Ymatal"))
    for question in (english, welsh):
        assert [option_text(translation("cy"), question, i) for i in range(3)] == [
            "Ie", "Na", "Ymatal"]
        assert [option_text(translation("ar"), question, i) for i in range(3)] == [
            "نعم", "لا", "أمتنع"]
        assert [option_text(translation("en"), question, i) for i in range(3)] == [
            "Yes", "No", "Abstain"]
    own = Question.yes_no("Trams?", labels=("Agree", "Disagree"), allow_abstain=False)
    assert option_text(translation("cy"), own, 0) == "Agree"  # the organiser's own words
    assert stock_label(translation("cy"), "Excellent") != "Excellent"  # a judgment's grade
