"""`make bench`: every implementation on the same two workloads, side by side in one run.

W1: one neuron, constant 10 uA/cm^2, 1000 ms at dt = 0.01 ms (100,000 steps),
    every column recorded, called from Python.
W2: 10,000 neurons, neuron k at constant 20 k / 9999 uA/cm^2, 100 ms at
    dt = 0.01 ms (10^8 neuron-steps), spike counts only.

Forward Euler throughout (pyHH's method). Prints a table of times, throughput,
ratios to the Python reference and to numpy, and the peak memory allocated
through Python (numpy arrays included) where measured; then the ratios of
issue 15 against two plain C loops written for the bench (bench/plain_w1.c,
strict IEEE, every column recorded; bench/plain_w2.c, compiled here with
-O3 -march=native -ffast-math and OpenMP on every core); writes the same as
JSON (build/bench.json) for tracking. The machine is shared and noisy: each time is
the median of several runs, and the ratios, measured in the same run, are
what count. The reference's cost of spec §4.1's own exp (issue 22: against the same
code with the C library's exp, expm1 and pow), the four ratios of issue 15 and
the three of issue 23 (the vectorised exact kernel against the plain loop, the
fast kernel and numpy) are measured in paired rounds (the
two sides one after the other, the median of the rounds' ratios), so that a
change in the machine's load between the table's rows does not move them. Slow implementations run on a subset of W2 and are extrapolated;
the table says so.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import subprocess
import tempfile
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

import pyhh
from pyhh import cbackend
from pyhh.cbackend.batch import ISAS, isa_available

DT = 0.01
W1_STEPS = 100_000
W2_N, W2_STEPS = 10_000, 10_000
W2_CURRENTS = 20.0 * np.arange(W2_N) / (W2_N - 1)
CORES = os.cpu_count() or 1
#: Rounds of the paired measurements of issue 15's W2 ratios (W1's, 20 times shorter, take 15).
PAIRED_ROUNDS = 7
HERE = Path(__file__).resolve().parent

#: The vector width of each instruction set of the kernels (pyhh.cbackend.isa.ISAS).
VECTOR_BITS = {"portable": 128, "avx2": 256, "avx512": 512}

#: The plain C loops: source, compiler flags, and the environment they run in.
PLAIN = {
    "W1": ("plain_w1.c", ["-std=c99", "-O2", "-ffp-contract=off", "-fno-fast-math"], {}),
    "W2": ("plain_w2.c", ["-std=c99", "-O3", "-march=native", "-ffast-math", "-fopenmp"], {"OMP_NUM_THREADS": str(CORES)}),
}


def build_plain(workload: str, folder: Path) -> Path | None:
    """Compile the plain C loop of a workload into folder: the program, or None if it does not build."""
    source, flags, _ = PLAIN[workload]
    program = folder / source[:-2]
    cc = os.environ.get("CC", "cc")
    built = subprocess.run([cc, *flags, str(HERE / source), "-o", str(program), "-lm"], capture_output=True, text=True)
    if built.returncode != 0:
        print(f"could not build bench/{source} ({cc} {' '.join(flags)}): {built.stderr.strip()[:200]}", file=sys.stderr)
        return None
    return program


def run_plain(workload: str, program: Path, repeats: int) -> tuple[float, str]:
    """Run a plain C loop: the median seconds it measured itself over `repeats` runs, and its other output."""
    env = PLAIN[workload][2]
    done = subprocess.run([str(program), str(repeats)], capture_output=True, text=True, env=os.environ | env, check=True)
    seconds, *rest = done.stdout.split()
    return float(seconds), " ".join(rest)


def paired_ratio(first, second, rounds: int = PAIRED_ROUNDS) -> tuple[float, list[float]]:
    """first's time over second's, run one after the other in each round (in turn first or second
    first), so that a change in the machine's load hits both alike: the median of the rounds'
    ratios, and each round's. first and second return seconds."""
    ratios = []
    for k in range(rounds):
        if k % 2 == 0:
            a = first()
            b = second()
        else:
            b = second()
            a = first()
        ratios.append(a / b)
    return statistics.median(ratios), ratios


