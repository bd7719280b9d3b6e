/*
** test_data.c -- the data stage: Tomita DFAs against direct predicates,
** regexes against POSIX regexec, class-balanced disjoint sampling, and the
** file formats (TSV, CSV, JSON Lines) with their errors.
**
**   make BUILD=build-x build-x/tests/test_data && build-x/tests/test_data
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "data.h"
#include "diag.h"
#include "fsa.h"
#include "lang.h"
#include "tok.h"

/* ---- direct definitions of the Tomita languages ---------------------- */

static int t1(const char *s) { for (; *s; s++) if (*s != '1') return 0; return 1; }

static int t2(const char *s)
{
  size_t n = strlen(s);
  if (n % 2) return 0;
  for (size_t i = 0; i < n; i += 2) if (s[i] != '1' || s[i + 1] != '0') return 0;
  return 1;
}

/* no odd-length maximal run of 1s followed, anywhere later, by an
** odd-length maximal run of 0s */
static int t3(const char *s)
{
  size_t n = strlen(s), i = 0;
  int odd_ones = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] == s[i]) j++;
    int odd = (j - i) % 2;
    if (s[i] == '1' && odd) odd_ones = 1;
    if (s[i] == '0' && odd && odd_ones) return 0;
    i = j;
  }
  return 1;
}

static int t4(const char *s) { return strstr(s, "000") == NULL; }

static int t5(const char *s)
{
  int z = 0, o = 0;
  for (; *s; s++) { if (*s == '0') z++; else o++; }
  return z % 2 == 0 && o % 2 == 0;
}

static int t6(const char *s)
{
  int d = 0;
  for (; *s; s++) d += *s == '0' ? 1 : -1;
  return ((d % 3) + 3) % 3 == 0;
}

static int t7(const char *s)
{
  /* 0*1*0*1*: at most three changes of symbol, the first block may be 1s */
  int phase = 0;  /* 0: 0s, 1: 1s, 2: 0s, 3: 1s */
  for (; *s; s++) {
    int want = phase % 2 ? '1' : '0';
    while (*s != want) { if (++phase > 3) return 0; want = phase % 2 ? '1' : '0'; }
  }
  return 1;
}

static int (*const tomita_pred[7])(const char *) = { t1, t2, t3, t4, t5, t6, t7 };

/* Run F over the string S of alphabet bytes ALPHA. */
static int run_str(const Fsa *f, const char *s, const char *alpha)
{
  int st = f->start;
  for (; *s; s++) st = f->next[st * f->nsym + (int)(strchr(alpha, *s) - alpha)];
  return f->label[st];
}

/* Call FN on every string over ALPHA of length 0..MAXLEN. */
static void each_string(const char *alpha, int maxlen, void (*fn)(const char *, void *), void *ctx)
{
  int k = (int)strlen(alpha);
  char s[32];
  for (int L = 0; L <= maxlen; L++) {
    int idx[32] = {0};
    for (;;) {
      for (int i = 0; i < L; i++) s[i] = alpha[idx[i]];
      s[L] = '\0';
      fn(s, ctx);
      int i = L - 1;
      while (i >= 0 && ++idx[i] == k) idx[i--] = 0;
      if (i < 0) break;
    }
  }
}

typedef struct TCtx { const Fsa *f; int n; long members; } TCtx;

static void tomita_check(const char *s, void *p)
{
  TCtx *c = p;
  int want = tomita_pred[c->n - 1](s);
  if (run_str(c->f, s, "01") != want) fail_msg("Tomita %d disagrees on \"%s\" (want %d)", c->n, s, want);
  c->members += want;
}

static void test_tomita_dfas(void **st)
{
  (void)st;
  for (int n = 1; n <= 7; n++) {
    Fsa *f = data_tomita(n);
    assert_int_equal(fsa_validate(f), 0);
    assert_int_equal(f->nsym, 2);
    assert_int_equal(f->nclass, 2);
    TCtx c = { f, n, 0 };
    each_string("01", 12, tomita_check, &c);
    assert_true(c.members > 0);
    fsa_free(f);
  }
  /* the predicates themselves, on Tomita's (1982) example strings for L3 */
  static const char *const pos3[] = { "", "1", "0", "01", "11", "00", "100", "110", "111", "000",
    "100100", "110000011100001", "111101100010011100" };
  static const char *const neg3[] = { "10", "101", "010", "1010", "1110", "1011", "10001", "111010",
    "1001000", "11111000", "0111001101", "11011100110" };
  for (size_t i = 0; i < sizeof pos3 / sizeof *pos3; i++) assert_true(t3(pos3[i]));
  for (size_t i = 0; i < sizeof neg3 / sizeof *neg3; i++) assert_false(t3(neg3[i]));
  assert_true(t7("0101") && !t7("1010") && t7("") && t7("110011") && !t7("01010"));
}

