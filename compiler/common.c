/*
** common.c -- checked allocation, the PRNG and hashing (see common.h).
*/
#include "common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int rnf_verbosity = 0;

static _Noreturn void oom(size_t n)
{
  fprintf(stderr, "rnnfsac: error: out of memory (allocating %zu bytes)\n", n);
  exit(RNF_EXIT_INTERNAL);
}

void *xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p) oom(n);
  return p;
}

void *xcalloc(size_t n, size_t size)
{
  if (size && n > SIZE_MAX / size) oom(SIZE_MAX);
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) oom(n * size);
  return p;
}

void *xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if (!q) oom(n);
  return q;
}

char *xstrndup(const char *s, size_t n)
{
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xasprintf(const char *fmt, ...)
{
  va_list ap, aq;
  va_start(ap, fmt);
  va_copy(aq, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) rnf_internal(__FILE__, __LINE__, "bad format");
  char *s = xmalloc((size_t)n + 1);
  vsnprintf(s, (size_t)n + 1, fmt, aq);
  va_end(aq);
  return s;
}

_Noreturn void rnf_internal(const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "rnnfsac: internal error at %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(RNF_EXIT_INTERNAL);
}

/* splitmix64 expands one seed into xoshiro256**'s four words */
static uint64_t splitmix(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void rng_seed(Rng *r, uint64_t seed)
{
  for (int i = 0; i < 4; i++) r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rng_next(Rng *r)
{
  uint64_t *s = r->s;
  uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t; s[3] = rotl(s[3], 45);
  return out;
}

uint64_t rng_below(Rng *r, uint64_t n)
{
  /* rejection keeps it unbiased */
  uint64_t lim = UINT64_MAX - UINT64_MAX % n, x;
  do x = rng_next(r); while (x >= lim);
  return x % n;
}

double rng_unit(Rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

float rng_normal(Rng *r)
{
  /* Box-Muller; one value per call keeps the stream simple to reason about */
  double u = rng_unit(r), v = rng_unit(r);
  if (u < 1e-300) u = 1e-300;
  return (float)(sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v));
}

void rng_shuffle(Rng *r, int32_t *a, size_t n)
{
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)rng_below(r, i);
    int32_t t = a[i - 1]; a[i - 1] = a[j]; a[j] = t;
  }
}

uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 0x100000001b3ULL; }
  return h;
}

double rnf_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
