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
#include "input.h"

int CLASSIFY(const void *buf, size_t n);

#define SIZE ((size_t)32 << 20)
#define REPS 9

int main(int argc, char **argv)
{
  if (argc < 3) { fprintf(stderr, "usage: bench NAME MODE [FILE]\n"); return 2; }
  unsigned char *buf = bench_input(argv[2], argc > 3 ? argv[3] : NULL, SIZE);
  if (!buf) return 2;
  double gbs[REPS], cpb[REPS];
  int label = CLASSIFY(buf, SIZE);
  for (int r = 0; r < REPS; r++) {
    BenchClock c;
    bench_start(&c);
    int l = CLASSIFY(buf, SIZE);
    bench_stop(&c, SIZE, &gbs[r], &cpb[r]);
    if (l != label) { fprintf(stderr, "bench: unstable label\n"); return 1; }
  }
  bench_report(argv[1], label, gbs, cpb, REPS, 0);
  free(buf);
  return 0;
}
