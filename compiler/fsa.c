/*
** fsa.c -- the automaton IR: construction, checks, running (see fsa.h).
*/
#include "fsa.h"
#include "common.h"

#include <stdlib.h>
#include <string.h>

Fsa *fsa_new(int nstates, int nsym, int nclass, int with_evidence)
{
  RNF_ASSERT(nstates > 0 && nsym > 0 && nclass > 0);
  size_t cells = (size_t)nstates * (size_t)nsym;
  Fsa *f = xcalloc(1, sizeof *f);
  f->nstates = nstates;
  f->nsym = nsym;
  f->nclass = nclass;
  f->next = xcalloc(cells, sizeof *f->next);
  f->label = xcalloc((size_t)nstates, sizeof *f->label);
  if (with_evidence) {
    f->count = xcalloc(cells, sizeof *f->count);
    f->conf = xcalloc(cells, sizeof *f->conf);
    f->filled = xcalloc(cells, sizeof *f->filled);
    f->total = xcalloc(cells, sizeof *f->total);
    f->size = xcalloc((size_t)nstates, sizeof *f->size);
    f->centroid_norm = xcalloc((size_t)nstates, sizeof *f->centroid_norm);
  }
  f->symclass = xcalloc((size_t)nsym, sizeof *f->symclass);
  for (int a = 0; a < nsym; a++) f->symclass[a] = a;
  f->nsymclass = nsym;
  return f;
}

void fsa_free(Fsa *f)
{
  if (!f) return;
  free(f->next); free(f->label);
  free(f->count); free(f->conf); free(f->filled); free(f->total);
  free(f->size); free(f->centroid_norm);
  free(f->symclass);
  free(f->steps);
  free(f);
}

static void *dup(const void *p, size_t n)
{
  if (!p) return NULL;
  void *q = xmalloc(n);
  memcpy(q, p, n);
  return q;
}

Fsa *fsa_copy(const Fsa *f)
{
  size_t cells = (size_t)f->nstates * (size_t)f->nsym, ns = (size_t)f->nstates;
  Fsa *g = xmalloc(sizeof *g);
  *g = *f;
  g->next = dup(f->next, cells * sizeof *f->next);
  g->label = dup(f->label, ns * sizeof *f->label);
  g->count = dup(f->count, cells * sizeof *f->count);
  g->conf = dup(f->conf, cells * sizeof *f->conf);
  g->filled = dup(f->filled, cells * sizeof *f->filled);
  g->total = dup(f->total, cells * sizeof *f->total);
  g->size = dup(f->size, ns * sizeof *f->size);
  g->centroid_norm = dup(f->centroid_norm, ns * sizeof *f->centroid_norm);
  g->symclass = dup(f->symclass, (size_t)f->nsym * sizeof *f->symclass);
  g->steps = dup(f->steps, f->nsteps * sizeof *f->steps);
  return g;
}

int fsa_validate(const Fsa *f)
{
  if (f->nstates <= 0 || f->nsym <= 0 || f->nclass <= 0) return -1;
  if (f->start < 0 || f->start >= f->nstates) return -1;
  for (size_t i = 0; i < (size_t)f->nstates * (size_t)f->nsym; i++)
    if (f->next[i] < 0 || f->next[i] >= f->nstates) return -1;
  for (int s = 0; s < f->nstates; s++)
    if (f->label[s] < 0 || f->label[s] >= f->nclass) return -1;
  if (f->nsymclass <= 0 || f->nsymclass > f->nsym) return -1;
  for (int a = 0; a < f->nsym; a++)
    if (f->symclass[a] < 0 || f->symclass[a] >= f->nsymclass) return -1;
  for (size_t i = 0; i < f->nsteps; i++) {
    const struct FsaStep *e = &f->steps[i];
    if (e->src >= (uint32_t)f->nstates || e->sym >= (uint32_t)f->nsym) return -1;
    if (e->dst != FSA_GONE && e->dst >= (uint32_t)f->nstates) return -1;
  }
  return 0;
}

int fsa_run(const Fsa *f, const int32_t *seq, int len)
{
  int s = f->start;
  for (int i = 0; i < len; i++) s = f->next[(size_t)s * (size_t)f->nsym + (size_t)seq[i]];
  return s;
}

/* ---- minimization ------------------------------------------------------ */

