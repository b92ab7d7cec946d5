# Two set-up commands matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench schema clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/inspectnet db upgrade
	$(BIN)/inspectnet demo load
	$(BIN)/inspectnet demo tokens
	$(BIN)/inspectnet serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check platform tests bench migrations
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check platform tests bench migrations
	$(BIN)/ruff format --check platform tests bench migrations
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

schema: $(STAMP)
	$(BIN)/inspectnet schema export

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
