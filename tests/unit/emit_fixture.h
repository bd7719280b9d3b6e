/*
** emit_fixture.h -- fixtures shared by test_emit_c.c and test_emit_llvm.c.
**
** Included (once) by each of the two tests after cmocka.h; everything is
** static, and both tests use all of it.  A Case is a hand-built automaton
** with its tokenizer and class names; inputs are byte strings fed to a
** generated driver (drv.c, prefix "cls", including cls.h as emit_c writes
** it) in random chunks; check_output compares what the driver printed with
** fsa_classify on the symbols the tokenizer gives.  Files live in TMPDIR.
*/
#ifndef EMIT_FIXTURE_H
#define EMIT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "emit.h"
#include "fsa.h"
#include "tok.h"

static char tmpdir[64];

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

/* A fresh $TMPDIR/NAME.XXXXXX (TMPDIR only when short enough for tmpdir). */
static int fixture_setup(const char *name)
{
  const char *t = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/%s.XXXXXX", t && *t && strlen(t) < 30 ? t : "/tmp", name);
  return mkdtemp(tmpdir) ? 0 : -1;
}

/* Removes tmpdir unless the environment variable KEEP is set. */
static int fixture_teardown(const char *keep)
{
  if (getenv(keep)) { fprintf(stderr, "kept %s\n", tmpdir); return 0; }
  return run("rm -rf '%s'", tmpdir);
}

/* tmpdir/NAME (caller frees). */
static char *tpath(const char *name)
{
  return xasprintf("%s/%s", tmpdir, name);
}

/* ---- cases ------------------------------------------------------------- */

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

/* K's N class names: copies of NAMES[0..N). */
static void set_names(Case *k, int n, const char *const *names)
{
  k->nclass = n;
  k->names = xcalloc((size_t)n, sizeof *k->names);
  for (int c = 0; c < n; c++) k->names[c] = xstrdup(names[c]);
}

/* One symbol per byte of ALPHA, plus "<unk>" for every other byte when
** CATCHALL (else such bytes are errors). */
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

static void bytes_tok(Tokenizer *t)
{
  memset(t, 0, sizeof *t);
  t->kind = TOKS_BYTES;
  t->nsym = 256;
  t->unk = -1;
  for (int b = 0; b < 256; b++) t->bytemap[b] = (int16_t)b;
}

/* Tomita 4: strings over {0,1} without "000".  State = trailing zeros, 3 = dead.
** No catch-all: any other byte is an error (label -1). */
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
  set_names(k, 2, (const char *const[]){ "reject", "accept" });
}

/* A random machine over NSYM symbols put in GROUPS random groups (so a
** symbol class holds several symbols): NS states, state s labelled
** s % NCLASS, START the start state.  Draws from R. */
static void grouped_machine(Case *k, Rng *r, int ns, int nsym, int groups, int nclass, int start)
{
  int *grp = xmalloc((size_t)nsym * sizeof *grp);
  int *nx = xmalloc((size_t)ns * (size_t)groups * sizeof *nx);   /* [ns][groups] */
  k->f = fsa_new(ns, nsym, nclass, 0);
  for (int a = 0; a < nsym; a++) grp[a] = (int)rng_below(r, (uint64_t)groups);
  for (int s = 0; s < ns; s++)
    for (int g = 0; g < groups; g++) nx[s * groups + g] = (int)rng_below(r, (uint64_t)ns);
  for (int s = 0; s < ns; s++) {
    for (int a = 0; a < nsym; a++) k->f->next[s * nsym + a] = nx[s * groups + grp[a]];
    k->f->label[s] = s % nclass;
  }
  k->f->start = start;
  fsa_symclasses(k->f);
  free(grp);
  free(nx);
}

/* A random byte-level machine: 256 symbols in 5 groups, NS states, 3
** classes "low", MID, "high". */
static void bytes_machine(Case *k, int ns, const char *mid, uint64_t seed)
{
  Rng r;
  rng_seed(&r, seed);
  grouped_machine(k, &r, ns, 256, 5, 3, 2);
  bytes_tok(&k->tok);
  set_names(k, 3, (const char *const[]){ "low", mid, "high" });
}

