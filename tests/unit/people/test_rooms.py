"""The people package has the rooms of every subsystem (ARCHITECTURE.md): ops that name their
actor on every audit entry and return a result carrying ``.changes`` (never a tuple), queries
that never write, a pure model, and no private name used from another package."""

from __future__ import annotations

import ast
import dataclasses
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from facilitator.changes import Changes, HasChanges, changes_of
from facilitator.clock import FakeClock
from facilitator.people import ops, queries
from facilitator.people.importer import parse_people
from facilitator.people.model import AttendanceError, ImportReport, ParticipantResult
from facilitator.store import EventStore

ROOT = Path(__file__).resolve().parents[3]
ACTOR = "desk 2"
PEOPLE_ACTIONS = {
    "import", "import_add", "import_change", "import_remove", "import_restore", "check_in",
    "undo_check_in", "no_show", "clear_no_show", "add_walk_in",
}


def write_list(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(["ID,Name,Area", *rows]) + "\n", encoding="utf-8")
    return path


def every_op(store: EventStore, tmp_path: Path, clock: FakeClock) -> None:
    """Call every op of the package, as ``ACTOR``: three imports (add, change and remove,
    restore), each attendance op and a walk-in."""
    first = write_list(tmp_path / "v1.csv", ["1,Ann,North", "2,Bob,South", "3,Cy,North"])
    ops.import_people(store, parse_people(first), actor=ACTOR)
    second = write_list(tmp_path / "v2.csv", ["1,Ann,South", "2,Bob,South"])
    clock.advance(1)
    ops.import_people(store, parse_people(second), actor=ACTOR)
    clock.advance(1)
    ops.import_people(store, parse_people(first), actor=ACTOR)
    ann, bob = (queries.find_by_scan(store, ext_id).id for ext_id in ("1", "2"))
    ops.check_in(store, ann, via="scan", actor=ACTOR)
    ops.undo_check_in(store, ann, actor=ACTOR)
    ops.mark_no_show(store, bob, actor=ACTOR)
    ops.clear_no_show(store, bob, actor=ACTOR)
    ops.add_walk_in(store, "Lou", {"Area": "North"}, actor=ACTOR)


def test_every_audit_entry_names_the_actor(store: EventStore, tmp_path: Path,
                                           clock: FakeClock) -> None:
    """The entries for each person an import adds, changes, removes or restores too (they
    were written without an actor before)."""
    every_op(store, tmp_path, clock)
    rows = store.query("SELECT action, actor FROM audit_log "
                       "WHERE object_type IN ('participant', 'participant_list')")
    assert {r["action"] for r in rows} == PEOPLE_ACTIONS
    assert {r["actor"] for r in rows} == {ACTOR}


def test_every_op_takes_a_keyword_only_actor() -> None:
    public = [f for name, f in vars(ops).items() if inspect.isfunction(f)
              and f.__module__ == ops.__name__ and not name.startswith("_")]
    assert {f.__name__ for f in public} == {
        "check_in", "undo_check_in", "mark_no_show", "clear_no_show", "add_walk_in",
        "import_people", "edit_participant", "remove_participant", "restore_participant",
        "set_badge_link"}
    for function in public:
        actor = inspect.signature(function).parameters.get("actor")
        assert actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY, \
            function.__name__
        assert actor.default is inspect.Parameter.empty, function.__name__


def test_ops_return_frozen_results_with_their_changes(store: EventStore,
                                                      tmp_path: Path) -> None:
    listed = write_list(tmp_path / "v1.csv", ["1,Ann,North"])
    report = ops.import_people(store, parse_people(listed), actor=ACTOR)
    pid = queries.find_by_scan(store, "1").id
    checked = ops.check_in(store, pid, actor=ACTOR)
    walk_in = ops.add_walk_in(store, "Dee", check_in_now=False, actor=ACTOR)
    assert isinstance(report, ImportReport)
    assert changes_of(report) == Changes(participants=True, event=True)
    assert changes_of(checked) == Changes(attendance=True, participant_ids=frozenset({pid}))
    assert changes_of(walk_in) == Changes(participants=True,
                                          participant_ids=frozenset({walk_in.participant.id}))
    for result in (report, checked, walk_in):
        assert not isinstance(result, tuple)
        assert isinstance(result, HasChanges) and dataclasses.is_dataclass(result)
        assert dataclasses.fields(result)[0].name == "changes"  # the one shape
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.changes = Changes()  # type: ignore[misc]
    assert isinstance(checked, ParticipantResult) and checked.participant.present


