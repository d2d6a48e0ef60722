"""The phone pages as HTML: plain forms that work without JavaScript, every text escaped.

Each function returns the page body; :func:`page` wraps it in ``resources/web/page.html``.
Every text that comes from people (names, questions, options, Q&A) goes through
:func:`esc`. Forms carry the per-token form key (:class:`facilitator.lan.security.FormKeys`).
Answers come back as fields named ``o0``, ``o1``… (a number per option) or ``choice``
(the one option chosen), and :func:`answer_from_form` turns them into an
:class:`facilitator.ballots.Answer`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from string import Template

from facilitator.ballots import (
    MULTI_CHOICE,
    SINGLE_CHOICE,
    Answer,
    Kind,
    PhoneVote,
    Question,
    format_amount,
)
from facilitator.lan.model import PhoneQuestion
from facilitator.lan.text import LANGUAGES, PageText, translation
from facilitator.paths import resource_path
from facilitator.results import OptionFigure

_template: Template | None = None


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _page_template() -> Template:
    global _template
    if _template is None:
        _template = Template(resource_path("web", "page.html").read_text(encoding="utf-8"))
    return _template


def page(t: PageText, title: str, body: str, *, event: str = "", home: str = "",
         lang_form: str = "") -> bytes:
    header = f'<p class="event" dir="auto">{esc(event)}</p>' if event else ""
    if home:
        header += f'<a class="home" href="{esc(home)}">{esc(t("All questions"))}</a>'
    return _page_template().substitute(
        lang=esc(t.language), dir=t.direction, title=esc(title), header=header, body=body,
        footer=lang_form, skip=esc(t("Skip to the content"))).encode("utf-8")


def _hidden_key(form_key: str) -> str:
    return f'<input type="hidden" name="k" value="{esc(form_key)}">'


def language_form(t: PageText, action: str, form_key: str | None) -> str:
    """Language buttons, each labelled in its own language."""
    if form_key is None:  # the join page: plain links keep it a GET
        links = []
        for code, name in LANGUAGES.items():
            current = ' aria-current="true"' if code == t.language else ""
            links.append(f'<a class="lang" href="?lang={code}" lang="{code}" '
                         f'hreflang="{code}"{current}>{esc(name)}</a>')
        return (f'<nav class="langs" aria-label="{esc(t("Language"))}">'
                f'{" ".join(links)}</nav>')
    buttons = []
    for code, name in LANGUAGES.items():
        pressed = "true" if code == t.language else "false"
        buttons.append(f'<button class="lang" name="lang" value="{code}" lang="{code}" '
                       f'aria-pressed="{pressed}">{esc(name)}</button>')
    return (f'<form class="langs" method="post" action="{esc(action)}" '
            f'aria-label="{esc(t("Language"))}">{_hidden_key(form_key)}'
            f'{" ".join(buttons)}</form>')


def message(kind: str, text: str) -> str:
    role = "alert" if kind == "error" else "status"
    return f'<p class="msg {kind}" role="{role}">{esc(text)}</p>'


# -- join --------------------------------------------------------------------------------------


def join_body(t: PageText, error: str = "", typed: str = "", *, chosen: str = "") -> str:
    """The join page. ``chosen``: the language picked on it, sent with the code so the
    person's pages stay in it after they enter the code."""
    err = message("error", error) if error else ""
    described = ' aria-describedby="code-help"'
    keep = (f'<input type="hidden" name="lang" value="{esc(chosen)}">'
            if chosen in LANGUAGES else "")
    return (
        f"<h1>{esc(t('Vote on your phone'))}</h1>{err}"
        f'<form method="post" action="/join" class="card">{keep}'
        f'<label for="code">{esc(t("Your personal code"))}</label>'
        f'<p id="code-help" class="help">{esc(t("It is printed on your badge, under the QR code, for example K7QM-2X4A-B9CD."))}</p>'  # noqa: E501
        f'<input id="code" name="code" value="{esc(typed)}" autocomplete="off" '
        f'autocapitalize="characters" spellcheck="false" maxlength="24" required{described}>'
        f'<button class="primary" type="submit">{esc(t("Continue"))}</button></form>'
        f'<p class="help">{esc(t("Or scan the QR code on your badge with your phone camera."))}</p>'
    )


# -- home --------------------------------------------------------------------------------------


