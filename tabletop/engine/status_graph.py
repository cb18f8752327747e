"""`StatusGraph`: own and effective statuses, updated incrementally one event at a time.

It falls back to a vectorised recomputation over the CSR index for big cascades, and agrees
with the oracle `tabletop.engine.depgraph.compute_effective` (tested by properties).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from tabletop.engine.csr_index import DependencyIndex, first_occurrences
from tabletop.engine.depgraph import DepGraph
from tabletop.engine.status_codes import (
    C_COMPROMISED,
    C_DEGRADED,
    C_DOWN,
    C_STANDBY,
    C_UP,
    CODE_NAMES,
    CODES,
    DEGRADED,
    DOWN,
    STANDBY,
)

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


class _TooBig(Exception):
    """The per-node path exceeded its budget: recompute vectorised instead."""


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
        self._ix = ix = DependencyIndex.build(graph)
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
            frontier = first_occurrences(cand[~down[cand]], stamp)
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
            (first_occurrences(cand, stamp), np.flatnonzero((own == C_DEGRADED) & ~down))
        )
        while frontier.size:
            cand = ix.rev_bad.gather_set(frontier)
            frontier = first_occurrences(cand[~bad[cand]], stamp)
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
