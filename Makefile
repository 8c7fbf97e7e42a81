# Two commands for a fresh machine: `make serve` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST ?= 127.0.0.1
PORT ?= 8765

.PHONY: serve test install install-test browser-app chromium bubblewrap postgres bench clean

serve: install browser-app bubblewrap
	$(VENV)/bin/designer serve --host $(HOST) --port $(PORT)

test: install-test browser-app chromium bubblewrap
	DESIGNER_TEST_PG_URL="$$(bash scripts/start-postgres.sh)" && export DESIGNER_TEST_PG_URL && \
	  $(VENV)/bin/pytest -q -p no:cacheprovider

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# torch and torchvision come from the machine's local wheel cache (pinned in pyproject.toml).
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[postgres]"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -e ".[postgres,test]"
	touch $@

# The built browser app is committed; rebuild it only when it is missing.
browser-app:
	@if [ ! -f static/dist/index.html ]; then cd static && npm ci --no-audit --no-fund && npm run build; fi

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi

# execute-python-script runs inside bubblewrap where the machine has it (rlimits only otherwise).
bubblewrap:
	@if ! command -v bwrap >/dev/null 2>&1; then \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null \
	  || echo "note: bubblewrap could not be installed; scripts get rlimits only"; fi

postgres:
	bash scripts/start-postgres.sh

bench: install
	$(PY) benchmarks/executor_overhead.py
	$(PY) benchmarks/cache_rerun.py

clean:
	rm -rf $(VENV) static/node_modules
