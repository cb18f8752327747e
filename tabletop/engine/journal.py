"""The crash-safe journal of a session (docs/history-db.md).

JSON Lines, one event per line, flushed and fsynced per event: after a crash the journal holds
every event up to the last one written, at worst with a torn last line, which `read_journal`
drops with a warning. The input events (decisions, refusals, notes, facilitator commands, the
end) with their times are enough to rebuild the session: `replay` re-applies them against the
scenario, checks that it reproduces the journal, and `resume` carries on writing to it.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tabletop.engine.event_json import short
from tabletop.engine.events import (
    INPUT_KINDS,
    KINDS,
    Command,
    DecisionTaken,
    End,
    Event,
    FireInject,
    Jump,
    Note,
    PayloadError,
    Refusal,
    Start,
)
from tabletop.engine.session import EventSink, Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.models import Scenario
from tabletop.scenario.problems import InputError, Problem


def encode_event(event: Event) -> bytes:
    """One journal line (UTF-8, ending in a newline). Keys keep their order: deterministic."""
    return (json.dumps(event.to_json(), ensure_ascii=False) + "\n").encode("utf-8")


def journal_started_at(feed: list[Event]) -> str | None:
    """When a drill began on the wall clock, as its start event recorded it (live drills
    journal `started_at`; a headless run does not), or None."""
    start = feed[0].payload if feed else None
    return (start.started_at or None) if isinstance(start, Start) else None


def iso_utc(moment: datetime) -> str:
    """A wall-clock instant as journals and the history write it: `2026-11-27T10:04:05Z`
    (UTC, to the second; a naive datetime is taken as UTC). Sorts as text."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class JournalWriter:
    """A session sink appending each event to a JSON Lines file, flushed and fsynced.

    A journal has one writer: a new journal is created exclusively (never appended to a file
    another drill is writing), and only `resume` (`truncate_to`) reopens an existing one.
    """

    def __init__(self, path: str | Path, *, truncate_to: int | None = None) -> None:
        """Create the journal `path` (and its folder); `FileExistsError` when it already holds
        anything. With `truncate_to` (resume), open the existing journal instead, cut to that
        many bytes (dropping a torn last line) before appending."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = False
        if truncate_to is None:
            self._fh, created = _create_exclusive(self.path)
        else:
            self._fh = self.path.open("ab")
        # fsync is for files: a pipe or /dev/null (a run whose journal is thrown away) refuses
        # it with EINVAL, and there is nothing on a disk to make durable there anyway.
        self._regular = stat.S_ISREG(os.fstat(self._fh.fileno()).st_mode)
        if truncate_to is not None:
            self._fh.truncate(truncate_to)
            if truncate_to > 0 and not _ends_with_newline(self.path):
                self._fh.write(b"\n")  # the last event was whole but its newline was cut
            self._sync()
        if created:
            _fsync_dir(self.path.parent)  # so that the new file's name survives a crash too
        self.events_written = 0

    def __call__(self, event: Event) -> None:
        """Append one event and make it durable before returning."""
        self._fh.write(encode_event(event))
        self._sync()
        self.events_written += 1

    def _sync(self) -> None:
        self._fh.flush()
        if self._regular:
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Close the file (every event is already on disk)."""
        self._fh.close()

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _create_exclusive(path: Path) -> tuple[IO[bytes], bool]:
    """A new journal file opened for appending, and whether it was created here.

    `O_EXCL` makes creation atomic: of two drills naming the same file at the same moment,
    exactly one gets it. An existing empty file (made by `touch`, `mktemp`) is taken only
    under an exclusive lock that no other writer holds; a device or pipe (/dev/null, a run
    whose journal is thrown away) is written as it is.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
    try:
        fh, created = os.fdopen(os.open(path, flags, 0o666), "ab"), True
    except FileExistsError:
        fh, created = path.open("ab"), False
    try:
        # The creator locks too: between its creation and its first event the file is empty,
        # and another drill must not take it as an empty file of its own.
        info = os.fstat(fh.fileno())
        if stat.S_ISREG(info.st_mode) and (info.st_size > 0 or not _lock(fh)):
            raise FileExistsError(f"{path}: already exists; give a new journal file")
    except BaseException:
        fh.close()
        raise
    return fh, created


def _lock(fh: IO[bytes]) -> bool:
    """Take a non-blocking exclusive lock on an empty file (held while it stays open); False
    when another writer holds it. Re-checked empty under the lock: it may just have been
    written. Where locks do not exist, the size check alone decides."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return os.fstat(fh.fileno()).st_size == 0


