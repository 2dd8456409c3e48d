# `make demo` and `make test` work from a fresh clone: they create .venv when it is missing.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOME_DIR ?= impact_home

.PHONY: demo test lint bench

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(INSTALLED)
	$(BIN)/impact demo --home $(HOME_DIR)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# The performance benchmark (README "Performance"): `make bench SCALES=1M,5M` picks scales,
# REPEAT how many times the full run, baseline and new day are measured (the median counts);
# generated data is cached under BENCH_WORK.
SCALES ?= 1M,5M,20M
REPEAT ?= 3
BENCH_WORK ?= /tmp/impact-bench

bench: $(INSTALLED)
	$(BIN)/python bench/pipeline_bench.py --scales $(SCALES) --repeat $(REPEAT) --work $(BENCH_WORK)
