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
  diag_reset();
  diag_add_source("t.spec", src, sizeof src - 1);
  char *out = capture(emit_unknown_key);
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
  diag_reset();
  diag_add_source("t.spec", src, sizeof src - 1);
  char *out = capture(emit_utf8);
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
  assert_null(diag_suggest("", keys));
  const char *none[] = { NULL };
  assert_null(diag_suggest("x", none));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_caret_under_span_with_tab),
    cmocka_unit_test(test_utf8_columns_and_notes),
    cmocka_unit_test(test_plain_forms),
    cmocka_unit_test(test_suggest),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
