/*
** test_emit_llvm.c -- the LLVM back end: objects linked into C and run.
**
** Hand-built automata (Tomita 4 over "01" without catch-all, a byte-level
** machine, a DNA machine, 100- and 300-state machines whose states need
** 16 and 32 bits: 8-, 4-, 2- and 1-byte table steps) and random automata over chars
** and words tokenizers are emitted as host objects in both styles at
** several -O levels, linked by the system cc with a driver that includes
** the header the C back end writes (so the LLVM object must match its ABI),
** and run on every short string plus random inputs fed in random chunks:
** labels must equal fsa_classify (after tok_encode; -1 for bytes outside
** the alphabet).  The same driver linked with emit_c's code must print
** identical output, and running both side by side, the state objects must
** hold identical bytes after every call (same ABI).  .ll and .bc must
** parse back and verify; output is byte-identical across runs; cross
** targets give objects of the right format; an unknown target is a usage
** error that writes nothing.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/Core.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/TargetMachine.h>

#include "emit_fixture.h"
#include "out.h"

static int setup(void **state)
{
  (void)state;
  return fixture_setup("test_emit_llvm");
}

static int teardown(void **state)
{
  (void)state;
  return fixture_teardown("TEST_EMIT_LLVM_KEEP");
}

/* ---- fixtures (with emit_fixture.h's) ---------------------------------- */

/* ---- files ------------------------------------------------------------- */

/* Emit into tmpdir/NAME; returns emit_llvm's status. */
static int emit_to(const EmitInput *in, const char *name, LlvmKind kind, const char *triple, int opt)
{
  char *p = tpath(name);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  int rc = emit_llvm(in, f, kind, triple, opt);
  assert_int_equal(fclose(f), 0);
  free(p);
  return rc;
}

static char *slurp(const char *name, size_t *len)
{
  char *p = tpath(name);
  char *s = read_file(p, len);
  assert_non_null(s);
  free(p);
  return s;
}

/* The ABI check: the LLVM object (prefix cls) and the C back end's code
** (prefix ref) run side by side on every case; after init and after every
** chunk their state objects must hold the same bytes, and the bytes after
** the struct (a canary) must be untouched.  Prints "abi ok". */
static void write_abi_driver(void)
{
  write_text("abi.c",
    DRIVER_PRELUDE "#include \"cls.h\"\n#include \"ref.h\"\n"
    "struct L { cls_state s; unsigned char canary[16]; };\n"
    "struct R { ref_state s; unsigned char canary[16]; };\n"
    "static int same(const struct L *l, const struct R *r) {\n"
    "  unsigned i; if (sizeof l->s != sizeof r->s || memcmp(&l->s, &r->s, sizeof l->s)) return 0;\n"
    "  for (i = 0; i < sizeof l->canary; i++) if (l->canary[i] != 0xa5) return 0;\n  return 1; }\n"
    "int main(int argc, char **argv) {\n"
    "  FILE *f = open_cases(argc, argv); unsigned long n, k, i, off, cases = 0; unsigned char *buf;\n"
    "  while ((buf = next_case(f, &n, &k)) != 0) {\n"
    "    struct L l; struct R r;\n"
    "    memset(&l, 0xa5, sizeof l); memset(&r, 0xa5, sizeof r);\n"
    "    cls_init(&l.s); ref_init(&r.s); off = 0;\n"
    "    if (!same(&l, &r)) { printf(\"abi: init differs\\n\"); return 1; }\n"
    "    for (i = 0; i < k; i++) { unsigned long m = u32(f);\n"
    "      cls_feed(&l.s, buf + off, m); ref_feed(&r.s, buf + off, m); off += m;\n"
    "      if (!same(&l, &r)) { printf(\"abi: case %lu differs after chunk %lu\\n\", cases, i); return 1; }\n"
    "      if (cls_label(&l.s) != ref_label(&r.s)) { printf(\"abi: case %lu label\\n\", cases); return 1; } }\n"
    "    free(buf); cases++;\n"
    "  }\n"
    "  printf(\"abi ok %lu\\n\", cases);\n  fclose(f);\n  return 0;\n}\n");
}

