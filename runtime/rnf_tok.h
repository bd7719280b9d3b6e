/*
** rnf_tok.h -- the tokenizers every generated classifier runs.
**
** Contract: freestanding C99 (only <stdint.h>; declarations before
** statements, so -Wdeclaration-after-statement builds pass), no allocation,
** no globals, no libc; every function is static inline (RNF_FN) and every
** name starts with rnf_ or RNF_, so a back end may paste this header into
** generated code with only those prefixes namespaced (emit_c puts the
** classifier's prefix before them: two classifiers in one program, or a
** classifier named rnf_utf8, cannot clash; so no rnf_ or RNF_ may appear
** in a string or character literal, and comments are C89 style only) and
** the compiler
** (compiler/tok.c) tokenizes training data through the very same functions.
** Everything is streaming, one input byte at a time, with caller-owned
** state: a classifier can be fed its input in chunks split anywhere, even in
** the middle of a UTF-8 sequence or a word.
**
**   alphabet, bytes:  rnf_byte_sym      byte -> symbol (-1 = not in alphabet)
**   chars:            rnf_chars_push    UTF-8 decode + code point -> symbol
**   words:            rnf_words_push    word scanner + vocabulary trie walk
**
** Each *_push writes 0..2 symbols to OUT and returns how many; *_finish
** flushes what the end of input completes (0..1 symbols).
*/
#ifndef RNF_TOK_H
#define RNF_TOK_H

#include <stdint.h>

/* Unused helpers must not warn where a header is compiled on its own
** (clang -Wunused-function on a .h checked for self-containment). */
#if defined(__GNUC__) || defined(__clang__)
#define RNF_FN static inline __attribute__((unused))
#else
#define RNF_FN static inline
#endif

/* ---- alphabet and bytes: a 256-entry map ---------------------------- */

/* MAP[256]: byte -> symbol, -1 = not in the alphabet (input rejected). */
RNF_FN int32_t rnf_byte_sym(const int16_t *map, unsigned char b)
{
  return (int32_t)map[b];
}

/* ---- UTF-8 ----------------------------------------------------------- */

#define RNF_REPLACEMENT 0xFFFDu

typedef struct rnf_utf8 {
  uint32_t cp;      /* code point being assembled */
  uint32_t need;    /* continuation bytes still expected */
  uint32_t lo, hi;  /* allowed range of the next continuation byte */
  uint32_t nbad;    /* ill-formed subsequences seen (each gave one U+FFFD) */
} rnf_utf8;

RNF_FN void rnf_utf8_reset(rnf_utf8 *d)
{
  d->cp = 0u; d->need = 0u; d->lo = 0x80u; d->hi = 0xBFu; d->nbad = 0u;
}

/* Feed byte B; writes 0..2 code points to OUT.  Ill-formed input follows
** Unicode's "maximal subpart" practice: each maximal prefix of a valid
** sequence (or each stray byte) becomes one U+FFFD, and the byte that broke
** a sequence is decoded afresh.  Overlongs, surrogates and code points
** above U+10FFFF are ill-formed (the lo/hi second-byte ranges below). */
RNF_FN int rnf_utf8_push(rnf_utf8 *d, unsigned char b, uint32_t out[2])
{
  int n = 0;
  uint32_t u = (uint32_t)b;
  if (d->need) {
    if (u >= d->lo && u <= d->hi) {
      d->cp = (d->cp << 6) | (u & 0x3Fu);
      d->lo = 0x80u; d->hi = 0xBFu;
      if (--d->need == 0u) out[n++] = d->cp;
      return n;
    }
    d->need = 0u; d->lo = 0x80u; d->hi = 0xBFu; d->nbad++;
    out[n++] = RNF_REPLACEMENT;
  }
  if (u < 0x80u) {
    out[n++] = u;
  } else if (u >= 0xC2u && u <= 0xDFu) {
    d->need = 1u; d->cp = u & 0x1Fu;
  } else if (u >= 0xE0u && u <= 0xEFu) {
    d->need = 2u; d->cp = u & 0x0Fu;
    if (u == 0xE0u) d->lo = 0xA0u;          /* no overlongs */
    else if (u == 0xEDu) d->hi = 0x9Fu;     /* no surrogates */
  } else if (u >= 0xF0u && u <= 0xF4u) {
    d->need = 3u; d->cp = u & 0x07u;
    if (u == 0xF0u) d->lo = 0x90u;          /* no overlongs */
    else if (u == 0xF4u) d->hi = 0x8Fu;     /* nothing above U+10FFFF */
  } else {                                  /* 80..C1, F5..FF */
    d->nbad++;
    out[n++] = RNF_REPLACEMENT;
  }
  return n;
}

/* End of input: a truncated sequence becomes one U+FFFD. */
RNF_FN int rnf_utf8_finish(rnf_utf8 *d, uint32_t out[1])
{
  if (!d->need) return 0;
  d->need = 0u; d->lo = 0x80u; d->hi = 0xBFu; d->nbad++;
  out[0] = RNF_REPLACEMENT;
  return 1;
}

/* ---- chars: code point -> symbol ------------------------------------- */

typedef struct rnf_cpmap {
  const uint32_t *cp;   /* [n] code points in the vocabulary, ascending */
  const int32_t *sym;   /* [n] their symbols */
  int32_t n;
  int32_t unk;          /* symbol for any other code point */
} rnf_cpmap;

RNF_FN int32_t rnf_cp_sym(const rnf_cpmap *m, uint32_t c)
{
  int32_t lo = 0, hi = m->n, mid;           /* binary search in [lo, hi) */
  while (lo < hi) {
    mid = lo + (hi - lo) / 2;
    if (m->cp[mid] < c) lo = mid + 1;
    else if (m->cp[mid] > c) hi = mid;
    else return m->sym[mid];
  }
  return m->unk;
}

