/*
** cluster.c -- k-means (greedy k-means++ seeding, Lloyd iterations with
** BLAS distances, farthest-point reseeding of empty clusters, restarts) and
** X-means (BIC-driven splitting), used by extraction to turn the network's
** hidden states into automaton states.  See cluster.h for the contract.
**
** Shapes: X [n x d] points, C [k x d] centroids, G [b x k] the distance
** block for b <= KMEANS_BLOCK rows, all row-major floats.  Sums that decide
** results (centroid means, inertia, potentials) accumulate in double.
*/
#include "cluster.h"
#include "common.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* out[i] = ||x_i||^2 for N rows of D floats, LD floats apart. */
static void row_norms_ld(const float *x, int n, int d, int ld, float *out)
{
  for (int i = 0; i < n; i++) {
    const float *xi = x + (size_t)i * ld;
    double s = 0;
    for (int j = 0; j < d; j++) s += (double)xi[j] * xi[j];
    out[i] = (float)s;
  }
}

static void row_norms(const float *x, int n, int d, float *out) { row_norms_ld(x, n, d, d, out); }

/* G [b x k] = squared distances of rows X [b x d] (norms XN [b]) to C [k x d]
** (norms CN [k]): ||x||^2 - 2 x.c + ||c||^2, clamped at 0 (rounding). */
static void block_dist(const float *x, const float *xn, int b, int d,
                       const float *c, const float *cn, int k, float *g)
{
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, k, d,
              -2.0f, x, d, c, d, 0.0f, g, k);
  for (int i = 0; i < b; i++) {
    float *gi = g + (size_t)i * k;
    for (int j = 0; j < k; j++) {
      float v = gi[j] + xn[i] + cn[j];
      gi[j] = v > 0.0f ? v : 0.0f;
    }
  }
}

/* Nearest centroid for every row (rows of D floats, LD floats apart).  XN
** [n] may be NULL (then computed per block).  Counts rows whose assignment
** changed into *CHANGED (may be NULL).  Returns the inertia. */
static double assign_rows(const float *x, int ld, const float *xn, int n, int d,
                          const float *c, int k, int32_t *assign, float *dist,
                          long *changed)
{
  float *cn = xmalloc((size_t)k * sizeof *cn);
  row_norms(c, k, d, cn);
  int bmax = n < KMEANS_BLOCK ? n : KMEANS_BLOCK;
  float *g = xmalloc((size_t)bmax * (size_t)k * sizeof *g);    /* [b x k] */
  float *xnb = xn ? NULL : xmalloc((size_t)bmax * sizeof *xnb);
  double inertia = 0;
  long ch = 0;
  for (int i0 = 0; i0 < n; i0 += KMEANS_BLOCK) {
    int b = n - i0 < KMEANS_BLOCK ? n - i0 : KMEANS_BLOCK;
    const float *xb = x + (size_t)i0 * ld;
    const float *nb = xn ? xn + i0 : xnb;
    if (!xn) row_norms_ld(xb, b, d, ld, xnb);
    /* g = -2 x.c; the row's ||x||^2 does not change its argmin, so it is
    ** added to the winner only.  Branch-free argmin: assignments of noisy
    ** data are unpredictable. */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, k, d,
                -2.0f, xb, ld, c, d, 0.0f, g, k);
    for (int i = 0; i < b; i++) {
      const float *gi = g + (size_t)i * k;
      float bv = gi[0] + cn[0];
      int best = 0;
      for (int j = 1; j < k; j++) {
        float v = gi[j] + cn[j];
        int lt = v < bv;
        bv = lt ? v : bv;
        best = lt ? j : best;
      }
      float dv = bv + nb[i];
      dv = dv > 0.0f ? dv : 0.0f;
      ch += assign[i0 + i] != best;
      assign[i0 + i] = best;
      if (dist) dist[i0 + i] = dv;
      inertia += dv;
    }
  }
  free(cn); free(g); free(xnb);
  if (changed) *changed = ch;
  return inertia;
}

double kmeans_assign(const float *x, int n, int d, const float *centroids, int k,
                     int32_t *assign, float *dist)
{
  return kmeans_assign_ld(x, d, n, d, centroids, k, assign, dist);
}

double kmeans_assign_ld(const float *x, int ld, int n, int d, const float *centroids, int k,
                        int32_t *assign, float *dist)
{
  if (n < 1 || d < 1 || k < 1 || ld < d) return -1.0;
  return assign_rows(x, ld, NULL, n, d, centroids, k, assign, dist, NULL);
}

