# Two commands for a new user: `make demo` and `make test`. Each sets itself up:
# system packages (when root), a .venv, and the pinned dependencies.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench setup sysdeps clean

demo: setup
	$(BIN)/diagnose demo --out demo-out

# Tests run on every core (pytest-xdist); `make test-fast` leaves out the slow end-to-end runs
# (PDFs, the wheel, the interview in a terminal, kills at random, big hostile files).
# --dist loadfile runs each test file on one worker: module-scoped fixtures (all hostile-input
# runs of test_limits.py, the demo of test_cli.py, the PDFs of test_privacy.py) then run once,
# not once per worker. (loadgroup would be finer, but xdist 3.8 cannot group under pytest 9.)
PYTEST_PARALLEL := -n auto --dist loadfile

test: lint
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL)

test-fast: lint
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) -m "not slow"

# ruff, and the layers contract in pyproject.toml: imports point down the pipeline, no cycles.
lint: setup
	$(BIN)/ruff check diagnose tests benchmarks
	$(BIN)/lint-imports

bench: setup
	$(BIN)/python benchmarks/bench_scoring.py
	$(BIN)/python benchmarks/bench_interview.py
	$(BIN)/python benchmarks/bench_survey.py
	$(BIN)/python benchmarks/bench_cohort.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_xlsx.py
	$(BIN)/python benchmarks/bench_select.py

setup: sysdeps $(STAMP)

sysdeps:
	@PYTHON=$(PYTHON) bash scripts/sysdeps.sh

# The first run installs about 60 packages, a minute or so: say so first, and let pip print
# what it collects, downloads and installs, so that a new user never watches a silent terminal.
$(STAMP): pyproject.toml constraints.txt
	@echo "의존성 설치 중 (처음 한 번만, 약 1분)… / installing dependencies (first run only, ~1 min)…"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) demo-out build dist .pytest_cache .ruff_cache
