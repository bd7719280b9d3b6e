/*
** test_spec.c -- the spec front end: scanner, parser, recovery, schema
** checks, defaults and the --print-spec round trip.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "diag.h"
#include "spec.h"

/* Parse TEXT (spec_parse registers it with diag; stderr silenced); *NERR gets the count. */
static SpecAst *parse(const char *file, const char *text, size_t len, int *nerr)
{
  diag_reset();
  fflush(stderr);
  int saved = dup(2), null = open("/dev/null", O_WRONLY);
  dup2(null, 2);
  SpecAst *a = spec_parse(file, text, len, nerr);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(null);
  return a;
}

static SpecAst *parse_s(const char *text, int *nerr) { return parse("t.spec", text, strlen(text), nerr); }

/* spec_check with stderr captured into *OUT (caller frees). */
static int check(const SpecAst *a, Spec *s, char **out)
{
  fflush(stderr);
  int saved = dup(2);
  FILE *tmp = tmpfile();
  assert_non_null(tmp);
  dup2(fileno(tmp), 2);
  int n = spec_check(a, s);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  long len = ftell(tmp);
  rewind(tmp);
  char *buf = calloc(1, (size_t)len + 1);
  assert_int_equal(fread(buf, 1, (size_t)len, tmp), (size_t)len);
  fclose(tmp);
  if (out) *out = buf;
  else free(buf);
  return n;
}

/* Parse and check TEXT; returns the error count, *OUT gets stderr. */
static int check_text(const char *file, const char *text, Spec *s, char **out)
{
  int nerr;
  SpecAst *a = parse(file, text, strlen(text), &nerr);
  assert_int_equal(nerr, 0);
  int n = check(a, s, out);
  spec_ast_free(a);
  return n;
}

static const Value *val(const SpecAst *a, int sec, int set, int v)
{
  assert_true(sec < a->nsections);
  assert_true(set < a->sections[sec]->nsettings);
  assert_true(v < a->sections[sec]->settings[set]->nvals);
  return a->sections[sec]->settings[set]->vals[v];
}

/* ---- scanner and parser ---------------------------------------------- */

static void test_values(void **state)
{
  (void)state;
  int nerr;
  SpecAst *a = parse_s(
    "# comment\n"
    "model my-model {\n"
    "  s { k 42 -7 +3 1.5 1e-3 .5 -2.5e2 true false ident_x-y \"str\"; }\n"
    "  t { r 1 .. 20; l [1, [2, 3], \"x\", ]; e []; none; }\n"
    "}\n", &nerr);
  assert_int_equal(nerr, 0);
  assert_string_equal(a->model, "my-model");
  assert_int_equal(a->loc.line, 2);
  assert_int_equal(a->loc.col, 7);
  assert_int_equal(a->nsections, 2);
  assert_string_equal(a->sections[0]->name, "s");
  const Setting *k = a->sections[0]->settings[0];
  assert_string_equal(k->key, "k");
  assert_int_equal(k->nvals, 11);
  assert_int_equal(val(a, 0, 0, 0)->kind, VAL_INT);
  assert_int_equal(val(a, 0, 0, 0)->i, 42);
  assert_int_equal(val(a, 0, 0, 1)->i, -7);
  assert_int_equal(val(a, 0, 0, 2)->i, 3);
  assert_int_equal(val(a, 0, 0, 3)->kind, VAL_REAL);
  assert_true(val(a, 0, 0, 3)->r == 1.5);
  assert_true(val(a, 0, 0, 4)->r == 1e-3);
  assert_true(val(a, 0, 0, 5)->r == 0.5);
  assert_true(val(a, 0, 0, 6)->r == -250.0);
  assert_int_equal(val(a, 0, 0, 7)->kind, VAL_BOOL);
  assert_int_equal(val(a, 0, 0, 7)->i, 1);
  assert_int_equal(val(a, 0, 0, 8)->i, 0);
  assert_int_equal(val(a, 0, 0, 9)->kind, VAL_IDENT);
  assert_string_equal(val(a, 0, 0, 9)->s, "ident_x-y");
  assert_int_equal(val(a, 0, 0, 10)->kind, VAL_STRING);
  assert_string_equal(val(a, 0, 0, 10)->s, "str");
  /* locations: line 3, "42" at column 9..10 */
  assert_int_equal(val(a, 0, 0, 0)->loc.line, 3);
  assert_int_equal(val(a, 0, 0, 0)->loc.col, 9);
  assert_int_equal(val(a, 0, 0, 0)->loc.end_col, 10);

  const Value *r = val(a, 1, 0, 0);
  assert_int_equal(r->kind, VAL_RANGE);
  assert_int_equal(r->lo->i, 1);
  assert_int_equal(r->hi->i, 20);
  assert_int_equal(r->loc.col, 9);
  assert_int_equal(r->loc.end_col, 15);
  const Value *l = val(a, 1, 1, 0);
  assert_int_equal(l->kind, VAL_LIST);
  assert_int_equal(l->nitems, 3);              /* trailing comma allowed */
  assert_int_equal(l->items[1]->kind, VAL_LIST);
  assert_int_equal(l->items[1]->nitems, 2);
  assert_int_equal(l->items[1]->items[1]->i, 3);
  assert_int_equal(val(a, 1, 2, 0)->nitems, 0);
  assert_int_equal(a->sections[1]->settings[3]->nvals, 0);
  spec_ast_free(a);
}

