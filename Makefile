# Llama 3.1, Reproduced — the two commands a reader needs:
#   make book   build the HTML book into _build/html (installs what it needs)
#   make test   run the whole test suite (installs what it needs)
# `make help` lists every target. FORCE=1 re-executes every notebook and rebuilds every page.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
UV_VERSION := 0.13.8
STAMPS := .make
VENDOR := _static/vendor/vega-bundle.js
AXE    := _build/vendor/axe.min.js
DATA_FILES := $(wildcard data/*.csv data/*.json)
# Python's compiled modules are kept between runs, outside the source tree (_build/pycache): where the environment
# asks for no bytecode (PYTHONDONTWRITEBYTECODE), every process of a run (each pytest worker, each chapter's kernel,
# each command a test starts) would otherwise compile every module it imports again, 5-8 s of processor time apiece.
export PYTHONPYCACHEPREFIX := $(CURDIR)/_build/pycache
unexport PYTHONDONTWRITEBYTECODE
# numpy chooses its vector instructions when it starts, and its exp and log with AVX-512 differ in the last bit from
# those with AVX2: enough for some of the scaling chapter's 4,500 L-BFGS-B starts to end apart, so the count of starts
# reaching the best fit was 338 on a machine with AVX2 and 335 on one with AVX-512. Every process of the book (and the
# chapters' kernel, through its kernel spec) runs numpy at AVX2 at most, so every machine computes the same numbers;
# herd.base.memo keys kept results by the instructions numpy uses. binder/postBuild reads this line.
export NPY_DISABLE_CPU_FEATURES := X86_V4 AVX512_ICL AVX512_SPR
# Debian packages holding the real texts the long-context chapter measures (see src/herd/record/texts.py).
DEBIAN_TEXTS := jargon doc-debian debian-faq bible-kjv fortunes-min r-cran-janeaustenr debian-history dict-devil sword-comm-tdavid diatheke
# Debian's English manuals: the paragraphs make bench draws its benchmarks from (herd.record.texts.DEBIAN_MANUALS).
BENCH_TEXTS := debian-handbook debian-reference-en developers-reference maint-guide debian-policy installation-guide-amd64 \
	debmake-doc harden-doc aptitude-doc-en debian-kernel-handbook debian-history apt-doc

.PHONY: book test unit lint format help test-binder bench editions editions-check changelog pdf notebooks data install vendor lock clean

## book: build the HTML book into _build/html, executing the chapters whose inputs changed
book: install $(VENDOR) $(STAMPS)/data $(STAMPS)/texts
	$(PY) -m herd.build $(if $(FORCE),--force,)

## test: the whole suite: lint, unit and bad-input tests, strict nbval on every chapter, the browser
# On every core (pytest-xdist), with one worker more than cores: many tests wait on a process of their own (a
# chapter's kernel, Chromium, a Sphinx build), and the extra worker fills that time (on 2 cores: 4 min 35 s with
# 3 workers, 5 min 7 s with 4). Each file's tests stay together in one worker (a chapter's nbval cells share a kernel, a module's fixtures
# are set up once), except the chapter runs of tests/test_add_model.py, each handed to a worker of its own
# (tests/conftest.py, SPREAD); the slowest tests are listed at the end.
JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 1 )))
test: book $(STAMPS)/chromium $(AXE)
	$(PY) -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder --durations=12

## unit: the fast loop while editing herd: the unit tests (no book, browser, npm, linters or chapter runs), every core
# A unit test is one with none of the markers of tests/conftest.py's NEEDS; one that grows slow fails there.
UNIT := not (book or browser or slow or lint or npm or texts)
unit: install
	$(PY) -m pytest -o addopts= -p no:cacheprovider -q -n auto -m "$(UNIT)" tests

## lint: ruff (rules and formatting) and mypy, as the test suite runs them
lint: install
	$(VENV)/bin/ruff check src tests bench _ext
	$(VENV)/bin/ruff format --check src tests bench _ext
	$(PY) -m herd.book.deadcode
	$(VENV)/bin/mypy

## format: let ruff fix what it can and format the code
format: install
	$(VENV)/bin/ruff check --fix --quiet src tests bench _ext || true
	$(VENV)/bin/ruff format src tests bench _ext

## help: this list
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /make /' -e 's/: /\t/' | expand -t 24

## editions: every recorded release and the working tree, with PDFs, into site/
# Every release recorded in editions.yml, each built from its own commit by its own Makefile,
# and the working tree as dev, into site/<edition>/ with a PDF of each, site/switcher.json and
# site/CHANGELOG.md. Executes no notebook and writes no tracked file.
editions: install $(VENDOR) $(STAMPS)/data $(STAMPS)/chromium
	$(PY) -m herd.editions build

## editions-check: make editions on a fresh clone of this commit (CI runs it)
# What `make editions` does on a fresh clone of this commit (v1.0.0 and dev with their PDFs, and
# a clean `git status` afterwards); CI runs it after `make test`.
editions-check: install $(STAMPS)/chromium
	$(PY) -m pytest -o addopts= -p no:cacheprovider tests/fresh_clone_check.py

## changelog: rewrite CHANGELOG.md from editions.yml
# Rewrite CHANGELOG.md from the releases in editions.yml (after recording one).
changelog: install
	$(PY) -m herd.editions changelog --write

## pdf: the working tree's PDF into _build/pdf
# The PDF of the working tree alone: _build/pdf/llama-3.1-reproduced-dev.pdf.
pdf: install $(VENDOR) $(STAMPS)/chromium
	$(PY) -m herd.editions build --only dev --site _build/pdf

## test-binder: the Binder environment driven in JupyterLab with the network closed (CI runs it)
# Binder with its real client: build the environment as repo2docker does (binder/local-env:
# fresh venv, apt.txt, binder/requirements.txt, postBuild), then drive its JupyterLab in
# Chromium with the network closed (a network namespace with loopback only, when the
# machine allows one) through the launch link of the built book.
BINDER_ENV := _build/binder-env
test-binder: book $(STAMPS)/chromium
	UV=$(VENV)/bin/uv bash binder/local-env $(BINDER_ENV)
	@if unshare -rn true 2>/dev/null && command -v ip >/dev/null; then \
	  echo "test-binder: network closed (loopback only)"; \
	  HERD_BINDER_ENV=$(BINDER_ENV) unshare -rn sh -c 'ip link set lo up && exec "$$@"' sh $(PY) -m pytest tests/test_binder_jupyterlab.py -o addopts= -ra; \
	else \
	  echo "test-binder: cannot close the network here (unshare); outside requests still fail the test"; \
	  HERD_BINDER_ENV=$(BINDER_ENV) $(PY) -m pytest tests/test_binder_jupyterlab.py -o addopts= -ra; \
	fi

## bench: speed and memory targets, into bench/results/
# Speed targets live here, not in timed unit tests: results go to bench/results/.
bench: install $(STAMPS)/texts $(STAMPS)/bench-texts
	$(PY) bench/contamination.py
	$(PY) bench/build.py

## notebooks: execute the chapters only (no HTML)
notebooks: install $(VENDOR) $(STAMPS)/data $(STAMPS)/texts
	$(PY) -m herd.build --notebooks-only $(if $(FORCE),--force,)

## data: validate the data package
# Validate the data package (types, enums, keys): stops with file, line and column.
data: install
	$(PY) -m herd.data

$(STAMPS)/data: $(STAMPS)/python $(DATA_FILES) src/herd/record/data.py src/herd/record/tabular.py
	$(PY) -m herd.data
	@touch $@

install: $(STAMPS)/python

# The browser tests drive Debian's Chromium (never a downloaded browser). Installed when
# run as root; otherwise the tests skip and say how to install it.
$(STAMPS)/chromium:
	@mkdir -p $(STAMPS)
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests will be skipped: install Debian's chromium (sudo apt-get install chromium)"; fi; \
	fi
	@touch $@

# The texts come from Debian's package registry; installing them needs root.
$(STAMPS)/texts: Makefile
	@mkdir -p $(STAMPS)
	@if ! dpkg -s $(DEBIAN_TEXTS) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBIAN_TEXTS) >/dev/null; \
	  else echo "The long-context chapter measures texts from Debian packages; install them with: sudo apt-get install $(DEBIAN_TEXTS)"; exit 1; fi; \
	fi
	@touch $@

$(STAMPS)/bench-texts: Makefile
	@mkdir -p $(STAMPS)
	@if ! dpkg -s $(BENCH_TEXTS) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BENCH_TEXTS) >/dev/null; \
	  else echo "make bench draws benchmarks from Debian's manuals; install them with: sudo apt-get install $(BENCH_TEXTS)"; exit 1; fi; \
	fi
	@touch $@

$(STAMPS)/python: pyproject.toml requirements.lock requirements-nodeps.txt Makefile
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -r requirements-nodeps.txt
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (herd)" \
	  --env NPY_DISABLE_CPU_FEATURES "$(NPY_DISABLE_CPU_FEATURES)" >/dev/null
	@touch $@

vendor: $(VENDOR) $(AXE)

$(VENDOR): $(STAMPS)/node $(STAMPS)/python src/herd/book/vendor.py
	$(PY) -m herd.vendor
	@touch $@

# axe-core, for the browser tests' accessibility check (herd.vendor writes it with the rest)
$(AXE): $(STAMPS)/node $(STAMPS)/python src/herd/book/vendor.py
	$(PY) -m herd.vendor
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## lock: regenerate the Python locks after editing pyproject.toml
# Regenerate the Python locks after editing the dependencies in pyproject.toml: the book's (with the
# `dev` group: ruff, mypy, pre-commit), then Binder's (the same pins plus the `jupyter` group:
# JupyterLab, Notebook, the widget renderer).
lock: install
	$(VENV)/bin/uv pip compile --quiet pyproject.toml --extra dev --python-version 3.11 -o requirements.lock
	$(VENV)/bin/uv pip compile --quiet pyproject.toml --extra dev --extra jupyter --python-version 3.11 -c requirements.lock -o binder/requirements.txt

## clean: remove everything the build made
clean:
	rm -rf _build _build.* site.* _static/vendor site $(STAMPS)
