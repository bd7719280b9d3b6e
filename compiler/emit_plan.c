/*
** emit_plan.c -- lowering shared by the C and LLVM back ends (emit_plan.h).
**
** From an Fsa and its Tokenizer: input classes (the tokenizer's byte map
** folded into the automaton's symbol classes, plus an error class for bytes
** outside an alphabet without catch-all), the next-state table with its
** sticky error row, the state layout of the table style (row offsets, with
** entries for 8-, 4- or 2-byte steps when the table is small), the chars code point
** map by input class, and the words lexer: the word scanner and vocabulary
** trie lowered through the runtime's own rnf_byte_class, rnf_fold and trie
** to a minimal byte DFA, its table packed by row displacement.
*/
#include "emit_plan.h"
#include "cgen.h"
#include "common.h"
#include "diag.h"
#include "tok.h"

#include <stdlib.h>
#include <string.h>

const char *plan_tokens_name(TokensKind k)
{
  switch (k) {
  case TOKS_ALPHABET: return "alphabet";
  case TOKS_BYTES: return "bytes";
  case TOKS_CHARS: return "chars";
  case TOKS_WORDS: return "words";
  }
  return "?";
}

char *plan_upper(const char *s)
{
  char *u = xstrdup(s);
  for (char *q = u; *q; q++) if (*q >= 'a' && *q <= 'z') *q = (char)(*q - 'a' + 'A');
  return u;
}

/* Row displacement ("comb") packing of the dense lexer table: most entries
** lead to the dead state, so each row keeps only its other entries, placed
** first-fit at an offset where they collide with no earlier row.  Every
** state gets a base of its own (rows without entries too), so a base names
** its state: the lexer's values become bases, a step is
** lex = check[lex + c] == lex ? next[lex + c] : dead, one dependent load
** per byte instead of base[lex] then next[].  State 0 (between words) goes
** first, at base 0; then rows by decreasing entry count (ties by state),
** which packs tightly and is deterministic. */
typedef struct RowOrd { int32_t x, n; } RowOrd;

