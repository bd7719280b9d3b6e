/*
** input.h -- the benchmark input of bench.c and net_bench.c (bench/cgen).
**
**   MODE t4    random strings of Tomita 4's language (no "000"): the
**              automaton stays in live states and hops between them at
**              random, so branches cannot be predicted
**   MODE bits  uniformly random '0'/'1' (Tomita 4 soon enters its dead state)
**   MODE file  FILE's bytes repeated
** The same xorshift seed for every program, so every variant reads the
** same bytes.  Returns a malloc'ed buffer of SIZE bytes, or NULL after
** printing why.
*/
#ifndef BENCH_INPUT_H
#define BENCH_INPUT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *bench_input(const char *mode, const char *file, size_t size)
{
  unsigned char *buf = malloc(size);
  unsigned long long x = 88172645463325252ULL;
  size_t i;
  int zeros = 0;
  if (!buf) return NULL;
  if (!strcmp(mode, "file")) {
    FILE *f = file ? fopen(file, "rb") : NULL;
    size_t n = f ? fread(buf, 1, size, f) : 0;
    if (f) fclose(f);
    if (!n) { fprintf(stderr, "bench: cannot read %s\n", file ? file : "(none)"); free(buf); return NULL; }
    for (i = n; i < size; i++) buf[i] = buf[i - n];
    return buf;
  }
  for (i = 0; i < size; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    int bit = (int)(x >> 32) & 1;
    if (!strcmp(mode, "t4") && zeros == 2) bit = 1;
    zeros = bit ? 0 : zeros + 1;
    buf[i] = (unsigned char)('0' + bit);
  }
  return buf;
}

#endif
