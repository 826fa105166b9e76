# Quick start: `make handouts` (set up and render everything), `make test`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: handouts test test-fast check lint clean system-deps update-references schemas bench

handouts: $(STAMP)
	$(BIN)/handouts build

test: $(STAMP)
	$(BIN)/python -m pytest

# The inner loop: everything but the tests that render the module to PDF.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

# Regenerate the page-1 images the visual-regression test compares against
# (tests/references/); look at them before you commit them.
update-references: $(STAMP)
	HANDOUTS_UPDATE_REFERENCES=1 $(BIN)/python -m pytest tests/test_visual.py -q

# Regenerate the JSON Schemas (schemas/) and the field reference (docs/fields.md) from the
# models, after any change to handouts/schema/ (tests/test_schemas.py fails while they are stale).
schemas: $(STAMP)
	$(BIN)/handouts schema --output schemas --fields docs/fields.md

# Time whole builds side by side (several minutes; not part of `make test`): writes
# bench/RESULTS.md. `make bench BENCH="--quick"` for one run without the scale test.
bench: $(STAMP)
	$(BIN)/python bench/builds.py $(BENCH)

check: $(STAMP)
	$(BIN)/handouts check

lint: $(STAMP)
	$(BIN)/ruff check handouts tests
	$(BIN)/ruff format --check handouts tests

system-deps:
	@PYTHON=$(PYTHON) sh scripts/system-deps.sh

# The virtual environment, with the package (editable) and its test tools. System
# packages are checked only when the environment is (re)made, not on every target.
$(STAMP): pyproject.toml
	@PYTHON=$(PYTHON) sh scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf build
