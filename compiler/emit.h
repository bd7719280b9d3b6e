/*
** emit.h -- back ends: one printer per output kind over the same inputs.
**
** Contract: every printer takes an EmitInput (the automaton IR, the
** tokenizer it reads input with, class names, provenance) and writes to
** already-open files; the driver owns opening and atomic commit.  Output is
** a pure function of the input: byte-identical for identical inputs.  A
** printer returns 0, or an RNF_EXIT_* code after reporting.
*/
#ifndef RNF_EMIT_H
#define RNF_EMIT_H

#include <stdio.h>
#include "spec.h"
#include "data.h"
#include "fsa.h"
#include "extract.h"

typedef struct Provenance {
  const char *version;      /* RNF_VERSION */
  const char *spec_name;    /* model NAME */
  const char *spec_file;    /* basename of the spec */
  uint64_t hash;            /* spec text + data content */
  uint64_t data_seed, rnn_seed, extract_seed;
  const char *cell;
  int hidden;
  int embed;                /* embedding width; 0 = one-hot input */
} Provenance;

typedef struct EmitInput {
  const Fsa *fsa;
  const Tokenizer *tok;
  int nclass;
  char *const *class_names;
  const char *prefix;       /* C identifier prefix, e.g. "t4" */
  EmitStyle style;
  int max_step;             /* table style, byte-level: bytes per step at most (0 = 8) */
  const Provenance *prov;
  const Eval *eval;
} EmitInput;

/* C: HEADER_NAME is what the .c file #includes ("classifier.h").  With
** C == NULL, writes a single header whose implementation is guarded by
** <PREFIX>_IMPLEMENTATION. */
int emit_c(const EmitInput *in, FILE *c, FILE *h, const char *header_name);
/* NULL when the generated C can #include "NAME" portably, else what in
** NAME prevents it ("a trigraph", ...): the driver refuses such an output
** before training. */
const char *emit_c_include_problem(const char *name);
/* Only the declarations of the .c form's header: what the LLVM outputs
** write beside themselves, since their objects share that ABI. */
int emit_c_header(const EmitInput *in, FILE *h);

/* LLVM (emit_llvm.c): the same automaton, ABI and semantics as emit_c (so
** the header emit_c writes declares the object's functions), lowered with
** the LLVM-C API and written to OUT as textual IR (.ll), bitcode (.bc) or a
** relocatable object (.o).  TRIPLE NULL = the host; OPT_LEVEL 0..3 runs
** LLVM's default<On> pipeline and code generation level.  The module is
** verified before anything is written; a verifier failure is an internal
** error.  An unknown target is reported with the list of available ones
** (RNF_EXIT_USAGE). */
typedef enum { LLVM_IR, LLVM_BC, LLVM_OBJ } LlvmKind;
int emit_llvm(const EmitInput *in, FILE *out, LlvmKind kind, const char *triple, int opt_level);
/* Check TRIPLE (NULL = host) names a target this LLVM can write KIND for,
** so the driver can fail before training: 0, or RNF_EXIT_USAGE after
** reporting (an unknown target lists the available ones). */
int emit_llvm_check_target(const char *triple, LlvmKind kind);

#endif
