/*
** test_rnn.c -- the cells, their gradients and the model files (rnn.c).
**
** Gradients are checked against central finite differences of the real
** batched loss (rnn_batch_loss: input projection, every cell, masking of
** unequal lengths, output layer), for every cell with one-hot and embedded
** input.  The single-sequence path (rnn_step/rnn_output) must agree with
** the batched one.  Model files must round-trip and reject damage: rnn_load
** as an error naming the file, rnn_probe (the cache's loader) silently with
** the same reason, and rnn_probe also a sound file for another network.
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
#include <fcntl.h>
#include <unistd.h>

#include "rnn.h"
#include "diag.h"

/* A split from a string of examples "seq:label" separated by spaces, the
** sequence a string of digits (symbols), e.g. "012:1 :0 2:2". */
static void make_split(Split *s, const char *spec)
{
  memset(s, 0, sizeof *s);
  size_t cap = strlen(spec) + 1;
  s->tok = calloc(cap, sizeof *s->tok);
  s->off = calloc(cap + 1, sizeof *s->off);
  s->label = calloc(cap, sizeof *s->label);
  size_t nt = 0;
  for (const char *p = spec; *p;) {
    while (*p == ' ') p++;
    if (!*p) break;
    s->off[s->n] = nt;
    while (*p != ':') s->tok[nt++] = *p++ - '0';
    p++;
    s->label[s->n++] = *p++ - '0';
  }
  s->off[s->n] = nt;
}

static void free_split(Split *s) { free(s->tok); free(s->off); free(s->label); }

static void random_model(Rnn *r, CellKind cell, int nsym, int embed, int hidden, int nclass, uint64_t seed)
{
  Rng g;
  rng_seed(&g, seed);
  rnn_alloc(r, cell, nsym, embed, hidden, nclass);
  for (size_t i = 0; i < r->nparams; i++) r->params[i] = (float)(rng_unit(&g) * 1.6 - 0.8);
}

static void grad_check(CellKind cell, int embed)
{
  Rnn r;
  random_model(&r, cell, 3, embed, 4, 3, 11 + (uint64_t)cell);
  Split s;
  /* unequal lengths, an empty sequence, ties: exercises the masking */
  make_split(&s, "01210:0 2:1 :2 1102:1 0:0 0122:2");
  int32_t idx[6] = { 2, 0, 5, 1, 3, 4 };
  RnnWork *w = rnn_work_new(&r, 6, 5);
  float *g = calloc(r.nparams, sizeof *g);
  double loss = rnn_batch_loss(&r, w, &s, idx, 6, g, NULL);
  assert_true(loss > 0 && isfinite(loss));
  int bad = 0;
  double gnorm = 0;
  for (size_t k = 0; k < r.nparams; k++) {
    const float eps = 1e-2f, keep = r.params[k];
    r.params[k] = keep + eps;
    double lp = rnn_batch_loss(&r, w, &s, idx, 6, NULL, NULL);
    r.params[k] = keep - eps;
    double lm = rnn_batch_loss(&r, w, &s, idx, 6, NULL, NULL);
    r.params[k] = keep;
    double fd = (lp - lm) / (2 * eps), an = g[k];
    gnorm += an * an;
    if (fabs(fd - an) > 2e-2 * fmax(fabs(fd), fabs(an)) + 3e-4) {
      if (bad++ < 5)
        print_error("%s embed %d: param %zu analytic %.6f numeric %.6f\n",
                    rnn_cell_name(cell), embed, k, an, fd);
    }
  }
  assert_int_equal(bad, 0);
  assert_true(gnorm > 1e-4);        /* the check compared real gradients */
  /* the loss does not depend on the order the batch is given in */
  int32_t idx2[6] = { 5, 4, 3, 2, 1, 0 };
  assert_float_equal(rnn_batch_loss(&r, w, &s, idx2, 6, NULL, NULL), loss, 1e-5);
  free(g);
  rnn_work_free(w);
  free_split(&s);
  rnn_free(&r);
}

static void test_grad_elman(void **st) { (void)st; grad_check(CELL_ELMAN, 0); grad_check(CELL_ELMAN, 2); }
static void test_grad_mgu(void **st) { (void)st; grad_check(CELL_MGU, 0); grad_check(CELL_MGU, 2); }
static void test_grad_gru(void **st) { (void)st; grad_check(CELL_GRU, 0); grad_check(CELL_GRU, 2); }
static void test_grad_lstm(void **st) { (void)st; grad_check(CELL_LSTM, 0); grad_check(CELL_LSTM, 2); }

