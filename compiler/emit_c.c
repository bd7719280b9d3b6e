/*
** emit_c.c -- the C back end: an Fsa plus its tokenizer as embeddable C99.
**
** Output (docs/generated-api.md): a header declaring <prefix>_state,
** _init/_feed/_label/_classify/_class_name and NUM_* constants, and an
** implementation of static const tables and one loop, in one of two styles:
**   table   dense next-state lookups, branch-free (byte-level: the state is
**           kept as its row offset, so each byte costs one add and one load)
**   switch  a switch per state on the input class (direct code)
** How input bytes become automaton input classes depends on the tokenizer:
**   alphabet, bytes  one 256-entry byte -> input class table folding the
**                    tokenizer's byte map into the automaton's symbol classes
**   chars            runtime/rnf_tok.h pasted verbatim (UTF-8 decoder and
**                    code point map) with the map's symbols replaced by
**                    their input classes
**   words            the word scanner and vocabulary trie lowered at compile
**                    time (through the runtime's own rnf_byte_class, rnf_fold
**                    and trie) to a minimal byte DFA, the "lexer": its state
**                    is the word read so far up to equivalence, and a word's
**                    end emits the input class of the word
** The generated code needs only <stddef.h> and <stdint.h>: no allocation, no
** stdio, no mutable globals, so it builds freestanding and is reentrant.
**
** Bytes that the tokenizer rejects (alphabet without catch-all: tok_encode
** fails on them) send the machine to a sticky error state whose label is -1,
** so the classifier never guesses where the compiler would refuse.
**
** Output is a pure function of the EmitInput: no dates, no addresses.
*/
#include "emit.h"
#include "cgen.h"
#include "common.h"
#include "diag.h"
#include "rt_src.h"
#include "tok.h"

#include <stdlib.h>
#include <string.h>

#define LONG_NAME 4095      /* longest class name printed as a string literal */

/* Everything the printers need, computed once before anything is written
** (the header comment states the table bytes). */
typedef struct Plan {
  const EmitInput *in;
  const Fsa *f;
  const Tokenizer *t;
  const char *p;            /* prefix as given */
  char *up;                 /* PREFIX */
  int nstates;              /* automaton states */
  int err;                  /* sticky error state (== nstates) or -1 */
  int nrows;                /* rows of next[]: nstates + (err >= 0) */
  int ncls;                 /* input classes, including the error class */
  int errcls;               /* -1 or ncls - 1 */
  int32_t byteclass[256];   /* byte -> input class */
  uint32_t *next;           /* [nrows * ncls] */
  const char *st_t, *cls_t, *lab_t;
  int premul;               /* byte-level table style: states are row offsets (state * ncls) */
  size_t bytes;             /* static const table bytes */
  /* chars: the runtime's code point map, symbols replaced by input classes */
  int32_t ncp;
  const uint32_t *cp;       /* [ncp] ascending */
  uint32_t *cpcls;          /* [ncp] */
  uint32_t unkcls;
  /* words: the lexer.  State 0 = between words; NONE (== ncls) = no token */
  int nlx, nw, nnw;         /* lexer states, word-byte classes, other byte classes */
  int32_t bcls[256];        /* byte -> lexer byte class; word bytes first */
  uint32_t *lxnext;         /* [nlx * nw] dense, before compression */
  int dlx;                  /* the dead state (a word outside the vocabulary) */
  /* tab_lex compressed by row displacement: the successor of (x, w) is
  ** lxnxt[lxbase[x] + w] if lxchk[that] == x, else dlx */
  uint32_t *lxbase;         /* [nlx] */
  uint32_t *lxnxt, *lxchk;  /* [ncomb] */
  size_t ncomb;
  const char *base_t;
  uint32_t *lxend;          /* [nlx] input class of the word ending here, or NONE */
  uint32_t *tokcls;         /* [nnw] input class of the byte as a token, or NONE */
  const char *lx_t, *bc_t, *tk_t;
} Plan;

static const char *tokens_name(TokensKind k)
{
  switch (k) {
  case TOKS_ALPHABET: return "alphabet";
  case TOKS_BYTES: return "bytes";
  case TOKS_CHARS: return "chars";
  case TOKS_WORDS: return "words";
  }
  return "?";
}

static char *upper(const char *s)
{
  char *u = xstrdup(s);
  for (char *q = u; *q; q++) if (*q >= 'a' && *q <= 'z') *q = (char)(*q - 'a' + 'A');
  return u;
}

/* Bytes valid in #include "..." without undefined or implementation-defined
** behaviour (C99 6.4.7): printable ASCII minus " ' \ and no // or slash-star. */
static int header_name_ok(const char *s)
{
  if (!*s) return 0;
  for (const char *q = s; *q; q++) {
    unsigned char c = (unsigned char)*q;
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '\\') return 0;
    if (c == '/' && (q[1] == '/' || q[1] == '*')) return 0;
  }
  return 1;
}

/* Row displacement ("comb") packing of the dense lexer table: most entries
** lead to the dead state, so each row keeps only its other entries, placed
** first-fit at an offset where they collide with no earlier row.  Rows go
** in by decreasing entry count (ties by state), which packs tightly and is
** deterministic. */
typedef struct RowOrd { int32_t x, n; } RowOrd;

static int row_cmp(const void *pa, const void *pb)
{
  const RowOrd *a = pa, *b = pb;
  if (a->n != b->n) return a->n > b->n ? -1 : 1;
  return (a->x > b->x) - (a->x < b->x);
}

