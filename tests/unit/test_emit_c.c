/*
** test_emit_c.c -- the C back end: generated classifiers compiled and run.
**
** Every automaton is emitted in both styles, as .c + .h and as a single
** header, compiled with the strict flags users build with (gcc, and clang
** when present; also -ffreestanding with `nm -u` empty), linked with a small
** driver, and run on many inputs fed whole and in random chunks.  The
** driver's labels must equal fsa_classify on the symbols the tokenizer's
** byte map gives (-1 when a byte is outside an alphabet without catch-all).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cgen.h"
#include "emit_fixture.h"

#define STRICT "-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror"

static int have_clang;

static int setup(void **state)
{
  (void)state;
  have_clang = system("clang --version >/dev/null 2>&1") == 0;
  return fixture_setup("test_emit_c");
}

static int teardown(void **state)
{
  (void)state;
  return fixture_teardown("TEST_EMIT_C_KEEP");
}

/* ---- fixtures (with emit_fixture.h's) ---------------------------------- */

/* A random byte-level machine with 60 states, so row offsets need 16 bits. */
static void bytes60(Case *k, uint64_t seed)
{
  bytes_machine(k, 60, "mid", seed);
}

/* Hostile class names over an alphabet with catch-all. */
static const char *const hostile[] = {
  "a\"b\\c*/?\?=\n", "ok", "?\?/", "/* x */ #include <stdio.h>", "\xff\xfe\x80 bad utf8",
  "plain", "Plain", "tab\there\r\x01", "trail\\", "123",
};
#define NHOSTILE (int)(sizeof hostile / sizeof hostile[0])

static void hostile_machine(Case *k, uint64_t seed)
{
  Rng r;
  rng_seed(&r, seed);
  alphabet_tok(&k->tok, "ab?*/", 1);
  int ns = 12, nsym = k->tok.nsym;
  k->f = fsa_new(ns, nsym, NHOSTILE + 1, 0);
  for (int s = 0; s < ns; s++) {
    for (int a = 0; a < nsym; a++) k->f->next[s * nsym + a] = (int)rng_below(&r, (uint64_t)ns);
    k->f->label[s] = s % (NHOSTILE + 1);
  }
  /* two symbols with identical columns, so a class holds several */
  for (int s = 0; s < ns; s++) k->f->next[s * nsym + 3] = k->f->next[s * nsym + 1];
  fsa_symclasses(k->f);
  k->nclass = NHOSTILE + 1;
  k->names = xcalloc(NHOSTILE + 1, sizeof *k->names);
  for (int c = 0; c < NHOSTILE; c++) k->names[c] = xstrdup(hostile[c]);
  /* longer than the 4095 bytes a C99 string literal may portably hold */
  char *longname = xmalloc(5001);
  for (int i = 0; i < 5000; i++) longname[i] = "ab?\"\\*/\n\xff"[i % 9];
  longname[5000] = 0;
  k->names[NHOSTILE] = longname;
}

/* A random machine over a chars/words tokenizer built from TEXTS: symbols
** in 4 random groups (so classes hold several words), 6 states, 3 classes. */
static void token_machine(Case *k, TokensKind kind, int punct, uint64_t seed)
{
  static char *const texts[] = {
    "The cat sat on the mat.", "the dog, the cat!", "A catalog of cats; dogs too?",
    "caf\xc3\xa9 na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac cat", "x y z, x-y; \"quoted\" 42 4two",
    "THE CAT", "ca c cat cats catalog", "\xff bad \xe6\x97 utf8",
  };
  token_machine_of(k, texts, kind, punct, (const int[2]){ 14, 16 }, 6, seed);
}

/* Random words over a small alphabet: a vocabulary of hundreds of words with
** shared prefixes and suffixes, so lexer minimization and packing matter. */
static char *random_word(Rng *r, char *buf)
{
  static const char letters[] = "abcdeAB1\xc3\xa9";
  int n = 1 + (int)rng_below(r, 6);
  for (int i = 0; i < n; i++) buf[i] = letters[rng_below(r, sizeof letters - 1)];
  buf[n] = 0;
  return buf;
}

