/*
 * trace.mjs: spec §10.2, a run's rows as trace CSV text, for js/hh_trace.mjs and
 * the page's download. Hand-written (not generated).
 */

import { COLUMNS } from "./pyhh.mjs";

/* The header and one line per row of a result of run(), as pieces of text of at
   most `rows` rows each, so that a long trace is written without ever being one
   string (V8's strings stop at 2^29 - 24 characters: 3 million rows or so);
   String(x) is JavaScript's shortest text that reads back as the same double, a
   JSON number for a finite x. A cable's result (js/cable.mjs) brings its own columns (§13.11). */
export function* trace_pieces(result, rows = 10000) {
    const columns = result.columns ?? COLUMNS;
    const width = columns.length;
    let lines = [columns.join(",")];
    for (let i = 0; i < result.n_rows; i++) {
        lines.push(Array.from(result.rows.subarray(i * width, (i + 1) * width), String).join(","));
        if (lines.length >= rows) {
            yield lines.join("\n") + "\n";
            lines = [];
        }
    }
    if (lines.length > 0)
        yield lines.join("\n") + "\n";
}

/* The whole trace as one string (the page's download). */
export function trace_text(result) {
    return Array.from(trace_pieces(result)).join("");
}
