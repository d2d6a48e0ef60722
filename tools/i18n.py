#!/usr/bin/env python3
"""Translations: extract the strings, merge them into each language, compile the .mo files.

Standard library only, so it runs anywhere the app does:

    python tools/i18n.py extract    write resources/locale/facilitator.pot from the code
    python tools/i18n.py update     merge the code's strings into every
                                    <lang>/LC_MESSAGES/facilitator.po (translations kept by
                                    msgid; a reworded string gets a fuzzy guess; a string gone
                                    is kept as obsolete, #~, in case it comes back)
    python tools/i18n.py compile    write every facilitator.mo from its .po
    python tools/i18n.py fill LANG FILE.json
                                    put the translations of FILE.json ({msgid: text, or a
                                    list of plural forms}) into LANG's .po where a string
                                    has none yet or a fuzzy guess (never over a checked
                                    one), and mark the catalogue
                                    a machine draft needing native review
    python tools/i18n.py check      fail if a .mo is stale, a translation names other
                                    {placeholders} than its string, or a phone-page string
                                    is untranslated (or fuzzy) in a language the phone
                                    pages offer

The .mo files are committed (the app and the installer use them as they are); ``check``
runs in the test suite, so a .po edited without ``compile`` fails the build. Marked strings:
``_()``, ``N_()``, ``ngettext()`` everywhere, and in the phone pages (facilitator/lan) ``t()``
/ ``t.n()`` (a per-request translation, see facilitator/lan/text.py). The phone-page strings
are those of ``PHONE_SOURCES``. Fuzzy and obsolete entries never reach a .mo.
"""

from __future__ import annotations

import ast
import struct
import sys
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from string import Formatter

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"
POT = LOCALE / "facilitator.pot"
SOURCES = ("facilitator", "ui")
"""Folders scanned, whole, for marked strings."""
MARKS = ("_", "N_", "ngettext")
"""The catalogue's markers everywhere (``ngettext`` takes a singular and a plural)."""
PAGE_MARKS = ("t", "t.n")
"""The phone pages' per-request translation (facilitator/lan/text.py), marked only there."""
PHONE_SOURCES: dict[str, tuple[str, ...]] = {
    "facilitator/lan": PAGE_MARKS,
    "facilitator/ballots/questions.py": ("N_",),
    "facilitator/polls/words.py": ("N_",),  # wave names and refusals on the poll's phone page
}
"""Where the phone pages' strings are, with the markers that make one: a folder is scanned
whole (every module, however the package is split), a file is one model module. The pages
hand their ``t`` to the question model (how to vote, how it is decided: decision rules and
funding rules), which marks those strings ``N_`` and translates them with the ``tr`` given;
its ``_()`` strings (refusals) are the desk's. tests/unit/lan/test_i18n.py fails when the
pages hand ``t`` to a function defined outside these sources."""
PHONE_LANGUAGES = ("cy", "ar")
"""Languages the phone pages offer besides English: every phone string must be translated."""


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    places: list[str] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    fuzzy: bool = False
    obsolete: bool = False
    """Gone from the code: kept (``#~``) so its translation is not lost if it comes back."""
    previous: str | None = None
    """For a fuzzy guess: the msgid whose translation it is (``#| msgid``)."""

    @property
    def translated(self) -> bool:
        return bool(self.strings) and all(self.strings) and not self.fuzzy \
            and not self.obsolete


# -- extraction ----------------------------------------------------------------------------------


