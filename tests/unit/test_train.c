/*
** test_train.c -- the mini-batch trainer (train.c).
**
** Builds small datasets by hand (no data layer) and checks that every cell
** learns simple rules to 100% training accuracy, that training is
** deterministic per seed, that early stopping restores the best epoch, that
** L2 and SGD act, and that bad settings are refused.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rnn.h"

typedef int (*Rule)(const int32_t *seq, int len);

static int last_is_1(const int32_t *q, int n) { return n > 0 && q[n - 1] == 1; }
static int last_sym(const int32_t *q, int n) { return n > 0 ? q[n - 1] : 0; }
static int last_is_not_1(const int32_t *q, int n) { return !last_is_1(q, n); }
static int parity(const int32_t *q, int n) { int p = 0; for (int i = 0; i < n; i++) p ^= q[i]; return p; }

/* N random strings over NSYM symbols, lengths 0..MAXLEN, labelled by RULE. */
static void make_split(Split *s, int n, int nsym, int minlen, int maxlen, Rule rule, uint64_t seed)
{
  Rng g;
  rng_seed(&g, seed);
  memset(s, 0, sizeof *s);
  s->n = n;
  s->tok = calloc((size_t)n * maxlen + 1, sizeof *s->tok);
  s->off = calloc((size_t)n + 1, sizeof *s->off);
  s->label = calloc((size_t)n, sizeof *s->label);
  for (int i = 0; i < n; i++) {
    int L = minlen + (int)rng_below(&g, (uint64_t)(maxlen - minlen + 1));
    s->off[i + 1] = s->off[i] + (size_t)L;
    for (int t = 0; t < L; t++) s->tok[s->off[i] + t] = (int32_t)rng_below(&g, (uint64_t)nsym);
    s->label[i] = rule(s->tok + s->off[i], L);
  }
}

static void free_split(Split *s) { free(s->tok); free(s->off); free(s->label); }

static void make_data(Dataset *d, int nsym, int nclass, Rule rule, Rule vrule, int ntrain, int maxlen)
{
  memset(d, 0, sizeof *d);
  d->tok.nsym = nsym;
  d->nclass = nclass;
  make_split(&d->train, ntrain, nsym, 0, maxlen, rule, 1);
  make_split(&d->valid, ntrain / 4, nsym, 0, maxlen, vrule, 2);
}

static void free_data(Dataset *d) { free_split(&d->train); free_split(&d->valid); }

static SpecRnn spec(CellKind cell, int hidden, int embed, int epochs)
{
  SpecRnn s = { .cell = cell, .hidden = hidden, .embed = embed, .layers = 1, .epochs = epochs,
                .batch = 16, .learning_rate = 0.02, .optimizer = OPT_ADAM, .clip = 5.0,
                .l2 = 0.0, .patience = 0, .seed = 42 };
  return s;
}

static void test_learns_last_symbol(void **st)
{
  (void)st;
  Dataset d;
  make_data(&d, 2, 2, last_is_1, last_is_1, 256, 8);
  for (int cell = CELL_ELMAN; cell <= CELL_LSTM; cell++) {
    SpecRnn s = spec((CellKind)cell, 8, 0, 15);
    Rnn r;
    TrainLog log;
    assert_int_equal(rnn_train(&s, &d, &r, &log), RNF_EXIT_OK);
    if (rnn_accuracy(&r, &d.train) != 1.0)
      print_error("%s: train accuracy %.4f\n", rnn_cell_name((CellKind)cell), rnn_accuracy(&r, &d.train));
    assert_true(rnn_accuracy(&r, &d.train) == 1.0);
    assert_true(rnn_accuracy(&r, &d.valid) == 1.0);
    assert_int_equal(log.n, 15);
    assert_true(log.best_epoch >= 1 && log.best_epoch <= 15);
    for (int e = 0; e < log.n; e++) {
      assert_int_equal(log.epochs[e].epoch, e + 1);
      assert_true(log.epochs[e].samples_per_sec > 0);
    }
    assert_true(log.epochs[log.n - 1].loss < log.epochs[0].loss);
    free(log.epochs);
    rnn_free(&r);
  }
  free_data(&d);
}

