/*
 * steps.mjs: the numbers of one step of a method, spec step by spec step, for
 * the page's step panel. Every number comes from a function of js/pyhh.mjs
 * (the functions the run itself calls), so a student who follows SPEC.md §7 by
 * hand with a calculator gets these values, and the last line is the state the
 * run goes on with.
 */

import {
    GATES, STAGGERED, conductances, crank_nicolson_voltage, currents, dV_dt, euler_step, exact_voltage,
    exp_euler_gate, f, rates, rk4_stages, rk4_step, staggered_state, steady_state, total_conductance,
} from "../js/pyhh.mjs";
import { exp } from "../js/exact_math.mjs";

const entries = (prefix, object) => Object.entries(object).map(([key, value]) => [`${prefix}${key}`, value]);

/* The unit of a labelled number (spec §2.1: mV, ms, mS/cm², µA/cm²; the gates are
   dimensionless); u_k is a current, or in clamp mode a voltage. */
export function unit_of(name, clamp) {
    if (name === "u_k")
        return clamp ? "mV" : "µA/cm²";
    if (name === "V")
        return "mV";
    if (name === "dV/dt" || /^F\d?\.V$/.test(name))
        return "mV/ms";
    if (/^F\d?\.[mhn]$/.test(name) || /^(alpha|beta)_/.test(name))
        return "1/ms";
    if (name.startsWith("G_"))
        return "mS/cm²";
    if (name.startsWith("I_"))
        return "µA/cm²";
    return "dimensionless"; /* the gates, x_inf, exp(−dt (α + β)) */
}

/* The rates at a voltage, as labelled numbers. */
function rate_lines(r) {
    return entries("", r);
}

/* The conductances and currents of a state, and both as labelled numbers. */
function current_lines(z, p) {
    const G = conductances(z, p);
    return { G, I: currents(z, G, p), lines: [...entries("", G), ...entries("", currents(z, G, p))] };
}

/* The labelled numbers of step k of `method` from the method's state z (and the previous
   step's z_before, for the staggered methods), with drive u: groups { title, lines } with
   each line [name, value, unit]; the last group is z_(k+1). */
export function explain_step(method, z, z_before, u, p, phi, dt, clamp) {
    const groups = [];
    const state = STAGGERED.includes(method) ? staggered_state(z, z_before) : z;
    groups.push({ title: STAGGERED.includes(method) ? "z_k: V at t_k, the gates at t_k + dt/2" : "y_k: the state at t_k",
                  lines: entries("", z) });
    if (STAGGERED.includes(method))
        groups.push({ title: "y_k, the state a row records (§7.4: the mean gates)", lines: entries("", state) });
    groups.push({ title: clamp ? "the command: V0 + u_k" : "the drive u_k", lines: [["u_k", u]] });
    let next;
    if (method === "euler") {
        groups.push({ title: "1. F = f(y_k)", lines: entries("F.", f(z, u, p, phi, clamp)) });
        next = euler_step(z, u, p, phi, dt, clamp);
        groups.push({ title: "2. and 3. y + dt F", lines: entries("", next) });
    } else if (method === "exp_euler") {
        const r = rates(z.V, phi);
        groups.push({ title: "1. the rates at V_k", lines: rate_lines(r) });
        const { G, I, lines } = current_lines(z, p);
        const dVdt = dV_dt(I, u, p, clamp);
        const G_total = total_conductance(G);
        groups.push({ title: "2. conductances, currents, dV/dt, G_total", lines: [...lines, ["dV/dt", dVdt], ["G_total", G_total]] });
        next = { V: exact_voltage(z.V, dVdt, G_total, p.C_m, dt) };
        groups.push({ title: "3. V + dt dV/dt exprel(−dt G_total / C_m)", lines: [["V", next.V]] });
        const gate_lines = [];
        for (const x of GATES) {
            const alpha = r[`alpha_${x}`];
            const beta = r[`beta_${x}`];
            next[x] = exp_euler_gate(z[x], alpha, beta, dt);
            gate_lines.push([`${x}_inf`, steady_state(alpha, beta)], [`exp(−dt (α+β)) of ${x}`, exp(-(dt * (alpha + beta)))],
                            [x, next[x]]);
        }
        groups.push({ title: "4. each gate: x_inf + (x − x_inf) exp(−dt (α + β))", lines: gate_lines });
    } else if (method === "rk4") {
        rk4_stages(z, u, p, phi, dt, clamp).forEach((F, i) => {
            groups.push({ title: `F${i + 1} = f(${["y", "y + dt/2 F1", "y + dt/2 F2", "y + dt F3"][i]})`, lines: entries(`F${i + 1}.`, F) });
        });
        next = rk4_step(z, u, p, phi, dt, clamp);
        groups.push({ title: "y + dt/6 (F1 + 2 F2 + 2 F3 + F4)", lines: entries("", next) });
    } else {
        const { G, I } = current_lines(z, p);
        groups.push({ title: "1. conductances of z_k (the gates at t_k + dt/2)", lines: entries("", G) });
        const dVdt = dV_dt(I, u, p, clamp);
        const G_total = total_conductance(G);
        groups.push({ title: "2. currents at V_k, dV/dt, G_total", lines: [...entries("", I), ["dV/dt", dVdt], ["G_total", G_total]] });
        const V = method === "staggered_cn" ? crank_nicolson_voltage(z.V, dVdt, G_total, p.C_m, dt)
            : exact_voltage(z.V, dVdt, G_total, p.C_m, dt);
        groups.push({ title: `3. V_(k+1) by ${method === "staggered_cn" ? "Crank–Nicolson" : "the exact formula"}`, lines: [["V", V]] });
        const r = rates(V, phi);
        next = { V };
        for (const x of GATES)
            next[x] = exp_euler_gate(z[x], r[`alpha_${x}`], r[`beta_${x}`], dt);
        groups.push({ title: "4. the rates at V_(k+1), each gate a step on (to t_k + 3 dt/2)",
                      lines: [...rate_lines(r), ...GATES.map((x) => [x, next[x]])] });
    }
    groups.push({ title: "the state after the step, z_(k+1)", lines: entries("", next) });
    return groups.map((g) => ({ ...g, lines: g.lines.map(([name, value]) => [name, value, unit_of(name, clamp)]) }));
}
