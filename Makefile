# Two commands do all the set-up: `make run` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
PORT    ?= 5000
# The PostgreSQL server the test suite runs against a second time; each run
# creates (and drops) a database of its own there.
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# The browser tests drive Debian's Chromium, never a browser Playwright downloads.
CHROMIUM ?= /usr/bin/chromium

.PHONY: install install-test install-lint chromium sshd run test test-sqlite test-postgres lint bench

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed agent/pyproject.toml
	$(PY) -m pip install -q -e '.[test]'
	# The `hb` client (agent/), whose tests run against a real server.
	$(PY) -m pip install -q -e ./agent
	# A published Healthchecks client the compatibility tests drive; without its
	# dependencies, as it pins requests==2.20.1, which would replace ours.
	$(PY) -m pip install -q --no-deps healthchecks-manager==0.1.4
	touch $@

$(VENV)/.installed-lint: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[lint]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

install-lint: $(VENV)/.installed-lint

# Installs Debian's chromium when it is missing (apt-get, as root or through sudo).
# Outside CI a failed install only warns: the browser tests then skip and say why.
chromium:
	@test -x $(CHROMIUM) || { \
		echo "installing Debian's chromium for the browser tests"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		{ $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; } \
		|| { [ -z "$$CI" ] && echo "could not install chromium: the browser tests will be skipped" >&2; }; }

# Installs Debian's openssh-server when it is missing: the hb agent's tests
# start an sshd of their own (it is not run as a service).
sshd:
	@test -x /usr/sbin/sshd || { \
		echo "installing Debian's openssh-server for the hb agent tests"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		{ $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q openssh-server; } \
		|| { [ -z "$$CI" ] && echo "could not install openssh-server: the SSH tests will be skipped" >&2; }; }

run: install
	$(VENV)/bin/flask db upgrade
	@PORT=$(PORT) $(VENV)/bin/flask welcome
	HOST=127.0.0.1 PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -p $(PORT) web worker

test: install-test chromium sshd
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install-test chromium sshd
	DATABASE_URL= $(PY) -m pytest tests

test-postgres: install-test chromium sshd
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(TEST_POSTGRES_URL)'.replace('+psycopg',''), connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(PY) -m pytest tests; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL does not answer at $(TEST_POSTGRES_URL); CI must test it" >&2; exit 1; \
	else \
		echo "PostgreSQL does not answer at $(TEST_POSTGRES_URL): skipping the PostgreSQL run"; \
	fi

# ruff and mypy with the settings in pyproject.toml; import-linter's contracts
# (areas import downward, no cycles); and no module of the package over 400 lines.
lint: install-lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	@big=$$(find webapp -name '*.py' -exec wc -l {} + | awk '$$2 != "total" && $$1 > 400'); \
	if [ -n "$$big" ]; then echo "split these along a seam (over 400 lines):"; echo "$$big"; exit 1; fi

# `make bench DB=postgres` runs the throughput part on PostgreSQL
# (BENCH_POSTGRES_URL, else the local server); BENCH_ARGS passes any option.
DB ?= sqlite
bench: install-test
	$(PY) bench/run.py --db $(DB) $(BENCH_ARGS)
