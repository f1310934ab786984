# Two commands do all the set-up: `make run` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
PORT    ?= 5000
# The PostgreSQL server the test suite runs against a second time; each run
# creates (and drops) a database of its own there.
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install install-test run test test-sqlite test-postgres bench

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(VENV)/bin/flask db upgrade
	@PORT=$(PORT) $(VENV)/bin/flask welcome
	HOST=127.0.0.1 PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -p $(PORT) web worker

test: install-test
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install-test
	DATABASE_URL= $(PY) -m pytest tests

test-postgres: install-test
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(TEST_POSTGRES_URL)'.replace('+psycopg',''), connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(PY) -m pytest tests; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL does not answer at $(TEST_POSTGRES_URL); CI must test it" >&2; exit 1; \
	else \
		echo "PostgreSQL does not answer at $(TEST_POSTGRES_URL): skipping the PostgreSQL run"; \
	fi

bench: install-test
	$(PY) bench/run.py
