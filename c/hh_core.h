/*
 * hh_core.h: the run of spec §8.1, written once for every kernel.
 *
 * Hand-written, not generated: nothing here depends on the model. What the
 * model decides comes from the tables of hh_model_tables.h and from the model
 * functions of the header included before this one (hh_model.h,
 * hh_model_fast.h or hh_model_float32.h), with its type hh_real. The file that
 * includes this header (pyhh_exact.c, pyhh_fast.c, pyhh_fast32.c) first
 * defines HH_CORE_ENTRY, the name of the block function it exports.
 *
 * Neurons advance in blocks of at most HH_BLOCK, held as a structure of
 * arrays (one array per variable). At each step k:
 *   1. the drive u_k of every neuron (§6.2); under clamp, V = V0 + u_k (§6.3);
 *   2. if k is a recorded step, every neuron's row (§8.2);
 *   3. the method's step for every neuron: the neuron loop, with no calls and
 *      no branches, which the compiler vectorises;
 *   4. the rare events, neuron by neuron, for the neurons the neuron loop
 *      flagged: a state that left the finite range stops its neuron (§8.3),
 *      an upward crossing of the threshold is a spike (§9).
 * Each neuron's arithmetic is the reference's, in its order, so a kernel
 * built on hh_model.h gives the reference's doubles in every lane. hh_run is
 * a block of one neuron.
 */
#ifndef HH_CORE_ENTRY
#error "define HH_CORE_ENTRY, the name of the kernel block function, before including this header"
#endif

#include "hh_model_tables.h"

/* The parameters of a block's neurons, one array per parameter. */
typedef struct {
#define PARAMETER_ARRAY(name, default_value) hh_real name[HH_BLOCK];
    HH_PARAMETERS(PARAMETER_ARRAY)
#undef PARAMETER_ARRAY
} block_params;

/* Neuron j's parameters. */
HH_INLINE hh_kernel_params params_of(const block_params *q, int64_t j)
{
    hh_kernel_params p;
#define COPY_PARAMETER(name, default_value) p.name = q->name[j];
    HH_PARAMETERS(COPY_PARAMETER)
#undef COPY_PARAMETER
    return p;
}

/* The states of a block's neurons, one array per state variable. */
typedef struct {
#define STATE_ARRAY(name) hh_real name[HH_BLOCK];
    HH_STATE_VARIABLES(STATE_ARRAY)
#undef STATE_ARRAY
} block_state;

/* Neuron j's state. */
HH_INLINE hh_state state_of(const block_state *s, int64_t j)
{
    hh_state y;
#define GET(name) y.name = s->name[j];
    HH_STATE_VARIABLES(GET)
#undef GET
    return y;
}

HH_INLINE void set_state(block_state *s, int64_t j, hh_state y)
{
#define SET(name) s->name[j] = y.name;
    HH_STATE_VARIABLES(SET)
#undef SET
}

/* y as the doubles of a failure's report (hh_batch_output.fail_states). */
static void report_state(double *to, hh_state y)
{
    int c = 0;
#define REPORT(name) to[c++] = y.name;
    HH_STATE_VARIABLES(REPORT)
#undef REPORT
}

/* The neuron loop's cheap test of §8.3: a state is finite if the sum of its
   values is. The sum is not finite if one value is not, and, rarely, when it
   overflows: handle_events then checks each value, and finds them finite. */
HH_INLINE int surely_finite(hh_state y)
{
    hh_real sum = 0;
#define ADD(name) sum = sum + y.name;
    HH_STATE_VARIABLES(ADD)
#undef ADD
    return isfinite(sum);
}

/* A method's step (§7), as the model header defines each. */
typedef hh_state (*step_function)(hh_state z, hh_real I_stim, const hh_kernel_params *p, hh_real phi, hh_real dt,
                                  int clamp);

/* One step for each neuron of a block: the loop the compiler vectorises.
   step and clamp are constants after inlining (see step_block). Flags each
   neuron that may have crossed the threshold or left the finite range, and
   returns whether any did. The flags are 32-bit in both precisions: in
   double, GCC then takes two vectors of neurons per iteration, whose exp
   chains overlap. */
HH_INLINE int step_neurons(step_function step, const block_params *restrict q, int64_t size,
                           const hh_real *restrict u, const hh_real *restrict phi, const block_state *restrict z,
                           block_state *restrict next, hh_real dt, hh_real threshold, int clamp,
                           int32_t *restrict flagged)
{
    int64_t j;
    int32_t events = 0;
    for (j = 0; j < size; j++) {
        hh_kernel_params p = params_of(q, j);
        hh_state z_j = state_of(z, j);
        hh_state next_j = step(z_j, u[j], &p, phi[j], dt, clamp);
        set_state(next, j, next_j);
        flagged[j] = !surely_finite(next_j) | (z_j.V < threshold && threshold <= next_j.V);
        events |= flagged[j];
    }
    return events != 0;
}

