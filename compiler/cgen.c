/*
** cgen.c -- escaping and table printing for generated C (see cgen.h).
*/
#include "cgen.h"

void cgen_string(FILE *f, const void *s, size_t n)
{
  const unsigned char *p = s;
  fputc('"', f);
  for (size_t i = 0; i < n; i++) {
    unsigned c = p[i];
    if (c == '"') fputs("\\\"", f);
    else if (c == '\\') fputs("\\\\", f);
    else if (c == '\n') fputs("\\n", f);
    else if (c == '\t') fputs("\\t", f);
    /* "??x" would be a trigraph under -std=c99: break every "??" pair */
    else if (c == '?' && i > 0 && p[i - 1] == '?') fputs("\\?", f);
    else if (c >= 0x20 && c < 0x7f) fputc((int)c, f);
    else fprintf(f, "\\%03o", c);   /* exactly 3 digits: never absorbs a following digit */
  }
  fputc('"', f);
}

void cgen_comment(FILE *f, const void *s, size_t n)
{
  const unsigned char *p = s;
  for (size_t i = 0; i < n; i++) {
    unsigned c = p[i], prev = i > 0 ? p[i - 1] : 0;
    if (c == '\\') fputs("\\\\", f);
    else if (c == '/' && prev == '*') fputs("\\/", f);      /* would end the comment */
    else if (c == '*' && prev == '/') fputs("\\*", f);      /* -Wcomment: nested opener */
    else if (c == '?' && prev == '?') fputs("\\?", f);      /* trigraphs (??/ splices lines) */
    else if (c == '\n') fputs("\\n", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c >= 0x20 && c < 0x7f) fputc((int)c, f);
    else fprintf(f, "\\x%02x", c);
  }
}

int cgen_is_ident(const char *s)
{
  if (!s || !*s) return 0;
  for (const char *p = s; *p; p++) {
    char c = *p;
    int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    int digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && p != s)) return 0;
  }
  return 1;
}

const char *cgen_uint_type(uint32_t maxv)
{
  return maxv <= 0xffu ? "uint8_t" : maxv <= 0xffffu ? "uint16_t" : "uint32_t";
}

size_t cgen_uint_size(uint32_t maxv)
{
  return maxv <= 0xffu ? 1 : maxv <= 0xffffu ? 2 : 4;
}

void cgen_values(FILE *f, const char *indent, const uint32_t *v, size_t n, size_t per_row)
{
  uint32_t maxv = 0;
  for (size_t i = 0; i < n; i++) if (v[i] > maxv) maxv = v[i];
  int width = 1;
  for (uint32_t m = maxv; m >= 10; m /= 10) width++;
  if (per_row == 0) per_row = 1;
  for (size_t i = 0; i < n; i++) {
    if (i % per_row == 0) fputs(indent, f);
    fprintf(f, "%*lu", width, (unsigned long)v[i]);
    if (i + 1 < n) fputc(',', f);
    fputc(i + 1 == n || (i + 1) % per_row == 0 ? '\n' : ' ', f);
  }
}
