/*
 * exact_math.c: the C port's exp, expm1 (spec §4.1) and temperature factor
 * (§3.2) of every argument on standard input, for tests/test_exact_math.py.
 *
 * Each input line is "e X", "m X" or "p X" (exp, expm1 or phi of a temperature),
 * X the 16 hexadecimal digits of a double's bits; each output line is the
 * result's bits the same way, so that no decimal conversion stands between the
 * two sides. It includes c/pyhh_exact.c itself to reach its static functions, and is
 * built with the Makefile's flags and, for aarch64, with the cross compiler's
 * default ones.
 */
#include "pyhh_exact.c"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    char kind;
    char text[32];
    while (scanf(" %c %31s", &kind, text) == 2) {
        uint64_t bits = strtoull(text, NULL, 16);
        double x, y;
        memcpy(&x, &bits, sizeof x);
        switch (kind) {
        case 'e':
            y = hh_exp(x);
            break;
        case 'm':
            y = hh_expm1(x);
            break;
        case 'p':
            y = temperature_factor(x);
            break;
        default:
            fprintf(stderr, "unknown function %c\n", kind);
            return 2;
        }
        memcpy(&bits, &y, sizeof bits);
        printf("%016" PRIx64 "\n", bits);
    }
    return 0;
}
