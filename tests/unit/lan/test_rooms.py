"""Phone voting has the rooms of every subsystem (ARCHITECTURE.md): ops that take a
keyword-only actor, name it in the audit log and return what changed (never a tuple);
queries that never write; no private name used from another package; and nothing below it
(ballots, results, the store) importing it, not even inside a function."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from facilitator import lan
from facilitator.ballots import Answer, BallotRound, phone_ballots
from facilitator.changes import changes_of
from facilitator.lan import ops, queries
from facilitator.lan.app import PhoneApp
from facilitator.lan.model import PHONE, BadgeReissued, LanSettings
from facilitator.qa.ops import add_question, approve, create_panel, upvote
from facilitator.qa.queries import supported_by
from facilitator.store import EventStore

from .conftest import present
from .test_phone_secrecy import call

ROOT = Path(__file__).resolve().parents[3]
DESK = "desk 2"


def test_every_op_takes_its_actor_by_keyword_and_returns_what_changed() -> None:
    found = {name: f for name, f in vars(ops).items()
             if inspect.isfunction(f) and f.__module__ == ops.__name__ and
             not name.startswith("_")}
    assert set(found) == {
        "save_settings", "open_question", "close_question", "cast_vote", "vote_from_phone",
        "revoke", "reissue", "set_language", "raise_hand", "lower_hand", "approve_hand",
        "dismiss_hand"}
    for name, function in found.items():
        parameters = inspect.signature(function).parameters
        actor = parameters.get("actor")
        assert actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert actor.default is inspect.Parameter.empty and actor.annotation == "str", name
        assert "operator" not in parameters, name
        returned = inspect.signature(function).return_annotation
        assert returned in ("Changes", "VoteResult", "BadgeReissued"), name


def every_op(demo: EventStore, phone_round: BallotRound) -> tuple[int, int]:
    """Call every op as the desk (:data:`DESK`) or the phone; returns the two voters."""
    first, second = present(demo)[:2]
    ops.save_settings(demo, LanSettings(allow_change=True), actor=DESK)
    ops.open_question(demo, phone_round.id, 0, actor=DESK)
    q = phone_round.questions[0]
    ops.cast_vote(demo, first.id, phone_round.id, 0, Answer.choose(q, 0), actor=PHONE)
    ops.vote_from_phone(demo, second.id, phone_round.id, 0, Answer.choose(q, 1), actor=PHONE)
    ops.cast_vote(demo, first.id, phone_round.id, 0, Answer.choose(q, 1), actor=PHONE)
    ops.close_question(demo, phone_round.id, 0, actor=DESK)
    ops.set_language(demo, first.id, "cy", actor=PHONE)
    ops.raise_hand(demo, first.id, actor=PHONE)
    ops.lower_hand(demo, first.id, actor=PHONE)
    ops.raise_hand(demo, first.id, actor=PHONE)
    ops.raise_hand(demo, second.id, actor=PHONE)
    hands = queries.hands(demo)
    ops.approve_hand(demo, hands[0].id, actor=DESK)
    ops.dismiss_hand(demo, hands[1].id, actor=DESK)
    ops.revoke(demo, second.id, actor=DESK)
    result = ops.reissue(demo, second.id, actor=DESK)
    assert isinstance(result, BadgeReissued) and changes_of(result).participants
    assert result.participant.badge_code != second.badge_code
    return first.id, second.id


def test_every_audit_entry_names_its_actor_and_a_vote_never_its_voter(
        demo: EventStore, phone_round: BallotRound) -> None:
    """The desk's changes name the desk; what a person does on their phone names the phone
    (they named no one, or "app", before). A vote's entry names the channel, not the voter."""
    first, second = every_op(demo, phone_round)
    rows = demo.query("SELECT action, object_id, new, actor FROM audit_log "
                      "WHERE action LIKE 'lan_%' ORDER BY id")
    actors = {r["action"]: r["actor"] for r in rows}
    assert actors == {
        "lan_settings": DESK, "lan_open_question": DESK, "lan_vote": PHONE,
        "lan_close_question": DESK, "lan_raise_hand": PHONE, "lan_hand_withdrawn": PHONE,
        "lan_hand_approved": DESK, "lan_hand_dismissed": DESK, "lan_revoke": DESK,
        "lan_reissue": DESK}
    queued = demo.query_one("SELECT actor FROM audit_log WHERE action = 'enqueue'")
    assert queued is not None and queued["actor"] == DESK
    for row in rows:
        if row["action"] == "lan_vote":
            assert row["object_id"] == str(phone_round.id)
            assert str(first) not in row["new"] and str(second) not in row["new"]
    # The language a person picks leaves no entry (it would say when they were on their phone).
    assert "lan_language" not in actors and queries.language_of(
        demo, queries.voter(demo, first)) == "cy"


