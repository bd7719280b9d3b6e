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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgen.h"
#include "common.h"
#include "emit.h"
#include "fsa.h"
#include "tok.h"

#define STRICT "-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror"

static char tmpdir[64];
static int have_clang;

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
  char cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int rc = system(cmd);
  if (rc != 0) fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
  return rc;
}

static int setup(void **state)
{
  (void)state;
  strcpy(tmpdir, "/tmp/test_emit_c.XXXXXX");
  if (!mkdtemp(tmpdir)) return -1;
  have_clang = system("clang --version >/dev/null 2>&1") == 0;
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  if (getenv("TEST_EMIT_C_KEEP")) { fprintf(stderr, "kept %s\n", tmpdir); return 0; }
  return run("rm -rf '%s'", tmpdir);
}

/* ---- fixtures ---------------------------------------------------------- */

typedef struct Case {
  Fsa *f;
  Tokenizer tok;
  char **names;
  int nclass;
} Case;

static void case_free(Case *k)
{
  fsa_free(k->f);
  for (int c = 0; c < k->nclass; c++) free(k->names[c]);
  free(k->names);
  if (k->tok.priv) { tok_free(&k->tok); return; }
  if (k->tok.sym_names) {
    for (int a = 0; a < k->tok.nsym; a++) free(k->tok.sym_names[a]);
    free(k->tok.sym_names);
  }
}


static void alphabet_tok(Tokenizer *t, const char *alpha, int catchall)
{
  memset(t, 0, sizeof *t);
  t->kind = TOKS_ALPHABET;
  int n = (int)strlen(alpha);
  t->nsym = n + (catchall != 0);
  t->unk = catchall ? n : -1;
  for (int b = 0; b < 256; b++) t->bytemap[b] = -1;
  t->sym_names = xcalloc((size_t)t->nsym, sizeof *t->sym_names);
  for (int i = 0; i < n; i++) {
    t->bytemap[(unsigned char)alpha[i]] = (int16_t)i;
    t->sym_names[i] = xstrndup(alpha + i, 1);
  }
  if (catchall) t->sym_names[n] = xstrdup("<unk>");
}

static char **names2(const char *a, const char *b)
{
  char **v = xcalloc(2, sizeof *v);
  v[0] = xstrdup(a); v[1] = xstrdup(b);
  return v;
}

/* Tomita 4: strings over {0,1} without "000".  State = trailing zeros, 3 = dead. */
static void tomita4(Case *k)
{
  k->f = fsa_new(4, 2, 2, 0);
  int nx[4][2] = { {1, 0}, {2, 0}, {3, 0}, {3, 3} };
  for (int s = 0; s < 4; s++) {
    k->f->next[s * 2] = nx[s][0];
    k->f->next[s * 2 + 1] = nx[s][1];
    k->f->label[s] = s < 3;
  }
  fsa_symclasses(k->f);
  alphabet_tok(&k->tok, "01", 0);
  k->nclass = 2;
  k->names = names2("reject", "accept");
}