/* One step of a block by its method: one neuron loop per method and mode. */
HH_INLINE int step_block(int method, int clamp, const block_params *q, int64_t size, const hh_real *u,
                         const hh_real *phi, const block_state *z, block_state *next, hh_real dt, hh_real threshold,
                         int32_t *flagged)
{
    switch (method) {
#define STEP_CASE(method_enum, step)                                                                  \
    case method_enum:                                                                                 \
        if (clamp)                                                                                    \
            return step_neurons(step, q, size, u, phi, z, next, dt, threshold, 1, flagged);          \
        return step_neurons(step, q, size, u, phi, z, next, dt, threshold, 0, flagged);
        HH_METHOD_STEPS(STEP_CASE)
#undef STEP_CASE
    default:
        return 0;
    }
}

/* §6.2: u_k of the block's neurons: the batch's drive at step k (or 0) plus
   each pulse on at step k, added in listed order. */
static void block_drive(const hh_batch *b, int64_t first, int64_t size, int64_t k, hh_real *u)
{
    int64_t i, j, pulse;
    for (j = 0; j < size; j++) {
        double u_k = 0.0;
        i = first + j;
        if (b->drive_per_neuron != NULL)
            u_k = b->drive_per_neuron[i];
        else if (b->drive_shared != NULL)
            u_k = b->drive_shared[k];
        else if (b->drive_rows != NULL)
            u_k = b->drive_rows[i * b->steps + k];
        for (pulse = 0; pulse < b->n_pulses; pulse++)
            if (b->pulses[pulse].start <= k && k < b->pulses[pulse].stop)
                u_k = u_k + b->pulses[pulse].amplitude;
        u[j] = (hh_real)u_k;
    }
}

/* Stop neuron first + j at step k (§8.3), reporting the state y there; returns 1, the neurons stopped. */
static int64_t stop_neuron(hh_batch_output *out, int64_t first, int64_t j, int64_t k, hh_state y)
{
    out->fail_steps[first + j] = k;
    if (out->fail_states != NULL)
        report_state(out->fail_states + (first + j) * HH_STATE_SIZE, y);
    return 1;
}

/* §8.2 for a block: row k / record_every of each running neuron's trace, from
   its state at t_k (z, and the previous step's z for a staggered method). A
   row that is not finite stops its neuron at step k (§8.3). Returns the
   number of neurons it stopped. */
static int64_t record_block(const hh_batch *b, hh_batch_output *out, const block_params *q, int64_t first,
                         int64_t size, int64_t k, const hh_real *u, const block_state *before, const block_state *z)
{
    int staggered = HH_IS_STAGGERED(b->method);
    int64_t j, stopped = 0;
    for (j = 0; j < size; j++) {
        double *row = out->traces + (k / b->record_every) * HH_COLUMNS * b->n + first + j;
        hh_kernel_params p;
        hh_state y;
        if (out->fail_steps[first + j] >= 0)
            continue;
        p = params_of(q, j);
        y = state_at(state_of(z, j), state_of(before, j), staggered);
        record_row(row, b->n, k, b->dt, y, u[j], &p, b->mode == HH_CLAMP);
        if (!is_finite_row(row, b->n))
            stopped += stop_neuron(out, first, j, k, y);
    }
    return stopped;
}

/* The events of step k, neuron by neuron, for the neurons the neuron loop
   flagged and those already stopped: a state at t_(k+1) that left the finite
   range stops its neuron at k + 1; a stopped neuron keeps its last finite
   state; an upward crossing of the threshold is a spike, located between
   the states at t_k and t_(k+1) (§9). Returns the number of neurons it stopped. */
static int64_t handle_events(const hh_batch *b, hh_batch_output *out, const block_params *q, int64_t first,
                          int64_t size, int64_t k, const hh_real *u, const block_state *before,
                          const block_state *z, block_state *next, const int32_t *flagged)
{
    int staggered = HH_IS_STAGGERED(b->method);
    hh_real threshold = (hh_real)b->spike_threshold; /* as the neuron loop compares */
    int64_t i, j, stopped = 0;
    double t;
    for (j = 0; j < size; j++) {
        hh_state y_next, y;
        hh_kernel_params p;
        i = first + j;
        if (!flagged[j] && out->fail_steps[i] < 0)
            continue;
        y_next = state_at(state_of(next, j), state_of(z, j), staggered);
        if (out->fail_steps[i] < 0 && !is_finite_state(y_next))
            stopped += stop_neuron(out, first, j, k + 1, y_next);
        if (out->fail_steps[i] >= 0) {
            set_state(next, j, state_of(z, j));
            continue;
        }
        if (b->mode == HH_CLAMP || !(z->V[j] < threshold && threshold <= y_next.V))
            continue; /* the common case: no crossing, nothing more to compute */
        y = state_at(state_of(z, j), state_of(before, j), staggered);
        p = params_of(q, j);
        if (spike_time((double)k * b->dt, (double)(k + 1) * b->dt, y, y_next, u[j], &p, threshold, &t)) {
            if (out->spike_counts[i] < out->spike_capacity)
                out->spike_times[i * out->spike_capacity + out->spike_counts[i]] = t;
            out->spike_counts[i]++;
        }
    }
    return stopped;
}

