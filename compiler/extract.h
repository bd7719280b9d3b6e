/*
** extract.h -- automata from the network's hidden states (Hou & Zhou).
**
** Contract: extract_fsa clusters the recurrent states the network visits on
** the chosen split (by their h part: an LSTM's c is left out), makes each
** cluster a state (plus a start state for the initial state), takes the
** most frequent transition for each (state, symbol), fills unseen pairs by
** stepping the network from the cluster's representative full state,
** labels each state, and (if the spec says minimize) minimizes.  The result
** is a complete Fsa with evidence arrays.  extract_evaluate measures it.
** Deterministic for a given seed.
*/
#ifndef RNF_EXTRACT_H
#define RNF_EXTRACT_H

#include "spec.h"
#include "data.h"
#include "rnn.h"
#include "fsa.h"
#include "cluster.h"

typedef enum { EVAL_TEST, EVAL_VALID, EVAL_TRAIN } EvalSplit;   /* 0: a zeroed Eval is "test" */

typedef struct Eval {
  double net_acc;           /* network test accuracy */
  double fsa_acc;           /* automaton test accuracy */
  double fidelity;          /* agreement of automaton and network on test */
  int k;                    /* clusters used */
  int states_raw;           /* states before minimization (clusters + start) */
  int states_min;           /* after */
  int nsymclass;
  int equivalent;           /* generated languages: 1 equal to target, 0 not, -1 unknown */
  int32_t *cex;             /* when equivalent == 0: a shortest counterexample (symbols) */
  int cexlen;
  int minimized;            /* extract.minimize: states_min is after minimization */
  EvalSplit split;          /* the split measured: test, or (no test split) validation
                               or training */
} Eval;

/* Returns RNF_EXIT_OK or an exit code; *out is a new automaton (caller frees). */
int extract_fsa(const SpecExtract *s, const Rnn *r, const Dataset *d, Fsa **out, Eval *ev);
/* Fills EV's measurements on the test split (k and states_raw are kept);
** EV must be zeroed or come from an earlier call (its cex is replaced). */
void extract_evaluate(const Rnn *r, const Fsa *f, const Dataset *d, Eval *ev);
void eval_free(Eval *ev);
/* "test", "validation" or "training". */
const char *eval_split_name(EvalSplit s);

/* kmeans (k-means++ seeding over N rows of X) now lives in cluster.h. */

#endif