/* Parity needs the state to carry information through the whole string. */
static void test_learns_parity(void **st)
{
  (void)st;
  Dataset d;
  memset(&d, 0, sizeof d);
  d.tok.nsym = 2;
  d.nclass = 2;
  make_split(&d.train, 128, 2, 3, 3, parity, 5);
  SpecRnn s = spec(CELL_GRU, 8, 0, 40);
  Rnn r;
  assert_int_equal(rnn_train(&s, &d, &r, NULL), RNF_EXIT_OK);
  assert_true(rnn_accuracy(&r, &d.train) == 1.0);
  rnn_free(&r);
  free_split(&d.train);
}

/* Three classes, embedded input. */
static void test_multiclass_embedding(void **st)
{
  (void)st;
  Dataset d;
  make_data(&d, 3, 3, last_sym, last_sym, 300, 6);
  for (int cell = CELL_MGU; cell <= CELL_LSTM; cell++) {
    SpecRnn s = spec((CellKind)cell, 8, 4, 20);
    Rnn r;
    assert_int_equal(rnn_train(&s, &d, &r, NULL), RNF_EXIT_OK);
    assert_non_null(r.E);
    assert_int_equal(r.nclass, 3);
    assert_true(rnn_accuracy(&r, &d.train) == 1.0);
    rnn_free(&r);
  }
  free_data(&d);
}

static void test_deterministic(void **st)
{
  (void)st;
  Dataset d;
  make_data(&d, 2, 2, parity, parity, 200, 10);
  for (int cell = CELL_ELMAN; cell <= CELL_LSTM; cell++) {
    SpecRnn s = spec((CellKind)cell, 6, cell == CELL_GRU ? 3 : 0, 3);
    s.l2 = 1e-4;
    Rnn a, b, c;
    assert_int_equal(rnn_train(&s, &d, &a, NULL), RNF_EXIT_OK);
    assert_int_equal(rnn_train(&s, &d, &b, NULL), RNF_EXIT_OK);
    s.seed++;
    assert_int_equal(rnn_train(&s, &d, &c, NULL), RNF_EXIT_OK);
    assert_int_equal(a.nparams, b.nparams);
    assert_memory_equal(a.params, b.params, a.nparams * sizeof(float));
    assert_memory_not_equal(a.params, c.params, a.nparams * sizeof(float));
    rnn_free(&a); rnn_free(&b); rnn_free(&c);
  }
  free_data(&d);
}

/* The validation rule is the opposite of the training rule: validation
** accuracy falls as training succeeds, so training stops PATIENCE epochs
** after the best epoch and that epoch's weights come back. */
static void test_early_stopping(void **st)
{
  (void)st;
  Dataset d;
  make_data(&d, 2, 2, last_is_1, last_is_not_1, 256, 8);
  SpecRnn s = spec(CELL_GRU, 8, 0, 30);
  s.patience = 3;
  Rnn r;
  TrainLog log;
  assert_int_equal(rnn_train(&s, &d, &r, &log), RNF_EXIT_OK);
  assert_true(log.n < 30);
  assert_int_equal(log.n, log.best_epoch + 3);
  double best = log.epochs[log.best_epoch - 1].valid_acc;
  for (int e = 0; e < log.n; e++) assert_true(log.epochs[e].valid_acc <= best);
  assert_float_equal(rnn_accuracy(&r, &d.valid), best, 1e-9);
  assert_true(rnn_accuracy(&r, &d.train) < log.epochs[log.n - 1].train_acc + 1e-9);
  free(log.epochs);
  rnn_free(&r);
  free_data(&d);
}

static double recurrent_norm(const Rnn *r)
{
  double s = 0;
  size_t n = (size_t)rnn_gates(r->cell) * r->hidden * r->hidden;
  for (size_t i = 0; i < n; i++) s += (double)r->Wh[i] * r->Wh[i];
  return sqrt(s);
}

