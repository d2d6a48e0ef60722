"""``python -m facilitator count …`` (count a BLT or Pabulib file) and ``results …`` (an
event's results: result sheet PDF and open-data exports). Registered by
:mod:`facilitator.cli`; the GUI calls the same functions.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from facilitator.ballots.rounds import find_round, list_rounds
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.store import EventStore
from facilitator.tally.blt import read_blt
from facilitator.tally.pb import PbRule, count_pb, format_number, read_pb
from facilitator.tally.stv import StageAction, count_stv

PB_RULES = {"greedy": PbRule.GREEDY, "greedy-no-skip": PbRule.GREEDY_NO_SKIP,
            "greedy-threshold": PbRule.GREEDY_THRESHOLD, "mes": PbRule.EQUAL_SHARES_ADD1}
COUNTED_STAGES = (StageAction.FIRST_PREFERENCES, StageAction.TRANSFER_SURPLUS,
                  StageAction.EXCLUDE)


def stv_json(path: Path, seed: int | None = None) -> dict[str, Any]:
    result = count_stv(read_blt(path), seed=seed)
    names = result.candidates
    stages = []
    for stage in result.stages:
        if stage.action not in COUNTED_STAGES:
            continue
        item: dict[str, Any] = {"action": stage.action.value}
        if stage.candidate is not None:
            item["candidate"] = names[stage.candidate]
        item["votes"] = {names[c]: f"{v:.5f}" for c, v in enumerate(stage.votes)}
        item["nontransferable"] = f"{stage.non_transferable:.5f}"
        if stage.note:
            item["note"] = stage.note
        stages.append(item)
    return {"elected": list(result.elected_names), "stages": stages,
            "seed": result.seed, "lots_drawn": result.lots_drawn}


def cmd_count_stv(args: argparse.Namespace) -> int:
    data = stv_json(args.file, args.seed)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        for name in data["elected"]:
            print(name)
        if data["lots_drawn"]:
            print(_("(a tie was decided by lot; seed {seed})").format(seed=data["seed"]),
                  file=sys.stderr)
    return 0


def cmd_count_pb(args: argparse.Namespace) -> int:
    election = read_pb(args.file)
    rule: PbRule | str | None = PB_RULES[args.rule] if args.rule else None
    if rule is None and (election.rule or "").strip().lower() in PB_RULES:
        rule = PB_RULES[(election.rule or "").strip().lower()]
    result = count_pb(election, rule)
    if args.json:
        print(json.dumps({"selected": list(result.funded),
                          "spent": format_number(result.spent)}, ensure_ascii=False))
    else:
        for pid in result.funded:
            print(pid)
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    from facilitator.tally import exports
    from facilitator.tally.results import count_round, option_figures

    with EventStore.open(args.event, read_only=True) as store:
        rounds = ([find_round(store, args.round)] if args.round else
                  [r for r in list_rounds(store) if r.status != "draft"])
        if not rounds:
            raise UserError(_("This event has no ballot round with papers yet."))
        all_results = [count_round(store, r.id) for r in rounds]
    # every bad request refused here, before any file is written
    exports.check_request(all_results, args.question, blt=bool(args.blt), pb=bool(args.pb),
                          targets=[args.pdf, args.csv, args.json, args.blt, args.pb])
    wrote = False
    if args.pdf:
        from facilitator.reports.results import write_result_sheet

        questions = None if args.question is None else [args.question - 1]
        write_result_sheet(args.pdf, all_results, page_size=args.page_size,
                           questions=questions)
        print(_("Wrote the result sheet to {path}.").format(path=args.pdf))
        wrote = True
    first = all_results[0]
    for target, make in ((args.csv, exports.ballots_csv), (args.json, exports.ballots_json)):
        if target:
            target.write_text(make(first), encoding="utf-8")
            print(_("Wrote {path}.").format(path=target))
            wrote = True
    for target, make_q in ((args.blt, exports.question_blt), (args.pb, exports.question_pb)):
        if target:
            if args.question is None:
                raise UserError(_("Say which question with --question N."))
            target.write_text(make_q(first, args.question - 1), encoding="utf-8")
            print(_("Wrote {path}.").format(path=target))
            wrote = True
    if not wrote:
        for results in all_results:
            print(f"{results.round.id}. {results.round.title}  "
                  f"[{_('fingerprint')} {results.fingerprint[:16]}…]")
            for r in results.questions:
                print(f"  {r.index + 1}. {r.question.text}")
                print(f"     {r.count.verdict}")
                print(f"     {r.turnout.counted_text()}")  # the same figures as every page
                for figure in option_figures(r):
                    share = f" ({figure.share})" if figure.share else ""
                    print(f"       {figure.label}: {figure.figure}{share}")
    return 0


def add_count_commands(sub: Any) -> None:
    """Add ``count stv|pb`` and ``results`` to the main parser's sub-parsers."""
    parser = sub.add_parser("count", help=_("count a ballot file (BLT for STV, Pabulib .pb)"))
    inner = parser.add_subparsers(dest="count_command", required=True, metavar="METHOD")
    p = inner.add_parser("stv", help=_("Scottish STV count of a BLT file"))
    p.add_argument("file", type=Path, metavar="BALLOTS.blt")
    p.add_argument("--json", action="store_true", help=_("the elected and every stage"))
    p.add_argument("--seed", type=int, help=_("seed for a lot, if a tie needs one"))
    p.set_defaults(func=cmd_count_stv)
    p = inner.add_parser("pb", help=_("participatory-budgeting count of a Pabulib file"))
    p.add_argument("file", type=Path, metavar="FILE.pb")
    p.add_argument("--rule", choices=tuple(PB_RULES),
                   help=_("default: the file's META rule (equalshares/add1 is mes)"))
    p.add_argument("--json", action="store_true", help=_("selected ids and the money spent"))
    p.set_defaults(func=cmd_count_pb)

    p = sub.add_parser("results", help=_("an event's results: result sheet PDF, exports"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--round", metavar="ROUND", help=_("the round (default: every round)"))
    p.add_argument("--question", type=int, metavar="N", help=_("one question only"))
    p.add_argument("--pdf", type=Path, metavar="PDF", help=_("write the result sheet"))
    p.add_argument("--page-size", choices=("A4", "letter"), default="A4")
    p.add_argument("--csv", type=Path, help=_("anonymised ballots as CSV"))
    p.add_argument("--json", type=Path, help=_("anonymised ballots as JSON"))
    p.add_argument("--blt", type=Path, help=_("a ranking question's ballots as BLT"))
    p.add_argument("--pb", type=Path, help=_("a budget question's ballots as Pabulib .pb"))
    p.set_defaults(func=cmd_results)
