"""Pydantic validation errors rewritten as problems an author can act on.

Pydantic says "Extra inputs are not permitted" at `('nodes', 3, 'dependson')`; an author needs
"unknown key 'dependson' in node (did you mean 'depends_on'?)" at the line of that key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from tabletop import exercise_time
from tabletop.scenario.yaml_safe import Anchor, Loc, Located

#: A context table: location pattern ("*" for any list index) → (what to call it, its model).
Models = type[BaseModel] | tuple[type[BaseModel], ...] | None
Contexts = Mapping[tuple[str, ...], tuple[str, Models]]

_EXPECTED = {
    "string_type": "text",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "model_type": "a mapping of keys",
    "model_attributes_type": "a mapping of keys",
    "dict_type": "a mapping of keys",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest choice, or an empty string."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close and len(word) >= 3:  # abbreviations: 'gen' for 'generator'
        close = [c for c in options if c.startswith(word)][:1]
    return f" (did you mean {close[0]!r}?)" if close else ""


def describe(value: Any) -> str:
    """How a YAML value reads to an author: 'the number 3', 'a list', ..."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no/on/off are booleans in YAML: quote text)"
    if isinstance(value, int) and abs(value) >= 10**15:
        # `{:g}` would convert to float, which overflows past 1e308: count the digits instead.
        return f"a number of {len(str(abs(value))):,} digits"
    if isinstance(value, int | float):
        return f"the number {value:g}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date | dt.datetime):
        return f"the date {value.isoformat()} (quote it to make it text)"
    return type(value).__name__


def _pattern(loc: Loc) -> tuple[str, ...]:
    return tuple("*" if isinstance(p, int) else p for p in loc)


def _context(contexts: Contexts, loc: Loc) -> tuple[str, Models]:
    return contexts.get(_pattern(loc), ("mapping", None))


def _subject(loc: Loc) -> str:
    """How to name the value at `loc` in a message."""
    if not loc:
        return "the file"
    last = loc[-1]
    if isinstance(last, int):
        owner = next((p for p in reversed(loc[:-1]) if isinstance(p, str)), None)
        return f"entry {last + 1} of {owner!r}" if owner else f"entry {last + 1}"
    return repr(last)


def _allowed_values(ctx: dict[str, Any] | None) -> list[str]:
    return re.findall(r"'([^']*)'", str((ctx or {}).get("expected", "")))