def test_queries_never_write(store: EventStore, tmp_path: Path, clock: FakeClock,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    every_op(store, tmp_path, clock)
    before = store.query("SELECT count(*) AS n FROM audit_log")[0]["n"]

    @contextmanager
    def no_writes() -> Iterator[None]:
        raise AssertionError("a query opened a write transaction")
        yield

    monkeypatch.setattr(store, "transaction", no_writes)
    everyone = queries.list_participants(store, include_removed=True)
    assert len(everyone) == 4 and len(queries.list_participants(store)) == 4
    assert queries.get(store, everyone[0].id).name == "Ann"
    assert queries.attribute_columns(store) == ["Area"]
    # "lou": badge codes never hold L, O or U (Crockford), so no random code can match.
    assert [p.name for p in queries.search(store, "lou")] == ["Lou"]
    assert queries.find_by_scan(store, everyone[1].badge_code).name == "Bob"
    summary = queries.attendance_summary(store, "Area")
    assert (summary.present, summary.total) == (1, 4)
    assert store.query("SELECT count(*) AS n FROM audit_log")[0]["n"] == before


def test_a_refused_op_changes_nothing(store: EventStore, tmp_path: Path) -> None:
    ops.import_people(store, parse_people(write_list(tmp_path / "a.csv", ["1,Ann,North"])),
                      actor=ACTOR)
    pid = queries.find_by_scan(store, "1").id
    ops.check_in(store, pid, actor=ACTOR)
    before = store.query("SELECT count(*) AS n FROM audit_log")[0]["n"]
    with pytest.raises(AttendanceError, match="already checked in"):
        ops.check_in(store, pid, actor=ACTOR)
    with pytest.raises(AttendanceError, match="undo the check-in first"):
        ops.mark_no_show(store, pid, actor=ACTOR)
    assert store.query("SELECT count(*) AS n FROM audit_log")[0]["n"] == before


# -- what may import what ------------------------------------------------------------------------


def imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every ``from module import name`` in ``path``, nested ones too;
    ``from facilitator.people import ops`` counts as module ``facilitator.people.ops``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = [(node.module or "", alias.name) for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) for alias in node.names]
    return [(f"{module}.{name}", "") if module == "facilitator.people" and name in
            ("model", "importer", "queries", "ops", "cli") else (module, name)
            for module, name in found]


def test_no_private_people_name_is_used_outside_the_package() -> None:
    """``lan/votes.py`` imported ``people.roster._search_key``; it is public now."""
    sources = [p for folder in ("facilitator", "ui") for p in (ROOT / folder).rglob("*.py")
               if "people" not in p.relative_to(ROOT).parts[:2]]
    found = [f"{path.relative_to(ROOT)}: {module}.{name}" for path in sources
             for module, name in imports(path)
             if module.startswith("facilitator.people") and name.startswith("_")]
    assert found == []


def test_the_rooms_import_downwards_only() -> None:
    """model and the importer know no store; queries never import ops; ops never the cli."""
    core = ROOT / "facilitator" / "people"
    below = {
        "model.py": {"facilitator.people.importer", "facilitator.people.queries",
                     "facilitator.people.ops", "facilitator.people.cli", "facilitator.store"},
        "importer.py": {"facilitator.people.queries", "facilitator.people.ops",
                        "facilitator.people.cli", "facilitator.store"},
        "queries.py": {"facilitator.people.ops", "facilitator.people.cli"},
        "ops.py": {"facilitator.people.cli"},
    }
    for name, forbidden in below.items():
        used = {module for module, _name in imports(core / name)}
        assert not {m for m in used for f in forbidden if m == f or m.startswith(f + ".")}, name
    assert not (core / "roster.py").exists()


def test_the_command_line_commands_live_in_people_cli() -> None:
    from facilitator import cli
    from facilitator.people import cli as people_cli

    for name in ("cmd_import", "cmd_people", "cmd_check_in"):
        assert not hasattr(cli, name) and hasattr(people_cli, name)
    commands = cli.build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for command in ("import", "people", "check-in"):
        assert commands[command].get_default("func").__module__ == people_cli.__name__