@contextlib.contextmanager
def library_exp():
    """The reference as spec 2 computed it, with the C library's exp, expm1 and pow in place of
    spec §4.1's (issue 22's baseline for the reference's cost)."""
    from pyhh.reference import methods, rates, run

    def exp(x: float) -> float:
        try:
            return math.exp(x)
        except OverflowError:
            return math.inf

    def expm1(x: float) -> float:
        try:
            return math.expm1(x)
        except OverflowError:
            return math.inf

    saved = rates.exp, rates.expm1, methods.exp, run.temperature_factor
    rates.exp = methods.exp = exp
    rates.expm1 = expm1
    run.temperature_factor = lambda T: rates.Q10 ** ((T - rates.T_BASE) / 10.0)
    try:
        yield
    finally:
        rates.exp, rates.expm1, methods.exp, run.temperature_factor = saved


def vector_extensions() -> str:
    """The CPU's model name and its vector extensions (x86 flags from /proc/cpuinfo), where Linux says."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), "")
    flags = next((line.split(":", 1)[1].split() for line in info.splitlines() if line.startswith("flags")), [])
    wanted = [f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl") if f in flags]
    return f"{model}; {' '.join(wanted)}"


def timed(fn, repeats: int) -> tuple[float, object]:
    """Median wall time of `repeats` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_python_memory(fn) -> int:
    """Peak bytes allocated through Python (numpy included) while fn runs."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def numpy_euler(currents: np.ndarray, steps: int, record: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """A straightforward numpy-vectorised forward Euler over neurons: the baseline."""
    n = len(currents)
    V = np.zeros(n)
    a_m, b_m = 0.1 * 25 / np.expm1(2.5), 4.0
    a_h, b_h = 0.07, 1 / (np.exp(3.0) + 1)
    a_n, b_n = 0.01 * 10 / np.expm1(1.0), 0.125
    m = np.full(n, a_m / (a_m + b_m))
    h = np.full(n, a_h / (a_h + b_h))
    g = np.full(n, a_n / (a_n + b_n))
    counts = np.zeros(n, dtype=np.int64)
    trace = np.empty((steps, 4)) if record else None
    for k in range(steps):
        if record:
            trace[k] = V[0], m[0], h[0], g[0]
        x_m, x_n = (25.0 - V) / 10.0, (10.0 - V) / 10.0
        a_m = np.where(x_m == 0, 1.0, x_m / np.where(x_m == 0, 1.0, np.expm1(x_m)))
        a_n = 0.1 * np.where(x_n == 0, 1.0, x_n / np.where(x_n == 0, 1.0, np.expm1(x_n)))
        b_m, a_h = 4.0 * np.exp(-V / 18.0), 0.07 * np.exp(-V / 20.0)
        b_h, b_n = 1.0 / (np.exp((30.0 - V) / 10.0) + 1.0), 0.125 * np.exp(-V / 80.0)
        I_ion = 120.0 * m**3 * h * (V - 115.0) + 36.0 * g**4 * (V + 12.0) + 0.3 * (V - 10.6)
        V_next = V + DT * (currents - I_ion)
        m = m + DT * (a_m * (1 - m) - b_m * m)
        h = h + DT * (a_h * (1 - h) - b_h * h)
        g = g + DT * (a_n * (1 - g) - b_n * g)
        counts += (V < 50.0) & (V_next >= 50.0)
        V = V_next
    return counts, trace


def empty_call_cost() -> float:
    """Seconds per call of a C function that does nothing, from Python through cffi."""
    f = cbackend.lib.hh_rows_needed
    calls = 200_000
    start = time.perf_counter()
    for _ in range(calls):
        f(1, 1)
    return (time.perf_counter() - start) / calls


def main() -> int:
    if not cbackend.available():
        print("the C backend is not built; run make first", file=sys.stderr)
        return 1
    rows: list[dict] = []

    def add(workload: str, implementation: str, seconds: float, work: float, note: str = "", memory: int | None = None):
        rows.append({"workload": workload, "implementation": implementation, "seconds": seconds,
                     "per_second": work / seconds, "note": note, "peak_python_bytes": memory})

    # W1: one neuron, every column recorded.
    w1 = dict(dt=DT, steps=W1_STEPS, method="euler")
    t, _ = timed(lambda: pyhh.simulate(10.0, **w1, backend="python"), 3)
    add("W1", "Python reference", t, W1_STEPS)
    t, _ = timed(lambda: numpy_euler(np.array([10.0]), W1_STEPS, record=True), 1)
    add("W1", "numpy (n = 1)", t, W1_STEPS)
    t, _ = timed(lambda: pyhh.simulate(10.0, **w1, backend="c"), 15)
    add("W1", "C scalar (simulate, backend c)", t, W1_STEPS,
        memory=peak_python_memory(lambda: pyhh.simulate(10.0, **w1, backend="c")))
    pulse = pyhh.Pulse(0.0, W1_STEPS * DT, 10.0)
    t, _ = timed(lambda: pyhh.simulate(pulse, **w1, backend="c"), 15)
    add("W1", "C scalar, stimulus a Pulse", t, W1_STEPS)
    array = np.full(W1_STEPS, 10.0)
    t, _ = timed(lambda: pyhh.simulate(array, dt=DT, method="euler", backend="c"), 15)
    add("W1", "C scalar, stimulus a numpy array", t, W1_STEPS)
    folder = Path(tempfile.mkdtemp(prefix="pyhh-bench-"))
    program = build_plain("W1", folder)
    plain = run_plain("W1", program, 15) if program is not None else None
    paired = {"W1 numpy array / Pulse (target <= 1.2)": paired_ratio(
        lambda: seconds_of(lambda: pyhh.simulate(array, dt=DT, method="euler", backend="c")),
        lambda: seconds_of(lambda: pyhh.simulate(pulse, **w1, backend="c")), rounds=15)}
    if plain is not None:
        add("W1", "plain C loop, strict, all columns", plain[0], W1_STEPS, "bench/plain_w1.c")
        paired["W1 C scalar / plain strict C loop, all columns (target <= 1.5)"] = paired_ratio(
            lambda: seconds_of(lambda: pyhh.simulate(pulse, **w1, backend="c")),
            lambda: run_plain("W1", program, 1)[0], rounds=15)
    for accuracy in ("exact", "fast"):
        t, _ = timed(lambda: pyhh.simulate_batch(current=10.0, n=1, **w1, record_every=1, accuracy=accuracy), 15)
        add("W1", f"C batch {accuracy}", t, W1_STEPS)
    # Issue 22: what the spec's own exp, expm1 and power (§4.1) cost the reference, against the
    # same code calling the C library's, as spec 2 did (a fifth of W1 a round).
    with library_exp():
        t, _ = timed(lambda: pyhh.simulate(10.0, **w1, backend="python"), 3)
    add("W1", "Python reference, library exp (spec 2)", t, W1_STEPS)
    fifth = dict(w1, steps=W1_STEPS // 5)

    def reference_with_library_exp() -> float:
        with library_exp():
            return seconds_of(lambda: pyhh.simulate(10.0, **fifth, backend="python"))

    paired["W1 Python reference, spec's exp / library's exp (target <= 2.0)"] = paired_ratio(
        lambda: seconds_of(lambda: pyhh.simulate(10.0, **fifth, backend="python")), reference_with_library_exp)

    # W2: 10,000 neurons, spike counts only.
    work = W2_N * W2_STEPS
    subset = 20
    t, _ = timed(lambda: [pyhh.simulate(float(I), dt=DT, steps=W2_STEPS, method="euler", record_every=W2_STEPS,
                                        backend="python") for I in W2_CURRENTS[::W2_N // subset]], 1)
    add("W2", "Python reference", t * W2_N / subset, work, f"{subset} neurons, extrapolated")
    t, counts = timed(lambda: numpy_euler(W2_CURRENTS, W2_STEPS, record=False)[0], 1)
    numpy_counts = counts
    add("W2", "numpy", t, work)
    subset = 500
    t, _ = timed(lambda: [pyhh.simulate(float(I), dt=DT, steps=W2_STEPS, method="euler", record_every=W2_STEPS,
                                        backend="c") for I in W2_CURRENTS[::W2_N // subset]], 1)
    add("W2", "C scalar (simulate per neuron)", t * W2_N / subset, work, f"{subset} neurons, extrapolated")
    counts = {}
    for accuracy in ("exact", "fast", "float32"):
        for threads in sorted({1, CORES}):
            run = lambda: pyhh.simulate_batch(current=W2_CURRENTS, dt=DT, steps=W2_STEPS, method="euler",  # noqa: E731
                                              accuracy=accuracy, threads=threads)
            t, result = timed(run, 3)
            counts[accuracy] = result.spike_counts
            add("W2", f"C batch {accuracy}, {threads} thread{'s' if threads > 1 else ''}", t, work,
                memory=peak_python_memory(run))
    for accuracy in ("exact", "fast"):
        for isa in ISAS[1:]:  # each instruction set this machine runs, forced
            if not isa_available(isa):
                continue
            os.environ["PYHH_ISA"] = isa
            try:
                t, _ = timed(lambda: w2_seconds(accuracy, CORES), 3)
            finally:
                del os.environ["PYHH_ISA"]
            add("W2", f"C batch {accuracy}, {CORES} threads, {isa}", t, work, "PYHH_ISA")
    program = build_plain("W2", folder)
    if program is not None:
        add("W2", f"plain C loop, native, {CORES} threads", run_plain("W2", program, 3)[0], work, "bench/plain_w2.c")
        paired["W2 fast, all cores / plain C loop native (target <= 1.0)"] = paired_ratio(
            lambda: w2_seconds("fast", CORES), lambda: run_plain("W2", program, 1)[0])
        # Issue 23: the exact kernel, vectorised, against the plain loop, the fast kernel and numpy.
        paired["W2 exact, all cores / plain C loop native (target <= 2.0)"] = paired_ratio(
            lambda: w2_seconds("exact", CORES), lambda: run_plain("W2", program, 1)[0])
    paired["W2 exact / fast, all cores (target <= 2.0)"] = paired_ratio(
        lambda: w2_seconds("exact", CORES), lambda: w2_seconds("fast", CORES))
    fifth = W2_STEPS // 5  # numpy takes seconds a round: a fifth of the steps on both sides
    paired["W2 numpy / exact on 1 thread (target >= 5.0)"] = paired_ratio(
        lambda: seconds_of(lambda: numpy_euler(W2_CURRENTS, fifth, record=False)),
        lambda: w2_seconds("exact", 1, fifth))
    paired["W2 fast / float32, all cores (target >= 1.7)"] = paired_ratio(
        lambda: w2_seconds("fast", CORES), lambda: w2_seconds("float32", CORES))

    # A long run: 10^7 steps, one row in 10,000 kept.
    long_run = lambda: pyhh.simulate(10.0, dt=DT, steps=10_000_000, method="euler", record_every=10_000,  # noqa: E731
                                      backend="c")
    t, _ = timed(long_run, 1)
    add("long", "C scalar, 10^7 steps, 1 row in 10^4", t, 10_000_000, memory=peak_python_memory(long_run))

    # Print.
    ref = {w: next(r["seconds"] for r in rows if r["workload"] == w and r["implementation"] == "Python reference")
           for w in ("W1", "W2")}
    num = {w: next(r["seconds"] for r in rows if r["workload"] == w and r["implementation"].startswith("numpy"))
           for w in ("W1", "W2")}
    print(f"pyhh bench: {platform.machine()}, {CORES} cores, Python {platform.python_version()}, numpy {np.__version__}")
    widest = next(isa for isa in reversed(ISAS) if isa_available(isa))
    print(f"CPU: {vector_extensions()}; the kernels run {widest} ({VECTOR_BITS[widest]}-bit vectors)")
    print(f"{'':3} {'implementation':36} {'time':>10} {'M steps/s':>10} {'vs Python':>10} {'vs numpy':>9} "
          f"{'py peak':>9}  note")
    for r in rows:
        unit = "neuron-steps/s" if r["workload"] == "W2" else "steps/s"
        # The long run has no Python or numpy counterpart: its ratios are per step against W1's.
        per_step = 1.0 if r["workload"] != "long" else W1_STEPS / 10_000_000
        workload = r["workload"] if r["workload"] != "long" else "W1"
        r["vs_python_reference"] = ref[workload] / r["seconds"] / per_step
        r["vs_numpy"] = num[workload] / r["seconds"] / per_step
        r["unit"] = unit
        seconds = f"{r['seconds'] * 1e3:.1f} ms" if r["seconds"] < 1 else f"{r['seconds']:.2f} s"
        memory = f"{r['peak_python_bytes'] / 2**20:.1f} MiB" if r["peak_python_bytes"] is not None else ""
        print(f"{r['workload']:3} {r['implementation']:36} {seconds:>10} {r['per_second'] / 1e6:>10.3g} "
              f"{r['vs_python_reference']:>9.3g}x {r['vs_numpy']:>8.3g}x {memory:>9}  {r['note']}")
    call = empty_call_cost()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    same = bool(np.array_equal(counts["exact"], counts["fast"]))
    float32_differ = int(np.count_nonzero(counts["exact"] != counts["float32"]))
    print(f"one empty call from Python into C: {call * 1e9:.0f} ns; peak resident memory of this run: {maxrss / 2**20:.0f} MiB")
    print(f"W2 spike counts: fast equals exact for all {W2_N} neurons: {same}; "
          f"numpy baseline differs for {int(np.count_nonzero(numpy_counts != counts['exact']))} neurons "
          f"(its own operation order); float32 differs for {float32_differ}")
    cable = cable_bench()
    ratios = issue_ratios(rows)
    # The ratios come from the paired rounds, not from the table's rows, which ran up to minutes apart.
    ratios |= {name: median for name, (median, _) in paired.items()}
    for name, value in ratios.items():
        rounds = paired[name][1] if name in paired else []
        detail = f" (median of {len(rounds)} paired rounds: {', '.join(f'{r:.2f}' for r in rounds)})" if rounds else ""
        print(f"{name}: {value:.2f}{detail}")
    out = Path(__file__).resolve().parents[1] / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": platform.machine(), "cores": CORES,
        "python": platform.python_version(), "numpy": np.__version__, "pyhh": pyhh.__version__,
        "cpu": vector_extensions(), "empty_call_seconds": call, "peak_resident_bytes": maxrss,
        "fast_counts_equal_exact": same, "float32_counts_differing": float32_differ, "ratios": ratios,
        "paired_rounds": {name: rounds for name, (_, rounds) in paired.items()}, "results": rows, "cable": cable,
    }, indent=1) + "\n")
    print(f"wrote {out}")
    return 0


#: The cable workload of issue 26: 1,000 compartments x 20 ms at dt = 0.025 ms (800 steps), HH 1952's axon
#: (radius 238 um, R_i 35.4 ohm cm, 18.5 degC) on 5 cm, 10 uA into one end for 0.2 ms, V kept at three sites.
CABLE_NSEG, CABLE_DT, CABLE_STEPS = 1000, 0.025, 800


def cable_c_seconds(repeats: int = 7) -> float:
    """The C cable kernel's time on the cable workload (hh_run_cable through cffi; median of repeats)."""
    from pyhh.cbackend.cable import run_cable
    from pyhh.reference.cable import CableCase, CablePulse

    case = CableCase(dt=CABLE_DT, steps=CABLE_STEPS, nseg=CABLE_NSEG, sites=(1, CABLE_NSEG // 2, CABLE_NSEG),
                     pulses=(CablePulse(0, 0, 8, 10000.0),))
    return timed(lambda: run_cable(case), repeats)[0]


def cable_neuron_seconds(repeats: int = 7) -> dict[str, float]:
    """NEURON's time on the same work, if `import neuron` works: a section of nseg = 1000 with NEURON's
    own hh (its rate tables on, as by default) and with pyhh's exported mechanism, fixed step
    secondorder = 2 (spec §13.5's scheme), V recorded at the same three sites; {} without NEURON."""
    try:
        from neuron import h
    except ImportError:
        return {}
    sys.path.insert(0, str(HERE.parent / "tests"))
    from neuron_harness import compile_mechanism

    mechanisms = {"hh": "NEURON hh (its tables)"}
    with tempfile.TemporaryDirectory() as folder:
        try:
            h.nrn_load_dll(str(next(compile_mechanism(Path(folder)).rglob("libnrnmech.so"))))
            mechanisms["pyhh"] = "NEURON, pyhh's exported mechanism"
        except Exception as e:  # noqa: BLE001 - a mechanism that cannot be compiled here is left out, said so
            print(f"bench: pyhh's NEURON mechanism not compiled ({e}); NEURON's hh only", file=sys.stderr)
        h.load_file("stdrun.hoc")
        times = {}
        for mechanism, label in mechanisms.items():
            axon = h.Section(name=f"axon_{mechanism}")
            axon.L, axon.diam, axon.Ra, axon.nseg, axon.cm = 50000.0, 2 * 238.0, 35.4, CABLE_NSEG, 1.0
            axon.insert(mechanism)
            stim = h.IClamp(axon(0.0))
            stim.delay, stim.dur, stim.amp = 0.0, 0.2, 10000.0  # nA: 10 uA
            vectors = [h.Vector().record(axon(x)._ref_v) for x in (0.5 / CABLE_NSEG, 0.5, 1 - 0.5 / CABLE_NSEG)]
            h.celsius, h.dt, h.secondorder = 18.5, CABLE_DT, 2

            def run() -> None:
                h.finitialize(-65.0)
                for _ in range(CABLE_STEPS):
                    h.fadvance()

            times[label] = timed(run, repeats)[0]
            del vectors, stim
            axon = None
    return times


def cable_bench() -> dict:
    """Issue 26's cable workload on the C kernel and on NEURON, side by side; printed and returned."""
    work = CABLE_NSEG * CABLE_STEPS
    results = {"C kernel (hh_run_cable)": cable_c_seconds(), **cable_neuron_seconds()}
    print(f"cable: {CABLE_NSEG} compartments x {CABLE_STEPS * CABLE_DT:g} ms at dt = {CABLE_DT} ms "
          f"({work:,} compartment-steps), one thread")
    c = results["C kernel (hh_run_cable)"]
    for name, seconds in results.items():
        print(f"    {name:36} {seconds * 1e3:8.1f} ms  {seconds / work * 1e9:6.1f} ns per compartment-step"
              f"  {seconds / c:5.2f}x the C kernel's time")
    if len(results) == 1:
        print("    NEURON: not installed (`import neuron` failed; it is in the check extras)")
    return {"compartments": CABLE_NSEG, "steps": CABLE_STEPS, "dt": CABLE_DT, "seconds": results}


def seconds_of(fn) -> float:
    """Wall time of one call."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def w2_seconds(accuracy: str, threads: int, steps: int = W2_STEPS) -> float:
    """Wall time of one W2 batch run (of its first `steps` steps)."""
    return seconds_of(lambda: pyhh.simulate_batch(current=W2_CURRENTS, dt=DT, steps=steps, method="euler",
                                                  accuracy=accuracy, threads=threads))


def issue_ratios(rows: list[dict]) -> dict[str, float]:
    """The ratios of issue 15's targets, from the rows of this run (those it could measure)."""
    seconds = {(r["workload"], r["implementation"]): r["seconds"] for r in rows}
    threads = f"{CORES} thread{'s' if CORES > 1 else ''}"
    pairs = {
        "W2 fast, all cores / plain C loop native (target <= 1.0)":
            (("W2", f"C batch fast, {threads}"), ("W2", f"plain C loop, native, {CORES} threads")),
        "W2 fast / float32, all cores (target >= 1.7)": (("W2", f"C batch fast, {threads}"), ("W2", f"C batch float32, {threads}")),
        "W1 numpy array / Pulse (target <= 1.2)": (("W1", "C scalar, stimulus a numpy array"), ("W1", "C scalar, stimulus a Pulse")),
        "W1 C scalar / plain strict C loop, all columns (target <= 1.5)":
            (("W1", "C scalar, stimulus a Pulse"), ("W1", "plain C loop, strict, all columns")),
    }
    return {name: seconds[a] / seconds[b] for name, (a, b) in pairs.items() if a in seconds and b in seconds}


if __name__ == "__main__":
    raise SystemExit(main())
