# Two commands for a fresh clone:  `make example` builds the example catalog,  `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: example test setup clean

$(BIN)/coursegen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/coursegen

example: setup
	$(BIN)/coursegen build --content content --out output

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf output .pytest_cache
