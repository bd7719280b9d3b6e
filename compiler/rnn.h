/*
** rnn.h -- the network: four gated cells, their training, their files.
**
** Contract: rnn_train fits an Rnn to a Dataset's train split (early stopping
** on valid) as the spec's rnn section says, deterministically for a given
** seed and thread count.  The trained Rnn is then used read-only by
** extraction through rnn_init_state / rnn_step / rnn_output, which work on
** the *recurrent state* vector: h for Elman, MGU and GRU, [h; c] for LSTM
** (rnn_state_dim floats).  All parameters live in one allocation.  Model
** files are versioned and checksummed (rnn_save / rnn_load).
*/
#ifndef RNF_RNN_H
#define RNF_RNN_H

#include <stdint.h>
#include <stddef.h>
#include "spec.h"
#include "data.h"
#include "common.h"

typedef struct Rnn {
  CellKind cell;
  int nsym;                 /* input symbols */
  int embed;                /* embedding width, 0 = one-hot (input width nsym) */
  int hidden;
  int nclass;
  size_t nparams;
  float *params;            /* one block; the named tensors below point into it */
  float *E;                 /* [nsym][embed] (NULL when one-hot) */
  float *Wx;                /* [G*hidden][in]   G = 1 Elman, 2 MGU, 3 GRU, 4 LSTM */
  float *Wh;                /* [G*hidden][hidden] */
  float *b;                 /* [G*hidden] */
  float *bh;                /* [hidden] GRU only: recurrent candidate bias, inside r*(...); else NULL */
  float *Wo;                /* [nclass][hidden] */
  float *bo;                /* [nclass] */
} Rnn;

/* Per-epoch figures, for progress lines and reports. */
typedef struct TrainEpoch {
  int epoch;
  double loss, train_acc, valid_acc, seconds, samples_per_sec;
} TrainEpoch;

typedef struct TrainLog {
  TrainEpoch *epochs;       /* [n] */
  int n;
  int best_epoch;           /* restored weights come from here */
} TrainLog;

/* Train.  Returns RNF_EXIT_OK or an exit code (reported): RNF_EXIT_SPEC
** when the settings make training diverge (a weight stops being finite),
** so no network with NaN weights is ever returned or cached.  LOG may be NULL;
** if not, it is filled (caller frees log->epochs). */
int rnn_train(const SpecRnn *s, const Dataset *d, Rnn *out, TrainLog *log);
void rnn_free(Rnn *r);

int rnn_state_dim(const Rnn *r);
void rnn_init_state(const Rnn *r, float *state);                  /* the initial state (zeros) */
/* NEXT must not alias STATE.  No heap use; up to 8*G*hidden bytes of stack. */
void rnn_step(const Rnn *r, const float *state, int sym, float *next);
int rnn_output(const Rnn *r, const float *state, float *probs);   /* argmax class; probs may be NULL */
int rnn_classify(const Rnn *r, const int32_t *seq, int len);
/* States along SEQ: out has (len+1)*rnn_state_dim floats, row 0 the initial state. */
void rnn_states(const Rnn *r, const int32_t *seq, int len, float *out);
double rnn_accuracy(const Rnn *r, const Split *s);   /* 0 for an empty split */

/* Model files: 0 on success, else RNF_EXIT_IO.  rnn_save reports its own
** failures, or with WHY puts the reason there (WHYLEN bytes) and prints
** nothing, for the cache, whose failures are warnings.  rnn_load is for a file the user named: on failure it reports
** "PATH: error: WHAT" (bad magic, version, byte-order mark, sizes, truncated,
** trailing bytes, checksum, unreadable) and leaves R empty. */
int rnn_save(const Rnn *r, const char *path, char *why, size_t whylen);
int rnn_load(Rnn *r, const char *path);
/* The same checks without printing anything, for a cache that may hold
** damaged or stale entries (the caller decides how loud to be): on failure
** WHY gets the one-line reason rnn_load would print (no path, truncated to
** WHYLEN bytes; WHY may be NULL) and R is left empty.  If WANT is not NULL,
** a sound file whose cell, nsym, embed, hidden or nclass differ from WANT's
** is refused too ("model file is for another network (...; expected ...)"),
** before its weights are read. */
int rnn_probe(Rnn *r, const char *path, const Rnn *want, char *why, size_t whylen);

