/*
 * app.mjs: the page. Reads the controls (or the URL), runs js/pyhh.mjs, the
 * generated JavaScript port, and draws. No model code lives here: every
 * number on the page comes from the module node's js/hh_trace.mjs runs.
 */

import {
    COLUMNS, GATES, InvalidInputError, METHODS, NumericalInstabilityError, PARAMETERS, V_REST_ABSOLUTE, check_case, run,
    temperature_factor,
} from "../js/pyhh.mjs";
import { check_cable_case, node_position, run_cable, velocity } from "../js/cable.mjs";
import { METHOD_SECTIONS } from "../js/spec_methods.mjs";
import { trace_text } from "../js/trace.mjs";
import { number_text, time_text } from "./format.mjs";
import { render_markdown } from "./markdown.mjs";
import { COLORS, plot } from "./plot.mjs";
import { MAX_NODE_STEPS, MAX_STEPS, check_budget, check_cable_budget, check_keys, check_step } from "./check.mjs";
import { DEFAULTS, PRESETS, preset_state, state_from_hash, state_to_hash } from "./presets.mjs";
import { explain_step } from "./steps.mjs";

const $ = (id) => document.getElementById(id);
const column = (result, name) => {
    const j = COLUMNS.indexOf(name);
    const out = new Float64Array(result.n_rows);
    for (let i = 0; i < result.n_rows; i++)
        out[i] = result.rows[i * COLUMNS.length + j];
    return out;
};

/* §6.2: a time in ms as a step index, round(t / dt), refused off the dt grid. */
function to_step(name, t, dt) {
    const k = Math.round(t / dt);
    if (!Number.isFinite(t) || Math.abs(t / dt - k) > 1e-6)
        throw new InvalidInputError(`${name} = ${t} ms is not a whole number of steps of dt = ${dt} ms`);
    return k;
}

/* The case of js/pyhh.mjs that the state describes; `amplitude` replaces pulse 1's (a family). */
export function case_of(state, method = state.method, amplitude = state.p1a) {
    const pulses = [];
    for (const [j, start, duration, a] of [[1, state.p1s, state.p1d, amplitude], [2, state.p2s, state.p2d, state.p2a]])
        if (duration !== 0 && a !== 0) {
            const first = to_step(`pulse ${j} start`, start, state.dt);
            pulses.push({ start: first, stop: first + to_step(`pulse ${j} duration`, duration, state.dt), amplitude: a });
        }
    return {
        method,
        dt: state.dt,
        steps: to_step("duration", state.T, state.dt),
        record_every: state.every,
        temperature: state.temperature,
        V0: state.V0,
        mode: state.mode,
        spike_threshold: state.theta,
        parameters: Object.fromEntries(Object.keys(PARAMETERS).map((name) => [name, state[name]])),
        stimulus: { pulses },
    };
}

/* §13.9: the recording sites of the axon view: the centres at the ends, nearest L/4, L/2 and 3L/4
   (p and q of the velocity, Python's round: ties to even), each once, in order. */
const round_even = (x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));
export function axon_sites(nseg) {
    const round = round_even;
    return [...new Set([1, round(nseg / 4 + 0.5), round(nseg / 2 + 0.5), round(3 * nseg / 4 + 0.5), nseg])]
        .filter((j) => j >= 1 && j <= nseg).sort((a, b) => a - b);
}

/* The cable case of js/cable.mjs that the axon view's state describes (spec §13.10): pulse 1 into
   node 0 (the end at x = 0), pulse 2 into node nseg + 1 (the other end), both in nA. */
export function cable_case_of(state) {
    const nodes = [0, state.nseg + 1];
    const pulses = [];
    for (const [j, start, duration, a] of [[1, state.p1s, state.p1d, state.p1a], [2, state.p2s, state.p2d, state.p2a]])
        if (duration !== 0 && a !== 0) {
            const first = to_step(`pulse ${j} start`, start, state.dt);
            pulses.push({ node: nodes[j - 1], start: first, stop: first + to_step(`pulse ${j} duration`, duration, state.dt), amplitude: a });
        }
    return {
        name: "page", model: "cable", dt: state.dt, steps: to_step("duration", state.T, state.dt), record_every: state.every,
        temperature: state.temperature, V0: state.V0, spike_threshold: state.theta,
        parameters: Object.fromEntries(Object.keys(PARAMETERS).map((name) => [name, state[name]])),
        nseg: state.nseg, length: state.length, sites: Number.isInteger(state.nseg) ? axon_sites(state.nseg) : [1],
        stimulus: { pulses },
    };
}