static void test_tomita_minimal(void **st)
{
  (void)st;
  static const int states[7] = { 2, 3, 5, 4, 4, 3, 5 };   /* docs/data.md */
  for (int n = 1; n <= 7; n++) {
    Fsa *f = data_tomita(n), *m = fsa_minimize(f);
    assert_int_equal(f->nstates, states[n - 1]);
    assert_int_equal(m->nstates, f->nstates);
    fsa_free(m);
    fsa_free(f);
  }
}

/* Tomita languages written as regexes compile to equivalent automata. */
static void test_regex_tomita(void **st)
{
  (void)st;
  static const struct { int n; const char *re; } cases[] = {
    { 1, "1*" }, { 2, "(10)*" }, { 4, "(1|01|001)*(|0|00)" }, { 7, "0*1*0*1*" },
    { 5, "(00|11|(01|10)(00|11)*(01|10))*" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *err = NULL;
    size_t off;
    Fsa *r = regex_dfa(cases[i].re, strlen(cases[i].re), "01", 2, &err, &off);
    assert_non_null(r);
    Fsa *t = data_tomita(cases[i].n);
    int32_t *cex = NULL;
    int cexlen = 0;
    assert_int_equal(fsa_equivalent(r, t, &cex, &cexlen), 1);
    free(cex);
    fsa_free(r);
    fsa_free(t);
  }
}

/* ---- regexes against POSIX regexec ------------------------------------ */

typedef struct RCtx { const Fsa *f; regex_t *re; const char *alpha; const char *src; } RCtx;

static void regex_check(const char *s, void *p)
{
  RCtx *c = p;
  int want = regexec(c->re, s, 0, NULL, 0) == 0;
  if (run_str(c->f, s, c->alpha) != want)
    fail_msg("regex \"%s\" disagrees with POSIX on \"%s\" (want %d)", c->src, s, want);
}

/* RE over ALPHA agrees with POSIX regexec (anchored) on every string up
** to MAXLEN. */
static void check_vs_posix(const char *re, const char *alpha, int maxlen)
{
  char *err = NULL;
  size_t off = 0;
  Fsa *f = regex_dfa(re, strlen(re), alpha, strlen(alpha), &err, &off);
  if (!f) fail_msg("regex \"%s\": %s at %zu", re, err, off);
  assert_int_equal(fsa_validate(f), 0);
  char *anchored = xasprintf("^(%s)$", re);
  regex_t px;
  assert_int_equal(regcomp(&px, anchored, REG_EXTENDED | REG_NOSUB), 0);
  RCtx c = { f, &px, alpha, re };
  each_string(alpha, maxlen, regex_check, &c);
  regfree(&px);
  free(anchored);
  fsa_free(f);
}

static void test_regex_vs_posix(void **st)
{
  (void)st;
  static const struct { const char *re, *alpha; int maxlen; } cases[] = {
    { "(0|1)*1", "01", 10 },
    { "0*1*0*1*", "01", 10 },
    { "(10)*", "01", 10 },
    { "(0|11)*(1(11)*(00)*)?", "01", 10 },
    { "a(b|c)+d?", "abcd", 6 },
    { "[ab]*c[^c]", "abc", 7 },
    { ".*aba.*", "ab", 10 },
    { "(a|)(b|)c?", "abc", 5 },
    { "((a*)*b)+", "ab", 9 },
    { "[a-c]+x", "abcx", 6 },
    { "()", "ab", 5 },
    { "(01){2,3}", "01", 10 },
    { "0{3}1*", "01", 8 },
    { "(0|1){2,}0", "01", 8 },
    { "1{0}0|1", "01", 5 },
    { "(0{1,2}1){2}", "01", 10 },
    { "[ab]{1,3}c?", "abc", 7 },
    { "(a|bc){0,2}b", "abc", 7 },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    check_vs_posix(cases[i].re, cases[i].alpha, cases[i].maxlen);
}

static void test_regex_escapes(void **st)
{
  (void)st;
  char *err = NULL;
  size_t off;
  Fsa *f = regex_dfa("\\(\\*+\\)", 7, "()*", 3, &err, &off);
  assert_non_null(f);
  assert_int_equal(run_str(f, "(**)", "()*"), 1);
  assert_int_equal(run_str(f, "()", "()*"), 0);
  fsa_free(f);
  f = regex_dfa("", 0, "01", 2, &err, &off);     /* matches exactly the empty string */
  assert_int_equal(run_str(f, "", "01"), 1);
  assert_int_equal(run_str(f, "0", "01"), 0);
  fsa_free(f);
}

/* Random regexes over "01" (groups, |, *, +, ?, counted repetitions)
** against POSIX on every string up to length 7. */
static void rand_re(Rng *r, char *out, size_t *n, int depth)
{
  int parts = 1 + (int)rng_below(r, 3);
  for (int i = 0; i < parts; i++) {
    if (depth < 3 && rng_below(r, 3) == 0) {
      out[(*n)++] = '(';
      rand_re(r, out, n, depth + 1);
      if (rng_below(r, 2)) { out[(*n)++] = '|'; rand_re(r, out, n, depth + 1); }
      out[(*n)++] = ')';
    } else {
      out[(*n)++] = "01."[rng_below(r, 3)];
    }
    switch (rng_below(r, 7)) {
    case 0: out[(*n)++] = '*'; break;
    case 1: out[(*n)++] = '+'; break;
    case 2: out[(*n)++] = '?'; break;
    case 3: *n += (size_t)sprintf(out + *n, "{%d}", (int)rng_below(r, 3)); break;
    case 4: *n += (size_t)sprintf(out + *n, "{%d,}", (int)rng_below(r, 3)); break;
    case 5: { int m = (int)rng_below(r, 3); *n += (size_t)sprintf(out + *n, "{%d,%d}", m, m + (int)rng_below(r, 3)); break; }
    default: break;
    }
  }
}

static void test_regex_random_vs_posix(void **st)
{
  (void)st;
  Rng r;
  rng_seed(&r, 2026);
  for (int t = 0; t < 150; t++) {
    char re[1024];
    size_t n = 0;
    rand_re(&r, re, &n, 0);
    re[n] = '\0';
    check_vs_posix(re, "01", 7);
  }
}

/* Counted repetitions: stacked ones repeat everything before them and '{'
** that starts no count is a byte (their errors: test_regex_errors). */
static void test_regex_counted(void **st)
{
  (void)st;
  char *err = NULL;
  size_t off = 0;
  Fsa *f = regex_dfa("0{2}{3}", 7, "01", 2, &err, &off);     /* (0{2}){3} = 0{6} */
  assert_non_null(f);
  assert_int_equal(run_str(f, "000000", "01"), 1);
  assert_int_equal(run_str(f, "0000", "01"), 0);
  fsa_free(f);
  f = regex_dfa("(1|0*){2}1", 10, "01", 2, &err, &off);
  assert_non_null(f);
  assert_int_equal(run_str(f, "0011", "01"), 1);
  assert_int_equal(run_str(f, "1", "01"), 1);
  fsa_free(f);
  f = regex_dfa("0{x}{", 5, "01{}x", 5, &err, &off);           /* no count: plain bytes */
  assert_non_null(f);
  assert_int_equal(run_str(f, "0{x}{", "01{}x"), 1);
  fsa_free(f);
}

static void test_regex_too_big(void **st)
{
  (void)st;
  /* the 17th symbol from the end is 1: 2^17 DFA states */
  char re[128] = "(0|1)*1";
  for (int i = 0; i < 16; i++) strcat(re, ".");
  char *err = NULL;
  size_t off;
  assert_null(regex_dfa(re, strlen(re), "01", 2, &err, &off));
  assert_string_equal(err, "the regex needs more than 65536 DFA states");
  free(err);
  /* 12th from the end: fine, and the minimal automaton has 2^12 states */
  re[7 + 11] = '\0';
  Fsa *f = regex_dfa(re, strlen(re), "01", 2, &err, &off);
  assert_non_null(f);
  Fsa *m = fsa_minimize(f);
  assert_int_equal(m->nstates, 4096);
  fsa_free(m);
  fsa_free(f);
}

static void test_regex_errors(void **st)
{
  (void)st;
  static const struct { const char *re; const char *msg; size_t off; } cases[] = {
    { "(01", "unclosed '('", 0 },
    { "01)", "unmatched ')'", 2 },
    { "*0", "nothing to repeat before '*'", 0 },
    { "0|+", "nothing to repeat before '+'", 2 },
    { "01x", "'x' is not in the alphabet \"01\"", 2 },
    { "[01", "unterminated character class", 0 },
    { "0[]", "empty character class", 1 },
    { "[^01]", "character class matches no symbol of the alphabet", 0 },
    { "0\\", "trailing backslash", 1 },
    { "[1-0]", "range '1'-'0' is reversed", 1 },
    { "{2}0", "nothing to repeat before '{'", 0 },
    { "0{3,2}", "repetition {3,2}: the minimum exceeds the maximum", 1 },
    { "0{1001}", "repetition count above 1000", 1 },
    { "0{2,99999999999}", "repetition count above 1000", 1 },
    { "((0|1){1000}){1000}", "the regex needs more than 8192 NFA states", 13 },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *err = NULL;
    size_t off = 99;
    Fsa *f = regex_dfa(cases[i].re, strlen(cases[i].re), "01", 2, &err, &off);
    assert_null(f);
    assert_non_null(err);
    assert_string_equal(err, cases[i].msg);
    assert_int_equal(off, cases[i].off);
    free(err);
  }
}

/* ---- generated datasets ----------------------------------------------- */

static void spec_gen(Spec *s, DataSource src, int tomita, const char *re, const char *alpha)
{
  memset(s, 0, sizeof *s);
  s->file = "test.spec";
  s->data.source = src;
  s->data.tomita = tomita;
  s->data.regex = (char *)re;
  s->data.alphabet = (char *)alpha;
  s->data.len_min = 0;
  s->data.len_max = 14;
  s->data.samples = 2000;
  s->data.tokens = TOKS_ALPHABET;
  s->data.split[0] = 80; s->data.split[1] = 10; s->data.split[2] = 10;
  s->data.vocab = 1000;
  s->data.min_count = 1;
  s->data.seed = 7;
  s->data.text_column = s->data.label_column = -1;
}

static void check_split_labels(const Dataset *d, const Split *sp, int n)
{
  for (int i = 0; i < sp->n; i++) {
    assert_int_equal(sp->line[i], 0);
    assert_int_equal((size_t)split_len(sp, i), sp->text_len[i]);
    assert_int_equal(fsa_classify(d->target, split_seq(sp, i), split_len(sp, i)), sp->label[i]);
    if (n) assert_int_equal(tomita_pred[n - 1](sp->text[i]), sp->label[i]);
  }
}

static int in_split(const Split *sp, const char *s)
{
  for (int i = 0; i < sp->n; i++) if (strcmp(sp->text[i], s) == 0) return 1;
  return 0;
}

static void test_generate_tomita4(void **st)
{
  (void)st;
  Spec s;
  spec_gen(&s, SRC_TOMITA, 4, NULL, "01");
  Dataset d;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
  assert_int_equal(d.train.n, 1600);
  assert_int_equal(d.valid.n, 200);
  assert_int_equal(d.test.n, 200);
  assert_int_equal(d.nclass, 2);
  assert_string_equal(d.class_names[0], "reject");
  assert_string_equal(d.class_names[1], "accept");
  assert_int_equal(d.tok.nsym, 2);
  assert_int_equal(d.tok.kind, TOKS_ALPHABET);
  check_split_labels(&d, &d.train, 4);
  check_split_labels(&d, &d.valid, 4);
  check_split_labels(&d, &d.test, 4);
  /* balanced: each class 50% +- 5 points */
  int acc = 0;
  for (int i = 0; i < d.train.n; i++) acc += d.train.label[i];
  assert_in_range(acc, 720, 880);
  /* plenty of strings in 0..14: test and valid share nothing with train */
  for (int i = 0; i < d.test.n; i++) assert_false(in_split(&d.train, d.test.text[i]));
  for (int i = 0; i < d.valid.n; i++) assert_false(in_split(&d.train, d.valid.text[i]));
  /* lengths cover the range */
  int seen[15] = {0};
  for (int i = 0; i < d.train.n; i++) seen[d.train.text_len[i]] = 1;
  for (int L = 0; L <= 14; L++) if (L > 2) assert_true(seen[L]);
  /* deterministic: same seed, same data; another seed, other data */
  Dataset e;
  assert_int_equal(data_load(&s, &e), RNF_EXIT_OK);
  assert_true(d.hash == e.hash);
  assert_memory_equal(d.train.tok, e.train.tok, d.train.off[d.train.n] * sizeof *d.train.tok);
  data_free(&e);
  s.data.seed = 8;
  assert_int_equal(data_load(&s, &e), RNF_EXIT_OK);
  assert_true(d.hash != e.hash);
  data_free(&e);
  data_free(&d);
  data_free(&d);   /* safe twice */
}

static void test_generate_all_tomita(void **st)
{
  (void)st;
  for (int n = 1; n <= 7; n++) {
    Spec s;
    spec_gen(&s, SRC_TOMITA, n, NULL, NULL);   /* alphabet defaults to "01" */
    s.data.samples = 400;
    s.data.len_min = 1;
    s.data.len_max = 20;
    Dataset d;
    assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
    check_split_labels(&d, &d.train, n);
    check_split_labels(&d, &d.test, n);
    int acc = 0;
    for (int i = 0; i < d.train.n; i++) {
      acc += d.train.label[i];
      assert_in_range(d.train.text_len[i], 1, 20);
    }
    /* T1 and T2 have one member per length at most, yet half the data are members */
    assert_in_range(acc, d.train.n * 35 / 100, d.train.n * 65 / 100);
    if (n == 2) for (int i = 0; i < d.train.n; i++) if (d.train.label[i]) assert_int_equal(d.train.text_len[i] % 2, 0);
    data_free(&d);
  }
}

static void test_generate_regex(void **st)
{
  (void)st;
  Spec s;
  spec_gen(&s, SRC_REGEX, 0, "(ab|c)*", "abc");
  s.data.catchall = true;
  Dataset d;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
  assert_int_equal(d.tok.nsym, 4);               /* a b c <unk> */
  assert_int_equal(d.target->nsym, 4);
  assert_int_equal(fsa_validate(d.target), 0);
  regex_t re;
  assert_int_equal(regcomp(&re, "^(ab|c)*$", REG_EXTENDED | REG_NOSUB), 0);
  for (int i = 0; i < d.train.n; i++)
    assert_int_equal(regexec(&re, d.train.text[i], 0, NULL, 0) == 0, d.train.label[i]);
  regfree(&re);
  /* the catch-all symbol leads to rejection */
  int32_t bad[] = { 2, 3 };
  assert_int_equal(fsa_classify(d.target, bad, 2), 0);
  data_free(&d);

  spec_gen(&s, SRC_REGEX, 0, "(0|1", "01");
  diag_reset();
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);
  assert_int_equal(diag_errors(), 1);
  data_free(&d);
  spec_gen(&s, SRC_TOMITA, 9, NULL, "01");
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);
  spec_gen(&s, SRC_TOMITA, 4, NULL, "011");
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);
  diag_reset();
}

