/*
** rnn.c -- the four recurrent cells, single-sequence inference, model files.
**
** The cells come as batched forward/backward pairs over the active rows of a
** mini-batch (train.c drives them over time; docs/cells.md has the exact
** equations and gate orders), plus the one-sequence state API extraction
** uses.  Matrix products go through OpenBLAS; everything else is plain
** loops.  Model files: see rnn_save for the format.
*/
#include "rnn.h"
#include "diag.h"
#include "out.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- layout --------------------------------------------------------- */

int rnn_gates(CellKind c)
{
  switch (c) {
  case CELL_ELMAN: return 1;
  case CELL_MGU: return 2;
  case CELL_GRU: return 3;
  case CELL_LSTM: return 4;
  }
  RNF_UNREACHABLE();
}

const char *rnn_cell_name(CellKind c)
{
  static const char *const names[] = { "elman", "mgu", "gru", "lstm" };  /* ORDER CELL */
  return (unsigned)c < 4 ? names[c] : "?";
}

static int in_width(const Rnn *r) { return r->embed ? r->embed : r->nsym; }

/* Offsets of the tensors in the block, in file order: E Wx Wh b bh Wo bo. */
static size_t layout(const Rnn *r, size_t off[7])
{
  size_t H = (size_t)r->hidden, GH = (size_t)rnn_gates(r->cell) * H, in = (size_t)in_width(r);
  size_t sz[7] = {
    (size_t)r->nsym * (size_t)r->embed, GH * in, GH * H, GH,
    r->cell == CELL_GRU ? H : 0, (size_t)r->nclass * H, (size_t)r->nclass
  };
  size_t n = 0;
  for (int i = 0; i < 7; i++) { off[i] = n; n += sz[i]; }
  return n;
}

void rnn_view(const Rnn *r, float *block, Rnn *v)
{
  size_t off[7];
  *v = *r;
  v->nparams = layout(r, off);
  v->params = block;
  v->E = r->embed ? block + off[0] : NULL;
  v->Wx = block + off[1];
  v->Wh = block + off[2];
  v->b = block + off[3];
  v->bh = r->cell == CELL_GRU ? block + off[4] : NULL;
  v->Wo = block + off[5];
  v->bo = block + off[6];
}

void rnn_alloc(Rnn *r, CellKind cell, int nsym, int embed, int hidden, int nclass)
{
  size_t off[7];
  memset(r, 0, sizeof *r);
  r->cell = cell;
  r->nsym = nsym;
  r->embed = embed;
  r->hidden = hidden;
  r->nclass = nclass;
  float *block = xcalloc(layout(r, off), sizeof(float));
  rnn_view(r, block, r);
}

void rnn_init_params(Rnn *r, Rng *rng)
{
  /* PyTorch's defaults: nn.RNN/GRU/LSTM and nn.Linear(hidden, ...) draw
  ** U(-1/sqrt(hidden), 1/sqrt(hidden)); nn.Embedding draws N(0, 1). */
  float k = 1.0f / sqrtf((float)r->hidden);
  size_t ne = (size_t)r->nsym * (size_t)r->embed;
  for (size_t i = 0; i < ne; i++) r->E[i] = rng_normal(rng);
  for (size_t i = ne; i < r->nparams; i++)
    r->params[i] = (float)((2.0 * rng_unit(rng) - 1.0) * k);
}

void rnn_free(Rnn *r)
{
  if (!r) return;
  free(r->params);
  memset(r, 0, sizeof *r);
}

/* ---- batched cells -------------------------------------------------- */

/* Activations, four lanes at a time with GCC/clang vector extensions (SSE
** or NEON without -march flags): they were over half of the training time
** with libm's tanhf/expf.  vexp is Cephes' expf (range reduction by ln 2,
** degree-6 polynomial, relative error ~2e-7); sigmoid and tanh are built on
** it, tanh(x) = 2 sigm(2x) - 1 (absolute error ~1e-7 near 0). */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

static inline v4f vsplat(float x) { return (v4f){ x, x, x, x }; }

