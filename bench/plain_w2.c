/*
 * The bench's baseline for W2, written by hand with no pyhh code: forward
 * Euler for 10,000 HH neurons, neuron k at 20 k / 9999 uA/cm^2, 100 ms at
 * dt = 0.01 ms, spike counts only (an upward crossing of 50 mV). Structure
 * of arrays in blocks of 256 neurons, the HH 1952 constants inline, three
 * exponentials per neuron-step by the algebra (30 - V) / 10 = (25 - V) / 10
 * + 0.5, (10 - V) / 10 = (25 - V) / 10 - 1.5 and exp(-V / 20) = exp(-V / 80)^4.
 * bench/bench.py compiles it with -O3 -march=native -ffast-math -fopenmp, so
 * that the compiler calls glibc's vector exp, and runs it on every core.
 * Prints the median seconds of `repeats` runs, then the spike counts' sum.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c99 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 10000
#define STEPS 10000
#define BLOCK 256
#define DT 0.01

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void run_block(int first, int size, long *counts)
{
    double V[BLOCK], m[BLOCK], h[BLOCK], n[BLOCK], I[BLOCK];
    long spikes[BLOCK];
    double e25 = exp(2.5) - 1.0, e10 = exp(1.0) - 1.0;
    double am = 2.5 / e25, bm = 4.0, ah = 0.07, bh = 1.0 / (exp(3.0) + 1.0), an = 0.1 / e10, bn = 0.125;
    for (int j = 0; j < size; j++) {
        V[j] = 0.0;
        m[j] = am / (am + bm);
        h[j] = ah / (ah + bh);
        n[j] = an / (an + bn);
        I[j] = 20.0 * (first + j) / (N - 1);
        spikes[j] = 0;
    }
    for (int k = 0; k < STEPS; k++) {
#pragma omp simd
        for (int j = 0; j < size; j++) {
            double v = V[j];
            double x = (25.0 - v) / 10.0;
            double e = exp(x);
            double e80 = exp(-v / 80.0);
            double e20 = (e80 * e80) * (e80 * e80);
            double xs = x == 0.0 ? 1e-300 : x;
            double alpha_m = xs / (e - 1.0);
            double beta_m = 4.0 * exp(-v / 18.0);
            double alpha_h = 0.07 * e20;
            double beta_h = 1.0 / (1.6487212707001282 * e + 1.0);
            double y = x - 1.5;
            double ys = y == 0.0 ? 1e-300 : y;
            double alpha_n = 0.1 * ys / (0.22313016014842982 * e - 1.0);
            double beta_n = 0.125 * e80;
            double mm = m[j], hh = h[j], nn = n[j];
            double I_Na = 120.0 * mm * mm * mm * hh * (v - 115.0);
            double I_K = 36.0 * nn * nn * nn * nn * (v + 12.0);
            double I_L = 0.3 * (v - 10.6);
            double v_next = v + DT * (I[j] - I_Na - I_K - I_L);
            m[j] = mm + DT * (alpha_m * (1.0 - mm) - beta_m * mm);
            h[j] = hh + DT * (alpha_h * (1.0 - hh) - beta_h * hh);
            n[j] = nn + DT * (alpha_n * (1.0 - nn) - beta_n * nn);
            spikes[j] += v < 50.0 && v_next >= 50.0;
            V[j] = v_next;
        }
    }
    for (int j = 0; j < size; j++)
        counts[first + j] = spikes[j];
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 3;
    static long counts[N];
    double times[32];
    long total = 0;
    if (repeats < 1 || repeats > 32)
        return 2;
    for (int r = 0; r < repeats; r++) {
        double start = now();
#pragma omp parallel for schedule(dynamic)
        for (int first = 0; first < N; first += BLOCK)
            run_block(first, first + BLOCK <= N ? BLOCK : N - first, counts);
        times[r] = now() - start;
    }
    for (int r = 1; r < repeats; r++) /* insertion sort for the median */
        for (int s = r; s > 0 && times[s] < times[s - 1]; s--) {
            double t = times[s];
            times[s] = times[s - 1];
            times[s - 1] = t;
        }
    for (int j = 0; j < N; j++)
        total += counts[j];
    printf("%.6f %ld\n", times[repeats / 2], total);
    return 0;
}
