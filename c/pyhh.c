/*
 * pyhh.c: the engine of the C port of spec/SPEC.md: defaults, the input
 * checks of §8.4, hh_run and hh_run_batch.
 *
 * Hand-written, not generated: what the model decides (its parameters,
 * ranges, defaults and methods) comes from the tables of hh_model_tables.h,
 * and the run itself is the kernels' (hh_core.h, compiled with each rendering
 * of the model in pyhh_exact.c, pyhh_fast.c and pyhh_fast32.c). hh_run is the
 * exact kernel on a block of one neuron, so a single neuron and a batch share
 * one run loop and give the same doubles.
 *
 * The messages are worded as the Python reference words them
 * (pyhh/reference/checks.py).
 */
#include "pyhh.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hh_model_tables.h"

/* Format a message into a caller's buffer, if there is one; return status. */
static int fail(int status, char *message, size_t size, const char *format, ...)
{
    va_list args;
    if (message != NULL && size > 0) {
        va_start(args, format);
        vsnprintf(message, size, format, args);
        va_end(args);
    }
    return status;
}

/* A spike buffer: a capacity >= 0, and memory behind it unless it is 0. */
static int check_spike_buffer(const double *spikes, int64_t capacity, char *message, size_t message_size)
{
    if (capacity < 0)
        return fail(HH_ERROR_INVALID, message, message_size, "the spike capacity %lld is negative", (long long)capacity);
    if (capacity > 0 && spikes == NULL)
        return fail(HH_ERROR_NULL, message, message_size, "the spike buffer is NULL but its capacity is %lld",
                    (long long)capacity);
    return HH_OK;
}

void hh_default_params(hh_params *p)
{
    if (p == NULL)
        return;
#define SET_DEFAULT(name, default_value) p->name = default_value;
    HH_PARAMETERS(SET_DEFAULT)
#undef SET_DEFAULT
}

void hh_default_case(hh_case *c)
{
    if (c == NULL)
        return;
    memset(c, 0, sizeof *c);
    c->method = HH_DEFAULT_METHOD;
    c->mode = HH_CURRENT;
    c->dt = HH_DEFAULT_DT;
    c->steps = 1;
    c->record_every = 1;
    c->temperature = HH_DEFAULT_TEMPERATURE;
    c->V0 = HH_DEFAULT_V0;
    c->spike_threshold = HH_DEFAULT_SPIKE_THRESHOLD;
    hh_default_params(&c->params);
}

int64_t hh_rows_needed(int64_t steps, int64_t record_every)
{
    if (steps < 1 || record_every < 1)
        return -1;
    return steps / record_every + (steps % record_every != 0);
}

/* §8.4: the settings every run shares. */
static int check_settings(int method, int mode, double dt, int64_t steps, int64_t record_every, double threshold,
                          char *message, size_t message_size)
{
    if (method < 0 || method >= HH_METHODS)
        return fail(HH_ERROR_INVALID, message, message_size, "unknown method %d; the methods are %s (0 to %d)", method,
                    HH_METHOD_LIST, HH_METHODS - 1);
    if (mode != HH_CURRENT && mode != HH_CLAMP)
        return fail(HH_ERROR_INVALID, message, message_size, "unknown mode %d; the modes are current, clamp (0, 1)",
                    mode);
    if (!isfinite(dt))
        return fail(HH_ERROR_INVALID, message, message_size, "dt must be finite, got %.17g", dt);
    if (dt <= 0.0)
        return fail(HH_ERROR_INVALID, message, message_size, "dt = %.17g ms must be greater than 0", dt);
    if (steps < 1)
        return fail(HH_ERROR_INVALID, message, message_size, "steps = %lld must be at least 1", (long long)steps);
    if (steps > HH_MAX_INTEGER)
        return fail(HH_ERROR_INVALID, message, message_size, "steps = %lld is larger than 2^53", (long long)steps);
    if (!isfinite((double)steps * dt)) /* t = steps * dt, the last state's time, must be finite */
        return fail(HH_ERROR_INVALID, message, message_size,
                    "dt = %.17g ms is too large for steps = %lld: steps * dt = %.17g ms is not finite", dt,
                    (long long)steps, (double)steps * dt);
    if (record_every < 1)
        return fail(HH_ERROR_INVALID, message, message_size, "record_every = %lld must be at least 1",
                    (long long)record_every);
    if (record_every > steps)
        return fail(HH_ERROR_INVALID, message, message_size,
                    "record_every = %lld is larger than steps = %lld; it must be at most steps",
                    (long long)record_every, (long long)steps);
    if (!isfinite(threshold))
        return fail(HH_ERROR_INVALID, message, message_size, "spike_threshold must be finite, got %.17g", threshold);
    return HH_OK;
}

