/*
** test_extract.c -- automaton extraction (compiler/extract.c) from
** hand-built Elman and LSTM networks that compute the parity of 1s exactly.
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
#include "extract.h"

/* An Elman cell (tanh, saturated by gain A) with 4 units, one per (parity
** before the last symbol q, last symbol was '1' y): unit 2q+y is +1 when
** active, the others -1; the zero initial state reads as "even".
**   P(h) = c.h - 1/2 with c = (-1/2, 1/2, 1/2, -1/2): > 0 iff parity odd
**   unit (q,y) fires iff (q ? P : -P) + (y ? X : -X) - 1 > 0,
**   X = +1 on '1', -1 on '0' (and on symbol 2, if present: it acts as '0').
** Output class 1 ("accept") iff the parity is even: logit1 = -P. */
static void parity_rnn(Rnn *r, int nsym)
{
  const float A = 10.0f, c[4] = { -0.5f, 0.5f, 0.5f, -0.5f };
  rnn_alloc(r, CELL_ELMAN, nsym, 0, 4, 2);
  for (int j = 0; j < 4; j++) {
    float sq = (j / 2) ? 1.0f : -1.0f, sy = (j % 2) ? 1.0f : -1.0f;
    for (int i = 0; i < 4; i++) r->Wh[j * 4 + i] = A * sq * c[i];
    r->b[j] = A * (sq * -0.5f - 1.0f);
    for (int x = 0; x < nsym; x++) r->Wx[j * nsym + x] = A * sy * (x == 1 ? 1.0f : -1.0f);
  }
  for (int i = 0; i < 4; i++) { r->Wo[0 * 4 + i] = 0; r->Wo[1 * 4 + i] = -c[i]; }
  r->bo[0] = 0; r->bo[1] = 0.5f;
}

/* The same parity machine inside an LSTM (gate order i, f, g, o) with 5
** units.  Units 0..3: i = o = 1, f = 0, so c' = g = the Elman unit above
** (+-1) and h' = tanh(c') = +-T, T = tanh(1); the recurrent and output
** weights are divided by T to read h as the Elman net read its +-1.
** Unit 4 is a step counter the output never sees: i = f = g = 1, o = 0,
** so c4 = t after t symbols (up to 14 here) while h4 stays ~0.  Clustering
** [h; c] would group states by length; clustering h finds parity. */
static void parity_lstm(Rnn *r, int nsym)
{
  const float A = 10.0f, B = 30.0f, T = tanhf(1.0f), c[4] = { -0.5f, 0.5f, 0.5f, -0.5f };
  const int H = 5;
  rnn_alloc(r, CELL_LSTM, nsym, 0, H, 2);
  float *bi = r->b, *bf = r->b + H, *bg = r->b + 2 * H, *bo = r->b + 3 * H;
  for (int j = 0; j < 4; j++) {
    float sq = (j / 2) ? 1.0f : -1.0f, sy = (j % 2) ? 1.0f : -1.0f;
    for (int i = 0; i < 4; i++) r->Wh[(size_t)(2 * H + j) * H + i] = A * sq * c[i] / T;
    bg[j] = A * (sq * -0.5f - 1.0f);
    for (int x = 0; x < nsym; x++) r->Wx[(size_t)(2 * H + j) * nsym + x] = A * sy * (x == 1 ? 1.0f : -1.0f);
    bi[j] = B; bf[j] = -B; bo[j] = B;
  }
  bi[4] = B; bf[4] = B; bg[4] = B; bo[4] = -B;
  for (int i = 0; i < 4; i++) { r->Wo[0 * H + i] = 0; r->Wo[1 * H + i] = -c[i] / T; }
  r->Wo[0 * H + 4] = r->Wo[1 * H + 4] = 0;
  r->bo[0] = 0; r->bo[1] = 0.5f;
}

static int even_ones(const int32_t *s, int n)
{
  int p = 0;
  for (int i = 0; i < n; i++) p ^= s[i] == 1;
  return !p;
}

