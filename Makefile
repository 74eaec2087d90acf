# The two commands: `make run` (the geoportal on http://127.0.0.1:8000) and `make test`.
# Both install what is missing first (scripts/bootstrap.sh), so a fresh Debian 12 is enough.

VENV := .venv
GEOPORTAL := $(VENV)/bin/geoportal
PYTEST_ARGS ?=

.PHONY: run test setup setup-test setup-bench lint config translations bench bench-county bench-etl clean-var

run: setup
	$(GEOPORTAL) run

test: setup-test lint
	$(GEOPORTAL) config check
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

setup:
	scripts/bootstrap.sh

setup-test:
	scripts/bootstrap.sh --test

setup-bench:
	scripts/bootstrap.sh --bench

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

config:
	$(GEOPORTAL) config build

# After adding or renaming a text: msgids from the code and templates into both catalogues
# (new ones empty, unused ones dropped), then translate them; the set-up compiles the .mo.
translations:
	mkdir -p var
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --project=geoportal --version=1 -o var/messages.pot web
	$(VENV)/bin/pybabel update -i var/messages.pot -d web/translations -N --ignore-obsolete -w 100

bench: setup-bench
	$(VENV)/bin/python -m benchmarks

# The same benchmarks on a 300k-parcel county (generated and loaded once, ~10 min, under
# var/bench-county with its own cluster).
bench-county: setup-bench
	GEOPORTAL_VAR_DIR=$(CURDIR)/var/bench-county GEOPORTAL_PG_PORT=5437 \
	GEOPORTAL_DEMO_PARCELS=300000 $(VENV)/bin/python -m benchmarks

bench-etl: setup-bench  # ~30 min on 2 cores: generates and loads a 300k-parcel county
	$(VENV)/bin/python -m benchmarks.etl

clean-var:
	-$(GEOPORTAL) db stop
	rm -rf var
