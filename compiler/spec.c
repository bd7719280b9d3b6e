/*
** spec.c -- the spec schema: checking, defaults, printing (see spec.h).
**
** One table row per key (section, key, type, field, range, default, allowed
** names, doc) drives everything: spec_check validates each setting against
** its row and stores it, defaults come from the rows, did-you-mean draws its
** candidates from them, spec_print walks them in order, and
** spec_print_schema renders them for docs/spec.md.  Rules that tie keys
** together (generate vs train, tokens vs alphabet, split sums, derived
** defaults) are in check_rules.  Every error is located at the offending
** token and checking carries on, so one run reports them all.
*/
#include "spec.h"
#include "common.h"
#include "diag.h"
#include "lang.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ERRORS 20

typedef enum {
  KT_INT, KT_REAL, KT_BOOL, KT_STRING, KT_PATH, KT_ENUM, KT_SEED,
  KT_GENERATE, KT_RANGE, KT_SPLIT, KT_K, KT_STATES, KT_PREFIX
} KeyType;

enum { F_MIN_EXCL = 1, F_NO_MAX = 2, F_GEN = 4 /* only for generated data */ };

typedef struct Key {
  const char *section, *key;
  KeyType type;
  size_t off;                 /* offsetof(Spec, field) */
  double min, max;            /* numbers: allowed range (see flags) */
  unsigned flags;
  double dnum;                /* default: number, bool, or index into names */
  const char *dstr;           /* default: KT_STRING (NULL = unset) */
  const char *const *names;   /* KT_ENUM / KT_STATES: identifiers in enum order */
  const char *deftext;        /* the default as the docs state it */
  const char *doc;
} Key;

static const char *const sections[] = { "data", "rnn", "extract", "emit", NULL };
static const char *const n_format[] = { "tsv", "csv", "jsonl", NULL };
static const char *const n_tokens[] = { "alphabet", "bytes", "chars", "words", NULL };
static const char *const n_cell[] = { "elman", "mgu", "gru", "lstm", NULL };
static const char *const n_optim[] = { "adam", "sgd", NULL };
static const char *const n_method[] = { "kmeans", "xmeans", NULL };
static const char *const n_label[] = { "centroid", "majority", NULL };
static const char *const n_states[] = { "train", "valid", NULL };
static const char *const n_style[] = { "table", "switch", NULL };

#define OFF(f) offsetof(Spec, f)
#define BIG 1e300

