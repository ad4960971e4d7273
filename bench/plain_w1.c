/*
 * The bench's strict baseline for W1, written by hand with no pyhh code:
 * forward Euler for one HH neuron at 10 uA/cm^2, 100,000 steps of 0.01 ms,
 * every column of every row recorded (t, V, m, h, n, I_Na, I_K, I_L, I_stim)
 * and the spikes counted, in the spec's operation order with the C library's
 * exp. bench/bench.py compiles it with strict IEEE flags (-O2
 * -ffp-contract=off -fno-fast-math), as pyhh's exact kernel is compiled.
 * Prints the median seconds of `repeats` runs, the spike count and the last V.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c99 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define STEPS 100000
#define DT 0.01
#define COLUMNS 9

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double exprel(double x)
{
    return x == 0.0 ? 1.0 : expm1(x) / x;
}

static long run(double *rows)
{
    double V = 0.0, I = 10.0;
    double am = 0.1 * 25.0 / expm1(2.5), bm = 4.0, ah = 0.07, bh = 1.0 / (exp(3.0) + 1.0);
    double an = 0.01 * 10.0 / expm1(1.0), bn = 0.125;
    double m = am / (am + bm), h = ah / (ah + bh), n = an / (an + bn);
    long spikes = 0;
    for (long k = 0; k < STEPS; k++) {
        double alpha_m = 1.0 / exprel((25.0 - V) / 10.0), beta_m = 4.0 * exp(-V / 18.0);
        double alpha_h = 0.07 * exp(-V / 20.0), beta_h = 1.0 / (exp((30.0 - V) / 10.0) + 1.0);
        double alpha_n = 0.1 / exprel((10.0 - V) / 10.0), beta_n = 0.125 * exp(-V / 80.0);
        double I_Na = (((120.0 * m) * m) * m) * h * (V - 115.0);
        double I_K = (((36.0 * n) * n) * n) * n * (V + 12.0);
        double I_L = 0.3 * (V - 10.6);
        double *row = rows + k * COLUMNS;
        double V_next;
        row[0] = (double)k * DT;
        row[1] = V;
        row[2] = m;
        row[3] = h;
        row[4] = n;
        row[5] = I_Na;
        row[6] = I_K;
        row[7] = I_L;
        row[8] = I;
        V_next = V + DT * (((I - I_Na) - I_K) - I_L);
        m = m + DT * (alpha_m * (1.0 - m) - beta_m * m);
        h = h + DT * (alpha_h * (1.0 - h) - beta_h * h);
        n = n + DT * (alpha_n * (1.0 - n) - beta_n * n);
        spikes += V < 50.0 && V_next >= 50.0;
        V = V_next;
    }
    return spikes;
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 15;
    double times[64];
    long spikes = 0;
    double last_V = 0.0;
    double *rows;
    if (repeats < 1 || repeats > 64)
        return 2;
    for (int r = 0; r < repeats; r++) {
        double start = now();
        rows = malloc(sizeof(double) * STEPS * COLUMNS); /* a fresh buffer each run, as a caller gets */
        if (rows == NULL)
            return 1;
        spikes = run(rows);
        times[r] = now() - start;
        last_V = rows[(STEPS - 1) * COLUMNS + 1];
        free(rows);
    }
    for (int r = 1; r < repeats; r++) /* insertion sort for the median */
        for (int s = r; s > 0 && times[s] < times[s - 1]; s--) {
            double t = times[s];
            times[s] = times[s - 1];
            times[s - 1] = t;
        }
    printf("%.6f %ld %.17g\n", times[repeats / 2], spikes, last_V);
    return 0;
}
