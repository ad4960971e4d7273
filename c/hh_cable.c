/*
 * hh_cable.c: the uniform unbranched axon of spec §13 (hh_run_cable): NEURON's
 * section of nseg segments, stepped by staggered Crank-Nicolson with a
 * tridiagonal solve.
 *
 * Hand-written, not generated. It follows the reference, python/pyhh/reference/
 * cable.py, function by function and in the same operation order, and reuses
 * the membrane's model functions of hh_model.h (conductances, currents,
 * net_current, staggered_gates, staggered_state, initial_state, the crossings of
 * §9), so that it computes the reference's doubles bit for bit. The pragma
 * forbids contraction into fused multiply-adds, as in pyhh_exact.c. The checks
 * are pyhh.c's (hh_check_cable_case); the constants of §13.1 and §13.3 come from
 * the model file through hh_model_tables.h.
 *
 * The state is kept as arrays over the nodes j = 0 .. nseg + 1: V, and at each
 * centre its gates (hh_state; the end nodes' gates are never used). One change
 * from the reference that leaves every double the same: the off-diagonals of the
 * system (lower, upper), which do not change from step to step, are set once.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off", "no-trapping-math")
#endif

#include "hh_model.h"
#include "hh_model_tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* §13.3: the spacing dx (cm), the coupling g_c between two centres and c_e between a centre
   and an end node (mS/cm^2 of a segment), a segment's area (cm^2), and the factor that turns
   nA into uA/cm^2 of a segment. */
typedef struct {
    double dx, g_c, c_e, area, stim_scale;
} hh_geometry;

/* §13.3: the discretisation's constants, in the spec's operation order. */
static hh_geometry geometry(double radius, double R_i, double length, int64_t nseg)
{
    hh_geometry g;
    double a;
    g.dx = (length / (double)nseg) * HH_CABLE_UM_TO_CM;
    a = radius * HH_CABLE_UM_TO_CM;
    g.g_c = ((HH_CABLE_MS_PER_S * a) / (2.0 * R_i)) / (g.dx * g.dx);
    g.c_e = 2.0 * g.g_c;
    g.area = ((2.0 * HH_CABLE_PI) * a) * g.dx;
    g.stim_scale = HH_CABLE_NA_TO_UA / g.area;
    return g;
}

/* §13.2: the current u_j (nA) into each node during step k: 0.0 plus the pulses on, added in
   listed order. u is all zeros except at the pulses' nodes, which are set afresh. */
static void injected(const hh_cable_case *c, int64_t k, double *u)
{
    int64_t j;
    for (j = 0; j < c->n_pulses; j++)
        u[c->pulses[j].node] = 0.0;
    for (j = 0; j < c->n_pulses; j++)
        if (c->pulses[j].start <= k && k < c->pulses[j].stop)
            u[c->pulses[j].node] = u[c->pulses[j].node] + c->pulses[j].amplitude;
}

/* §13.3: c_left and c_right of centre node i: g_c to a centre, c_e to an end node. */
static void couplings(int64_t i, int64_t nseg, const hh_geometry *g, double *c_left, double *c_right)
{
    *c_left = i == 1 ? g->c_e : g->g_c;
    *c_right = i == nseg ? g->c_e : g->g_c;
}

/* §13.4: at centre node i with the gates of y (and y.V = V[i]), the net current into a unit
   area F_i = (net_current + c_left (V_(i-1) - V_i)) + c_right (V_(i+1) - V_i); *G_total
   its conductance (§13.5 step 2). */
HH_INLINE double membrane_rhs(const double *V, int64_t i, hh_state y, double s, const hh_params *p, double c_left,
                              double c_right, double *G_total)
{
    hh_conductances G = conductances(y, p);
    hh_currents I = currents(y, G, p);
    *G_total = total_conductance(G);
    return (net_current(I, s) + c_left * (V[i - 1] - V[i])) + c_right * (V[i + 1] - V[i]);
}

/* §13.5 steps 1-3: the diagonal and right-hand side of the system for delta (lower and
   upper are the couplings, set once by the run). z[i] holds centre i's V and its gates. */