static void pack_lexer(Plan *pl)
{
  int nlx = pl->nlx, nw = pl->nw;
  RowOrd *ord = xmalloc((size_t)nlx * sizeof *ord);
  for (int x = 0; x < nlx; x++) {
    ord[x].x = x; ord[x].n = 0;
    for (int w = 0; w < nw; w++) ord[x].n += pl->lxnext[(size_t)x * (size_t)nw + (size_t)w] != (uint32_t)pl->dlx;
  }
  qsort(ord, (size_t)nlx, sizeof *ord, row_cmp);
  size_t cap = (size_t)nw * 2 + 16, len = (size_t)nw, lowfree = 0;
  uint32_t empty = (uint32_t)nlx;
  pl->lxchk = xmalloc(cap * sizeof *pl->lxchk);
  pl->lxnxt = xmalloc(cap * sizeof *pl->lxnxt);
  for (size_t i = 0; i < cap; i++) { pl->lxchk[i] = empty; pl->lxnxt[i] = 0; }
  pl->lxbase = xcalloc((size_t)nlx, sizeof *pl->lxbase);
  for (int k = 0; k < nlx && ord[k].n > 0; k++) {
    const uint32_t *row = pl->lxnext + (size_t)ord[k].x * (size_t)nw;
    int first = 0;
    while (row[first] == (uint32_t)pl->dlx) first++;
    size_t b = lowfree > (size_t)first ? lowfree - (size_t)first : 0;
    for (;; b++) {
      if (b + (size_t)nw > cap) {
        size_t ncap = (b + (size_t)nw) * 2;
        pl->lxchk = xrealloc(pl->lxchk, ncap * sizeof *pl->lxchk);
        pl->lxnxt = xrealloc(pl->lxnxt, ncap * sizeof *pl->lxnxt);
        for (size_t i = cap; i < ncap; i++) { pl->lxchk[i] = empty; pl->lxnxt[i] = 0; }
        cap = ncap;
      }
      int fits = 1;
      for (int w = first; w < nw && fits; w++)
        fits = row[w] == (uint32_t)pl->dlx || pl->lxchk[b + (size_t)w] == empty;
      if (fits) break;
    }
    pl->lxbase[ord[k].x] = (uint32_t)b;
    for (int w = first; w < nw; w++)
      if (row[w] != (uint32_t)pl->dlx) {
        pl->lxchk[b + (size_t)w] = (uint32_t)ord[k].x;
        pl->lxnxt[b + (size_t)w] = row[w];
      }
    if (b + (size_t)nw > len) len = b + (size_t)nw;
    while (lowfree < cap && pl->lxchk[lowfree] != empty) lowfree++;
  }
  pl->ncomb = len;     /* every base + nw fits: no bounds check at run time */
  free(ord);
}

