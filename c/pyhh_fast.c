/*
 * pyhh_fast.c: the HH_FAST kernel of hh_run_batch: the engine's run loop
 * (hh_core.h) with the fast rendering of the model (hh_model_fast.h).
 *
 * Hand-written. Results are within the spec's float64 tolerance (spec
 * §11.2), not bit-identical: the pragma lets GCC contract a * b + c into
 * fused multiply-adds and assume that no floating-point operation traps.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast", "no-trapping-math")
#endif

#include "hh_model_fast.h"

#define HH_CORE_ENTRY hh_run_block_fast
#include "hh_core.h"
