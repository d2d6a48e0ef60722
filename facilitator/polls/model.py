"""The deliberative poll's model: questionnaires, their items and indices, answers. Pure.

A questionnaire is a list of items of six kinds and the indices built from them. The same
questionnaire (or an extended one: an item may start at a later wave) is answered in waves,
wave 1 at arrival, wave 2 at the end, more for a follow-up. An answer is a value, or
:data:`DONT_KNOW`, which is kept apart from every value (a missing key is no answer at all).

For the analysis each item gives one or more *variables* (:func:`variables_of`): a scale item
its value; a yes/no item yes = 1; a knowledge item correct = 1 (a don't-know counts as not
correct, as in Fishkin's knowledge indices, and its share is shown apart); a choose-one item
one yes/no variable per option; a ranking item the rank given to each option. An index is
the mean of its items rescaled 0-1 (reverse-coded items turned round), over the items the
person answered, if they answered at least half of them.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import N_, _
from facilitator.polls import words

POLLS = Changes(polls=True)

SCALE_10 = "scale10"
LIKERT_5 = "likert5"
YES_NO = "yesno"
CHOICE = "choice"
RANKING = "ranking"
KNOWLEDGE = "knowledge"
KINDS = (SCALE_10, LIKERT_5, YES_NO, CHOICE, RANKING, KNOWLEDGE)
KIND_NAMES = {
    SCALE_10: N_("0–10 agree/disagree scale"),
    LIKERT_5: N_("1–5 Likert scale"),
    YES_NO: N_("yes/no"),
    CHOICE: N_("choose one"),
    RANKING: N_("ranking"),
    KNOWLEDGE: N_("knowledge question"),
}
DONT_KNOW = "dk"
"""The stored answer "don't know"; never a value."""

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
PANEL, CONTROL = "panel", "control"
MAX_ITEMS = 200
MAX_WAVES = 6
MAX_OPTIONS = 12
PROJECTIONS = ("indices", "all")
"""What the projector may reveal: the indices only, or every row (or one index's key: that
index and its items)."""
MIN_GROUP = 5
"""A group value held by fewer panel respondents than this is dropped when the poll closes,
so a rare value does not single a person out among the anonymous pairs."""

Value = int | tuple[int, ...]
Answer = Value | str
"""An item's answer: a value, or :data:`DONT_KNOW`."""

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,23}$")


