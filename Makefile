# Mamori: `make run` brings up the demo on SQLite; `make test` runs the whole test suite.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
UV := $(VENV)/bin/uv
MAMORI := $(VENV)/bin/mamori
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON := $(CURDIR)/$(VENV)/bin/python

.PHONY: run install install-dev test lint bench clean

$(UV):
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6.1)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen --quiet

install-dev: $(UV)
	$(UV) sync --frozen --quiet --group dev

run: install
	@scripts/ensure-system-packages
	$(MAMORI) migrate --noinput
	$(MAMORI) demo
	$(MAMORI) runserver 127.0.0.1:8000

test: install-dev
	@scripts/ensure-system-packages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check src bench
	$(VENV)/bin/ruff format --check src bench
	$(VENV)/bin/mypy src/mamori

clean:
	rm -rf $(VENV) var

bench: install-dev
	$(VENV)/bin/python bench/minutes_render.py
	$(VENV)/bin/python bench/handling_validate.py
	$(VENV)/bin/python bench/consultation_list.py
	$(VENV)/bin/python bench/review_rules.py
	$(VENV)/bin/python bench/search.py
	$(VENV)/bin/python bench/documents.py
	$(VENV)/bin/python bench/ledger_consent.py
	$(VENV)/bin/python bench/ledger_import.py