def _calls(tree: ast.AST, marks: tuple[str, ...]) -> list[tuple[int, str, str | None, str]]:
    """(line, msgid, plural, marker) of each marked string literal."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            f"{func.value.id}.{func.attr}" if isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name) else "")
        if name not in marks:
            continue
        args = node.args
        if name in ("ngettext", "t.n"):
            if len(args) >= 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                      for a in args[:2]):
                found.append((node.lineno, args[0].value, args[1].value,  # type: ignore[attr-defined]
                              name))
        elif isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            found.append((node.lineno, args[0].value, None, name))
    return found


def _under(rel: str, source: str) -> bool:
    return rel == source or rel.startswith(source.rstrip("/") + "/")


def missing_sources(root: Path = ROOT) -> list[str]:
    """Scanned folders and phone sources that do not exist (moved or renamed)."""
    return [s for s in (*SOURCES, *PHONE_SOURCES) if not (root / s).exists()]


def extract(phone_only: bool = False, root: Path = ROOT) -> dict[str, Message]:
    """The marked strings of the code (only the phone pages' with ``phone_only``), in the
    order of the files and lines they are first found at."""
    missing = missing_sources(root)
    if missing:
        raise SystemExit(f"tools/i18n.py: {', '.join(missing)} no longer exist: update "
                         "SOURCES or PHONE_SOURCES")
    messages: dict[str, Message] = {}
    files = sorted(f for folder in SOURCES for f in (root / folder).rglob("*.py"))
    for path in files:
        rel = path.relative_to(root).as_posix()
        marks = MARKS + (PAGE_MARKS if _under(rel, "facilitator/lan") else ())
        phone = {m for source, ms in PHONE_SOURCES.items() if _under(rel, source) for m in ms}
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:  # removed while the folders were listed
            continue
        for line, msgid, plural, mark in _calls(ast.parse(text), marks):
            if phone_only and mark not in phone:
                continue
            message = messages.setdefault(msgid, Message(msgid, plural))
            message.places.append(f"{rel}:{line}")
    return messages


# -- .po files -----------------------------------------------------------------------------------


def _quote(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\t", "\\t"))
    return f'"{escaped}"'


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def read_po(path: Path) -> tuple[str, dict[str, Message]]:
    """The header (msgstr of the empty msgid) and the messages of a .po file, obsolete
    (``#~``) ones included, flagged, each with the places (``#:``) it lists."""
    header = ""
    messages: dict[str, Message] = {}
    current: dict[str, list[str]] = {}
    key = ""
    fuzzy = obsolete = False
    previous: list[str] = []
    places: list[str] = []

    def flush() -> None:
        nonlocal header, current, fuzzy, obsolete, previous, places
        if "msgid" in current:
            msgid = "".join(current["msgid"])
            strings = [("".join(current[k])) for k in sorted(
                (k for k in current if k.startswith("msgstr")), key=lambda k: (len(k), k))]
            if msgid == "":
                header = strings[0] if strings else ""
            elif not (obsolete and msgid in messages):  # a live entry wins
                plural = "".join(current["msgid_plural"]) if "msgid_plural" in current else None
                messages[msgid] = Message(msgid, plural, places, strings, fuzzy, obsolete,
                                          "".join(previous) if previous else None)
        current, fuzzy, obsolete, previous, places = {}, False, False, [], []

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        if line.startswith("#:"):
            places += line[2:].split()
        if line.startswith("#|"):  # the msgid a fuzzy guess was translated from
            rest = line[2:].strip()
            if rest.startswith("msgid "):
                previous = [_unquote(rest[len("msgid "):])]
            elif rest.startswith('"') and previous:
                previous.append(_unquote(rest))
            continue
        if line.startswith("#~"):
            line = line[2:].strip()
            if line.startswith("msgid ") and "msgid" in current:
                flush()
            obsolete = True
        if not line or line.startswith("#"):
            if not line and current:
                flush()
            continue
        if line.startswith('"'):
            current[key].append(_unquote(line))
            continue
        word, _sep, rest = line.partition(" ")
        if word == "msgid" and "msgid" in current:
            flush()
        key = word
        current[key] = [_unquote(rest)]
    flush()
    return header, messages


def write_po(path: Path, header: str, messages: dict[str, Message], nplurals: int) -> None:
    """Live messages in the order given, then the obsolete ones (``#~``)."""
    lines = ["msgid \"\"", "msgstr \"\""]
    lines += [_quote(h + "\n") for h in header.rstrip("\n").split("\n")]
    ordered = [m for m in messages.values() if not m.obsolete] + \
        [m for m in messages.values() if m.obsolete]
    for message in ordered:
        entry = []
        if message.plural is not None:
            entry.append(f"msgid_plural {_quote(message.plural)}")
            strings = message.strings + [""] * (nplurals - len(message.strings))
            entry += [f"msgstr[{i}] {_quote(s)}" for i, s in enumerate(strings[:nplurals])]
        else:
            entry.append(f"msgstr {_quote(message.strings[0] if message.strings else '')}")
        entry.insert(0, f"msgid {_quote(message.msgid)}")
        lines.append("")
        if message.obsolete:
            if message.fuzzy:
                lines.append("#, fuzzy")
            lines += [f"#~ {e}" for e in entry]
            continue
        lines += [f"#: {p}" for p in message.places[:6]]
        if message.fuzzy:
            lines.append("#, fuzzy")
            if message.previous is not None:
                lines.append(f"#| msgid {_quote(message.previous)}")
        lines += entry
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def placeholders(text: str) -> set[str] | None:
    """The ``{names}`` a ``str.format`` text uses (None: it is not a valid format string)."""
    try:
        return {f"{{{name}}}" for _lit, name, _spec, _conv in Formatter().parse(text)
                if name is not None}
    except ValueError:
        return None


def placeholder_problems(messages: dict[str, Message]) -> list[str]:
    """Translations that would fail (or lose a value) when formatted: a singular's must name
    the same placeholders as its msgid; a plural form may leave one out (Arabic "one vote")
    but not bring another. Texts with no braces are never formatted: not checked."""
    found = []
    for m in messages.values():
        if m.obsolete or m.fuzzy or not any(m.strings) or "{" not in m.msgid + (m.plural or ""):
            continue
        wanted = placeholders(m.msgid)
        if m.plural is not None:
            wanted = (wanted or set()) | (placeholders(m.plural) or set())
        for text in (s for s in m.strings if s):
            got = placeholders(text)
            if wanted is None:
                continue
            if got is None or (got != wanted if m.plural is None else not got <= wanted):
                shown = " ".join(sorted(got)) if got else "no placeholder"
                found.append(f"{m.msgid!r}: the translation has {shown}, the string "
                             f"{' '.join(sorted(wanted))}")
                break
    return found


def _nplurals(header: str) -> int:
    for part in header.split("\n"):
        if part.startswith("Plural-Forms:"):
            for bit in part.split(";"):
                if "nplurals" in bit:
                    return int(bit.split("=")[1])
    return 2


# -- .mo files (GNU gettext binary format, as CPython's Tools/i18n/msgfmt.py writes it) ----------


def mo_bytes(header: str, messages: dict[str, Message]) -> bytes:
    entries: dict[bytes, bytes] = {b"": header.encode("utf-8")}
    for m in messages.values():
        if m.fuzzy or m.obsolete or not any(m.strings):
            continue
        if m.plural is not None:
            entries[(m.msgid + "\0" + m.plural).encode()] = "\0".join(m.strings).encode()
        else:
            entries[m.msgid.encode()] = m.strings[0].encode()
    keys = sorted(entries)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(entries[key])))
        ids += key + b"\0"
        strs += entries[key] + b"\0"
    keystart = 7 * 4 + 16 * len(keys)
    valuestart = keystart + len(ids)
    koffsets: list[int] = []
    voffsets: list[int] = []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + keystart]
        voffsets += [l2, o2 + valuestart]
    output = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8,
                         0, 0)
    output += struct.pack(f"{len(koffsets)}i", *koffsets)
    output += struct.pack(f"{len(voffsets)}i", *voffsets)
    return output + ids + strs


