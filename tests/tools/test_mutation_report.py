"""The mutation report: counts per file, the rate, survivors by name, the --min gate."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPORT = Path(__file__).parents[2] / "tools" / "mutation_report.py"


@pytest.fixture(scope="module")
def report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_report", REPORT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _meta(root: Path, source: str, codes: dict[str, int | None]) -> None:
    path = root / (source + ".meta")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")


@pytest.fixture
def results(tmp_path: Path) -> Path:
    # a.py: 3 killed (1, 3 = pytest internal error, 36 = timeout), 1 survived (0),
    # 1 without tests (33), 1 not checked (None), 1 skipped (34).
    _meta(
        tmp_path,
        "pkg/a.py",
        {"pkg.a.x_f__mutmut_1": 1, "pkg.a.x_f__mutmut_2": 3, "pkg.a.x_f__mutmut_3": 36,
         "pkg.a.x_f__mutmut_4": 0, "pkg.a.x_g__mutmut_1": 33, "pkg.a.x_g__mutmut_2": None,
         "pkg.a.x_g__mutmut_3": 34},
    )  # fmt: skip
    _meta(tmp_path, "pkg/b.py", {"pkg.b.x_h__mutmut_1": 1})
    return tmp_path


def test_counts_rate_and_survivors(report: ModuleType, results: Path) -> None:
    found = report.read_results(results)
    assert [(r.path, r.killed, r.total, r.not_counted) for r in found] == [
        ("pkg/a.py", 3, 5, 2),
        ("pkg/b.py", 1, 1, 0),
    ]
    lines = report.render(found)
    assert lines[:3] == [
        "Mutants not killed (mutmut show NAME prints the change):",
        "  survived   pkg.a.x_f__mutmut_4",
        "  no tests   pkg.a.x_g__mutmut_1",
    ]
    assert "pkg/a.py       3 / 5       60.0%  (2 not checked or skipped)" in lines
    assert "pkg/b.py       1 / 1      100.0%" in lines
    assert lines[-1] == "Kill rate: 4 / 6 = 66.7%"


def test_min_gate_and_missing_results(
    report: ModuleType, results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report.main(["--mutants", str(results), "--min", "66"]) == 0
    assert report.main(["--mutants", str(results), "--min", "67"]) == 1
    assert capsys.readouterr().out.endswith("Below the required 67%.\n")
    assert report.main(["--mutants", str(tmp_path / "none")]) == 1
    assert "run `mutmut run` first" in capsys.readouterr().out


def test_nothing_to_kill_is_full_marks(report: ModuleType) -> None:
    assert report.rate(0, 0) == 100.0
    assert report.rate(9, 10) == pytest.approx(90.0)


def test_recheck_marks_every_mutant_not_killed_as_not_checked(
    report: ModuleType, results: Path
) -> None:
    (results / "mutmut-stats.json").write_text("{}", encoding="utf-8")
    # The survivor (0) and the one without tests (33) are checked again; killed, timed-out,
    # skipped and not-yet-checked ones keep their state.
    assert report.main(["--mutants", str(results), "--recheck"]) == 0
    codes = json.loads((results / "pkg/a.py.meta").read_text(encoding="utf-8"))
    assert codes["exit_code_by_key"] == {
        "pkg.a.x_f__mutmut_1": 1, "pkg.a.x_f__mutmut_2": 3, "pkg.a.x_f__mutmut_3": 36,
        "pkg.a.x_f__mutmut_4": None, "pkg.a.x_g__mutmut_1": None, "pkg.a.x_g__mutmut_2": None,
        "pkg.a.x_g__mutmut_3": 34,
    }  # fmt: skip
    assert not (results / "mutmut-stats.json").exists()
    assert report.recheck(results) == 0, "nothing left to reset"
