# Two commands on a fresh machine: `make run` and `make test`. Both create and use .venv in the repo root.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
FRONTEND := webapp/frontend
PG_TEST_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
APT_PACKAGES := ffmpeg espeak-ng chromium

.PHONY: install system-deps frontend run test lint typecheck imports test-sqlite test-postgres test-frontend bench clean

install: $(VENV)/.installed frontend

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# Debian packages used by voice (ffmpeg, espeak-ng for test fixtures) and browser tests (chromium).
system-deps:
	@missing=""; for b in ffmpeg espeak-ng chromium; do command -v $$b >/dev/null || missing="$$missing $$b"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else echo "missing:$$missing (install them with apt-get)"; fi; \
	fi

frontend: $(FRONTEND)/dist/index.html

$(FRONTEND)/dist/index.html: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json $(shell find $(FRONTEND)/src -type f 2>/dev/null) $(FRONTEND)/index.html
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error && npm run build

run: install
	$(BIN)/secretary run

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# The layer contracts in pyproject.toml ([tool.importlinter]): a back-edge fails the build.
imports: $(VENV)/.installed
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed
	$(BIN)/mypy secretary core bot webapp worker sandbox

test-sqlite: $(VENV)/.installed
	$(BIN)/pytest -q -p no:cacheprovider

# PostgreSQL + Redis: always in CI (and it fails there if they are unreachable); locally when TEST_DATABASE_URL is set.
test-postgres: $(VENV)/.installed
	@if [ -n "$$TEST_DATABASE_URL" ] || [ "$$CI" = "true" ]; then \
	  TEST_DATABASE_URL="$${TEST_DATABASE_URL:-$(PG_TEST_URL)}" $(BIN)/pytest -q -p no:cacheprovider -m "not browser"; \
	else echo "skipping the PostgreSQL pass (set TEST_DATABASE_URL or CI=true)"; fi

test-frontend: frontend
	cd $(FRONTEND) && npm test --silent

test: install system-deps lint imports typecheck test-frontend test-sqlite test-postgres

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) $(FRONTEND)/node_modules $(FRONTEND)/dist
