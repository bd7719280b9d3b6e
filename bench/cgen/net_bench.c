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
#include "input.h"

#define NET_BYTES ((size_t)1 << 20)
#define REPS 3

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
    BenchClock c;
    int32_t *seq;
    bench_start(&c);
    long n = tok_encode(&d.tok, (const char *)buf, NET_BYTES, &seq, NULL);
    int l = n < 0 ? -1 : rnn_classify(&net, seq, (int)n);
    bench_stop(&c, NET_BYTES, &gbs[r], &cpb[r]);
    free(seq);
    label = l;
  }
  bench_report(argv[3], label, gbs, cpb, REPS, 1);
  free(buf);
  rnn_free(&net);
  data_free(&d);
  spec_free(&spec);
  free(text);
  return 0;
}
