/*
** tok.h -- building tokenizers, their back-end tables, a byte-string map.
**
** Contract: the tok_init_* / tok_build_* functions fill a Tokenizer (see
** data.h) whose lookup tables (TokTables, owned by the Tokenizer, freed by
** tok_free) are exactly what runtime/rnf_tok.h walks; tok_encode runs the
** runtime's functions over them.  Vocabularies are deterministic: they
** depend only on the training texts, never on hash order.
**
** Symbol numbering (docs/data.md):
**   alphabet  i = position in the alphabet string; catch-all = last (nsym-1)
**   bytes     symbol = byte value, 256 symbols, no unk
**   chars     0 = <unk>, then code points by count (desc), ties by value
**   words     0 = <unk>, then words/punctuation by count (desc), ties by bytes
*/
#ifndef RNF_TOK_H_COMPILER
#define RNF_TOK_H_COMPILER

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "data.h"
#include "rnf_tok.h"

typedef struct TokTables {
  /* words: the vocabulary trie (rnf_trie); nnodes >= 1 */
  int32_t nnodes, nedges;
  int32_t *first;          /* [nnodes+1] */
  unsigned char *byte;     /* [nedges] sorted within each node */
  int32_t *child;          /* [nedges] */
  int32_t *sym;            /* [nnodes] word symbol or unk */
  /* chars: the code point map (rnf_cpmap) */
  int32_t ncp;
  uint32_t *cp;            /* [ncp] ascending */
  int32_t *cpsym;          /* [ncp] */
} TokTables;

/* Never NULL for an initialized tokenizer (tables are empty for kinds
** that do not use them). */
const TokTables *tok_tables(const Tokenizer *t);
/* The input bytes symbol A stands for -- its byte, its code point's UTF-8
** (in BUF) or its word -- and *LEN their count; NULL for the unknown
** symbol.  Linear in the symbols: for tables built once, not per input. */
const char *tok_sym_text(const Tokenizer *t, int a, char buf[4], size_t *len);
rnf_trie tok_trie(const Tokenizer *t);
rnf_cpmap tok_cpmap(const Tokenizer *t);

/* Alphabet of N bytes (no duplicates: returns the index of the first
** duplicate byte, else -1 on success).  CATCHALL adds symbol "<unk>". */
int tok_init_alphabet(Tokenizer *t, const char *alpha, size_t n, bool catchall);
void tok_init_bytes(Tokenizer *t);
/* Vocabularies from the N training TEXTS (LENS bytes each). */
void tok_build_chars(Tokenizer *t, char *const *texts, const size_t *lens, int n, int vocab, int min_count);
void tok_build_words(Tokenizer *t, char *const *texts, const size_t *lens, int n,
                     int vocab, int min_count, bool punct);

/* ---- a map from byte strings to a long (open addressing) ------------- */

typedef struct TokMapEnt {
  char *key;               /* owned copy, NUL-terminated; NULL = empty slot */
  size_t len;
  uint64_t hash;
  long val;
} TokMapEnt;

typedef struct TokMap {
  TokMapEnt *e;            /* [cap], cap a power of two */
  size_t cap, n;
} TokMap;

/* Pointer to KEY's value; with INSERT a missing key is added with value 0
** (*ADDED set to 1 if ADDED is not NULL), else NULL when missing. */
long *tok_map_get(TokMap *m, const void *key, size_t len, bool insert, int *added);
void tok_map_free(TokMap *m);

#endif