def home_body(t: PageText, name: str, base: str, form_key: str,
              questions: Sequence[tuple[PhoneQuestion, bool]],
              hand_waiting: bool, notice: str = "") -> str:
    """The person's home page: ``questions`` are the phone questions, each with whether the
    person has voted on it (never what, nor the receipt)."""
    hello = esc(t("Hello, {name}")).format(name=f"<bdi>{esc(name)}</bdi>")
    parts = [f"<h1>{hello}</h1>"]
    if notice:
        parts.append(message("ok", notice))
    open_items = [(q, v) for q, v in questions if q.is_open]
    parts.append(f"<h2>{esc(t('Questions open now'))}</h2>")
    if not open_items:
        parts.append(f'<p class="help">{esc(t("No question is open for voting right now. Reload this page when the facilitator opens one."))}</p>')  # noqa: E501
    else:
        items = []
        for q, voted in open_items:
            state = t("Voted") if voted else t("Not voted yet")
            items.append(
                f'<li><a class="question-link{" done" if voted else ""}" '
                f'href="{esc(base)}/q/{q.round_id}/{q.index}">'
                f'<span class="q" dir="auto">{esc(q.question.text)}</span>'
                f'<span class="state">{esc(state)}</span></a></li>')
        parts.append(f'<ul class="questions">{"".join(items)}</ul>')
    closed = [(q, v) for q, v in questions if not q.is_open]
    if closed:
        links = "".join(
            f'<li><a dir="auto" href="{esc(base)}/q/{q.round_id}/{q.index}">'
            f"{esc(q.question.text)}</a></li>"
            for q, _v in closed)
        parts.append(f"<h2>{esc(t('Closed questions'))}</h2><ul class='plain'>{links}</ul>")
    parts.append(f"<h2>{esc(t('Speak or ask'))}</h2>")
    hand = (
        f'<form method="post" action="{esc(base)}/hand/lower">{_hidden_key(form_key)}'
        f'<p class="msg ok" role="status">{esc(t("Your hand is raised. The facilitator will call you."))}</p>'  # noqa: E501
        f'<button type="submit">{esc(t("Lower my hand"))}</button></form>'
        if hand_waiting else
        f'<form method="post" action="{esc(base)}/hand">{_hidden_key(form_key)}'
        f'<button type="submit">{esc(t("Raise my hand to speak"))}</button></form>')
    parts.append(hand)
    parts.append(f'<p><a class="button" href="{esc(base)}/ask">'
                 f'{esc(t("Ask the experts a question"))}</a></p>')
    return "".join(parts)


# -- a question --------------------------------------------------------------------------------


STOCK_LABELS = ("Yes", "No", "Abstain", "Strongly support", "Support", "Neutral", "Oppose",
                "Strongly oppose", "Excellent", "Very good", "Good", "Fair", "Poor", "Reject")
"""The labels the app gives a yes/no, a scale and a judgment's grades by default (msgids of
:mod:`facilitator.ballots.questions`); a question keeps them in the language the laptop had
when it was written."""


@cache
def _stock() -> dict[str, str]:
    """Each default label, in every phone language, → its msgid."""
    found: dict[str, str] = {}
    for language in LANGUAGES:
        words = translation(language)
        for msgid in STOCK_LABELS:
            found.setdefault(words(msgid), msgid)
    return found


def stock_label(t: PageText, text: str) -> str:
    """A default label in the voter's language, whichever phone language it was written in
    ("Ie", "نعم" or "Yes" → the voter's word for yes); any other text as it is."""
    msgid = _stock().get(text)
    return t(msgid) if msgid is not None else text


def option_text(t: PageText, q: Question, index: int) -> str:
    """An option as the phone shows it: a yes/no's or a scale's default labels ("Yes",
    "No", "Abstain", "Strongly support"…) in the voter's language; any other label as
    written."""
    option = q.options[index]
    return stock_label(t, option) if q.kind in (Kind.YES_NO, Kind.SCALE) else option


def has_abstain_option(q: Question) -> bool:
    """A yes/no with an Abstain option: abstaining is that option, so the page offers no
    separate "Vote blank" button (two ways to abstain, counted differently, confused
    voters: Abstain counts by the decision rule, a blank vote does not)."""
    return q.kind is Kind.YES_NO and q.allow_abstain


def _select(name: str, label_id: str, values: Sequence[tuple[str, str]], chosen: str) -> str:
    options = "".join(
        f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(text)}</option>'
        for v, text in values)
    return f'<select id="{name}" name="{name}" aria-labelledby="{label_id}">{options}</select>'