static void test_escapes(void **state)
{
  (void)state;
  int nerr;
  SpecAst *a = parse_s("model m { s { k \"a\\\"\\\\\\n\\t\\r\\0\\x41\\u{e9}\\u{1F600}\xc3\xa9\"; } }", &nerr);
  assert_int_equal(nerr, 0);
  const Value *v = val(a, 0, 0, 0);
  static const char want[] = "a\"\\\n\t\r\0A\xc3\xa9\xf0\x9f\x98\x80\xc3\xa9";
  assert_int_equal(v->len, sizeof want - 1);
  assert_memory_equal(v->s, want, sizeof want - 1);
  spec_ast_free(a);

  /* each bad escape is its own error; the string still yields a value */
  a = parse_s("model m { s { k \"\\q \\x4 \\u{} \\u{110000} \\u{d800}\"; } }", &nerr);
  assert_int_equal(nerr, 5);
  assert_int_equal(a->nsections, 1);
  assert_int_equal(a->sections[0]->nsettings, 1);
  spec_ast_free(a);

  a = parse_s("model m { s { k \"\xff\"; k2 \"\x01\"; } }", &nerr);   /* bad UTF-8, raw control byte */
  assert_int_equal(nerr, 2);
  spec_ast_free(a);
}

static void test_lexical_errors(void **state)
{
  (void)state;
  int nerr;
  SpecAst *a = parse_s("model m { s { k @ 1; j 99999999999999999999; x 1e999; y 3abc; } }", &nerr);
  assert_int_equal(nerr, 4);
  assert_int_equal(a->sections[0]->nsettings, 4);   /* parsing carried on */
  spec_ast_free(a);

  a = parse_s("model m { s { k \"open\n; } }", &nerr);
  assert_int_equal(nerr, 1);                           /* unterminated string, then recovery */
  spec_ast_free(a);

  static const char nul[] = "model m { s { k 1;\0 } }";
  a = parse("t.spec", nul, sizeof nul - 1, &nerr);
  assert_int_equal(nerr, 1);                           /* "invalid byte 0x00" */
  spec_ast_free(a);

  /* reals running into letters are one bad token each, as "3abc" is; ".."
  ** after digits is still a range, and good reals still lex */
  a = parse_s("model m { s { a 0.01f; b 1.5abc; c 2.5E+; d 1.; e 1..20; f 1.5e-3; g .5; h 2E+2; } }", &nerr);
  assert_int_equal(nerr, 4);
  assert_int_equal(a->sections[0]->nsettings, 8);
  for (int i = 0; i < 4; i++) assert_int_equal(a->sections[0]->settings[i]->nvals, 1);
  assert_int_equal(val(a, 0, 0, 0)->loc.col, 17);      /* the whole '0.01f' */
  assert_int_equal(val(a, 0, 0, 0)->loc.end_col, 21);
  assert_int_equal(val(a, 0, 4, 0)->kind, VAL_RANGE);
  assert_true(val(a, 0, 5, 0)->kind == VAL_REAL && val(a, 0, 5, 0)->r == 1.5e-3);
  assert_true(val(a, 0, 6, 0)->kind == VAL_REAL && val(a, 0, 6, 0)->r == 0.5);
  assert_true(val(a, 0, 7, 0)->kind == VAL_REAL && val(a, 0, 7, 0)->r == 200);
  spec_ast_free(a);
}

