/*
** emit_csv.c -- the transition table as RFC 4180 CSV, one row per
** (state, symbol class): what a spreadsheet-minded auditor filters on.
**
**   from,from_label,from_is_start,symbol_class,symbols,to,to_label,count,confidence,filled
*/
#include "audit.h"
#include "common.h"
#include "esc.h"

#include <stdlib.h>
#include <string.h>

/* A field, quoted when it holds a comma, quote or line break.  Text that
** starts like a formula (= + - @) gets a leading ' so a spreadsheet shows
** it instead of evaluating it (OWASP's advice against CSV injection). */
static void csv_field(FILE *f, const char *s)
{
  int formula = *s == '=' || *s == '+' || *s == '-' || *s == '@';
  if (!strpbrk(s, ",\"\r\n")) { fputs(formula ? "'" : "", f); fputs(s, f); return; }
  fputc('"', f);
  if (formula) fputc('\'', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static void csv_text(FILE *f, const char *s)
{
  char *d = esc_display(s, strlen(s));
  csv_field(f, d);
  free(d);
}

int emit_csv(const EmitInput *in, FILE *f)
{
  const Fsa *fsa = in->fsa;
  size_t m = (size_t)fsa->nsym;
  char **names = audit_symbols(in);
  fputs("from,from_label,from_is_start,symbol_class,symbols,to,to_label,count,confidence,filled\r\n", f);
  for (int s = 0; s < fsa->nstates; s++)
    for (int c = 0; c < fsa->nsymclass; c++) {
      int32_t *mem;
      int k = audit_class_members(in, s, c, &mem);
      int t = fsa->next[(size_t)s * m + (size_t)mem[0]];
      uint64_t count = 0, total = 0;
      int filled = 1;
      /* members joined by spaces; audit_symbols shows a space as \x20, so
      ** none is inside a member */
      size_t cap = 64, len = 0;
      char *syms = xmalloc(cap);
      syms[0] = '\0';
      for (int j = 0; j < k; j++) {
        size_t cell = (size_t)s * m + (size_t)mem[j];
        if (fsa->count) count += fsa->count[cell];
        if (fsa->total) total += fsa->total[cell];
        if (!fsa->filled || !fsa->filled[cell]) filled = 0;
        const char *d = names[mem[j]];
        size_t dl = strlen(d);
        while (len + dl + 2 > cap) syms = xrealloc(syms, cap *= 2);
        if (j) syms[len++] = ' ';
        memcpy(syms + len, d, dl + 1);
        len += dl;
      }
      fprintf(f, "%d,", s);
      csv_text(f, in->class_names[fsa->label[s]]);
      fprintf(f, ",%d,%d,", s == fsa->start, c);
      csv_field(f, syms);
      fprintf(f, ",%d,", t);
      csv_text(f, in->class_names[fsa->label[t]]);
      if (fsa->count)
        fprintf(f, ",%llu,%.6f,%d\r\n", (unsigned long long)count,
                total ? (double)count / (double)total : 0.0, filled);
      else
        fputs(",,,\r\n", f);
      free(syms);
      free(mem);
    }
  audit_symbols_free(in, names);
  return RNF_EXIT_OK;
}
