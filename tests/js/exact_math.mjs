/*
 * exact_math.mjs: the JavaScript port's exp, expm1 (spec §4.1) and temperature
 * factor (§3.2) of every argument on standard input, for tests/test_exact_math.py:
 * the same line format as tests/c/exact_math.c (a letter, then a double's bits
 * as 16 hexadecimal digits), so that no decimal conversion stands between the
 * two sides.
 */
import { readFileSync } from "node:fs";

import { exp, expm1 } from "../../js/exact_math.mjs";
import { temperature_factor } from "../../js/pyhh.mjs";

const FUNCTIONS = { e: exp, m: expm1, p: temperature_factor };
const view = new DataView(new ArrayBuffer(8));
const out = [];
for (const line of readFileSync(0, "utf8").split("\n")) {
    if (line.trim() === "")
        continue;
    const [kind, text] = line.trim().split(/\s+/);
    view.setBigUint64(0, BigInt("0x" + text));
    view.setFloat64(0, FUNCTIONS[kind](view.getFloat64(0)));
    out.push(view.getBigUint64(0).toString(16).padStart(16, "0"));
}
process.stdout.write(out.join("\n") + "\n");