static int row_cmp(const void *pa, const void *pb)
{
  const RowOrd *a = pa, *b = pb;
  if ((a->x == 0) != (b->x == 0)) return a->x == 0 ? -1 : 1;
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
  size_t cap = (size_t)nw * 2 + (size_t)nlx + 16, len = (size_t)nw, lowfree = 0, lowbase = 0;
  const uint32_t empty = UINT32_MAX;
  uint32_t *chk = xmalloc(cap * sizeof *chk), *nxt = xmalloc(cap * sizeof *nxt);
  unsigned char *taken = xcalloc(cap, 1);           /* bases in use */
  for (size_t i = 0; i < cap; i++) { chk[i] = empty; nxt[i] = 0; }
  uint32_t *base = xcalloc((size_t)nlx, sizeof *base);   /* each state's base: its value */
  for (int k = 0; k < nlx; k++) {
    const uint32_t *row = pl->lxnext + (size_t)ord[k].x * (size_t)nw;
    int first = 0;
    while (first < nw && row[first] == (uint32_t)pl->dlx) first++;
    size_t b = first == nw ? lowbase : lowfree > (size_t)first ? lowfree - (size_t)first : 0;
    for (;; b++) {
      if (b + (size_t)nw > cap) {
        size_t ncap = (b + (size_t)nw) * 2;
        chk = xrealloc(chk, ncap * sizeof *chk);
        nxt = xrealloc(nxt, ncap * sizeof *nxt);
        taken = xrealloc(taken, ncap);
        for (size_t i = cap; i < ncap; i++) { chk[i] = empty; nxt[i] = 0; taken[i] = 0; }
        cap = ncap;
      }
      if (taken[b]) continue;
      int fits = 1;
      for (int w = first; w < nw && fits; w++)
        fits = row[w] == (uint32_t)pl->dlx || chk[b + (size_t)w] == empty;
      if (fits) break;
    }
    taken[b] = 1;
    base[ord[k].x] = (uint32_t)b;
    for (int w = first; w < nw; w++)
      if (row[w] != (uint32_t)pl->dlx) {
        chk[b + (size_t)w] = (uint32_t)ord[k].x;
        nxt[b + (size_t)w] = row[w];
      }
    if (b + (size_t)nw > len) len = b + (size_t)nw;
    while (lowfree < cap && chk[lowfree] != empty) lowfree++;
    while (lowbase < cap && taken[lowbase]) lowbase++;
  }
  /* states become their bases; an empty entry checks as no base does */
  uint32_t maxb = 0;
  for (int x = 0; x < nlx; x++) if (base[x] > maxb) maxb = base[x];
  for (size_t i = 0; i < len; i++)
    if (chk[i] == empty) chk[i] = maxb + 1;
    else { chk[i] = base[chk[i]]; nxt[i] = base[nxt[i]]; }
  uint32_t *end = xmalloc(((size_t)maxb + 1) * sizeof *end);
  for (uint32_t v = 0; v <= maxb; v++) end[v] = (uint32_t)pl->ncls;   /* NONE: no state has this base */
  for (int x = 0; x < nlx; x++) end[base[x]] = pl->lxend[x];
  free(pl->lxend);
  pl->lxend = end;
  pl->lxchk = chk;
  pl->lxnxt = nxt;
  pl->ncomb = len;     /* every base + nw fits: no bounds check at run time */
  pl->nlxstates = nlx;
  pl->nlx = (int)maxb + 1;
  pl->dlx = (int)base[pl->dlx];
  free(base);
  free(taken);
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
      v = (uint32_t)sc[rnf_trie_sym(&tr, rnf_trie_next(&tr, 0, (unsigned char)b))];
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

int plan_bytelevel(const Plan *pl)
{
  return pl->t->kind == TOKS_ALPHABET || pl->t->kind == TOKS_BYTES;
}

int plan_default_class(const Plan *pl, int s, int *count)
{
  const uint32_t *row = pl->next + (size_t)s * (size_t)pl->ncls;
  int best = 0, bestn = 0;
  for (int c = 0; c < pl->ncls; c++) {
    int k = 0;
    for (int d = 0; d < pl->ncls; d++) k += row[d] == row[c];
    if (k > bestn) { bestn = k; best = c; }
  }
  if (count) *count = bestn;
  return best;
}

int plan_byte_targets(const Plan *pl, int s, uint32_t tgt[256], uint32_t *dflt)
{
  int *cnt = xcalloc((size_t)pl->nrows, sizeof *cnt);
  for (int b = 0; b < 256; b++) {
    tgt[b] = pl->next[(size_t)s * (size_t)pl->ncls + (size_t)pl->byteclass[b]];
    cnt[tgt[b]]++;
  }
  uint32_t best = 0;
  for (int t = 1; t < pl->nrows; t++) if (cnt[t] > cnt[best]) best = (uint32_t)t;
  *dflt = best;
  int other = 256 - cnt[best];
  free(cnt);
  return other;
}

/* Byte-level table style: flat[] rows of stride entries, states stored as
** row offsets (emit_plan.h).  K-byte entries take the valid classes as
** kbits-bit digits, so the index is shifts and adds and an error byte
** (clsval = single) pushes it out of range; K is the largest of 8, 4, 2
** that keeps flat[] small. */
static void build_flat(Plan *pl)
{
  uint32_t ncls = (uint32_t)pl->ncls, nrows = (uint32_t)pl->nrows;
  uint32_t v = ncls - (pl->errcls >= 0);
  int b = 0;
  while ((1u << b) < v) b++;
  pl->vcls = (int)v;
  pl->kbits = b;
  pl->step = 1;
  int kmax = pl->in->max_step > 0 ? pl->in->max_step : 8;
  for (int k = 8; k >= 2 && v > 1; k /= 2)
    if (k <= kmax && b * k <= 16 && (uint64_t)nrows * ((1u << (b * k)) + v) <= PLAN_STEP_MAX) { pl->step = k; break; }
  if (pl->step == 1) {
    pl->single = 0;
    pl->stride = ncls;
  } else {
    pl->single = 1u << (b * pl->step);
    pl->stride = pl->single + v;
  }
  if (pl->step > 1)     /* clsval is the class (plan_build) but for error bytes */
    for (int c = 0; c < 256; c++) if (pl->byteclass[c] == pl->errcls) pl->clsval[c] = pl->single;
  uint32_t ncol = pl->step > 1 ? v : ncls, mask = (1u << b) - 1;
  pl->flat = xmalloc((size_t)nrows * pl->stride * sizeof *pl->flat);
  for (uint32_t s = 0; s < nrows; s++) {
    uint32_t *out = pl->flat + (size_t)s * pl->stride;
    for (uint32_t c = 0; c < ncol; c++) out[pl->single + c] = pl->next[(size_t)s * ncls + c] * pl->stride;
    for (uint32_t x = 0; x < pl->single; x++) {
      /* x's kbits-bit digits, most significant first, are the K classes;
      ** a digit >= vcls is no class: the entry is never read */
      uint32_t t = s;
      for (int j = pl->step - 1; j >= 0 && t != UINT32_MAX; j--) {
        uint32_t d = (x >> (b * j)) & mask;
        t = d < v ? pl->next[(size_t)t * ncls + d] : UINT32_MAX;
      }
      out[x] = (t == UINT32_MAX ? s : t) * pl->stride;
    }
  }
}

/* Byte-level table style with K-byte steps and at most 8 rows: the
** successors of all rows for one index go into one 64-bit word (emit_plan.h,
** "packed"), so the loop-carried path is a shift and a mask, no load
** address computed from st.  A binary alphabet of two single bytes also
** gets its 8-byte index from one word of input (swar). */
static void build_packed(Plan *pl)
{
  uint32_t nrows = (uint32_t)pl->nrows, old = pl->stride;
  if (pl->step < 2 || nrows > 8) return;
  pl->packed = 1;
  pl->npk = pl->single + (uint32_t)pl->vcls;
  pl->pkbits = nrows > 4 ? 64 : 32;
  pl->pk = xcalloc(pl->npk, sizeof *pl->pk);
  for (uint32_t x = 0; x < pl->npk; x++)
    for (uint32_t s = 0; s < nrows; s++)
      pl->pk[x] |= (uint64_t)(pl->flat[(size_t)s * old + x] / old * 8u) << (8u * s);
  free(pl->flat);
  pl->flat = NULL;
  pl->stride = 8;

  /* swar: exactly two valid classes of one byte each, the rest errors */
  int nb[2] = { 0, 0 }, byte[2] = { 0, 0 };
  for (int b = 0; b < 256; b++)
    if (pl->byteclass[b] >= 0 && pl->byteclass[b] < 2) { nb[pl->byteclass[b]]++; byte[pl->byteclass[b]] = b; }
  if (pl->step != 8 || pl->vcls != 2 || pl->errcls < 0 || nb[0] != 1 || nb[1] != 1) return;
  unsigned d = (unsigned)(byte[0] ^ byte[1]), k = 0;
  while (!(d >> k & 1u)) k++;
  pl->swar = 1;
  pl->swbit = (int)k;
  pl->swdiff = d;
  pl->swclear = (unsigned)(byte[0] >> k & 1u ? byte[1] : byte[0]);
  if (pl->swclear == (unsigned)byte[1]) {   /* bit k set means class 0: index by bit pattern */
    uint64_t t[256];
    for (unsigned x = 0; x < 256; x++) t[x] = pl->pk[x ^ 0xFFu];
    memcpy(pl->pk, t, sizeof t);
  }
}

int plan_build(const EmitInput *in, Plan *pl, const char *who)
{
  memset(pl, 0, sizeof *pl);
  const Fsa *f = in->fsa;
  const Tokenizer *t = in->tok;
  pl->in = in; pl->f = f; pl->t = t; pl->p = in->prefix;
  pl->stride = 1;
  if (!in->prefix || !cgen_is_ident(in->prefix)) {
    diag(DIAG_ERROR, "emit prefix '%s' is not a C identifier", in->prefix ? in->prefix : "");
    return RNF_EXIT_SPEC;
  }
  if (fsa_validate(f) != 0 || f->nsym != t->nsym || in->nclass != f->nclass || !f->symclass)
    rnf_internal(__FILE__, __LINE__, "%s: automaton does not match its tokenizer or classes", who);
  if ((t->kind == TOKS_CHARS || t->kind == TOKS_WORDS) && (t->unk < 0 || t->unk >= t->nsym))
    rnf_internal(__FILE__, __LINE__, "%s: %s tokenizer without <unk>", who, plan_tokens_name(t->kind));
  pl->up = plan_upper(in->prefix);
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
        rnf_internal(__FILE__, __LINE__, "%s: symbol %d differs from its class", who, a);

  int bad = 0;
  if (plan_bytelevel(pl)) {
    for (int b = 0; b < 256; b++) {
      int sym = t->bytemap[b] >= 0 ? t->bytemap[b] : t->unk;
      if (sym >= f->nsym) rnf_internal(__FILE__, __LINE__, "%s: byte %d maps to symbol %d", who, b, sym);
      pl->byteclass[b] = sym >= 0 ? f->symclass[sym] : -1;
      bad |= sym < 0;
    }
  }
  pl->ncls = f->nsymclass + bad;
  pl->errcls = bad ? f->nsymclass : -1;
  pl->err = bad ? f->nstates : -1;
  pl->nrows = f->nstates + bad;
  for (int b = 0; b < 256; b++) {
    if (pl->byteclass[b] < 0) pl->byteclass[b] = pl->errcls;
    pl->clsval[b] = (uint32_t)pl->byteclass[b];
  }

  pl->next = xmalloc((size_t)pl->nrows * (size_t)pl->ncls * sizeof *pl->next);
  for (int s = 0; s < pl->nrows; s++)
    for (int c = 0; c < pl->ncls; c++) {
      uint32_t to;
      if (s == pl->err || c == pl->errcls) to = (uint32_t)pl->err;
      else to = (uint32_t)f->next[(size_t)s * (size_t)f->nsym + (size_t)rep[c]];
      pl->next[(size_t)s * (size_t)pl->ncls + (size_t)c] = to;
    }
  free(rep);
  pl->label = xmalloc((size_t)pl->nrows * sizeof *pl->label);
  for (int s = 0; s < pl->nrows; s++) pl->label[s] = s == pl->err ? -1 : f->label[s];

  /* Byte-level table style keeps the state as its row offset in a flat
  ** table: the loop-carried dependency is then one add and one load per
  ** step of K bytes, no multiply on that path. */
  pl->premul = in->style == STYLE_TABLE && plan_bytelevel(pl);
  if (pl->premul) { build_flat(pl); build_packed(pl); }
  pl->maxst = (uint32_t)(pl->nrows - 1) * pl->stride;
  for (int b = 0; b < 256; b++) if (pl->clsval[b] > pl->maxclsval) pl->maxclsval = pl->clsval[b];
  uint32_t maxlab = (uint32_t)(f->nclass - 1);
  pl->bytes = (size_t)f->nstates * cgen_uint_size(maxlab);
  if (pl->packed) pl->bytes += (size_t)pl->npk * (size_t)(pl->pkbits / 8);
  else if (pl->premul) pl->bytes += (size_t)pl->nrows * pl->stride * cgen_uint_size(pl->maxst);
  else if (in->style == STYLE_TABLE) pl->bytes += (size_t)pl->nrows * (size_t)pl->ncls * cgen_uint_size(pl->maxst);

  switch (t->kind) {
  case TOKS_ALPHABET:
  case TOKS_BYTES:
    pl->bytes += 256 * cgen_uint_size(pl->maxclsval);
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
    pl->bytes += 256 * cgen_uint_size((uint32_t)(pl->nw + pl->nnw - 1))
               + pl->ncomb * (cgen_uint_size((uint32_t)(pl->nlx - 1)) + cgen_uint_size((uint32_t)pl->nlx))
               + ((size_t)pl->nlx + (size_t)pl->nnw) * cgen_uint_size((uint32_t)pl->ncls);
    break;
  }
  /* the class names are constant data in flash too (the pointer array,
  ** one pointer per class, depends on the target and is not counted) */
  for (int c = 0; c < f->nclass; c++) pl->bytes += strlen(in->class_names[c]) + 1;
  return 0;
}

void plan_free(Plan *pl)
{
  free(pl->up);
  free(pl->next);
  free(pl->label);
  free(pl->flat);
  free(pl->pk);
  free(pl->cpcls);
  free(pl->lxnext);
  free(pl->lxnxt);
  free(pl->lxchk);
  free(pl->lxend);
  free(pl->tokcls);
}
