# Quick start: `make run` opens the app on the bundled sample; `make test` runs the whole suite.
# Both create .venv on first use; only Python 3.11+ and make are needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?=

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/defence-timeline $(DB)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench: $(VENV)/.installed
	$(BIN)/python bench/store_bench.py --events 100000

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
