# lis1: the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# `make test` runs against PostgreSQL and Redis: the environment's, or the local servers.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/lis1)
TEST_REDIS_URL ?= $(or $(CELERY_BROKER_URL),redis://127.0.0.1:6379/0)

.PHONY: install run test lint format bench worker messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The web server and, beside it, a real Celery worker with beat: background jobs (match runs,
# reports, e-mails) behave as in production. Without CELERY_BROKER_URL they travel through
# kombu's filesystem transport under var/broker/; Ctrl-C stops both.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo --if-missing
	@echo "lis1 is served on http://$(HOST):$(PORT)/ with a background worker (Ctrl-C stops both)"
	@trap 'kill 0' EXIT; \
	$(VENV)/bin/celery -A lis1.celery worker --beat --loglevel=warning --concurrency=2 & \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) REDIS_URL=$(TEST_REDIS_URL) \
	CELERY_TASK_ALWAYS_EAGER=true $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy lis1 applicants employers municipalities
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Benchmarks print figures; they are not tests. BENCH_DATABASE_URL picks the Postgres database.
bench: install
	$(PY) bench/matching_bench.py
	$(PY) bench/exact_bench.py
	$(PY) bench/load_applicants.py --users 200 --seconds 60 --think 5-15
	$(PY) bench/load_applicants.py --users 200 --seconds 60 --think 1-3
	$(PY) bench/load_all_roles.py --seconds 60 --think 5-15
	$(PY) bench/match_run_bench.py --applicants 10000 --applicants 45000
	$(PY) bench/audit_bench.py
	$(PY) bench/report_bench.py
	$(PY) bench/pages_bench.py
	$(PY) bench/simulation_bench.py

worker: install
	$(VENV)/bin/celery -A lis1.celery worker --loglevel=info --concurrency=2

messages: install
	$(PY) manage.py makemessages -l nb -l nn -l en --ignore=.venv --ignore=var --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
