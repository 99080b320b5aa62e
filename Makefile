# Two commands on a fresh machine: `make run` starts the bot, `make test` runs the tests.
# Each builds the virtual environment from the pinned requirements first, if needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run demo test lint bench check backup clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The bot explains its own failures in one line. Make would add "make: *** [run] Error 2" under it, so the
# recipe ends make with SIGINT instead, which make obeys silently; make's exit status stays non-zero (130).
# The recipe's shell then stays a moment: make, handling the signal, waits for its child, and a child that
# had already gone made it say "wait: No child processes" (5 times in 40 before the pause, 0 in 80 after).
run: $(VENV)/.runtime  ## start the bot (reads DISCORD_TOKEN from the environment or .env)
	@$(PY) bot.py || { kill -INT $$PPID; sleep 1; }

check: $(VENV)/.runtime  ## check the settings and the database without connecting to Discord
	@$(PY) bot.py --check || { kill -INT $$PPID; sleep 1; }

backup: $(VENV)/.runtime  ## a consistent copy of the database, safe while the bot runs (see README.md)
	@$(PY) bot.py --backup || { kill -INT $$PPID; sleep 1; }

demo: $(VENV)/.runtime  ## play a party offline against the local Discord-compatible server
	$(PY) -m demo

test: $(VENV)/.dev  ## the whole test suite
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(PY) -m ruff check .

bench: $(VENV)/.runtime  ## load, latency and start-up figures against the local sandbox (see BENCHMARKS.md)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