class PollError(UserError):
    """A poll change refused: one sentence saying why (nothing changed).

    A refusal a phone can meet is made with :meth:`said` from a message of
    :mod:`facilitator.polls.words`, keeping its id and fields, so the phone page says it
    again in the phone's own language (``words.in_language``); the app's is not the phone's."""

    def __init__(self, message: str, *, msgid: str = "",
                 fields: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.msgid = msgid
        self.fields = dict(fields or {})

    @classmethod
    def said(cls, msgid: str, **fields: object) -> PollError:
        """The refusal ``msgid`` (of :mod:`~facilitator.polls.words`) with its fields, in the
        app's language."""
        return cls(_(msgid).format(**fields), msgid=msgid, fields=fields)


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    kind: str
    options: tuple[str, ...] = ()
    """The choices of a choose-one, ranking or knowledge item."""
    correct: int | None = None
    """A knowledge item's correct option."""
    first_wave: int = 1
    """The wave the item is first asked at (an extended questionnaire)."""
    low_label: str = ""
    high_label: str = ""

    @property
    def scale(self) -> tuple[int, int] | None:
        return {SCALE_10: (0, 10), LIKERT_5: (1, 5)}.get(self.kind)

    def check(self, answer: Any) -> Answer:
        """The answer as stored, or :class:`PollError` naming the item."""
        if answer == DONT_KNOW:
            return DONT_KNOW
        if self.kind == RANKING:
            if not isinstance(answer, list | tuple):
                raise self._not_an_answer(answer)
            ranked = tuple(answer)
            if (len(set(ranked)) != len(ranked) or not ranked
                    or any(not isinstance(x, int) or isinstance(x, bool)
                           or not 0 <= x < len(self.options) for x in ranked)):
                raise self._not_an_answer(answer)
            return ranked
        if not isinstance(answer, int) or isinstance(answer, bool):
            raise self._not_an_answer(answer)
        low, high = self.scale or (0, 1 if self.kind == YES_NO else len(self.options) - 1)
        if not low <= answer <= high:
            raise self._not_an_answer(answer)
        return answer

    def _not_an_answer(self, answer: object) -> PollError:
        return PollError.said(words.NOT_AN_ANSWER, answer=answer, key=self.key)


@dataclass(frozen=True)
class Index:
    key: str
    title: str
    items: tuple[tuple[str, bool], ...]
    """(item key, reverse-coded)."""


@dataclass(frozen=True)
class Questionnaire:
    title: str
    items: tuple[Item, ...]
    indices: tuple[Index, ...] = ()
    waves: int = 2
    wave_names: tuple[str, ...] = ()
    group_columns: tuple[str, ...] = ()
    """Participant-list columns kept with each answer, for change by group."""

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise PollError(_("There is no item {key} in this questionnaire.").format(key=key))

    def items_in(self, wave: int) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.first_wave <= wave)

    def wave_name(self, wave: int, gettext: Callable[[str], str] = _) -> str:
        """The wave's own name if the questionnaire gives one, else Arrival, End, Wave 3…
        (a phone page calls :func:`~facilitator.polls.words.wave_name` with its ``t``)."""
        return words.wave_name(self.wave_names, wave, gettext)

    def check_answers(self, wave: int, answers: Mapping[str, Any]) -> dict[str, Answer]:
        asked = {item.key: item for item in self.items_in(wave)}
        out: dict[str, Answer] = {}
        for key, answer in answers.items():
            if key not in asked:
                raise PollError.said(words.NOT_ASKED, key=key)
            if answer is None:
                continue
            out[key] = asked[key].check(answer)
        return out


def validate(q: Questionnaire) -> Questionnaire:
    """``q`` if it can be run, else :class:`PollError` with the first problem."""
    if not q.title.strip():
        raise PollError(_("The questionnaire needs a title."))
    if not q.items:
        raise PollError(_("The questionnaire has no items."))
    if len(q.items) > MAX_ITEMS:
        raise PollError(_("A questionnaire has at most {n} items.").format(n=MAX_ITEMS))
    if not 1 <= q.waves <= MAX_WAVES:
        raise PollError(_("A poll has 1 to {n} waves.").format(n=MAX_WAVES))
    seen: set[str] = set()
    for item in q.items:
        if not _KEY.match(item.key):
            raise PollError(_("“{key}” cannot be an item's key: use letters, digits and _, "
                              "starting with a letter.").format(key=item.key))
        if item.key in seen:
            raise PollError(_("Two items have the key {key}.").format(key=item.key))
        seen.add(item.key)
        if item.kind not in KINDS:
            raise PollError(_("Item {key} has an unknown kind.").format(key=item.key))
        if not item.text.strip():
            raise PollError(_("Item {key} has no text.").format(key=item.key))
        needs = item.kind in (CHOICE, RANKING, KNOWLEDGE)
        if needs and not 2 <= len(item.options) <= MAX_OPTIONS:
            raise PollError(_("Item {key} needs 2 to {n} options.").format(
                key=item.key, n=MAX_OPTIONS))
        if not needs and item.options:
            raise PollError(_("Item {key} takes no options.").format(key=item.key))
        if item.kind == KNOWLEDGE and (item.correct is None
                                       or not 0 <= item.correct < len(item.options)):
            raise PollError(_("Knowledge item {key} needs its correct answer.").format(
                key=item.key))
        if not 1 <= item.first_wave <= q.waves:
            raise PollError(_("Item {key} starts at a wave the poll does not have.").format(
                key=item.key))
    for index in q.indices:
        if not _KEY.match(index.key) or index.key in seen:
            raise PollError(_("“{key}” cannot be an index's key.").format(key=index.key))
        seen.add(index.key)
        if not index.items:
            raise PollError(_("Index {key} has no items.").format(key=index.key))
        kinds = set()
        for key, _reverse in index.items:
            item = q.item(key)
            if item.kind not in (SCALE_10, LIKERT_5, YES_NO, KNOWLEDGE):
                raise PollError(_("Index {key} can only hold scale, yes/no and knowledge "
                                  "items.").format(key=index.key))
            kinds.add(item.kind == KNOWLEDGE)
        if len(kinds) > 1:
            raise PollError(_("Index {key} mixes knowledge items with opinions.").format(
                key=index.key))
    return q


