# Jobsight: `make run` sets everything up and runs the system; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REPLICAS ?= 1
export GATEWAY_PORT ?= 8000

# REPLICAS=2 and more is the HA shape: the databases live on the replicated PostgreSQL pair
# (`jobsight ha up`: Patroni, a primary and a synchronous standby on ports 5441 and 5442), and
# every service reaches whichever node is primary through a libpq multi-host URI.
ifneq ($(REPLICAS),1)
HA := 1
HA_DB = postgresql://postgres:postgres@/$(1)?host=127.0.0.1:5441&host=127.0.0.1:5442&target_session_attrs=read-write&connect_timeout=3
export USERS_DB_URI ?= $(call HA_DB,users_db)
export JOBS_DB_URI ?= $(call HA_DB,jobs_db)
export WAREHOUSE_DB_URI ?= $(call HA_DB,warehouse_db)
export COORDINATOR_DB_URI ?= $(call HA_DB,coordinator_db)
endif

.PHONY: run test up down setup infra venv logserver prometheus ha migrate web clean-logs

run: setup  ## set everything up and run every service in the foreground (Ctrl-C stops)
	$(BIN)/jobsight up --replicas $(REPLICAS)

test: setup  ## run the whole test suite against the real RabbitMQ, PostgreSQL and Redis
	$(BIN)/pytest -q

up: setup  ## run every service in the background
	$(BIN)/jobsight up --detach --replicas $(REPLICAS)

down:  ## stop what `make up` started
	$(BIN)/jobsight down

setup: infra venv logserver prometheus ha migrate web

infra:
	bash scripts/setup.sh

venv: infra $(STAMP)

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

logserver: venv  ## the local log server the services ship to (its binary comes with the venv)
	bash scripts/logserver.sh

prometheus: infra  ## the local Prometheus, scraping every instance `jobsight up` starts
	bash scripts/prometheus.sh

ha: venv  ## Patroni (the failover drills use it); with REPLICAS=2 or more, the replicated pair itself
	$(BIN)/jobsight ha $(if $(HA),up,install)

migrate: venv ha
	$(BIN)/jobsight migrate

# The web app the gateway serves at / (jobsight/web/static.py), built into frontend/dist.
WEB := frontend
NODE_STAMP := $(WEB)/node_modules/.installed
WEB_STAMP := $(WEB)/dist/.built

web: infra $(WEB_STAMP)

$(NODE_STAMP): $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEB_STAMP): $(NODE_STAMP) $(WEB)/vite.config.js $(WEB)/index.html $(shell find $(WEB)/src -type f 2>/dev/null)
	cd $(WEB) && npm run --silent build -- --logLevel warn
	touch $@

clean-logs:
	rm -rf logs
