/*
 * hh_trace: run a golden case file on the C kernel and print its trace as CSV.
 *
 *     hh_trace [--spikes SPIKES.txt] CASE.json [OUT.csv]
 *
 * This is the C port's example program and its conformance-protocol command
 * (spec §11.4, spec/PORTING.md): it reads a case file (spec §10.1), runs it
 * with hh_run, and writes the header t,V,m,h,n,I_Na,I_K,I_L,I_stim and one line
 * per recorded row, every value as %.17g (it reads back as the same double);
 * with --spikes, also the every-step spike times, one per line.
 * Exit status (spec §11.4): 0 success; 2 a usage error, a case file that
 * cannot be read or is invalid (the message names the key); 3 the run left
 * the finite range (the message names the step); 1 out of memory or an
 * output that cannot be written.
 *
 * Hand-written (not generated): a minimal JSON reader and the case-file
 * mapping. Build: `make c` (see README), or
 *     cc -std=c99 -O2 -ffp-contract=off c/hh_trace.c c/pyhh.c c/pyhh_fast.c -lm -o hh_trace
 */
#include "pyhh.h"
#include "hh_model_tables.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- A minimal JSON reader: enough for case files. ---- */

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json {
    json_type type;
    double number;
    int is_integer;        /* a number written without '.', 'e' or 'E' */
    int beyond_2_53;       /* an integer literal of magnitude above 2^53 (not exact in a double) */
    int beyond_double;     /* a literal beyond the largest double (strtod gave an infinity) */
    char *string;          /* JSON_STRING */
    size_t n;              /* number of items (array) or members (object) */
    size_t capacity;       /* items (and keys) allocated */
    struct json *items;    /* array items, or object values */
    char **keys;           /* object keys */
} json;

typedef struct {
    const char *text;
    size_t pos;
    char error[200];
} json_reader;

/* Spec §10.1: at most this many arrays and objects open at once (the top-level
   object counts); a valid case file needs 4. The reader recurses once per level. */
#define JSON_MAX_DEPTH 32

/* A key as a message shows it: about 60 bytes at most (never cut inside a UTF-8
   sequence), control characters as \u00XX, so that the message stays one line
   (spec §11.4). */
static const char *shown_key(const char *key, char *out, size_t size)
{
    size_t i, n = 0;
    for (i = 0; key[i] != '\0' && n + 7 < size && (i < 60 || ((unsigned char)key[i] & 0xC0) == 0x80); i++) {
        unsigned char c = (unsigned char)key[i];
        if (c < 0x20 || c == 0x7F)
            n += (size_t)snprintf(out + n, size - n, "\\u%04x", c);
        else
            out[n++] = (char)c;
    }
    out[n] = '\0';
    return out;
}

static int json_value(json_reader *r, json *out, int depth);

static void skip_space(json_reader *r)
{
    while (r->text[r->pos] == ' ' || r->text[r->pos] == '\t' || r->text[r->pos] == '\n' || r->text[r->pos] == '\r')
        r->pos++;
}

static int json_fail(json_reader *r, const char *what)
{
    if (r->error[0] == '\0')
        snprintf(r->error, sizeof r->error, "%s at character %lu", what, (unsigned long)r->pos);
    return 0;
}

/* The value of the four hex digits at s, or -1. */
static long hex4(const char *s)
{
    long value = 0;
    int i;
    for (i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        value = value * 16 + d;
    }
    return value;
}

