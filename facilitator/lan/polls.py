"""The questionnaire on a phone: the open wave of a deliberative poll, as one plain form.

Reached from the person's phone home (``/v/<token>/poll/<id>``). No JavaScript needed: every
item is a fieldset with its legend and native radio buttons (a ranking: one select per
option, as on a ranked ballot), "don't know" a choice of its own, text marked ``dir="auto"``
for right-to-left languages. While the wave is open a person sees and may change their own
answers (found by their pairing code, :func:`facilitator.polls.queries.own_response`); once it
closes, nothing of theirs is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from facilitator.changes import Changes
from facilitator.lan.pages import esc, message
from facilitator.lan.text import PageText
from facilitator.people import Participant
from facilitator.polls import ops as poll_ops
from facilitator.polls import queries as poll_queries
from facilitator.polls.model import (
    CHOICE,
    DONT_KNOW,
    KNOWLEDGE,
    LIKERT_5,
    RANKING,
    SCALE_10,
    YES_NO,
    Answer,
    Item,
    Poll,
    PollError,
)
from facilitator.polls.words import in_language, wave_name
from facilitator.store import EventStore

PHONE = "phone"
Reply = tuple[int, list[tuple[str, str]], bytes]
Html = Callable[[str, str, int], Reply]
"""(title, body, status) -> the page, in the app's frame."""


class PollFormError(ValueError):
    """A form no page of ours can send (a forged field): answered 400."""


class RankError(ValueError):
    """A ranking whose ranks are not 1, 2, 3… each once."""

    def __init__(self, item: Item) -> None:
        super().__init__(item.key)
        self.item = item


def home_block(t: PageText, store: EventStore, base: str, person: Participant) -> str:
    """The link to each questionnaire open now, for the top of the phone home page (none
    for someone who does not answer it: an expert, staff, an observer)."""
    if not poll_queries.may_answer(person):
        return ""
    links = []
    for poll in poll_queries.open_polls(store):
        links.append(f'<li><a class="button" href="{esc(base)}/poll/{poll.id}" dir="auto">'
                     f"{esc(t('Questionnaire'))}: {esc(poll.title)}</a></li>")
    if not links:
        return ""
    return f'<section class="polls"><ul class="plain">{"".join(links)}</ul></section>'


def _radio(name: str, value: str, text: str, chosen: bool) -> str:
    checked = " checked" if chosen else ""
    return (f'<label class="grade"><input type="radio" name="{name}" value="{esc(value)}"'
            f'{checked}> <span dir="auto">{esc(text)}</span></label>')


def _dont_know(t: PageText, item: Item, previous: Answer | None) -> str:
    return _radio(item.key, "dk", t("Don't know"), previous == DONT_KNOW)


def item_fields(t: PageText, item: Item, previous: Answer | None, number: int) -> str:
    """One item as a fieldset: its question as the legend, one native control per answer."""
    legend = (f'<legend id="l-{esc(item.key)}" dir="auto"><span class="num">{number}.</span> '
              f"{esc(item.text)}</legend>")
    parts: list[str] = []
    if item.kind in (SCALE_10, LIKERT_5):
        low, high = item.scale or (0, 10)
        ends = ""
        if item.low_label or item.high_label or item.kind == SCALE_10:
            ends = (f'<p class="help" dir="auto">{low} = {esc(item.low_label or t("disagree"))}'
                    f" · {high} = {esc(item.high_label or t('agree'))}</p>")
        likert = {1: t("strongly disagree"), 2: t("disagree"), 3: t("neither"),
                  4: t("agree"), 5: t("strongly agree")}
        for v in range(low, high + 1):
            text = f"{v} – {likert[v]}" if item.kind == LIKERT_5 else str(v)
            parts.append(_radio(item.key, str(v), text, previous == v))
        return (f'<fieldset class="option item scale">{legend}{ends}'
                f'{"".join(parts)}{_dont_know(t, item, previous)}</fieldset>')
    if item.kind == YES_NO:
        parts = [_radio(item.key, "1", t("Yes"), previous == 1),
                 _radio(item.key, "0", t("No"), previous == 0)]
        return (f'<fieldset class="option item">{legend}{"".join(parts)}'
                f"{_dont_know(t, item, previous)}</fieldset>")
    if item.kind in (CHOICE, KNOWLEDGE):
        parts = [_radio(item.key, str(i), option, previous == i)
                 for i, option in enumerate(item.options)]
        return (f'<fieldset class="option item">{legend}{"".join(parts)}'
                f"{_dont_know(t, item, previous)}</fieldset>")
    assert item.kind == RANKING
    ranks = list(previous) if isinstance(previous, tuple) else []
    rows = []
    for i, option in enumerate(item.options):
        label_id = f"{item.key}-o{i}"
        chosen = str(ranks.index(i) + 1) if i in ranks else ""
        values = [("", t("not ranked"))] + [(str(r), str(r))
                                           for r in range(1, len(item.options) + 1)]
        options = "".join(f'<option value="{v}"{" selected" if v == chosen else ""}>'
                          f"{esc(text)}</option>" for v, text in values)
        rows.append(f'<div class="row"><span id="{label_id}" class="opt" dir="auto">'
                    f"{esc(option)}</span><select name=\"{esc(item.key)}.{i}\" "
                    f'aria-labelledby="l-{esc(item.key)} {label_id}">{options}</select></div>')
    return (f'<fieldset class="option item ranking">{legend}'
            f'<p class="help">{esc(t("Give 1 to the one you prefer most."))}</p>'
            f'{"".join(rows)}</fieldset>')