/* The axon's run (js/cable.mjs), with V along the whole axon at SNAPSHOTS times for the
   profile plot: { result, profiles } or { error }. */
const SNAPSHOTS = 6;
function attempt_cable(c) {
    const steps = c.steps;
    const at = new Set(Array.from({ length: SNAPSHOTS }, (_, i) => Math.round((i + 1) * steps / (SNAPSHOTS + 1))));
    const profiles = [];
    try {
        const result = run_cable(c, (k, V) => {
            if (at.has(k))
                profiles.push({ k, V: Float64Array.from(V) });
        });
        return { result, profiles };
    } catch (error) {
        if (!(error instanceof NumericalInstabilityError))
            throw error;
        return { error };
    }
}

/* What went wrong, for the page: §8.3's step and its time t = k dt printed as a time
   (js/pyhh.mjs's message has the float64 product: t = 12.600000000000001 ms). */
function message_of(error, dt) {
    return error instanceof NumericalInstabilityError
        ? `the run left the finite range at step ${error.step} (t = ${time_text(error.step, dt)} ms)` : error.message;
}

/* A run that may leave the finite range: { result }, or { error, partial }: to draw, the
   rows before it failed (the run again, to the state before the one that failed). */
function attempt(c, observe) {
    try {
        return { result: run(c, observe) };
    } catch (error) {
        if (!(error instanceof NumericalInstabilityError))
            throw error;
        const steps = error.step - 1;
        if (steps < 1 || observe)
            return { error, partial: null };
        try {
            return { error, partial: run({ ...c, steps, record_every: Math.min(c.record_every, steps) }) };
        } catch {
            return { error, partial: null };
        }
    }
}

/* The amplitudes of a family: from, from + step, ... up to `to`. */
function family_amplitudes(state) {
    const out = [];
    if (!(state.fstep > 0))
        throw new InvalidInputError(`family step = ${state.fstep} must be greater than 0`);
    for (let i = 0; state.ffrom + i * state.fstep <= state.fto + 1e-9 && i < 100; i++)
        out.push(Number((state.ffrom + i * state.fstep).toPrecision(12)));
    return out;
}

/* The runs the state's view draws, each { label, amplitude, case } with its case checked (spec §8.4,
   js/pyhh.mjs's check_case), all within the page's budget, and k a step of them; before any step
   runs, a state the page refuses throws InvalidInputError naming the key (web/check.mjs). */
function planned_runs(state) {
    check_keys(state);
    if (state.view === "axon") {
        const c = cable_case_of(state);
        check_cable_case(c);
        check_cable_budget(state, c.steps);
        check_step(state.k, c.steps);
        return [{ label: "axon", case: c }];
    }
    const planned = state.view === "single" ? [{ label: state.method, case: case_of(state) }]
        : state.view === "methods" ? METHODS.map((m) => ({ label: m, case: case_of(state, m) }))
        : family_amplitudes(state).map((a) => ({ label: `${a}`, amplitude: a, case: case_of(state, state.method, a) }));
    for (const p of planned)
        check_case(p.case);
    const steps = planned[0].case.steps;
    check_budget(state, steps, planned.length, state.view === "methods" ? "methods" : "amplitudes");
    check_step(state.k, steps);
    return planned;
}

const page = { state: null, result: null, partial: null, runs: [], timings: { compute_ms: NaN, draw_ms: NaN }, error: "",
               refused: "", max_steps: MAX_STEPS, max_node_steps: MAX_NODE_STEPS, profiles: [] };
window.pyhhPage = page;

/* ---- the controls ---- */

const NUMBER_CONTROLS = ["dt", "T", "every", "temperature", "V0", "theta", ...Object.keys(PARAMETERS),
                         "p1s", "p1d", "p1a", "p2s", "p2d", "p2a", "ffrom", "fto", "fstep", "k", "nseg", "length"];

