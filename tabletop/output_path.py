"""The one writer behind every `-o`: never over the command's own inputs, atomic, mode kept.

`report J -o J` would replace the journal with its report, `export --csv DB --db DB` the
history with a CSV of it, `schema -o scenario.yaml` a scenario with the schema. Every command
that writes a file names its inputs here, and a file that is a tabletop input of any command
(a scenario, a journal, a history database) is not overwritten by another kind of output.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


class OutputRefused(Exception):
    """Writing there would destroy an input; the message says which, in one line."""


_SQLITE = b"SQLite format 3\x00"
_SCENARIO = re.compile(rb"(?m)^format:\s*['\"]?tabletop/v1")
_JOURNAL = re.compile(rb'\A\{[^\n]*"kind":\s*"start"')


def kind_of(path: Path) -> str | None:
    """What tabletop input `path` holds ("history database", "journal", "scenario"), if any."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError:
        return None
    if head.startswith(_SQLITE):
        return "history database"
    if _JOURNAL.match(head):
        return "journal"
    if _SCENARIO.search(head):
        return "scenario"
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def with_sidecars(db: Path) -> list[Path]:
    """A SQLite database with the files SQLite keeps beside it (WAL, shared memory, journal)."""
    return [db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))]


def check_output(
    target: Path, *, inputs: Iterable[Path] = (), what: str, replaces: str | None = None
) -> None:
    """Refuse `target` when it is one of `inputs` (also through a link), or an existing file
    holding a tabletop input that is not `replaces` (the kind this output may overwrite)."""
    if not target.exists():
        return
    for source in inputs:
        if _same_file(target, source):
            raise OutputRefused(
                f"{target}: is an input of this command; refusing to overwrite it with the {what}"
            )
    kind = kind_of(target) if target.is_file() else None
    if kind is not None and kind != replaces:
        raise OutputRefused(
            f"{target}: holds a tabletop {kind}; refusing to overwrite it with the {what} "
            "(choose another file, or move it aside first)"
        )


def write_output(
    text: str,
    target: Path,
    *,
    inputs: Iterable[Path] = (),
    what: str,
    replaces: str | None = None,
    make_folder: bool = True,
) -> None:
    """Write `text` to `target` after `check_output`: a regular file atomically (a reader
    never sees half of it) keeping an existing file's permissions; a device or pipe
    (/dev/stdout, /dev/null) in place; its folder made when `make_folder`. Raises
    `OutputRefused` or `OSError`."""
    check_output(target, inputs=inputs, what=what, replaces=replaces)
    # Renaming over a symlink would replace the link, not what it points to.
    real = target.resolve() if target.is_symlink() else target
    if real.exists() and not real.is_file():
        if real.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        with real.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        return
    mode = stat.S_IMODE(real.stat().st_mode) if real.exists() else 0o666 & ~_umask()
    if make_folder:
        real.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", dir=real.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        # mkstemp makes the file private (0600): a new report is an ordinary file for its
        # reader; an existing one keeps what its owner chose (a 0600 report stays 0600).
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
