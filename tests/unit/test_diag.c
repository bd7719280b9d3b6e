/*
** test_diag.c -- clang-style rendering, error counting, did-you-mean.
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

#include "diag.h"

/* Run FN with stderr sent to a temporary file; return what it printed. */
static char *capture(void (*fn)(void))
{
  fflush(stderr);
  int saved = dup(2);
  FILE *tmp = tmpfile();
  assert_non_null(tmp);
  dup2(fileno(tmp), 2);
  fn();
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  long n = ftell(tmp);
  rewind(tmp);
  char *buf = calloc(1, (size_t)n + 1);
  assert_int_equal(fread(buf, 1, (size_t)n, tmp), (size_t)n);
  fclose(tmp);
  return buf;
}

/* What FN prints about FILE, whose text is TEXT (LEN bytes), from a
** clean diagnostics state. */
static char *render(const char *file, const char *text, size_t len, void (*fn)(void))
{
  diag_reset();
  diag_add_source(file, text, len);
  return capture(fn);
}

static const char src[] = "model m {\n\trnn { cell gru; hiden 16; }\r\n  data { alphabet \"\xc3\xa9x\"; }\n}\n";

static void emit_unknown_key(void)
{
  SrcLoc loc = { 2, 17, 2, 21 };
  diag_at(DIAG_ERROR, "t.spec", loc, "unknown key '%s'", "hiden");
}

static void test_caret_under_span_with_tab(void **state)
{
  (void)state;
  setenv("NO_COLOR", "1", 1);
  char *out = render("t.spec", src, sizeof src - 1, emit_unknown_key);
  assert_string_equal(out,
    "t.spec:2:17: error: unknown key 'hiden'\n"
    "\trnn { cell gru; hiden 16; }\n"
    "\t               ^~~~~\n");
  assert_int_equal(diag_errors(), 1);
  free(out);
  diag_reset();
}

static void emit_utf8(void)
{
  /* the 'x' after a 2-byte character: byte column 20, display column 19 */
  SrcLoc loc = { 3, 20, 3, 20 };
  diag_at(DIAG_NOTE, "t.spec", loc, "here");
}

static void test_utf8_columns_and_notes(void **state)
{
  (void)state;
  char *out = render("t.spec", src, sizeof src - 1, emit_utf8);
  assert_string_equal(out,
    "t.spec:3:20: note: here\n"
    "  data { alphabet \"\xc3\xa9x\"; }\n"
    "                   ^\n");
  assert_int_equal(diag_errors(), 0);     /* notes are not errors */
  free(out);
  diag_reset();
}

static void emit_plain(void)
{
  diag(DIAG_ERROR, "cannot read '%s'", "x");
  diag_line(DIAG_WARNING, "d.tsv", 7, "bad label");
  SrcLoc none = { 0, 0, 0, 0 };
  diag_at(DIAG_ERROR, "unregistered.spec", none, "whole file");
  SrcLoc loc = { 1, 3, 1, 4 };
  diag_at(DIAG_ERROR, "unregistered.spec", loc, "no quote without source");
}

static void test_plain_forms(void **state)
{
  (void)state;
  diag_reset();
  char *out = capture(emit_plain);
  assert_string_equal(out,
    "rnnfsac: error: cannot read 'x'\n"
    "d.tsv:7: warning: bad label\n"
    "unregistered.spec: error: whole file\n"
    "unregistered.spec:1:3: error: no quote without source\n");
  assert_int_equal(diag_errors(), 3);
  diag_reset();
  assert_int_equal(diag_errors(), 0);
  free(out);
}

static void test_suggest(void **state)
{
  (void)state;
  const char *keys[] = { "cell", "hidden", "embed", "layers", "epochs", "learning_rate", NULL };
  assert_string_equal(diag_suggest("hiden", keys), "hidden");
  assert_string_equal(diag_suggest("HIDDEN", keys), "hidden");
  assert_string_equal(diag_suggest("ecpohs", keys), "epochs");      /* transposition counts 1 */
  assert_string_equal(diag_suggest("learningrate", keys), "learning_rate");
  assert_string_equal(diag_suggest("cel", keys), "cell");          /* short words: distance 1 */
  assert_null(diag_suggest("ce", keys));                            /* distance 2 > 1 */
  assert_null(diag_suggest("banana", keys));
  /* two letters, one edit apart, is half the word: 'lr' is not 'l2' */
  const char *rnn[] = { "l2", "k", "clip", NULL };
  assert_null(diag_suggest("lr", rnn));
  assert_null(diag_suggest("l3", rnn));
  assert_string_equal(diag_suggest("L2", rnn), "l2");             /* case only: still a match */
  assert_null(diag_suggest("kk", rnn));
  assert_null(diag_suggest("", keys));
  const char *none[] = { NULL };
  assert_null(diag_suggest("x", none));
}