/* §8.4, §13.1: value (named name, then suffix) finite and in [low, high], or (low, high] when
   low_excluded; range is "low, high]" as the model file writes them. Nonzero, with a message, if not. */
static int check_range(const char *name, const char *suffix, double value, double low, int low_excluded, double high,
                       const char *range, const char *unit, char *message, size_t message_size)
{
    if (!isfinite(value))
        return fail(HH_ERROR_INVALID, message, message_size, "%s%s must be finite, got %.17g", name, suffix, value);
    if ((low_excluded ? value <= low : value < low) || value > high)
        return fail(HH_ERROR_INVALID, message, message_size, "%s%s = %.17g %s is outside the accepted range %s%s", name,
                    suffix, value, unit, low_excluded ? "(" : "[", range);
    return HH_OK;
}

/* §8.4: one membrane's parameters (§3.1), temperature (§3.2) and V0 (§6.1)
   finite and in their ranges (HH_RANGES); suffix ("" or "[i]") follows the
   name in a message. */
static int check_values(const hh_params *p, double temperature, double V0, const char *suffix, char *message,
                        size_t message_size)
{
#define CHECK_RANGE(name, value, low, low_excluded, high, unit)                                                \
    if (check_range(#name, suffix, value, low, low_excluded, high, #low ", " #high "]", unit, message, message_size)) \
        return HH_ERROR_INVALID;
    HH_RANGES(CHECK_RANGE)
#undef CHECK_RANGE
    return HH_OK;
}

/* §8.4: the settings of a run, then its membrane's values. */
static int check_run(int method, int mode, double dt, int64_t steps, int64_t record_every, double threshold,
                     const hh_params *p, double temperature, double V0, char *message, size_t message_size)
{
    int status = check_settings(method, mode, dt, steps, record_every, threshold, message, message_size);
    return status != HH_OK ? status : check_values(p, temperature, V0, "", message, message_size);
}

/* §6.2, §8.4: pulse j on during start <= k < stop, with a finite amplitude. */
static int check_pulse(int64_t start, int64_t stop, double amplitude, int64_t j, char *message, size_t message_size)
{
    if (start < 0)
        return fail(HH_ERROR_INVALID, message, message_size, "pulse start = %lld must be at least 0 (pulse %lld)",
                    (long long)start, (long long)j);
    if (stop > HH_MAX_INTEGER)
        return fail(HH_ERROR_INVALID, message, message_size, "pulse stop = %lld is larger than 2^53 (pulse %lld)",
                    (long long)stop, (long long)j);
    if (stop < start)
        return fail(HH_ERROR_INVALID, message, message_size, "pulse stop = %lld must be >= its start = %lld (pulse %lld)",
                    (long long)stop, (long long)start, (long long)j);
    if (!isfinite(amplitude))
        return fail(HH_ERROR_INVALID, message, message_size, "pulse amplitude must be finite, got %g (pulse %lld)",
                    amplitude, (long long)j);
    return HH_OK;
}

/* §6.2, §8.4: n pulses, each on during start <= k < stop with a finite amplitude. */
static int check_pulses(const hh_pulse *pulses, int64_t n, char *message, size_t message_size)
{
    int64_t j;
    if (n < 0)
        return fail(HH_ERROR_INVALID, message, message_size, "n_pulses = %lld must not be negative", (long long)n);
    if (n > 0 && pulses == NULL)
        return fail(HH_ERROR_NULL, message, message_size, "pulses is NULL but n_pulses = %lld", (long long)n);
    for (j = 0; j < n; j++) {
        int status = check_pulse(pulses[j].start, pulses[j].stop, pulses[j].amplitude, j, message, message_size);
        if (status != HH_OK)
            return status;
    }
    return HH_OK;
}

/* §8.4: reject a case before anything runs, naming the bad value. */
int hh_check_case(const hh_case *c, char *message, size_t message_size)
{
    int64_t j;
    int status;
    if (message != NULL && message_size > 0)
        message[0] = '\0';
    if (c == NULL)
        return fail(HH_ERROR_NULL, message, message_size, "the case pointer is NULL");
    status = check_run(c->method, c->mode, c->dt, c->steps, c->record_every, c->spike_threshold, &c->params,
                       c->temperature, c->V0, message, message_size);
    if (status != HH_OK)
        return status;
    if (c->waveform == NULL && c->waveform_length != 0)
        return fail(HH_ERROR_NULL, message, message_size, "waveform is NULL but waveform_length = %lld",
                    (long long)c->waveform_length);
    if (c->waveform != NULL) {
        if (c->waveform_length != c->steps)
            return fail(HH_ERROR_INVALID, message, message_size,
                        "the stimulus waveform has %lld values but the run has %lld steps; give exactly one value "
                        "per step", (long long)c->waveform_length, (long long)c->steps);
        for (j = 0; j < c->waveform_length; j++)
            if (!isfinite(c->waveform[j]))
                return fail(HH_ERROR_INVALID, message, message_size, "stimulus waveform[%lld] = %g is not finite",
                            (long long)j, c->waveform[j]);
    }
    return check_pulses(c->pulses, c->n_pulses, message, message_size);
}

/* Nonzero when the caller has asked, through *cancel, for the run to stop before
   step k; the flag is read at every `every`-th step only, `every` a power of
   two (a mask, not a division, in every step's test). */
int hh_cancelled(volatile const int *cancel, int64_t k, int64_t every)
{
    return cancel != NULL && (k & (every - 1)) == 0 && *cancel != 0;
}

int hh_isa_available(int isa)
{
    switch (isa) {
    case HH_ISA_BEST:
    case HH_ISA_PORTABLE:
        return 1;
#if HH_X86_CLONES
    case HH_ISA_AVX2:
        return __builtin_cpu_supports("x86-64-v3") != 0;
    case HH_ISA_AVX512:
        return __builtin_cpu_supports("x86-64-v4") != 0;
#endif
    default:
        return 0;
    }
}

/* The widest instruction set available: what HH_ISA_BEST means on this CPU. */
static int best_isa(void)
{
    if (hh_isa_available(HH_ISA_AVX512))
        return HH_ISA_AVX512;
    if (hh_isa_available(HH_ISA_AVX2))
        return HH_ISA_AVX2;
    return HH_ISA_PORTABLE;
}

int hh_resolve_isa(int isa)
{
    if (!hh_isa_available(isa))
        return -1;
    return isa == HH_ISA_BEST ? best_isa() : isa;
}

/* ---- One neuron ---- */

/* The rows hh_run wrote before stopping at step fail_step (§8.3): through
   that step's row when the row left the finite range (the state there is
   finite), else up to the step before. */
static int64_t rows_before_failure(const hh_case *c, int64_t fail_step, const double *fail_state)
{
    int j;
    for (j = 0; j < HH_STATE_SIZE; j++)
        if (!isfinite(fail_state[j]))
            return fail_step / c->record_every + (fail_step % c->record_every != 0);
    return fail_step / c->record_every + 1;
}

int hh_run_isa(const hh_case *c, hh_output *out, int isa)
{
    int status, chosen;
    int64_t needed;
    hh_batch b;
    hh_batch_output o;

    if (out == NULL)
        return HH_ERROR_NULL;
    out->n_rows = 0;
    out->n_spikes = 0;
    out->fail_step = -1;
    status = hh_check_case(c, out->message, sizeof out->message);
    if (status != HH_OK)
        return status;
    needed = hh_rows_needed(c->steps, c->record_every);
    if (out->rows == NULL || out->rows_capacity < needed)
        return fail(HH_ERROR_CAPACITY, out->message, sizeof out->message, "the rows buffer must hold %lld rows",
                    (long long)needed);
    status = check_spike_buffer(out->spikes, out->spikes_capacity, out->message, sizeof out->message);
    if (status != HH_OK)
        return status;
    chosen = hh_resolve_isa(isa);
    if (chosen < 0)
        return fail(HH_ERROR_INVALID, out->message, sizeof out->message,
                    "instruction set %d is not available in this build on this CPU", isa);

    /* The case as a batch of one neuron, its outputs as the batch's. */
    memset(&b, 0, sizeof b);
    b.method = c->method;
    b.mode = c->mode;
    b.dt = c->dt;
    b.steps = c->steps;
    b.record_every = c->record_every;
    b.n = 1;
    b.spike_threshold = c->spike_threshold;
#define POINT_AT_PARAMETER(name, default_value) b.name = &c->params.name;
    HH_PARAMETERS(POINT_AT_PARAMETER)
#undef POINT_AT_PARAMETER
    b.temperature = &c->temperature;
    b.V0 = &c->V0;
    b.drive_shared = c->waveform;
    b.pulses = c->pulses;
    b.n_pulses = c->n_pulses;
    memset(&o, 0, sizeof o);
    o.spike_counts = &out->n_spikes;
    o.spike_times = out->spikes;
    o.spike_capacity = out->spikes_capacity;
    o.fail_steps = &out->fail_step;
    o.fail_states = out->fail_state;
    o.traces = out->rows;
    o.rows_capacity = out->rows_capacity;
    o.cancel = out->cancel;

    status = hh_run_block_exact(&b, &o, 0, 1, chosen);
    if (status == HH_CANCELLED) {
        out->n_rows = hh_rows_needed(o.cancel_step, c->record_every); /* rows before the stop (none at 0) */
        out->n_rows = out->n_rows < 0 ? 0 : out->n_rows;
        return fail(HH_CANCELLED, out->message, sizeof out->message, "cancelled before step %lld",
                    (long long)o.cancel_step);
    }
    if (out->fail_step >= 0) {
        out->n_rows = rows_before_failure(c, out->fail_step, out->fail_state);
        return fail(HH_ERROR_NONFINITE, out->message, sizeof out->message,
                    "the run left the finite range at step %lld", (long long)out->fail_step);
    }
    out->n_rows = needed;
    if (out->n_spikes > out->spikes_capacity)
        return fail(HH_SPIKES_TRUNCATED, out->message, sizeof out->message,
                    "%lld spikes detected, more than the spikes buffer holds", (long long)out->n_spikes);
    return HH_OK;
}

int hh_run(const hh_case *c, hh_output *out)
{
    return hh_run_isa(c, out, HH_ISA_BEST);
}

/* ---- Many neurons in one call ---- */

/* Neuron i's parameters as one struct. */
static hh_params batch_params(const hh_batch *b, int64_t i)
{
    hh_params p;
#define COPY_PARAMETER(name, default_value) p.name = b->name[i];
    HH_PARAMETERS(COPY_PARAMETER)
#undef COPY_PARAMETER
    return p;
}

/* §8.4 for neurons first .. first + count - 1 of a batch: the shared settings,
   the arrays, then those neurons' values and drives (a neuron's name is
   formatted only for the message of a bad one). */
static int check_batch_neurons(const hh_batch *b, int64_t first, int64_t count, char *message, size_t message_size)
{
    int64_t i, k, n_drives;
    int status;
    char neuron[32];
    if (message != NULL && message_size > 0)
        message[0] = '\0';
    if (b == NULL)
        return fail(HH_ERROR_NULL, message, message_size, "the batch pointer is NULL");
    status = check_settings(b->method, b->mode, b->dt, b->steps, b->record_every, b->spike_threshold, message,
                            message_size);
    if (status != HH_OK)
        return status;
    if (b->n < 1)
        return fail(HH_ERROR_INVALID, message, message_size, "n = %lld must be at least 1", (long long)b->n);
    if (first < 0 || count < 0 || first > b->n - count)
        return fail(HH_ERROR_INVALID, message, message_size, "neurons %lld .. %lld are not in 0 .. %lld",
                    (long long)first, (long long)(first + count - 1), (long long)(b->n - 1));
#define CHECK_ARRAY(name, default_value)                                                \
    if (b->name == NULL)                                                                \
        return fail(HH_ERROR_NULL, message, message_size, "the " #name " array is NULL");
    HH_PARAMETERS(CHECK_ARRAY)
    CHECK_ARRAY(temperature, 0)
    CHECK_ARRAY(V0, 0)
#undef CHECK_ARRAY
    n_drives = (b->drive_per_neuron != NULL) + (b->drive_shared != NULL) + (b->drive_rows != NULL);
    if (n_drives > 1)
        return fail(HH_ERROR_INVALID, message, message_size, "give at most one drive form, not %lld", (long long)n_drives);
    status = check_pulses(b->pulses, b->n_pulses, message, message_size);
    if (status != HH_OK)
        return status;
    for (i = first; i < first + count; i++) {
        hh_params p = batch_params(b, i);
        if (check_values(&p, b->temperature[i], b->V0[i], "", NULL, 0) != HH_OK) {
            snprintf(neuron, sizeof neuron, "[%lld]", (long long)i);
            return check_values(&p, b->temperature[i], b->V0[i], neuron, message, message_size);
        }
        if (b->drive_per_neuron != NULL && !isfinite(b->drive_per_neuron[i]))
            return fail(HH_ERROR_INVALID, message, message_size, "drive_per_neuron[%lld] must be finite, got %g",
                        (long long)i, b->drive_per_neuron[i]);
    }
    for (k = 0; b->drive_shared != NULL && k < b->steps; k++)
        if (!isfinite(b->drive_shared[k]))
            return fail(HH_ERROR_INVALID, message, message_size, "drive_shared[%lld] must be finite, got %g",
                        (long long)k, b->drive_shared[k]);
    for (k = first * b->steps; b->drive_rows != NULL && k < (first + count) * b->steps; k++)
        if (!isfinite(b->drive_rows[k]))
            return fail(HH_ERROR_INVALID, message, message_size, "drive_rows[%lld] must be finite, got %g",
                        (long long)k, b->drive_rows[k]);
    return HH_OK;
}

/* §8.4 for a batch: the shared settings, then every neuron's values. */
int hh_check_batch(const hh_batch *b, char *message, size_t message_size)
{
    return check_batch_neurons(b, 0, b != NULL ? b->n : 0, message, message_size);
}

/* The output arrays a batch run needs. */
static int check_batch_output(const hh_batch *b, hh_batch_output *out)
{
    if (out->spike_counts == NULL || out->fail_steps == NULL)
        return fail(HH_ERROR_NULL, out->message, sizeof out->message, "spike_counts and fail_steps are required");
    int status = check_spike_buffer(out->spike_times, out->spike_capacity, out->message, sizeof out->message);
    if (status != HH_OK)
        return status;
    if (out->traces != NULL && out->rows_capacity < hh_rows_needed(b->steps, b->record_every))
        return fail(HH_ERROR_CAPACITY, out->message, sizeof out->message, "the traces buffer must hold %lld rows",
                    (long long)hh_rows_needed(b->steps, b->record_every));
    return HH_OK;
}

int hh_run_batch_isa(const hh_batch *b, hh_batch_output *out, int64_t first, int64_t count, int accuracy, int isa)
{
    int status, chosen;
    int64_t start;
    if (out == NULL)
        return HH_ERROR_NULL;
    status = check_batch_neurons(b, first, count, out->message, sizeof out->message);
    if (status == HH_OK)
        status = check_batch_output(b, out);
    if (status != HH_OK)
        return status;
    if (accuracy != HH_EXACT && accuracy != HH_FAST && accuracy != HH_FLOAT32)
        return fail(HH_ERROR_INVALID, out->message, sizeof out->message, "unknown accuracy %d", accuracy);
    chosen = hh_resolve_isa(isa);
    if (chosen < 0)
        return fail(HH_ERROR_INVALID, out->message, sizeof out->message,
                    "instruction set %d is not available in this build on this CPU", isa);
    for (start = first; start < first + count; start += HH_BLOCK) {
        int64_t size = first + count - start < HH_BLOCK ? first + count - start : HH_BLOCK;
        if (accuracy == HH_FAST)
            status = hh_run_block_fast(b, out, start, size, chosen);
        else if (accuracy == HH_FLOAT32)
            status = hh_run_block_float32(b, out, start, size, chosen);
        else
            status = hh_run_block_exact(b, out, start, size, chosen);
        if (status == HH_CANCELLED)
            return fail(HH_CANCELLED, out->message, sizeof out->message, "cancelled in neurons %lld .. %lld",
                        (long long)start, (long long)(start + size - 1));
    }
    return HH_OK;
}

int hh_run_batch(const hh_batch *b, hh_batch_output *out, int64_t first, int64_t count, int accuracy)
{
    return hh_run_batch_isa(b, out, first, count, accuracy, HH_ISA_BEST);
}

/* ---- The uniform unbranched axon (spec §13): defaults and checks; the run is c/hh_cable.c ---- */

/* The one recording site of the default cable case: node 1, the first segment's centre. */
static const int64_t default_site = 1;

void hh_default_cable_case(hh_cable_case *c)
{
    if (c == NULL)
        return;
    memset(c, 0, sizeof *c);
    c->dt = HH_DEFAULT_DT;
    c->steps = 1;
    c->record_every = 1;
    c->temperature = HH_CABLE_TEMPERATURE_DEFAULT;
    c->V0 = HH_DEFAULT_V0;
    c->spike_threshold = HH_DEFAULT_SPIKE_THRESHOLD;
    hh_default_params(&c->params);
#define SET_GEOMETRY(name, default_value, low, low_excluded, high, unit) c->name = default_value;
    HH_CABLE_GEOMETRY(SET_GEOMETRY)
#undef SET_GEOMETRY
    c->nseg = HH_CABLE_NSEG_DEFAULT;
    c->sites = &default_site;
    c->n_sites = 1;
}

int64_t hh_cable_columns(const hh_cable_case *c)
{
    int64_t s, columns;
    if (c == NULL || c->sites == NULL || c->n_sites < 1)
        return -1;
    columns = 1 + c->n_sites;
    for (s = 0; c->record_gates && s < c->n_sites; s++)
        if (c->sites[s] >= 1 && c->sites[s] <= c->nseg)
            columns += HH_STATE_SIZE - 1; /* the gates: the state less V */
    return columns;
}

/* §13.10: j is a node of a cable of nseg segments, 0 .. nseg + 1; else an error naming `name`. */
static int check_node(const char *name, int64_t j, int64_t nseg, char *message, size_t message_size)
{
    if (j < 0 || j > nseg + 1)
        return fail(HH_ERROR_INVALID, message, message_size,
                    "%s = %lld is not a node: the nodes are 0 ... nseg + 1 = %lld", name, (long long)j,
                    (long long)(nseg + 1));
    return HH_OK;
}

/* §13.10: the settings and membrane of §8.4, then §13.1's geometry, nseg, record_gates, the
   sites and the pulses, in the reference's order (pyhh/reference/cable.py, CableCase). */
int hh_check_cable_case(const hh_cable_case *c, char *message, size_t message_size)
{
    int64_t j;
    int status;
    if (message != NULL && message_size > 0)
        message[0] = '\0';
    if (c == NULL)
        return fail(HH_ERROR_NULL, message, message_size, "the cable case pointer is NULL");
    status = check_run(HH_STAGGERED_CN, HH_CURRENT, c->dt, c->steps, c->record_every, c->spike_threshold, &c->params,
                       c->temperature, c->V0, message, message_size);
    if (status != HH_OK)
        return status;
#define CHECK_GEOMETRY(name, default_value, low, low_excluded, high, unit)                                      \
    if (check_range(#name, "", c->name, low, low_excluded, high, #low ", " #high "]", unit, message, message_size)) \
        return HH_ERROR_INVALID;
    HH_CABLE_GEOMETRY(CHECK_GEOMETRY)
#undef CHECK_GEOMETRY
    if (c->nseg < 1)
        return fail(HH_ERROR_INVALID, message, message_size, "nseg = %lld must be at least 1", (long long)c->nseg);
    if (c->nseg > HH_CABLE_NSEG_MAX)
        return fail(HH_ERROR_INVALID, message, message_size, "nseg = %lld is larger than nseg_max = %lld",
                    (long long)c->nseg, (long long)HH_CABLE_NSEG_MAX);
    if (c->record_gates != 0 && c->record_gates != 1)
        return fail(HH_ERROR_INVALID, message, message_size, "record_gates must be true or false (1 or 0), got %d",
                    c->record_gates);
    if (hh_resolve_isa(c->isa) < 0)
        return fail(HH_ERROR_INVALID, message, message_size,
                    "instruction set %d is not available in this build on this CPU", c->isa);
    if (c->n_sites < 1)
        return fail(HH_ERROR_INVALID, message, message_size,
                    "sites must be a non-empty list of node indices, got n_sites = %lld", (long long)c->n_sites);
    if (c->sites == NULL)
        return fail(HH_ERROR_NULL, message, message_size, "sites is NULL but n_sites = %lld", (long long)c->n_sites);
    for (j = 0; j < c->n_sites; j++) {
        status = check_node("sites", c->sites[j], c->nseg, message, message_size);
        if (status != HH_OK)
            return status;
        if (j > 0 && c->sites[j] <= c->sites[j - 1])
            return fail(HH_ERROR_INVALID, message, message_size,
                        "sites must be distinct and in increasing order, but site %lld is %lld after %lld", (long long)j,
                        (long long)c->sites[j], (long long)c->sites[j - 1]);
    }
    if (c->n_pulses < 0)
        return fail(HH_ERROR_INVALID, message, message_size, "n_pulses = %lld must not be negative",
                    (long long)c->n_pulses);
    if (c->n_pulses > 0 && c->pulses == NULL)
        return fail(HH_ERROR_NULL, message, message_size, "pulses is NULL but n_pulses = %lld", (long long)c->n_pulses);
    for (j = 0; j < c->n_pulses; j++) {
        status = check_pulse(c->pulses[j].start, c->pulses[j].stop, c->pulses[j].amplitude, j, message, message_size);
        if (status == HH_OK)
            status = check_node("node", c->pulses[j].node, c->nseg, message, message_size);
        if (status != HH_OK)
            return status;
    }
    return HH_OK;
}