def languages() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/facilitator.po"))


# -- commands ----------------------------------------------------------------------------------


def cmd_extract() -> None:
    header = ("Project-Id-Version: Facilitator\nMIME-Version: 1.0\n"
              "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n")
    messages = extract()
    write_po(POT, header, messages, 2)
    print(f"{POT.relative_to(ROOT)}: {len(messages)} strings")


def _guess(message: Message, old: dict[str, Message]) -> Message | None:
    """An old translated message close enough to a new untranslated one to be offered as a
    fuzzy guess (a reworded string): same kind, same placeholders, similar words."""
    best, score = None, 0.8
    for candidate in old.values():
        if not candidate.strings or not all(candidate.strings) \
                or (candidate.plural is None) != (message.plural is None) \
                or placeholders(candidate.msgid) != placeholders(message.msgid):
            continue
        ratio = SequenceMatcher(None, candidate.msgid, message.msgid).ratio()
        if ratio > score:
            best, score = candidate, ratio
    return best


def merge(po: Path, template: dict[str, Message]) -> dict[str, Message]:
    """Merge the template into one .po: translations are kept by msgid; a new string close
    to one gone gets its translation as a fuzzy guess (not used until someone checks it);
    a translated string gone from the code is kept as obsolete (``#~``) for when it returns."""
    header, old = read_po(po)
    merged: dict[str, Message] = {}
    for msgid, message in template.items():
        previous = old.get(msgid)
        if previous is not None and previous.strings and any(previous.strings):
            merged[msgid] = Message(msgid, message.plural, message.places,
                                    previous.strings, previous.fuzzy, False, previous.previous)
        else:
            merged[msgid] = Message(msgid, message.plural, message.places)
    gone = {k: m for k, m in old.items() if k not in template and m.strings and any(m.strings)}
    for message in merged.values():
        if not message.strings:
            guess = _guess(message, gone)
            if guess is not None:
                message.strings, message.fuzzy = list(guess.strings), True
                message.previous = guess.msgid
    for msgid, message in gone.items():
        merged[msgid] = Message(msgid, message.plural, [], message.strings, message.fuzzy, True)
    write_po(po, header, merged, _nplurals(header))
    return merged