def create_journal(
    folder: str | Path, scenario_id: str, *, now: datetime | None = None
) -> JournalWriter:
    """A new journal in `folder` named after the scenario and the time (`ID-YYYYmmdd-HHMMSS`),
    with `-2`, `-3` ... when that name is taken: two drills started in the same second (two
    browser tabs, two terminals) each get their own file. The name is `writer.path`."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = Path(folder) / f"{scenario_id}-{stamp}"
    for n in range(1, 10_000):
        path = base.with_name(base.name + (f"-{n}" if n > 1 else "") + ".jsonl")
        try:
            return JournalWriter(path)
        except FileExistsError:
            continue
    raise FileExistsError(f"{base}: no free journal name left in {folder}")


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the file itself is synced
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True)
class JournalRead:
    """The events of a journal, warnings (a torn last line), and the byte length of the
    whole lines read (where an append must start)."""

    events: list[Event]
    warnings: list[str] = field(default_factory=list)
    valid_bytes: int = 0
    path: Path | None = None

    @property
    def start(self) -> Event:
        """The start event."""
        return self.events[0]


@dataclass(frozen=True)
class JournalLimits:
    """What one journal may hold: a drill writes far less (a few hundred short lines)."""

    max_bytes: int = 256 * 1024 * 1024
    max_line_bytes: int = 1024 * 1024
    #: Nesting of one event (the engine writes 3 levels: effects in a list in the event).
    max_depth: int = 16
    #: Largest exercise minute (a year and more); also the bound of every number in an event.
    max_number: float = 1e9


DEFAULT_JOURNAL_LIMITS = JournalLimits()


class EventError(ValueError):
    """One journal line that is not a well-formed event: why, and the column it is about."""

    def __init__(self, message: str, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_event(line: bytes | str, limits: JournalLimits = DEFAULT_JOURNAL_LIMITS) -> Event:
    """One journal line (a file's, a stored session's) as an `Event`, or `EventError`.

    The one decoder of journal lines, so that every reader has the same limits: the size of
    the line, its nesting, the types of `seq`, `t` and `kind`, text that is valid Unicode
    and numbers a float can hold. A hostile line is a problem, never a crash further on.
    """
    size = len(line)
    if size > limits.max_line_bytes:
        raise EventError(f"line too long: {size:,} bytes (limit {limits.max_line_bytes:,})")
    if isinstance(line, bytes):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EventError(
                f"damaged journal line: not UTF-8 (byte 0x{line[exc.start]:02x})",
                len(line[: exc.start].decode("utf-8", "replace")) + 1,
            ) from None
    else:
        text = line
    try:
        obj = json.loads(text)
    except RecursionError:
        raise EventError(f"damaged journal line: nested deeper than {limits.max_depth}") from None
    except json.JSONDecodeError as exc:
        raise EventError(f"damaged journal line: {exc.msg}", exc.colno) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise EventError(f"damaged journal line: {str(exc).split(';')[0]}") from None
    # Shape first (a message must not recurse into a deep value), then the event's own
    # fields with their messages, then every other number.
    number_problem = _check_values(obj, limits)
    event = _event_of(obj, limits)
    if number_problem is not None:
        raise EventError(number_problem)
    return event


def _check_values(obj: object, limits: JournalLimits) -> str | None:
    """Refuse nesting beyond the limit and lone surrogates (text that cannot be written back
    as UTF-8); return (not raise: the event's own field messages come first) the problem of
    the first number that is not finite or beyond `max_number`, if any. One iterative walk:
    depth is what is being checked."""
    stack: list[tuple[object, int]] = [(obj, 1)]
    number_problem: str | None = None
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _SURROGATE.search(value):
                raise EventError(
                    "damaged journal line: text with an unpaired surrogate (\\ud800-\\udfff)"
                )
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int | float):
            if number_problem is None and not abs(value) <= limits.max_number:
                number_problem = f"damaged journal line: a number beyond {limits.max_number:g}"
        elif depth > limits.max_depth:
            raise EventError(f"damaged journal line: nested deeper than {limits.max_depth}")
        elif isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return number_problem


def read_journal(path: str | Path, limits: JournalLimits = DEFAULT_JOURNAL_LIMITS) -> JournalRead:
    """Read a journal. A torn last line (a write cut short by a crash) is dropped with a
    warning; any other damage raises `InputError` naming the file and line."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            message = f"journal too large: {size:,} bytes (limit {limits.max_bytes:,})"
            raise InputError([Problem(str(p), 1, 1, message)])
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(p), 1, 1, f"cannot read journal: {exc.strerror}")]) from None
    events: list[Event] = []
    warnings: list[str] = []
    offset = 0
    lines = raw.split(b"\n")
    # After the last newline: empty for a whole journal, a torn write otherwise.
    whole, tail = lines[:-1], lines[-1]
    for number, line in enumerate(whole, start=1):
        event = _parse_line(p, number, line, limits)
        if event is not None:
            events.append(event)
        offset += len(line) + 1
    last = _whole_event(tail, limits) if tail else None
    if last is not None:
        # Cut between the event and its newline: the event itself is whole, keep it.
        events.append(last)
        offset += len(tail)
        warnings.append(f"{p}:{len(whole) + 1}:{len(tail) + 1}: last line had no newline")
    elif tail:
        warnings.append(
            f"{p}:{len(whole) + 1}:1: torn last line dropped ({len(tail)} bytes, "
            "a write cut short by a crash); recovered up to the last whole event"
        )
    if not events or events[0].kind != "start":
        raise InputError([Problem(str(p), 1, 1, "not a journal: no start event")])
    return JournalRead(events, warnings, offset, p)