/* Words: lower the scanner and vocabulary trie to a minimal byte DFA.
** Trie nodes reached by word bytes are the in-word states; D is the dead
** in-word state (a word outside the vocabulary).  Bottom-up (children
** first), two nodes are equivalent iff they end in the same input class and
** their word-byte edges lead to equivalent nodes, where a missing edge means
** D -- so edges to D-equivalent children are dropped from the signature. */
static void build_lexer(Plan *pl)
{
  const Tokenizer *t = pl->t;
  const TokTables *tt = tok_tables(t);
  const int32_t *sc = pl->f->symclass;
  const uint32_t NONE = (uint32_t)pl->ncls;
  int32_t nn = tt->nnodes;
  int32_t *order = xmalloc((size_t)nn * sizeof *order), *rep = xmalloc((size_t)nn * sizeof *rep);
  int32_t cnt = 0;
  order[cnt++] = 0;
  for (int32_t k = 0; k < cnt; k++)
    for (int32_t e = tt->first[order[k]]; e < tt->first[order[k] + 1]; e++)
      if (rnf_byte_class(tt->byte[e]) == RNF_WORDCH) order[cnt++] = tt->child[e];

  /* representatives: rnode[r] is the trie node that defined rep r (-1 = D) */
  int32_t nrep = 0, rcap = 64;
  int32_t *rnode = xmalloc((size_t)rcap * sizeof *rnode);
  uint32_t *rend = xmalloc((size_t)rcap * sizeof *rend);
  int32_t *sig = xmalloc((1 + 2 * 256) * sizeof *sig);
  TokMap m = {0};
  sig[0] = sc[t->unk];
  *tok_map_get(&m, sig, sizeof *sig, true, NULL) = nrep;
  rnode[nrep] = -1; rend[nrep] = (uint32_t)sc[t->unk]; nrep++;
  for (int32_t k = cnt - 1; k >= 1; k--) {
    int32_t u = order[k], len = 0, added;
    sig[len++] = sc[tt->sym[u]];
    for (int32_t e = tt->first[u]; e < tt->first[u + 1]; e++)
      if (rnf_byte_class(tt->byte[e]) == RNF_WORDCH && rep[tt->child[e]] != 0) {
        sig[len++] = tt->byte[e];
        sig[len++] = rep[tt->child[e]];
      }
    long *v = tok_map_get(&m, sig, (size_t)len * sizeof *sig, true, &added);
    if (added) {
      if (nrep == rcap) {
        rcap *= 2;
        rnode = xrealloc(rnode, (size_t)rcap * sizeof *rnode);
        rend = xrealloc(rend, (size_t)rcap * sizeof *rend);
      }
      rnode[nrep] = u; rend[nrep] = (uint32_t)sc[tt->sym[u]];
      *v = nrep++;
    }
    rep[u] = (int32_t)*v;
  }
  tok_map_free(&m);
  free(sig);

  /* Lexer states breadth-first from "between" (0), bytes ascending.  lx_of
  ** maps rep -> lexer state; the sparse edges of state x are
  ** eb/et[efirst[x] .. efirst[x+1]) (targets other than D's state). */
  int32_t *lx_of = xmalloc((size_t)nrep * sizeof *lx_of);
  for (int32_t r = 0; r < nrep; r++) lx_of[r] = -1;
  int32_t *lxnode = xmalloc(((size_t)nrep + 1) * sizeof *lxnode);   /* trie node, -1 = D */
  int32_t nlx = 1, dlx = -1;
  lxnode[0] = 0;
  size_t ecap = 64, ne = 0;
  unsigned char *eb = xmalloc(ecap);
  int32_t *et = xmalloc(ecap * sizeof *et), *efirst = xmalloc(((size_t)nrep + 2) * sizeof *efirst);
  for (int32_t x = 0; x < nlx; x++) {
    efirst[x] = (int32_t)ne;
    int32_t u = lxnode[x];
    if (u < 0) continue;
    for (int32_t e = tt->first[u]; e < tt->first[u + 1]; e++) {
      if (rnf_byte_class(tt->byte[e]) != RNF_WORDCH) continue;
      int32_t r = rep[tt->child[e]];
      if (r == 0) continue;
      if (lx_of[r] < 0) { lx_of[r] = nlx; lxnode[nlx++] = rnode[r]; }
      if (ne == ecap) { ecap *= 2; eb = xrealloc(eb, ecap); et = xrealloc(et, ecap * sizeof *et); }
      eb[ne] = tt->byte[e]; et[ne] = lx_of[r]; ne++;
    }
    /* D always gets a state, numbered right after the root's children */
    if (dlx < 0) { lx_of[0] = dlx = nlx; lxnode[nlx++] = -1; }
  }
  efirst[nlx] = (int32_t)ne;
  pl->nlx = nlx;
  pl->lxend = xmalloc((size_t)nlx * sizeof *pl->lxend);
  pl->lxend[0] = NONE;
  for (int32_t x = 1; x < nlx; x++) pl->lxend[x] = lxnode[x] < 0 ? rend[0] : (uint32_t)sc[tt->sym[lxnode[x]]];

  /* Word-byte classes: folded bytes with identical columns.  Column of
  ** byte b = its sparse (state, target) list, ordered by state. */
  size_t cfirst[257] = {0}, cfill[256];
  for (size_t e = 0; e < ne; e++) cfirst[eb[e] + 1]++;
  for (int b = 0; b < 256; b++) cfirst[b + 1] += cfirst[b];
  int32_t *cx = xmalloc((ne + 1) * sizeof *cx), *ct = xmalloc((ne + 1) * sizeof *ct);
  for (int b = 0; b < 256; b++) cfill[b] = cfirst[b];
  for (int32_t x = 0; x < nlx; x++)
    for (int32_t e = efirst[x]; e < efirst[x + 1]; e++) {
      size_t at = cfill[eb[e]]++;
      cx[at] = x; ct[at] = et[e];
    }
  int32_t fcls[256];
  for (int b = 0; b < 256; b++) { fcls[b] = -1; pl->bcls[b] = -1; }
  int nw = 0;
  int wrep[256];                            /* folded byte representing class */
  for (int b = 0; b < 256; b++) {
    if (rnf_byte_class((unsigned char)b) != RNF_WORDCH) continue;
    int fb = rnf_fold((unsigned char)b);
    for (int w = 0; w < nw && fcls[fb] < 0; w++) {
      size_t n1 = cfirst[fb + 1] - cfirst[fb], n2 = cfirst[wrep[w] + 1] - cfirst[wrep[w]];
      if (n1 == n2 && !memcmp(cx + cfirst[fb], cx + cfirst[wrep[w]], n1 * sizeof *cx)
          && !memcmp(ct + cfirst[fb], ct + cfirst[wrep[w]], n1 * sizeof *ct))
        fcls[fb] = w;
    }
    if (fcls[fb] < 0) { wrep[nw] = fb; fcls[fb] = nw++; }
    pl->bcls[b] = fcls[fb];
  }
  free(cx); free(ct);
  pl->nw = nw;
  pl->lxnext = xmalloc((size_t)nlx * (size_t)nw * sizeof *pl->lxnext);
  for (int32_t x = 0; x < nlx; x++) {
    for (int w = 0; w < nw; w++) pl->lxnext[(size_t)x * (size_t)nw + (size_t)w] = (uint32_t)dlx;
    for (int32_t e = efirst[x]; e < efirst[x + 1]; e++)
      pl->lxnext[(size_t)x * (size_t)nw + (size_t)fcls[eb[e]]] = (uint32_t)et[e];
  }

  pl->dlx = dlx;
  pack_lexer(pl);

  /* Other bytes end a word; grouped by the token they are themselves. */
  rnf_trie tr = tok_trie(t);
  uint32_t tok[256];
  int nnw = 0;
  for (int b = 0; b < 256; b++) {
    if (pl->bcls[b] >= 0) continue;
    uint32_t v = NONE;
    if (t->punct && rnf_byte_class((unsigned char)b) == RNF_PUNCT)
      v = (uint32_t)sc[rnf_trie_sym(&tr, rnf_trie_step(&tr, 0, (unsigned char)b))];
    int k = 0;
    while (k < nnw && tok[k] != v) k++;
    if (k == nnw) tok[nnw++] = v;
    pl->bcls[b] = nw + k;
  }
  pl->nnw = nnw;
  pl->tokcls = xmalloc((size_t)nnw * sizeof *pl->tokcls);
  memcpy(pl->tokcls, tok, (size_t)nnw * sizeof *tok);

  free(order); free(rep); free(rnode); free(rend); free(lx_of); free(lxnode);
  free(eb); free(et); free(efirst);
}