static void big_vocab_machine(Case *k, uint64_t seed, char ***words, int *nwords)
{
  Rng r;
  rng_seed(&r, seed);
  int ntext = 300;
  char **texts = xcalloc((size_t)ntext, sizeof *texts);
  size_t *lens = xcalloc((size_t)ntext, sizeof *lens);
  *nwords = 60;
  *words = xcalloc((size_t)*nwords, sizeof **words);
  char w[8];
  for (int i = 0; i < *nwords; i++) (*words)[i] = xstrdup(random_word(&r, w));
  for (int i = 0; i < ntext; i++) {
    char buf[256] = "";
    for (int j = 0; j < 8; j++) {
      strcat(buf, rng_below(&r, 2) ? (*words)[rng_below(&r, (uint64_t)*nwords)] : random_word(&r, w));
      strcat(buf, rng_below(&r, 4) ? " " : rng_below(&r, 2) ? ", " : ".");
    }
    texts[i] = xstrdup(buf);
    lens[i] = strlen(buf);
  }
  memset(&k->tok, 0, sizeof k->tok);
  tok_build_words(&k->tok, texts, lens, ntext, 400, 1, 1);
  for (int i = 0; i < ntext; i++) free(texts[i]);
  free(texts); free(lens);
  grouped_machine(k, &r, 9, k->tok.nsym, 40, 2, 0);
  set_names(k, 2, (const char *const[]){ "no", "yes" });
}

/* ---- building and running generated code ------------------------------- */

/* Inputs: every sequence of up to MAXPARTS fragments, then NRAND random
** sequences of up to 12 fragments. */
static Input *make_frag_inputs(const char *const *frag, int nfrag, int maxparts, int nrand,
                               uint64_t seed, int *count)
{
  size_t total = 0, pw = 1;
  for (int l = 0; l <= maxparts; l++) { total += pw; pw *= (size_t)nfrag; }
  Input *v = xcalloc(total + (size_t)nrand, sizeof *v);
  size_t k = 0;
  Rng r;
  rng_seed(&r, seed);
  for (int l = 0; l <= maxparts + 1; l++) {
    size_t cnt = 1;
    for (int i = 0; i < l; i++) cnt *= (size_t)nfrag;
    if (l > maxparts) cnt = (size_t)nrand;
    for (size_t x = 0; x < cnt; x++, k++) {
      char buf[512] = "";
      size_t y = x;
      int parts = l > maxparts ? (int)rng_below(&r, 13) : l;
      for (int i = 0; i < parts; i++) {
        size_t f = l > maxparts ? (size_t)rng_below(&r, (uint64_t)nfrag) : y % (size_t)nfrag;
        y /= (size_t)nfrag;
        strcat(buf, frag[f]);
      }
      v[k].n = strlen(buf);
      v[k].s = (unsigned char *)xstrdup(buf);
    }
  }
  *count = (int)k;
  return v;
}

/* Emit K, build with CC, run the driver on the inputs, compare. */
static void check_build(const Case *k, EmitStyle style, int single, const char *cc,
                        const Input *v, int nv, uint64_t seed)
{
  emit_c_files(k, "cls", style, single);
  write_driver();
  assert_int_equal(run("cd '%s' && %s " STRICT " -O2 -c cls.c -o cls.o && %s " STRICT " -O2 -o drv drv.c cls.o",
                       tmpdir, cc, cc), 0);
  /* freestanding: no library calls, unoptimized or optimized (the
  ** single-header implementation is the same code: checked once) */
  if (!single)
    assert_int_equal(run("cd '%s' && %s " STRICT " -O0 -ffreestanding -c cls.c -o fs0.o && "
                         "%s " STRICT " -O3 -ffreestanding -c cls.c -o fs3.o && "
                         "test -z \"$(nm -u fs0.o)\" && test -z \"$(nm -u fs3.o)\"", tmpdir, cc, cc), 0);
  /* int is 16 bits on MSP430 (and AVR): the code must compile warning-free
  ** there too (-Wconversion flags a local that would truncate a value) */
  if (have_clang && !single)   /* (when its tables fit a 16-bit address space) */
    assert_int_equal(run("cd '%s' && n=$(sed -n 's/.*tables \\([0-9]*\\) bytes.*/\\1/p' cls.c | head -1) && "
                         "{ [ \"$n\" -ge 60000 ] || clang --target=msp430 " STRICT " -O2 -ffreestanding "
                         "-c cls.c -o i16.o; }", tmpdir), 0);
  write_cases(v, nv, seed);
  assert_int_equal(run("cd '%s' && ./drv cases.bin > out.txt", tmpdir), 0);
  check_output(k, v, nv, cc);
}