function build_controls() {
    $("preset").innerHTML = Object.entries(PRESETS).map(([name, p]) => `<option value="${name}">${p.title}</option>`).join("");
    $("method").innerHTML = METHODS.map((m) => `<option value="${m}">${m} (${METHOD_SECTIONS[m].section})</option>`).join("");
    $("parameters").innerHTML = Object.entries(PARAMETERS).map(([name, p]) =>
        `<label title="${p.doc}">${name} <input id="${name}" type="number" step="any" min="${p.min}" max="${p.max}"> <small>${p.unit}</small></label>`).join("");
    for (const id of [...NUMBER_CONTROLS, "method", "mode", "view"])
        $(id).addEventListener("input", () => changed());
    $("p1a-range").addEventListener("input", () => {
        $("p1a").value = $("p1a-range").value;
        changed();
    });
    $("abs").addEventListener("change", () => changed());
    $("full").addEventListener("change", () => changed(false));
    $("preset").addEventListener("change", () => show(preset_state($("preset").value)));
    $("k-range").addEventListener("input", () => {
        $("k").value = $("k-range").value;
        changed(false);
    });
    $("k-prev").addEventListener("click", () => move_step(-1));
    $("k-next").addEventListener("click", () => move_step(1));
    $("play").addEventListener("click", toggle_play);
    $("download").addEventListener("click", download);
    window.addEventListener("hashchange", () => {
        if (location.hash !== state_to_hash(page.state))
            show(state_from_hash(location.hash));
    });
    window.addEventListener("resize", () => draw());
}

function read_controls() {
    const state = { ...page.state };
    for (const id of NUMBER_CONTROLS)
        state[id] = $(id).value === "" ? NaN : Number($(id).value);
    for (const id of ["method", "mode", "view"])
        state[id] = $(id).value;
    state.abs = $("abs").checked ? 1 : 0;
    state.full = $("full").checked ? 1 : 0;
    return state;
}

function write_controls(state) {
    for (const id of NUMBER_CONTROLS)
        $(id).value = String(state[id]);
    for (const id of ["method", "mode", "view", "preset"])
        $(id).value = state[id];
    $("p1a-range").value = String(state.p1a);
    $("abs").checked = state.abs === 1;
    $("full").checked = state.full === 1;
    $("about").textContent = Object.hasOwn(PRESETS, state.preset) ? PRESETS[state.preset].about : "";
}

let pending = false;
let rerun = true;

/* A control moved: rerun (or only redraw the step panel) at the next frame. */
function changed(simulate = true) {
    rerun = rerun || simulate;
    if (pending)
        return;
    pending = true;
    requestAnimationFrame(() => {
        pending = false;
        update(read_controls(), rerun);
        rerun = false;
    });
}

function show(state) {
    write_controls(state);
    update(state, true);
}

/* ---- running and drawing ---- */

function update(state, simulate) {
    page.state = state;
    history.replaceState(null, "", state_to_hash(state));
    const t0 = performance.now();
    let planned = [];
    const refused_before = page.refused;
    try {
        planned = planned_runs(state);
        page.refused = "";
    } catch (error) {
        if (!(error instanceof InvalidInputError))
            throw error;
        page.refused = error.message;
    }
    /* a refused state (a step k beyond the run, too) draws nothing; the next accepted one reruns */
    simulate = simulate || page.refused !== "" || refused_before !== "";
    if (simulate) {
        page.error = page.refused;
        page.result = null;
        page.partial = null;
        page.runs = [];
        page.profiles = [];
        if (state.view === "axon" && planned.length === 1) {
            const outcome = attempt_cable(planned[0].case);
            page.result = outcome.result ?? null;
            page.profiles = outcome.profiles ?? [];
            page.error = outcome.error ? message_of(outcome.error, state.dt) : "";
        } else if (state.view === "single" && planned.length === 1) {
            const outcome = attempt(planned[0].case);
            page.result = outcome.result ?? null;
            page.partial = outcome.partial ?? null;
            page.error = outcome.error ? message_of(outcome.error, state.dt) : "";
        } else {
            page.runs = planned.map((p) => ({ label: p.label, amplitude: p.amplitude, ...attempt(p.case) }));
        }
    }
    const t1 = performance.now();
    draw();
    const t2 = performance.now();
    if (simulate)
        page.timings = { compute_ms: t1 - t0, draw_ms: t2 - t1 };
    $("error").textContent = page.error;
    $("timing").textContent = `${page.timings.compute_ms.toFixed(1)} ms to compute, ${page.timings.draw_ms.toFixed(1)} ms to draw`;
}

function time_axis(state) {
    return { xlabel: "t (ms)", xrange: [0, state.T], ordered: true };
}

