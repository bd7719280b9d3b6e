/*
** input.h -- the input and the timing shared by bench.c and net_bench.c
** (bench/cgen).
**
** bench_input builds the benchmark input:
**   MODE t4    random strings of Tomita 4's language (no "000"): the
**              automaton stays in live states and hops between them at
**              random, so branches cannot be predicted
**   MODE bits  uniformly random '0'/'1' (Tomita 4 soon enters its dead state)
**   MODE file  FILE's bytes repeated
** The same xorshift seed for every program, so every variant reads the
** same bytes.  Returns a malloc'ed buffer of SIZE bytes, or NULL after
** printing why.
**
** bench_start / bench_stop time one run (wall clock and TSC cycles);
** bench_report prints the medians in the line format run.sh parses:
** NAME, "label", the label, GB/s, "GB/s", cycles/byte.
** Include after defining _POSIX_C_SOURCE (clock_gettime).
*/
#ifndef BENCH_INPUT_H
#define BENCH_INPUT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define TSC() __rdtsc()
#else
#define TSC() 0ULL
#endif

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

typedef struct BenchClock { struct timespec t; unsigned long long c; } BenchClock;

static void bench_start(BenchClock *b)
{
  clock_gettime(CLOCK_MONOTONIC, &b->t);
  b->c = TSC();
}

/* The speed of BYTES processed since bench_start(B): *GBS in GB/s, *CPB
** in TSC cycles per byte. */
static void bench_stop(const BenchClock *b, size_t bytes, double *gbs, double *cpb)
{
  unsigned long long c1 = TSC();
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - b->t.tv_sec) + 1e-9 * (double)(t1.tv_nsec - b->t.tv_nsec);
  *gbs = (double)bytes / s / 1e9;
  *cpb = (double)(c1 - b->c) / (double)bytes;
}

static int dcmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Prints NAME, LABEL and the medians of the REPS samples GBS and CPB
** (sorted in place); SLOW: more digits for GB/s, fewer for cycles/byte
** (the network). */
static void bench_report(const char *name, int label, double *gbs, double *cpb, int reps, int slow)
{
  qsort(gbs, (size_t)reps, sizeof *gbs, dcmp);
  qsort(cpb, (size_t)reps, sizeof *cpb, dcmp);
  if (slow) printf("%-22s label %2d  %9.6f GB/s  %8.1f cycles/byte\n", name, label, gbs[reps / 2], cpb[reps / 2]);
  else printf("%-22s label %2d  %7.3f GB/s  %6.2f cycles/byte\n", name, label, gbs[reps / 2], cpb[reps / 2]);
}

#endif
