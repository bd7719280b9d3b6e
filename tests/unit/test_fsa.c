/*
** test_fsa.c -- minimization, symbol classes and equivalence of the
** automaton IR (compiler/fsa.c).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fsa.h"

#define T(f, s, a) (f)->next[(size_t)(s) * (f)->nsym + (a)]

/* Tomita 4 (no "000") over {0,1}: states = trailing zeros 0..2, 3 = sink. */
static Fsa *tomita4(void)
{
  Fsa *f = fsa_new(4, 2, 2, 0);
  for (int s = 0; s < 3; s++) { T(f, s, 0) = s + 1; T(f, s, 1) = 0; f->label[s] = 1; }
  T(f, 3, 0) = 3; T(f, 3, 1) = 3; f->label[3] = 0;
  return f;
}

/* Strings over nsym symbols with no run of Z zeros (Z+1 states). */
static Fsa *no_zero_run(int z)
{
  Fsa *f = fsa_new(z + 1, 2, 2, 0);
  for (int s = 0; s < z; s++) { T(f, s, 0) = s + 1; T(f, s, 1) = 0; f->label[s] = 1; }
  T(f, z, 0) = z; T(f, z, 1) = z; f->label[z] = 0;
  return f;
}

/* Even number of 1s, written redundantly: 6 states cycling 0..5 on '1'
** (parity = state % 2), '0' jumps to the "other copy" of the same parity,
** plus state 6, unreachable. */
static Fsa *redundant_parity(void)
{
  Fsa *f = fsa_new(7, 2, 2, 1);
  for (int s = 0; s < 6; s++) {
    T(f, s, 1) = (s + 1) % 6;
    T(f, s, 0) = (s + 2) % 6;
    f->label[s] = (s % 2 == 0);
    f->size[s] = 10 + (uint32_t)s;
    for (int a = 0; a < 2; a++) {
      size_t q = (size_t)s * 2 + a;
      f->count[q] = 3; f->total[q] = 4; f->conf[q] = 0.75f;
      f->filled[q] = (s == 0 && a == 0) || (s == 2 && a == 0) || (s == 4 && a == 0) || (s == 1 && a == 1);
    }
  }
  T(f, 6, 0) = 0; T(f, 6, 1) = 6; f->label[6] = 1; f->size[6] = 1000;
  f->start = 0;
  return f;
}

static void test_minimize_redundant(void **state)
{
  (void)state;
  Fsa *f = redundant_parity();
  assert_int_equal(fsa_validate(f), 0);
  Fsa *g = fsa_minimize(f);
  assert_int_equal(fsa_validate(g), 0);
  assert_int_equal(g->nstates, 2);
  assert_int_equal(g->start, 0);
  /* Canonical: start is 0 (even, accepting), '1' toggles, '0' stays. */
  assert_int_equal(g->label[0], 1);
  assert_int_equal(g->label[1], 0);
  assert_int_equal(T(g, 0, 0), 0); assert_int_equal(T(g, 0, 1), 1);
  assert_int_equal(T(g, 1, 0), 1); assert_int_equal(T(g, 1, 1), 0);
  assert_true(fsa_equivalent(f, g, NULL, NULL));
  /* Evidence summed over the three merged states; the unreachable state's
  ** size is dropped; filled only where every merged transition was. */
  assert_int_equal(g->size[0], 10 + 12 + 14);
  assert_int_equal(g->size[1], 11 + 13 + 15);
  assert_int_equal(g->count[0], 9); assert_int_equal(g->total[0], 12);
  assert_true(g->conf[0] > 0.749f && g->conf[0] < 0.751f);
  assert_int_equal(g->filled[0], 1);   /* (even, 0): filled in 0, 2 and 4 */
  assert_int_equal(g->filled[1], 0);
  assert_int_equal(g->filled[3], 0);   /* (odd, 1): only state 1 filled */
  fsa_free(f); fsa_free(g);
}

