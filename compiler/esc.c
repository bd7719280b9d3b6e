/*
** esc.c -- display text for data strings (see esc.h).
*/
#include "esc.h"
#include "common.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The valid UTF-8 sequence at S: its length (0 if invalid), *CP its code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
  unsigned c = s[0];
  *cp = c;
  size_t len;
  unsigned min;
  if (c < 0x80) return 1;
  else if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
  else if ((c & 0xf0) == 0xe0) { len = 3; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
  else return 0;
  if (n < len) return 0;
  uint32_t v = c & (0x3fu >> (len - 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3fu);
  }
  /* overlong forms, surrogates and values past U+10FFFF are invalid */
  if (v < min || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) return 0;
  *cp = v;
  return len;
}

size_t esc_utf8_len(const unsigned char *s, size_t n)
{
  uint32_t cp;
  return utf8_seq(s, n, &cp);
}

/* Code points that are invisible or reorder text around them: C1
** controls, format characters (Unicode category Cf: soft hyphen, zero
** widths, bidirectional marks, embeddings and isolates, the BOM, ...) and
** the line and paragraph separators.  Shown as \u{XXXX} so "good" and
** "good" + U+200B, or a word behind U+202E, do not look alike or reorder
** the table cell they are in. */
static int invisible(uint32_t c)
{
  static const uint32_t r[][2] = {
    { 0x80, 0x9f }, { 0xad, 0xad }, { 0x600, 0x605 }, { 0x61c, 0x61c }, { 0x6dd, 0x6dd },
    { 0x70f, 0x70f }, { 0x8e2, 0x8e2 }, { 0x180e, 0x180e }, { 0x200b, 0x200f },
    { 0x2028, 0x202e }, { 0x2060, 0x2064 }, { 0x2066, 0x206f }, { 0xfeff, 0xfeff },
    { 0xfff9, 0xfffb }, { 0x110bd, 0x110bd }, { 0x110cd, 0x110cd }, { 0x13430, 0x1343f },
    { 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 }, { 0xe0020, 0xe007f },
  };
  for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
    if (c >= r[i][0] && c <= r[i][1]) return 1;
  return 0;
}

char *esc_display(const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  char *out = xmalloc(4 * n + 1), *o = out;    /* \u{XXXXX} (9) <= 4 x a 3..4-byte sequence */
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t k = utf8_seq(u + i, n - i, &cp);
    if (k > 1 && invisible(cp)) {
      o += sprintf(o, "\\u{%04X}", (unsigned)cp);
      i += k;
    } else if (k == 1 && u[i] >= 0x20 && u[i] != 0x7f && u[i] != '\\') {
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
