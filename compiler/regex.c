/*
** regex.c -- regular expressions to complete DFAs (see lang.h).
**
** Recursive descent builds a Thompson NFA directly (one fragment per
** production, each with a single free end state); the subset construction
** then turns it into a complete DFA, keyed by the bitset of NFA states so
** the numbering follows discovery order and is deterministic.
*/
#include "lang.h"
#include "common.h"
#include "tok.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 500            /* parenthesis nesting, bounds recursion */
#define MAX_NFA 8192             /* NFA states: counted repetitions multiply them */

typedef struct NState {
  int eps[2];                    /* epsilon edges, -1 = none */
  int set;                       /* symbol-set edge: index into sets, -1 = none */
  int to;                        /* its target */
} NState;

typedef struct Frag { int s, e; } Frag;   /* start, free end state */

typedef struct P {
  const unsigned char *re;
  size_t len, pos;
  int16_t map[256];              /* byte -> symbol, -1 = not in the alphabet */
  int nalpha;
  const char *alpha;
  NState *st;
  int nst, cap;
  uint8_t *sets;                 /* [nsets][nalpha] membership */
  int nsets, setcap;
  int depth;
  int in_rep;                    /* expanding a counted repetition ... */
  size_t rep_at;                 /* ... the outermost one, at this offset */
  char *err;
  size_t erroff;
} P;

static void fail(P *p, size_t off, char *msg)
{
  if (p->err) { free(msg); return; }
  p->err = msg;
  p->erroff = off;
}

static int node(P *p)
{
  /* copies of a counted repetition re-parse its text: blame the repetition */
  if (p->nst == MAX_NFA)
    fail(p, p->in_rep ? p->rep_at : p->pos, xasprintf("the regex needs more than %d NFA states", MAX_NFA));
  if (p->nst == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 64;
    p->st = xrealloc(p->st, (size_t)p->cap * sizeof *p->st);
  }
  p->st[p->nst] = (NState){ { -1, -1 }, -1, -1 };
  return p->nst++;
}

static int newset(P *p)
{
  if (p->nsets == p->setcap) {
    p->setcap = p->setcap ? 2 * p->setcap : 16;
    p->sets = xrealloc(p->sets, (size_t)p->setcap * (size_t)p->nalpha);
  }
  memset(p->sets + (size_t)p->nsets * (size_t)p->nalpha, 0, (size_t)p->nalpha);
  return p->nsets++;
}

static uint8_t *setp(P *p, int set) { return p->sets + (size_t)set * (size_t)p->nalpha; }

static void eps(P *p, int from, int to)
{
  NState *n = &p->st[from];
  if (n->eps[0] < 0) n->eps[0] = to;
  else { RNF_ASSERT(n->eps[1] < 0); n->eps[1] = to; }
}

static Frag frag_set(P *p, int set)
{
  Frag f = { node(p), node(p) };
  p->st[f.s].set = set;
  p->st[f.s].to = f.e;
  return f;
}

static Frag frag_empty(P *p) { int s = node(p); return (Frag){ s, s }; }

static char *show(unsigned char c)
{
  if (c >= 0x20 && c < 0x7F) return xasprintf("'%c'", c);
  return xasprintf("byte 0x%02X", c);
}

static Frag parse_alt(P *p);