static void test_crlf_and_lines(void **state)
{
  (void)state;
  int nerr;
  SpecAst *a = parse_s("model m {\r\n  s {\r\n    k 1;\r\n  }\r\n}\r\n", &nerr);
  assert_int_equal(nerr, 0);
  assert_int_equal(a->sections[0]->settings[0]->loc.line, 3);
  assert_int_equal(a->sections[0]->settings[0]->loc.col, 5);
  spec_ast_free(a);

  /* old Mac files: a lone CR ends a line (and a comment); CR CR is two */
  a = parse_s("model m {\r  s { # c\r\r    k 1;\r  }\r}\r", &nerr);
  assert_int_equal(nerr, 0);
  assert_int_equal(a->sections[0]->nsettings, 1);
  assert_int_equal(a->sections[0]->settings[0]->loc.line, 4);
  assert_int_equal(a->sections[0]->settings[0]->loc.col, 5);
  spec_ast_free(a);

  /* a leading UTF-8 BOM is skipped by spec_parse itself: columns count
  ** from after it, and the registered line quoted for diagnostics lacks it */
  a = parse_s("\xEF\xBB\xBFmodel m { s { k 1; } }\n", &nerr);
  assert_int_equal(nerr, 0);
  assert_int_equal(a->loc.col, 7);          /* the model name */
  assert_int_equal(a->sections[0]->settings[0]->loc.col, 15);
  size_t n;
  const char *line = diag_source_line("t.spec", 1, &n);
  assert_non_null(line);
  assert_int_equal(n, 22);
  assert_memory_equal(line, "model m {", 9);
  spec_ast_free(a);
}

static void test_recovery(void **state)
{
  (void)state;
  int nerr;
  /* three independent syntax errors in three settings, all reported */
  SpecAst *a = parse_s("model m {\n s { a 1 ] ; b [1 2]; c 3 .. ; d 4; }\n t { e 5; }\n}\n", &nerr);
  assert_int_equal(nerr, 3);
  assert_int_equal(a->nsections, 2);
  assert_string_equal(a->sections[1]->name, "t");
  /* the good settings survive */
  assert_string_equal(a->sections[0]->settings[a->sections[0]->nsettings - 1]->key, "d");
  spec_ast_free(a);

  /* a missing ';' before '}' closes the section anyway */
  a = parse_s("model m { s { a 1 } t { b 2; } }", &nerr);
  assert_int_equal(nerr, 1);
  assert_int_equal(a->nsections, 2);
  spec_ast_free(a);

  /* errors are capped: 20 reported and counted, then "too many errors" */
  char buf[4096] = "model m { s {";
  for (int i = 0; i < 40; i++) strcat(buf, " a ] ;");
  strcat(buf, " } }");
  a = parse_s(buf, &nerr);
  assert_int_equal(nerr, 20);
  spec_ast_free(a);

  a = parse_s("model m { s { a 1;", &nerr);
  assert_int_equal(nerr, 1);                            /* unexpected end of file */
  assert_int_equal(a->sections[0]->nsettings, 1);
  spec_ast_free(a);
}

static void test_no_crash_on_garbage(void **state)
{
  (void)state;
  Rng r;
  rng_seed(&r, 7);
  static const char *frags[] = { "model", " m", " {", " }", "[", "]", ",", ";", "..", " 1", " -2",
                                 " 1.5", " \"s\"", " \"\\", " x", " true", "#c\n", "\n", "\r\n", "\0", "\xff", "@" };
  int nfrag = (int)(sizeof frags / sizeof frags[0]);
  char buf[600];
  for (int it = 0; it < 3000; it++) {
    size_t n = 0;
    if (it % 2) {                                       /* random bytes */
      n = (size_t)rng_below(&r, 300);
      for (size_t i = 0; i < n; i++) buf[i] = (char)rng_below(&r, 256);
    } else {                                            /* random token soup */
      while (n < 500) {
        const char *f = frags[rng_below(&r, (uint64_t)nfrag)];
        size_t fl = f[0] ? strlen(f) : 1;
        memcpy(buf + n, f, fl);
        n += fl;
        if (rng_below(&r, 40) == 0) break;
      }
    }
    int nerr;
    SpecAst *a = parse("fuzz.spec", buf, n, &nerr);
    assert_non_null(a);
    assert_true(nerr >= 0 && nerr <= 21);
    Spec s;
    check(a, &s, NULL);            /* checking a partial tree must not crash either */
    spec_free(&s);
    spec_ast_free(a);
  }
}