static inline v4f vexp(v4f x)
{
  v4i lo = x < vsplat(-87.0f), hi = x > vsplat(88.0f);   /* lane masks */
  x = (v4f)((lo & (v4i)vsplat(-87.0f)) | (hi & (v4i)vsplat(88.0f)) | (~(lo | hi) & (v4i)x));
  /* n = round(x / ln 2) by the 1.5 * 2^23 trick; r = x - n ln 2 in two parts */
  v4f t = x * vsplat(1.44269504088896341f) + vsplat(12582912.0f);
  v4f n = t - vsplat(12582912.0f);
  v4i ni = (v4i)t - (v4i)vsplat(12582912.0f);
  v4f r = x - n * vsplat(0.693359375f) - n * vsplat(-2.12194440e-4f);
  v4f p = vsplat(1.9875691500e-4f);
  p = p * r + vsplat(1.3981999507e-3f);
  p = p * r + vsplat(8.3334519073e-3f);
  p = p * r + vsplat(4.1665795894e-2f);
  p = p * r + vsplat(1.6666665459e-1f);
  p = p * r + vsplat(5.0000001201e-1f);
  p = p * r * r + r + vsplat(1.0f);
  return p * (v4f)((ni + 127) << 23);                      /* * 2^n */
}

static inline v4f vsigm(v4f x) { return vsplat(1.0f) / (vsplat(1.0f) + vexp(-x)); }
static inline v4f vtanh(v4f x) { return vsplat(2.0f) / (vsplat(1.0f) + vexp(vsplat(-2.0f) * x)) - vsplat(1.0f); }

/* In place over P[0..n) */
static void sigm_n(float *p, int n)
{
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    v4f v;
    memcpy(&v, p + j, sizeof v);
    v = vsigm(v);
    memcpy(p + j, &v, sizeof v);
  }
  if (j < n) {
    v4f v = vsplat(0.0f);
    memcpy(&v, p + j, (size_t)(n - j) * sizeof *p);
    v = vsigm(v);
    memcpy(p + j, &v, (size_t)(n - j) * sizeof *p);
  }
}

static void tanh_n(float *p, int n)
{
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    v4f v;
    memcpy(&v, p + j, sizeof v);
    v = vtanh(v);
    memcpy(p + j, &v, sizeof v);
  }
  if (j < n) {
    v4f v = vsplat(0.0f);
    memcpy(&v, p + j, (size_t)(n - j) * sizeof *p);
    v = vtanh(v);
    memcpy(p + j, &v, (size_t)(n - j) * sizeof *p);
  }
}

/* y[j] = a[j] + b[j]  (y may be a or b) */
static void add_n(float *y, const float *a, const float *b, int n)
{
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    v4f u, v;
    memcpy(&u, a + j, sizeof u);
    memcpy(&v, b + j, sizeof v);
    u += v;
    memcpy(y + j, &u, sizeof u);
  }
  for (; j < n; j++) y[j] = a[j] + b[j];
}

void rnn_vadd(float *y, const float *a, const float *b, int n) { add_n(y, a, b, n); }

int rnn_act_width(const Rnn *r)
{
  return (r->cell == CELL_GRU ? 4 : rnn_gates(r->cell)) * r->hidden;
}

int rnn_tmp_width(const Rnn *r)
{
  return (r->cell == CELL_MGU ? 3 : rnn_gates(r->cell)) * r->hidden;
}