/* Link OBJ with the driver, run it on cases.bin, check its output
** (check_output); returns the output (caller frees). */
static char *run_and_check(const Case *k, const char *obj, const Input *v, int nv)
{
  assert_int_equal(run("cd '%s' && cc -std=c99 -Wall -Wextra -Werror -O1 -o drv drv.c %s && ./drv cases.bin > out.txt",
                       tmpdir, obj), 0);
  size_t len;
  char *out = slurp("out.txt", &len);
  check_output(k, v, nv, obj);
  return out;
}

/* For each style: the C back end's header + code as the reference, then the
** LLVM object at each of OPTS; all outputs must be identical. */
static void check_inputs(const Case *k, Input *v, int nv, uint64_t seed,
                         const int *opts, int nopts, int nstyles)
{
  write_cases(v, nv, seed + 1);
  write_driver();
  write_abi_driver();
  for (int style = 0; style < nstyles; style++) {
    EmitStyle st = style ? STYLE_SWITCH : STYLE_TABLE;
    EmitInput in = input_of(k, "cls", st, NULL, NULL);
    emit_c_files(k, "cls", st, 0);
    char *ref = run_and_check(k, "cls.c", v, nv);
    emit_c_files(k, "ref", st, 0);
    for (int i = 0; i < nopts; i++) {
      assert_int_equal(emit_to(&in, "cls_llvm.o", LLVM_OBJ, NULL, opts[i]), 0);
      char *got = run_and_check(k, "cls_llvm.o", v, nv);
      if (strcmp(ref, got) != 0) fprintf(stderr, "style %d -O%d differs from the C back end\n", style, opts[i]);
      assert_string_equal(ref, got);
      free(got);
      assert_int_equal(run("cd '%s' && cc -std=c99 -Wall -Wextra -Werror -O1 -o abi abi.c ref.c cls_llvm.o && "
                           "./abi cases.bin | grep -q '^abi ok'", tmpdir), 0);
    }
    free(ref);
  }
  free_inputs(v, nv);
}

static void check_case(const Case *k, const char *alpha, int maxlen, int nrand, uint64_t seed,
                       const int *opts, int nopts, int nstyles)
{
  int nv;
  Input *v = make_inputs(alpha, maxlen, nrand, 80, seed, &nv);
  check_inputs(k, v, nv, seed, opts, nopts, nstyles);
}

/* ---- chars and words --------------------------------------------------- */

/* A random machine over a chars or words tokenizer built from a few texts
** (ASCII, UTF-8 letters, punctuation, invalid bytes): symbols in 4 random
** groups, 7 states, 3 classes. */
static void token_machine(Case *k, TokensKind kind, int punct, uint64_t seed)
{
  static char *const texts[] = {
    "The cat sat on the mat.", "the dog, the cat!", "A catalog of cats; dogs too?",
    "caf\xc3\xa9 na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac cat \xf0\x9f\x98\x80", "x y z, x-y; \"quoted\" 42 4two",
    "THE CAT", "ca c cat cats catalog", "\xff bad \xe6\x97 utf8 \xed\xa0\x80",
  };
  token_machine_of(k, texts, kind, punct, (const int[2]){ 30, 40 }, 7, seed);
}

static void put_cp(unsigned char *o, size_t *n, uint32_t c)
{
  if (c < 0x80) o[(*n)++] = (unsigned char)c;
  else if (c < 0x800) { o[(*n)++] = (unsigned char)(0xC0 | c >> 6); o[(*n)++] = (unsigned char)(0x80 | (c & 0x3F)); }
  else if (c < 0x10000) {
    o[(*n)++] = (unsigned char)(0xE0 | c >> 12); o[(*n)++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[(*n)++] = (unsigned char)(0x80 | (c & 0x3F));
  } else {
    o[(*n)++] = (unsigned char)(0xF0 | c >> 18); o[(*n)++] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    o[(*n)++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F)); o[(*n)++] = (unsigned char)(0x80 | (c & 0x3F));
  }
}

