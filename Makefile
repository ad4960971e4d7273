# pyhh: every task a newcomer or a maintainer runs. The Makefile makes its own
# virtual environment (.venv) and installs the package, with its C kernel,
# from pyproject.toml: the runtime dependencies for `make demo`, the test extras
# for `make test`, the check extras (NEURON, dask, selenium) for `make check`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
READY  := $(VENV)/.ready
BUILT  := $(VENV)/.built
TESTS_READY := $(VENV)/.tests-ready
CHECK_READY := $(VENV)/.check-ready
# pyproject.toml's optional dependencies of the extras named, one per line (for pip, without
# installing the package again).
EXTRAS = $(PY) -c 'import sys, tomllib; x = tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]; print("\n".join(r for e in sys.argv[1:] for r in x[e]))'

CC       ?= cc
BUILD    := build/c
# Strict IEEE arithmetic: the C port must equal the Python reference bit for bit. -O3, because
# GCC vectorises the kernels' neuron loops (c/hh_core.h) at -O3 only.
CFLAGS_C := -std=c99 -O3 -ffp-contract=off -fno-fast-math -Wall -Wextra -pedantic -Werror
C_SOURCES := c/pyhh.c c/pyhh_exact.c c/pyhh_fast.c c/pyhh_fast32.c c/hh_cable.c
C_HEADERS := c/pyhh.h c/hh_core.h c/hh_model_tables.h c/hh_model.h c/hh_model_fast.h c/hh_model_float32.h \
             c/hh_fast_math.h c/hh_exact_math.h c/hh_exp_constants.h
SANITIZE := -std=c99 -O1 -g -ffp-contract=off -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: demo figures test check fuzz golden codegen c sanitize conform tolerances accuracy cable-accuracy exact-accuracy neuron bench crossover cross web clean

# The main job: simulate the default neuron and draw the demo figure.
demo: $(BUILT)
	$(PY) -m pyhh run --amplitude 10 --start 10 --stop 90 --duration 100 --plot figures/demo.png

# Every figure of the README, from the code (the PNGs are committed).
figures: $(BUILT) $(CHECK_READY)
	$(PY) -m pyhh run --amplitude 10 --start 10 --stop 90 --duration 100 --plot figures/demo.png
	$(PY) -m pyhh fi --start 0 --stop 200 --step 2.5 --onset-tolerance 0.01 --plot figures/fi.png
	$(PY) -m pyhh clamp --start -30 --stop 140 --step 10 --plot figures/clamp.png
	$(PY) -m pyhh methods --plot figures/methods.png
	$(PY) -m pyhh axon --record-every 2 --plot figures/axon.png
	$(PY) tests/web_browser.py figures/web.png

# The interactive page (web/, spec/SPEC.md in a browser), served from this checkout.
WEB_PORT ?= 8000
web:
	@echo "pyhh's page: http://127.0.0.1:$(WEB_PORT)/web/  (Ctrl-C stops the server)"
	$(PYTHON) -m http.server $(WEB_PORT) --bind 127.0.0.1

# Conformance of every implementation against golden/, plus unit tests: the suite without what
# needs the check extras or Debian's tools (tests/conftest.py: CHECK_ONLY_FILES, the `check` mark).
test: $(BUILT) $(TESTS_READY)
	PYHH_TESTS=core $(PY) -m pytest -q -m "not check"

# Everything `make test` runs and the rest: NEURON, the page in Chromium, a dask cluster, the
# aarch64 cross builds under qemu-user, a wheel, the property tests (what .ci/run runs).
check: $(BUILT) $(CHECK_READY)
	$(PY) -m pytest -q

# The property-based tests with many more examples (minutes, not seconds).
fuzz: $(BUILT) $(CHECK_READY)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_properties.py tests/test_fuzz_casefiles.py

# After a change of the spec: regenerate golden/ from the reference, then re-render the generated
# code (c/, js/, the NMODL file) from spec/model.toml, printing what changed in each. Both refuse,
# writing nothing, when spec/model.toml and the reference disagree, and golden/ (first, so that a
# refusal leaves everything as it was) when results change under the same major version
# (spec §12; GOLDEN_FLAGS=--unreleased allows it).
golden: $(TESTS_READY)
	$(PY) -m pyhh golden $(GOLDEN_FLAGS)
	$(PY) codegen/generate.py

# Regenerate the generated C (c/pyhh.h and the model headers c/hh_model*.h), JavaScript and NMODL from
# spec/model.toml and codegen/templates; the next `make test` or `make demo` rebuilds the extension from it.
codegen: $(TESTS_READY)
	$(PY) codegen/generate.py

