"""``python -m facilitator count stv|pb FILE``: count a BLT or Pabulib ballot file.

It reads files only, never an event (an event's results: :mod:`facilitator.results.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from facilitator.i18n import _
from facilitator.tally.blt import read_blt
from facilitator.tally.meek import count_meek
from facilitator.tally.pb import PbRule, count_pb, format_number, read_pb
from facilitator.tally.stv import StageAction, count_stv

PB_RULES = {"greedy": PbRule.GREEDY, "greedy-no-skip": PbRule.GREEDY_NO_SKIP,
            "greedy-threshold": PbRule.GREEDY_THRESHOLD,
            "greedy-exclusive": PbRule.GREEDY_EXCLUSIVE, "greedy-custom": PbRule.GREEDY_CUSTOM,
            "mes": PbRule.EQUAL_SHARES_ADD1,
            "mes-comparison": PbRule.EQUAL_SHARES_ADD1_COMPARISON}
COUNTED_STAGES = (StageAction.FIRST_PREFERENCES, StageAction.TRANSFER_SURPLUS,
                  StageAction.EXCLUDE)


def stv_json(path: Path, seed: int | None = None, method: str = "scottish"
             ) -> dict[str, Any]:
    election = read_blt(path)
    result = count_meek(election) if method == "meek" else count_stv(election, seed=seed)
    names = result.candidates
    stages = []
    for stage in result.stages:
        if stage.action not in COUNTED_STAGES:
            continue
        item: dict[str, Any] = {"action": stage.action.value}
        if stage.candidate is not None:
            item["candidate"] = names[stage.candidate]
        places = 9 if method == "meek" else 5
        item["votes"] = {names[c]: f"{v:.{places}f}" for c, v in enumerate(stage.votes)}
        item["nontransferable"] = f"{stage.non_transferable:.{places}f}"
        if stage.note:
            item["note"] = stage.note
        stages.append(item)
    return {"elected": list(result.elected_names), "stages": stages,
            "seed": result.seed, "lots_drawn": result.lots_drawn}


def cmd_count_stv(args: argparse.Namespace) -> int:
    data = stv_json(args.file, args.seed, args.method)
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
    election = read_pb(args.file, strict=args.strict)
    for warning in election.warnings:
        print(warning, file=sys.stderr)
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


def add_count_commands(sub: Any) -> None:
    """Register ``count stv|pb`` on the top-level parser's subcommands."""
    parser = sub.add_parser("count", help=_("count a ballot file (BLT for STV, Pabulib .pb)"))
    inner = parser.add_subparsers(dest="count_command", required=True, metavar="METHOD")
    p = inner.add_parser("stv", help=_("STV count of a BLT file (Scottish or Meek)"))
    p.add_argument("file", type=Path, metavar="BALLOTS.blt")
    p.add_argument("--json", action="store_true", help=_("the elected and every stage"))
    p.add_argument("--seed", type=int, help=_("seed for a lot, if a tie needs one"))
    p.add_argument("--method", choices=("scottish", "meek"), default="scottish",
                   help=_("Scottish STV (the default) or Meek STV"))
    p.set_defaults(func=cmd_count_stv)
    p = inner.add_parser("pb", help=_("participatory-budgeting count of a Pabulib file"))
    p.add_argument("file", type=Path, metavar="FILE.pb")
    p.add_argument("--rule", choices=tuple(PB_RULES),
                   help=_("default: the file's META rule (equalshares/add1 is mes)"))
    p.add_argument("--json", action="store_true", help=_("selected ids and the money spent"))
    p.add_argument("--strict", action="store_true",
                   help=_("refuse a file where a vote names the same project twice "
                          "(default: count it once and say so)"))
    p.set_defaults(func=cmd_count_pb)

