"""The phone pages as a WSGI application (served by :mod:`facilitator.lan.server`).

Only participant pages exist here: nothing a facilitator does is reachable from the
network. Every request is size-checked and rate-limited per client address; every form
POST must come from our own pages (Origin / Sec-Fetch-Site, and the per-token form key);
a request that does not fit gets a 4xx page and changes nothing; an unexpected error gets
a 500 page, is logged, and the server carries on.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from facilitator import codes
from facilitator.ballots import PhoneVote
from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.lan import ops, pages, queries
from facilitator.lan import polls as lan_polls
from facilitator.lan import theatre as lan_theatre
from facilitator.lan.model import MAX_QUESTION_CHARS, PHONE, PHONE_TABLE, PHONES, LanError
from facilitator.lan.security import FormKeys, GuessBudget, RateLimiter, TokenIndex, client_key
from facilitator.lan.text import LANGUAGES, PageText, from_accept_language, pick, translation
from facilitator.paths import resource_path
from facilitator.people import Participant
from facilitator.qa.ops import add_question, upvote
from facilitator.qa.queries import latest_panel_id, questions, supported_by
from facilitator.results import RoundResults, count_round, option_figures
from facilitator.store import EventStore

log = logging.getLogger(__name__)

MAX_BODY = 8 * 1024
RECOUNT_SECONDS = 1.0
MAX_PATH = 300
STATIC = {"phone.css": "text/css; charset=utf-8",
          "phone.js": "text/javascript; charset=utf-8"}
_TOKEN_PATH = re.compile(r"^/v/([A-Za-z0-9_-]{1,100})(/.*)?$")
_SECURITY_HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; "
     "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
]

StartResponse = Callable[..., Any]


class _SubApp(Protocol):
    """Phone pages of another subsystem, in a module of their own under facilitator/lan."""

    def route(self, store: EventStore, t: PageText, person: Participant, base: str,
              form_key: str, parts: Sequence[str], method: str, form: Mapping[str, str],
              query: str, html: lan_polls.Html, write: Callable[[Changes], None]
              ) -> lan_polls.Reply | None:
        """``/v/<token>/<prefix>/<parts>``; None for a path that is not its own (a 404)."""


# The first part of ``rest`` after /v/<token>/ -> the module whose ``route`` serves it.
_SUB_APPS: dict[str, _SubApp] = {
    "poll": lan_polls,  # a deliberative poll's questionnaire (issue 16)
    "idea": lan_theatre,  # a legislative-theatre idea card (issue 15)
}


@dataclass(frozen=True)
class Limits:
    """Per client address: all requests, and join-code guesses (a look-up of a well-formed
    badge code that does not belong to a badge; a wrong token). Guesses also come out of one
    budget shared by every address, which bounds what any number of addresses can try
    (the arithmetic: :class:`facilitator.lan.security.GuessBudget`); one address alone cannot
    empty it (0.2 a second against 10)."""

    requests_per_second: float = 20.0
    request_burst: float = 60.0
    failures_per_second: float = 0.2
    failure_burst: float = 10.0
    global_failures_per_second: float = 10.0
    global_failure_burst: float = 300.0


class _Reply(Exception):
    """Stop handling and answer with this status (a 4xx page)."""

    def __init__(self, status: int, body: str = "", headers: list[tuple[str, str]] | None = None
                 ) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or []


_REASONS = {200: "OK", 303: "See Other", 400: "Bad Request", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
            413: "Payload Too Large", 415: "Unsupported Media Type",
            422: "Unprocessable Content", 429: "Too Many Requests",
            500: "Internal Server Error"}


def reason_text(t: PageText, exc: LanError) -> str:
    """A refusal in the voter's language."""
    texts = {
        "revoked": t("This badge was cancelled. Ask at the desk for a new one."),
        "removed": t("This badge is no longer valid. Ask at the desk."),
        "not_present": t("You are not checked in yet. Please check in at the desk first."),
        "unknown": t("This link does not work. Ask at the desk for help."),
        "bad_code": t("That code was not recognised. Check it and try again."),
        "typo": t("There is a typing mistake in that code: check each character against "
                  "your badge."),
        "old_code": t("That code is from an older badge and cannot be used on a phone. "
                      "Ask at the desk for a new badge."),
        "not_open": t("This question is not open for voting."),
        "closed": t("Voting on this question has closed."),
        "already_voted": t("You have already voted on this question. Your first vote counts."),
        "paper": t("You were given a paper ballot for this vote, so please vote on paper."),
        "invalid": t("This answer does not follow the rules of the question:") + " "
        + exc.message,
        "hand_waiting": t("Your hand is already raised."),
        "hand_gone": t("Your hand is no longer raised."),
        "no_panel": t("There is no expert panel yet."),
        "not_entitled": t("You are not among the people voting in this round."),
    }
    return texts.get(exc.reason, exc.message)


