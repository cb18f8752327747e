"""The JSON form of event payloads: how each field type is read (checked) and written.

A payload class (`tabletop.engine.events`) is a frozen dataclass whose fields are annotated
with one of the types below, or that type `| None` for a field that may be absent. The JSON key
is the field's name; a field that is None is not written.
"""

from __future__ import annotations

import functools
import math
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, NamedTuple, get_args, get_origin, get_type_hints


class PayloadError(ValueError):
    """Fields that do not fit their event kind: a one-line reason naming the field."""


class Change(NamedTuple):
    """One node whose effective status changed (JSON: `[node, old, new]`)."""

    node: str
    old: str
    new: str


class SetStatus(NamedTuple):
    """One effect of an inject or action: a node's own status set (JSON: `{node, status}`)."""

    node: str
    status: str


@dataclass(frozen=True)
class _Codec:
    """How one field is read from and written to JSON."""

    name: str
    required: bool
    load: Callable[[object], object]  # raises _Wrong with what the value must be
    dump: Callable[[Any], object]


class _Wrong(Exception):
    """A value of the wrong type: what it must be."""


def _text(v: object) -> str:
    if not isinstance(v, str):
        raise _Wrong("text")
    return v


def _number(v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not finite(v):
        raise _Wrong("a number")
    return v  # kept as read (an int stays an int): the JSON form is unchanged


def finite(v: float) -> bool:
    """A finite number a float can hold: `math.isfinite` raises OverflowError on an int beyond
    a float's range (a journal line may hold 10**400), which every reader would then meet."""
    return math.isfinite(v) if isinstance(v, float) else abs(v) <= _FLOAT_MAX


_FLOAT_MAX = int(sys.float_info.max)


def _whole(v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _Wrong("a whole number")
    return v


def _texts(v: object) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _Wrong("a list of texts")
    return tuple(v)


def _changes(v: object) -> tuple[Change, ...]:
    # A loop, not all(): an event may list 20 changes and a journal holds thousands of events.
    if not isinstance(v, list):
        raise _Wrong("a list of [node, old, new]")
    out = []
    for c in v:
        if type(c) is not list or len(c) != 3:
            raise _Wrong("a list of [node, old, new]")
        node, old, new = c
        if type(node) is not str or type(old) is not str or type(new) is not str:
            raise _Wrong("a list of [node, old, new]")
        out.append(Change(node, old, new))
    return tuple(out)


def _effects(v: object) -> tuple[SetStatus, ...]:
    if not isinstance(v, list):
        raise _Wrong("a list of {node, status}")
    out = []
    for e in v:
        if type(e) is not dict or len(e) != 2:
            raise _Wrong("a list of {node, status}")
        node, status = e.get("node"), e.get("status")
        if type(node) is not str or type(status) is not str:
            raise _Wrong("a list of {node, status}")
        out.append(SetStatus(node, status))
    return tuple(out)


def _text_map(v: object) -> dict[str, str]:
    if not isinstance(v, dict) or not all(
        isinstance(k, str) and isinstance(x, str) for k, x in v.items()
    ):
        raise _Wrong("a mapping of text to text")
    return dict(v)


def _same(v: Any) -> object:
    return v


#: Field type (as annotated, None removed) → how to read it and write it back.
_TYPES: dict[object, tuple[Callable[[object], object], Callable[[Any], object]]] = {
    str: (_text, _same),
    float: (_number, _same),
    int: (_whole, _same),
    tuple[str, ...]: (_texts, list),
    tuple[Change, ...]: (_changes, lambda cs: [list(c) for c in cs]),
    tuple[SetStatus, ...]: (
        _effects,
        lambda es: [{"node": e.node, "status": e.status} for e in es],
    ),
    dict[str, str]: (_text_map, dict),
}


@dataclass(frozen=True)
class _Layout:
    """What reading and writing one payload class needs: built once per class, from its
    fields' type hints, and kept (every event goes through it)."""

    codecs: tuple[_Codec, ...]
    #: The keys not kept in `extra`: the class's fields and the line's own seq, t and kind.
    known: frozenset[str]
    #: (field, how to write it; None: as it is) per field, in order.
    dumpers: tuple[tuple[str, Callable[[Any], object] | None], ...]


@functools.cache
def _layout(cls: type) -> _Layout:
    hints = get_type_hints(cls)
    codecs = tuple(_codec(f.name, hints[f.name]) for f in fields(cls) if f.name != "extra")
    return _Layout(
        codecs,
        frozenset({c.name for c in codecs} | {"seq", "t", "kind"}),
        tuple((c.name, None if c.dump is _same else c.dump) for c in codecs),
    )


def _codec(name: str, hint: Any) -> _Codec:
    optional = get_origin(hint) in (types.UnionType,) and type(None) in get_args(hint)
    base = next(a for a in get_args(hint) if a is not type(None)) if optional else hint
    load, dump = _TYPES[base]
    return _Codec(name, not optional, load, dump)


def dumpers(cls: type) -> tuple[tuple[str, Callable[[Any], object] | None], ...]:
    """(field, how to write it; None: as it is) per field of a payload class, in order: every
    event goes through these."""
    return _layout(cls).dumpers


def read_fields(
    cls: type, what: str, obj: Mapping[str, Any]
) -> tuple[dict[str, object], dict[str, Any]]:
    """The values of a payload class's fields read from a JSON object, and the keys it does
    not know (besides seq, t and kind), in order; `PayloadError` naming the field and `what`
    (`note event`, `join command`) when one is missing or of the wrong type."""
    layout = _layout(cls)
    values: dict[str, object] = {}
    for c in layout.codecs:
        value = obj.get(c.name)
        if value is None and not c.required:  # absent, or null: null counts as absent
            continue
        if type(value) is str and c.load is _text:  # the most common field, checked inline
            values[c.name] = value
            continue
        try:
            values[c.name] = c.load(value)
        except _Wrong as wrong:
            a_what, got = f"{'an' if what[0] in 'aeiou' else 'a'} {what}", short(value)
            raise PayloadError(
                f"{a_what} needs {c.name!r} as {wrong}, got {got}"
                if c.required
                else f"{c.name!r} of {a_what} must be {wrong}, got {got}"
            ) from None
    known = layout.known
    return values, {k: v for k, v in obj.items() if k not in known}


def short(value: object) -> str:
    """A value for a message: its repr, shortened (a line may be a megabyte)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