/* N random strings over SYMS symbols (lengths 0..MAXLEN), labelled by parity. */
static void make_split(Split *sp, Rng *r, int n, int syms, int maxlen)
{
  memset(sp, 0, sizeof *sp);
  sp->n = n;
  sp->off = xmalloc(((size_t)n + 1) * sizeof *sp->off);
  sp->label = xmalloc((size_t)(n ? n : 1) * sizeof *sp->label);
  sp->tok = xmalloc((size_t)(n ? n : 1) * (size_t)maxlen * sizeof *sp->tok + sizeof *sp->tok);
  size_t o = 0;
  for (int i = 0; i < n; i++) {
    sp->off[i] = o;
    int len = (int)rng_below(r, (uint64_t)maxlen + 1);
    for (int t = 0; t < len; t++) sp->tok[o + t] = (int32_t)rng_below(r, (uint64_t)syms);
    sp->label[i] = even_ones(sp->tok + o, len);
    o += (size_t)len;
  }
  sp->off[n] = o;
}

static void split_free(Split *sp) { free(sp->off); free(sp->label); free(sp->tok); }

/* Parity over NSYM symbols (only '1' toggles); label 1 = even. */
static Fsa *parity_target(int nsym)
{
  Fsa *f = fsa_new(2, nsym, 2, 0);
  for (int x = 0; x < nsym; x++) {
    f->next[0 * nsym + x] = x == 1 ? 1 : 0;
    f->next[1 * nsym + x] = x == 1 ? 0 : 1;
  }
  f->label[0] = 1;
  fsa_symclasses(f);
  return f;
}

typedef struct Fix { Rnn rnn; Dataset d; } Fix;

/* TRAIN_SYMS < NSYM leaves the last symbols out of the training split. */
static Fix *fixture_cell(CellKind cell, int nsym, int train_syms)
{
  Fix *x = xcalloc(1, sizeof *x);
  if (cell == CELL_LSTM) parity_lstm(&x->rnn, nsym);
  else parity_rnn(&x->rnn, nsym);
  x->d.tok.nsym = nsym;
  x->d.nclass = 2;
  Rng r;
  rng_seed(&r, 2024);
  make_split(&x->d.train, &r, 300, train_syms, 12);
  make_split(&x->d.valid, &r, 100, nsym, 12);
  make_split(&x->d.test, &r, 200, nsym, 14);
  x->d.target = parity_target(nsym);
  return x;
}

static Fix *fixture(int nsym, int train_syms) { return fixture_cell(CELL_ELMAN, nsym, train_syms); }

static void fixture_free(Fix *x)
{
  rnn_free(&x->rnn);
  split_free(&x->d.train); split_free(&x->d.valid); split_free(&x->d.test);
  fsa_free(x->d.target);
  free(x);
}

static SpecExtract spec(int k)
{
  SpecExtract s = {
    .method = EXTRACT_KMEANS, .k = k, .kmax = 32, .restarts = 3, .iterations = 100,
    .fidelity = 1.0, .minimize = true, .label = LABEL_CENTROID, .use_valid = false,
    .max_states = 0, .seed = 7,
  };
  return s;
}

/* Extracts with S from X's network and data; asserts success. */
static Fsa *extract_ok(const SpecExtract *s, const Fix *x, Eval *ev)
{
  Fsa *f = NULL;
  assert_int_equal(extract_fsa(s, &x->rnn, &x->d, &f, ev), RNF_EXIT_OK);
  return f;
}

/* The Elman parity fixture over NSYM symbols (training on 0 and 1 only)
** into *X, and its automaton extracted with spec(K). */
static Fsa *parity_extract(int nsym, int k, Fix **x, Eval *ev)
{
  *x = fixture(nsym, 2);
  SpecExtract s = spec(k);
  return extract_ok(&s, *x, ev);
}

static void result_free(Fsa *f, Eval *ev) { fsa_free(f); eval_free(ev); }

/* Extraction with S gives an automaton equivalent to the target, with
** NSTATES states unless 0; returns the k it used. */
static int check_exact(const SpecExtract *s, const Fix *x, int nstates)
{
  Eval ev;
  Fsa *f = extract_ok(s, x, &ev);
  assert_int_equal(ev.equivalent, 1);
  if (nstates) assert_int_equal(f->nstates, nstates);
  int k = ev.k;
  result_free(f, &ev);
  return k;
}

