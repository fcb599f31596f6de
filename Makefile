# Two commands from a fresh clone:
#   make run    set everything up and start the portal with demo data
#   make test   set everything up and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make test` runs pytest on this many processes (pytest-xdist): auto is one per core, 0 none.
TEST_WORKERS ?= auto
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test lint format check migrate seed chromium pdf-libs clean help bench

help:
	@echo "make run    - install, migrate, load demo data and start web, worker and beat"
	@echo "make test   - install (with test tools and Chromium) and run the test suite"
	@echo "make lint   - ruff check, ruff format --check, the import layers (lint-imports) and the migrations check"
	@echo "make bench  - the fair benchmark of every main page and the load test, demo and national data (benchmarks/README.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files: reinstall only when the requirement files change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-load: requirements.txt requirements-load.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-load.txt
	touch $@ $(VENV)/.installed

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# Debian's Chromium (the browser tests drive it; nothing is downloaded by Playwright) and
# poppler-utils (pdftoppm, to look at rendered PDFs).
chromium:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
		echo "Installing Debian packages: chromium poppler-utils"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium poppler-utils fonts-dejavu-core; \
	fi

# Pango and fonts for WeasyPrint, which renders the MOU PDFs (in the worker and for drafts).
pdf-libs:
	@if ! /sbin/ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0 || [ ! -d /usr/share/fonts/truetype/dejavu ]; then \
		echo "Installing Debian packages: libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; \
	fi

run: export DEBUG ?= true
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed pdf-libs
	mkdir -p var/mail var/media var/broker/queue var/broker/processed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Starting the portal on http://$(HOST):$(PORT)/ (web, Celery worker and beat). Ctrl-C stops all."
	@echo "Emails are written to var/mail/."
	HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho start -f Procfile

test: $(VENV)/.installed-dev chromium pdf-libs
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The fair benchmark (benchmarks/bench.py): creates and seeds the databases portal_bench_demo and
# portal_bench_national on the local PostgreSQL, times every main page, runs the load test, drops
# them again and writes benchmarks/results/bench.md. About 15 minutes on 2 quiet cores.
# BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--rounds 3 --keep".
bench: $(VENV)/.installed-load pdf-libs
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