/* A random byte-level machine: 256 symbols in 5 groups, 60 states (so row
** offsets need 16 bits), 3 classes. */
static void bytes_machine(Case *k, uint64_t seed)
{
  Rng r;
  rng_seed(&r, seed);
  int ns = 60, groups = 5, grp[256];
  k->f = fsa_new(ns, 256, 3, 0);
  for (int a = 0; a < 256; a++) grp[a] = (int)rng_below(&r, (uint64_t)groups);
  int nx[60][5];
  for (int s = 0; s < ns; s++)
    for (int g = 0; g < groups; g++) nx[s][g] = (int)rng_below(&r, (uint64_t)ns);
  for (int s = 0; s < ns; s++) {
    for (int a = 0; a < 256; a++) k->f->next[s * 256 + a] = nx[s][grp[a]];
    k->f->label[s] = s % 3;
  }
  k->f->start = 2;
  fsa_symclasses(k->f);
  memset(&k->tok, 0, sizeof k->tok);
  k->tok.kind = TOKS_BYTES;
  k->tok.nsym = 256;
  k->tok.unk = -1;
  for (int b = 0; b < 256; b++) k->tok.bytemap[b] = (int16_t)b;
  k->nclass = 3;
  k->names = xcalloc(3, sizeof *k->names);
  k->names[0] = xstrdup("low"); k->names[1] = xstrdup("mid"); k->names[2] = xstrdup("high");
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
  static char *texts[] = {
    "The cat sat on the mat.", "the dog, the cat!", "A catalog of cats; dogs too?",
    "caf\xc3\xa9 na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac cat", "x y z, x-y; \"quoted\" 42 4two",
    "THE CAT", "ca c cat cats catalog", "\xff bad \xe6\x97 utf8",
  };
  size_t lens[8];
  for (int i = 0; i < 8; i++) lens[i] = strlen(texts[i]);
  memset(&k->tok, 0, sizeof k->tok);
  if (kind == TOKS_CHARS) tok_build_chars(&k->tok, texts, lens, 8, 14, 1);
  else tok_build_words(&k->tok, texts, lens, 8, 16, 1, punct);
  Rng r;
  rng_seed(&r, seed);
  int ns = 6, nsym = k->tok.nsym, grp[512];
  RNF_ASSERT(nsym <= 512);
  k->f = fsa_new(ns, nsym, 3, 0);
  for (int a = 0; a < nsym; a++) grp[a] = (int)rng_below(&r, 4);
  int nx[6][4];
  for (int s = 0; s < ns; s++)
    for (int g = 0; g < 4; g++) nx[s][g] = (int)rng_below(&r, (uint64_t)ns);
  for (int s = 0; s < ns; s++) {
    for (int a = 0; a < nsym; a++) k->f->next[s * nsym + a] = nx[s][grp[a]];
    k->f->label[s] = s % 3;
  }
  k->f->start = 1;
  fsa_symclasses(k->f);
  k->nclass = 3;
  k->names = xcalloc(3, sizeof *k->names);
  k->names[0] = xstrdup("neg"); k->names[1] = xstrdup("neu"); k->names[2] = xstrdup("pos");
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
  int ns = 9, nsym = k->tok.nsym, groups = 40;
  int *grp = xmalloc((size_t)nsym * sizeof *grp);
  k->f = fsa_new(ns, nsym, 2, 0);
  for (int a = 0; a < nsym; a++) grp[a] = (int)rng_below(&r, (uint64_t)groups);
  int nx[9][40];
  for (int s = 0; s < ns; s++)
    for (int g = 0; g < groups; g++) nx[s][g] = (int)rng_below(&r, (uint64_t)ns);
  for (int s = 0; s < ns; s++) {
    for (int a = 0; a < nsym; a++) k->f->next[s * nsym + a] = nx[s][grp[a]];
    k->f->label[s] = s % 2;
  }
  free(grp);
  fsa_symclasses(k->f);
  k->nclass = 2;
  k->names = names2("no", "yes");
}

static EmitInput input_of(const Case *k, const char *prefix, EmitStyle style,
                          const Provenance *pv, const Eval *ev)
{
  EmitInput in = { k->f, &k->tok, k->nclass, k->names, prefix, style, pv, ev };
  return in;
}

/* ---- expected labels --------------------------------------------------- */

static int expect(const Case *k, const unsigned char *s, size_t n)
{
  if (k->tok.kind == TOKS_CHARS || k->tok.kind == TOKS_WORDS) {
    int32_t *seq;
    long len = tok_encode(&k->tok, (const char *)s, n, &seq, NULL);
    assert_true(len >= 0);
    int c = fsa_classify(k->f, seq, (int)len);
    free(seq);
    return c;
  }
  int32_t *seq = xmalloc((n ? n : 1) * sizeof *seq);
  for (size_t i = 0; i < n; i++) {
    int sym = k->tok.bytemap[s[i]] >= 0 ? k->tok.bytemap[s[i]] : k->tok.unk;
    if (sym < 0) { free(seq); return -1; }
    seq[i] = sym;
  }
  int c = fsa_classify(k->f, seq, (int)n);
  free(seq);
  return c;
}

/* ---- building and running generated code ------------------------------- */

static void put_u32(FILE *f, uint32_t v)
{
  unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
  fwrite(b, 1, 4, f);
}