/* ---- below: shared by rnn.c, train.c and their unit tests ------------ */

#define RNN_MAX_HIDDEN 4096
#define RNN_MAX_EMBED 4096
#define RNN_MAX_NSYM (1 << 24)
#define RNN_MAX_NCLASS 65536

int rnn_gates(CellKind c);                /* G: 1, 2, 3, 4 */
const char *rnn_cell_name(CellKind c);    /* "elman", "mgu", "gru", "lstm" */
/* Size and lay out R's parameter block (zeroed); no checks on the sizes. */
void rnn_alloc(Rnn *r, CellKind cell, int nsym, int embed, int hidden, int nclass);
/* The tensor views of another block with R's layout (for gradients, Adam moments). */
void rnn_view(const Rnn *r, float *block, Rnn *view);
/* PyTorch-style init: every parameter uniform in +-1/sqrt(hidden), embeddings N(0,1). */
void rnn_init_params(Rnn *r, Rng *rng);

/* Batched cell step over the M active rows of a batch (rows are independent;
** row strides are H for states, rnn_act_width for ACT).
**   xp    [M][G*H]  input projection Wx x + b (already computed)
**   hprev [M][H], cprev [M][H] (LSTM only, else NULL)
**   act   [M][A]    out: cached activations for the backward step
**   h     [M][H], c [M][H] (LSTM only): the new state
**   tmp   [M][rnn_tmp_width] scratch */
int rnn_act_width(const Rnn *r);          /* A */
int rnn_tmp_width(const Rnn *r);
void rnn_cell_forward(const Rnn *r, int m, const float *xp, const float *hprev,
                      const float *cprev, float *act, float *h, float *c, float *tmp);
/* Backward of rnn_cell_forward.  DH [M][H] holds dL/dh' and is replaced by
** dL/dhprev; DC likewise for LSTM (dL/dc' -> dL/dcprev).  DXP [M][G*H] gets
** dL/dxp (overwritten).  Gradients of Wh (and bh) are ADDED into G (a view
** of a gradient block).  C is the state the forward step wrote (LSTM).
** If G->Wh is NULL (not for MGU) dWh is left to the caller, who can sum
** delta^T hprev over many steps in one product: the recurrent deltas
** d(Wh h) [M][G*H] are DXP (Elman, LSTM) or TMP (GRU, row stride 3H). */
void rnn_cell_backward(const Rnn *r, int m, const float *hprev, const float *cprev,
                       const float *act, const float *c, float *dh, float *dc,
                       float *dxp, const Rnn *g, float *tmp);

/* y[j] = a[j] + b[j] for j < n, four lanes at a time; y may alias a or b. */
void rnn_vadd(float *y, const float *a, const float *b, int n);

/* Output layer on M rows of H: probs [M][nclass] = softmax(h Wo^T + bo). */
void rnn_out_forward(const Rnn *r, int m, const float *h, float *probs);

/* ---- trainer internals (train.c), exposed for tests and benchmarks ---- */

typedef struct RnnWork RnnWork;           /* buffers for batches up to B x T */
RnnWork *rnn_work_new(const Rnn *r, int max_batch, int max_len);
void rnn_work_free(RnnWork *w);
/* Mean cross-entropy of the N examples IDX[] of S (any order, lengths <=
** max_len, N <= max_batch).  If GRAD (a block of r->nparams floats) is not
** NULL it is overwritten with the gradient of that mean.  *CORRECT (if not
** NULL) gets how many examples the network classifies right. */
double rnn_batch_loss(const Rnn *r, RnnWork *w, const Split *s, const int32_t *idx,
                      int n, float *grad, int *correct);

#endif
