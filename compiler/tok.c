/*
** tok.c -- tokenizers: vocabularies from training text, encoding through
** the runtime's own functions (runtime/rnf_tok.h), and a byte-string map.
**
** The compiler never tokenizes on its own: tok_encode drives rnf_byte_sym,
** rnf_chars_push and rnf_words_push over the same tables a back end prints,
** so a generated classifier sees exactly the symbols the network saw.
*/
#include "tok.h"
#include "common.h"

#include <stdlib.h>
#include <string.h>

/* ---- byte-string map -------------------------------------------------- */

static size_t slot(const TokMap *m, const void *key, size_t len, uint64_t h)
{
  size_t i = (size_t)h & (m->cap - 1);
  while (m->e[i].key && !(m->e[i].hash == h && m->e[i].len == len && memcmp(m->e[i].key, key, len) == 0))
    i = (i + 1) & (m->cap - 1);
  return i;
}

static void grow(TokMap *m)
{
  TokMapEnt *old = m->e;
  size_t ocap = m->cap;
  m->cap = ocap ? ocap * 2 : 64;
  m->e = xcalloc(m->cap, sizeof *m->e);
  for (size_t i = 0; i < ocap; i++)
    if (old[i].key) m->e[slot(m, old[i].key, old[i].len, old[i].hash)] = old[i];
  free(old);
}

long *tok_map_get(TokMap *m, const void *key, size_t len, bool insert, int *added)
{
  if (added) *added = 0;
  if (!m->cap) {
    if (!insert) return NULL;
    grow(m);
  }
  uint64_t h = hash_bytes(HASH_INIT, key, len);
  size_t i = slot(m, key, len, h);
  if (m->e[i].key) return &m->e[i].val;
  if (!insert) return NULL;
  if (2 * (m->n + 1) > m->cap) {   /* keep load <= 1/2 so probes stay short */
    grow(m);
    i = slot(m, key, len, h);
  }
  m->e[i].key = xstrndup(key, len);
  m->e[i].len = len;
  m->e[i].hash = h;
  m->e[i].val = 0;
  m->n++;
  if (added) *added = 1;
  return &m->e[i].val;
}

void tok_map_free(TokMap *m)
{
  for (size_t i = 0; i < m->cap; i++) free(m->e[i].key);
  free(m->e);
  m->e = NULL;
  m->cap = m->n = 0;
}

/* ---- tables ----------------------------------------------------------- */

static TokTables *tables_new(void)
{
  TokTables *tt = xcalloc(1, sizeof *tt);
  /* an empty trie: the root alone, no words */
  tt->nnodes = 1;
  tt->first = xcalloc(2, sizeof *tt->first);
  tt->sym = xcalloc(1, sizeof *tt->sym);
  tt->byte = xcalloc(1, 1);
  tt->child = xcalloc(1, sizeof *tt->child);
  tt->cp = xcalloc(1, sizeof *tt->cp);
  tt->cpsym = xcalloc(1, sizeof *tt->cpsym);
  return tt;
}

static void tables_free(TokTables *tt)
{
  if (!tt) return;
  free(tt->first); free(tt->byte); free(tt->child); free(tt->sym);
  free(tt->cp); free(tt->cpsym);
  free(tt);
}

const TokTables *tok_tables(const Tokenizer *t) { return t->priv; }

static size_t utf8_encode(uint32_t c, char *o)
{
  if (c < 0x80) { o[0] = (char)c; return 1; }
  if (c < 0x800) { o[0] = (char)(0xC0 | (c >> 6)); o[1] = (char)(0x80 | (c & 0x3F)); return 2; }
  if (c < 0x10000) {
    o[0] = (char)(0xE0 | (c >> 12)); o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[2] = (char)(0x80 | (c & 0x3F)); return 3;
  }
  o[0] = (char)(0xF0 | (c >> 18)); o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((c >> 6) & 0x3F)); o[3] = (char)(0x80 | (c & 0x3F)); return 4;
}

const char *tok_sym_text(const Tokenizer *t, int a, char buf[4], size_t *len)
{
  if (a < 0 || a >= t->nsym || a == t->unk) return NULL;
  switch (t->kind) {
  case TOKS_ALPHABET:
  case TOKS_BYTES:
    for (int b = 0; b < 256; b++)
      if (t->bytemap[b] == a) { buf[0] = (char)b; *len = 1; return buf; }
    return NULL;
  case TOKS_CHARS: {
    const TokTables *tt = t->priv;
    for (int32_t i = 0; i < tt->ncp; i++)
      if (tt->cpsym[i] == a) { *len = utf8_encode(tt->cp[i], buf); return buf; }
    return NULL;
  }
  case TOKS_WORDS:
    *len = strlen(t->sym_names[a]);    /* a word's name is its bytes */
    return t->sym_names[a];
  }
  return NULL;
}


