# VideoPlanet — every target installs what it needs into .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml clients/python/pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install web tools run test test-tools provider lint format openapi asyncapi docs bench dashboard-screenshot screenshots clean \
	consumer-pacts web-pacts web-test-pacts contracts publish verify-broker can-i-deploy record-deployment api-diff

install: $(STAMP)

$(STAMP): pyproject.toml clients/python/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e clients/python
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## make web: the reviewer web app built into web/dist (Django serves it at /). npm ci runs
## only when package-lock.json changed, the build only when its sources or contracts did.
WEB_SOURCES := $(shell find web/src web/scripts -type f -not -path 'web/src/generated/*' 2>/dev/null) \
	web/index.html web/package.json web/package-lock.json web/tsconfig.json web/vite.config.ts \
	$(wildcard contracts/*.json)
web: web/dist/.built

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/.built: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run build
	touch $@

## make tools: the linters that read contracts/openapi.json as other ecosystems' tooling
## does (Redocly, Spectral), into tools/node_modules; npm ci only when the lock changed.
tools: tools/node_modules/.installed

tools/node_modules/.installed: tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund
	touch $@

## make run: SQLite, in-memory channel layer, local media, demo data, one server process
## and one task worker beside it (video processing; its room events go through the
## server: ROOM_RELAY_URL); Ctrl-C stops both.
## /metrics needs a token: METRICS_TOKEN, else a local one kept in var/metrics-token.
RUN_METRICS_TOKEN = METRICS_TOKEN="$${METRICS_TOKEN:-$$(cat var/metrics-token)}"
run: install web
	mkdir -p var
	test -s var/metrics-token || (umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(32))' > var/metrics-token)
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py migrate --noinput
	$(RUN_METRICS_TOKEN) DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py seed_demo --base-url http://127.0.0.1:$(PORT)
	DJANGO_SETTINGS_MODULE=config.settings.local ROOM_RELAY_URL=http://127.0.0.1:$(PORT)/internal/rooms/relay \
		$(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(RUN_METRICS_TOKEN) DJANGO_SETTINGS_MODULE=config.settings.local $(VENV)/bin/uvicorn config.asgi:application \
		--host 127.0.0.1 --port $(PORT) --no-access-log --ws-max-size 65536 --ws-per-message-deflate false

## make test: Vitest, then the whole pytest suite on SQLite, then, when DATABASE_URL is set,
## again on that database the tests whose outcome can depend on the engine: those that use
## Django's test database, and those marked database_url (conftest.py's
## --database-tests-only). The rest touch no database, or a SQLite file of their own
## whatever DATABASE_URL says, so a second run would repeat the first. Each pass is spread
## over TEST_WORKERS processes (pytest-xdist; each has its own test database and, with
## PORT_RANGE, its own share of the ports), a module to a worker (its server started once),
## the modules that start servers first (conftest.py); TEST_WORKERS=0: in this process.
## `pytest path::test` alone runs in one process, on SQLite unless DATABASE_URL is set.
## make test-tools: Debian's promtool (alert-rule tests) and Chromium (the dashboard's
## browser test), installed with apt-get when missing.
test-tools:
	@command -v promtool >/dev/null 2>&1 || { echo "installing promtool (Debian's prometheus package)"; \
		apt-get install -y --no-install-recommends prometheus >/dev/null 2>&1 || \
		{ apt-get update >/dev/null && apt-get install -y --no-install-recommends prometheus >/dev/null; } || \
		echo "promtool could not be installed: the promtool tests will be skipped"; }
	@test -x /usr/bin/chromium || { echo "installing Chromium (Debian's chromium package)"; \
		apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
		{ apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; } || \
		echo "Chromium could not be installed: the dashboard's browser test will fail"; }

TEST_WORKERS ?= 3
TEST_PARALLEL = $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder)
test: install test-tools web tools
	cd web && PACT_DO_NOT_TRACK=true npx vitest run --exclude '**/*.pact.test.ts'
	env -u DATABASE_URL $(PY) -m pytest $(TEST_PARALLEL)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== the database tests again on $$DATABASE_URL =="; \
		$(PY) -m pytest $(TEST_PARALLEL) --database-tests-only; \
	fi

## make provider PORT=N: the app on a throwaway database with the Pact provider-state endpoint on.
provider: install
	$(PY) -m videoplanet.pact.provider --port $(PORT)

lint: install web/node_modules/.installed
	cd web && npm run generate >/dev/null && npx tsc --noEmit -p tsconfig.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy videoplanet config conftest.py tests bench
	$(VENV)/bin/mypy --config-file clients/python/pyproject.toml clients/python/videoplanet_client
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## make openapi: regenerate the committed OpenAPI document from the code, and the SDK's copy.
openapi: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py openapi --write contracts/openapi.json
	cp contracts/openapi.json clients/python/videoplanet_client/openapi.json

## make asyncapi: regenerate the committed AsyncAPI document from the event models.
asyncapi: install
	$(PY) -m videoplanet.realtime.asyncapi write contracts/asyncapi.json

## make docs: both documents.
docs: openapi asyncapi

## make api-diff [USAGE=usage.json]: every change since the last released OpenAPI document
## (contracts/released/), then who each breaking or warning change affects, from the committed
## pacts and (with USAGE, from `manage.py usage_export`) runtime usage. Exit 0 when nothing
## breaks, or when usage proves every consumer Unaffected by what does; else impact's code
## (1: a consumer is Broken, 3: only Potentially affected), 2 on bad input.
api-diff: install
	@$(PY) -m videoplanet.contracts diff contracts/released contracts/openapi.json; diff=$$?; \
	echo; echo "Who breaks? (pacts/$(if $(USAGE), and $(USAGE)))"; \
	$(PY) -m videoplanet.contracts impact contracts/released contracts --pacts pacts \
		$(if $(USAGE),--usage $(USAGE)); impact=$$?; \
	if [ $$diff -eq 0 ]; then exit 0; elif [ $$diff -eq 1 ]; then exit $$impact; else exit $$diff; fi

## make bench: see bench/README.md. The FastAPI peer's dependencies (the `bench` extra)
## are installed here only.
bench: install test-tools web
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench.run

## make dashboard-screenshot: docs/dashboard.png, the contract dashboard on monitoring_demo's
## data in the system Chromium (what the browser test drives); commit it with the README.
dashboard-screenshot: install
	$(PY) -m tests.browser.dashboard docs/dashboard.png

## make screenshots: docs/screenshots/*.png, the review page (markers, a drawing, a thread;
## adding feedback), the project page and sign-in on `make run`'s demo data in the system
## Chromium; commit them with the README.
screenshots: install test-tools web
	$(PY) -m tests.browser.screenshots docs/screenshots

## make consumer-pacts: both consumers' contract tests (the Python SDK's and the web app's),
## writing pacts/ (commit them).
consumer-pacts: install web-pacts
	PACT_OUTPUT_DIR=$(CURDIR)/pacts $(PY) -m pytest clients/python/tests/test_pact_consumer.py

## make web-pacts: the web app's pact tests (Vitest + pact-js), rewriting its two pact files.
WEB_PACT_FILES := pacts/VideoPlanet-Frontend-VideoPlanet-Backend.json pacts/VideoPlanet-Frontend-VideoPlanet-Backend-Realtime.json
web-pacts: web/node_modules/.installed
	rm -f $(WEB_PACT_FILES)
	cd web && PACT_DO_NOT_TRACK=true PACT_OUTPUT_DIR=$(CURDIR)/pacts npm run test:pact

## make web-test-pacts: the web app's pact tests against the committed pacts (part of make test).
web-test-pacts: web/node_modules/.installed
	cd web && PACT_DO_NOT_TRACK=true npm run test:pact
test: web-test-pacts

## make contracts: consumer pacts, the pact/OpenAPI cross-check, then verification
## of the pacts against a real provider process; its results go to
## var/pact-verification.json for the contract coverage matrix.
contracts: consumer-pacts
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py pact_crosscheck pacts/*.json
	PACT_VERIFICATION_REPORT=$(CURDIR)/var/pact-verification.json $(PY) -m pytest tests/contract

## Pact Broker workflow (seed §5): versioned by git sha and branch; each stops with a
## clear message and exit 2 when PACT_BROKER_URL is not set.
publish: install
	$(PY) -m videoplanet.pact.broker publish

verify-broker: install
	$(PY) -m videoplanet.pact.broker verify

can-i-deploy: install
	$(PY) -m videoplanet.pact.broker can-i-deploy $(if $(ENV),--to-environment $(ENV),)

record-deployment: install
	@test -n "$(ENV)" || (echo "usage: make record-deployment ENV=production" >&2; exit 2)
	$(PY) -m videoplanet.pact.broker record-deployment --environment $(ENV)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