static void test_deep_nesting(void **state)
{
  (void)state;
  size_t depth = 200000;
  char *buf = malloc(depth * 2 + 64);
  size_t n = (size_t)sprintf(buf, "model m { s { k ");
  memset(buf + n, '[', depth);
  n += depth;
  memset(buf + n, ']', depth);
  n += depth;
  n += (size_t)sprintf(buf + n, "; } }");
  int nerr;
  SpecAst *a = parse("deep.spec", buf, n, &nerr);
  assert_true(nerr >= 1);                     /* "lists nested too deeply" */
  spec_ast_free(a);

  /* moderately deep nesting is fine */
  n = (size_t)sprintf(buf, "model m { s { k ");
  memset(buf + n, '[', 100);
  memset(buf + n + 100, ']', 100);
  n += 200;
  n += (size_t)sprintf(buf + n, "; } }");
  a = parse("deep.spec", buf, n, &nerr);
  assert_int_equal(nerr, 0);
  spec_ast_free(a);
  free(buf);
}

/* ---- checking -------------------------------------------------------- */

static const char tomita4[] =
  "model tomita4 {\n"
  "  data { generate tomita 4; }\n"
  "}\n";

static void test_defaults(void **state)
{
  (void)state;
  Spec s;
  char *out;
  assert_int_equal(check_text("ex/tomita4.spec", tomita4, &s, &out), 0);
  assert_string_equal(out, "");
  free(out);
  assert_string_equal(s.name, "tomita4");
  assert_string_equal(s.dir, "ex");
  assert_int_equal(s.data.source, SRC_TOMITA);
  assert_int_equal(s.data.tomita, 4);
  assert_int_equal(s.data.tokens, TOKS_ALPHABET);
  assert_string_equal(s.data.alphabet, "01");
  assert_int_equal(s.data.len_min, 1);
  assert_int_equal(s.data.len_max, 20);
  assert_int_equal(s.data.samples, 10000);
  assert_int_equal(s.data.split[0], 80);
  assert_int_equal(s.data.split[1], 10);
  assert_int_equal(s.data.split[2], 10);
  assert_int_equal(s.data.vocab, 2000);
  assert_int_equal(s.data.text_column, -1);
  assert_true(s.data.punct);
  assert_false(s.data.catchall);
  assert_int_equal(s.data.seed, 1);
  assert_int_equal(s.rnn.cell, CELL_GRU);
  assert_int_equal(s.rnn.hidden, 16);
  assert_int_equal(s.rnn.embed, 0);
  assert_int_equal(s.rnn.layers, 1);
  assert_int_equal(s.rnn.epochs, 20);
  assert_int_equal(s.rnn.batch, 32);
  assert_true(s.rnn.learning_rate == 0.01);
  assert_int_equal(s.rnn.optimizer, OPT_ADAM);
  assert_true(s.rnn.clip == 5.0);
  assert_int_equal(s.rnn.patience, 5);
  assert_int_equal(s.extract.method, EXTRACT_KMEANS);
  assert_int_equal(s.extract.k, 0);
  assert_int_equal(s.extract.kmax, 64);
  assert_int_equal(s.extract.restarts, 3);
  assert_int_equal(s.extract.iterations, 100);
  assert_true(s.extract.fidelity == 0.99);
  assert_true(s.extract.minimize);
  assert_int_equal(s.extract.label, LABEL_CENTROID);
  assert_false(s.extract.use_valid);
  assert_int_equal(s.extract.max_states, 200000);
  assert_int_equal(s.emit.style, STYLE_TABLE);
  assert_string_equal(s.emit.prefix, "tomita4");
  assert_string_equal(spec_cell_name(s.rnn.cell), "gru");
  assert_string_equal(spec_tokens_name(s.data.tokens), "alphabet");
  spec_free(&s);
}