rnf_trie tok_trie(const Tokenizer *t)
{
  const TokTables *tt = t->priv;
  rnf_trie r = { tt->first, tt->byte, tt->child, tt->sym, (int32_t)t->unk };
  return r;
}

rnf_cpmap tok_cpmap(const Tokenizer *t)
{
  const TokTables *tt = t->priv;
  rnf_cpmap r = { tt->cp, tt->cpsym, tt->ncp, (int32_t)t->unk };
  return r;
}

static void tok_reset(Tokenizer *t, TokensKind kind)
{
  memset(t, 0, sizeof *t);
  t->kind = kind;
  t->unk = -1;
  for (int i = 0; i < 256; i++) t->bytemap[i] = -1;
  t->priv = tables_new();
}

void tok_free(Tokenizer *t)
{
  if (t->sym_names)
    for (int i = 0; i < t->nsym; i++) free(t->sym_names[i]);
  free(t->sym_names);
  tables_free(t->priv);
  t->sym_names = NULL;
  t->priv = NULL;
  t->nsym = 0;
}

/* A printable name for byte B: itself when printable ASCII, else \xHH. */
static char *byte_name(unsigned char b)
{
  if (b > 0x20 && b < 0x7F) return xstrndup((const char *)&b, 1);
  if (b == ' ') return xstrdup("' '");
  return xasprintf("\\x%02X", b);
}

int tok_init_alphabet(Tokenizer *t, const char *alpha, size_t n, bool catchall)
{
  tok_reset(t, TOKS_ALPHABET);
  for (size_t i = 0; i < n; i++) {
    unsigned char b = (unsigned char)alpha[i];
    if (t->bytemap[b] >= 0) { tok_free(t); return (int)i; }
    t->bytemap[b] = (int16_t)i;
  }
  t->nsym = (int)n + (catchall ? 1 : 0);
  t->sym_names = xcalloc((size_t)t->nsym, sizeof *t->sym_names);
  for (size_t i = 0; i < n; i++) t->sym_names[i] = byte_name((unsigned char)alpha[i]);
  if (catchall) {
    t->unk = (int)n;
    t->sym_names[n] = xstrdup("<unk>");
    for (int b = 0; b < 256; b++)
      if (t->bytemap[b] < 0) t->bytemap[b] = (int16_t)n;
  }
  return -1;
}

void tok_init_bytes(Tokenizer *t)
{
  tok_reset(t, TOKS_BYTES);
  t->nsym = 256;
  t->sym_names = xcalloc(256, sizeof *t->sym_names);
  for (int b = 0; b < 256; b++) {
    t->bytemap[b] = (int16_t)b;
    t->sym_names[b] = byte_name((unsigned char)b);
  }
}

/* Vocabulary candidates: key bytes and count, ranked by count then bytes. */
typedef struct Cand { const char *key; size_t len; long count; } Cand;

static int cand_cmp(const void *pa, const void *pb)
{
  const Cand *a = pa, *b = pb;
  if (a->count != b->count) return a->count > b->count ? -1 : 1;
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->key, b->key, n);  /* memcmp compares as unsigned char */
  if (c) return c;
  return a->len < b->len ? -1 : a->len > b->len;
}

/* The top VOCAB keys of M with count >= MIN_COUNT, best first; *N gets how many. */
static Cand *rank(const TokMap *m, int vocab, int min_count, int *n)
{
  Cand *c = xcalloc(m->n ? m->n : 1, sizeof *c);
  size_t k = 0;
  for (size_t i = 0; i < m->cap; i++)
    if (m->e[i].key && m->e[i].val >= (min_count > 0 ? min_count : 1))
      c[k++] = (Cand){ m->e[i].key, m->e[i].len, m->e[i].val };
  qsort(c, k, sizeof *c, cand_cmp);
  if (vocab >= 0 && k > (size_t)vocab) k = (size_t)vocab;
  *n = (int)k;
  return c;
}

typedef struct CpSym { uint32_t cp; int32_t sym; } CpSym;

static int cpsym_cmp(const void *pa, const void *pb)
{
  uint32_t a = ((const CpSym *)pa)->cp, b = ((const CpSym *)pb)->cp;
  return (a > b) - (a < b);
}

