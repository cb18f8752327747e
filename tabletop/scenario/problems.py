"""Problems found in user input, each pointing at a file, line and column."""

from __future__ import annotations

from dataclasses import dataclass

from tabletop.terminal_text import MAX_MESSAGE, capped, one_line


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a user's file; `str()` gives the one line a user sees."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        # One line, whatever the file holds: control characters shown as spaces (the message
        # may quote the file), a long value shortened; the location is always kept whole, and
        # never takes from the message's room, so a message does not depend on the path.
        where = one_line(f"{self.file}:{self.line}:{self.column}: ")
        return where + capped(one_line(self.message), MAX_MESSAGE)


class InputError(Exception):
    """Raised with every problem found in one input file, sorted by position."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
