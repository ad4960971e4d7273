/*
 * cable.mjs: spec §13, the uniform unbranched axon (cable), step by step.
 *
 * Hand-written (not generated), following python/pyhh/reference/cable.py function
 * by function and in the same operation order, so that it computes the same
 * doubles (spec §13.6). The membrane of every segment is js/pyhh.mjs's (generated
 * from spec/model.toml), the constants of §13 are js/cable_constants.mjs's
 * (generated from its [cable] table); this file names no gate, channel or
 * parameter of the model and types none of its numbers.
 *
 * Units (§13.1): lengths in um, R_i in ohm cm, injected currents in nA, V in mV
 * from rest, t in ms. Nodes j = 0 ... nseg + 1: 0 and nseg + 1 are the two
 * zero-area end nodes, 1 ... nseg the centres of the segments.
 */

import {
    CABLE_TEMPERATURE_DEFAULT, GEOMETRY, MS_PER_S, NA_TO_UA, NSEG_DEFAULT, NSEG_MAX, PI, UM_TO_CM,
} from "./cable_constants.mjs";
import {
    COLUMNS, GATES, InvalidInputError, NumericalInstabilityError, STATE, check_case, check_integer, check_range,
    conductances, currents, hermite_crossing, initial_state, linear_crossing, rows_needed, staggered_gates,
    staggered_state, temperature_factor, total_conductance,
} from "./pyhh.mjs";

export { CABLE_TEMPERATURE_DEFAULT, GEOMETRY, NSEG_DEFAULT, NSEG_MAX };

/* §5.2: the ionic currents' names, in the order §13.4 subtracts them (the columns between the state and I_stim). */
const CURRENT_NAMES = COLUMNS.slice(1 + STATE.length, COLUMNS.length - 1);

/* The method whose gate update and checks the cable shares (§13.5: §7.4's). */
const CABLE_METHOD = "staggered_cn";

/* §13.10: a node index, a whole number from 0 to nseg + 1; else an error naming `name`. */
export function check_node(name, j, nseg) {
    check_integer(name, j, 0);
    if (j > nseg + 1)
        throw new InvalidInputError(`${name} = ${j} is not a node: the nodes are 0 ... nseg + 1 = ${nseg + 1}`);
    return j;
}

/* §13.10: one or more recording sites, distinct node indices in increasing order. */
export function check_sites(sites, nseg) {
    if (!Array.isArray(sites) || sites.length === 0)
        throw new InvalidInputError("sites must be a non-empty list of node indices");
    const out = sites.map((j) => check_node("sites", j, nseg));
    for (let i = 1; i < out.length; i++)
        if (out[i] <= out[i - 1])
            throw new InvalidInputError(`sites must be distinct and in increasing order, got [${out.slice(0, 20).join(", ")}]`);
    return out;
}

/* §13.10 with §8.4: a cable case with every default filled in and every value checked, before
   anything runs. A case is an object with the keys of a cable case file; `sites` is required. */
export function check_cable_case(c) {
    const pulses = c.stimulus?.pulses ?? [];
    const shared = check_case({
        method: CABLE_METHOD, dt: c.dt, steps: c.steps, record_every: c.record_every,
        temperature: c.temperature ?? CABLE_TEMPERATURE_DEFAULT, V0: c.V0, parameters: c.parameters,
        spike_threshold: c.spike_threshold,
        stimulus: { pulses: pulses.map((p) => ({ start: p.start, stop: p.stop, amplitude: p.amplitude })) },
    });
    const geometry = {};
    for (const [name, g] of Object.entries(GEOMETRY))
        geometry[name] = check_range(name, c[name] ?? g.default, g.min, g.max, g.min_exclusive, g.unit);
    const nseg = check_integer("nseg", c.nseg ?? NSEG_DEFAULT, 1);
    if (nseg > NSEG_MAX)
        throw new InvalidInputError(`nseg = ${nseg} is larger than nseg_max = ${NSEG_MAX}`);
    const record_gates = c.record_gates ?? false;
    if (record_gates !== true && record_gates !== false)
        throw new InvalidInputError(`record_gates must be true or false, got ${JSON.stringify(record_gates)}`);
    const sites = check_sites(c.sites, nseg);
    const checked = shared.stimulus.pulses.map((p, j) => ({ node: check_node("node", pulses[j].node, nseg), ...p }));
    return {
        name: c.name ?? "", dt: shared.dt, steps: shared.steps, record_every: shared.record_every,
        temperature: shared.temperature, V0: shared.V0, params: shared.params, spike_threshold: shared.spike_threshold,
        ...geometry, nseg, sites, pulses: checked, record_gates, n_nodes: nseg + 2,
    };
}

