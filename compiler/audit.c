/*
** audit.c -- what the audit printers share: symbol class membership.
*/
#include "audit.h"
#include "common.h"
#include "esc.h"
#include "tok.h"

#include <stdlib.h>
#include <string.h>

static const Fsa *sort_fsa;     /* qsort has no context argument in C11 */
static int sort_state;

static int by_traffic(const void *pa, const void *pb)
{
  int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
  if (sort_state >= 0 && sort_fsa->count) {
    uint32_t ca = sort_fsa->count[(size_t)sort_state * (size_t)sort_fsa->nsym + (size_t)a];
    uint32_t cb = sort_fsa->count[(size_t)sort_state * (size_t)sort_fsa->nsym + (size_t)b];
    if (ca != cb) return ca > cb ? -1 : 1;
  }
  return (a > b) - (a < b);
}

int audit_class_members(const EmitInput *in, int s, int c, int32_t **out)
{
  const Fsa *f = in->fsa;
  int k = 0;
  int32_t *mem = xmalloc((size_t)f->nsym * sizeof *mem);
  for (int a = 0; a < f->nsym; a++)
    if (f->symclass[a] == c) mem[k++] = a;
  sort_fsa = f;
  sort_state = s;
  qsort(mem, (size_t)k, sizeof *mem, by_traffic);
  *out = mem;
  return k;
}

/* The bytes symbol A stands for in the input: the byte (alphabet, bytes),
** the code point's UTF-8 (chars) or the word; NULL for <unk>. */
static size_t sym_bytes(const Tokenizer *t, int a, unsigned char buf[4])
{
  switch (t->kind) {
  case TOKS_ALPHABET:
  case TOKS_BYTES:
    for (int b = 0; b < 256; b++)
      if (t->bytemap[b] == a) { buf[0] = (unsigned char)b; return 1; }
    return 0;
  case TOKS_CHARS: {
    const TokTables *tt = tok_tables(t);
    for (int32_t i = 0; i < tt->ncp; i++) {
      if (tt->cpsym[i] != a) continue;
      uint32_t c = tt->cp[i];
      if (c < 0x80) { buf[0] = (unsigned char)c; return 1; }
      if (c < 0x800) { buf[0] = (unsigned char)(0xc0 | c >> 6); buf[1] = (unsigned char)(0x80 | (c & 0x3f)); return 2; }
      if (c < 0x10000) {
        buf[0] = (unsigned char)(0xe0 | c >> 12); buf[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
        buf[2] = (unsigned char)(0x80 | (c & 0x3f));
        return 3;
      }
      buf[0] = (unsigned char)(0xf0 | c >> 18); buf[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
      buf[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f)); buf[3] = (unsigned char)(0x80 | (c & 0x3f));
      return 4;
    }
    return 0;
  }
  case TOKS_WORDS:
    break;
  }
  return 0;
}

char *audit_symbol(const EmitInput *in, int a)
{
  const Tokenizer *t = in->tok;
  if (a == t->unk) return xstrdup("<unk>");
  unsigned char buf[4];
  size_t n = sym_bytes(t, a, buf);
  char *d = t->kind == TOKS_WORDS ? esc_display(t->sym_names[a], strlen(t->sym_names[a]))
          : n ? esc_display((const char *)buf, n) : xstrdup(t->sym_names[a]);
  /* a space is a symbol of its own (bytes, chars) and never inside one:
  ** shown as \x20 it cannot be lost or split a space-separated list */
  if (!strchr(d, ' ')) return d;
  size_t k = 0;
  for (const char *p = d; *p; p++) k += *p == ' ' ? 4 : 1;
  char *r = xmalloc(k + 1), *o = r;
  for (const char *p = d; *p; p++)
    if (*p == ' ') { memcpy(o, "\\x20", 4); o += 4; } else *o++ = *p;
  *o = '\0';
  free(d);
  return r;
}
