# pyhh: every task a newcomer or a maintainer runs. The Makefile makes its own
# virtual environment (.venv) and installs the package from pyproject.toml.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
READY  := $(VENV)/.ready

.PHONY: demo test golden clean

# The main job: simulate the default neuron and draw pyHH's classic figure.
demo: $(READY)
	$(PY) -m pyhh run --amplitude 10 --start 10 --stop 90 --duration 100 --plot demo.png

# Conformance of the implementations against golden/, plus unit tests.
test: $(READY)
	$(PY) -m pytest -q

# Regenerate golden/ from the reference and print what changed.
golden: $(READY)
	$(PY) -m pyhh golden

$(READY): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "pyhh needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info python/*.egg-info .pytest_cache demo.png