/* LIGHT: both styles with gcc only (the test time budget is shared). */
static void check_inputs_opt(const Case *k, Input *v, int nv, uint64_t seed, int light)
{
  if (light) {
    check_build(k, STYLE_TABLE, 0, "gcc", v, nv, seed + 1);
    check_build(k, STYLE_SWITCH, 0, "gcc", v, nv, seed + 2);
    return;
  }
  /* both styles with both compilers; the single header (the same code,
  ** wrapped) once, in the switch style */
  for (int style = 0; style < 2; style++) {
    check_build(k, style ? STYLE_SWITCH : STYLE_TABLE, 0, "gcc", v, nv, seed + 1);
    if (have_clang) check_build(k, style ? STYLE_SWITCH : STYLE_TABLE, 0, "clang", v, nv, seed + 2);
  }
  check_build(k, STYLE_SWITCH, 1, "gcc", v, nv, seed + 3);
}

static void check_inputs(const Case *k, Input *v, int nv, uint64_t seed)
{
  check_inputs_opt(k, v, nv, seed, 0);
}

static void check_case(const Case *k, const char *alpha, int maxlen, uint64_t seed)
{
  int nv;
  Input *v = make_inputs(alpha, maxlen, 400, 60, seed, &nv);
  check_inputs(k, v, nv, seed);
  free_inputs(v, nv);
}

static const char *const frags[] = {
  "the", "The", "cat", "ca", "catalog", "dog", " ", ".", ",", "!", "\t", "\n",
  "caf\xc3\xa9", "\xc3", "\xa9", "\xe6\x97\xa5", "\xe6\x97", "\xff", "x", "42", "-", "\"", "",
};
#define NFRAGS (int)(sizeof frags / sizeof frags[0])

static void check_tokens(TokensKind kind, int punct, uint64_t seed, int light)
{
  Case k;
  token_machine(&k, kind, punct, seed);
  int nv;
  Input *v = make_frag_inputs(frags, NFRAGS, 2, 1500, seed, &nv);
  check_inputs_opt(&k, v, nv, seed, light);
  free_inputs(v, nv);
  case_free(&k);
}

/* ---- tests ------------------------------------------------------------- */

static void test_tomita4(void **state)
{
  (void)state;
  Case k;
  tomita4(&k);
  check_case(&k, "01", 10, 4);
  case_free(&k);
}

static void test_bytes(void **state)
{
  (void)state;
  Case k;
  bytes60(&k, 77);
  const char *alpha = nonzero_bytes();
  /* every byte 0x01..0xff once (length 1) + random strings; NUL comes via random bytes */
  check_case(&k, alpha, 1, 5);
  case_free(&k);
}

static void test_chars(void **state)
{
  (void)state;
  check_tokens(TOKS_CHARS, 0, 11, 0);
}

static void test_words(void **state)
{
  (void)state;
  check_tokens(TOKS_WORDS, 1, 12, 0);
  check_tokens(TOKS_WORDS, 0, 13, 1);
}

static void test_words_big_vocab(void **state)
{
  (void)state;
  Case k;
  char **words;
  int nw;
  big_vocab_machine(&k, 21, &words, &nw);
  assert_true(k.tok.nsym > 150);
  const char **fr = xcalloc((size_t)nw + 6, sizeof *fr);
  for (int i = 0; i < nw; i++) fr[i] = words[i];
  fr[nw] = " "; fr[nw + 1] = ","; fr[nw + 2] = "."; fr[nw + 3] = "A"; fr[nw + 4] = "\xc3"; fr[nw + 5] = "zz";
  int nv;
  Input *v = make_frag_inputs(fr, nw + 6, 1, 3000, 22, &nv);
  check_inputs_opt(&k, v, nv, 23, 1);
  free_inputs(v, nv);
  for (int i = 0; i < nw; i++) free(words[i]);
  free(words);
  free(fr);
  case_free(&k);
}

