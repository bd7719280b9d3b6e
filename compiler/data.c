/*
** data.c -- the data stage: labelled examples from files (TSV, CSV, JSON
** Lines) or from generated regular languages (Tomita grammars, regexes),
** split three ways and tokenized (see data.h, docs/data.md).
**
** Generated languages are sampled class-balanced: each example picks accept
** or reject with probability 1/2, a length uniformly among the lengths where
** that class has strings, and then a string uniformly among them, drawn
** symbol by symbol from a path-counting table over the target DFA.
*/
#include "data.h"
#include "common.h"
#include "diag.h"
#include "fsa.h"
#include "lang.h"
#include "tok.h"
#include "memlimit.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- splits ----------------------------------------------------------- */

typedef struct Builder { Split s; int cap; } Builder;

/* Append one example; takes ownership of TEXT. */
static void push(Builder *b, char *text, size_t len, int32_t label, long line)
{
  Split *s = &b->s;
  if (s->n == b->cap) {
    b->cap = b->cap ? 2 * b->cap : 64;
    s->text = xrealloc(s->text, (size_t)b->cap * sizeof *s->text);
    s->text_len = xrealloc(s->text_len, (size_t)b->cap * sizeof *s->text_len);
    s->label = xrealloc(s->label, (size_t)b->cap * sizeof *s->label);
    s->line = xrealloc(s->line, (size_t)b->cap * sizeof *s->line);
  }
  s->text[s->n] = text;
  s->text_len[s->n] = len;
  s->label[s->n] = label;
  s->line[s->n] = line;
  s->n++;
}

static void split_free(Split *s)
{
  for (int i = 0; i < s->n; i++) free(s->text[i]);
  free(s->text); free(s->text_len); free(s->label); free(s->line);
  free(s->tok); free(s->off);
  memset(s, 0, sizeof *s);
}

/* Tokenize every example of S.  Returns the index of the first example
** the tokenizer rejects (*BAD = byte offset), or -1. */
static int encode_split(const Tokenizer *t, Split *s, size_t *bad)
{
  size_t cap = 256, k = 0;
  s->tok = xmalloc(cap * sizeof *s->tok);
  s->off = xmalloc(((size_t)s->n + 1) * sizeof *s->off);
  for (int i = 0; i < s->n; i++) {
    int32_t *seq;
    long m = tok_encode(t, s->text[i], s->text_len[i], &seq, bad);
    if (m < 0) return i;
    if (k + (size_t)m > cap) {
      while (k + (size_t)m > cap) cap *= 2;
      s->tok = xrealloc(s->tok, cap * sizeof *s->tok);
    }
    s->off[i] = k;
    memcpy(s->tok + k, seq, (size_t)m * sizeof *seq);
    k += (size_t)m;
    free(seq);
  }
  s->off[s->n] = k;
  return -1;
}

static uint64_t hash_split(uint64_t h, const Split *s, char *const *names)
{
  for (int i = 0; i < s->n; i++) {
    const char *nm = names[s->label[i]];
    h = hash_bytes(h, nm, strlen(nm) + 1);
    h = hash_bytes(h, &s->text_len[i], sizeof s->text_len[i]);
    h = hash_bytes(h, s->text[i], s->text_len[i]);
  }
  return hash_bytes(h, "|", 1);
}

void data_free(Dataset *d)
{
  tok_free(&d->tok);
  if (d->class_names)
    for (int i = 0; i < d->nclass; i++) free(d->class_names[i]);
  free(d->class_names);
  split_free(&d->train);
  split_free(&d->valid);
  split_free(&d->test);
  fsa_free(d->target);
  memset(d, 0, sizeof *d);
}

/* ---- Tomita grammars -------------------------------------------------- */

/* Complete minimal DFAs over {0,1} (symbol 0 = '0'), state 0 the start.
** T3 is Tomita's "no odd run of 1s followed, anywhere later, by an odd run
** of 0s": 0 = no odd 1-run yet, 1 = inside an odd 1-run, 2 = after one and
** inside an odd 0-run, 3 = after one and not inside an odd 0-run, 4 dead. */
static const struct { int n; int8_t next[5][2]; int8_t acc[5]; } tomita[7] = {
  { 2, { {1, 0}, {1, 1} }, {1, 0} },                                   /* 1* */
  { 3, { {2, 1}, {0, 2}, {2, 2} }, {1, 0, 0} },                        /* (10)* */
  { 5, { {0, 1}, {2, 0}, {3, 4}, {2, 3}, {4, 4} }, {1, 1, 0, 1, 0} },  /* T3 */
  { 4, { {1, 0}, {2, 0}, {3, 0}, {3, 3} }, {1, 1, 1, 0} },             /* no 000 */
  { 4, { {1, 2}, {0, 3}, {3, 0}, {2, 1} }, {1, 0, 0, 0} },             /* even 0s, even 1s */
  { 3, { {1, 2}, {2, 0}, {0, 1} }, {1, 0, 0} },                        /* #0-#1 = 0 mod 3 */
  { 5, { {0, 1}, {2, 1}, {2, 3}, {4, 3}, {4, 4} }, {1, 1, 1, 1, 0} },  /* 0*1*0*1* */
};

Fsa *data_tomita(int n)
{
  RNF_ASSERT(n >= 1 && n <= 7);
  int ns = tomita[n - 1].n;
  Fsa *f = fsa_new(ns, 2, 2, 0);
  f->start = 0;
  for (int s = 0; s < ns; s++) {
    f->next[2 * s] = tomita[n - 1].next[s][0];
    f->next[2 * s + 1] = tomita[n - 1].next[s][1];
    f->label[s] = tomita[n - 1].acc[s];
  }
  return f;
}

