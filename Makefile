# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= casework-demo
FLASK := $(BIN)/flask --app casework

.PHONY: run serve test lint install install-dev bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[postgres]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[postgres,dev]"
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

instance/config.py:
	@mkdir -p instance
	@$(BIN)/python -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@
	@echo "Wrote a new SECRET_KEY to $@"

run: install instance/config.py
	$(FLASK) db upgrade
	$(FLASK) library sync
	$(FLASK) seed-demo --password "$(DEMO_PASSWORD)" --if-empty
	@echo ""
	@echo "Demo logins (password: $(DEMO_PASSWORD)):"
	@echo "  interventionist@example.org, interventionist2@example.org,"
	@echo "  supervisor@example.org, admin@example.org, family@example.org"
	@echo "Staff accounts then ask for a code from an authenticator app. Add the demo"
	@echo "secret CASEWORKDEMOCASEWORKDEMOCASEWORK to one, or print the current code with:"
	@echo "  $(FLASK) demo-code"
	@echo "Serving on http://127.0.0.1:5000"
	$(FLASK) run --host 127.0.0.1 --port 5000

# Production-like: gunicorn (gunicorn.conf.py; WEB_CONCURRENCY workers, 2 by
# default) on DATABASE_URL, counting sign-in attempts in Redis, which several
# workers need (the app refuses to start on memory counts with more than one).
serve: install-dev instance/config.py
	RATELIMIT_STORAGE_URI="$${RATELIMIT_STORAGE_URI:-redis://127.0.0.1:6379/0}" \
		$(BIN)/gunicorn "casework:create_app()"

# The suite runs on SQLite and, when CASEWORK_TEST_DATABASE_URL is set, on
# PostgreSQL too: the two passes run side by side (one core each), the
# PostgreSQL pass's output shown when it ends. Each leaves a JUnit report in build/.
test: install-dev
	@mkdir -p build
	$(BIN)/ruff check casework tests bench
	@pg=""; \
	if [ -n "$$CASEWORK_TEST_DATABASE_URL" ]; then \
		$(BIN)/pytest --db postgresql --junitxml=build/tests-postgresql.xml \
			> build/tests-postgresql.log 2>&1 & pg=$$!; \
	else \
		echo "CASEWORK_TEST_DATABASE_URL is not set: PostgreSQL run skipped."; \
	fi; \
	$(BIN)/pytest --db sqlite --junitxml=build/tests-sqlite.xml; sqlite=$$?; \
	if [ -n "$$pg" ]; then \
		wait $$pg; postgresql=$$?; \
		echo "---- PostgreSQL pass ----"; cat build/tests-postgresql.log; \
		[ $$postgresql -eq 0 ] || exit $$postgresql; \
	fi; \
	exit $$sqlite

lint: install-dev
	$(BIN)/ruff check casework tests bench

bench: install-dev
	$(BIN)/python -m bench.seed_bulk
	$(BIN)/python -m bench.caseload
	$(BIN)/python -m bench.feed_and_handout
	$(BIN)/python -m bench.packet
