/*
** bench.c -- throughput of one generated classifier (bench/cgen/run.sh).
**
** usage: bench NAME MODE [FILE]   (built with -DCLASSIFY=<function>)
** MODE and FILE choose the input (input.h: t4, bits, file).
** Classifies a 32 MiB buffer REPS times; prints NAME, the label (all
** variants must agree), the median GB/s and cycles/byte (TSC cycles).
*/
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "input.h"
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define TSC() __rdtsc()
#else
#define TSC() 0ULL
#endif

int CLASSIFY(const void *buf, size_t n);

#define SIZE ((size_t)32 << 20)
#define REPS 9

static int dcmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
  if (argc < 3) { fprintf(stderr, "usage: bench NAME MODE [FILE]\n"); return 2; }
  unsigned char *buf = bench_input(argv[2], argc > 3 ? argv[3] : NULL, SIZE);
  if (!buf) return 2;
  double gbs[REPS], cpb[REPS];
  int label = CLASSIFY(buf, SIZE);
  for (int r = 0; r < REPS; r++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned long long c0 = TSC();
    int l = CLASSIFY(buf, SIZE);
    unsigned long long c1 = TSC();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (l != label) { fprintf(stderr, "bench: unstable label\n"); return 1; }
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    gbs[r] = (double)SIZE / s / 1e9;
    cpb[r] = (double)(c1 - c0) / (double)SIZE;
  }
  qsort(gbs, REPS, sizeof *gbs, dcmp);
  qsort(cpb, REPS, sizeof *cpb, dcmp);
  printf("%-22s label %2d  %7.3f GB/s  %6.2f cycles/byte\n", argv[1], label, gbs[REPS / 2], cpb[REPS / 2]);
  free(buf);
  return 0;
}