/* C [m][n] (ldc) = A [m][k] (lda) . B^T, B [n][k] (ldb) */
static void mm_nt(int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                  float beta, float *c, int ldc)
{
  if (m == 0) return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

/* C [m][n] += A [m][k] . B, B [k][n] */
static void mm_nn(int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                  float beta, float *c, int ldc)
{
  if (m == 0) return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

/* C [m][n] += A^T . B, A [k][m], B [k][n]: weight gradients summed over k rows */
static void mm_tn(int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                  float *c, int ldc)
{
  if (k == 0) return;
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb, 1.0f, c, ldc);
}

void rnn_cell_forward(const Rnn *r, int m, const float *xp, const float *hprev,
                      const float *cprev, float *act, float *h, float *c, float *tmp)
{
  const int H = r->hidden, G = rnn_gates(r->cell), GH = G * H;
  const int A = rnn_act_width(r), T = rnn_tmp_width(r);
  switch (r->cell) {
  case CELL_ELMAN:
    mm_nt(m, H, H, hprev, H, r->Wh, H, 0.0f, tmp, T);          /* tmp [m][H] = hprev Wh^T */
    for (int i = 0; i < m; i++) {
      float *a = act + (size_t)i * A;
      add_n(a, xp + (size_t)i * GH, tmp + (size_t)i * T, H);
      tanh_n(a, H);
      memcpy(h + (size_t)i * H, a, (size_t)H * sizeof *a);
    }
    break;
  case CELL_MGU:
    /* tmp row: [U_f h | f*h | U_n (f*h)] */
    mm_nt(m, H, H, hprev, H, r->Wh, H, 0.0f, tmp, T);
    for (int i = 0; i < m; i++) {
      float *a = act + (size_t)i * A, *u = tmp + (size_t)i * T;
      const float *hp = hprev + (size_t)i * H;
      add_n(a, xp + (size_t)i * GH, u, H);
      sigm_n(a, H);
      for (int j = 0; j < H; j++) u[H + j] = a[j] * hp[j];
    }
    mm_nt(m, H, H, tmp + H, T, r->Wh + (size_t)H * H, H, 0.0f, tmp + 2 * H, T);
    for (int i = 0; i < m; i++) {
      float *a = act + (size_t)i * A, *hn = h + (size_t)i * H;
      const float *hp = hprev + (size_t)i * H;
      add_n(a + H, xp + (size_t)i * GH + H, tmp + (size_t)i * T + 2 * H, H);
      tanh_n(a + H, H);
      for (int j = 0; j < H; j++) hn[j] = hp[j] + a[j] * (a[H + j] - hp[j]);
    }
    break;
  case CELL_GRU:
    /* act row: [r | z | n | U_n h + b_hn] */
    mm_nt(m, GH, H, hprev, H, r->Wh, H, 0.0f, tmp, T);         /* tmp [m][3H] */
    for (int i = 0; i < m; i++) {
      const float *x = xp + (size_t)i * GH, *u = tmp + (size_t)i * T, *hp = hprev + (size_t)i * H;
      float *a = act + (size_t)i * A, *hn = h + (size_t)i * H;
      add_n(a, x, u, 2 * H);
      sigm_n(a, 2 * H);
      add_n(a + 3 * H, u + 2 * H, r->bh, H);
      for (int j = 0; j < H; j++) a[2 * H + j] = x[2 * H + j] + a[j] * a[3 * H + j];
      tanh_n(a + 2 * H, H);
      for (int j = 0; j < H; j++) {
        float z = a[H + j];
        hn[j] = (1.0f - z) * a[2 * H + j] + z * hp[j];
      }
    }
    break;
  case CELL_LSTM:
    mm_nt(m, GH, H, hprev, H, r->Wh, H, 0.0f, tmp, T);         /* tmp [m][4H] */
    for (int i = 0; i < m; i++) {
      const float *cp = cprev + (size_t)i * H;
      float *a = act + (size_t)i * A, *u = tmp + (size_t)i * T;
      float *cn = c + (size_t)i * H, *hn = h + (size_t)i * H;
      add_n(a, xp + (size_t)i * GH, u, GH);
      sigm_n(a, 2 * H);
      tanh_n(a + 2 * H, H);
      sigm_n(a + 3 * H, H);
      for (int j = 0; j < H; j++) u[j] = cn[j] = a[H + j] * cp[j] + a[j] * a[2 * H + j];
      tanh_n(u, H);
      for (int j = 0; j < H; j++) hn[j] = a[3 * H + j] * u[j];
    }
    break;
  }
}

void rnn_cell_backward(const Rnn *r, int m, const float *hprev, const float *cprev,
                       const float *act, const float *c, float *dh, float *dc,
                       float *dxp, const Rnn *g, float *tmp)
{
  const int H = r->hidden, G = rnn_gates(r->cell), GH = G * H;
  const int A = rnn_act_width(r), T = rnn_tmp_width(r);
  if (m == 0) return;
  switch (r->cell) {
  case CELL_ELMAN:
    for (int i = 0; i < m; i++)
      for (int j = 0; j < H; j++) {
        float y = act[i * A + j];
        dxp[i * GH + j] = dh[i * H + j] * (1.0f - y * y);
      }
    if (g->Wh) mm_tn(H, H, m, dxp, GH, hprev, H, g->Wh, H);   /* dWh += da^T hprev */
    mm_nn(m, H, H, dxp, GH, r->Wh, H, 0.0f, dh, H);            /* dhprev = da Wh */
    break;
  case CELL_MGU:
    /* tmp row: [dh direct | f*h | d(f*h)]; dxp_f holds df's first part meanwhile */
    for (int i = 0; i < m; i++)
      for (int j = 0; j < H; j++) {
        float d = dh[i * H + j], f = act[i * A + j], n = act[i * A + H + j];
        float hp = hprev[i * H + j];
        dxp[i * GH + H + j] = d * f * (1.0f - n * n);
        dxp[i * GH + j] = d * (n - hp);
        tmp[i * T + j] = d * (1.0f - f);
        tmp[i * T + H + j] = f * hp;
      }
    mm_tn(H, H, m, dxp + H, GH, tmp + H, T, g->Wh + (size_t)H * H, H);
    mm_nn(m, H, H, dxp + H, GH, r->Wh + (size_t)H * H, H, 0.0f, tmp + 2 * H, T);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < H; j++) {
        float f = act[i * A + j], dfh = tmp[i * T + 2 * H + j];
        float df = dxp[i * GH + j] + dfh * hprev[i * H + j];
        dxp[i * GH + j] = df * f * (1.0f - f);
        dh[i * H + j] = tmp[i * T + j] + dfh * f;
      }
    mm_tn(H, H, m, dxp, GH, hprev, H, g->Wh, H);
    mm_nn(m, H, H, dxp, GH, r->Wh, H, 1.0f, dh, H);
    break;
  case CELL_GRU:
    /* tmp [m][3H]: d(U h) for the three blocks; the n block is r * d(pre-n) */
    for (int i = 0; i < m; i++) {
      const float *a = act + (size_t)i * A;
      float *dx = dxp + (size_t)i * GH, *dr = tmp + (size_t)i * T;
      for (int j = 0; j < H; j++) {
        float d = dh[i * H + j], rg = a[j], z = a[H + j], n = a[2 * H + j], rn = a[3 * H + j];
        float dan = d * (1.0f - z) * (1.0f - n * n);
        float dar = dan * rn * rg * (1.0f - rg);
        float daz = d * (hprev[i * H + j] - n) * z * (1.0f - z);
        dx[j] = dr[j] = dar;
        dx[H + j] = dr[H + j] = daz;
        dx[2 * H + j] = dan;
        dr[2 * H + j] = dan * rg;
        g->bh[j] += dan * rg;
        dh[i * H + j] = d * z;
      }
    }
    if (g->Wh) mm_tn(GH, H, m, tmp, T, hprev, H, g->Wh, H);
    mm_nn(m, H, GH, tmp, T, r->Wh, H, 1.0f, dh, H);
    break;
  case CELL_LSTM:
    for (int i = 0; i < m; i++) {
      const float *a = act + (size_t)i * A;
      float *dx = dxp + (size_t)i * GH, *tc_ = tmp + (size_t)i * T;
      memcpy(tc_, c + (size_t)i * H, (size_t)H * sizeof *tc_);
      tanh_n(tc_, H);
      for (int j = 0; j < H; j++) {
        float ig = a[j], fg = a[H + j], gg = a[2 * H + j], o = a[3 * H + j];
        float d = dh[i * H + j], tc = tc_[j];
        float dcc = dc[i * H + j] + d * o * (1.0f - tc * tc);
        dx[j] = dcc * gg * ig * (1.0f - ig);
        dx[H + j] = dcc * cprev[i * H + j] * fg * (1.0f - fg);
        dx[2 * H + j] = dcc * ig * (1.0f - gg * gg);
        dx[3 * H + j] = d * tc * o * (1.0f - o);
        dc[i * H + j] = dcc * fg;
      }
    }
    if (g->Wh) mm_tn(GH, H, m, dxp, GH, hprev, H, g->Wh, H);
    mm_nn(m, H, GH, dxp, GH, r->Wh, H, 0.0f, dh, H);
    break;
  }
}