# The C library and example program, for C users: build/c/libpyhh.a, build/c/hh_trace.
c: $(BUILD)/libpyhh.a $(BUILD)/hh_trace

$(BUILD)/%.o: c/%.c $(C_HEADERS) | $(BUILD)
	$(CC) $(CFLAGS_C) -c $< -o $@

$(BUILD)/libpyhh.a: $(BUILD)/pyhh.o $(BUILD)/pyhh_exact.o $(BUILD)/pyhh_fast.o $(BUILD)/pyhh_fast32.o $(BUILD)/hh_cable.o
	ar rcs $@ $^

$(BUILD)/hh_trace: c/hh_trace.c $(BUILD)/libpyhh.a
	$(CC) $(CFLAGS_C) -Ic c/hh_trace.c $(BUILD)/libpyhh.a -lm -o $@

# The same, built with AddressSanitizer and UndefinedBehaviorSanitizer (tests/test_c.py runs them).
sanitize: $(BUILD)/hh_trace_asan $(BUILD)/test_c_api_asan

$(BUILD)/hh_trace_asan: c/hh_trace.c $(C_SOURCES) $(C_HEADERS) | $(BUILD)
	$(CC) $(SANITIZE) -Ic c/hh_trace.c $(C_SOURCES) -lm -o $@

$(BUILD)/test_c_api_asan: tests/c/test_c_api.c $(C_SOURCES) $(C_HEADERS) | $(BUILD)
	$(CC) $(SANITIZE) -Ic tests/c/test_c_api.c $(C_SOURCES) -lm -o $@

$(BUILD):
	mkdir -p $@

# Grade an implementation against golden/ (spec/PORTING.md): make conform IMPL="node my_port.js".
IMPL ?= $(BUILD)/hh_trace
conform: $(BUILT) $(BUILD)/hh_trace
	$(PY) -m pyhh conform -- $(IMPL)

# Speed of every implementation, side by side in one run (README, Performance).
bench: $(BUILT)
	$(PY) bench/bench.py

# When exact batch is slower than numpy: both by neuron count (README, Performance).
crossover: $(BUILT)
	$(PY) bench/crossover.py

# Measure what the conformance tolerances must admit (spec §11.3).
tolerances: $(BUILT) $(TESTS_READY)
	$(PY) tests/measure_tolerances.py

# The accuracy of the spec's own exp, expm1 and power against mpmath, 10^6 arguments per domain (spec §4.1.6).
exact-accuracy: $(BUILT) $(TESTS_READY)
	$(PY) tests/measure_exact_math.py

# pyhh against NEURON on every current-mode golden case (README, "pyhh and NEURON").
neuron: $(BUILT) $(CHECK_READY)
	$(PY) tests/measure_neuron.py

# The cable's velocity against its converged value, V against scipy's solution: spec §13.12.
cable-accuracy: $(BUILT) $(TESTS_READY)
	$(PY) tests/measure_cable.py

# Every method against scipy's high-accuracy solution: the table of spec §7.6.
accuracy: $(BUILT) $(TESTS_READY)
	$(PY) tests/measure_methods.py

# The virtual environment with the runtime dependencies, and the package (editable).
$(READY): pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "pyhh needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

# The test extras (and dev's jinja2, for the generator and its tests), then the check extras.
$(TESTS_READY): $(READY)
	$(EXTRAS) test dev | xargs $(PY) -m pip install --quiet
	touch $@

$(CHECK_READY): $(TESTS_READY)
	$(EXTRAS) check | xargs $(PY) -m pip install --quiet
	touch $@

# The cffi extension, rebuilt whenever the C port changes.
$(BUILT): $(READY) $(C_SOURCES) $(C_HEADERS) python/pyhh/cbackend/build.py
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info python/*.egg-info python/pyhh/cbackend/_hh_c*.so .pytest_cache

# The C port built for aarch64 with the cross compiler's default flags (GNU C, which contracts
# a * b + c into fused multiply-adds unless the code forbids it) and graded under qemu-user on
# every golden case (spec §11.1). Needs Debian's gcc-aarch64-linux-gnu, libc6-dev-arm64-cross
# and qemu-user (.ci/run installs them).
CROSS_CC ?= aarch64-linux-gnu-gcc
CROSS_RUN ?= qemu-aarch64 -L /usr/aarch64-linux-gnu
cross: $(BUILT)
	mkdir -p build/cross
	$(CROSS_CC) -O2 -Ic c/hh_trace.c $(C_SOURCES) -lm -o build/cross/hh_trace
	$(PY) -m pyhh conform -- $(CROSS_RUN) build/cross/hh_trace