/* ---- files ------------------------------------------------------------- */

static char *tmpfile_with(const char *name, const char *text, size_t n)
{
  char *p = xasprintf("/tmp/rnf_test_data_%ld_%s", (long)getpid(), name);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  fwrite(text, 1, n, f);
  fclose(f);
  return p;
}

static void spec_file(Spec *s, DataFormat fmt, char *train)
{
  spec_gen(s, SRC_FILES, 0, NULL, NULL);
  s->data.format = fmt;
  s->data.train = train;
  s->data.tokens = TOKS_WORDS;
  s->data.split[0] = 100; s->data.split[1] = 0; s->data.split[2] = 0;
}

static void test_tsv(void **st)
{
  (void)st;
  const char txt[] = "pos\tGood food.\r\nneg\tBad, bad food!\r\n\r\npos\tgreat\tplace\nneg\tnot good";
  char *p = tmpfile_with("a.tsv", txt, sizeof txt - 1);
  Spec s;
  spec_file(&s, FMT_TSV, p);
  s.data.punct = true;
  Dataset d;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
  assert_int_equal(d.nclass, 2);
  assert_string_equal(d.class_names[0], "neg");   /* byte order */
  assert_string_equal(d.class_names[1], "pos");
  assert_int_equal(d.train.n, 4);
  assert_string_equal(d.train.text[0], "Good food.");  /* CR stripped */
  assert_int_equal(d.train.label[0], 1);
  assert_int_equal(d.train.line[2], 4);               /* blank line 3 skipped */
  assert_string_equal(d.train.text[2], "great\tplace"); /* later TABs are text */
  assert_int_equal(d.train.line[3], 5);
  assert_string_equal(d.tok.sym_names[1], "bad");     /* 2 each: byte order */
  assert_string_equal(d.tok.sym_names[2], "food");
  assert_int_equal(split_len(&d.train, 1), 5);         /* bad , bad food ! */
  assert_null(d.target);
  /* the debugging dump shows counts and tokens */
  char *dump = NULL;
  size_t dlen = 0;
  FILE *mf = open_memstream(&dump, &dlen);
  data_dump(mf, &d, 1);
  fclose(mf);
  assert_non_null(strstr(dump, "tokens words: "));
  assert_non_null(strstr(dump, "train: 4 examples; neg 2, pos 2\n  [0] pos (line 1): good food .\n"));
  free(dump);
  data_free(&d);
  unlink(p); free(p);
}