static int plan_build(const EmitInput *in, Plan *pl)
{
  memset(pl, 0, sizeof *pl);
  const Fsa *f = in->fsa;
  const Tokenizer *t = in->tok;
  pl->in = in; pl->f = f; pl->t = t; pl->p = in->prefix;
  if (!in->prefix || !cgen_is_ident(in->prefix)) {
    diag(DIAG_ERROR, "emit prefix '%s' is not a C identifier", in->prefix ? in->prefix : "");
    return RNF_EXIT_SPEC;
  }
  if (fsa_validate(f) != 0 || f->nsym != t->nsym || in->nclass != f->nclass)
    rnf_internal(__FILE__, __LINE__, "emit_c: automaton does not match its tokenizer or classes");
  if ((t->kind == TOKS_CHARS || t->kind == TOKS_WORDS) && (t->unk < 0 || t->unk >= t->nsym))
    rnf_internal(__FILE__, __LINE__, "emit_c: %s tokenizer without <unk>", tokens_name(t->kind));
  pl->up = upper(in->prefix);
  pl->nstates = f->nstates;

  /* A symbol class's column is that of its first member; every member must
  ** agree, or the class map is stale. */
  int *rep = xmalloc((size_t)f->nsymclass * sizeof *rep);
  for (int c = 0; c < f->nsymclass; c++) rep[c] = -1;
  for (int a = 0; a < f->nsym; a++) if (rep[f->symclass[a]] < 0) rep[f->symclass[a]] = a;
  for (int s = 0; s < f->nstates; s++)
    for (int a = 0; a < f->nsym; a++)
      if (f->next[(size_t)s * (size_t)f->nsym + (size_t)a]
          != f->next[(size_t)s * (size_t)f->nsym + (size_t)rep[f->symclass[a]]])
        rnf_internal(__FILE__, __LINE__, "emit_c: symbol %d differs from its class", a);

  int bad = 0;
  if (t->kind == TOKS_ALPHABET || t->kind == TOKS_BYTES) {
    for (int b = 0; b < 256; b++) {
      int sym = t->bytemap[b] >= 0 ? t->bytemap[b] : t->unk;
      if (sym >= f->nsym) rnf_internal(__FILE__, __LINE__, "emit_c: byte %d maps to symbol %d", b, sym);
      pl->byteclass[b] = sym >= 0 ? f->symclass[sym] : -1;
      bad |= sym < 0;
    }
  }
  pl->ncls = f->nsymclass + bad;
  pl->errcls = bad ? f->nsymclass : -1;
  pl->err = bad ? f->nstates : -1;
  pl->nrows = f->nstates + bad;
  for (int b = 0; b < 256; b++) if (pl->byteclass[b] < 0) pl->byteclass[b] = pl->errcls;

  pl->next = xmalloc((size_t)pl->nrows * (size_t)pl->ncls * sizeof *pl->next);
  for (int s = 0; s < pl->nrows; s++)
    for (int c = 0; c < pl->ncls; c++) {
      uint32_t to;
      if (s == pl->err || c == pl->errcls) to = (uint32_t)pl->err;
      else to = (uint32_t)f->next[(size_t)s * (size_t)f->nsym + (size_t)rep[c]];
      pl->next[(size_t)s * (size_t)pl->ncls + (size_t)c] = to;
    }
  free(rep);

  /* Byte-level table style keeps the state as its row offset in a flat
  ** next[] (values premultiplied by ncls): the loop-carried dependency is
  ** then one add and one load per byte, no multiply. */
  pl->premul = in->style == STYLE_TABLE && (t->kind == TOKS_ALPHABET || t->kind == TOKS_BYTES);
  uint32_t maxst = (uint32_t)(pl->nrows - 1), maxcls = (uint32_t)(pl->ncls - 1);
  if (pl->premul) maxst *= (uint32_t)pl->ncls;
  uint32_t maxlab = (uint32_t)(f->nclass - 1);
  pl->st_t = cgen_uint_type(maxst);
  pl->cls_t = cgen_uint_type(maxcls);
  pl->lab_t = cgen_uint_type(maxlab);
  pl->bytes = (size_t)f->nstates * cgen_uint_size(maxlab);
  if (in->style == STYLE_TABLE)
    pl->bytes += (size_t)pl->nrows * (size_t)pl->ncls * cgen_uint_size(maxst);

  switch (t->kind) {
  case TOKS_ALPHABET:
  case TOKS_BYTES:
    pl->bytes += 256 * cgen_uint_size(maxcls);
    break;
  case TOKS_CHARS: {
    const TokTables *tt = tok_tables(t);
    pl->ncp = tt->ncp;
    pl->cp = tt->cp;
    pl->cpcls = xmalloc(((size_t)tt->ncp + 1) * sizeof *pl->cpcls);
    for (int32_t i = 0; i < tt->ncp; i++) pl->cpcls[i] = (uint32_t)f->symclass[tt->cpsym[i]];
    pl->unkcls = (uint32_t)f->symclass[t->unk];
    /* the runtime's rnf_cpmap fixes both element types */
    pl->bytes += (size_t)(tt->ncp > 0 ? tt->ncp : 1) * (sizeof(uint32_t) + sizeof(int32_t));
    break;
  }
  case TOKS_WORDS:
    build_lexer(pl);
    pl->lx_t = cgen_uint_type((uint32_t)(pl->nlx - 1));
    uint32_t maxbase = 0;
    for (int x = 0; x < pl->nlx; x++) if (pl->lxbase[x] > maxbase) maxbase = pl->lxbase[x];
    pl->base_t = cgen_uint_type(maxbase);
    pl->bc_t = cgen_uint_type((uint32_t)(pl->nw + pl->nnw - 1));
    pl->tk_t = cgen_uint_type((uint32_t)pl->ncls);         /* NONE == ncls */
    pl->bytes += 256 * cgen_uint_size((uint32_t)(pl->nw + pl->nnw - 1))
               + (size_t)pl->nlx * cgen_uint_size(maxbase)
               + pl->ncomb * (cgen_uint_size((uint32_t)(pl->nlx - 1)) + cgen_uint_size((uint32_t)pl->nlx))
               + ((size_t)pl->nlx + (size_t)pl->nnw) * cgen_uint_size((uint32_t)pl->ncls);
    break;
  }
  return 0;
}

static void plan_free(Plan *pl)
{
  free(pl->up);
  free(pl->next);
  free(pl->cpcls);
  free(pl->lxnext);
  free(pl->lxbase);
  free(pl->lxnxt);
  free(pl->lxchk);
  free(pl->lxend);
  free(pl->tokcls);
}

/* ---- pieces of text ---------------------------------------------------- */

static void put_comment_str(FILE *o, const char *s)
{
  cgen_comment(o, s, strlen(s));
}

/* 'x' for a printable byte, else 0xHH: how bytes are named in comments. */
static void put_byte_name(FILE *o, int b)
{
  if (b > 0x20 && b < 0x7f && b != '\'' && b != '\\' && b != '*' && b != '/' && b != '?')
    fprintf(o, "'%c'", b);
  else
    fprintf(o, "0x%02x", b);
}

/* The bytes of input class C, as ranges: "'0'", "0x00-0x2f 0x3a-0xff". */
static void put_class_bytes(FILE *o, const Plan *pl, int c)
{
  int first = 1;
  for (int b = 0; b < 256; b++) {
    if (pl->byteclass[b] != c) continue;
    int e = b;
    while (e + 1 < 256 && pl->byteclass[e + 1] == c) e++;
    if (!first) fputc(' ', o);
    first = 0;
    put_byte_name(o, b);
    if (e > b) { fputc('-', o); put_byte_name(o, e); }
    b = e;
  }
}

static void put_pct(FILE *o, double x)
{
  fprintf(o, "%.2f%%", 100.0 * x);
}

