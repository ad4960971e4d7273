"""A structure-aware fuzzer for case files (issue 17): hypothesis writes JSON
text around the schema of spec §10.1 (every key, the right types and the
wrong ones, integers near 2^53, numbers in every spelling, strings with
every kind of escape, keys dropped, repeated or misspelt, bytes before and
after the object) and the readers must agree: Python's `pyhh trace`, C's
`hh_trace` and, in `make fuzz`, JavaScript's `node js/hh_trace.mjs` accept,
reject or stop the same file, and where they run, give the same trace (C's
equal to Python's; JavaScript's at the float64 level, V8's exp not being glibc's).

`make test` runs 150 examples; `make fuzz` 5,000 (HYPOTHESIS_PROFILE=fuzz, see conftest.py).
"""

from __future__ import annotations

import functools
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NODE, ROOT, python_reader, require_node
from pyhh.conformance.grading import compare
from pyhh.conformance.trace import parse_trace
from pyhh.reference.parameters import PARAMETER_TABLE

# ---- JSON text, token by token -------------------------------------------------

def mostly(valid, hostile, odds: int = 12):
    """`valid`, but one time in `odds` `hostile`: most files are then near-valid,
    with one or two things wrong, so that the readers' checks are all reached."""
    # hostile in the middle of the range: hypothesis favours the ends (0 and odds - 1)
    return st.integers(0, odds - 1).flatmap(lambda i: hostile if i == odds // 2 else valid)


#: White space: JSON's four; now and then characters that are not JSON white space.
SPACE = mostly(st.sampled_from(["", " ", "\n", "\t", "\r\n"]), st.sampled_from(["\x0b", "\x0c", "\u00a0"]), 40)


def integer_text(valid, largest_valid: bool = True):
    """An integer as JSON text: mostly from `valid`, else one near 2^53, a long one or a bad spelling.
    Without `largest_valid`, never 2^53 - 1 or 2^53 (as `steps`, they would be runs of years)."""
    near = [2**53 - 1, 2**53] if largest_valid else []
    hostile = st.sampled_from(near + [2**53 + 1, -(2**53) - 1, 10**20, 10**400, -1, 0]).map(str)
    return mostly(valid, hostile | st.sampled_from(["-0", "007", "1.0", "1e1", "1" + "0" * 30]))


def number_text(valid):
    """A number as JSON text: mostly from `valid`, else any double or a spelling JSON forbids."""
    hostile = st.floats(allow_nan=False, allow_infinity=False).map(repr) | st.sampled_from(
        ["1e309", "1e-400", "-0.0", ".5", "1.", "+1", "0x10", "NaN", "Infinity", "-Infinity", "1e", "01.5",
         "1E-2", "2.5e+1", "9007199254740993", "100000000000000000000"])
    return mostly(valid, hostile)


@functools.cache
def string_text(*words: str):
    """A string as JSON text (made once for each word list): one of `words`, now and then with its characters escaped
    (\\u0065 for e), or with a hostile escape or character."""
    def encode(word: str, escape: bool) -> str:
        body = word.replace("\\", "\\\\").replace('"', '\\"')
        return "".join(f"\\u{ord(ch):04x}" for ch in word) if escape and word.isascii() else body

    plain = st.builds(encode, mostly(st.sampled_from(words), st.text(max_size=6), 40), mostly(st.just(False), st.just(True), 6))
    hostile = st.sampled_from(["\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\x41", "\\u12", "\t", "\n",
                               "\\U0041", "\u00e9", "\\/", "\x7f"])
    return st.builds(lambda a, b: f'"{a}{b}"', plain, mostly(st.just(""), hostile, 40))


def array_text(items, max_size: int = 12):
    return st.lists(items, max_size=max_size).map(lambda values: "[" + ", ".join(values) + "]")


def object_text(members):
    """An object from (key text, value text) pairs."""
    return members.map(lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}")


ANY_SCALAR = st.sampled_from(["true", "false", "null", "[]", "{}", '"x"'])


@functools.cache
def value_of(kind: str, steps: int):
    """Mostly a value of the right kind, sometimes one of another type."""
    right = {
        "name": string_text("x", "case"),
        "description": string_text("", "a case"),
        "method": string_text("euler", "exp_euler", "rk4", "staggered_cn", "staggered_exp", "Euler", "heun"),
        "mode": string_text("current", "clamp", "voltage"),
        "dt": number_text(st.sampled_from(["0.01", "0.025", "0.1", "1e-3", "5"])),
        "steps": integer_text(st.just(str(steps)), largest_valid=False),
        "record_every": integer_text(st.sampled_from(["1", "2", "3", str(steps)])),
        "temperature": number_text(st.sampled_from(["6.3", "18.5", "-5", "40"])),
        "V0": number_text(st.sampled_from(["0", "-65", "10.5", "90"])),
        "spike_threshold": number_text(st.sampled_from(["50", "0", "-20"])),
        "parameters": object_text(st.lists(st.tuples(string_text(*PARAMETER_TABLE, "gK"),
                                                     number_text(st.sampled_from(["0", "1", "36", "120", "-77"]))),
                                           max_size=3, unique_by=lambda pair: pair[0])),
        "stimulus": stimulus_text(steps),
    }[kind]
    return mostly(right, ANY_SCALAR, 25)


@functools.cache
def stimulus_text(steps: int):
    """A "stimulus" object: pulses, a waveform, or both, each mostly well formed."""
    bound = integer_text(st.integers(0, steps + 2).map(str))
    amplitude = number_text(st.sampled_from(["0", "10", "-5", "1e3"]))
    pulse = st.tuples(bound, bound, amplitude).map(
        lambda p: f'{{"start": {p[0]}, "stop": {p[1]}, "amplitude": {p[2]}}}')
    pulse = mostly(pulse, object_text(st.lists(st.tuples(string_text("start", "stop", "amplitude", "width"),
                                                         amplitude), max_size=4)))
    even = st.sampled_from(["0", "1.5", "10"]).map(lambda value: "[" + ", ".join([value] * steps) + "]")
    drawn = st.lists(number_text(st.sampled_from(["0", "1.5", "10"])), min_size=steps - 1, max_size=steps + 1)
    waveform = mostly(even, drawn.map(lambda values: "[" + ", ".join(values) + "]"), 3)
    members = st.lists(st.sampled_from(["pulses", "waveform"]), unique=True, max_size=2).flatmap(
        lambda keys: st.tuples(*[st.tuples(string_text(k), array_text(pulse, 3) if k == "pulses" else waveform)
                                 for k in keys]))
    return mostly(object_text(members.map(list)), object_text(st.lists(st.tuples(string_text("pulse"), ANY_SCALAR),
                                                                       max_size=1)))


KEYS = ["name", "description", "method", "dt", "steps", "record_every", "temperature", "V0", "parameters", "mode",
        "stimulus", "spike_threshold"]
REQUIRED = ["name", "method", "dt", "steps"]
OPTIONAL = [key for key in KEYS if key not in REQUIRED]


@st.composite
def case_files(draw) -> bytes:
    """A case file's bytes: mostly near-valid, with one or two things wrong."""
    steps = draw(st.integers(1, 20))
    keys = REQUIRED + draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=5))
    keys = [k for k in keys if k not in REQUIRED or draw(st.integers(0, 30)) != 15]  # now and then one goes missing
    pairs = [(draw(string_text(key)), draw(value_of(key, steps))) for key in keys]
    if pairs and draw(st.integers(0, 14)) == 7:  # a key given twice
        pairs.append(draw(st.sampled_from(pairs)))
    if draw(st.integers(0, 14)) == 7:  # an unknown key
        pairs.insert(draw(st.integers(0, len(pairs))), (draw(string_text("dT", "step", "params")), "1"))
    text = "{" + ",".join(f"{draw(SPACE)}{k}{draw(SPACE)}:{draw(SPACE)}{v}{draw(SPACE)}" for k, v in pairs) + "}"
    text = draw(mostly(st.just(""), st.sampled_from(["\ufeff", "[", "x"]), 30)) + text + draw(
        mostly(st.sampled_from(["", "\n"]), st.sampled_from(["\x00", " x", "}", "{}", "]"]), 30))
    data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 29)) == 15:  # a byte that is not UTF-8
        where = draw(st.integers(0, len(data)))
        data = data[:where] + draw(st.sampled_from([b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\x80"])) + data[where:]
    return data


# ---- The two readers -------------------------------------------------------------

@pytest.fixture(scope="module")
def ports(c_programs) -> dict[str, list]:
    """The other readers' commands: C's hh_trace and the JavaScript port."""
    require_node()
    return {"C": [c_programs / "hh_trace"], "JavaScript": [NODE, ROOT / "js" / "hh_trace.mjs"]}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=case_files())
def test_the_readers_agree_on_generated_case_files(data, ports, tmp_path_factory):
    path = tmp_path_factory.mktemp("casefile") / "case.json"
    path.write_bytes(data)
    status, out, err = python_reader(path)
    assert "Traceback" not in err and status in (0, 2, 3), (status, err)
    for port, command in ports.items():
        done = subprocess.run([*command, path], capture_output=True, text=True, errors="replace", timeout=60)
        assert done.returncode == status, (f"Python: {status} {err.strip()!r}; "
                                           f"{port}: {done.returncode} {done.stderr.strip()!r}")
        if status == 0:
            level = compare(parse_trace(done.stdout), parse_trace(out), 50.0, spikes=False).level
            assert level == "exact" if port == "C" else level in ("exact", "float64"), (port, level)


def test_the_generator_reaches_every_outcome():
    """The fuzzer is only as good as its inputs: in 100 of them (the same 100 every
    run), some files must run and some be rejected."""
    seen = set()

    @settings(max_examples=100, database=None, derandomize=True)
    @given(data=case_files())
    def sample(data):
        seen.add(outcome_of(data))

    sample()
    assert {0, 2} <= seen, seen


def outcome_of(data: bytes) -> int:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.json"
        path.write_bytes(data)
        return python_reader(path)[0]