def _fields(t: PageText, q: Question, previous: Answer | None) -> str:
    marks = previous.marks if previous else (None,) * len(q.options)
    out = []
    if q.kind in SINGLE_CHOICE:
        for i in range(len(q.options)):
            checked = " checked" if marks[i] else ""
            out.append(f'<label class="choice"><input type="radio" name="choice" value="{i}"'
                       f'{checked}> <span dir="auto">{esc(option_text(t, q, i))}</span>'
                       "</label>")
        return "".join(out)
    if q.kind in MULTI_CHOICE:
        for i, option in enumerate(q.options):
            checked = " checked" if marks[i] else ""
            cost = ""
            if q.kind is Kind.BUDGET:
                cost = (f' <span class="cost">{esc(format_amount(q.projects[i].cost))}'
                        "</span>")
            out.append(f'<label class="choice"><input type="checkbox" name="o{i}" value="1"'
                       f' data-cost="{float(q.projects[i].cost) if q.kind is Kind.BUDGET else 0}"'
                       f'{checked}> <span dir="auto">{esc(option)}{cost}</span></label>')
        return "".join(out)
    if q.kind is Kind.JUDGMENT:
        for i, option in enumerate(q.options):
            radios = "".join(
                f'<label class="grade"><input type="radio" name="o{i}" value="{g}"'
                f'{" checked" if marks[i] == g else ""}> <span>{esc(stock_label(t, grade))}</span>'
                "</label>"
                for g, grade in enumerate(q.grades, start=1))
            out.append(f'<fieldset class="option"><legend dir="auto">{esc(option)}</legend>'
                       f"{radios}</fieldset>")
        return "".join(out)
    low, high = q.value_range()
    blank_text = {Kind.RANK: t("not ranked"), Kind.SCORE: t("no score"),
                  Kind.DOTS: "0"}[q.kind]
    values: list[tuple[str, str]] = [("", blank_text)]
    start = max(low, 1) if q.kind is not Kind.SCORE else low
    values += [(str(v), str(v)) for v in range(start, high + 1)]
    for i, option in enumerate(q.options):
        label_id = f"l{i}"
        chosen = "" if marks[i] is None else str(marks[i])
        out.append(f'<div class="row"><span id="{label_id}" class="opt" dir="auto">'
                   f"{esc(option)}</span>"
                   f"{_select(f'o{i}', label_id, values, chosen)}</div>")
    return "".join(out)


def question_body(t: PageText, base: str, form_key: str, pq: PhoneQuestion, *,
                  voted: bool, vote: PhoneVote | None, allow_change: bool, error: str = "",
                  just_cast: PhoneVote | None = None, results: PhoneResults | None = None,
                  answer: Answer | None = None) -> str:
    """A question's page. ``voted``: the person has voted on it; ``vote``: their ballot,
    known only while they may still change it; ``just_cast``: the ballot they cast a moment
    ago, whose receipt is shown this once. A past vote is never shown."""
    q = pq.question
    parts = [f'<p class="round" dir="auto">{esc(pq.round_title)}</p>']
    if just_cast is not None:
        parts.append(
            f'<div class="msg ok confirm" role="status"><p class="big">'
            f'{esc(t("Thank you. Your vote is recorded."))}</p>'
            f'<p>{esc(t("Your receipt code"))}: <strong class="receipt">'
            f"{esc(just_cast.pretty_receipt)}</strong></p>"
            f'<p class="help">{esc(t("Note it now if you want to check your vote is counted: it is not shown again."))}</p>'  # noqa: E501
            f'<p><a class="button" href="{esc(base)}">{esc(t("Back to all questions"))}</a>'
            "</p></div>")
    parts.append(f'<h1 id="qtext" dir="auto">{esc(q.text)}</h1>')
    if q.note:
        parts.append(f'<p class="note" dir="auto">{esc(q.note)}</p>')
    decided = q.decided_by(t)  # the rule fixed with the question, as on the paper
    if decided:
        parts.append(f'<p class="note rule" dir="auto">{esc(t("How it is decided:"))} '
                     f"{esc(decided)}</p>")
    if error:
        parts.append(message("error", error))
    can_vote = pq.is_open and (not voted or (allow_change and vote is not None))
    if voted and just_cast is None:
        parts.append(message("ok", t("You have voted on this question.")))
    shown = just_cast or (vote if pq.is_open else None)
    if shown is not None:
        parts.append(f'<p class="summary">{esc(t("Your vote"))}: '
                     f'<bdi>{esc(summary(t, q, shown.answer))}</bdi></p>')
    if not pq.is_open:
        parts.append(message("info", t("Voting on this question has closed.")))
    if can_vote:
        action = f"{base}/q/{pq.round_id}/{pq.index}"
        parts.append(
            f'<form method="post" action="{esc(action)}" class="ballot" '
            f'data-kind="{q.kind.value}" data-dots="{q.dots}" '
            f'data-budget="{float(q.budget or 0)}" '
            f'data-label="{esc(t("Used: {used} of {limit}"))}" '
            f'data-over="{esc(t("Over the limit by {over}: remove something."))}"'
            f"{_rank_data(t, q)}>"
            f"{_hidden_key(form_key)}"
            f'<fieldset><legend id="how">{esc(q.how_to_vote(t, phone=True))}</legend>'
            f"{_fields(t, q, answer or (vote.answer if vote else None))}</fieldset>"
            f'<p class="live" aria-live="polite"></p>'
            f'<button class="primary" type="submit">'
            f'{esc(t("Change my vote") if vote else t("Send my vote"))}</button>'
            + ("" if has_abstain_option(q) else
               f'<button class="secondary" type="submit" name="blank" value="1">'
               f'{esc(t("Vote blank (abstain)"))}</button>')
            + "</form>")
    if results is not None:
        parts.append(results_table(t, q, results))
    return "".join(parts)


