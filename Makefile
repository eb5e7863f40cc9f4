# airdef-analysis: `make help` lists the targets.
SHELL := bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Runtime state of matplotlib, IPython and Jupyter stays inside the project.
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib
export IPYTHONDIR := $(CURDIR)/.cache/ipython
export JUPYTER_CONFIG_DIR := $(CURDIR)/.cache/jupyter/config
export JUPYTER_DATA_DIR := $(CURDIR)/.cache/jupyter/data
export JUPYTER_RUNTIME_DIR := $(CURDIR)/.cache/jupyter/runtime
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# RECORD=path/to/missile_attacks_daily.csv picks a record file for any target that reads one.
RECORD_ARG := $(if $(RECORD),--record $(RECORD))
JOBS ?= 2

.PHONY: help setup notebook-filter nbconvert-template strip-notebooks test test-fast lint reports reports-force data-check data-fetch waves lab bench validate clean-reports

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'
	@echo "  (RECORD=path picks a record file; JOBS=n runs n notebooks at once)"

setup: $(STAMP) ## create .venv from pyproject.toml (fast when nothing changed)

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@$(MAKE) --no-print-directory notebook-filter nbconvert-template
	@touch $@

# `jupyter nbconvert --to html --template airdef` finds the report template in the environment's
# share/jupyter: a regular install copies it there (pyproject data-files), an editable one does
# not, so link it to the package's copy.
TEMPLATE_LINK := $(VENV)/share/jupyter/nbconvert/templates/airdef
nbconvert-template:
	@mkdir -p $(dir $(TEMPLATE_LINK))
	@if [ -L $(TEMPLATE_LINK) ] || [ ! -e $(TEMPLATE_LINK) ]; then \
		ln -sfn $(CURDIR)/analysis/reporting/templates/airdef $(TEMPLATE_LINK); fi

# Outputs never reach a commit: git runs nbstripout on notebooks/*.ipynb (.gitattributes names the
# filter; this defines it in .git/config). Outside a git checkout there is nothing to install.
NBSTRIPOUT_ARGS := --keep-id --extra-keys "metadata.language_info cell.metadata.papermill metadata.papermill"
NBSTRIPOUT := $(VENV)/bin/nbstripout $(NBSTRIPOUT_ARGS)
notebook-filter:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		git config filter.nbstripout.clean '$(CURDIR)/$(NBSTRIPOUT)' && \
		git config filter.nbstripout.smudge cat && \
		git config filter.nbstripout.required true && \
		git config diff.ipynb.textconv '$(CURDIR)/$(NBSTRIPOUT) -t' && \
		echo "git strips notebook outputs on commit (nbstripout filter installed)"; fi

strip-notebooks: setup ## remove outputs from the notebooks in the working copy (git already strips them on commit)
	$(NBSTRIPOUT) notebooks/[0-9][0-9]-*.ipynb

test: setup ## lint, then every test (unit, data, notebooks, browser)
	$(PY) -m ruff check .
	$(PY) -m pytest -n $(JOBS) --dist loadgroup

test-fast: setup ## unit tests only, no notebooks or browser
	$(PY) -m pytest -m "not slow"

lint: setup ## ruff on the package, tests and notebooks
	$(PY) -m ruff check .

reports: setup ## run every notebook with every parameter set (fetches the record if none is there)
	$(PY) -m analysis report --all --fetch-if-missing --jobs $(JOBS) $(RECORD_ARG)

reports-force: setup ## rerun every report even when nothing changed
	$(PY) -m analysis report --all --fetch-if-missing --force --jobs $(JOBS) $(RECORD_ARG)

data-check: setup ## validate the record file (RECORD=... or the fetched copy)
	$(PY) -m analysis data check $(RECORD)

data-fetch: setup ## download the current public record into data/external/
	$(PY) -m analysis data fetch

waves: setup ## write the wave table to data/interim/waves.csv
	$(PY) -m analysis waves $(RECORD_ARG) -o data/interim/waves.csv

lab: setup ## open JupyterLab on the notebooks
	$(PY) -m jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1

bench: setup ## benchmarks of the engine and of report regeneration, not part of the tests (BENCH_ARGS=--quick)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

validate: setup ## the simulation studies behind the intervals and verdicts: coverage, claim rules, false breaks, forecast intervals, pooled family shares (VALIDATE_ARGS=--quick)
	$(PY) benchmarks/coverage.py $(VALIDATE_ARGS)
	$(PY) benchmarks/calibration.py $(VALIDATE_ARGS)
	$(PY) benchmarks/forecast_study.py $(VALIDATE_ARGS)
	$(PY) benchmarks/pooling.py $(VALIDATE_ARGS)

clean-reports: ## delete generated reports
	rm -rf reports/*/ reports/index.html reports/.index.lock
