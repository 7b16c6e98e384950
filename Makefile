# Quick start: `make run` opens the app on the bundled sample; `make test` runs the whole suite.
# Both create .venv on first use; only Python 3.11+ and make are needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?=

.PHONY: run test smoke lint bench clean

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

# The whole suite: lint, every test headless (offscreen), then the real-window smoke test.
test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not x11"
	@$(MAKE) --no-print-directory smoke

# A real X11 window under Xvfb (Qt's xcb platform): installs what it needs on Debian.
# Where that cannot be had it is skipped, except under CI, where that is a failure.
smoke: $(VENV)/.installed-test
	@bash .ci/install-x11-deps.sh; status=$$?; \
	if [ $$status -eq 0 ]; then \
		xvfb-run -a -s "-screen 0 1920x1200x24" env QT_QPA_PLATFORM=xcb $(BIN)/python -m pytest -m x11; \
	elif [ -n "$$CI" ]; then \
		echo "the real-window smoke test cannot run here" >&2; exit 1; \
	else \
		echo "skipping the real-window smoke test (see above)"; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench: $(VENV)/.installed
	$(BIN)/python bench/store_bench.py --events 100000

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
