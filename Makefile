# Training Monitor. The two commands a person needs: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEMO_ADDR ?= 127.0.0.1:8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/training_monitor
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# The migration linter renders SQL on PostgreSQL (production's engine); any database on
# the server will do, it creates nothing.
LINT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export PIP_DISABLE_PIP_VERSION_CHECK := 1
LOCALE_DIRS := $(wildcard locale */locale)

.PHONY: help demo test install install-dev messages compile-messages extract-messages \
        services lint lint-imports lint-deploy typecheck migrations-check lint-migrations pytest demo-check clean security audit bench

help:
	@echo "make demo   - install, create the SQLite demo database and serve http://$(DEMO_ADDR)"
	@echo "make test   - lint, type-check and run every test on PostgreSQL and Redis"
	@echo "make bench  - every benchmark at scale 50 (not CI, long); figures in artifacts/bench.json"

$(PY):
	@scripts/system-deps.sh venv
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.runtime: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet .
	@touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.runtime
	$(PY) -m pip install --quiet ".[dev]"
	@touch $@

install: $(VENV)/.runtime
	@scripts/system-deps.sh pdf

install-dev: $(VENV)/.dev
	@scripts/system-deps.sh pdf

# Translations: .po files are the source, .mo files are built (Babel, no gettext needed).
compile-messages: $(VENV)/.runtime
	@for dir in $(LOCALE_DIRS); do $(BIN)/pybabel compile --statistics -d $$dir -D django 2>&1 | grep -v "^compiling" || true; done
	@for dir in $(LOCALE_DIRS); do if [ -f $$dir/nl/LC_MESSAGES/djangojs.po ]; then $(BIN)/pybabel compile --statistics -d $$dir -D djangojs 2>&1 | grep -v "^compiling" || true; fi; done

# Extraction needs GNU gettext (apt-get install gettext); only developers run it.
extract-messages: $(VENV)/.dev
	DEBUG=true $(PY) manage.py makemessages -l nl --no-obsolete --ignore ".venv/*"

.demo-password:
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(9))" > $@

demo: install compile-messages .demo-password
	DEBUG=true $(PY) manage.py migrate --verbosity 0
	DEBUG=true $(PY) manage.py seed_demo --password "$$(cat .demo-password)"
	DEBUG=true $(PY) manage.py compile_reports --latest
	@echo "E-mail (reminders, overviews) is not sent: each message is written to a file in $(CURDIR)/sent-mail/ (EMAIL_URL)."
	@echo "Serving on http://$(DEMO_ADDR)/ - log in with one of the logins above (Ctrl-C stops)."
	DEBUG=true $(PY) manage.py runserver --noreload $(DEMO_ADDR)

services:
	@scripts/ensure-services.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The apps' layers (pyproject.toml, [tool.importlinter]): departments at the bottom,
# demo on top; an app imports only from the layers below it.
lint-imports: $(VENV)/.dev
	$(BIN)/lint-imports --no-cache

# What cannot be run here (no Docker daemon): the Dockerfile with hadolint (warnings that
# stay are ignored in the Dockerfile with the reason), the compose file against the
# compose specification's JSON schema, as vendored in check-jsonschema.
lint-deploy: $(VENV)/.dev
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	sh -n scripts/build.sh scripts/run.sh

typecheck: $(VENV)/.dev
	$(BIN)/mypy .

migrations-check: $(VENV)/.dev
	DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run --settings training_monitor.settings_test

# Migrations that lock tables or break running code (django-migration-linter), on PostgreSQL.
lint-migrations: $(VENV)/.dev services
	DATABASE_URL=$(LINT_DATABASE_URL) LOG_LEVEL=WARNING $(PY) manage.py lintmigrations --settings training_monitor.settings_lint

pytest: install-dev compile-messages services
	@scripts/system-deps.sh browser
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest -m "not demo"

# The demo path on the embedded SQLite database: migrate, seed, serve, a few pages.
demo-check: install-dev compile-messages
	env -u DATABASE_URL $(BIN)/pytest -m demo

# Static security analysis of our own code: no high-severity findings allowed.
security: $(VENV)/.dev
	$(BIN)/bandit -q -r training_monitor departments notifications committees trainings imports reports privacy worklists demo -lll

# Known vulnerabilities in the installed packages; skips (exit 0) when offline.
audit: $(VENV)/.dev
	$(PY) scripts/dependency_audit.py

test: security lint lint-imports lint-deploy typecheck migrations-check lint-migrations pytest demo-check

# Not part of `make test`: the benchmarks print ratios against baselines of the same run
# and take the better part of an hour at Rijk scale.
bench: install-dev compile-messages services
	$(PY) benchmarks/run_all.py --scale 50

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache .pytest_cache artifacts