/* Length parity: every state ignores which byte it reads (one input class),
** so the switch style has no inner switch at all. */
static void test_input_ignored(void **state)
{
  (void)state;
  Case k;
  bytes60(&k, 5);
  fsa_free(k.f);
  k.f = fsa_new(2, 256, 3, 0);
  for (int s = 0; s < 2; s++) {
    for (int a = 0; a < 256; a++) k.f->next[s * 256 + a] = 1 - s;
    k.f->label[s] = 2 * s;
  }
  fsa_symclasses(k.f);
  assert_int_equal(k.f->nsymclass, 1);
  const char *alpha = nonzero_bytes();
  int nv;
  Input *v = make_inputs(alpha, 1, 200, 60, 31, &nv);
  check_inputs_opt(&k, v, nv, 31, 1);
  free_inputs(v, nv);
  case_free(&k);
  /* the same for a token-level machine: words, one input class */
  token_machine(&k, TOKS_WORDS, 1, 32);
  fsa_free(k.f);
  int nsym = k.tok.nsym;
  k.f = fsa_new(2, nsym, 3, 0);
  for (int s = 0; s < 2; s++) {
    for (int a = 0; a < nsym; a++) k.f->next[s * nsym + a] = 1 - s;
    k.f->label[s] = s;
  }
  fsa_symclasses(k.f);
  v = make_frag_inputs(frags, NFRAGS, 1, 300, 33, &nv);
  check_inputs_opt(&k, v, nv, 34, 1);
  free_inputs(v, nv);
  case_free(&k);
  /* a state that every byte keeps: the switch style stops reading there */
  sink_machine(&k);
  v = make_inputs("abxy", 4, 200, 60, 35, &nv);
  check_inputs_opt(&k, v, nv, 35, 1);
  free_inputs(v, nv);
  case_free(&k);
}

/* Small byte-level automata in the table style take the packed table
** (emit_plan.h): a binary alphabet of single bytes reads 8-byte words
** (swar) whatever bit tells its bytes apart and whichever class has it set;
** other alphabets and shorter steps look classes up.  Each case checks
** which code it got, then runs every string up to 10 bytes, random ones
** and every wrong byte at every offset (add_bad_byte_inputs). */
static void test_packed(void **state)
{
  (void)state;
  static const struct { const char *alpha; int catchall, ns, max_step; const char *want, *not; } cs[] = {
    { "01", 0, 4, 0, "(w0 ^ m0 ^ UINT64_C(0x3030303030303030))", ">> 0" },  /* class 1's byte has bit 0 */
    { "10", 0, 4, 0, "cls_load8", NULL },             /* class 0's byte has it: the flipped index */
    { "ab", 0, 3, 0, "m0 * 3u", NULL },               /* two bits apart; 4 rows: 32-bit words */
    { "AQ", 0, 7, 0, "m0 = (w0 >> 4)", NULL },        /* bit 4; 8 rows: shifts up to 56 */
    { "01", 1, 4, 0, "Next state, packed", "load8" }, /* catch-all: 3 classes, 4-byte steps */
    { "01", 0, 4, 4, "Next state, packed", "load8" }, /* max_step 4 */
    { "01", 0, 5, 2, "Next state, packed", "load8" }, /* max_step 2 */
    { "abcdef", 0, 5, 0, "base-8 digits", "load8" },  /* 6 classes: 3-bit digits, 2-byte steps */
    { "01", 0, 8, 0, "Next state: row offset", "packed" },  /* 9 rows: the flat table */
  };
  for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
    Case k;
    alpha_machine(&k, cs[i].alpha, cs[i].catchall, cs[i].ns, 60 + i);
    fixture_max_step = cs[i].max_step;
    emit_c_files(&k, "cls", STYLE_TABLE, 0);
    assert_int_equal(run("grep -qF '%s' '%s/cls.c'", cs[i].want, tmpdir), 0);
    if (cs[i].not) assert_int_equal(run("! grep -qF '%s' '%s/cls.c'", cs[i].not, tmpdir), 0);
    if (cs[i].ns == 3) assert_int_equal(run("grep -qF 'uint32_t cls_tab_next' '%s/cls.c'", tmpdir), 0);
    int nv;
    Input *v = make_inputs(cs[i].alpha, 10, 300, 60, 70 + i, &nv);
    v = add_bad_byte_inputs(v, &nv, cs[i].alpha, 80 + i);
    check_inputs_opt(&k, v, nv, 90 + i, 1);
    if (have_clang) check_build(&k, STYLE_TABLE, 0, "clang", v, nv, 95 + i);
    free_inputs(v, nv);
    case_free(&k);
  }
  fixture_max_step = 0;
}

