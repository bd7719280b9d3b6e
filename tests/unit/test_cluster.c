/*
** test_cluster.c -- k-means and X-means (compiler/cluster.c) on synthetic
** Gaussian blobs, duplicates and edge cases.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "cluster.h"

typedef struct Blobs {
  int n, d, nb;
  float *x;         /* [n x d] */
  float *center;    /* [nb x d] */
  int *truth;       /* [n] blob of each row */
} Blobs;

/* NB blobs with centres uniform in [-10, 10]^D (redrawn until pairwise
** farther than 6), SIGMA spread, PER points each, rows shuffled. */
static Blobs blobs(int nb, int d, int per, float sigma, uint64_t seed)
{
  Blobs b = { .n = nb * per, .d = d, .nb = nb };
  Rng r;
  rng_seed(&r, seed);
  b.center = xmalloc((size_t)nb * d * sizeof(float));
  for (int j = 0; j < nb; j++) {
    for (;;) {
      for (int t = 0; t < d; t++) b.center[j * d + t] = (float)(rng_unit(&r) * 20 - 10);
      int ok = 1;
      for (int i = 0; i < j && ok; i++) {
        double s = 0;
        for (int t = 0; t < d; t++) { double e = b.center[i * d + t] - b.center[j * d + t]; s += e * e; }
        ok = s > 36;
      }
      if (ok) break;
    }
  }
  int32_t *perm = xmalloc((size_t)b.n * sizeof *perm);
  for (int i = 0; i < b.n; i++) perm[i] = i;
  rng_shuffle(&r, perm, (size_t)b.n);
  b.x = xmalloc((size_t)b.n * d * sizeof(float));
  b.truth = xmalloc((size_t)b.n * sizeof(int));
  for (int i = 0; i < b.n; i++) {
    int row = perm[i], j = i / per;
    b.truth[row] = j;
    for (int t = 0; t < d; t++) b.x[(size_t)row * d + t] = b.center[j * d + t] + sigma * rng_normal(&r);
  }
  free(perm);
  return b;
}

static void blobs_free(Blobs *b) { free(b->x); free(b->center); free(b->truth); }

/* Every blob lands in exactly one cluster and no cluster mixes blobs. */
static void assert_recovers(const Blobs *b, const int32_t *assign, int k)
{
  int *map = xmalloc((size_t)b->nb * sizeof *map), *owner = xmalloc((size_t)k * sizeof *owner);
  for (int j = 0; j < b->nb; j++) map[j] = -1;
  for (int c = 0; c < k; c++) owner[c] = -1;
  for (int i = 0; i < b->n; i++) {
    int j = b->truth[i], c = assign[i];
    assert_true(c >= 0 && c < k);
    if (map[j] < 0) map[j] = c;
    assert_int_equal(map[j], c);
    if (owner[c] < 0) owner[c] = j;
    assert_int_equal(owner[c], j);
  }
  free(map); free(owner);
}

static double sqdist(const float *a, const float *b, int d)
{
  double s = 0;
  for (int t = 0; t < d; t++) { double e = (double)a[t] - b[t]; s += e * e; }
  return s;
}

static void test_blobs_recovered(void **state)
{
  (void)state;
  Blobs b = blobs(5, 8, 300, 0.5f, 1);
  float c[5 * 8];
  int32_t *a = xmalloc((size_t)b.n * sizeof *a);
  double in = kmeans(b.x, b.n, b.d, 5, 100, 3, 99, c, a);
  assert_true(in > 0);
  assert_recovers(&b, a, 5);
  /* Each centroid sits near its blob's true centre; the inertia is about
  ** n * d * sigma^2. */
  for (int i = 0; i < b.n; i++)
    assert_true(sqdist(c + a[i] * 8, b.center + b.truth[i] * 8, 8) < 0.05);
  double expect = b.n * 8 * 0.25;
  assert_true(in > 0.8 * expect && in < 1.2 * expect);
  free(a); blobs_free(&b);
}

static void test_deterministic(void **state)
{
  (void)state;
  Blobs b = blobs(6, 5, 200, 2.0f, 2);   /* overlapping: many local optima */
  float c1[8 * 5], c2[8 * 5];
  int32_t *a1 = xmalloc((size_t)b.n * sizeof *a1), *a2 = xmalloc((size_t)b.n * sizeof *a2);
  double i1 = kmeans(b.x, b.n, b.d, 8, 50, 2, 1234, c1, a1);
  double i2 = kmeans(b.x, b.n, b.d, 8, 50, 2, 1234, c2, a2);
  assert_true(i1 == i2);
  assert_memory_equal(c1, c2, sizeof c1);
  assert_memory_equal(a1, a2, (size_t)b.n * sizeof *a1);
  /* More restarts never give a worse result than the first of them. */
  double i5 = kmeans(b.x, b.n, b.d, 8, 50, 5, 1234, c2, a2);
  assert_true(i5 <= i1);
  free(a1); free(a2); blobs_free(&b);
}