/* NRAND random inputs of up to 24 pieces.  Words: vocabulary words (some
** upper-cased), unknown words, separators (space, controls, punctuation)
** and bytes >= 0x80.  Chars: code points of the vocabulary and random ones
** of every length, and ill-formed UTF-8 (stray continuation bytes,
** truncated sequences, overlongs, surrogates, > U+10FFFF, F5..FF). */
static Input *make_token_inputs(const Case *k, int nrand, uint64_t seed, int *count)
{
  static const char *const seps[] = { " ", "  ", ",", ".", "!", "\t", "\n", "-", "\"", "'", "\x01", "\x7f", "?!" };
  static const char *const unknown[] = { "zebra", "catz", "c", "ca", "cat\xc3", "\xc3\xa9", "\xff\xfe", "42x", "dogs" };
  static const char *const badutf[] = {
    "\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc3", "\xe6\x97", "\xe0\x80\x80", "\xed\xa0\x80",
    "\xf4\x90\x80\x80", "\xf5\x80", "\xff", "\xf0\x9f\x98", "\xe6", "\xf0",
  };
  const Tokenizer *t = &k->tok;
  Rng r;
  rng_seed(&r, seed);
  Input *v = xcalloc((size_t)nrand, sizeof *v);
  for (int j = 0; j < nrand; j++) {
    unsigned char *o = xmalloc(24 * 16 + 1);
    size_t n = 0;
    int parts = (int)rng_below(&r, 25);
    for (int q = 0; q < parts; q++) {
      const char *piece = NULL;
      unsigned pick = (unsigned)rng_below(&r, 10);
      if (t->kind == TOKS_WORDS) {
        if (pick < 5 && t->nsym > 1) {
          const char *w = t->sym_names[1 + rng_below(&r, (uint64_t)t->nsym - 1)];
          size_t m = strlen(w);
          int up = rng_below(&r, 5) == 0;
          for (size_t i = 0; i < m && i < 15; i++)
            o[n++] = up && w[i] >= 'a' && w[i] <= 'z' ? (unsigned char)(w[i] - 32) : (unsigned char)w[i];
        } else if (pick < 8) piece = seps[rng_below(&r, sizeof seps / sizeof seps[0])];
        else piece = unknown[rng_below(&r, sizeof unknown / sizeof unknown[0])];
      } else {
        const TokTables *tt = tok_tables(t);
        if (pick < 5 && tt->ncp > 0) put_cp(o, &n, tt->cp[rng_below(&r, (uint64_t)tt->ncp)]);
        else if (pick < 8) {
          static const uint32_t lim[4] = { 0x80, 0x800, 0x10000, 0x110000 };
          uint32_t c = (uint32_t)rng_below(&r, lim[rng_below(&r, 4)]);
          if (c >= 0xD800 && c < 0xE000) c = 0xFFFD;
          put_cp(o, &n, c);
        } else piece = badutf[rng_below(&r, sizeof badutf / sizeof badutf[0])];
      }
      if (piece) for (size_t i = 0; piece[i] && i < 15; i++) o[n++] = (unsigned char)piece[i];
    }
    v[j].s = o;
    v[j].n = n;
  }
  *count = nrand;
  return v;
}

/* C back end against the LLVM object at -O OPT, both styles: labels
** equal tok_encode + fsa_classify, and equal the C code's after every
** random chunk, with identical state bytes (abi.c). */
static void check_tokens(TokensKind kind, int punct, uint64_t seed, int opt)
{
  Case k;
  token_machine(&k, kind, punct, seed);
  int nv;
  Input *v = make_token_inputs(&k, 1500, seed + 1, &nv);
  check_inputs(&k, v, nv, seed + 2, &opt, 1, 2);
  case_free(&k);
}

/* ---- tests ------------------------------------------------------------- */

static void test_tomita4_objects(void **state)
{
  (void)state;
  Case k;
  tomita4(&k);
  int opts[] = { 0, 2 };
  check_case(&k, "01", 10, 400, 4, opts, 2, 2);
  case_free(&k);
}

static void test_bytes_objects(void **state)
{
  (void)state;
  Case k;
  bytes_machine(&k, 7, "m\"i\\d\xc3\xa9", 77);   /* a name with quotes, a backslash, non-ASCII */
  const char *alpha = nonzero_bytes();
  int opts[] = { 1, 3 };
  check_case(&k, alpha, 1, 400, 5, opts, 2, 2);
  case_free(&k);
}

/* DNA: 20 random states over "ACGT" without catch-all, 4 input classes
** plus the error class: 2-bit digits, four-byte steps (20 rows of 2^8 + 4),
** error bytes leaving from every kind of step. */
static void test_dna_objects(void **state)
{
  (void)state;
  Case k;
  Rng r;
  rng_seed(&r, 91);
  grouped_machine(&k, &r, 20, 4, 4, 2, 0);
  alphabet_tok(&k.tok, "ACGT", 0);
  set_names(&k, 2, (const char *const[]){ "no", "yes" });
  int opts[] = { 0, 2 };
  check_case(&k, "ACGT", 5, 400, 9, opts, 2, 2);
  case_free(&k);
}

