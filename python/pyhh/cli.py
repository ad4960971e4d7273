"""The `pyhh` command line (also `python -m pyhh`).

    pyhh run       pulses or a waveform file; spikes, CSV and a figure
    pyhh fi        the frequency-current curve of a sweep of constant currents
    pyhh clamp     a voltage-clamp step family and its I-V curve
    pyhh methods   each method's error against dt, against a fine rk4 solution
    pyhh trace     run a golden case file, write its trace CSV
    pyhh conform   grade an implementation against the golden traces
    pyhh golden    regenerate golden/ and report what changed
    pyhh export    write the model as a NEURON mechanism (NMODL)

Voltages are mV from rest (add -65 for absolute; --absolute on run, fi and clamp
takes and writes absolute voltages), times ms, currents uA/cm^2. Every CSV comes
with a JSON sidecar NAME.csv.json holding its units, the parameters, the method,
dt and the versions (pyhh.files; pyhh.read_csv reads both back); `pyhh trace`
writes the port protocol's trace alone (spec §11.4). Warnings (a pulse past the
end of the run, V beyond physiology, V0 about -65 without --absolute) print as
"pyhh CMD: warning: ..." and do not stop the run.
Every file is saved whole or not at all (pyhh.atomic); an output that is not a
regular file (a FIFO, a device, /dev/stdout), or a sidecar's place that holds a
file pyhh did not write, is refused before the run.
Numbers are decimal numbers in ASCII digits (-1e6, .5, 2.5e-3; nan and inf are
read and refused as values), not 1_0 or other scripts' digits.
Errors print one line naming the bad value and exit with status 2; a run that
leaves the finite range (spec §8.3) exits with status 3, and a request larger
than the free memory with status 1 (the port protocol, spec §11.4), as does an
output `pyhh trace` cannot write.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import warnings
from pathlib import Path

import numpy as np

from . import cbackend
from .api import BACKENDS, Pulse, run_case, simulate
from .atomic import check_target, read_regular, write_text
from .batch import ACCURACIES
from .conformance import golden
from .conformance.casefile import load_any_case, load_case
from .reference.cable import CableCase
from .conformance.grading import LEVELS
from .conformance.runner import ERROR_LEVELS, REQUIRE_CABLE
from .conformance.trace import DECIMAL, WHOLE, parse_decimal, trace_chunks, write_trace
from .files import check_sidecar, write_csv
from .limits import PULSE_BYTES, check_memory
from .progress import progress_bar
from .reference.case import DEFAULT_METHOD, METHODS
from .reference.checks import check_choice, check_integer, check_positive, check_real
from .reference.errors import InvalidInputError, NumericalInstabilityError, PyhhError, ResourceLimitError
from .reference.parameters import (
    DT_DEFAULT,
    PARAMETER_TABLE,
    SPIKE_THRESHOLD_DEFAULT,
    TEMPERATURE_DEFAULT,
    V0_DEFAULT,
    V_REST_ABSOLUTE,
)

DEFAULT_BACKEND = "c" if cbackend.available() else "python"

#: pyhh run's pulse options and their defaults (applied when --waveform is not given).
RUN_PULSE_DEFAULTS = {"amplitude": 10.0, "start": 10.0, "stop": 90.0, "repeat": 1, "period": 0.0, "duration": 100.0}


def parse_setting(text: str) -> tuple[str, float]:
    """NAME=VALUE for --set, e.g. g_K=30."""
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"--set takes NAME=VALUE (e.g. g_K=30), got {text!r}")
    try:
        check_choice("parameter", name, PARAMETER_TABLE)
    except InvalidInputError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    try:
        return name, parse_decimal(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--set {name}: {value!r} is not a number") from None


def number(text: str) -> float:
    """argparse type of a number option: a decimal number in ASCII (pyhh.conformance.trace.DECIMAL;
    "nan" and "inf" are read, to be refused by the value's own check), not whatever float() takes."""
    try:
        return parse_decimal(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def whole(text: str) -> int:
    """argparse type of a whole-number option: ASCII digits with an optional sign."""
    if WHOLE.fullmatch(text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(text)


def is_number(text: str) -> bool:
    """A number as a person types it (so "nan" and "inf" are numbers, to be rejected as values)."""
    return DECIMAL.fullmatch(text) is not None


#: argparse takes an argument for an option when it starts with "-" unless it looks like a negative
#: number, which by default is only -1 or -.5: this makes `--start -1e6` (and -inf) a value too.
NEGATIVE_NUMBER = re.compile(r"^-(?:[0-9]|\.[0-9]|inf|nan)", re.IGNORECASE)


def check_output(option: str, path: Path | None, plot: bool = False, sidecar: bool = False) -> None:
    """An output path, checked before anything runs: its folder exists; if it exists, it is a
    regular file (not a folder, a FIFO or a device such as /dev/stdout: pyhh.atomic.check_target);
    a figure's name ends in a format matplotlib writes; and with `sidecar`, the place of its
    sidecar NAME.json is free or holds a pyhh sidecar (pyhh.files.check_sidecar)."""
    if path is None:
        return
    try:
        check_target(path)
    except InvalidInputError as e:
        raise InvalidInputError(f"{option} {e}") from None
    if sidecar:
        check_sidecar(path)
    if plot:
        from matplotlib.figure import Figure

        formats = Figure().canvas.get_supported_filetypes()
        if path.suffix.lstrip(".").lower() not in formats:
            raise InvalidInputError(f"{option} {path}: the name must end in a figure format "
                                    f"({', '.join('.' + f for f in sorted(formats))})")


def read_waveform(path: Path) -> np.ndarray:
    """A waveform file: one number per line (the first column of a CSV; a header line is allowed)."""
    try:  # a folder, a FIFO (which would wait for a writer) or a device such as /dev/zero is refused
        lines = [line.strip() for line in read_regular(path).decode("utf-8").splitlines() if line.strip()]
    except OSError as e:
        raise InvalidInputError(f"{path}: cannot read the waveform: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: not a text file") from None
    if lines and lines[0][:1].isalpha() and not is_number(lines[0]):
        lines = lines[1:]  # a header: a column name (not "nan" or "inf", which are values)
    values = []
    for number, text in enumerate(lines, start=1):
        try:
            values.append(parse_decimal(text))
        except ValueError:
            raise InvalidInputError(f"{path}: value {number} is {text!r}, not a number") from None
    if not values:
        raise InvalidInputError(f"{path}: the waveform file holds no values")
    return np.array(values)


def wrote(path: Path) -> None:
    """Say that a file (and its sidecar) was written."""
    print(f"wrote {path} (units and settings in {path.name}.json)")


def absolute_option(parser: argparse.ArgumentParser, what: str) -> None:
    """--absolute: the voltages given (and written) are absolute, rest at -65 mV."""
    parser.add_argument("--absolute", action="store_true",
                        help=f"{what} are absolute voltages, mV (rest at {V_REST_ABSOLUTE:g} mV, spec §2.2), "
                        "and voltages written and plotted are absolute too (default: mV from rest)")


def threshold_option(parser: argparse.ArgumentParser) -> None:
    """--threshold: the spike threshold, wherever spikes are counted."""
    parser.add_argument("--threshold", type=number,
                        help=f"spike threshold, mV from rest (default {SPIKE_THRESHOLD_DEFAULT:g}; with --absolute "
                        f"absolute, default {SPIKE_THRESHOLD_DEFAULT + V_REST_ABSOLUTE:g})")


def given_voltage(value: float | None, default: float, absolute: bool) -> float:
    """An optional voltage option of the command line's own (clamp's --start and --stop), its default
    in the convention chosen; the API resolves V0, the threshold and the holding potential itself."""
    if value is not None:
        return value
    return default + V_REST_ABSOLUTE if absolute else default


def common_model_options(parser: argparse.ArgumentParser) -> None:
    """--dt, --method, --temperature and --set, shared by the simulating subcommands."""
    parser.add_argument("--dt", type=number, default=DT_DEFAULT, help=f"time step, ms (default {DT_DEFAULT:g})")
    parser.add_argument("--method", choices=METHODS, default=DEFAULT_METHOD,
                        help=f"integration method (default {DEFAULT_METHOD})")
    parser.add_argument("--temperature", type=number, default=TEMPERATURE_DEFAULT,
                        help=f"degC (default {TEMPERATURE_DEFAULT:g})")
    parser.add_argument("--set", type=parse_setting, action="append", default=[], metavar="NAME=VALUE",
                        help="override a parameter, e.g. --set g_K=30 (repeatable); "
                        f"names: {', '.join(PARAMETER_TABLE)}")


def check_pulse_count(repeat: int, duration: float, dt: float) -> None:
    """Refuse, before a pulse is made, more pulses than the run has steps (with --period 0, or shorter
    than a step, they would all start within one step: issue 25, item 4) or than memory can hold."""
    if repeat <= 1:
        return
    steps = check_real("--duration", duration) / check_positive("dt", dt)
    if repeat > steps:
        raise InvalidInputError(f"--repeat = {repeat} is more pulses than the run has steps ({steps:.6g} of "
                                f"dt = {dt:g} ms in {duration:g} ms); give fewer pulses, or a --period of at least dt")
    check_memory(f"--repeat = {repeat} pulses", repeat * PULSE_BYTES, "give fewer pulses")


def cmd_run(args: argparse.Namespace) -> int:
    """pyhh run: simulate pulses or a waveform, report spikes."""
    check_output("--csv", args.csv, sidecar=True)
    check_output("--spikes", args.spikes, sidecar=True)
    check_output("--plot", args.plot, plot=True)
    pulse_options = {"--amplitude": args.amplitude, "--start": args.start, "--stop": args.stop,
                     "--repeat": args.repeat, "--period": args.period, "--duration": args.duration}
    if args.waveform is not None:
        given = [name for name, value in pulse_options.items() if value is not None]
        if given:
            raise InvalidInputError(f"--waveform sets the stimulus and the length of the run; drop {', '.join(given)}")
        stimulus = read_waveform(args.waveform)
        duration = None
    else:
        amplitude, start, stop, repeat, period, duration = (
            default if value is None else value
            for value, default in zip(pulse_options.values(), RUN_PULSE_DEFAULTS.values()))
        check_integer("--repeat", repeat)
        if repeat > 1 and start + (repeat - 1) * period >= duration:
            raise InvalidInputError(f"--repeat = {repeat}: with --period = {period:g} ms the last pulses would start "
                                    f"after the run's {duration:g} ms; at most "
                                    f"{int((duration - start) / period) + 1 if period > 0 and start < duration else 1} "
                                    "pulses fit")
        if repeat > 1 and period < stop - start:
            raise InvalidInputError(f"--period = {period:g} ms is shorter than a pulse ({stop - start:g} ms): "
                                    "repeated pulses would overlap")
        check_pulse_count(repeat, duration, args.dt)
        stimulus = [Pulse(start + i * period, stop + i * period, amplitude) for i in range(repeat)]
    result = simulate(stimulus, dt=args.dt, duration=duration, method=args.method, temperature=args.temperature,
                      V0=args.V0, record_every=args.record_every, params=dict(args.set),
                      spike_threshold=args.threshold, backend=args.backend, absolute=args.absolute)
    seconds = result.case.steps * result.case.dt
    times = ", ".join(f"{t:.3f}" for t in result.spikes)
    mean_interval = float(np.mean(np.diff(result.spikes))) if result.spike_count > 1 else None
    interval = (f", {1000.0 / mean_interval:.1f} Hz while firing, mean interval {mean_interval:.2f} ms"
                if mean_interval else "")
    print(f"{result.spike_count} spike(s) in {seconds:g} ms ({result.firing_rate:.1f} Hz over the run{interval})"
          + (f" at {times} ms" if times else ""))
    if args.csv:
        wrote(result.to_csv(args.csv, absolute=args.absolute))
    if args.spikes:
        wrote(result.spikes_to_csv(args.spikes))
    if args.plot:
        from .plotting import demo_figure

        print(f"wrote {demo_figure(result, args.plot, absolute=args.absolute)}")
    return 0


def cmd_axon(args: argparse.Namespace) -> int:
    """pyhh axon: the propagated action potential along HH 1952's axon (spec §13) and its velocity."""
    check_output("--csv", args.csv, sidecar=True)
    check_output("--plot", args.plot, plot=True)
    from .axon import CONVERGED_VELOCITY, HH_COMPUTED_VELOCITY, HH_MEASURED_VELOCITY, simulate_cable

    stimulus = [(0, 0.0, args.stim_ms, args.amplitude)]
    result = simulate_cable(args.duration, dt=args.dt, length=args.length, nseg=args.nseg, radius=args.radius,
                            R_i=args.R_i, temperature=args.temperature, params=dict(args.set), stimulus=stimulus,
                            record_every=args.record_every, spike_threshold=args.threshold, backend=args.backend)
    c = result.case
    print(f"axon of {c.length / 1e4:g} cm, radius {c.radius:g} um, R_i {c.R_i:g} ohm cm, {c.temperature:g} degC, "
          f"{c.nseg} segments, dt = {c.dt:g} ms; {args.amplitude:g} nA into the end at x = 0 for {args.stim_ms:g} ms")
    if result.velocity is None:
        print("no conduction: the action potential did not reach the centres nearest L/4 and 3L/4")
    else:
        print(f"conduction velocity {result.velocity:.3f} m/s (HH 1952 computed {HH_COMPUTED_VELOCITY} m/s, "
              f"measured {HH_MEASURED_VELOCITY} m/s; this model converged {CONVERGED_VELOCITY:.3f} m/s, spec §13.12)")
    if args.csv:
        wrote(result.to_csv(args.csv))
    if args.plot:
        from .plotting import axon_figure

        print(f"wrote {axon_figure(result, args.plot)}")
    return 0


def sweep(start: float, stop: float, step: float, unit: str) -> np.ndarray:
    """start, start + step, ... up to stop (inclusive), checked."""
    check_real("--start", start)
    check_real("--stop", stop)
    check_positive("--step", step, unit)
    if stop < start:
        raise InvalidInputError(f"--stop = {stop:g} {unit} must be at least --start = {start:g} {unit}")
    intervals = (stop - start) / step + 1e-9  # inf for a span or a step at the ends of the double range
    if not intervals < 10**6:
        shown = f"{int(intervals) + 1}" if math.isfinite(intervals) else "more than a million"
        raise InvalidInputError(f"{shown} values from --start = {start:g} to --stop = {stop:g} {unit} in steps of "
                                f"--step = {step:g} is too many (at most a million)")
    count = int(intervals) + 1
    return start + step * np.arange(count)


def cmd_fi(args: argparse.Namespace) -> int:
    """pyhh fi: the F-I curve."""
    for option in ("csv", "spikes"):
        check_output(f"--{option}", getattr(args, option), sidecar=True)
    check_output("--plot", args.plot, plot=True)
    from .fi import fi_curve, summary

    currents = sweep(args.start, args.stop, args.step, "uA/cm^2")
    threads = None if args.threads is None else check_integer("--threads", args.threads)
    curve = fi_curve(currents, duration=args.duration, transient=args.transient, dt=args.dt, method=args.method,
                     temperature=args.temperature, params=dict(args.set), accuracy=args.accuracy,
                     threshold=args.threshold, absolute=args.absolute, onset_tolerance=args.onset_tolerance, threads=threads,
                     progress=progress_bar("fi", "current"))
    print(f"{len(currents)} currents from {currents[0]:g} to {currents[-1]:g} uA/cm^2; "
          f"largest rate {curve.rates.max():.1f} Hz")
    for line in summary(curve, absolute=args.absolute):
        print(line)
    if args.csv:
        wrote(curve.to_csv(args.csv))
    if args.spikes:
        wrote(curve.spikes_to_csv(args.spikes))
    if args.plot:
        from .plotting import fi_figure

        print(f"wrote {fi_figure(curve, args.plot, absolute=args.absolute)}")
    return 0


def cmd_clamp(args: argparse.Namespace) -> int:
    """pyhh clamp: the voltage-clamp family."""
    for option in ("csv", "traces"):
        check_output(f"--{option}", getattr(args, option), sidecar=True)
    check_output("--plot", args.plot, plot=True)
    from .experiments import clamp_family

    start = given_voltage(args.start, -30.0, args.absolute)
    stop = given_voltage(args.stop, 140.0, args.absolute)
    levels = sweep(start, stop, args.step, "mV")
    threads = None if args.threads is None else check_integer("--threads", args.threads)
    family = clamp_family(levels, holding=args.holding, step_ms=args.step_ms,
                          dt=args.dt, method=args.method, temperature=args.temperature, params=dict(args.set),
                          absolute=args.absolute, threads=threads)
    reversal = family.reversal_I_Na()
    shift = V_REST_ABSOLUTE if args.absolute else 0.0
    scale = "mV absolute" if args.absolute else "mV from rest"
    print(f"{len(levels)} steps from {levels[0]:g} to {levels[-1]:g} {scale}; largest inward I_Na "
          f"{family.peak_I_Na.min():.1f} uA/cm^2 at {family.levels[np.argmin(family.peak_I_Na)] + shift:g} mV; "
          + (f"I_Na reverses at {reversal + shift:.1f} mV" if reversal is not None
             else "I_Na does not reverse in this range"))
    if args.csv:
        wrote(family.to_csv(args.csv))
    if args.traces:
        wrote(family.traces_to_csv(args.traces))
    if args.plot:
        from .plotting import clamp_figure

        print(f"wrote {clamp_figure(family, args.plot, absolute=args.absolute)}")
    return 0


def cmd_methods(args: argparse.Namespace) -> int:
    """pyhh methods: each method's errors against dt, and its cost."""
    check_output("--csv", args.csv, sidecar=True)
    check_output("--spikes", args.spikes, sidecar=True)
    check_output("--plot", args.plot, plot=True)
    from .experiments import method_errors

    study = method_errors(args.dt, stimulus=args.current, duration=args.duration, backend=args.backend)
    print(f"against rk4 at dt = {study.reference_dt:g} ms, constant {args.current:g} uA/cm^2 for {args.duration:g} ms "
          f"({len(study.reference_spikes)} spikes): largest |V error| (mV), largest spike-time error (ms), "
          f"cost (ms of computing per simulated second, backend {args.backend})")
    print(f"{'method':>14} {'dt (ms)':>8} {'V error':>10} {'spike error':>12} {'cost':>9}")
    for method in study.errors:
        for j, dt in enumerate(study.dts):
            V, spikes, cost = study.errors[method][j], study.spike_errors[method][j], study.costs[method][j]
            if not np.isfinite(V):
                print(f"{method:>14} {dt:>8g} {'blew up':>10}")
                continue
            spike_text = f"{spikes:>12.3g}" if np.isfinite(spikes) else f"{'wrong count':>12}"
            print(f"{method:>14} {dt:>8g} {V:>10.3g} {spike_text} {cost:>9.3g}")
    print("observed order (V): " + ", ".join(f"{m} {study.order(m):.2f}" for m in study.errors))
    print("observed order (spike times): " + ", ".join(f"{m} {study.order(m, 'spikes'):.2f}" for m in study.errors))
    if args.csv:
        units = {"V_error": "mV", "spike_error": "ms", "cost": "ms of computing per simulated s"}
        columns, column_units = {"dt": study.dts}, {"dt": "ms"}
        for m in study.errors:
            for what, table in (("V_error", study.errors), ("spike_error", study.spike_errors),
                                ("cost", study.costs)):
                columns[f"{m}_{what}"], column_units[f"{m}_{what}"] = table[m], units[what]
        wrote(write_csv(args.csv, columns, column_units, "methods", {
            "current": args.current, "current_unit": "uA/cm^2", "duration": args.duration,
            "reference": f"rk4 at dt = {study.reference_dt:g} ms", "backend": args.backend,
            "methods": list(study.errors), "nan": "the method blew up", "inf": "wrong spike count"}))
    if args.spikes:
        names = list(study.spikes)
        rows = [(-1.0, study.reference_dt, t) for t in study.reference_spikes.tolist()]
        rows += [(float(j), float(dt), t) for j, m in enumerate(names) for dt, train in zip(study.dts, study.spikes[m])
                 for t in train.tolist()]
        code, dt_column, times = (np.array(c, dtype=np.float64) for c in zip(*rows)) if rows else ([], [], [])
        wrote(write_csv(args.spikes, {"method": code, "dt": dt_column, "spike_time": times},
                        {"method": "code: -1 the rk4 reference, " + ", ".join(f"{j} {m}" for j, m in enumerate(names)),
                         "dt": "ms", "spike_time": "ms"}, "spikes",
                        {"current": args.current, "current_unit": "uA/cm^2", "duration": args.duration,
                         "backend": args.backend}))
    if args.plot:
        from .plotting import methods_figure

        print(f"wrote {methods_figure(study, args.plot)}")
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    """pyhh trace: a golden case's trace (the port protocol of spec §11.4). An output it cannot write
    (refused before the run, or failing as it is written) is the port's own trouble, status 1, as
    C's and JavaScript's; status 2 is kept for a case file §10.1 or §8.4 rejects."""
    try:
        check_output("--out", args.out)
        check_output("--spikes", args.spikes)
    except InvalidInputError as e:
        return cannot_write(e)
    case = load_any_case(args.case)
    if isinstance(case, CableCase):
        return cable_trace(case, args)
    result = run_case(case, args.backend)
    try:
        if args.spikes:
            write_text(args.spikes, "".join(f"{t!r}\n" for t in result.spikes.tolist()))
        if args.out:  # the protocol's trace alone, no sidecar (pyhh.files)
            write_trace(args.out, result.rows())
        else:
            sys.stdout.writelines(trace_chunks(result.rows()))
            sys.stdout.flush()
    except (InvalidInputError, OSError) as e:
        return cannot_write(e)
    return 0


def cable_trace(case: CableCase, args: argparse.Namespace) -> int:
    """pyhh trace for a cable case (spec §13.13): its trace of §13.11, and with --spikes each
    site's arrival times, a line per site, comma-separated."""
    from .axon import run_cable_case
    from .reference.cable import columns

    table, arrivals = run_cable_case(case, args.backend)
    try:
        if args.spikes:
            write_text(args.spikes, "".join(",".join(repr(t) for t in times) + "\n" for times in arrivals))
        if args.out:
            write_text(args.out, "".join(trace_chunks(table, columns(case))))
        else:
            sys.stdout.writelines(trace_chunks(table, columns(case)))
            sys.stdout.flush()
    except (InvalidInputError, OSError) as e:
        return cannot_write(e)
    return 0


def cannot_write(error: Exception) -> int:
    """pyhh trace's output failed: one line, status 1 (spec §11.4)."""
    text = f"{error.filename or 'standard output'}: {error.strerror or error}" if isinstance(error, OSError) else error
    print(f"pyhh trace: error: {text}", file=sys.stderr)
    return 1


def cmd_conform(args: argparse.Namespace) -> int:
    """pyhh conform: grade an implementation."""
    from .conformance.runner import as_json, conform, report, shortfalls

    command = args.command_line[1:] if args.command_line[:1] == ["--"] else args.command_line
    check_positive("--timeout", args.timeout, unit="s")
    required = args.require or []
    if args.json is not None:
        check_output("--json", args.json)
    grades = conform(command, args.golden, args.case, args.method, args.timeout, args.errors)
    print(report(grades))
    below = shortfalls(grades, required)
    for reason in below:
        print(f"pyhh conform: {reason}", file=sys.stderr)
    if args.json is not None:
        write_text(args.json, json.dumps(as_json(grades, command, required), indent=1) + "\n")
    return 1 if grades.failed or below else 0


def cmd_export(args: argparse.Namespace) -> int:
    """pyhh export nmodl: write the NEURON mechanism."""
    from .nmodl import export_nmodl

    path = export_nmodl(args.out, args.suffix)
    print(f"wrote {path} (SUFFIX {args.suffix}); compile it with NEURON's nrnivmodl {path.parent}")
    return 0


def cmd_golden(args: argparse.Namespace) -> int:
    """pyhh golden: regenerate golden/ (pyhh.conformance.update: refuses, writing nothing, when the
    model file and the code disagree, or when results change under the same major version)."""
    from .conformance.update import GoldenRefused, update_golden

    try:
        report = update_golden(args.golden, args.out, unreleased=args.unreleased)
    except GoldenRefused as e:
        print(f"pyhh golden: {e}", file=sys.stderr)
        return 1
    for line in report:
        print(line)
    return 0


def add_run(sub) -> None:
    """pyhh run's options."""
    run = sub.add_parser("run", help="simulate pulses of current or a waveform file; spikes, CSV, figure",
                         description="Simulate one membrane patch and print its spikes.")
    run.add_argument("--amplitude", type=number, help="pulse amplitude, uA/cm^2 (default 10)")
    run.add_argument("--start", type=number, help="pulse start, ms (default 10)")
    run.add_argument("--stop", type=number, help="pulse stop, ms (default 90)")
    run.add_argument("--repeat", type=whole, help="number of pulses (default 1)")
    run.add_argument("--period", type=number, help="time between pulse starts, ms (default 0; at least the pulse length)")
    run.add_argument("--duration", type=number, help="length of the run, ms (default 100)")
    run.add_argument("--waveform", type=Path, help="instead of pulses: a file with one current (uA/cm^2) per "
                     "step, one per line; the run has one step per value")
    common_model_options(run)
    run.add_argument("--V0", type=number, help=f"initial voltage, mV from rest (default {V0_DEFAULT:g}; with "
                     f"--absolute absolute, default {V0_DEFAULT + V_REST_ABSOLUTE:g})")
    run.add_argument("--record-every", type=whole, default=1, help="keep every r-th row (default 1)")
    threshold_option(run)
    run.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND,
                     help=f"the C kernel or the Python reference (default {DEFAULT_BACKEND})")
    absolute_option(run, "--V0 and --threshold")
    run.add_argument("--csv", type=Path, help="write the trace here (CSV; with --absolute the column V_absolute)")
    run.add_argument("--spikes", type=Path, help="write the spike times here (CSV, ms)")
    run.add_argument("--plot", type=Path, help="draw the figure here (PNG)")
    run.set_defaults(func=cmd_run)


def add_fi(sub) -> None:
    """pyhh fi's options."""
    fi = sub.add_parser("fi", help="frequency-current curve over a range of constant currents",
                        description="Firing rate (1000 / mean interspike interval after the transient) at each "
                        "constant current, one neuron per current in one call of the batch kernel.")
    fi.add_argument("--start", type=number, default=0.0, help="first current, uA/cm^2 (default 0)")
    fi.add_argument("--stop", type=number, default=20.0, help="last current, uA/cm^2 (default 20)")
    fi.add_argument("--step", type=number, default=0.25, help="current step, uA/cm^2 (default 0.25)")
    fi.add_argument("--duration", type=number, default=500.0, help="length of each run, ms (default 500)")
    fi.add_argument("--transient", type=number, default=100.0, help="spikes before this are not counted, ms (default 100)")
    common_model_options(fi)
    threshold_option(fi)
    absolute_option(fi, "--threshold")
    fi.add_argument("--onset-tolerance", type=number, metavar="UA_CM2",
                    help="refine the onset bracket by bisection until it is at most this wide, uA/cm^2 "
                    "(default: the bracket of the grid)")
    fi.add_argument("--accuracy", choices=ACCURACIES, default="exact", help="batch kernel mode (default exact)")
    fi.add_argument("--threads", type=whole, help="threads of the batch kernel (default: all cores)")
    fi.add_argument("--csv", type=Path, help="write current, rate, spikes, class, amplitude, peak here")
    fi.add_argument("--spikes", type=Path, help="write every spike time here (CSV: current, spike_time)")
    fi.add_argument("--plot", type=Path, help="draw the F-I curve here (PNG)")
    fi.set_defaults(func=cmd_fi)


def add_clamp(sub) -> None:
    """pyhh clamp's options."""
    clamp = sub.add_parser("clamp", help="voltage-clamp step family and I-V curve (HH 1952)",
                           description="Step from the holding voltage to each level and record I_Na and I_K.")
    clamp.add_argument("--start", type=number, help="lowest level, mV from rest (default -30; -95 with --absolute)")
    clamp.add_argument("--stop", type=number, help="highest level, mV from rest (default 140; 75 with --absolute)")
    clamp.add_argument("--step", type=number, default=10.0, help="level spacing, mV (default 10)")
    clamp.add_argument("--holding", type=number, help="holding voltage, mV from rest (default 0; -65 with --absolute)")
    absolute_option(clamp, "--start, --stop and --holding")
    clamp.add_argument("--threads", type=whole, help="threads of the batch kernel (default: all cores)")
    clamp.add_argument("--step-ms", type=number, default=10.0, help="length of each step, ms (default 10)")
    common_model_options(clamp)
    clamp.add_argument("--csv", type=Path, help="write level, peak I_Na, steady I_K here")
    clamp.add_argument("--traces", type=Path, help="write the traces here (CSV: level, t, I_Na, I_K)")
    clamp.add_argument("--plot", type=Path, help="draw the family and the I-V curve here (PNG)")
    clamp.set_defaults(func=cmd_clamp)


def add_methods(sub) -> None:
    """pyhh methods' options."""
    methods = sub.add_parser("methods", help="each method's errors and cost against dt, and their orders",
                             description="Every method at each dt against rk4 at dt = 0.0005 ms: the largest |V "
                             "error| at common sample times (every 0.2 ms), the largest spike-time error, and the "
                             "cost in ms of computing per simulated second; the figure is accuracy against cost.")
    methods.add_argument("--dt", type=number, nargs="+", default=[0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2],
                         help="time steps, ms; each must divide 0.2 (default 0.001 ... 0.2)")
    methods.add_argument("--current", type=number, default=10.0, help="constant current, uA/cm^2 (default 10)")
    methods.add_argument("--duration", type=number, default=50.0, help="ms (default 50)")
    methods.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND,
                         help=f"implementation (default {DEFAULT_BACKEND})")
    methods.add_argument("--csv", type=Path, help="write dt and each method's errors and cost here")
    methods.add_argument("--spikes", type=Path, help="write every run's spike times here (CSV: method, dt, spike_time)")
    methods.add_argument("--plot", type=Path, help="draw accuracy against cost here (PNG)")
    methods.set_defaults(func=cmd_methods)


def add_trace(sub) -> None:
    """pyhh trace's options."""
    trace = sub.add_parser("trace", help="run a golden case file and write its trace CSV",
                           description="Run one case file (spec §10.1) and write its trace (spec §10.2), as a "
                           "port does under `pyhh conform`.")
    trace.add_argument("case", type=Path, help="case file (JSON), e.g. golden/cases/rest.json")
    trace.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND,
                       help=f"implementation, as for every command (default {DEFAULT_BACKEND})")
    trace.add_argument("--out", type=Path, help="trace CSV to write (default: standard output)")
    trace.add_argument("--spikes", type=Path, help="also write the every-step spike times here, one per line "
                       "(spec §11.4)")
    trace.set_defaults(func=cmd_trace)


