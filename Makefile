# Two entry points that do all the set-up on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck clean-out fuzz model model-check model-cv html-model html-model-check html-model-cv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml cleaner/models/_walk.c | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml cleaner/models/_walk.c | $(BIN)/python
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

## make fuzz SECONDS=60: run the atheris targets in fuzz/ for SECONDS each (crashes land in fuzz/crashes/):
## clean, clean_html, and the rules' and structural patterns on adversarial lines with a time bound
SECONDS ?= 60
$(VENV)/.installed-fuzz: | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet atheris
	touch $@

fuzz: $(VENV)/.installed-fuzz
	mkdir -p fuzz/crashes fuzz/corpus/clean fuzz/corpus/clean_html
	cp fuzz/seeds/page.html fuzz/corpus/clean_html/seed-page.html
	$(BIN)/python fuzz/fuzz_clean.py -max_total_time=$(SECONDS) -artifact_prefix=fuzz/crashes/clean- fuzz/corpus/clean
	$(BIN)/python fuzz/fuzz_clean_html.py -max_total_time=$(SECONDS) -artifact_prefix=fuzz/crashes/clean_html- fuzz/corpus/clean_html
	mkdir -p fuzz/corpus/rules
	$(BIN)/python fuzz/fuzz_rules.py -max_total_time=$(SECONDS) -artifact_prefix=fuzz/crashes/rules- fuzz/corpus/rules

## make model: retrain the packaged line model on wcxb-dev (DATA=...), then make model-check compares
## a fresh training run with the packaged file byte for byte; make model-cv cross-validates it.
DATA ?= ../shared/data/wcxb-dev
model: $(VENV)/.installed-dev
	$(BIN)/cleaner train --data $(DATA) --out cleaner/data/line_model.json --jobs 2

model-check: $(VENV)/.installed-dev
	$(BIN)/cleaner train --data $(DATA) --out .cache/line_model.check.json --jobs 2
	cmp .cache/line_model.check.json cleaner/data/line_model.json && echo "model-check: identical"

model-cv: $(VENV)/.installed-dev
	$(BIN)/python bench/cv_model.py $(DATA) --jobs 2 --out bench/results/cv_model.json

## make html-model: retrain HTML mode's block model on wcxb-dev; html-model-check compares a fresh run
## with the packaged file byte for byte; html-model-cv cross-validates it against trafilatura.
html-model: $(VENV)/.installed-dev
	$(BIN)/cleaner train-html --data $(DATA) --out cleaner/data/dom_model.json --jobs 2

html-model-check: $(VENV)/.installed-dev
	$(BIN)/cleaner train-html --data $(DATA) --out .cache/dom_model.check.json --jobs 2
	cmp .cache/dom_model.check.json cleaner/data/dom_model.json && echo "html-model-check: identical"

html-model-cv: $(VENV)/.installed-dev
	$(BIN)/python bench/cv_dom.py $(DATA) --jobs 2 --work .cache/cv_dom --out bench/results/cv_dom.json

clean-out:
	rm -rf out