static void put_provenance(FILE *o, const Plan *pl)
{
  const EmitInput *in = pl->in;
  const Provenance *pv = in->prov;
  const Eval *ev = in->eval;
  fputs("/* Generated by rnnfsac ", o);
  put_comment_str(o, pv && pv->version ? pv->version : RNF_VERSION);
  fputs(" from ", o);
  put_comment_str(o, pv && pv->spec_file ? pv->spec_file : "(no spec)");
  fputs(". Do not edit. */\n/*\n", o);
  if (pv) {
    fputs("** Model:      ", o);
    put_comment_str(o, pv->spec_name ? pv->spec_name : "(unnamed)");
    fputs(" (", o);
    put_comment_str(o, pv->spec_file ? pv->spec_file : "(no spec)");
    fprintf(o, ", hash %016llx)\n", (unsigned long long)pv->hash);
    fprintf(o, "** Seeds:      data %llu, rnn %llu, extract %llu\n",
            (unsigned long long)pv->data_seed, (unsigned long long)pv->rnn_seed,
            (unsigned long long)pv->extract_seed);
    fputs("** Network:    ", o);
    put_comment_str(o, pv->cell ? pv->cell : "?");
    fprintf(o, ", hidden size %d\n", pv->hidden);
  }
  if (ev) {
    fputs("** Test set:   network accuracy ", o); put_pct(o, ev->net_acc);
    fputs(", automaton accuracy ", o); put_pct(o, ev->fsa_acc);
    fputs(", fidelity ", o); put_pct(o, ev->fidelity);
    fputc('\n', o);
    fprintf(o, "** Extraction: k = %d, %d states before minimization, %d after\n",
            ev->k, ev->states_raw, ev->states_min);
    if (ev->equivalent >= 0)
      fprintf(o, "** Target:     %s the generating language\n",
              ev->equivalent ? "equivalent to" : "NOT equivalent to");
  }
  fprintf(o, "** Automaton:  %d states, %d classes, %d input classes (%s tokens)\n",
          pl->f->nstates, pl->f->nclass, pl->ncls, tokens_name(pl->t->kind));
  if (pl->err >= 0)
    fputs("** Input:      bytes outside the alphabet enter a sticky error state (label -1)\n", o);
  fprintf(o, "** Style:      %s; tables %zu bytes (static const)\n",
          in->style == STYLE_SWITCH ? "switch" : "table", pl->bytes);
  fputs("*/\n", o);
}

/* [A-Za-z0-9_]+: makes an identifier after "<PREFIX>_CLASS_". */
static int ident_tail(const char *s)
{
  if (!*s) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}

static void put_declarations(FILE *o, const Plan *pl)
{
  const char *p = pl->p, *P = pl->up;
  const Fsa *f = pl->f;
  fprintf(o, "#ifndef %s_H_INCLUDED\n#define %s_H_INCLUDED\n\n", P, P);
  fputs("#include <stddef.h>\n#include <stdint.h>\n\n", o);
  if (pl->t->kind == TOKS_CHARS) {
    /* the state holds the runtime's decoder, so its text goes here */
    const char *rt = rt_source("rnf_tok.h");
    if (!rt) rnf_internal(__FILE__, __LINE__, "runtime/rnf_tok.h is not built in");
    fputs("/* ---- runtime/rnf_tok.h (the tokenizer the compiler trained with), verbatim ---- */\n", o);
    fputs(rt, o);
    fputs("/* ---- end of runtime/rnf_tok.h ---- */\n\n", o);
  }
  fputs("#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n", o);
  fprintf(o, "#define %s_NUM_CLASSES %d\n", P, f->nclass);
  fprintf(o, "#define %s_NUM_STATES %d\n", P, f->nstates);
  /* Class constants for names that make identifiers; names that collide
  ** once upper-cased get none (a constant must not depend on order). */
  char **ids = xcalloc((size_t)f->nclass, sizeof *ids);
  for (int c = 0; c < f->nclass; c++)
    if (ident_tail(pl->in->class_names[c])) ids[c] = upper(pl->in->class_names[c]);
  for (int c = 0; c < f->nclass; c++) {
    if (!ids[c]) continue;
    int dup = 0;
    for (int d = 0; d < f->nclass; d++)
      if (d != c && ids[d] && !strcmp(ids[c], ids[d])) dup = 1;
    if (!dup) fprintf(o, "#define %s_CLASS_%s %d\n", P, ids[c], c);
  }
  for (int c = 0; c < f->nclass; c++) free(ids[c]);
  free(ids);
  fputs("\n", o);
  fprintf(o, "/* Classifier state: plain data, copy freely; fields are private. */\n");
  fputs("typedef struct {\n", o);
  if (pl->t->kind == TOKS_CHARS) fputs("  rnf_utf8 dec;         /* UTF-8 decoder (runtime/rnf_tok.h) */\n", o);
  if (pl->t->kind == TOKS_WORDS) fprintf(o, "  %s lex;   /* lexer state: the word so far */\n", pl->lx_t);
  fprintf(o, "  %s state;\n} %s_state;\n\n", pl->st_t, p);
  fprintf(o, "/* Start a new input. */\n");
  fprintf(o, "void %s_init(%s_state *s);\n", p, p);
  fprintf(o, "/* Read N more bytes; chunk boundaries do not matter. */\n");
  fprintf(o, "void %s_feed(%s_state *s, const void *buf, size_t n);\n", p, p);
  fprintf(o, "/* Class of the bytes read so far: 0 .. %s_NUM_CLASSES-1%s. */\n", P,
          pl->err >= 0 ? ", or -1 after a byte outside the alphabet" : "");
  fprintf(o, "int %s_label(const %s_state *s);\n", p, p);
  fprintf(o, "/* init + feed + label in one call. */\n");
  fprintf(o, "int %s_classify(const void *buf, size_t n);\n", p);
  fprintf(o, "/* Name of class C, or a null pointer when C is out of range. */\n");
  fprintf(o, "const char *%s_class_name(int c);\n\n", p);
  fputs("#ifdef __cplusplus\n}\n#endif\n\n", o);
  fprintf(o, "#endif /* %s_H_INCLUDED */\n", P);
}