def _event_of(obj: object, limits: JournalLimits) -> Event:
    """`obj` (one parsed journal line) as an `Event` with its typed payload, or `EventError`
    saying why it is not a well-formed event.

    A journal is input like any other file: a hand-edited or damaged line must be one clear
    problem, not a crash deep inside the replay. (`decode_event` also checks the values.)"""
    if not isinstance(obj, dict):
        raise EventError("not a journal event (a JSON object with seq, t and kind)")
    missing = [k for k in ("seq", "t", "kind") if k not in obj]
    if missing:
        raise EventError(f"not a journal event: no {', '.join(repr(k) for k in missing)}")
    seq, t, kind = obj["seq"], obj["t"], obj["kind"]
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= limits.max_number:
        raise EventError(f"'seq' must be a whole number, got {short(seq)}")
    if (
        isinstance(t, bool)
        or not isinstance(t, int | float)
        or (isinstance(t, float) and not math.isfinite(t))  # no isfinite on a huge int
        or t < 0
    ):
        raise EventError(f"'t' must be an exercise minute (a number >= 0), got {short(t)}")
    if t > limits.max_number:
        beyond = f"more than {limits.max_number:g} minutes"
        raise EventError(f"'t' is beyond any drill ({beyond}), got {short(t)}")
    if not isinstance(kind, str) or kind not in KINDS:
        expected = ", ".join(sorted(KINDS))
        raise EventError(f"unknown event kind {short(kind)} (expected one of {expected})")
    event = Event.from_json(obj)
    try:
        # The fields of its kind (a decision's action, a note's text ...), typed once and kept
        # as every reader sees them; their parse says what is wrong.
        event.payload  # noqa: B018
    except PayloadError as exc:
        raise EventError(str(exc)) from None
    return event


def _whole_event(line: bytes, limits: JournalLimits) -> Event | None:
    try:
        return decode_event(line, limits)
    except EventError:
        return None


def _parse_line(path: Path, number: int, line: bytes, limits: JournalLimits) -> Event | None:
    if not line.strip():
        return None
    try:
        return decode_event(line, limits)
    except EventError as exc:
        raise InputError([Problem(str(path), number, exc.column, exc.message)]) from None


def _name(journal: str | Path | None) -> str:
    return str(journal) if journal is not None else "journal"


def replay(
    scenario: Scenario,
    events: list[Event],
    *,
    sha256: str | None = None,
    journal: str | Path | None = None,
    sink: EventSink | None = None,
    check: bool = True,
) -> Session:
    """Rebuild a session from journalled events: start a session as the journal's start event
    says, then re-apply every input event at its time. The replay reproduces the journal: with
    `check`, an event that differs raises `InputError` (the scenario or the engine changed).

    `sha256` (of the scenario file) must match the journal's, else `InputError` naming the
    `journal`. The session is left at the time of the last journalled event, running unless
    the journal ended it.
    """
    where = _name(journal)
    if not events or events[0].kind != "start":
        raise InputError([Problem(where, 1, 1, "not a journal: no start event")])
    start = events[0].data
    if start.get("scenario") != scenario.id:
        raise InputError(
            [
                Problem(
                    where,
                    1,
                    1,
                    f"journal is of scenario {start.get('scenario')!r}, not {scenario.id!r}",
                )
            ]
        )
    if sha256 is not None and start.get("sha256") != sha256:
        raise InputError(
            [
                Problem(
                    where,
                    1,
                    1,
                    "the scenario file has changed since this journal was written "
                    f"(journal SHA-256 {str(start.get('sha256'))[:12]}…, file {sha256[:12]}…); "
                    "replaying it would not reproduce the drill",
                )
            ]
        )
    session = Session(
        scenario,
        sha256=str(start.get("sha256", "")),
        team=str(start.get("team", "")),
        mode=str(start.get("mode", "training")),
        sink=sink,
        source=_source(start.get("source")),
        started_at=_text(start.get("started_at")),
    )
    for k, event in enumerate(events[1:], start=2):
        if event.kind in INPUT_KINDS:
            if event.t < session.now:
                raise InputError(
                    [
                        Problem(
                            where,
                            k,
                            1,
                            f"event {event.seq} ({event.kind} at T+{event.t:g}) comes before "
                            f"T+{session.now:g}: the clock of a drill never goes back",
                        )
                    ]
                )
            session.advance(event.t)
            apply_input(session, event)
    if events[-1].t > session.now:
        session.advance(events[-1].t)
    if check:
        _check_reproduced(where, session.feed, events)
    return session


