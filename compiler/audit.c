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

char **audit_symbols(const EmitInput *in)
{
  const Tokenizer *t = in->tok;
  char **names = xcalloc((size_t)t->nsym, sizeof *names);
  for (int a = 0; a < t->nsym; a++) {
    char buf[4];
    size_t n;
    const char *b = tok_sym_text(t, a, buf, &n);
    char *d = b ? esc_display(b, n) : xstrdup("<unk>");
    /* a space is a symbol of its own (bytes, chars) and never inside one:
    ** shown as \x20 it cannot be lost or split a space-separated list */
    size_t k = 0;
    for (const char *p = d; *p; p++) k += *p == ' ' ? 4 : 1;
    char *r = xmalloc(k + 1), *o = r;
    for (const char *p = d; *p; p++)
      if (*p == ' ') { memcpy(o, "\\x20", 4); o += 4; } else *o++ = *p;
    *o = '\0';
    free(d);
    names[a] = r;
  }
  return names;
}

void audit_symbols_free(const EmitInput *in, char **names)
{
  for (int a = 0; a < in->tok->nsym; a++) free(names[a]);
  free(names);
}