void tok_build_chars(Tokenizer *t, char *const *texts, const size_t *lens, int n, int vocab, int min_count)
{
  tok_reset(t, TOKS_CHARS);
  TokMap m = {0};
  for (int i = 0; i < n; i++) {
    rnf_utf8 d;
    rnf_utf8_reset(&d);
    uint32_t cps[2];
    for (size_t j = 0; j <= lens[i]; j++) {
      int k = j < lens[i] ? rnf_utf8_push(&d, (unsigned char)texts[i][j], cps) : rnf_utf8_finish(&d, cps);
      for (int q = 0; q < k; q++) (*tok_map_get(&m, &cps[q], sizeof cps[q], true, NULL))++;
    }
  }
  /* rank by count, ties by code point: rank() breaks ties on key bytes, so
  ** re-key big-endian first */
  TokMap be = {0};
  for (size_t i = 0; i < m.cap; i++) {
    if (!m.e[i].key) continue;
    uint32_t c;
    memcpy(&c, m.e[i].key, sizeof c);
    unsigned char k[4] = { (unsigned char)(c >> 24), (unsigned char)(c >> 16), (unsigned char)(c >> 8), (unsigned char)c };
    *tok_map_get(&be, k, 4, true, NULL) = m.e[i].val;
  }
  tok_map_free(&m);
  int v;
  Cand *c = rank(&be, vocab, min_count, &v);
  TokTables *tt = t->priv;
  t->nsym = v + 1;
  t->unk = 0;
  t->sym_names = xcalloc((size_t)t->nsym, sizeof *t->sym_names);
  t->sym_names[0] = xstrdup("<unk>");
  free(tt->cp); free(tt->cpsym);
  tt->ncp = v;
  tt->cp = xcalloc((size_t)v + 1, sizeof *tt->cp);
  tt->cpsym = xcalloc((size_t)v + 1, sizeof *tt->cpsym);
  CpSym *pairs = xcalloc((size_t)v + 1, sizeof *pairs);
  for (int i = 0; i < v; i++) {
    const unsigned char *k = (const unsigned char *)c[i].key;
    uint32_t cp = (uint32_t)k[0] << 24 | (uint32_t)k[1] << 16 | (uint32_t)k[2] << 8 | k[3];
    char buf[5];
    buf[utf8_encode(cp, buf)] = '\0';
    /* control characters (NUL above all) get a visible name */
    t->sym_names[i + 1] = cp < 0x20 || cp == 0x7F ? xasprintf("\\x%02X", (unsigned)cp) : xstrdup(buf);
    pairs[i] = (CpSym){ cp, i + 1 };          /* symbol = rank + 1 */
  }
  qsort(pairs, (size_t)v, sizeof *pairs, cpsym_cmp);   /* the runtime binary-searches */
  for (int i = 0; i < v; i++) { tt->cp[i] = pairs[i].cp; tt->cpsym[i] = pairs[i].sym; }
  free(pairs);
  free(c);
  tok_map_free(&be);
}

/* A growable trie, flattened into compressed rows at the end. */
typedef struct TNode { int32_t sym; int32_t nkid, cap; unsigned char *kb; int32_t *kid; } TNode;

static int32_t tnode_child(TNode **nodes, int32_t *nn, int32_t *ncap, int32_t at, unsigned char b)
{
  TNode *p = &(*nodes)[at];
  for (int32_t i = 0; i < p->nkid; i++)
    if (p->kb[i] == b) return p->kid[i];
  if (*nn == *ncap) {
    *ncap *= 2;
    *nodes = xrealloc(*nodes, (size_t)*ncap * sizeof **nodes);
    p = &(*nodes)[at];
  }
  int32_t id = (*nn)++;
  (*nodes)[id] = (TNode){ -1, 0, 0, NULL, NULL };
  if (p->nkid == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 2;
    p->kb = xrealloc(p->kb, (size_t)p->cap);
    p->kid = xrealloc(p->kid, (size_t)p->cap * sizeof *p->kid);
  }
  p->kb[p->nkid] = b;
  p->kid[p->nkid++] = id;
  return id;
}