# -- JSON ---------------------------------------------------------------------------------------


def to_json(q: Questionnaire) -> str:
    return json.dumps({
        "title": q.title, "waves": q.waves, "wave_names": list(q.wave_names),
        "group_columns": list(q.group_columns),
        "items": [{k: v for k, v in {
            "key": i.key, "text": i.text, "kind": i.kind, "options": list(i.options),
            "correct": i.correct, "first_wave": i.first_wave, "low_label": i.low_label,
            "high_label": i.high_label}.items() if v not in (None, [], "")}
            for i in q.items],
        "indices": [{"key": x.key, "title": x.title,
                     "items": [[k, r] for k, r in x.items]} for x in q.indices],
    }, ensure_ascii=False, sort_keys=True)


def from_json(text: str) -> Questionnaire:
    """A questionnaire from its JSON (the stored definition, or a file an organiser wrote)."""
    return _from_json(text)


@functools.lru_cache(maxsize=32)
def _from_json(text: str) -> Questionnaire:
    # Every op reads its poll's definition; a questionnaire is frozen, so one parse serves
    # every read of the same text (a refusal is not cached: it raises).
    try:
        data = json.loads(text)
        q = Questionnaire(
            title=str(data["title"]),
            items=tuple(Item(
                key=str(i["key"]), text=str(i["text"]), kind=str(i["kind"]),
                options=tuple(str(o) for o in i.get("options", ())),
                correct=None if i.get("correct") is None else int(i["correct"]),
                first_wave=int(i.get("first_wave", 1)),
                low_label=str(i.get("low_label", "")), high_label=str(i.get("high_label", "")))
                for i in data["items"]),
            indices=tuple(Index(str(x["key"]), str(x["title"]),
                                tuple((str(k), bool(r)) for k, r in x["items"]))
                          for x in data.get("indices", ())),
            waves=int(data.get("waves", 2)),
            wave_names=tuple(str(w) for w in data.get("wave_names", ())),
            group_columns=tuple(str(c) for c in data.get("group_columns", ())),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PollError(_("This is not a questionnaire definition ({problem}).").format(
            problem=exc)) from None
    return validate(q)


def answers_from_json(text: str) -> dict[str, Answer]:
    data = json.loads(text)
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}


def answers_to_json(answers: Mapping[str, Answer]) -> str:
    return json.dumps({k: list(v) if isinstance(v, tuple) else v
                       for k, v in sorted(answers.items())}, separators=(",", ":"))


# -- polls and responses ------------------------------------------------------------------------


@dataclass(frozen=True)
class Poll:
    id: int
    questionnaire: Questionnaire
    status: str
    wave: int
    """The wave open now (0 before the first opens); the last one opened once closed."""
    created_at: str
    closed_at: str | None

    @property
    def title(self) -> str:
        return self.questionnaire.title


@dataclass(frozen=True)
class Response:
    """One questionnaire filled in at one wave. ``code`` pairs a person's waves and names
    nobody: derived from their badge with the poll's key while the poll is open, random for
    a paper form's packet and the control sample."""

    wave: int
    code: str
    sample: str
    answers: Mapping[str, Answer]
    groups: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResponseResult:
    wave: int
    replaced: bool
    changes: Changes


# -- paper forms --------------------------------------------------------------------------------

ITEMS_PER_PAGE = 6
PAPER_PREFIX = "P"
"""Before a packet's code in a response's pairing code (phone codes are lower-case hex)."""
MAX_FORMS = 1000
_FORM_QR = re.compile(r"^F(\d{1,6})-(\d)-(\d{1,2})-(\d{1,2})-([0-9A-Z]{9})$")


