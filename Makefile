# Two commands do all the set-up: `make demo` and `make test`.
# PostgreSQL instead of the default SQLite file: set DATABASE_URL, e.g.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker make demo

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-slow lint check install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# A local, generated SECRET_KEY (never committed; .env is ignored by git), and no
# proxy in front (NUM_PROXIES=0).
.env:
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "# No proxy in front: a client's address is the socket's, X-Forwarded-For is ignored." >> .env
	@echo "NUM_PROXIES=0" >> .env
	@echo "Wrote .env with a generated SECRET_KEY."

# The container's start-up too (bin/start): set-up, then gunicorn, DEBUG off, static
# files from whitenoise.
demo: install .env
	PYTHON=$(BIN)/python bin/start --bind $(HOST):$(PORT)

# The suite in parallel, a worker per CPU (pytest-xdist; PYTEST_WORKERS=0 for one
# process); the slow tests, which start servers and restart PostgreSQL, one at a
# time.
PYTEST_WORKERS ?= auto
test: install .env
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-slow: install .env
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install .env
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
