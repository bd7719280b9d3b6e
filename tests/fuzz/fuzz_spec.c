/*
** fuzz_spec.c -- libFuzzer target: the spec front end (spec_parse +
** spec_check) on arbitrary bytes.
**
** Invariants beyond "no crash, no leak, no UB": an accepted spec prints
** (spec_print) to text that parses and checks again with no error and
** prints identically -- the round trip spec.h promises.
*/
#include "fuzz.h"
#include "common.h"
#include "diag.h"
#include "spec.h"

/* Parse and check TEXT; 0 errors and a filled *S, or the error count. */
static int load(const char *text, size_t len, Spec *s)
{
  int nerr = 0;
  SpecAst *a = spec_parse("fuzz.spec", text, len, &nerr);
  memset(s, 0, sizeof *s);
  if (a && nerr == 0) nerr = spec_check(a, s);
  else if (!a) nerr = nerr ? nerr : 1;
  spec_ast_free(a);
  return nerr;
}

/* spec_print into a malloc'd buffer. */
static char *print(const Spec *s, size_t *len)
{
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  if (!f) abort();
  spec_print(f, s);
  fclose(f);
  return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  diag_reset();
  Spec s;
  if (load((const char *)data, size, &s) == 0) {
    size_t n1, n2;
    char *p1 = print(&s, &n1);
    Spec t;
    int e = load(p1, n1, &t);
    if (e != 0) {
      fprintf(stderr, "fuzz_spec: the printed spec does not check again:\n%s", p1);
      abort();
    }
    char *p2 = print(&t, &n2);
    if (n1 != n2 || memcmp(p1, p2, n1) != 0) {
      fprintf(stderr, "fuzz_spec: printing is not stable:\n%s---\n%s", p1, p2);
      abort();
    }
    free(p1); free(p2);
    spec_free(&t);
  }
  spec_free(&s);
  diag_reset();
  return 0;
}
