"""The package imports only downwards, and has no import cycle.

Layers, lowest first: the small helpers at the top of the package (exercise time, terminal
text, output paths, the web guard) → scenario → engine → scoring and importers → reports →
store → the drill service (`drills`) → hub → tui → commands → cli. A module may import its
own layer and the layers below it; an import upwards (the engine reaching into scoring, a
command into the CLI) is what lets the next feature tangle everything, so it fails here with
the module and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tabletop.scenario.validate import find_cycles

PACKAGE = Path(__file__).resolve().parents[2] / "tabletop"

#: Sub-package (or top-level module) → layer; higher may import lower.
LAYERS: dict[str, int] = {
    "(helpers)": 0,
    "scenario": 1,
    "engine": 2,
    "scoring": 3,
    "importers": 3,
    "reports": 4,
    "store": 5,
    "drills": 6,
    "hub": 7,
    "tui": 8,
    "commands": 9,
    "cli": 10,
}


@dataclass(frozen=True)
class Import:
    """`module` imports `target` at `line`."""

    module: str
    target: str
    line: int


def area(module: str) -> str:
    """The layer name of a dotted module inside the package."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in LAYERS:
        return parts[1]
    return "(helpers)"


def imports_of(package: Path) -> list[Import]:
    """Every `tabletop...` import of every module below `package`, at any depth (function
    level imports count too: they run sooner or later)."""
    found: list[Import] = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).with_suffix("")
        module = ".".join(rel.parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [_imported(package, node.module, a.name) for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            found.extend(
                Import(module, n, node.lineno) for n in names if n.split(".")[0] == "tabletop"
            )
    return found


def _imported(package: Path, module: str, name: str) -> str:
    """What `from module import name` imports: the submodule `module.name` when there is
    one (`from tabletop.scoring import wording`), else `module` itself."""
    rel = Path(*module.split(".")[1:], name)
    base = package / rel
    if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
        return f"{module}.{name}"
    return module


def upward(imports: Iterable[Import], layers: Mapping[str, int] = LAYERS) -> list[str]:
    """The imports that go up a layer, as `module:line imports target (a → b)`."""
    bad = []
    for imp in imports:
        src, dst = area(imp.module), area(imp.target)
        if layers[dst] > layers[src]:
            bad.append(f"{imp.module}:{imp.line} imports {imp.target} ({src} → {dst})")
    return bad


def cycles(imports: Iterable[Import]) -> list[list[str]]:
    """Module-level import cycles: one cycle per strongly connected group of modules."""
    graph: dict[str, list[str]] = {}
    for imp in imports:
        graph.setdefault(imp.module, []).append(imp.target)
    known = {m: [t for t in dict.fromkeys(ts) if t in graph] for m, ts in sorted(graph.items())}
    return [sorted(c) for c in find_cycles(known)]


def test_the_package_imports_only_downwards() -> None:
    assert upward(imports_of(PACKAGE)) == []


def test_the_package_has_no_import_cycle() -> None:
    assert cycles(imports_of(PACKAGE)) == []


def test_every_sub_package_has_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages <= set(LAYERS), packages - set(LAYERS)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "tabletop"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_planted_upward_import_is_caught_with_its_line(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "engine/__init__.py": "",
            "engine/session.py": "import os\n\nfrom tabletop.scoring.scorer import score\n",
            "scoring/__init__.py": "",
            "scoring/scorer.py": "from tabletop.engine.session import simulate\n",
        },
    )
    found = imports_of(root)
    assert upward(found) == [
        "tabletop.engine.session:3 imports tabletop.scoring.scorer (engine → scoring)"
    ]
    assert cycles(found) == [["tabletop.engine.session", "tabletop.scoring.scorer"]]


def test_a_late_import_inside_a_function_counts(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "commands/__init__.py": "",
            "commands/run.py": "def f():\n    from tabletop.cli import UserError\n",
        },
    )
    assert upward(imports_of(root)) == [
        "tabletop.commands.run:2 imports tabletop.cli (commands → cli)"
    ]


@pytest.mark.parametrize(
    ("module", "name"), [("tabletop.cli", "cli"), ("tabletop.gc_pause", "(helpers)")]
)
def test_top_level_modules_are_placed(module: str, name: str) -> None:
    assert area(module) == name
