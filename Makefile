# Two commands on a fresh machine: `make run` and `make test`. Both create and use .venv in the repo root,
# installed from the lock (uv.lock; requirements/*.lock are its pip-readable exports, with hashes).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
FRONTEND := webapp/frontend
PG_TEST_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
APT_PACKAGES := ffmpeg espeak-ng chromium tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng fonts-dejavu-core
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
EXPORT = $(UV) export --frozen --no-emit-project --no-header --quiet

.PHONY: install system-deps pgvector frontend run test lint typecheck imports lock lock-check upgrade test-sqlite test-postgres test-frontend bench clean

install: $(VENV)/.installed frontend

# uv, pinned, in a small venv of its own. Where it cannot be had, the install falls back to pip with the same hashes.
$(UV):
	@$(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install -q "uv==$(UV_VERSION)" \
	  || { rm -rf $(TOOLS); echo "uv could not be installed: installing with pip from requirements/dev.lock"; }

# Exactly what uv.lock says, and nothing else; --locked fails when the lock is out of date with pyproject.toml.
# Bytecode is compiled once here: a process then imports the .pyc files instead of compiling every module it
# loads at each start (uv does not compile by default, and PYTHONDONTWRITEBYTECODE keeps imports from writing them):
# `secretary run` started in 5-6 s instead of 9-13 s on the 2-core machine (docs/performance.md).
$(VENV)/.installed: pyproject.toml uv.lock requirements/dev.lock | $(UV)
	@if [ -x $(UV) ]; then \
	  $(UV) sync --locked --extra dev --python $(PYTHON) --quiet --compile-bytecode; \
	else \
	  $(PYTHON) -m venv $(VENV) && $(PY) -m pip install -q --require-hashes -r requirements/dev.lock \
	    && $(PY) -m pip install -q --no-deps -e . \
	    && $(PY) -m compileall -q -j 0 $(VENV)/lib > /dev/null; \
	fi
	@$(PY) -m compileall -q -j 0 secretary core bot webapp worker sandbox client > /dev/null
	touch $@

# Re-resolve after editing pyproject.toml (keeps every pin that still fits), and export the pip-readable locks.
lock: $(UV)
	$(UV) lock --python $(PYTHON)
	$(EXPORT) --extra dev > requirements/dev.lock
	$(EXPORT) > requirements/runtime.lock

# The locks agree with pyproject.toml and with each other (CI runs this in `make test`).
lock-check: $(UV)
	@if [ -x $(UV) ]; then \
	  $(UV) lock --check --python $(PYTHON) --quiet \
	  && $(EXPORT) --extra dev | diff -q - requirements/dev.lock >/dev/null \
	  && $(EXPORT) | diff -q - requirements/runtime.lock >/dev/null \
	  || { echo "the locks are out of date: run make lock"; exit 1; }; \
	else echo "uv unavailable: lock check skipped"; fi

# The newest versions pyproject.toml allows, then the whole suite on them. Review `git diff uv.lock` (docs/operations.md).
upgrade: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)
	$(EXPORT) --extra dev > requirements/dev.lock
	$(EXPORT) > requirements/runtime.lock
	rm -f $(VENV)/.installed
	$(MAKE) test

# Debian packages used by voice (ffmpeg, espeak-ng for test fixtures), browser tests (chromium) and the journal's
# offline receipt reading and scanned pages (tesseract-ocr with Russian and English), the /stats chart's Cyrillic
# labels (fonts-dejavu-core); and pgvector for a local PostgreSQL server.
system-deps: pgvector
	@missing=""; for b in ffmpeg espeak-ng chromium tesseract; do command -v $$b >/dev/null || missing="$$missing $$b"; done; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	tesseract --list-langs 2>/dev/null | grep -qx rus || missing="$$missing tesseract-ocr-rus"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else echo "missing:$$missing (install them with apt-get)"; fi; \
	fi

