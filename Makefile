# Two commands on a fresh clone: `make run` (the hub on a local Neo4j with the demo zone)
# and `make test` (the whole suite on its own Neo4j). Both install what they need first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
LAUNCHER_DIR := hub/localdb/launcher
LAUNCHER_JAR := $(LAUNCHER_DIR)/target/neo4j-launcher-1.0.0.jar
WEB_STAMP := hub/web/node_modules/.package-lock.json

.PHONY: install run test lint format bench db-start db-stop clean

install: $(PY_STAMP) $(LAUNCHER_JAR) $(WEB_STAMP)

$(PY_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Maven fetches the Neo4j 5.26 Community jars (cached in ~/.m2) and builds the launcher.
$(LAUNCHER_JAR): $(LAUNCHER_DIR)/pom.xml $(shell find $(LAUNCHER_DIR)/src -name '*.java')
	cd $(LAUNCHER_DIR) && mvn -B -q --no-transfer-progress package

# The GraphQL IDE's assets, served by the hub itself (no CDN).
$(WEB_STAMP): hub/web/package.json hub/web/package-lock.json
	npm ci --prefix hub/web --no-audit --no-fund --loglevel=error

run: install
	$(BIN)/hub run

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(PY_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The console's browser tests drive Debian's Chromium with Playwright (no browser download).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
	  echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; \
	fi

# The README's curl examples run as tests: they need curl and jq.
JQ := /usr/bin/jq

$(JQ):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq curl; \
	else \
	  echo "The README's examples need jq: sudo apt-get install jq curl"; exit 1; \
	fi

test: install lint $(CHROMIUM) $(JQ)
	CONSOLE_CHROMIUM=$(CHROMIUM) $(BIN)/pytest

bench: install
	$(BIN)/python -m bench.profile_query --enterprises 100000

db-start: install
	$(BIN)/hub db start

db-stop: $(PY_STAMP)
	$(BIN)/hub db stop

clean:
	rm -rf $(VENV) $(LAUNCHER_DIR)/target hub/web/node_modules
