# Two commands for a fresh clone:  `make example` builds the example catalog,  `make test` runs every test.
# `make test` includes the browser tests (tests/e2e): setup installs Debian's Chromium when it is missing
# (as root) and axe-core from package.json; the tests never download a browser.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CHROMIUM ?= $(shell command -v chromium 2>/dev/null)

.PHONY: example test setup browser clean

$(BIN)/coursegen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# An editable install runs the sources in coursegen/; where PYTHONDONTWRITEBYTECODE is set (as on
# our CI machines) Python would compile every module again on every run, a quarter of a second.
# Compiled ahead here, as pip does for an installed package; a module edited since is compiled
# again when it is run, until the next make.
COMPILED := coursegen/__pycache__/.compiled
$(COMPILED): $(BIN)/coursegen $(wildcard coursegen/*.py coursegen/*/*.py)
	$(BIN)/python -m compileall -q coursegen
	touch $@

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

browser:
ifeq ($(CHROMIUM),)
	@if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y chromium; \
	else echo "Chromium is missing: install Debian's 'chromium' package (or set COURSEGEN_CHROMIUM)"; exit 1; fi
endif

setup: $(BIN)/coursegen $(COMPILED) node_modules/axe-core/axe.min.js browser

example: $(BIN)/coursegen $(COMPILED)
	$(BIN)/coursegen build --content content --out output

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf output .pytest_cache test-artifacts
