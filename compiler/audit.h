/*
** audit.h -- outputs for people: Graphviz graph, JSON and CSV state tables.
**
** Contract: the same EmitInput the code back ends take; each printer writes
** one complete document to F and returns 0 (or an RNF_EXIT_* code after
** reporting).  Byte-identical output for identical input.  Data strings
** (class names through esc_display, symbols through audit_symbols) become
** display text once, then each printer escapes its own syntax, so any
** vocabulary yields a valid document.
** The JSON schema is docs/fsa.schema.json, described in docs/audit.md.
*/
#ifndef RNF_AUDIT_H
#define RNF_AUDIT_H

#include <stdio.h>
#include "emit.h"
#include "rnn.h"

int emit_dot(const EmitInput *in, FILE *f);
int emit_json(const EmitInput *in, FILE *f);
int emit_csv(const EmitInput *in, FILE *f);

/* The HTML report needs more than the automaton: the data (confusion
** matrices, disagreements), the network (its predictions) and the training
** log (curves; n == 0 when the network came from a cache without one). */
typedef struct ReportInput {
  const EmitInput *emit;
  const Dataset *data;
  const Rnn *net;
  const TrainLog *log;
} ReportInput;

/* One self-contained page: no external assets, no scripts.  The graph is
** rendered by Graphviz's `dot -Tsvg` when it is installed (a note says so
** when it is not). */
int emit_html(const ReportInput *in, FILE *f);

/* Members of symbol class C, most traffic on (S, C) first when S >= 0 (by
** symbol otherwise).  Returns the count; *OUT (caller frees) the symbols. */
int audit_class_members(const EmitInput *in, int s, int c, int32_t **out);

/* Every symbol as display text, by symbol id (esc.h's rules over the
** bytes it stands for, tok_sym_text: the byte, the code point or the word;
** a space as \x20), "<unk>" for the unknown symbol.  Built once per
** document; printers escape only their own syntax on it. */
char **audit_symbols(const EmitInput *in);
void audit_symbols_free(const EmitInput *in, char **names);

#endif