/* The driver: for each case (u32 len, bytes, u32 nchunks, u32 sizes) prints
** "<classify> <chunked label>"; then the class names as hex and the
** number of classes/states. */
static void write_driver(const char *path, const char *p, const char *P, const char *hdr)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f,
    "#include <stdio.h>\n#include <stdlib.h>\n#include \"%s\"\n"
    "static unsigned long u32(FILE *f) { unsigned char b[4]; if (fread(b, 1, 4, f) != 4) return 0xffffffffUL;\n"
    "  return (unsigned long)b[0] | (unsigned long)b[1] << 8 | (unsigned long)b[2] << 16 | (unsigned long)b[3] << 24; }\n"
    "int main(int argc, char **argv) {\n"
    "  FILE *f = fopen(argv[1], \"rb\"); unsigned long n, k, i, j, off; int c;\n"
    "  (void)argc; if (!f) return 2;\n"
    "  while ((n = u32(f)) != 0xffffffffUL) {\n"
    "    unsigned char *buf = malloc(n + 1); %s_state s;\n"
    "    if (fread(buf, 1, n, f) != n) return 3;\n"
    "    k = u32(f); %s_init(&s); off = 0;\n"
    "    for (i = 0; i < k; i++) { unsigned long m = u32(f); %s_feed(&s, buf + off, m); off += m; }\n"
    "    printf(\"%%d %%d\\n\", %s_classify(buf, n), %s_label(&s)); free(buf);\n"
    "  }\n"
    "  for (c = 0; c < %s_NUM_CLASSES; c++) { const char *q = %s_class_name(c);\n"
    "    for (j = 0; q[j]; j++) { printf(\"%%02x\", (unsigned char)q[j]); }\n    printf(\"\\n\"); }\n"
    "  printf(\"%%d %%d %%d\\n\", %s_NUM_CLASSES, %s_NUM_STATES, %s_class_name(-1) == 0 && %s_class_name(%s_NUM_CLASSES) == 0);\n"
    "  return 0;\n}\n",
    hdr, p, p, p, p, p, P, p, P, P, p, p, P);
  fclose(f);
}

typedef struct Input { unsigned char *s; size_t n; } Input;

/* Inputs: every string up to length MAXLEN over ALPHA, then random byte
** strings (biased towards ALPHA) -- all with random chunking. */
static Input *make_inputs(const char *alpha, int maxlen, int nrand, uint64_t seed, int *count)
{
  size_t na = strlen(alpha), total = 0, pw = 1;
  for (int l = 0; l <= maxlen; l++) { total += pw; pw *= na; }
  Input *v = xcalloc(total + (size_t)nrand, sizeof *v);
  size_t k = 0;
  for (int l = 0; l <= maxlen; l++) {
    size_t cnt = 1;
    for (int i = 0; i < l; i++) cnt *= na;
    for (size_t x = 0; x < cnt; x++, k++) {
      v[k].n = (size_t)l;
      v[k].s = xmalloc((size_t)l + 1);
      size_t y = x;
      for (int i = 0; i < l; i++) { v[k].s[i] = (unsigned char)alpha[y % na]; y /= na; }
    }
  }
  Rng r;
  rng_seed(&r, seed);
  for (int j = 0; j < nrand; j++, k++) {
    size_t n = (size_t)rng_below(&r, 60);
    v[k].n = n;
    v[k].s = xmalloc(n + 1);
    int pure = rng_below(&r, 4) != 0;    /* mostly in-alphabet strings */
    for (size_t i = 0; i < n; i++)
      v[k].s[i] = pure || rng_below(&r, 3) ? (unsigned char)alpha[rng_below(&r, na)] : (unsigned char)rng_below(&r, 256);
  }
  *count = (int)k;
  return v;
}

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

static void free_inputs(Input *v, int n)
{
  for (int i = 0; i < n; i++) free(v[i].s);
  free(v);
}