/* Greedy k-means++ (Arthur & Vassilvitskii; the greedy variant as in
** scikit-learn): each new centre is the best of L = 2 + floor(ln k)
** candidates drawn with probability proportional to D^2, "best" meaning the
** lowest resulting potential.  CLOSEST [n] is scratch (D^2 to the chosen
** centres).  The scan over blocks keeps memory O(KMEANS_BLOCK * L). */
static void seed_plusplus(const float *x, const float *xn, int n, int d, int k,
                          Rng *r, float *c, float *closest)
{
  int L = 2 + (int)log((double)k);
  int bmax = n < KMEANS_BLOCK ? n : KMEANS_BLOCK;
  float *cand = xmalloc((size_t)L * d * sizeof *cand);          /* [L x d] */
  float *cn = xmalloc((size_t)L * sizeof *cn);
  float *g = xmalloc((size_t)bmax * (size_t)L * sizeof *g);     /* [b x L] */
  double *target = xmalloc((size_t)L * sizeof *target);
  double *pot = xmalloc((size_t)L * sizeof *pot);
  int *pick = xmalloc((size_t)L * sizeof *pick);

  int first = (int)rng_below(r, (uint64_t)n);
  memcpy(c, x + (size_t)first * d, (size_t)d * sizeof *c);
  double total = 0;
  for (int i0 = 0; i0 < n; i0 += KMEANS_BLOCK) {
    int b = n - i0 < KMEANS_BLOCK ? n - i0 : KMEANS_BLOCK;
    row_norms(c, 1, d, cn);
    block_dist(x + (size_t)i0 * d, xn + i0, b, d, c, cn, 1, closest + i0);
    for (int i = 0; i < b; i++) total += closest[i0 + i];
  }

  for (int ci = 1; ci < k; ci++) {
    /* Draw L indices by D^2: sorted targets, one cumulative scan.  With
    ** total 0 (every point sits on a centre) draw uniformly. */
    for (int l = 0; l < L; l++) target[l] = rng_unit(r) * total;
    for (int l = 1; l < L; l++)          /* insertion sort, L is tiny */
      for (int m = l; m > 0 && target[m] < target[m - 1]; m--) {
        double t = target[m]; target[m] = target[m - 1]; target[m - 1] = t;
      }
    if (total > 0) {
      double cum = 0;
      int l = 0, lastpos = 0;
      for (int i = 0; i < n && l < L; i++) {
        if (closest[i] <= 0) continue;
        cum += closest[i];
        lastpos = i;
        while (l < L && target[l] < cum) pick[l++] = i;
      }
      while (l < L) pick[l++] = lastpos;  /* rounding at the top end */
    } else {
      for (int l = 0; l < L; l++) pick[l] = (int)rng_below(r, (uint64_t)n);
    }
    for (int l = 0; l < L; l++)
      memcpy(cand + (size_t)l * d, x + (size_t)pick[l] * d, (size_t)d * sizeof *cand);
    row_norms(cand, L, d, cn);

    /* Potential after adding each candidate. */
    for (int l = 0; l < L; l++) pot[l] = 0;
    for (int i0 = 0; i0 < n; i0 += KMEANS_BLOCK) {
      int b = n - i0 < KMEANS_BLOCK ? n - i0 : KMEANS_BLOCK;
      block_dist(x + (size_t)i0 * d, xn + i0, b, d, cand, cn, L, g);
      for (int i = 0; i < b; i++)
        for (int l = 0; l < L; l++) {
          float v = g[(size_t)i * L + l];
          pot[l] += v < closest[i0 + i] ? v : closest[i0 + i];
        }
    }
    int best = 0;
    for (int l = 1; l < L; l++) if (pot[l] < pot[best]) best = l;
    float *cc = c + (size_t)ci * d;
    memcpy(cc, cand + (size_t)best * d, (size_t)d * sizeof *cc);

    float ccn = cn[best];
    total = 0;
    for (int i0 = 0; i0 < n; i0 += KMEANS_BLOCK) {
      int b = n - i0 < KMEANS_BLOCK ? n - i0 : KMEANS_BLOCK;
      block_dist(x + (size_t)i0 * d, xn + i0, b, d, cc, &ccn, 1, g);
      for (int i = 0; i < b; i++) {
        if (g[i] < closest[i0 + i]) closest[i0 + i] = g[i];
        total += closest[i0 + i];
      }
    }
  }
  free(cand); free(cn); free(g); free(target); free(pot); free(pick);
}

