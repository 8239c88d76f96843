# The two commands of the README:
#   make up     install Yankao into .venv and start it with a demo city at http://127.0.0.1:8000
#   make test   install the test tools and run the whole suite (the same command CI runs)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ARGS   ?=

.PHONY: up test lint i18n-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

up: $(VENV)/.installed
	$(BIN)/yankao up $(ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# pytest runs on SQLite, or on PostgreSQL when DATABASE_URL is set; it includes the
# makemigrations --check test and the browser tests (Debian's chromium).
test: lint
	$(BIN)/pytest -n 2 $(ARGS)

# Every string marked for translation has a Traditional Chinese translation (needs gettext).
i18n-check: $(VENV)/.installed-test
	cd yankao && ../$(BIN)/yankao manage makemessages --data $$(mktemp -d) -l zh_Hant \
		--add-location=file --no-obsolete --ignore 'testing/*' --ignore '*/tests/*' -v 0
	$(BIN)/pytest -q yankao/core/tests/test_project.py -k translated

clean:
	rm -rf $(VENV) yankao-data