static void test_minimize_keeps_minimal(void **state)
{
  (void)state;
  Fsa *f = tomita4();
  Fsa *g = fsa_minimize(f);
  assert_int_equal(g->nstates, 4);
  assert_true(fsa_equivalent(f, g, NULL, NULL));
  Fsa *h = fsa_minimize(g);           /* idempotent, arrays identical */
  assert_int_equal(h->nstates, 4);
  assert_memory_equal(g->next, h->next, 8 * sizeof(int32_t));
  assert_memory_equal(g->label, h->label, 4 * sizeof(int32_t));
  fsa_free(f); fsa_free(g); fsa_free(h);
}

/* Random automata: permute the states and they minimize to the same arrays
** (canonical numbering); the result is equivalent and every pair of its
** states is distinguishable (truly minimal). */
static Fsa *random_fsa(Rng *r, int n, int m, int nclass)
{
  Fsa *f = fsa_new(n, m, nclass, 0);
  for (int s = 0; s < n; s++) {
    for (int a = 0; a < m; a++) T(f, s, a) = (int32_t)rng_below(r, (uint64_t)n);
    f->label[s] = (int32_t)rng_below(r, (uint64_t)nclass);
  }
  f->start = (int)rng_below(r, (uint64_t)n);
  return f;
}

static void test_minimize_random(void **state)
{
  (void)state;
  Rng r;
  rng_seed(&r, 42);
  for (int trial = 0; trial < 60; trial++) {
    int n = 2 + (int)rng_below(&r, 30), m = 1 + (int)rng_below(&r, 3), nc = 2 + (int)rng_below(&r, 2);
    Fsa *f = random_fsa(&r, n, m, nc);
    Fsa *g = fsa_minimize(f);
    assert_int_equal(fsa_validate(g), 0);
    assert_true(g->nstates <= n);
    assert_true(fsa_equivalent(f, g, NULL, NULL));
    for (int i = 0; i < g->nstates; i++)
      for (int j = i + 1; j < g->nstates; j++) {
        Fsa *gi = fsa_copy(g), *gj = fsa_copy(g);
        gi->start = i; gj->start = j;
        int32_t *cex = NULL; int len = -1;
        assert_false(fsa_equivalent(gi, gj, &cex, &len));
        assert_int_not_equal(fsa_classify(gi, cex, len), fsa_classify(gj, cex, len));
        free(cex); fsa_free(gi); fsa_free(gj);
      }
    /* Same automaton with states relabelled by a permutation. */
    int32_t *perm = xmalloc((size_t)n * sizeof *perm);
    for (int s = 0; s < n; s++) perm[s] = s;
    rng_shuffle(&r, perm, (size_t)n);
    Fsa *p = fsa_new(n, m, nc, 0);
    for (int s = 0; s < n; s++) {
      p->label[perm[s]] = f->label[s];
      for (int a = 0; a < m; a++) T(p, perm[s], a) = perm[T(f, s, a)];
    }
    p->start = perm[f->start];
    Fsa *pg = fsa_minimize(p);
    assert_int_equal(pg->nstates, g->nstates);
    assert_memory_equal(pg->next, g->next, (size_t)g->nstates * m * sizeof(int32_t));
    assert_memory_equal(pg->label, g->label, (size_t)g->nstates * sizeof(int32_t));
    free(perm); fsa_free(p); fsa_free(pg);
    fsa_free(f); fsa_free(g);
  }
}

/* Does any string shorter than LEN distinguish A and B?  (brute force) */
static int distinguished_below(const Fsa *a, const Fsa *b, int len)
{
  int32_t w[16];
  for (int l = 0; l < len; l++) {
    long total = 1;
    for (int i = 0; i < l; i++) total *= a->nsym;
    for (long code = 0; code < total; code++) {
      long c = code;
      for (int i = 0; i < l; i++) { w[i] = (int32_t)(c % a->nsym); c /= a->nsym; }
      if (fsa_classify(a, w, l) != fsa_classify(b, w, l)) return 1;
    }
  }
  return 0;
}

