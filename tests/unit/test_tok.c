/*
** test_tok.c -- tokenizers: the runtime's UTF-8 decoder and word scanner,
** vocabulary building and numbering, and tok_encode on tricky inputs.
**
**   make BUILD=build-x build-x/tests/test_tok && build-x/tests/test_tok
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "data.h"
#include "tok.h"

/* Decode BYTES (N) with the runtime, in two chunks split at CUT, into OUT. */
static int decode(const char *bytes, size_t n, size_t cut, uint32_t *out)
{
  rnf_utf8 d;
  rnf_utf8_reset(&d);
  int k = 0;
  for (size_t i = 0; i < cut && i < n; i++) k += rnf_utf8_push(&d, (unsigned char)bytes[i], out + k);
  for (size_t i = cut; i < n; i++) k += rnf_utf8_push(&d, (unsigned char)bytes[i], out + k);
  k += rnf_utf8_finish(&d, out + k);
  return k;
}

static void check_decode(const char *bytes, size_t n, const uint32_t *want, int nwant)
{
  for (size_t cut = 0; cut <= n; cut++) {   /* every chunk boundary gives the same */
    uint32_t out[64];
    int k = decode(bytes, n, cut, out);
    assert_int_equal(k, nwant);
    for (int i = 0; i < k; i++) assert_int_equal(out[i], want[i]);
  }
}

#define FFFD RNF_REPLACEMENT

