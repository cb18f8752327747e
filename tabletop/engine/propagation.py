"""Effective status of every node from the own statuses (DESIGN.md § Engine semantics).

`compute_effective` is the small, obviously correct full recomputation: the test oracle.
`StatusGraph` is what the engine uses per event: an incremental update over compact
integer-indexed structures, falling back to a vectorised recomputation for big cascades.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from tabletop.scenario.models import Node, SoftDependency

UP = "up"
DEGRADED = "degraded"
DOWN = "down"
COMPROMISED = "compromised"
STANDBY = "standby"

_OWN_DOWN = frozenset({DOWN, STANDBY})


@dataclass(frozen=True)
class NodeDeps:
    """The dependency structure of one node, by id."""

    hard: tuple[str, ...] = ()
    soft: tuple[str, ...] = ()
    any_of: tuple[tuple[str, ...], ...] = ()


@dataclass
class DepGraph:
    """Dependencies and their reverse (dependents) for a set of nodes."""

    deps: dict[str, NodeDeps] = field(default_factory=dict)

    @classmethod
    def from_nodes(cls, nodes: Iterable[Node]) -> DepGraph:
        """Build from scenario nodes (one pass over each node's `depends_on`)."""
        deps: dict[str, NodeDeps] = {}
        for n in nodes:
            hard: list[str] = []
            soft: list[str] = []
            groups: list[tuple[str, ...]] = []
            for d in n.depends_on:
                if isinstance(d, str):
                    hard.append(d)
                elif isinstance(d, SoftDependency):
                    soft.append(d.soft)
                else:
                    groups.append(tuple(d.any_of))
            deps[n.id] = NodeDeps(tuple(hard), tuple(soft), tuple(groups))
        return cls(deps)

    def dependents(self) -> dict[str, list[str]]:
        """For every node, the nodes that depend on it (hard, soft or any_of), sorted."""
        rev: dict[str, set[str]] = {n: set() for n in self.deps}
        for node, d in self.deps.items():
            for dep in (*d.hard, *d.soft, *(m for g in d.any_of for m in g)):
                rev.setdefault(dep, set()).add(node)
        return {k: sorted(v) for k, v in rev.items()}


def compute_down(graph: DepGraph, own: Mapping[str, str]) -> set[str]:
    """The least fixed point of "down": iterate from the own-down nodes until stable."""
    down = {n for n, s in own.items() if s in _OWN_DOWN}
    changed = True
    while changed:
        changed = False
        for node, d in graph.deps.items():
            if node in down:
                continue
            if any(h in down for h in d.hard) or any(all(m in down for m in g) for g in d.any_of):
                down.add(node)
                changed = True
    return down


def compute_effective(graph: DepGraph, own: Mapping[str, str]) -> dict[str, str]:
    """Effective status of every node: the oracle the incremental engine is tested against."""
    down = compute_down(graph, own)
    degraded = {n for n, s in own.items() if s == DEGRADED and n not in down}
    changed = True
    while changed:
        changed = False
        for node, d in graph.deps.items():
            if node in down or node in degraded:
                continue
            if any(x in down or x in degraded for x in (*d.hard, *d.soft)):
                degraded.add(node)
                changed = True
    result: dict[str, str] = {}
    for node in graph.deps:
        if node in down:
            result[node] = DOWN
        elif node in degraded:
            result[node] = DEGRADED
        elif own[node] == COMPROMISED:
            result[node] = COMPROMISED
        else:
            result[node] = UP
    return result


# --------------------------------------------------------------------------- incremental engine
#
# Status codes as small integers so that the state fits in bytearrays. A bytearray is fast to
# index from Python (the per-node path) and numpy can view the same memory without a copy (the
# vectorised path), so switching path per event costs no conversion.

C_UP = 0
C_DEGRADED = 1
C_DOWN = 2
C_COMPROMISED = 3
C_STANDBY = 4

#: Status name of each code.
CODE_NAMES: tuple[str, ...] = (UP, DEGRADED, DOWN, COMPROMISED, STANDBY)
#: Code of each status name.
CODES: dict[str, int] = {name: code for code, name in enumerate(CODE_NAMES)}

#: Nodes the per-node path may touch in one event before it gives up and recomputes the whole
#: state vectorised. Measured on generated graphs: the per-node path costs 1–4 µs per node
#: touched; one vectorised recomputation costs about 0.05 µs per node and edge swept plus some
#: 30 µs per level of the cascade. The budget grows with the graph, capped so that an event
#: that does go vectorised has not wasted much first.
MIN_BUDGET = 64
MAX_BUDGET = 1500


def default_budget(nodes: int) -> int:
    """The per-node budget for a graph of this many nodes."""
    return max(MIN_BUDGET, min(MAX_BUDGET, nodes // 40))


_I32 = np.int32


class _TooBig(Exception):
    """The per-node path exceeded its budget: recompute vectorised instead."""


@dataclass(frozen=True)
class _Rows:
    """Rows of integers in compressed form: numpy arrays for vectorised sweeps, and the same
    data as flat Python lists for the per-node path (slicing a list beats indexing numpy)."""

    ptr: npt.NDArray[np.int64]
    idx: npt.NDArray[np.int32]
    lptr: list[int]
    lidx: list[int]

    @classmethod
    def from_pairs(cls, rows: int, row_of: npt.NDArray[Any], values: npt.NDArray[Any]) -> _Rows:
        """Rows from (row, value) pairs; values keep their pair order within a row."""
        order = np.argsort(row_of, kind="stable")
        counts = np.bincount(row_of, minlength=rows) if rows else np.zeros(0, np.int64)
        ptr = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        idx = np.ascontiguousarray(values[order], dtype=_I32)
        return cls(ptr, idx, ptr.tolist(), idx.tolist())

    def row(self, i: int) -> list[int]:
        """Row i as a list."""
        return self.lidx[self.lptr[i] : self.lptr[i + 1]]

    def gather(self, rows: npt.NDArray[Any]) -> npt.NDArray[np.int32]:
        """Concatenation of the given rows, in the order of `rows`, vectorised."""
        starts = self.ptr[rows]
        lengths = self.ptr[rows + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return np.empty(0, dtype=_I32)
        before = np.cumsum(lengths) - lengths
        picked: npt.NDArray[np.int32] = self.idx[
            np.arange(total, dtype=np.int64) + np.repeat(starts - before, lengths)
        ]
        return picked

    def gather_set(self, rows: npt.NDArray[Any]) -> npt.NDArray[np.int32]:
        """The values of the given (distinct) rows, in any order. When the rows hold a large
        share of all values, one sequential pass with a row mask beats the random gather."""
        if rows.size * 2 < len(self.lptr):
            return self.gather(rows)
        mask = np.zeros(len(self.lptr) - 1, dtype=np.bool_)
        mask[rows] = True
        picked: npt.NDArray[np.int32] = self.idx[np.repeat(mask, np.diff(self.ptr))]
        return picked


def _first_occurrences(values: npt.NDArray[np.int32], stamp: npt.NDArray[np.int64]) -> Any:
    """`values` without duplicates, in O(len) without sorting (`stamp`: scratch, one slot per
    possible value)."""
    if values.size < 2:
        return values
    order = np.arange(values.size, dtype=np.int64)
    stamp[values] = order  # for duplicates the last write wins ...
    return values[stamp[values] == order]  # ... so exactly one copy passes


def _edges(
    pos: dict[str, int], rows: list[tuple[str, ...]], *, keep_unknown: bool = False
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(row, target) arrays for lists of target ids, one list per row; unknown ids become -1
    (kept when asked, else dropped)."""
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    row_of = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    try:  # list comprehensions beat generators into np.fromiter by about 2x here
        flat = [pos[x] for r in rows for x in r]
    except KeyError:
        flat = [pos.get(x, -1) for r in rows for x in r]
    target = np.array(flat, dtype=np.int64)
    if not keep_unknown and target.size and target.min() < 0:
        known = target >= 0
        return row_of[known], target[known]
    return row_of, target


@dataclass(frozen=True)
class _Index:
    """The dependency graph with integer node ids (file order) and groups numbered in order.

    Forward rows (what a node needs) serve the "does it still have a cause" checks; reverse
    rows (who needs a node) serve spreading. Dependencies on unknown ids never go down, as in
    the oracle, so they are left out (and an any_of group with such a member is dropped).
    """

    ids: list[str]
    pos: dict[str, int]
    hard: _Rows  # node -> its hard dependencies
    bad_deps: _Rows  # node -> hard + soft dependencies (what makes it degraded)
    groups_of: _Rows  # node -> the any_of groups it owns
    members: _Rows  # group -> its members
    owner: list[int]  # group -> its owner node
    np_owner: npt.NDArray[np.int32]
    rev_hard: _Rows  # node -> nodes that hard-depend on it
    rev_soft: _Rows  # node -> nodes that soft-depend on it
    rev_bad: _Rows  # node -> nodes that hard- or soft-depend on it
    rev_grp: _Rows  # node -> groups it is a member of (one entry per membership)

    @property
    def groups(self) -> int:
        """Number of any_of groups."""
        return len(self.owner)

    @classmethod
    def build(cls, graph: DepGraph) -> _Index:
        """Index a `DepGraph`: ids to integers with list comprehensions, the rest in numpy.
        (Duplicate edges are kept: they cost a repeated check, never a wrong answer.)"""
        ids = list(graph.deps)
        pos = {node: i for i, node in enumerate(ids)}
        n = len(ids)
        deps = list(graph.deps.values())
        h_node, h_dep = _edges(pos, [d.hard for d in deps])
        s_node, s_dep = _edges(pos, [d.soft for d in deps])
        # any_of groups, numbered in file order; one with an unknown member never goes down.
        group_lists = [g for d in deps for g in d.any_of]
        g_owner = np.repeat(
            np.arange(n, dtype=np.int64),
            np.fromiter((len(d.any_of) for d in deps), dtype=np.int64, count=n),
        )
        m_grp, m_node = _edges(pos, group_lists, keep_unknown=True)
        unknown = np.zeros(len(group_lists), dtype=np.bool_)
        unknown[m_grp[m_node < 0]] = True
        if unknown.any():
            renumber = np.cumsum(~unknown) - 1
            keep = ~unknown[m_grp]
            m_grp, m_node = renumber[m_grp[keep]], m_node[keep]
            g_owner = g_owner[~unknown]
        groups = int(g_owner.size)
        b_node = np.concatenate((h_node, s_node))
        b_dep = np.concatenate((h_dep, s_dep))
        return cls(
            ids,
            pos,
            hard=_Rows.from_pairs(n, h_node, h_dep),
            bad_deps=_Rows.from_pairs(n, b_node, b_dep),
            groups_of=_Rows.from_pairs(n, g_owner, np.arange(groups)),
            members=_Rows.from_pairs(groups, m_grp, m_node),
            owner=g_owner.tolist(),
            np_owner=g_owner.astype(_I32),
            rev_hard=_Rows.from_pairs(n, h_dep, h_node),
            rev_soft=_Rows.from_pairs(n, s_dep, s_node),
            rev_bad=_Rows.from_pairs(n, b_dep, b_node),
            rev_grp=_Rows.from_pairs(n, m_node, m_grp),
        )

    def dependents(self, i: int) -> list[int]:
        """Nodes that depend on node i in any way, without duplicates, in file order."""
        return sorted({*self.rev_bad.row(i), *(self.owner[g] for g in self.rev_grp.row(i))})


class Changes(Sequence[tuple[str, str, str]]):
    """Effective status changes of one update, in file order, as (node, old, new).

    A cascade can change tens of thousands of nodes; the tuples are only built when read, and
    `indices`, `old_codes`, `new_codes` give the compact form (for impact accounting).
    """

    __slots__ = ("_ids", "indices", "new_codes", "old_codes")

    def __init__(
        self,
        ids: list[str],
        indices: npt.NDArray[np.int64],
        old_codes: npt.NDArray[np.uint8],
        new_codes: npt.NDArray[np.uint8],
    ) -> None:
        self._ids = ids
        self.indices = indices
        self.old_codes = old_codes
        self.new_codes = new_codes

    def __len__(self) -> int:
        return int(self.indices.size)

    @overload
    def __getitem__(self, k: int) -> tuple[str, str, str]: ...

    @overload
    def __getitem__(self, k: slice) -> list[tuple[str, str, str]]: ...

    def __getitem__(self, k: int | slice) -> tuple[str, str, str] | list[tuple[str, str, str]]:
        if isinstance(k, slice):
            return [self._one(j) for j in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        return self._one(k)

    def _one(self, j: int) -> tuple[str, str, str]:
        return (
            self._ids[int(self.indices[j])],
            CODE_NAMES[int(self.old_codes[j])],
            CODE_NAMES[int(self.new_codes[j])],
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Changes({list(self)!r})"


class _StatusView(Mapping[str, str]):
    """Read-only mapping node id -> status name over a code array (no per-event dict upkeep)."""

    __slots__ = ("_codes", "_ids", "_pos")

    def __init__(self, ids: list[str], pos: dict[str, int], codes: bytearray) -> None:
        self._ids = ids
        self._pos = pos
        self._codes = codes

    def __getitem__(self, node: str) -> str:
        return CODE_NAMES[self._codes[self._pos[node]]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, node: object) -> bool:
        return node in self._pos

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class StatusGraph:
    """Own and effective statuses of a scenario's nodes, updated one own-status change at a time.

    The update is incremental: "down" is the least fixed point over hard and `any_of` edges,
    "bad" (down or degraded) the least fixed point over hard and soft edges seeded by the down
    nodes and the own-degraded ones. Gaining a cause spreads forward from the node; losing one
    uses delete-and-rederive: every node that could have been held through the lost cause (the
    down nodes reachable from it through down nodes) is cleared, then those with a cause left
    are re-derived and spread — so a cycle held down only through itself comes back up. This
    work is proportional to what can change. An event that touches more than `budget` nodes is
    redone as one vectorised recomputation (numpy frontier sweeps over CSR arrays), which costs
    a few milliseconds even on 100k nodes.
    """

    def __init__(
        self, graph: DepGraph, own: Mapping[str, str], *, budget: int | None = None
    ) -> None:
        self.graph = graph
        self._ix = ix = _Index.build(graph)
        n = len(ix.ids)
        self.budget = default_budget(n) if budget is None else budget
        # Nodes whose last update cascaded past the budget: the next update of the same node
        # (restoring what failing it brought down, typically) goes vectorised at once.
        self._big = bytearray(n)
        self._own = bytearray(n)
        for node, status in own.items():
            if node in ix.pos:
                self._own[ix.pos[node]] = CODES[status]
        self._own_np = np.frombuffer(self._own, dtype=np.uint8)
        self._down = bytearray(n)
        self._bad = bytearray(n)
        self._code = bytearray(n)
        self._down_np = np.frombuffer(self._down, dtype=np.uint8)
        self._bad_np = np.frombuffer(self._bad, dtype=np.uint8)
        self._code_np = np.frombuffer(self._code, dtype=np.uint8)
        self._stamp = np.zeros(n, dtype=np.int64)
        self.own: Mapping[str, str] = _StatusView(ix.ids, ix.pos, self._own)
        self.effective: Mapping[str, str] = _StatusView(ix.ids, ix.pos, self._code)
        #: How many updates took each path (for benchmarks and tests).
        self.path_counts = {"incremental": 0, "vectorised": 0}
        self._recompute()

    # ------------------------------------------------------------------ public

    @property
    def ids(self) -> list[str]:
        """Node ids in index order (file order)."""
        return self._ix.ids

    @property
    def index(self) -> dict[str, int]:
        """Index of each node id."""
        return self._ix.pos

    @property
    def codes(self) -> npt.NDArray[np.uint8]:
        """Effective status codes by node index (a read-only view; see `CODE_NAMES`)."""
        view = self._code_np.view()
        view.flags.writeable = False
        return view

    @property
    def own_codes(self) -> npt.NDArray[np.uint8]:
        """Own status codes by node index (a read-only view)."""
        view = self._own_np.view()
        view.flags.writeable = False
        return view

    def dependents(self, node: str) -> list[str]:
        """Ids of the nodes that depend on `node` (hard, soft or any_of), in file order."""
        ix = self._ix
        return [ix.ids[j] for j in ix.dependents(ix.pos[node])]

    def set_own(self, node: str, status: str) -> Changes:
        """Set one node's own status; return (node, old, new) for every effective change."""
        v = self._ix.pos[node]
        new_own = CODES[status]
        old_own = self._own[v]
        if new_own == old_own:
            return self._no_changes()
        self._own[v] = new_own
        if not self._big[v]:
            try:
                changes = self._update(v, old_own, new_own)
                self.path_counts["incremental"] += 1
                return changes
            except _TooBig:
                pass
        changes = self._recompute()
        self.path_counts["vectorised"] += 1
        self._big[v] = len(changes) > self.budget
        return changes

    def recompute(self) -> Changes:
        """Recompute every effective status from the own ones (vectorised); return changes."""
        return self._recompute()

    def why(self, node: str) -> str | None:
        """Why the node is down or degraded, in words; None when it is up or compromised."""
        eff = self.effective[node]
        own = self.own[node]
        d = self.graph.deps[node]
        if eff == DOWN:
            if own == STANDBY:
                return "on standby: not started"
            if own == DOWN:
                return "down itself"
            for h in d.hard:
                if self.effective.get(h) == DOWN:
                    return f"depends on {h}, which is down"
            for g in d.any_of:
                if all(self.effective.get(m) == DOWN for m in g):
                    return f"every one of {', '.join(g)} is down"
            return "down"
        if eff == DEGRADED:
            if own == DEGRADED:
                return "degraded itself"
            for x in (*d.hard, *d.soft):
                if self.effective.get(x) in (DOWN, DEGRADED):
                    return f"depends on {x}, which is {self.effective[x]}"
            return "degraded"
        return None

    # --------------------------------------------------------- per-node path

    def _update(self, v: int, old_own: int, new_own: int) -> Changes:
        own = self._own
        down = self._down
        bad = self._bad
        was_own_down = old_own in (C_DOWN, C_STANDBY)
        is_own_down = new_own in (C_DOWN, C_STANDBY)
        went_up: list[int] = []
        went_down: list[int] = []
        if was_own_down and not is_own_down and down[v] and not self._proves_down(v):
            went_up = self._down_retract(v)
        elif is_own_down and not was_own_down and not down[v]:
            down[v] = 1
            went_down = [v]
            self._down_spread(went_down)
        # The bad layer: nodes whose own cause of being bad (down, or degraded itself) changed.
        lost = [x for x in went_up if bad[x] and own[x] != C_DEGRADED]
        if old_own == C_DEGRADED and new_own != C_DEGRADED and bad[v] and not down[v]:
            lost.append(v)
        if len(lost) <= 4:  # a search per node would cost more than it saves on big lists
            lost = [x for x in lost if not self._proves_bad(x)]
        bad_cleared = self._bad_retract(lost) if lost else []
        gained = [x for x in went_down if not bad[x]]
        if new_own == C_DEGRADED and not bad[v]:
            gained.append(v)
        for x in gained:
            bad[x] = 1
        if gained:
            self._bad_spread(list(gained), gained)
        touched = sorted({v, *went_up, *went_down, *bad_cleared, *gained})
        return self._commit(touched)

    def _commit(self, touched: list[int]) -> Changes:
        """Recompute the effective code of the touched nodes; return those that changed."""
        own, down, bad, code = self._own, self._down, self._bad, self._code
        idx: list[int] = []
        olds: list[int] = []
        news: list[int] = []
        for x in touched:
            c = (
                C_DOWN
                if down[x]
                else C_DEGRADED
                if bad[x]
                else C_COMPROMISED
                if own[x] == C_COMPROMISED
                else C_UP
            )
            if c != code[x]:
                idx.append(x)
                olds.append(code[x])
                news.append(c)
                code[x] = c
        return Changes(
            self._ix.ids,
            np.asarray(idx, dtype=np.int64),
            np.asarray(olds, dtype=np.uint8),
            np.asarray(news, dtype=np.uint8),
        )

    def _no_changes(self) -> Changes:
        empty = np.empty(0, dtype=np.int64)
        return Changes(self._ix.ids, empty, empty.astype(np.uint8), empty.astype(np.uint8))

    # A node that lost its own cause is often still held by another: in a graph that is
    # largely down, restoring one node changes nothing. Looking for a derivation that ends at
    # a node with a cause of its own (a proof that cannot go through the lost cause, since
    # that is gone) settles that in a few steps, where delete-and-rederive would clear and
    # rebuild everything downstream. A failed or abandoned search only means we fall back to
    # delete-and-rederive, so the search may give up early.
    _PROOF_BUDGET = 64

    def _proves_down(self, v: int) -> bool:
        """Whether node v is down by a derivation from own-down nodes (a bounded search)."""
        return self._prove_down(v, set(), set())

    def _prove_down(self, x: int, seen: set[int], proved: set[int]) -> bool:
        if x in proved:
            return True
        if x in seen or len(seen) >= self._PROOF_BUDGET:
            return False
        seen.add(x)
        if self._own[x] in (C_DOWN, C_STANDBY):
            proved.add(x)
            return True
        down = self._down
        ix = self._ix
        for h in ix.hard.row(x):
            if down[h] and self._prove_down(h, seen, proved):
                proved.add(x)
                return True
        for g in ix.groups_of.row(x):
            ms = ix.members.row(g)
            if all(down[m] for m in ms) and all(self._prove_down(m, seen, proved) for m in ms):
                proved.add(x)
                return True
        return False

    def _proves_bad(self, v: int) -> bool:
        """Whether node v is bad by a derivation from down or own-degraded nodes (bounded)."""
        return self._prove_bad(v, set())

    def _prove_bad(self, x: int, seen: set[int]) -> bool:
        if x in seen or len(seen) >= self._PROOF_BUDGET:
            return False
        seen.add(x)
        if self._down[x] or self._own[x] == C_DEGRADED:
            return True
        bad = self._bad
        return any(bad[d] and self._prove_bad(d, seen) for d in self._ix.bad_deps.row(x))

    def _down_holds(self, w: int) -> bool:
        """Whether node w has a reason to be down, given the current down flags."""
        down = self._down
        if self._own[w] in (C_DOWN, C_STANDBY):
            return True
        ix = self._ix
        for h in ix.hard.row(w):
            if down[h]:
                return True
        mp, mx = ix.members.lptr, ix.members.lidx
        for g in ix.groups_of.row(w):
            for m in mx[mp[g] : mp[g + 1]]:
                if not down[m]:
                    break
            else:
                return True
        return False

    def _down_spread(self, newly: list[int]) -> None:
        """Spread "down" forward from nodes just marked down; appends every node marked."""
        down = self._down
        ix = self._ix
        hp, hx = ix.rev_hard.lptr, ix.rev_hard.lidx
        gp, gx = ix.rev_grp.lptr, ix.rev_grp.lidx
        mp, mx = ix.members.lptr, ix.members.lidx
        owner = ix.owner
        budget = self.budget
        stack = list(newly)
        while stack:
            u = stack.pop()
            for w in hx[hp[u] : hp[u + 1]]:
                if not down[w]:
                    down[w] = 1
                    stack.append(w)
                    newly.append(w)
            for g in gx[gp[u] : gp[u + 1]]:
                w = owner[g]
                if down[w]:
                    continue
                for m in mx[mp[g] : mp[g + 1]]:
                    if not down[m]:
                        break
                else:
                    down[w] = 1
                    stack.append(w)
                    newly.append(w)
            if len(newly) > budget:
                raise _TooBig

    def _down_retract(self, v: int) -> list[int]:
        """Node v lost its own cause of being down: delete and re-derive. Returns the nodes
        that came up."""
        down = self._down
        ix = self._ix
        hp, hx = ix.rev_hard.lptr, ix.rev_hard.lidx
        gp, gx = ix.rev_grp.lptr, ix.rev_grp.lidx
        owner = ix.owner
        budget = self.budget
        # Delete: every down node reachable from v through down nodes may have been held
        # down by v only; clear them all (the cleared flag doubles as "visited").
        region = [v]
        down[v] = 0
        i = 0
        while i < len(region):
            u = region[i]
            i += 1
            for w in hx[hp[u] : hp[u + 1]]:
                if down[w]:
                    down[w] = 0
                    region.append(w)
            for g in gx[gp[u] : gp[u + 1]]:
                w = owner[g]
                if down[w]:
                    down[w] = 0
                    region.append(w)
            if len(region) > budget:
                raise _TooBig
        # Re-derive: nodes of the region with a cause left go down again, and spread.
        for w in region:
            if not down[w] and self._down_holds(w):
                down[w] = 1
                self._down_spread([w])
        return [w for w in region if not down[w]]

    def _bad_holds(self, w: int) -> bool:
        if self._down[w] or self._own[w] == C_DEGRADED:
            return True
        bad = self._bad
        return any(bad[x] for x in self._ix.bad_deps.row(w))

    def _bad_spread(self, stack: list[int], newly: list[int]) -> None:
        bad = self._bad
        bp, bx = self._ix.rev_bad.lptr, self._ix.rev_bad.lidx
        budget = self.budget
        while stack:
            u = stack.pop()
            for w in bx[bp[u] : bp[u + 1]]:
                if not bad[w]:
                    bad[w] = 1
                    stack.append(w)
                    newly.append(w)
            if len(newly) > budget:
                raise _TooBig

    def _bad_retract(self, lost: list[int]) -> list[int]:
        """Nodes in `lost` lost their own cause of being bad: delete and re-derive; return
        every node cleared in the delete step (some may be bad again)."""
        bad = self._bad
        bp, bx = self._ix.rev_bad.lptr, self._ix.rev_bad.lidx
        budget = self.budget
        region = list(lost)
        for x in region:
            bad[x] = 0
        i = 0
        while i < len(region):
            u = region[i]
            i += 1
            for w in bx[bp[u] : bp[u + 1]]:
                if bad[w]:
                    bad[w] = 0
                    region.append(w)
            if len(region) > budget:
                raise _TooBig
        rederived: list[int] = []
        for w in region:
            if not bad[w] and self._bad_holds(w):
                bad[w] = 1
                rederived.append(w)
                self._bad_spread([w], rederived)
        return region

    # -------------------------------------------------------- vectorised path

    def _sweep_down(self, own: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
        """The least fixed point of "down", by frontier sweeps from the own-down nodes: each
        node's reverse edges are read once, when it goes down."""
        ix = self._ix
        stamp = self._stamp
        groups = ix.groups
        alive = np.diff(ix.members.ptr)  # members of each group not (yet) down
        down: npt.NDArray[np.bool_] = (own == C_DOWN) | (own == C_STANDBY)
        frontier: npt.NDArray[Any] = np.flatnonzero(down)  # distinct, as every frontier
        while frontier.size:
            cand = ix.rev_hard.gather_set(frontier)
            hits = ix.rev_grp.gather_set(frontier)
            dead: npt.NDArray[Any]
            if hits.size * 8 > groups:
                counts = np.bincount(hits, minlength=groups)
                alive -= counts
                dead = np.flatnonzero((alive == 0) & (counts > 0))
            elif hits.size:
                touched, counts = np.unique(hits, return_counts=True)
                alive[touched] -= counts
                dead = touched[alive[touched] == 0]
            else:
                dead = hits
            if dead.size:
                cand = np.concatenate((cand, ix.np_owner[dead]))
            frontier = _first_occurrences(cand[~down[cand]], stamp)
            down[frontier] = True
        return down

    def _sweep_bad(
        self, own: npt.NDArray[np.uint8], down: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.bool_]:
        """Down or degraded. Down nodes are closed under hard edges, so from them only soft
        edges can reach new nodes; from there, hard and soft edges of the degraded ones."""
        ix = self._ix
        stamp = self._stamp
        bad: npt.NDArray[np.bool_] = down | (own == C_DEGRADED)
        cand = ix.rev_soft.gather_set(np.flatnonzero(down))
        cand = cand[~bad[cand]]
        bad[cand] = True
        frontier: npt.NDArray[Any] = np.concatenate(
            (_first_occurrences(cand, stamp), np.flatnonzero((own == C_DEGRADED) & ~down))
        )
        while frontier.size:
            cand = ix.rev_bad.gather_set(frontier)
            frontier = _first_occurrences(cand[~bad[cand]], stamp)
            bad[frontier] = True
        return bad

    def _recompute(self) -> Changes:
        """Full recomputation with numpy frontier sweeps; returns the changes against the
        effective codes before the update (only `_commit` writes those, so a per-node attempt
        abandoned half-way leaves them intact)."""
        own = self._own_np
        down = self._sweep_down(own)
        bad = self._sweep_bad(own, down)
        code = np.where(own == C_COMPROMISED, np.uint8(C_COMPROMISED), np.uint8(C_UP))
        code[bad] = C_DEGRADED
        code[down] = C_DOWN
        self._down_np[:] = down
        self._bad_np[:] = bad
        changed = np.flatnonzero(code != self._code_np)
        changes = Changes(self._ix.ids, changed, self._code_np[changed], code[changed])
        self._code_np[:] = code
        return changes


def initial_own(nodes: Sequence[Node]) -> dict[str, str]:
    """Own status at T+0: standby nodes start on standby, all others up."""
    return {n.id: STANDBY if n.standby else UP for n in nodes}