/* class := '[' '^'? item+ ']'     item := byte ('-' byte)?   byte := '\' any | any */
static Frag parse_class(P *p)
{
  size_t open = p->pos++;
  int set = newset(p);
  uint8_t *m = setp(p, set);
  bool neg = false, any = false;
  if (p->pos < p->len && p->re[p->pos] == '^') { neg = true; p->pos++; }
  while (p->pos < p->len && p->re[p->pos] != ']') {
    size_t at = p->pos;
    unsigned char lo = p->re[p->pos++];
    if (lo == '\\') {
      if (p->pos >= p->len) break;
      lo = p->re[p->pos++];
    }
    unsigned char hi = lo;
    bool range = false;
    if (p->pos + 1 < p->len && p->re[p->pos] == '-' && p->re[p->pos + 1] != ']') {
      p->pos++;
      hi = p->re[p->pos++];
      if (hi == '\\' && p->pos < p->len) hi = p->re[p->pos++];
      range = true;
      if (hi < lo) {
        char *a = show(lo), *b = show(hi);
        fail(p, at, xasprintf("range %s-%s is reversed", a, b));
        free(a); free(b);
        return frag_empty(p);
      }
    }
    if (!range && p->map[lo] < 0) {
      char *a = show(lo);
      fail(p, at, xasprintf("%s is not in the alphabet \"%s\"", a, p->alpha));
      free(a);
      return frag_empty(p);
    }
    for (int c = lo; c <= hi; c++)
      if (p->map[c] >= 0) m[p->map[c]] = 1;
    any = true;
  }
  if (p->pos >= p->len) {
    fail(p, open, xstrdup("unterminated character class"));
    return frag_empty(p);
  }
  p->pos++;  /* ']' */
  if (!any) {
    fail(p, open, xstrdup("empty character class"));
    return frag_empty(p);
  }
  m = setp(p, set);
  int members = 0;
  for (int a = 0; a < p->nalpha; a++) {
    if (neg) m[a] = !m[a];
    members += m[a];
  }
  if (!members) {
    fail(p, open, xstrdup("character class matches no symbol of the alphabet"));
    return frag_empty(p);
  }
  return frag_set(p, set);
}

/* atom := '(' alt ')' | class | '.' | '\' any | literal */
static Frag parse_atom(P *p)
{
  unsigned char c = p->re[p->pos];
  size_t at = p->pos;
  if (c == '(') {
    if (++p->depth > MAX_DEPTH) {
      fail(p, at, xstrdup("parentheses nested too deeply"));
      return frag_empty(p);
    }
    p->pos++;
    Frag f = parse_alt(p);
    p->depth--;
    if (p->pos >= p->len || p->re[p->pos] != ')') {
      fail(p, at, xstrdup("unclosed '('"));
      return f;
    }
    p->pos++;
    return f;
  }
  if (c == '[') return parse_class(p);
  p->pos++;
  if (c == '.') {
    int set = newset(p);
    memset(setp(p, set), 1, (size_t)p->nalpha);
    return frag_set(p, set);
  }
  if (c == '\\') {
    if (p->pos >= p->len) {
      fail(p, at, xstrdup("trailing backslash"));
      return frag_empty(p);
    }
    c = p->re[p->pos++];
  }
  if (p->map[c] < 0) {
    char *a = show(c);
    fail(p, at, xasprintf("%s is not in the alphabet \"%s\"", a, p->alpha));
    free(a);
    return frag_empty(p);
  }
  int set = newset(p);
  setp(p, set)[p->map[c]] = 1;
  return frag_set(p, set);
}

#define MAX_COUNT 1000          /* largest count in {m,n} */

/* The decimal number at *I, saturated at MAX_COUNT + 1, or -1 if there is
** no digit; *I moves past it. */
static int number(const P *p, size_t *i)
{
  int v = -1;
  for (; *i < p->len && p->re[*i] >= '0' && p->re[*i] <= '9'; (*i)++)
    if ((v = (v < 0 ? 0 : v) * 10 + (p->re[*i] - '0')) > MAX_COUNT) v = MAX_COUNT + 1;
  return v;
}

/* A counted repetition at p->pos: "{m}", "{m,}" or "{m,n}" (decimal; the
** caller checks m <= n <= MAX_COUNT).  Returns its length (0 if the text
** there is not one: then '{' is an ordinary byte) and sets *M, *N (-1 = no
** upper bound). */
static size_t counted(const P *p, int *m, int *n)
{
  size_t i = p->pos + 1;
  int a = number(p, &i), b = a;
  if (a < 0) return 0;
  if (i < p->len && p->re[i] == ',') {
    i++;
    b = number(p, &i);                         /* -1: no upper bound */
  }
  if (i >= p->len || p->re[i] != '}') return 0;
  *m = a;
  *n = b;
  return i + 1 - p->pos;
}