/* §13.3: the discretisation's constants, in the spec's operation order: the spacing dx (cm), the
   couplings g_c (between two centres) and c_e (a centre and an end node), both mS/cm^2 per unit
   area of a segment, a segment's area (cm^2) and the factor that turns nA into uA/cm^2. */
export function geometry(radius, R_i, length, nseg) {
    const dx = (length / nseg) * UM_TO_CM;
    const a = radius * UM_TO_CM;
    const g_c = ((MS_PER_S * a) / (2.0 * R_i)) / (dx * dx);
    const c_e = 2.0 * g_c;
    const area = ((2.0 * PI) * a) * dx;
    const stim_scale = NA_TO_UA / area;
    return { dx, g_c, c_e, area, stim_scale };
}

/* §13.3: where node j lies along the axon, in um: 0, the segment centres, length. */
export function node_position(j, nseg, length) {
    if (j === 0)
        return 0.0;
    if (j === nseg + 1)
        return length;
    return ((j - 0.5) / nseg) * length;
}

/* §13.2: the current u_j (nA) into each node during step k: the pulses on, added in listed order. */
export function injected(pulses, k, n_nodes) {
    const u = new Float64Array(n_nodes);
    for (const pulse of pulses)
        if (pulse.start <= k && k < pulse.stop)
            u[pulse.node] = u[pulse.node] + pulse.amplitude;
    return u;
}

/* §13.3: [c_left, c_right] of centre node i: g_c to a centre, c_e to an end node. */
export function couplings(i, nseg, g) {
    return [i === 1 ? g.c_e : g.g_c, i === nseg ? g.c_e : g.g_c];
}

/* §13.4: at centre node i with the gates of y, the net current into a unit area
   F_i = ((((s - I_Na) - I_K) - I_L) + c_left (V_(i-1) - V_i)) + c_right (V_(i+1) - V_i), and G_total. */
export function membrane_rhs(V, i, y, s, p, c_left, c_right) {
    const G = conductances(y, p);
    const I = currents(y, G, p);
    let ionic = s;
    for (const name of CURRENT_NAMES)
        ionic = ionic - I[name];
    const F = (ionic + c_left * (V[i - 1] - V[i])) + c_right * (V[i + 1] - V[i]);
    return { F, G_total: total_conductance(G) };
}

/* §13.5 steps 1-3: the tridiagonal system (lower, diagonal, upper, right-hand side) for delta,
   half the change of V over the step; z[i] holds centre node i's V and its gates at t_k + dt/2. */
export function assemble(V, z, u, p, dt, g) {
    const n = V.length;
    const nseg = n - 2;
    const lower = new Float64Array(n), diag = new Float64Array(n), upper = new Float64Array(n), rhs = new Float64Array(n);
    const cm2dt = (2.0 * p.C_m) / dt;
    diag[0] = g.c_e;
    upper[0] = -g.c_e;
    rhs[0] = u[0] * g.stim_scale + g.c_e * (V[1] - V[0]);
    for (let i = 1; i <= nseg; i++) {
        const [c_left, c_right] = couplings(i, nseg, g);
        const { F, G_total } = membrane_rhs(V, i, z[i], u[i] * g.stim_scale, p, c_left, c_right);
        lower[i] = -c_left;
        diag[i] = ((cm2dt + G_total) + c_left) + c_right;
        upper[i] = -c_right;
        rhs[i] = F;
    }
    lower[n - 1] = -g.c_e;
    diag[n - 1] = g.c_e;
    rhs[n - 1] = u[n - 1] * g.stim_scale + g.c_e * (V[n - 2] - V[n - 1]);
    return { lower, diag, upper, rhs };
}