/* Refinable partition of 0..n-1 (Valmari & Lehtinen's layout): block b holds
** elem[first[b] .. end[b]); elements at [first[b], mid[b]) are "marked". */
typedef struct Partition {
  int n, nblocks;
  int *elem, *loc, *blk;    /* [n] */
  int *first, *end, *mid;   /* [n] (at most n blocks) */
} Partition;

static void mark(Partition *p, int s)
{
  int b = p->blk[s], i = p->loc[s], j = p->mid[b];
  if (i < j) return;                        /* already marked */
  int t = p->elem[j];
  p->elem[j] = s; p->loc[s] = j;
  p->elem[i] = t; p->loc[t] = i;
  p->mid[b]++;
}

/* Split block b into its marked part (a new block, returned) and the rest.
** Returns -1 (and unmarks) when all or none of b is marked. */
static int split(Partition *p, int b)
{
  if (p->mid[b] == p->first[b]) return -1;
  if (p->mid[b] == p->end[b]) { p->mid[b] = p->first[b]; return -1; }
  int nb = p->nblocks++;
  p->first[nb] = p->first[b];
  p->end[nb] = p->mid[nb] = p->mid[b];
  p->first[b] = p->mid[b];
  p->mid[nb] = p->first[nb];
  for (int i = p->first[nb]; i < p->end[nb]; i++) p->blk[p->elem[i]] = nb;
  return nb;
}

/* Hopcroft's algorithm over the n states listed in STATES (all reachable)
** of F, with old->dense index map IDX.  Fills blk_of[dense] with block ids
** and returns the number of blocks. */
static int hopcroft(const Fsa *f, const int *states, int n, const int *idx, int *blk_of)
{
  int m = f->nsym;
  Partition p = { .n = n };
  p.elem = xmalloc((size_t)n * sizeof(int));
  p.loc = xmalloc((size_t)n * sizeof(int));
  p.blk = xmalloc((size_t)n * sizeof(int));
  p.first = xmalloc((size_t)n * sizeof(int));
  p.end = xmalloc((size_t)n * sizeof(int));
  p.mid = xmalloc((size_t)n * sizeof(int));

  /* Initial partition: one block per label present (counting sort by label). */
  int *lblk = xmalloc((size_t)f->nclass * sizeof(int));
  for (int c = 0; c < f->nclass; c++) lblk[c] = -1;
  int *cnt = xcalloc((size_t)n, sizeof(int));
  for (int i = 0; i < n; i++) {
    int c = f->label[states[i]];
    if (lblk[c] < 0) lblk[c] = p.nblocks++;
    cnt[lblk[c]]++;
  }
  for (int b = 0, pos = 0; b < p.nblocks; b++) {
    p.first[b] = p.mid[b] = pos; pos += cnt[b]; p.end[b] = pos; cnt[b] = p.first[b];
  }
  for (int i = 0; i < n; i++) {
    int b = lblk[f->label[states[i]]];
    p.blk[i] = b; p.loc[i] = cnt[b]; p.elem[cnt[b]++] = i;
  }
  free(lblk); free(cnt);

  /* Inverse transitions, CSR keyed by (symbol, target): pred[ps[a*n+t] ..
  ** ps[a*n+t+1]) are the dense states s with next(s, a) = t. */
  size_t keys = (size_t)m * (size_t)n;
  size_t *ps = xcalloc(keys + 1, sizeof *ps);
  int *pred = xmalloc((size_t)n * (size_t)m * sizeof(int));
  for (int i = 0; i < n; i++)
    for (int a = 0; a < m; a++)
      ps[(size_t)a * n + (size_t)idx[f->next[(size_t)states[i] * m + a]] + 1]++;
  for (size_t k = 0; k < keys; k++) ps[k + 1] += ps[k];
  size_t *fill = xmalloc(keys * sizeof *fill);
  memcpy(fill, ps, keys * sizeof *fill);
  for (int i = 0; i < n; i++)
    for (int a = 0; a < m; a++)
      pred[fill[(size_t)a * n + (size_t)idx[f->next[(size_t)states[i] * m + a]]]++] = i;
  free(fill);

  /* Worklist of (block, symbol) splitters; inw[b*m+a] = pending. */
  uint8_t *inw = xcalloc((size_t)n * (size_t)m, 1);
  size_t wcap = (size_t)n * (size_t)m, wn = 0;
  int *wb = xmalloc(wcap * sizeof(int)), *wa = xmalloc(wcap * sizeof(int));
  for (int b = 0; b < p.nblocks; b++)
    for (int a = 0; a < m; a++) { wb[wn] = b; wa[wn] = a; wn++; inw[(size_t)b * m + a] = 1; }

  int *touched = xmalloc((size_t)n * sizeof(int)), *splitter = xmalloc((size_t)n * sizeof(int));
  while (wn > 0) {
    wn--;
    int c = wb[wn], a = wa[wn];
    inw[(size_t)c * m + a] = 0;
    /* Copy the splitter first: marking reorders elements inside blocks,
    ** C included. */
    int nc = p.end[c] - p.first[c], ntouched = 0;
    memcpy(splitter, p.elem + p.first[c], (size_t)nc * sizeof(int));
    for (int i = 0; i < nc; i++) {
      size_t key = (size_t)a * n + (size_t)splitter[i];
      for (size_t k = ps[key]; k < ps[key + 1]; k++) {
        int s = pred[k], b = p.blk[s];
        if (p.mid[b] == p.first[b]) touched[ntouched++] = b;
        mark(&p, s);
      }
    }
    for (int t = 0; t < ntouched; t++) {
      int b = touched[t], nb = split(&p, b);
      if (nb < 0) continue;
      int small = (p.end[nb] - p.first[nb] <= p.end[b] - p.first[b]) ? nb : b;
      for (int x = 0; x < m; x++) {
        size_t kb = (size_t)b * m + x;
        int add = inw[kb] ? nb : small;     /* b pending: both halves must be */
        if (inw[(size_t)add * m + x]) continue;
        inw[(size_t)add * m + x] = 1;
        wb[wn] = add; wa[wn] = x; wn++;
      }
    }
  }
  for (int i = 0; i < n; i++) blk_of[i] = p.blk[i];
  int nblocks = p.nblocks;
  free(touched); free(splitter); free(wb); free(wa); free(inw); free(ps); free(pred);
  free(p.elem); free(p.loc); free(p.blk); free(p.first); free(p.end); free(p.mid);
  return nblocks;
}

