"""User text made safe for one line of terminal output."""

from __future__ import annotations


def one_line(text: object) -> str:
    """The text with every control character (newline, escape, ...) shown as a space.

    Team names, notes and messages are user text: printed raw, a newline would forge an output
    line and an escape sequence would drive the terminal.
    """
    return "".join(c if c.isprintable() else " " for c in str(text))
