# Two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

.PHONY: run test install lint format messages makemessages clean screenshots browser

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

test: install messages browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# Debian's chromium, which the browser journeys (tests/e2e) drive: installed when missing
# (as root, with apt-get), saying so. Where it cannot be, the journeys say what to do:
# they fail on CI and are skipped on a laptop; the rest of the suite runs either way.
CHROMIUM := /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "$(CHROMIUM) is missing: installing Debian's chromium package (apt-get install chromium)"; \
		apt-get update && apt-get install -y chromium; \
	else \
		echo "$(CHROMIUM) is missing and not installed here (needs root and apt-get): run 'apt-get install chromium' as root for the browser journeys" >&2; \
	fi

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
