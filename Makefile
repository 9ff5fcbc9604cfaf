# Secure Base: install / run / test.  `make help` lists the targets.
# Works on a fresh clone (as root, nothing installed): Debian packages, .venv and pip installs are
# done on demand and skipped when already up to date.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
# Two virtualenvs, each installed from its lock file with hash checking (scripts/venv.sh):
#   .venv      the app's runtime packages only: make run, make serve, the systemd units
#   .venv-dev  runtime + test and development tools: make test, test-fast, lint, bench, lock
VENV     ?= .venv
BIN      := $(VENV)/bin
DEV_VENV ?= .venv-dev
DEV_BIN  := $(DEV_VENV)/bin
export PYTHON

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
# make bench BENCH=fanout BENCH_ARGS="--sizes 12,50"   (fanout | many_groups | scale_out | render_latency | yaml_upload | audit_log | packet_decode | console_render; docs/PERFORMANCE.md)
BENCH ?= fanout
BENCH_ARGS ?=

# The server settings live in gunicorn.conf.py (gevent, one worker per process, no control socket,
# 5000 connections, logs to stdout/stderr; bind from SB_BIND): the same file for make, systemd, tests
# and benchmarks. One worker per process, always: Flask-SocketIO keeps per-connection state in the
# worker. More capacity = several instances behind a sticky load balancer with a Redis message queue.
GUNICORN := $(BIN)/gunicorn -c gunicorn.conf.py

.PHONY: help run serve bench test audit lint lock system-deps venv venv-dev db-upgrade \
        services-start services-stop services-status clean distclean

help:
	@echo "make run             install what the app needs (runtime only), migrate, print the setup link and"
	@echo "                     the addresses, serve on BIND (127.0.0.1:5000; BIND=0.0.0.0:5000 for phones)"
	@echo "make serve           production: flask doctor, then gunicorn -c gunicorn.conf.py on BIND (default"
	@echo "                     127.0.0.1:5000), config from the environment (docs/DEPLOY.md)"
	@echo "make bench           a benchmark: BENCH=fanout|many_groups|scale_out|render_latency|yaml_upload|audit_log|packet_decode|console_render BENCH_ARGS=... (docs/PERFORMANCE.md)"
	@echo "make test            full test run: test packages, .venv-dev, pip-audit, services, pytest (SQLite + PostgreSQL)"
	@echo "                     (make test ARGS=\"-k join\" passes arguments to pytest)"
	@echo "make test-fast       the edit-test loop (~2-3 min, 2 workers): pytest on SQLite, no browser,"
	@echo "                     no PostgreSQL/Redis/nginx, no gunicorn (-m \"not e2e and not server and"
	@echo "                     not services and not slow\"; make test-fast ARGS=\"-k join -x\"); uses .venv-dev"
	@echo "make audit           pip-audit of requirements.lock"
	@echo "make lock            rewrite requirements.lock and requirements-dev.lock (pip-compile, hashes)"
	@echo "make lint            ruff check"
	@echo "make services-start  this checkout's throwaway PostgreSQL + Redis (ports derived from the checkout"
	@echo "                     path: bash scripts/services.sh ports; SB_PG_PORT/SB_REDIS_PORT override)"
	@echo "make services-stop   stop them (safe twice); make services-status"
	@echo "make clean           stop services, remove .run/, test-output/, caches (keeps .venv, instance/)"
	@echo "make distclean       clean + remove .venv, .venv-dev and node_modules"

# Debian packages to run the app (WeasyPrint's libraries, the fonts); `make test` adds the test ones.
system-deps:
	@bash scripts/system-deps.sh run

venv:
	@bash scripts/venv.sh $(VENV) requirements.lock

venv-dev:
	@bash scripts/venv.sh $(DEV_VENV) requirements-dev.lock

# Rewrite both locks from requirements.txt / requirements-dev.txt (the hand-edited top-level pins):
# every transitive package pinned, with hashes. The dev lock is constrained by the runtime one, so
# the tests run exactly the versions that are served. Needs the package index (a few minutes).
lock: venv-dev
	$(DEV_BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --output-file requirements.lock requirements.txt
	$(DEV_BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --constraint requirements.lock --output-file requirements-dev.lock requirements-dev.txt

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
bench: venv-dev
	@bash scripts/system-deps.sh test
	$(DEV_BIN)/python bench/$(BENCH).py $(BENCH_ARGS)

test:
	@bash scripts/test.sh $(ARGS)

# The edit-test loop: engines, units and routes on SQLite, in-process: no browser (e2e), no
# gunicorn (server), no PostgreSQL/Redis/nginx (services), no slow tests; hypothesis "fast" profile
# and a tenth of the fuzz examples (tests/conftest.py). TEST_JOBS pytest-xdist workers, whole files
# per worker (test_fuzz.py's figure needs its file in one process); serial when xdist is not
# installed or TEST_JOBS=1. Needs .venv-dev (made on the first run, then instant); no system packages
# or services. `make test` runs everything. -m first: a -m in ARGS (pytest keeps the last) wins.
TEST_JOBS ?= 2
.PHONY: test-fast
test-fast: venv-dev
	@jobs=(); if [[ "$(TEST_JOBS)" != 1 ]] && $(DEV_BIN)/python -c 'import xdist' 2>/dev/null; then \
	  jobs=(-n "$(TEST_JOBS)" --dist loadfile); fi; \
	set -x; env -u SB_TEST_DATABASE_URL SB_HYPOTHESIS_PROFILE=fast SB_FUZZ_SCALE=0.1 \
	  $(DEV_BIN)/python -m pytest "$${jobs[@]}" -m "not e2e and not server and not services and not slow" $(ARGS)

audit: venv-dev
	@bash scripts/test.sh --audit-only

lint: venv-dev
	$(DEV_BIN)/ruff check .
	@bash scripts/lint-js.sh

services-start:
	@bash scripts/system-deps.sh test
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
	rm -rf $(VENV) $(DEV_VENV) node_modules