/* ---- sampling from a DFA ---------------------------------------------- */

/* p[c][L*ns + s]: the fraction of the k^L strings of length L that lead
** from state s to a state of class c.  Fractions instead of counts keep
** long lengths over big alphabets in range. */
#define SAMPLER_MAX_CELLS ((size_t)1 << 22)   /* x 2 classes x 16 bytes = 128 MiB */

typedef struct Sampler {
  const Fsa *f;
  int lmax;
  long double *p[2];        /* [class][(lmax+1) x nstates], row L = remaining length */
} Sampler;

static void sampler_init(Sampler *sm, const Fsa *f, int lmax)
{
  size_t ns = (size_t)f->nstates, k = (size_t)f->nsym;
  sm->f = f;
  sm->lmax = lmax;
  for (int c = 0; c < 2; c++) {
    long double *p = sm->p[c] = xmalloc(((size_t)lmax + 1) * ns * sizeof *p);
    for (size_t s = 0; s < ns; s++) p[s] = f->label[s] == c;
    for (int L = 1; L <= lmax; L++)
      for (size_t s = 0; s < ns; s++) {
        long double sum = 0;
        for (size_t a = 0; a < k; a++) sum += p[(size_t)(L - 1) * ns + (size_t)f->next[s * k + a]];
        p[(size_t)L * ns + s] = sum / (long double)k;
      }
  }
}

static long double frac(const Sampler *sm, int c, int L, int s)
{
  return sm->p[c][(size_t)L * (size_t)sm->f->nstates + (size_t)s];
}

/* Draw a string of length L in class C uniformly; writes symbols to OUT. */
static void sample_string(const Sampler *sm, Rng *r, int c, int L, int32_t *out)
{
  const Fsa *f = sm->f;
  int s = f->start, k = f->nsym;
  for (int i = 0; i < L; i++) {
    long double tot = 0;
    for (int a = 0; a < k; a++) tot += frac(sm, c, L - i - 1, f->next[s * k + a]);
    long double x = (long double)rng_unit(r) * tot, acc = 0;
    int pick = -1;
    for (int a = 0; a < k; a++) {
      long double q = frac(sm, c, L - i - 1, f->next[s * k + a]);
      if (q <= 0) continue;
      pick = a;                 /* rounding: fall back to the last possible symbol */
      acc += q;
      if (x < acc) break;
    }
    RNF_ASSERT(pick >= 0);
    out[i] = pick;
    s = f->next[s * k + pick];
  }
  RNF_ASSERT(f->label[s] == c);
}

/* A copy of F over one more symbol (the catch-all) that leads to a new
** rejecting sink: strings with unknown symbols are not in the language. */
static Fsa *with_sink(const Fsa *f)
{
  int ns = f->nstates + 1, k = f->nsym + 1;
  Fsa *g = fsa_new(ns, k, 2, 0);
  g->start = f->start;
  for (int s = 0; s < ns; s++) {
    for (int a = 0; a < k; a++)
      g->next[s * k + a] = (s == f->nstates || a == f->nsym) ? f->nstates : f->next[s * f->nsym + a];
    g->label[s] = s == f->nstates ? 0 : f->label[s];
  }
  return g;
}