static void test_settings_stored(void **state)
{
  (void)state;
  Spec s;
  assert_int_equal(check_text("t.spec",
    "model \"9 lives\" {\n"
    "  data { generate regex \"(01)*\"; alphabet \"01\"; length 0 .. 8; samples 500; split [70, 20, 10]; seed 9; }\n"
    "  rnn { cell lstm; hidden 8; embed 4; layers 1; learning_rate 1; optimizer sgd; clip 0; l2 1e-4; patience 0; seed 3; }\n"
    "  extract { method xmeans; k 12; kmax 20; fidelity 1; minimize false; label majority; states valid; max_states 0; }\n"
    "  emit { style switch; }\n"
    "}\n", &s, NULL), 0);
  assert_int_equal(s.data.source, SRC_REGEX);
  assert_string_equal(s.data.regex, "(01)*");
  assert_int_equal(s.data.len_min, 0);
  assert_int_equal(s.data.len_max, 8);
  assert_int_equal(s.data.split[0], 70);
  assert_int_equal(s.data.seed, 9);
  assert_int_equal(s.rnn.cell, CELL_LSTM);
  assert_true(s.rnn.learning_rate == 1.0);
  assert_true(s.rnn.l2 == 1e-4);
  assert_int_equal(s.rnn.optimizer, OPT_SGD);
  assert_int_equal(s.rnn.seed, 3);
  assert_int_equal(s.extract.method, EXTRACT_XMEANS);
  assert_int_equal(s.extract.k, 12);
  assert_false(s.extract.minimize);
  assert_true(s.extract.use_valid);
  assert_int_equal(s.emit.style, STYLE_SWITCH);
  assert_string_equal(s.emit.prefix, "m9_lives");    /* from the model name */
  spec_free(&s);
}

/* Each class of semantic error: count and the key part of the message. */
static void expect_error(const char *body, int nerr, const char *needle)
{
  char text[2048];
  snprintf(text, sizeof text, "model m {\n%s\n}\n", body);
  Spec s;
  char *out;
  int n = check_text("t.spec", text, &s, &out);
  if (n != nerr || !strstr(out, needle))
    fail_msg("spec:\n%s\nwant %d error(s) with \"%s\", got %d:\n%s", text, nerr, needle, n, out);
  free(out);
  spec_free(&s);
}