/* rnn_states/rnn_output (single sequence) agree with the batched forward. */
static void test_single_matches_batch(void **st)
{
  (void)st;
  for (int cell = CELL_ELMAN; cell <= CELL_LSTM; cell++)
    for (int embed = 0; embed <= 3; embed += 3) {
      Rnn r;
      random_model(&r, (CellKind)cell, 3, embed, 5, 3, 7);
      Split s;
      make_split(&s, "0121012:0 :1 2:2 1102:1");
      RnnWork *w = rnn_work_new(&r, 1, 7);
      int D = rnn_state_dim(&r);
      assert_int_equal(D, cell == CELL_LSTM ? 10 : 5);
      for (int i = 0; i < s.n; i++) {
        int L = split_len(&s, i);
        float *states = malloc((size_t)(L + 1) * D * sizeof *states), probs[3];
        rnn_states(&r, split_seq(&s, i), L, states);
        for (int k = 0; k < D; k++) assert_true(states[k] == 0.0f);   /* initial state */
        int cls = rnn_output(&r, states + (size_t)L * D, probs);
        assert_int_equal(cls, rnn_classify(&r, split_seq(&s, i), L));
        assert_float_equal(probs[0] + probs[1] + probs[2], 1.0, 1e-5);
        int32_t e = i;
        double loss = rnn_batch_loss(&r, w, &s, &e, 1, NULL, NULL);
        assert_float_equal(loss, -log(probs[s.label[i]]), 1e-4);
        /* stepping by hand gives the same rows */
        float *next = malloc((size_t)D * sizeof *next);
        for (int t = 0; t < L; t++) {
          rnn_step(&r, states + (size_t)t * D, split_seq(&s, i)[t], next);
          for (int k = 0; k < D; k++) assert_true(next[k] == states[(size_t)(t + 1) * D + k]);
        }
        free(next);
        free(states);
      }
      rnn_work_free(w);
      free_split(&s);
      rnn_free(&r);
    }
}

static char *tmp_path(const char *tag)
{
  char *p = xasprintf("/tmp/test_rnn_%ld_%s.rnfm", (long)getpid(), tag);
  return p;
}

static void test_save_load(void **st)
{
  (void)st;
  for (int cell = CELL_ELMAN; cell <= CELL_LSTM; cell++) {
    Rnn r, q;
    random_model(&r, (CellKind)cell, 5, cell == CELL_GRU ? 4 : 0, 6, 3, 3);
    char *path = tmp_path("rt");
    assert_int_equal(rnn_save(&r, path, NULL, 0), RNF_EXIT_OK);
    assert_int_equal(rnn_load(&q, path), RNF_EXIT_OK);
    assert_int_equal(q.cell, r.cell);
    assert_int_equal(q.nsym, 5);
    assert_int_equal(q.embed, r.embed);
    assert_int_equal(q.hidden, 6);
    assert_int_equal(q.nclass, 3);
    assert_int_equal(q.nparams, r.nparams);
    assert_memory_equal(q.params, r.params, r.nparams * sizeof(float));
    assert_true((q.bh != NULL) == (cell == CELL_GRU));
    assert_true(q.Wo == q.params + (r.Wo - r.params));
    int32_t seq[4] = { 1, 4, 0, 2 };
    assert_int_equal(rnn_classify(&q, seq, 4), rnn_classify(&r, seq, 4));
    unlink(path);
    free(path);
    rnn_free(&q);
    rnn_free(&r);
  }
}

static unsigned char *slurp(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  unsigned char *b = malloc(1 << 16);
  *n = fread(b, 1, 1 << 16, f);
  fclose(f);
  return b;
}

static void spit(const char *path, const unsigned char *b, size_t n)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, n, f), n);
  fclose(f);
}

/* rnn_probe with stderr captured: it must print nothing and count no error. */
static int probe_silently(Rnn *q, const char *path, const Rnn *want, char *why, size_t whylen)
{
  char *cap = tmp_path("stderr");
  int errs = diag_errors();
  fflush(stderr);
  int saved = dup(2), fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(saved >= 0 && fd >= 0);
  dup2(fd, 2);
  close(fd);
  int rc = rnn_probe(q, path, want, why, whylen);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  FILE *f = fopen(cap, "rb");
  assert_non_null(f);
  assert_int_equal(fgetc(f), EOF);
  fclose(f);
  unlink(cap);
  free(cap);
  assert_int_equal(diag_errors(), errs);
  return rc;
}

