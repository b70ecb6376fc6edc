# kalshi-dash: `make run` starts the dashboard, `make test` runs the whole suite.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test sim soak screenshots clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/kalshi-dash $(ARGS)

sim: $(STAMP)
	$(VENV)/bin/kalshi-dash sim $(ARGS)

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The client against the simulator under every fault at random: SOAK_SECONDS (default 60), SOAK_SEED.
soak: $(STAMP)
	$(PY) -m app.soak

# SVG screenshots of every screen (PNG too where cairosvg is installed) from deterministic data.
screenshots: $(STAMP)
	$(PY) -m pip install --quiet cairosvg || echo "cairosvg not installable: SVG only"
	$(PY) -m tests.screenshots screenshots

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis

# `make bench`: every benchmark (benchmarks/), a few minutes on 2 cores; figures into BENCHMARKS.md.
.PHONY: bench
bench: $(STAMP)
	$(PY) -m benchmarks.run $(BENCH_ARGS)