static void test_equivalent_counterexample(void **state)
{
  (void)state;
  Fsa *t4 = tomita4(), *z4 = no_zero_run(4), *z3 = no_zero_run(3);
  int32_t *cex = NULL;
  int len = -1;
  assert_true(fsa_equivalent(t4, z3, &cex, &len));
  assert_null(cex);
  assert_false(fsa_equivalent(t4, z4, &cex, &len));
  assert_int_equal(len, 3);          /* "000" */
  assert_int_not_equal(fsa_classify(t4, cex, len), fsa_classify(z4, cex, len));
  assert_false(distinguished_below(t4, z4, len));
  free(cex);

  /* Different start labels: the empty string is the counterexample. */
  Fsa *neg = fsa_copy(t4);
  for (int s = 0; s < 4; s++) neg->label[s] = 1 - neg->label[s];
  cex = NULL;
  assert_false(fsa_equivalent(t4, neg, &cex, &len));
  assert_int_equal(len, 0);
  assert_non_null(cex);
  free(cex);

  /* Random pairs: a counterexample distinguishes and is shortest. */
  Rng r;
  rng_seed(&r, 7);
  for (int trial = 0; trial < 40; trial++) {
    Fsa *a = random_fsa(&r, 2 + (int)rng_below(&r, 6), 2, 2);
    Fsa *b = random_fsa(&r, 2 + (int)rng_below(&r, 6), 2, 2);
    cex = NULL;
    if (!fsa_equivalent(a, b, &cex, &len)) {
      assert_true(len < 16);
      assert_int_not_equal(fsa_classify(a, cex, len), fsa_classify(b, cex, len));
      assert_false(distinguished_below(a, b, len));
      free(cex);
    } else {
      assert_false(distinguished_below(a, b, 10));
    }
    fsa_free(a); fsa_free(b);
  }
  fsa_free(t4); fsa_free(z4); fsa_free(z3); fsa_free(neg);
}

static void test_symclasses(void **state)
{
  (void)state;
  /* Over {a, b, c, d}: a and c both go to the sink-free "seen a" state,
  ** b and d reset; columns a==c and b==d. */
  Fsa *f = fsa_new(3, 4, 2, 0);
  int to[3][4] = { { 1, 0, 1, 0 }, { 2, 0, 2, 0 }, { 2, 2, 2, 2 } };
  for (int s = 0; s < 3; s++) for (int a = 0; a < 4; a++) T(f, s, a) = to[s][a];
  f->label[2] = 1;
  fsa_symclasses(f);
  assert_int_equal(f->nsymclass, 2);
  assert_int_equal(f->symclass[0], 0); assert_int_equal(f->symclass[1], 1);
  assert_int_equal(f->symclass[2], 0); assert_int_equal(f->symclass[3], 1);
  assert_int_equal(fsa_validate(f), 0);
  /* Make column c differ in one state only: three classes, by first member. */
  T(f, 2, 2) = 0;
  fsa_symclasses(f);
  assert_int_equal(f->nsymclass, 3);
  assert_int_equal(f->symclass[0], 0); assert_int_equal(f->symclass[1], 1);
  assert_int_equal(f->symclass[2], 2); assert_int_equal(f->symclass[3], 1);
  fsa_free(f);

  /* Many identical symbols (a large vocabulary) collapse to one class. */
  Fsa *g = fsa_new(2, 1000, 2, 0);
  for (int a = 0; a < 1000; a++) { T(g, 0, a) = 1; T(g, 1, a) = 1; }
  T(g, 0, 500) = 0;
  fsa_symclasses(g);
  assert_int_equal(g->nsymclass, 2);
  assert_int_equal(g->symclass[999], 0);
  assert_int_equal(g->symclass[500], 1);
  fsa_free(g);
}

/* Automata whose evidence has no observation totals keep their
** confidences through minimization (averaged over merged states). */
static void test_minimize_conf_without_totals(void **state)
{
  (void)state;
  Fsa *f = redundant_parity();
  memset(f->total, 0, 14 * sizeof(uint32_t));
  for (int c = 0; c < 14; c++) f->conf[c] = (c % 2) ? 0.5f : 0.25f;
  Fsa *g = fsa_minimize(f);
  assert_int_equal(g->nstates, 2);
  assert_true(g->conf[0] == 0.25f && g->conf[1] == 0.5f);
  assert_true(g->conf[2] == 0.25f && g->conf[3] == 0.5f);
  fsa_free(f); fsa_free(g);
}