/* Lloyd with precomputed row norms XN [n] and scratch DIST [n]. */
static double lloyd(const float *x, const float *xn, int n, int d, int k, int iters,
                    float *c, int32_t *assign, float *dist, int *iters_done)
{
  double *sum = xmalloc((size_t)k * d * sizeof *sum);          /* [k x d] */
  long *cnt = xmalloc((size_t)k * sizeof *cnt);
  for (int i = 0; i < n; i++) assign[i] = -1;
  long changed;
  double inertia = assign_rows(x, d, xn, n, d, c, k, assign, dist, &changed);
  int it = 0;
  while (it < iters) {
    memset(sum, 0, (size_t)k * d * sizeof *sum);
    memset(cnt, 0, (size_t)k * sizeof *cnt);
    for (int i = 0; i < n; i++) {
      const float *xi = x + (size_t)i * d;
      double *s = sum + (size_t)assign[i] * d;
      for (int j = 0; j < d; j++) s[j] += xi[j];
      cnt[assign[i]]++;
    }
    /* Empty cluster: move the point farthest from its centroid there (taken
    ** from a cluster that keeps at least one point), as scikit-learn does. */
    for (int j = 0; j < k; j++) {
      if (cnt[j] > 0) continue;
      int far = -1;
      for (int i = 0; i < n; i++)
        if (dist[i] > 0 && cnt[assign[i]] > 1 && (far < 0 || dist[i] > dist[far])) far = i;
      if (far < 0) continue;               /* fewer distinct points than k */
      const float *xf = x + (size_t)far * d;
      double *so = sum + (size_t)assign[far] * d, *sj = sum + (size_t)j * d;
      for (int t = 0; t < d; t++) { so[t] -= xf[t]; sj[t] = xf[t]; }
      cnt[assign[far]]--;
      cnt[j] = 1;
      assign[far] = j;
      dist[far] = 0;
    }
    for (int j = 0; j < k; j++) {
      if (cnt[j] == 0) continue;            /* keep the old centre */
      float *cj = c + (size_t)j * d;
      const double *sj = sum + (size_t)j * d;
      for (int t = 0; t < d; t++) cj[t] = (float)(sj[t] / (double)cnt[j]);
    }
    it++;
    inertia = assign_rows(x, d, xn, n, d, c, k, assign, dist, &changed);
    if (changed == 0) break;              /* centres are the means of ASSIGN */
  }
  free(sum); free(cnt);
  if (iters_done) *iters_done = it;
  return inertia;
}

double kmeans_lloyd(const float *x, int n, int d, int k, int iters,
                    float *centroids, int32_t *assign, int *iters_done)
{
  if (n < 1 || d < 1 || k < 1 || k > n) return -1.0;
  float *xn = xmalloc((size_t)n * sizeof *xn), *dist = xmalloc((size_t)n * sizeof *dist);
  row_norms(x, n, d, xn);
  double in = lloyd(x, xn, n, d, k, iters, centroids, assign, dist, iters_done);
  free(xn); free(dist);
  return in;
}

double kmeans(const float *x, int n, int d, int k, int iters, int restarts,
              uint64_t seed, float *centroids, int32_t *assign)
{
  return kmeans_run(x, n, d, k, iters, restarts, seed, centroids, assign, NULL);
}

double kmeans_run(const float *x, int n, int d, int k, int iters, int restarts,
                  uint64_t seed, float *centroids, int32_t *assign, int *iters_done)
{
  if (n < 1 || d < 1 || k < 1 || k > n) return -1.0;
  if (restarts < 1) restarts = 1;
  float *xn = xmalloc((size_t)n * sizeof *xn), *dist = xmalloc((size_t)n * sizeof *dist);
  row_norms(x, n, d, xn);
  float *c = restarts > 1 ? xmalloc((size_t)k * d * sizeof *c) : centroids;
  int32_t *a = restarts > 1 ? xmalloc((size_t)n * sizeof *a) : assign;
  Rng master;
  rng_seed(&master, seed);
  double best = -1.0;
  for (int rep = 0; rep < restarts; rep++) {
    Rng r;
    rng_seed(&r, rng_next(&master));   /* each run's stream is independent */
    seed_plusplus(x, xn, n, d, k, &r, c, dist);
    int it;
    double in = lloyd(x, xn, n, d, k, iters, c, a, dist, &it);
    if (best < 0 || in < best) {
      best = in;
      if (iters_done) *iters_done = it;
      if (c != centroids) {
        memcpy(centroids, c, (size_t)k * d * sizeof *c);
        memcpy(assign, a, (size_t)n * sizeof *a);
      }
    }
  }
  if (c != centroids) { free(c); free(a); }
  free(xn); free(dist);
  return best;
}

double kmeans_bic(int n, int d, int k, double sse, const int *sizes, double var_floor)
{
  double var = n > k ? sse / ((double)d * (double)(n - k)) : 0.0;
  if (var < var_floor) var = var_floor;
  double ll = 0;
  for (int j = 0; j < k; j++)
    if (sizes[j] > 0) ll += sizes[j] * log((double)sizes[j] / n);
  ll -= 0.5 * (double)n * d * log(2.0 * 3.14159265358979323846 * var) + sse / (2.0 * var);
  double p = (double)(k - 1) + (double)k * d + 1.0;   /* mixing weights, means, variance */
  return ll - 0.5 * p * log((double)n);
}