/* F made optional (?), repeatable (+) or both (*). */
static Frag repeat(P *p, Frag f, unsigned char op)
{
  Frag g = { node(p), node(p) };
  eps(p, g.s, f.s);
  if (op != '+') eps(p, g.s, g.e);            /* * and ? may skip */
  if (op != '?') eps(p, f.e, f.s);            /* * and + may loop */
  eps(p, f.e, g.e);
  return g;
}

/* repeat := atom ('*' | '+' | '?' | '{m}' | '{m,}' | '{m,n}')*, reading
** operators only before STOP.  A counted repetition re-parses the text it
** repeats (the atom and the operators before it) once per copy: a
** Thompson fragment has one use, and each copy needs its own states.
** R{m,n} = m copies, then n - m optional ones; R{m,} = m copies, then R*. */
static Frag parse_repeat_to(P *p, size_t stop)
{
  unsigned char c = p->re[p->pos];
  int m, n;
  if (c == '*' || c == '+' || c == '?' || (c == '{' && counted(p, &m, &n))) {
    fail(p, p->pos, xasprintf("nothing to repeat before '%c'", c));
    p->pos++;
    return frag_empty(p);
  }
  size_t at = p->pos;
  Frag f = parse_atom(p);
  while (!p->err && p->pos < stop) {
    c = p->re[p->pos];
    size_t k;
    if (c == '*' || c == '+' || c == '?') {
      p->pos++;
      f = repeat(p, f, c);
      continue;
    }
    if (c != '{' || (k = counted(p, &m, &n)) == 0) break;
    size_t op = p->pos;
    if (m > MAX_COUNT || n > MAX_COUNT) {
      fail(p, op, xasprintf("repetition count above %d", MAX_COUNT));
      break;
    }
    if (n >= 0 && n < m) {
      fail(p, op, xasprintf("repetition {%d,%d}: the minimum exceeds the maximum", m, n));
      break;
    }
    int copies = n >= 0 ? n : m + 1;         /* {m,}: one more copy, starred */
    int outer = !p->in_rep;
    if (outer) { p->in_rep = 1; p->rep_at = op; }
    Frag acc = frag_empty(p);
    for (int j = 0; j < copies && !p->err; j++) {
      Frag g = f;                            /* the copy already built */
      if (j > 0) {
        p->pos = at;
        g = parse_repeat_to(p, op);
      }
      if (j >= m) g = repeat(p, g, n >= 0 ? '?' : '*');
      eps(p, acc.e, g.s);
      acc.e = g.e;
    }
    if (outer) p->in_rep = 0;
    f = acc;
    p->pos = op + k;
  }
  return f;
}

static Frag parse_repeat(P *p) { return parse_repeat_to(p, p->len); }

/* concat := repeat*   (stops at '|', ')' or the end) */
static Frag parse_concat(P *p)
{
  Frag f = frag_empty(p);
  while (!p->err && p->pos < p->len && p->re[p->pos] != '|' && p->re[p->pos] != ')') {
    Frag g = parse_repeat(p);
    eps(p, f.e, g.s);
    f.e = g.e;
  }
  return f;
}

/* alt := concat ('|' concat)* */
static Frag parse_alt(P *p)
{
  Frag f = parse_concat(p);
  while (!p->err && p->pos < p->len && p->re[p->pos] == '|') {
    p->pos++;
    Frag g = parse_concat(p), h = { node(p), node(p) };
    eps(p, h.s, f.s);
    eps(p, h.s, g.s);
    eps(p, f.e, h.e);
    eps(p, g.e, h.e);
    f = h;
  }
  return f;
}

/* Add S and everything epsilon-reachable from it to bitset B. */
static void closure(const P *p, uint8_t *b, int s, int *stack)
{
  int sp = 0;
  if (b[s >> 3] & (1u << (s & 7))) return;
  b[s >> 3] |= (uint8_t)(1u << (s & 7));
  stack[sp++] = s;
  while (sp) {
    const NState *n = &p->st[stack[--sp]];
    for (int k = 0; k < 2; k++) {
      int t = n->eps[k];
      if (t >= 0 && !(b[t >> 3] & (1u << (t & 7)))) {
        b[t >> 3] |= (uint8_t)(1u << (t & 7));
        stack[sp++] = t;
      }
    }
  }
}

