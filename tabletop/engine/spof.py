"""The single-point-of-failure sweep: for every node, what goes down if it alone fails.

"Fails" means its own status becomes down while every other node keeps its start status (so
standby nodes stay down, as at T+0). What is lost is what that failure adds to the start
state's down set, computed with the engine's rules: a node is down when a hard dependency is
down or every member of one of its `any_of` groups is; soft dependencies never take a node
down; the least fixed point, so a cycle falls only when something outside it pulls it down.

Nodes already down at the start (standby, and what needs them) cannot fail any further and
are not swept; `SpofReport.already_down` lists them.

How it stays fast on big graphs: the sweep first counts (nodes and users lost) for every node,
and builds the `down` lists only for the entries asked for. A count is a forward search from
the node over compact integer rows (each node's dependents), with per-group counters of the
members still up. A node whose only dependent is one hard dependent `w`, outside any cycle
and outside any `any_of` group, loses exactly what `w` loses plus itself (nothing that falls
with `w` can bring it down, and it can take nothing down except through `w`): such chains are
counted once, from `w`, instead of once per link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tabletop.engine.depgraph import DepGraph, compute_down, initial_own
from tabletop.engine.status_codes import C_DOWN
from tabletop.engine.status_graph import StatusGraph
from tabletop.scenario.models import Scenario

#: Nodes a failure's search may reach in Python before it is redone as the engine's vectorised
#: recomputation. Measured with `python -m benchmarks spof` on the generated 100k graph, the
#: whole sweep hardly changes from 64 to 4,096 (2.8-3.0 s CPU): a Python search costs about
#: 2 µs per node reached, a vectorised recomputation about 1 ms.
SEARCH_BUDGET = 256


@dataclass(frozen=True)
class SpofEntry:
    """What one node's failure takes down."""

    node: str
    users_lost: int
    nodes_lost: int
    #: Every node the failure takes down (the node itself included), in file order; empty
    #: when the sweep was asked for counts only for this entry.
    down: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The JSON form `tabletop spof --json` prints."""
        return {
            "node": self.node,
            "users_lost": self.users_lost,
            "nodes_lost": self.nodes_lost,
            "down": list(self.down),
        }


@dataclass(frozen=True)
class SpofReport:
    """Every swept node, worst first, and the nodes that were already down at the start."""

    entries: tuple[SpofEntry, ...]
    already_down: tuple[str, ...]


class _Sweeper:
    """The engine's status graph of the start state, and scratch state for the searches.

    A failure's search runs per node in Python while it is small; past `budget` nodes it is
    redone as the engine's own vectorised recomputation of "down" (numpy frontier sweeps),
    which is what keeps the nodes near the roots of a big graph, each taking down most of
    it, cheap.
    """

    def __init__(
        self, graph: DepGraph, users: Mapping[str, int], own: Mapping[str, str], budget: int
    ) -> None:
        self.sg = sg = StatusGraph(graph, own)
        self.ix = ix = sg._ix
        self.ids = ix.ids
        self.budget = budget
        self.users = [int(users.get(node, 0)) for node in self.ids]
        self.np_users = np.asarray(self.users, dtype=np.int64)
        self.np_base = sg._down_np.astype(np.bool_)
        self.base = bytearray(self.np_base.tobytes())
        # Members still up in each group, one count per membership entry (a member listed
        # twice is counted down twice when it falls); those down at the start are fallen.
        alive = np.diff(ix.members.ptr).astype(np.int64)
        if ix.groups:
            member_down = self.np_base[ix.members.idx]
            group_of_entry = np.repeat(np.arange(ix.groups), np.diff(ix.members.ptr))
            alive -= np.bincount(group_of_entry[member_down], minlength=ix.groups)
        self.alive0 = alive.tolist()
        self.alive = list(self.alive0)
        self.mark = bytearray(self.base)

    def reach(self, v: int, limit: int | None = None) -> list[int] | None:
        """The nodes that go down when node v fails (v first), or None when there are more
        than `limit`; the scratch state is reset either way."""
        mark, alive, owner = self.mark, self.alive, self.ix.owner
        hp, hx = self.ix.rev_hard.lptr, self.ix.rev_hard.lidx
        gp, gx = self.ix.rev_grp.lptr, self.ix.rev_grp.lidx
        cap = len(self.ids) if limit is None else limit
        mark[v] = 1
        out = [v]
        touched: list[int] = []
        i = 0
        while i < len(out) and len(out) <= cap:
            u = out[i]
            i += 1
            for w in hx[hp[u] : hp[u + 1]]:
                if not mark[w]:
                    mark[w] = 1
                    out.append(w)
            for g in gx[gp[u] : gp[u + 1]]:
                alive[g] -= 1
                touched.append(g)
                if alive[g] == 0:
                    w = owner[g]
                    if not mark[w]:
                        mark[w] = 1
                        out.append(w)
        for u in out:
            mark[u] = 0
        alive0 = self.alive0
        for g in touched:
            alive[g] = alive0[g]
        return out if len(out) <= cap else None

    def reach_np(self, v: int) -> npt.NDArray[np.bool_]:
        """What goes down when node v fails, as a mask: the engine's full recomputation of
        "down" with v's own status set to down, less what was down at the start."""
        own = self.sg._own_np
        saved = own[v]
        own[v] = C_DOWN
        try:
            down = self.sg._sweep_down(own)
        finally:
            own[v] = saved
        lost: npt.NDArray[np.bool_] = down & ~self.np_base
        return lost

    def lost(self, v: int) -> tuple[int, int]:
        """Nodes and users lost when node v fails."""
        fallen = self.reach(v, self.budget)
        if fallen is not None:
            users = self.users
            return len(fallen), sum(users[u] for u in fallen)
        mask = self.reach_np(v)
        return int(mask.sum()), int(self.np_users[mask].sum())

    def down_list(self, v: int) -> list[int]:
        """Indices of every node that goes down when node v fails, in file order."""
        # The list is as long as what falls: a search without a budget costs no more than
        # writing it, where level-by-level numpy sweeps would cost a deep chain dearly.
        fallen = self.reach(v)
        assert fallen is not None  # no limit
        return sorted(fallen)

    def chain_next(self) -> list[int]:
        """For each node, its single hard dependent when the chain shortcut applies, else -1."""
        n = len(self.ids)
        ix = self.ix
        cyclic = _in_cycles(
            n, ix.rev_hard.lptr, ix.rev_hard.lidx, ix.rev_grp.lptr, ix.rev_grp.lidx, ix.owner
        )
        nxt = [-1] * n
        hp, hx = ix.rev_hard.lptr, ix.rev_hard.lidx
        gp = ix.rev_grp.lptr
        for v in range(n):
            if gp[v] != gp[v + 1] or cyclic[v]:
                continue
            deps = set(hx[hp[v] : hp[v + 1]])
            if len(deps) == 1:
                (w,) = deps
                if not self.base[w]:
                    nxt[v] = w
        return nxt

    def counts(self) -> tuple[list[int], list[int]]:
        """Nodes and users lost for every node (zero for the nodes down at the start)."""
        n = len(self.ids)
        nodes = [0] * n
        users = [0] * n
        done = bytearray(self.base)
        nxt = self.chain_next()
        for start in range(n):
            if done[start]:
                continue
            chain = [start]
            while not done[chain[-1]] and nxt[chain[-1]] >= 0:
                chain.append(nxt[chain[-1]])
            # Every link but the last is a shortcut; the last is searched (or already known).
            last = chain[-1]
            if not done[last]:
                nodes[last], users[last] = self.lost(last)
                done[last] = 1
            for k in range(len(chain) - 2, -1, -1):
                v, w = chain[k], chain[k + 1]
                nodes[v] = nodes[w] + 1
                users[v] = users[w] + self.users[v]
                done[v] = 1
        return nodes, users


