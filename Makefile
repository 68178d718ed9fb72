# The verbs people type. Every target sets up what it needs first (idempotent).
SHELL := /bin/bash
.DEFAULT_GOAL := help

export WAREHOUSE_PATH ?= $(CURDIR)/data/warehouse.duckdb
export DEMO_EMPLOYEES ?= 2000
export DEMO_SEED ?= 42
PY := .venv/pipeline/bin/python
DBT := .venv/pipeline/bin/dbt --quiet
DBT_DIRS := --project-dir dbt_project --profiles-dir dbt_project

.PHONY: help setup demo build check impact validate-impact test test-fast bench lint docs lock clean dbt-parse

help:
	@echo "make demo    set up, build the demo warehouse, serve Dagster (:3000) and Superset (:8088)"
	@echo "make build   set up and build the demo warehouse once, no servers"
	@echo "make check   validate the warehouse at WAREHOUSE_PATH with the Great Expectations suites"
	@echo "make impact  re-run the learning-impact engine on the warehouse (impact/plans/)"
	@echo "make validate-impact  engine vs planted effects over 50 demo companies -> docs/IMPACT_VALIDATION.md"
	@echo "make test    every test (installs what is missing)"
	@echo "make bench   time each stage for 2,000 and 10,000 employees -> docs/BENCHMARKS.md"
	@echo "make lint    ruff and sqlfluff"
	@echo "make docs    dbt docs generate (open dbt_project/target/index.html)"
	@echo "make clean   remove the warehouse, demo data and run state (keeps the virtualenvs)"

setup:
	@scripts/setup.sh

dbt-parse: setup
	@$(DBT) parse $(DBT_DIRS)

demo: setup
	$(PY) -m demo serve

build: setup
	$(PY) -m demo build

check: setup
	$(PY) -m expectations --warehouse "$(WAREHOUSE_PATH)"

impact: setup
	$(PY) -m impact run --warehouse "$(WAREHOUSE_PATH)"

validate-impact: setup
	$(PY) -m impact validate --seeds 50 --employees 1000

test: setup dbt-parse
	@set +e; $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests - treated as a failure"; exit 1; fi; exit $$rc

test-fast: setup dbt-parse
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

bench: setup dbt-parse
	$(PY) -m benchmarks

lint: setup
	.venv/pipeline/bin/ruff check .
	.venv/pipeline/bin/ruff format --check .

docs: setup
	$(DBT) docs generate $(DBT_DIRS)
	@echo "dbt docs: dbt_project/target/index.html (serve with: $(DBT) docs serve $(DBT_DIRS) --host 127.0.0.1)"

lock:
	@for env in pipeline superset lrs; do \
	  (echo "# Locked from requirements/$$env.in; regenerate with: make lock"; \
	   .venv/$$env/bin/pip freeze --exclude-editable | grep -v -E '^(pip|setuptools|wheel)==') > requirements/$$env.txt; \
	done

clean:
	rm -rf data dbt_project/target dbt_project/logs
