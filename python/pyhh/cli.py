"""The `pyhh` command line: run a simulation, run a golden case, regenerate golden/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cbackend, golden
from .api import BACKENDS, Pulse, run_case, simulate
from .casefile import load_case
from .errors import PyhhError
from .parameters import PARAMETER_TABLE, SPIKE_THRESHOLD_DEFAULT, TEMPERATURE_DEFAULT, V_REST_ABSOLUTE
from .case import METHODS


def parse_setting(text: str) -> tuple[str, float]:
    """NAME=VALUE for --set, e.g. g_K=30."""
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"--set takes NAME=VALUE (e.g. g_K=30), got {text!r}")
    if name not in PARAMETER_TABLE:
        raise argparse.ArgumentTypeError(f"unknown parameter {name!r}; the parameters are {', '.join(PARAMETER_TABLE)}")
    try:
        return name, float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--set {name}: {value!r} is not a number") from None


def cmd_run(args: argparse.Namespace) -> int:
    pulses = [Pulse(args.start + i * args.period, args.stop + i * args.period, args.amplitude) for i in range(args.repeat)]
    result = simulate(
        pulses,
        dt=args.dt,
        duration=args.duration,
        method=args.method,
        temperature=args.temperature,
        V0=args.V0,
        record_every=args.record_every,
        params=dict(args.set),
        spike_threshold=args.threshold,
        backend=args.backend,
    )
    if args.csv:
        result.to_csv(args.csv)
    if args.plot:
        from .plotting import demo_figure

        demo_figure(result, args.plot, absolute=args.absolute)
    times = ", ".join(f"{t:.3f}" for t in result.spikes)
    print(f"{result.spike_count} spike(s) in {args.duration} ms ({result.firing_rate:.1f} Hz)" + (f" at {times} ms" if times else ""))
    for path in (args.csv, args.plot):
        if path:
            print(f"wrote {path}")
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    result = run_case(case, args.backend)
    if args.out:
        result.to_csv(args.out)
    else:
        from .trace import format_trace

        sys.stdout.write(format_trace(result.table().tolist()))
    return 0


def cmd_golden(args: argparse.Namespace) -> int:
    for line in golden.regenerate(args.golden, args.out):
        print(line)
    return 0


def cmd_conform(args: argparse.Namespace) -> int:
    from .conform import conform, report

    command = args.command_line[1:] if args.command_line[:1] == ["--"] else args.command_line
    if not command:
        raise PyhhError("give the implementation's command after --, e.g. pyhh conform -- ./my_port")
    outcomes = conform(command, args.golden, args.case, args.method, args.timeout)
    print(report(outcomes))
    return 1 if any(o.level == "fail" for o in outcomes) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pyhh",
        description="The Hodgkin-Huxley (1952) reference model. Voltages are mV from rest "
        f"(add {V_REST_ABSOLUTE} for absolute), times ms, currents uA/cm^2.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="simulate pulses of current and report spikes; optional CSV and figure")
    run.add_argument("--amplitude", type=float, default=10.0, help="pulse amplitude, uA/cm^2 (default 10)")
    run.add_argument("--start", type=float, default=10.0, help="pulse start, ms (default 10)")
    run.add_argument("--stop", type=float, default=90.0, help="pulse stop, ms (default 90)")
    run.add_argument("--repeat", type=int, default=1, help="number of pulses (default 1)")
    run.add_argument("--period", type=float, default=0.0, help="time between pulse starts, ms (default 0)")
    run.add_argument("--duration", type=float, default=100.0, help="length of the run, ms (default 100)")
    run.add_argument("--dt", type=float, default=0.01, help="time step, ms (default 0.01)")
    run.add_argument("--method", choices=METHODS, default="exp_euler", help="integration method (default exp_euler)")
    run.add_argument("--temperature", type=float, default=TEMPERATURE_DEFAULT, help="degC (default 6.3)")
    run.add_argument("--V0", type=float, default=0.0, help="initial voltage, mV from rest (default 0)")
    run.add_argument("--record-every", type=int, default=1, help="keep every r-th row (default 1)")
    run.add_argument("--threshold", type=float, default=SPIKE_THRESHOLD_DEFAULT, help="spike threshold, mV from rest (default 50)")
    run.add_argument("--set", type=parse_setting, action="append", default=[], metavar="NAME=VALUE",
                     help="override a parameter, e.g. --set g_K=30 (repeatable)")
    run.add_argument("--backend", choices=BACKENDS, default="c" if cbackend.available() else "python",
                     help="implementation: the C kernel (default when built) or the Python reference")
    run.add_argument("--absolute", action="store_true", help="plot absolute voltages (rest at -65 mV)")
    run.add_argument("--csv", type=Path, help="write the trace here")
    run.add_argument("--plot", type=Path, help="draw the figure here (PNG)")
    run.set_defaults(func=cmd_run)

    trace = sub.add_parser("trace", help="run a golden case file and write its trace CSV")
    trace.add_argument("case", type=Path, help="case file (JSON), e.g. golden/cases/rest.json")
    trace.add_argument("--backend", choices=BACKENDS, default="python", help="implementation (default python)")
    trace.add_argument("--out", type=Path, help="trace CSV to write (default: standard output)")
    trace.set_defaults(func=cmd_trace)

    conf = sub.add_parser(
        "conform",
        help="grade an implementation (any language) against the golden traces",
        description="Run COMMAND once per golden case with the case file's path appended (or put in place "
        "of a {case} argument); it must write the trace CSV to standard output (or to the path put in "
        "place of an {out} argument). Each trace is graded exact, float64, float32, spikes or fail "
        "(spec §11). Exit status 1 if any case fails.",
    )
    conf.add_argument("--case", action="append", help="only this case (repeatable)")
    conf.add_argument("--method", action="append", choices=METHODS, help="only cases of this method (repeatable)")
    conf.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per case (default 60)")
    conf.add_argument("--golden", type=Path, default=golden.DEFAULT_GOLDEN, help="golden folder (default: the checkout's)")
    conf.add_argument("command_line", nargs=argparse.REMAINDER, metavar="-- COMMAND ...",
                      help="the implementation's command line")
    conf.set_defaults(func=cmd_conform)

    gold = sub.add_parser("golden", help="regenerate golden/ traces and manifest, print what changed")
    gold.add_argument("--golden", type=Path, default=golden.DEFAULT_GOLDEN, help="golden folder with cases/ (default: the checkout's)")
    gold.add_argument("--out", type=Path, help="write traces and manifest here instead (default: the golden folder)")
    gold.set_defaults(func=cmd_golden)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PyhhError as e:
        print(f"pyhh {args.command}: error: {e}", file=sys.stderr)
        return 2