/* The packed table (emit_plan.h) as IR: 8-byte words (swar: bit 0 set in
** class 1's byte; bits 0 and 1 apart with the flipped index; 8 rows) and
** class loads (catch-all; max_step 4 and 2; 3-bit digits in 2-byte
** steps), with every wrong byte at every offset, at -O0 to -O3. */
static void test_packed_objects(void **state)
{
  (void)state;
  static const struct { const char *alpha; int catchall, ns, max_step; } cs[] = {
    { "01", 0, 4, 0 }, { "ab", 0, 3, 0 }, { "AQ", 0, 7, 0 }, { "01", 1, 4, 0 },
    { "01", 0, 5, 4 }, { "01", 0, 4, 2 }, { "abcdef", 0, 5, 0 },
  };
  for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
    Case k;
    alpha_machine(&k, cs[i].alpha, cs[i].catchall, cs[i].ns, 60 + i);
    fixture_max_step = cs[i].max_step;
    int nv, opts[2] = { (int)(i % 2), 2 + (int)(i % 2) };
    Input *v = make_inputs(cs[i].alpha, strlen(cs[i].alpha) > 2 ? 4 : 8, 300, 60, 70 + i, &nv);
    v = add_bad_byte_inputs(v, &nv, cs[i].alpha, 80 + i);
    check_inputs(&k, v, nv, 90 + i, opts, 2, 1);
    case_free(&k);
  }
  fixture_max_step = 0;
}

/* An accepting sink without error class: both styles, read or skipped. */
static void test_sink_objects(void **state)
{
  (void)state;
  Case k;
  sink_machine(&k);
  int opts[] = { 0, 2 };
  check_case(&k, "abxy", 4, 300, 12, opts, 2, 2);
  case_free(&k);
}

static void test_wide_state_objects(void **state)
{
  (void)state;
  Case k;
  sum_machine(&k, 100, 5);
  const char *alpha = nonzero_bytes();
  int opts[] = { 2 };
  check_case(&k, alpha, 1, 300, 6, opts, 1, 2);
  case_free(&k);
  sum_machine(&k, 300, 256);   /* table style only: a 300 x 256 switch takes minutes to compile */
  check_case(&k, alpha, 1, 300, 7, opts, 1, 1);
  case_free(&k);
}

static void test_chars_objects(void **state)
{
  (void)state;
  check_tokens(TOKS_CHARS, 0, 41, 0);
  check_tokens(TOKS_CHARS, 0, 44, 2);
}

static void test_words_objects(void **state)
{
  (void)state;
  check_tokens(TOKS_WORDS, 1, 42, 2);
  check_tokens(TOKS_WORDS, 0, 43, 0);
}

/* .ll and .bc parse back into modules that verify, at every level and style;
** the same input gives the same bytes. */
static void test_ir_bitcode(void **state)
{
  (void)state;
  Case k;
  tomita4(&k);
  for (int style = 0; style < 2; style++)
    for (int opt = 0; opt <= 3; opt++) {
      EmitInput in = input_of(&k, "t4", style ? STYLE_SWITCH : STYLE_TABLE, NULL, NULL);
      assert_int_equal(emit_to(&in, "a.ll", LLVM_IR, NULL, opt), 0);
      assert_int_equal(emit_to(&in, "b.ll", LLVM_IR, NULL, opt), 0);
      assert_int_equal(emit_to(&in, "a.bc", LLVM_BC, NULL, opt), 0);
      assert_int_equal(emit_to(&in, "b.bc", LLVM_BC, NULL, opt), 0);
      assert_int_equal(emit_to(&in, "a.o", LLVM_OBJ, NULL, opt), 0);
      assert_int_equal(emit_to(&in, "b.o", LLVM_OBJ, NULL, opt), 0);
      assert_int_equal(run("cd '%s' && cmp a.ll b.ll && cmp a.bc b.bc && cmp a.o b.o", tmpdir), 0);

      LLVMContextRef ctx = LLVMContextCreate();
      size_t len;
      char *text = slurp("a.ll", &len);
      assert_non_null(strstr(text, "define void @t4_feed("));
      assert_non_null(strstr(text, "@t4_classify("));
      LLVMMemoryBufferRef mb = LLVMCreateMemoryBufferWithMemoryRangeCopy(text, len, "a.ll");
      LLVMModuleRef m = NULL;
      char *msg = NULL;
      int bad = LLVMParseIRInContext(ctx, mb, &m, &msg);   /* takes MB */
      if (bad) fprintf(stderr, "%s\n", msg);
      assert_int_equal(bad, 0);
      assert_int_equal(LLVMVerifyModule(m, LLVMReturnStatusAction, &msg), 0);
      LLVMDisposeMessage(msg);
      assert_non_null(LLVMGetNamedFunction(m, "t4_label"));
      LLVMDisposeModule(m);
      free(text);

      char *bc = slurp("a.bc", &len);
      mb = LLVMCreateMemoryBufferWithMemoryRangeCopy(bc, len, "a.bc");
      assert_int_equal(LLVMParseBitcodeInContext2(ctx, mb, &m), 0);
      LLVMDisposeMemoryBuffer(mb);
      assert_int_equal(LLVMVerifyModule(m, LLVMReturnStatusAction, &msg), 0);
      LLVMDisposeMessage(msg);
      assert_non_null(LLVMGetNamedFunction(m, "t4_class_name"));
      LLVMDisposeModule(m);
      free(bc);
      LLVMContextDispose(ctx);
    }
  case_free(&k);
}