/* 300 states x 256 classes: row offsets up to 299 * 256, so the state
** lives in 32 bits (a 16-bit int would truncate it) and still classifies. */
static void test_wide_states(void **state)
{
  (void)state;
  Case k;
  sum_machine(&k, 300, 256);
  int nv;
  Input *v = make_inputs(nonzero_bytes(), 1, 200, 60, 41, &nv);
  check_build(&k, STYLE_TABLE, 0, "gcc", v, nv, 42);
  assert_int_equal(run("cd '%s' && grep -q '^  uint32_t st = s->state;' cls.c && "
                       "grep -q 'uint32_t state;' cls.h", tmpdir), 0);
  free_inputs(v, nv);
  case_free(&k);
}

static void test_hostile_names(void **state)
{
  (void)state;
  Case k;
  hostile_machine(&k, 99);
  check_case(&k, "ab?*/", 5, 6);
  /* constants exist for identifier names, not for the colliding pair */
  char hpath[256];
  snprintf(hpath, sizeof hpath, "%s/h.h", tmpdir);
  FILE *h = fopen(hpath, "w");
  EmitInput in = input_of(&k, "x", STYLE_TABLE, NULL, NULL);
  assert_int_equal(emit_c(&in, NULL, h, NULL), 0);
  fclose(h);
  FILE *f = fopen(hpath, "r");
  char line[4096];
  int ok = 0, plain = 0, num = 0;
  while (fgets(line, sizeof line, f)) {
    ok += strcmp(line, "#define X_CLASS_OK 1\n") == 0;
    num += strcmp(line, "#define X_CLASS_123 9\n") == 0;
    plain += strstr(line, "X_CLASS_PLAIN") != NULL;
  }
  fclose(f);
  assert_int_equal(ok, 1);
  assert_int_equal(num, 1);
  assert_int_equal(plain, 0);
  case_free(&k);
}

/* cgen_string and cgen_comment on hostile bytes, read back by a compiler. */
static void test_escaping(void **state)
{
  (void)state;
  static const struct { const char *s; size_t n; } strs[] = {
    { "", 0 }, { "\0", 1 }, { "\0" "1", 2 }, { "a\0b\0\0" "07", 6 }, { "?\?=?\?/?\?'?\?(?\?)?\?!?\?<?\?>?\?-", 27 },
    { "?\?\?", 3 }, { "a\"b\\c*/?\?=\n", 11 }, { "*/ /* // \\", 10 }, { "\\\n", 2 }, { "\x7f\x80\xc3\x28\xff", 5 },
    { "end?", 4 }, { "?", 1 }, { "\\", 1 }, { "\"", 1 }, { "/", 1 }, { "*", 1 },
  };
  int ns = (int)(sizeof strs / sizeof strs[0]);
  unsigned char all[256];
  for (int b = 0; b < 256; b++) all[b] = (unsigned char)b;
  char path[256];
  snprintf(path, sizeof path, "%s/esc.c", tmpdir);
  FILE *f = fopen(path, "w");
  fputs("#include <stdio.h>\n#include <string.h>\n", f);
  for (int i = 0; i <= ns; i++) {
    const void *s = i < ns ? (const void *)strs[i].s : (const void *)all;
    size_t n = i < ns ? strs[i].n : 256;
    /* a comment that must not end early: on one line and before a declaration */
    fputs("/* ", f); cgen_comment(f, s, n); fputs(" */\n", f);
    fputs("/*", f); cgen_comment(f, s, n); fputs("*/\n", f);   /* text touching the delimiters */
    fprintf(f, "static const char s%d[] = ", i); cgen_string(f, s, n); fputs(";\n", f);
    fprintf(f, "static const unsigned char w%d[%zu] = {", i, n + 1);
    for (size_t j = 0; j < n; j++) fprintf(f, "%u,", ((const unsigned char *)s)[j]);
    fputs("0};\n", f);
  }
  fputs("int main(void) {\n  int bad = 0;\n", f);
  for (int i = 0; i <= ns; i++)
    fprintf(f, "  if (sizeof s%d != sizeof w%d || memcmp(s%d, w%d, sizeof w%d)) { printf(\"bad %d\\n\"); bad++; }\n",
            i, i, i, i, i, i);
  fputs("  return bad;\n}\n", f);
  fclose(f);
  assert_int_equal(run("cd '%s' && gcc " STRICT " -o esc esc.c && ./esc", tmpdir), 0);
  if (have_clang) assert_int_equal(run("cd '%s' && clang " STRICT " -o esc esc.c && ./esc", tmpdir), 0);

  /* comment text never contains a terminator or newline, whatever the input */
  for (int i = 0; i <= ns; i++) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    const void *s = i < ns ? (const void *)strs[i].s : (const void *)all;
    cgen_comment(m, s, i < ns ? strs[i].n : 256);
    fclose(m);
    assert_null(strstr(buf, "*/"));
    assert_null(strstr(buf, "/*"));
    assert_null(strstr(buf, "?\?"));
    assert_null(strchr(buf, '\n'));
    free(buf);
  }
}