def _rank_data(t: PageText, q: Question) -> str:
    """What the ranking script (``phone.js``) needs: the most ranks, and its words in the
    voter's language. Without JavaScript the page keeps a list box per option."""
    if q.kind is not Kind.RANK:
        return ""
    words = {"ranked": t("Your ranking"), "unranked": t("Not ranked yet"),
             "add": t("Add to my ranking: {option}"), "up": t("Move up: {option}"),
             "down": t("Move down: {option}"), "remove": t("Take out of my ranking: {option}"),
             "none": t("Nothing ranked yet: tap the options below in your order."),
             "full": t("You have ranked as many as you may."),
             "how": t("Tap the options in your order of preference: first choice first. "
                      "The arrows move an option up or down.")}
    return f' data-max-ranks="{q.value_range()[1]}"' + "".join(
        f' data-t-{key}="{esc(text)}"' for key, text in words.items())


@dataclass(frozen=True)
class PhoneResults:
    """What a phone shows of a question's result: the count's own per-option figures and
    ballots counted (:func:`facilitator.results.option_figures`, :class:`Turnout`),
    so a phone never shows another number than the Results page or the result sheet."""

    figures: tuple[OptionFigure, ...]
    counted: int


def summary(t: PageText, q: Question, answer: Answer) -> str:
    if all(m is None for m in answer.marks):
        return t("blank")
    if q.kind in SINGLE_CHOICE or q.kind in MULTI_CHOICE:
        return ", ".join(option_text(t, q, i) for i, m in enumerate(answer.marks) if m)
    if q.kind is Kind.RANK:
        ranked = sorted((m, i) for i, m in enumerate(answer.marks) if m is not None)
        return ", ".join(f"{m}. {q.options[i]}" for m, i in ranked)
    if q.kind is Kind.JUDGMENT:
        return "; ".join(f"{q.options[i]}: {stock_label(t, q.grades[m - 1])}" for i, m in
                         enumerate(answer.marks) if m is not None and 1 <= m <= len(q.grades))
    return "; ".join(f"{q.options[i]}: {m}" for i, m in enumerate(answer.marks)
                     if m is not None)