def add_conform(sub) -> None:
    """pyhh conform's options."""
    conf = sub.add_parser(
        "conform",
        help="grade an implementation (any language) against the golden traces",
        description="Run COMMAND once per golden case with the case file's path appended (or put in place "
        "of a {case} argument); it must write the trace CSV to standard output (or to the path put in "
        "place of an {out} argument; {spikes} gets its every-step spike times), exit with status 2 on a "
        "case file it rejects and 3 when the run leaves the finite range (spec §11.4). Each trace is graded "
        "exact, float64, float32, spikes or fail (spec §11.1); the negative cases strict, rejects or fail "
        "(spec §11.5). Exit status 1 if any case fails, or if a level --require names is not reached.",
    )
    conf.add_argument("--case", action="append", help="only this case (repeatable; default: every case)")
    conf.add_argument("--method", action="append", choices=METHODS,
                      help="only cases of this method (repeatable; default: every method)")
    conf.add_argument("--timeout", type=number, default=60.0, help="seconds allowed per case (default 60)")
    conf.add_argument("--errors", action=argparse.BooleanOptionalAction, default=None,
                      help="grade the negative cases of spec §11.5 too (default: when nothing narrows the "
                      "selection, or those --case names)")
    conf.add_argument("--golden", type=Path, default=golden.DEFAULT_GOLDEN, help="golden folder (default: the checkout's)")
    conf.add_argument("--require", action="append", choices=[*LEVELS[:-1], *ERROR_LEVELS[:-1], REQUIRE_CABLE],
                      metavar="LEVEL",
                      help="exit with status 1 unless the conformance level (exact, float64, float32, spikes) or "
                      "the error handling (strict, rejects) is at least LEVEL, the cable's too where the port runs "
                      "it (spec §13.13); 'cable': unless the port runs the cable cases; repeatable (for CI)")
    conf.add_argument("--json", type=Path, metavar="FILE",
                      help="also write the grades as JSON to FILE: each case's level and what went wrong")
    conf.add_argument("command_line", nargs=argparse.REMAINDER, metavar="-- COMMAND ...",
                      help="the implementation's command line")
    conf.set_defaults(func=cmd_conform)