static int cmp_step(const void *a, const void *b)
{
  const struct FsaStep *x = a, *y = b;
  if (x->src != y->src) return x->src < y->src ? -1 : 1;
  if (x->sym != y->sym) return x->sym < y->sym ? -1 : 1;
  return x->dst < y->dst ? -1 : x->dst > y->dst;
}

/* G's steps are F's with states renamed (old -> dense IDX -> block BLK ->
** number BNUM; unreachable sources dropped, unreachable targets FSA_GONE)
** and merged; G's count/total/conf are then exact: count = the steps from
** (state, symbol) that reached the chosen target, whichever members of the
** two blocks they ran between, and total = all steps from there. */
static void recount(const Fsa *f, Fsa *g, const int *idx, const int *blk, const int *bnum)
{
  const int m = g->nsym;
  struct FsaStep *st = xmalloc((f->nsteps ? f->nsteps : 1) * sizeof *st);
  size_t n = 0;
  for (size_t i = 0; i < f->nsteps; i++) {
    struct FsaStep e = f->steps[i];
    if (idx[e.src] < 0) continue;
    e.src = (uint32_t)bnum[blk[idx[e.src]]];
    e.dst = e.dst == FSA_GONE || idx[e.dst] < 0 ? FSA_GONE : (uint32_t)bnum[blk[idx[e.dst]]];
    st[n++] = e;
  }
  qsort(st, n, sizeof *st, cmp_step);
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    if (w > 0 && !cmp_step(&st[w - 1], &st[i])) st[w - 1].times += st[i].times;
    else st[w++] = st[i];
  }
  g->steps = st;
  g->nsteps = w;
  if (!g->count || !g->total) return;
  memset(g->count, 0, (size_t)g->nstates * m * sizeof *g->count);
  memset(g->total, 0, (size_t)g->nstates * m * sizeof *g->total);
  for (size_t i = 0; i < w; i++) {
    size_t q = (size_t)st[i].src * m + st[i].sym;
    g->total[q] += st[i].times;
    if (st[i].dst == (uint32_t)g->next[q]) g->count[q] += st[i].times;
  }
  if (g->conf)
    for (size_t q = 0; q < (size_t)g->nstates * m; q++)
      if (g->total[q] > 0) g->conf[q] = (float)g->count[q] / (float)g->total[q];
}