static void test_utf8_valid(void **st)
{
  (void)st;
  const char s[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";   /* a é € 😀 z */
  const uint32_t w[] = { 'a', 0xE9, 0x20AC, 0x1F600, 'z' };
  check_decode(s, sizeof s - 1, w, 5);
  const char nul[] = { 'x', 0, 'y' };
  const uint32_t wn[] = { 'x', 0, 'y' };
  check_decode(nul, 3, wn, 3);
}

static void test_utf8_invalid(void **st)
{
  (void)st;
  /* overlong 2-byte: C0 is never valid, 80 is a stray continuation */
  const uint32_t w1[] = { FFFD, FFFD, 'a' };
  check_decode("\xC0\x80" "a", 3, w1, 3);
  /* overlong 3-byte E0 80 80: E0 alone, then two strays */
  const uint32_t w2[] = { FFFD, FFFD, FFFD };
  check_decode("\xE0\x80\x80", 3, w2, 3);
  /* surrogate ED A0 80 */
  check_decode("\xED\xA0\x80", 3, w2, 3);
  /* truncated sequence then ASCII: one U+FFFD for the maximal subpart */
  const uint32_t w3[] = { FFFD, 'a' };
  check_decode("\xE2\x82" "a", 3, w3, 2);
  /* truncated at end of input */
  const uint32_t w4[] = { 'b', FFFD };
  check_decode("b\xF0\x9F\x98", 4, w4, 2);
  /* above U+10FFFF */
  const uint32_t w5[] = { FFFD, FFFD, FFFD, FFFD };
  check_decode("\xF4\x90\x80\x80", 4, w5, 4);
  /* F5..FF never start anything */
  const uint32_t w6[] = { FFFD, 'c' };
  check_decode("\xFF" "c", 2, w6, 2);
  /* a new lead byte interrupting a sequence starts its own */
  const uint32_t w7[] = { FFFD, 0xE9 };
  check_decode("\xE2\xC3\xA9", 3, w7, 2);
}

/* Words of TEXT under T as their symbol names joined by '|'. */
static char *names(const Tokenizer *t, const char *text, size_t n)
{
  int32_t *seq;
  size_t bad;
  long k = tok_encode(t, text, n, &seq, &bad);
  assert_true(k >= 0);
  char *s = xstrdup("");
  for (long i = 0; i < k; i++) {
    assert_true(seq[i] >= 0 && seq[i] < t->nsym);
    char *s2 = xasprintf("%s%s%s", s, i ? "|" : "", t->sym_names[seq[i]]);
    free(s);
    s = s2;
  }
  free(seq);
  return s;
}

static void check_names(const Tokenizer *t, const char *text, size_t n, const char *want)
{
  char *got = names(t, text, n);
  assert_string_equal(got, want);
  free(got);
}

static void test_words(void **st)
{
  (void)st;
  char *tr[] = { "Hello, world! hello", "the WORLD is big", "caf\xC3\xA9 caf\xC3\xA9 hello" };
  size_t len[] = { strlen(tr[0]), strlen(tr[1]), strlen(tr[2]) };
  Tokenizer t;
  tok_build_words(&t, tr, len, 3, 100, 1, true);
  /* counts: hello 3, world 2, café 2, then 1 each: ! , big is the */
  assert_int_equal(t.nsym, 1 + 8);
  assert_int_equal(t.unk, 0);
  assert_string_equal(t.sym_names[0], "<unk>");
  assert_string_equal(t.sym_names[1], "hello");
  assert_string_equal(t.sym_names[2], "caf\xC3\xA9");   /* tie with world: byte order */
  assert_string_equal(t.sym_names[3], "world");
  assert_string_equal(t.sym_names[4], "!");
  assert_string_equal(t.sym_names[5], ",");
  assert_string_equal(t.sym_names[6], "big");
  /* CRLF, tabs, NUL bytes separate; uppercase folds; unknown -> <unk> */
  check_names(&t, "HELLO,\r\nWorld\t\tzzz", 18, "hello|,|world|<unk>");
  check_names(&t, "hello\0world", 11, "hello|world");
  /* a prefix or an extension of a known word is unknown */
  check_names(&t, "hell helloo", 11, "<unk>|<unk>");
  /* unknown punctuation is <unk>; known punctuation glued to words splits */
  check_names(&t, "big!?the", 8, "big|!|<unk>|the");
  /* UTF-8 bytes stay inside words, even invalid ones */
  check_names(&t, "CAF\xC3\xA9 caf\xC3", 10, "caf\xC3\xA9|<unk>");
  check_names(&t, "", 0, "");
  check_names(&t, " \r\n ", 4, "");
  tok_free(&t);

  /* punctuation off: it separates words and is dropped; vocab and min_count cut */
  tok_build_words(&t, tr, len, 3, 2, 2, false);
  assert_int_equal(t.nsym, 3);
  assert_string_equal(t.sym_names[1], "hello");
  assert_string_equal(t.sym_names[2], "caf\xC3\xA9");
  check_names(&t, "hello,hello!world", 17, "hello|hello|<unk>");
  tok_free(&t);

  /* empty vocabulary: everything is <unk>, and the trie is the bare root */
  tok_build_words(&t, tr, len, 3, 100, 1000, true);
  assert_int_equal(t.nsym, 1);
  const TokTables *tt = tok_tables(&t);
  assert_int_equal(tt->nnodes, 1);
  assert_int_equal(tt->nedges, 0);
  check_names(&t, "hello world", 11, "<unk>|<unk>");
  tok_free(&t);
}

static void test_words_streaming(void **st)
{
  (void)st;
  /* the runtime fed in chunks split anywhere gives tok_encode's symbols */
  char *tr[] = { "ab abc b, c" };
  size_t len[] = { strlen(tr[0]) };
  Tokenizer t;
  tok_build_words(&t, tr, len, 1, 100, 1, true);
  const char *in = "ABC ab,b zz c";
  size_t n = strlen(in);
  int32_t *want;
  size_t bad;
  long k = tok_encode(&t, in, n, &want, &bad);
  rnf_trie tr2 = tok_trie(&t);
  for (size_t cut = 0; cut <= n; cut++) {
    rnf_words w;
    rnf_words_reset(&w);
    int32_t out[64];
    long m = 0;
    for (size_t i = 0; i < cut; i++) m += rnf_words_push(&w, &tr2, 1, (unsigned char)in[i], out + m);
    for (size_t i = cut; i < n; i++) m += rnf_words_push(&w, &tr2, 1, (unsigned char)in[i], out + m);
    m += rnf_words_finish(&w, &tr2, out + m);
    assert_int_equal(m, k);
    assert_memory_equal(out, want, (size_t)k * sizeof *want);
  }
  free(want);
  tok_free(&t);
}

static void test_chars(void **st)
{
  (void)st;
  char *tr[] = { "aab\xC3\xA9\xC3\xA9\xC3\xA9", "b c" };
  size_t len[] = { strlen(tr[0]), strlen(tr[1]) };
  Tokenizer t;
  tok_build_chars(&t, tr, len, 2, 100, 1);
  /* é 3, a 2, b 2, then ' ' 1, c 1: ties by code point */
  assert_int_equal(t.nsym, 6);
  assert_string_equal(t.sym_names[0], "<unk>");
  assert_string_equal(t.sym_names[1], "\xC3\xA9");
  assert_string_equal(t.sym_names[2], "a");
  assert_string_equal(t.sym_names[3], "b");
  assert_string_equal(t.sym_names[4], " ");
  assert_string_equal(t.sym_names[5], "c");
  check_names(&t, "\xC3\xA9" "ax\xE2\x82", 6, "\xC3\xA9|a|<unk>|<unk>");
  check_names(&t, "A\r\n", 3, "<unk>|<unk>|<unk>");
  const TokTables *tt = tok_tables(&t);
  for (int i = 1; i < tt->ncp; i++) assert_true(tt->cp[i - 1] < tt->cp[i]);
  tok_free(&t);
  /* NUL and other controls are characters too, with visible names */
  char *tr2[] = { "a\0a\n" };
  size_t len2[] = { 4 };
  tok_build_chars(&t, tr2, len2, 1, 100, 1);
  assert_int_equal(t.nsym, 4);
  assert_string_equal(t.sym_names[2], "\\x00");
  assert_string_equal(t.sym_names[3], "\\x0A");
  check_names(&t, "\0\0a", 3, "\\x00|\\x00|a");
  tok_free(&t);
  tok_build_chars(&t, tr, len, 2, 2, 1);
  assert_int_equal(t.nsym, 3);
  check_names(&t, "abc", 3, "a|<unk>|<unk>");
  tok_free(&t);
}

static void test_alphabet(void **st)
{
  (void)st;
  Tokenizer t;
  assert_int_equal(tok_init_alphabet(&t, "01", 2, false), -1);
  assert_int_equal(t.nsym, 2);
  assert_int_equal(t.unk, -1);
  int32_t *seq;
  size_t bad = 99;
  assert_int_equal(tok_encode(&t, "0110", 4, &seq, &bad), 4);
  assert_int_equal(seq[0], 0);
  assert_int_equal(seq[1], 1);
  free(seq);
  assert_int_equal(tok_encode(&t, "", 0, &seq, &bad), 0);
  free(seq);
  assert_int_equal(tok_encode(&t, "01\r\n", 4, &seq, &bad), -1);
  assert_int_equal(bad, 2);
  assert_null(seq);
  tok_free(&t);
  assert_int_equal(tok_init_alphabet(&t, "ab", 2, true), -1);
  assert_int_equal(t.nsym, 3);
  assert_int_equal(t.unk, 2);
  assert_int_equal(tok_encode(&t, "a\0b", 3, &seq, &bad), 3);
  assert_int_equal(seq[1], 2);
  free(seq);
  tok_free(&t);
  assert_int_equal(tok_init_alphabet(&t, "aba", 3, false), 2);   /* duplicate at 2 */
}

static void test_bytes(void **st)
{
  (void)st;
  Tokenizer t;
  tok_init_bytes(&t);
  assert_int_equal(t.nsym, 256);
  int32_t *seq;
  size_t bad;
  assert_int_equal(tok_encode(&t, "\xFF\0A", 3, &seq, &bad), 3);
  assert_int_equal(seq[0], 255);
  assert_int_equal(seq[1], 0);
  assert_int_equal(seq[2], 'A');
  free(seq);
  tok_free(&t);
}

static void test_map(void **st)
{
  (void)st;
  TokMap m = {0};
  assert_null(tok_map_get(&m, "x", 1, false, NULL));
  for (int i = 0; i < 5000; i++) {
    char k[16];
    int n = snprintf(k, sizeof k, "k%d", i);
    int added;
    *tok_map_get(&m, k, (size_t)n, true, &added) = i;
    assert_int_equal(added, 1);
  }
  assert_int_equal(m.n, 5000);
  for (int i = 0; i < 5000; i++) {
    char k[16];
    int n = snprintf(k, sizeof k, "k%d", i);
    long *v = tok_map_get(&m, k, (size_t)n, false, NULL);
    assert_non_null(v);
    assert_int_equal(*v, i);
  }
  /* keys are byte strings: an embedded NUL matters */
  *tok_map_get(&m, "a\0b", 3, true, NULL) = -7;
  assert_null(tok_map_get(&m, "a", 1, false, NULL));
  assert_int_equal(*tok_map_get(&m, "a\0b", 3, false, NULL), -7);
  tok_map_free(&m);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_utf8_valid),
    cmocka_unit_test(test_utf8_invalid),
    cmocka_unit_test(test_words),
    cmocka_unit_test(test_words_streaming),
    cmocka_unit_test(test_chars),
    cmocka_unit_test(test_alphabet),
    cmocka_unit_test(test_bytes),
    cmocka_unit_test(test_map),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
