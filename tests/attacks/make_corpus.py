"""Write the attack corpus of hostile case files: tests/attacks/cases/ and its
index tests/attacks/cases.json. Run it after changing the list below;
tests/test_attacks.py checks that the committed files are what it writes and
feeds every file to both readers (Python's and C's hh_trace, plain and under
the sanitizers).

Each entry: the file's bytes, what both readers must do with it ("reject":
exit 2; "unstable": exit 3; "accept": exit 0, the same trace), the key the
message must name (None for a JSON-level error), and the row of issue 17 it
comes from (None for "more of the same kind").

Unlike golden/invalid (the rules every port must follow, spec §11.5), this
corpus holds the inputs an attacker tried and the extremes near them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: A valid prefix: add keys after it, then close the object.
BASE = b'{"name": "x", "method": "euler", "dt": 0.01, "steps": 10'
BIG = b"9007199254740993"  # 2^53 + 1: not exactly a double


def case(rest: bytes = b"") -> bytes:
    """BASE with `rest` appended inside the object."""
    return BASE + rest + b"}"


def with_key(key: bytes, value: bytes) -> bytes:
    return case(b", " + key + b": " + value)


def pulse(start: bytes = b"0", stop: bytes = b"5", amplitude: bytes = b"10") -> bytes:
    return with_key(b'"stimulus"', b'{"pulses": [{"start": ' + start + b', "stop": ' + stop
                    + b', "amplitude": ' + amplitude + b"}]}")


def waveform(values: bytes, steps: int = 1) -> bytes:
    return (b'{"name": "x", "method": "euler", "dt": 0.01, "steps": ' + str(steps).encode()
            + b', "record_every": ' + str(steps).encode() + b', "stimulus": {"waveform": [' + values + b"]}}")


def minimal(**fields: bytes) -> bytes:
    """The four required keys, any of them replaced by raw JSON text."""
    values = {"name": b'"x"', "method": b'"euler"', "dt": b"0.01", "steps": b"10"} | fields
    return b"{" + b", ".join(b'"' + k.encode() + b'": ' + v for k, v in values.items()) + b"}"


REJECT, ACCEPT, UNSTABLE = "reject", "accept", "unstable"

#: name -> (bytes, expect, key named or None, issue 17 row or None)
CORPUS: dict[str, tuple[bytes, str, str | None, int | None]] = {
    # Row 6: files that gave the Python reader a traceback.
    "latin1_byte": (with_key(b'"description"', b'"caf\xe9"'), REJECT, None, 6),
    "utf16_with_bom": ('{"name": "x"}'.encode("utf-16"), REJECT, None, 6),
    "utf16_without_bom": ('{"name": "x"}'.encode("utf-16-le"), REJECT, None, 6),
    "utf32": ('{"name": "x"}'.encode("utf-32"), REJECT, None, 6),
    "steps_of_5000_digits": (minimal(steps=b"9" * 5000), REJECT, None, 6),
    "dt_of_5000_digits": (minimal(dt=b"1" + b"0" * 4999), REJECT, None, 6),
    "arrays_100000_deep": (b"[" * 100000 + b"]" * 100000, REJECT, None, 6),
    "objects_100000_deep": (b'{"a": ' * 100000 + b"1" + b"}" * 100000, REJECT, None, 6),
    "stimulus_100000_deep": (with_key(b'"stimulus"', b"[" * 100000 + b"]" * 100000), REJECT, None, 6),
    "empty_file": (b"", REJECT, None, None),
    "white_space_only": (b" \n\t\r\n", REJECT, None, None),
    # Row 9: the 14 files on which the readers disagreed, and their neighbours.
    "dt_integer_1e20": (minimal(dt=b"100000000000000000000"), REJECT, "dt", 9),
    "spike_threshold_integer_above_2_53": (with_key(b'"spike_threshold"', BIG), REJECT, "spike_threshold", 9),
    "waveform_integer_above_2_53": (waveform(BIG), REJECT, "waveform", 9),
    "amplitude_integer_above_2_53": (pulse(amplitude=BIG), REJECT, "amplitude", 9),
    "steps_2_53_plus_1": (minimal(steps=BIG), REJECT, "steps", 9),
    "pulse_stop_2_53_plus_1": (pulse(stop=BIG), REJECT, "stop", 9),
    "temperature_integer_above_2_53": (with_key(b'"temperature"', BIG), REJECT, "temperature", None),
    "V0_negative_integer_above_2_53": (with_key(b'"V0"', b"-" + BIG), REJECT, "V0", None),
    "parameter_integer_above_2_53": (with_key(b'"parameters"', b'{"g_K": ' + BIG + b"}"), REJECT, "g_K", None),
    "nul_byte_after_object": (case() + b"\x00", REJECT, None, 9),
    "nul_byte_inside_string": (with_key(b'"description"', b'"a\x00b"'), REJECT, None, None),
    "raw_tab_in_string": (with_key(b'"description"', b'"a\tb"'), REJECT, None, 9),
    "raw_newline_in_string": (with_key(b'"description"', b'"a\nb"'), REJECT, None, 9),
    "escape_x": (with_key(b'"description"', b'"\\x41"'), REJECT, None, 9),
    "escape_u_two_digits": (with_key(b'"description"', b'"\\u12"'), REJECT, None, 9),
    "escape_u_not_hex": (with_key(b'"description"', b'"\\u00G1"'), REJECT, None, None),
    "escape_capital_u": (with_key(b'"description"', b'"\\U0041"'), REJECT, None, None),
    "utf8_overlong_nul": (with_key(b'"description"', b'"\xc0\x80"'), REJECT, None, 9),
    "utf8_encoded_surrogate": (with_key(b'"description"', b'"\xed\xa0\x80"'), REJECT, None, 9),
    "utf8_above_u10ffff": (with_key(b'"description"', b'"\xf4\x90\x80\x80"'), REJECT, None, 9),
    "utf8_truncated": (with_key(b'"description"', b'"\xe2\x82"'), REJECT, None, 9),
    "utf8_lone_continuation": (with_key(b'"description"', b'"\x80"'), REJECT, None, 9),
    "waveform_null": (with_key(b'"stimulus"', b'{"waveform": null}'), REJECT, "waveform", 9),
    "method_escaped": (minimal(method=b'"\\u0065uler"'), ACCEPT, None, 9),
    "key_escaped": (b'{"name": "x", "method": "euler", "\\u0064t": 0.01, "steps": 10}', ACCEPT, None, 9),
    # Found while building this corpus: a \u0000 escape or a lone surrogate.
    "nul_escape_ending_a_key": (b'{"name": "x", "method": "euler", "dt": 0.01, "steps\\u0000": 10}', REJECT, None, None),
    "nul_escape_in_a_method": (minimal(method=b'"euler\\u0000rk4"'), REJECT, None, None),
    "nul_escape_in_a_parameter_name": (with_key(b'"parameters"', b'{"g_K\\u0000": 30}'), REJECT, None, None),
    "nul_escape_in_a_description": (with_key(b'"description"', b'"a\\u0000b"'), REJECT, None, None),
    "lone_high_surrogate": (with_key(b'"description"', b'"\\ud800"'), REJECT, None, None),
    "lone_low_surrogate": (with_key(b'"description"', b'"\\udc00x"'), REJECT, None, None),
    "high_surrogate_then_high": (with_key(b'"description"', b'"\\ud800\\ud800"'), REJECT, None, None),
    "surrogate_pair": (with_key(b'"description"', b'"\\ud83d\\ude00"'), ACCEPT, None, None),
    "duplicate_key_through_an_escape": (case(b', "st\\u0065ps": 11'), REJECT, None, None),
    # JSON that is not RFC 8259.
    "plus_sign": (minimal(dt=b"+0.01"), REJECT, None, None),
    "bare_fraction": (minimal(dt=b".01"), REJECT, None, None),
    "trailing_dot": (minimal(dt=b"1."), REJECT, None, None),
    "hex_number": (minimal(dt=b"0x1"), REJECT, None, None),
    "trailing_comma": (BASE + b",}", REJECT, None, None),
    "comment_after": (case() + b" // x", REJECT, None, None),
    "single_quotes": (b"{'name': 'x'}", REJECT, None, None),
    "form_feed_after": (case() + b"\x0c", REJECT, None, None),
    "no_break_space_after": (case() + b"\xc2\xa0", REJECT, None, None),
    "vertical_tab_after": (case() + b"\x0b", REJECT, None, None),
    "crlf_after": (case() + b"\r\n", ACCEPT, None, None),
    "capital_exponent": (minimal(dt=b"1E-2"), ACCEPT, None, None),
    "escaped_slash": (with_key(b'"description"', b'"a\\/b"'), ACCEPT, None, None),
    "delete_character": (with_key(b'"description"', b'"\x7f"'), ACCEPT, None, None),
    # Numbers at the edges of the double range (rows 1 and 13, in a case file).
    "dt_beyond_the_largest_double": (minimal(dt=b"1e999999999999999999999"), REJECT, "dt", 13),
    "dt_of_400_digits_and_a_fraction": (minimal(dt=b"1" + b"0" * 400 + b".0"), REJECT, "dt", 13),
    "dt_underflows_to_zero": (minimal(dt=b"1e-99999999999999999999"), REJECT, "dt", None),
    "dt_5000_zeros_then_1": (minimal(dt=b"0." + b"0" * 5000 + b"1"), REJECT, "dt", None),
    "dt_minus_zero": (minimal(dt=b"-0.0"), REJECT, "dt", None),
    "dt_1e308_one_step": (minimal(dt=b"1e308", steps=b"1"), ACCEPT, None, 1),  # state 1 finite, not recorded
    "dt_1e308_two_steps": (minimal(dt=b"1e308", steps=b"2"), REJECT, "dt", 1),  # t_2 = 2e308 is not finite (§8.4)
    "steps_minus_zero": (minimal(steps=b"-0"), REJECT, "steps", None),
    "steps_with_an_exponent": (minimal(steps=b"1e1"), REJECT, "steps", None),
    "record_every_2_53": (with_key(b'"record_every"', b"9007199254740992"), REJECT, "record_every", None),
    "V0_2_53": (with_key(b'"V0"', b"9007199254740992"), REJECT, "V0", None),
    "amplitude_1e308": (pulse(amplitude=b"1e308"), UNSTABLE, None, None),
    # Types (row 14, in a case file).
    "steps_true": (minimal(steps=b"true"), REJECT, "steps", 14),
    "name_null": (minimal(name=b"null"), REJECT, "name", None),
    "parameters_null": (with_key(b'"parameters"', b"null"), REJECT, "parameters", None),
    "stimulus_null": (with_key(b'"stimulus"', b"null"), REJECT, "stimulus", None),
    "pulses_null": (with_key(b'"stimulus"', b'{"pulses": null}'), REJECT, "pulses", None),
    "waveform_of_strings": (waveform(b'"1"'), REJECT, "waveform", 14),
    "waveform_of_booleans": (waveform(b"true"), REJECT, "waveform", 14),
    "waveform_nested": (waveform(b"[1]"), REJECT, "waveform", None),
    "method_capitalised": (minimal(method=b'"Euler"'), REJECT, "method", None),
    "method_with_a_space": (minimal(method=b'"euler "'), REJECT, "method", None),
    "empty_pulses": (with_key(b'"stimulus"', b'{"pulses": []}'), ACCEPT, None, None),
    "pulses_and_waveform": (waveform(b"1", steps=1)[:-2] + b', "pulses": [{"start": 0, "stop": 1, "amplitude": 1}]}}',
                            ACCEPT, None, None),
    "empty_name": (minimal(name=b'""'), ACCEPT, None, None),
    "pulse_after_the_run": (pulse(start=b"100", stop=b"200"), ACCEPT, None, None),
    # Row 12: a long waveform (read in linear time, even under the sanitizers).
    "waveform_of_80000_values": (waveform(b", ".join([b"1.0"] * 80000), steps=80000), ACCEPT, None, 12),
}


def index() -> dict:
    return {
        "description": "Hostile case files (tests/attacks/make_corpus.py): both readers must do `expect` "
                       "(reject: exit 2; unstable: exit 3; accept: exit 0 with the same trace), and a "
                       "rejection must name `names` when it is not null.",
        "cases": [{"name": name, "file": f"cases/{name}.json", "expect": expect, "names": names, "row": row}
                  for name, (_, expect, names, row) in CORPUS.items()],
    }


def files() -> dict[Path, bytes]:
    """Every file of the corpus, by path, with its bytes."""
    out = {HERE / "cases" / f"{name}.json": data for name, (data, *_) in CORPUS.items()}
    out[HERE / "cases.json"] = (json.dumps(index(), indent=1) + "\n").encode()
    return out


def main() -> int:
    (HERE / "cases").mkdir(exist_ok=True)
    for old in (HERE / "cases").glob("*.json"):
        old.unlink()
    for path, data in files().items():
        path.write_bytes(data)
    print(f"wrote {len(CORPUS)} case files and cases.json in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
