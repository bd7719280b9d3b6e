/* Labels every line of stdin (its newline stripped) with a generated
** classifier: whole (_classify), fed in 3-byte chunks, and byte by byte with
** _label after every byte (which must not disturb the state).  Prints one
** line per input and a count per class.  Build with -DHDR='"x.h"' -DPFX=x_. */
#include <stdio.h>
#include <string.h>
#include HDR

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define F(x) CAT(PFX, x)

int main(void)
{
  static char line[1 << 16];
  long count[64] = { 0 }, lines = 0, mismatch = 0;
  int c;
  while (fgets(line, sizeof line, stdin)) {
    size_t n = strlen(line), i;
    F(state) s, t;
    int whole, chunked, peek = 0;
    if (n && line[n - 1] == '\n') line[--n] = 0;
    whole = F(classify)(line, n);
    F(init)(&s);
    for (i = 0; i < n; i += 3) F(feed)(&s, line + i, n - i < 3 ? n - i : 3);
    chunked = F(label)(&s);
    F(init)(&t);
    for (i = 0; i < n; i++) { F(feed)(&t, line + i, 1); peek = F(label)(&t); }
    if (n == 0) peek = F(label)(&t);
    if (whole != chunked || whole != peek) mismatch++;
    printf("%d %d %d\n", whole, chunked, peek);
    if (whole >= 0 && whole < 64) count[whole]++;
    lines++;
  }
  printf("lines %ld mismatches %ld\n", lines, mismatch);
  for (c = 0; c < 64 && F(class_name)(c); c++) printf("class %s %ld\n", F(class_name)(c), count[c]);
  return 0;
}