def add_export(sub) -> None:
    """pyhh export's options."""
    export = sub.add_parser("export", help="write the model for another simulator (nmodl: a NEURON mechanism)",
                            description="Write the spec's model as a NEURON mechanism (NMODL), generated from "
                            "spec/model.toml: SUFFIX.mod in the output folder. README, 'pyhh and NEURON', says how "
                            "its results correspond to pyhh's.")
    export.add_argument("target", choices=["nmodl"], help="what to write: nmodl, a NEURON mechanism")
    export.add_argument("--suffix", default="pyhh", help="the mechanism's SUFFIX and file name (default pyhh)")
    export.add_argument("--out", type=Path, default=Path("."), help="folder to write to (default: the current one)")
    export.set_defaults(func=cmd_export)


def add_golden(sub) -> None:
    """pyhh golden's options."""
    gold = sub.add_parser("golden", help="regenerate golden/ traces and manifest, print what changed",
                          description="Run every case of golden/cases on the Python reference, write the traces, "
                          "functions.csv and the manifest (spec §10.3-10.4), and print for each case unchanged, new, "
                          "or where and by how much it changed. Refuses, writing nothing, when spec/model.toml and "
                          "the reference disagree, or when results change under the same major version (§12).")
    gold.add_argument("--golden", type=Path, default=golden.DEFAULT_GOLDEN,
                      help="golden folder with cases/ (default: the checkout's)")
    gold.add_argument("--out", type=Path, help="write traces and manifest here instead (default: the golden folder)")
    gold.add_argument("--unreleased", action="store_true",
                      help="allow changed results under the same major version, which was already raised for "
                      "changes not yet released")
    gold.set_defaults(func=cmd_golden)


