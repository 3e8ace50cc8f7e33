"""Gettext ``.po`` catalogues read and compiled to ``.mo`` in pure Python (stdlib only).

Babel extracts and updates the catalogues (``make i18n``); this module is what the build
(``setup.py``, the PyInstaller spec) and a source checkout use to turn a ``.po`` into a ``.mo``,
so neither building nor running needs Babel.  Only the ``.po`` sources are committed.
"""

from __future__ import annotations

import ast
import struct
from dataclasses import dataclass, field
from pathlib import Path

DOMAIN = "marrowsim"


@dataclass
class Entry:
    msgid: str
    msgstr: list[str]
    msgctxt: str | None = None
    msgid_plural: str | None = None
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and bool(self.msgstr)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _unquote(line: str) -> str:
    return ast.literal_eval(line)  # a C-style "..." string: Python's rules are the same here


def parse_po(text: str) -> list[Entry]:
    """The entries of a ``.po`` file, the header (msgid "") first."""
    entries: list[Entry] = []
    cur: dict | None = None
    key: str | None = None
    flags: set[str] = set()

    def finish() -> None:
        nonlocal cur
        if cur is not None and "msgid" in cur:
            plural = cur.get("msgid_plural")
            strs = [cur[k] for k in sorted(k for k in cur if k.startswith("msgstr"))]
            entries.append(
                Entry(cur["msgid"], strs, cur.get("msgctxt"), plural, cur["flags"], cur["obs"])
            )
        cur = None

    for raw in text.splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            key = None
            continue
        if line.startswith("#,"):
            finish()
            flags = {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if cur is not None and key is not None:
                cur[key] += _unquote(line)
            continue
        word, _, rest = line.partition(" ")
        if word == "msgctxt" or (word == "msgid" and (cur is None or "msgid" in cur)):
            finish()
            cur = {"flags": flags, "obs": obsolete}
            flags = set()
        if cur is None or not (
            word in ("msgctxt", "msgid", "msgid_plural", "msgstr") or word.startswith("msgstr[")
        ):
            continue
        if word == "msgstr":
            key = "msgstr[000]"
        elif word.startswith("msgstr["):
            key = f"msgstr[{int(word[7:-1]):03d}]"
        else:
            key = word
        cur[key] = _unquote(rest)
    finish()
    return entries


def mo_bytes(entries: list[Entry]) -> bytes:
    """A GNU ``.mo`` file of the translated, non-fuzzy entries (and the header)."""
    pairs: dict[bytes, bytes] = {}
    for e in entries:
        if e.obsolete or (e.msgid and (e.fuzzy or not e.translated)):
            continue
        key = e.msgid if e.msgid_plural is None else f"{e.msgid}\0{e.msgid_plural}"
        if e.msgctxt is not None:
            key = f"{e.msgctxt}\x04{key}"
        pairs[key.encode()] = "\0".join(e.msgstr).encode()
    keys = sorted(pairs)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(pairs[k] + b"\0" for k in keys)
    n = len(keys)
    start = 7 * 4 + 16 * n
    offsets, o = [], 0
    for k in keys:
        offsets += [len(k), start + o]
        o += len(k) + 1
    tail, o = [], 0
    for k in keys:
        tail += [len(pairs[k]), start + len(ids) + o]
        o += len(pairs[k]) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + n * 8, 0, 0)
    return header + struct.pack(f"{4 * n}i", *offsets, *tail) + ids + strs


def compile_tree(source: Path, dest: Path) -> list[Path]:
    """Every ``<lang>/LC_MESSAGES/*.po`` under ``source`` compiled to the same place under
    ``dest``; returns the ``.mo`` files written."""
    written = []
    for po in sorted(Path(source).glob("*/LC_MESSAGES/*.po")):
        mo = Path(dest) / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.write_bytes(mo_bytes(parse_po(po.read_text(encoding="utf-8"))))
        written.append(mo)
    return written
