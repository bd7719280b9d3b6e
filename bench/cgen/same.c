/*
** same.c -- bench-only check that two classifiers agree (bench/cgen/run.sh):
** the word-level Ragel scanner (json2ragel.py) against the generated yelp
** classifier, before their speeds are compared.
**
** usage: same FILE    (built with -DA=<function> -DB=<function>)
** Labels every line of FILE (without its newline) and 20000 random strings
** of letters, separators, punctuation and arbitrary bytes with both; prints
** the count and exits 1 at the first few differences.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int A(const void *buf, size_t n);
int B(const void *buf, size_t n);

static int differ(const char *what, long i, const char *s, size_t n, int *bad)
{
  int a = A(s, n), b = B(s, n);
  if (a == b) return 0;
  if ((*bad)++ < 5) fprintf(stderr, "same: %s %ld: %d vs %d: %.60s\n", what, i, a, b, s);
  return 1;
}

int main(int argc, char **argv)
{
  if (argc < 2) { fprintf(stderr, "usage: same FILE\n"); return 2; }
  FILE *f = fopen(argv[1], "r");
  if (!f) { perror(argv[1]); return 2; }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  long n = 0;
  int bad = 0;
  while ((len = getline(&line, &cap, f)) > 0) {
    if (line[len - 1] == '\n') line[--len] = 0;
    differ("line", ++n, line, (size_t)len, &bad);
  }
  free(line);
  fclose(f);
  uint64_t x = 88172645463325252ull;   /* xorshift: the same strings every run */
  static const char pick[] = "abcdefghijklmnopqrstuvwxyzTHEAND .,!'-\t\n";
  for (long k = 0; k < 20000; k++, n++) {
    char buf[200];
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    size_t m = (size_t)(x % 200);
    for (size_t i = 0; i < m; i++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      buf[i] = (x >> 8) % 8 ? pick[(x >> 16) % (sizeof pick - 1)] : (char)(x >> 24);
    }
    differ("random", k, buf, m, &bad);
  }
  printf("same: %ld inputs, %d differ\n", n, bad);
  return bad != 0;
}
