# Two set-up commands matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Chart and image checks: helm SDK, kubernetes-validate and hadolint in the project venv;
# checkov in its own venv because its pinned dependencies clash with the app's.
CHECKOV_VENV := .venv-checkov
DEPLOY_STAMP := $(VENV)/.deploy-tools-stamp
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-stamp
# The reference operations are checked as a frontend builds them (graphql-codegen, graphql-inspector),
# with the npm packages pinned by tools/node/package-lock.json.
NODE_TOOLS := tools/node
NODE_STAMP := $(NODE_TOOLS)/node_modules/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench schema schema-check deploy-tools clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

$(DEPLOY_STAMP): $(STAMP) tools/requirements-deploy.txt
	$(BIN)/pip install --quiet -r tools/requirements-deploy.txt
	touch $(DEPLOY_STAMP)

$(CHECKOV_STAMP): tools/requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet -r tools/requirements-checkov.txt
	touch $(CHECKOV_STAMP)

deploy-tools: $(DEPLOY_STAMP) $(CHECKOV_STAMP)

$(NODE_STAMP): $(NODE_TOOLS)/package.json $(NODE_TOOLS)/package-lock.json
	cd $(NODE_TOOLS) && npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/inspectnet db upgrade
	INSPECTNET_DEVELOPMENT=true $(BIN)/inspectnet demo load
	$(BIN)/inspectnet demo tokens
	INSPECTNET_DEVELOPMENT=true $(BIN)/inspectnet serve --host $(HOST) --port $(PORT)

test: $(STAMP) $(DEPLOY_STAMP) $(CHECKOV_STAMP) $(NODE_STAMP)
	$(BIN)/ruff check platform tests bench migrations
	$(BIN)/lint-imports
	cd $(NODE_TOOLS) && npm run --silent check
	$(BIN)/pytest -q -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check platform tests bench migrations
	$(BIN)/ruff format --check platform tests bench migrations
	$(BIN)/lint-imports

# Not part of `make test`. Writes bench/results/ and the table of docs/benchmarks.md; set
# BENCH_BEFORE=<a checkout of main> to measure it too, on the same rows, side by side.
bench: $(STAMP)
	$(BIN)/python -m bench

schema: $(STAMP)
	$(BIN)/inspectnet schema export

# Breaking changes of the schema against another branch's SDL; removals must be deprecated first.
SCHEMA_BASE ?= main
schema-check: $(STAMP)
	$(BIN)/python -m inspectnet.breaking --base $(SCHEMA_BASE)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) var .pytest_cache .ruff_cache .hypothesis $(NODE_TOOLS)/node_modules
