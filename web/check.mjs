/*
 * check.mjs: what the page refuses before it runs anything, with a message
 * naming the control (its key in the URL). The URL and the form go through the
 * same checks: a choice must be one of its list (an array's includes, so that
 * __proto__, toString or constructor, found on any plain object, are not), a
 * number must be finite, k a step of the run, and the run small enough to
 * compute and draw in about a second. The ranges of the model's values are
 * js/pyhh.mjs's own check (check_case), run on every case before any step.
 */

import { InvalidInputError, METHODS, MODES } from "../js/pyhh.mjs";
import { DEFAULTS, PRESETS } from "./presets.mjs";

/* The views, in index.html's order. */
export const VIEWS = Object.freeze(["single", "family", "methods", "axon"]);

/* The most steps the page runs for one figure (every run of a family or of the
   methods view counted), so that a figure it accepts is computed and drawn in
   about a second. Measured in headless Chromium (tests/web_browser.py; 2 cores
   shared with other jobs) at 500,000 steps: rk4, the slowest method, 2.2 µs a
   step; staggered_cn 1.0 µs; drawing 0.75 µs a recorded row (every = 1); the
   step panel's rerun to its step k 2.1 µs a step (rk4). The worst single run,
   rk4 with every = 1 and k its last step, is thus about 5 µs a step, 200,000
   steps about a second; the default method at every = 1 and k = 0, about 0.35 s.
   tests/test_web.py runs the worst case at this limit and prints its time. */
export const MAX_STEPS = 200_000;

const shown = (value) => typeof value === "string" ? JSON.stringify(value) : String(value);

function check_choice(key, value, choices, plural) {
    if (!choices.includes(value))
        throw new InvalidInputError(`unknown ${key} ${shown(value)}; the ${plural} are ${choices.join(", ")}`);
}

/* Every key of the state as its control allows: a choice from its list, a finite number,
   0 or 1 for a switch. */
export function check_keys(state) {
    check_choice("preset", state.preset, Object.keys(PRESETS), "presets");
    check_choice("view", state.view, VIEWS, "views");
    check_choice("method", state.method, METHODS, "methods");
    check_choice("mode", state.mode, MODES, "modes");
    for (const [key, value] of Object.entries(DEFAULTS))
        if (typeof value === "number" && !Number.isFinite(state[key]))
            throw new InvalidInputError(`${key} = ${shown(state[key])} is not a finite number`);
    for (const key of ["abs", "full"])
        if (state[key] !== 0 && state[key] !== 1)
            throw new InvalidInputError(`${key} = ${shown(state[key])} must be 0 or 1 (a switch)`);
}

/* The figure's runs, `runs` of `steps` steps each, within MAX_STEPS. */
export function check_budget(state, steps, runs, what) {
    if (steps * runs <= MAX_STEPS)
        return;
    const total = runs === 1 ? "" : `, ${steps * runs} for ${runs} ${what}`;
    throw new InvalidInputError(`T = ${state.T} ms at dt = ${state.dt} ms is ${steps} steps${total}; `
                                + `the page runs at most ${MAX_STEPS} steps (about a second)`);
}

/* The most node-steps (steps times the nseg + 2 nodes of spec §13.3) the axon view runs for one
   figure. Measured with node 20 (V8, the engine of Chromium) on js/cable.mjs: about 4.5 µs a
   node-step (100 segments, 4,000 steps), so 200,000 node-steps is about a second. */
export const MAX_NODE_STEPS = 200_000;

/* The axon's run, `steps` steps of nseg + 2 nodes, within MAX_NODE_STEPS. */
export function check_cable_budget(state, steps) {
    const work = steps * (state.nseg + 2);
    if (work <= MAX_NODE_STEPS)
        return;
    throw new InvalidInputError(`nseg = ${state.nseg} segments (${state.nseg + 2} nodes) for T = ${state.T} ms at dt = ${state.dt} ms `
                                + `is ${work} node-steps; the page runs at most ${MAX_NODE_STEPS} (about a second)`);
}

/* The step panel's step k: a whole number, a step of the run (0 to steps − 1). */
export function check_step(k, steps) {
    if (!Number.isInteger(k) || k < 0 || k > steps - 1)
        throw new InvalidInputError(`k = ${shown(k)} is not a step of the run; the steps are 0 to ${steps - 1}`);
}