def results_table(t: PageText, q: Question, results: PhoneResults) -> str:
    heading = {Kind.RANK: t("First preferences"), Kind.SCORE: t("Total score"),
               Kind.DOTS: t("Dots"), Kind.APPROVAL: t("Approvals"),
               Kind.JUDGMENT: t("At least the median grade")}.get(q.kind, t("Votes"))
    rows = "".join(
        f"<tr><th scope='row' dir='auto'>"
        f"{esc(stock_label(t, f.label) if q.kind in (Kind.YES_NO, Kind.SCALE) else f.label)}"
        "</th>"
        f"<td>{esc(f.figure)}"
        + (f" <span class='share'>({esc(f.share)})</span>" if f.share else "") + "</td></tr>"
        for f in results.figures)
    counted = t.n("{n} ballot counted", "{n} ballots counted", results.counted).format(
        n=results.counted)
    return (f"<h2>{esc(t('Results so far'))}</h2><table class='results'>"
            f"<thead><tr><th scope='col'>{esc(t('Option'))}</th>"
            f"<th scope='col'>{esc(heading)}</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<p class="counted">{esc(counted)}</p>')


class FormError(ValueError):
    """The form does not fit the question (a forged or damaged request)."""


def answer_from_form(q: Question, form: Mapping[str, str]) -> Answer:
    """The answer a phone form sent; :class:`FormError` if it cannot come from our page."""
    n = len(q.options)
    expected = {"choice"} if q.kind in SINGLE_CHOICE else {f"o{i}" for i in range(n)}
    unknown = set(form) - expected - {"k", "blank"}
    if unknown or form.get("blank", "1") != "1":
        raise FormError(", ".join(sorted(unknown)) or "blank")
    if form.get("blank") == "1":
        return Answer((None,) * n)
    if q.kind in SINGLE_CHOICE:
        raw = form.get("choice", "")
        if raw == "":
            return Answer((None,) * n)
        if not _digits(raw) or not 0 <= int(raw) < n:
            raise FormError("choice")
        return Answer.choose(q, int(raw))
    marks: list[int | None] = []
    for i in range(n):
        raw = form.get(f"o{i}", "").strip()
        if raw == "":
            marks.append(None)
            continue
        if not _digits(raw) or len(raw) > 3:
            raise FormError(f"o{i}")
        marks.append(int(raw))
    return Answer(tuple(marks))


def _digits(text: str) -> bool:
    """ASCII digits only (``int()`` would also take "٣" or "³")."""
    return text.isascii() and text.isdigit()


def ask_body(t: PageText, base: str, form_key: str,
             questions: Sequence[tuple[int, str, int, bool]], *, notice: str = "",
             error: str = "", text: str = "", panel_open: bool = True) -> str:
    """The Q&A page: send a question; upvote others (id, text, votes, voted by me)."""
    parts = [f"<h1>{esc(t('Questions for the experts'))}</h1>"]
    if notice:
        parts.append(message("ok", notice))
    if error:
        parts.append(message("error", error))
    if panel_open:
        parts.append(
            f'<form method="post" action="{esc(base)}/ask" class="card">{_hidden_key(form_key)}'
            f'<label for="qa">{esc(t("Your question"))}</label>'
            f'<textarea id="qa" name="text" rows="4" maxlength="500" required>{esc(text)}'
            f"</textarea>"
            f'<button class="primary" type="submit">{esc(t("Send the question"))}</button>'
            f"</form>")
    else:
        parts.append(message("info", t("There is no expert panel yet.")))
    if questions:
        items = []
        for qid, qtext, votes, mine in questions:
            count = t.n("{n} vote", "{n} votes", votes).format(n=votes)
            button = (f'<span class="state">{esc(t("You support this"))}</span>' if mine else
                      f'<form method="post" action="{esc(base)}/upvote/{qid}">'
                      f"{_hidden_key(form_key)}"
                      f'<button type="submit" aria-label="{esc(t("Support: {q}").format(q=qtext[:80]))}">'  # noqa: E501
                      f'{esc(t("Support"))}</button></form>')
            items.append(f'<li><p dir="auto">{esc(qtext)}</p><p class="votes">{esc(count)}</p>'
                         f"{button}</li>")
        parts.append(f"<h2>{esc(t('Questions so far'))}</h2>"
                     f'<ul class="qa">{"".join(items)}</ul>')
    return "".join(parts)


def error_body(t: PageText, status: int) -> str:
    texts = {
        400: t("This request could not be understood."),
        403: t("This link does not work. Ask at the desk for help."),
        404: t("There is no such page."),
        405: t("This request could not be understood."),
        413: t("This request is too large."),
        415: t("This request could not be understood."),
        429: t("Too many tries. Wait a minute and try again."),
        500: t("Something went wrong on the facilitator's laptop. Try again."),
    }
    return (f"<h1>{esc(texts.get(status, t('This request could not be understood.')))}</h1>"
            f'<p><a href="/">{esc(t("Start again"))}</a></p>')
