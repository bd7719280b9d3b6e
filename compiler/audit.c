/*
** audit.c -- what the audit printers share: symbol class membership.
*/
#include "audit.h"
#include "common.h"

#include <stdlib.h>

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
