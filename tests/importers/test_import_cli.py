"""`tabletop import` and `tabletop spof` as a user runs them: import each kind, validate,
solve, sweep; a bad input is one FILE:LINE:COL line and exit 1."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tabletop.engine.propagation import DepGraph, initial_own
from tabletop.engine.spof import oracle_entry
from tabletop.scenario.loader import load_scenario

from .conftest import FIXTURES, Ran

Tabletop = Callable[..., Ran]

KINDS = {
    "compose": ["compose-social.yml"],
    "backstage": ["backstage-catalog.yaml"],
    "k8s": ["k8s-shop.yaml"],
    "dot": ["terraform-graph.dot"],
}
ONE_LINE = re.compile(r"^(?P<file>[^\n]+):(?P<line>\d+):(?P<col>\d+): [^\n]+\n$")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_import_validate_solve_and_spof(tabletop: Tabletop, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.yaml"
    ran = tabletop("import", kind, *(FIXTURES / f for f in KINDS[kind]), "-o", out)
    assert ran.code == 0, ran.err
    assert ran.out.startswith(f"wrote {out}: ")
    checked = tabletop("validate", out)
    assert checked.code == 0 and checked.out.startswith(f"{out}: ok ("), checked.err
    solved = tabletop("solve", out)
    assert solved.code == 0, solved.err
    assert "Single points of failure" in solved.out
    swept = tabletop("spof", out, "--json")
    assert swept.code == 0, swept.err
    entries = json.loads(swept.out)
    scenario = load_scenario(out).scenario
    graph = DepGraph.from_nodes(scenario.nodes)
    users = {n.id: n.users for n in scenario.nodes}
    own = initial_own(scenario.nodes)
    assert len(entries) == len(scenario.nodes)  # no standby node in an import
    for e in entries:  # exact: the same as two full recomputations
        expected = oracle_entry(graph, users, own, e["node"])
        assert e == expected.to_json()
    ranks = [(-e["users_lost"], -e["nodes_lost"]) for e in entries]
    assert ranks == sorted(ranks)
    # the starter's failure is the worst single point of failure
    assert scenario.injects[0].effects[0].node == entries[0]["node"]


def test_import_refuses_to_overwrite_without_force(tabletop: Tabletop, tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    out.write_text("keep me", encoding="utf-8")
    args = ("import", "dot", FIXTURES / "terraform-graph.dot", "-o", out)
    ran = tabletop(*args)
    assert (
        ran.code == 1
        and ran.err == f"tabletop: {out}: already exists; not overwriting it (use --force)\n"
    )
    assert out.read_text(encoding="utf-8") == "keep me"
    assert tabletop(*args, "--force").code == 0
    assert out.read_text(encoding="utf-8").count("format: tabletop/v1") == 1


def test_import_id_and_title_options(tabletop: Tabletop, tmp_path: Path) -> None:
    out = tmp_path / "My Shop.yaml"
    ran = tabletop(
        "import", "k8s", FIXTURES / "k8s-shop.yaml", "-o", out, "--title", "Shop: checkout"
    )
    assert ran.code == 0, ran.err
    s = load_scenario(out).scenario
    assert (s.id, s.title) == ("my-shop", "Shop: checkout")
    bad = tabletop("import", "k8s", FIXTURES / "k8s-shop.yaml", "-o", out, "--id", "Bad Id")
    assert bad.code == 2


BAD_INPUTS = [
    ("compose", "c.yml", "services:\n  web:\n    depends_on: [db]\n", 3, 18, "no service 'db'"),
    ("compose", "c.yml", "services:\n  web:\n\timage: x\n", 3, 1, "tab character"),
    ("compose", "c.yml", "services:\n  a: {}\n  a: {}\n", 3, 3, "duplicate key 'a'"),
    ("compose", "c.yml", "version: '3'\n", 1, 1, "expected `services:`"),
    (
        "compose",
        "c.yml",
        "services:\n  a:\n    depends_on:\n      b: {required: maybe}\n  b: {}\n",
        4,
        21,
        "required: expected true or false",
    ),
    (
        "backstage",
        "b.yaml",
        "kind: Component\nmetadata: {name: a}\n---\nkind: Component\nmetadata: {title: b}\n",
        5,
        11,
        "metadata.name: expected text",
    ),
    ("backstage", "b.yaml", "kind: Component\nmetadata: {name: a\n", 3, 1, "YAML syntax"),
    (
        "k8s",
        "k.yaml",
        "kind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: two\n  template: {}\n",
        4,
        13,
        "replicas: expected a whole number",
    ),
    ("k8s", "k.yaml", "a: &x [*x]\n", 1, 4, "alias"),
    ("dot", "g.dot", "digraph {\n  a -> b\n  c -> \n}\n", 4, 1, "expected a node after the edge"),
    ("dot", "g.dot", "graph {\n  a -- b\n}\n", 2, 5, "an undirected edge"),
    ("dot", "g.dot", 'digraph { a [label="x]\n}\n', 1, 20, "a quoted string that is never closed"),
    ("dot", "g.dot", "digraph { a -> b } extra", 1, 20, "unexpected text after the graph"),
    ("dot", "g.dot", "digraph { a -> b; /* open\n", 1, 19, "never closed"),
    ("dot", "g.dot", "digraph { a -> b; % }", 1, 19, "unexpected character '%'"),
]


@pytest.mark.parametrize(
    ("kind", "name", "text", "line", "col", "message"),
    BAD_INPUTS,
    ids=[f"{b[0]}-{b[5][:24]}" for b in BAD_INPUTS],
)
def test_bad_input_is_one_line_exit_1(
    tabletop: Tabletop,
    tmp_path: Path,
    kind: str,
    name: str,
    text: str,
    line: int,
    col: int,
    message: str,
) -> None:
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out.yaml"
    ran = tabletop("import", kind, src, "-o", out)
    assert ran.code == 1
    m = ONE_LINE.match(ran.err)
    assert m is not None, ran.err
    assert (m["file"], int(m["line"]), int(m["col"])) == (str(src), line, col), ran.err
    assert message in ran.err
    assert not out.exists()


def test_missing_file_and_binary_file(tabletop: Tabletop, tmp_path: Path) -> None:
    ran = tabletop("import", "compose", tmp_path / "nope.yml", "-o", tmp_path / "o.yaml")
    assert (ran.code, ran.err) == (1, f"{tmp_path / 'nope.yml'}:1:1: no such file\n")
    binary = tmp_path / "g.dot"
    binary.write_bytes(b"digraph {\x00\xff}")
    ran = tabletop("import", "dot", binary, "-o", tmp_path / "o.yaml")
    assert ran.code == 1 and ONE_LINE.match(ran.err) and "binary" in ran.err


def test_nothing_to_import_is_one_line(tabletop: Tabletop, tmp_path: Path) -> None:
    src = tmp_path / "c.yaml"
    src.write_text("kind: Group\nmetadata: {name: team}\n", encoding="utf-8")
    ran = tabletop("import", "backstage", src, "-o", tmp_path / "o.yaml")
    assert (ran.code, ran.err) == (1, f"{src}:1:1: no components found to import as backstage\n")


def test_spof_text_builtin_and_unknown(tabletop: Tabletop) -> None:
    ran = tabletop("spof", "dc-power-loss", "--top", "2")
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert lines[0].startswith("Single points of failure of dc-power-loss")
    assert lines[1].split() == ["NODE", "USERS", "LOST", "NODES", "LOST", "ALSO", "DOWN"]
    assert lines[4].startswith("  ... ") and "--top N" in lines[4]
    missing = tabletop("spof", "no-such-scenario")
    assert missing.code == 1 and missing.err.startswith("tabletop: no-such-scenario: no such file")
    assert tabletop("spof", "dc-power-loss", "--top", "0").code == 2