/* Emit K, build with CC, run the driver on the inputs, compare. */
static void check_build(const Case *k, EmitStyle style, int single, const char *cc,
                        const Input *v, int nv, uint64_t seed)
{
  const char *p = "cls";
  char path[256], cpath[256], hpath[256];
  EmitInput in = input_of(k, p, style, NULL, NULL);
  snprintf(cpath, sizeof cpath, "%s/cls.c", tmpdir);
  snprintf(hpath, sizeof hpath, "%s/cls.h", tmpdir);
  FILE *h = fopen(hpath, "w"), *c = single ? NULL : fopen(cpath, "w");
  assert_non_null(h);
  assert_int_equal(emit_c(&in, c, h, "cls.h"), 0);
  fclose(h);
  if (c) fclose(c);
  if (single) {
    FILE *f = fopen(cpath, "w");
    fputs("#define CLS_IMPLEMENTATION\n#include \"cls.h\"\n#include \"cls.h\"\n", f);  /* twice: guards */
    fclose(f);
  }
  snprintf(path, sizeof path, "%s/drv.c", tmpdir);
  write_driver(path, p, "CLS", "cls.h");
  assert_int_equal(run("cd '%s' && %s " STRICT " -O2 -c cls.c -o cls.o && %s " STRICT " -O2 -o drv drv.c cls.o",
                       tmpdir, cc, cc), 0);
  /* freestanding: no library calls, unoptimized or optimized (the
  ** single-header implementation is the same code: checked once) */
  if (!single)
    assert_int_equal(run("cd '%s' && %s " STRICT " -O0 -ffreestanding -c cls.c -o fs0.o && "
                         "%s " STRICT " -O3 -ffreestanding -c cls.c -o fs3.o && "
                         "test -z \"$(nm -u fs0.o)\" && test -z \"$(nm -u fs3.o)\"", tmpdir, cc, cc), 0);

  snprintf(path, sizeof path, "%s/cases.bin", tmpdir);
  FILE *f = fopen(path, "wb");
  Rng r;
  rng_seed(&r, seed);
  for (int i = 0; i < nv; i++) {
    put_u32(f, (uint32_t)v[i].n);
    fwrite(v[i].s, 1, v[i].n, f);
    uint32_t sizes[64];
    int nc = 0;
    size_t left = v[i].n;
    while (left && nc < 63) {
      size_t m = rng_below(&r, 3) == 0 ? 0 : (size_t)rng_below(&r, left + 1);   /* empty chunks too */
      sizes[nc++] = (uint32_t)m;
      left -= m;
    }
    if (left) sizes[nc++] = (uint32_t)left;
    put_u32(f, (uint32_t)nc);
    for (int j = 0; j < nc; j++) put_u32(f, sizes[j]);
  }
  fclose(f);
  assert_int_equal(run("cd '%s' && ./drv cases.bin > out.txt", tmpdir), 0);

  snprintf(path, sizeof path, "%s/out.txt", tmpdir);
  f = fopen(path, "r");
  assert_non_null(f);
  int bad = 0;
  for (int i = 0; i < nv; i++) {
    int a, b;
    assert_int_equal(fscanf(f, "%d %d", &a, &b), 2);
    int e = expect(k, v[i].s, v[i].n);
    if ((a != e || b != e) && bad++ < 5)
      fprintf(stderr, "input %d (len %zu): classify %d, chunked %d, expected %d\n", i, v[i].n, a, b, e);
  }
  assert_int_equal(bad, 0);
  for (int cl = 0; cl < k->nclass; cl++) {
    static char hex[12000], want[12000];
    want[0] = 0;
    assert_int_equal(fscanf(f, "%11999s", hex), 1);
    size_t wl = 0;
    for (const unsigned char *q = (const unsigned char *)k->names[cl]; *q; q++, wl += 2)
      sprintf(want + wl, "%02x", *q);
    assert_string_equal(hex, want);
  }
  int nclass, nstates, nullok;
  assert_int_equal(fscanf(f, "%d %d %d", &nclass, &nstates, &nullok), 3);
  assert_int_equal(nclass, k->nclass);
  assert_int_equal(nstates, k->f->nstates);
  assert_int_equal(nullok, 1);
  fclose(f);
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
  Input *v = make_inputs(alpha, maxlen, 400, seed, &nv);
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
  bytes_machine(&k, 77);
  char alpha[256];
  for (int b = 1; b < 256; b++) alpha[b - 1] = (char)b;
  alpha[255] = 0;
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
  bytes_machine(&k, 5);
  fsa_free(k.f);
  k.f = fsa_new(2, 256, 3, 0);
  for (int s = 0; s < 2; s++) {
    for (int a = 0; a < 256; a++) k.f->next[s * 256 + a] = 1 - s;
    k.f->label[s] = 2 * s;
  }
  fsa_symclasses(k.f);
  assert_int_equal(k.f->nsymclass, 1);
  char alpha[256];
  for (int b = 1; b < 256; b++) alpha[b - 1] = (char)b;
  alpha[255] = 0;
  int nv;
  Input *v = make_inputs(alpha, 1, 200, 31, &nv);
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
  Provenance pv = { RNF_VERSION, "tomita4", "tomita4.spec", 0x0123456789abcdefULL, 1, 2, 3, "gru", 16 };
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
      /* table bytes: 256 class bytes + 4 labels (+ in table style 5 rows of
      ** 3^4 four-byte entries and 3 one-byte entries, as uint16_t) */
      assert_non_null(strstr(a, style ? "tables 260 bytes" : "tables 1100 bytes"));
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
    cmocka_unit_test(test_hostile_names),
    cmocka_unit_test(test_chars),
    cmocka_unit_test(test_words),
    cmocka_unit_test(test_words_big_vocab),
    cmocka_unit_test(test_input_ignored),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
