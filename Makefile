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

.PHONY: install serve build test test-fast lint browser tls-tools ingest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The first build renders every page; a reload renders again only the pages an edit
# reaches (site_plugins/partial_reloads.py). A warning in the content does not stop the
# preview (--no-strict); `make build` is strict.
serve: install
	$(BIN)/mkdocs serve --no-strict --dev-addr $(ADDR)

build: install
	$(BIN)/mkdocs build --strict

lint: install
	$(BIN)/ruff check generator site_plugins demos bench tests tools
	$(BIN)/ruff format --check generator site_plugins demos bench tests tools
	$(BIN)/mypy

# The browser tests (tests/test_browser*.py) drive Debian's Chromium. Installed when it is
# missing and apt-get can install it (as root, as on CI); otherwise those tests say they
# are skipped and why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" -eq 0 ]; then \
	    echo "Chromium absent : installation des paquets Debian chromium et fonts-liberation"; \
	    log=$$(mktemp); \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends chromium fonts-liberation; } >"$$log" 2>&1 \
	      || { tail -n 20 "$$log"; rm -f "$$log"; exit 1; }; \
	    rm -f "$$log"; \
	  else \
	    echo "Chromium absent et apt-get inutilisable (root requis) : tests du navigateur ignorés"; \
	  fi; \
	}

# The HTTPS ingestion test makes its server's certificate with the openssl command
# (Debian package openssl), installed the same way when it is missing.
tls-tools:
	@command -v openssl >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" -eq 0 ]; then \
	    echo "openssl absent : installation du paquet Debian openssl"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl \
	      >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl; }; \
	  else \
	    echo "openssl absent et apt-get inutilisable (root requis) : le test HTTPS sera ignoré"; \
	  fi; \
	}

test: lint browser tls-tools
	$(BIN)/pytest

# The same tests but the slow end-to-end ones (marker `slow`), for a quick check while
# editing; `make test` (and CI) runs them all.
test-fast: install
	$(BIN)/pytest -m "not slow"

ingest: install
	$(BIN)/python -m generator ingest --offline

clean:
	rm -rf site .cache