def add_axon(sub) -> None:
    """pyhh axon's options."""
    from .axon import DEFAULT_PULSE
    from .reference import cable

    axon = sub.add_parser("axon", help="the action potential travelling along HH 1952's axon, its velocity",
                          description="Stimulate one end of a uniform unbranched axon (spec §13: HH 1952's, Part III, "
                          "by default) and print the conduction velocity between the centres nearest L/4 and 3L/4 "
                          "next to HH's computed 18.8 m/s and the measured 21.2 m/s.")
    axon.add_argument("--duration", type=number, default=5.0, help="length of the run, ms (default 5)")
    axon.add_argument("--dt", type=number, default=0.01, help="time step, ms (default 0.01)")
    axon.add_argument("--length", type=number, default=cable.CABLE_TABLE["length"][0],
                      help=f"axon length, um (default {cable.CABLE_TABLE['length'][0]:g})")
    axon.add_argument("--nseg", type=whole, default=cable.NSEG_DEFAULT,
                      help=f"segments (compartments) (default {cable.NSEG_DEFAULT})")
    axon.add_argument("--radius", type=number, default=cable.CABLE_TABLE["radius"][0],
                      help=f"axon radius, um (default {cable.CABLE_TABLE['radius'][0]:g})")
    axon.add_argument("--R-i", dest="R_i", type=number, default=cable.CABLE_TABLE["R_i"][0],
                      help=f"axial resistivity, ohm cm (default {cable.CABLE_TABLE['R_i'][0]:g})")
    axon.add_argument("--temperature", type=number, default=cable.CABLE_TEMPERATURE_DEFAULT,
                      help=f"degC (default {cable.CABLE_TEMPERATURE_DEFAULT:g})")
    axon.add_argument("--set", type=parse_setting, action="append", default=[], metavar="NAME=VALUE",
                      help=f"override a membrane parameter (repeatable); names: {', '.join(PARAMETER_TABLE)}")
    axon.add_argument("--amplitude", type=number, default=DEFAULT_PULSE[3],
                      help=f"current into the end at x = 0, nA (default {DEFAULT_PULSE[3]:g})")
    axon.add_argument("--stim-ms", type=number, default=DEFAULT_PULSE[2],
                      help=f"how long the current flows from t = 0, ms (default {DEFAULT_PULSE[2]:g})")
    axon.add_argument("--record-every", type=whole, default=1, help="keep every r-th row (default 1)")
    axon.add_argument("--threshold", type=number, default=SPIKE_THRESHOLD_DEFAULT,
                      help=f"arrival threshold, mV from rest (default {SPIKE_THRESHOLD_DEFAULT:g})")
    axon.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND,
                      help=f"the C port or the Python reference (default {DEFAULT_BACKEND})")
    axon.add_argument("--csv", type=Path, help="write t and V at every node here (CSV)")
    axon.add_argument("--plot", type=Path, help="draw the space-time figure here (PNG)")
    axon.set_defaults(func=cmd_axon)


