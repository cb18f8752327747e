# Two commands on a fresh machine: `make run` and `make test` (each creates .venv as needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SCENARIO ?= dc-power-loss

.PHONY: run test lint typecheck pytest bench mutation clean

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
	$(BIN)/mutmut run --max-children $(MUTATION_WORKERS)
	$(BIN)/python tools/mutation_report.py --min 90

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