def _in_cycles(
    n: int, hp: list[int], hx: list[int], gp: list[int], gx: list[int], owner: list[int]
) -> bytearray:
    """Nodes on a cycle of the "can take down" graph (hard and group-member edges, given as
    rows of dependents), found with an iterative Tarjan: a node on a cycle may be taken down
    by its own dependents."""

    def succ(u: int) -> list[int]:
        return [*hx[hp[u] : hp[u + 1]], *(owner[g] for g in gx[gp[u] : gp[u + 1]])]

    index = [-1] * n
    low = [0] * n
    on_stack = bytearray(n)
    stack: list[int] = []
    cyclic = bytearray(n)
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        work: list[tuple[int, list[int], int]] = [(root, succ(root), 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        while work:
            u, kids, k = work[-1]
            if k < len(kids):
                work[-1] = (u, kids, k + 1)
                w = kids[k]
                if w == u:
                    cyclic[u] = 1
                if index[w] < 0:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = 1
                    work.append((w, succ(w), 0))
                elif on_stack[w]:
                    low[u] = min(low[u], index[w])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[u])
            if low[u] == index[u]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack[w] = 0
                    component.append(w)
                    if w == u:
                        break
                if len(component) > 1:
                    for w in component:
                        cyclic[w] = 1
    return cyclic


def sweep(
    graph: DepGraph,
    users: Mapping[str, int],
    own: Mapping[str, str] | None = None,
    *,
    detail: int | None = None,
    budget: int | None = None,
) -> SpofReport:
    """Fail each node alone (from the start statuses `own`, default all up) and rank them by
    users lost, then nodes lost, then file order. `detail` bounds how many of the worst
    entries get their `down` list (None: all). `budget`: how many nodes a search may reach in
    Python before it is redone vectorised (default `SEARCH_BUDGET`)."""
    start = dict(own or {})
    sw = _Sweeper(
        graph,
        users,
        {n: start.get(n, "up") for n in graph.deps},
        SEARCH_BUDGET if budget is None else budget,
    )
    nodes, lost_users = sw.counts()
    order = sorted(
        (i for i in range(len(sw.ids)) if not sw.base[i]),
        key=lambda i: (-lost_users[i], -nodes[i], i),
    )
    entries: list[SpofEntry] = []
    for rank, i in enumerate(order):
        down: tuple[str, ...] = ()
        if detail is None or rank < detail:
            down = tuple(sw.ids[u] for u in sw.down_list(i))
        entries.append(SpofEntry(sw.ids[i], lost_users[i], nodes[i], down))
    already = tuple(node for i, node in enumerate(sw.ids) if sw.base[i])
    return SpofReport(tuple(entries), already)


def scenario_spof(scenario: Scenario, *, detail: int | None = None) -> SpofReport:
    """The sweep of a scenario's graph from its T+0 statuses (standby nodes down)."""
    return sweep(
        DepGraph.from_nodes(scenario.nodes),
        {n.id: n.users for n in scenario.nodes},
        initial_own(scenario.nodes),
        detail=detail,
    )


def oracle_entry(
    graph: DepGraph, users: Mapping[str, int], own: Mapping[str, str], node: str
) -> SpofEntry:
    """One node's entry by two full recomputations (before and after): the test oracle."""
    start = {n: own.get(n, "up") for n in graph.deps}
    before = compute_down(graph, start)
    after = compute_down(graph, {**start, node: "down"})
    lost = after - before
    ordered = tuple(n for n in graph.deps if n in lost)
    return SpofEntry(node, sum(users.get(n, 0) for n in ordered), len(ordered), ordered)


def top_lines(report: SpofReport, top: int) -> list[str]:
    """Short lines naming the worst `top` entries (for `solve` and the briefing); a node whose
    failure takes down nothing but itself and no users is not worth a line."""
    lines = []
    for e in report.entries[:top]:
        if e.nodes_lost <= 1 and e.users_lost == 0:
            break
        word = "user" if e.users_lost == 1 else "users"
        lines.append(
            f"{e.node}: takes down {e.nodes_lost} node{'s' if e.nodes_lost != 1 else ''}, "
            f"{e.users_lost:,} {word}"
        )
    return lines


def scenario_top_lines(scenario: Scenario, top: int = 3) -> list[str]:
    """Lines naming the scenario's `top` worst single points of failure (may be fewer)."""
    return top_lines(scenario_spof(scenario, detail=0), top)
