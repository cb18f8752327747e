"""Graphviz DOT digraphs (such as `terraform graph` output): every node a node, every edge
`a -> b` a hard dependency of a on b.

A small parser of the DOT language (graph, subgraphs, node / edge / attribute statements,
ports, quoted strings with `+` concatenation, HTML strings, comments) that points every
problem at its line and column. Node labels come from the `label` attribute when there is
one. Terraform's bookkeeping nodes (`[root] root`, `meta.*`, `... (close)`) are dropped and
its `var.`, `local.` and `output.` nodes contracted (their dependents depend on what they
depend on), so that only infrastructure is left.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tabletop.importers.common import ImportedGraph, ImportedNode, fail_at, guess_kind
from tabletop.scenario.problems import InputError, Problem
from tabletop.scenario.yaml_safe import DEFAULT_LIMITS, Limits, _decode, read_bytes

KEYWORDS = frozenset({"strict", "graph", "digraph", "subgraph", "node", "edge"})
_PUNCT = "{}[]=;,:"
_ID_START = re.compile(r"[A-Za-z_\u0080-\U0010ffff]")
_ID_REST = re.compile(r"[A-Za-z_0-9\u0080-\U0010ffff]*")
_NUMERAL = re.compile(r"-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)")


@dataclass(frozen=True)
class Token:
    """One token: its kind (`id`, `edgeop`, a punctuation character or `eof`), text, place."""

    kind: str
    text: str
    line: int
    column: int


class _Lexer:
    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.i = 0
        self.line = 1
        self.col = 1

    def error(self, message: str, line: int | None = None, col: int | None = None) -> InputError:
        return InputError([Problem(self.file, line or self.line, col or self.col, message)])

    def _advance(self, n: int) -> None:
        chunk = self.text[self.i : self.i + n]
        newlines = chunk.count("\n")
        if newlines:
            self.line += newlines
            self.col = n - chunk.rfind("\n")
        else:
            self.col += n
        self.i += n

    def _skip(self) -> None:
        """Whitespace, comments and preprocessor lines (`#` at the start of a line)."""
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c in " \t\r\n\f\v\ufeff":
                self._advance(1)
            elif text.startswith("//", self.i) or (c == "#" and self._at_line_start()):
                end = text.find("\n", self.i)
                self._advance((len(text) if end < 0 else end) - self.i)
            elif text.startswith("/*", self.i):
                end = text.find("*/", self.i + 2)
                if end < 0:
                    raise self.error("a /* comment that is never closed")
                self._advance(end + 2 - self.i)
            else:
                return

    def _at_line_start(self) -> bool:
        start = self.text.rfind("\n", 0, self.i) + 1
        return not self.text[start : self.i].strip()

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        while True:
            self._skip()
            line, col = self.line, self.col
            if self.i >= len(self.text):
                out.append(Token("eof", "", line, col))
                return out
            out.append(self._token(line, col))

    def _token(self, line: int, col: int) -> Token:
        text, i = self.text, self.i
        c = text[i]
        if text.startswith(("->", "--"), i):
            self._advance(2)
            return Token("edgeop", text[i : i + 2], line, col)
        if c in _PUNCT:
            self._advance(1)
            return Token(c, c, line, col)
        if c == '"':
            return Token("id", self._quoted(), line, col)
        if c == "<":
            return Token("id", self._html(), line, col)
        m = _NUMERAL.match(text, i)
        if m:
            self._advance(m.end() - i)
            return Token("id", m.group(0), line, col)
        if _ID_START.match(c):
            m = _ID_REST.match(text, i + 1)
            end = m.end() if m else i + 1
            self._advance(end - i)
            word = text[i:end]
            kind = word.lower() if word.lower() in KEYWORDS else "id"
            return Token(kind, word, line, col)
        raise self.error(f"unexpected character {c!r}")

    def _quoted(self) -> str:
        """A quoted string (the lexer is at its opening quote), with `"a" + "b"` joined."""
        parts: list[str] = []
        while True:
            line, col = self.line, self.col
            text = self.text
            j = self.i + 1
            buf: list[str] = []
            while True:
                if j >= len(text):
                    raise self.error("a quoted string that is never closed", line, col)
                ch = text[j]
                if ch == "\\" and j + 1 < len(text):
                    nxt = text[j + 1]
                    if nxt == "\n":
                        pass  # a line continuation
                    elif nxt == '"':
                        buf.append('"')
                    else:
                        buf.append("\\" + nxt)
                    j += 2
                    continue
                if ch == '"':
                    break
                buf.append(ch)
                j += 1
            self._advance(j + 1 - self.i)
            parts.append("".join(buf))
            save = (self.i, self.line, self.col)
            self._skip()
            if self.i < len(text) and text[self.i] == "+":
                self._advance(1)
                self._skip()
                if self.i < len(text) and text[self.i] == '"':
                    continue
                raise self.error("expected a quoted string after '+'")
            self.i, self.line, self.col = save
            return "".join(parts)

    def _html(self) -> str:
        line, col = self.line, self.col
        depth = 0
        j = self.i
        while j < len(self.text):
            if self.text[j] == "<":
                depth += 1
            elif self.text[j] == ">":
                depth -= 1
                if depth == 0:
                    value = self.text[self.i + 1 : j]
                    self._advance(j + 1 - self.i)
                    return value
            j += 1
        raise self.error("an HTML string <...> that is never closed", line, col)


@dataclass
class DotGraph:
    """What the parser keeps: node names in order of appearance, their labels, the edges."""

    directed: bool = True
    nodes: dict[str, str | None] = field(default_factory=dict)
    edges: list[tuple[str, str, Token]] = field(default_factory=list)


class _Parser:
    def __init__(self, file: str, tokens: list[Token]) -> None:
        self.file = file
        self.toks = tokens
        self.k = 0
        self.graph = DotGraph()
        #: One list per subgraph being parsed: the nodes it names (an edge to a subgraph
        #: is an edge to each of them).
        self.collectors: list[list[str]] = []

    @property
    def tok(self) -> Token:
        return self.toks[self.k]

    def error(self, message: str, tok: Token | None = None) -> InputError:
        t = tok or self.tok
        return fail_at(self.file, t.line, t.column, message)

    def take(self, kind: str, what: str) -> Token:
        t = self.tok
        if t.kind != kind:
            found = "the end of the file" if t.kind == "eof" else repr(t.text)
            raise self.error(f"expected {what}, found {found}")
        self.k += 1
        return t

    def accept(self, kind: str) -> Token | None:
        if self.tok.kind == kind:
            self.k += 1
            return self.toks[self.k - 1]
        return None

    def parse(self) -> DotGraph:
        self.accept("strict")
        t = self.tok
        if t.kind == "graph":
            self.graph.directed = False
        elif t.kind != "digraph":
            raise self.error("expected 'digraph' (or 'strict digraph') at the start of the graph")
        self.k += 1
        self.accept("id")
        self.take("{", "'{'")
        self.stmt_list()
        self.take("}", "'}' closing the graph")
        if self.tok.kind != "eof":
            raise self.error("unexpected text after the graph (one graph per file)")
        return self.graph

    def stmt_list(self) -> None:
        while self.tok.kind not in ("}", "eof"):
            self.stmt()
            self.accept(";")

    def stmt(self) -> None:
        t = self.tok
        if t.kind in ("graph", "node", "edge"):
            self.k += 1
            self.attr_lists(required=True)
            return
        if t.kind in ("subgraph", "{"):
            members = self.subgraph()
            self.edges_from(members)
            return
        if t.kind != "id":
            raise self.error(f"expected a node, an edge or an attribute, found {t.text!r}")
        self.k += 1
        if self.accept("="):
            self.take("id", "a value after '='")
            return
        self.port()
        self.node(t.text)
        if self.tok.kind == "edgeop":
            self.edges_from([t.text])
        else:
            label = self.attr_lists(required=False).get("label")
            if label is not None:
                self.graph.nodes[t.text] = label

    def node(self, name: str) -> None:
        self.graph.nodes.setdefault(name, None)
        for c in self.collectors:
            c.append(name)

    def port(self) -> None:
        if self.accept(":"):
            self.take("id", "a port name after ':'")
            if self.accept(":"):
                self.take("id", "a compass point after ':'")

    def subgraph(self) -> list[str]:
        if self.accept("subgraph"):
            self.accept("id")
        self.take("{", "'{' opening the subgraph")
        self.collectors.append([])
        self.stmt_list()
        self.take("}", "'}' closing the subgraph")
        return list(dict.fromkeys(self.collectors.pop()))

    def operand(self) -> list[str]:
        t = self.tok
        if t.kind in ("subgraph", "{"):
            return self.subgraph()
        name = self.take("id", "a node after the edge").text
        self.port()
        self.node(name)
        return [name]

    def edges_from(self, first: list[str]) -> None:
        left = first
        while self.tok.kind == "edgeop":
            op = self.tok
            if op.text == "--" or not self.graph.directed:
                raise self.error(
                    "an undirected edge: dependencies need a direction (digraph, a -> b)", op
                )
            self.k += 1
            right = self.operand()
            self.graph.edges += [(a, b, op) for a in left for b in right]
            left = right
        self.attr_lists(required=False)

    def attr_lists(self, *, required: bool) -> dict[str, str]:
        attrs: dict[str, str] = {}
        if required and self.tok.kind != "[":
            raise self.error("expected '[' and attributes")
        while self.accept("["):
            while not self.accept("]"):
                key = self.take("id", "an attribute name or ']'").text
                self.take("=", "'=' after the attribute name")
                attrs[key] = self.take("id", "an attribute value").text
                if not self.accept(";"):
                    self.accept(",")
        return attrs


def parse_dot(file: str, text: str) -> DotGraph:
    """Parse DOT text; raise `InputError` (FILE:LINE:COL) at the first problem."""
    return _Parser(file, _Lexer(file, text).tokens()).parse()


# --------------------------------------------------------------------------- terraform

_TF_DECORATION = re.compile(r"^\[root\]\s+|\s+\((?:expand|close|destroy)\)$")
_TF_CONTRACT = ("var.", "local.", "output.")
_TF_MODULES = re.compile(r"^(?:module\.[^.]+\.?)+")


def _display(name: str, label: str | None) -> str:
    return _TF_DECORATION.sub("", label or name).replace('\\"', '"').strip() or name


def _dropped(name: str) -> bool:
    """Terraform's bookkeeping nodes: not infrastructure, and their edges mean nothing."""
    shown = _TF_DECORATION.sub("", name)
    return name.endswith("(close)") or shown == "root" or shown.startswith("meta.")


