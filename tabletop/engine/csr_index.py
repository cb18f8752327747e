"""The dependency graph with integer node ids, in compressed sparse rows (CSR).

Each relation (hard dependencies, any_of groups, and their reverses) is kept twice: as numpy
arrays for the vectorised sweeps and as flat Python lists for the per-node path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tabletop.engine.depgraph import DepGraph

_I32 = np.int32


@dataclass(frozen=True)
class Rows:
    """Rows of integers in compressed form: numpy arrays for vectorised sweeps, and the same
    data as flat Python lists for the per-node path (slicing a list beats indexing numpy)."""

    ptr: npt.NDArray[np.int64]
    idx: npt.NDArray[np.int32]
    lptr: list[int]
    lidx: list[int]

    @classmethod
    def from_pairs(cls, rows: int, row_of: npt.NDArray[Any], values: npt.NDArray[Any]) -> Rows:
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


def first_occurrences(values: npt.NDArray[np.int32], stamp: npt.NDArray[np.int64]) -> Any:
    """`values` without duplicates, in O(len) without sorting (`stamp`: scratch, one slot per
    possible value)."""
    if values.size < 2:
        return values
    order = np.arange(values.size, dtype=np.int64)
    stamp[values] = order  # for duplicates the last write wins ...
    return values[stamp[values] == order]  # ... so exactly one copy passes


def edge_pairs(
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
class DependencyIndex:
    """The dependency graph with integer node ids (file order) and groups numbered in order.

    Forward rows (what a node needs) serve the "does it still have a cause" checks; reverse
    rows (who needs a node) serve spreading. Dependencies on unknown ids never go down, as in
    the oracle, so they are left out (and an any_of group with such a member is dropped).
    """

    ids: list[str]
    pos: dict[str, int]
    hard: Rows  # node -> its hard dependencies
    bad_deps: Rows  # node -> hard + soft dependencies (what makes it degraded)
    groups_of: Rows  # node -> the any_of groups it owns
    members: Rows  # group -> its members
    owner: list[int]  # group -> its owner node
    np_owner: npt.NDArray[np.int32]
    rev_hard: Rows  # node -> nodes that hard-depend on it
    rev_soft: Rows  # node -> nodes that soft-depend on it
    rev_bad: Rows  # node -> nodes that hard- or soft-depend on it
    rev_grp: Rows  # node -> groups it is a member of (one entry per membership)

    @property
    def groups(self) -> int:
        """Number of any_of groups."""
        return len(self.owner)

    @classmethod
    def build(cls, graph: DepGraph) -> DependencyIndex:
        """Index a `DepGraph`: ids to integers with list comprehensions, the rest in numpy.
        (Duplicate edges are kept: they cost a repeated check, never a wrong answer.)"""
        ids = list(graph.deps)
        pos = {node: i for i, node in enumerate(ids)}
        n = len(ids)
        deps = list(graph.deps.values())
        h_node, h_dep = edge_pairs(pos, [d.hard for d in deps])
        s_node, s_dep = edge_pairs(pos, [d.soft for d in deps])
        # any_of groups, numbered in file order; one with an unknown member never goes down.
        group_lists = [g for d in deps for g in d.any_of]
        g_owner = np.repeat(
            np.arange(n, dtype=np.int64),
            np.fromiter((len(d.any_of) for d in deps), dtype=np.int64, count=n),
        )
        m_grp, m_node = edge_pairs(pos, group_lists, keep_unknown=True)
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
            hard=Rows.from_pairs(n, h_node, h_dep),
            bad_deps=Rows.from_pairs(n, b_node, b_dep),
            groups_of=Rows.from_pairs(n, g_owner, np.arange(groups)),
            members=Rows.from_pairs(groups, m_grp, m_node),
            owner=g_owner.tolist(),
            np_owner=g_owner.astype(_I32),
            rev_hard=Rows.from_pairs(n, h_dep, h_node),
            rev_soft=Rows.from_pairs(n, s_dep, s_node),
            rev_bad=Rows.from_pairs(n, b_dep, b_node),
            rev_grp=Rows.from_pairs(n, m_node, m_grp),
        )

    def dependents(self, i: int) -> list[int]:
        """Nodes that depend on node i in any way, without duplicates, in file order."""
        return sorted({*self.rev_bad.row(i), *(self.owner[g] for g in self.rev_grp.row(i))})