static void test_load_rejects_damage(void **st)
{
  (void)st;
  Rnn r, q;
  random_model(&r, CELL_GRU, 2, 0, 4, 2, 5);
  char *path = tmp_path("good"), *bad = tmp_path("bad");
  assert_int_equal(rnn_save(&r, path, NULL, 0), RNF_EXIT_OK);
  size_t n;
  unsigned char *b = slurp(path, &n);
  assert_int_equal(n, 48 + 4 * r.nparams + 8);
  assert_memory_equal(b, "RNFSACM\0", 8);

  /* each damaged copy must be refused with RNF_EXIT_IO and leave q empty;
  ** rnn_load reports one error, rnn_probe none but says the same why */
  struct { size_t at; unsigned char x; size_t len; const char *why; } cases[] = {
    { 60, 0x01, 0, "model file checksum mismatch (corrupt file)" },  /* a flipped bit in the parameters */
    { n - 1, 0x80, 0, "model file checksum mismatch (corrupt file)" }, /* a flipped bit in the checksum */
    { 0, 'X', 0, "not an rnnfsac model file (bad magic)" },
    { 8, 0x02, 0, "model file format version 3 is not supported (expected 1)" },
    { 13, 0xff, 0, "model file has a bad byte-order mark" },
    { 31, 0x40, 0, "model file header has impossible sizes" },  /* hidden ~ 1e9: refused before allocating */
    { 16, 0x07, 0, "model file header has impossible sizes" },  /* no such cell */
    { 40, 0x01, 0, "model file parameter count does not match its sizes" },
    { 0, 0, n - 9, "model file truncated" },                    /* truncated checksum */
    { 0, 0, 100, "model file truncated" },                      /* truncated parameters */
    { 0, 0, 20, "model file truncated (incomplete header)" },
    { 0, 0, 0, "model file truncated (incomplete header)" },    /* empty file */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    unsigned char *c = malloc(n + 1);
    memcpy(c, b, n);
    size_t len = cases[i].len ? cases[i].len : n;
    if (cases[i].x) c[cases[i].at] ^= cases[i].x;
    if (i == sizeof cases / sizeof *cases - 1) len = 0;
    spit(bad, c, len);
    memset(&q, 0x55, sizeof q);
    int errs = diag_errors();
    assert_int_equal(rnn_load(&q, bad), RNF_EXIT_IO);
    assert_int_equal(diag_errors(), errs + 1);
    assert_null(q.params);
    char why[256];
    memset(&q, 0x55, sizeof q);
    assert_int_equal(probe_silently(&q, bad, NULL, why, sizeof why), RNF_EXIT_IO);
    assert_null(q.params);
    assert_string_equal(why, cases[i].why);
    free(c);
  }
  /* huge but self-consistent sizes: refused by the length check, before
  ** allocating ~256 GB (ASan would abort on the attempt) */
  {
    unsigned char *c = malloc(n);
    memcpy(c, b, n);
    uint64_t nsym = 1u << 24, embed = 4096, H = 4, GH = 12;
    uint64_t np = nsym * embed + GH * embed + GH * H + GH + H + 2 * H + 2;
    for (int i = 0; i < 4; i++) {
      c[20 + i] = (unsigned char)(nsym >> (8 * i));
      c[24 + i] = (unsigned char)(embed >> (8 * i));
    }
    for (int i = 0; i < 8; i++) c[40 + i] = (unsigned char)(np >> (8 * i));
    spit(bad, c, n);
    assert_int_equal(rnn_load(&q, bad), RNF_EXIT_IO);
    assert_null(q.params);
    free(c);
  }
  /* a well-formed file whose weights are not all finite (a diverged
  ** network saved by another tool): refused, whatever the checksum says */
  {
    float keep = r.params[3];
    for (int k = 0; k < 2; k++) {
      r.params[3] = k ? INFINITY : NAN;
      assert_int_equal(rnn_save(&r, bad, NULL, 0), RNF_EXIT_OK);
      char why[256];
      assert_int_equal(probe_silently(&q, bad, NULL, why, sizeof why), RNF_EXIT_IO);
      assert_null(q.params);
      assert_string_equal(why, "model file holds a weight that is not a finite number (parameter 3)");
    }
    r.params[3] = keep;
  }
  /* trailing garbage */
  unsigned char *c = malloc(n + 1);
  memcpy(c, b, n);
  c[n] = 0;
  spit(bad, c, n + 1);
  assert_int_equal(rnn_load(&q, bad), RNF_EXIT_IO);
  free(c);
  char why[256];
  assert_int_equal(probe_silently(&q, bad, NULL, why, sizeof why), RNF_EXIT_IO);
  assert_string_equal(why, "model file has trailing bytes");
  /* a short WHY is cut, not overrun; a NULL one is allowed */
  char small[8];
  assert_int_equal(probe_silently(&q, bad, NULL, small, sizeof small), RNF_EXIT_IO);
  assert_string_equal(small, "model f");
  assert_int_equal(probe_silently(&q, bad, NULL, NULL, 0), RNF_EXIT_IO);
  /* missing file */
  unlink(bad);
  assert_int_equal(rnn_load(&q, bad), RNF_EXIT_IO);
  assert_int_equal(probe_silently(&q, bad, NULL, why, sizeof why), RNF_EXIT_IO);
  assert_string_equal(why, "cannot read model file: No such file or directory");
  /* and the intact file still loads, both ways, and probes clean */
  assert_int_equal(rnn_load(&q, path), RNF_EXIT_OK);
  rnn_free(&q);
  strcpy(why, "stale");
  assert_int_equal(probe_silently(&q, path, &r, why, sizeof why), RNF_EXIT_OK);
  assert_string_equal(why, "");
  assert_memory_equal(q.params, r.params, r.nparams * sizeof(float));
  rnn_free(&q);
  unlink(path);
  free(b); free(path); free(bad);
  rnn_free(&r);
}