static void test_tsv_bad_lines(void **st)
{
  (void)st;
  const char txt[] = "pos\tok one\nno tab here\nneg\t\n\tno label\nneg\tfine two\nneg\tbad \xC3\n";
  char *p = tmpfile_with("b.tsv", txt, sizeof txt - 1);
  Spec s;
  spec_file(&s, FMT_TSV, p);
  Dataset d;
  diag_reset();
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);   /* strict: stops at line 2 */
  assert_int_equal(diag_errors(), 1);
  s.data.lenient = true;
  diag_reset();
  assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
  assert_int_equal(diag_errors(), 0);
  assert_int_equal(d.train.n, 2);
  assert_int_equal(d.train.line[1], 5);
  data_free(&d);
  unlink(p); free(p);

  /* empty file, missing file */
  p = tmpfile_with("c.tsv", "", 0);
  s.data.train = p;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);
  unlink(p); free(p);
  s.data.train = "/nonexistent/x.tsv";
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);
  /* one class only */
  p = tmpfile_with("d.tsv", "a\tx\na\ty\n", 8);
  s.data.train = p;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);
  unlink(p); free(p);
  diag_reset();
}

static void test_split_files(void **st)
{
  (void)st;
  char *tr = tmpfile_with("tr.tsv", "a\tx y\nb\ty z\nc\tz\n", 16);
  char *va = tmpfile_with("va.tsv", "b\tx\n", 4);
  char *te = tmpfile_with("te.tsv", "a\tx\n\nd\tq\n", 9);
  Spec s;
  spec_file(&s, FMT_TSV, tr);
  s.data.valid = va;
  s.data.test = te;
  Dataset d;
  diag_reset();
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);    /* label d never in train */
  assert_int_equal(diag_errors(), 1);
  FILE *f = fopen(te, "wb"); fputs("c\tx\n", f); fclose(f);
  assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
  assert_int_equal(d.nclass, 3);
  assert_int_equal(d.train.n, 3);
  assert_int_equal(d.valid.n, 1);
  assert_int_equal(d.valid.label[0], 1);
  assert_int_equal(d.test.label[0], 2);
  data_free(&d);
  unlink(tr); unlink(va); unlink(te);
  free(tr); free(va); free(te);
  diag_reset();
}

