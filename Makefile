# SprintLab developer commands. Two matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test install install-test bench clean lint api-fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[scale]"
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[scale,test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: install, migrate, load the small demo, then serve the web app and a task worker.
run: install
	mkdir -p var
	SPRINTLAB_DEV=1 $(BIN)/sprintlab migrate --no-input -v 0
	SPRINTLAB_DEV=1 $(BIN)/sprintlab seed-demo --scale small --if-empty
	SPRINTLAB_DEV=1 $(BIN)/sprintlab serve-dev

## make test: install what the tests need and run the whole suite, one process per core (pytest-xdist).
## PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test: install-test
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## make bench: the benchmarks (needs PostgreSQL; see docs/performance.md).
bench: install-test
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

## make api-fuzz: schemathesis against a live server with a staff and a participant token (docs/api.md).
api-fuzz: install-test
	$(BIN)/python scripts/api_fuzz.py $(FUZZ_ARGS)

## make lint: ruff (style and common bugs) over the whole tree, and the import layers (docs/decisions/0007-layers.md).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var test-artifacts