def form_pages(q: Questionnaire, wave: int) -> list[tuple[Item, ...]]:
    """The items of each page of a wave's paper form (printing and keying agree on it)."""
    items = q.items_in(wave)
    return [items[i:i + ITEMS_PER_PAGE] for i in range(0, len(items), ITEMS_PER_PAGE)]


def form_qr(poll_id: int, wave: int, page: int, pages: int, code: str) -> str:
    """What a form page's QR code holds: the poll, the wave, the page of how many, and the
    packet's code; so a page keyed goes to its own form whatever pile it was found in."""
    return f"F{poll_id}-{wave}-{page}-{pages}-{code}"


@dataclass(frozen=True)
class FormPage:
    poll_id: int
    wave: int
    page: int
    pages: int
    code: str


def parse_form_qr(text: str) -> FormPage:
    found = _FORM_QR.match(text.strip().upper())
    if found is None:
        raise PollError(_("“{text}” is not the code of a questionnaire page.").format(
            text=text.strip()[:40]))
    poll_id, wave, page, pages, code = found.groups()
    return FormPage(int(poll_id), int(wave), int(page), int(pages), code)


@dataclass(frozen=True)
class ScannedPage:
    """A scanned page of a paper form, checked and ready to key."""

    poll: Poll
    page: FormPage
    items: tuple[Item, ...]
    keyed: Mapping[str, Answer] | None
    """The answers keyed before (a correction), or None: the page is not keyed yet."""


@dataclass(frozen=True)
class FormsPrinted:
    codes: tuple[str, ...]
    changes: Changes


@dataclass(frozen=True)
class Incomplete:
    code: str
    wave: int
    missing: tuple[int, ...]


@dataclass(frozen=True)
class Reconciliation:
    """Paper forms printed against pages keyed, like ballots printed against papers keyed."""

    printed: int
    complete: dict[int, int]
    """Per wave: forms with every page keyed."""
    incomplete: tuple[Incomplete, ...]
    one_wave_only: int
    """Packets keyed at some wave but not at every wave given (unpaired)."""

    def lines(self, pretty: Callable[[str], str] = str) -> list[str]:
        """The figures in words, one a line (the CLI and the Polls page show these)."""
        out = [_("Paper forms printed: {n}").format(n=self.printed)]
        for wave, n in sorted(self.complete.items()):
            out.append(_("  wave {w}: {n} complete").format(w=wave, n=n))
        for gap in self.incomplete:
            out.append(_("  form {code}, wave {w}: page(s) {pages} not keyed").format(
                code=pretty(gap.code), w=gap.wave, pages=", ".join(map(str, gap.missing))))
        if self.one_wave_only:
            out.append(_("  {n} forms not keyed at every wave (not paired)").format(
                n=self.one_wave_only))
        return out


def answer_from_ranks(item: Item, ranks: Mapping[int, int]) -> tuple[int, ...] | None:
    """A ranking's answer from the rank written beside each option (option -> rank), or
    None when no rank was written; :class:`PollError` unless the ranks are 1, 2, 3… once."""
    if not ranks:
        return None
    if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
        raise PollError(_("“{item}”: give each rank once, from 1 up.").format(item=item.text))
    return tuple(option for option, _rank in sorted(ranks.items(), key=lambda x: x[1]))


# -- variables: what the analysis counts --------------------------------------------------------


@dataclass(frozen=True)
class Bin:
    label: str
    low: float
    high: float


@dataclass(frozen=True)
class Variable:
    key: str
    label: str
    low: float
    high: float
    binary: bool
    bins: tuple[Bin, ...]
    knowledge: bool = False
    index: Index | None = None
    item: Item | None = None
    option: int | None = None

    def rescale(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)


def _bins(item: Item) -> tuple[Bin, ...]:
    if item.kind == SCALE_10:
        return (Bin("0–4", 0, 4), Bin("5", 5, 5), Bin("6–10", 6, 10))
    if item.kind == LIKERT_5:
        return (Bin("1–2", 1, 2), Bin("3", 3, 3), Bin("4–5", 4, 5))
    return ()


