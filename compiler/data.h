/*
** data.h -- the data stage: examples from files or generators, tokenized.
**
** Contract: data_load turns a Spec's data section into a Dataset: three
** splits of token sequences with class ids, the tokenizer that produced them
** (the same one every generated classifier runs, see runtime/), the class
** names, and, for generated languages, the exact target automaton.  Errors
** are reported through diag.h naming file and line; the return value is an
** RNF_EXIT_* code.  Deterministic: the same spec and bytes give the same
** Dataset.  A Dataset owns all its memory; data_free releases it.
*/
#ifndef RNF_DATA_H
#define RNF_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "spec.h"

struct Fsa;

/* The tokenizer as the compiler holds it: the tables every back end lowers. */
typedef struct Tokenizer {
  TokensKind kind;
  int nsym;                 /* symbols the network sees: 0 .. nsym-1 */
  char **sym_names;         /* [nsym] printable names (UTF-8), for reports */
  int16_t bytemap[256];     /* ALPHABET/BYTES: byte -> symbol, -1 = not in the alphabet */
  int unk;                  /* symbol for anything unknown, -1 = none (alphabet without catch-all) */
  bool punct;               /* WORDS: punctuation characters are tokens */
  void *priv;               /* tok.c's lookup structures */
} Tokenizer;

/* Encode N bytes of TEXT.  Returns the number of symbols written to *OUT
** (caller frees), or -1 when the text cannot be tokenized (a byte outside an
** alphabet without catch-all); *BAD then gets the offending byte offset. */
long tok_encode(const Tokenizer *t, const char *text, size_t n, int32_t **out, size_t *bad);
void tok_free(Tokenizer *t);

typedef struct Split {
  int n;                    /* examples */
  int32_t *tok;             /* all sequences, concatenated */
  size_t *off;              /* [n+1] example i is tok[off[i] .. off[i+1]) */
  int32_t *label;           /* [n] class ids */
  char **text;              /* [n] the raw bytes a classifier would be fed (NUL-terminated) */
  size_t *text_len;         /* [n] */
  long *line;               /* [n] line in the source file, 0 when generated */
} Split;

typedef struct Dataset {
  Tokenizer tok;
  int nclass;               /* >= 2 */
  char **class_names;       /* [nclass]; generated languages: "reject", "accept" */
  Split train, valid, test;
  struct Fsa *target;       /* generated languages: the exact language (label 1 = member); else NULL */
  uint64_t hash;            /* content hash of the loaded or generated examples */
} Dataset;

int data_load(const Spec *s, Dataset *d);
void data_free(Dataset *d);   /* also safe on a zeroed or already freed Dataset */

/* For debugging (a driver's dump flag): the tokenizer, class counts per
** split and the first MAX examples of each split with their symbols. */
void data_dump(FILE *f, const Dataset *d, int max);

/* Tomita grammar N (1..7) as a complete minimal DFA over {0,1} (symbol 0 =
** '0'), 2 classes, label 1 = member (definitions in docs/data.md). */
struct Fsa *data_tomita(int n);

static inline int split_len(const Split *s, int i) { return (int)(s->off[i + 1] - s->off[i]); }
static inline const int32_t *split_seq(const Split *s, int i) { return s->tok + s->off[i]; }

#endif