/* §13.6: the Thomas algorithm in NEURON's order: eliminate from the last node towards node 0,
   then substitute back from node 0 (diag and rhs are overwritten). */
export function tridiagonal_solve({ lower, diag, upper, rhs }) {
    const n = diag.length;
    for (let i = n - 1; i >= 1; i--) {
        const w = upper[i - 1] / diag[i];
        diag[i - 1] = diag[i - 1] - w * lower[i];
        rhs[i - 1] = rhs[i - 1] - w * rhs[i];
    }
    const delta = new Float64Array(n);
    delta[0] = rhs[0] / diag[0];
    for (let i = 1; i < n; i++)
        delta[i] = (rhs[i] - lower[i] * delta[i - 1]) / diag[i];
    return delta;
}

/* §13.5: one step: V_(k+1) = V_k + 2 delta at every node, then each centre's gates by §7.4 step 4.
   Returns { V, z } of the next step (the end nodes keep their z, which carries no gate that is used). */
export function cable_step(V, z, u, p, phi, dt, g) {
    const delta = tridiagonal_solve(assemble(V, z, u, p, dt, g));
    const n = V.length;
    const V_next = new Float64Array(n);
    for (let j = 0; j < n; j++)
        V_next[j] = V[j] + 2.0 * delta[j];
    const z_next = new Array(n);
    z_next[0] = z[0];
    for (let i = 1; i < n - 1; i++)
        z_next[i] = staggered_gates(z[i], V_next[i], phi, dt);
    z_next[n - 1] = z[n - 1];
    return { V: V_next, z: z_next };
}

/* §13.8: dV/dt at centre node i of the state at t_k (the gates of y), with the drive u: F_i / C_m. */
export function node_dV_dt(V, i, y, u, p, g) {
    const [c_left, c_right] = couplings(i, V.length - 2, g);
    return membrane_rhs(V, i, y, u[i] * g.stim_scale, p, c_left, c_right).F / p.C_m;
}

/* §13.8: §9 at site j between the states at ta and tb: the cubic through V and dV/dt at a centre
   node, the straight line at an end node; null when V does not cross theta upwards. */
export function site_arrival(ta, tb, j, Va, Vb, ya, yb, u, p, g, theta) {
    if (!(Va[j] < theta && theta <= Vb[j]))
        return null;
    if (j === 0 || j === Va.length - 1)
        return linear_crossing(ta, tb, Va[j], Vb[j], theta);
    const dVa = node_dV_dt(Va, j, ya, u, p, g);
    const dVb = node_dV_dt(Vb, j, yb, u, p, g);
    return hermite_crossing(ta, tb, Va[j], Vb[j], dVa, dVb, theta);
}

/* §13.9: the conduction velocity in m/s from arrival times (ms) at positions x_p < x_q (um). */
export function velocity(x_p, t_p, x_q, t_q) {
    return ((x_q - x_p) * 1.0e-3) / (t_q - t_p);
}

/* §13.11: t, V_j for each site j, then each gate of each centre site when gates are recorded. */
export function cable_columns(c) {
    const names = ["t", ...c.sites.map((j) => `V_${j}`)];
    if (c.record_gates)
        for (const j of c.sites)
            if (1 <= j && j <= c.nseg)
                names.push(...GATES.map((x) => `${x}_${j}`));
    return names;
}

/* §13.7: the state at t_k: V_k at every node and, at each centre, the mean of its gates at
   t_k - dt/2 and t_k + dt/2 (§7.4); the end nodes carry V only (their gates are unused). */
