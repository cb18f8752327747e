# Two commands on a fresh machine: `make run` and `make test` (each creates .venv as needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SCENARIO ?= dc-power-loss

.PHONY: run test lint typecheck pytest bench mutation fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## install, then open the drill UI on a built-in scenario
	$(BIN)/tabletop play $(SCENARIO)

test: $(STAMP) lint typecheck pytest  ## install, then lint, type-check and run every test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)  ## every benchmark, each printing its figures
	$(BIN)/python -m benchmarks

# Not part of `make test`: slow. Mutants of tabletop/scoring, scenario/validate.py and
# engine/session.py (configured in pyproject.toml [tool.mutmut]); results are cached in
# mutants/, so a second run only checks what changed. Fails below a 90 % kill rate.
MUTATION_WORKERS ?= 2
mutation: $(STAMP)  ## mutation testing, then the kill rate per file and the survivors
	$(BIN)/python tools/mutation_report.py --recheck
	$(BIN)/mutmut run --max-children $(MUTATION_WORKERS)
	$(BIN)/python tools/mutation_report.py --min 90

# Not part of `make test` (which runs each fuzz target for 3 s): every fuzz target for
# FUZZ_SECONDS (default 10 minutes each), figures in .hypothesis/fuzz-stats.jsonl, then the
# corpus of every crash found so far. A crash fails with the smallest input that shows it.
FUZZ_SECONDS ?= 600
fuzz: $(STAMP)  ## fuzz the scenario, decision-log, journal and history readers
	mkdir -p .hypothesis && rm -f .hypothesis/fuzz-stats.jsonl
	TABLETOP_FUZZ_SECONDS=$(FUZZ_SECONDS) TABLETOP_FUZZ_STATS=.hypothesis/fuzz-stats.jsonl \
		$(BIN)/pytest tests/fuzz -m fuzz -s -p no:cacheprovider
	$(BIN)/pytest tests/fuzz/test_corpus.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