static void softmax_row(float *z, int n)
{
  float mx = z[0], s = 0.0f;
  for (int k = 1; k < n; k++) if (z[k] > mx) mx = z[k];
  for (int k = 0; k < n; k++) s += (z[k] = expf(z[k] - mx));
  for (int k = 0; k < n; k++) z[k] /= s;
}

void rnn_out_forward(const Rnn *r, int m, const float *h, float *probs)
{
  const int C = r->nclass;
  mm_nt(m, C, r->hidden, h, r->hidden, r->Wo, r->hidden, 0.0f, probs, C);
  for (int i = 0; i < m; i++) {
    for (int k = 0; k < C; k++) probs[i * C + k] += r->bo[k];
    softmax_row(probs + (size_t)i * C, C);
  }
}

/* ---- one sequence --------------------------------------------------- */

int rnn_state_dim(const Rnn *r) { return r->cell == CELL_LSTM ? 2 * r->hidden : r->hidden; }

void rnn_init_state(const Rnn *r, float *state)
{
  memset(state, 0, (size_t)rnn_state_dim(r) * sizeof *state);
}

void rnn_step(const Rnn *r, const float *state, int sym, float *next)
{
  /* the batched path's arithmetic for one row, with sgemv and stack buffers */
  const int H = r->hidden, GH = rnn_gates(r->cell) * H, in = in_width(r);
  float x[GH], u[GH];                  /* x = Wx x + b, then activations; u = Wh h */
  RNF_ASSERT(sym >= 0 && sym < r->nsym);
  memcpy(x, r->b, (size_t)GH * sizeof *x);
  if (r->embed)
    cblas_sgemv(CblasRowMajor, CblasNoTrans, GH, in, 1.0f, r->Wx, in,
                r->E + (size_t)sym * r->embed, 1, 1.0f, x, 1);
  else
    for (int j = 0; j < GH; j++) x[j] += r->Wx[(size_t)j * in + sym];   /* one-hot: a column */
  const float *h = state;
  if (r->cell == CELL_MGU) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, H, H, 1.0f, r->Wh, H, h, 1, 0.0f, u, 1);
    float *fh = u + H;
    add_n(x, x, u, H);
    sigm_n(x, H);                      /* x[0..H) = f */
    for (int j = 0; j < H; j++) fh[j] = x[j] * h[j];
    cblas_sgemv(CblasRowMajor, CblasNoTrans, H, H, 1.0f, r->Wh + (size_t)H * H, H, fh, 1, 0.0f, u, 1);
    add_n(x + H, x + H, u, H);
    tanh_n(x + H, H);
    for (int j = 0; j < H; j++) next[j] = h[j] + x[j] * (x[H + j] - h[j]);
    return;
  }
  cblas_sgemv(CblasRowMajor, CblasNoTrans, GH, H, 1.0f, r->Wh, H, h, 1, 0.0f, u, 1);
  switch (r->cell) {
  case CELL_ELMAN:
    add_n(next, x, u, H);
    tanh_n(next, H);
    break;
  case CELL_GRU:
    add_n(x, x, u, 2 * H);
    sigm_n(x, 2 * H);
    for (int j = 0; j < H; j++) x[2 * H + j] += x[j] * (u[2 * H + j] + r->bh[j]);
    tanh_n(x + 2 * H, H);
    for (int j = 0; j < H; j++) next[j] = (1.0f - x[H + j]) * x[2 * H + j] + x[H + j] * h[j];
    break;
  case CELL_LSTM: {
    const float *c = state + H;
    add_n(x, x, u, GH);
    sigm_n(x, 2 * H);
    tanh_n(x + 2 * H, H);
    sigm_n(x + 3 * H, H);
    for (int j = 0; j < H; j++) next[H + j] = u[j] = x[H + j] * c[j] + x[j] * x[2 * H + j];
    tanh_n(u, H);
    for (int j = 0; j < H; j++) next[j] = x[3 * H + j] * u[j];
    break;
  }
  case CELL_MGU:
    RNF_UNREACHABLE();
  }
}

