/*
** train.c -- the mini-batch trainer (see rnn.h).
**
** A batch is laid out like a PyTorch PackedSequence: its examples sorted by
** length, longest first, so at time step t the examples still running are a
** prefix of nb[t] rows, and step t's rows sit contiguously at off[t].  A
** finished sequence simply drops out of the prefix, which is the masking:
** its state stops changing and its output gradient enters the backward pass
** at its own last step.  The input projection of all steps is one sgemm
** (or, one-hot, a gather of Wx columns), each step one fused sgemm for all
** gates.  Every buffer is sized once, before the first epoch.
**
** Batches come from length buckets: each epoch shuffles the examples, cuts
** them into chunks of BUCKET batches, sorts each chunk by length and cuts it
** into batches, then shuffles the batch order.  Full BPTT, Adam or SGD, L2,
** global gradient-norm clipping, early stopping on validation accuracy.
*/
#include "rnn.h"
#include "diag.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUCKET 32             /* batches per length-sorted chunk */

struct RnnWork {
  int B, T;                   /* capacity: rows, time steps */
  int in, H, GH, A, TW, C;
  int32_t *ord;               /* [B] the batch's examples, longest first */
  int *len;                   /* [B] their lengths */
  int *nb, *off;              /* [T] rows active at step t; [T+1] first packed row of step t */
  float *X;                   /* [B*T][in] embedded inputs (embedding only) */
  float *XP;                  /* [B*T][GH] Wx x + b; dL/dXP in the backward pass */
  float *ACT;                 /* [B*T][A] cell activations */
  float *HS, *CS;             /* [B*T][H] h (and LSTM c) after each step */
  float *zero;                /* [B][H] the initial state */
  float *hf;                  /* [B][H] final h per example */
  float *probs;               /* [B][C] softmax, then dL/dlogits */
  float *dhf;                 /* [B][H] dL/dh_final */
  float *dh, *dc;             /* [B][H] carried state gradients */
  float *dXP;                 /* = XP: the forward pass no longer needs it */
  float *dX;                  /* = X, once dWx has been taken from it */
  float *tmp;                 /* [B][TW] cell scratch */
  float *dR;                  /* [B*T][3H] GRU: recurrent deltas of every step, for one dWh product */
  float *WxT, *gWxT;          /* [in][GH] one-hot: Wx transposed for row gathers */
};

RnnWork *rnn_work_new(const Rnn *r, int max_batch, int max_len)
{
  RnnWork *w = xcalloc(1, sizeof *w);
  size_t B = (size_t)(max_batch > 0 ? max_batch : 1), T = (size_t)(max_len > 0 ? max_len : 1);
  w->B = (int)B; w->T = (int)T;
  w->in = r->embed ? r->embed : r->nsym;
  w->H = r->hidden;
  w->GH = rnn_gates(r->cell) * r->hidden;
  w->A = rnn_act_width(r);
  w->TW = rnn_tmp_width(r);
  w->C = r->nclass;
  size_t N = B * T, H = (size_t)w->H, GH = (size_t)w->GH, in = (size_t)w->in;
  w->ord = xcalloc(B, sizeof *w->ord);
  w->len = xcalloc(B, sizeof *w->len);
  w->nb = xcalloc(T, sizeof *w->nb);
  w->off = xcalloc(T + 1, sizeof *w->off);
  if (r->embed) {
    w->X = w->dX = xcalloc(N * in, sizeof(float));
  } else {
    w->WxT = xcalloc(in * GH, sizeof(float));
    w->gWxT = xcalloc(in * GH, sizeof(float));
  }
  w->XP = w->dXP = xcalloc(N * GH, sizeof(float));
  w->ACT = xcalloc(N * (size_t)w->A, sizeof(float));
  w->HS = xcalloc(N * H, sizeof(float));
  if (r->cell == CELL_LSTM) w->CS = xcalloc(N * H, sizeof(float));
  w->zero = xcalloc(B * H, sizeof(float));
  w->hf = xcalloc(B * H, sizeof(float));
  w->probs = xcalloc(B * (size_t)w->C, sizeof(float));
  w->dhf = xcalloc(B * H, sizeof(float));
  w->dh = xcalloc(B * H, sizeof(float));
  w->dc = xcalloc(B * H, sizeof(float));
  w->tmp = xcalloc(B * (size_t)w->TW, sizeof(float));
  if (r->cell == CELL_GRU) w->dR = xcalloc(N * GH, sizeof(float));
  return w;
}

