# Secure Base: install / run / test.  `make help` lists the targets.
# Works on a fresh clone (as root, nothing installed): Debian packages, .venv and pip installs are
# done on demand and skipped when already up to date.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The venv is reinstalled only when this hash changes (requirements files + interpreter version).
STAMP  := $(VENV)/.requirements.sha256
REQS   := requirements.txt requirements-dev.txt

# make test ARGS="-k join -x"   (passed to both pytest runs)
ARGS ?=
# make serve BIND=127.0.0.1:5001 GUNICORN_ARGS="--timeout 60"
# Production configuration comes from the environment (DATABASE_URL, REDIS_URL, SECRET_KEY,
# SB_PUBLIC_URL, SB_BEHIND_PROXY, SB_SECURE_COOKIES, SB_ALLOWED_ORIGINS): see docs/DEPLOY.md. Several
# processes = one `make serve` (or systemd unit, deploy/) per port, all with the same DATABASE_URL,
# REDIS_URL and SECRET_KEY, behind nginx with deploy/nginx.conf. --worker-connections: every open
# socket holds one of gunicorn's gevent connections (default 1000, then new clients hang); 5000 takes
# ~400 MiB at ~80 KiB per idle connection (docs/PERFORMANCE.md). Needs `ulimit -n` above it.
BIND ?= 127.0.0.1:5000
GUNICORN_ARGS ?=
# make bench BENCH=fanout BENCH_ARGS="--sizes 12,50"   (fanout | many_groups | scale_out; docs/PERFORMANCE.md)
BENCH ?= fanout
BENCH_ARGS ?=

# The server settings live in gunicorn.conf.py (gevent, one worker per process, no control socket,
# 5000 connections, logs to stdout/stderr; bind from SB_BIND): the same file for make, systemd, tests
# and benchmarks. One worker per process, always: Flask-SocketIO keeps per-connection state in the
# worker. More capacity = several instances behind a sticky load balancer with a Redis message queue.
GUNICORN := $(BIN)/gunicorn -c gunicorn.conf.py

.PHONY: help run serve bench test audit lint system-deps venv db-upgrade \
        services-start services-stop services-status clean distclean

help:
	@echo "make run             install what is missing, migrate, print setup link, serve on 127.0.0.1:5000"
	@echo "make serve           production: gunicorn -k gevent -w 1 --no-control-socket on BIND (default"
	@echo "                     127.0.0.1:5000), config from the environment (docs/DEPLOY.md)"
	@echo "make bench           a benchmark: BENCH=fanout|many_groups|scale_out BENCH_ARGS=... (docs/PERFORMANCE.md)"
	@echo "make test            full test run: deps, venv, pip-audit, services, pytest on SQLite + PostgreSQL"
	@echo "                     (make test ARGS=\"-k join\" passes arguments to pytest)"
	@echo "make test-fast       the edit-test loop (~1 min): pytest on SQLite in-process only: no browser,"
	@echo "                     no PostgreSQL/Redis/nginx, no gunicorn (-m \"not e2e and not server and"
	@echo "                     not services and not slow\"; make test-fast ARGS=\"-k join -x\"); needs .venv"
	@echo "make audit           pip-audit of requirements.txt"
	@echo "make lint            ruff check"
	@echo "make services-start  this checkout's throwaway PostgreSQL + Redis (ports derived from the checkout"
	@echo "                     path: bash scripts/services.sh ports; SB_PG_PORT/SB_REDIS_PORT override)"
	@echo "make services-stop   stop them (safe twice); make services-status"
	@echo "make clean           stop services, remove .run/, test-output/, caches (keeps .venv, instance/)"
	@echo "make distclean       clean + remove .venv and node_modules"

system-deps:
	@bash scripts/system-deps.sh

# Create .venv if missing (or broken), pip install only when requirements changed since the last
# successful install. flock: two make/test runs in one checkout must not pip install at once.
# The grep drops pip's one-line warning per package that a machine-wide local extra index
# (pip.conf) does not carry: ~100 lines of noise on a fresh install.
venv:
	@mkdir -p .run
	@exec 9>.run/venv.lock; flock 9; \
	if ! $(BIN)/python -c 'import sys' >/dev/null 2>&1; then \
	  echo "venv: creating $(VENV) with $$($(PYTHON) --version 2>&1)"; \
	  rm -rf $(VENV); \
	  $(PYTHON) -m venv $(VENV); \
	fi; \
	want="$$( { $(BIN)/python -VV; cat $(REQS); } | sha256sum | cut -d' ' -f1)"; \
	if [[ "$$(cat $(STAMP) 2>/dev/null)" == "$$want" ]]; then \
	  echo "venv: up to date ($(VENV))"; \
	else \
	  echo "venv: pip install -r requirements-dev.txt (about a minute on a fresh clone)"; \
	  start=$$SECONDS; \
	  $(BIN)/python -m pip install --quiet --no-input --disable-pip-version-check -r requirements-dev.txt 2>&1 \
	    | { grep -v -e 'is ignored: it is neither a file nor a directory' || true; }; \
	  echo "$$want" > $(STAMP); \
	  echo "venv: installed in $$((SECONDS - start)) s"; \
	fi

db-upgrade: venv
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi setup-link

# Both listen on BIND (make run BIND=0.0.0.0:5000 for the LAN): gunicorn.conf.py and `flask urls`
# read it as SB_BIND. After db-upgrade (migrations, setup link): the local and LAN addresses.
run serve: export SB_BIND = $(BIND)

run: system-deps db-upgrade
	$(BIN)/flask --app wsgi urls
	exec $(GUNICORN) $(GUNICORN_ARGS) wsgi:app

# Production: before gunicorn starts, `flask doctor` checks the configuration; make stops on an error.
serve: system-deps db-upgrade
	$(BIN)/flask --app wsgi doctor
	$(BIN)/flask --app wsgi urls
	exec $(GUNICORN) $(GUNICORN_ARGS) wsgi:app

# Starts (and stops) its own PostgreSQL + Redis on ports 54339/63809 and the servers it measures.
bench: system-deps venv
	$(BIN)/python bench/$(BENCH).py $(BENCH_ARGS)

test:
	@bash scripts/test.sh $(ARGS)

# The edit-test loop: engines, units and routes on SQLite, in this process: no browser (e2e), no
# gunicorn (server), no PostgreSQL/Redis/nginx (services), no slow tests; hypothesis "fast" profile
# and a tenth of the fuzz examples (tests/conftest.py). Uses the existing .venv as it is (no
# install step); `make test` runs everything. -m first: a -m in ARGS (pytest keeps the last) wins.
.PHONY: test-fast
test-fast:
	@test -x $(BIN)/python || { echo "test-fast: $(BIN)/python not found: run make venv (or make test) once"; exit 1; }
	env -u SB_TEST_DATABASE_URL SB_HYPOTHESIS_PROFILE=fast SB_FUZZ_SCALE=0.1 \
	  $(BIN)/python -m pytest -m "not e2e and not server and not services and not slow" $(ARGS)

audit: venv
	@bash scripts/test.sh --audit-only

lint: venv
	$(BIN)/ruff check .

services-start: system-deps
	@bash scripts/services.sh start

services-stop:
	@bash scripts/services.sh stop

services-status:
	@bash scripts/services.sh status

clean: services-stop
	rm -rf .run test-output .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
	  -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
