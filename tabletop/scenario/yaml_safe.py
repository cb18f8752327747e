"""Safe, limited YAML loading that can point every problem at a line and column.

Loading is split so that the common case (a valid file) pays little for positions:

1. the bytes are checked (size cap, empty, UTF-8, binary) before any parsing;
2. libyaml (`CSafeLoader`, pure-Python `SafeLoader` as a fallback) composes the node tree,
   which carries the marks of every value;
3. one pass over the node tree refuses deep nesting and alias expansion beyond a budget —
   aliases are shared references, so a "billion laughs" file composes in milliseconds but
   explodes as soon as anything walks it: the expanded size is counted, memoised per node,
   before anything else sees the data;
4. plain Python data is constructed, with duplicate keys collected as problems.

Callers validate the plain data, and only when something is wrong map each problem's
location (a path of keys and indexes, as pydantic reports it) back to a mark with
`YamlDocument.position`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tabletop.scenario.problems import InputError, Problem

try:  # the C loader is ~10x faster; the pure-Python one gives the same results
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_T = TypeVar("_T")

#: Where a location points: the value itself, the key naming it (unknown keys), or the
#: mapping that should contain it (missing keys).
Anchor = Literal["value", "key", "parent"]

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class Limits:
    """Resource limits of one load. The defaults load a generated 100k-node scenario (~20 MB)."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 64
    #: How many nodes alias expansion may add beyond the nodes written in the file.
    max_alias_nodes: int = 100_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Located:
    """A problem found in plain data: its location path, message and what it points at."""

    loc: Loc
    message: str
    anchor: Anchor = "value"


@dataclass
class YamlDocument:
    """A parsed YAML file: its plain data, node tree (for positions) and non-fatal problems."""

    file: str
    data: Any
    root: Node
    raw: bytes
    problems: list[Problem] = field(default_factory=list)

    def position(self, loc: Sequence[int | str], anchor: Anchor = "value") -> tuple[int, int]:
        """1-based line and column of the value at `loc` (or its key, or its parent mapping).

        Path elements that do not match the data (pydantic's union tags, say) are skipped;
        when the path leaves the data, the deepest node reached is used.
        """
        node = self.root
        key_node: Node | None = None
        matched_last = False
        for part in loc:
            child = _child(node, part)
            matched_last = child is not None
            if child is not None:
                key_node, node = child
        # A missing key is not in the data, so the walk already stopped at its parent mapping.
        if anchor == "key" and matched_last and key_node is not None:
            node = key_node
        return node.start_mark.line + 1, node.start_mark.column + 1

    def problem(self, loc: Sequence[int | str], message: str, anchor: Anchor = "value") -> Problem:
        """A `Problem` pointing at `loc`."""
        line, column = self.position(loc, anchor)
        return Problem(self.file, line, column, message)

    def locate(self, located: Located) -> Problem:
        """A `Problem` from a `Located` one."""
        return self.problem(located.loc, located.message, located.anchor)


def _scalar_key(node: Node) -> Any:
    """The Python value of a scalar key node (as the safe constructor would build it)."""
    if isinstance(node, ScalarNode):
        try:
            return yaml.SafeLoader("").construct_object(node)
        except Exception:  # a key that does not construct is its text here
            return node.value
    return None


def _child(node: Node, part: int | str) -> tuple[Node | None, Node] | None:
    """(key node, value node) of `part` in a mapping or sequence node, or None."""
    if isinstance(node, SequenceNode) and isinstance(part, int):
        if 0 <= part < len(node.value):
            return None, node.value[part]
        return None
    if isinstance(node, MappingNode):
        # Last wins, as in the constructed data.
        for key_node, value_node in reversed(node.value):
            if isinstance(key_node, ScalarNode) and (
                key_node.value == part or _scalar_key(key_node) == part
            ):
                return key_node, value_node
    return None