static const Key keys[] = {
  /* section, key, type, field, min, max, flags, dnum, dstr, names, deftext, doc */
  { "data", "generate", KT_GENERATE, 0, 0, 0, 0, 0, NULL, NULL, "none",
    "`tomita N` (N 1..7) or `regex \"RE\"`: generate labelled strings instead of reading files" },
  { "data", "train", KT_PATH, OFF(data.train), 0, 0, 0, 0, NULL, NULL, "none",
    "training file, relative to the spec's folder" },
  { "data", "valid", KT_PATH, OFF(data.valid), 0, 0, 0, 0, NULL, NULL, "none",
    "validation file; without it `split` carves one out of `train`" },
  { "data", "test", KT_PATH, OFF(data.test), 0, 0, 0, 0, NULL, NULL, "none",
    "test file; without it `split` carves one out of `train`" },
  { "data", "format", KT_ENUM, OFF(data.format), 0, 0, 0, FMT_TSV, NULL, n_format,
    "from `train`'s extension (.csv, .jsonl/.ndjson), else tsv", "file format" },
  { "data", "text_field", KT_STRING, OFF(data.text_field), 0, 0, 0, 0, "text", NULL, "\"text\"",
    "JSONL field or CSV column name holding the text" },
  { "data", "label_field", KT_STRING, OFF(data.label_field), 0, 0, 0, 0, "label", NULL, "\"label\"",
    "JSONL field or CSV column name holding the label" },
  { "data", "text_column", KT_INT, OFF(data.text_column), 0, 100000, 0, -1, NULL, NULL, "none (by name)",
    "CSV only: 0-based column index of the text; overrides `text_field`" },
  { "data", "label_column", KT_INT, OFF(data.label_column), 0, 100000, 0, -1, NULL, NULL, "none (by name)",
    "CSV only: 0-based column index of the label; overrides `label_field`" },
  { "data", "tokens", KT_ENUM, OFF(data.tokens), 0, 0, 0, TOKS_ALPHABET, NULL, n_tokens,
    "alphabet for generated data or when `alphabet` is given, else words", "how text becomes symbols" },
  { "data", "alphabet", KT_STRING, OFF(data.alphabet), 0, 0, 0, 0, NULL, NULL, "\"01\" for generated data",
    "the symbols of `tokens alphabet`, one byte each" },
  { "data", "catchall", KT_BOOL, OFF(data.catchall), 0, 0, 0, 0, NULL, NULL, "false",
    "alphabet: map unknown bytes to an extra symbol instead of rejecting the line" },
  { "data", "punct", KT_BOOL, OFF(data.punct), 0, 0, 0, 1, NULL, NULL, "true",
    "words: keep punctuation characters as tokens" },
  { "data", "vocab", KT_INT, OFF(data.vocab), 1, 1000000, 0, 2000, NULL, NULL, "2000",
    "words, chars: keep the most frequent tokens; the rest become one unknown symbol" },
  { "data", "min_count", KT_INT, OFF(data.min_count), 1, 1000000, 0, 1, NULL, NULL, "1",
    "words, chars: tokens seen fewer times become the unknown symbol" },
  { "data", "length", KT_RANGE, 0, 0, 100000, F_GEN, 0, NULL, NULL, "1 .. 20",
    "generated: string lengths, `A .. B` with A <= B" },
  { "data", "samples", KT_INT, OFF(data.samples), 10, 10000000, F_GEN, 10000, NULL, NULL, "10000",
    "generated: examples in all (before the split)" },
  { "data", "split", KT_SPLIT, 0, 0, 100, 0, 0, NULL, NULL, "80 10 10",
    "train/valid/test percentages, summing to 100 (also `[80, 10, 10]`)" },
  { "data", "lenient", KT_BOOL, OFF(data.lenient), 0, 0, 0, 0, NULL, NULL, "false",
    "skip malformed lines instead of stopping" },
  { "data", "seed", KT_SEED, OFF(data.seed), 0, 0, 0, 1, NULL, NULL, "1",
    "generation and shuffling seed" },

  { "rnn", "cell", KT_ENUM, OFF(rnn.cell), 0, 0, 0, CELL_GRU, NULL, n_cell, "gru", "recurrent cell" },
  { "rnn", "hidden", KT_INT, OFF(rnn.hidden), 1, 4096, 0, 16, NULL, NULL, "16", "hidden units per layer" },
  { "rnn", "embed", KT_INT, OFF(rnn.embed), 0, 4096, 0, 0, NULL, NULL, "0",
    "embedding width; 0 feeds one-hot symbols" },
  { "rnn", "layers", KT_INT, OFF(rnn.layers), 1, 1, 0, 1, NULL, NULL, "1",
    "recurrent layers: stacking is not implemented yet" },
  { "rnn", "epochs", KT_INT, OFF(rnn.epochs), 1, 100000, 0, 20, NULL, NULL, "20", "training epochs (upper bound)" },
  { "rnn", "batch", KT_INT, OFF(rnn.batch), 1, 65536, 0, 32, NULL, NULL, "32", "minibatch size" },
  { "rnn", "learning_rate", KT_REAL, OFF(rnn.learning_rate), 0, 10, F_MIN_EXCL, 0.01, NULL, NULL, "0.01",
    "step size, > 0" },
  { "rnn", "optimizer", KT_ENUM, OFF(rnn.optimizer), 0, 0, 0, OPT_ADAM, NULL, n_optim, "adam", "optimizer" },
  { "rnn", "clip", KT_REAL, OFF(rnn.clip), 0, BIG, F_NO_MAX, 5.0, NULL, NULL, "5.0",
    "gradient norm clip; 0 turns it off" },
  { "rnn", "l2", KT_REAL, OFF(rnn.l2), 0, BIG, F_NO_MAX, 0, NULL, NULL, "0", "L2 weight decay" },
  { "rnn", "patience", KT_INT, OFF(rnn.patience), 0, INT_MAX, F_NO_MAX, 5, NULL, NULL, "5",
    "early stopping: epochs without validation improvement; 0 turns it off" },
  { "rnn", "seed", KT_SEED, OFF(rnn.seed), 0, 0, 0, 1, NULL, NULL, "1", "weight initialisation and batch order seed" },

  { "extract", "method", KT_ENUM, OFF(extract.method), 0, 0, 0, EXTRACT_KMEANS, NULL, n_method, "kmeans",
    "how hidden states are clustered into automaton states" },
  { "extract", "k", KT_K, OFF(extract.k), 2, 65536, 0, 0, NULL, NULL, "auto",
    "clusters, or `auto` to sweep k up to `kmax` until `fidelity` is reached, then up to 4x that k for better agreement; "
    "with `xmeans`, the k it starts from (`auto`: 1)" },
  { "extract", "kmax", KT_INT, OFF(extract.kmax), 2, 65536, 0, 64, NULL, NULL, "64",
    "upper bound for `k auto` and xmeans" },
  { "extract", "restarts", KT_INT, OFF(extract.restarts), 1, 1000, 0, 3, NULL, NULL, "3", "k-means restarts" },
  { "extract", "iterations", KT_INT, OFF(extract.iterations), 1, 100000, 0, 100, NULL, NULL, "100",
    "Lloyd iterations cap" },
  { "extract", "fidelity", KT_REAL, OFF(extract.fidelity), 0, 1, F_MIN_EXCL, 0.99, NULL, NULL, "0.99",
    "`k auto`: target agreement between automaton and network" },
  { "extract", "minimize", KT_BOOL, OFF(extract.minimize), 0, 0, 0, 1, NULL, NULL, "true",
    "minimize the extracted automaton" },
  { "extract", "label", KT_ENUM, OFF(extract.label), 0, 0, 0, LABEL_CENTROID, NULL, n_label, "centroid",
    "how a state's output label is chosen" },
  { "extract", "states", KT_STATES, OFF(extract.use_valid), 0, 0, 0, 0, NULL, n_states, "train",
    "which split's hidden states are clustered" },
  { "extract", "max_states", KT_INT, OFF(extract.max_states), 0, INT_MAX, F_NO_MAX, 200000, NULL, NULL, "200000",
    "subsample cap on hidden states; 0 uses all" },
  { "extract", "seed", KT_SEED, OFF(extract.seed), 0, 0, 0, 1, NULL, NULL, "1", "clustering seed" },

  { "emit", "style", KT_ENUM, OFF(emit.style), 0, 0, 0, STYLE_TABLE, NULL, n_style, "table",
    "transition table or switch statements in the generated C" },
  { "emit", "max_step", KT_INT, OFF(emit.max_step), 1, 8, 0, 8, NULL, NULL, "8",
    "table style, byte-level tokens: at most this many bytes per table lookup (1, 2, 4 or 8); smaller gives smaller tables" },
  { "emit", "prefix", KT_PREFIX, OFF(emit.prefix), 0, 0, 0, 0, NULL, NULL, "the model name, made a C identifier",
    "prefix of every generated C name: a C identifier with no leading or trailing `_` and no `__`" },
};
#define NKEYS ((int)(sizeof keys / sizeof keys[0]))

/* ---- helpers ------------------------------------------------------------ */

typedef struct Ck {
  const SpecAst *a;
  Spec *s;
  const Setting *seen[NKEYS];        /* first setting of each key */
  bool valid[NKEYS];                 /* ... and whether its value was accepted */
  const Section *sect_seen[4];
  bool data_misspelt;                /* an unknown section was taken for 'data' */
  bool source_misspelt;              /* an unknown key was taken for 'generate' or 'train' */
  int nerr;
  bool stop;
} Ck;

static void verr(Ck *c, SrcLoc loc, const char *fmt, va_list ap)
{
  if (c->stop) return;
  if (c->nerr >= MAX_ERRORS) {
    diag(DIAG_ERROR, "too many errors in '%s', stopping now", c->a->file);
    c->stop = true;   /* not counted: "N errors generated" counts the file's */
    return;
  }
  va_list aq;
  va_copy(aq, ap);
  int n = vsnprintf(NULL, 0, fmt, aq);
  va_end(aq);
  char *msg = xmalloc((size_t)n + 1);
  vsnprintf(msg, (size_t)n + 1, fmt, ap);
  diag_at(DIAG_ERROR, c->a->file, loc, "%s", msg);
  free(msg);
  c->nerr++;
}

