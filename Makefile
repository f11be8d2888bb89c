# Two entry points that do all the set-up on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck clean-out fuzz

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

## make fuzz SECONDS=60: run the atheris targets in fuzz/ for SECONDS each (crashes land in fuzz/crashes/)
SECONDS ?= 60
$(VENV)/.installed-fuzz: | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet atheris
	touch $@

fuzz: $(VENV)/.installed-fuzz
	mkdir -p fuzz/crashes fuzz/corpus/clean fuzz/corpus/clean_html
	cp fuzz/seeds/page.html fuzz/corpus/clean_html/seed-page.html
	$(BIN)/python fuzz/fuzz_clean.py -max_total_time=$(SECONDS) -artifact_prefix=fuzz/crashes/clean- fuzz/corpus/clean
	$(BIN)/python fuzz/fuzz_clean_html.py -max_total_time=$(SECONDS) -artifact_prefix=fuzz/crashes/clean_html- fuzz/corpus/clean_html

clean-out:
	rm -rf out