# pgvector (the journal's vector search in the database, core/ai/index.py) for each local PostgreSQL server
# (/usr/lib/postgresql/<major>/bin/postgres) that lacks it: Debian bookworm has no package, so Debian trixie's source
# tarball, checked, is built against the server's headers and installed into its directories (CREATE EXTENSION needs
# no restart; migration 0014 and the tests create it). Nothing to do without a local server or when it is there
# already; a failure is reported, never fatal.
PGVECTOR_VERSION := 0.8.0
PGVECTOR_SHA256 := 867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0
PGVECTOR_URL := http://deb.debian.org/debian/pool/main/p/pgvector/pgvector_$(PGVECTOR_VERSION).orig.tar.gz
pgvector:
	@majors=$$(for s in /usr/lib/postgresql/*/bin/postgres; do [ -x "$$s" ] && basename "$$(dirname "$$(dirname "$$s")")"; done); \
	if [ -z "$$majors" ]; then echo "pgvector: no local PostgreSQL server, skipped"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then as_root=""; elif command -v sudo >/dev/null; then as_root="sudo"; \
	else as_root="none"; fi; \
	for major in $$majors; do \
	  [ -f /usr/share/postgresql/$$major/extension/vector.control ] && continue; \
	  if [ "$$as_root" = none ]; then echo "pgvector: missing for PostgreSQL $$major (run make pgvector as root)"; continue; fi; \
	  pg_config=/usr/lib/postgresql/$$major/bin/pg_config; packages=""; \
	  [ -f /usr/include/postgresql/$$major/server/postgres.h ] || packages="postgresql-server-dev-$$major"; \
	  command -v cc >/dev/null && command -v make >/dev/null || packages="$$packages build-essential"; \
	  work=$$(mktemp -d); log=$$work/build.log; \
	  if { [ -z "$$packages" ] || { $$as_root apt-get update -qq && \
	         $$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$packages; }; } >$$log 2>&1 \
	     && curl -fsSL -o $$work/pgvector.tar.gz $(PGVECTOR_URL) >>$$log 2>&1 \
	     && echo "$(PGVECTOR_SHA256)  $$work/pgvector.tar.gz" | sha256sum -c --quiet >>$$log 2>&1 \
	     && tar -xzf $$work/pgvector.tar.gz -C $$work >>$$log 2>&1 \
	     && make -C $$work/pgvector-$(PGVECTOR_VERSION) PG_CONFIG=$$pg_config >>$$log 2>&1 \
	     && $$as_root make -C $$work/pgvector-$(PGVECTOR_VERSION) PG_CONFIG=$$pg_config install >>$$log 2>&1; \
	  then echo "pgvector $(PGVECTOR_VERSION): installed for PostgreSQL $$major"; rm -rf $$work; \
	  else echo "pgvector: could not be installed for PostgreSQL $$major (see $$log); vectors are compared in Python"; fi; \
	done

frontend: $(FRONTEND)/dist/index.html

$(FRONTEND)/dist/index.html: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json $(shell find $(FRONTEND)/src -type f 2>/dev/null) $(FRONTEND)/index.html
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error && npm run build

# On Ctrl-C secretary stops within a second and exits 0, so make has no error to report (exec: no shell between).
run: install
	exec $(BIN)/secretary run

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# The layer contracts in pyproject.toml ([tool.importlinter]): a back-edge fails the build.
imports: $(VENV)/.installed
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed
	$(BIN)/mypy secretary core bot webapp worker sandbox client

# grammY, the second client library the sandbox conformance tests drive (tests/conformance/package-lock.json)
tests/conformance/node_modules/.package-lock.json: tests/conformance/package.json tests/conformance/package-lock.json
	cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error --prefer-offline

test-sqlite: $(VENV)/.installed tests/conformance/node_modules/.package-lock.json
	$(BIN)/pytest -q -p no:cacheprovider

# PostgreSQL + Redis: always in CI (and it fails there if they are unreachable); locally when TEST_DATABASE_URL is set.
test-postgres: $(VENV)/.installed tests/conformance/node_modules/.package-lock.json
	@if [ -n "$$TEST_DATABASE_URL" ] || [ "$$CI" = "true" ]; then \
	  TEST_DATABASE_URL="$${TEST_DATABASE_URL:-$(PG_TEST_URL)}" $(BIN)/pytest -q -p no:cacheprovider -m "not browser"; \
	else echo "skipping the PostgreSQL pass (set TEST_DATABASE_URL or CI=true)"; fi

test-frontend: frontend
	cd $(FRONTEND) && npm test --silent

test: install lock-check system-deps lint imports typecheck test-frontend test-sqlite test-postgres

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) $(TOOLS) $(FRONTEND)/node_modules $(FRONTEND)/dist