/* With the observed steps, counts are exact after merging: a step that went
** from a merged state to any member of the chosen target's block took the
** merged transition (extraction.md section 4). */
static void test_minimize_recounts_steps(void **state)
{
  (void)state;
  Fsa *f = redundant_parity();
  static const struct FsaStep st[] = {
    { 0, 1, 1, 3 },   /* the chosen target of (0, '1') */
    { 0, 1, 3, 1 },   /* another odd state: merged with 1, so it counts */
    { 0, 1, 6, 1 },   /* an unreachable one: counts in the total only */
    { 2, 1, 0, 1 },   /* an even state: not the target */
    { 2, 1, 3, 2 },
    { 6, 0, 0, 5 },   /* from the unreachable state: dropped */
  };
  f->nsteps = sizeof st / sizeof *st;
  f->steps = malloc(sizeof st);
  memcpy(f->steps, st, sizeof st);
  assert_int_equal(fsa_validate(f), 0);
  f->steps[1].dst = 7;                      /* no such state: invalid */
  assert_int_equal(fsa_validate(f), -1);
  f->steps[1].dst = FSA_GONE;               /* dropped: valid */
  assert_int_equal(fsa_validate(f), 0);
  f->steps[1].dst = 3;
  Fsa *g = fsa_minimize(f);
  assert_int_equal(g->nstates, 2);
  size_t q = 0 * 2 + 1;                     /* (even, '1') -> odd */
  assert_int_equal(T(g, 0, 1), 1);
  assert_int_equal(g->count[q], 3 + 1 + 2);
  assert_int_equal(g->total[q], 3 + 1 + 1 + 1 + 2);
  assert_true(g->conf[q] == 0.75f);
  assert_int_equal(g->total[0], 0);         /* no step recorded from (even, '0') */
  /* the steps, renamed and merged: (0,1,0) 1, (0,1,1) 6, (0,1,GONE) 1 */
  assert_int_equal(g->nsteps, 3);
  assert_int_equal(g->steps[0].dst, 0); assert_int_equal(g->steps[0].times, 1);
  assert_int_equal(g->steps[1].dst, 1); assert_int_equal(g->steps[1].times, 6);
  assert_int_equal(g->steps[2].dst, FSA_GONE); assert_int_equal(g->steps[2].times, 1);
  Fsa *h = fsa_minimize(g);                 /* idempotent, evidence included */
  assert_memory_equal(g->count, h->count, 4 * sizeof(uint32_t));
  assert_memory_equal(g->total, h->total, 4 * sizeof(uint32_t));
  assert_int_equal(h->nsteps, 3);
  fsa_free(f); fsa_free(g); fsa_free(h);
}

static void test_copy_evidence(void **state)
{
  (void)state;
  Fsa *f = redundant_parity();
  Fsa *g = fsa_copy(f);
  assert_memory_equal(f->total, g->total, 14 * sizeof(uint32_t));
  assert_ptr_not_equal(f->total, g->total);
  fsa_free(f); fsa_free(g);
  f = redundant_parity();
  f->nsteps = 1;
  f->steps = calloc(1, sizeof *f->steps);
  f->steps[0].times = 7;
  g = fsa_copy(f);
  assert_int_equal(g->nsteps, 1);
  assert_ptr_not_equal(f->steps, g->steps);
  assert_int_equal(g->steps[0].times, 7);
  fsa_free(f); fsa_free(g);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_minimize_redundant),
    cmocka_unit_test(test_minimize_keeps_minimal),
    cmocka_unit_test(test_minimize_random),
    cmocka_unit_test(test_equivalent_counterexample),
    cmocka_unit_test(test_symclasses),
    cmocka_unit_test(test_minimize_conf_without_totals),
    cmocka_unit_test(test_minimize_recounts_steps),
    cmocka_unit_test(test_copy_evidence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
