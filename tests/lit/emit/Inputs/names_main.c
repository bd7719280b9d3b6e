/* Four classifiers in one program (names.test): two chars classifiers,
** one of them prefixed rnf_utf8 like the runtime's own decoder, and two
** Tomita 4 classifiers, one with an upper-case prefix.  Each must
** give its own answer; "PASSED" when all agree with classify on chunks. */
#include <stdio.h>
#include <string.h>
#include "rnf_utf8.h"
#include "yc2.h"
#include "t4.h"
#include "T4B.h"

int main(void)
{
  static const char *in[] = { "good food", "awful service\xe2\x80", "", "0100110", "1000" };
  int bad = 0;
  for (int i = 0; i < 5; i++) {
    const char *s = in[i];
    size_t n = strlen(s);
    rnf_utf8_state a;
    rnf_utf8_init(&a);
    for (size_t j = 0; j < n; j++) rnf_utf8_feed(&a, s + j, 1);
    bad |= rnf_utf8_label(&a) != rnf_utf8_classify(s, n);
    bad |= rnf_utf8_classify(s, n) != yc2_classify(s, n);        /* one spec, two prefixes */
    bad |= t4_classify(s, n) != T4B_classify(s, n);
    printf("%d %d %d %d\n", rnf_utf8_classify(s, n), yc2_classify(s, n), t4_classify(s, n), T4B_classify(s, n));
  }
  bad |= RNF_UTF8_NUM_CLASSES != YC2_NUM_CLASSES;
  puts(bad ? "FAILED" : "PASSED");
  return bad;
}
