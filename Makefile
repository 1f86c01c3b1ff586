# Two commands set everything up on a fresh machine:
#   make run    analyse corpus/ and build every table, figure, notebook and brief into build/
#   make test   run the test suite (what CI runs; under 2 minutes)
#   make test-fast  the fast tier for the edit loop: every test not marked slow (under 30 s)
# Both create .venv on first use and install the pinned stack from pyproject.toml
# (requirements.lock pins the transitive packages).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.dvlib-installed

.PHONY: run test test-fast analyze bench fit-family-model evaluate clean-build strip-notebooks

# A copied or moved checkout (cp -a) carries a .venv whose scripts, editable install and kernel
# point at the original path, so `dvlib add` would write into the original's corpus/. The Python
# .venv's pip runs names the checkout the .venv belongs to: another path makes a fresh .venv.
VENV_OWNER := $(shell grep -m1 -o '/[^"'"'"' ]*/bin/python[0-9.]*' $(VENV)/bin/pip 2>/dev/null)
ifneq ($(VENV_OWNER),)
ifneq ($(patsubst %/,%,$(dir $(VENV_OWNER))),$(CURDIR)/$(VENV)/bin)
VENV_STALE := venv-moved
endif
endif

.PHONY: venv-moved
venv-moved:
	@echo "dvlib: .venv belongs to $(VENV_OWNER), not to this checkout ($(CURDIR)): making a new one"
	rm -rf $(VENV)

$(STAMP): pyproject.toml requirements.lock $(VENV_STALE)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@# A kernel of this environment, so notebooks never run in another Python that lacks dvlib
	$(PY) -m ipykernel install --sys-prefix --name dvlib --display-name "Python (dvlib)" > /dev/null
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/dvlib run

analyze: $(STAMP)
	$(VENV)/bin/dvlib analyze corpus --out build

# Two pytest-xdist workers (this machine has 2 cores): the suite takes about half the time of
# one process. loadgroup keeps the tests of the analysed seed corpus on one worker (conftest.py),
# so it is analysed once.
PYTEST_WORKERS ?= 2

test: $(STAMP)
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup

test-fast: $(STAMP)
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup -m "not slow"

# refit the stored family classifier after editing the gold, the cue lexicon or the features
fit-family-model: $(STAMP)
	$(PY) evaluation/fit_family_model.py

# print the classifier's measured figures (cross-validation; add ARGS=--test for the held-out
# set, ARGS="--test --write" to store them) and recheck the stored ones
evaluate: $(STAMP)
	$(PY) evaluation/evaluate_families.py $(ARGS)
	DVLIB_EVALUATE=1 $(PY) -m pytest -q tests/label -k recomputed

# make bench BENCH_ARGS="--reports 600 10000" for the issue's sizes (default 600 2000)
bench: $(STAMP)
	$(PY) benchmarks/bench_pipeline.py $(BENCH_ARGS)

clean-build:
	rm -rf build