function draw() {
    const state = page.state;
    document.body.dataset.view = state.view;
    const canvases = ["plot-V", "plot-stim", "plot-gates", "plot-currents", "plot-phase"].map($);
    if (state.view === "single")
        draw_single(state, ...canvases);
    else if (state.view === "axon")
        draw_axon(state, ...canvases);
    else
        draw_many(state, ...canvases);
    draw_steps(state);
}

function draw_single(state, cV, cStim, cGates, cCurrents, cPhase) {
    const r = page.result ?? page.partial;
    const k = Math.min(Math.max(0, state.k), Math.round(state.T / state.dt) - 1);
    const cursor = Number.isFinite(k * state.dt) ? k * state.dt : undefined;
    $("spike-count").textContent = page.result ? String(r.spikes.length) : "–";
    $("spike-times").textContent = r && r.spikes.length > 0 ? `at ${r.spikes.map((t) => t.toFixed(2)).join(", ")} ms` : "";
    if (!r) {
        for (const c of [cV, cStim, cGates, cCurrents, cPhase])
            plot(c, [], time_axis(state));
        return;
    }
    const t = column(r, "t");
    const V = column(r, "V");
    const shift = state.abs ? V_REST_ABSOLUTE : 0;
    const Vshown = shift ? V.map((v) => v + shift) : V;
    plot(cV, [{ x: t, y: Vshown, color: COLORS[0], label: state.mode === "clamp" ? "V (the command)" : "V" }], {
        ...time_axis(state), ylabel: state.abs ? "V (mV, absolute)" : "V (mV from rest)", cursor,
        y2: { shift: state.abs ? -V_REST_ABSOLUTE : V_REST_ABSOLUTE, label: state.abs ? "V (mV from rest)" : "V (mV, absolute)" },
        marks: r.spikes, hline: state.mode === "current" ? state.theta + shift : undefined,
    });
    plot(cStim, [{ x: t, y: column(r, "I_stim"), color: "#444", label: state.mode === "clamp" ? "I_clamp" : "I_stim" }], {
        ...time_axis(state), ylabel: `${state.mode === "clamp" ? "I_clamp" : "I_stim"} (µA/cm²)`, cursor,
    });
    plot(cGates, GATES.map((x, i) => ({ x: t, y: column(r, x), color: COLORS[i + 1], label: x })), {
        ...time_axis(state), ylabel: "gates (dimensionless)", yrange: [-0.02, 1.02], cursor,
    });
    const currents = COLUMNS.filter((c) => c.startsWith("I_") && c !== "I_stim");
    plot(cCurrents, currents.map((c, i) => ({ x: t, y: column(r, c), color: COLORS[i + 4], label: c })), {
        ...time_axis(state), ylabel: "I (µA/cm², outward +)", cursor,
    });
    const last = GATES[GATES.length - 1];
    plot(cPhase, [{ x: Vshown, y: column(r, last), color: COLORS[3], label: `${last} against V` }], {
        xlabel: state.abs ? "V (mV, absolute)" : "V (mV from rest)", ylabel: `${last} (dimensionless)`,
    });
}

/* The axon view (spec §13): V at the recording sites against t, and V along the axon at a few
   times, the action potential moving from left to right; the arrival times and the velocity. */
