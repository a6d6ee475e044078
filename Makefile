# Two commands on a fresh machine: `make demo` and `make test`. Each builds .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# OpenMetadata's own client (openmetadata-ingestion 2.0.7.0) as the lab's test oracle, in a venv of its
# own: its frozen set is installed without resolution (its full tree does not resolve from the registries).
OMETA  := .venv-ometa
OMETA_STAMP := $(OMETA)/.installed

.PHONY: demo test browser lint typecheck unit install clean audit-deps docs dist

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(OMETA_STAMP): tests/oracle/requirements-ometa.txt
	$(PYTHON) -m venv $(OMETA)
	$(OMETA)/bin/pip install --quiet --upgrade pip
	$(OMETA)/bin/pip install --quiet --no-deps -r tests/oracle/requirements-ometa.txt
	touch $(OMETA_STAMP)

demo: $(STAMP)
	$(BIN)/omaudit demo

test: $(STAMP) browser lint typecheck unit

# The HTML report is tested in a real headless Chromium (Debian's package), installed when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "installing chromium for the HTML report test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

lint: $(STAMP)
	$(BIN)/ruff check auditor rules tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(OMETA_STAMP)
	OMAUDIT_OMETA_PYTHON=$(OMETA)/bin/python $(BIN)/pytest -q

# A wheel and an sdist in dist/, built in an isolated environment from pyproject.toml (PyPA build).
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

docs: $(STAMP)
	$(BIN)/omaudit rules docs > docs/rules.md
	$(BIN)/omaudit lab fidelity > docs/fidelity.md

audit-deps: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt pip-audit
	$(BIN)/pip-audit --strict --no-deps --disable-pip -r constraints.txt

clean:
	rm -rf $(VENV) $(OMETA) .mypy_cache .ruff_cache .pytest_cache dist
