/*
** check_tomita4.c -- checks a generated Tomita 4 classifier against the
** language itself (no "000"): every string of length 0..16 and 20000
** random strings of length 17..30, whole and fed one byte at a time.
** Exits 1 if accuracy is below 99% or streaming ever disagrees.
*/
#include <stdio.h>
#include <string.h>
#include "tomita4.h"

static int member(const char *s, int n)
{
  for (int i = 0; i + 2 < n; i++)
    if (s[i] == '0' && s[i + 1] == '0' && s[i + 2] == '0') return 0;
  return 1;
}

static long total, wrong, stream_bad;

static void check(const char *s, int n)
{
  int want = member(s, n), got = t4_classify(s, (size_t)n);
  t4_state st;
  t4_init(&st);
  for (int i = 0; i < n; i++) t4_feed(&st, s + i, 1);
  if (t4_label(&st) != got) stream_bad++;
  total++;
  if (strcmp(t4_class_name(got), want ? "accept" : "reject") != 0) wrong++;
}

int main(void)
{
  char s[32];
  for (int n = 0; n <= 16; n++)
    for (long bits = 0; bits < (1L << n); bits++) {
      for (int i = 0; i < n; i++) s[i] = (char)('0' + ((bits >> i) & 1));
      check(s, n);
    }
  unsigned long x = 12345;
  for (int k = 0; k < 20000; k++) {
    x = x * 6364136223846793005UL + 1442695040888963407UL;
    int n = 17 + (int)((x >> 33) % 14);
    for (int i = 0; i < n; i++) {
      x = x * 6364136223846793005UL + 1442695040888963407UL;
      s[i] = (char)('0' + ((x >> 40) & 1));
    }
    check(s, n);
  }
  double acc = 1.0 - (double)wrong / (double)total;
  printf("checked %ld strings: %ld wrong, accuracy %.4f, streaming mismatches %ld\n",
         total, wrong, acc, stream_bad);
  if (acc < 0.99 || stream_bad) { printf("FAILED\n"); return 1; }
  printf("PASSED\n");
  return 0;
}
