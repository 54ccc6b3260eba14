# The two commands of the README: `make run` and `make test`. Both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test lint install translations extract-messages settings test-sqlite test-postgres browsers clean vendor

install: $(VENV)/.installed translations vendor

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Compile every package's Vietnamese catalogue (.po -> .mo). There is no English catalogue: the English
# messages are the msgids themselves. A wheel compiles its own (setup.py).
translations: $(VENV)/.installed
	@for dir in $$(find lms -type d -name translations -not -path '*/node_modules/*'); do \
	  $(BIN)/pybabel compile -d "$$dir" || exit 1; \
	done

# Refresh one package's catalogue from its code and templates, then translate the new entries in its .po
# (the only source of each translation; tests/core/test_i18n.py fails on an untranslated or fuzzy entry):
#   make extract-messages PKG=lms/quizzes TEMPLATES=templates/quizzes
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o $(PKG)/translations/messages.pot $(PKG) $(TEMPLATES)
	@if [ -d $(PKG)/translations/vi ]; then \
	  $(BIN)/pybabel update -i $(PKG)/translations/messages.pot -d $(PKG)/translations --no-fuzzy-matching; \
	else $(BIN)/pybabel init -i $(PKG)/translations/messages.pot -d $(PKG)/translations -l vi; fi

settings: instance/settings.py

# A settings file with a random secret key, made once; production keeps its own (see README).
instance/settings.py:
	@mkdir -p instance
	@printf 'SECRET_KEY = "%s"\nSESSION_COOKIE_SECURE = False\nREMEMBER_COOKIE_SECURE = False\nPUBLIC_BASE_URL = "http://127.0.0.1:$(PORT)"\n' \
	  "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" > $@
	@echo "Wrote $@"

# The settings file is the running platform's, never the tests' (they configure themselves).
run: export LMS_SETTINGS ?= $(CURDIR)/instance/settings.py
run: install settings
	$(BIN)/lms db upgrade
	$(BIN)/lms demo seed
	$(BIN)/lms run --host 127.0.0.1 --port $(PORT)

# The linter first (rules and complexity limit in pyproject.toml), so CI fails on lint before the long run;
# then the whole suite on SQLite, then on PostgreSQL (127.0.0.1:5432 or LMS_TEST_POSTGRES_URL).
test: lint install browsers node_modules/axe-core
	$(BIN)/python tests/run_all.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# The SCORM run-time the player page loads (scorm-again, npm registry), copied into lms/static at build time,
# no CDN; not kept in git (setup.py copies the same files into a wheel).
SCORM_AGAIN := scorm12.min.js scorm2004.min.js cross-frame-lms.min.js cross-frame-api.min.js
vendor: node_modules/scorm-again
	@mkdir -p lms/static/vendor/scorm-again
	@cp node_modules/scorm-again/LICENSE $(addprefix node_modules/scorm-again/dist/,$(SCORM_AGAIN)) lms/static/vendor/scorm-again/

node_modules/scorm-again: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# axe-core (accessibility checks injected into pages by the browser tests), from the npm registry.
node_modules/axe-core: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# Browser tests drive Debian's Chromium, the benchmark smoke test drives wrk, the two-node test runs
# nginx (bench/two_nodes.py): installed when missing (as root).
browsers:
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || true
	@{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; } || true
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium is missing and we are not root: browser tests will be skipped"; fi; }

test-sqlite: install
	LMS_TEST_DATABASE=sqlite $(BIN)/pytest

test-postgres: install
	LMS_TEST_DATABASE=postgres $(BIN)/pytest

clean:
	rm -rf $(VENV) instance .pytest_cache
