/*
** extract.c -- automata from the network's hidden states, after Hou & Zhou,
** "Learning with Interpretable Structure from Gated RNN" (IEEE TNNLS 2020).
**
** 1. Run the network over the clustering split and sample its recurrent
**    states (the initial state always, the rest by reservoir sampling up to
**    max_states).
** 2. Cluster their hidden outputs h (k-means, an auto-k sweep, or X-means;
**    cluster.c).  h is the whole state for Elman, MGU and GRU; an LSTM's
**    memory cell c (unbounded: it can count) is left out of the distances,
**    as Hou & Zhou cluster h, and kept only as each cluster's mean.
** 3. Build a Moore machine: states 0..k-1 are the clusters, state k is the
**    start state (the initial hidden state).  Walking every sequence of the
**    split again, each step (state of h_t, symbol) -> cluster of h_{t+1} is
**    counted; the most frequent target wins.  Unseen pairs are filled by
**    stepping the network from the cluster's representative state and taking
**    the nearest centroid.  States are labelled by the network's output at
**    the representative, or by the majority class of the sequences ending
**    there.
** 4. Minimize (fsa.c) and compute symbol classes.
** docs/extraction.md states the rules in full.
**
** Shapes: D = rnn_state_dim, H = hidden (the clustered prefix of a state,
** H <= D); sample X [n x D] and its h part XH [n x H]; centroids C [k x H];
** representatives R [k x D] (the mean full state of each cluster; R = C
** when H = D); one sequence's states S [(len+1) x D] (row 0 the initial
** state).
*/
#include "extract.h"
#include "common.h"
#include "diag.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* States of every sequence of a split: cached when they fit in
** CACHE_FLOATS floats, else recomputed on demand. */
#define CACHE_FLOATS ((size_t)16 << 20)

typedef struct Walk {
  const Rnn *r;
  const Split *sp;
  int D;                    /* floats per state */
  int H;                    /* the clustered prefix (h) of a state */
  float *cache;             /* all S blocks concatenated, or NULL */
  size_t *coff;             /* [n] offset of sequence i's S in cache (floats) */
  float *buf;               /* [(maxlen+1) x D] when not cached */
} Walk;

static void walk_init(Walk *w, const Rnn *r, const Split *sp)
{
  memset(w, 0, sizeof *w);
  w->r = r; w->sp = sp; w->D = rnn_state_dim(r);
  w->H = r->hidden;         /* rnn.h: h comes first in every cell's state */
  size_t rows = 0;
  int maxlen = 0;
  for (int i = 0; i < sp->n; i++) {
    rows += (size_t)split_len(sp, i) + 1;
    if (split_len(sp, i) > maxlen) maxlen = split_len(sp, i);
  }
  if (rows * (size_t)w->D <= CACHE_FLOATS && sp->n > 0) {
    w->cache = xmalloc(rows * (size_t)w->D * sizeof *w->cache);
    w->coff = xmalloc((size_t)sp->n * sizeof *w->coff);
    size_t o = 0;
    for (int i = 0; i < sp->n; i++) {
      w->coff[i] = o;
      rnn_states(r, split_seq(sp, i), split_len(sp, i), w->cache + o);
      o += ((size_t)split_len(sp, i) + 1) * (size_t)w->D;
    }
  } else {
    w->buf = xmalloc(((size_t)maxlen + 1) * (size_t)w->D * sizeof *w->buf);
  }
}

/* S [(len+1) x D] of sequence I (valid until the next call). */
static const float *walk_states(Walk *w, int i)
{
  if (w->cache) return w->cache + w->coff[i];
  rnn_states(w->r, split_seq(w->sp, i), split_len(w->sp, i), w->buf);
  return w->buf;
}

static void walk_free(Walk *w) { free(w->cache); free(w->coff); free(w->buf); }