class _Unconstructable(yaml.MarkedYAMLError):
    """A value PyYAML parsed but could not build (a date that does not exist, `!!int abc`):
    raised at the innermost node, with its mark and a message for the author."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(problem=message, problem_mark=node.start_mark)
        self.message = message


_TAG_WORDS = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:timestamp": "a date or time",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:binary": "base64 data",
    "tag:yaml.org,2002:map": "a mapping",
    "tag:yaml.org,2002:omap": "an ordered mapping",
    "tag:yaml.org,2002:pairs": "a list of pairs",
    "tag:yaml.org,2002:set": "a set",
    "tag:yaml.org,2002:seq": "a list",
    "tag:yaml.org,2002:str": "text",
}


#: Digits an integer may have: a float (every number a scenario holds) ends near 1.8e308.
MAX_INT_DIGITS = 300
_INT_LIMIT = 10**MAX_INT_DIGITS

_COLLECTIONS = ("a mapping", "a list", "a set", "a list of pairs", "an ordered mapping")


def _unconstructable_message(node: Node, exc: Exception) -> str:
    """Why a node could not be built, in an author's words (the value shortened)."""
    tag = str(node.tag)
    short = tag.replace("tag:yaml.org,2002:", "!!")
    if not isinstance(node, ScalarNode):
        kind = "a mapping" if isinstance(node, MappingNode) else "a list"
        return f"{short} cannot be applied to {kind}: use plain YAML values only"
    value = str(node.value)
    shown = repr(value if len(value) <= 40 else value[:37] + "...")
    if tag.endswith(":timestamp") and not node.style and not _explicit(node):
        # An implicit date (`2024-02-30`): it looks like one, so YAML tried to build it.
        return f"{shown} looks like a date but is not one ({exc}): quote it to make it text"
    wanted = _TAG_WORDS.get(tag)
    if wanted is None:
        return f"{shown} cannot be read with tag {short}: use plain YAML values only"
    if wanted in _COLLECTIONS:
        return f"{short} needs {wanted}, got the text {shown}"
    return f"{shown} is not {wanted} (tag {short})"