static int generate(const Spec *sp, Dataset *d)
{
  const SpecData *s = &sp->data;
  const char *alpha = s->alphabet && s->alphabet[0] ? s->alphabet : "01";
  size_t na = strlen(alpha);
  if (s->source == SRC_TOMITA && (s->tomita < 1 || s->tomita > 7)) {
    diag_line(DIAG_ERROR, sp->file, 0, "there is no Tomita grammar %d (they are 1 to 7)", s->tomita);
    return RNF_EXIT_DATA;
  }
  if (s->source == SRC_TOMITA && na != 2) {
    diag_line(DIAG_ERROR, sp->file, 0, "Tomita grammars need a two-symbol alphabet (\"01\"), not \"%s\"", alpha);
    return RNF_EXIT_DATA;
  }
  if (s->len_min < 0 || s->len_max < s->len_min || s->len_max > 100000) {
    diag_line(DIAG_ERROR, sp->file, 0, "bad length range %d..%d for generated strings", s->len_min, s->len_max);
    return RNF_EXIT_DATA;
  }
  if (s->samples < 3) {
    diag_line(DIAG_ERROR, sp->file, 0, "need at least 3 samples, not %d", s->samples);
    return RNF_EXIT_DATA;
  }
  int lrc = lim_check("generating the data", lim_generate_bytes(s), "lower 'samples' or the 'length' range");
  if (lrc != RNF_EXIT_OK) return lrc;
  int dup = tok_init_alphabet(&d->tok, alpha, na, s->catchall);
  if (dup >= 0) {
    diag_line(DIAG_ERROR, sp->file, 0, "the alphabet \"%s\" repeats '%c'", alpha, alpha[dup]);
    return RNF_EXIT_DATA;
  }
  Fsa *lang;
  if (s->source == SRC_TOMITA) {
    lang = data_tomita(s->tomita);
  } else {
    const char *re = s->regex ? s->regex : "";
    char *err = NULL;
    size_t off = 0;
    lang = regex_dfa(re, strlen(re), alpha, na, &err, &off);
    if (!lang) {
      diag_line(DIAG_ERROR, sp->file, 0, "invalid regex \"%s\": %s at offset %zu", re, err, off);
      free(err);
      return RNF_EXIT_DATA;
    }
    /* a smaller table to sample from, and a target that prints canonically */
    Fsa *m = fsa_minimize(lang);
    fsa_free(lang);
    lang = m;
  }
  /* the sampling table has (len_max+1) x states cells per class */
  if ((size_t)(s->len_max + 1) * (size_t)lang->nstates > SAMPLER_MAX_CELLS) {
    diag_line(DIAG_ERROR, sp->file, 0, "strings up to length %d are too long to sample from a language with %d DFA states",
              s->len_max, lang->nstates);
    fsa_free(lang);
    return RNF_EXIT_DATA;
  }
  d->nclass = 2;
  d->class_names = xcalloc(2, sizeof *d->class_names);
  d->class_names[0] = xstrdup("reject");
  d->class_names[1] = xstrdup("accept");
  d->target = s->catchall ? with_sink(lang) : fsa_copy(lang);

  Sampler sm;
  sampler_init(&sm, lang, s->len_max);
  /* per class: the lengths that have members, and how many distinct
  ** strings there are (capped), to decide whether splits can be disjoint */
  int nlen[2] = {0, 0};
  int *lens[2];
  bool disjoint[2];
  for (int c = 0; c < 2; c++) {
    lens[c] = xmalloc(((size_t)s->len_max + 1) * sizeof *lens[c]);
    long double distinct = 0, kl = 1;
    for (int L = 0; L <= s->len_max; L++) {
      if (L >= s->len_min && frac(&sm, c, L, lang->start) > 0) {
        lens[c][nlen[c]++] = L;
        distinct += frac(&sm, c, L, lang->start) * kl;
      }
      if (kl < 1e30L) kl *= (long double)na;
    }
    disjoint[c] = distinct >= 2.0L * (long double)s->samples;  /* 4x this class's share */
  }
  if (!nlen[0] && !nlen[1]) RNF_UNREACHABLE();   /* every string is in one class */
  /* one class only: nothing to learn (file data with one label is refused too) */
  for (int c = 0; c < 2; c++)
    if (!nlen[c]) {
      diag_line(DIAG_ERROR, sp->file, 0, "the language has no %s strings of length %d to %d, so every example "
                "would be %s; a classifier needs both (widen 'length')",
                c ? "accepted" : "rejected", s->len_min, s->len_max, c ? "rejected" : "accepted");
      for (int k = 0; k < 2; k++) { free(sm.p[k]); free(lens[k]); }
      fsa_free(lang);
      return RNF_EXIT_DATA;
    }

  int n[3];
  n[1] = (int)((long)s->samples * s->split[1] / 100);
  n[2] = (int)((long)s->samples * s->split[2] / 100);
  n[0] = s->samples - n[1] - n[2];
  Builder b[3] = { {{0}, 0}, {{0}, 0}, {{0}, 0} };
  Rng r;
  rng_seed(&r, s->seed);
  TokMap seen = {0};
  int32_t *sym = xmalloc(((size_t)s->len_max + 1) * sizeof *sym);
  char *buf = xmalloc((size_t)s->len_max + 1);
  for (int part = 0; part < 3; part++)
    for (int i = 0; i < n[part]; i++) {
      int c = (int)rng_below(&r, 2);
      if (!nlen[c]) c = 1 - c;
      int L = 0;
      /* redraw a string another split already holds, when there are plenty */
      for (int tries = 0; tries < 100; tries++) {
        L = lens[c][rng_below(&r, (uint64_t)nlen[c])];
        sample_string(&sm, &r, c, L, sym);
        for (int j = 0; j < L; j++) buf[j] = alpha[sym[j]];
        long *v = tok_map_get(&seen, buf, (size_t)L, true, NULL);
        if (*v == 0) *v = part + 1;
        if (!disjoint[c] || *v == part + 1) break;
      }
      push(&b[part], xstrndup(buf, (size_t)L), (size_t)L, c, 0);
    }
  free(sym); free(buf);
  tok_map_free(&seen);
  for (int c = 0; c < 2; c++) { free(sm.p[c]); free(lens[c]); }
  fsa_free(lang);
  d->train = b[0].s;
  d->valid = b[1].s;
  d->test = b[2].s;
  size_t bad;
  RNF_ASSERT(encode_split(&d->tok, &d->train, &bad) < 0);
  RNF_ASSERT(encode_split(&d->tok, &d->valid, &bad) < 0);
  RNF_ASSERT(encode_split(&d->tok, &d->test, &bad) < 0);
  return RNF_EXIT_OK;
}

/* ---- files ------------------------------------------------------------ */

/* One example as read: label string and text, with its line. */
typedef struct Ex { char *label; char *text; size_t len; long line; } Ex;
typedef struct ExList { Ex *v; int n, cap; } ExList;

static void ex_push(ExList *l, char *label, char *text, size_t len, long line)
{
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 256;
    l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
  }
  l->v[l->n++] = (Ex){ label, text, len, line };
}

static void ex_free(ExList *l)
{
  for (int i = 0; i < l->n; i++) { free(l->v[i].label); free(l->v[i].text); }
  free(l->v);
  memset(l, 0, sizeof *l);
}