/* Symbol names of input class C (at most MAXN, then "... (N more)"). */
static void put_class_symbols(FILE *o, const Plan *pl, int c, int maxn)
{
  const Tokenizer *t = pl->t;
  int n = 0;
  if (!t->sym_names) return;
  for (int a = 0; a < pl->f->nsym; a++) {
    if (pl->f->symclass[a] != c || !t->sym_names[a]) continue;
    if (n++ < maxn) {
      fputs(" [", o);
      put_comment_str(o, t->sym_names[a]);
      fputc(']', o);
    }
  }
  if (n > maxn) fprintf(o, " ... (%d more)", n - maxn);
}

static void put_array(FILE *o, const char *type, const char *p, const char *name,
                      const uint32_t *v, size_t n, size_t per_row)
{
  uint32_t zero = 0;
  /* C has no empty arrays: one dummy element, the count stays 0 */
  fprintf(o, "static const %s %s_%s[%zu] = {\n", type, p, name, n ? n : 1);
  cgen_values(o, "  ", n ? v : &zero, n ? n : 1, per_row);
  fputs("};\n\n", o);
}

static void put_matrix(FILE *o, const char *type, const char *p, const char *name,
                       const uint32_t *v, int rows, int cols)
{
  uint32_t maxv = 0;
  for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++) if (v[i] > maxv) maxv = v[i];
  int w = 1, rw = 1;
  for (uint32_t m = maxv; m >= 10; m /= 10) w++;
  for (int m = rows - 1; m >= 10; m /= 10) rw++;
  fprintf(o, "static const %s %s_%s[%d][%d] = {\n", type, p, name, rows, cols);
  for (int r = 0; r < rows; r++) {
    fprintf(o, "  /* %*d */ {", rw, r);
    for (int c = 0; c < cols; c++)
      fprintf(o, "%s%*lu", c ? ", " : " ", w, (unsigned long)v[(size_t)r * (size_t)cols + (size_t)c]);
    fprintf(o, " }%s\n", r + 1 < rows ? "," : "");
  }
  fputs("};\n\n", o);
}

/* next[] flat, one row per state, entries premultiplied by ncls. */
static void put_flat_next(FILE *o, const Plan *pl)
{
  uint32_t ncls = (uint32_t)pl->ncls, maxv = (uint32_t)(pl->nrows - 1) * ncls;
  int w = 1, rw = 1;
  for (uint32_t m = maxv; m >= 10; m /= 10) w++;
  for (int m = pl->nrows - 1; m >= 10; m /= 10) rw++;
  fprintf(o, "static const %s %s_tab_next[%d] = {\n", pl->st_t, pl->p, pl->nrows * pl->ncls);
  for (int r = 0; r < pl->nrows; r++) {
    fprintf(o, "  /* %*d */", rw, r);
    for (int c = 0; c < pl->ncls; c++) {
      int last = r + 1 == pl->nrows && c + 1 == pl->ncls;
      fprintf(o, " %*lu%s", w, (unsigned long)(pl->next[(size_t)r * ncls + (size_t)c] * ncls), last ? "" : ",");
    }
    fputc('\n', o);
  }
  fputs("};\n\n", o);
}

static void put_tables(FILE *o, const Plan *pl)
{
  const char *p = pl->p;
  const Fsa *f = pl->f;
  const Tokenizer *t = pl->t;
  uint32_t v[256];

  if (t->kind == TOKS_ALPHABET || t->kind == TOKS_BYTES) {
    fputs("/* Input classes (bytes with the same effect on every state):\n", o);
    for (int c = 0; c < pl->ncls; c++) {
      fprintf(o, "**   %2d: ", c);
      put_class_bytes(o, pl, c);
      if (c == pl->errcls) fputs("  (outside the alphabet: error)", o);
      else if (t->kind == TOKS_ALPHABET) { fputs("  symbols", o); put_class_symbols(o, pl, c, 64); }
      fputc('\n', o);
    }
    fputs("*/\n", o);
    for (int b = 0; b < 256; b++) v[b] = (uint32_t)pl->byteclass[b];
    put_array(o, pl->cls_t, p, "tab_class", v, 256, 16);
  } else {
    fprintf(o, "/* Input classes (%s with the same effect on every state):\n",
            t->kind == TOKS_CHARS ? "characters" : "words");
    for (int c = 0; c < pl->ncls; c++) {
      fprintf(o, "**   %2d:", c);
      put_class_symbols(o, pl, c, 12);
      fputc('\n', o);
    }
    fputs("*/\n", o);
  }
  if (t->kind == TOKS_CHARS) {
    fputs("/* Code points of the vocabulary (ascending) and their input classes,\n"
          "** searched by rnf_cp_sym; any other code point is <unk>. */\n", o);
    put_array(o, "uint32_t", p, "tab_cp", pl->cp, (size_t)pl->ncp, 8);
    put_array(o, "int32_t", p, "tab_cpclass", pl->cpcls, (size_t)pl->ncp, 16);
  }
  if (t->kind == TOKS_WORDS) {
    fprintf(o, "/* Lexer byte classes: 0..%d continue a word (letters/digits folded to\n"
            "** lower case, bytes >= 0x80), %d..%d end it (space, punctuation). */\n",
            pl->nw - 1, pl->nw, pl->nw + pl->nnw - 1);
    for (int b = 0; b < 256; b++) v[b] = (uint32_t)pl->bcls[b];
    put_array(o, pl->bc_t, p, "tab_byte", v, 256, 16);
    fprintf(o, "/* Lexer: a minimal DFA of the vocabulary.  State 0 is between words,\n"
            "** state %d a word outside the vocabulary, the others the word read so\n"
            "** far (up to equivalence).  On word byte class c, state x goes to\n"
            "** tab_lexnext[tab_lexbase[x] + c] if tab_lexcheck[that] == x, else to\n"
            "** %d (the %d x %d table, row-displacement packed). */\n",
            pl->dlx, pl->dlx, pl->nlx, pl->nw);
    put_array(o, pl->base_t, p, "tab_lexbase", pl->lxbase, (size_t)pl->nlx, 16);
    put_array(o, pl->lx_t, p, "tab_lexnext", pl->lxnxt, pl->ncomb, 16);
    put_array(o, cgen_uint_type((uint32_t)pl->nlx), p, "tab_lexcheck", pl->lxchk, pl->ncomb, 16);
    fprintf(o, "/* Input class of the word that ends in each lexer state (%d = none). */\n", pl->ncls);
    put_array(o, pl->tk_t, p, "tab_wordend", pl->lxend, (size_t)pl->nlx, 16);
    fprintf(o, "/* Input class of each word-ending byte class as a token itself (%d = none). */\n", pl->ncls);
    put_array(o, pl->tk_t, p, "tab_tok", pl->tokcls, (size_t)pl->nnw, 16);
  }

  if (pl->in->style == STYLE_TABLE) {
    if (pl->premul)
      fprintf(o, "/* Next state: row offset (state * %d) + input class -> row offset of\n"
              "** the next state%s. */\n", pl->ncls, pl->err >= 0 ? "; the last row is the error state" : "");
    else
      fprintf(o, "/* Next state: [state][input class]%s. */\n",
              pl->err >= 0 ? "; the last row is the error state" : "");
    if (pl->premul) put_flat_next(o, pl);
    else put_matrix(o, pl->st_t, p, "tab_next", pl->next, pl->nrows, pl->ncls);
  }

  fputs("/* Class id of each state. */\n", o);
  uint32_t *lab = xmalloc((size_t)f->nstates * sizeof *lab);
  for (int s = 0; s < f->nstates; s++) lab[s] = (uint32_t)f->label[s];
  put_array(o, pl->lab_t, p, "tab_label", lab, (size_t)f->nstates, 16);
  free(lab);

  /* C99 promises string literals of 4095 bytes only (-Woverlength-strings):
  ** longer names become char arrays */
  for (int c = 0; c < f->nclass; c++) {
    const char *nm = pl->in->class_names[c];
    size_t n = strlen(nm);
    if (n <= LONG_NAME) continue;
    fprintf(o, "static const char %s_tab_name%d[%zu] = {\n", p, c, n + 1);
    for (size_t i = 0; i <= n; i++) {
      unsigned char b = (unsigned char)nm[i];
      fputs(i % 12 == 0 ? "  " : " ", o);
      if (b >= 0x20 && b < 0x7f && b != '\'' && b != '\\') fprintf(o, "'%c'", b);
      else fprintf(o, "'\\%03o'", b);
      fputs(i == n ? "\n" : i % 12 == 11 ? ",\n" : ",", o);
    }
    fputs("};\n\n", o);
  }
  fprintf(o, "static const char *const %s_tab_names[%d] = {\n", p, f->nclass);
  for (int c = 0; c < f->nclass; c++) {
    const char *nm = pl->in->class_names[c];
    fputs("  ", o);
    if (strlen(nm) > LONG_NAME) fprintf(o, "%s_tab_name%d", p, c);
    else cgen_string(o, nm, strlen(nm));
    fputs(c + 1 < f->nclass ? ",\n" : "\n", o);
  }
  fputs("};\n\n", o);
}