/* A counter mod NS that each byte advances by 1 + byte % MOD: NS states,
** MOD input classes; label = multiple of 7.  NS 100, MOD 5: two-byte table
** steps, row offsets (99 * 69) need a 16-bit state field; NS 300, MOD 256:
** one byte per step, row offsets (299 * 256) need 32 bits. */
static void sum_machine(Case *k, int ns, int mod)
{
  k->f = fsa_new(ns, 256, 2, 0);
  for (int s = 0; s < ns; s++) {
    for (int a = 0; a < 256; a++) k->f->next[s * 256 + a] = (s + 1 + a % mod) % ns;
    k->f->label[s] = s % 7 == 0;
  }
  fsa_symclasses(k->f);
  bytes_tok(&k->tok);
  set_names(k, 2, (const char *const[]){ "other", "seven" });
}

/* "Contains x" over bytes: state 0 until an 'x', then state 1, which every
** byte keeps (an accepting sink, no error class: the switch style skips
** the rest of the input there). */
static void sink_machine(Case *k)
{
  k->f = fsa_new(2, 256, 2, 0);
  for (int a = 0; a < 256; a++) {
    k->f->next[a] = a == 'x';
    k->f->next[256 + a] = 1;
  }
  k->f->label[0] = 0;
  k->f->label[1] = 1;
  fsa_symclasses(k->f);
  bytes_tok(&k->tok);
  set_names(k, 2, (const char *const[]){ "no", "x" });
}

/* A random machine over a chars (VOCAB[0] symbols at most) or words
** (VOCAB[1]; PUNCT: punctuation as words) tokenizer built from the 8
** TEXTS: symbols in 4 random groups, NS states, 3 classes, start 1. */
static void token_machine_of(Case *k, char *const *texts, TokensKind kind, int punct,
                             const int vocab[2], int ns, uint64_t seed)
{
  size_t lens[8];
  for (int i = 0; i < 8; i++) lens[i] = strlen(texts[i]);
  memset(&k->tok, 0, sizeof k->tok);
  if (kind == TOKS_CHARS) tok_build_chars(&k->tok, texts, lens, 8, vocab[0], 1);
  else tok_build_words(&k->tok, texts, lens, 8, vocab[1], 1, punct);
  Rng r;
  rng_seed(&r, seed);
  grouped_machine(k, &r, ns, k->tok.nsym, 4, 3, 1);
  set_names(k, 3, (const char *const[]){ "neg", "neu", "pos" });
}

/* A random machine over ALPHA (one symbol per byte; CATCHALL: "<unk>"
** for every other byte, else they are errors): NS states, random
** successors, labels "no"/"yes" at random, start 0. */
static void alpha_machine(Case *k, const char *alpha, int catchall, int ns, uint64_t seed)
{
  Rng r;
  rng_seed(&r, seed);
  alphabet_tok(&k->tok, alpha, catchall);
  int nsym = k->tok.nsym;
  k->f = fsa_new(ns, nsym, 2, 0);
  for (int s = 0; s < ns; s++) {
    for (int a = 0; a < nsym; a++) k->f->next[s * nsym + a] = (int)rng_below(&r, (uint64_t)ns);
    k->f->label[s] = (int)rng_below(&r, 2);
  }
  fsa_symclasses(k->f);
  set_names(k, 2, (const char *const[]){ "no", "yes" });
}

/* EmitInput.max_step for the cases emitted next (0: the default, 8). */
static int fixture_max_step;

static EmitInput input_of(const Case *k, const char *prefix, EmitStyle style,
                          const Provenance *pv, const Eval *ev)
{
  EmitInput in = { .fsa = k->f, .tok = &k->tok, .nclass = k->nclass, .class_names = k->names,
                   .prefix = prefix, .style = style, .prov = pv, .eval = ev,
                   .max_step = fixture_max_step };
  return in;
}

/* The label K's automaton gives S: fsa_classify after tok_encode (chars,
** words) or the byte map; -1 for a byte outside an alphabet without
** catch-all. */
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