/* Bytes from the data and the command line (class names, model and spec
** file names) cannot break the .ll text: it parses back, verifies and keeps
** the names' bytes. */
static void test_hostile_names(void **state)
{
  (void)state;
  Case k;
  tomita4(&k);
  free(k.names[0]);
  free(k.names[1]);
  k.names[0] = xstrdup("re\"ject\n; }\x01\xff");
  k.names[1] = xstrdup("!0 = '\\'");
  Provenance pv = { "0.1.0", "mo\"del\n!x", "a\nb'.spec\"", 42, 1, 2, 3, "gru", 8, 0 };
  EmitInput in = input_of(&k, "t4", STYLE_SWITCH, NULL, NULL);
  in.prov = &pv;
  assert_int_equal(emit_to(&in, "h.ll", LLVM_IR, NULL, 0), 0);
  size_t len;
  char *text = slurp("h.ll", &len);
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMMemoryBufferRef mb = LLVMCreateMemoryBufferWithMemoryRangeCopy(text, len, "h.ll");
  LLVMModuleRef m = NULL;
  char *msg = NULL;
  int bad = LLVMParseIRInContext(ctx, mb, &m, &msg);
  if (bad) fprintf(stderr, "%s\n", msg);
  assert_int_equal(bad, 0);
  assert_int_equal(LLVMVerifyModule(m, LLVMReturnStatusAction, &msg), 0);
  LLVMDisposeMessage(msg);
  size_t n;
  const char *sf = LLVMGetSourceFileName(m, &n);
  assert_int_equal(n, strlen(pv.spec_file));
  assert_memory_equal(sf, pv.spec_file, n);
  LLVMValueRef g = LLVMGetNamedGlobal(m, "t4_str.0");
  assert_non_null(g);
  size_t slen;
  const char *str = LLVMGetAsString(LLVMGetInitializer(g), &slen);
  assert_int_equal(slen, strlen(k.names[0]) + 1);
  assert_memory_equal(str, k.names[0], slen);
  LLVMDisposeModule(m);
  LLVMContextDispose(ctx);
  free(text);
  case_free(&k);
}

/* A state no input reaches (automata need not be minimal): both styles
** still build a valid module and classify right. */
static void test_unreachable_state(void **state)
{
  (void)state;
  Case k;
  tomita4(&k);
  Fsa *f = fsa_new(5, 2, 2, 0);
  memcpy(f->next, k.f->next, 8 * sizeof *f->next);
  memcpy(f->label, k.f->label, 4 * sizeof *f->label);
  f->next[8] = 4; f->next[9] = 0;   /* state 4: only itself leads to it */
  f->label[4] = 1;
  fsa_symclasses(f);
  fsa_free(k.f);
  k.f = f;
  int opts[] = { 0 };
  check_case(&k, "01", 6, 50, 9, opts, 1, 2);
  case_free(&k);
}

