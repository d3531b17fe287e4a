# ldnderm: two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := ldnderm.web.settings

.PHONY: install install-dev run test lint lock bench clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed-base: $(BIN)/uv requirements/base.lock pyproject.toml
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --require-hashes -r requirements/base.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q src  # PYTHONDONTWRITEBYTECODE may be set: keep start-up fast
	touch $@

$(VENV)/.installed-dev: $(BIN)/uv requirements/dev.lock pyproject.toml
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --require-hashes -r requirements/dev.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q src  # PYTHONDONTWRITEBYTECODE may be set: keep start-up fast
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base  ## runtime dependencies into .venv

install-dev: $(VENV)/.installed-dev  ## runtime + development dependencies into .venv

run: install  ## migrate the SQLite database under ./var/ and serve
	@mkdir -p var
	$(BIN)/ldnderm migrate
	$(BIN)/ldnderm demo --if-empty --login-url http://$(HOST):$(PORT)/accounts/login/
	@echo "ldnderm is starting: open http://$(HOST):$(PORT)/  (health: /healthz, API: /api/v1/docs)"
	$(BIN)/ldnderm serve --host $(HOST) --port $(PORT)

lint: install-dev  ## ruff, mypy, import-linter
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: install-dev  ## lint, the whole suite on SQLite, database tests again on PostgreSQL, browser tests
	bash scripts/test-all

bench: install-dev  ## benchmarks, each reported as a ratio to an in-run baseline
	$(BIN)/python bench/cli_cold_start.py
	$(BIN)/python bench/screen_throughput.py
	$(BIN)/python bench/cds_latency.py

lock:  ## re-resolve the lock files (needs network to PyPI)
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements/base.lock
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements/dev.lock

clean:
	rm -rf $(VENV) var/*.sqlite3 var/.coverage .pytest_cache .mypy_cache .ruff_cache