RNF_FN int rnf_chars_push(rnf_utf8 *d, const rnf_cpmap *m, unsigned char b, int32_t out[2])
{
  uint32_t cps[2];
  int i, n = rnf_utf8_push(d, b, cps);
  for (i = 0; i < n; i++) out[i] = rnf_cp_sym(m, cps[i]);
  return n;
}

RNF_FN int rnf_chars_finish(rnf_utf8 *d, const rnf_cpmap *m, int32_t out[1])
{
  uint32_t c;
  if (!rnf_utf8_finish(d, &c)) return 0;
  out[0] = rnf_cp_sym(m, c);
  return 1;
}

/* ---- words ------------------------------------------------------------ */

/* Byte classes.  Word bytes: ASCII letters and digits, and every byte
** >= 0x80 (so UTF-8 letters stay inside words, undecoded).  Space: 0x00-0x20
** and 0x7F (all ASCII controls, NUL, TAB, CR, LF).  Punctuation: every other
** ASCII byte (0x21-0x7E that is not alphanumeric). */
enum { RNF_SPACE = 0, RNF_WORDCH = 1, RNF_PUNCT = 2 };

RNF_FN int rnf_byte_class(unsigned char b)
{
  if (b >= 0x80u) return RNF_WORDCH;
  if ((b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) return RNF_WORDCH;
  if (b <= 0x20u || b == 0x7Fu) return RNF_SPACE;
  return RNF_PUNCT;
}

/* ASCII case folding only; bytes >= 0x80 pass through. */
RNF_FN unsigned char rnf_fold(unsigned char b)
{
  return (b >= 'A' && b <= 'Z') ? (unsigned char)(b + 32u) : b;
}

/* Scanner events for one byte, in this order when several are set. */
#define RNF_EV_WORD_END  1  /* the word before this byte ended */
#define RNF_EV_WORD_BYTE 2  /* *OUT is the next (folded) byte of a word */
#define RNF_EV_PUNCT     4  /* *OUT is a punctuation token (only if PUNCT) */

/* *IN_WORD is the scanner's whole state (0 at the start of input). */
RNF_FN int rnf_words_scan(int *in_word, unsigned char b, int punct, unsigned char *out)
{
  int ev = 0, c = rnf_byte_class(b);
  if (c == RNF_WORDCH) {
    *in_word = 1;
    *out = rnf_fold(b);
    return RNF_EV_WORD_BYTE;
  }
  if (*in_word) ev |= RNF_EV_WORD_END;
  *in_word = 0;
  if (c == RNF_PUNCT && punct) { *out = b; ev |= RNF_EV_PUNCT; }
  return ev;
}

/* End of input: the word in progress (if any) ends. */
RNF_FN int rnf_words_scan_finish(int *in_word)
{
  int ev = *in_word ? RNF_EV_WORD_END : 0;
  *in_word = 0;
  return ev;
}

/* The vocabulary as a byte trie in compressed rows.  Node 0 is the root;
** node n's edges are first[n] .. first[n+1]-1, sorted by byte.  sym[n] is
** the symbol of the word spelled by the path to n, or unk.  A punctuation
** token is the one-byte word of its character. */
typedef struct rnf_trie {
  const int32_t *first;       /* [nnodes+1] */
  const unsigned char *byte;  /* [nedges] */
  const int32_t *child;       /* [nedges] */
  const int32_t *sym;         /* [nnodes] */
  int32_t unk;
} rnf_trie;

/* Child of NODE on byte B, or -1 (also when NODE is -1: a dead walk stays dead). */
RNF_FN int32_t rnf_trie_next(const rnf_trie *t, int32_t node, unsigned char b)
{
  int32_t lo, hi, mid;
  if (node < 0) return -1;
  lo = t->first[node];
  hi = t->first[node + 1];
  while (lo < hi) {
    mid = lo + (hi - lo) / 2;
    if (t->byte[mid] < b) lo = mid + 1;
    else if (t->byte[mid] > b) hi = mid;
    else return t->child[mid];
  }
  return -1;
}

RNF_FN int32_t rnf_trie_sym(const rnf_trie *t, int32_t node)
{
  return node < 0 ? t->unk : t->sym[node];
}

typedef struct rnf_words {
  int in_word;              /* scanner state */
  int32_t node;             /* trie node of the word so far, -1 = not in the vocabulary */
} rnf_words;

RNF_FN void rnf_words_reset(rnf_words *w) { w->in_word = 0; w->node = 0; }

RNF_FN int rnf_words_push(rnf_words *w, const rnf_trie *t, int punct, unsigned char b, int32_t out[2])
{
  unsigned char c = 0;
  int n = 0, was = w->in_word;
  int ev = rnf_words_scan(&w->in_word, b, punct, &c);
  if (ev & RNF_EV_WORD_END) out[n++] = rnf_trie_sym(t, w->node);
  if (ev & RNF_EV_WORD_BYTE) w->node = rnf_trie_next(t, was ? w->node : 0, c);
  if (ev & RNF_EV_PUNCT) out[n++] = rnf_trie_sym(t, rnf_trie_next(t, 0, c));
  return n;
}

RNF_FN int rnf_words_finish(rnf_words *w, const rnf_trie *t, int32_t out[1])
{
  if (!(rnf_words_scan_finish(&w->in_word) & RNF_EV_WORD_END)) return 0;
  out[0] = rnf_trie_sym(t, w->node);
  w->node = 0;
  return 1;
}

#endif