/* One state's case in the switch style: the most common successor is the
** default, the rest are grouped by target. */
static void put_switch_state(FILE *o, const Plan *pl, int s, const char *sel)
{
  const uint32_t *row = pl->next + (size_t)s * (size_t)pl->ncls;
  int ncls = pl->ncls, best = 0, bestn = 0;
  for (int c = 0; c < ncls; c++) {
    int n = 0;
    for (int d = 0; d < ncls; d++) n += row[d] == row[c];
    if (n > bestn) { bestn = n; best = c; }
  }
  fprintf(o, "    case %d: /* label %d ", s, (int)pl->f->label[s]);
  const char *nm = pl->in->class_names[pl->f->label[s]];
  cgen_comment(o, nm, strlen(nm));
  fprintf(o, "%s */\n", s == pl->f->start ? ", start" : "");
  if (bestn == ncls) {
    fprintf(o, "      st = %lu;\n      break;\n", (unsigned long)row[0]);
    return;
  }
  fprintf(o, "      switch (%s) {\n", sel);
  for (int c = 0; c < ncls; c++) {
    if (row[c] == row[best]) continue;
    int seen = 0;
    for (int d = 0; d < c; d++) seen |= row[d] == row[c];
    if (seen) continue;
    fputs("      ", o);
    for (int d = c; d < ncls; d++) if (row[d] == row[c]) fprintf(o, "case %d: ", d);
    fprintf(o, "st = %lu; break;\n", (unsigned long)row[c]);
  }
  fprintf(o, "      default: st = %lu; break;\n      }\n      break;\n", (unsigned long)row[best]);
}

/* The automaton's step on one input class, for the token-level tokenizers. */
static void put_step(FILE *o, const Plan *pl)
{
  const char *p = pl->p;
  fprintf(o, "static unsigned int %s_step(unsigned int st, unsigned int c)\n{\n", p);
  if (pl->in->style == STYLE_TABLE) {
    fprintf(o, "  return %s_tab_next[st][c];\n}\n\n", p);
    return;
  }
  fputs("  (void)c;   /* unused when every state ignores its input */\n  switch (st) {\n", o);
  for (int s = 0; s < pl->nstates; s++) put_switch_state(o, pl, s, "c");
  fputs("  }\n  return st;\n}\n\n", o);
}

