/*
 * trace.mjs: spec §10.2, a run's rows as trace CSV text, for js/hh_trace.mjs and
 * the page's download. Hand-written (not generated).
 */

import { COLUMNS } from "./pyhh.mjs";

/* The header and one line per row of a result of run(); String(x) is JavaScript's
   shortest text that reads back as the same double, a JSON number for a finite x. */
export function trace_text(result) {
    const width = COLUMNS.length;
    const lines = [COLUMNS.join(",")];
    for (let i = 0; i < result.n_rows; i++)
        lines.push(Array.from(result.rows.subarray(i * width, (i + 1) * width), String).join(","));
    return lines.join("\n") + "\n";
}