/* Assignments are nearest centroids, the inertia matches a direct double
** computation, and at convergence the centroids are the cluster means --
** over more rows than one distance block; strided rows assign alike. */
static void test_lloyd_invariants(void **state)
{
  (void)state;
  Blobs b = blobs(7, 6, 1500, 1.5f, 3);   /* 10500 rows > KMEANS_BLOCK */
  int k = 7, d = 6;
  float c[7 * 6];
  int32_t *a = xmalloc((size_t)b.n * sizeof *a);
  double in = kmeans(b.x, b.n, d, k, 300, 1, 5, c, a);
  double direct = 0;
  double *sum = xcalloc((size_t)k * d, sizeof *sum);
  int cnt[7] = { 0 };
  for (int i = 0; i < b.n; i++) {
    const float *xi = b.x + (size_t)i * d;
    double da = sqdist(xi, c + a[i] * d, d);
    for (int j = 0; j < k; j++) assert_true(da <= sqdist(xi, c + j * d, d) + 1e-3);
    direct += da;
    cnt[a[i]]++;
    for (int t = 0; t < d; t++) sum[a[i] * d + t] += xi[t];
  }
  assert_true(fabs(direct - in) <= 1e-3 * direct);
  for (int j = 0; j < k; j++) {
    assert_true(cnt[j] > 0);
    for (int t = 0; t < d; t++) assert_true(fabs(sum[j * d + t] / cnt[j] - c[j * d + t]) < 1e-3);
  }
  /* kmeans_assign agrees with the returned assignment. */
  int32_t *a2 = xmalloc((size_t)b.n * sizeof *a2);
  double in2 = kmeans_assign(b.x, b.n, d, c, k, a2, NULL);
  assert_memory_equal(a, a2, (size_t)b.n * sizeof *a);
  assert_true(fabs(in2 - in) <= 1e-6 * in);
  /* kmeans_assign_ld reads only the first d floats of each wider row: the
  ** same rows padded with 3 large junk floats (as the c of an LSTM state
  ** [h; c]) give the same assignment and distances. */
  const int ld = d + 3;
  float *wide = xmalloc((size_t)b.n * ld * sizeof *wide);     /* [n x ld] */
  for (int i = 0; i < b.n; i++) {
    memcpy(wide + (size_t)i * ld, b.x + (size_t)i * d, (size_t)d * sizeof *wide);
    for (int t = d; t < ld; t++) wide[(size_t)i * ld + t] = (float)(1000 * (i % 7) - 3000 * t);
  }
  float *dist = xmalloc((size_t)b.n * sizeof *dist), *dist2 = xmalloc((size_t)b.n * sizeof *dist2);
  int32_t *a3 = xmalloc((size_t)b.n * sizeof *a3);
  kmeans_assign(b.x, b.n, d, c, k, a2, dist);
  double in3 = kmeans_assign_ld(wide, ld, b.n, d, c, k, a3, dist2);
  assert_memory_equal(a2, a3, (size_t)b.n * sizeof *a2);
  for (int i = 0; i < b.n; i++) assert_true(fabsf(dist[i] - dist2[i]) <= 1e-5f * (1 + dist[i]));
  assert_true(fabs(in3 - in) <= 1e-6 * in);
  assert_true(kmeans_assign_ld(wide, d - 1, b.n, d, c, k, a3, NULL) < 0);   /* ld < d */
  free(wide); free(dist); free(dist2); free(a3);
  free(sum); free(a); free(a2); blobs_free(&b);
}

