/*
 * case_file.mjs: spec §10.1 case files, read strictly, for node and the browser.
 *
 * Hand-written (not generated), as c/hh_trace.c's reader is. JSON.parse cannot
 * be used: it keeps the last of two equal keys, reads 5.0 and 5 alike, and
 * rounds 9007199254740993 to 2^53. So this is a small RFC 8259 parser of its
 * own that keeps each number's literal, and the mapping of a parsed file to the
 * case object that js/pyhh.mjs runs (whose check_case then applies §8.4).
 * Every error is a CaseFileError whose message names the key at fault.
 */

import { MAX_INTEGER, METHODS, MODES, PARAMETERS } from "./pyhh.mjs";

/* §10.1: a case file that cannot be read, or is not a valid case. */
export class CaseFileError extends Error {
    constructor(message) {
        super(message);
        this.name = "CaseFileError";
    }
}

/* A JSON number as written: its value, and whether its literal is an integer. */
class JsonNumber {
    constructor(text) {
        this.value = Number(text);
        this.integer = !/[.eE]/.test(text);
        const digits = text.replace(/^-/, "");
        /* an integer literal of magnitude above 2^53 cannot be read exactly (§10.1) */
        this.beyond_2_53 = this.integer && (digits.length > 16 || (digits.length === 16 && digits > String(MAX_INTEGER)));
    }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
/* §10.1: at most this many arrays and objects open at once (the top-level object counts);
   a valid case file needs 4. The parser recurses once per level. */
const MAX_DEPTH = 32;

/* A key as a message shows it, quoted, control characters as \u00XX, so that the
   message stays one line (spec §11.4). */
function shown(key) {
    const text = Array.from(key).slice(0, 60).join("");
    return "'" + text.replace(/[\u0000-\u001f\u007f]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")) + "'";
}

/* RFC 8259 JSON text -> values: objects as Maps (so a key such as __proto__ is only a
   key, and a key given twice is seen), numbers as JsonNumber. */
export function parse_json(text) {
    let pos = 0;
    const fail = (what) => {
        throw new CaseFileError(`not valid JSON: ${what} at character ${pos}`);
    };
    const space = () => {
        while (text[pos] === " " || text[pos] === "\t" || text[pos] === "\n" || text[pos] === "\r")
            pos++;
    };
    const string = () => {
        let out = "";
        pos++;
        for (;;) {
            const c = text[pos];
            if (c === undefined)
                fail("an unterminated string");
            if (c === '"')
                break;
            if (c < " ")
                fail("a control character inside a string");
            if (c !== "\\") {
                out += c;
                pos++;
                continue;
            }
            const e = text[pos + 1];
            if (e in ESCAPES) {
                out += ESCAPES[e];
                pos += 2;
            } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
                const unit = parseInt(text.slice(pos + 2, pos + 6), 16);
                pos += 6;
                if (unit === 0) /* spec §10.1: a C reader would end the string here */
                    fail("a \\u0000 (NUL) escape in a string");
                if (unit >= 0xDC00 && unit <= 0xDFFF)
                    fail("a lone low surrogate");
                if (unit >= 0xD800 && unit <= 0xDBFF) { /* a high surrogate needs its low one */
                    const low = /^\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(text.slice(pos, pos + 6));
                    if (!low)
                        fail("a lone high surrogate");
                    out += String.fromCharCode(unit, parseInt(text.slice(pos + 2, pos + 6), 16));
                    pos += 6;
                } else {
                    out += String.fromCharCode(unit);
                }
            } else {
                fail("a bad escape in a string");
            }
        }
        pos++;
        return out;
    };
    /* depth: the arrays and objects around this value */
    const value = (depth) => {
        space();
        const c = text[pos];
        if ((c === "{" || c === "[") && depth >= MAX_DEPTH)
            fail(`nested too deeply (more than ${MAX_DEPTH} arrays and objects open at once)`);
        if (c === "{" || c === "[") {
            const close = c === "{" ? "}" : "]";
            const out = c === "{" ? new Map() : [];
            pos++;
            space();
            if (text[pos] === close) {
                pos++;
                return out;
            }
            for (;;) {
                space();
                if (close === "}") {
                    if (text[pos] !== '"')
                        fail("expected a key");
                    const key = string();
                    if (out.has(key))
                        throw new CaseFileError(`duplicate key ${shown(key)}`);
                    space();
                    if (text[pos] !== ":")
                        fail("expected ':'");
                    pos++;
                    out.set(key, value(depth + 1));
                } else {
                    out.push(value(depth + 1));
                }
                space();
                if (text[pos] === ",") {
                    pos++;
                    continue;
                }
                if (text[pos] === close) {
                    pos++;
                    return out;
                }
                fail("expected ',' or a closing bracket");
            }
        }
        if (c === '"')
            return string();
        for (const [word, meaning] of [["true", true], ["false", false], ["null", null]])
            if (text.startsWith(word, pos)) {
                pos += word.length;
                return meaning;
            }
        NUMBER.lastIndex = pos;
        const match = NUMBER.exec(text);
        if (match === null || /[0-9.eE+-]/.test(text[pos + match[0].length] ?? ""))
            fail("a bad value");
        pos += match[0].length;
        return new JsonNumber(match[0]);
    };
    const result = value(0);
    space();
    if (pos !== text.length)
        fail("content after the value");
    return result;
}

/* §10.1: the most bytes a case file may have (256 MiB), in every reader: larger ones are
   refused unread. Half of what V8 can hold as one string (2^29 - 24 UTF-16 units). */
export const MAX_CASE_FILE_BYTES = 2 ** 28;

/* The message that refuses a case file of `size` bytes. */
export function too_large(size) {
    return `cannot read the case file: ${size} bytes, more than the ${MAX_CASE_FILE_BYTES} (256 MiB) a case file may have`;
}

/* §10.1: the bytes of a case file as text: UTF-8 without a byte-order mark, no NUL. */
export function decode_case_bytes(bytes) {
    if (bytes.length > MAX_CASE_FILE_BYTES)
        throw new CaseFileError(too_large(bytes.length));
    let text;
    try {
        text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (error) {
        if (error?.code !== "ERR_ENCODING_INVALID_ENCODED_DATA" && error?.name !== "TypeError")
            throw new CaseFileError(too_large(bytes.length)); /* more than one string can hold */
        throw new CaseFileError("not UTF-8; a case file is UTF-8 JSON");
    }
    if (text.startsWith("\uFEFF"))
        throw new CaseFileError("not valid JSON: it starts with a byte-order mark");
    if (text.includes("\0"))
        throw new CaseFileError("not valid JSON: a NUL byte");
    return text;
}

const TYPE_NAMES = {
    string: "a string", number: "a number", integer: "an integer", object: "an object", array: "an array",
    boolean: "true or false",
};

/* The value of `key` if it has the JSON type `type` (§10.1), as a JavaScript value. */
function typed(key, v, type) {
    const ok = type === "string" ? typeof v === "string"
        : type === "boolean" ? typeof v === "boolean"
        : type === "object" ? v instanceof Map
        : type === "array" ? Array.isArray(v)
        : v instanceof JsonNumber && (type === "number" || v.integer);
    if (!ok)
        throw new CaseFileError(`'${key}' must be ${TYPE_NAMES[type]}`);
    if (v instanceof JsonNumber) {
        if (v.beyond_2_53)
            throw new CaseFileError(`'${key}' is an integer larger than 2^53 (in a number field, write it with an exponent)`);
        if (!Number.isFinite(v.value))
            throw new CaseFileError(`'${key}' is beyond the largest double: it must be finite`);
        return v.value;
    }
    return v;
}

/* Every key of `obj` is one of `keys` (name -> type); the required ones are present. */
function fields(where, obj, keys, required = []) {
    for (const key of obj.keys())
        if (!Object.hasOwn(keys, key))
            throw new CaseFileError(`${where}unknown key ${shown(key)}; the keys are ${Object.keys(keys).join(", ")}`);
    for (const key of required)
        if (!obj.has(key))
            throw new CaseFileError(`${where}missing key '${key}'`);
    const out = {};
    for (const [key, v] of obj)
        out[key] = typed(key, v, keys[key]);
    return out;
}

const CASE_KEYS = {
    name: "string", description: "string", method: "string", dt: "number", steps: "integer",
    record_every: "integer", temperature: "number", V0: "number", parameters: "object", mode: "string",
    stimulus: "object", spike_threshold: "number",
};
const PULSE_KEYS = { start: "integer", stop: "integer", amplitude: "number" };

/* §10.1: a case file's parameters, each a number naming a parameter of the model. */
function parameters_from_json(parameters) {
    const types = Object.fromEntries(Object.keys(PARAMETERS).map((name) => [name, "number"]));
    return fields("parameters: ", parameters, types);
}

/* §10.1: a case file's pulses, each an object with exactly `keys` (name -> type). */
function pulses_from_json(pulses, keys) {
    return pulses.map((pulse, j) => {
        if (!(pulse instanceof Map)) /* an item has no key of its own: the array's is named (§10.1) */
            throw new CaseFileError(`stimulus: 'pulses' must hold objects, but item ${j} is not one`);
        return fields(`stimulus.pulses[${j}]: `, pulse, keys, Object.keys(keys));
    });
}

/* §10.1: a parsed case file as the case object of js/pyhh.mjs (checked by its check_case). */
export function case_from_json(root) {
    if (!(root instanceof Map))
        throw new CaseFileError("a case file must hold a JSON object");
    const c = fields("", root, CASE_KEYS, ["name", "method", "dt", "steps"]);
    if (!METHODS.includes(c.method))
        throw new CaseFileError(`unknown method '${c.method}'; the methods are ${METHODS.join(", ")}`);
    if (c.mode !== undefined && !MODES.includes(c.mode))
        throw new CaseFileError(`unknown mode '${c.mode}'; the modes are ${MODES.join(", ")}`);
    if (c.parameters !== undefined)
        c.parameters = parameters_from_json(c.parameters);
    if (c.stimulus !== undefined) {
        const stimulus = fields("stimulus: ", c.stimulus, { pulses: "array", waveform: "array" });
        if (stimulus.pulses !== undefined)
            stimulus.pulses = pulses_from_json(stimulus.pulses, PULSE_KEYS);
        if (stimulus.waveform !== undefined)
            stimulus.waveform = stimulus.waveform.map((value) => typed("waveform", value, "number"));
        c.stimulus = stimulus;
    }
    return c;
}

/* §13.10: the keys of a cable case file and of its pulses. */
const CABLE_KEYS = {
    name: "string", description: "string", model: "string", dt: "number", steps: "integer", record_every: "integer",
    temperature: "number", V0: "number", parameters: "object", radius: "number", R_i: "number", length: "number",
    nseg: "integer", sites: "array", stimulus: "object", spike_threshold: "number", record_gates: "boolean",
};
const CABLE_PULSE_KEYS = { node: "integer", start: "integer", stop: "integer", amplitude: "number" };

/* §13.10: a parsed cable case file as the case object of js/cable.mjs (checked by its
   check_cable_case); its `model` is "cable". */
export function cable_case_from_json(root) {
    if (!(root instanceof Map))
        throw new CaseFileError("a case file must hold a JSON object");
    const c = fields("", root, CABLE_KEYS, ["name", "model", "dt", "steps", "sites"]);
    if (c.model !== "cable")
        throw new CaseFileError(`'model' must be 'cable', got ${shown(c.model)}`);
    c.sites = c.sites.map((site) => typed("sites", site, "integer"));
    if (c.parameters !== undefined)
        c.parameters = parameters_from_json(c.parameters);
    if (c.stimulus !== undefined) {
        const stimulus = fields("stimulus: ", c.stimulus, { pulses: "array" });
        stimulus.pulses = pulses_from_json(stimulus.pulses ?? [], CABLE_PULSE_KEYS);
        c.stimulus = stimulus;
    }
    return c;
}

/* §13.10: a cable case file is one with a `model` key, or with `sites` and no `method` (its model
   missing, which the cable reader names); every other is a patch case file (§10.1). */
export function is_cable_json(root) {
    return root instanceof Map && (root.has("model") || (root.has("sites") && !root.has("method")));
}

/* §10.1, §13.10: the bytes of a case file as a case object: a cable's (its model "cable") or a patch's. */
export function read_case_bytes(bytes) {
    const root = parse_json(decode_case_bytes(bytes));
    return is_cable_json(root) ? cable_case_from_json(root) : case_from_json(root);
}
