# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: demo test install clean browser cypher screenshots

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium (never a downloaded browser); install it when missing.
browser:
	@if [ ! -x $(CHROMIUM) ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	fi

demo: $(STAMP)
	$(VENV)/bin/graphcrm demo

test: $(STAMP) $(NODE_STAMP) browser
	$(PY) -m pytest -q

# The CRUD Cypher of cypher/ is written from the model's declarations; run after changing them.
cypher: $(STAMP)
	$(PY) -m graphcrm.cypher_gen

# The README's screenshots (docs/screenshots/): the graph pages and the web UI's forms.
# The names are Chinese: Debian's CJK fonts are installed when missing, or they draw as boxes.
screenshots: $(STAMP) browser
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's CJK fonts for the screenshots"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	fi
	$(PY) scripts/screenshots.py
	$(PY) scripts/ui_screenshots.py

clean:
	rm -rf $(VENV) node_modules graphcrm-demo.lbug*