Fsa *fsa_minimize(const Fsa *f)
{
  int n0 = f->nstates, m = f->nsym;
  RNF_ASSERT(fsa_validate(f) == 0);   /* recount indexes by the steps' states */

  /* Reachable states, breadth-first from start. */
  int *idx = xmalloc((size_t)n0 * sizeof(int));      /* old -> dense, -1 unreachable */
  int *states = xmalloc((size_t)n0 * sizeof(int));   /* dense -> old */
  for (int s = 0; s < n0; s++) idx[s] = -1;
  int n = 0;
  idx[f->start] = n; states[n++] = f->start;
  for (int h = 0; h < n; h++)
    for (int a = 0; a < m; a++) {
      int t = f->next[(size_t)states[h] * m + a];
      if (idx[t] < 0) { idx[t] = n; states[n++] = t; }
    }

  int *blk = xmalloc((size_t)n * sizeof(int));
  int nb = hopcroft(f, states, n, idx, blk);

  /* Canonical numbering: breadth-first over blocks from the start's block. */
  int *bnum = xmalloc((size_t)nb * sizeof(int)), *border = xmalloc((size_t)nb * sizeof(int));
  int *rep = xmalloc((size_t)nb * sizeof(int));      /* block -> a dense member */
  for (int b = 0; b < nb; b++) bnum[b] = -1;
  for (int i = n - 1; i >= 0; i--) rep[blk[i]] = i;
  int k = 0;
  bnum[blk[0]] = k; border[k++] = blk[0];
  for (int h = 0; h < k; h++)
    for (int a = 0; a < m; a++) {
      int b = blk[idx[f->next[(size_t)states[rep[border[h]]] * m + a]]];
      if (bnum[b] < 0) { bnum[b] = k; border[k++] = b; }
    }
  RNF_ASSERT(k == nb);

  int ev = f->count || f->conf || f->filled || f->total || f->size || f->centroid_norm;
  Fsa *g = fsa_new(nb, m, f->nclass, ev);
  g->start = 0;
  if (ev) {   /* keep absent arrays absent */
    if (!f->count) { free(g->count); g->count = NULL; }
    if (!f->conf) { free(g->conf); g->conf = NULL; }
    if (!f->filled) { free(g->filled); g->filled = NULL; }
    if (!f->total) { free(g->total); g->total = NULL; }
    if (!f->size) { free(g->size); g->size = NULL; }
    if (!f->centroid_norm) { free(g->centroid_norm); g->centroid_norm = NULL; }
    if (g->filled) memset(g->filled, 1, (size_t)nb * m);
  }
  double *normw = g->centroid_norm ? xcalloc((size_t)nb, sizeof(double)) : NULL;
  double *wsum = g->centroid_norm ? xcalloc((size_t)nb, sizeof(double)) : NULL;
  int *members = xcalloc((size_t)nb, sizeof(int));
  for (int i = 0; i < n; i++) {
    int s = states[i], ns = bnum[blk[i]];
    members[ns]++;
    g->label[ns] = f->label[s];
    for (int a = 0; a < m; a++) {
      size_t o = (size_t)s * m + a, q = (size_t)ns * m + a;
      g->next[q] = bnum[blk[idx[f->next[o]]]];
      if (g->count) g->count[q] += f->count[o];
      if (g->total) g->total[q] += f->total[o];
      if (g->filled) g->filled[q] &= f->filled[o] ? 1 : 0;
      if (g->conf) g->conf[q] += f->conf[o];   /* used (averaged) only where totals are 0 */
    }
    if (g->size) g->size[ns] += f->size[s];
    if (normw) {   /* size-weighted mean of the members' centroid norms */
      double w = f->size ? (double)f->size[s] + 1e-9 : 1.0;
      normw[ns] += w * f->centroid_norm[s]; wsum[ns] += w;
    }
  }
  for (int ns = 0; ns < nb; ns++) {
    if (normw) g->centroid_norm[ns] = (float)(normw[ns] / wsum[ns]);
    if (!g->conf) continue;
    for (int a = 0; a < m; a++) {
      size_t q = (size_t)ns * m + a;
      if (g->total && g->total[q] > 0)
        g->conf[q] = g->count ? (float)g->count[q] / (float)g->total[q] : 0.0f;
      else   /* no observations recorded: the members' mean confidence */
        g->conf[q] /= (float)members[ns];
    }
  }
  free(members); free(normw); free(wsum);
  if (f->steps) recount(f, g, idx, blk, bnum);
  free(idx); free(states); free(blk); free(bnum); free(border); free(rep);
  fsa_symclasses(g);
  return g;
}

