# Llama 3.1, Reproduced — the two commands a reader needs:
#   make book   build the HTML book into _build/html (installs what it needs)
#   make test   run the whole test suite (installs what it needs)
# Other targets: make bench, make clean. FORCE=1 re-executes every notebook.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
UV_VERSION := 0.13.8
STAMPS := .make

.PHONY: book test bench clean install data vendor notebooks

book: install vendor data
	$(PY) -m herd.build $(if $(FORCE),--force,)

test: install vendor
	$(PY) -m pytest

notebooks: install vendor data
	$(PY) -m herd.build --notebooks-only $(if $(FORCE),--force,)

data: install
	$(PY) -m herd.data

install: $(STAMPS)/python

$(STAMPS)/python: pyproject.toml requirements.lock
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (herd)" >/dev/null
	@touch $@

vendor: $(STAMPS)/node
	$(PY) -m herd.vendor

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Regenerate the Python lock after editing pyproject.toml dependencies.
lock:
	$(VENV)/bin/uv pip compile --quiet pyproject.toml --python-version 3.11 -o requirements.lock

clean:
	rm -rf _build _build.* _static/vendor $(STAMPS)
