"""Read and write BLT, the plain-text ranked-ballot format most STV software exchanges.

Layout (one item per line, blank lines ignored)::

    4 2             number of candidates, number of seats
    -3              optional: withdrawn candidates as negative numbers
    12 1 2 0        weight (identical papers), preferences..., 0
    0               end of ballots
    "Name One"      one quoted name per candidate, in ballot-paper order
    ...
    "Title"         optional election title

A ballot may start with an ``(id)`` token, which is ignored. Spaces inside a name are
collapsed to one (published files carry stray double spaces). Equal rankings (``1=2``) and
skipped rankings (``-``) are refused with a clear error rather than guessed at. Every error
names the line, so a file can be fixed by hand.
"""

from __future__ import annotations

from pathlib import Path

from facilitator.i18n import _
from facilitator.tally.errors import BltError, TallyInputError
from facilitator.tally.ranked import RankedBallot, RankedElection

MAX_CANDIDATES = 500  # the longest real STV papers hold ~400; keeps a count to a second
MAX_WEIGHT = 10**9  # identical papers on one line: more than any electorate


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _int(token: str, line: int, what: str, source: str | None, limit: int = MAX_WEIGHT) -> int:
    """A whole number between -``limit`` and ``limit``, checked before it is converted."""
    digits = token.removeprefix("-").removeprefix("+")
    if not (digits.isascii() and digits.isdigit()):
        raise BltError(
            _("expected {what}, found {token!r}").format(what=what, token=_cut(token)), line,
            source,
        )
    value = int(digits[-12:]) if len(digits.lstrip("0")) <= 12 else limit + 1
    if value > limit:
        raise BltError(
            _("{what} is too large ({token}): at most {n:,}").format(
                what=what, token=_cut(token), n=limit),
            line,
            source,
        )
    return -value if token.startswith("-") else value


def _unquote(text: str, line: int, what: str, source: str | None) -> str:
    text = text.strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    if text.startswith('"') or text.endswith('"'):
        raise BltError(
            _("the {what} has an unmatched quote: {text}").format(what=what, text=_cut(text)),
            line,
            source,
        )
    return text