static void err(Ck *c, SrcLoc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err(Ck *c, SrcLoc loc, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  verr(c, loc, fmt, ap);
  va_end(ap);
}

static void note(Ck *c, SrcLoc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(Ck *c, SrcLoc loc, const char *fmt, ...)
{
  if (c->stop) return;
  va_list ap;
  va_start(ap, fmt);
  char *msg;
  va_list aq;
  va_copy(aq, ap);
  int n = vsnprintf(NULL, 0, fmt, aq);
  va_end(aq);
  msg = xmalloc((size_t)n + 1);
  vsnprintf(msg, (size_t)n + 1, fmt, ap);
  va_end(ap);
  diag_at(DIAG_NOTE, c->a->file, loc, "%s", msg);
  free(msg);
}

static void *field(Spec *s, const Key *k) { return (char *)s + k->off; }

/* "an integer", "a string (got identifier 'x')" ... for type errors. */
static char *got(const Value *v)
{
  switch (v->kind) {
  case VAL_INT: return xasprintf("integer %lld", v->i);
  case VAL_REAL: return xstrdup("real number");
  case VAL_STRING: return xstrdup("string");
  case VAL_IDENT: return xasprintf("name '%s'", v->s);
  case VAL_BOOL: return xstrdup(v->i ? "'true'" : "'false'");
  case VAL_RANGE: return xstrdup("range");
  case VAL_LIST: return xstrdup("list");
  }
  return xstrdup("value");
}

/* "elman, mgu, gru or lstm" */
static char *alternatives(const char *const *names)
{
  char *out = xstrdup("");
  int n = 0;
  while (names[n]) n++;
  for (int i = 0; i < n; i++) {
    char *t = xasprintf("%s%s%s", out, i == 0 ? "" : i == n - 1 ? " or " : ", ", names[i]);
    free(out);
    out = t;
  }
  return out;
}

static void type_error(Ck *c, const Key *k, const Value *v, const char *want)
{
  char *g = got(v);
  err(c, v->loc, "expected %s for '%s', got %s", want, k->key, g);
  free(g);
}

static SrcLoc span(SrcLoc a, SrcLoc b)
{
  SrcLoc s = a;
  s.end_line = b.end_line;
  s.end_col = b.end_col;
  return s;
}

static char *fmt_num(double x)
{
  return xasprintf("%.15g", x);
}

/* Range check for numbers; the message states the rule, e.g.
** "'hidden' must be between 1 and 4096, got 0". */
static bool in_range(Ck *c, const Key *k, const Value *v, double x)
{
  bool lo_ok = (k->flags & F_MIN_EXCL) ? x > k->min : x >= k->min;
  bool hi_ok = (k->flags & F_NO_MAX) || x <= k->max;
  if (lo_ok && hi_ok) return true;
  char *lo = fmt_num(k->min), *hi = fmt_num(k->max);
  char *gv = v->kind == VAL_INT ? xasprintf("%lld", v->i) : fmt_num(x);
  if (k->flags & F_NO_MAX)
    err(c, v->loc, "'%s' must be %s %s, got %s", k->key,
        (k->flags & F_MIN_EXCL) ? "greater than" : "at least", lo, gv);
  else if (k->flags & F_MIN_EXCL)
    err(c, v->loc, "'%s' must be greater than %s and at most %s, got %s", k->key, lo, hi, gv);
  else if (k->min == k->max)   /* one value allowed: `layers` until stacking exists */
    err(c, v->loc, "'%s' must be %s (%s), got %s", k->key, lo, k->doc, gv);
  else
    err(c, v->loc, "'%s' must be between %s and %s, got %s", k->key, lo, hi, gv);
  free(lo); free(hi); free(gv);
  return false;
}

/* A string value usable as a C string: no NUL inside, not empty. */
static bool plain_string(Ck *c, const Key *k, const Value *v)
{
  if (v->kind != VAL_STRING) { type_error(c, k, v, "a string"); return false; }
  if (strlen(v->s) != v->len) { err(c, v->loc, "'%s' must not contain NUL bytes", k->key); return false; }
  if (v->len == 0) { err(c, v->loc, "'%s' must not be empty", k->key); return false; }
  return true;
}

/* Exactly N values; reports "missing" at the key, extras at the first extra. */
static bool count_ok(Ck *c, const Key *k, const Setting *st, int n, const char *what)
{
  if (st->nvals == n) return true;
  if (st->nvals == 0)
    err(c, st->loc, "missing value for '%s'; expected %s", k->key, what);
  else if (st->nvals > n) {
    const Value *last = st->vals[n - 1], *extra = st->vals[n];
    err(c, span(extra->loc, st->vals[st->nvals - 1]->loc), "'%s' takes %d value%s, got %d",
        k->key, n, n == 1 ? "" : "s", st->nvals);
    /* "hidden 16 <newline> cell gru;" reads as one setting: say why */
    if (extra->loc.line > last->loc.end_line) {
      SrcLoc after = { last->loc.end_line, last->loc.end_col + 1, last->loc.end_line, last->loc.end_col + 1 };
      note(c, after, "missing ';' at the end of this line?");
    }
  }
  else
    err(c, span(st->vals[0]->loc, st->vals[st->nvals - 1]->loc), "'%s' takes %d value%s, got %d",
        k->key, n, n == 1 ? "" : "s", st->nvals);
  return false;
}

/* A prefix: a C identifier that makes no reserved name -- no leading '_'
** (reserved at file scope in C), no "__" and no trailing '_' (the '_' the
** back ends add would make one; reserved in C++, which includes headers). */
static bool is_c_ident(const char *s)
{
  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))) return false;
  for (s++; *s; s++) {
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return false;
    if (*s == '_' && (s[1] == '_' || s[1] == '\0')) return false;
  }
  return true;
}

/* NAME made such an identifier: runs of other bytes become one '_', none
** at either end; a leading digit gets an 'm' ("3-state" -> "m3_state"). */
static char *c_ident(const char *name)
{
  size_t n = strlen(name);
  char *o = xmalloc(n + 2), *p = o;
  for (size_t i = 0; i < n; i++) {
    char ch = name[i];
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (ok) {
      if (p == o && ch >= '0' && ch <= '9') *p++ = 'm';
      *p++ = ch;
    } else if (p > o && p[-1] != '_') {
      *p++ = '_';
    }
  }
  if (p > o && p[-1] == '_') p--;
  *p = '\0';
  if (p == o) { free(o); return xstrdup("model"); }
  return o;
}

static char *dir_of(const char *file)
{
  const char *slash = strrchr(file, '/');
  if (!slash) return xstrdup(".");
  if (slash == file) return xstrdup("/");
  return xstrndup(file, (size_t)(slash - file));
}

static char *resolve(const char *dir, const char *p)
{
  if (p[0] == '/' || strcmp(dir, ".") == 0) return xstrdup(p);
  size_t n = strlen(dir);
  return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", p);
}

