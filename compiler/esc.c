/*
** esc.c -- display text for data strings (see esc.h).
*/
#include "esc.h"
#include "common.h"

#include <stdio.h>
#include <string.h>

size_t esc_utf8_len(const unsigned char *s, size_t n)
{
  unsigned c = s[0];
  size_t len;
  unsigned min;
  if (c < 0x80) return 1;
  else if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
  else if ((c & 0xf0) == 0xe0) { len = 3; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
  else return 0;
  if (n < len) return 0;
  unsigned cp = c & (0x3fu >> (len - 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3fu);
  }
  /* overlong forms, surrogates and values past U+10FFFF are invalid */
  if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return 0;
  return len;
}

char *esc_display(const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  char *out = xmalloc(4 * n + 1), *o = out;
  for (size_t i = 0; i < n;) {
    size_t k = esc_utf8_len(u + i, n - i);
    if (k == 1 && u[i] >= 0x20 && u[i] != 0x7f && u[i] != '\\') {
      *o++ = (char)u[i++];
    } else if (k == 1 && u[i] == '\\') {
      *o++ = '\\'; *o++ = '\\'; i++;
    } else if (k > 1) {
      memcpy(o, u + i, k); o += k; i += k;
    } else {
      snprintf(o, 5, "\\x%02X", u[i]); o += 4; i++;
    }
  }
  *o = '\0';
  return out;
}
