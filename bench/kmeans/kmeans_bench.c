/*
** kmeans_bench.c -- wall-clock time of cluster.c's k-means on a synthetic
** matrix, for comparison with scikit-learn (sklearn_peer.py, run.sh).
**
**   kmeans_bench [--n 200000] [--d 32] [--iters 50] [--repeat 5]
**                [--seed 1] [--dump FILE] K...
**
** The matrix X [n x d] is standard normal noise drawn from common.h's Rng:
** without cluster structure Lloyd does not converge within 50 iterations,
** so both sides do the same number of iterations (reported) on the same
** bytes (--dump writes them as raw little-endian
** float32, row-major).  Each K is timed REPEAT times: k-means++ seeding plus
** at most ITERS Lloyd iterations, one restart -- what one scikit-learn
** KMeans(n_init=1, max_iter=ITERS, tol=0) fit does.  One line per K:
**   ours k=8 median_s=0.1234 iters=50 inertia=6.1e+06 runs=0.12,0.13,...
** Not part of the compiler.
*/
#include "cluster.h"
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
  int n = 200000, d = 32, iters = 50, repeat = 5;
  uint64_t seed = 1;
  const char *dump = NULL;
  int ks[16], nk = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (i + 1 < argc && !strcmp(a, "--n")) n = atoi(argv[++i]);
    else if (i + 1 < argc && !strcmp(a, "--d")) d = atoi(argv[++i]);
    else if (i + 1 < argc && !strcmp(a, "--iters")) iters = atoi(argv[++i]);
    else if (i + 1 < argc && !strcmp(a, "--repeat")) repeat = atoi(argv[++i]);
    else if (i + 1 < argc && !strcmp(a, "--seed")) seed = strtoull(argv[++i], NULL, 10);
    else if (i + 1 < argc && !strcmp(a, "--dump")) dump = argv[++i];
    else if (a[0] != '-' && nk < 16) ks[nk++] = atoi(a);
    else { fprintf(stderr, "usage: kmeans_bench [--n N] [--d D] [--iters I] [--repeat R] [--seed S] [--dump FILE] K...\n"); return 1; }
  }
  if (n < 1 || d < 1 || iters < 1 || repeat < 1 || nk == 0) { fprintf(stderr, "kmeans_bench: bad arguments\n"); return 1; }

  /* X [n x d]: N(0, I). */
  Rng r;
  rng_seed(&r, seed);
  float *x = xmalloc((size_t)n * d * sizeof *x);
  for (size_t i = 0; i < (size_t)n * d; i++) x[i] = rng_normal(&r);
  if (dump) {
    FILE *f = fopen(dump, "wb");
    if (!f || fwrite(x, sizeof *x, (size_t)n * d, f) != (size_t)n * d || fclose(f)) {
      fprintf(stderr, "kmeans_bench: cannot write %s\n", dump);
      return 1;
    }
  }

  int kmax = 0;
  for (int q = 0; q < nk; q++) if (ks[q] > kmax) kmax = ks[q];
  float *cent = xmalloc((size_t)kmax * d * sizeof *cent);
  int32_t *assign = xmalloc((size_t)n * sizeof *assign);
  double *t = xmalloc((size_t)repeat * sizeof *t);
  for (int q = 0; q < nk; q++) {
    int it = 0;
    double inertia = 0;
    for (int rep = 0; rep < repeat; rep++) {
      double t0 = now();
      inertia = kmeans_run(x, n, d, ks[q], iters, 1, seed + (uint64_t)rep, cent, assign, &it);
      t[rep] = now() - t0;
      if (inertia < 0) { fprintf(stderr, "kmeans_bench: k-means failed\n"); return 1; }
    }
    printf("ours k=%d median_s=", ks[q]);
    double *s = xmalloc((size_t)repeat * sizeof *s);
    memcpy(s, t, (size_t)repeat * sizeof *s);
    qsort(s, (size_t)repeat, sizeof *s, cmp_double);
    printf("%.4f iters=%d inertia=%.6g runs=", repeat % 2 ? s[repeat / 2] : 0.5 * (s[repeat / 2 - 1] + s[repeat / 2]), it, inertia);
    for (int rep = 0; rep < repeat; rep++) printf("%s%.4f", rep ? "," : "", t[rep]);
    printf("\n");
    fflush(stdout);
    free(s);
  }
  free(x); free(cent); free(assign); free(t);
  return 0;
}
