# Two commands set everything up on a fresh machine:
#   make demo   — create .venv, install Ordergram, run the offline demo
#   make test   — create .venv, install dev tools, lint, type-check and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
# One pytest worker per core (at most four), a test file's tests together in one (its module fixtures built once);
# PYTEST_WORKERS= runs them in this process.
PYTEST_WORKERS ?= -n auto --maxprocesses=4 --dist loadfile

.PHONY: demo test lint typecheck pytest messages lock run migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(BIN)/ordergram demo

test: $(VENV)/.dev lint typecheck pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy .

pytest: $(VENV)/.dev
	$(BIN)/python -m pytest -q --durations=40 $(PYTEST_WORKERS) $(PYTEST_ARGS)  # the slowest named: CI has 90 minutes

# Re-extract translatable strings, merge them into each catalog, compile the .mo files.
messages: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k __ -k N_ -k N_plural:1,2 --no-location --omit-header -w 120 -o locales/messages.pot bot handlers domain
	$(BIN)/pybabel update -D messages -i locales/messages.pot -d locales --no-fuzzy-matching -w 120
	$(BIN)/pybabel compile -D messages -d locales

# Pin every dependency (with the postgres and redis extras) for deploys; pyproject.toml keeps ranges.
lock: $(VENV)/.dev
	$(BIN)/uv pip compile pyproject.toml --extra postgres --extra redis --universal --python-version 3.11 \
		--generate-hashes --no-header --quiet --output-file deploy/requirements.lock

run: $(VENV)/.runtime
	$(BIN)/ordergram run

migrate: $(VENV)/.runtime
	$(BIN)/ordergram migrate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
