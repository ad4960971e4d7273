/*
 * Bad input straight to the C API: every call must return the documented
 * status, never crash, and never write outside the buffers it was given.
 * Built and run by tests/test_c.py, normally and under AddressSanitizer and
 * UndefinedBehaviorSanitizer. Prints "N passed, N failed".
 */
#include "pyhh.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int passed, failed;

static void expect(int got, int want, const char *what, const char *message)
{
    if (got == want) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s: status %d, expected %d (%s)\n", what, got, want, message);
    }
}

/* A fresh default case and output whose buffers have guard values around them. */
typedef struct {
    hh_case c;
    hh_output o;
    double rows[12 * HH_COLUMNS + 2];
    double spikes[4 + 2];
} fixture;

static void setup(fixture *f, int64_t steps)
{
    memset(f, 0, sizeof *f);
    hh_default_case(&f->c);
    f->c.steps = steps;
    f->rows[0] = f->rows[12 * HH_COLUMNS + 1] = -12345.0;
    f->spikes[0] = f->spikes[5] = -12345.0;
    f->o.rows = f->rows + 1;
    f->o.rows_capacity = 12;
    f->o.spikes = f->spikes + 1;
    f->o.spikes_capacity = 4;
}

static void check_guards(fixture *f, const char *what)
{
    int ok = f->rows[0] == -12345.0 && f->rows[12 * HH_COLUMNS + 1] == -12345.0
             && f->spikes[0] == -12345.0 && f->spikes[5] == -12345.0;
    expect(ok, 1, what, "guard values around the buffers changed");
}

static void run(fixture *f, int want, const char *what)
{
    expect(hh_run(&f->c, &f->o), want, what, f->o.message);
    check_guards(f, what);
}

/* The batch API: bad arguments return the documented status and leave the
   guard values around every output array untouched. */
static void test_batch(void)
{
    enum { N = 5 };
    double values[9][N + 2], drive[N + 2], traces[2 * HH_COLUMNS * N + 2], times[N * 3 + 2];
    int64_t counts[N + 2], fails[N + 2];
    hh_batch b;
    hh_batch_output o;
    const double defaults[9] = {1.0, 120.0, 36.0, 0.3, 115.0, -12.0, 10.6, 6.3, 0.0};
    int a, v, i, status;
    for (a = 0; a < 2; a++) {
        for (v = 0; v < 9; v++)
            for (i = 0; i < N + 2; i++)
                values[v][i] = defaults[v];
        for (i = 0; i < N + 2; i++)
            drive[i] = 10.0;
        memset(&b, 0, sizeof b);
        b.method = HH_RK4;
        b.dt = 0.01;
        b.steps = 20;
        b.record_every = 10;
        b.n = N;
        b.spike_threshold = 50.0;
        b.C_m = values[0] + 1;
        b.g_Na = values[1] + 1;
        b.g_K = values[2] + 1;
        b.g_L = values[3] + 1;
        b.E_Na = values[4] + 1;
        b.E_K = values[5] + 1;
        b.E_L = values[6] + 1;
        b.temperature = values[7] + 1;
        b.V0 = values[8] + 1;
        b.drive_per_neuron = drive + 1;
        memset(&o, 0, sizeof o);
        counts[0] = counts[N + 1] = fails[0] = fails[N + 1] = -777;
        traces[0] = traces[2 * HH_COLUMNS * N + 1] = times[0] = times[N * 3 + 1] = -7.0;
        o.spike_counts = counts + 1;
        o.fail_steps = fails + 1;
        o.spike_times = times + 1;
        o.spike_capacity = 3;
        o.traces = traces + 1;
        o.rows_capacity = 2;
        expect(hh_run_batch(&b, &o, 0, N, a), HH_OK, "batch ok", o.message);
        expect(hh_run_batch(&b, &o, 2, 3, a), HH_OK, "batch sub-range", o.message);
        expect(hh_run_batch(&b, &o, 3, 3, a), HH_ERROR_INVALID, "batch range past n", o.message);
        expect(hh_run_batch(&b, &o, -1, 2, a), HH_ERROR_INVALID, "batch negative first", o.message);
        expect(hh_run_batch(&b, &o, 0, N, 7), HH_ERROR_INVALID, "unknown accuracy", o.message);
        expect(hh_run_batch(NULL, &o, 0, N, a), HH_ERROR_NULL, "NULL batch", "");
        expect(hh_run_batch(&b, NULL, 0, N, a), HH_ERROR_NULL, "NULL batch output", "");
        b.drive_shared = drive;
        expect(hh_run_batch(&b, &o, 0, N, a), HH_ERROR_INVALID, "two drive forms", o.message);
        b.drive_shared = NULL;
        b.g_K = NULL;
        expect(hh_run_batch(&b, &o, 0, N, a), HH_ERROR_NULL, "NULL parameter array", o.message);
        b.g_K = values[2] + 1;
        values[4][3] = NAN;
        expect(hh_run_batch(&b, &o, 0, N, a), HH_ERROR_INVALID, "NaN E_Na of neuron 2", o.message);
        values[4][3] = 115.0;
        drive[2] = INFINITY;
        expect(hh_run_batch(&b, &o, 0, N, a), HH_ERROR_INVALID, "inf drive of neuron 1", o.message);
        drive[2] = 10.0;
        o.rows_capacity = 1;
        expect(hh_run_batch(&b, &o, 0, N, a), HH_ERROR_CAPACITY, "traces too small", o.message);
        o.rows_capacity = 2;
        o.spike_counts = NULL;
        expect(hh_run_batch(&b, &o, 0, N, a), HH_ERROR_NULL, "no spike counts", o.message);
        o.spike_counts = counts + 1;
        b.dt = 0.5; /* rk4 blows up: every neuron stops with its step, nothing crashes */
        b.steps = 200;
        b.record_every = 100;
        status = hh_run_batch(&b, &o, 0, N, a);
        expect(status == HH_OK && o.fail_steps[0] > 0 && o.fail_steps[N - 1] == o.fail_steps[0], 1, "batch blow-up", o.message);
        expect(counts[0] == -777 && counts[N + 1] == -777 && fails[0] == -777 && fails[N + 1] == -777
               && traces[0] == -7.0 && traces[2 * HH_COLUMNS * N + 1] == -7.0 && times[0] == -7.0
               && times[N * 3 + 1] == -7.0, 1, "batch guard values", "");
    }
}

