"""Legislative theatre on a phone: send an idea card (``/v/<token>/idea``).

The card goes to the desk as an idea card from a phone, linked to the scene the person
chooses (the intervention on stage now, if any, is offered first). Voting on the proposals
needs nothing here: each proposal's vote is a ballot question opened to phones, so it is on
the phone home page with the others. A plain form, no JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from facilitator.changes import Changes
from facilitator.lan.pages import esc, message
from facilitator.lan.text import PageText
from facilitator.people import Participant
from facilitator.store import EventStore
from facilitator.theatre import ops as theatre_ops
from facilitator.theatre import queries as theatre_queries
from facilitator.theatre.model import MAX_TEXT, TheatreError

PHONE = "phone"
Reply = tuple[int, list[tuple[str, str]], bytes]
Html = Callable[[str, str, int], Reply]
"""(title, body, status) -> the page, in the app's frame."""


def home_block(t: PageText, store: EventStore, base: str) -> str:
    """The link to send an idea, for the top of the phone home page (during a session)."""
    if theatre_queries.session(store) is None:
        return ""
    return (f'<section class="theatre"><p><a class="button" href="{esc(base)}/idea">'
            f'{esc(t("Send an idea for change"))}</a></p></section>')


def idea_body(t: PageText, action: str, form_key: str, store: EventStore, *,
              error: str = "", sent: int = 0, text: str = "") -> str:
    running = theatre_queries.running_intervention(store)
    scenes = theatre_queries.scenes(store)
    options = []
    if running is not None:
        options.append((f"i{running.id}", t("What is on stage now ({character})").format(
            character=running.character)))
    options += [(f"s{s.id}", t("Scene {n}: {title}").format(n=s.position, title=s.title))
                for s in scenes]
    options.append(("", t("Not about one scene")))
    select = "".join(f'<option value="{esc(v)}">{esc(label)}</option>' for v, label in options)
    parts = [f'<h1>{esc(t("Your idea for change"))}</h1>']
    if sent:
        parts.append(f'<div class="msg ok confirm" role="status"><p class="big">'
                     f'{esc(t("Thank you. Your idea was sent to the desk."))}</p>'
                     f'<p>{esc(t("You may send another."))}</p></div>')
    if error:
        parts.append(message("error", error))
    parts.append(
        f'<form method="post" action="{esc(action)}" class="idea">'
        f'<input type="hidden" name="k" value="{esc(form_key)}">'
        f'<label for="idea-text">{esc(t("What should change, and who could change it?"))}'
        f'</label><textarea id="idea-text" name="text" rows="5" maxlength="{MAX_TEXT}" '
        f'dir="auto" required>{esc(text)}</textarea>'
        f'<label for="idea-scene">{esc(t("Prompted by"))}</label>'
        f'<select id="idea-scene" name="about">{select}</select>'
        f'<button class="primary" type="submit">{esc(t("Send my idea"))}</button></form>')
    return "".join(parts)


def refusal(t: PageText, store: EventStore, text: str, scene_id: int | None,
            intervention_id: int | None) -> str:
    """Why the desk would refuse this idea, in the phone's language ("" if it would not):
    the op's own refusals are in the desk's language, so the page checks first."""
    words = " ".join(text.split())
    if not words:
        return t("Write your idea first.")
    if len(words) > MAX_TEXT:
        return t("Your idea is longer than {n} characters; make it shorter.").format(
            n=MAX_TEXT)
    try:
        if scene_id is not None:
            theatre_queries.scene(store, scene_id)
        if intervention_id is not None:
            theatre_queries.intervention_row(store, intervention_id)
    except TheatreError:
        return t("What you chose under “Prompted by” is no longer there; choose again.")
    return ""


def route(store: EventStore, t: PageText, person: Participant, base: str, form_key: str,
          parts: Sequence[str], method: str, form: Mapping[str, str], query: str,
          html: Html, write: Callable[[Changes], None]) -> Reply | None:
    """``/v/<token>/idea``: the idea form; None for a path that is not ours."""
    if parts or theatre_queries.session(store) is None:
        return None
    action = f"{base}/idea"
    title = t("Your idea for change")
    if method == "POST":
        text = form.get("text", "")
        about = form.get("about", "")
        scene_id = intervention_id = None
        if about[:1] in ("s", "i") and about[1:].isascii() and about[1:].isdigit() \
                and len(about) < 10:
            if about[0] == "s":
                scene_id = int(about[1:])
            else:
                intervention_id = int(about[1:])
        elif about:
            return 400, [], b""
        if len(text) > MAX_TEXT * 2:
            return 413, [], b""
        error = refusal(t, store, text, scene_id, intervention_id)
        if not error:
            try:
                added = theatre_ops.add_card(store, text, source="phone", scene_id=scene_id,
                                             intervention_id=intervention_id,
                                             participant_id=person.id, actor=PHONE)
            except TheatreError:
                error = t("Your idea could not be sent. Please ask at the desk.")
            else:
                write(added.changes)
                return 303, [("Location", f"{action}?sent=1")], b""
        return html(title, idea_body(t, action, form_key, store, error=error,
                                     text=text[:MAX_TEXT]), 422)
    sent = int("sent=1" in query)
    return html(title, idea_body(t, action, form_key, store, sent=sent), 200)
