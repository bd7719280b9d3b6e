/*
** cluster.h -- k-means (k-means++ seeding, Lloyd iterations) and X-means.
**
** Contract: all functions work on N rows of X (N x D floats, row-major) and
** K centroids (K x D, row-major).  Squared Euclidean distances are computed
** as ||x||^2 - 2 x.c + ||c||^2 with cblas_sgemm over blocks of at most
** KMEANS_BLOCK rows, so scratch memory is O(KMEANS_BLOCK * K) whatever N is.
** Ties between equally near centroids go to the lowest index.  Results
** depend only on the inputs and the seed (Rng from common.h).
** Invalid arguments (N < 1, D < 1, K < 1 or K > N) return a negative value;
** callers clamp K to N themselves.
*/
#ifndef RNF_CLUSTER_H
#define RNF_CLUSTER_H

#include <stdint.h>

#define KMEANS_BLOCK 4096

/* k-means with greedy k-means++ seeding (2 + ln K candidates per centre),
** then at most ITERS Lloyd iterations (stopping early when no assignment
** changes), RESTARTS independent runs (>= 1) keeping the lowest inertia.
** Writes K centroids and the assignments [N].  Returns the inertia (sum of
** squared distances to the assigned centroid), or -1 on invalid arguments. */
double kmeans(const float *x, int n, int d, int k, int iters, int restarts,
              uint64_t seed, float *centroids, int32_t *assign);

/* kmeans, and *ITERS_DONE (may be NULL) gets the Lloyd iterations of the
** kept run (< ITERS when it converged: an update changed no assignment). */
double kmeans_run(const float *x, int n, int d, int k, int iters, int restarts,
                  uint64_t seed, float *centroids, int32_t *assign, int *iters_done);

/* Lloyd iterations from the given CENTROIDS (in/out).  An empty cluster is
** reseeded at the point farthest from its own centroid.  *ITERS_DONE (may be
** NULL) gets the iterations run.  Returns the final inertia; ASSIGN holds the
** nearest-centroid assignment for the returned centroids. */
double kmeans_lloyd(const float *x, int n, int d, int k, int iters,
                    float *centroids, int32_t *assign, int *iters_done);

/* Nearest centroid of each row: ASSIGN [N]; DIST [N] (may be NULL) gets the
** squared distance (clamped at 0).  Returns the sum of DIST. */
double kmeans_assign(const float *x, int n, int d, const float *centroids, int k,
                     int32_t *assign, float *dist);
/* kmeans_assign on the first D floats of N rows that lie LD >= D floats
** apart (e.g. the h part of LSTM states [h; c]). */
double kmeans_assign_ld(const float *x, int ld, int n, int d, const float *centroids, int k,
                        int32_t *assign, float *dist);

/* X-means (Pelleg & Moore 2000): start from k-means with KMIN clusters; then
** repeatedly try splitting every cluster in two (local 2-means) and keep a
** split when the Bayesian information criterion of the two-cluster model
** of that cluster's points beats the one-cluster model; re-run Lloyd on all
** points after each round; stop when no split is kept or KMAX is reached.
** Variances in the BIC are floored at 1e-6 of the whole data's variance per
** dimension, so clusters tighter than that are not split further.
** CENTROIDS must hold KMAX x D floats.  Returns the chosen K (KMIN..KMAX),
** or -1 on invalid arguments (KMIN < 1, KMAX < KMIN, KMIN > N). */
int kmeans_xmeans(const float *x, int n, int d, int kmin, int kmax, int iters,
                  int restarts, uint64_t seed, float *centroids, int32_t *assign);

/* The BIC of a K-cluster spherical-Gaussian model (one variance shared by
** all clusters and dimensions) of N > K points in D dimensions with the
** given sum of squared errors and cluster SIZES [K]; the variance estimate
** SSE / (D (N - K)) is floored at VAR_FLOOR (> 0) so that exact fits stay
** finite.  Higher is better. */
double kmeans_bic(int n, int d, int k, double sse, const int *sizes, double var_floor);

#endif
