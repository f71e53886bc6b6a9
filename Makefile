# Two commands do everything on a fresh machine:
#   make serve   install, build and serve the site on http://localhost:8000
#   make test    install and run the checks and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ADDR   ?= localhost:8000

# Material prints a long end-of-life notice on every build; the project knows.
export NO_MKDOCS_2_WARNING := 1

.PHONY: install serve build test lint ingest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

serve: install
	$(BIN)/mkdocs serve --strict --dev-addr $(ADDR)

build: install
	$(BIN)/mkdocs build --strict

lint: install
	$(BIN)/ruff check generator site_plugins demos tests tools
	$(BIN)/ruff format --check generator site_plugins demos tests tools
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

ingest: install
	$(BIN)/python -m generator ingest --offline

clean:
	rm -rf site .cache