/* A sound file for a network of another shape (e.g. a hash collision in the
** cache, or a file copied in by hand) is refused by rnn_probe when a shape
** is wanted, with both shapes in the reason; each of the five fields counts. */
static void test_probe_other_network(void **st)
{
  (void)st;
  Rnn r, q;
  random_model(&r, CELL_GRU, 3, 0, 4, 2, 9);
  char *path = tmp_path("shape");
  assert_int_equal(rnn_save(&r, path, NULL, 0), RNF_EXIT_OK);
  char why[256];
  for (int field = 0; field < 5; field++) {
    Rnn want = { .cell = r.cell, .nsym = r.nsym, .embed = r.embed, .hidden = r.hidden, .nclass = r.nclass };
    switch (field) {
    case 0: want.cell = CELL_LSTM; break;
    case 1: want.nsym = 7; break;
    case 2: want.embed = 2; break;
    case 3: want.hidden = 5; break;
    default: want.nclass = 3; break;
    }
    memset(&q, 0x55, sizeof q);
    assert_int_equal(probe_silently(&q, path, &want, why, sizeof why), RNF_EXIT_IO);
    assert_null(q.params);
    assert_non_null(strstr(why, "model file is for another network (gru, 3 symbols, embed 0, hidden 4, 2 classes; expected "));
  }
  Rnn want = { .cell = CELL_MGU, .nsym = 7, .embed = 2, .hidden = 5, .nclass = 3 };
  assert_int_equal(probe_silently(&q, path, &want, why, sizeof why), RNF_EXIT_IO);
  assert_string_equal(why, "model file is for another network (gru, 3 symbols, embed 0, hidden 4, 2 classes;"
                           " expected mgu, 7 symbols, embed 2, hidden 5, 3 classes)");
  /* without a wanted shape any sound file loads */
  assert_int_equal(probe_silently(&q, path, NULL, why, sizeof why), RNF_EXIT_OK);
  assert_int_equal(q.hidden, 4);
  rnn_free(&q);
  unlink(path);
  free(path);
  rnn_free(&r);
}

int main(void)
{
  rnf_verbosity = -1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_grad_elman),
    cmocka_unit_test(test_grad_mgu),
    cmocka_unit_test(test_grad_gru),
    cmocka_unit_test(test_grad_lstm),
    cmocka_unit_test(test_single_matches_batch),
    cmocka_unit_test(test_save_load),
    cmocka_unit_test(test_load_rejects_damage),
    cmocka_unit_test(test_probe_other_network),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