export function cable_state_at(V, z, z_before) {
    const n = V.length;
    const y = new Array(n);
    for (let j = 0; j < n; j++) {
        const here = { ...z[j], V: V[j] };
        y[j] = j === 0 || j === n - 1 ? here : staggered_state(here, z_before[j]);
    }
    return y;
}

/* §13.11: the row of step k at rows[offset ...]: t_k = k * dt, V at each site, then the gates of each centre site. */
export function record_row(rows, offset, k, dt, y, c) {
    let at = offset;
    rows[at++] = k * dt;
    for (const j of c.sites)
        rows[at++] = y[j].V;
    if (c.record_gates)
        for (const j of c.sites)
            if (1 <= j && j <= c.nseg)
                for (const x of GATES)
                    rows[at++] = y[j][x];
}

/* §13.7 with §8.3: every value from rows[from] to rows[to - 1] is finite. */
function all_finite(values, from = 0, to = values.length) {
    for (let i = from; i < to; i++)
        if (!Number.isFinite(values[i]))
            return false;
    return true;
}

/* §13.7 with §8.3: V at every node and the state at every centre is finite. */
function is_finite_cable(V, y) {
    if (!all_finite(V))
        return false;
    for (let i = 1; i < V.length - 1; i++)
        for (const x of GATES)
            if (!Number.isFinite(y[i][x]))
                return false;
    return true;
}

/* §13.7: V = V0 at every node, every centre's gates at their steady state at V0 (§6.1). */
export function initial_cable(c, phi) {
    const y0 = initial_state(c.V0, phi);
    return { V: new Float64Array(c.n_nodes).fill(c.V0), z: new Array(c.n_nodes).fill(y0) };
}

/* §13.7: check the case, then step the cable from its initial state, recording rows and each
   site's arrivals. Returns { case, columns, rows (row-major Float64Array, columns.length values a
   row), n_rows, arrivals (a list per site) }; throws InvalidInputError (§13.10) before any step,
   RangeError when the rows cannot be allocated, or NumericalInstabilityError (§8.3).
   `observe(k, V)`, if given, sees V at every node at t_k (the page's space-time plot). */
export function run_cable(case_object, observe = null) {
    const c = check_cable_case(case_object);
    const p = c.params;
    const dt = c.dt;
    const phi = temperature_factor(c.temperature);
    const g = geometry(c.radius, c.R_i, c.length, c.nseg);
    const columns = cable_columns(c);
    const width = columns.length;
    const n_rows = rows_needed(c.steps, c.record_every);
    const rows = new Float64Array(n_rows * width); /* sized before the run (§11.4) */
    let { V, z } = initial_cable(c, phi);
    let z_before = z;
    if (!all_finite(V))
        throw new NumericalInstabilityError(0, 0 * dt, null);
    const arrivals = c.sites.map(() => []);
    let y = cable_state_at(V, z, z_before);
    let row = 0;
    for (let k = 0; k < c.steps; k++) {
        const u = injected(c.pulses, k, c.n_nodes);
        if (k % c.record_every === 0) {
            record_row(rows, row * width, k, dt, y, c);
            if (!all_finite(rows, row * width, (row + 1) * width))
                throw new NumericalInstabilityError(k, k * dt, null);
            row++;
        }
        if (observe !== null)
            observe(k, V);
        const next = cable_step(V, z, u, p, phi, dt, g);
        const y_next = cable_state_at(next.V, next.z, z);
        if (!is_finite_cable(next.V, y_next))
            throw new NumericalInstabilityError(k + 1, (k + 1) * dt, null);
        c.sites.forEach((j, site) => {
            const t = site_arrival(k * dt, (k + 1) * dt, j, V, next.V, y[j], y_next[j], u, p, g, c.spike_threshold);
            if (t !== null)
                arrivals[site].push(t);
        });
        V = next.V;
        z_before = z;
        z = next.z;
        y = y_next;
    }
    return { case: c, columns, rows, n_rows, arrivals };
}