/* Append code point cp to s as UTF-8; returns the new length. */
static size_t put_utf8(char *s, size_t len, long cp)
{
    if (cp < 0x80) {
        s[len++] = (char)cp;
    } else if (cp < 0x800) {
        s[len++] = (char)(0xC0 | (cp >> 6));
        s[len++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        s[len++] = (char)(0xE0 | (cp >> 12));
        s[len++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[len++] = (char)(0x80 | (cp & 0x3F));
    } else {
        s[len++] = (char)(0xF0 | (cp >> 18));
        s[len++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[len++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[len++] = (char)(0x80 | (cp & 0x3F));
    }
    return len;
}

/* The length of the UTF-8 sequence at s (RFC 3629: no overlongs, surrogates or
   code points above U+10FFFF), or 0 if it is not one. */
static size_t utf8_length(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

/* A JSON string (RFC 8259 §7): no raw control characters, only the listed
   escapes, \u escapes (surrogate pairs included) decoded to UTF-8, and the
   raw bytes valid UTF-8. Spec §10.1 also refuses \u0000 and lone surrogates. */
static int json_string(json_reader *r, char **out)
{
    size_t start = ++r->pos, len = 0, n;
    char *s;
    while (r->text[r->pos] != '"') {
        unsigned char c = (unsigned char)r->text[r->pos];
        if (c == '\0')
            return json_fail(r, "unterminated string");
        if (c < 0x20)
            return json_fail(r, "a control character inside a string");
        if (c == '\\') {
            r->pos += r->text[r->pos + 1] != '\0' ? 2 : 1;
            continue;
        }
        n = utf8_length((const unsigned char *)r->text + r->pos);
        if (n == 0)
            return json_fail(r, "not UTF-8");
        r->pos += n;
    }
    s = malloc(r->pos - start + 1);
    if (s == NULL)
        return json_fail(r, "out of memory");
    for (n = start; n < r->pos; n++) {
        char c = r->text[n];
        long cp, low;
        int ok = 1;
        if (c != '\\') {
            s[len++] = c;
            continue;
        }
        c = r->text[++n];
        switch (c) {
        case '"': case '\\': case '/': s[len++] = c; break;
        case 'n': s[len++] = '\n'; break;
        case 't': s[len++] = '\t'; break;
        case 'r': s[len++] = '\r'; break;
        case 'b': s[len++] = '\b'; break;
        case 'f': s[len++] = '\f'; break;
        case 'u': /* hex4 stops at the first non-hex character, so it never reads past the string */
            cp = hex4(r->text + n + 1);
            if (cp < 0) {
                ok = 0;
                break;
            }
            if (cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) { /* spec §10.1: no NUL, no lone low surrogate */
                free(s);
                return json_fail(r, cp == 0 ? "a \\u0000 (NUL) escape in a string" : "a lone surrogate escape in a string");
            }
            n += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) { /* a high surrogate needs its low one */
                low = r->text[n + 1] == '\\' && r->text[n + 2] == 'u' ? hex4(r->text + n + 3) : -1;
                if (low < 0xDC00 || low > 0xDFFF) {
                    free(s);
                    return json_fail(r, "a lone surrogate escape in a string");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                n += 6;
            }
            len = put_utf8(s, len, cp);
            break;
        default:
            ok = 0;
        }
        if (!ok) {
            free(s);
            return json_fail(r, "a bad escape in a string");
        }
    }
    s[len] = '\0';
    r->pos++;
    *out = s;
    return 1;
}

/* The length of a JSON number at s (RFC 8259: -?int frac? exp?), or 0. */
static size_t json_number_length(const char *s)
{
    size_t i = 0, digits;
    if (s[i] == '-')
        i++;
    if (s[i] == '0')
        i++;
    else if (s[i] >= '1' && s[i] <= '9')
        while (s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return 0;
    if (s[i] == '.') {
        for (digits = 0, i++; s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
        if (digits == 0)
            return 0;
    }
    if (s[i] == 'e' || s[i] == 'E') {
        i++;
        if (s[i] == '+' || s[i] == '-')
            i++;
        for (digits = 0; s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
        if (digits == 0)
            return 0;
    }
    return i;
}

static int json_number(json_reader *r, json *out)
{
    const char *start = r->text + r->pos;
    char *end;
    size_t i, length = json_number_length(start);
    if (length == 0)
        return json_fail(r, *start == '-' || (*start >= '0' && *start <= '9') ? "bad number" : "expected a value");
    errno = 0;
    out->number = strtod(start, &end);
    if ((size_t)(end - start) != length)
        return json_fail(r, "bad number");
    out->beyond_double = errno == ERANGE && isinf(out->number); /* rejected by the key's reader; underflow is fine */
    out->type = JSON_NUMBER;
    out->is_integer = 1;
    for (i = 0; start + i < end; i++)
        if (start[i] == '.' || start[i] == 'e' || start[i] == 'E')
            out->is_integer = 0;
    if (out->is_integer) { /* compare the digits with 2^53 = 9007199254740992, exactly */
        const char *digits = start[0] == '-' ? start + 1 : start;
        size_t count = (size_t)(end - digits);
        out->beyond_2_53 = count > 16 || (count == 16 && strncmp(digits, "9007199254740992", 16) > 0);
    }
    r->pos += (size_t)(end - start);
    return 1;
}

/* Append an item (and its key, in an object); the arrays double when full, so
   that reading n items costs O(n). */
static int json_push(json_reader *r, json *out, char *key)
{
    if (out->n == out->capacity) {
        size_t capacity = out->capacity == 0 ? 8 : 2 * out->capacity;
        json *items = realloc(out->items, capacity * sizeof *items);
        if (items == NULL)
            return json_fail(r, "out of memory");
        out->items = items;
        if (out->type == JSON_OBJECT) {
            char **keys = realloc(out->keys, capacity * sizeof *keys);
            if (keys == NULL)
                return json_fail(r, "out of memory");
            out->keys = keys;
        }
        out->capacity = capacity;
    }
    memset(&out->items[out->n], 0, sizeof *out->items);
    if (out->type == JSON_OBJECT)
        out->keys[out->n] = key;
    out->n++;
    return 1;
}

/* A key of an object and its place among the object's members. */
typedef struct {
    const char *key;
    size_t index;
} json_key;

static int json_key_order(const void *a, const void *b)
{
    const json_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : x->index < y->index ? -1 : x->index > y->index;
}

/* Spec §10.1: no key of a complete object is given twice (keys compared as
   read, after unescaping). The keys are sorted (O(n log n), where comparing
   each new key with all before it took O(n^2): 200,000 keys took 50 s), and
   equal neighbours are duplicates; the message names the key whose second
   occurrence comes first in the file, as a check made while reading would. */
static int json_unique_keys(json_reader *r, const json *obj)
{
    json_key *sorted;
    size_t i, first = obj->n;
    if (obj->n < 2)
        return 1;
    sorted = malloc(obj->n * sizeof *sorted);
    if (sorted == NULL)
        return json_fail(r, "out of memory");
    for (i = 0; i < obj->n; i++) {
        sorted[i].key = obj->keys[i];
        sorted[i].index = i;
    }
    qsort(sorted, obj->n, sizeof *sorted, json_key_order);
    for (i = 1; i < obj->n; i++)
        if (sorted[i].index < first && strcmp(sorted[i - 1].key, sorted[i].key) == 0)
            first = sorted[i].index;
    free(sorted);
    if (first < obj->n) {
        char what[120], shown[80];
        snprintf(what, sizeof what, "duplicate key '%s'", shown_key(obj->keys[first], shown, sizeof shown));
        return json_fail(r, what);
    }
    return 1;
}

static int json_container(json_reader *r, json *out, int depth)
{
    char close = r->text[r->pos] == '[' ? ']' : '}';
    out->type = close == ']' ? JSON_ARRAY : JSON_OBJECT;
    r->pos++;
    skip_space(r);
    if (r->text[r->pos] == close) {
        r->pos++;
        return 1;
    }
    for (;;) {
        char *key = NULL;
        skip_space(r);
        if (out->type == JSON_OBJECT) {
            if (r->text[r->pos] != '"' || !json_string(r, &key))
                return json_fail(r, "expected a key");
            skip_space(r);
            if (r->text[r->pos] != ':') {
                free(key);
                return json_fail(r, "expected ':'");
            }
            r->pos++;
        }
        if (!json_push(r, out, key)) {
            free(key);
            return 0;
        }
        if (!json_value(r, &out->items[out->n - 1], depth + 1))
            return 0;
        skip_space(r);
        if (r->text[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->text[r->pos] == close) {
            r->pos++;
            return out->type == JSON_ARRAY || json_unique_keys(r, out);
        }
        return json_fail(r, "expected ',' or a closing bracket");
    }
}

static int json_value(json_reader *r, json *out, int depth)
{
    const char *p;
    skip_space(r);
    p = r->text + r->pos;
    if ((*p == '{' || *p == '[') && depth >= JSON_MAX_DEPTH) /* depth: the containers around this value */
        return json_fail(r, "nested too deeply (more than 32 arrays and objects open at once)");
    if (*p == '{' || *p == '[')
        return json_container(r, out, depth);
    if (*p == '"') {
        out->type = JSON_STRING;
        return json_string(r, &out->string);
    }
    if (strncmp(p, "true", 4) == 0 || strncmp(p, "false", 5) == 0) {
        out->type = JSON_BOOL;
        out->number = *p == 't'; /* 1 for true, 0 for false */
        r->pos += *p == 't' ? 4 : 5;
        return 1;
    }
    if (strncmp(p, "null", 4) == 0) {
        out->type = JSON_NULL;
        r->pos += 4;
        return 1;
    }
    return json_number(r, out);
}

static void json_free(json *v)
{
    size_t i;
    for (i = 0; i < v->n; i++) {
        json_free(&v->items[i]);
        if (v->keys != NULL)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
}

/* ---- The case file (spec §10.1) ---- */

typedef struct {
    hh_case c;
    double *waveform;
    hh_pulse *pulses;
    hh_cable_case cable;     /* a cable case (spec §13.10), when the file is one */
    int64_t *sites;
    hh_cable_pulse *cable_pulses;
    char error[300];
} case_file;

static int case_fail(case_file *f, const char *format, const char *what)
{
    snprintf(f->error, sizeof f->error, format, what);
    return 0;
}

static int get_number(case_file *f, const char *key, const json *v, double *out)
{
    if (v->type != JSON_NUMBER)
        return case_fail(f, "'%s' must be a number", key);
    if (v->beyond_2_53)
        return case_fail(f, "'%s' is an integer larger than 2^53 (write it with an exponent)", key);
    if (v->beyond_double)
        return case_fail(f, "'%s' is beyond the largest double: it must be finite", key);
    *out = v->number;
    return 1;
}

static int get_integer(case_file *f, const char *key, const json *v, int64_t *out)
{
    if (v->type != JSON_NUMBER || !v->is_integer)
        return case_fail(f, "'%s' must be an integer", key);
    if (v->beyond_2_53)
        return case_fail(f, "'%s' is larger than 2^53", key);
    *out = (int64_t)v->number;
    return 1;
}

static int get_choice(case_file *f, const char *key, const json *v, const char *const *names, int count, int *out)
{
    int i;
    if (v->type != JSON_STRING)
        return case_fail(f, "'%s' must be a string", key);
    for (i = 0; i < count; i++)
        if (strcmp(v->string, names[i]) == 0) {
            *out = i;
            return 1;
        }
    return case_fail(f, "unknown %s", key);
}

static int read_parameters(case_file *f, const json *v, hh_params *params)
{
    static const char *const names[] = {"C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L"};
    double *fields[7];
    size_t i;
    int j, found;
    char shown[80];
    fields[0] = &params->C_m;
    fields[1] = &params->g_Na;
    fields[2] = &params->g_K;
    fields[3] = &params->g_L;
    fields[4] = &params->E_Na;
    fields[5] = &params->E_K;
    fields[6] = &params->E_L;
    if (v->type != JSON_OBJECT)
        return case_fail(f, "'%s' must be an object", "parameters");
    for (i = 0; i < v->n; i++) {
        for (found = 0, j = 0; j < 7 && !found; j++)
            if (strcmp(v->keys[i], names[j]) == 0)
                found = get_number(f, names[j], &v->items[i], fields[j]) ? 1 : -1;
        if (found <= 0)
            return found < 0 ? 0 : case_fail(f, "unknown parameter '%s'", shown_key(v->keys[i], shown, sizeof shown));
    }
    return 1;
}

static int read_stimulus(case_file *f, const json *v)
{
    size_t i, j;
    char shown[80];
    if (v->type != JSON_OBJECT)
        return case_fail(f, "'%s' must be an object", "stimulus");
    for (i = 0; i < v->n; i++) {
        const json *item = &v->items[i];
        if (strcmp(v->keys[i], "waveform") == 0) {
            if (item->type != JSON_ARRAY)
                return case_fail(f, "'%s' must be an array", "waveform");
            f->waveform = malloc((item->n ? item->n : 1) * sizeof *f->waveform);
            if (f->waveform == NULL)
                return case_fail(f, "%s", "out of memory");
            for (j = 0; j < item->n; j++)
                if (!get_number(f, "waveform", &item->items[j], &f->waveform[j]))
                    return 0;
            f->c.waveform = f->waveform;
            f->c.waveform_length = (int64_t)item->n;
        } else if (strcmp(v->keys[i], "pulses") == 0) {
            if (item->type != JSON_ARRAY)
                return case_fail(f, "'%s' must be an array", "pulses");
            f->pulses = calloc(item->n ? item->n : 1, sizeof *f->pulses);
            if (f->pulses == NULL)
                return case_fail(f, "%s", "out of memory");
            for (j = 0; j < item->n; j++) {
                const json *p = &item->items[j];
                size_t k;
                int seen = 0;
                if (p->type != JSON_OBJECT) { /* an item has no key of its own: the array's is named (§10.1) */
                    snprintf(f->error, sizeof f->error, "'pulses' must hold objects, but item %lu is not one",
                             (unsigned long)j);
                    return 0;
                }
                for (k = 0; k < p->n; k++) {
                    const char *key = p->keys[k];
                    int ok;
                    if (strcmp(key, "start") == 0) {
                        ok = get_integer(f, key, &p->items[k], &f->pulses[j].start);
                        seen |= 1;
                    } else if (strcmp(key, "stop") == 0) {
                        ok = get_integer(f, key, &p->items[k], &f->pulses[j].stop);
                        seen |= 2;
                    } else if (strcmp(key, "amplitude") == 0) {
                        ok = get_number(f, key, &p->items[k], &f->pulses[j].amplitude);
                        seen |= 4;
                    } else {
                        ok = case_fail(f, "unknown pulse key '%s'", shown_key(key, shown, sizeof shown));
                    }
                    if (!ok)
                        return 0;
                }
                if (seen != 7)
                    return case_fail(f, "a pulse needs %s", "start, stop and amplitude");
            }
            f->c.pulses = f->pulses;
            f->c.n_pulses = (int64_t)item->n;
        } else {
            return case_fail(f, "unknown stimulus key '%s'", shown_key(v->keys[i], shown, sizeof shown));
        }
    }
    return 1;
}

/* Note in seen[] that key is one of the n required keys. */
static void mark_required(const char *key, const char *const *required, int n, int *seen)
{
    int i;
    for (i = 0; i < n; i++)
        if (strcmp(key, required[i]) == 0)
            seen[i] = 1;
}

/* Where the keys that a patch case and a cable case share go (§13.10: the same keys, the same rules). */
typedef struct {
    double *dt;
    int64_t *steps;
    int64_t *record_every;
    double *temperature;
    double *V0;
    double *spike_threshold;
    hh_params *params;
} shared_keys;

/* One of the shared keys: 1 read, 0 an error (f->error says which), -1 not one of them. */
static int read_shared_key(case_file *f, const char *key, const json *v, const shared_keys *to)
{
    if (strcmp(key, "name") == 0 || strcmp(key, "description") == 0)
        return v->type == JSON_STRING ? 1 : case_fail(f, "'%s' must be a string", key);
    if (strcmp(key, "dt") == 0)
        return get_number(f, key, v, to->dt);
    if (strcmp(key, "steps") == 0)
        return get_integer(f, key, v, to->steps);
    if (strcmp(key, "record_every") == 0)
        return get_integer(f, key, v, to->record_every);
    if (strcmp(key, "temperature") == 0)
        return get_number(f, key, v, to->temperature);
    if (strcmp(key, "V0") == 0)
        return get_number(f, key, v, to->V0);
    if (strcmp(key, "spike_threshold") == 0)
        return get_number(f, key, v, to->spike_threshold);
    if (strcmp(key, "parameters") == 0)
        return read_parameters(f, v, to->params);
    return -1;
}

static int read_case(case_file *f, const json *root)
{
    static const char *const methods[] = HH_METHOD_NAMES;
    static const char *const modes[] = {"current", "clamp"};
    static const char *const required[] = {"name", "method", "dt", "steps"};
    int seen[4] = {0, 0, 0, 0};
    shared_keys to;
    size_t i;
    int j, ok;
    char shown[80];
    hh_default_case(&f->c);
    to.dt = &f->c.dt, to.steps = &f->c.steps, to.record_every = &f->c.record_every;
    to.temperature = &f->c.temperature, to.V0 = &f->c.V0, to.spike_threshold = &f->c.spike_threshold;
    to.params = &f->c.params;
    if (root->type != JSON_OBJECT)
        return case_fail(f, "a case file must hold a JSON %s", "object");
    for (i = 0; i < root->n; i++) {
        const char *key = root->keys[i];
        const json *v = &root->items[i];
        mark_required(key, required, 4, seen);
        if ((ok = read_shared_key(f, key, v, &to)) >= 0)
            ;
        else if (strcmp(key, "method") == 0)
            ok = get_choice(f, key, v, methods, HH_METHODS, &f->c.method);
        else if (strcmp(key, "mode") == 0)
            ok = get_choice(f, key, v, modes, 2, &f->c.mode);
        else if (strcmp(key, "stimulus") == 0)
            ok = read_stimulus(f, v);
        else
            ok = case_fail(f, "unknown key '%s'", shown_key(key, shown, sizeof shown));
        if (!ok)
            return 0;
    }
    for (j = 0; j < 4; j++)
        if (!seen[j])
            return case_fail(f, "missing key '%s'", required[j]);
    return 1;
}

/* ---- The cable case file (spec §13.10) ---- */

/* §13.13: a case file is a cable case when it has `model`, or `sites` and no `method` (so
   that a cable case without `model` is told that key is missing). */
static int is_cable_file(const json *root)
{
    size_t i;
    int sites = 0, method = 0;
    for (i = 0; root->type == JSON_OBJECT && i < root->n; i++) {
        if (strcmp(root->keys[i], "model") == 0)
            return 1;
        sites |= strcmp(root->keys[i], "sites") == 0;
        method |= strcmp(root->keys[i], "method") == 0;
    }
    return sites && !method;
}

/* §13.10: the recording sites, an array of integers (their values are checked by hh_check_cable_case). */
static int read_sites(case_file *f, const json *v)
{
    size_t j;
    if (v->type != JSON_ARRAY)
        return case_fail(f, "'%s' must be an array of node indices", "sites");
    f->sites = malloc((v->n ? v->n : 1) * sizeof *f->sites);
    if (f->sites == NULL)
        return case_fail(f, "%s", "out of memory");
    for (j = 0; j < v->n; j++)
        if (!get_integer(f, "sites", &v->items[j], &f->sites[j]))
            return 0;
    f->cable.sites = f->sites;
    f->cable.n_sites = (int64_t)v->n;
    return 1;
}

/* §13.10: a cable's stimulus, {"pulses": [{"node", "start", "stop", "amplitude"}...]}. */
static int read_cable_stimulus(case_file *f, const json *v)
{
    static const char *const keys[] = {"node", "start", "stop", "amplitude"};
    size_t i, j, k;
    int key;
    char shown[80];
    if (v->type != JSON_OBJECT)
        return case_fail(f, "'%s' must be an object", "stimulus");
    for (i = 0; i < v->n; i++) {
        const json *item = &v->items[i];
        if (strcmp(v->keys[i], "pulses") != 0)
            return case_fail(f, "unknown stimulus key '%s'", shown_key(v->keys[i], shown, sizeof shown));
        if (item->type != JSON_ARRAY)
            return case_fail(f, "'%s' must be an array", "pulses");
        f->cable_pulses = calloc(item->n ? item->n : 1, sizeof *f->cable_pulses);
        if (f->cable_pulses == NULL)
            return case_fail(f, "%s", "out of memory");
        for (j = 0; j < item->n; j++) {
            const json *p = &item->items[j];
            hh_cable_pulse *pulse = &f->cable_pulses[j];
            int seen[4] = {0, 0, 0, 0}, ok = 1;
            if (p->type != JSON_OBJECT) { /* an item has no key of its own: the array's is named (§10.1) */
                snprintf(f->error, sizeof f->error, "'pulses' must hold objects, but item %lu is not one",
                         (unsigned long)j);
                return 0;
            }
            for (k = 0; k < p->n && ok; k++) {
                mark_required(p->keys[k], keys, 4, seen);
                if (strcmp(p->keys[k], "node") == 0)
                    ok = get_integer(f, "node", &p->items[k], &pulse->node);
                else if (strcmp(p->keys[k], "start") == 0)
                    ok = get_integer(f, "start", &p->items[k], &pulse->start);
                else if (strcmp(p->keys[k], "stop") == 0)
                    ok = get_integer(f, "stop", &p->items[k], &pulse->stop);
                else if (strcmp(p->keys[k], "amplitude") == 0)
                    ok = get_number(f, "amplitude", &p->items[k], &pulse->amplitude);
                else
                    ok = case_fail(f, "unknown pulse key '%s'", shown_key(p->keys[k], shown, sizeof shown));
            }
            if (!ok)
                return 0;
            for (key = 0; key < 4; key++)
                if (!seen[key])
                    return case_fail(f, "a pulse needs '%s'", keys[key]);
        }
        f->cable.pulses = f->cable_pulses;
        f->cable.n_pulses = (int64_t)item->n;
    }
    return 1;
}

static int read_cable_case(case_file *f, const json *root)
{
    static const char *const required[] = {"name", "model", "dt", "steps", "sites"};
    int seen[5] = {0, 0, 0, 0, 0};
    shared_keys to;
    size_t i;
    int j, ok;
    char shown[80];
    hh_default_cable_case(&f->cable);
    to.dt = &f->cable.dt, to.steps = &f->cable.steps, to.record_every = &f->cable.record_every;
    to.temperature = &f->cable.temperature, to.V0 = &f->cable.V0, to.spike_threshold = &f->cable.spike_threshold;
    to.params = &f->cable.params;
    for (i = 0; i < root->n; i++) {
        const char *key = root->keys[i];
        const json *v = &root->items[i];
        mark_required(key, required, 5, seen);
        if ((ok = read_shared_key(f, key, v, &to)) >= 0)
            ;
        else if (strcmp(key, "model") == 0)
            ok = v->type == JSON_STRING && strcmp(v->string, "cable") == 0 ? 1 : case_fail(f, "'%s' must be 'cable'", key);
#define READ_GEOMETRY(name, default_value, low, low_excluded, high, unit) \
        else if (strcmp(key, #name) == 0)                                 \
            ok = get_number(f, key, v, &f->cable.name);
        HH_CABLE_GEOMETRY(READ_GEOMETRY)
#undef READ_GEOMETRY
        else if (strcmp(key, "nseg") == 0)
            ok = get_integer(f, key, v, &f->cable.nseg);
        else if (strcmp(key, "sites") == 0)
            ok = read_sites(f, v);
        else if (strcmp(key, "record_gates") == 0)
            ok = v->type == JSON_BOOL ? (f->cable.record_gates = v->number != 0.0, 1)
                                      : case_fail(f, "'%s' must be true or false", key);
        else if (strcmp(key, "stimulus") == 0)
            ok = read_cable_stimulus(f, v);
        else
            ok = case_fail(f, "unknown key '%s'", shown_key(key, shown, sizeof shown));
        if (!ok)
            return 0;
    }
    for (j = 0; j < 5; j++)
        if (!seen[j])
            return case_fail(f, "missing key '%s'", required[j]);
    return 1;
}

/* Spec §10.1: the most bytes a case file may have (256 MiB); the three readers
   refuse a larger one, whatever it holds. */
#define CASE_FILE_MAX_BYTES ((size_t)1 << 28)

/* The whole file, NUL-terminated, read in chunks into a buffer that doubles (no
   ftell before a first read, which means nothing for a directory or a pipe);
   *length is its size. NULL if it cannot be read, or (*too_large set, and
   *length its size if known, else 0) if it has more than CASE_FILE_MAX_BYTES. */
static char *read_file(const char *path, size_t *length, int *too_large)
{
    FILE *file = fopen(path, "rb");
    char *text = NULL, *grown;
    size_t size = 0, capacity = 0, got;
    long end;
    int size_known = 0;
    *too_large = 0;
    if (file == NULL)
        return NULL;
    for (;;) {
        if (capacity - size < 65536) {
            capacity = capacity == 0 ? 65536 : 2 * capacity;
            if (capacity > CASE_FILE_MAX_BYTES + 65536)
                capacity = CASE_FILE_MAX_BYTES + 65536;
            if ((grown = realloc(text, capacity + 1)) == NULL) {
                free(text);
                fclose(file);
                return NULL;
            }
            text = grown;
        }
        got = fread(text + size, 1, capacity - size, file);
        size += got;
        if (got == 0 || size > CASE_FILE_MAX_BYTES)
            break;
        /* a regular file says its size once read from: a larger one is refused unread */
        if (size == 65536 && fseek(file, 0, SEEK_END) == 0) {
            end = ftell(file);
            if (end > 0 && (unsigned long)end > CASE_FILE_MAX_BYTES) {
                size = (size_t)end;
                size_known = 1;
                break;
            }
            if (fseek(file, (long)size, SEEK_SET) != 0) {
                free(text);
                fclose(file);
                return NULL;
            }
        }
    }
    if (ferror(file)) { /* a directory, for one */
        free(text);
        text = NULL;
    } else if (size > CASE_FILE_MAX_BYTES) {
        free(text);
        text = NULL;
        *too_large = 1;
        *length = size_known ? size : 0;
    } else {
        text[size] = '\0';
        *length = size;
    }
    fclose(file);
    return text;
}

static int write_trace(FILE *out, const hh_output *o)
{
    int64_t i;
    int j;
    fputs("t,V,m,h,n,I_Na,I_K,I_L,I_stim\n", out);
    for (i = 0; i < o->n_rows; i++)
        for (j = 0; j < HH_COLUMNS; j++)
            fprintf(out, "%.17g%c", o->rows[i * HH_COLUMNS + j], j + 1 < HH_COLUMNS ? ',' : '\n');
    return ferror(out) ? 1 : 0;
}

/* With --spikes: the every-step spike times of a run that found n_spikes of them. */
static int write_spikes(const char *path, const hh_case *c, hh_output *o)
{
    FILE *out;
    int64_t i;
    int ok;
    o->spikes_capacity = o->n_spikes;
    o->spikes = malloc((size_t)(o->n_spikes > 0 ? o->n_spikes : 1) * sizeof *o->spikes);
    if (o->spikes == NULL || hh_run(c, o) != HH_OK || (out = fopen(path, "w")) == NULL)
        return 0;
    for (i = 0; i < o->n_spikes; i++)
        fprintf(out, "%.17g\n", o->spikes[i]);
    ok = !ferror(out);
    return fclose(out) == 0 && ok;
}

/* §13.11: a cable trace's header (t, V_j of each site, then m_j, h_j, n_j of each centre site
   with record_gates) and its rows, every value as %.17g. */
static int write_cable_trace(FILE *out, const hh_cable_case *c, const double *rows, int64_t n_rows, int64_t columns)
{
    int64_t i, j, s;
    fputs("t", out);
    for (s = 0; s < c->n_sites; s++)
        fprintf(out, ",V_%lld", (long long)c->sites[s]);
    for (s = 0; c->record_gates && s < c->n_sites; s++)
        if (c->sites[s] >= 1 && c->sites[s] <= c->nseg) {
#define PUT_NAME(x) fprintf(out, "," #x "_%lld", (long long)c->sites[s]);
            HH_GATES(PUT_NAME)
#undef PUT_NAME
        }
    fputs("\n", out);
    for (i = 0; i < n_rows; i++)
        for (j = 0; j < columns; j++)
            fprintf(out, "%.17g%c", rows[i * columns + j], j + 1 < columns ? ',' : '\n');
    return ferror(out) ? 1 : 0;
}

/* With --spikes, for a cable: each site's arrival times (§13.8), one line per site in the
   case's order, the times separated by commas (an empty line for a site with none). */
static int write_arrivals(const char *path, const hh_cable_case *c, const hh_cable_output *o)
{
    FILE *out = fopen(path, "w");
    int64_t s, j;
    int ok;
    if (out == NULL)
        return 0;
    for (s = 0; s < c->n_sites; s++)
        for (j = 0; j <= o->n_arrivals[s]; j++)
            fprintf(out, j == o->n_arrivals[s] ? "\n" : j > 0 ? ",%.17g" : "%.17g",
                    j < o->n_arrivals[s] ? o->arrivals[s * o->arrivals_capacity + j] : 0.0);
    ok = !ferror(out);
    return fclose(out) == 0 && ok;
}

/* A cable case file (spec §13.10): check it, size its memory, run it and write its trace
   (§13.11) to out_path or standard output. The exit status of §11.4. */
static int run_cable_file(const char *path, case_file *f, const char *out_path, const char *spikes)
{
    hh_cable_output o;
    int64_t columns, needed;
    int status, code = 0;
    FILE *out = stdout;
    memset(&o, 0, sizeof o);
    if (hh_check_cable_case(&f->cable, f->error, sizeof f->error) != HH_OK) {
        fprintf(stderr, "%s: %s\n", path, f->error);
        return 2;
    }
    columns = hh_cable_columns(&f->cable);
    needed = hh_rows_needed(f->cable.steps, f->cable.record_every);
    o.arrivals_capacity = f->cable.steps / 2 + 1 < 64 ? f->cable.steps / 2 + 1 : 64;
    for (;;) {
        if ((uint64_t)needed > SIZE_MAX / sizeof(double) / (uint64_t)columns)
            o.rows = NULL;
        else if (o.rows == NULL)
            o.rows = malloc((size_t)needed * (size_t)columns * sizeof(double));
        o.rows_capacity = needed;
        free(o.arrivals);
        o.arrivals = malloc((size_t)(f->cable.n_sites * o.arrivals_capacity) * sizeof(double));
        free(o.n_arrivals);
        o.n_arrivals = malloc((size_t)f->cable.n_sites * sizeof(int64_t));
        if (o.rows == NULL || o.arrivals == NULL || o.n_arrivals == NULL) {
            fprintf(stderr, "%s: out of memory: the trace needs %lld rows of %lld values\n", path, (long long)needed,
                    (long long)columns);
            code = 1;
            break;
        }
        status = hh_run_cable(&f->cable, &o);
        if (status == HH_SPIKES_TRUNCATED && spikes != NULL) { /* run again with room for every arrival */
            int64_t s;
            for (s = 0; s < f->cable.n_sites; s++)
                o.arrivals_capacity = o.n_arrivals[s] > o.arrivals_capacity ? o.n_arrivals[s] : o.arrivals_capacity;
            continue;
        }
        if (status != HH_OK && status != HH_SPIKES_TRUNCATED) {
            fprintf(stderr, "%s: %s\n", path, o.message);
            code = status == HH_ERROR_NONFINITE ? 3 : status == HH_ERROR_MEMORY ? 1 : 2;
        } else if (spikes != NULL && !write_arrivals(spikes, &f->cable, &o)) {
            fprintf(stderr, "%s: cannot write the arrival times\n", spikes);
            code = 1;
        } else if (out_path != NULL && (out = fopen(out_path, "w")) == NULL) {
            fprintf(stderr, "%s: cannot write\n", out_path);
            code = 1;
        } else {
            code = write_cable_trace(out, &f->cable, o.rows, o.n_rows, columns);
            if (out != stdout && fclose(out) != 0)
                code = 1;
        }
        break;
    }
    free(o.rows);
    free(o.arrivals);
    free(o.n_arrivals);
    return code;
}

int main(int argc, char **argv)
{
    json_reader reader;
    json root;
    case_file f;
    hh_output o;
    char *text;
    size_t length = 0;
    const char *spikes = NULL;
    int status, code = 0, too_large = 0;
    FILE *out = stdout;

    if (argc >= 3 && strcmp(argv[1], "--spikes") == 0) {
        spikes = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: hh_trace [--spikes SPIKES.txt] CASE.json [OUT.csv]\n");
        return 2;
    }
    text = read_file(argv[1], &length, &too_large);
    if (text == NULL && too_large) {
        if (length > 0)
            fprintf(stderr, "%s: cannot read the case file: %lu bytes, more than the %lu (256 MiB) a case file may have\n",
                    argv[1], (unsigned long)length, (unsigned long)CASE_FILE_MAX_BYTES);
        else
            fprintf(stderr, "%s: cannot read the case file: more than the %lu bytes (256 MiB) a case file may have\n",
                    argv[1], (unsigned long)CASE_FILE_MAX_BYTES);
        return 2;
    }
    if (text == NULL) {
        fprintf(stderr, "%s: cannot read the case file\n", argv[1]);
        return 2;
    }
    if (memchr(text, '\0', length) != NULL) {
        fprintf(stderr, "%s: not valid JSON: a NUL byte\n", argv[1]);
        free(text);
        return 2;
    }
    memset(&reader, 0, sizeof reader);
    memset(&root, 0, sizeof root);
    memset(&f, 0, sizeof f);
    memset(&o, 0, sizeof o);
    reader.text = text;
    if (!json_value(&reader, &root, 0) || (skip_space(&reader), text[reader.pos] != '\0')) {
        fprintf(stderr, "%s: not valid JSON: %s\n", argv[1], reader.error[0] ? reader.error : "trailing characters");
        code = 2;
    } else if (is_cable_file(&root) && !read_cable_case(&f, &root)) {
        fprintf(stderr, "%s: %s\n", argv[1], f.error);
        code = 2;
    } else if (is_cable_file(&root)) {
        code = run_cable_file(argv[1], &f, argc == 3 ? argv[2] : NULL, spikes);
    } else if (!read_case(&f, &root)) {
        fprintf(stderr, "%s: %s\n", argv[1], f.error);
        code = 2;
    } else if ((status = hh_check_case(&f.c, f.error, sizeof f.error)) != HH_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], f.error);
        code = 2;
    } else {
        o.rows_capacity = hh_rows_needed(f.c.steps, f.c.record_every);
        o.rows = malloc((size_t)o.rows_capacity * HH_COLUMNS * sizeof *o.rows);
        if (o.rows == NULL) {
            fprintf(stderr, "%s: out of memory\n", argv[1]);
            code = 1;
        } else if ((status = hh_run(&f.c, &o)) != HH_OK && status != HH_SPIKES_TRUNCATED) {
            fprintf(stderr, "%s: %s\n", argv[1], o.message);
            code = status == HH_ERROR_NONFINITE ? 3 : 2;
        } else if (spikes != NULL && !write_spikes(spikes, &f.c, &o)) {
            fprintf(stderr, "%s: cannot write the spike times\n", spikes);
            code = 1;
        } else if (argc == 3 && (out = fopen(argv[2], "w")) == NULL) {
            fprintf(stderr, "%s: cannot write\n", argv[2]);
            code = 1;
        } else {
            code = write_trace(out, &o);
            if (out != stdout && fclose(out) != 0)
                code = 1;
        }
    }
    free(o.rows);
    free(o.spikes);
    free(f.waveform);
    free(f.pulses);
    free(f.sites);
    free(f.cable_pulses);
    json_free(&root);
    free(text);
    return code;
}
