"""User text made safe for the terminal: the one cleaner every printer goes through.

Team names, notes, messages, scenario titles and file names are user text. Printed raw, an
escape sequence (ESC, CSI, OSC, BEL) would drive the terminal — set its title, move the
cursor, hide lines — a newline would forge an output line, and a bidirectional override
(U+202E) would show text reversed. Every command prints through `echo` (or `one_line` for one
field), so no printer can forget.
"""

from __future__ import annotations

import re
from typing import Any

#: Characters kept in a block of text (a report, a table): line breaks and tabs.
_LAYOUT = frozenset("\n\t")

#: An error or status line longer than this is shortened (the location at its start is kept).
MAX_LINE = 400

#: A problem's message (after its file:line:column) is shortened to this many characters,
#: whatever the length of the path in front: the same file gives the same message wherever
#: it lies (a checkout in a deep directory included).
MAX_MESSAGE = 400

#: A run of characters without a space longer than this is shortened in the middle. Long
#: enough for a deep file path (a location a user must read whole), short enough that a
#: hostile token cannot fill the line.
_MAX_WORD = 255
_LONG_WORD = re.compile(rf"\S{{{_MAX_WORD + 1},}}")


def _safe(c: str, keep: frozenset[str]) -> str:
    # isprintable() is False for C0/C1 controls, format characters (bidi overrides, zero-width
    # ones), separators other than the space, surrogates and unassigned code points.
    return c if c.isprintable() or c in keep else " "


def one_line(text: object) -> str:
    """The text with every control character (newline, escape, ...) shown as a space.

    Team names, notes and messages are user text: printed raw, a newline would forge an output
    line and an escape sequence would drive the terminal.
    """
    s = str(text)
    if s.isprintable():
        return s
    return "".join(_safe(c, frozenset()) for c in s)


def clean_block(text: object) -> str:
    """Text of several lines for the terminal: line breaks and tabs kept, every other control
    or format character (ESC, BEL, CR, U+202E ...) shown as a space."""
    s = str(text)
    if s.isprintable():
        return s
    # Line by line: a report or JSON of a large drill is megabytes of clean lines, and
    # `isprintable` checks a line in C where the loop below takes Python steps per character.
    return "\n".join(_clean_line(line) for line in s.split("\n"))


def _clean_line(line: str) -> str:
    if line.isprintable() or line.replace("\t", "").isprintable():
        return line
    return "".join(_safe(c, _LAYOUT) for c in line)


def _shorten_word(match: re.Match[str]) -> str:
    word = match.group(0)
    half = (_MAX_WORD - 1) // 2
    return f"{word[:half]}…{word[-half:]}"


def capped(line: str, limit: int = MAX_LINE) -> str:
    """`line` shortened for an error message: long words cut in the middle (`1234…6789`), then
    the whole line cut at `limit` characters with an ellipsis. The start (the location) stays."""
    if len(line) <= _MAX_WORD and len(line) <= limit:
        return line
    line = _LONG_WORD.sub(_shorten_word, line)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def echo(text: Any = "", *, err: bool = False, nl: bool = True) -> None:
    """Print `text` as `click.echo` does, cleaned by `clean_block` first."""
    import click  # here: the scenario loader uses this module and needs no click

    click.echo(clean_block(text), err=err, nl=nl)


def json_text(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with every character the terminal
    could act on written as a `\\uXXXX` escape: the same JSON value, safe to print."""
    if text.isprintable():
        return text
    return "\n".join(_json_line(line) for line in text.split("\n"))  # as in clean_block


def _json_line(line: str) -> str:
    if line.isprintable():
        return line
    return "".join(c if c.isprintable() or c == " " else _json_escape(c) for c in line)


def _json_escape(c: str) -> str:
    code = ord(c)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # outside the BMP: a UTF-16 surrogate pair, as JSON writes it
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