/* A 400-byte line with the error at byte 251: a window around the caret,
** "..." at both cuts, caret still under the token. */
static char *long_src;

static void emit_long(void)
{
  SrcLoc loc = { 2, 251, 2, 255 };
  diag_at(DIAG_ERROR, "long.spec", loc, "bad");
  SrcLoc start = { 2, 3, 2, 4 };           /* near the start: no leading cut */
  diag_at(DIAG_NOTE, "long.spec", start, "start");
  SrcLoc end = { 2, 401, 2, 401 };         /* just past the end: no trailing cut */
  diag_at(DIAG_NOTE, "long.spec", end, "end");
  SrcLoc span = { 2, 300, 3, 1 };          /* a span to the next line: cut at the window */
  diag_at(DIAG_NOTE, "long.spec", span, "span");
}

static void test_long_line_window(void **state)
{
  (void)state;
  /* line 2: "# " then 248 bytes of a-z, then "WORD!" at 251..255, then 145 'z' */
  char line[401];
  memcpy(line, "# ", 2);
  for (int i = 2; i < 250; i++) line[i] = (char)('a' + i % 26);
  memcpy(line + 250, "WORD!", 5);
  memset(line + 255, 'z', 145);
  line[400] = '\0';
  long_src = malloc(500);
  snprintf(long_src, 500, "model m {\n%s\n}\n", line);
  char *out = render("long.spec", long_src, strlen(long_src), emit_long);

  /* windows of 114 bytes: from 40 before the caret, or up to the line's end */
  char want[4096], w1[200], w2[200], w3[200], w4[200], t4[200];
  snprintf(w1, sizeof w1, "...%.114s...", line + 210);
  snprintf(w2, sizeof w2, "%.114s...", line);
  snprintf(w3, sizeof w3, "...%.114s", line + 286);
  snprintf(w4, sizeof w4, "...%.114s...", line + 259);
  memset(t4, '~', 114 - 40 - 1);
  t4[114 - 40 - 1] = '\0';
  snprintf(want, sizeof want,
           "long.spec:2:251: error: bad\n%s\n%*s^~~~~\n"
           "long.spec:2:3: note: start\n%s\n  ^~\n"
           "long.spec:2:401: note: end\n%s\n%*s^\n"
           "long.spec:2:300: note: span\n%s\n%*s^%s\n",
           w1, 3 + 40, "", w2, w3, 3 + 114, "", w4, 3 + 40, "", t4);
  assert_string_equal(out, want);
  assert_true(strlen(w1) <= 120);
  free(out);
  free(long_src);
  diag_reset();
}

/* Old Mac files: a lone CR ends a line, for quoting as for the scanner. */
static const char cr_src[] = "model m {\r  data { x; }\r\r  rnn { hiden 1; }\r\n}";

static void emit_cr(void)
{
  SrcLoc loc = { 4, 9, 4, 13 };
  diag_at(DIAG_ERROR, "cr.spec", loc, "unknown key");
}

static void test_cr_line_ends(void **state)
{
  (void)state;
  char *out = render("cr.spec", cr_src, sizeof cr_src - 1, emit_cr);
  assert_string_equal(out,
    "cr.spec:4:9: error: unknown key\n"
    "  rnn { hiden 1; }\n"
    "        ^~~~~\n");
  free(out);
  size_t n;
  const char *l = diag_source_line("cr.spec", 3, &n);
  assert_non_null(l);
  assert_int_equal(n, 0);                  /* the empty line between the CRs */
  l = diag_source_line("cr.spec", 5, &n);  /* after a CRLF */
  assert_non_null(l);
  assert_int_equal(n, 1);
  assert_int_equal(l[0], '}');
  assert_null(diag_source_line("cr.spec", 6, &n));
  assert_null(diag_source_line("other.spec", 1, &n));
  diag_reset();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_caret_under_span_with_tab),
    cmocka_unit_test(test_utf8_columns_and_notes),
    cmocka_unit_test(test_plain_forms),
    cmocka_unit_test(test_suggest),
    cmocka_unit_test(test_long_line_window),
    cmocka_unit_test(test_cr_line_ends),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
