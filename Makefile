# The tasks a developer runs are the ones CI runs.
#   make run   set up, build the index of the default corpus, serve the chat
#   make test  set up, lint (ruff, mypy, the import layers), run the whole test suite (unit, integration,
#              browser, eval gate)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HTMX   := web/static/vendor/htmx.min.js
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup python-deps browser postgres assets index run serve test test-fast lint bench clean

setup: python-deps assets

python-deps: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "setup: installing torch==2.13.0 (CPU wheel on this machine) and the project"
	@$(BIN)/pip install --quiet torch==2.13.0
	@$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

AXE    := node_modules/axe-core/axe.min.js

assets: $(HTMX) $(AXE)

# axe-core (a dev dependency) checks the pages' accessibility in the browser tests; never served.
$(HTMX) $(AXE): package.json
	@echo "setup: installing htmx and axe-core from the npm registry"
	@npm install --silent --no-audit --no-fund
	@mkdir -p web/static/vendor
	@cp node_modules/htmx.org/dist/htmx.min.js $(HTMX)

browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (echo "setup: installing chromium for the browser tests" && \
	   apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)

# The store's tests run on SQLite and on a real PostgreSQL, which they start themselves (tests/postgres_server.py).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
	  (echo "setup: installing postgresql for the database tests" && \
	   apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

index: setup
	@$(BIN)/vagvisare ingest

# The server refuses to start without a real admin token (for POST /api/admin/reload). Unless
# VAGVISARE_ADMIN_TOKEN is set, `make run` makes one, once, in var/admin-token (mode 600).
ADMIN_TOKEN_FILE := var/admin-token

$(ADMIN_TOKEN_FILE):
	@mkdir -p var
	@(umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(32))" > $@)
	@echo "run: made an admin token in $@ (for POST /api/admin/reload)"

run: index $(ADMIN_TOKEN_FILE)
	@echo "run: serving on http://$(HOST):$(PORT)/ (admin token: \$$VAGVISARE_ADMIN_TOKEN or $(ADMIN_TOKEN_FILE))"
	@VAGVISARE_ADMIN_TOKEN="$${VAGVISARE_ADMIN_TOKEN:-$$(cat $(ADMIN_TOKEN_FILE))}" \
	  $(BIN)/vagvisare serve --host $(HOST) --port $(PORT)

serve: setup $(ADMIN_TOKEN_FILE)
	@echo "run: serving on http://$(HOST):$(PORT)/ (admin token: \$$VAGVISARE_ADMIN_TOKEN or $(ADMIN_TOKEN_FILE))"
	@VAGVISARE_ADMIN_TOKEN="$${VAGVISARE_ADMIN_TOKEN:-$$(cat $(ADMIN_TOKEN_FILE))}" \
	  $(BIN)/vagvisare serve --host $(HOST) --port $(PORT)

test: lint browser postgres
	@$(BIN)/python -m pytest

test-fast: setup
	@$(BIN)/python -m pytest -m "not model and not browser"

lint: setup
	@$(BIN)/ruff check core assistant ingest web eval vagvisare tests
	@$(BIN)/mypy core assistant ingest web eval vagvisare
	@$(BIN)/lint-imports

bench: setup
	@echo "bench: ingest and load a real server on loopback (about 20 minutes); writes docs/benchmark.json and .md"
	@$(BIN)/vagvisare bench

clean:
	rm -rf $(VENV) node_modules var web/static/vendor