int main(void)
{
    fixture f;
    double waveform[12];
    hh_pulse pulse = {0, 5, 10.0};
    int i;

    setup(&f, 10);
    run(&f, HH_OK, "a valid case");
    expect(f.o.n_rows == 10, 1, "rows written", "");

    expect(hh_run(NULL, &f.o), HH_ERROR_NULL, "NULL case", "");
    expect(hh_run(&f.c, NULL), HH_ERROR_NULL, "NULL output", "");
    expect(hh_check_case(NULL, NULL, 0), HH_ERROR_NULL, "NULL case, no message buffer", "");

    setup(&f, 10); f.c.dt = 0.0; run(&f, HH_ERROR_INVALID, "dt = 0");
    setup(&f, 10); f.c.dt = -1.0; run(&f, HH_ERROR_INVALID, "dt < 0");
    setup(&f, 10); f.c.dt = NAN; run(&f, HH_ERROR_INVALID, "dt NaN");
    setup(&f, 10); f.c.dt = INFINITY; run(&f, HH_ERROR_INVALID, "dt inf");
    setup(&f, 0); run(&f, HH_ERROR_INVALID, "steps = 0");
    setup(&f, -3); run(&f, HH_ERROR_INVALID, "steps < 0");
    setup(&f, ((int64_t)1 << 53) + 1); run(&f, HH_ERROR_INVALID, "steps > 2^53");
    setup(&f, 10); f.c.record_every = 0; run(&f, HH_ERROR_INVALID, "record_every = 0");
    setup(&f, 10); f.c.record_every = 11; run(&f, HH_ERROR_INVALID, "record_every > steps");
    setup(&f, 10); f.c.method = HH_METHODS; run(&f, HH_ERROR_INVALID, "method out of range");
    setup(&f, 10); f.c.method = -1; run(&f, HH_ERROR_INVALID, "negative method");
    setup(&f, 10); f.c.mode = 2; run(&f, HH_ERROR_INVALID, "mode out of range");
    setup(&f, 10); f.c.params.C_m = 0.0; run(&f, HH_ERROR_INVALID, "C_m = 0");
    setup(&f, 10); f.c.params.g_K = -1.0; run(&f, HH_ERROR_INVALID, "g_K < 0");
    setup(&f, 10); f.c.params.E_Na = NAN; run(&f, HH_ERROR_INVALID, "E_Na NaN");
    setup(&f, 10); f.c.temperature = INFINITY; run(&f, HH_ERROR_INVALID, "temperature inf");
    setup(&f, 10); f.c.V0 = 1e9; run(&f, HH_ERROR_INVALID, "V0 out of range");
    setup(&f, 10); f.c.spike_threshold = NAN; run(&f, HH_ERROR_INVALID, "threshold NaN");

    for (i = 0; i < 12; i++)
        waveform[i] = 1.0;
    setup(&f, 10); f.c.waveform = waveform; f.c.waveform_length = 12; run(&f, HH_ERROR_INVALID, "waveform too long");
    setup(&f, 10); f.c.waveform = waveform; f.c.waveform_length = 9; run(&f, HH_ERROR_INVALID, "waveform too short");
    waveform[3] = NAN;
    setup(&f, 10); f.c.waveform = waveform; f.c.waveform_length = 10; run(&f, HH_ERROR_INVALID, "waveform NaN");
    waveform[3] = 1.0;
    setup(&f, 10); f.c.waveform = waveform; f.c.waveform_length = 10; run(&f, HH_OK, "waveform ok");

    setup(&f, 10); f.c.n_pulses = 1; run(&f, HH_ERROR_NULL, "pulses NULL");
    setup(&f, 10); f.c.n_pulses = -1; run(&f, HH_ERROR_INVALID, "n_pulses < 0");
    pulse.start = -1;
    setup(&f, 10); f.c.pulses = &pulse; f.c.n_pulses = 1; run(&f, HH_ERROR_INVALID, "pulse start < 0");
    pulse.start = 6;
    setup(&f, 10); f.c.pulses = &pulse; f.c.n_pulses = 1; run(&f, HH_ERROR_INVALID, "pulse stop < start");
    pulse.start = 0; pulse.amplitude = INFINITY;
    setup(&f, 10); f.c.pulses = &pulse; f.c.n_pulses = 1; run(&f, HH_ERROR_INVALID, "pulse amplitude inf");

    setup(&f, 13); run(&f, HH_ERROR_CAPACITY, "too many rows for the buffer");
    setup(&f, 10); f.o.rows = NULL; run(&f, HH_ERROR_CAPACITY, "rows NULL");
    setup(&f, 10); f.o.spikes = NULL; run(&f, HH_ERROR_NULL, "spikes NULL with capacity");
    setup(&f, 10); f.o.spikes_capacity = -1; run(&f, HH_ERROR_INVALID, "negative spikes capacity");
    setup(&f, 10); f.c.waveform_length = 10; run(&f, HH_ERROR_NULL, "NULL waveform with a length");

    /* Many spikes into a buffer of 4: the rows are all written, the excess is reported. */
    pulse.start = 0; pulse.stop = 1000000; pulse.amplitude = 20.0;
    setup(&f, 12000); f.c.record_every = 1000; f.c.pulses = &pulse; f.c.n_pulses = 1;
    run(&f, HH_SPIKES_TRUNCATED, "spike buffer overflow reported");
    expect(f.o.n_spikes > 4 && f.o.n_rows == 12, 1, "truncation counts every spike", "");

    /* Forward Euler at dt = 0.1 ms blows up: the failing step is reported. */
    pulse.amplitude = 10.0;
    setup(&f, 100); f.c.method = HH_EULER; f.c.dt = 0.1; f.c.record_every = 10; f.c.pulses = &pulse; f.c.n_pulses = 1;
    run(&f, HH_ERROR_NONFINITE, "euler blow-up");
    expect(f.o.fail_step == 33, 1, "blow-up step", f.o.message);

    /* Absurd but accepted inputs: never a crash. */
    setup(&f, 12); f.c.method = HH_RK4; f.c.params.C_m = 1e-3; f.c.dt = 1e300;
    i = hh_run(&f.c, &f.o);
    expect(i == HH_OK || i == HH_ERROR_NONFINITE, 1, "absurd dt", f.o.message);
    check_guards(&f, "absurd dt");

    test_batch();

    expect(hh_rows_needed(10, 3), 4, "rows needed", "");
    expect(hh_rows_needed(0, 3) == -1, 1, "rows needed of 0 steps", "");

    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