/* The inverse of resolve, for printing paths as a spec in DIR would say them. */
static const char *unresolve(const char *dir, const char *p)
{
  if (strcmp(dir, ".") == 0) return p;
  size_t n = strlen(dir);
  if (strncmp(p, dir, n) != 0) return p;
  if (dir[n - 1] == '/') return p + n;
  return p[n] == '/' ? p + n + 1 : p;
}

/* ---- one setting ---------------------------------------------------------- */

static const Key *find_key(const char *sect, const char *key)
{
  for (int i = 0; i < NKEYS; i++)
    if (strcmp(keys[i].section, sect) == 0 && strcmp(keys[i].key, key) == 0) return &keys[i];
  return NULL;
}

/* Names other tools use for our keys.  Checked before edit distance, which
** would turn 'lr' into 'l2' and silently set weight decay. */
static const struct { const char *alias, *section, *key; } synonyms[] = {
  { "lr", "rnn", "learning_rate" }, { "learning-rate", "rnn", "learning_rate" },
  { "learningrate", "rnn", "learning_rate" }, { "step_size", "rnn", "learning_rate" },
  { "hidden_size", "rnn", "hidden" }, { "hidden_units", "rnn", "hidden" }, { "units", "rnn", "hidden" },
  { "hidden_dim", "rnn", "hidden" }, { "num_units", "rnn", "hidden" },
  { "embedding", "rnn", "embed" }, { "embedding_dim", "rnn", "embed" }, { "embed_dim", "rnn", "embed" },
  { "embedding_size", "rnn", "embed" },
  { "num_layers", "rnn", "layers" }, { "n_layers", "rnn", "layers" },
  { "max_epochs", "rnn", "epochs" }, { "num_epochs", "rnn", "epochs" }, { "n_epochs", "rnn", "epochs" },
  { "batch_size", "rnn", "batch" }, { "batchsize", "rnn", "batch" }, { "bs", "rnn", "batch" },
  { "weight_decay", "rnn", "l2" }, { "wd", "rnn", "l2" },
  { "grad_clip", "rnn", "clip" }, { "clip_norm", "rnn", "clip" }, { "max_grad_norm", "rnn", "clip" },
  { "optim", "rnn", "optimizer" }, { "optimiser", "rnn", "optimizer" },
  { "early_stopping", "rnn", "patience" },
  { "cell_type", "rnn", "cell" }, { "rnn_type", "rnn", "cell" },
  { "num_clusters", "extract", "k" }, { "clusters", "extract", "k" }, { "n_clusters", "extract", "k" },
  { "max_iter", "extract", "iterations" }, { "n_init", "extract", "restarts" },
  { "kmin", "extract", "k" }, { "k_min", "extract", "k" }, { "min_clusters", "extract", "k" },
  { "k_max", "extract", "kmax" }, { "max_clusters", "extract", "kmax" },
  { "num_samples", "data", "samples" }, { "n_samples", "data", "samples" },
  { "vocab_size", "data", "vocab" }, { "max_vocab", "data", "vocab" },
  { "train_file", "data", "train" }, { "valid_file", "data", "valid" }, { "validation", "data", "valid" },
  { "test_file", "data", "test" },
};

static void unknown_key(Ck *c, const Section *sec, const Setting *st)
{
  /* the key meant: a synonym (maybe of another section), else the
  ** closest key of this section */
  const char *sug = NULL, *sect = sec->name;
  for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0] && !sug; i++)
    if (strcasecmp(synonyms[i].alias, st->key) == 0) { sug = synonyms[i].key; sect = synonyms[i].section; }
  if (!sug) {
    const char *cands[NKEYS + 1];
    int n = 0;
    for (int i = 0; i < NKEYS; i++)
      if (strcmp(keys[i].section, sec->name) == 0) cands[n++] = keys[i].key;
    cands[n] = NULL;
    sug = diag_suggest(st->key, cands);
  }
  if (sug) {
    if (!strcmp(sug, "generate") || !strcmp(sug, "train"))
      c->source_misspelt = true;      /* "needs either generate or train" would follow from it */
    if (strcmp(sect, sec->name) == 0)
      err(c, st->loc, "unknown key '%s' in section '%s'; did you mean '%s'?", st->key, sec->name, sug);
    else
      err(c, st->loc, "unknown key '%s' in section '%s'; did you mean '%s' in section '%s'?",
          st->key, sec->name, sug, sect);
    return;
  }
  for (int i = 0; i < NKEYS; i++)
    if (strcmp(keys[i].key, st->key) == 0) {
      err(c, st->loc, "unknown key '%s' in section '%s'; '%s' belongs in section '%s'",
          st->key, sec->name, st->key, keys[i].section);
      return;
    }
  err(c, st->loc, "unknown key '%s' in section '%s'", st->key, sec->name);
}

static void set_string(char **dst, const Value *v)
{
  free(*dst);
  *dst = xstrndup(v->s, v->len);
}

static void check_path(Ck *c, const Key *k, const Value *v)
{
  Spec *s = c->s;
  char *path = resolve(s->dir, v->s);
  struct stat sb;
  FILE *f = NULL;
  int e = 0;
  if (stat(path, &sb) != 0) e = errno;
  else if (S_ISDIR(sb.st_mode)) e = EISDIR;
  /* opening a FIFO (or a terminal) would block or take its data: the
  ** loader opens it once, later */
  else if (!S_ISREG(sb.st_mode)) { if (access(path, R_OK) != 0) e = errno; }
  else if (!(f = fopen(path, "rb"))) e = errno;
  if (f) fclose(f);
  if (e) err(c, v->loc, "cannot read %s file '%s': %s", k->key, path, strerror(e));
  char **dst = field(s, k);
  free(*dst);
  *dst = path;
}

