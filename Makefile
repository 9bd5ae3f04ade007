# Two entry points a new machine needs: `make run` (the demo on SQLite) and `make test` (the suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run demo test lint bench clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/coder demo

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check coder tests bench

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench

clean-db:
	rm -f db/coder.sqlite db/coder.sqlite-wal db/coder.sqlite-shm