static void assemble(const double *V, const hh_state *z, const double *u, const hh_params *p, double dt,
                     const hh_geometry *g, int64_t nseg, double *diag, double *rhs)
{
    int64_t i, n = nseg + 2;
    double cm2dt = (2.0 * p->C_m) / dt;
    double c_left, c_right, G_total;
    diag[0] = g->c_e;
    rhs[0] = u[0] * g->stim_scale + g->c_e * (V[1] - V[0]);
    for (i = 1; i <= nseg; i++) {
        couplings(i, nseg, g, &c_left, &c_right);
        rhs[i] = membrane_rhs(V, i, z[i], u[i] * g->stim_scale, p, c_left, c_right, &G_total);
        diag[i] = ((cm2dt + G_total) + c_left) + c_right;
    }
    diag[n - 1] = g->c_e;
    rhs[n - 1] = u[n - 1] * g->stim_scale + g->c_e * (V[n - 2] - V[n - 1]);
}

/* §13.6: the Thomas algorithm in NEURON's order: eliminate from the last node towards node 0,
   then substitute back from node 0. diag is overwritten, and rhs becomes delta. */
static void tridiagonal_solve(int64_t n, const double *lower, double *diag, const double *upper, double *rhs)
{
    int64_t i;
    for (i = n - 1; i >= 1; i--) {
        double w = upper[i - 1] / diag[i];
        diag[i - 1] = diag[i - 1] - w * lower[i];
        rhs[i - 1] = rhs[i - 1] - w * rhs[i];
    }
    rhs[0] = rhs[0] / diag[0];
    for (i = 1; i < n; i++)
        rhs[i] = (rhs[i] - lower[i] * rhs[i - 1]) / diag[i];
}

/* §8.3: every value of a cable's state at t_(k+1) is finite: y_next (the mean of z and z_next,
   §7.4) at every centre, V at the end nodes. */
static int is_finite_cable(const double *V_next, const hh_state *z, const hh_state *z_next, int64_t nseg)
{
    int64_t i;
    int finite = isfinite(V_next[0]) && isfinite(V_next[nseg + 1]);
    for (i = 1; i <= nseg; i++)
        finite &= is_finite_state(staggered_state(z_next[i], z[i]));
    return finite;
}

/* The gates (hh_model_tables.h's HH_GATES) numbered: GATE_<name>, and GATES of them. */
enum {
#define GATE_INDEX(name) GATE_##name,
    HH_GATES(GATE_INDEX)
#undef GATE_INDEX
    GATES
};

/* The work arrays of a run over n = nseg + 2 nodes: V at t_k and t_(k+1), z_before, z and
   z_next (§13.7), the system's four diagonals, the drive, and the gates of z and z_next with
   an array per gate (for step_gates). */
typedef struct {
    double *V, *V_next, *lower, *diag, *upper, *rhs, *u;
    double *gate[GATES], *gate_next[GATES];
    hh_state *z_before, *z, *z_next;
} hh_cable_work;

#define HH_CABLE_DOUBLES (7 + 2 * GATES)
#define HH_CABLE_STATES 3

int64_t hh_cable_work_bytes(int64_t nseg)
{
    if (nseg < 1 || nseg > HH_CABLE_NSEG_MAX)
        return -1;
    return (nseg + 2) * (int64_t)(HH_CABLE_DOUBLES * sizeof(double) + HH_CABLE_STATES * sizeof(hh_state));
}

/* §13.5 step 4 for centres 1 .. nseg: each centre's gates by §7.4 step 4, with the rates at
   its new V, from an array per gate to an array per gate, so that the compiler vectorises the
   loop (the arrays do not overlap). Nine exponentials a centre, most of a step's time: the
   loop is compiled for each instruction set of the kernels (below), each giving the same doubles. */
HH_INLINE void step_gates(const hh_cable_work *w, int64_t nseg, double phi, double dt)
{
    const double *V_next = w->V_next;
    int64_t i;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC ivdep
#endif
    for (i = 1; i <= nseg; i++) {
        hh_state z, next;
        z.V = V_next[i];
#define LOAD_GATE(name) z.name = w->gate[GATE_##name][i];
        HH_GATES(LOAD_GATE)
#undef LOAD_GATE
        next = staggered_gates(z, V_next[i], phi, dt);
#define STORE_GATE(name) w->gate_next[GATE_##name][i] = next.name;
        HH_GATES(STORE_GATE)
#undef STORE_GATE
    }
}

