/*
** bench.c -- throughput of one generated classifier (bench/cgen/run.sh).
**
** usage: bench NAME MODE [FILE]   (built with -DCLASSIFY=<function>)
**   MODE t4    random strings of Tomita 4's language (no "000"): the
**              automaton stays in live states for the whole buffer
**   MODE bits  uniformly random '0'/'1'
**   MODE file  FILE's bytes repeated
** Classifies a 32 MiB buffer REPS times; prints NAME, the label (all
** variants must agree), the median GB/s and cycles/byte (TSC cycles).
*/
#define _POSIX_C_SOURCE 200809L
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
  unsigned char *buf = malloc(SIZE);
  unsigned long long x = 88172645463325252ULL;   /* xorshift: same input for every variant */
  size_t i;
  int zeros = 0;
  if (!strcmp(argv[2], "file")) {
    FILE *f = fopen(argv[3], "rb");
    size_t n = f ? fread(buf, 1, SIZE, f) : 0;
    if (!n) { fprintf(stderr, "bench: cannot read %s\n", argc > 3 ? argv[3] : "(none)"); return 2; }
    fclose(f);
    for (i = n; i < SIZE; i++) buf[i] = buf[i - n];
  } else {
    for (i = 0; i < SIZE; i++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      int bit = (int)(x >> 32) & 1;
      if (!strcmp(argv[2], "t4") && zeros == 2) bit = 1;
      zeros = bit ? 0 : zeros + 1;
      buf[i] = (unsigned char)('0' + bit);
    }
  }
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