def _contracted(shown: str) -> bool:
    """Terraform's values and modules' own nodes: not infrastructure, but what depends on
    them depends on what they depend on."""
    rest = _TF_MODULES.sub("", shown)
    return (shown.startswith("module.") and not rest) or rest.startswith(_TF_CONTRACT)


def _kind(shown: str) -> tuple[str, bool]:
    if shown.startswith("provider"):
        return "vendor", True
    resource_type = _TF_MODULES.sub("", shown).removeprefix("data.").split(".")[0]
    return guess_kind(resource_type, default="service"), False


def import_dot(paths: Sequence[str | Path], limits: Limits = DEFAULT_LIMITS) -> ImportedGraph:
    """The graph of one or more DOT files (nodes of the same name are the same node)."""
    graph = ImportedGraph("dot", [str(p) for p in paths])
    labels: dict[str, str | None] = {}
    deps: dict[str, list[str]] = {}
    for path in paths:
        file = str(path)
        raw = read_bytes(Path(path), limits)
        if not raw.strip():
            raise InputError([Problem(file, 1, 1, "empty file: expected a DOT digraph")])
        dot = parse_dot(file, _decode(file, raw))
        for name, label in dot.nodes.items():
            if labels.get(name) is None:
                labels[name] = label
            deps.setdefault(name, [])
        for a, b, _ in dot.edges:
            deps[a].append(b)
    kept = [n for n in deps if not _dropped(n)]
    shown = {n: _display(n, labels[n]) for n in kept}
    contracted = {n for n in kept if _contracted(shown[n])}
    for name in kept:
        if name in contracted:
            continue
        kind, third_party = _kind(shown[name])
        node = ImportedNode(name, shown[name], kind=kind, third_party=third_party)
        provider = re.match(r'provider\["?(?:[^"\]]*/)?([^"\]/]+)"?\]', shown[name])
        if provider:  # provider["registry.terraform.io/hashicorp/aws"] -> provider-aws
            node.id_hint = f"provider-{provider.group(1)}"
        node.hard = _resolve_deps(name, deps, contracted)
        graph.add(node)
    return graph


def _resolve_deps(name: str, deps: dict[str, list[str]], contracted: set[str]) -> list[str]:
    """What `name` depends on, looking through contracted nodes and dropping dropped ones."""
    out: list[str] = []
    seen = {name}
    stack = list(reversed(deps[name]))
    while stack:
        d = stack.pop()
        if d in seen or _dropped(d):
            continue
        seen.add(d)
        if d in contracted:
            stack.extend(reversed(deps[d]))
        else:
            out.append(d)
    return out