static void test_l2_and_sgd(void **st)
{
  (void)st;
  Dataset d;
  make_data(&d, 2, 2, last_is_1, last_is_1, 256, 8);
  SpecRnn s = spec(CELL_GRU, 8, 0, 10);
  Rnn a, b;
  assert_int_equal(rnn_train(&s, &d, &a, NULL), RNF_EXIT_OK);
  s.l2 = 0.05;
  assert_int_equal(rnn_train(&s, &d, &b, NULL), RNF_EXIT_OK);
  assert_true(recurrent_norm(&b) < 0.8 * recurrent_norm(&a));
  rnn_free(&a); rnn_free(&b);

  s = spec(CELL_ELMAN, 8, 0, 30);
  s.optimizer = OPT_SGD;
  s.learning_rate = 0.5;
  TrainLog log;
  assert_int_equal(rnn_train(&s, &d, &a, &log), RNF_EXIT_OK);
  assert_true(log.epochs[log.n - 1].loss < 0.5 * log.epochs[0].loss);
  assert_true(rnn_accuracy(&a, &d.train) == 1.0);
  free(log.epochs);
  rnn_free(&a);
  free_data(&d);
}

static void test_refuses_bad_settings(void **st)
{
  (void)st;
  Dataset d;
  make_data(&d, 2, 2, last_is_1, last_is_1, 16, 4);
  SpecRnn s = spec(CELL_GRU, 8, 0, 2);
  Rnn r;
  s.layers = 2;
  assert_int_equal(rnn_train(&s, &d, &r, NULL), RNF_EXIT_SPEC);
  assert_null(r.params);
  s.layers = 1;
  s.hidden = 0;
  assert_int_equal(rnn_train(&s, &d, &r, NULL), RNF_EXIT_SPEC);
  s.hidden = 8;
  int i = 0;
  while (split_len(&d.train, i) == 0) i++;
  d.train.tok[d.train.off[i]] = 7;          /* a symbol out of range */
  assert_int_equal(rnn_train(&s, &d, &r, NULL), RNF_EXIT_DATA);
  d.train.tok[d.train.off[i]] = 0;
  d.train.label[0] = 2;                     /* a class out of range */
  assert_int_equal(rnn_train(&s, &d, &r, NULL), RNF_EXIT_DATA);
  d.train.label[0] = 0;
  int n = d.train.n;
  d.train.n = 0;
  assert_int_equal(rnn_train(&s, &d, &r, NULL), RNF_EXIT_DATA);
  d.train.n = n;
  free_data(&d);
}

/* Train with stderr sent to a file; returns what was printed (caller frees). */
static char *train_output(int verbosity, const Dataset *d, SpecRnn *s)
{
  char path[64];
  snprintf(path, sizeof path, "/tmp/test_train_%ld.err", (long)getpid());
  fflush(stderr);
  int saved = dup(2);
  FILE *f = fopen(path, "w+");
  assert_non_null(f);
  dup2(fileno(f), 2);
  rnf_verbosity = verbosity;
  Rnn r;
  int rc = rnn_train(s, d, &r, NULL);
  rnf_verbosity = -1;
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  assert_int_equal(rc, RNF_EXIT_OK);
  rnn_free(&r);
  char *buf = calloc(1, 4096);
  rewind(f);
  size_t n = fread(buf, 1, 4095, f);
  buf[n] = 0;
  fclose(f);
  unlink(path);
  return buf;
}

static void test_progress_lines(void **st)
{
  (void)st;
  Dataset d;
  make_data(&d, 2, 2, last_is_1, last_is_1, 64, 5);
  SpecRnn s = spec(CELL_GRU, 4, 0, 2);
  char *out = train_output(0, &d, &s);
  /* one line per epoch, no progress bar when stderr is not a terminal */
  assert_non_null(strstr(out, "epoch 1/2  loss "));
  assert_non_null(strstr(out, "epoch 2/2  loss "));
  assert_non_null(strstr(out, "%  valid "));
  assert_non_null(strstr(out, " samples/s\n"));
  assert_null(strchr(out, '\r'));
  int lines = 0;
  for (char *p = out; *p; p++) lines += *p == '\n';
  assert_int_equal(lines, 2);
  free(out);
  out = train_output(-1, &d, &s);           /* quiet: nothing at all */
  assert_string_equal(out, "");
  free(out);
  free_data(&d);
}

int main(void)
{
  rnf_verbosity = -1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_learns_last_symbol),
    cmocka_unit_test(test_learns_parity),
    cmocka_unit_test(test_multiclass_embedding),
    cmocka_unit_test(test_deterministic),
    cmocka_unit_test(test_early_stopping),
    cmocka_unit_test(test_l2_and_sgd),
    cmocka_unit_test(test_refuses_bad_settings),
    cmocka_unit_test(test_progress_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