def cmd_update() -> None:
    template = extract()
    for po in languages():
        merged = merge(po, template)
        done = sum(m.translated for m in merged.values())
        kept = sum(m.obsolete for m in merged.values())
        print(f"{po.relative_to(ROOT)}: {len(template)} strings, {done} translated"
              + (f", {kept} obsolete kept" if kept else ""))


def cmd_compile() -> None:
    for po in languages():
        header, messages = read_po(po)
        mo = po.with_suffix(".mo")
        mo.write_bytes(mo_bytes(header, messages))
        print(f"{mo.relative_to(ROOT)}")


DRAFT_NOTE = "X-Translation-Status: machine draft, needs native review"
"""Header line of a catalogue with machine-drafted translations (``fill``): a native speaker
checks them, then removes the line."""


def fill(po: Path, drafts: dict[str, str | list[str]]) -> tuple[int, list[str]]:
    """Put ``drafts`` into ``po`` where a live string has no translation yet, or only a
    fuzzy guess (``update``'s, unchecked); a translation already there is never replaced.
    Returns (how many were put, the drafts refused: unknown string, wrong number of plural
    forms, other placeholders)."""
    header, messages = read_po(po)
    nplurals = _nplurals(header)
    refused, put = [], 0
    for msgid, draft in drafts.items():
        message = messages.get(msgid)
        if message is None or message.obsolete:
            refused.append(f"not a string of the catalogue: {msgid!r}")
            continue
        if any(message.strings) and not message.fuzzy:
            continue  # someone's translation; a fuzzy guess is replaced by the draft
        forms = [draft] if isinstance(draft, str) else list(draft)
        if (message.plural is None) != isinstance(draft, str) or (
                message.plural is not None and len(forms) != nplurals):
            refused.append(f"wrong number of forms ({len(forms)}): {msgid!r}")
            continue
        trial = Message(msgid, message.plural, [], forms)
        problem = placeholder_problems({msgid: trial})
        if problem or not all(forms):
            refused += problem or [f"empty translation: {msgid!r}"]
            continue
        message.strings, message.fuzzy, message.previous = forms, False, None
        put += 1
    if put and DRAFT_NOTE not in header:
        header = header.rstrip("\n") + "\n" + DRAFT_NOTE + "\n"
    write_po(po, header, messages, nplurals)
    return put, refused


def cmd_fill(language: str, file: Path) -> int:
    import json

    po = LOCALE / language / "LC_MESSAGES" / "facilitator.po"
    if not po.exists():
        print(f"no catalogue for {language!r}: {po.relative_to(ROOT)}")
        return 2
    put, refused = fill(po, json.loads(file.read_text(encoding="utf-8")))
    print(f"{po.relative_to(ROOT)}: {put} translations put in", *refused, sep="\n  ")
    return 1 if refused else 0


def problems() -> list[str]:
    found = [f"{s} (scanned by tools/i18n.py) no longer exists" for s in missing_sources()]
    if found:
        return found
    phone = extract(phone_only=True)
    for po in languages():
        header, messages = read_po(po)
        name = po.relative_to(ROOT)
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(header, messages):
            found.append(f"{mo.relative_to(ROOT)} is stale: run python tools/i18n.py compile")
        found += [f"{name}: {p}" for p in placeholder_problems(messages)]
        if po.parent.parent.name in PHONE_LANGUAGES:
            for msgid in phone:
                message = messages.get(msgid)
                if message is not None and message.fuzzy and not message.obsolete:
                    found.append(f"{name}: phone string marked fuzzy (check the translation, "
                                 f"then remove the flag): {msgid!r}")
                elif message is None or not message.translated:
                    found.append(f"{name}: phone string not translated: {msgid!r}")
    return found


def main(argv: list[str]) -> int:
    commands = {"extract": cmd_extract, "update": cmd_update, "compile": cmd_compile}
    if len(argv) == 3 and argv[0] == "fill":
        return cmd_fill(argv[1], Path(argv[2]))
    if len(argv) != 1 or argv[0] not in (*commands, "check"):
        print(__doc__)
        return 2
    if argv[0] == "check":
        found = problems()
        print("\n".join(found) or "translations OK")
        return 1 if found else 0
    commands[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
