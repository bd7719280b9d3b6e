/*
** emit_plan.h -- the lowered IR that both code back ends print.
**
** Contract: plan_build lowers an EmitInput (automaton + tokenizer) once to
** plain tables: input classes, the next-state table with its sticky error
** state, the state layout, and the tokenizer's tables (chars: code point
** map; words: the lexer DFA).  emit_c.c prints a Plan as C, emit_llvm.c as
** LLVM IR (as libfsm's print/ir.h is printed by each of its printers).
** Every value that reaches the generated state struct or decides a label
** is fixed here, so the two back ends cannot drift apart: the same Plan
** gives state objects with identical bytes after every call (checked by
** tests/unit/test_emit_llvm.c).  A printer may choose its own table
** element types, names and loop shapes, never another value.
**
** The state struct (C field order; every field an unsigned integer):
**   alphabet/bytes:  { stN state; }
**   chars:           { rnf_utf8 dec; stN state; }   (5 x uint32 decoder)
**   words:           { lxN lex; stN state; }   (lex: a lexer value, nlx - 1 at most)
** stN/lxN: the smallest of 8/16/32 bits holding maxst / nlx - 1.
**
** Byte-level tokens, table style: a state s is stored as s * stride (its
** row offset in flat[]), so the loop adds an input class and loads.
** With K-byte steps (K = 8, 4 or 2, "step"), only the vcls valid classes
** are digits: each takes kbits bits (2^kbits >= vcls) and
**   K bytes:   x = class[b1] << (kbits * (K-1)) + ... + class[bK]
**              st = (flat + x)[st]
**   one byte:  st = flat[st + single + class[b]]
** A row holds 2^(kbits*K) = single K-byte entries (digit patterns that no
** input makes lead back to the row), then vcls one-byte entries.  An error
** byte (outside the alphabet) is stored in the class table as clsval =
** single, so any K-byte index that contains one is >= single: the loop
** tests the index once per block and leaves with the error state, which is
** sticky, so nothing after it can matter.  K is the largest of 8, 4, 2
** (and at most EmitInput.max_step) whose flat[] has at most PLAN_STEP_MAX
** entries (L1-resident): the loop-carried dependency is then one add and
** one load per K bytes; the class loads and index arithmetic are off that
** path.  K = 1: single = 0,
** stride = ncls, clsval = the input class, and the error row is reached
** through its own column and leads to itself, so that loop never tests.
** Packed (K > 1 and nrows <= 8): stride = 8 and flat[] is replaced by
** pk[npk], npk = single + vcls, one 64-bit word per index whose byte r
** (bits 8r .. 8r+7) is the stored successor of row r (8 * its row), so
**   K bytes:   st = (pk[x] >> st) & 0xFF
**   one byte:  st = (pk[single + class[b]] >> st) & 0xFF
** and the loop-carried path is a shift and a mask.  Words are pkbits
** wide: 32 when nrows <= 4, else 64.  Swar (packed, K = 8, two valid classes
** of one byte each, every other byte an error): the 8-byte index comes
** from the bytes as one little-endian 64-bit word w, not from class loads:
**   m = (w >> swbit) & 0x0101010101010101    (1 per byte with bit swbit)
**   valid iff w == rep(swclear) ^ m * swdiff  (rep(c): c in every byte)
**   x = (m * 0x8040201008040201) >> 56       (byte 0 -> bit 7)
** so pk[0 .. 255] is indexed by that bit pattern (plan_build permutes it
** when the byte with bit swbit set is class 0).
** Otherwise (switch style, chars, words) states are plain numbers (stride
** 1) and next[] is [nrows][ncls].
**
** Output is a pure function of the input; plan_build reports a bad prefix
** (RNF_EXIT_SPEC) and treats an automaton that does not match its
** tokenizer as an internal error.
*/
#ifndef RNF_EMIT_PLAN_H
#define RNF_EMIT_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "emit.h"