void rnn_work_free(RnnWork *w)
{
  if (!w) return;
  float *bufs[] = { w->X, w->XP, w->ACT, w->HS, w->CS, w->zero, w->hf, w->probs, w->dhf,
                    w->dh, w->dc, w->tmp, w->dR, w->WxT, w->gWxT };
  for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) free(bufs[i]);
  free(w->ord); free(w->len); free(w->nb); free(w->off);
  free(w);
}

double rnn_batch_loss(const Rnn *r, RnnWork *w, const Split *s, const int32_t *idx,
                      int n, float *grad, int *correct)
{
  const int H = w->H, GH = w->GH, A = w->A, C = w->C, in = w->in;
  RNF_ASSERT(n >= 0 && n <= w->B);
  if (correct) *correct = 0;
  if (n == 0) {
    if (grad) memset(grad, 0, r->nparams * sizeof *grad);
    return 0.0;
  }

  /* Longest first; insertion sort is linear on the trainer's presorted batches. */
  for (int i = 0; i < n; i++) {
    int32_t e = idx[i];
    int L = split_len(s, e), j = i;
    RNF_ASSERT(L <= w->T);
    for (; j > 0 && w->len[j - 1] < L; j--) { w->len[j] = w->len[j - 1]; w->ord[j] = w->ord[j - 1]; }
    w->len[j] = L; w->ord[j] = e;
  }
  const int T = w->len[0];
  w->off[0] = 0;
  for (int t = 0, k = n; t < T; t++) {
    while (k > 0 && w->len[k - 1] <= t) k--;
    w->nb[t] = k;
    w->off[t + 1] = w->off[t] + k;
  }
  const int N = w->off[T];

  /* XP [N][GH] = x Wx^T + b for every step at once */
  if (!r->embed)
    for (int j = 0; j < GH; j++)
      for (int k = 0; k < in; k++) w->WxT[(size_t)k * GH + j] = r->Wx[(size_t)j * in + k];
  for (int t = 0; t < T; t++)
    for (int i = 0; i < w->nb[t]; i++) {
      size_t row = (size_t)(w->off[t] + i);
      int sym = split_seq(s, w->ord[i])[t];
      if (r->embed) {
        memcpy(w->X + row * in, r->E + (size_t)sym * in, (size_t)in * sizeof(float));
        memcpy(w->XP + row * GH, r->b, (size_t)GH * sizeof(float));
      } else {
        rnn_vadd(w->XP + row * GH, w->WxT + (size_t)sym * GH, r->b, GH);
      }
    }
  if (r->embed && N > 0)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, GH, in, 1.0f, w->X, in,
                r->Wx, in, 1.0f, w->XP, GH);

  /* forward through time */
  for (int t = 0; t < T; t++) {
    size_t o = (size_t)w->off[t], p = t ? (size_t)w->off[t - 1] : 0;
    const float *hp = t ? w->HS + p * H : w->zero;
    const float *cp = r->cell == CELL_LSTM ? (t ? w->CS + p * H : w->zero) : NULL;
    rnn_cell_forward(r, w->nb[t], w->XP + o * GH, hp, cp, w->ACT + o * A, w->HS + o * H,
                     w->CS ? w->CS + o * H : NULL, w->tmp);
  }
  for (int i = 0; i < n; i++) {
    int L = w->len[i];
    const float *h = L ? w->HS + (size_t)(w->off[L - 1] + i) * H : w->zero;
    memcpy(w->hf + (size_t)i * H, h, (size_t)H * sizeof(float));
  }
  rnn_out_forward(r, n, w->hf, w->probs);
  double loss = 0.0;
  int ok = 0;
  for (int i = 0; i < n; i++) {
    const float *p = w->probs + (size_t)i * C;
    int y = s->label[w->ord[i]], best = 0;
    for (int k = 1; k < C; k++) if (p[k] > p[best]) best = k;
    ok += best == y;
    loss -= log(p[y] > 1e-30f ? (double)p[y] : 1e-30);
  }
  if (correct) *correct = ok;
  loss /= n;
  if (!grad) return loss;

  /* backward: output layer */
  Rnn g;
  rnn_view(r, grad, &g);
  memset(grad, 0, r->nparams * sizeof *grad);
  for (int i = 0; i < n; i++) {
    float *p = w->probs + (size_t)i * C;        /* becomes dL/dlogits */
    p[s->label[w->ord[i]]] -= 1.0f;
    for (int k = 0; k < C; k++) { p[k] /= (float)n; g.bo[k] += p[k]; }
  }
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, C, H, n, 1.0f, w->probs, C,
              w->hf, H, 1.0f, g.Wo, H);                          /* dWo [C][H] */
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, H, C, 1.0f, w->probs, C,
              r->Wo, H, 0.0f, w->dhf, H);                         /* dhf [n][H] */

  /* backward through time; example i joins at its last step t = len-1 */
  Rnn gcell = g;
  if (r->cell != CELL_MGU) gcell.Wh = NULL;    /* summed over all steps below */
  for (int t = T - 1; t >= 0; t--) {
    int m = w->nb[t], m1 = t + 1 < T ? w->nb[t + 1] : 0;
    memcpy(w->dh + (size_t)m1 * H, w->dhf + (size_t)m1 * H, (size_t)(m - m1) * H * sizeof(float));
    memset(w->dc + (size_t)m1 * H, 0, (size_t)(m - m1) * H * sizeof(float));
    size_t o = (size_t)w->off[t], p = t ? (size_t)w->off[t - 1] : 0;
    const float *hp = t ? w->HS + p * H : w->zero;
    const float *cp = r->cell == CELL_LSTM ? (t ? w->CS + p * H : w->zero) : NULL;
    rnn_cell_backward(r, m, hp, cp, w->ACT + o * A, w->CS ? w->CS + o * H : NULL,
                      w->dh, w->dc, w->dXP + o * GH, &gcell, w->dR ? w->dR + o * GH : w->tmp);
  }
  /* dWh [GH][H] += delta^T hprev, one product per run of steps whose rows
  ** are contiguous in both the deltas and the states (nb constant); step 0
  ** has hprev = 0 and adds nothing. */
  if (!gcell.Wh)
    for (int t = 1, t1; t < T; t = t1 + 1) {
      int nbg = w->nb[t];
      for (t1 = t; t1 + 1 < T && w->nb[t1 + 1] == nbg && w->nb[t1] == nbg && w->nb[t1 - 1] == nbg;) t1++;
      const float *delta = (w->dR ? w->dR : w->dXP) + (size_t)w->off[t] * GH;
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GH, H, (t1 - t + 1) * nbg, 1.0f,
                  delta, GH, w->HS + (size_t)w->off[t - 1] * H, H, 1.0f, g.Wh, H);
    }

  /* input side: db, dWx, dE from dXP [N][GH] */
  for (int row = 0; row < N; row++) rnn_vadd(g.b, g.b, w->dXP + (size_t)row * GH, GH);
  if (r->embed) {
    if (N > 0) {
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GH, in, N, 1.0f, w->dXP, GH,
                  w->X, in, 1.0f, g.Wx, in);                      /* dWx [GH][in] */
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, in, GH, 1.0f, w->dXP, GH,
                  r->Wx, in, 0.0f, w->dX, in);                    /* dX [N][in] */
    }
    for (int t = 0; t < T; t++)
      for (int i = 0; i < w->nb[t]; i++) {
        float *e = g.E + (size_t)split_seq(s, w->ord[i])[t] * in;
        rnn_vadd(e, e, w->dX + (size_t)(w->off[t] + i) * in, in);
      }
  } else {
    memset(w->gWxT, 0, (size_t)in * GH * sizeof(float));
    for (int t = 0; t < T; t++)
      for (int i = 0; i < w->nb[t]; i++) {
        float *e = w->gWxT + (size_t)split_seq(s, w->ord[i])[t] * GH;
        rnn_vadd(e, e, w->dXP + (size_t)(w->off[t] + i) * GH, GH);
      }
    for (int j = 0; j < GH; j++)
      for (int k = 0; k < in; k++) g.Wx[(size_t)j * in + k] += w->gWxT[(size_t)k * GH + j];
  }
  return loss;
}