static void check_generate(Ck *c, const Key *k, const Setting *st)
{
  SpecData *d = &c->s->data;
  static const char *const gens[] = { "tomita", "regex", NULL };
  if (st->nvals == 0) {
    err(c, st->loc, "missing value for 'generate'; expected 'tomita N' or 'regex \"RE\"'");
    return;
  }
  const Value *g = st->vals[0];
  if (g->kind != VAL_IDENT) { type_error(c, k, g, "tomita or regex"); return; }
  bool tomita = strcmp(g->s, "tomita") == 0, regex = strcmp(g->s, "regex") == 0;
  if (!tomita && !regex) {
    const char *sug = diag_suggest(g->s, gens);
    if (sug) err(c, g->loc, "unknown generator '%s'; did you mean '%s'?", g->s, sug);
    else err(c, g->loc, "unknown generator '%s'; expected 'tomita N' or 'regex \"RE\"'", g->s);
    return;
  }
  if (st->nvals == 1) {
    err(c, g->loc, tomita ? "'generate tomita' needs the grammar number, 1 to 7"
                          : "'generate regex' needs the regular expression, as a string");
    return;
  }
  if (st->nvals > 2) {
    err(c, span(st->vals[2]->loc, st->vals[st->nvals - 1]->loc), "'generate %s' takes 1 value, got %d",
        g->s, st->nvals - 1);
    return;
  }
  const Value *v = st->vals[1];
  if (tomita) {
    if (v->kind != VAL_INT) {
      char *gv = got(v);
      err(c, v->loc, "expected an integer for 'generate tomita', got %s", gv);
      free(gv);
      return;
    }
    if (v->i < 1 || v->i > 7) {
      err(c, v->loc, "Tomita grammars are numbered 1 to 7, got %lld", v->i);
      return;
    }
    d->source = SRC_TOMITA;
    d->tomita = (int)v->i;
  } else {
    if (v->kind != VAL_STRING) {
      char *gv = got(v);
      err(c, v->loc, "expected a string for 'generate regex', got %s", gv);
      free(gv);
      return;
    }
    if (strlen(v->s) != v->len || v->len == 0) {
      err(c, v->loc, v->len ? "the regular expression must not contain NUL bytes"
                            : "the regular expression must not be empty");
      return;
    }
    d->source = SRC_REGEX;
    set_string(&d->regex, v);
  }
}

static void check_split(Ck *c, const Key *k, const Setting *st)
{
  const Value *const *vals = (const Value *const *)st->vals;
  int n = st->nvals;
  if (n == 1 && vals[0]->kind == VAL_LIST) {    /* split [80, 10, 10] */
    vals = (const Value *const *)vals[0]->items;
    n = st->vals[0]->nitems;
    if (n != 3) {
      err(c, st->vals[0]->loc, "'split' takes 3 values, got %d", n);
      return;
    }
  } else if (!count_ok(c, k, st, 3, "three percentages such as 80 10 10")) {
    return;
  }
  int v[3];
  bool ok = true;
  for (int i = 0; i < 3; i++) {
    if (vals[i]->kind != VAL_INT) { type_error(c, k, vals[i], "an integer"); ok = false; continue; }
    if (!in_range(c, k, vals[i], (double)vals[i]->i)) { ok = false; continue; }
    v[i] = (int)vals[i]->i;
  }
  if (!ok) return;
  SrcLoc all = span(vals[0]->loc, vals[2]->loc);
  if (v[0] + v[1] + v[2] != 100) {
    err(c, all, "'split' percentages must add up to 100, got %d", v[0] + v[1] + v[2]);
    return;
  }
  if (v[0] == 0) {
    err(c, vals[0]->loc, "'split' must give the training set more than 0%%");
    return;
  }
  memcpy(c->s->data.split, v, sizeof v);
}

static void check_value(Ck *c, const Key *k, const Setting *st)
{
  Spec *s = c->s;
  switch (k->type) {
  case KT_GENERATE: check_generate(c, k, st); return;
  case KT_SPLIT: check_split(c, k, st); return;
  default: break;
  }
  const char *what =
    k->type == KT_INT || k->type == KT_SEED ? "an integer" :
    k->type == KT_REAL ? "a number" :
    k->type == KT_BOOL ? "true or false" :
    k->type == KT_RANGE ? "a range such as 1 .. 20" :
    k->type == KT_K ? "an integer or auto" :
    k->type == KT_PREFIX ? "a C identifier" :
    k->type == KT_ENUM || k->type == KT_STATES ? "one of its names" : "a string";
  if (!count_ok(c, k, st, 1, what)) return;
  const Value *v = st->vals[0];
  switch (k->type) {
  case KT_INT:
  case KT_SEED:
    if (v->kind != VAL_INT) { type_error(c, k, v, "an integer"); return; }
    if (k->type == KT_SEED) {
      if (v->i < 0) { err(c, v->loc, "'%s' must be at least 0, got %lld", k->key, v->i); return; }
      *(uint64_t *)field(s, k) = (uint64_t)v->i;
      return;
    }
    if (!in_range(c, k, v, (double)v->i)) return;
    *(int *)field(s, k) = (int)v->i;
    return;
  case KT_REAL:
    if (v->kind != VAL_INT && v->kind != VAL_REAL) { type_error(c, k, v, "a number"); return; }
    if (!in_range(c, k, v, v->r)) return;
    *(double *)field(s, k) = v->r;
    return;
  case KT_BOOL:
    if (v->kind != VAL_BOOL) { type_error(c, k, v, "true or false"); return; }
    *(bool *)field(s, k) = v->i != 0;
    return;
  case KT_STRING:
    if (!plain_string(c, k, v)) return;
    set_string(field(s, k), v);
    return;
  case KT_PATH:
    if (!plain_string(c, k, v)) return;
    check_path(c, k, v);
    return;
  case KT_ENUM:
  case KT_STATES: {
    char *alts = alternatives(k->names);
    if (v->kind != VAL_IDENT) {
      type_error(c, k, v, alts);
      free(alts);
      return;
    }
    int idx = -1;
    for (int i = 0; k->names[i]; i++)
      if (strcmp(k->names[i], v->s) == 0) idx = i;
    if (idx < 0) {
      const char *sug = diag_suggest(v->s, k->names);
      if (sug) err(c, v->loc, "invalid value '%s' for '%s'; did you mean '%s'?", v->s, k->key, sug);
      else err(c, v->loc, "invalid value '%s' for '%s'; expected %s", v->s, k->key, alts);
      free(alts);
      return;
    }
    free(alts);
    if (k->type == KT_STATES) *(bool *)field(s, k) = idx == 1;
    else *(int *)field(s, k) = idx;
    return;
  }
  case KT_RANGE: {
    if (v->kind != VAL_RANGE) { type_error(c, k, v, "a range such as 1 .. 20"); return; }
    bool ok = true;
    const Value *ends[2] = { v->lo, v->hi };
    for (int i = 0; i < 2; i++) {
      if (ends[i]->kind != VAL_INT) { type_error(c, k, ends[i], "an integer"); ok = false; }
      else if (!in_range(c, k, ends[i], (double)ends[i]->i)) ok = false;
    }
    if (!ok) return;
    if (v->lo->i > v->hi->i) {
      err(c, v->loc, "'%s' range is empty: %lld is greater than %lld", k->key, v->lo->i, v->hi->i);
      return;
    }
    s->data.len_min = (int)v->lo->i;
    s->data.len_max = (int)v->hi->i;
    return;
  }
  case KT_K:
    if (v->kind == VAL_IDENT && strcmp(v->s, "auto") == 0) { s->extract.k = 0; return; }
    if (v->kind != VAL_INT) { type_error(c, k, v, "an integer or auto"); return; }
    if (v->i < k->min || v->i > k->max) {
      err(c, v->loc, "'k' must be between 2 and 65536 or auto, got %lld", v->i);
      return;
    }
    s->extract.k = (int)v->i;
    return;
  case KT_PREFIX: {
    if (v->kind != VAL_IDENT && v->kind != VAL_STRING) { type_error(c, k, v, "a C identifier"); return; }
    if (strlen(v->s) != v->len || !is_c_ident(v->s)) {
      /* nothing to keep ("_", ""): suggest the default, the model's name */
      bool any = false;
      for (size_t i = 0; i < v->len; i++) any |= isalnum((unsigned char)v->s[i]) != 0;
      char *fix = c_ident(any || !c->s->name ? v->s : c->s->name);
      if (strlen(v->s) == v->len && strcmp(fix, v->s) != 0)
        err(c, v->loc, "'prefix' must be a C identifier without a leading or trailing '_' or a '__' "
            "(names C or C++ reserve), got '%s'; did you mean '%s'?", v->s, fix);
      else
        err(c, v->loc, "'prefix' must be a C identifier without a leading or trailing '_' or a '__' "
            "(names C or C++ reserve)");
      free(fix);
      return;
    }
    set_string(&s->emit.prefix, v);
    return;
  }
  case KT_GENERATE:
  case KT_SPLIT:
    break;
  }
  RNF_UNREACHABLE();
}

