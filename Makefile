# Two commands for a newcomer: `make run` and `make test`. Both build .venv from a bare Python 3.11.
#
# What gets installed is pinned: requirements.lock (the app) and requirements-dev.lock (the app, its tests and
# linters), with hashes, for every platform, made from pyproject.toml's ranges by `make lock`. pyproject.toml keeps
# compatible ranges for pip/pipx users; the lock files are what the suite (and its snapshots) were run with.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PIP_VERSION := 26.3
UV_VERSION := 0.13.9
# pytest-xdist workers: 4 on a 2-core machine keeps both cores busy while the TUI tests wait on their apps
WORKERS ?= 4
LOCK_OPTIONS := --universal --python-version 3.11 --generate-hashes --no-header --quiet

.PHONY: run test lint soak bench demo golden clean lock upgrade snapshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip==$(PIP_VERSION)"

# the dependencies by hash, then backcoach itself with the build backend the lock installed (no download)
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(TEST_STAMP): pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP) $@

run: $(STAMP)
	$(BIN)/backcoach

lint: $(TEST_STAMP)
	$(BIN)/ruff check backcoach tests scripts
	$(BIN)/ruff format --check backcoach tests scripts
	$(BIN)/mypy backcoach
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/vulture backcoach scripts/vulture_whitelist.py

test: lint
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(WORKERS)

# the TUI suite ROUNDS times (default 10) with a full `make test` running beside it; stops at the first failing round
ROUNDS ?= 10
soak: lint
	ROUNDS=$(ROUNDS) PYTHON_BIN=$(BIN)/python sh scripts/soak.sh

# bytecode first, as an installed package has it (pip compiles it; an editable install leaves it to Python, which
# does not write it where PYTHONDONTWRITEBYTECODE is set): the baseline's Textual has its bytecode too
bench: $(TEST_STAMP)
	$(BIN)/python -m compileall -q backcoach
	$(BIN)/python scripts/bench.py

demo: $(STAMP)
	$(BIN)/backcoach demo

# the lock files again from pyproject.toml, keeping every pin that still fits (after editing a range there);
# UPGRADE=--upgrade takes the newest releases the ranges allow instead
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --extra test --group pyproject.toml:build $(UPGRADE) $(LOCK_OPTIONS) \
		-o requirements-dev.lock
	$(BIN)/uv pip compile pyproject.toml --group pyproject.toml:build -c requirements-dev.lock $(LOCK_OPTIONS) \
		-o requirements.lock

# the newest releases, then the whole suite on them: look at snapshot_report.html for any snapshot that changed,
# and accept it (`make snapshots`) only once it looks right
upgrade:
	$(MAKE) lock UPGRADE=--upgrade
	$(MAKE) test

# accept the snapshots that differ (after looking at them in snapshot_report.html)
snapshots: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/tui/test_snapshots.py --snapshot-update

# the only way the golden files (tests/golden/) are rewritten: the tests only compare; review the diff, then commit
golden: $(STAMP)
	$(BIN)/python scripts/update_golden.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