def test_every_query_reads_a_snapshot_that_cannot_be_written(
        demo: EventStore, phone_round: BallotRound) -> None:
    first, second = every_op(demo, phone_round)
    ops.save_settings(demo, LanSettings(allow_change=True), actor=DESK)
    ops.open_question(demo, phone_round.id, 1, actor=DESK)
    ops.cast_vote(demo, first, phone_round.id, 1, Answer.choose(phone_round.questions[1], 0),
                  actor=PHONE)
    ops.raise_hand(demo, second, actor=PHONE)
    code = queries.voter(demo, second).badge_code
    path = demo.path
    audit = demo.query_one("SELECT count(*) AS n FROM audit_log")
    demo.close()
    with EventStore.open(path, read_only=True) as snapshot:
        hand = queries.waiting_hand(snapshot, second)
        read = {
            "settings": queries.settings(snapshot).allow_change,
            "question": queries.phone_question(snapshot, phone_round.id, 1),
            "questions": len(queries.phone_questions(snapshot)),
            "open": len(queries.phone_questions(snapshot, open_only=True)),
            "revoked": queries.is_revoked(snapshot, second),
            "voter": queries.voter(snapshot, first).id,
            "join": queries.join(snapshot, code).id,
            "voted": queries.has_voted(snapshot, first, phone_round.id, 1),
            "mine": queries.my_vote(snapshot, first, phone_round.id, 1),
            "language": queries.language_of(snapshot, queries.voter(snapshot, first)),
            "hands": [h.id for h in queries.hands(snapshot)],
            "hand": queries.hand(snapshot, hand.id) if hand else None,
        }
    assert read["settings"] and read["open"] == 1 and read["questions"] == 2
    assert read["voter"] == first and read["join"] == second and read["voted"]
    assert read["mine"] is not None and read["mine"].answer == Answer.choose(
        phone_round.questions[1], 0)
    assert read["language"] == "cy" and hand is not None and read["hands"] == [hand.id]
    with EventStore.open(path) as again:
        after = again.query_one("SELECT count(*) AS n FROM audit_log")
        assert after is not None and audit is not None and after["n"] == audit["n"]


def test_the_package_re_exports_the_rooms_public_names() -> None:
    for room in (ops, queries):
        public = {name for name, f in vars(room).items()
                  if inspect.isfunction(f) and f.__module__ == room.__name__
                  and not name.startswith("_")}
        assert public <= set(lan.__all__), public - set(lan.__all__)


def test_the_phone_ballots_are_read_by_the_ballots_subsystem(
        demo: EventStore, phone_round: BallotRound) -> None:
    """The ballot box is one, whatever the channel: ``my_vote`` is the ballot the ballots
    subsystem reads, by its receipt."""
    ops.save_settings(demo, LanSettings(allow_change=True), actor=DESK)
    ops.open_question(demo, phone_round.id, 0, actor=DESK)
    person = present(demo)[0]
    cast = ops.cast_vote(demo, person.id, phone_round.id, 0,
                         Answer.choose(phone_round.questions[0], 1), actor=PHONE)
    assert phone_ballots(demo, phone_round.id) == [cast.vote]
    assert queries.my_vote(demo, person.id, phone_round.id, 0) == cast.vote


def test_the_q_and_a_page_marks_what_the_person_supports(demo: EventStore) -> None:
    """The phone page asks the Q&A subsystem (``supported_by``) instead of reading its
    table itself."""
    panel = create_panel(demo, "Experts", actor="test").panel_id
    asked = [add_question(demo, panel, "3", text, actor="test").question_id
             for text in ("Why not trams?", "Who pays?")]
    for qid in asked:
        approve(demo, qid, actor="test")
    person, other = present(demo)[:2]
    upvote(demo, asked[1], person.id, actor=PHONE)
    upvote(demo, asked[0], other.id, actor=PHONE)
    assert supported_by(demo, person.id) == {asked[1]}
    status, _headers, page = call(PhoneApp(demo), "GET", f"/v/{person.token}/ask")
    assert status == 200
    assert page.count("You support this") == 1, page


def _imports(path: Path) -> list[tuple[str, str, str | None]]:
    """(module, name, as-name) of every ``from … import`` in a file, inside functions too."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [(node.module or "", alias.name, alias.asname) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) for alias in node.names]


def test_no_private_name_crosses_into_the_phone_package() -> None:
    """``lan/votes.py`` imported ``search_key as _search_key`` and picked badge codes with a
    copy of the people package's private loop."""
    found = [f"{path.name}: {module}.{name} as {asname}"
             for path in (ROOT / "facilitator" / "lan").rglob("*.py")
             for module, name, asname in _imports(path)
             if module.startswith("facilitator.") and not module.startswith("facilitator.lan")
             and any(n.startswith("_") and n != "_" for n in (name, asname or ""))]
    assert found == []
    source = (ROOT / "facilitator" / "lan" / "ops.py").read_text(encoding="utf-8")
    assert "new_badge_code" not in source and "unique_badge_code" in source


def test_nothing_below_imports_the_phone_package_even_lazily() -> None:
    """``results.queries`` imported ``lan.votes`` inside a function, ``ballots.ops`` imported
    ``results`` and ``store.migrations`` imported ``lan.schema``: each an upward import."""
    below = {"ballots": ("facilitator.lan", "facilitator.results"),
             "results": ("facilitator.lan",),
             "store": ("facilitator.lan", "facilitator.ballots", "facilitator.results")}
    found = [f"{path.relative_to(ROOT)}: {module}"
             for package, banned in below.items()
             for path in (ROOT / "facilitator" / package).rglob("*.py")
             for module, _name, _asname in _imports(path)
             if any(module == b or module.startswith(b + ".") for b in banned)]
    assert found == []
