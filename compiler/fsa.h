/*
** fsa.h -- the automaton IR: a complete deterministic Moore machine.
**
** Invariants (checked by fsa_validate): states are 0..nstates-1; start is a
** state; next[s*nsym+a] is a state for every s and symbol a (complete);
** label[s] is a class in 0..nclass-1 (the machine's output after reaching
** s).  The per-transition evidence arrays (count, conf, filled) and per-
** state arrays (size, centroid_norm) may be NULL for automata that do not
** come from a network (target languages, tests).  symclass maps each input
** symbol to its equivalence class (symbols whose columns in next[] are
** identical); fsa_symclasses computes it.  Every back end prints from this
** one structure.
*/
#ifndef RNF_FSA_H
#define RNF_FSA_H

#include <stdint.h>
#include <stdio.h>

#define FSA_GONE UINT32_MAX

typedef struct Fsa {
  int nstates, nsym, nclass;
  int start;
  int32_t *next;            /* [nstates*nsym] */
  int32_t *label;           /* [nstates] */
  /* evidence from extraction (optional) */
  uint32_t *count;          /* [nstates*nsym] hidden-state transitions that chose next[] */
  float *conf;              /* [nstates*nsym] count / all observed from (s,a); 0 when filled */
  uint8_t *filled;          /* [nstates*nsym] 1 = never observed, filled by running the network */
  uint32_t *total;          /* [nstates*nsym] all hidden-state transitions observed from (s,a): conf = count/total */
  uint32_t *size;           /* [nstates] hidden states in the cluster */
  float *centroid_norm;     /* [nstates] */
  /* every observed step (optional): distinct (src, sym, dst), sorted, with
  ** how often; dst FSA_GONE once minimization dropped the target.  With it,
  ** fsa_minimize recounts count/total exactly: steps between merged states
  ** count for the merged transition, whichever member they went to. */
  size_t nsteps;
  struct FsaStep { uint32_t src, sym, dst, times; } *steps;
  /* input symbol classes */
  int nsymclass;
  int32_t *symclass;        /* [nsym] -> 0..nsymclass-1, classes numbered by first member */
} Fsa;

Fsa *fsa_new(int nstates, int nsym, int nclass, int with_evidence);
void fsa_free(Fsa *f);
Fsa *fsa_copy(const Fsa *f);
int fsa_validate(const Fsa *f);          /* 0 if the invariants hold */

int fsa_run(const Fsa *f, const int32_t *seq, int len);     /* final state */
static inline int fsa_classify(const Fsa *f, const int32_t *seq, int len)
{ return f->label[fsa_run(f, seq, len)]; }

/* Remove unreachable states and merge equivalent ones (Hopcroft).  Returns a
** new automaton (caller frees); evidence is summed over merged states, and
** count/total/conf are recounted from the steps when F has them.  State
** numbering is canonical: breadth-first from start, symbols in order, so the
** same language always prints the same. */
Fsa *fsa_minimize(const Fsa *f);

/* Compute symclass/nsymclass in place. */
void fsa_symclasses(Fsa *f);

/* Exact equivalence of two automata over the same symbols, comparing labels.
** Returns 1 if equivalent, 0 if not (then *cex gets a shortest input, caller
** frees, and *cexlen its length). */
int fsa_equivalent(const Fsa *a, const Fsa *b, int32_t **cex, int *cexlen);

#endif