/* emit_c's code for K into tmpdir/PREFIX.h and PREFIX.c; SINGLE: the
** single-header style, PREFIX.c only defines PREFIX_IMPLEMENTATION and
** includes the header (twice: its guards must hold). */
static void emit_c_files(const Case *k, const char *prefix, EmitStyle style, int single)
{
  char *hname = xasprintf("%s.h", prefix), *hp = tpath(hname), *cname = xasprintf("%s.c", prefix);
  char *cp = tpath(cname);
  EmitInput in = input_of(k, prefix, style, NULL, NULL);
  FILE *h = fopen(hp, "w"), *c = fopen(cp, "w");
  assert_non_null(h);
  assert_non_null(c);
  assert_int_equal(emit_c(&in, single ? NULL : c, h, hname), 0);
  if (single) {
    char up[64];
    size_t i;
    for (i = 0; prefix[i] && i < sizeof up - 1; i++)
      up[i] = prefix[i] >= 'a' && prefix[i] <= 'z' ? (char)(prefix[i] - 32) : prefix[i];
    up[i] = 0;
    fprintf(c, "#define %s_IMPLEMENTATION\n#include \"%s\"\n#include \"%s\"\n", up, hname, hname);
  }
  fclose(h);
  fclose(c);
  free(hname); free(hp); free(cname); free(cp);
}

/* ---- inputs ------------------------------------------------------------ */

typedef struct Input { unsigned char *s; size_t n; } Input;

/* Every string up to length MAXLEN over ALPHA, then NRAND random strings
** of up to RANDLEN - 1 bytes (mostly over ALPHA, some with arbitrary
** bytes mixed in, some with one arbitrary byte at a random place). */
static Input *make_inputs(const char *alpha, int maxlen, int nrand, int randlen, uint64_t seed, int *count)
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
    size_t n = (size_t)rng_below(&r, (uint64_t)randlen);
    v[k].n = n;
    v[k].s = xmalloc(n + 1);
    int kind = (int)rng_below(&r, 4);   /* mostly in-alphabet strings */
    for (size_t i = 0; i < n; i++)
      v[k].s[i] = kind || rng_below(&r, 3) ? (unsigned char)alpha[rng_below(&r, na)] : (unsigned char)rng_below(&r, 256);
    /* one arbitrary byte anywhere in a clean string: the multi-byte steps
    ** must leave for the error state from any block, the tail included */
    if (kind == 1 && n > 0) v[k].s[rng_below(&r, n)] = (unsigned char)rng_below(&r, 256);
  }
  *count = (int)k;
  return v;
}

/* V[0 .. *NV) and after them strings of 8, 16, 17 and 24 random bytes of
** ALPHA with each byte outside it in turn at each offset: every word of a
** multi-byte step, with a clean word beside it, and every tail byte must
** leave for the error state.  Returns the grown array; *NV its count. */
static Input *add_bad_byte_inputs(Input *v, int *nv, const char *alpha, uint64_t seed)
{
  static const int lens[] = { 8, 16, 17, 24 };
  size_t na = strlen(alpha), nbad = 0;
  unsigned char bad[256];
  for (int b = 0; b < 256; b++)
    if (!memchr(alpha, b, na)) bad[nbad++] = (unsigned char)b;
  Rng r;
  rng_seed(&r, seed);
  for (int l = 0; l < 4; l++) {
    int len = lens[l];
    v = xrealloc(v, ((size_t)*nv + (size_t)len * nbad) * sizeof *v);
    unsigned char clean[24];
    for (int i = 0; i < len; i++) clean[i] = (unsigned char)alpha[rng_below(&r, na)];
    for (int at = 0; at < len; at++)
      for (size_t j = 0; j < nbad; j++) {
        Input *in = &v[(*nv)++];
        in->n = (size_t)len;
        in->s = xmalloc((size_t)len + 1);
        memcpy(in->s, clean, (size_t)len);
        in->s[at] = bad[j];
      }
  }
  return v;
}

/* Every byte but NUL, as an alphabet for make_inputs (NUL comes in its
** random strings). */
static const char *nonzero_bytes(void)
{
  static char alpha[256];
  for (int b = 1; b < 256; b++) alpha[b - 1] = (char)b;
  return alpha;
}

static void free_inputs(Input *v, int n)
{
  for (int i = 0; i < n; i++) free(v[i].s);
  free(v);
}

static void put_u32(FILE *f, uint32_t v)
{
  unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
  fwrite(b, 1, 4, f);
}

/* tmpdir/cases.bin: per input, u32 length, the bytes, u32 number of
** chunks, u32 chunk sizes (random, empty ones too; at most 64). */
static void write_cases(const Input *v, int nv, uint64_t seed)
{
  char *p = tpath("cases.bin");
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  free(p);
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
}