function draw_axon(state, cV, cStim) {
    const r = page.result;
    const shift = state.abs ? V_REST_ABSOLUTE : 0;
    const ylabel = state.abs ? "V (mV, absolute)" : "V (mV from rest)";
    if (!r) {
        plot(cV, [], time_axis(state));
        plot(cStim, [], { xlabel: "x (mm)", ylabel });
        $("spike-count").textContent = "–";
        $("spike-times").textContent = "";
        return;
    }
    const c = r.case;
    const mm = (j) => node_position(j, c.nseg, c.length) * 1e-3;
    const t = Float64Array.from({ length: r.n_rows }, (_, i) => r.rows[i * r.columns.length]);
    plot(cV, c.sites.map((j, s) => ({
        x: t, y: Float64Array.from({ length: r.n_rows }, (_, i) => r.rows[i * r.columns.length + 1 + s] + shift),
        color: COLORS[s % COLORS.length], label: `V at x = ${mm(j).toFixed(1)} mm`,
    })), { ...time_axis(state), ylabel, hline: state.theta + shift, marks: r.arrivals.flat() });
    const x = Float64Array.from({ length: c.nseg + 2 }, (_, j) => mm(j));
    plot(cStim, page.profiles.map((p, s) => ({
        x, y: p.V.map((v) => v + shift), color: COLORS[s % COLORS.length], label: `t = ${time_text(p.k, c.dt)} ms`,
    })), { xlabel: "x along the axon (mm)", ylabel, xrange: [0, c.length * 1e-3], ordered: true });
    const arrived = c.sites.map((j, s) => [j, r.arrivals[s][0]]).filter(([, a]) => a !== undefined);
    $("spike-count").textContent = `${arrived.length} of ${c.sites.length} sites reached`;
    const p = round_even(c.nseg / 4 + 0.5);
    const q = round_even(3 * c.nseg / 4 + 0.5);
    const tp = r.arrivals[c.sites.indexOf(p)]?.[0];
    const tq = r.arrivals[c.sites.indexOf(q)]?.[0];
    const v = tp !== undefined && tq !== undefined && q > p
        ? `; velocity ${velocity(node_position(p, c.nseg, c.length), tp, node_position(q, c.nseg, c.length), tq).toFixed(2)} m/s (§13.9)` : "";
    $("spike-times").textContent = `(first arrivals: ${arrived.map(([j, a]) => `${mm(j).toFixed(1)} mm at ${a.toFixed(3)} ms`).join(", ")})${v}`;
}

function draw_many(state, cV, cStim, cGates) {
    const ok = page.runs.filter((run) => run.result);
    const drawn = page.runs.filter((run) => run.result || run.partial);
    const clamp = state.mode === "clamp";
    const shift = state.abs ? V_REST_ABSOLUTE : 0;
    const command = state.abs ? "command V (mV, absolute)" : "command V (mV from rest)";
    const name_of = (run) => run.result === undefined ? `${run.label}: left the finite range at step ${run.error.step}`
        : state.view === "methods" ? `${run.label}: ${run.result.spikes.length} spikes`
        : `${run.label}${clamp ? " mV" : " µA/cm²"}`;
    const lines = (name, add = 0) => drawn.map((run) => {
        const r = run.result ?? run.partial;
        return { x: column(r, "t"), y: column(r, name).map((v) => v + add), label: name_of(run),
                 color: COLORS[page.runs.indexOf(run) % COLORS.length], width: run.result ? 1.5 : 2.5 };
    });
    const failed = page.runs.filter((run) => run.error).map((run) => `${run.label}: ${message_of(run.error, state.dt)}`);
    page.error = page.error || failed.join("; ");
    $("spike-count").textContent = clamp ? "none under clamp (§9)" : state.view === "methods" ? ok.map((run) => `${run.label} ${run.result.spikes.length}`).join(", ")
        : ok.map((run) => run.result.spikes.length).join(", ");
    $("spike-times").textContent = "";
    /* a run that blew up is drawn to where it left, off the scale of those that did not */
    const finished = (series) => series.filter((_, i) => drawn[i].result);
    const first = clamp ? lines("I_stim") : lines("V", shift);
    plot(cV, first, {
        ...time_axis(state), ylabel: clamp ? "I_clamp (µA/cm²)" : state.abs ? "V (mV, absolute)" : "V (mV from rest)",
        hline: clamp ? 0 : state.theta + shift, range_of: ok.length > 0 ? finished(first) : first,
    });
    const second = clamp ? lines("V", shift) : lines("I_stim");
    plot(cStim, second, {
        ...time_axis(state), ylabel: clamp ? command : "I_stim (µA/cm²)", legend: false,
        range_of: ok.length > 0 ? finished(second) : second,
    });
    if (state.view === "family" && clamp) {
        /* the I–V curves: the peak inward (or smallest) current over the step, and the current at its end */
        const V = [];
        const peak = [];
        const steady = [];
        for (const run of ok) {
            const t = column(run.result, "t");
            const I = column(run.result, "I_stim");
            let lo = Infinity;
            let end = NaN;
            for (let i = 0; i < t.length; i++)
                if (t[i] >= state.p1s && t[i] < state.p1s + state.p1d) {
                    lo = Math.min(lo, I[i]);
                    end = I[i];
                }
            V.push(state.V0 + run.amplitude + shift);
            peak.push(lo);
            steady.push(end);
        }
        plot(cGates, [{ x: V, y: peak, color: COLORS[1], label: "early (peak inward)", points: true },
                      { x: V, y: steady, color: COLORS[4], label: "late (end of the step)", points: true }],
             { xlabel: command, ylabel: "I (µA/cm², outward +)", hline: 0 });
    } else if (state.view === "family") {
        plot(cGates, [{ x: ok.map((run) => run.amplitude), y: ok.map((run) => run.result.spikes.length), color: COLORS[0],
                        label: "spikes", points: true }], { xlabel: "pulse 1 amplitude (µA/cm²)", ylabel: "spikes (count)", whole_y: true });
    }
}

