/*
** classify_lines.c -- print the class a generated classifier gives each
** LF-terminated line of stdin (the line without its LF; "error" when the
** classifier rejects a byte), fed in chunks of 3 bytes so words and UTF-8
** sequences straddle feed calls.
**
**   cc -DPFX=yelp_ '-DHEADER="yelp.h"' classify_lines.c yelp.c
*/
#include <stdio.h>
#include <string.h>
#include HEADER

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define F(x) CAT(PFX, x)

int main(void)
{
  static char line[1 << 16];
  size_t n = 0;
  int c;
  while ((c = getchar()) != EOF) {
    if (c != '\n') {
      if (n < sizeof line) line[n++] = (char)c;
      continue;
    }
    F(state) s;
    size_t i;
    const char *name;
    F(init)(&s);
    for (i = 0; i < n; i += 3) F(feed)(&s, line + i, n - i < 3 ? n - i : 3);
    name = F(class_name)(F(label)(&s));
    puts(name ? name : "error");              /* label -1: a byte the tokenizer rejects */
    n = 0;
  }
  return 0;
}