static void test_network_is_parity(void **state)
{
  (void)state;
  Fix *x = fixture(2, 2);
  assert_true(rnn_accuracy(&x->rnn, &x->d.test) == 1.0);
  fixture_free(x);
}

static void test_k4_exact(void **state)
{
  (void)state;
  Fix *x;
  Eval ev;
  Fsa *f = parity_extract(2, 4, &x, &ev);
  assert_int_equal(fsa_validate(f), 0);
  assert_int_equal(ev.k, 4);
  assert_int_equal(ev.states_raw, 5);
  assert_int_equal(ev.states_min, 2);
  assert_int_equal(f->nstates, 2);
  assert_int_equal(ev.equivalent, 1);
  assert_null(ev.cex);
  assert_true(ev.fidelity == 1.0 && ev.fsa_acc == 1.0 && ev.net_acc == 1.0);
  /* Evidence: every transition of the minimized machine was observed and
  ** unanimous; the sizes add up to all states walked (plus the starts). */
  uint64_t steps = x->d.train.off[x->d.train.n], sizes = 0;
  for (int q = 0; q < 2; q++) sizes += f->size[q];
  assert_int_equal(sizes, steps + (uint64_t)x->d.train.n);
  for (int c = 0; c < 4; c++) {
    assert_int_equal(f->filled[c], 0);
    assert_true(f->conf[c] == 1.0f);
    assert_int_equal(f->count[c], f->total[c]);
  }

  /* Deterministic: a second run gives the same arrays. */
  SpecExtract s = spec(4);
  Eval ev2;
  Fsa *g = extract_ok(&s, x, &ev2);
  assert_memory_equal(f->next, g->next, 4 * sizeof(int32_t));
  assert_memory_equal(f->count, g->count, 4 * sizeof(uint32_t));
  assert_memory_equal(f->size, g->size, 2 * sizeof(uint32_t));
  result_free(f, &ev); result_free(g, &ev2);
  fixture_free(x);
}

static void test_unminimized_and_variants(void **state)
{
  (void)state;
  Fix *x = fixture(2, 2);
  SpecExtract s = spec(4);
  s.minimize = false;
  Eval ev;
  Fsa *f = extract_ok(&s, x, &ev);
  assert_int_equal(f->nstates, 5);
  assert_int_equal(f->start, 4);
  assert_int_equal(ev.equivalent, 1);
  result_free(f, &ev);

  /* Majority labels, clustering validation states, a subsample of 40. */
  s = spec(4);
  s.label = LABEL_MAJORITY;
  s.use_valid = true;
  s.max_states = 40;
  check_exact(&s, x, 2);

  /* X-means finds enough clusters by itself. */
  s = spec(0);
  s.method = EXTRACT_XMEANS;
  assert_true(check_exact(&s, x, 0) >= 4);
  fixture_free(x);
}

/* Too few clusters: the automaton is wrong, and the evaluation says so with
** a shortest input on which it and the target disagree. */
static void test_counterexample(void **state)
{
  (void)state;
  Fix *x;
  Eval ev;
  Fsa *f = parity_extract(2, 1, &x, &ev);
  assert_int_equal(ev.k, 1);
  assert_int_equal(ev.equivalent, 0);
  assert_non_null(ev.cex);
  assert_int_not_equal(fsa_classify(f, ev.cex, ev.cexlen), fsa_classify(x->d.target, ev.cex, ev.cexlen));
  assert_true(ev.fidelity < 1.0);
  result_free(f, &ev);
  fixture_free(x);
}

/* Auto k: the first k of the sweep whose validation fidelity reaches the
** target, unless a k up to 4 times larger agrees better (here: perfectly).
** k 2 agrees on 58% of the validation split only; with target 0.5 it
** opens the window, and k 4 (perfect) is still found. */
static void test_auto_k(void **state)
{
  (void)state;
  Fix *x = fixture(2, 2);
  SpecExtract s = spec(0);
  int kfull = check_exact(&s, x, 0);
  assert_true(kfull == 2 || kfull == 3 || kfull == 4 || kfull == 6 || kfull == 8);
  SpecExtract s2 = spec(2);
  Eval ev;
  Fsa *f = extract_ok(&s2, x, &ev);
  assert_true(ev.fidelity < 0.9);
  assert_int_equal(ev.equivalent, 0);
  result_free(f, &ev);
  s.fidelity = 0.5;
  assert_int_equal(check_exact(&s, x, 0), kfull);
  assert_true(kfull <= 8);
  fixture_free(x);
}

