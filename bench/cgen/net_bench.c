/*
** net_bench.c -- throughput of the trained network itself, for comparison
** with its extracted automaton (bench/cgen/run.sh).
**
** usage: net_bench SPEC MODEL.rnnm NAME MODE [FILE]
** Loads the spec's data (for its tokenizer) and the cached network, builds
** the same input as bench.c (input.h) but only its first NET_BYTES bytes
** (the network is slow), then times tok_encode + rnn_classify -- the
** compiler's own inference, one rnn_step per token, single-threaded
** OpenBLAS -- over them REPS times.  Prints the median like bench.c:
** NAME, the network's label, GB/s and cycles/byte (TSC).
*/
#define _POSIX_C_SOURCE 200809L
#include "data.h"
#include "out.h"
#include "rnn.h"
#include "spec.h"

#include <cblas.h>
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
#include "input.h"

#define NET_BYTES ((size_t)1 << 20)
#define REPS 3

static int dcmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
  if (argc < 5) { fprintf(stderr, "usage: net_bench SPEC MODEL.rnnm NAME MODE [FILE]\n"); return 2; }
  openblas_set_num_threads(1);
  size_t len;
  char *text = read_file(argv[1], &len);
  if (!text) { fprintf(stderr, "net_bench: cannot read %s\n", argv[1]); return 2; }
  int nerr = 0;
  SpecAst *ast = spec_parse(argv[1], text, len, &nerr);
  Spec spec;
  memset(&spec, 0, sizeof spec);
  if (ast && nerr == 0) nerr = spec_check(ast, &spec);
  spec_ast_free(ast);
  Dataset d;
  memset(&d, 0, sizeof d);
  Rnn net;
  if (!ast || nerr || data_load(&spec, &d) != 0 || rnn_load(&net, argv[2]) != 0) {
    fprintf(stderr, "net_bench: cannot load %s and %s\n", argv[1], argv[2]);
    return 2;
  }
  unsigned char *buf = bench_input(argv[4], argc > 5 ? argv[5] : NULL, NET_BYTES);
  if (!buf) return 2;
  double gbs[REPS], cpb[REPS];
  int label = -1;
  for (int r = 0; r < REPS; r++) {
    struct timespec t0, t1;
    int32_t *seq;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned long long c0 = TSC();
    long n = tok_encode(&d.tok, (const char *)buf, NET_BYTES, &seq, NULL);
    int l = n < 0 ? -1 : rnn_classify(&net, seq, (int)n);
    unsigned long long c1 = TSC();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    free(seq);
    label = l;
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    gbs[r] = (double)NET_BYTES / s / 1e9;
    cpb[r] = (double)(c1 - c0) / (double)NET_BYTES;
  }
  qsort(gbs, REPS, sizeof *gbs, dcmp);
  qsort(cpb, REPS, sizeof *cpb, dcmp);
  printf("%-22s label %2d  %9.6f GB/s  %8.1f cycles/byte\n", argv[3], label, gbs[REPS / 2], cpb[REPS / 2]);
  free(buf);
  rnn_free(&net);
  data_free(&d);
  spec_free(&spec);
  free(text);
  return 0;
}