/* k-means++ never picks a point already at zero distance while others
** remain: three distinct points, repeated, give exactly those centres. */
static void test_duplicates(void **state)
{
  (void)state;
  const float p[3][2] = { { 0, 0 }, { 5, 5 }, { -3, 7 } };
  int n = 150;
  float *x = xmalloc((size_t)n * 2 * sizeof *x);
  for (int i = 0; i < n; i++) { x[2 * i] = p[i % 3][0]; x[2 * i + 1] = p[i % 3][1]; }
  float c[4 * 2];
  int32_t *a = xmalloc((size_t)n * sizeof *a);
  for (uint64_t seed = 0; seed < 20; seed++) {
    double in = kmeans(x, n, 2, 3, 10, 1, seed, c, a);
    assert_true(in == 0.0);
    int seen[3] = { 0 };
    for (int j = 0; j < 3; j++)
      for (int q = 0; q < 3; q++)
        if (c[2 * j] == p[q][0] && c[2 * j + 1] == p[q][1]) seen[q]++;
    assert_int_equal(seen[0], 1); assert_int_equal(seen[1], 1); assert_int_equal(seen[2], 1);
    for (int i = 0; i < n; i++) assert_true(a[i] >= 0 && a[i] < 3);
  }
  /* More clusters than distinct points: still valid, inertia 0. */
  double in4 = kmeans(x, n, 2, 4, 10, 2, 3, c, a);
  assert_true(in4 == 0.0);
  for (int i = 0; i < n; i++) assert_true(a[i] >= 0 && a[i] < 4);
  free(x); free(a);
}

static void test_bad_arguments(void **state)
{
  (void)state;
  float x[3 * 2] = { 0, 0, 1, 1, 2, 2 }, c[4 * 2];
  int32_t a[3];
  assert_true(kmeans(x, 3, 2, 4, 10, 1, 0, c, a) < 0);      /* n < k */
  assert_true(kmeans(x, 3, 2, 0, 10, 1, 0, c, a) < 0);
  assert_true(kmeans(x, 0, 2, 1, 10, 1, 0, c, a) < 0);
  assert_true(kmeans_xmeans(x, 3, 2, 4, 8, 10, 1, 0, c, a) < 0);
  /* k == n: every point its own centre. */
  assert_true(kmeans(x, 3, 2, 3, 10, 1, 0, c, a) == 0.0);
  assert_true(a[0] != a[1] && a[1] != a[2] && a[0] != a[2]);
}

/* A centre far from all data is reseeded at the farthest point instead of
** staying empty. */
static void test_empty_cluster_reseeded(void **state)
{
  (void)state;
  Blobs b = blobs(3, 2, 100, 0.3f, 4);
  float c[3 * 2] = { b.center[0], b.center[1], b.center[2], b.center[3], 1000, 1000 };
  int32_t *a = xmalloc((size_t)b.n * sizeof *a);
  int it = -1;
  kmeans_lloyd(b.x, b.n, 2, 3, 100, c, a, &it);
  assert_true(it >= 1);
  int cnt[3] = { 0 };
  for (int i = 0; i < b.n; i++) cnt[a[i]]++;
  assert_true(cnt[0] > 0 && cnt[1] > 0 && cnt[2] > 0);
  assert_true(fabs(c[4]) < 100 && fabs(c[5]) < 100);
  assert_recovers(&b, a, 3);
  free(a); blobs_free(&b);
}

static void test_xmeans(void **state)
{
  (void)state;
  Blobs b = blobs(4, 3, 400, 0.4f, 5);
  float c[16 * 3];
  int32_t *a = xmalloc((size_t)b.n * sizeof *a);
  int k = kmeans_xmeans(b.x, b.n, 3, 1, 16, 100, 2, 11, c, a);
  assert_int_equal(k, 4);
  assert_recovers(&b, a, k);
  /* Deterministic. */
  float c2[16 * 3];
  int32_t *a2 = xmalloc((size_t)b.n * sizeof *a2);
  assert_int_equal(kmeans_xmeans(b.x, b.n, 3, 1, 16, 100, 2, 11, c2, a2), 4);
  assert_memory_equal(c, c2, 4 * 3 * sizeof(float));
  /* The cap holds. */
  assert_int_equal(kmeans_xmeans(b.x, b.n, 3, 1, 3, 100, 2, 11, c, a), 3);
  blobs_free(&b);

  /* One Gaussian is not split. */
  Blobs one = blobs(1, 4, 2000, 1.0f, 6);
  float *a1c = c;
  int32_t *a1 = xmalloc((size_t)one.n * sizeof *a1);
  assert_int_equal(kmeans_xmeans(one.x, one.n, 4, 1, 16, 100, 2, 12, a1c, a1), 1);
  free(a1); blobs_free(&one);
  free(a); free(a2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_blobs_recovered),
    cmocka_unit_test(test_deterministic),
    cmocka_unit_test(test_lloyd_invariants),
    cmocka_unit_test(test_duplicates),
    cmocka_unit_test(test_bad_arguments),
    cmocka_unit_test(test_empty_cluster_reseeded),
    cmocka_unit_test(test_xmeans),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