#define PLAN_STEP_MAX 8192   /* entries of flat[] with multi-byte steps (L1-resident) */

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
  int32_t byteclass[256];   /* byte -> input class (alphabet, bytes) */
  uint32_t clsval[256];     /* byte-level: the value tab_class stores for a byte (see above) */
  uint32_t maxclsval;       /* largest clsval[] */
  uint32_t *next;           /* [nrows * ncls] next state numbers; the error row leads to itself */
  int32_t *label;           /* [nrows] class of each state, -1 for the error state */
  /* state layout */
  int premul;               /* byte-level table style: states stored as row offsets */
  uint32_t stride;          /* stored state = state * stride (1 unless premul) */
  int step;                 /* premul: bytes per multi-byte entry, K = 1, 2, 4 or 8 */
  int vcls;                 /* premul: valid input classes (all but the error class) */
  int kbits;                /* premul, step > 1: bits of one class digit */
  uint32_t single;          /* premul: offset of the one-byte entries in a row (2^(kbits*K), or 0) */
  uint32_t *flat;           /* premul, not packed: [nrows * stride] stored next states */
  int packed;               /* premul, step > 1, nrows <= 8: pk[] instead of flat[] */
  uint64_t *pk;             /* packed: [npk] successor of every row per index, 8 bits each */
  uint32_t npk;             /* single + vcls */
  int pkbits;               /* packed: bits of a word, 32 (nrows <= 4) or 64 */
  int swar;                 /* packed binary alphabet: 8-byte index from one input word */
  int swbit;                /* swar: the bit that tells the two bytes apart */
  unsigned swclear, swdiff; /* swar: the byte with that bit clear; the two bytes' xor */
  uint32_t maxst;           /* largest stored state value: (nrows - 1) * stride */
  size_t bytes;             /* static const bytes as emit_c prints them: tables and class-name strings */
  /* chars: the runtime's code point map, symbols replaced by input classes */
  int32_t ncp;
  const uint32_t *cp;       /* [ncp] ascending */
  uint32_t *cpcls;          /* [ncp] */
  uint32_t unkcls;          /* class of any other code point (and of U+FFFD unless mapped) */
  /* words: the lexer.  Its values are the states' row bases (below):
  ** 0 = between words; NONE (== ncls) = no token */
  int nlx, nw, nnw;         /* lexer values (largest base + 1), word-byte classes, other byte classes */
  int nlxstates;            /* lexer states (each has one base; other values below nlx are unused) */
  int32_t bcls[256];        /* byte -> lexer byte class; word bytes first */
  uint32_t *lxnext;         /* [nlxstates * nw] dense, by state number, before compression */
  int dlx;                  /* the dead state's value (a word outside the vocabulary) */
  /* the lexer compressed by row displacement, every state at a base of its
  ** own: from value v on word-byte class w the lexer goes to lxnxt[v + w]
  ** if lxchk[v + w] == v, else to dlx; lxchk holds nlx where no state owns
  ** the entry */
  uint32_t *lxnxt, *lxchk;  /* [ncomb] */
  size_t ncomb;
  uint32_t *lxend;          /* [nlx] input class of the word ending at value v, or NONE */
  uint32_t *tokcls;         /* [nnw] input class of the byte as a token, or NONE */
} Plan;

/* Lower IN; WHO ("emit_c", "emit_llvm") names the caller in internal
** errors.  0, or an RNF_EXIT_* code after reporting; plan_free either way. */
int plan_build(const EmitInput *in, Plan *pl, const char *who);
void plan_free(Plan *pl);

/* "alphabet", "bytes", "chars", "words". */
const char *plan_tokens_name(TokensKind k);

/* S with ASCII letters upper-cased (caller frees). */
char *plan_upper(const char *s);

/* Byte-level (alphabet, bytes) tokens: input classes come from byteclass[]. */
int plan_bytelevel(const Plan *pl);

/* Byte-level switch style: state S's successor on every byte (TGT), the
** successor of most bytes (*DFLT; the lowest state on ties) and the number
** of bytes that lead elsewhere.  A state with at most PLAN_BYTE_CASES such
** bytes switches on the byte itself (as Ragel -G2 does), saving the class
** load; otherwise on the byte's input class. */
#define PLAN_BYTE_CASES 24
int plan_byte_targets(const Plan *pl, int s, uint32_t tgt[256], uint32_t *dflt);

/* Switch style: the input class whose successor from state S the most
** classes share (the lowest such class), the switch's default; *COUNT (if
** not NULL) gets how many classes share it (ncls: S ignores its input). */
int plan_default_class(const Plan *pl, int s, int *count);

#endif
