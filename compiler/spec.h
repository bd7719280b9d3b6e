/*
** spec.h -- the model spec: its syntax tree and its checked, typed form.
**
** Pipeline: spec_parse (grammar/spec.y + spec.l) reads text into a SpecAst;
** spec_check validates the AST against the schema (spec.c's key table:
** types, defaults, ranges, did-you-mean) and fills a Spec with every default
** applied.  Both report through diag.h and count errors there; neither
** stops at the first error.  A Spec owns all its strings.
*/
#ifndef RNF_SPEC_H
#define RNF_SPEC_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "diag.h"

/* ---- syntax tree ---------------------------------------------------- */

typedef enum { VAL_INT, VAL_REAL, VAL_STRING, VAL_IDENT, VAL_BOOL, VAL_RANGE, VAL_LIST } ValKind;

typedef struct Value {
  ValKind kind;
  SrcLoc loc;
  long long i;              /* VAL_INT, VAL_BOOL (0/1) */
  double r;                 /* VAL_REAL (and VAL_INT, converted) */
  char *s;                  /* VAL_STRING (unescaped; may hold NUL: see len), VAL_IDENT */
  size_t len;               /* bytes in s */
  struct Value *lo, *hi;    /* VAL_RANGE */
  struct Value **items;     /* VAL_LIST */
  int nitems;
} Value;

typedef struct Setting {    /* key value value ... ; */
  char *key;
  SrcLoc loc;               /* of the key */
  Value **vals;
  int nvals;
} Setting;

typedef struct Section {    /* name { settings } */
  char *name;
  SrcLoc loc;
  Setting **settings;
  int nsettings;
} Section;

typedef struct SpecAst {
  char *file;               /* as given on the command line */
  char *model;              /* model NAME */
  SrcLoc loc;
  Section **sections;
  int nsections;
} SpecAst;

/* Parse FILE's text, after a leading UTF-8 byte order mark if it has one,
** and register that text with diag (diag_add_source) so later diagnostics,
** spec_check's included, can quote it.  Returns a tree (possibly partial)
** and reports every syntax error through diag; *nerrors gets their count.  NULL only if the
** file could not be read (reported). */
SpecAst *spec_parse(const char *file, const char *text, size_t len, int *nerrors);
void spec_ast_free(SpecAst *a);

/* ---- checked spec ---------------------------------------------------- */

typedef enum { SRC_TOMITA, SRC_REGEX, SRC_FILES } DataSource;
typedef enum { FMT_TSV, FMT_CSV, FMT_JSONL } DataFormat;
typedef enum { TOKS_ALPHABET, TOKS_BYTES, TOKS_CHARS, TOKS_WORDS } TokensKind;
typedef enum { CELL_ELMAN, CELL_MGU, CELL_GRU, CELL_LSTM } CellKind;  /* ORDER CELL */
typedef enum { OPT_ADAM, OPT_SGD } OptimKind;
typedef enum { EXTRACT_KMEANS, EXTRACT_XMEANS } ExtractMethod;
typedef enum { LABEL_CENTROID, LABEL_MAJORITY } LabelMethod;
typedef enum { STYLE_TABLE, STYLE_SWITCH } EmitStyle;

typedef struct SpecData {
  DataSource source;
  int tomita;               /* 1..7 for SRC_TOMITA */
  char *regex;              /* SRC_REGEX */
  int len_min, len_max;     /* generated string lengths */
  int samples;              /* generated examples in all */
  char *train, *valid, *test; /* SRC_FILES: paths resolved against the spec's folder; valid/test may be NULL */
  DataFormat format;
  char *text_field, *label_field; /* CSV column names or JSONL fields */
  int text_column, label_column;  /* CSV by index (0-based), -1 = by name */
  TokensKind tokens;
  char *alphabet;           /* TOKS_ALPHABET symbols, e.g. "01" */
  bool catchall;            /* alphabet: unknown bytes map to an extra symbol instead of an error */
  bool punct;               /* words: keep punctuation as tokens */
  int vocab, min_count;     /* words */
  int split[3];             /* train/valid/test percentages, sum 100 */
  bool lenient;             /* skip bad lines instead of stopping */
  uint64_t seed;
} SpecData;

typedef struct SpecRnn {
  CellKind cell;
  int hidden;               /* 1..4096 */
  int embed;                /* 0 = one-hot input */
  int layers;               /* 1.. */
  int epochs, batch;
  double learning_rate;
  OptimKind optimizer;
  double clip;              /* gradient norm clip, 0 = off */
  double l2;
  int patience;             /* early stopping, epochs without improvement; 0 = off */
  uint64_t seed;
} SpecRnn;

typedef struct SpecExtract {
  ExtractMethod method;
  int k;                    /* clusters; 0 = auto (sweep) */
  int kmax;                 /* xmeans / auto upper bound */
  int restarts;
  int iterations;           /* Lloyd iterations cap */
  double fidelity;          /* auto: target agreement with the network */
  bool minimize;
  LabelMethod label;
  bool use_valid;           /* cluster validation states instead of training states */
  int max_states;           /* subsample cap on hidden states, 0 = all */
  uint64_t seed;
} SpecExtract;

typedef struct SpecEmit {
  EmitStyle style;
  int max_step;             /* table style, byte-level: at most this many bytes per table step (1, 2, 4, 8) */
  char *prefix;             /* C identifier prefix */
} SpecEmit;

typedef struct Spec {
  char *file;               /* path of the spec */
  char *dir;                /* its folder, for relative data paths */
  char *name;               /* model NAME */
  SpecData data;
  SpecRnn rnn;
  SpecExtract extract;
  SpecEmit emit;
} Spec;

/* Check AST against the schema and fill *out (all defaults applied).
** Returns the number of errors reported (0 = OK).  Data files named by the
** spec are checked for readability here. */
int spec_check(const SpecAst *a, Spec *out);
void spec_free(Spec *s);

/* Print the normalized spec: every section and key, defaults filled in,
** in the canonical order; re-parsing the output gives the same Spec. */
void spec_print(FILE *f, const Spec *s);

/* The key table as Markdown tables (one per section): key, type, default,
** range, meaning.  docs/spec.md's reference is this output. */
void spec_print_schema(FILE *f);

/* Names for enums, shared by printers and reports. */
const char *spec_cell_name(CellKind c);
const char *spec_tokens_name(TokensKind t);

#endif