/* ---- the driver -------------------------------------------------------- */

/* tmpdir/NAME := TEXT. */
static void write_text(const char *name, const char *text)
{
  char *p = tpath(name);
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  assert_true(fputs(text, f) >= 0);
  assert_int_equal(fclose(f), 0);
  free(p);
}

/* The start of the generated drivers: next_case reads one case of
** cases.bin (see write_cases) into a malloc'ed buffer, or returns null at
** the end; open_cases opens argv[1] or exits 2. */
#define DRIVER_PRELUDE \
  "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n" \
  "static unsigned long u32(FILE *f) { unsigned char b[4]; if (fread(b, 1, 4, f) != 4) return 0xffffffffUL;\n" \
  "  return (unsigned long)b[0] | (unsigned long)b[1] << 8 | (unsigned long)b[2] << 16 | (unsigned long)b[3] << 24; }\n" \
  "static FILE *open_cases(int argc, char **argv) { FILE *f = argc > 1 ? fopen(argv[1], \"rb\") : 0;\n" \
  "  if (!f) exit(2);\n  return f; }\n" \
  "static unsigned char *next_case(FILE *f, unsigned long *n, unsigned long *nchunks) {\n" \
  "  unsigned char *buf; if ((*n = u32(f)) == 0xffffffffUL) return 0;\n" \
  "  buf = malloc(*n + 1); if (!buf || fread(buf, 1, *n, f) != *n) exit(3);\n" \
  "  *nchunks = u32(f);\n  return buf; }\n"

/* tmpdir/drv.c: for each case of cases.bin prints "<classify> <chunked
** label>"; then the class names in hex, one a line; then "<classes>
** <states> <1 if out-of-range class names are null>".  Builds with the
** strict flags users use (-Wpedantic -Wconversion). */
static void write_driver(void)
{
  write_text("drv.c",
    DRIVER_PRELUDE "#include \"cls.h\"\n"
    "int main(int argc, char **argv) {\n"
    "  FILE *f = open_cases(argc, argv); unsigned long n, k, i, j, off; int c; unsigned char *buf;\n"
    "  while ((buf = next_case(f, &n, &k)) != 0) {\n"
    "    cls_state s; cls_init(&s); off = 0;\n"
    "    for (i = 0; i < k; i++) { unsigned long m = u32(f); cls_feed(&s, buf + off, m); off += m; }\n"
    "    printf(\"%d %d\\n\", cls_classify(buf, n), cls_label(&s)); free(buf);\n"
    "  }\n"
    "  for (c = 0; c < CLS_NUM_CLASSES; c++) { const char *q = cls_class_name(c);\n"
    "    for (j = 0; q[j]; j++) { printf(\"%02x\", (unsigned char)q[j]); }\n    printf(\"\\n\"); }\n"
    "  printf(\"%d %d %d\\n\", CLS_NUM_CLASSES, CLS_NUM_STATES, cls_class_name(-1) == 0\n"
    "         && cls_class_name(CLS_NUM_CLASSES) == 0 && cls_class_name(-2147483647 - 1) == 0);\n"
    "  fclose(f);\n  return 0;\n}\n");
}

/* Reads tmpdir/out.txt, the driver's output on V: every line's two labels
** equal expect(), the class names are K's, the counts K's.  WHAT names the
** build in messages. */
static void check_output(const Case *k, const Input *v, int nv, const char *what)
{
  char *p = tpath("out.txt");
  FILE *f = fopen(p, "r");
  free(p);
  assert_non_null(f);
  int bad = 0;
  for (int i = 0; i < nv; i++) {
    int a, b;
    assert_int_equal(fscanf(f, "%d %d", &a, &b), 2);
    int e = expect(k, v[i].s, v[i].n);
    if ((a != e || b != e) && bad++ < 5)
      fprintf(stderr, "%s: input %d (len %zu): classify %d, chunked %d, expected %d\n", what, i, v[i].n, a, b, e);
  }
  assert_int_equal(bad, 0);
  for (int cl = 0; cl < k->nclass; cl++) {
    static char hex[12000], want[12000];   /* a 5000-byte name in test_emit_c */
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

#endif
