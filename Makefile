# The two commands of the README:
#   make up     install Yankao into .venv and start it with a demo city at http://127.0.0.1:8000
#   make test   install the test tools and run the whole suite (the same command CI runs)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ARGS   ?=

.PHONY: up install test lint messages i18n-check constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	# The tallies' test oracle, without its proprietary solver (decision 0601).
	$(BIN)/python -m pip install --quiet --no-deps -c constraints.txt 'pabutools>=1.2.3,<1.3'
	touch $@ $(VENV)/.installed

up: $(VENV)/.installed
	$(BIN)/yankao up $(ARGS)

# Install only (a real city is then set up with `.venv/bin/yankao city setup`).
install: $(VENV)/.installed

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# pytest runs on SQLite, or on PostgreSQL when DATABASE_URL is set; it includes the
# makemigrations --check test and the browser tests (Debian's chromium).
test: lint
	$(BIN)/pytest -n 2 $(ARGS)

# Extract each app's strings into <app>/locale/zh_Hant/LC_MESSAGES/django.po (needs gettext).
# Translate the new entries, then `make messages COMPILE=1` writes the .mo files.
messages: $(VENV)/.installed-test
	@data=$$(mktemp -d); for config in yankao/*/apps.py; do app=$$(dirname $$config); \
		mkdir -p $$app/locale; \
		(cd $$app && $(CURDIR)/$(BIN)/yankao manage makemessages --data $$data -l zh_Hant \
			--add-location=file --no-obsolete --ignore 'tests/*' -v 0) || exit 1; \
		if [ -n "$(COMPILE)" ]; then (cd $$app && $(CURDIR)/$(BIN)/yankao manage \
			compilemessages --data $$data -l zh_Hant -v 0) || exit 1; fi; \
	done

# Every string marked for translation has a Traditional Chinese translation.
i18n-check: messages
	$(BIN)/pytest -q -p no:xdist yankao/core/tests/test_project.py -k translated

# Pin what the suite passed with: run after changing a range in pyproject.toml and testing.
constraints: $(VENV)/.installed-test
	@{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable \
		| grep -v '^yankao'; } > constraints.txt.new && mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) yankao-data