static void test_one_file_split(void **st)
{
  (void)st;
  char *buf = xstrdup("");
  for (int i = 0; i < 100; i++) {
    char *b2 = xasprintf("%s%s\tword%d text\n", buf, i % 2 ? "odd" : "even", i);
    free(buf);
    buf = b2;
  }
  char *p = tmpfile_with("e.tsv", buf, strlen(buf));
  free(buf);
  Spec s;
  spec_file(&s, FMT_TSV, p);
  s.data.split[0] = 80; s.data.split[1] = 10; s.data.split[2] = 10;
  Dataset d, e;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
  assert_int_equal(d.train.n, 80);
  assert_int_equal(d.valid.n, 10);
  assert_int_equal(d.test.n, 10);
  /* every line lands in exactly one split, each split in file order */
  int seen[101] = {0};
  const Split *sp[3] = { &d.train, &d.valid, &d.test };
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < sp[k]->n; i++) {
      seen[sp[k]->line[i]]++;
      if (i) assert_true(sp[k]->line[i - 1] < sp[k]->line[i]);
    }
  for (int i = 1; i <= 100; i++) assert_int_equal(seen[i], 1);
  /* vocabulary from train only: test words are not in it */
  for (int i = 0; i < d.test.n; i++) assert_int_equal(split_seq(&d.test, i)[0], 0);
  assert_int_equal(data_load(&s, &e), RNF_EXIT_OK);
  assert_true(d.hash == e.hash);
  assert_memory_equal(d.test.line, e.test.line, 10 * sizeof *d.test.line);
  data_free(&e);
  data_free(&d);
  unlink(p); free(p);
}