def parse_blt(text: str, source: str | None = None) -> RankedElection:
    """Parse BLT text; ``source`` (a file name) is only used in error messages."""
    lines = [(n, raw.strip()) for n, raw in enumerate(text.splitlines(), start=1)]
    lines = [(n, s) for n, s in lines if s]
    if not lines:
        raise BltError(_("the file is empty"), None, source)
    pos = 0

    n, head = lines[pos]
    tokens = head.split()
    if len(tokens) != 2:
        raise BltError(_("the first line must be two numbers: candidates and seats"), n, source)
    ncand = _int(tokens[0], n, _("the number of candidates"), source, MAX_CANDIDATES)
    seats = _int(tokens[1], n, _("the number of seats"), source, MAX_CANDIDATES)
    if ncand < 1:
        raise BltError(_("there must be at least one candidate"), n, source)
    if seats < 1:
        raise BltError(_("there must be at least one seat"), n, source)
    pos += 1

    withdrawn: set[int] = set()
    if pos < len(lines) and lines[pos][1].startswith("-"):
        n, text_ = lines[pos]
        for token in text_.split():
            value = _int(token, n, _("a withdrawn candidate (a negative number)"), source,
                         MAX_CANDIDATES)
            if value >= 0 or -value > ncand:
                raise BltError(
                    _("withdrawn candidate {token} is not between -1 and -{n}").format(
                        token=token, n=ncand
                    ),
                    n,
                    source,
                )
            withdrawn.add(-value - 1)
        pos += 1

    ballots: list[RankedBallot] = []
    while True:
        if pos >= len(lines):
            raise BltError(_("the ballots must end with a line holding just 0"), None, source)
        n, text_ = lines[pos]
        pos += 1
        tokens = text_.split()
        if tokens[0].startswith("(") and tokens[0].endswith(")"):
            tokens = tokens[1:]  # ballot id, kept by some tools for audit; not needed to count
            if not tokens:
                raise BltError(_("a ballot id with no ballot after it"), n, source)
        if tokens == ["0"]:
            break
        weight = _int(tokens[0], n, _("a ballot weight (a whole number)"), source)
        if weight < 1:
            raise BltError(
                _("a ballot weight must be at least 1 (a lone 0 ends the ballots)"), n, source
            )
        if tokens[-1] != "0":
            raise BltError(_("a ballot must end with 0"), n, source)
        ranking: list[int] = []
        ranked: set[int] = set()
        for token in tokens[1:-1]:
            if "=" in token:
                raise BltError(
                    _("equal rankings ({token}) are not supported").format(token=token),
                    n,
                    source,
                )
            if token == "-":
                raise BltError(_("skipped rankings (-) are not supported"), n, source)
            cand = _int(token, n, _("a candidate number"), source, MAX_CANDIDATES)
            if not 1 <= cand <= ncand:
                raise BltError(
                    _("candidate {c} does not exist (there are {n})").format(c=cand, n=ncand),
                    n,
                    source,
                )
            if cand - 1 in ranked:
                raise BltError(
                    _("candidate {c} is ranked twice on one ballot").format(c=cand), n, source
                )
            ranking.append(cand - 1)
            ranked.add(cand - 1)
        ballots.append(RankedBallot(weight, tuple(ranking)))

    names: list[str] = []
    for i in range(ncand):
        if pos >= len(lines):
            raise BltError(
                _("{n} candidates are declared but only {k} names follow").format(n=ncand, k=i),
                None,
                source,
            )
        n, text_ = lines[pos]
        pos += 1
        # runs of spaces inside quotes are typing slips, not part of a name
        name = " ".join(_unquote(text_, n, _("candidate name"), source).split())
        if not name:
            raise BltError(_("a candidate name is empty"), n, source)
        names.append(name)

    title = ""
    if pos < len(lines):
        n, text_ = lines[pos]
        title = " ".join(_unquote(text_, n, _("title"), source).split())
        pos += 1
    if pos < len(lines):
        raise BltError(_("unexpected text after the title"), lines[pos][0], source)

    try:
        return RankedElection(tuple(names), seats, tuple(ballots), frozenset(withdrawn), title)
    except BltError:
        raise
    except TallyInputError as exc:
        raise BltError(exc.problem, 1, source) from None


def read_blt(path: str | Path) -> RankedElection:
    """Read a BLT file (UTF-8, with or without a byte-order mark)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BltError(_("the file is not UTF-8 text"), None, path.name) from None
    except OSError as exc:
        raise BltError(_("the file cannot be read ({error})").format(
            error=exc.strerror or exc), None, path.name) from None
    return parse_blt(text, source=path.name)


def format_blt(election: RankedElection) -> str:
    """The BLT text for ``election``; ``parse_blt`` reads it back to an equal value."""
    for name in (*election.candidates, election.title):
        if '"' in name or "\n" in name:
            raise BltError(
                _(
                    "a name or title holding a double quote or line break cannot be written "
                    "to BLT: {name!r}"
                ).format(name=name)
            )
    out = [f"{len(election.candidates)} {election.seats}"]
    if election.withdrawn:
        out.append(" ".join(str(-(c + 1)) for c in sorted(election.withdrawn)))
    for ballot in election.ballots:
        if ballot.count == 0:
            continue
        out.append(" ".join([str(ballot.count), *(str(c + 1) for c in ballot.ranking), "0"]))
    out.append("0")
    out.extend(f'"{name}"' for name in election.candidates)
    out.append(f'"{election.title}"')
    return "\n".join(out) + "\n"


def write_blt(election: RankedElection, path: str | Path) -> None:
    """Write ``election`` as a BLT file."""
    Path(path).write_text(format_blt(election), encoding="utf-8")