def variables_of(q: Questionnaire) -> list[Variable]:
    """Every variable of the analysis, indices first, in the questionnaire's order."""
    out: list[Variable] = []
    for index in q.indices:
        knowledge = q.item(index.items[0][0]).kind == KNOWLEDGE
        out.append(Variable(index.key, index.title, 0.0, 1.0, False,
                            (Bin("0–.4", 0, 0.4), Bin(".4–.6", 0.4, 0.6),
                             Bin(".6–1", 0.6, 1.0)), knowledge=knowledge, index=index))
    yes_no = (Bin(_("no"), 0, 0), Bin(_("yes"), 1, 1))
    for item in q.items:
        if item.scale is not None:
            low, high = item.scale
            out.append(Variable(item.key, item.text, low, high, False, _bins(item), item=item))
        elif item.kind == YES_NO:
            out.append(Variable(item.key, item.text, 0, 1, True, yes_no, item=item))
        elif item.kind == KNOWLEDGE:
            out.append(Variable(item.key, item.text, 0, 1, True,
                                (Bin(_("wrong"), 0, 0), Bin(_("correct"), 1, 1)),
                                knowledge=True, item=item))
        elif item.kind == CHOICE:
            for n, option in enumerate(item.options):
                out.append(Variable(f"{item.key}={n + 1}", f"{item.text}: {option}", 0, 1,
                                    True, yes_no, item=item, option=n))
        else:
            top = len(item.options)
            for n, option in enumerate(item.options):
                out.append(Variable(f"{item.key}#{n + 1}",
                                    _("{item}: rank of {option}").format(item=item.text,
                                                                         option=option),
                                    1, top, False,
                                    tuple(Bin(str(r), r, r) for r in range(1, top + 1)),
                                    item=item, option=n))
    return out


Score = float | str | None
"""A variable's value for one response: a number, :data:`DONT_KNOW`, or None (no answer)."""


def item_score(variable: Variable, answers: Mapping[str, Answer]) -> Score:
    item = variable.item
    assert item is not None
    answer = answers.get(item.key)
    if answer is None:
        return None
    if answer == DONT_KNOW:
        # A knowledge question's "don't know" is not a correct answer (its share is shown
        # apart); an opinion's is no value at all.
        return 0.0 if item.kind == KNOWLEDGE else DONT_KNOW
    if item.kind == KNOWLEDGE:
        return 1.0 if answer == item.correct else 0.0
    if item.kind == CHOICE:
        return 1.0 if answer == variable.option else 0.0
    if item.kind == RANKING:
        assert isinstance(answer, tuple) and variable.option is not None
        return float(answer.index(variable.option) + 1) if variable.option in answer else None
    assert isinstance(answer, int)
    return float(answer)


def score(variable: Variable, q: Questionnaire, answers: Mapping[str, Answer]) -> Score:
    """The variable's value for one response (an index: its items' rescaled mean)."""
    index = variable.index
    if index is None:
        return item_score(variable, answers)
    parts: list[float] = []
    dont_know = 0
    for key, reverse in index.items:
        item = q.item(key)
        answer = answers.get(key)
        if answer is None:
            continue
        if variable.knowledge:
            parts.append(1.0 if answer == item.correct else 0.0)
            continue
        if answer == DONT_KNOW:
            dont_know += 1
            continue
        assert isinstance(answer, int)
        low, high = item.scale or (0, 1)
        unit = (answer - low) / (high - low)
        parts.append(1.0 - unit if reverse else unit)
    if variable.knowledge:
        return math.fsum(parts) / len(parts) if parts else None
    if 2 * len(parts) < len(index.items):
        return DONT_KNOW if dont_know else None
    return math.fsum(parts) / len(parts)


def dont_know(variable: Variable, q: Questionnaire, answers: Mapping[str, Answer]
              ) -> bool | None:
    """Whether this response said "don't know" to the variable (None: no answer at all)."""
    if variable.item is not None:
        answer = answers.get(variable.item.key)
        return None if answer is None else answer == DONT_KNOW
    value = score(variable, q, answers)
    return None if value is None else value == DONT_KNOW


def bin_of(bins: Sequence[Bin], value: float) -> int:
    for n, b in enumerate(bins):
        if b.low <= value <= b.high:
            return n
    return len(bins) - 1