/* ---- the step panel ---- */

function element(tag, text, className) {
    const node = document.createElement(tag);
    node.textContent = text;
    if (className)
        node.className = className;
    return node;
}

/* SPEC.md's text of the method (rendered, spec §7) and the numbers of step k, each with
   its unit, at a readable precision or (the "full precision" switch) every digit. */
function draw_steps(state) {
    const numbers = $("step-numbers");
    if (page.refused !== "" || state.view === "axon") { /* named above the plots; the axon has no step panel */
        $("spec-title").textContent = "";
        $("spec-text").replaceChildren();
        numbers.replaceChildren();
        return;
    }
    const steps = Math.round(state.T / state.dt);
    const k = Math.min(Math.max(0, Math.round(state.k)), Math.max(0, steps - 1));
    $("k-range").max = String(Math.max(0, steps - 1));
    $("k-range").value = String(k);
    const section = METHOD_SECTIONS[state.method];
    $("spec-title").textContent = `${section.section} ${state.method}: ${section.title}`;
    $("spec-text").replaceChildren(render_markdown(section.text));
    let c;
    let run_case;
    try {
        c = case_of(state);
        run_case = check_case(c);
    } catch (error) { /* an input the spec rejects, named above the plots */
        if (!(error instanceof InvalidInputError))
            throw error;
        numbers.replaceChildren();
        return;
    }
    let seen = null;
    attempt({ ...c, steps: k + 1, record_every: 1 }, (j, z, z_before, u) => {
        if (j === k)
            seen = { z, z_before, u };
    });
    if (seen === null) {
        numbers.replaceChildren(element("p", `The run left the finite range before step ${k}.`));
        return;
    }
    const phi = temperature_factor(run_case.temperature);
    const groups = explain_step(state.method, seen.z, seen.z_before, seen.u, run_case.params,
                                phi, run_case.dt, run_case.mode === "clamp");
    const full = state.full === 1;
    const head = element("p", `Step k = ${k}, from t_k = ${time_text(k, run_case.dt)} ms to t_(k+1) = ${time_text(k + 1, run_case.dt)} ms`
                              + ` (dt = ${run_case.dt} ms); phi = ${number_text(phi, full)} (§3.2, dimensionless)`);
    numbers.replaceChildren(head);
    for (const group of groups) {
        const table = element("table", "");
        for (const [name, value, unit] of group.lines) {
            const row = table.insertRow();
            row.append(element("td", name), element("td", number_text(value, full), "value"), element("td", unit, "unit"));
        }
        numbers.append(element("h4", group.title), table);
    }
}

function move_step(by) {
    const last = Math.round(page.state.T / page.state.dt) - 1;
    $("k").value = String(Math.min(Math.max(0, Number($("k").value) + by), Math.max(0, last)));
    changed(false);
}

let playing = null;

/* Play moves the step through the run (a cursor on the plots); pause stops it on a step. */
function toggle_play() {
    if (playing !== null) {
        clearInterval(playing);
        playing = null;
        $("play").textContent = "play";
        return;
    }
    $("play").textContent = "pause";
    const stride = Math.max(1, Math.round(0.1 / page.state.dt));
    playing = setInterval(() => {
        if (page.refused !== "")
            return;
        const steps = Math.round(page.state.T / page.state.dt);
        $("k").value = String((Number($("k").value) + stride) % steps);
        changed(false);
    }, 40);
}

/* ---- the trace as CSV (spec §10.2, the golden trace format) ---- */

page.csv = () => (page.result ? trace_text(page.result) : "");

function download() {
    const text = page.csv();
    if (!text)
        return;
    const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    $("download").href = url;
    $("download").download = `pyhh_${page.state.preset}_${page.state.method}.csv`;
    setTimeout(() => URL.revokeObjectURL(url), 1000);
}

build_controls();
show(location.hash ? state_from_hash(location.hash) : preset_state(DEFAULTS.preset));
page.ready = true;