static void test_errors(void **state)
{
  (void)state;
  const char *gen = "data { generate tomita 4; }";
  char b[1024];
#define WITH(x) (snprintf(b, sizeof b, "%s\n%s", gen, x), b)
  expect_error(WITH("rnnn { }"), 1, "unknown section 'rnnn'; did you mean 'rnn'?");
  expect_error(WITH("rnn { hiden 16; }"), 1, "unknown key 'hiden' in section 'rnn'; did you mean 'hidden'?");
  expect_error(WITH("data2 { }"), 1, "did you mean 'data'?");
  expect_error(WITH("extract { cell gru; }"), 1, "'cell' belongs in section 'rnn'");
  expect_error(WITH("rnn { hidden \"16\"; }"), 1, "expected an integer for 'hidden', got string");
  expect_error(WITH("rnn { hidden 1.5; }"), 1, "expected an integer for 'hidden', got real number");
  expect_error(WITH("rnn { hidden 16 32; }"), 1, "'hidden' takes 1 value, got 2");
  expect_error(WITH("rnn { hidden; }"), 1, "missing value for 'hidden'");
  expect_error(WITH("rnn { hidden 0; }"), 1, "'hidden' must be between 1 and 4096, got 0");
  expect_error(WITH("rnn { hidden 5000; }"), 1, "'hidden' must be between 1 and 4096, got 5000");
  expect_error(WITH("rnn { learning_rate -0.1; }"), 1, "'learning_rate' must be greater than 0 and at most 10, got -0.1");
  expect_error(WITH("rnn { learning_rate 0; }"), 1, "greater than 0");
  expect_error(WITH("rnn { clip -1; }"), 1, "'clip' must be at least 0, got -1");
  expect_error(WITH("rnn { cell gruu; }"), 1, "invalid value 'gruu' for 'cell'; did you mean 'gru'?");
  expect_error(WITH("rnn { cell banana; }"), 1, "expected elman, mgu, gru or lstm");
  expect_error(WITH("rnn { cell 3; }"), 1, "expected elman, mgu, gru or lstm for 'cell', got integer 3");
  expect_error(WITH("rnn { seed -1; }"), 1, "'seed' must be at least 0, got -1");
  expect_error(WITH("extract { k 1; }"), 1, "'k' must be between 2 and 65536 or auto, got 1");
  expect_error(WITH("extract { k autoo; }"), 1, "expected an integer or auto for 'k'");
  expect_error(WITH("extract { fidelity 0; }"), 1, "'fidelity' must be greater than 0 and at most 1");
  expect_error(WITH("extract { minimize yes; }"), 1, "expected true or false for 'minimize', got name 'yes'");
  expect_error(WITH("rnn { hidden 8; hidden 9; }"), 1, "duplicate key 'hidden' in section 'rnn'");
  expect_error(WITH("rnn { } rnn { }"), 1, "duplicate section 'rnn'");
  expect_error(WITH("emit { prefix \"my-model\"; }"), 1, "'prefix' must be a C identifier without a leading or trailing '_' or a '__' (names C or C++ reserve), got 'my-model'; did you mean 'my_model'?");
  expect_error(WITH("emit { prefix \"\"; }"), 1, "'prefix' must be a C identifier without a leading or trailing '_' or a '__' (names C or C++ reserve)");
  expect_error(WITH("emit { prefix _Foo; }"), 1, "got '_Foo'; did you mean 'Foo'?");
  expect_error(WITH("emit { prefix a__b; }"), 1, "got 'a__b'; did you mean 'a_b'?");
  expect_error(WITH("emit { prefix t4_; }"), 1, "got 't4_'; did you mean 't4'?");
  expect_error("rnn { }", 1, "has no 'data' section");
  expect_error("data { samples 100; }", 1, "section 'data' needs either 'generate ...' or 'train \"FILE\"'");
  expect_error("data { generate tomita 8; }", 1, "Tomita grammars are numbered 1 to 7, got 8");
  expect_error("data { generate tomita; }", 1, "needs the grammar number");
  expect_error("data { generate tomtia 3; }", 1, "unknown generator 'tomtia'; did you mean 'tomita'?");
  expect_error("data { generate regex \"\"; }", 1, "must not be empty");
  /* regexes are parsed by --check, against the alphabet, located in the literal */
  expect_error("data { generate regex \"(01\"; }", 1, "t.spec:2:24: error: invalid regex: unclosed '('");
  expect_error("data { generate regex \"01[01\"; }", 1, "t.spec:2:26: error: invalid regex: unterminated character class");
  expect_error("data { generate regex \"0a\"; }", 1, "t.spec:2:25: error: invalid regex: 'a' is not in the alphabet \"01\"");
  expect_error("data { generate regex \"\\x61\\u{e9}a*\"; alphabet \"a\"; }", 1,
               "t.spec:2:28: error: invalid regex: byte 0xC3 is not in the alphabet \"a\"");   /* mapped through \x61 */
  expect_error("data { generate regex \"(ab)+\"; alphabet \"ab\"; seed 2; rnn_type gru; }", 1,
               "unknown key 'rnn_type' in section 'data'; did you mean 'cell' in section 'rnn'?");  /* regex OK */
  /* generator-only keys with file data */
  expect_error("data { train \"/dev/null\"; samples 100; }", 1, "t.spec:2:27: error: 'samples' only applies to generated data");
  expect_error("data { train \"/dev/null\"; length 1 .. 5; }", 1, "'length' only applies to generated data ('generate ...')");
  expect_error("data { train \"/dev/null\"; length 1 .. 5; }", 1, "t.spec:2:8: note: the data is read from 'train' here");
  /* synonyms before edit distance: 'lr' is not 'l2' */
  expect_error(WITH("rnn { lr 0.1; }"), 1, "unknown key 'lr' in section 'rnn'; did you mean 'learning_rate'?");
  expect_error(WITH("rnn { weight_decay 0.1; }"), 1, "did you mean 'l2'?");
  expect_error(WITH("extract { num_clusters 4; }"), 1, "did you mean 'k'?");
  expect_error(WITH("extract { method xmeans; kmin 4; }"), 1, "unknown key 'kmin' in section 'extract'; did you mean 'k'?");
  expect_error(WITH("extract { max_clusters 40; }"), 1, "did you mean 'kmax'?");
  expect_error(WITH("rnn { embedding_dim 4; }"), 1, "did you mean 'embed'?");
  expect_error("data { generate tomita 4; alphabet \"abc\"; }", 1, "Tomita languages have two symbols");
  expect_error("data { generate regex \"a*\"; alphabet \"aba\"; }", 1, "'alphabet' lists symbol 'a' twice");
  expect_error("data { generate tomita 4; tokens words; }", 1, "use 'tokens alphabet'");
  expect_error("data { generate tomita 4; split 80 10 5; }", 1, "'split' percentages must add up to 100, got 95");
  expect_error("data { generate tomita 4; split 80 20; }", 1, "'split' takes 3 values, got 2");
  expect_error("data { generate tomita 4; split 0 50 50; }", 1, "more than 0%");
  expect_error("data { generate tomita 4; length 20 .. 1; }", 1, "'length' range is empty: 20 is greater than 1");
  expect_error("data { generate tomita 4; length 5; }", 1, "expected a range such as 1 .. 20 for 'length', got integer 5");
  expect_error("data { generate tomita 4; length 0 .. 200000; }", 1, "'length' must be between 0 and 100000, got 200000");
  expect_error("data { generate tomita 4; samples 5; }", 1, "'samples' must be between 10 and 10000000, got 5");
  expect_error("data { generate tomita 4; train \"t.spec\"; }", 2, "'train' cannot be combined with 'generate'");
  expect_error("data { train \"no/such/file.tsv\"; }", 1, "cannot read train file 'no/such/file.tsv': No such file or directory");
  expect_error("data { train \".\"; }", 1, "Is a directory");
  expect_error("data { train \"a\\0b\"; }", 1, "must not contain NUL bytes");
  /* one mistake, one message: rules skip keys whose value was rejected */
  expect_error("data { generate tomita 4; tokens wordz; }", 1, "invalid value 'wordz' for 'tokens'; did you mean 'words'?");
  expect_error("data { train \".\"; tokens wordz; }", 2, "invalid value 'wordz'");
#undef WITH
}