/* ---- symbol classes ---------------------------------------------------- */

static uint64_t column_hash(const Fsa *f, int a)
{
  uint64_t h = HASH_INIT;
  for (int s = 0; s < f->nstates; s++) {
    int32_t t = f->next[(size_t)s * f->nsym + a];
    h = hash_bytes(h, &t, sizeof t);
  }
  return h;
}

static int same_column(const Fsa *f, int a, int b)
{
  for (int s = 0; s < f->nstates; s++)
    if (f->next[(size_t)s * f->nsym + a] != f->next[(size_t)s * f->nsym + b]) return 0;
  return 1;
}

void fsa_symclasses(Fsa *f)
{
  /* Open-addressing table of class representatives keyed by column hash,
  ** so large vocabularies cost O(nsym * nstates), not quadratic. */
  size_t cap = 16;
  while (cap < 2 * (size_t)f->nsym) cap *= 2;
  int *slot = xmalloc(cap * sizeof(int));            /* representative symbol, -1 empty */
  uint64_t *key = xmalloc(cap * sizeof(uint64_t));
  for (size_t i = 0; i < cap; i++) slot[i] = -1;
  int nc = 0;
  for (int a = 0; a < f->nsym; a++) {
    uint64_t h = column_hash(f, a);
    size_t i = (size_t)h & (cap - 1);
    for (;; i = (i + 1) & (cap - 1)) {
      if (slot[i] < 0) { slot[i] = a; key[i] = h; f->symclass[a] = nc++; break; }
      if (key[i] == h && same_column(f, slot[i], a)) { f->symclass[a] = f->symclass[slot[i]]; break; }
    }
  }
  f->nsymclass = nc;
  free(slot); free(key);
}

/* ---- equivalence --------------------------------------------------------- */

int fsa_equivalent(const Fsa *a, const Fsa *b, int32_t **cex, int *cexlen)
{
  RNF_ASSERT(a->nsym == b->nsym);
  int m = a->nsym;
  size_t nb = (size_t)b->nstates, npairs = (size_t)a->nstates * nb;
  /* BFS over reachable pairs (p, q) = index p*nb+q; parent links give a
  ** shortest distinguishing input when a pair's labels differ. */
  int64_t *parent = xmalloc(npairs * sizeof *parent);   /* -1 unseen, -2 root */
  int32_t *via = xmalloc(npairs * sizeof *via);
  int64_t *queue = xmalloc(npairs * sizeof *queue);
  for (size_t i = 0; i < npairs; i++) parent[i] = -1;
  size_t head = 0, tail = 0;
  int64_t root = (int64_t)((size_t)a->start * nb + (size_t)b->start), bad = -1;
  parent[root] = -2; queue[tail++] = root;
  while (head < tail && bad < 0) {
    int64_t pq = queue[head++];
    size_t p = (size_t)pq / nb, q = (size_t)pq % nb;
    if (a->label[p] != b->label[q]) { bad = pq; break; }
    for (int x = 0; x < m; x++) {
      int64_t r = (int64_t)((size_t)a->next[p * m + x] * nb + (size_t)b->next[q * m + x]);
      if (parent[r] != -1) continue;
      parent[r] = pq; via[r] = x; queue[tail++] = r;
    }
  }
  if (bad >= 0 && (cex || cexlen)) {
    int len = 0;
    for (int64_t r = bad; parent[r] != -2; r = parent[r]) len++;
    int32_t *w = xmalloc((size_t)(len > 0 ? len : 1) * sizeof *w);
    int i = len;
    for (int64_t r = bad; parent[r] != -2; r = parent[r]) w[--i] = via[r];
    if (cex) *cex = w; else free(w);
    if (cexlen) *cexlen = len;
  }
  free(parent); free(via); free(queue);
  return bad < 0;
}
