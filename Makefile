# Two entry points that do all the set-up on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck clean-out

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

## make demo: clean the bundled fixtures into out/ and print the summary
demo: $(VENV)/.installed
	$(BIN)/cleaner clean fixtures/seeds -o out --report out/removed.jsonl

## make test: lint, type-check and run the test suite
test: $(VENV)/.installed-dev
	$(BIN)/ruff check cleaner tests bench
	$(BIN)/ruff format --check cleaner tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

clean-out:
	rm -rf out
