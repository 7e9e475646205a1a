# y90gui — every target sets up what it needs (.venv from pyproject.toml) first.
# Quick start: `make run` opens the app on the demo cohort; `make test` runs the whole suite.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast bench screenshots lint package package-test clean syscheck

$(STAMP): pyproject.toml
	@$(PYTHON) scripts/check_python.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Cannot create a venv: on Debian/Ubuntu run: sudo apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

syscheck: $(STAMP)
	@$(PY) scripts/check_system.py

run: syscheck
	$(PY) main.py $(FILE)

test: syscheck
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

test-fast: syscheck
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

bench: syscheck
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks $(BENCH_ARGS)

screenshots: syscheck
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py docs/screenshots
	$(PY) scripts/publication_figures.py docs/screenshots/publication

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

package: syscheck
	bash packaging/linux/build_deb.sh

package-test: syscheck
	bash packaging/linux/test_deb.sh

clean:
	rm -rf build dist .pytest_cache