/* Parse RE into P's Thompson NFA; on an error P->err is set (and owned by P). */
static Frag parse(P *p, const char *re, size_t len, const char *alpha, size_t nalpha)
{
  memset(p, 0, sizeof *p);
  p->re = (const unsigned char *)re;
  p->len = len;
  p->alpha = alpha;
  p->nalpha = (int)nalpha;
  RNF_ASSERT(nalpha > 0 && nalpha <= 256);
  for (int i = 0; i < 256; i++) p->map[i] = -1;
  for (size_t i = 0; i < nalpha; i++) p->map[(unsigned char)alpha[i]] = (int16_t)i;

  Frag f = parse_alt(p);
  if (!p->err && p->pos < p->len)   /* parse_alt only stops early at ')' */
    fail(p, p->pos, xstrdup("unmatched ')'"));
  return f;
}

bool regex_validate(const char *re, size_t len, const char *alpha, size_t nalpha, char **err, size_t *off)
{
  P p;
  parse(&p, re, len, alpha, nalpha);
  free(p.st); free(p.sets);
  if (!p.err) return true;
  *err = p.err;
  *off = p.erroff;
  return false;
}

Fsa *regex_dfa(const char *re, size_t len, const char *alpha, size_t nalpha, char **err, size_t *off)
{
  P p;
  Frag f = parse(&p, re, len, alpha, nalpha);
  if (p.err) {
    *err = p.err;
    *off = p.erroff;
    free(p.st); free(p.sets);
    return NULL;
  }

  /* subset construction; DFA state i is the bitset sets_of[i] */
  size_t nb = ((size_t)p.nst + 7) / 8;
  int *stack = xmalloc((size_t)p.nst * sizeof *stack);
  TokMap seen = {0};
  int ndfa = 0, dcap = 64;
  uint8_t *bits = xmalloc((size_t)dcap * nb);
  int32_t *next = xmalloc((size_t)dcap * nalpha * sizeof *next);
  uint8_t *cur = xcalloc(nb, 1);
  closure(&p, cur, f.s, stack);
  memcpy(bits, cur, nb);
  *tok_map_get(&seen, cur, nb, true, NULL) = ndfa++;
  bool toobig = false;
  for (int d = 0; d < ndfa && !toobig; d++) {
    for (int a = 0; a < p.nalpha; a++) {
      memset(cur, 0, nb);
      const uint8_t *from = bits + (size_t)d * nb;
      for (int s = 0; s < p.nst; s++)
        if ((from[s >> 3] & (1u << (s & 7))) && p.st[s].set >= 0 && setp(&p, p.st[s].set)[a])
          closure(&p, cur, p.st[s].to, stack);
      int added;
      long *v = tok_map_get(&seen, cur, nb, true, &added);
      if (added) {
        if (ndfa == REGEX_MAX_STATES) { toobig = true; break; }
        if (ndfa == dcap) {
          dcap *= 2;
          bits = xrealloc(bits, (size_t)dcap * nb);
          next = xrealloc(next, (size_t)dcap * nalpha * sizeof *next);
        }
        memcpy(bits + (size_t)ndfa * nb, cur, nb);
        *v = ndfa++;
      }
      next[(size_t)d * nalpha + (size_t)a] = (int32_t)*v;
    }
  }
  Fsa *dfa = NULL;
  if (toobig) {
    *err = xasprintf("the regex needs more than %d DFA states", REGEX_MAX_STATES);
    *off = 0;
  } else {
    dfa = fsa_new(ndfa, (int)nalpha, 2, 0);
    dfa->start = 0;
    memcpy(dfa->next, next, (size_t)ndfa * nalpha * sizeof *next);
    for (int d = 0; d < ndfa; d++) {
      const uint8_t *b = bits + (size_t)d * nb;
      dfa->label[d] = (b[f.e >> 3] >> (f.e & 7)) & 1;
    }
  }
  free(stack); free(cur); free(bits); free(next);
  tok_map_free(&seen);
  free(p.st); free(p.sets);
  return dfa;
}
