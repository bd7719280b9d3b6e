/*
** load_bench.c -- memory and time to load a large TSV file through
** data_load (spec -> Dataset, words tokenizer), the way the compiler does.
**
** usage: load_bench SPEC   (the spec names the TSV)
** Prints the file size, the wall time, the peak resident set size and
** their ratio; the target is a small multiple of the file size.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "common.h"
#include "out.h"
#include "spec.h"
#include "data.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
  if (argc != 2) { fprintf(stderr, "usage: load_bench SPEC\n"); return 1; }
  size_t len;
  char *text = read_file(argv[1], &len);
  if (!text) { perror(argv[1]); return 1; }
  int nerr = 0;
  SpecAst *ast = spec_parse(argv[1], text, len, &nerr);
  Spec spec;
  memset(&spec, 0, sizeof spec);
  if (!ast || nerr || spec_check(ast, &spec)) return 2;
  struct stat st;
  if (stat(spec.data.train, &st) != 0) { perror(spec.data.train); return 1; }
  struct rusage ru0;
  getrusage(RUSAGE_SELF, &ru0);
  double t0 = now();
  Dataset d;
  memset(&d, 0, sizeof d);
  if (data_load(&spec, &d) != RNF_EXIT_OK) return 3;
  double t1 = now();
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double mb = (double)st.st_size / 1048576.0, peak = (double)ru.ru_maxrss / 1024.0;
  printf("file %.1f MB, %d+%d+%d examples, %d symbols: loaded in %.2f s (%.1f MB/s), "
         "peak RSS %.1f MB = %.2fx the file\n", mb, d.train.n, d.valid.n, d.test.n, d.tok.nsym,
         t1 - t0, mb / (t1 - t0), peak, peak / mb);
  data_free(&d);
  spec_free(&spec);
  spec_ast_free(ast);
  free(text);
  return 0;
}
