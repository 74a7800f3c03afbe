# Two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

.PHONY: run test install lint format messages makemessages clean screenshots

# `make run PORT=8001` when 8000 is taken; emailed links follow (HANDOFF_DOMAIN).
PORT ?= 8000
HANDOFF_DOMAIN ?= 127.0.0.1:$(PORT)

run: install messages
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Handoff is starting on http://127.0.0.1:$(PORT)/  (web, Celery worker and beat; Ctrl-C stops all)"
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" DJANGO_DEBUG=1 HANDOFF_DOMAIN=$(HANDOFF_DOMAIN) \
		$(BIN)/honcho start -f Procfile --port $(PORT)

test: install messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

install: $(INSTALLED)

$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

messages: install $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

# Developer tool (needs GNU gettext): refresh the catalogues from the source.
makemessages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'var/*' --no-obsolete

# Phone and desktop screenshots of the main pages, in English and Chinese, into screenshots/;
# fails when a page scrolls sideways or hides the Ask button (bench/screenshots.py).
screenshots: install messages
	$(BIN)/python bench/screenshots.py --out screenshots

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var
