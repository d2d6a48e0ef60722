#!/usr/bin/env python3
"""Translations: extract the strings, merge them into each language, compile the .mo files.

Standard library only, so it runs anywhere the app does:

    python tools/i18n.py extract    write resources/locale/facilitator.pot from the code
    python tools/i18n.py update     merge the .pot into every <lang>/LC_MESSAGES/facilitator.po
    python tools/i18n.py compile    write every facilitator.mo from its .po
    python tools/i18n.py check      fail if a .mo is stale, or a phone-page string is
                                    untranslated in a language the phone pages offer

The .mo files are committed (the app and the installer use them as they are); ``check``
runs in the test suite, so a .po edited without ``compile`` fails the build. Marked strings:
``_()``, ``N_()``, ``ngettext()`` everywhere, and in the phone pages ``t()`` / ``t.n()``
(a per-request translation, see facilitator/lan/text.py).
"""

from __future__ import annotations

import ast
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"
POT = LOCALE / "facilitator.pot"
SOURCES = ("facilitator", "ui")
PHONE_MODULES = ("facilitator/lan/pages.py", "facilitator/lan/app.py")
PHONE_LANGUAGES = ("cy", "ar")
"""Languages the phone pages offer besides English: every phone string must be translated."""


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    places: list[str] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    fuzzy: bool = False


# -- extraction ----------------------------------------------------------------------------------


def _calls(tree: ast.AST, phone: bool) -> list[tuple[int, str, str | None]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            f"{func.value.id}.{func.attr}" if isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name) else "")
        singular = ("_", "N_") + (("t",) if phone else ())
        plural = ("ngettext",) + (("t.n",) if phone else ())
        args = node.args
        if name in singular and isinstance(args[0], ast.Constant) and isinstance(
                args[0].value, str):
            found.append((node.lineno, args[0].value, None))
        elif name in plural and len(args) >= 2 and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:2]):
            found.append((node.lineno, args[0].value, args[1].value))  # type: ignore[attr-defined]
    return found


def extract(phone_only: bool = False) -> dict[str, Message]:
    messages: dict[str, Message] = {}
    files = [ROOT / m for m in PHONE_MODULES] if phone_only else sorted(
        f for folder in SOURCES for f in (ROOT / folder).rglob("*.py"))
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        phone = rel in PHONE_MODULES
        for line, msgid, plural in _calls(ast.parse(path.read_text(encoding="utf-8")), phone):
            if phone_only and not phone:
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
    """The header (msgstr of the empty msgid) and the messages of a .po file."""
    header = ""
    messages: dict[str, Message] = {}
    current: dict[str, list[str]] = {}
    key = ""
    fuzzy = False

    def flush() -> None:
        nonlocal header, current, fuzzy
        if "msgid" in current:
            msgid = "".join(current["msgid"])
            strings = [("".join(current[k])) for k in sorted(
                (k for k in current if k.startswith("msgstr")), key=lambda k: (len(k), k))]
            if msgid == "":
                header = strings[0] if strings else ""
            else:
                plural = "".join(current["msgid_plural"]) if "msgid_plural" in current else None
                messages[msgid] = Message(msgid, plural, [], strings, fuzzy)
        current, fuzzy = {}, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
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
    lines = ["msgid \"\"", "msgstr \"\""]
    lines += [_quote(h + "\n") for h in header.rstrip("\n").split("\n")]
    for message in messages.values():
        lines.append("")
        lines += [f"#: {p}" for p in message.places[:6]]
        if message.fuzzy:
            lines.append("#, fuzzy")
        lines.append(f"msgid {_quote(message.msgid)}")
        if message.plural is not None:
            lines.append(f"msgid_plural {_quote(message.plural)}")
            strings = message.strings + [""] * (nplurals - len(message.strings))
            lines += [f"msgstr[{i}] {_quote(s)}" for i, s in enumerate(strings[:nplurals])]
        else:
            lines.append(f"msgstr {_quote(message.strings[0] if message.strings else '')}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


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
        if m.fuzzy or not any(m.strings):
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


def cmd_update() -> None:
    template = extract()
    for po in languages():
        header, old = read_po(po)
        n = _nplurals(header)
        merged = {}
        for msgid, message in template.items():
            previous = old.get(msgid)
            merged[msgid] = Message(msgid, message.plural, message.places,
                                    previous.strings if previous else [],
                                    previous.fuzzy if previous else False)
        write_po(po, header, merged, n)
        print(f"{po.relative_to(ROOT)}: {len(merged)} strings")


def cmd_compile() -> None:
    for po in languages():
        header, messages = read_po(po)
        mo = po.with_suffix(".mo")
        mo.write_bytes(mo_bytes(header, messages))
        print(f"{mo.relative_to(ROOT)}")


def problems() -> list[str]:
    found = []
    phone = extract(phone_only=True)
    for po in languages():
        header, messages = read_po(po)
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(header, messages):
            found.append(f"{mo.relative_to(ROOT)} is stale: run python tools/i18n.py compile")
        if po.parent.parent.name in PHONE_LANGUAGES:
            for msgid in phone:
                message = messages.get(msgid)
                if message is None or message.fuzzy or not all(message.strings) or \
                        not message.strings:
                    found.append(f"{po.relative_to(ROOT)}: phone string not translated: "
                                 f"{msgid!r}")
    return found


def main(argv: list[str]) -> int:
    commands = {"extract": cmd_extract, "update": cmd_update, "compile": cmd_compile}
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
