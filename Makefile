# Two commands for a newcomer: `make run` and `make test`. Both build .venv from a bare Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint soak bench demo golden clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

run: $(STAMP)
	$(BIN)/backcoach

lint: $(TEST_STAMP)
	$(BIN)/ruff check backcoach tests scripts
	$(BIN)/ruff format --check backcoach tests scripts

test: lint
	$(BIN)/python -m pytest -q -p no:cacheprovider

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

# the only way the golden files (tests/golden/) are rewritten: the tests only compare; review the diff, then commit
golden: $(STAMP)
	$(BIN)/python scripts/update_golden.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
