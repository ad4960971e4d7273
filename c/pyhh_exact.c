/*
 * pyhh_exact.c: the HH_EXACT kernel, hh_run's and hh_run_batch's: the
 * engine's run loop (hh_core.h) with the spec's model functions (hh_model.h).
 *
 * Hand-written. Every lane of every vector computes the reference's
 * operations in the reference's order, so the results equal the Python
 * reference's bit for bit on every CPU and with every instruction set
 * (spec §11.1). Never compile it with -ffast-math; the pragma below forbids
 * fused multiply-adds even where the compiler's default would contract
 * a * b + c (GCC and Clang on aarch64). GCC may also assume that no
 * floating-point operation traps (no result changes), so that it can
 * compute both sides of a select in a vector loop.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off", "no-trapping-math")
#endif

#include "hh_model.h"

#define HH_CORE_ENTRY hh_run_block_exact
#include "hh_core.h"

double hh_temperature_factor(double temperature)
{
    return temperature_factor(temperature);
}