/* Objects for other targets where this LLVM has them, in the right format. */
static void test_cross_targets(void **state)
{
  (void)state;
  Case k;
  tomita4(&k);
  static const struct { const char *triple, *magic; size_t n; } t[] = {
    { "thumbv7em-none-eabi", "\x7f" "ELF\x01", 5 },       /* 32-bit ELF */
    { "riscv32-unknown-elf", "\x7f" "ELF\x01", 5 },
    { "aarch64-unknown-linux-gnu", "\x7f" "ELF\x02", 5 }, /* 64-bit ELF */
    { "wasm32-unknown-unknown", "\0asm", 4 },
    { "avr-unknown-unknown", "\x7f" "ELF\x01", 5 },        /* C int is 16 bits */
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    for (int style = 0; style < 2; style++) {
      EmitInput in = input_of(&k, "t4", style ? STYLE_SWITCH : STYLE_TABLE, NULL, NULL);
      assert_int_equal(emit_to(&in, "x.o", LLVM_OBJ, t[i].triple, 2), 0);
      size_t len;
      char *o = slurp("x.o", &len);
      assert_true(len > t[i].n);
      assert_memory_equal(o, t[i].magic, t[i].n);
      free(o);
      assert_int_equal(emit_to(&in, "x.ll", LLVM_IR, t[i].triple, 2), 0);
      char *ll = slurp("x.ll", &len);
      char *norm = LLVMNormalizeTargetTriple(t[i].triple);    /* as clang: thumbv7em-none-unknown-eabi */
      char *want = xasprintf("target triple = \"%s\"", norm);
      LLVMDisposeMessage(norm);
      assert_non_null(strstr(ll, want));
      /* size_t and int follow the target */
      if (!strncmp(t[i].triple, "aarch64", 7)) assert_non_null(strstr(ll, "i64 %n"));
      else if (!strncmp(t[i].triple, "avr", 3)) {
        assert_non_null(strstr(ll, "i16 %n"));
        assert_non_null(strstr(ll, "signext i16 @t4_label("));
      } else assert_non_null(strstr(ll, "i32 %n"));
      free(want);
      free(ll);
    }
  case_free(&k);
}

/* Errors: unknown target (usage, with the list), bad prefix: reported,
** nothing written. */
static void test_errors(void **state)
{
  (void)state;
  Case k;
  tomita4(&k);
  EmitInput in = input_of(&k, "t4", STYLE_TABLE, NULL, NULL);
  assert_int_equal(emit_llvm_check_target("nosucharch-unknown-none", LLVM_IR), RNF_EXIT_USAGE);
  assert_int_equal(emit_llvm_check_target(NULL, LLVM_OBJ), 0);
  assert_int_equal(emit_llvm_check_target("riscv32-unknown-elf", LLVM_OBJ), 0);
  /* NVPTX has IR but no object files */
  assert_int_equal(emit_llvm_check_target("nvptx64-nvidia-cuda", LLVM_BC), 0);
  assert_int_equal(emit_llvm_check_target("nvptx64-nvidia-cuda", LLVM_OBJ), RNF_EXIT_USAGE);
  assert_int_equal(emit_to(&in, "e.ll", LLVM_IR, "nvptx64-nvidia-cuda", 1), 0);
  assert_int_equal(emit_to(&in, "e.o", LLVM_OBJ, "nosucharch-unknown-none", 2), RNF_EXIT_USAGE);
  size_t len;
  free(slurp("e.o", &len));
  assert_int_equal(len, 0);
  in.prefix = "9bad";
  assert_int_equal(emit_to(&in, "e.o", LLVM_OBJ, NULL, 2), RNF_EXIT_SPEC);
  case_free(&k);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tomita4_objects),
    cmocka_unit_test(test_bytes_objects),
    cmocka_unit_test(test_dna_objects),
    cmocka_unit_test(test_sink_objects),
    cmocka_unit_test(test_packed_objects),
    cmocka_unit_test(test_wide_state_objects),
    cmocka_unit_test(test_chars_objects),
    cmocka_unit_test(test_words_objects),
    cmocka_unit_test(test_ir_bitcode),
    cmocka_unit_test(test_unreachable_state),
    cmocka_unit_test(test_hostile_names),
    cmocka_unit_test(test_cross_targets),
    cmocka_unit_test(test_errors),
  };
  if (getenv("TEST_FILTER")) cmocka_set_test_filter(getenv("TEST_FILTER"));
  return cmocka_run_group_tests(tests, setup, teardown);
}
