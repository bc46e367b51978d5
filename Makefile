# ETP support desk. The two commands a fresh machine needs are `make run` and
# `make test` (see README.md); the rest are building blocks.
SHELL := /bin/bash
VENV := .venv
ADDONS := addons/etp_helpdesk addons/etp_escalation addons/etp_incident addons/etp_stories

.PHONY: run run-prod test lint format clean-state

run:  ## Odoo on http://127.0.0.1:8069 with Russian demo data
	@bash scripts/run.sh

run-prod:  ## the same in production mode: workers, cron, gevent, behind nginx
	@bash scripts/run_prod.sh

test:  ## lint, fresh database, the whole test suite
	@bash scripts/test.sh

lint:  ## ruff (lint + format check), pylint-odoo's mandatory checks, OCA's XML checks
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pylint --rcfile=.pylintrc-mandatory $(ADDONS)
	$(VENV)/bin/oca-checks-odoo-module --no-verbose $(ADDONS)

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean-state:  ## forget the generated config, logs and filestore
	rm -rf .state