#: The subcommands, in the order `pyhh --help` lists them.
SUBCOMMANDS = (add_run, add_fi, add_clamp, add_methods, add_axon, add_trace, add_conform, add_golden, add_export)


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand with its options, units and defaults."""
    parser = argparse.ArgumentParser(
        prog="pyhh",
        description="The Hodgkin-Huxley (1952) reference model. Voltages are mV from rest "
        f"(add {V_REST_ABSOLUTE} for absolute), times ms, currents uA/cm^2.",
    )
    from . import SPEC_VERSION, __version__

    parser.add_argument("--version", action="version", version=f"pyhh {__version__} (spec {SPEC_VERSION})")
    sub = parser.add_subparsers(dest="command")
    for add in SUBCOMMANDS:
        add(sub)
    for each in (parser, *sub.choices.values()):
        each._negative_number_matcher = NEGATIVE_NUMBER
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status: 2 for bad input, 3 for a run that left the finite
    range, 1 for a request larger than the free memory, 130 if interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # bare `pyhh`: what it can do
        parser.print_help()
        return 0
    try:
        with warnings.catch_warnings():
            warnings.showwarning = lambda message, category, *_: print(
                f"pyhh {args.command}: warning: {message}", file=sys.stderr)
            return args.func(args)
    except NumericalInstabilityError as e:  # spec §11.4: status 3, the run left the finite range
        print(f"pyhh {args.command}: error: {e}", file=sys.stderr)
        return 3
    except ResourceLimitError as e:  # spec §11.4: status 1, the program's own trouble, not a rejected input
        print(f"pyhh {args.command}: error: {e}", file=sys.stderr)
        return 1
    except PyhhError as e:
        print(f"pyhh {args.command}: error: {e}", file=sys.stderr)
    except OSError as e:  # an output or input file that cannot be opened
        print(f"pyhh {args.command}: error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
    except MemoryError:
        print(f"pyhh {args.command}: error: not enough memory; record fewer rows (--record-every) or run less",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"pyhh {args.command}: interrupted", file=sys.stderr)
        return 130
    return 2
