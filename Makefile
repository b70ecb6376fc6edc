# kalshi-dash: `make run` starts the dashboard, `make test` runs the whole suite.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements.lock

.PHONY: run test lint test-latest lock sim soak screenshots clean

# Exactly the versions in the lock, each checked against its hashes; then the project itself,
# built with the locked setuptools (no unpinned build environment).
$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Regenerate the lock from pyproject.toml's ranges (the newest versions they allow today), with
# every file's hash from PyPI. pip-tools runs in a venv of its own and never enters the lock.
LOCK_VENV := .venv-lock
lock:
	test -x $(LOCK_VENV)/bin/python || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet "pip-tools>=7.4,<8"
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(LOCK_VENV)/bin/pip-compile --quiet --upgrade \
	    --generate-hashes --allow-unsafe --all-build-deps --strip-extras \
	    --extra test --extra serve --no-emit-index-url --no-emit-find-links \
	    --index-url https://pypi.org/simple --output-file $(LOCK) pyproject.toml

# Drift check: the whole suite in a separate venv with the newest releases pyproject.toml allows,
# so a breaking upstream release shows here before users meet it. Not part of `make test`.
LATEST_VENV := .venv-latest
test-latest:
	rm -rf $(LATEST_VENV)
	$(PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST_VENV)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[test,serve]"
	$(LATEST_VENV)/bin/python -m pip list --format=freeze
	$(LATEST_VENV)/bin/python -m pytest -q $(PYTEST_ARGS)

run: $(STAMP)
	$(VENV)/bin/kalshi-dash $(ARGS)

sim: $(STAMP)
	$(VENV)/bin/kalshi-dash sim $(ARGS)

# The linter and the type checker first (configured in pyproject.toml), then every test.
test: lint $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# The client against the simulator under every fault at random: SOAK_SECONDS (default 60), SOAK_SEED.
soak: $(STAMP)
	$(PY) -m benchmarks.soak

# SVG screenshots of every screen (PNG too where cairosvg is installed) from deterministic data.
screenshots: $(STAMP)
	$(PY) -m pip install --quiet cairosvg || echo "cairosvg not installable: SVG only"
	$(PY) -m tests.screenshots screenshots

clean:
	rm -rf $(VENV) $(LOCK_VENV) $(LATEST_VENV) build dist *.egg-info .pytest_cache .hypothesis

# `make bench`: every benchmark (benchmarks/), a few minutes on 2 cores; figures into BENCHMARKS.md.
.PHONY: bench
bench: $(STAMP)
	$(PY) -m benchmarks.run $(BENCH_ARGS)

# Key press to order resting on the ladder, against the simulator (its own process) under load.
.PHONY: bench-orders
bench-orders: $(STAMP)
	$(PY) -m benchmarks.order_entry