static char *tmpdir(void)
{
  char tmpl[] = "/tmp/test_spec.XXXXXX";
  char *d = mkdtemp(tmpl);
  assert_non_null(d);
  return strdup(d);
}

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void test_files(void **state)
{
  (void)state;
  char *dir = tmpdir();
  char *train = xasprintf("%s/train.csv", dir), *valid = xasprintf("%s/valid.jsonl", dir);
  char *spec = xasprintf("%s/sent.spec", dir);
  write_file(train, "text,label\nhi,1\n");
  write_file(valid, "{}\n");
  Spec s;
  char *out;
  int n = check_text(spec,
    "model sentiment {\n"
    "  data { train \"train.csv\"; valid \"valid.jsonl\"; text_column 1; label_field \"y\"; vocab 500; punct false; }\n"
    "}\n", &s, &out);
  assert_int_equal(n, 0);
  assert_string_equal(out, "");
  free(out);
  assert_int_equal(s.data.source, SRC_FILES);
  assert_string_equal(s.data.train, train);              /* resolved against the spec's folder */
  assert_string_equal(s.data.valid, valid);
  assert_null(s.data.test);
  assert_int_equal(s.data.format, FMT_CSV);              /* from the extension */
  assert_int_equal(s.data.tokens, TOKS_WORDS);           /* files default to words */
  assert_null(s.data.alphabet);
  assert_int_equal(s.data.text_column, 1);
  assert_int_equal(s.data.label_column, -1);
  assert_string_equal(s.data.label_field, "y");
  assert_int_equal(s.data.vocab, 500);
  assert_false(s.data.punct);
  spec_free(&s);

  /* text_column needs CSV; tokens alphabet needs an alphabet */
  n = check_text(spec, "model x { data { train \"valid.jsonl\"; text_column 0; tokens alphabet; } }", &s, &out);
  assert_int_equal(n, 2);
  assert_non_null(strstr(out, "'text_column' only applies to CSV data (the format is jsonl)"));
  assert_non_null(strstr(out, "'tokens alphabet' needs an 'alphabet' setting"));
  free(out);
  spec_free(&s);

  /* an alphabet on file data implies tokens alphabet */
  n = check_text(spec, "model x { data { train \"train.csv\"; alphabet \"ab\"; format tsv; } }", &s, NULL);
  assert_int_equal(n, 0);
  assert_int_equal(s.data.tokens, TOKS_ALPHABET);
  assert_int_equal(s.data.format, FMT_TSV);
  spec_free(&s);

  unlink(train);
  unlink(valid);
  rmdir(dir);
  free(train); free(valid); free(spec); free(dir);
}

