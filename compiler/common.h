/*
** common.h -- shared basics: exit codes, checked allocation, small helpers.
**
** Contract: every module may include this; it pulls in nothing heavier than
** the C library.  Allocation failure is reported ("out of memory") and the
** process exits with RNF_EXIT_INTERNAL: no caller ever sees NULL from xmalloc.
*/
#ifndef RNF_COMMON_H
#define RNF_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define RNF_VERSION "0.1.0"

/* Exit codes, documented in docs/rnnfsac.1 and README.md.  ORDER EXIT */
enum {
  RNF_EXIT_OK = 0,        /* success */
  RNF_EXIT_USAGE = 1,     /* bad command line */
  RNF_EXIT_SPEC = 2,      /* the spec has errors */
  RNF_EXIT_DATA = 3,      /* a data file (or generator setting) is bad */
  RNF_EXIT_INTERNAL = 4,  /* internal error, out of memory */
  RNF_EXIT_IO = 5,        /* an output or cache/model file could not be read or written */
  RNF_EXIT_VERIFY = 6     /* --verify found a disagreement */
};

void *xmalloc(size_t n);                 /* never NULL; exits on failure */
void *xcalloc(size_t n, size_t size);    /* zeroed, overflow-checked */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...)
  __attribute__((format(printf, 1, 2)));

/* Seconds on the monotonic clock: for elapsed times and time limits only
** (never in an output, which must not depend on when it was made). */
double rnf_now(void);

/* Internal error: prints "rnnfsac: internal error at FILE:LINE: msg" and exits 4. */
_Noreturn void rnf_internal(const char *file, int line, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
#define RNF_UNREACHABLE() rnf_internal(__FILE__, __LINE__, "unreachable")
#define RNF_ASSERT(c) \
  do { if (!(c)) rnf_internal(__FILE__, __LINE__, "assertion failed: %s", #c); } while (0)

/* Deterministic PRNG (splitmix64 seeded xoshiro256**): the only randomness
** any stage may use, so the same seed gives the same output everywhere. */
typedef struct Rng { uint64_t s[4]; } Rng;
void rng_seed(Rng *r, uint64_t seed);
uint64_t rng_next(Rng *r);
uint64_t rng_below(Rng *r, uint64_t n);  /* uniform in [0, n), n > 0 */
double rng_unit(Rng *r);                 /* uniform in [0, 1) */
float rng_normal(Rng *r);                /* standard normal */
void rng_shuffle(Rng *r, int32_t *a, size_t n);

/* FNV-1a 64-bit, for content hashes (cache keys, provenance). */
uint64_t hash_bytes(uint64_t h, const void *p, size_t n);
#define HASH_INIT 0xcbf29ce484222325ULL

/* Verbosity set by the driver: -1 quiet, 0 normal, 1 verbose. */
extern int rnf_verbosity;

#endif