/* §8.1 for neurons first .. first + size - 1 (size <= HH_BLOCK) of a checked
   batch. The three blocks of states hold each neuron's method state z at
   steps k - 1 (before), k and k + 1 (next). The run ends early when every
   neuron has stopped. Inlined into one function per instruction set (below). */
HH_INLINE int run_block(const hh_batch *b, hh_batch_output *out, int64_t first, int64_t size)
{
    block_state states[3];
    block_state *before = &states[0], *z = &states[1], *next = &states[2], *swap;
    block_params q;
    hh_real phi[HH_BLOCK], u[HH_BLOCK];
    int32_t flagged[HH_BLOCK];
    hh_real dt = (hh_real)b->dt, threshold = (hh_real)b->spike_threshold;
    int clamp = b->mode == HH_CLAMP;
    int constant_drive = b->drive_shared == NULL && b->drive_rows == NULL && b->n_pulses == 0;
    int64_t i, j, k, next_row = 0, running = size;
    for (j = 0; j < size; j++) {
        i = first + j;
#define LOAD_PARAMETER(name, default_value) q.name[j] = (hh_real)b->name[i];
        HH_PARAMETERS(LOAD_PARAMETER)
#undef LOAD_PARAMETER
        phi[j] = (hh_real)hh_temperature_factor(b->temperature[i]); /* §3.2, exact in every kernel */
        set_state(z, j, initial_state((hh_real)b->V0[i], phi[j])); /* §6.1 */
        set_state(before, j, state_of(z, j));
        out->spike_counts[i] = 0;
        out->fail_steps[i] = -1;
        if (!is_finite_state(state_of(z, j)))
            running -= stop_neuron(out, first, j, 0, state_of(z, j));
    }
    if (constant_drive)
        block_drive(b, first, size, 0, u);
    for (k = 0; k < b->steps && running > 0; k++) {
        if (hh_cancelled(out->cancel, k, HH_CANCEL_EVERY / HH_BLOCK)) {
            out->cancel_step = k;
            return HH_CANCELLED;
        }
        if (!constant_drive)
            block_drive(b, first, size, k, u);
        if (clamp)
            for (j = 0; j < size; j++)
                z->V[j] = (hh_real)(b->V0[first + j] + u[j]);
        if (k == next_row) { /* k % record_every == 0, without a division each step */
            next_row += b->record_every;
            if (out->traces != NULL)
                running -= record_block(b, out, &q, first, size, k, u, before, z);
        }
        if (step_block(b->method, clamp, &q, size, u, phi, z, next, dt, threshold, flagged))
            running -= handle_events(b, out, &q, first, size, k, u, before, z, next, flagged);
        swap = before;
        before = z;
        z = next;
        next = swap;
    }
    return HH_OK;
}

#if HH_X86_CLONES
/* The block loop compiled for AVX-512 (x86-64-v4, 512-bit vectors) and for
   AVX2 + FMA (x86-64-v3); the caller picks one the CPU runs (hh_isa_available).
   Tuned for an Intel core, because GCC's generic tuning does not emit the
   gather loads of the exponentials' tables, and then vectorises nothing. */
__attribute__((target("arch=x86-64-v4,tune=icelake-server,prefer-vector-width=512")))
static int run_block_avx512(const hh_batch *b, hh_batch_output *out, int64_t first, int64_t size)
{
    return run_block(b, out, first, size);
}

__attribute__((target("arch=x86-64-v3,tune=skylake")))
static int run_block_avx2(const hh_batch *b, hh_batch_output *out, int64_t first, int64_t size)
{
    return run_block(b, out, first, size);
}
#endif

/* The block loop for the compiler's baseline instruction set (SSE2 on x86-64). */
static int run_block_portable(const hh_batch *b, hh_batch_output *out, int64_t first, int64_t size)
{
    return run_block(b, out, first, size);
}

int HH_CORE_ENTRY(const hh_batch *b, hh_batch_output *out, int64_t first, int64_t size, int isa)
{
    switch (isa) {
#if HH_X86_CLONES
    case HH_ISA_AVX512:
        return run_block_avx512(b, out, first, size);
    case HH_ISA_AVX2:
        return run_block_avx2(b, out, first, size);
#endif
    default:
        return run_block_portable(b, out, first, size);
    }
}
