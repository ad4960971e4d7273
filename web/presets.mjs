/*
 * presets.mjs: the page's state (every control, as the URL holds it) and the
 * classic experiments as changes to its defaults.
 */

import { CABLE_TEMPERATURE_DEFAULT, GEOMETRY } from "../js/cable.mjs";
import { DEFAULT_METHOD, DT_DEFAULT, PARAMETERS, SPIKE_THRESHOLD_DEFAULT, TEMPERATURE, V0_RANGE } from "../js/pyhh.mjs";

/* Every control's default. Times are in ms, pulse 1 and 2 as start, duration and
   amplitude (µA/cm², or mV above V0 in clamp mode; nA into an end of the axon in the axon view);
   a family varies pulse 1's amplitude. The axon (spec §13): nseg segments over length µm. */
export const DEFAULTS = Object.freeze({
    preset: "demo",
    view: "single",
    method: DEFAULT_METHOD,
    dt: DT_DEFAULT,
    T: 100,
    every: 1,
    mode: "current",
    temperature: TEMPERATURE.default,
    V0: V0_RANGE.default,
    theta: SPIKE_THRESHOLD_DEFAULT,
    ...Object.fromEntries(Object.entries(PARAMETERS).map(([name, p]) => [name, p.default])),
    p1s: 10, p1d: 80, p1a: 10,
    p2s: 0, p2d: 0, p2a: 0,
    ffrom: 0, fto: 10, fstep: 1,
    abs: 0,
    k: 0,
    full: 0,
    nseg: 100,
    length: GEOMETRY.length.default,
});

/* name -> { title, what the student should see, the controls it changes }. */
export const PRESETS = Object.freeze({
    demo: {
        title: "pyHH's demo",
        about: "10 µA/cm² from 10 to 90 ms: a train of action potentials (make demo draws the same run).",
        state: {},
    },
    repetitive: {
        title: "Repetitive firing",
        about: "A constant 10 µA/cm² for 200 ms: regular firing; lower the amplitude below about 6.3 to see it stop.",
        state: { T: 200, p1s: 0, p1d: 200, p1a: 10 },
    },
    threshold: {
        title: "Threshold",
        about: "1 ms pulses from 4 to 9 µA/cm²: the threshold lies between 6 and 7; below it the response decays, above it is a full spike.",
        state: { view: "family", T: 30, p1s: 5, p1d: 1, p1a: 7, ffrom: 4, fto: 9, fstep: 0.5 },
    },
    refractory: {
        title: "Refractoriness (paired pulses)",
        about: "Two 1 ms pulses of 15 µA/cm², 12 ms apart: the second fails. Move pulse 2 later (15 ms apart) and it fires.",
        state: { T: 50, p1s: 5, p1d: 1, p1a: 15, p2s: 17, p2d: 1, p2a: 15 },
    },
    anode_break: {
        title: "Anode break",
        about: "A hyperpolarising −10 µA/cm² from 5 to 25 ms: at its end the membrane fires (h has recovered, n has fallen).",
        state: { T: 60, p1s: 5, p1d: 20, p1a: -10 },
    },
    clamp_family: {
        title: "Voltage-clamp family and the I–V curve",
        about: "Clamp steps from −20 to 110 mV above rest for 20 ms: early inward sodium and late outward potassium currents, and the peak and steady-state I–V curves.",
        state: { view: "family", mode: "clamp", T: 30, p1s: 5, p1d: 20, p1a: 60, ffrom: -20, fto: 110, fstep: 10 },
    },
    methods: {
        title: "Methods at a large dt",
        about: "All five methods at dt = 0.1 ms under 10 µA/cm²: euler and rk4 leave the finite range, the bounded methods do not (spec §7.6).",
        state: { view: "methods", dt: 0.1 },
    },
    axon: {
        title: "The propagated action potential (axon)",
        about: "HH 1952, Part III: 10,000 nA into one end of a 5 cm axon (radius 238 µm) for 0.2 ms at 18.5 °C: "
            + "the action potential travels along it at about 18.7 m/s (spec §13). Pulse 2 goes into the other end: "
            + "give it 10,000 nA from 0 ms and the two waves meet and annihilate.",
        state: { view: "axon", temperature: CABLE_TEMPERATURE_DEFAULT, dt: 0.01, T: 4, p1s: 0, p1d: 0.2, p1a: 10000 },
    },
});

/* The state of a preset: the defaults with its changes. */
export function preset_state(name) {
    return { ...DEFAULTS, ...PRESETS[name].state, preset: name };
}

/* The state in a URL fragment: only what differs from the preset's own state. */
export function state_to_hash(state) {
    const base = preset_state(Object.hasOwn(PRESETS, state.preset) ? state.preset : "demo");
    const pairs = [["preset", state.preset]];
    for (const [key, value] of Object.entries(state))
        if (key !== "preset" && value !== base[key])
            pairs.push([key, value]);
    return "#" + pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join("&");
}

/* The state a URL fragment describes, read as the form reads its controls: numbers as
   numbers (an empty value is NaN), the rest as text; unknown keys (own keys of DEFAULTS
   only: not __proto__ or toString) are ignored. An unknown preset keeps its name on the
   demo's state, for web/check.mjs to refuse as it refuses every other value. */
export function state_from_hash(hash) {
    const pairs = new URLSearchParams(hash.replace(/^#/, ""));
    const name = pairs.get("preset") ?? "demo";
    const state = { ...preset_state(Object.hasOwn(PRESETS, name) ? name : "demo"), preset: name };
    for (const [key, value] of pairs)
        if (Object.hasOwn(DEFAULTS, key) && key !== "preset")
            state[key] = typeof DEFAULTS[key] === "number" ? (value.trim() === "" ? NaN : Number(value)) : value;
    return state;
}