/* Why lines were skipped (lenient mode), for the summary warning. */
enum { BAD_TAB, BAD_LABEL, BAD_TEXT, BAD_UTF8, BAD_ALPHA, BAD_QUOTE, BAD_FIELDS, BAD_JSON, NBAD };
static const char *const bad_what[NBAD] = {  /* ORDER BAD */
  "without a TAB", "with an empty label", "with empty text", "with invalid UTF-8",
  "with bytes outside the alphabet", "with a bad quote", "with too few fields", "with bad JSON",
};

typedef struct Reader {
  const SpecData *s;
  const Tokenizer *alpha;   /* alphabet tokens: bytes must be in it */
  const char *path;
  FILE *fp;
  char *buf;
  size_t cap;
  long line;                /* lines read so far */
  int nbad[NBAD];
  long first_bad;
  int warned_blank;         /* a label with edge blanks was reported */
} Reader;

/* A bad line: an error (strict; returns -1) or a tally (lenient; returns 0). */
static int bad_line(Reader *rd, long line, int why, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static int bad_line(Reader *rd, long line, int why, const char *fmt, ...)
{
  if (rd->s->lenient) {
    if (!rd->first_bad) rd->first_bad = line;
    rd->nbad[why]++;
    return 0;
  }
  va_list ap;
  va_start(ap, fmt);
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  diag_line(DIAG_ERROR, rd->path, line, "%s", buf);
  return -1;
}

/* Read the next physical line, without its LF or CRLF.  -1 at end of file. */
static long next_line(Reader *rd)
{
  ssize_t n = getline(&rd->buf, &rd->cap, rd->fp);
  if (n < 0) return -1;
  rd->line++;
  if (rd->line == 1 && n >= 3 && memcmp(rd->buf, "\xEF\xBB\xBF", 3) == 0) {
    memmove(rd->buf, rd->buf + 3, (size_t)n - 2);   /* a UTF-8 byte order mark is no text */
    n -= 3;
  }
  if (n > 0 && rd->buf[n - 1] == '\n') n--;
  if (n > 0 && rd->buf[n - 1] == '\r') n--;
  rd->buf[n] = '\0';
  return (long)n;
}

/* Checks shared by every format: label and text present, text usable by
** the tokenizer.  0 = good, 1 = skipped (lenient), -1 = error. */
static int check_example(Reader *rd, long line, const char *label, size_t llen, const char *text, size_t len)
{
  if (llen == 0) return bad_line(rd, line, BAD_LABEL, "empty label") ? -1 : 1;
  /* class names are C strings everywhere downstream: a NUL would merge
  ** "a\0x" and "a\0y" into one class */
  const char *nul = memchr(label, '\0', llen);
  if (nul)
    return bad_line(rd, line, BAD_LABEL, "the label contains a NUL byte (byte %zu)",
                    (size_t)(nul - label) + 1) ? -1 : 1;
  if (len == 0) return bad_line(rd, line, BAD_TEXT, "empty text") ? -1 : 1;
  TokensKind k = rd->s->tokens;
  if (k == TOKS_CHARS || k == TOKS_WORDS) {
    rnf_utf8 d;
    rnf_utf8_reset(&d);
    uint32_t cps[2];
    for (size_t i = 0; i < len; i++) {
      rnf_utf8_push(&d, (unsigned char)text[i], cps);
      if (d.nbad) {
        /* the offending sequence started at or before i */
        return bad_line(rd, line, BAD_UTF8, "invalid UTF-8 in the text (near byte %zu)", i + 1) ? -1 : 1;
      }
    }
    if (rnf_utf8_finish(&d, cps))
      return bad_line(rd, line, BAD_UTF8, "invalid UTF-8 in the text (a sequence is cut off at its end)") ? -1 : 1;
  }
  if (k == TOKS_ALPHABET && rd->alpha->unk < 0)
    for (size_t i = 0; i < len; i++) {
      unsigned char c = (unsigned char)text[i];
      if (rd->alpha->bytemap[c] < 0) {
        if (c > 0x20 && c < 0x7F)
          return bad_line(rd, line, BAD_ALPHA, "'%c' (byte %zu of the text) is not in the alphabet \"%s\"",
                          c, i + 1, rd->s->alphabet) ? -1 : 1;
        return bad_line(rd, line, BAD_ALPHA, "byte 0x%02X (byte %zu of the text) is not in the alphabet \"%s\"",
                        c, i + 1, rd->s->alphabet) ? -1 : 1;
      }
    }
  /* a kept example: "pos " is a class apart from "pos": legal, but rarely meant (once per file) */
  if (!rd->warned_blank && (label[0] == ' ' || label[0] == '\t' || label[llen - 1] == ' ' ||
                            label[llen - 1] == '\t')) {
    rd->warned_blank = 1;
    diag_line(DIAG_WARNING, rd->path, line, "the label '%.*s' starts or ends with a blank: it is a "
              "class of its own (the first such label in this file)", (int)(llen > 80 ? 80 : llen), label);
  }
  return 0;
}

/* A line of nothing but spaces and tabs (or nothing) is blank: it holds no
** example in any format, and it is invisible in an editor. */
static int blank_line(const char *s, long n)
{
  for (long i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

static int read_tsv(Reader *rd, ExList *out)
{
  long n;
  while ((n = next_line(rd)) >= 0) {
    if (blank_line(rd->buf, n)) continue;     /* blank lines separate nothing */
    char *tab = memchr(rd->buf, '\t', (size_t)n);
    if (!tab) {
      if (bad_line(rd, rd->line, BAD_TAB, "expected a TAB between label and text")) return -1;
      continue;
    }
    size_t llen = (size_t)(tab - rd->buf), tlen = (size_t)n - llen - 1;
    int c = check_example(rd, rd->line, rd->buf, llen, tab + 1, tlen);
    if (c < 0) return -1;
    if (c > 0) continue;
    ex_push(out, xstrndup(rd->buf, llen), xstrndup(tab + 1, tlen), tlen, rd->line);
  }
  return 0;
}

/* ---- CSV (RFC 4180) ---- */

typedef struct Fields {
  char **f; size_t *len;     /* [n] */
  int n, cap;
  char *acc; size_t alen, acap;
} Fields;

static void acc_put(Fields *fl, char c)
{
  if (fl->alen + 1 >= fl->acap) {
    fl->acap = fl->acap ? 2 * fl->acap : 256;
    fl->acc = xrealloc(fl->acc, fl->acap);
  }
  fl->acc[fl->alen++] = c;
}

static void field_end(Fields *fl)
{
  if (fl->n == fl->cap) {
    fl->cap = fl->cap ? 2 * fl->cap : 8;
    fl->f = xrealloc(fl->f, (size_t)fl->cap * sizeof *fl->f);
    fl->len = xrealloc(fl->len, (size_t)fl->cap * sizeof *fl->len);
  }
  fl->f[fl->n] = xstrndup(fl->acc ? fl->acc : "", fl->alen);
  fl->len[fl->n++] = fl->alen;
  fl->alen = 0;
}

static void fields_clear(Fields *fl)
{
  for (int i = 0; i < fl->n; i++) free(fl->f[i]);
  fl->n = 0;
  fl->alen = 0;
}

/* Read one record (it may span lines inside quotes) into FL.  Returns 1 for
** a record, 0 at end of file, -1 for an error (reported), 2 for a record
** skipped in lenient mode.  *START gets its first line. */
static int csv_record(Reader *rd, Fields *fl, long *start)
{
  fields_clear(fl);
  long n;
  do {
    n = next_line(rd);
    if (n < 0) return 0;
  } while (blank_line(rd->buf, n));
  *start = rd->line;
  size_t i = 0;
  for (;;) {
    /* at the start of a field */
    if (i < (size_t)n && rd->buf[i] == '"') {
      long qline = rd->line;
      i++;
      for (;;) {
        if (i >= (size_t)n) {                 /* the quoted field goes on */
          n = next_line(rd);
          if (n < 0) {
            if (bad_line(rd, qline, BAD_QUOTE, "unterminated quoted field (the quote opens on line %ld)", qline))
              return -1;
            return 0;
          }
          acc_put(fl, '\n');
          i = 0;
          continue;
        }
        char c = rd->buf[i++];
        if (c != '"') { acc_put(fl, c); continue; }
        if (i < (size_t)n && rd->buf[i] == '"') { acc_put(fl, '"'); i++; continue; }
        break;                                /* closing quote */
      }
      if (i < (size_t)n && rd->buf[i] != ',') {
        if (bad_line(rd, rd->line, BAD_QUOTE, "expected ',' after a closing quote")) return -1;
        return 2;
      }
    } else {
      while (i < (size_t)n && rd->buf[i] != ',') acc_put(fl, rd->buf[i++]);
    }
    field_end(fl);
    if (i >= (size_t)n) return 1;
    i++;                                      /* ',' */
    if (i >= (size_t)n) { field_end(fl); return 1; }  /* a trailing empty field */
  }
}

static int find_col(Fields *hdr, const char *name)
{
  for (int i = 0; i < hdr->n; i++)
    if (strcmp(hdr->f[i], name) == 0) return i;
  return -1;
}

/* A later column of HDR named as column COL is, or -1. */
static int find_col_again(Fields *hdr, int col)
{
  for (int i = col + 1; i < hdr->n; i++)
    if (strcmp(hdr->f[i], hdr->f[col]) == 0) return i;
  return -1;
}

static int read_csv(Reader *rd, ExList *out)
{
  Fields fl = {0};
  long start;
  int rc = 0, r = csv_record(rd, &fl, &start);
  if (r <= 0) { rc = r; goto done; }          /* empty file: the caller reports it */
  int tcol = rd->s->text_column, lcol = rd->s->label_column;
  const char *tname = rd->s->text_field ? rd->s->text_field : "text";
  const char *lname = rd->s->label_field ? rd->s->label_field : "label";
  if (tcol < 0) tcol = find_col(&fl, tname);
  if (lcol < 0) lcol = find_col(&fl, lname);
  if (tcol < 0 || lcol < 0) {
    char *cols = xstrdup("");
    for (int i = 0; i < fl.n; i++) {
      char *c2 = xasprintf("%s%s'%s'", cols, i ? ", " : "", fl.f[i]);
      free(cols);
      cols = c2;
    }
    diag_line(DIAG_ERROR, rd->path, start, "the header has no column named '%s' (it has %s)",
              tcol < 0 ? tname : lname, cols);
    free(cols);
    rc = -1;
    goto done;
  }
  /* a column found by a name the header holds twice: which was meant is a guess */
  int tdup = rd->s->text_column < 0 ? find_col_again(&fl, tcol) : -1;
  int ldup = rd->s->label_column < 0 ? find_col_again(&fl, lcol) : -1;
  if (tdup >= 0 || ldup >= 0) {
    diag_line(DIAG_ERROR, rd->path, start, "the header names column '%s' twice (columns %d and %d, 0-based); "
              "choose one with '%s'", tdup >= 0 ? tname : lname, tdup >= 0 ? tcol : lcol, tdup >= 0 ? tdup : ldup,
              tdup >= 0 ? "text_column" : "label_column");
    rc = -1;
    goto done;
  }
  int need = (tcol > lcol ? tcol : lcol) + 1;
  while ((r = csv_record(rd, &fl, &start)) != 0) {
    if (r < 0) { rc = -1; goto done; }
    if (r == 2) continue;
    if (fl.n < need) {
      if (bad_line(rd, start, BAD_FIELDS, "expected at least %d fields, found %d", need, fl.n)) { rc = -1; goto done; }
      continue;
    }
    int c = check_example(rd, start, fl.f[lcol], fl.len[lcol], fl.f[tcol], fl.len[tcol]);
    if (c < 0) { rc = -1; goto done; }
    if (c > 0) continue;
    ex_push(out, xstrndup(fl.f[lcol], fl.len[lcol]), xstrndup(fl.f[tcol], fl.len[tcol]), fl.len[tcol], start);
  }
done:
  fields_clear(&fl);
  free(fl.f); free(fl.len); free(fl.acc);
  return rc;
}

/* ---- JSON Lines ---- */

static int read_jsonl(Reader *rd, ExList *out)
{
  const char *tname = rd->s->text_field ? rd->s->text_field : "text";
  const char *lname = rd->s->label_field ? rd->s->label_field : "label";
  long n;
  while ((n = next_line(rd)) >= 0) {
    if (blank_line(rd->buf, n)) continue;
    json_error_t err;
    json_t *o = json_loadb(rd->buf, (size_t)n, JSON_ALLOW_NUL, &err);
    if (!o || !json_is_object(o)) {
      int e = o ? bad_line(rd, rd->line, BAD_JSON, "expected a JSON object")
                : bad_line(rd, rd->line, BAD_JSON, "invalid JSON at column %d: %s", err.column, err.text);
      json_decref(o);
      if (e) return -1;
      continue;
    }
    json_t *t = json_object_get(o, tname), *l = json_object_get(o, lname);
    char *label = NULL;
    size_t llen = 0;
    int e = 0;
    if (!t) e = bad_line(rd, rd->line, BAD_JSON, "no field \"%s\" (the text)", tname);
    else if (!json_is_string(t)) e = bad_line(rd, rd->line, BAD_JSON, "field \"%s\" (the text) is not a string", tname);
    else if (!l) e = bad_line(rd, rd->line, BAD_JSON, "no field \"%s\" (the label)", lname);
    else if (json_is_string(l)) label = xstrndup(json_string_value(l), llen = json_string_length(l));
    else if (json_is_integer(l)) label = xasprintf("%lld", (long long)json_integer_value(l));
    else if (json_is_boolean(l)) label = xstrdup(json_is_true(l) ? "true" : "false");
    else e = bad_line(rd, rd->line, BAD_JSON, "field \"%s\" (the label) is not a string, integer or boolean", lname);
    if (label) {
      const char *txt = json_string_value(t);
      size_t tl = json_string_length(t);
      if (!json_is_string(l)) llen = strlen(label);   /* a number or boolean, spelled out */
      int c = check_example(rd, rd->line, label, llen, txt, tl);
      if (c == 0) ex_push(out, label, xstrndup(txt, tl), tl, rd->line);
      else free(label);
      if (c < 0) e = -1;
    }
    json_decref(o);
    if (e) return -1;
  }
  return 0;
}

/* Read PATH into OUT.  Returns RNF_EXIT_OK or RNF_EXIT_DATA (reported). */
static int read_file_examples(const Spec *sp, const Tokenizer *alpha, const char *path, ExList *out)
{
  Reader rd = {0};
  rd.s = &sp->data;
  rd.alpha = alpha;
  rd.path = path;
  rd.fp = fopen(path, "rb");
  if (!rd.fp) {
    diag_line(DIAG_ERROR, path, 0, "cannot read the data file: %s", strerror(errno));
    return RNF_EXIT_DATA;
  }
  int before = out->n, rc;
  switch (sp->data.format) {
  case FMT_TSV: rc = read_tsv(&rd, out); break;
  case FMT_CSV: rc = read_csv(&rd, out); break;
  case FMT_JSONL: rc = read_jsonl(&rd, out); break;
  default: RNF_UNREACHABLE();
  }
  if (rc == 0 && ferror(rd.fp)) {
    diag_line(DIAG_ERROR, path, 0, "cannot read the data file: %s", strerror(errno));
    rc = -1;
  }
  fclose(rd.fp);
  free(rd.buf);
  int skipped = 0;
  for (int i = 0; i < NBAD; i++) skipped += rd.nbad[i];
  if (rc == 0 && skipped) {
    char why[512] = "";
    size_t w = 0;
    for (int i = 0; i < NBAD; i++)
      if (rd.nbad[i] && w < sizeof why)
        w += (size_t)snprintf(why + w, sizeof why - w, "%s%d %s", w ? ", " : "", rd.nbad[i], bad_what[i]);
    diag_line(DIAG_WARNING, path, rd.first_bad, "skipped %d bad line%s (%s)", skipped, skipped == 1 ? "" : "s", why);
  }
  if (rc == 0 && out->n == before) {
    diag_line(DIAG_ERROR, path, 0, "%s", rd.line == 0 ? "the data file is empty"
              : skipped ? "no examples in the data file (every line was bad)" : "no examples in the data file");
    rc = -1;
  }
  return rc ? RNF_EXIT_DATA : RNF_EXIT_OK;
}

static int i32_cmp(const void *a, const void *b)
{
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

static int str_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Move EXs into split B with class ids from LABELS.  A label never seen in
** training is an error naming its line; CARVED (the split's share of the
** training file, e.g. "80/10/10") says the shuffle, not the data, did it. */
static int to_split(TokMap *labels, ExList *l, const int32_t *idx, int n, const char *path, Builder *b,
                    const char *carved)
{
  for (int i = 0; i < n; i++) {
    Ex *e = &l->v[idx ? idx[i] : i];
    long *v = tok_map_get(labels, e->label, strlen(e->label), false, NULL);
    if (!v) {
      if (carved)
        diag_line(DIAG_ERROR, path, e->line, "label '%s' does not occur in the training split: the "
                  "seeded %s split of this file put every example of it elsewhere; add examples, "
                  "or change 'seed' or 'split'", e->label, carved);
      else
        diag_line(DIAG_ERROR, path, e->line, "label '%s' does not occur in the training data", e->label);
      return RNF_EXIT_DATA;
    }
    push(b, e->text, e->len, (int32_t)*v, e->line);
    e->text = NULL;
  }
  return RNF_EXIT_OK;
}

static int load_files(const Spec *sp, Dataset *d)
{
  const SpecData *s = &sp->data;
  int rc = RNF_EXIT_OK;
  Tokenizer alpha = {0};
  if (s->tokens == TOKS_ALPHABET) {
    if (!s->alphabet || !s->alphabet[0]) {
      diag_line(DIAG_ERROR, sp->file, 0, "'tokens alphabet' needs an 'alphabet'");
      return RNF_EXIT_DATA;
    }
    int dup = tok_init_alphabet(&alpha, s->alphabet, strlen(s->alphabet), s->catchall);
    if (dup >= 0) {
      diag_line(DIAG_ERROR, sp->file, 0, "the alphabet \"%s\" repeats '%c'", s->alphabet, s->alphabet[dup]);
      return RNF_EXIT_DATA;
    }
  }
  ExList tr = {0}, va = {0}, te = {0};
  const char *paths[3] = { s->train, s->valid, s->test };
  ExList *lists[3] = { &tr, &va, &te };
  /* the examples, their symbols and the tokenizer's counts: a small
  ** multiple of the files' bytes (bytes tokens: 4 per byte, plus copies) */
  double fbytes = 0;
  for (int i = 0; i < 3; i++) {
    struct stat st;
    if (paths[i] && stat(paths[i], &st) == 0 && S_ISREG(st.st_mode)) fbytes += (double)st.st_size;
  }
  if ((rc = lim_check("reading the data", fbytes * 8, "use smaller data files")) != RNF_EXIT_OK) {
    tok_free(&alpha);
    return rc;
  }
  for (int i = 0; i < 3 && rc == RNF_EXIT_OK; i++)
    if (paths[i]) rc = read_file_examples(sp, &alpha, paths[i], lists[i]);
  if (!s->train && rc == RNF_EXIT_OK) {
    diag_line(DIAG_ERROR, sp->file, 0, "no training data file");
    rc = RNF_EXIT_DATA;
  }
  if (rc != RNF_EXIT_OK) goto out;

  /* carve the splits without their own file out of the training file */
  int n = tr.n;
  int nv = s->valid ? 0 : (int)((long)n * s->split[1] / 100);
  int nt = s->test ? 0 : (int)((long)n * s->split[2] / 100);
  int ntr = n - nv - nt;
  if (ntr < 1) {
    diag_line(DIAG_ERROR, s->train, 0, "too few examples (%d) to split %d/%d/%d", n, s->split[0], s->split[1], s->split[2]);
    rc = RNF_EXIT_DATA;
    goto out;
  }
  int32_t *perm = xmalloc((size_t)n * sizeof *perm);
  for (int i = 0; i < n; i++) perm[i] = i;
  if (nv || nt) {
    Rng r;
    rng_seed(&r, s->seed);
    rng_shuffle(&r, perm, (size_t)n);
    /* each portion back in file order: same content, easier to read */
    qsort(perm, (size_t)ntr, sizeof *perm, i32_cmp);
    qsort(perm + ntr, (size_t)nv, sizeof *perm, i32_cmp);
    qsort(perm + ntr + nv, (size_t)nt, sizeof *perm, i32_cmp);
  }

  /* classes: the labels of the training portion, in byte order */
  TokMap labels = {0};
  for (int i = 0; i < ntr; i++) {
    const char *l = tr.v[perm[i]].label;
    int added;
    tok_map_get(&labels, l, strlen(l), true, &added);
    if (added) {
      d->class_names = xrealloc(d->class_names, ((size_t)d->nclass + 1) * sizeof *d->class_names);
      d->class_names[d->nclass++] = xstrdup(l);
    }
  }
  qsort(d->class_names, (size_t)d->nclass, sizeof *d->class_names, str_cmp);
  for (int i = 0; i < d->nclass; i++)
    *tok_map_get(&labels, d->class_names[i], strlen(d->class_names[i]), false, NULL) = i;
  /* A class seen once in a sizeable training set is most often a header
  ** row read as data (or a stray typo); the network cannot learn it. */
  if (ntr >= 20 && d->nclass > 2) {
    int *cnt = xcalloc((size_t)d->nclass, sizeof *cnt);
    long *at = xcalloc((size_t)d->nclass, sizeof *at);
    for (int i = 0; i < ntr; i++) {
      const char *l = tr.v[perm[i]].label;
      int c = *tok_map_get(&labels, l, strlen(l), false, NULL);
      if (!cnt[c]++) at[c] = tr.v[perm[i]].line;
    }
    for (int c = 0; c < d->nclass; c++)
      if (cnt[c] == 1)
        diag_line(DIAG_WARNING, s->train, at[c], "class '%s' has a single training example%s", d->class_names[c],
                  at[c] == 1 ? ": is this line a header? (rnnfsac reads none in TSV)" : "");
    free(cnt); free(at);
  }
  char carved[48];
  snprintf(carved, sizeof carved, "%d/%d/%d", s->split[0], s->split[1], s->split[2]);
  if (d->nclass < 2) {
    diag_line(DIAG_ERROR, s->train, 0, "the training data has only one label ('%s')%s; a classifier needs two or more",
          d->class_names[0], nv || nt ? " after the seeded split" : "");
    rc = RNF_EXIT_DATA;
  }
  Builder b[3] = { {{0}, 0}, {{0}, 0}, {{0}, 0} };
  if (rc == RNF_EXIT_OK) rc = to_split(&labels, &tr, perm, ntr, s->train, &b[0], NULL);
  if (rc == RNF_EXIT_OK)
    rc = s->valid ? to_split(&labels, &va, NULL, va.n, s->valid, &b[1], NULL)
                  : to_split(&labels, &tr, perm + ntr, nv, s->train, &b[1], carved);
  if (rc == RNF_EXIT_OK)
    rc = s->test ? to_split(&labels, &te, NULL, te.n, s->test, &b[2], NULL)
                 : to_split(&labels, &tr, perm + ntr + nv, nt, s->train, &b[2], carved);
  d->train = b[0].s;
  d->valid = b[1].s;
  d->test = b[2].s;
  tok_map_free(&labels);
  free(perm);
  if (rc != RNF_EXIT_OK) goto out;

  switch (s->tokens) {
  case TOKS_ALPHABET: d->tok = alpha; memset(&alpha, 0, sizeof alpha); break;
  case TOKS_BYTES: tok_init_bytes(&d->tok); break;
  case TOKS_CHARS: tok_build_chars(&d->tok, d->train.text, d->train.text_len, d->train.n, s->vocab, s->min_count); break;
  case TOKS_WORDS:
    tok_build_words(&d->tok, d->train.text, d->train.text_len, d->train.n, s->vocab, s->min_count, s->punct);
    break;
  }
  Split *sp3[3] = { &d->train, &d->valid, &d->test };
  for (int i = 0; i < 3; i++) {
    size_t bad;
    int at = encode_split(&d->tok, sp3[i], &bad);
    RNF_ASSERT(at < 0);   /* check_example already rejected such bytes */
  }
out:
  ex_free(&tr); ex_free(&va); ex_free(&te);
  tok_free(&alpha);
  return rc;
}

int data_load(const Spec *sp, Dataset *d)
{
  memset(d, 0, sizeof *d);
  int rc;
  switch (sp->data.source) {
  case SRC_TOMITA:
  case SRC_REGEX: rc = generate(sp, d); break;
  case SRC_FILES: rc = load_files(sp, d); break;
  default: RNF_UNREACHABLE();
  }
  if (rc != RNF_EXIT_OK) {
    data_free(d);
    return rc;
  }
  uint64_t h = HASH_INIT;
  h = hash_split(h, &d->train, d->class_names);
  h = hash_split(h, &d->valid, d->class_names);
  h = hash_split(h, &d->test, d->class_names);
  d->hash = h;
  if (rnf_verbosity > 0)
    fprintf(stderr, "rnnfsac: data: %d/%d/%d examples, %d classes, %d symbols\n",
            d->train.n, d->valid.n, d->test.n, d->nclass, d->tok.nsym);
  return RNF_EXIT_OK;
}

/* ---- debugging dump --------------------------------------------------- */

static void dump_split(FILE *f, const Dataset *d, const char *name, const Split *s, int max)
{
  int *per = xcalloc((size_t)d->nclass, sizeof *per);
  for (int i = 0; i < s->n; i++) per[s->label[i]]++;
  fprintf(f, "%s: %d examples", name, s->n);
  for (int c = 0; c < d->nclass; c++) fprintf(f, "%s %s %d", c ? "," : ";", d->class_names[c], per[c]);
  fputc('\n', f);
  free(per);
  for (int i = 0; i < s->n && i < max; i++) {
    fprintf(f, "  [%d] %s", i, d->class_names[s->label[i]]);
    if (s->line[i]) fprintf(f, " (line %ld)", s->line[i]);
    fputs(":", f);
    for (int j = 0; j < split_len(s, i); j++) fprintf(f, " %s", d->tok.sym_names[split_seq(s, i)[j]]);
    fputc('\n', f);
  }
}

void data_dump(FILE *f, const Dataset *d, int max)
{
  fprintf(f, "tokens %s: %d symbols, unk %d", spec_tokens_name(d->tok.kind), d->tok.nsym, d->tok.unk);
  if (d->tok.kind == TOKS_WORDS) fprintf(f, ", punct %s", d->tok.punct ? "true" : "false");
  fprintf(f, "; hash %016llx\n", (unsigned long long)d->hash);
  if (d->target) fprintf(f, "target: %d states\n", d->target->nstates);
  dump_split(f, d, "train", &d->train, max);
  dump_split(f, d, "valid", &d->valid, max);
  dump_split(f, d, "test", &d->test, max);
}