def _one(error: ErrorDetails, loc: Loc, contexts: Contexts, root_name: str) -> tuple[str, Anchor]:
    """Message and anchor for one pydantic error at (cleaned) `loc`."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx")
    if kind in ("extra_forbidden", "invalid_key"):
        where, model = _context(contexts, loc[:-1])
        # pydantic puts a non-string key in `input` (its `loc` shows True as 1)
        key = value if kind == "invalid_key" else loc[-1]
        models = model if isinstance(model, tuple) else (model,) if model else ()
        allowed = sorted({name for m in models for name in m.model_fields})
        hint = did_you_mean(str(key), allowed) if isinstance(key, str) else ""
        if not hint and allowed:
            hint = f" (expected one of: {', '.join(allowed)})"
        return f"unknown key {_show_key(key)} in {where}{hint}", "key"
    if kind == "missing":
        where, _ = _context(contexts, loc[:-1])
        return f"missing required key {loc[-1]!r} in {where}", "parent"
    clock = _clock_time_message(loc, value) if kind in ("float_type", "int_type") else None
    if clock is not None:
        return clock, "value"
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        if not loc:
            return f"{root_name} must be a YAML mapping of keys, got {describe(value)}", "value"
        if kind in ("model_type", "dict_type", "model_attributes_type"):
            where, _ = _context(contexts, loc)
            return f"{where} should be a mapping of keys, got {describe(value)}", "value"
        hint = " (quote it to make it text)" if kind == "string_type" and _is_number(value) else ""
        return f"{_subject(loc)} should be {expected}, got {describe(value)}{hint}", "value"
    if kind == "string_pattern_mismatch":
        return (
            f"invalid id {value!r}: use lowercase letters, digits and '-', "
            "starting with a letter or digit",
            "value",
        )
    if kind in ("enum", "literal_error"):
        return _choice_message(loc, value, _allowed_values(ctx)), "value"
    if kind in ("too_short", "string_too_short"):
        minimum = (ctx or {}).get("min_length", 1)
        if kind == "string_too_short" or minimum == 1:
            return f"{_subject(loc)} must not be empty", "value"
        return f"{_subject(loc)} needs at least {minimum} entries", "value"
    if kind in ("too_long", "string_too_long"):
        return f"{_subject(loc)} is too long (at most {(ctx or {}).get('max_length')})", "value"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        limit = (ctx or {}).get(key)
        return f"{_subject(loc)} must be {words} {_limit(limit)}, got {value}", "value"
    if kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
        return message, "value"
    if kind == "dependency_shape":
        return f"{_subject(loc)}: {error['msg']}, got {describe(value)}", "value"
    return f"{_subject(loc)}: {error['msg']}", "value"


#: Keys whose value is a number of exercise minutes, in a scenario or a decision log.
MINUTE_KEYS = frozenset({"at", "by", "minutes", "duration", "end"})

#: `H:MM:SS` or `M:SS`, as the tool writes exercise time after `T+`, or a wall clock's `H:MM`.
_CLOCK = re.compile(r"^\+?(\d{1,6}):([0-5]\d)(?::([0-5]\d))?$")


def _clock_time_message(loc: Loc, value: Any) -> str | None:
    """What to write instead of a clock time where minutes belong (`at: 1:30:00`), or None.

    The YAML loader keeps such a value as text (never base 60), so it reaches here as a
    string; a clock time anywhere else (a title, a message) is simply that text.
    """
    if not (loc and loc[-1] in MINUTE_KEYS and isinstance(value, str)):
        return None
    text = value.strip()
    match = _CLOCK.match(text.removeprefix("T+"))
    if match is None:
        return None
    first, second, third = match.groups()
    subject = f"{_subject(loc)} should be a number of minutes, not the clock time {value!r}"
    if third is not None:  # H:MM:SS, as the tool writes from one hour on
        total = int(first) * 60 + int(second) + int(third) / 60
        return f"{subject} (write {_minutes(total)} for {exercise_time.instant(total)})"
    # M:SS as the tool writes below an hour, or a wall clock's H:MM: say both, unless the
    # `T+` or a zero says which.
    as_tool = int(first) + int(second) / 60
    hours, mins = int(first), int(second)
    tool_reading = f"write {_minutes(as_tool)} for {exercise_time.instant(as_tool)}"
    if text.startswith("T+") or hours * 60 + mins == as_tool:
        return f"{subject} ({tool_reading})"
    as_hours = f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{subject} ({tool_reading}, or {_minutes(hours * 60 + mins)} for {as_hours})"


def _minutes(value: float) -> str:
    """Minutes as an author would type them: 90, 10.5, 1.3333."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _limit(limit: Any) -> str:
    """A bound as people write it: 1,000,000 rather than 1e+06."""
    if isinstance(limit, int | float) and float(limit).is_integer() and abs(limit) < 1e15:
        return f"{int(limit):,}"
    return f"{limit:g}" if isinstance(limit, int | float) else str(limit)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show_key(key: Any) -> str:
    if isinstance(key, bool):
        return f"{str(key).lower()} (yes/no/on/off are booleans in YAML: quote the key)"
    return repr(key) if isinstance(key, str) else str(key)


def _choice_message(loc: Loc, value: Any, allowed: list[str]) -> str:
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else "value"
    if name == "format":
        return f"unsupported format {value!r} (expected {' or '.join(map(repr, allowed))})"
    if name == "status" and value == "standby":
        return (
            "an effect cannot set 'standby' (it is only a start state: "
            "mark the node `standby: true`)"
        )
    if not isinstance(value, str):
        return f"{name!r} should be one of: {', '.join(allowed)}; got {describe(value)}"
    hint = did_you_mean(value, allowed)
    return f"unknown {name} {value!r}{hint}; expected one of: {', '.join(allowed)}"


def clean_loc(loc: Iterable[int | str], tags: frozenset[str]) -> Loc:
    """`loc` without union tags: the element right after `depends_on, <index>` when it names one."""
    parts = tuple(loc)
    return tuple(
        part
        for i, part in enumerate(parts)
        if not (
            i >= 2
            and part in tags
            and isinstance(parts[i - 1], int)
            and parts[i - 2] == "depends_on"
        )
    )


def from_validation_error(
    exc: ValidationError,
    contexts: Contexts,
    *,
    tags: frozenset[str] = frozenset(),
    root_name: str = "a scenario",
) -> list[Located]:
    """Every error of `exc` as a `Located` problem with a readable message."""
    found: list[Located] = []
    for error in exc.errors():
        loc = clean_loc(error["loc"], tags)
        message, anchor = _one(error, loc, contexts, root_name)
        found.append(Located(loc, message, anchor))
    return found
