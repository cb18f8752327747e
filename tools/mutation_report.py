"""Summarise a mutmut run: kill rate overall and per file, and the mutants that survived.

Run after `mutmut run` (as `make mutation` does), from the repository root:

    python tools/mutation_report.py [--min 90] [--mutants DIR]

mutmut 3 keeps its results next to the mutated copies, one `mutants/<source>.py.meta` JSON
file per source file mapping each mutant's name to the exit code of its test run. A mutant
is *killed* when a test failed (or timed out) with it in place; it *survived* when the tests
passed, and had *no tests* when none of the selected tests runs its function. The kill rate
is killed / (killed + survived + no tests + suspicious): a mutant that no test reaches is a
gap in the tests, not a mutant to leave out. Mutants not checked yet (an interrupted run)
and those mutmut skipped are left out of both counts and reported.

`--recheck` (run before `mutmut run`, as `make mutation` does) marks the mutants not killed
as not checked and drops mutmut's map of which tests reach which function, so that tests
added since the last run are credited.

Exit status: 0, or 1 when `--min` is given and the overall rate is below it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mutmut.stats import status_by_exit_code

KILLED = frozenset({"killed", "timeout", "caught by type check", "segfault"})
NOT_COUNTED = frozenset({"not checked", "skipped", "check was interrupted by user"})


@dataclass
class FileResult:
    """The mutants of one source file, by outcome."""

    path: str
    killed: int = 0
    survivors: list[tuple[str, str]] = field(default_factory=list)  # (name, status)
    not_counted: int = 0

    @property
    def total(self) -> int:
        """Mutants that count in the rate: killed or not."""
        return self.killed + len(self.survivors)


def read_results(mutants: Path) -> list[FileResult]:
    """One FileResult per `.meta` file under `mutants`, sorted by path."""
    results = []
    for meta in sorted(mutants.rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        result = FileResult(str(meta.relative_to(mutants))[: -len(".meta")])
        for name, code in sorted(data.get("exit_code_by_key", {}).items()):
            status = status_by_exit_code[code]
            if status in KILLED:
                result.killed += 1
            elif status in NOT_COUNTED:
                result.not_counted += 1
            else:
                result.survivors.append((name, status))
        results.append(result)
    return results


def recheck(mutants: Path) -> int:
    """Mark every mutant not killed as not checked, and forget which tests cover which
    function, so that the next `mutmut run` checks them against today's tests.

    mutmut reruns a mutant only when its function changed: a test added since (or a test
    that now reaches the function) would otherwise never be credited, and its survivors would
    stay survivors. Returns how many mutants will be checked again."""
    reset = 0
    for meta in sorted(mutants.rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        codes = data.get("exit_code_by_key", {})
        for name, code in codes.items():
            if code is not None and status_by_exit_code[code] not in KILLED | NOT_COUNTED:
                codes[name] = None
                reset += 1
        meta.write_text(json.dumps(data), encoding="utf-8")
    (mutants / "mutmut-stats.json").unlink(missing_ok=True)
    return reset


def rate(killed: int, total: int) -> float:
    """Kill rate in percent; 100 when there is nothing to kill."""
    return 100.0 * killed / total if total else 100.0


def render(results: list[FileResult]) -> list[str]:
    """The report's lines: survivors by file, a per-file table, then the overall rate."""
    lines: list[str] = []
    for r in results:
        for name, status in r.survivors:
            lines.append(f"  {status:<10} {name}")
    if lines:
        lines.insert(0, "Mutants not killed (mutmut show NAME prints the change):")
        lines.append("")
    width = max((len(r.path) for r in results), default=4)
    lines.append(f"{'file':<{width}}  killed / total   rate")
    for r in results:
        extra = f"  ({r.not_counted} not checked or skipped)" if r.not_counted else ""
        lines.append(
            f"{r.path:<{width}}  {r.killed:>6} / {r.total:<5}  {rate(r.killed, r.total):5.1f}%"
            + extra
        )
    killed = sum(r.killed for r in results)
    total = sum(r.total for r in results)
    lines.append(f"Kill rate: {killed} / {total} = {rate(killed, total):.1f}%")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit 1 when the rate is below --min."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    parser.add_argument("--min", type=float, default=None, help="fail below this rate (%%)")
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="before a run: mark survivors not checked and forget the test map (no report)",
    )
    args = parser.parse_args(argv)
    if args.recheck:
        count = recheck(args.mutants) if args.mutants.is_dir() else 0
        print(f"{count} mutant(s) not killed so far will be checked again.")
        return 0
    results = read_results(args.mutants)
    if not results:
        print(f"No mutmut results under {args.mutants}/: run `mutmut run` first.")
        return 1
    print("\n".join(render(results)))
    killed = sum(r.killed for r in results)
    total = sum(r.total for r in results)
    if args.min is not None and rate(killed, total) < args.min:
        print(f"Below the required {args.min:g}%.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