#if HH_X86_CLONES
__attribute__((target("arch=x86-64-v4,tune=icelake-server,prefer-vector-width=512")))
static void step_gates_avx512(const hh_cable_work *w, int64_t nseg, double phi, double dt)
{
    step_gates(w, nseg, phi, dt);
}

__attribute__((target("arch=x86-64-v3,tune=skylake")))
static void step_gates_avx2(const hh_cable_work *w, int64_t nseg, double phi, double dt)
{
    step_gates(w, nseg, phi, dt);
}
#endif

/* step_gates on the instruction set isa (enum hh_isa), one this CPU runs. */
static void step_gates_on(int isa, const hh_cable_work *w, int64_t nseg, double phi, double dt)
{
#if HH_X86_CLONES
    if (isa == HH_ISA_AVX512) {
        step_gates_avx512(w, nseg, phi, dt);
        return;
    }
    if (isa == HH_ISA_AVX2) {
        step_gates_avx2(w, nseg, phi, dt);
        return;
    }
#endif
    (void)isa;
    step_gates(w, nseg, phi, dt);
}

/* §13.5: one step: V_(k+1) = V_k + 2 delta at every node, then each centre's gates by §7.4
   step 4, with the rates at its new V (step_gates, on the instruction set isa). */
static void cable_step(hh_cable_work *w, const hh_params *p, double phi, double dt, const hh_geometry *g, int64_t nseg,
                       int isa)
{
    int64_t i, j, n = nseg + 2;
    assemble(w->V, w->z, w->u, p, dt, g, nseg, w->diag, w->rhs);
    tridiagonal_solve(n, w->lower, w->diag, w->upper, w->rhs);
    for (j = 0; j < n; j++)
        w->V_next[j] = w->V[j] + 2.0 * w->rhs[j];
    for (i = 1; i <= nseg; i++) {
#define SPLIT_GATE(name) w->gate[GATE_##name][i] = w->z[i].name;
        HH_GATES(SPLIT_GATE)
#undef SPLIT_GATE
    }
    step_gates_on(isa, w, nseg, phi, dt);
    for (i = 1; i <= nseg; i++) {
        w->z_next[i].V = w->V_next[i];
#define JOIN_GATE(name) w->z_next[i].name = w->gate_next[GATE_##name][i];
        HH_GATES(JOIN_GATE)
#undef JOIN_GATE
    }
    w->z_next[0].V = w->V_next[0];
    w->z_next[n - 1].V = w->V_next[n - 1];
}

/* §13.8: dV/dt at centre node i of a state (V, the gates of y), with the drive u: F_i / C_m. */
static double node_dV_dt(const double *V, int64_t i, hh_state y, const double *u, const hh_params *p,
                         const hh_geometry *g, int64_t nseg)
{
    double c_left, c_right, G_total;
    couplings(i, nseg, g, &c_left, &c_right);
    return membrane_rhs(V, i, y, u[i] * g->stim_scale, p, c_left, c_right, &G_total) / p->C_m;
}

/* §13.8: §9 at site j between the states at ta and tb (V arrays Va, Vb; the states ya, yb at
   j): the cubic at a centre, the straight line at an end node. 1 and *t if V crosses theta upwards. */
static int site_arrival(double ta, double tb, int64_t j, const double *Va, const double *Vb, hh_state ya, hh_state yb,
                        const double *u, const hh_params *p, const hh_geometry *g, int64_t nseg, double theta,
                        double *t)
{
    if (!(Va[j] < theta && theta <= Vb[j]))
        return 0;
    if (j == 0 || j == nseg + 1)
        *t = linear_crossing(ta, tb, Va[j], Vb[j], theta);
    else
        *t = hermite_crossing(ta, tb, Va[j], Vb[j], node_dV_dt(Va, j, ya, u, p, g, nseg),
                              node_dV_dt(Vb, j, yb, u, p, g, nseg), theta);
    return 1;
}