/* The clustering sample X [n x D]: row 0 the initial state, then up to
** MAX_STATES - 1 of the other states (all of them when they fit), chosen
** by reservoir sampling so memory stays at the cap. */
static float *sample_states(Walk *w, int max_states, uint64_t seed, int *nout)
{
  const Split *sp = w->sp;
  size_t D = (size_t)w->D, total = 0;
  for (int i = 0; i < sp->n; i++) total += (size_t)split_len(sp, i);
  size_t m = total;                              /* reservoir slots */
  if (max_states > 0 && total + 1 > (size_t)max_states) m = (size_t)max_states - 1;
  float *x = xmalloc((m + 1) * D * sizeof *x);
  rnn_init_state(w->r, x);
  Rng r;
  rng_seed(&r, seed);
  size_t seen = 0;
  for (int i = 0; i < sp->n; i++) {
    const float *S = walk_states(w, i);
    for (int t = 1; t <= split_len(sp, i); t++, seen++) {
      size_t slot = seen;
      if (seen >= m) {
        slot = (size_t)rng_below(&r, (uint64_t)seen + 1);
        if (slot >= m) continue;
      }
      memcpy(x + (1 + slot) * D, S + (size_t)t * D, D * sizeof *x);
    }
  }
  *nout = (int)(1 + (seen < m ? seen : m));
  return x;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static float norm2(const float *v, int n)
{
  double s = 0;
  for (int i = 0; i < n; i++) s += (double)v[i] * v[i];
  return (float)sqrt(s);
}

/* The observed part of the automaton of the clusters C [k x H] over the
** walked split: transitions seen in the data (with their evidence) and the
** sizes; *VOTES [(k+1) x nclass] (caller frees) counts the true classes of
** the sequences ending in each state.  complete() does the rest. */
static Fsa *tally(Walk *w, const Dataset *d, const float *C, int k, uint32_t **votes)
{
  const Rnn *r = w->r;
  const Split *sp = w->sp;
  const int D = w->D, H = w->H, m = r->nsym, ns = k + 1, start = k, nc = d->nclass;
  Fsa *f = fsa_new(ns, m, nc, 1);
  f->start = start;

  /* Every observed step as a key ((src * m + sym) * ns + dst), sorted, so
  ** the tally costs O(steps) memory whatever the vocabulary. */
  size_t steps = 0;
  int maxlen = 0;
  for (int i = 0; i < sp->n; i++) {
    steps += (size_t)split_len(sp, i);
    if (split_len(sp, i) > maxlen) maxlen = split_len(sp, i);
  }
  uint64_t *key = xmalloc((steps ? steps : 1) * sizeof *key);
  int32_t *a = xmalloc(((size_t)maxlen + 1) * sizeof *a);
  uint32_t *v = xcalloc((size_t)ns * (size_t)nc, sizeof *v);     /* [ns x nclass] */
  size_t nk = 0;
  for (int i = 0; i < sp->n; i++) {
    int len = split_len(sp, i);
    const int32_t *seq = split_seq(sp, i);
    const float *S = walk_states(w, i);
    if (len > 0) kmeans_assign_ld(S + D, D, len, H, C, k, a, NULL);   /* a[t] = cluster of h_{t+1} */
    f->size[start]++;
    for (int t = 0; t < len; t++) {
      int src = t == 0 ? start : a[t - 1];
      key[nk++] = ((uint64_t)src * (uint64_t)m + (uint64_t)seq[t]) * (uint64_t)ns + (uint64_t)a[t];
      f->size[a[t]]++;
    }
    int fin = len > 0 ? a[len - 1] : start;
    v[(size_t)fin * nc + sp->label[i]]++;
  }
  qsort(key, nk, sizeof *key, cmp_u64);
  /* the distinct steps are kept (f->steps) so minimization can recount */
  size_t nd = 0;
  for (size_t i = 0; i < nk; i++) nd += i == 0 || key[i] != key[i - 1];
  f->steps = xmalloc((nd ? nd : 1) * sizeof *f->steps);
  for (size_t i = 0; i < nk;) {
    uint64_t cell = key[i] / (uint64_t)ns;
    uint32_t total = 0, best = 0;
    int bestdst = -1;
    while (i < nk && key[i] / (uint64_t)ns == cell) {
      uint64_t dst = key[i] % (uint64_t)ns;
      uint32_t c = 0;
      while (i < nk && key[i] / (uint64_t)ns == cell && key[i] % (uint64_t)ns == dst) { c++; i++; }
      f->steps[f->nsteps++] = (struct FsaStep){ (uint32_t)(cell / (uint64_t)m), (uint32_t)(cell % (uint64_t)m),
                                                (uint32_t)dst, c };
      total += c;
      if (c > best) { best = c; bestdst = (int)dst; }   /* ascending dst: ties keep the lowest */
    }
    f->next[cell] = bestdst;
    f->count[cell] = best;
    f->total[cell] = total;
    f->conf[cell] = (float)best / (float)total;
  }
  free(key); free(a);
  *votes = v;
  return f;
}

/* Fill the unseen (state, symbol) pairs of a tallied F by stepping the
** network from the cluster's representative R (the start state: from the
** initial state) and taking the nearest centroid C; label every state by
** the output at R (rnn_output reads only h); centroid norms. */
static void complete(const SpecExtract *s, const Rnn *r, Fsa *f, const float *C,
                     const float *R, int k, const uint32_t *votes)
{
  const int D = rnn_state_dim(r), H = r->hidden, m = f->nsym, start = k, nc = f->nclass;
  float *from = xmalloc((size_t)D * sizeof *from);
  float *nxt = xmalloc((size_t)m * D * sizeof *nxt);   /* [m x D] one state's fills */
  int32_t *na = xmalloc((size_t)m * sizeof *na);
  int *syms = xmalloc((size_t)m * sizeof *syms);
  for (int q = 0; q <= k; q++) {
    if (q == start) rnn_init_state(r, from);
    else memcpy(from, R + (size_t)q * D, (size_t)D * sizeof *from);
    int nu = 0;
    for (int x = 0; x < m; x++) {
      size_t cell = (size_t)q * m + x;
      if (f->total[cell] > 0) continue;
      rnn_step(r, from, x, nxt + (size_t)nu * D);
      syms[nu++] = x;
    }
    if (nu > 0) kmeans_assign_ld(nxt, D, nu, H, C, k, na, NULL);
    for (int u = 0; u < nu; u++) {
      size_t cell = (size_t)q * m + syms[u];
      f->next[cell] = na[u];
      f->filled[cell] = 1;
    }
    int lab = rnn_output(r, from, NULL);
    if (s->label == LABEL_MAJORITY) {
      const uint32_t *v = votes + (size_t)q * nc;
      int bestc = -1;
      for (int c = 0; c < nc; c++) if (v[c] > 0 && (bestc < 0 || v[c] > v[bestc])) bestc = c;
      if (bestc >= 0) lab = bestc;
    }
    f->label[q] = lab;
    f->centroid_norm[q] = q == start ? 0.0f : norm2(C + (size_t)q * H, H);
  }
  free(from); free(nxt); free(na); free(syms);
  fsa_symclasses(f);
  RNF_ASSERT(fsa_validate(f) == 0);
}

/* The representative full states R [k x D] of clusters C [k x H] of the
** sample X [n x D] (assignments A [n]): the mean state of each cluster's
** members; a cluster without members (fewer distinct points than k) takes
** the member state nearest its centroid.  NULL when H = D: the centroids
** are the states, exactly as clustered. */
static float *representatives(const float *x, int n, int D, int H, const int32_t *a,
                              const float *C, int k)
{
  if (H == D) return NULL;
  double *sum = xcalloc((size_t)k * D, sizeof *sum);          /* [k x D] */
  long *cnt = xcalloc((size_t)k, sizeof *cnt);
  for (int i = 0; i < n; i++) {
    const float *xi = x + (size_t)i * D;
    double *si = sum + (size_t)a[i] * D;
    for (int j = 0; j < D; j++) si[j] += xi[j];
    cnt[a[i]]++;
  }
  float *R = xmalloc((size_t)k * D * sizeof *R);
  for (int q = 0; q < k; q++) {
    float *rq = R + (size_t)q * D;
    if (cnt[q] > 0) {
      for (int j = 0; j < D; j++) rq[j] = (float)(sum[(size_t)q * D + j] / (double)cnt[q]);
      continue;
    }
    int near = 0;
    double bestd = -1;
    for (int i = 0; i < n; i++) {
      double e = 0;
      for (int j = 0; j < H; j++) {
        double t = (double)x[(size_t)i * D + j] - C[(size_t)q * H + j];
        e += t * t;
      }
      if (bestd < 0 || e < bestd) { bestd = e; near = i; }
    }
    memcpy(rq, x + (size_t)near * D, (size_t)D * sizeof *rq);
  }
  free(sum); free(cnt);
  return R;
}

/* The complete, unminimized automaton of the clusters C [k x H] of the
** sample X [n x D] with assignments A [n]. */
static Fsa *build(const SpecExtract *s, Walk *w, const Dataset *d, const float *x, int n,
                  const int32_t *a, const float *C, int k)
{
  uint32_t *votes;
  Fsa *f = tally(w, d, C, k, &votes);
  float *R = representatives(x, n, w->D, w->H, a, C, k);
  complete(s, w->r, f, C, R ? R : C, k, votes);
  free(votes); free(R);
  return f;
}

/* Agreement of F with the network's predictions PRED [n] on SP, and F's
** accuracy (*ACC, may be NULL). */
static double fidelity(const Fsa *f, const Split *sp, const int32_t *pred, double *acc)
{
  if (sp->n == 0) { if (acc) *acc = 0; return 0; }
  long agree = 0, ok = 0;
  for (int i = 0; i < sp->n; i++) {
    int y = fsa_classify(f, split_seq(sp, i), split_len(sp, i));
    agree += y == pred[i];
    ok += y == sp->label[i];
  }
  if (acc) *acc = (double)ok / sp->n;
  return (double)agree / sp->n;
}

static int32_t *predictions(const Rnn *r, const Split *sp)
{
  int32_t *p = xmalloc((size_t)(sp->n > 0 ? sp->n : 1) * sizeof *p);
  for (int i = 0; i < sp->n; i++) p[i] = rnn_classify(r, split_seq(sp, i), split_len(sp, i));
  return p;
}

/* Fraction of the observed steps that the automaton's transitions agree
** with: 1 when every cluster's successors are unanimous. */
static double consistency(const Fsa *f)
{
  uint64_t agree = 0, all = 0;
  for (size_t c = 0; c < (size_t)f->nstates * (size_t)f->nsym; c++) {
    agree += f->count[c];
    all += f->total[c];
  }
  return all ? (double)agree / (double)all : 1.0;
}

/* The automaton as the spec wants it.  The observed steps served only the
** recount in fsa_minimize; they are as many as the tokens, so they go. */
static Fsa *finish(const SpecExtract *s, Fsa *f)
{
  Fsa *g = f;
  if (s->minimize) {
    g = fsa_minimize(f);
    fsa_free(f);
  }
  free(g->steps);
  g->steps = NULL;
  g->nsteps = 0;
  return g;
}

/* k-means over the h part XH [n x H] of the sample X [n x D] with the
** spec's restarts run one by one: each
** restart's automaton is built, and the most deterministic one (highest
** consistency; ties: lowest inertia, then earliest) is kept.  Lowest
** inertia alone can merge small, tight clusters that the automaton needs
** (Tomita 4's states after "0" and after "1") while spending centroids on
** the spread of a sink region.  *RAW: states before minimization. */
static Fsa *kmeans_automaton(const SpecExtract *s, Walk *w, const Dataset *d,
                             const float *x, const float *xh, int n, int k, int *raw,
                             double *inertia, double *cons)
{
  const int H = w->H, iters = s->iterations > 0 ? s->iterations : 1;
  float *C = xmalloc((size_t)k * H * sizeof *C);                 /* [k x H] this run */
  float *bestC = xmalloc((size_t)k * H * sizeof *bestC);         /* [k x H] the kept run */
  int32_t *assign = xmalloc((size_t)n * sizeof *assign);
  int32_t *bestassign = xmalloc((size_t)n * sizeof *bestassign);
  Rng master;
  rng_seed(&master, s->seed);
  Fsa *best = NULL;
  uint32_t *bestvotes = NULL;
  double bestcons = -1, bestin = 0;
  for (int rep = 0; rep < (s->restarts > 0 ? s->restarts : 1); rep++) {
    double in = kmeans(xh, n, H, k, iters, 1, rng_next(&master), C, assign);
    RNF_ASSERT(in >= 0);
    uint32_t *votes;
    Fsa *f = tally(w, d, C, k, &votes);    /* consistency needs only the observed part */
    double c = consistency(f);
    if (!best || c > bestcons || (c == bestcons && in < bestin)) {
      fsa_free(best); free(bestvotes);
      best = f; bestvotes = votes; bestcons = c; bestin = in;
      memcpy(bestC, C, (size_t)k * H * sizeof *C);
      memcpy(bestassign, assign, (size_t)n * sizeof *assign);
    } else {
      fsa_free(f); free(votes);
    }
  }
  float *R = representatives(x, n, w->D, H, bestassign, bestC, k);
  complete(s, w->r, best, bestC, R ? R : bestC, k, bestvotes);
  free(C); free(bestC); free(assign); free(bestassign); free(bestvotes); free(R);
  *raw = best->nstates;
  *inertia = bestin;
  *cons = bestcons;
  return finish(s, best);
}

/* Split used to judge fidelity during the auto-k sweep / evaluation:
** the first non-empty of the listed splits. */
static const Split *first_nonempty(const Split *a, const Split *b, const Split *c)
{
  if (a->n > 0) return a;
  if (b->n > 0) return b;
  return c;
}

/* An explicit k above the N points to cluster cannot be honoured. */
static void k_warning(const SpecExtract *s, int n)
{
  if (s->max_states > 0 && n >= s->max_states)
    diag(DIAG_WARNING, "'k %d' is more than the %d hidden states sampled for clustering ('max_states %d'); "
         "using k %d (raise 'max_states' for more)", s->k, n, s->max_states, n);
  else
    diag(DIAG_WARNING, "'k %d' is more than the %d hidden states there are to cluster; using k %d", s->k, n, n);
}

int extract_fsa(const SpecExtract *s, const Rnn *r, const Dataset *d, Fsa **out, Eval *ev)
{
  *out = NULL;
  if (ev) memset(ev, 0, sizeof *ev);
  if (r->nsym != d->tok.nsym || r->nclass != d->nclass) {
    diag(DIAG_ERROR, "extract: the network (%d symbols, %d classes) does not match the data (%d symbols, %d classes)",
         r->nsym, r->nclass, d->tok.nsym, d->nclass);
    return RNF_EXIT_INTERNAL;
  }
  const Split *csplit = &d->train;
  if (s->use_valid) {
    if (d->valid.n > 0) csplit = &d->valid;
    else diag(DIAG_WARNING, "'states valid' is set but the validation split is empty; clustering training states");
  }
  Walk w;
  walk_init(&w, r, csplit);
  int n, D = w.D, H = w.H;
  float *x = sample_states(&w, s->max_states, s->seed, &n);   /* [n x D] */
  float *xh = x;                                              /* [n x H] */
  if (H < D) {
    xh = xmalloc((size_t)n * H * sizeof *xh);
    for (int i = 0; i < n; i++) memcpy(xh + (size_t)i * H, x + (size_t)i * D, (size_t)H * sizeof *xh);
  }
  int kmax = s->kmax > 0 ? s->kmax : 1;
  Fsa *best = NULL;
  int bestk = 0, bestraw = 0;

  if (s->method == EXTRACT_XMEANS) {
    int kmin = s->k > 0 ? s->k : 1;
    if (kmin > n) { k_warning(s, n); kmin = n; }
    if (kmax < kmin) kmax = kmin;
    float *C = xmalloc((size_t)kmax * H * sizeof *C);              /* [kmax x H] */
    int32_t *assign = xmalloc((size_t)n * sizeof *assign);
    bestk = kmeans_xmeans(xh, n, H, kmin, kmax, s->iterations > 0 ? s->iterations : 1,
                          s->restarts, s->seed, C, assign);
    RNF_ASSERT(bestk >= 1);
    Fsa *f = build(s, &w, d, x, n, assign, C, bestk);
    bestraw = f->nstates;
    best = finish(s, f);
    free(C); free(assign);
    if (rnf_verbosity > 0)
      fprintf(stderr, "extract: x-means chose k %d: %d states, %d %s\n",
              bestk, bestraw, best->nstates, s->minimize ? "after minimization" : "(not minimized)");
  } else if (s->k > 0) {
    bestk = s->k < n ? s->k : n;
    if (bestk < s->k)   /* more clusters than points: k-means cannot place them */
      k_warning(s, n);
    double in, cons;
    best = kmeans_automaton(s, &w, d, x, xh, n, bestk, &bestraw, &in, &cons);
    if (rnf_verbosity > 0)
      fprintf(stderr, "extract: k %d: inertia %.6g, consistency %.4f, %d states, %d %s\n",
              bestk, in, cons, bestraw, best->nstates, s->minimize ? "after minimization" : "(not minimized)");
  } else {
    /* Auto: k = 2, 3, 4, 6, 8, 12, ... (then kmax itself); the first whose
    ** fidelity on the validation split reaches the target wins. */
    const Split *fs = first_nonempty(&d->valid, &d->train, &d->test);
    int32_t *pred = predictions(r, fs);
    int kcap = kmax < n ? kmax : n, ks[64], nks = 0;
    for (int step = 0; nks < 64; step++) {
      long k = step == 0 ? 2 : step == 1 ? 3 : (long)(step % 2 == 0 ? 4 : 6) << ((step - 2) / 2);
      if (k >= kcap) { ks[nks++] = kcap; break; }
      ks[nks++] = (int)k;
    }
    double bestfid = -1;
    int kreach = 0;                    /* the first k that reached the target */
    for (int i = 0; i < nks; i++) {
      int k = ks[i], raw;
      double in, cons;
      Fsa *f = kmeans_automaton(s, &w, d, x, xh, n, k, &raw, &in, &cons);
      double fid = fidelity(f, fs, pred, NULL);
      if (rnf_verbosity > 0)
        fprintf(stderr, "extract: k %d: inertia %.6g, consistency %.4f, %d states, %d %s, fidelity %.4f on %s\n",
                k, in, cons, raw, f->nstates, s->minimize ? "after minimization" : "(not minimized)", fid, fs == &d->valid ? "validation" : fs == &d->train ? "training" : "test");
      if (fid > bestfid) {             /* strict: ties keep the smaller k */
        fsa_free(best);
        best = f; bestfid = fid; bestk = k; bestraw = raw;
      } else {
        fsa_free(f);
      }
      /* Reaching the target opens a window up to 4 x that k: validation
      ** fidelity just under 1 often means a rare state is still merged
      ** (Tomita 2 on an Elman net: 0.9995 from k 3 to 8, exact at 12), and
      ** a few larger k cost little next to training.  Perfect agreement
      ** ends the sweep at once. */
      if (bestfid >= 1.0) break;
      if (!kreach && fid >= s->fidelity) kreach = k;
      if (kreach && (i + 1 >= nks || (long)ks[i + 1] > 4L * kreach)) break;
    }
    free(pred);
  }
  if (xh != x) free(xh);
  free(x);
  walk_free(&w);
  *out = best;
  if (ev) {
    ev->k = bestk;
    ev->states_raw = bestraw;
    ev->minimized = s->minimize;
    extract_evaluate(r, best, d, ev);
  }
  return RNF_EXIT_OK;
}

void extract_evaluate(const Rnn *r, const Fsa *f, const Dataset *d, Eval *ev)
{
  const Split *sp = first_nonempty(&d->test, &d->valid, &d->train);
  ev->split = sp == &d->test ? EVAL_TEST : sp == &d->valid ? EVAL_VALID : EVAL_TRAIN;
  int32_t *pred = predictions(r, sp);
  long ok = 0;
  for (int i = 0; i < sp->n; i++) ok += pred[i] == sp->label[i];
  ev->net_acc = sp->n ? (double)ok / sp->n : 0;
  ev->fidelity = fidelity(f, sp, pred, &ev->fsa_acc);
  free(pred);
  ev->states_min = f->nstates;
  ev->nsymclass = f->nsymclass;
  free(ev->cex);
  ev->cex = NULL;
  ev->cexlen = 0;
  ev->equivalent = -1;
  if (d->target && d->target->nsym == f->nsym)
    ev->equivalent = fsa_equivalent(f, d->target, &ev->cex, &ev->cexlen);
}

void eval_free(Eval *ev)
{
  if (!ev) return;
  free(ev->cex);
  ev->cex = NULL;
  ev->cexlen = 0;
}

const char *eval_split_name(EvalSplit s)
{
  return s == EVAL_VALID ? "validation" : s == EVAL_TRAIN ? "training" : "test";
}
