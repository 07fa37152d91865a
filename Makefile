# Two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup setup-run system-deps run demo test lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'

# only what the dashboard needs (the library with its notebook, report, forecast and register extras)
setup-run: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebook,report,forecast,register]'

# Debian packages the tests need (Chromium, a CJK font, PostgreSQL): installed when missing
system-deps:
	bash .ci/system-deps

# the negotiation dashboard on the sample case, served by Voila on 127.0.0.1 (prints the URL)
run: setup-run
	$(BIN)/python -m repayplan.notebook.serve --port $(or $(PORT),8866)

demo: setup
	$(BIN)/repayplan demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: system-deps setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