/* print -> parse -> check -> print gives the same text and the same Spec. */
static void round_trip(const char *file, const char *text)
{
  Spec s1, s2;
  char *out;
  assert_int_equal(check_text(file, text, &s1, &out), 0);
  free(out);
  char *p1 = NULL, *p2 = NULL;
  size_t n1, n2;
  FILE *f = open_memstream(&p1, &n1);
  spec_print(f, &s1);
  fclose(f);
  int nerr = -1;
  SpecAst *a = parse(file, p1, n1, &nerr);
  assert_int_equal(nerr, 0);
  assert_int_equal(check(a, &s2, &out), 0);
  free(out);
  spec_ast_free(a);
  f = open_memstream(&p2, &n2);
  spec_print(f, &s2);
  fclose(f);
  assert_string_equal(p1, p2);
  /* spot-check the typed values, not only the text */
  assert_int_equal(s1.data.source, s2.data.source);
  assert_string_equal(s1.emit.prefix, s2.emit.prefix);
  assert_true(s1.rnn.learning_rate == s2.rnn.learning_rate);
  assert_true(s1.extract.fidelity == s2.extract.fidelity);
  assert_int_equal(s1.data.split[1], s2.data.split[1]);
  if (s1.data.regex) assert_string_equal(s1.data.regex, s2.data.regex);
  if (s1.data.train) assert_string_equal(s1.data.train, s2.data.train);
  free(p1);
  free(p2);
  spec_free(&s1);
  spec_free(&s2);
}

static void test_print_round_trip(void **state)
{
  (void)state;
  round_trip("ex/tomita4.spec", tomita4);
  round_trip("t.spec",
    "model \"odd name\" {\n"
    "  data { generate regex \"a\\\"b\\\\c\\td\\x01\\u{e9}\"; alphabet \"ab\\\"\\\\\\tcd\\x01\xc3\xa9\"; length 3 .. 9; }\n"
    "  rnn { learning_rate 0.1; l2 3e-7; clip 1; }\n"
    "  extract { k 7; fidelity 0.3333333333333333; states valid; }\n"
    "  emit { prefix my_prefix; style switch; }\n"
    "}\n");

  char *dir = tmpdir();
  char *train = xasprintf("%s/train.jsonl", dir), *spec = xasprintf("%s/s.spec", dir);
  write_file(train, "{}\n");
  round_trip(spec, "model files { data { train \"train.jsonl\"; text_field \"body\"; } }");
  round_trip(spec, "model files { data { train \"train.jsonl\"; format csv; label_column 3; } }");
  unlink(train);
  rmdir(dir);
  free(train); free(spec); free(dir);

  /* the printed text is a spec a user can read: spot-check its shape */
  Spec s;
  assert_int_equal(check_text("ex/tomita4.spec", tomita4, &s, NULL), 0);
  char *p = NULL;
  size_t n;
  FILE *f = open_memstream(&p, &n);
  spec_print(f, &s);
  fclose(f);
  assert_non_null(strstr(p, "model tomita4 {\n  data {\n    generate tomita 4;\n"));
  assert_non_null(strstr(p, "    length 1 .. 20;\n"));
  assert_non_null(strstr(p, "    split 80 10 10;\n"));
  assert_non_null(strstr(p, "    learning_rate 0.01;\n"));
  assert_non_null(strstr(p, "    k auto;\n"));
  assert_non_null(strstr(p, "    prefix \"tomita4\";\n"));
  free(p);
  spec_free(&s);
}

/* docs/spec.md quotes the key table; it must be the table the checker uses.
** (Run from the repository root, as tests/run.sh does.) */
static void test_docs_match_schema(void **state)
{
  (void)state;
  char *schema = NULL, *doc = NULL;
  size_t n;
  FILE *f = open_memstream(&schema, &n);
  spec_print_schema(f);
  fclose(f);
  f = fopen("docs/spec.md", "rb");
  if (!f) fail_msg("docs/spec.md not found: run from the repository root");
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  rewind(f);
  doc = calloc(1, (size_t)len + 1);
  assert_int_equal(fread(doc, 1, (size_t)len, f), (size_t)len);
  fclose(f);
  if (!strstr(doc, schema))
    fail_msg("docs/spec.md's key tables differ from spec_print_schema(); paste its output:\n%s", schema);
  free(schema);
  free(doc);
}

int main(void)
{
  setenv("NO_COLOR", "1", 1);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_values),
    cmocka_unit_test(test_escapes),
    cmocka_unit_test(test_lexical_errors),
    cmocka_unit_test(test_crlf_and_lines),
    cmocka_unit_test(test_recovery),
    cmocka_unit_test(test_no_crash_on_garbage),
    cmocka_unit_test(test_deep_nesting),
    cmocka_unit_test(test_defaults),
    cmocka_unit_test(test_settings_stored),
    cmocka_unit_test(test_errors),
    cmocka_unit_test(test_files),
    cmocka_unit_test(test_print_round_trip),
    cmocka_unit_test(test_docs_match_schema),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  diag_reset();
  return rc;
}