def _source(value: object) -> dict[str, str] | None:
    """The start event's `source` (where the scenario file was), when it is text to text."""
    if isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return dict(value)
    return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def apply_input(session: Session, event: Event) -> None:
    """Re-apply one input event (decision, refusal, note, facilitator, end) now."""
    p = event.payload
    if isinstance(p, DecisionTaken | Refusal):
        session.take(p.action, by=p.by, note=p.note, message=p.message)
    elif isinstance(p, Note):
        session.add_note(p.text, by=p.by)
    elif isinstance(p, FireInject):
        session.fire_inject(p.inject)
    elif isinstance(p, Command):
        session.command(p)
        if isinstance(p, Jump):
            # The jump is journalled before the clock moves; when nothing happens on the way,
            # no later event says where the clock went, and a resume would reopen too early.
            session.advance(p.to)
    elif isinstance(p, End):
        session.end(p.reason if p.reason is not None else "facilitator")


def _tolerate_older_wording(kind: str, got: dict[str, Any], want: dict[str, Any]) -> None:
    """Let a journal written by an earlier version replay: what the engine derives in words
    or added since may differ, the facts may not.

    - an `end` event written before early ends were scored to the duration has no
      `scored_to`;
    - a refusal's `reason` is a sentence (its time format changed once): a refusal is a
      refusal, and a different reason would show up as different later events anyway.
    """
    # Events read back from JSON are flat: the data's keys sit beside seq, t and kind.
    if kind == "end" and "scored_to" not in want:
        got.pop("scored_to", None)
    if kind == "refusal" and "reason" in want and "reason" in got:
        got["reason"] = want["reason"]


def _check_reproduced(where: str, produced: list[Event], journal: list[Event]) -> None:
    for k, (mine, theirs) in enumerate(zip(produced, journal, strict=False)):
        got, want = _normal(mine), _normal(theirs)
        _tolerate_older_wording(theirs.kind, got, want)
        if theirs.kind == "start":
            # When the drill began on the wall clock is no part of the drill: a journal
            # written before it was recorded, or dated by hand, replays the same.
            got.pop("started_at", None)
            want.pop("started_at", None)
        if got != want:
            raise InputError(
                [
                    Problem(
                        where,
                        k + 1,
                        1,
                        f"replay differs from the journal at event {theirs.seq} "
                        f"({theirs.kind} at T+{theirs.t:g}): {_difference(got, want)}",
                    )
                ]
            )
    if len(produced) < len(journal):
        extra = journal[len(produced)]
        raise InputError(
            [Problem(where, len(produced) + 1, 1, f"replay stops before event {extra.seq}")]
        )


def _difference(got: dict[str, Any], want: dict[str, Any]) -> str:
    """The first field in which a replayed event differs from the journalled one."""
    if got.get("kind") != want.get("kind") or got.get("t") != want.get("t"):
        return f"got {got.get('kind')} at T+{got.get('t', 0):g}"
    for key in dict.fromkeys([*want, *got]):
        if got.get(key) != want.get(key):
            return f"{key!r} is {want.get(key)!r} in the journal, the replay gives {got.get(key)!r}"
    return "the events differ"  # pragma: no cover - got != want means some key differs


def _normal(event: Event) -> Any:
    """An event as it reads back from JSON (tuples become lists and so on)."""
    return json.loads(encode_event(event))


def resume(
    loaded: LoadedScenario, journal_path: str | Path, *, record: JournalRead | None = None
) -> Session:
    """Continue a drill from its journal: replay it (checking the scenario SHA-256), write any
    event the crash cut off (work due at the last instant), and keep appending every new event
    to the same journal. A torn last line is dropped from the file first."""
    read = record if record is not None else read_journal(journal_path)
    session = replay(loaded.scenario, read.events, sha256=loaded.sha256, journal=journal_path)
    writer = JournalWriter(journal_path, truncate_to=read.valid_bytes)
    for event in session.feed[len(read.events) :]:
        writer(event)
    session.attach_sink(writer)
    session.journal_warnings = list(read.warnings)
    return session
