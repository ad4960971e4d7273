/*
 * pyhh_fast32.c: the HH_FLOAT32 kernel of hh_run_batch: the engine's run loop
 * (hh_core.h) with the float rendering of the model (hh_model_float32.h).
 *
 * Hand-written. Every state, rate and parameter is a float, twice the
 * vector lanes of the double kernels; times and recorded rows stay double.
 * Results are within the spec's float32 tolerance (spec §11.2).
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast", "no-trapping-math")
#endif

#include "hh_model_float32.h"

#define HH_CORE_ENTRY hh_run_block_float32
#include "hh_core.h"