static void test_csv(void **st)
{
  (void)st;
  const char txt[] = "id,text,sentiment\r\n1,\"Hello, \"\"world\"\"\",pos\r\n2,\"two\nlines\",neg\n3,plain,neg\n";
  char *p = tmpfile_with("f.csv", txt, sizeof txt - 1);
  Spec s;
  spec_file(&s, FMT_CSV, p);
  s.data.label_field = "sentiment";
  Dataset d;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
  assert_int_equal(d.train.n, 3);
  assert_string_equal(d.train.text[0], "Hello, \"world\"");
  assert_string_equal(d.train.text[1], "two\nlines");
  assert_int_equal(d.train.line[1], 3);
  assert_int_equal(d.train.line[2], 5);
  assert_string_equal(d.class_names[1], "pos");
  data_free(&d);
  /* by index */
  s.data.label_field = NULL;
  s.data.text_column = 1;
  s.data.label_column = 2;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
  assert_int_equal(d.train.n, 3);
  data_free(&d);
  /* a byte order mark before the header; a bad quote and a short record */
  const char t3[] = "\xEF\xBB\xBFtext,label\n\"a\"x,pos\nonly\nb,neg\nc,pos\n";
  char *p3 = tmpfile_with("bom.csv", t3, sizeof t3 - 1);
  s.data.train = p3;
  s.data.text_column = s.data.label_column = -1;
  diag_reset();
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);      /* strict: line 2 */
  s.data.lenient = true;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
  assert_int_equal(d.train.n, 2);
  assert_int_equal(d.train.line[0], 4);
  data_free(&d);
  s.data.lenient = false;
  unlink(p3); free(p3);
  s.data.train = p;
  /* unknown column name */
  s.data.text_column = s.data.label_column = -1;
  diag_reset();
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);
  unlink(p); free(p);
  /* unterminated quote */
  const char t2[] = "text,label\n\"open,pos\nmore,neg\n";
  p = tmpfile_with("g.csv", t2, sizeof t2 - 1);
  s.data.train = p;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);
  unlink(p); free(p);
  diag_reset();
}

