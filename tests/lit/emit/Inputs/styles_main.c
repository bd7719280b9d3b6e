/* Both styles of one automaton (and the single-header build of the table
** style) must agree on every input, whole or fed in chunks. */
#include <stdio.h>
#include <string.h>
#include "t4t.h"
#include "t4s.h"
#include "t4h.h"

static int check(const char *s, size_t n)
{
  int a = t4t_classify(s, n), b = t4s_classify(s, n), c = t4h_classify(s, n);
  t4t_state x;
  size_t i;
  t4t_init(&x);
  for (i = 0; i < n; i++) t4t_feed(&x, s + i, 1);
  if (a != b || a != c || a != t4t_label(&x)) {
    printf("MISMATCH on '%.*s': table %d, switch %d, single %d, bytewise %d\n",
           (int)n, s, a, b, c, t4t_label(&x));
    return 1;
  }
  return 0;
}

int main(void)
{
  char buf[16];
  int bad = 0, len;
  unsigned long x;
  for (len = 0; len <= 12; len++)
    for (x = 0; x < (1UL << len); x++) {
      int i;
      for (i = 0; i < len; i++) buf[i] = (char)('0' + ((x >> i) & 1));
      bad += check(buf, (size_t)len);
    }
  /* bytes outside the alphabet: -1 everywhere */
  bad += check("01a0", 4) + check("2", 1) + check("0\0" "1", 3);
  if (t4t_classify("01x", 3) != -1) { printf("no error label\n"); bad++; }
  /* no input: buf may be NULL (every style, every entry point) */
  {
    t4t_state a; t4s_state b; t4h_state c;
    t4t_init(&a); t4s_init(&b); t4h_init(&c);
    t4t_feed(&a, NULL, 0); t4s_feed(&b, NULL, 0); t4h_feed(&c, NULL, 0);
    if (t4t_label(&a) != 1 || t4s_label(&b) != 1 || t4h_label(&c) != 1
        || t4t_classify(NULL, 0) != 1 || t4s_classify(NULL, 0) != 1 || t4h_classify(NULL, 0) != 1) {
      printf("NULL, 0 is not the empty input\n");
      bad++;
    }
  }
  printf("%s %d %s %s\n", bad ? "FAILED" : "PASSED", T4T_NUM_CLASSES,
         t4t_class_name(T4T_CLASS_ACCEPT), t4t_class_name(2) ? "?" : "null");
  return bad != 0;
}
