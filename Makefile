# Baton — set-up, demo and tests. `make demo` and `make test` create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv demo test lint typecheck layers pytest bench clean

venv: $(STAMP)

# Rebuilt only when pyproject.toml changes, so repeated runs are quick.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(STAMP)

# `make demo ARGS='typhoon --headless'`: the arguments go to `baton demo` (see `baton demo --help`).
# With a window, first check Qt's display libraries (one line naming the missing Debian packages).
demo: $(STAMP)
	@case " $(ARGS) " in *" --headless "*) ;; *) $(BIN)/python -m protocols.runtime.display ;; esac
	@$(BIN)/baton demo $(ARGS)

test: $(STAMP) lint typecheck layers pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/baton bench all

clean:
	rm -rf $(VENV) build *.egg-info
