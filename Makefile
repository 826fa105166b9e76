# Quick start: `make handouts` (set up and render everything), `make test`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: handouts test check lint clean system-deps

handouts: $(STAMP)
	$(BIN)/handouts build

test: $(STAMP)
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/handouts check

lint: $(STAMP)
	$(BIN)/ruff check handouts tests bench
	$(BIN)/ruff format --check handouts tests bench

system-deps:
	@PYTHON=$(PYTHON) sh scripts/system-deps.sh

# The virtual environment, with the package (editable) and its test tools.
$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf build
