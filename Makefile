# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# XStatic-Bootstrap is published as a source package whose build still imports
# pkg_resources, which setuptools 81 removed.
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install lint pytest demo

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

demo: install
	@scripts/system-packages.sh run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_question_banks
	$(PY) manage.py seed_demo --base-url http://$(HOST):$(PORT)

# The development server, and beside it the worker that makes the PDF reports (Django's
# task framework, database backend); stopping one stops both. The worker does not reload
# on code changes, which would break off a report being made.
run: demo
	@$(PY) manage.py db_worker --no-startup-delay --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

pytest: install
	$(PY) -m pytest $(PYTEST_ARGS)

test: install
	@scripts/system-packages.sh test
	@scripts/test-services.sh
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory pytest