/* Symbol 2 never occurs in training: its transitions are filled by
** stepping the network from each centroid (it acts as '0'), so the
** automaton is still exact, and 0 and 2 share a symbol class. */
static void test_fill_unseen_symbol(void **state)
{
  (void)state;
  Fix *x;
  Eval ev;
  Fsa *f = parity_extract(3, 4, &x, &ev);
  assert_int_equal(ev.equivalent, 1);
  assert_int_equal(f->nstates, 2);
  for (int q = 0; q < 2; q++) {
    assert_int_equal(f->filled[q * 3 + 2], 1);
    assert_int_equal(f->count[q * 3 + 2], 0);
    assert_true(f->conf[q * 3 + 2] == 0.0f);
    assert_int_equal(f->filled[q * 3 + 0], 0);
  }
  assert_int_equal(f->nsymclass, 2);
  assert_int_equal(f->symclass[0], f->symclass[2]);
  assert_int_not_equal(f->symclass[0], f->symclass[1]);
  assert_int_equal(ev.nsymclass, 2);
  result_free(f, &ev);
  fixture_free(x);
}

/* LSTM: the clusters are made on h alone, so the step counter in c (which
** dominates [h; c] distances) does not split states by length; the fill
** steps from each cluster's mean full state [h; c] (symbol 2 is unseen in
** training and must act as '0'), and the labels read h. */
static void test_lstm_clusters_h(void **state)
{
  (void)state;
  Fix *x = fixture_cell(CELL_LSTM, 3, 2);
  assert_int_equal(rnn_state_dim(&x->rnn), 10);
  assert_true(rnn_accuracy(&x->rnn, &x->d.test) == 1.0);
  float st[2][10];
  rnn_init_state(&x->rnn, st[0]);
  for (int t = 0; t < 12; t++) rnn_step(&x->rnn, st[t & 1], 0, st[(t + 1) & 1]);
  assert_true(st[0][9] > 11.5f && fabsf(st[0][4]) < 1e-3f);    /* c4 counts, h4 ~ 0 */

  SpecExtract s = spec(4);
  Eval ev;
  Fsa *f = extract_ok(&s, x, &ev);
  assert_int_equal(ev.equivalent, 1);
  assert_int_equal(f->nstates, 2);
  assert_true(ev.fidelity == 1.0);
  for (int q = 0; q < 2; q++) {
    assert_int_equal(f->filled[q * 3 + 2], 1);
    assert_true(f->centroid_norm[q] < 2.0f);   /* the norm of an h centroid, not of c */
  }
  result_free(f, &ev);

  /* Auto k and X-means take the same route. */
  s = spec(0);
  assert_true(check_exact(&s, x, 0) <= 8);
  s.method = EXTRACT_XMEANS;
  check_exact(&s, x, 0);
  fixture_free(x);
}

/* Nothing to cluster but the initial state (empty training split): the
** result is still a complete automaton, every transition filled. */
static void test_empty_split(void **state)
{
  (void)state;
  Fix *x = fixture(2, 2);
  split_free(&x->d.train);
  Rng r;
  rng_seed(&r, 1);
  make_split(&x->d.train, &r, 0, 2, 12);
  SpecExtract s = spec(4);
  s.minimize = false;
  Eval ev;
  Fsa *f = extract_ok(&s, x, &ev);
  assert_int_equal(fsa_validate(f), 0);
  assert_int_equal(ev.k, 1);
  assert_int_equal(f->nstates, 2);
  for (int c = 0; c < 4; c++) assert_int_equal(f->filled[c], 1);
  assert_int_equal(ev.equivalent, 0);
  result_free(f, &ev);
  fixture_free(x);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_network_is_parity),
    cmocka_unit_test(test_k4_exact),
    cmocka_unit_test(test_unminimized_and_variants),
    cmocka_unit_test(test_counterexample),
    cmocka_unit_test(test_auto_k),
    cmocka_unit_test(test_fill_unseen_symbol),
    cmocka_unit_test(test_lstm_clusters_h),
    cmocka_unit_test(test_empty_split),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