int kmeans_xmeans(const float *x, int n, int d, int kmin, int kmax, int iters,
                  int restarts, uint64_t seed, float *centroids, int32_t *assign)
{
  if (n < 1 || d < 1 || kmin < 1 || kmax < kmin || kmin > n) return -1;
  int kcap = kmax < n ? kmax : n;
  int k = kmin;
  if (kmeans(x, n, d, k, iters, restarts, seed, centroids, assign) < 0) return -1;
  Rng r;
  rng_seed(&r, seed ^ 0x9e3779b97f4a7c15ULL);
  int *start = xmalloc(((size_t)kcap + 1) * sizeof *start);
  int *order = xmalloc((size_t)n * sizeof *order);
  float *sub = xmalloc((size_t)n * d * sizeof *sub);          /* one cluster's rows */
  int32_t *suba = xmalloc((size_t)n * sizeof *suba);
  float *newc = xmalloc((size_t)kcap * d * sizeof *newc);     /* [kcap x d] */
  float *cc = xmalloc((size_t)2 * d * sizeof *cc);            /* [2 x d] */
  float *xn = xmalloc((size_t)n * sizeof *xn), *dist = xmalloc((size_t)n * sizeof *dist);
  row_norms(x, n, d, xn);
  /* Variance floor: a millionth of the whole data's variance per dimension.
  ** Saturated hidden states form near-point clusters whose tiny spread
  ** would otherwise keep "improving" the BIC when split; with the floor,
  ** spread below it counts as none, and an exact fit stays finite. */
  double vfloor = 0;
  {
    double *mean = xcalloc((size_t)d, sizeof *mean);
    for (int i = 0; i < n; i++) for (int t = 0; t < d; t++) mean[t] += x[(size_t)i * d + t];
    for (int t = 0; t < d; t++) mean[t] /= n;
    for (int i = 0; i < n; i++)
      for (int t = 0; t < d; t++) { double e = x[(size_t)i * d + t] - mean[t]; vfloor += e * e; }
    vfloor = 1e-6 * vfloor / ((double)n * d) + 1e-30;
    free(mean);
  }
  while (k < kcap) {
    /* Rows grouped by cluster (counting sort keeps row order inside). */
    memset(start, 0, ((size_t)k + 1) * sizeof *start);
    for (int i = 0; i < n; i++) start[assign[i] + 1]++;
    for (int j = 0; j < k; j++) start[j + 1] += start[j];
    for (int i = 0; i < n; i++) order[start[assign[i]]++] = i;
    for (int j = k; j > 0; j--) start[j] = start[j - 1];
    start[0] = 0;

    int nk = 0, splits = 0;
    for (int j = 0; j < k; j++) {
      int rn = start[j + 1] - start[j];
      const float *cj = centroids + (size_t)j * d;
      int split = 0;
      if (k + splits < kcap && rn >= 4) {
        double sse1 = 0;
        for (int t = 0; t < rn; t++) {
          const float *xi = x + (size_t)order[start[j] + t] * d;
          memcpy(sub + (size_t)t * d, xi, (size_t)d * sizeof *sub);
          for (int u = 0; u < d; u++) { double e = (double)xi[u] - cj[u]; sse1 += e * e; }
        }
        if (sse1 > 0) {
          double sse2 = kmeans(sub, rn, d, 2, iters, restarts, rng_next(&r), cc, suba);
          int sizes[2] = { 0, 0 };
          for (int t = 0; t < rn; t++) sizes[suba[t]]++;
          double bic1 = kmeans_bic(rn, d, 1, sse1, &rn, vfloor);
          double bic2 = kmeans_bic(rn, d, 2, sse2, sizes, vfloor);
          split = sizes[0] > 0 && sizes[1] > 0 && bic2 > bic1;
        }
      }
      if (split) {
        memcpy(newc + (size_t)nk++ * d, cc, (size_t)2 * d * sizeof *cc);
        nk++;
        splits++;
      } else {
        memcpy(newc + (size_t)nk++ * d, cj, (size_t)d * sizeof *cj);
      }
    }
    if (splits == 0) break;
    k = nk;
    memcpy(centroids, newc, (size_t)k * d * sizeof *newc);
    lloyd(x, xn, n, d, k, iters, centroids, assign, dist, NULL);
  }
  free(start); free(order); free(sub); free(suba); free(newc); free(cc);
  free(xn); free(dist);
  return k;
}