def _explicit(node: ScalarNode) -> bool:
    # The composer keeps no flag for an explicit tag on a plain scalar; an implicit one is
    # exactly what the resolver would give the text.
    resolved = yaml.resolver.Resolver().resolve(ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
    return bool(node.tag != resolved)


class _Loader(_BaseLoader):
    """Safe loader that collects duplicate and unhashable keys instead of keeping the last,
    and turns every value it cannot build into a problem at that value."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.key_problems: list[tuple[Node, str]] = []

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """Build one node. Deep, so that a failure inside a mapping or list is raised here,
        at that node, rather than later from a pending generator with no node to point at
        (depth is already bounded by `Limits.max_depth`)."""
        try:
            return super().construct_object(node, deep=True)
        except (_Unconstructable, RecursionError, MemoryError):
            raise
        except yaml.MarkedYAMLError as exc:
            unsupported = "could not determine a constructor" in str(exc.problem)
            if exc.problem_mark is None or (
                exc.problem_mark.index == node.start_mark.index and not unsupported
            ):  # PyYAML's own words for this node ("failed to decode base64 data: ...")
                raise _Unconstructable(node, _unconstructable_message(node, exc)) from None
            raise
        except Exception as exc:  # PyYAML raises anything from its builders
            raise _Unconstructable(node, _unconstructable_message(node, exc)) from None

    def construct_yaml_int(self, node: ScalarNode) -> int:
        """An integer, refusing one larger than any number a scenario holds: past ~309 digits
        it cannot even become a float, and every later step would overflow on it. The text
        is measured before it is read (Python refuses decimal text over 4,300 digits), the
        value after (`0xfff...`, `!!int 190:20:30` give large values from short text)."""
        digits = sum(ch.isalnum() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise _Unconstructable(
                node, f"a number of {digits:,} digits is too long (at most {MAX_INT_DIGITS})"
            )
        value = int(super().construct_yaml_int(node))
        if abs(value) >= _INT_LIMIT:
            raise _Unconstructable(
                node,
                f"{str(node.value)[:20]!r}... is too large a number (at most 1e{MAX_INT_DIGITS})",
            )
        return value

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):  # `!!map` (or `!!omap`...) on a scalar or list
            raise _Unconstructable(node, _unconstructable_message(node, TypeError()))
        merge_keys = sum(1 for k, _ in node.value if k.tag == "tag:yaml.org,2002:merge")
        own_keys = len(node.value) - merge_keys
        self.flatten_mapping(node)
        # flatten_mapping puts merged (`<<`) pairs first; the file's own keys may override them.
        merged = len(node.value) - own_keys
        mapping: dict[Any, Any] = {}
        first: dict[Any, tuple[int, Node]] = {}
        for index, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=deep)
            try:
                seen = first.get(key)
            except TypeError:
                self.key_problems.append(
                    (key_node, "a key must be a plain value, not a list or mapping")
                )
                continue
            if seen is None:
                first[key] = (index, key_node)
            elif seen[0] >= merged:  # overriding a merged key is what `<<` is for
                line = seen[1].start_mark.line + 1
                self.key_problems.append(
                    (key_node, f"duplicate key {_show(key)} (first at line {line})")
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


# The constructor table maps tags to functions, not method names: register the override.
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)

#: YAML 1.1's base-60 numbers, as PyYAML's resolver matches them: `1:30` (90), `10:30` (630),
#: `1:30:00` (5400), `1:30:00.5`. Authors write clock times this way, never base 60.
BASE_60 = r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$"


def _without_base_60(
    resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]],
) -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    """The implicit resolvers with the int and float patterns refusing base-60 text, so that
    `at: 1:30:00` stays the text '1:30:00' (which validation then reports where a number of
    minutes belongs) instead of silently becoming 5400, and `title: 1:30` is the text
    "1:30". YAML 1.2 dropped base 60 for the same reason."""
    numbers = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    return {
        first: [
            (tag, re.compile(f"(?!{BASE_60}){regexp.pattern}", regexp.flags))
            if tag in numbers
            else (tag, regexp)
            for tag, regexp in entries
        ]
        for first, entries in resolvers.items()
    }


# A class attribute read by both the C parser (which asks `resolve`) and the pure-Python one;
# replaced on our class only, so PyYAML's own loaders keep YAML 1.1 as it is.
_Loader.yaml_implicit_resolvers = _without_base_60(_Loader.yaml_implicit_resolvers)


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


# Library messages (C and pure-Python loaders word them differently) rewritten into what an
# author needs to do about them: (substring of the library's problem, our message).
_REWRITES: tuple[tuple[str, str], ...] = (
    ("tab character", "tab character: YAML indentation must use spaces"),
    ("found character '\\t'", "tab character: YAML indentation must use spaces"),
    ("mapping values are not allowed", "unexpected ':' (a value containing ': ' must be quoted)"),
    ("exceeded maximum nesting depth", "nesting too deep"),
    ("found undefined alias", "undefined alias {alias}: no anchor &{name} above it"),
    ("could not determine a constructor", "unsupported tag {tag}: use plain YAML values only"),
    ("found another document", "a second YAML document: a scenario file holds exactly one"),
)

_CONTEXTS = {
    "while parsing a flow sequence": "in the [ ] list opened at line {line}",
    "while parsing a flow mapping": "in the {{ }} mapping opened at line {line}",
    "while parsing a block mapping": "in the mapping that starts at line {line}",
    "while parsing a block collection": "in the list that starts at line {line}",
    "while scanning a quoted scalar": "in the quoted text that starts at line {line}",
}


def _yaml_problem(file: str, exc: yaml.YAMLError, text: str = "") -> Problem:
    """One problem from a PyYAML error, at its mark, in an author's words."""
    if isinstance(exc, _Unconstructable):
        mark = exc.problem_mark
        assert mark is not None
        return Problem(file, mark.line + 1, mark.column + 1, exc.message)
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(file, exc, text)
    if not (isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None):
        return Problem(file, 1, 1, f"YAML syntax: {exc}")
    mark = exc.problem_mark
    problem = (exc.problem or "invalid YAML").strip()
    if text[mark.index : mark.index + 1] == "\t":  # libyaml words tab errors several ways
        problem = "tab character"
    for needle, rewrite in _REWRITES:
        if needle in problem:
            at = text[mark.index : mark.index + 80] if text else ""
            alias = re.match(r"\*([^\s,\]}]+)", at)
            tag = re.search(r"'([^']*)'", problem)
            message = rewrite.format(
                alias=f"*{alias.group(1)}" if alias else "",
                name=alias.group(1) if alias else "",
                tag=repr(tag.group(1).replace("tag:yaml.org,2002:", "!!")) if tag else "",
            )
            return Problem(file, mark.line + 1, mark.column + 1, message)
    context = (exc.context or "").strip()
    if context and exc.context_mark is not None:
        line = exc.context_mark.line + 1
        where = _CONTEXTS.get(context, context + " at line {line}").format(line=line)
        problem = f"{problem} ({where})"
    return Problem(file, mark.line + 1, mark.column + 1, f"YAML syntax: {problem}")


#: Characters YAML does not allow in a file (YAML 1.1 § 5.1: the printable set).
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _reader_problem(file: str, exc: yaml.reader.ReaderError, text: str) -> Problem:
    """A character YAML refuses, at its own line and column (the reader's own error gives a
    character offset in a second line, and only the C loader's counts bytes)."""
    found = _NOT_YAML.search(text)
    if found is None:
        return Problem(file, 1, 1, f"YAML syntax: {str(exc.reason).strip()}")
    at = found.start()
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    code = ord(found.group())
    return Problem(
        file,
        line,
        column,
        f"control character U+{code:04X} is not allowed in YAML "
        f"(write it as \\u{code:04x} inside double quotes, or remove it)",
    )


def _decode(file: str, raw: bytes) -> str:
    """The text of `raw`, refusing binary and non-UTF-8 bytes with their position."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _offset_position(raw, exc.start)
        binary = b"\x00" in raw[:8192]
        what = "binary data, not a YAML text file" if binary else "not valid UTF-8"
        raise InputError(
            [Problem(file, line, column, f"{what} (byte 0x{raw[exc.start]:02x})")]
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - text.rfind("\n", 0, nul)
        raise InputError(
            [Problem(file, line, column, "binary data (NUL byte), not a YAML text file")]
        )
    return text


def _offset_position(raw: bytes, offset: int | None) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `offset` (default: the end)."""
    before = raw if offset is None else raw[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


def _check_tree(file: str, root: Node, limits: Limits) -> None:
    """Refuse deep nesting, recursive aliases and alias expansion beyond the budget.

    Iterative post-order walk over distinct nodes; `size` memoises each node's expanded size,
    so a node reached through an alias costs one lookup, however big it expands.
    """
    size: dict[int, int] = {}
    on_path: set[int] = set()
    unique = 0
    stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            if isinstance(node, MappingNode):
                kids = [n for pair in node.value for n in pair]
            else:
                kids = node.value
            size[key] = 1 + sum(size[id(k)] for k in kids)
            continue
        if key in size:
            continue
        if key in on_path:
            raise InputError(
                [node_problem(file, node, "an alias refers to itself (recursive data)")]
            )
        if not isinstance(node, (MappingNode, SequenceNode)):
            size[key] = 1
            unique += 1
            continue
        unique += 1
        if depth > limits.max_depth:
            message = f"nesting deeper than {limits.max_depth} levels"
            raise InputError([node_problem(file, node, message)])
        on_path.add(key)
        stack.append((node, depth, True))
        children = (
            [n for pair in node.value for n in pair]
            if isinstance(node, MappingNode)
            else node.value
        )
        stack.extend((child, depth + 1, False) for child in reversed(children))
    expanded = size[id(root)]
    if expanded - unique > limits.max_alias_nodes:
        raise InputError(
            [
                Problem(
                    file,
                    1,
                    1,
                    f"aliases expand to {expanded:,} values from {unique:,} written "
                    f"(limit: {limits.max_alias_nodes:,} more): refusing to load",
                )
            ]
        )


def _check_depth(file: str, node: Node, depth: int, max_depth: int) -> None:
    """Refuse nesting deeper than `max_depth` (recursion is bounded by `max_depth` itself)."""
    if depth > max_depth:
        raise InputError([node_problem(file, node, f"nesting deeper than {max_depth} levels")])
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                _check_depth(file, key, depth + 1, max_depth)
            if not isinstance(value, ScalarNode):
                _check_depth(file, value, depth + 1, max_depth)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            if not isinstance(item, ScalarNode):
                _check_depth(file, item, depth + 1, max_depth)


def parse_yaml(raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """Parse `raw` bytes of `file`; raise `InputError` for anything that stops the load."""
    if len(raw) > limits.max_bytes:
        raise InputError(
            [
                Problem(
                    file,
                    1,
                    1,
                    f"file too large: {len(raw):,} bytes (limit {limits.max_bytes:,})",
                )
            ]
        )
    if not raw.strip():
        raise InputError([Problem(file, 1, 1, "empty file: expected a YAML mapping")])
    text = _decode(file, raw)
    loader = _Loader(text)
    try:
        root = _compose(file, text, loader.get_single_node)
        if root is None:
            raise InputError(
                [Problem(file, 1, 1, "no YAML content (only comments): expected a mapping")]
            )
        data = _construct(loader, file, text, root, limits)
    finally:
        loader.dispose()
    problems = [node_problem(file, n, msg) for n, msg in loader.key_problems]
    return YamlDocument(file, data, root, raw, problems)


def parse_yaml_documents(
    raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS
) -> list[YamlDocument]:
    """Every non-empty document of the (already size-checked) `raw` bytes of `file`, each with
    its own node tree; raise `InputError` at the first problem (a duplicate key included)."""
    text = _decode(file, raw)
    loader = _Loader(text)
    docs: list[YamlDocument] = []
    try:
        while _compose(file, text, loader.check_node):
            root = _compose(file, text, loader.get_node)
            if root is None:
                continue
            before = len(loader.key_problems)
            data = _construct(loader, file, text, root, limits)
            problems = [node_problem(file, n, msg) for n, msg in loader.key_problems[before:]]
            if problems:
                raise InputError(problems)
            if data is not None:
                docs.append(YamlDocument(file, data, root, raw, []))
    finally:
        loader.dispose()
    return docs


def node_problem(file: str, node: Node, message: str) -> Problem:
    """A `Problem` of `file` at where `node` starts."""
    return Problem(file, node.start_mark.line + 1, node.start_mark.column + 1, message)


def _compose(file: str, text: str, step: Callable[[], _T]) -> _T:
    """`step` of composing the node trees of `text` (the next one, or whether there is one),
    every YAML error one problem."""
    try:
        return step()
    except yaml.YAMLError as exc:
        raise InputError([_yaml_problem(file, exc, text)]) from None
    except RecursionError:  # pure-Python fallback on very deep input
        raise InputError([Problem(file, 1, 1, "nesting too deep")]) from None


def _construct(loader: _Loader, file: str, text: str, root: Node, limits: Limits) -> Any:
    """The plain data of `root`, once its nesting and alias expansion are within `limits`."""
    if "&" in text:  # anchors, hence perhaps aliases: count the expanded size
        _check_tree(file, root, limits)
    else:  # no alias is possible: only the depth needs checking, and that is cheaper
        _check_depth(file, root, 1, limits.max_depth)
    try:
        return loader.construct_document(root)
    except yaml.YAMLError as exc:
        raise InputError([_yaml_problem(file, exc, text)]) from None


def read_bytes(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of `path`, refusing unreadable and oversized files before reading them."""
    file = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError([Problem(file, 1, 1, "is a folder, not a file")])
        if size > limits.max_bytes:
            raise InputError(
                [
                    Problem(
                        file, 1, 1, f"file too large: {size:,} bytes (limit {limits.max_bytes:,})"
                    )
                ]
            )
        with path.open("rb") as fh:
            # Read one byte past the cap: the file may have grown since stat().
            return fh.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise InputError([Problem(file, 1, 1, "no such file")]) from None
    except OSError as exc:
        raise InputError([Problem(file, 1, 1, f"cannot read: {exc.strerror or exc}")]) from None


def load_yaml(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """Read and parse a YAML file with the given limits (see `parse_yaml`)."""
    p = Path(path)
    return parse_yaml(read_bytes(p, limits), str(p), limits)