int rnn_output(const Rnn *r, const float *state, float *probs)
{
  const int C = r->nclass, H = r->hidden;
  int best = 0;
  float top = 0.0f;
  for (int k = 0; k < C; k++) {
    float s = r->bo[k];
    const float *w = r->Wo + (size_t)k * H;
    for (int j = 0; j < H; j++) s += w[j] * state[j];
    if (probs) probs[k] = s;
    if (k == 0 || s > top) { top = s; best = k; }
  }
  if (probs) softmax_row(probs, C);
  return best;
}

void rnn_states(const Rnn *r, const int32_t *seq, int len, float *out)
{
  const size_t D = (size_t)rnn_state_dim(r);
  rnn_init_state(r, out);
  for (int t = 0; t < len; t++) rnn_step(r, out + t * D, seq[t], out + (t + 1) * D);
}

int rnn_classify(const Rnn *r, const int32_t *seq, int len)
{
  const int D = rnn_state_dim(r);
  float s[2][D];
  rnn_init_state(r, s[0]);
  for (int t = 0; t < len; t++) rnn_step(r, s[t & 1], seq[t], s[(t + 1) & 1]);
  return rnn_output(r, s[len & 1], NULL);
}

double rnn_accuracy(const Rnn *r, const Split *s)
{
  if (s->n == 0) return 0.0;
  long ok = 0;
  for (int i = 0; i < s->n; i++)
    ok += rnn_classify(r, split_seq(s, i), split_len(s, i)) == s->label[i];
  return (double)ok / s->n;
}