static void test_jsonl(void **st)
{
  (void)st;
  const char txt[] = "{\"text\": \"caf\\u00e9 ok\", \"label\": 1}\n{\"text\": \"bad\", \"label\": 0}\n"
                     "\n{\"text\": \"x\", \"label\": true}\n";
  char *p = tmpfile_with("h.jsonl", txt, sizeof txt - 1);
  Spec s;
  spec_file(&s, FMT_JSONL, p);
  s.data.tokens = TOKS_CHARS;
  Dataset d;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_OK);
  assert_int_equal(d.nclass, 3);
  assert_string_equal(d.class_names[0], "0");
  assert_string_equal(d.class_names[2], "true");
  assert_string_equal(d.train.text[0], "caf\xC3\xA9 ok");
  assert_int_equal(split_len(&d.train, 0), 7);   /* c a f é ' ' o k */
  assert_int_equal(d.train.line[2], 4);
  data_free(&d);
  unlink(p); free(p);
  const char bad[] = "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": 3, \"label\": \"y\"}\n{oops\n";
  p = tmpfile_with("i.jsonl", bad, sizeof bad - 1);
  s.data.train = p;
  diag_reset();
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);
  s.data.lenient = true;
  assert_int_equal(data_load(&s, &d), RNF_EXIT_DATA);   /* only one label left */
  unlink(p); free(p);
  diag_reset();
}