static void put_functions(FILE *o, const Plan *pl)
{
  const char *p = pl->p, *P = pl->up;
  TokensKind kind = pl->t->kind;
  int bytelevel = kind == TOKS_ALPHABET || kind == TOKS_BYTES;
  if (!bytelevel) put_step(o, pl);

  fprintf(o, "void %s_init(%s_state *s)\n{\n", p, p);
  if (kind == TOKS_CHARS) fputs("  rnf_utf8_init(&s->dec);\n", o);
  if (kind == TOKS_WORDS) fputs("  s->lex = 0;\n", o);
  fprintf(o, "  s->state = %d;\n}\n\n", pl->f->start * (pl->premul ? pl->ncls : 1));

  fprintf(o, "void %s_feed(%s_state *s, const void *buf, size_t n)\n{\n", p, p);
  fputs("  const unsigned char *p = (const unsigned char *)buf;\n", o);
  fputs("  unsigned int st = s->state;\n  size_t i;\n", o);
  if (kind == TOKS_CHARS) {
    fprintf(o, "  const rnf_cpmap m = { %s_tab_cp, %s_tab_cpclass, %ld, %lu };\n",
            p, p, (long)pl->ncp, (unsigned long)pl->unkcls);
    fputs("  rnf_utf8 d = s->dec;\n  int32_t out[2];\n  int k, j;\n", o);
    fputs("  for (i = 0; i < n; i++) {\n    k = rnf_chars_push(&d, &m, p[i], out);\n", o);
    fprintf(o, "    for (j = 0; j < k; j++) st = %s_step(st, (unsigned int)out[j]);\n  }\n", p);
    fputs("  s->dec = d;\n", o);
  } else if (kind == TOKS_WORDS) {
    fprintf(o, "  unsigned int lex = s->lex, c, e;\n");
    fputs("  for (i = 0; i < n; i++) {\n", o);
    fprintf(o, "    c = %s_tab_byte[p[i]];\n", p);
    fprintf(o, "    if (c < %du) {            /* inside a word */\n", pl->nw);
    fprintf(o, "      e = %s_tab_lexbase[lex] + c;\n", p);
    fprintf(o, "      lex = %s_tab_lexcheck[e] == lex ? %s_tab_lexnext[e] : %du;\n      continue;\n    }\n",
            p, p, pl->dlx);
    fprintf(o, "    e = %s_tab_wordend[lex];  /* the word before this byte ends */\n", p);
    fprintf(o, "    if (e != %du) st = %s_step(st, e);\n", pl->ncls, p);
    fprintf(o, "    e = %s_tab_tok[c - %du];  /* the byte as a token (punctuation) */\n", p, pl->nw);
    fprintf(o, "    if (e != %du) st = %s_step(st, e);\n", pl->ncls, p);
    fputs("    lex = 0;\n  }\n", o);
    fprintf(o, "  s->lex = (%s)lex;\n", pl->lx_t);
  } else if (pl->in->style == STYLE_TABLE) {
    fprintf(o, "  for (i = 0; i < n; i++)\n    st = %s_tab_next[st + %s_tab_class[p[i]]];\n", p, p);
  } else {
    char *sel = xasprintf("%s_tab_class[p[i]]", p);
    fprintf(o, "  (void)p;   /* unused when every state ignores its input */\n  (void)%s_tab_class;\n", p);
    fputs("  for (i = 0; i < n; i++) {\n    switch (st) {\n", o);
    for (int s = 0; s < pl->nstates; s++) put_switch_state(o, pl, s, sel);
    if (pl->err >= 0)
      fprintf(o, "    default: /* %d: error, sticky */\n      break;\n", pl->err);
    fputs("    }\n  }\n", o);
    free(sel);
  }
  fprintf(o, "  s->state = (%s)st;\n}\n\n", pl->st_t);

  fprintf(o, "int %s_label(const %s_state *s)\n{\n", p, p);
  if (kind == TOKS_CHARS) {
    /* the end of input completes a truncated UTF-8 sequence: on a copy */
    fprintf(o, "  const rnf_cpmap m = { %s_tab_cp, %s_tab_cpclass, %ld, %lu };\n",
            p, p, (long)pl->ncp, (unsigned long)pl->unkcls);
    fputs("  rnf_utf8 d = s->dec;\n  int32_t out[1];\n  unsigned int st = s->state;\n", o);
    fprintf(o, "  if (rnf_chars_finish(&d, &m, out)) st = %s_step(st, (unsigned int)out[0]);\n", p);
    fprintf(o, "  return (int)%s_tab_label[st];\n}\n\n", p);
  } else if (kind == TOKS_WORDS) {
    /* the end of input ends the word in progress */
    fprintf(o, "  unsigned int st = s->state, e = %s_tab_wordend[s->lex];\n", p);
    fprintf(o, "  if (e != %du) st = %s_step(st, e);\n", pl->ncls, p);
    fprintf(o, "  return (int)%s_tab_label[st];\n}\n\n", p);
  } else {
    int mul = pl->premul ? pl->ncls : 1;
    if (pl->err >= 0) fprintf(o, "  if (s->state == %d) return -1;\n", pl->err * mul);
    if (mul > 1) fprintf(o, "  return (int)%s_tab_label[s->state / %du];\n}\n\n", p, mul);
    else fprintf(o, "  return (int)%s_tab_label[s->state];\n}\n\n", p);
  }

  fprintf(o, "int %s_classify(const void *buf, size_t n)\n{\n", p);
  fprintf(o, "  %s_state s;\n  %s_init(&s);\n  %s_feed(&s, buf, n);\n  return %s_label(&s);\n}\n\n",
          p, p, p, p);

  fprintf(o, "const char *%s_class_name(int c)\n{\n", p);
  fprintf(o, "  return c >= 0 && c < %s_NUM_CLASSES ? %s_tab_names[c] : (const char *)0;\n}\n", P, p);
}

static void put_implementation(FILE *o, const Plan *pl)
{
  put_tables(o, pl);
  put_functions(o, pl);
}

int emit_c(const EmitInput *in, FILE *c, FILE *h, const char *header_name)
{
  Plan pl;
  int rc = plan_build(in, &pl);
  if (rc) { plan_free(&pl); return rc; }
  if (c && (!header_name || !header_name_ok(header_name))) {
    diag(DIAG_ERROR, "cannot #include header name '%s' from generated C", header_name ? header_name : "");
    plan_free(&pl);
    return RNF_EXIT_USAGE;
  }
  put_provenance(h, &pl);
  fputc('\n', h);
  put_declarations(h, &pl);
  if (c) {
    put_provenance(c, &pl);
    fprintf(c, "\n#include \"%s\"\n\n", header_name);
    put_implementation(c, &pl);
  } else {
    fprintf(h, "\n#if defined(%s_IMPLEMENTATION) && !defined(%s_IMPLEMENTED)\n#define %s_IMPLEMENTED\n\n",
            pl.up, pl.up, pl.up);
    put_implementation(h, &pl);
    fprintf(h, "\n#endif /* %s_IMPLEMENTATION */\n", pl.up);
  }
  plan_free(&pl);
  return 0;
}