/* ---- model files ---------------------------------------------------- */

/* Format version 1, all integers and floats little-endian:
**   0  "RNFSACM\0"       magic
**   8  u32 version        1
**  12  u32 0x01020304     byte-order mark (as written: 04 03 02 01)
**  16  u32 cell, nsym, embed, hidden, nclass
**  36  u32 0              reserved
**  40  u64 nparams
**  48  f32[nparams]       the parameter block (layout: rnn_view)
**  ..  u64 FNV-1a 64 of every byte before it */
#define MAGIC "RNFSACM"
#define FORMAT_VERSION 1u
#define HEADER_BYTES 48

static void put32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static void put64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static uint32_t get32(const unsigned char *p) { uint32_t v = 0; for (int i = 3; i >= 0; i--) v = v << 8 | p[i]; return v; }
static uint64_t get64(const unsigned char *p) { uint64_t v = 0; for (int i = 7; i >= 0; i--) v = v << 8 | p[i]; return v; }

static void put_header(const Rnn *r, unsigned char *h)
{
  memset(h, 0, HEADER_BYTES);
  memcpy(h, MAGIC, 8);
  put32(h + 8, FORMAT_VERSION);
  put32(h + 12, 0x01020304u);
  put32(h + 16, (uint32_t)r->cell);
  put32(h + 20, (uint32_t)r->nsym);
  put32(h + 24, (uint32_t)r->embed);
  put32(h + 28, (uint32_t)r->hidden);
  put32(h + 32, (uint32_t)r->nclass);
  put64(h + 40, (uint64_t)r->nparams);
}

int rnn_save(const Rnn *r, const char *path, char *why, size_t whylen)
{
  OutFile o;
  if (out_open_why(&o, path, why, whylen) != 0) return RNF_EXIT_IO;
  unsigned char hdr[HEADER_BYTES], buf[4096];
  put_header(r, hdr);
  uint64_t h = hash_bytes(HASH_INIT, hdr, sizeof hdr);
  fwrite(hdr, 1, sizeof hdr, o.fp);
  for (size_t i = 0; i < r->nparams;) {
    size_t k = 0;
    for (; k < sizeof buf && i < r->nparams; k += 4, i++) {
      uint32_t u;
      memcpy(&u, &r->params[i], 4);
      put32(buf + k, u);
    }
    h = hash_bytes(h, buf, k);
    fwrite(buf, 1, k, o.fp);
  }
  put64(buf, h);
  fwrite(buf, 1, 8, o.fp);
  return out_commit_why(&o, why, whylen) == 0 ? RNF_EXIT_OK : RNF_EXIT_IO;
}

/* One loader for both entry points: it never prints, it says why in WHY
** (at most WHYLEN bytes, no path) so that rnn_load can make it an error and
** rnn_probe can leave it to the caller, e.g. as a cache warning. */
static int load_fail(FILE *f, char *why, size_t whylen, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
static int load_fail(FILE *f, char *why, size_t whylen, const char *fmt, ...)
{
  if (f) fclose(f);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, whylen, fmt, ap);
  va_end(ap);
  return RNF_EXIT_IO;
}

/* "gru, 3 symbols, embed 0, hidden 16, 2 classes" */
static const char *shape_str(const Rnn *r, char *buf, size_t n)
{
  snprintf(buf, n, "%s, %d symbols, embed %d, hidden %d, %d classes",
           rnn_cell_name(r->cell), r->nsym, r->embed, r->hidden, r->nclass);
  return buf;
}

