/*
** floor.c -- the least work any per-byte word tokenizer must do
** (bench/cgen/run.sh, row "yelp-floor").
**
** Built with -DSRC='"yt.c"' -DTAB=yt_tab_byte: includes the generated yelp
** classifier for its byte-class table and makes one pass that looks each
** byte's class up and counts nothing else -- no lexer, no automaton.  A
** tokenizer that finds words in raw bytes cannot be faster than this, so
** its speed over the network's is the ceiling on what any generated
** word-level classifier of this shape can reach.
*/
#include SRC

int floor_classify(const void *buf, size_t n);

int floor_classify(const void *buf, size_t n)
{
  const unsigned char *p = (const unsigned char *)buf;
  unsigned int a0 = 0, a1 = 0;   /* two sums: no loop-carried add chain */
  size_t i = 0;
  for (; i + 2 <= n; i += 2) {
    a0 += TAB[p[i]];
    a1 += TAB[p[i + 1]];
  }
  for (; i < n; i++) a0 += TAB[p[i]];
  return (int)((a0 + a1) & 1u);
}