class _JustCast:
    """Ballots cast a moment ago, held in memory (never in the event file) until the voter's
    phone, following the redirect after its vote, shows the receipt: once, then forgotten."""

    LIMIT = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[int, int, int], PhoneVote] = OrderedDict()

    def put(self, key: tuple[int, int, int], vote: PhoneVote) -> None:
        with self._lock:
            self._items[key] = vote
            self._items.move_to_end(key)
            while len(self._items) > self.LIMIT:
                self._items.popitem(last=False)

    def take(self, key: tuple[int, int, int]) -> PhoneVote | None:
        with self._lock:
            return self._items.pop(key, None)


class PhoneApp:
    """The WSGI callable. ``on_changes`` is called (on the server thread) after each write."""

    def __init__(self, store: EventStore, *, on_changes: Callable[[Changes], None] | None = None,
                 limits: Limits | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.on_changes = on_changes or (lambda _changes: None)
        limits = limits or Limits()
        self.tokens = TokenIndex(store, monotonic)
        self.form_keys = FormKeys()
        self._requests = RateLimiter(limits.requests_per_second, limits.request_burst,
                                     monotonic=monotonic)
        self._guesses = GuessBudget(limits.failures_per_second, limits.failure_burst,
                                    limits.global_failures_per_second,
                                    limits.global_failure_burst, monotonic=monotonic)
        self._static = {name: resource_path("web", name).read_bytes() for name in STATIC}
        self._just_cast = _JustCast()
        self._monotonic = monotonic
        self._counted: dict[int, tuple[int, float, RoundResults]] = {}
        self._counted_lock = threading.Lock()

    # -- WSGI ----------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse
                 ) -> Iterable[bytes]:
        t = translation("en")
        try:
            t = translation(self._browser_language(environ))
            status, headers, body = self._handle(environ)
        except _Reply as reply:
            status, headers = reply.status, reply.headers
            body = pages.page(t, pages.esc(_REASONS.get(status, "")),
                              reply.body or pages.error_body(t, status))
        except Exception:  # a bug: log it, answer 500, keep serving
            log.exception("phone page failed: %s %s", environ.get("REQUEST_METHOD"),
                          environ.get("PATH_INFO"))
            status, headers = 500, []
            body = pages.page(t, "500", pages.error_body(t, 500))
        content_type = next((v for k, v in headers if k == "Content-Type"),
                            "text/html; charset=utf-8")
        out = [("Content-Type", content_type), ("Content-Length", str(len(body))),
               ("Cache-Control", "no-store" if not environ.get("PATH_INFO", "").startswith(
                   "/static/") else "max-age=3600"),
               *[(k, v) for k, v in headers if k != "Content-Type"], *_SECURITY_HEADERS]
        start_response(f"{status} {_REASONS.get(status, 'Error')}", out)
        return [body]

    def _browser_language(self, environ: Mapping[str, Any]) -> str:
        query = dict(parse_qsl(str(environ.get("QUERY_STRING", ""))[:200]))
        return pick(query.get("lang"),
                    from_accept_language(str(environ.get("HTTP_ACCEPT_LANGUAGE", ""))[:200]))

    def _handle(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        client = client_key(str(environ.get("REMOTE_ADDR", "?")))
        if not self._requests.allow(client):
            raise _Reply(429, headers=[("Retry-After", "5")])
        method = str(environ.get("REQUEST_METHOD", ""))
        path = str(environ.get("PATH_INFO", ""))
        if len(path) > MAX_PATH or len(str(environ.get("QUERY_STRING", ""))) > MAX_PATH:
            raise _Reply(400)
        if method not in ("GET", "HEAD", "POST"):
            raise _Reply(405, headers=[("Allow", "GET, POST")])
        if path == "/healthz":
            body = json.dumps({"ok": True}).encode()
            return 200, [("Content-Type", "application/json")], body
        if path.startswith("/static/"):
            name = path.removeprefix("/static/")
            if name not in STATIC or method == "POST":
                raise _Reply(404)
            return 200, [("Content-Type", STATIC[name])], self._static[name]
        form = self._form(environ) if method == "POST" else {}
        t = translation(self._browser_language(environ))
        if path == "/":
            if method == "POST":
                raise _Reply(405)
            chosen = dict(parse_qsl(str(environ.get("QUERY_STRING", ""))[:200])).get("lang", "")
            return self._html(t, t("Vote on your phone"), pages.join_body(t, chosen=chosen),
                              lang_form=pages.language_form(t, "/", None))
        if path == "/join":
            if method != "POST":
                return 303, [("Location", "/")], b""
            return self._join(environ, t, form, client)
        match = _TOKEN_PATH.match(path)
        if match is None:
            raise _Reply(404)
        token, rest = match.group(1), match.group(2) or ""
        pid = self.tokens.lookup(token)
        if pid is None:
            self._failed(client)
            raise _Reply(403)
        return self._participant(environ, method, form, token, pid, rest.rstrip("/"))

    def _failed(self, client: str) -> None:
        """A wrong token: a guess charged to the client and to everyone (slow guessing)."""
        if not self._guesses.take(client):
            raise _Reply(429, headers=[("Retry-After", "60")])

    def _form(self, environ: dict[str, Any]) -> dict[str, str]:
        """A small urlencoded form from one of our pages; else a 4xx."""
        site = str(environ.get("HTTP_SEC_FETCH_SITE", ""))
        if site and site not in ("same-origin", "none"):
            raise _Reply(403)
        origin = str(environ.get("HTTP_ORIGIN", ""))
        if origin and origin != "null":
            host = str(environ.get("HTTP_HOST", ""))
            if urlsplit(origin).netloc != host:
                raise _Reply(403)
        kind = str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise _Reply(415)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError as exc:
            raise _Reply(400) from exc
        if length < 0:
            raise _Reply(400)
        if length > MAX_BODY:
            raise _Reply(413)
        raw = environ["wsgi.input"].read(length) if length else b""
        if len(raw) != length:
            raise _Reply(400)
        try:
            pairs = parse_qsl(raw.decode("utf-8", errors="strict"), keep_blank_values=True,
                              strict_parsing=bool(raw), max_num_fields=200,
                              errors="strict")
        except (UnicodeDecodeError, ValueError) as exc:
            raise _Reply(400) from exc
        form: dict[str, str] = {}
        for key, value in pairs:
            if key in form or "\x00" in value:
                raise _Reply(400)
            form[key] = value
        return form

    def _html(self, t: PageText, title: str, body: str, *, status: int = 200,
              lang_form: str = "", home: str = "") -> tuple[int, list[tuple[str, str]], bytes]:
        return status, [], pages.page(t, title, body, event=self.store.name, home=home,
                                      lang_form=lang_form)

    def _write(self, changes: Changes) -> None:
        try:
            self.on_changes(changes)
        except Exception:  # the GUI side must never break the server
            log.exception("could not pass phone changes on")

    # -- join ----------------------------------------------------------------------------------

    def _join(self, environ: dict[str, Any], t: PageText, form: Mapping[str, str],
              client: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """A badge code typed on the join page. A typo, an old short code or a wrong length is
        answered from the code alone (costs no guess); a well-formed code is looked up only
        if the client and everyone still have a guess left (see ``GuessBudget``)."""
        typed = form.get("code", "")[:40]
        chosen = form.get("lang", "")
        if chosen not in LANGUAGES:
            chosen = ""
        else:  # picked on the join page: kept on every page after it
            t = translation(chosen)

        def again(message: str, status: int, headers: list[tuple[str, str]] | None = None
                  ) -> tuple[int, list[tuple[str, str]], bytes]:
            reply = self._html(t, t("Vote on your phone"),
                               pages.join_body(t, message, typed, chosen=chosen),
                               status=status, lang_form=pages.language_form(t, "/", None))
            return reply[0], [*reply[1], *(headers or [])], reply[2]

        verdict = codes.check_badge_code(codes.normalise(typed))
        if verdict == "typo":
            return again(t("There is a typing mistake in that code: check each character "
                           "against your badge."), 400)
        if verdict == "old":
            return again(t("That code is from an older badge and cannot be used on a phone. "
                           "Ask at the desk for a new badge."), 400)
        if verdict != "ok":
            return again(t("A badge code has 12 letters and digits, like K7QM-2X4A-B9CD. "
                           "Check it and try again."), 400)
        if not self._guesses.take(client):
            return again(t("Too many wrong codes were tried just now. Wait a minute and try "
                           "again, or ask at the desk."), 429, [("Retry-After", "60")])
        try:
            person = queries.join(self.store, typed)
        except LanError as exc:
            if exc.reason != "bad_code":  # a real badge (revoked, not checked in): no miss
                self._guesses.refund(client)
            return again(reason_text(t, exc), 403 if exc.reason != "bad_code" else 400)
        self._guesses.refund(client)
        if chosen:
            self._write(ops.set_language(self.store, person.id, chosen, actor=PHONE))
        return 303, [("Location", f"/v/{person.token}")], b""

    # -- a participant's pages -----------------------------------------------------------------

    def _participant(self, environ: dict[str, Any], method: str, form: Mapping[str, str],
                     token: str, pid: int, rest: str) -> tuple[int, list[tuple[str, str]], bytes]:
        base = f"/v/{token}"
        try:
            person = queries.voter(self.store, pid)
        except LanError as exc:
            t = translation(self._browser_language(environ))
            raise _Reply(403, f"<h1>{pages.esc(reason_text(t, exc))}</h1>") from exc
        t = translation(pick(queries.language_of(self.store, person),
                             self._browser_language(environ)))
        key = self.form_keys.key(token)
        if method == "POST" and not self.form_keys.check(token, form.get("k", "")):
            raise _Reply(403)
        lang_form = pages.language_form(t, f"{base}/lang", key)
        parts = rest.split("/")[1:] if rest else []
        if not parts:
            if method == "POST":
                raise _Reply(405)
            return self._home(t, person, base, key, lang_form)
        head = parts[0]
        if head == "lang" and method == "POST" and len(parts) == 1:
            chosen = form.get("lang", "")
            if chosen not in LANGUAGES:
                raise _Reply(400)
            ops.set_language(self.store, pid, chosen, actor=PHONE)
            return 303, [("Location", base)], b""
        if head == "q" and len(parts) == 3 and all(p.isascii() and p.isdigit() and len(p) < 7
                                                      for p in parts[1:]):
            return self._question(t, person, base, key, lang_form, int(parts[1]),
                                  int(parts[2]), method, form, environ)
        if head == "ask" and len(parts) == 1:
            sent = "sent=1" in str(environ.get("QUERY_STRING", ""))
            return self._ask(t, person, base, key, lang_form, method, form,
                             notice=t("Thank you. Your question was sent.") if sent else "")
        number = parts[1] if len(parts) == 2 else ""
        if head == "upvote" and number.isascii() and number.isdigit() and len(number) < 10:
            if method != "POST":
                raise _Reply(405)
            return self._upvote(t, person, base, key, lang_form, int(parts[1]))
        if head == "hand" and method == "POST" and (
                len(parts) == 1 or (len(parts) == 2 and parts[1] == "lower")):
            try:
                changes = (ops.raise_hand(self.store, pid, actor=PHONE) if len(parts) == 1
                           else ops.lower_hand(self.store, pid, actor=PHONE))
            except LanError as exc:
                return self._home(t, person, base, key, lang_form, error=reason_text(t, exc))
            self._write(changes)
            return 303, [("Location", base)], b""
        sub_app = _SUB_APPS.get(head)
        if sub_app is not None:
            reply = sub_app.route(
                self.store, t, person, base, key, parts[1:], method, form,
                str(environ.get("QUERY_STRING", ""))[:200],
                lambda title, body, status: self._html(t, title, body, status=status,
                                                       lang_form=lang_form, home=base),
                self._write)
            if reply is not None:
                return reply
        raise _Reply(404)

    def _home(self, t: PageText, person: Participant, base: str, key: str, lang_form: str, *,
              error: str = "") -> tuple[int, list[tuple[str, str]], bytes]:
        items = [(q, queries.has_voted(self.store, person.id, q.round_id, q.index))
                 for q in queries.phone_questions(self.store)]
        body = pages.home_body(t, person.name, base, key, items,
                               queries.waiting_hand(self.store, person.id) is not None)
        body = lan_polls.home_block(t, self.store, base, person) + body  # open questionnaires
        body = lan_theatre.home_block(t, self.store, base) + body  # send an idea (#15)
        if error:
            body = pages.message("error", error) + body
        return self._html(t, t("Vote on your phone"), body, lang_form=lang_form,
                          status=409 if error else 200)

    def _question(self, t: PageText, person: Participant, base: str, key: str, lang_form: str,
                  round_id: int, index: int, method: str, form: Mapping[str, str],
                  environ: Mapping[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        pq = queries.phone_question(self.store, round_id, index)
        if pq is None:
            raise _Reply(404)
        error, status, answer = "", 200, None
        if method == "POST":
            try:
                answer = pages.answer_from_form(pq.question, form)
            except pages.FormError as exc:
                raise _Reply(400) from exc
            if all(m is None for m in answer.marks) and form.get("blank") != "1":
                error = (t("Choose an answer first.") if pages.has_abstain_option(pq.question)
                         else t("Choose something first, or press “Vote blank”."))
                status = 422
            else:
                try:
                    result = ops.vote_from_phone(self.store, person.id, round_id, index,
                                                 answer, actor=PHONE)
                except LanError as exc:
                    error = reason_text(t, exc)
                    status = 422 if exc.reason == "invalid" else 409
                else:
                    self._write(result.changes)
                    self._just_cast.put((person.id, round_id, index), result.vote)
                    return 303, [("Location", f"{base}/q/{round_id}/{index}?voted=1")], b""
        settings = queries.settings(self.store)
        query = dict(parse_qsl(str(environ.get("QUERY_STRING", ""))[:200]))
        just_cast = (self._just_cast.take((person.id, round_id, index))
                     if query.get("voted") == "1" and not error else None)
        results = None
        if settings.results_live or not pq.is_open:
            results = self._results(round_id, index)
        body = pages.question_body(
            t, base, key, pq, voted=queries.has_voted(self.store, person.id, round_id, index),
            vote=queries.my_vote(self.store, person.id, round_id, index),
            allow_change=settings.allow_change, error=error, just_cast=just_cast,
            results=results, answer=answer)
        return self._html(t, pq.question.text[:60], body, status=status, lang_form=lang_form,
                          home=base)

    def _results(self, round_id: int, index: int) -> pages.PhoneResults:
        """The figures of the Results page and the result sheet, from the same count.

        The count is kept until the event changes (every change writes the audit log); while
        votes pour in with live results on, it is redone at most every ``RECOUNT_SECONDS``,
        so 500 phones do not mean 500 recounts ("Results so far" lags a second at most)."""
        row = self.store.query_one("SELECT max(id) AS n FROM audit_log")
        version = int(row["n"]) if row is not None and row["n"] is not None else 0
        now = self._monotonic()
        with self._counted_lock:
            kept = self._counted.get(round_id)
        if kept is not None and (kept[0] == version or now - kept[1] < RECOUNT_SECONDS):
            results = kept[2]
        else:
            results = count_round(self.store, round_id)
            with self._counted_lock:
                self._counted[round_id] = (version, now, results)
        result = results.questions[index]
        return pages.PhoneResults(option_figures(result), result.turnout.voted)

    # -- Q&A -----------------------------------------------------------------------------------

    def _qa_list(self, person: Participant) -> tuple[int | None, list[tuple[int, str, int, bool]]]:
        panel = latest_panel_id(self.store)
        if panel is None:
            return None, []
        mine = supported_by(self.store, person.id)
        shown = [(q.id, q.text, q.votes, q.id in mine) for q in questions(self.store, panel)
                 if q.merged_into is None and q.status in ("approved", "now")]
        return panel, shown

    def _ask(self, t: PageText, person: Participant, base: str, key: str, lang_form: str,
             method: str, form: Mapping[str, str], *, notice: str = "", error: str = "",
             ) -> tuple[int, list[tuple[str, str]], bytes]:
        panel, shown = self._qa_list(person)
        text, status = "", 200
        if method == "POST":
            text = " ".join(form.get("text", "").split())
            if panel is None:
                error, status = t("There is no expert panel yet."), 409
            elif not text or len(text) > MAX_QUESTION_CHARS:
                error, status = t("Write a question of at most 500 characters."), 422
            else:
                try:
                    changes = add_question(self.store, panel, _(PHONE_TABLE), text,
                                           asker_id=person.id, source="phone",
                                           actor=PHONE).changes
                except UserError as exc:
                    error, status = exc.message, 409
                else:
                    self._write(changes | PHONES)
                    return 303, [("Location", f"{base}/ask?sent=1")], b""
        body = pages.ask_body(t, base, key, shown, notice=notice, error=error,
                              text=text if error else "", panel_open=panel is not None)
        return self._html(t, t("Questions for the experts"), body, status=status,
                          lang_form=lang_form, home=base)

    def _upvote(self, t: PageText, person: Participant, base: str, key: str, lang_form: str,
                question_id: int) -> tuple[int, list[tuple[str, str]], bytes]:
        _panel, shown = self._qa_list(person)
        if question_id not in {qid for qid, *_rest in shown}:
            raise _Reply(404)
        try:
            changes = upvote(self.store, question_id, person.id, actor=PHONE)
        except UserError:
            return self._ask(t, person, base, key, lang_form, "GET", {},
                             error=t("You already support this question."))
        self._write(changes | PHONES)
        return 303, [("Location", f"{base}/ask")], b""