static int load_file(Rnn *r, const char *path, const Rnn *want, char *why, size_t whylen)
{
  memset(r, 0, sizeof *r);
  FILE *f = fopen(path, "rb");
  if (!f) return load_fail(NULL, why, whylen, "cannot read model file: %s", strerror(errno));
  unsigned char hdr[HEADER_BYTES];
  size_t got = fread(hdr, 1, sizeof hdr, f);
  if (got >= 8 && memcmp(hdr, MAGIC, 8) != 0)
    return load_fail(f, why, whylen, "not an rnnfsac model file (bad magic)");
  if (got < sizeof hdr) return load_fail(f, why, whylen, "model file truncated (incomplete header)");
  if (get32(hdr + 12) != 0x01020304u) return load_fail(f, why, whylen, "model file has a bad byte-order mark");
  if (get32(hdr + 8) != FORMAT_VERSION)
    return load_fail(f, why, whylen, "model file format version %u is not supported (expected %u)",
                     (unsigned)get32(hdr + 8), FORMAT_VERSION);
  uint32_t cell = get32(hdr + 16), nsym = get32(hdr + 20), embed = get32(hdr + 24);
  uint32_t hidden = get32(hdr + 28), nclass = get32(hdr + 32);
  if (cell > CELL_LSTM || nsym < 1 || nsym > RNN_MAX_NSYM || embed > RNN_MAX_EMBED ||
      hidden < 1 || hidden > RNN_MAX_HIDDEN || nclass < 2 || nclass > RNN_MAX_NCLASS ||
      get32(hdr + 36) != 0)
    return load_fail(f, why, whylen, "model file header has impossible sizes");
  Rnn shape = { .cell = (CellKind)cell, .nsym = (int)nsym, .embed = (int)embed,
                .hidden = (int)hidden, .nclass = (int)nclass };
  /* a sound file for another network: refuse before reading the weights */
  if (want && (shape.cell != want->cell || shape.nsym != want->nsym || shape.embed != want->embed ||
               shape.hidden != want->hidden || shape.nclass != want->nclass))
  {
    char has[96], exp[96];
    return load_fail(f, why, whylen, "model file is for another network (%s; expected %s)",
                     shape_str(&shape, has, sizeof has), shape_str(want, exp, sizeof exp));
  }
  size_t off[7];
  size_t np = layout(&shape, off);
  if (get64(hdr + 40) != (uint64_t)np)
    return load_fail(f, why, whylen, "model file parameter count does not match its sizes");
  /* the file's size must match before anything that large is allocated */
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
      (uint64_t)st.st_size != HEADER_BYTES + 4 * (uint64_t)np + 8)
    return load_fail(f, why, whylen, "%s", (uint64_t)st.st_size < HEADER_BYTES + 4 * (uint64_t)np + 8
                                             ? "model file truncated" : "model file has trailing bytes");
  uint64_t h = hash_bytes(HASH_INIT, hdr, sizeof hdr);
  rnn_alloc(r, shape.cell, shape.nsym, shape.embed, shape.hidden, shape.nclass);
  unsigned char buf[4096];
  for (size_t i = 0; i < np;) {
    size_t want_bytes = (np - i) * 4 < sizeof buf ? (np - i) * 4 : sizeof buf;
    if (fread(buf, 1, want_bytes, f) != want_bytes) {
      rnn_free(r);
      return load_fail(f, why, whylen, "model file truncated");
    }
    h = hash_bytes(h, buf, want_bytes);
    for (size_t k = 0; k < want_bytes; k += 4, i++) {
      uint32_t u = get32(buf + k);
      memcpy(&r->params[i], &u, 4);
    }
  }
  got = fread(buf, 1, 9, f);
  const char *bad = got < 8 ? "model file truncated (no checksum)"
                  : got > 8 ? "model file has trailing bytes"
                  : get64(buf) != h ? "model file checksum mismatch (corrupt file)" : NULL;
  if (bad) { rnn_free(r); return load_fail(f, why, whylen, "%s", bad); }
  /* a NaN or infinite weight makes every output NaN: extraction would
  ** cluster garbage and the automaton would say nothing */
  for (size_t i = 0; i < np; i++)
    if (!isfinite(r->params[i])) {
      rnn_free(r);
      return load_fail(f, why, whylen, "model file holds a weight that is not a finite number (parameter %zu)", i);
    }
  fclose(f);
  return RNF_EXIT_OK;
}

int rnn_load(Rnn *r, const char *path)
{
  char why[256];
  int rc = load_file(r, path, NULL, why, sizeof why);
  if (rc != RNF_EXIT_OK) diag_line(DIAG_ERROR, path, 0, "%s", why);
  return rc;
}

int rnn_probe(Rnn *r, const char *path, const Rnn *want, char *why, size_t whylen)
{
  char scratch[1];
  if (!why || whylen == 0) { why = scratch; whylen = sizeof scratch; }
  why[0] = '\0';
  return load_file(r, path, want, why, whylen);
}