/* ---- rules across keys ---------------------------------------------------- */

static const Setting *seen(const Ck *c, const char *sect, const char *key)
{
  const Key *k = find_key(sect, key);
  return k ? c->seen[k - keys] : NULL;
}

/* The setting of KEY if its value was accepted: rules that depend on a
** value skip keys that already have an error, so one mistake is one message. */
static const Setting *good(const Ck *c, const char *sect, const char *key)
{
  const Key *k = find_key(sect, key);
  return k && c->valid[k - keys] ? c->seen[k - keys] : NULL;
}

static SrcLoc val_loc(const Setting *st)
{
  return st->nvals ? span(st->vals[0]->loc, st->vals[st->nvals - 1]->loc) : st->loc;
}

/* Where byte OFF of string value V's decoded text is in the source.  The
** literal is read back from its line so a byte made by an escape maps to
** the escape; without the source (or a literal it cannot find) it falls back
** to the opening quote. */
static SrcLoc str_byte_loc(const Ck *c, const Value *v, size_t off)
{
  SrcLoc at = { v->loc.line, v->loc.col, v->loc.line, v->loc.col };
  size_t n;
  const char *ln = diag_source_line(c->a->file, v->loc.line, &n);
  if (!ln || v->loc.col < 1 || (size_t)v->loc.col > n || ln[v->loc.col - 1] != '"') return at;
  size_t i = (size_t)v->loc.col, k = 0;     /* i: raw byte (0-based), k: decoded bytes before it */
  while (i < n && ln[i] != '"') {
    size_t raw = 1, out = 1;                /* source bytes of this unit, decoded bytes it makes */
    if (ln[i] == '\\' && i + 1 < n) {
      raw = ln[i + 1] == 'x' ? 4 : 2;
      if (ln[i + 1] == 'u') {                 /* \u{H...}: 1 to 4 bytes of UTF-8 */
        const char *close = memchr(ln + i, '}', n - i);
        unsigned long cp = strtoul(ln + i + 3, NULL, 16);
        raw = close ? (size_t)(close - (ln + i)) + 1 : n - i;
        out = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      }
    }
    if (off < k + out) break;
    k += out;
    i += raw;
  }
  if (i > n) return at;
  at.col = at.end_col = (int)i + 1;
  return at;
}

/* Settings that only make sense for generated data, given with files. */
static void check_gen_only(Ck *c, const Setting *train)
{
  for (int i = 0; i < NKEYS; i++)
    if ((keys[i].flags & F_GEN) && c->valid[i]) {
      err(c, c->seen[i]->loc, "'%s' only applies to generated data ('generate ...')", keys[i].key);
      note(c, train->loc, "the data is read from 'train' here");
    }
}

/* 'generate regex': parse it now, against the alphabet the data will use,
** so --check catches it at the right column (data.c's check stays as the
** safety net and also bounds the DFA size). */
static void check_regex(Ck *c, const Setting *gen)
{
  const SpecData *d = &c->s->data;
  const Value *v = gen->vals[1];
  char *msg = NULL;
  size_t off = 0;
  if (regex_validate(d->regex, strlen(d->regex), d->alphabet, strlen(d->alphabet), &msg, &off))
    return;
  err(c, str_byte_loc(c, v, off), "invalid regex: %s", msg);
  free(msg);
}