void tok_build_words(Tokenizer *t, char *const *texts, const size_t *lens, int n,
                     int vocab, int min_count, bool punct)
{
  tok_reset(t, TOKS_WORDS);
  t->punct = punct;
  TokMap m = {0};
  size_t cap = 64, wl = 0;
  char *w = xmalloc(cap);
  for (int i = 0; i < n; i++) {
    int in_word = 0;
    for (size_t j = 0; j <= lens[i]; j++) {
      unsigned char c = 0;
      int ev = j < lens[i] ? rnf_words_scan(&in_word, (unsigned char)texts[i][j], punct, &c)
                           : rnf_words_scan_finish(&in_word);
      if (ev & RNF_EV_WORD_END) { (*tok_map_get(&m, w, wl, true, NULL))++; wl = 0; }
      if (ev & RNF_EV_WORD_BYTE) {
        if (wl == cap) w = xrealloc(w, cap *= 2);
        w[wl++] = (char)c;
      }
      if (ev & RNF_EV_PUNCT) (*tok_map_get(&m, &c, 1, true, NULL))++;
    }
  }
  free(w);
  int v;
  Cand *c = rank(&m, vocab, min_count, &v);
  t->nsym = v + 1;
  t->unk = 0;
  t->sym_names = xcalloc((size_t)t->nsym, sizeof *t->sym_names);
  t->sym_names[0] = xstrdup("<unk>");
  int32_t nn = 1, ncap = 64;
  TNode *nodes = xmalloc((size_t)ncap * sizeof *nodes);
  nodes[0] = (TNode){ -1, 0, 0, NULL, NULL };
  for (int i = 0; i < v; i++) {
    t->sym_names[i + 1] = xstrndup(c[i].key, c[i].len);
    int32_t at = 0;
    for (size_t j = 0; j < c[i].len; j++)
      at = tnode_child(&nodes, &nn, &ncap, at, (unsigned char)c[i].key[j]);
    nodes[at].sym = i + 1;
  }
  free(c);
  tok_map_free(&m);
  /* flatten: node ids stay, each row's edges sorted by byte */
  TokTables *tt = t->priv;
  free(tt->first); free(tt->byte); free(tt->child); free(tt->sym);
  int32_t ne = 0;
  for (int32_t i = 0; i < nn; i++) ne += nodes[i].nkid;
  tt->nnodes = nn;
  tt->nedges = ne;
  tt->first = xcalloc((size_t)nn + 1, sizeof *tt->first);
  tt->sym = xcalloc((size_t)nn, sizeof *tt->sym);
  tt->byte = xcalloc((size_t)ne + 1, 1);
  tt->child = xcalloc((size_t)ne + 1, sizeof *tt->child);
  int32_t e = 0;
  for (int32_t i = 0; i < nn; i++) {
    TNode *p = &nodes[i];
    tt->first[i] = e;
    tt->sym[i] = p->sym >= 0 ? p->sym : t->unk;
    for (int32_t a = 0; a < 256 && p->nkid; a++)   /* counting order = sorted */
      for (int32_t k = 0; k < p->nkid; k++)
        if (p->kb[k] == a) { tt->byte[e] = (unsigned char)a; tt->child[e] = p->kid[k]; e++; }
    free(p->kb); free(p->kid);
  }
  tt->first[nn] = e;
  free(nodes);
}

long tok_encode(const Tokenizer *t, const char *text, size_t n, int32_t **out, size_t *bad)
{
  /* at most one symbol per byte, plus one at the end */
  int32_t *o = xmalloc((n + 1) * sizeof *o);
  size_t k = 0;
  const unsigned char *p = (const unsigned char *)text;
  switch (t->kind) {
  case TOKS_ALPHABET:
  case TOKS_BYTES:
    for (size_t i = 0; i < n; i++) {
      int32_t s = rnf_byte_sym(t->bytemap, p[i]);
      if (s < 0) {
        free(o);
        *out = NULL;
        if (bad) *bad = i;
        return -1;
      }
      o[k++] = s;
    }
    break;
  case TOKS_CHARS: {
    rnf_cpmap m = tok_cpmap(t);
    rnf_utf8 d;
    rnf_utf8_reset(&d);
    for (size_t i = 0; i < n; i++) k += (size_t)rnf_chars_push(&d, &m, p[i], o + k);
    k += (size_t)rnf_chars_finish(&d, &m, o + k);
    break;
  }
  case TOKS_WORDS: {
    rnf_trie tr = tok_trie(t);
    rnf_words w;
    rnf_words_reset(&w);
    for (size_t i = 0; i < n; i++) k += (size_t)rnf_words_push(&w, &tr, t->punct, p[i], o + k);
    k += (size_t)rnf_words_finish(&w, &tr, o + k);
    break;
  }
  }
  *out = o;
  return (long)k;
}