def answers_from_form(items: Sequence[Item], form: Mapping[str, str]) -> dict[str, Any]:
    """The answers a form carries (an item left alone is no answer). A value no page offers
    raises :class:`PollFormError`; the op checks ranges and says which item is wrong."""
    out: dict[str, Any] = {}
    for item in items:
        if item.kind == RANKING:
            ranked: list[tuple[int, int]] = []
            for i in range(len(item.options)):
                text = form.get(f"{item.key}.{i}", "")
                if text == "":
                    continue
                if not (text.isascii() and text.isdigit() and len(text) < 3):
                    raise PollFormError(item.key)
                ranked.append((int(text), i))
            ranks = sorted(r for r, _i in ranked)
            if ranked and ranks != list(range(1, len(ranked) + 1)):
                raise RankError(item)
            if ranked:
                out[item.key] = [i for _r, i in sorted(ranked)]
            continue
        text = form.get(item.key, "")
        if text == "":
            continue
        if text == "dk":
            out[item.key] = DONT_KNOW
        elif text.isascii() and text.isdigit() and len(text) < 3:
            out[item.key] = int(text)
        else:
            raise PollFormError(item.key)
    return out


def poll_body(t: PageText, action: str, form_key: str, poll: Poll, previous: Mapping[str, Answer],
              *, error: str = "", done: bool = False, answered: bool = False) -> str:
    q = poll.questionnaire
    items = q.items_in(poll.wave)
    parts = [f'<p class="round" dir="auto">{esc(wave_name(q.wave_names, poll.wave, t))}</p>',
             f'<h1 dir="auto">{esc(q.title)}</h1>']
    if done:
        parts.append(f'<div class="msg ok confirm" role="status"><p class="big">'
                     f'{esc(t("Thank you. Your answers are recorded."))}</p>'
                     f'<p>{esc(t("You may change them until this questionnaire closes."))}'
                     "</p></div>")
    elif answered:
        parts.append(message("ok", t("You have answered. You may change your answers until "
                                     "this questionnaire closes.")))
    if error:
        parts.append(message("error", error))
    parts.append(f'<p class="help" dir="auto">{esc(t("Your answers are anonymous: they are kept under a code that cannot be traced back to you once the poll closes. You may skip any question."))}</p>')  # noqa: E501
    fields = "".join(item_fields(t, item, previous.get(item.key), n)
                     for n, item in enumerate(items, start=1))
    button = t("Change my answers") if answered or done else t("Send my answers")
    parts.append(f'<form method="post" action="{esc(action)}" class="ballot poll">'
                 f'<input type="hidden" name="k" value="{esc(form_key)}">'
                 f'<input type="hidden" name="w" value="{poll.wave}">{fields}'
                 f'<button class="primary" type="submit">{esc(button)}</button></form>')
    return "".join(parts)


def route(store: EventStore, t: PageText, person: Participant, base: str, form_key: str,
          parts: Sequence[str], method: str, form: Mapping[str, str], query: str,
          html: Html, write: Callable[[Changes], None]) -> Reply | None:
    """``/v/<token>/poll/<id>``: the questionnaire; None for a path that is not ours."""
    if len(parts) != 1 or not (parts[0].isascii() and parts[0].isdigit() and len(parts[0]) < 7):
        return None
    poll_id = int(parts[0])
    try:
        poll = poll_queries.poll(store, poll_id)
    except PollError:
        return None
    action = f"{base}/poll/{poll_id}"
    if not poll_queries.wave_open(store, poll_id):
        body = (f'<h1 dir="auto">{esc(poll.title)}</h1>'
                + message("info", t("This questionnaire is not open now.")))
        return html(poll.title, body, 200)
    own = poll_queries.own_response(store, poll_id, poll.wave, person.token)
    previous: Mapping[str, Answer] = own.answers if own is not None else {}
    error, status = "", 200
    if method == "POST":
        items = poll.questionnaire.items_in(poll.wave)
        try:
            answers = answers_from_form(items, form)
        except PollFormError:
            return 400, [], b""
        except RankError as exc:
            error, status = t("“{item}”: give each rank once, from 1 up.").format(
                item=exc.item.text), 422
        else:
            if form.get("w", str(poll.wave)) != str(poll.wave):
                # Filled in at an earlier wave, sent after the next one opened: not taken as
                # this wave's answers unseen; the phone gets this wave's form to check.
                error, status = t("The questionnaire has moved on to “{wave}”: check your "
                                  "answers and send them again.").format(
                    wave=wave_name(poll.questionnaire.wave_names, poll.wave, t)), 409
            elif not answers:
                error, status = t("Answer at least one question first."), 422
            else:
                try:
                    result = poll_ops.answer(store, poll_id, person.id, answers, channel=PHONE,
                                             actor=PHONE)
                except PollError as exc:
                    error, status = (in_language(exc.msgid, exc.fields, t) if exc.msgid
                                     else exc.message), 409
                else:
                    write(result.changes)
                    return 303, [("Location", f"{action}?done=1")], b""
    done = "done=1" in query and not error and own is not None
    body = poll_body(t, action, form_key, poll, previous, error=error, done=done,
                     answered=own is not None)
    return html(poll.title, body, status)