/* ---- the training loop ---------------------------------------------- */

typedef struct { int len, pos; int32_t id; } Key;

static int by_len_desc(const void *a, const void *b)
{
  const Key *x = a, *y = b;
  if (x->len != y->len) return x->len > y->len ? -1 : 1;
  return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Sort A[0..n) by length, longest first, ties in their current order. */
static void sort_by_len(const Split *s, int32_t *a, int n, Key *k)
{
  for (int i = 0; i < n; i++) k[i] = (Key){ split_len(s, a[i]), i, a[i] };
  qsort(k, (size_t)n, sizeof *k, by_len_desc);
  for (int i = 0; i < n; i++) a[i] = k[i].id;
}

/* Accuracy and mean loss of S in batches of the work buffer's size. */
static void evaluate(const Rnn *r, RnnWork *w, const Split *s, const int32_t *order,
                     double *acc, double *loss)
{
  long ok = 0;
  double tot = 0.0;
  for (int i = 0; i < s->n; i += w->B) {
    int n = s->n - i < w->B ? s->n - i : w->B, c;
    tot += rnn_batch_loss(r, w, s, order + i, n, NULL, &c) * n;
    ok += c;
  }
  *acc = s->n ? (double)ok / s->n : 0.0;
  *loss = s->n ? tot / s->n : 0.0;
}

static const char *rate(double x, char *buf, size_t n)
{
  if (x >= 1e6) snprintf(buf, n, "%.1fM", x / 1e6);
  else if (x >= 1e3) snprintf(buf, n, "%.0fk", x / 1e3);
  else snprintf(buf, n, "%.0f", x);
  return buf;
}

static int check_split(const Split *s, const Dataset *d, const char *name, int *maxlen)
{
  for (int i = 0; i < s->n; i++) {
    int L = split_len(s, i);
    if (L > *maxlen) *maxlen = L;
    if (s->label[i] < 0 || s->label[i] >= d->nclass) {
      diag(DIAG_ERROR, "%s example %d has class id %d outside 0..%d", name, i + 1,
           (int)s->label[i], d->nclass - 1);
      return RNF_EXIT_DATA;
    }
    const int32_t *q = split_seq(s, i);
    for (int t = 0; t < L; t++)
      if (q[t] < 0 || q[t] >= d->tok.nsym) {
        diag(DIAG_ERROR, "%s example %d has symbol %d outside 0..%d", name, i + 1,
             (int)q[t], d->tok.nsym - 1);
        return RNF_EXIT_DATA;
      }
  }
  return RNF_EXIT_OK;
}

int rnn_train(const SpecRnn *s, const Dataset *d, Rnn *out, TrainLog *log)
{
  memset(out, 0, sizeof *out);
  if (log) memset(log, 0, sizeof *log);
  if (s->layers != 1) {
    diag(DIAG_ERROR, "rnn: layers %d is not supported yet (only 1 recurrent layer)", s->layers);
    return RNF_EXIT_SPEC;
  }
  if (s->hidden < 1 || s->hidden > RNN_MAX_HIDDEN || s->embed < 0 || s->embed > RNN_MAX_EMBED ||
      s->batch < 1 || s->epochs < 0 || !(s->learning_rate > 0) || s->clip < 0 || s->l2 < 0 ||
      s->patience < 0) {
    diag(DIAG_ERROR, "rnn: invalid settings (hidden %d, embed %d, batch %d, epochs %d)",
         s->hidden, s->embed, s->batch, s->epochs);
    return RNF_EXIT_SPEC;
  }
  if (d->train.n == 0) {
    diag(DIAG_ERROR, "no training examples");
    return RNF_EXIT_DATA;
  }
  if (d->tok.nsym < 1 || d->tok.nsym > RNN_MAX_NSYM || d->nclass < 2 || d->nclass > RNN_MAX_NCLASS) {
    diag(DIAG_ERROR, "cannot train on %d symbols and %d classes", d->tok.nsym, d->nclass);
    return RNF_EXIT_DATA;
  }
  int maxlen = 1, rc;
  if ((rc = check_split(&d->train, d, "training", &maxlen)) ||
      (rc = check_split(&d->valid, d, "validation", &maxlen)))
    return rc;

  Rng rng;
  rng_seed(&rng, s->seed);
  Rnn *r = out;
  rnn_alloc(r, s->cell, d->tok.nsym, s->embed, s->hidden, d->nclass);
  rnn_init_params(r, &rng);

  const int ntr = d->train.n, B = s->batch < ntr ? s->batch : ntr;
  const int nbatch = (ntr + B - 1) / B;
  const size_t P = r->nparams;
  RnnWork *w = rnn_work_new(r, B, maxlen);
  float *grad = xcalloc(P, sizeof *grad);
  float *m1 = xcalloc(P, sizeof *m1), *m2 = xcalloc(P, sizeof *m2);
  float *best = xmalloc(P * sizeof *best);
  int32_t *perm = xmalloc((size_t)ntr * sizeof *perm);
  int32_t *bstart = xmalloc((size_t)nbatch * sizeof *bstart);
  int nkey = ntr > d->valid.n ? ntr : d->valid.n;
  Key *keys = xmalloc((size_t)(nkey ? nkey : 1) * sizeof *keys);
  int32_t *vord = xmalloc((size_t)(d->valid.n ? d->valid.n : 1) * sizeof *vord);
  for (int i = 0; i < ntr; i++) perm[i] = i;
  for (int i = 0; i < d->valid.n; i++) vord[i] = i;
  sort_by_len(&d->valid, vord, d->valid.n, keys);
  memcpy(best, r->params, P * sizeof *best);
  if (log && s->epochs > 0) log->epochs = xcalloc((size_t)s->epochs, sizeof *log->epochs);

  /* OpenBLAS threads only slow down products this small (measured: GRU 32
  ** at batch 32 runs 1.6x faster on one thread than on two); the caller's
  ** thread count comes back at the end. */
  const int threads = openblas_get_num_threads();
  const bool one_thread = (size_t)rnn_gates(s->cell) * s->hidden * s->hidden * B < (1u << 19);
  if (one_thread && threads > 1) openblas_set_num_threads(1);

  const bool tty = rnf_verbosity >= 0 && isatty(2);
  const bool has_valid = d->valid.n > 0;
  double best_acc = -1.0, best_loss = INFINITY, b1t = 1.0, b2t = 1.0;
  int best_epoch = 0, stale = 0, done = 0;
  const float lr = (float)s->learning_rate, l2 = (float)s->l2;

  for (int ep = 1; ep <= s->epochs; ep++) {
    double t0 = rnf_now(), tot = 0.0, shown = t0;
    long ok = 0;
    rng_shuffle(&rng, perm, (size_t)ntr);
    for (int c = 0; c < ntr; c += BUCKET * B) {
      int n = ntr - c < BUCKET * B ? ntr - c : BUCKET * B;
      sort_by_len(&d->train, perm + c, n, keys);
    }
    for (int i = 0; i < nbatch; i++) bstart[i] = i * B;
    rng_shuffle(&rng, bstart, (size_t)nbatch);

    for (int bi = 0; bi < nbatch; bi++) {
      int n = ntr - bstart[bi] < B ? ntr - bstart[bi] : B, c;
      tot += rnn_batch_loss(r, w, &d->train, perm + bstart[bi], n, grad, &c) * n;
      ok += c;
      if (l2 > 0)
        for (size_t k = 0; k < P; k++) grad[k] += l2 * r->params[k];
      if (s->clip > 0) {
        double nn = 0.0;
        for (size_t k = 0; k < P; k++) nn += (double)grad[k] * grad[k];
        nn = sqrt(nn);
        if (nn > s->clip) {
          float sc = (float)(s->clip / nn);
          for (size_t k = 0; k < P; k++) grad[k] *= sc;
        }
      }
      if (s->optimizer == OPT_ADAM) {
        const float be1 = 0.9f, be2 = 0.999f, eps = 1e-8f;
        b1t *= be1; b2t *= be2;
        const float a = lr * (float)(sqrt(1.0 - b2t) / (1.0 - b1t));
        const float epsh = eps * (float)sqrt(1.0 - b2t);   /* eps on the bias-corrected v */
        for (size_t k = 0; k < P; k++) {
          float gk = grad[k];
          m1[k] = be1 * m1[k] + (1.0f - be1) * gk;
          m2[k] = be2 * m2[k] + (1.0f - be2) * gk * gk;
          r->params[k] -= a * m1[k] / (sqrtf(m2[k]) + epsh);
        }
      } else {
        for (size_t k = 0; k < P; k++) r->params[k] -= lr * grad[k];
      }
      if (tty && rnf_now() - shown > 0.1) {            /* at most 10 redraws a second */
        shown = rnf_now();
        int fill = (int)(30.0 * (bi + 1) / nbatch);
        fprintf(stderr, "\repoch %d/%d [%.*s%*s] %3d%%", ep, s->epochs, fill,
                "==============================", 30 - fill, "", 100 * (bi + 1) / nbatch);
        fflush(stderr);
      }
    }
    /* Diverged: the weights overflowed (NaN then spreads to all of them).
    ** The loss cannot tell, as it clamps probabilities, so look at them. */
    size_t bad = 0;
    while (bad < P && isfinite(r->params[bad])) bad++;
    if (bad < P) {
      if (tty) fputs("\r\033[K", stderr);
      diag(DIAG_ERROR, "training diverged in epoch %d: the network's weights are no longer finite numbers", ep);
      char l2s[48] = "";
      if (s->l2 > 0) snprintf(l2s, sizeof l2s, "lower 'l2' (it is %g)", s->l2);
      const char *clip = s->clip > 0 ? "" : "turn 'clip' on (it is 0)";
      diag(DIAG_NOTE, "lower 'learning_rate' (it is %g)%s%s%s%s", s->learning_rate,
           *clip ? (*l2s ? ", " : " or ") : "", clip, *l2s ? (*clip ? ", or " : " or ") : "", l2s);
      if (one_thread && threads > 1) openblas_set_num_threads(threads);
      rnn_work_free(w);
      free(grad); free(m1); free(m2); free(best); free(perm); free(bstart); free(keys); free(vord);
      return RNF_EXIT_SPEC;
    }
    double ttrain = rnf_now() - t0, vacc = 0.0, vloss = 0.0;
    if (has_valid) evaluate(r, w, &d->valid, vord, &vacc, &vloss);
    TrainEpoch e = { ep, tot / ntr, (double)ok / ntr, vacc, rnf_now() - t0, ntr / (ttrain > 0 ? ttrain : 1e-9) };
    if (log) log->epochs[log->n++] = e;
    done = ep;

    if (!has_valid || vacc > best_acc || (vacc == best_acc && vloss < best_loss)) {
      best_acc = vacc; best_loss = vloss; best_epoch = ep; stale = 0;
      memcpy(best, r->params, P * sizeof *best);
    } else {
      stale++;
    }
    if (rnf_verbosity >= 0) {
      char vb[32], rb[32];
      if (has_valid) snprintf(vb, sizeof vb, "%.2f%%", 100 * vacc);
      else snprintf(vb, sizeof vb, "-");
      fprintf(stderr, "%sepoch %d/%d  loss %.4f  train %.2f%%  valid %s  %.1fs  %s samples/s\n",
              tty ? "\r\033[K" : "", ep, s->epochs, e.loss, 100 * e.train_acc, vb, e.seconds,
              rate(e.samples_per_sec, rb, sizeof rb));
    }
    if (s->patience > 0 && stale >= s->patience) {
      if (rnf_verbosity >= 0)
        fprintf(stderr, "early stop: no validation gain for %d epochs; best epoch %d\n",
                s->patience, best_epoch);
      break;
    }
  }
  memcpy(r->params, best, P * sizeof *best);
  if (rnf_verbosity > 0 && done > 0 && has_valid)
    fprintf(stderr, "restored the weights of epoch %d\n", best_epoch);
  if (log) log->best_epoch = best_epoch;

  if (one_thread && threads > 1) openblas_set_num_threads(threads);
  rnn_work_free(w);
  free(grad); free(m1); free(m2); free(best); free(perm); free(bstart); free(keys); free(vord);
  return RNF_EXIT_OK;
}