/* §13.7: the state at t_k at node j: V, and at a centre the mean of its gates at t_k - dt/2
   (z_before) and t_k + dt/2 (z). */
static hh_state cable_state_at(const double *V, const hh_state *z, const hh_state *z_before, int64_t j, int64_t nseg)
{
    hh_state y = z[j];
    if (j >= 1 && j <= nseg)
        y = staggered_state(z[j], z_before[j]);
    y.V = V[j];
    return y;
}

/* §13.11 (the reference's record_row): the row of step k: t_k = k * dt, V at each site, then the gates of each centre site
   when they are recorded; 1 if every value is finite (§8.3). */
static int record_cable_row(double *row, int64_t k, double dt, const hh_cable_work *w, const hh_cable_case *c)
{
    int64_t s, column = 0;
    int finite = 1;
    row[column++] = (double)k * dt;
    for (s = 0; s < c->n_sites; s++)
        row[column++] = w->V[c->sites[s]];
    for (s = 0; c->record_gates && s < c->n_sites; s++)
        if (c->sites[s] >= 1 && c->sites[s] <= c->nseg) {
            hh_state y = cable_state_at(w->V, w->z, w->z_before, c->sites[s], c->nseg);
#define PUT_GATE(x) row[column++] = y.x;
            HH_GATES(PUT_GATE)
#undef PUT_GATE
        }
    for (s = 0; s < column; s++)
        finite &= isfinite(row[s]) != 0;
    return finite;
}

/* Allocate the work arrays; 0 if memory is short (everything allocated is freed). */
static int allocate(hh_cable_work *w, int64_t nseg)
{
    size_t n = (size_t)nseg + 2;
    double **doubles[HH_CABLE_DOUBLES];
    hh_state **states[HH_CABLE_STATES];
    int j, ok = 1;
    doubles[0] = &w->V, doubles[1] = &w->V_next, doubles[2] = &w->lower, doubles[3] = &w->diag;
    doubles[4] = &w->upper, doubles[5] = &w->rhs, doubles[6] = &w->u;
    for (j = 0; j < GATES; j++)
        doubles[7 + j] = &w->gate[j], doubles[7 + GATES + j] = &w->gate_next[j];
    states[0] = &w->z_before, states[1] = &w->z, states[2] = &w->z_next;
    for (j = 0; j < HH_CABLE_DOUBLES; j++)
        ok &= (*doubles[j] = calloc(n, sizeof(double))) != NULL;
    for (j = 0; j < HH_CABLE_STATES; j++)
        ok &= (*states[j] = calloc(n, sizeof(hh_state))) != NULL;
    return ok;
}

static void release(hh_cable_work *w)
{
    int j;
    free(w->V), free(w->V_next), free(w->lower), free(w->diag), free(w->upper), free(w->rhs), free(w->u);
    for (j = 0; j < GATES; j++)
        free(w->gate[j]), free(w->gate_next[j]);
    free(w->z_before), free(w->z), free(w->z_next);
}

/* Format a message into out->message; return status. */
static int cable_fail(hh_cable_output *out, int status, const char *what, long long value)
{
    snprintf(out->message, sizeof out->message, what, value);
    return status;
}

