/*
** emit_json.c -- the whole state table as JSON (schema: docs/fsa.schema.json).
**
** Built as a jansson tree and dumped with insertion order kept, so the
** document reads top-down: provenance, evaluation, classes, symbols, symbol
** classes, states, transitions.  Transitions are listed per (state, symbol
** class), with the evidence summed over the class's members.
*/
#include "audit.h"
#include "common.h"
#include "esc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *jstr(const char *s)
{
  char *d = esc_display(s, strlen(s));
  json_t *j = json_string(d);
  free(d);
  RNF_ASSERT(j);
  return j;
}

/* Display text that is already made (audit_symbols). */
static json_t *jdisp(const char *d)
{
  json_t *j = json_string(d);
  RNF_ASSERT(j);
  return j;
}

static json_t *jhex(uint64_t h)
{
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
  return json_string(buf);
}

static json_t *provenance(const Provenance *p)
{
  return json_pack("{s:s, s:o, s:o, s:o, s:{s:I, s:I, s:I}, s:s, s:i, s:i}",
                   "rnnfsac", p->version, "model", jstr(p->spec_name),
                   "spec_file", jstr(p->spec_file), "hash", jhex(p->hash),
                   "seeds", "data", (json_int_t)p->data_seed, "rnn", (json_int_t)p->rnn_seed,
                   "extract", (json_int_t)p->extract_seed,
                   "cell", p->cell, "hidden", p->hidden, "embed", p->embed);
}

static json_t *evaluation(const Eval *e)
{
  json_t *j = json_pack("{s:f, s:f, s:f, s:i, s:i, s:i, s:i}",
                        "network_accuracy", e->net_acc, "automaton_accuracy", e->fsa_acc,
                        "fidelity", e->fidelity, "k", e->k, "states_before_minimization",
                        e->states_raw, "states", e->states_min, "symbol_classes", e->nsymclass);
  json_object_set_new(j, "equivalent_to_target",
                      e->equivalent < 0 ? json_null() : json_boolean(e->equivalent));
  json_object_set_new(j, "split", json_string(eval_split_name(e->split)));
  return j;
}

int emit_json(const EmitInput *in, FILE *f)
{
  const Fsa *fsa = in->fsa;
  const Tokenizer *tok = in->tok;
  size_t m = (size_t)fsa->nsym;
  json_t *root = json_object();
  char **names = audit_symbols(in);
  json_object_set_new(root, "format", json_string("rnnfsac-fsa"));
  json_object_set_new(root, "version", json_integer(1));
  json_object_set_new(root, "provenance", provenance(in->prov));
  if (in->eval) json_object_set_new(root, "evaluation", evaluation(in->eval));

  json_t *classes = json_array();
  for (int c = 0; c < in->nclass; c++) json_array_append_new(classes, jstr(in->class_names[c]));
  json_object_set_new(root, "classes", classes);
  json_object_set_new(root, "tokens", json_string(spec_tokens_name(tok->kind)));
  /* what else decides how bytes become symbols, so a reader can replay it */
  json_t *topt = json_object();
  json_object_set_new(topt, "unknown", json_string(tok->kind == TOKS_BYTES ? "none"
                                                   : tok->unk < 0 ? "error" : "unk"));
  if (tok->kind == TOKS_WORDS) json_object_set_new(topt, "punct", json_boolean(tok->punct));
  json_object_set_new(root, "tokenizer", topt);

  json_t *syms = json_array();
  for (int a = 0; a < fsa->nsym; a++)
    json_array_append_new(syms, json_pack("{s:i, s:o, s:i}", "id", a, "name",
                                          jdisp(names[a]), "class", fsa->symclass[a]));
  json_object_set_new(root, "symbols", syms);

  json_t *sc = json_array();
  for (int c = 0; c < fsa->nsymclass; c++) {
    int32_t *mem;
    int k = audit_class_members(in, -1, c, &mem);
    json_t *members = json_array();
    for (int j = 0; j < k; j++) json_array_append_new(members, jdisp(names[mem[j]]));
    json_array_append_new(sc, json_pack("{s:i, s:o}", "id", c, "members", members));
    free(mem);
  }
  json_object_set_new(root, "symbol_classes", sc);
  json_object_set_new(root, "start", json_integer(fsa->start));

  json_t *states = json_array();
  for (int s = 0; s < fsa->nstates; s++) {
    json_t *st = json_pack("{s:i, s:i, s:o}", "id", s, "label", fsa->label[s],
                           "class", jstr(in->class_names[fsa->label[s]]));
    if (fsa->size) json_object_set_new(st, "cluster_size", json_integer(fsa->size[s]));
    if (fsa->centroid_norm) json_object_set_new(st, "centroid_norm", json_real(fsa->centroid_norm[s]));
    json_array_append_new(states, st);
  }
  json_object_set_new(root, "states", states);

  json_t *trans = json_array();
  for (int s = 0; s < fsa->nstates; s++)
    for (int c = 0; c < fsa->nsymclass; c++) {
      int32_t *mem;
      int k = audit_class_members(in, s, c, &mem);
      uint64_t count = 0, total = 0;
      int filled = 1;
      json_t *top = json_array();
      for (int j = 0; j < k; j++) {
        size_t cell = (size_t)s * m + (size_t)mem[j];
        if (fsa->count) count += fsa->count[cell];
        if (fsa->total) total += fsa->total[cell];
        if (!fsa->filled || !fsa->filled[cell]) filled = 0;
        if (j < 10 && fsa->count && fsa->count[cell])
          json_array_append_new(top, jdisp(names[mem[j]]));
      }
      json_t *t = json_pack("{s:i, s:i, s:i}", "from", s, "symbol_class", c,
                            "to", fsa->next[(size_t)s * m + (size_t)mem[0]]);
      if (fsa->count) {
        json_object_set_new(t, "count", json_integer((json_int_t)count));
        json_object_set_new(t, "confidence", json_real(total ? (double)count / (double)total : 0.0));
        json_object_set_new(t, "filled", json_boolean(filled));
        json_object_set_new(t, "top_symbols", top);
      } else {
        json_decref(top);
      }
      json_array_append_new(trans, t);
      free(mem);
    }
  json_object_set_new(root, "transitions", trans);

  int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
  fputc('\n', f);
  json_decref(root);
  audit_symbols_free(in, names);
  if (rc != 0) rnf_internal(__FILE__, __LINE__, "cannot serialize the state table");
  return RNF_EXIT_OK;
}