static void check_rules(Ck *c)
{
  Spec *s = c->s;
  SpecData *d = &s->data;
  const Setting *gen = seen(c, "data", "generate"), *train = seen(c, "data", "train");
  const Setting *tokens = good(c, "data", "tokens"), *alpha = good(c, "data", "alphabet");

  /* extraction: X-means grows from k up to kmax, so k above kmax would be
  ** raised silently; max_states 1 leaves only the start state to cluster */
  const Setting *kst = good(c, "extract", "k"), *kmx = good(c, "extract", "kmax"),
                *mst = good(c, "extract", "max_states");
  if (kst && s->extract.method == EXTRACT_XMEANS && s->extract.k > 0 && s->extract.k > s->extract.kmax) {
    err(c, val_loc(kst), "with 'method xmeans', 'k' (%d) is where X-means starts and must not exceed "
        "'kmax' (%d)", s->extract.k, s->extract.kmax);
    if (kmx) note(c, val_loc(kmx), "'kmax' is set here");
  }
  if (mst && s->extract.max_states == 1)
    err(c, val_loc(mst), "'max_states' must be 0 (all) or at least 2: one sampled state cannot make "
        "two clusters");

  if (!c->sect_seen[0]) {
    if (!c->data_misspelt)
      err(c, c->a->loc, "model '%s' has no 'data' section; add 'data { generate tomita 4; }' or "
        "'data { train \"FILE\"; }'", c->a->model ? c->a->model : "");
  } else if (!gen && !train && !c->source_misspelt) {
    err(c, c->sect_seen[0]->loc, "section 'data' needs either 'generate ...' or 'train \"FILE\"'");
  }
  if (gen) {
    const char *files[] = { "train", "valid", "test" };
    for (int i = 0; i < 3; i++) {
      const Setting *f = seen(c, "data", files[i]);
      if (!f) continue;
      err(c, f->loc, "'%s' cannot be combined with 'generate': the data is either generated or read", files[i]);
      note(c, gen->loc, "'generate' is here");
    }
  } else {
    d->source = SRC_FILES;
    if (train) check_gen_only(c, train);
  }
  bool generated = gen != NULL;

  /* tokens and alphabet */
  if (!tokens) d->tokens = generated || alpha ? TOKS_ALPHABET : TOKS_WORDS;   /* unset or bad */
  if (tokens && d->tokens != TOKS_ALPHABET) {
    if (generated)
      err(c, val_loc(tokens), "generated data is made of alphabet symbols; use 'tokens alphabet' (or leave 'tokens' out)");
    else if (alpha) {
      err(c, alpha->loc, "'alphabet' only applies to 'tokens alphabet'");
      note(c, tokens->loc, "'tokens' is set to '%s' here", spec_tokens_name(d->tokens));
    }
  }
  if (d->tokens == TOKS_ALPHABET && !d->alphabet) {
    if (generated) d->alphabet = xstrdup("01");
    else if (tokens && !alpha) err(c, tokens->loc, "'tokens alphabet' needs an 'alphabet' setting, e.g. alphabet \"01\"");
  }
  bool alpha_ok = !seen(c, "data", "alphabet") || alpha;
  if (d->alphabet && alpha) {
    const char *a = d->alphabet;
    for (size_t i = 0; a[i]; i++)
      if (strchr(a + i + 1, a[i])) {
        unsigned char ch = (unsigned char)a[i];
        if (ch >= 0x20 && ch < 0x7f) err(c, val_loc(alpha), "'alphabet' lists symbol '%c' twice", ch);
        else err(c, val_loc(alpha), "'alphabet' lists byte 0x%02x twice", ch);
        alpha_ok = false;
        break;
      }
  }
  if (d->source == SRC_REGEX && d->regex && d->alphabet && alpha_ok) check_regex(c, gen);
  if (d->source == SRC_TOMITA && d->alphabet && strlen(d->alphabet) != 2)
    err(c, alpha ? val_loc(alpha) : val_loc(gen), "Tomita languages have two symbols, but 'alphabet' has %zu",
        strlen(d->alphabet));

  /* file format, from the extension unless given */
  if (!seen(c, "data", "format") && d->train) {
    const char *dot = strrchr(d->train, '.'), *slash = strrchr(d->train, '/');
    if (dot && (!slash || dot > slash)) {
      if (strcmp(dot, ".csv") == 0) d->format = FMT_CSV;
      else if (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0) d->format = FMT_JSONL;
    }
  }
  const char *cols[] = { "text_column", "label_column" };
  for (int i = 0; i < 2; i++) {
    const Setting *col = good(c, "data", cols[i]);
    if (col && d->format != FMT_CSV)
      err(c, col->loc, "'%s' only applies to CSV data (the format is %s)", cols[i], n_format[d->format]);
  }

  const Setting *ms = good(c, "emit", "max_step");
  if (ms && (s->emit.max_step & (s->emit.max_step - 1)))
    err(c, val_loc(ms), "'max_step' must be 1, 2, 4 or 8, not %d", s->emit.max_step);

  if (!s->emit.prefix) s->emit.prefix = c_ident(s->name);
}

/* ---- entry points ---------------------------------------------------------- */

static void set_defaults(Spec *s)
{
  for (int i = 0; i < NKEYS; i++) {
    const Key *k = &keys[i];
    switch (k->type) {
    case KT_INT: *(int *)field(s, k) = (int)k->dnum; break;
    case KT_SEED: *(uint64_t *)field(s, k) = (uint64_t)k->dnum; break;
    case KT_REAL: *(double *)field(s, k) = k->dnum; break;
    case KT_BOOL: case KT_STATES: *(bool *)field(s, k) = k->dnum != 0; break;
    case KT_ENUM: *(int *)field(s, k) = (int)k->dnum; break;
    case KT_STRING: *(char **)field(s, k) = k->dstr ? xstrdup(k->dstr) : NULL; break;
    case KT_K: s->extract.k = (int)k->dnum; break;
    default: break;      /* generate, paths, prefix: unset; length, split: below */
    }
  }
  s->data.len_min = 1;
  s->data.len_max = 20;
  s->data.split[0] = 80;
  s->data.split[1] = 10;
  s->data.split[2] = 10;
  s->data.source = SRC_FILES;
}

int spec_check(const SpecAst *a, Spec *out)
{
  memset(out, 0, sizeof *out);
  Ck *c = xcalloc(1, sizeof *c);
  c->a = a;
  c->s = out;
  set_defaults(out);
  out->file = xstrdup(a->file ? a->file : "");
  out->dir = dir_of(out->file);
  out->name = xstrdup(a->model ? a->model : "");

  for (int i = 0; i < a->nsections && !c->stop; i++) {
    const Section *sec = a->sections[i];
    int si = -1;
    for (int j = 0; sections[j]; j++)
      if (strcmp(sections[j], sec->name) == 0) si = j;
    if (si < 0) {
      const char *sug = diag_suggest(sec->name, sections);
      if (sug && !strcmp(sug, "data")) c->data_misspelt = true;   /* "no data" would follow from it */
      if (sug) err(c, sec->loc, "unknown section '%s'; did you mean '%s'?", sec->name, sug);
      else err(c, sec->loc, "unknown section '%s'; the sections are data, rnn, extract and emit", sec->name);
      continue;
    }
    if (c->sect_seen[si]) {
      err(c, sec->loc, "duplicate section '%s'", sec->name);
      note(c, c->sect_seen[si]->loc, "section '%s' first appears here", sec->name);
      continue;
    }
    c->sect_seen[si] = sec;
    for (int j = 0; j < sec->nsettings && !c->stop; j++) {
      const Setting *st = sec->settings[j];
      const Key *k = find_key(sec->name, st->key);
      if (!k) { unknown_key(c, sec, st); continue; }
      const Setting *prev = c->seen[k - keys];
      if (prev) {
        err(c, st->loc, "duplicate key '%s' in section '%s'", st->key, sec->name);
        note(c, prev->loc, "'%s' was first set here", st->key);
        continue;
      }
      c->seen[k - keys] = st;
      int before = c->nerr;
      check_value(c, k, st);
      c->valid[k - keys] = c->nerr == before;
    }
  }
  if (!c->stop) check_rules(c);
  int n = c->nerr;
  free(c);
  return n;
}

void spec_free(Spec *s)
{
  if (!s) return;
  free(s->file); free(s->dir); free(s->name);
  SpecData *d = &s->data;
  free(d->regex); free(d->train); free(d->valid); free(d->test);
  free(d->text_field); free(d->label_field); free(d->alphabet);
  free(s->emit.prefix);
  memset(s, 0, sizeof *s);
}