/* §13.7: the run, from the initial state; the case and buffers are checked. */
static int run_cable(const hh_cable_case *c, hh_cable_output *out, hh_cable_work *w, int64_t columns)
{
    const hh_params *p = &c->params;
    double dt = c->dt, phi = temperature_factor(c->temperature);
    hh_geometry g = geometry(c->radius, c->R_i, c->length, c->nseg);
    hh_state y0 = initial_state(c->V0, phi), *swap;
    int64_t i, j, k, s, nseg = c->nseg, n = nseg + 2, every = 1;
    double *V_swap, t;
    int isa = hh_resolve_isa(c->isa); /* checked: available */
    while (every * n < HH_CANCEL_EVERY) /* look at the cancel flag every HH_CANCEL_EVERY node-steps or so */
        every *= 2;
    for (j = 0; j < n; j++) { /* §13.7: V0 at every node, every centre's gates at their steady state */
        w->V[j] = c->V0;
        w->z[j] = w->z_before[j] = w->z_next[j] = y0;
    }
    for (i = 1; i <= nseg; i++) { /* §13.5 step 2's off-diagonals, the same at every step */
        double c_left, c_right;
        couplings(i, nseg, &g, &c_left, &c_right);
        w->lower[i] = -c_left;
        w->upper[i] = -c_right;
    }
    w->upper[0] = -g.c_e;
    w->lower[n - 1] = -g.c_e;
    for (k = 0; k < c->steps; k++) {
        if (hh_cancelled(out->cancel, k, every))
            return cable_fail(out, HH_CANCELLED, "cancelled before step %lld", (long long)k);
        injected(c, k, w->u);
        if (k % c->record_every == 0) {
            if (!record_cable_row(out->rows + out->n_rows * columns, k, dt, w, c)) {
                out->fail_step = k;
                return cable_fail(out, HH_ERROR_NONFINITE, "the run left the finite range at step %lld", (long long)k);
            }
            out->n_rows++;
        }
        cable_step(w, p, phi, dt, &g, nseg, isa);
        if (!is_finite_cable(w->V_next, w->z, w->z_next, nseg)) {
            out->fail_step = k + 1;
            return cable_fail(out, HH_ERROR_NONFINITE, "the run left the finite range at step %lld", (long long)(k + 1));
        }
        for (s = 0; s < c->n_sites; s++) {
            j = c->sites[s];
            if (site_arrival((double)k * dt, (double)(k + 1) * dt, j, w->V, w->V_next,
                             cable_state_at(w->V, w->z, w->z_before, j, nseg),
                             cable_state_at(w->V_next, w->z_next, w->z, j, nseg), w->u, p, &g, nseg,
                             c->spike_threshold, &t)) {
                if (out->n_arrivals[s] < out->arrivals_capacity)
                    out->arrivals[s * out->arrivals_capacity + out->n_arrivals[s]] = t;
                out->n_arrivals[s]++;
            }
        }
        swap = w->z_before, w->z_before = w->z, w->z = w->z_next, w->z_next = swap;
        V_swap = w->V, w->V = w->V_next, w->V_next = V_swap;
    }
    for (s = 0; s < c->n_sites; s++)
        if (out->n_arrivals[s] > out->arrivals_capacity)
            return cable_fail(out, HH_SPIKES_TRUNCATED, "%lld arrivals at a site, more than the arrivals buffer holds",
                              (long long)out->n_arrivals[s]);
    return HH_OK;
}

int hh_run_cable(const hh_cable_case *c, hh_cable_output *out)
{
    int64_t s, needed, columns;
    hh_cable_work w;
    int status;
    if (out == NULL)
        return HH_ERROR_NULL;
    out->n_rows = 0;
    out->fail_step = -1;
    status = hh_check_cable_case(c, out->message, sizeof out->message);
    if (status != HH_OK)
        return status;
    needed = hh_rows_needed(c->steps, c->record_every);
    columns = hh_cable_columns(c);
    if (out->rows == NULL || out->rows_capacity < needed)
        return cable_fail(out, HH_ERROR_CAPACITY, "the rows buffer must hold %lld rows", (long long)needed);
    if (out->n_arrivals == NULL)
        return cable_fail(out, HH_ERROR_NULL, "n_arrivals is NULL; it must hold n_sites = %lld counts",
                          (long long)c->n_sites);
    if (out->arrivals_capacity < 0)
        return cable_fail(out, HH_ERROR_INVALID, "the arrivals capacity %lld is negative",
                          (long long)out->arrivals_capacity);
    if (out->arrivals_capacity > 0 && out->arrivals == NULL)
        return cable_fail(out, HH_ERROR_NULL, "the arrivals buffer is NULL but its capacity is %lld",
                          (long long)out->arrivals_capacity);
    for (s = 0; s < c->n_sites; s++)
        out->n_arrivals[s] = 0;
    memset(&w, 0, sizeof w);
    if (!allocate(&w, c->nseg))
        status = cable_fail(out, HH_ERROR_MEMORY, "out of memory: the run needs %lld bytes of work arrays",
                            (long long)hh_cable_work_bytes(c->nseg));
    else
        status = run_cable(c, out, &w, columns);
    release(&w);
    return status;
}