/* ---- robustness: random inputs never crash and get a clear verdict ---- */

static void test_fuzz_regex(void **st)
{
  (void)st;
  static const char pool[] = "01()|*+?.[]^-\\";
  Rng r;
  rng_seed(&r, 42);
  for (int it = 0; it < 3000; it++) {
    char re[16];
    size_t n = (size_t)rng_below(&r, sizeof re);
    for (size_t i = 0; i < n; i++) re[i] = pool[rng_below(&r, sizeof pool - 1)];
    char *err = NULL;
    size_t off = 0;
    Fsa *f = regex_dfa(re, n, "01", 2, &err, &off);
    if (f) {
      assert_int_equal(fsa_validate(f), 0);
      fsa_free(f);
    } else {
      assert_non_null(err);
      assert_true(off <= n);
      free(err);
    }
  }
}

static void test_fuzz_files(void **st)
{
  (void)st;
  static const char pool[] = "ab,\"\t\n\r\xC3\xA9{}:\\ ";
  Rng r;
  rng_seed(&r, 43);
  diag_reset();
  int loaded = 0;
  for (int it = 0; it < 300; it++) {
    char buf[200];
    size_t n = (size_t)rng_below(&r, sizeof buf);
    for (size_t i = 0; i < n; i++) buf[i] = pool[rng_below(&r, sizeof pool - 1)];
    if (rng_below(&r, 4) == 0 && n) buf[rng_below(&r, n)] = '\0';
    char *p = tmpfile_with("fuzz", buf, n);
    Spec s;
    spec_file(&s, (DataFormat)(it % 3), p);
    s.data.lenient = it % 2;
    s.data.tokens = (TokensKind)(it % 4);
    s.data.alphabet = "ab \t";
    s.data.split[0] = 60; s.data.split[1] = 20; s.data.split[2] = 20;
    Dataset d;
    int rc = data_load(&s, &d);
    assert_true(rc == RNF_EXIT_OK || rc == RNF_EXIT_DATA);
    if (rc == RNF_EXIT_OK) {
      loaded++;
      assert_true(d.nclass >= 2);
      const Split *sp[3] = { &d.train, &d.valid, &d.test };
      for (int k = 0; k < 3; k++)
        for (int i = 0; i < sp[k]->n; i++) {
          assert_in_range(sp[k]->label[i], 0, d.nclass - 1);
          for (int j = 0; j < split_len(sp[k], i); j++) assert_in_range(split_seq(sp[k], i)[j], 0, d.tok.nsym - 1);
        }
      data_free(&d);
    }
    unlink(p);
    free(p);
  }
  assert_true(loaded >= 10);   /* the success path was exercised too */
  diag_reset();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tomita_dfas),
    cmocka_unit_test(test_tomita_minimal),
    cmocka_unit_test(test_regex_tomita),
    cmocka_unit_test(test_regex_vs_posix),
    cmocka_unit_test(test_regex_counted),
    cmocka_unit_test(test_regex_random_vs_posix),
    cmocka_unit_test(test_regex_too_big),
    cmocka_unit_test(test_regex_escapes),
    cmocka_unit_test(test_regex_errors),
    cmocka_unit_test(test_generate_tomita4),
    cmocka_unit_test(test_generate_all_tomita),
    cmocka_unit_test(test_generate_regex),
    cmocka_unit_test(test_tsv),
    cmocka_unit_test(test_tsv_bad_lines),
    cmocka_unit_test(test_split_files),
    cmocka_unit_test(test_one_file_split),
    cmocka_unit_test(test_csv),
    cmocka_unit_test(test_jsonl),
    cmocka_unit_test(test_fuzz_regex),
    cmocka_unit_test(test_fuzz_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