/* ---- printing ------------------------------------------------------------- */

/* A string literal the scanner reads back to the same bytes. */
static void print_str(FILE *f, const char *s)
{
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\t': fputs("\\t", f); break;
    case '\r': fputs("\\r", f); break;
    default:
      if (*p < 0x20 || *p == 0x7f) fprintf(f, "\\x%02x", *p);
      else fputc(*p, f);    /* UTF-8 passes through: the scanner accepted it */
    }
  }
  fputc('"', f);
}

/* Shortest text that reads back to X exactly, always with a '.' or 'e'. */
static void print_real(FILE *f, double x)
{
  char buf[64];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, x);
    if (strtod(buf, NULL) == x) break;
  }
  fputs(buf, f);
  if (!strpbrk(buf, ".e")) fputs(".0", f);
}

static bool is_spec_ident(const char *s)
{
  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return false;
  for (const char *p = s + 1; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '_' || *p == '-'))
      return false;
  return strcmp(s, "model") != 0 && strcmp(s, "true") != 0 && strcmp(s, "false") != 0;
}

void spec_print(FILE *f, const Spec *s)
{
  const SpecData *d = &s->data;
  fprintf(f, "# %s, normalized by rnnfsac %s: every key, defaults filled in\n", s->file, RNF_VERSION);
  fputs("model ", f);
  if (is_spec_ident(s->name)) fputs(s->name, f);
  else print_str(f, s->name);
  fputs(" {\n", f);
  const char *cur = NULL;
  for (int i = 0; i < NKEYS; i++) {
    const Key *k = &keys[i];
    const void *p = (const char *)s + k->off;
    /* keys with nothing to say in this spec */
    if ((k->type == KT_GENERATE || (k->flags & F_GEN)) && d->source == SRC_FILES) continue;
    if (k->type == KT_PATH && !*(char *const *)p) continue;
    if (k->type == KT_STRING && !*(char *const *)p) continue;
    if ((strcmp(k->key, "text_column") == 0 || strcmp(k->key, "label_column") == 0) && *(const int *)p < 0)
      continue;
    if (!cur || strcmp(cur, k->section) != 0) {
      if (cur) fputs("  }\n", f);
      fprintf(f, "  %s {\n", k->section);
      cur = k->section;
    }
    fprintf(f, "    %s ", k->key);
    switch (k->type) {
    case KT_INT: fprintf(f, "%d", *(const int *)p); break;
    case KT_SEED: fprintf(f, "%llu", (unsigned long long)*(const uint64_t *)p); break;
    case KT_REAL: print_real(f, *(const double *)p); break;
    case KT_BOOL: fputs(*(const bool *)p ? "true" : "false", f); break;
    case KT_STATES: fputs(k->names[*(const bool *)p ? 1 : 0], f); break;
    case KT_ENUM: fputs(k->names[*(const int *)p], f); break;
    case KT_STRING: print_str(f, *(char *const *)p); break;
    case KT_PATH: print_str(f, unresolve(s->dir, *(char *const *)p)); break;
    case KT_PREFIX: print_str(f, s->emit.prefix ? s->emit.prefix : ""); break;
    case KT_RANGE: fprintf(f, "%d .. %d", d->len_min, d->len_max); break;
    case KT_SPLIT: fprintf(f, "%d %d %d", d->split[0], d->split[1], d->split[2]); break;
    case KT_K:
      if (s->extract.k == 0) fputs("auto", f);
      else fprintf(f, "%d", s->extract.k);
      break;
    case KT_GENERATE:
      if (d->source == SRC_TOMITA) fprintf(f, "tomita %d", d->tomita);
      else { fputs("regex ", f); print_str(f, d->regex ? d->regex : ""); }
      break;
    }
    fputs(";\n", f);
  }
  if (cur) fputs("  }\n", f);
  fputs("}\n", f);
}

static const char *type_doc(const Key *k, char *buf, size_t n)
{
  switch (k->type) {
  case KT_INT: return "integer";
  case KT_SEED: return "integer";
  case KT_REAL: return "number";
  case KT_BOOL: return "boolean";
  case KT_STRING: return "string";
  case KT_PATH: return "string (path)";
  case KT_GENERATE: return "generator";
  case KT_RANGE: return "range";
  case KT_SPLIT: return "3 integers";
  case KT_K: return "integer or `auto`";
  case KT_PREFIX: return "name or string";
  case KT_ENUM:
  case KT_STATES: {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; k->names[i] && used < n; i++)
      used += (size_t)snprintf(buf + used, n - used, "%s`%s`", i ? " \\| " : "", k->names[i]);
    return buf;
  }
  }
  return "";
}

void spec_print_schema(FILE *f)
{
  const char *cur = NULL;
  for (int i = 0; i < NKEYS; i++) {
    const Key *k = &keys[i];
    if (!cur || strcmp(cur, k->section) != 0) {
      fprintf(f, "%s### Section `%s`\n\n| key | type | default | range | meaning |\n|---|---|---|---|---|\n",
              cur ? "\n" : "", k->section);
      cur = k->section;
    }
    char tbuf[256], rbuf[128];
    rbuf[0] = '\0';
    if (k->type == KT_INT || k->type == KT_REAL || k->type == KT_RANGE || k->type == KT_SPLIT) {
      char *lo = fmt_num(k->min), *hi = fmt_num(k->max);
      if (k->flags & F_NO_MAX) snprintf(rbuf, sizeof rbuf, "%s %s", k->flags & F_MIN_EXCL ? ">" : ">=", lo);
      else if (k->flags & F_MIN_EXCL) snprintf(rbuf, sizeof rbuf, "> %s, <= %s", lo, hi);
      else snprintf(rbuf, sizeof rbuf, "%s .. %s", lo, hi);
      free(lo); free(hi);
    } else if (k->type == KT_SEED) {
      snprintf(rbuf, sizeof rbuf, ">= 0");
    } else if (k->type == KT_K) {
      snprintf(rbuf, sizeof rbuf, "2 .. 65536");
    }
    fprintf(f, "| `%s` | %s | %s | %s | %s |\n", k->key, type_doc(k, tbuf, sizeof tbuf),
            k->deftext, rbuf, k->doc);
  }
}

const char *spec_cell_name(CellKind c)
{
  return (unsigned)c < 4 ? n_cell[c] : "?";
}

const char *spec_tokens_name(TokensKind t)
{
  return (unsigned)t < 4 ? n_tokens[t] : "?";
}