static char *emit_mem(const EmitInput *in, int single, size_t *len)
{
  char *cb = NULL, *hb = NULL;
  size_t cl = 0, hl = 0;
  FILE *c = single ? NULL : open_memstream(&cb, &cl), *h = open_memstream(&hb, &hl);
  assert_int_equal(emit_c(in, c, h, "classifier.h"), 0);
  fclose(h);
  if (c) fclose(c);
  char *all = xasprintf("%s\n--\n%s", hb, cb ? cb : "");
  free(cb); free(hb);
  *len = strlen(all);
  return all;
}

static void test_deterministic_and_provenance(void **state)
{
  (void)state;
  Case k;
  tomita4(&k);
  Provenance pv = { RNF_VERSION, "tomita4", "tomita4.spec", 0x0123456789abcdefULL, 1, 2, 3, "gru", 16, 0 };
  Eval ev;
  memset(&ev, 0, sizeof ev);
  ev.net_acc = 0.995; ev.fsa_acc = 1.0; ev.fidelity = 0.9925; ev.k = 9; ev.states_raw = 10; ev.states_min = 4;
  ev.equivalent = 1;
  for (int style = 0; style < 2; style++)
    for (int single = 0; single < 2; single++) {
      EmitInput in = input_of(&k, "t4", style ? STYLE_SWITCH : STYLE_TABLE, &pv, &ev);
      size_t l1, l2;
      char *a = emit_mem(&in, single, &l1), *b = emit_mem(&in, single, &l2);
      assert_int_equal(l1, l2);
      assert_memory_equal(a, b, l1);
      const char *fp = "/* Generated by rnnfsac 0.1.0 from tomita4.spec. Do not edit. */\n";
      assert_true(strncmp(a, fp, strlen(fp)) == 0);
      assert_non_null(strstr(a, "hash 0123456789abcdef"));
      assert_non_null(strstr(a, "data 1, rnn 2, extract 3"));
      assert_non_null(strstr(a, "gru, hidden size 16"));
      assert_non_null(strstr(a, "network accuracy 99.50%"));
      assert_non_null(strstr(a, "fidelity 99.25%"));
      assert_non_null(strstr(a, "#define T4_NUM_STATES 4"));
      assert_non_null(strstr(a, "#define T4_CLASS_ACCEPT 1"));
      /* table bytes: 4 labels + "reject" and "accept" with their NULs +
      ** switch: 256 one-byte classes; table: 256 two-byte classes (the
      ** error byte is stored as 256) and 2^8 + 2 packed 8-byte words (5
      ** rows, the error row included, for 8-byte steps and one byte) */
      assert_non_null(strstr(a, style ? "tables 274 bytes" : "tables 2594 bytes"));
      free(a); free(b);
    }
  case_free(&k);
}

static void test_bad_prefix(void **state)
{
  (void)state;
  Case k;
  tomita4(&k);
  EmitInput in = input_of(&k, "9lives", STYLE_TABLE, NULL, NULL);
  FILE *h = fopen("/dev/null", "w");
  assert_int_equal(emit_c(&in, NULL, h, NULL), RNF_EXIT_SPEC);
  in.prefix = "ok";
  assert_int_equal(emit_c(&in, h, h, "a\"b.h"), RNF_EXIT_USAGE);
  fclose(h);
  case_free(&k);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_escaping),
    cmocka_unit_test(test_deterministic_and_provenance),
    cmocka_unit_test(test_bad_prefix),
    cmocka_unit_test(test_tomita4),
    cmocka_unit_test(test_bytes),
    cmocka_unit_test(test_wide_states),
    cmocka_unit_test(test_packed),
    cmocka_unit_test(test_hostile_names),
    cmocka_unit_test(test_chars),
    cmocka_unit_test(test_words),
    cmocka_unit_test(test_words_big_vocab),
    cmocka_unit_test(test_input_ignored),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
