# The project's commands. Each one sets up what it needs; see README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: count-lines import-cycles setup redis install-redis generate check-generated docs-check lint format typecheck pytest test test-lowest test-latest lock demo bench fleet-demo clean

## setup: a local virtualenv with the SDK (editable) and every tool, at the versions of
## constraints/dev.txt (what was last tested); fast when already done
setup: $(STAMP) redis

$(STAMP): pyproject.toml overlays/dingtalk_calendar/_version.py constraints/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -c constraints/dev.txt
	@touch $(STAMP)

## lock: write constraints/dev.txt from the newest versions pyproject.toml allows (then run make test)
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^dingtalk' > constraints/dev.txt
	rm -rf .venv-lock

## test-lowest: the tests in a fresh virtualenv with the lowest versions the SDK's pins allow (constraints/lowest.txt)
test-lowest: redis
	rm -rf .venv-lowest && $(PYTHON) -m venv .venv-lowest
	.venv-lowest/bin/python -m pip install --quiet --upgrade pip
	.venv-lowest/bin/python -m pip install --quiet -e '.[dev]' -c constraints/lowest.txt
	.venv-lowest/bin/python -m pip list 2>/dev/null | grep -E -i '^(httpx|httpcore|aiohttp|httpx-aiohttp|attrs|typing.extensions) '
	.venv-lowest/bin/pytest -q

## test-latest: the tests in a fresh virtualenv with the newest versions the pins allow
test-latest: redis
	rm -rf .venv-latest && $(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[dev]'
	.venv-latest/bin/python -m pip list 2>/dev/null | grep -E -i '^(httpx|httpcore|aiohttp|httpx-aiohttp|attrs|typing.extensions) '
	.venv-latest/bin/pytest -q

## redis: a redis-server binary for the token-store and rate-limiter tests (Debian's package)
redis:
	@command -v redis-server >/dev/null 2>&1 || $(MAKE) --no-print-directory install-redis

install-redis:
	@echo "installing redis-server (Debian package) for the tests"
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null

## generate: rewrite generated/ from openapi.yaml, the SDK's sync twins from their async sources,
## the tables of README.md and docs/ that code can tell, and CHANGELOG.md's spec changes
generate: $(STAMP)
	$(BIN)/python generator/generate.py
	$(BIN)/python generator/unasync.py
	$(BIN)/python generator/readme_tables.py
	$(BIN)/python generator/changelog.py

## check-generated: fail, with a diff, when generated/ is not what openapi.yaml produces (or a sync twin not its async source's rewrite)
check-generated: $(STAMP)
	$(BIN)/python generator/generate.py --check
	$(BIN)/python generator/unasync.py --check
	$(BIN)/python generator/readme_tables.py --check
	$(BIN)/python generator/changelog.py --check

## docs-check: the spec against the DingTalk pages it names (saved in ../shared/dingtalk-docs, else fetched)
docs-check: $(STAMP)
	$(BIN)/python -m generator.docs_check

## lint: ruff check and ruff format --check over everything
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## format: let ruff fix and format the hand-written code
format: $(STAMP)
	$(BIN)/ruff check --fix overlays emulator tests generator bench demo
	$(BIN)/ruff format overlays emulator tests generator bench demo

## typecheck: mypy --strict over generated and hand-written code
typecheck: $(STAMP)
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

## test: every check, then the tests
test: setup check-generated lint typecheck pytest

## demo: the SDK against a local DingTalk emulator, step by step (no credentials, no internet)
# Its own small virtualenv with only the SDK and its emulator extra, not the development tools;
# the stamp makes a second run start at once.
DEMO_VENV  ?= .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.installed-stamp

demo: $(DEMO_STAMP)
	$(DEMO_VENV)/bin/python demo/walkthrough.py

$(DEMO_STAMP): pyproject.toml overlays/dingtalk_calendar/_version.py
	@test -x $(DEMO_VENV)/bin/python || $(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[emulator]'
	@touch $(DEMO_STAMP)

## bench: speed against bare httpx and the official SDK (not part of make test)
bench: $(STAMP)
	$(BIN)/python bench/run.py

## fleet-demo: a fleet subscribe job over 200 organisations (40,000 users) on two Celery workers, one
## SIGKILLed midway; prints the figures as JSON (ARGS=--quick: 40 organisations). Not part of make test.
fleet-demo: setup
	$(BIN)/python bench/fleet_demo.py $(ARGS)

## count-lines: the SDK's hand-written lines (generated modules and sync twins left out), with and without fleet/ and ics/
count-lines: $(STAMP)
	$(BIN)/python tools/count_lines.py

## import-cycles: the import cycles inside the SDK package (none expected)
import-cycles: $(STAMP)
	$(BIN)/python tools/import_cycles.py

clean:
	rm -rf $(VENV) $(DEMO_VENV) .venv-lowest .venv-latest .mypy_cache .ruff_cache .pytest_cache dist build
