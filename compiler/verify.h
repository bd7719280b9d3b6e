/*
** verify.h -- --verify: compile the generated C and check it against the
** compiler's own automaton.
**
** Contract: verify_c emits the classifier (as emit_c would) into a private
** temporary folder (under $TMPDIR, else /tmp; removed on a signal too),
** compiles it with $CC (default cc) under
** -std=c99 -Wall -Wextra -Werror together with a small driver, runs it on
** every test-split text and on SEED-determined random byte strings, each
** classified whole and fed in random chunks, and compares every label with
** what tok_encode + fsa_classify give in the compiler (-1 where the text
** cannot be tokenized).  With LLVM_OPT >= 0 it also writes the LLVM back
** end's object for the host at that -O level, links the same driver (and
** the C back end's header) with it instead, and checks it on the same
** inputs: the two back ends must agree with the automaton, and so with
** each other.  With SINGLE it also checks the one-header form (-o X.h):
** the header plus a file that defines <PREFIX>_IMPLEMENTATION and
** includes it.  (For a cross --target the host object is built from the
** same lowering; its own machine code cannot run here.)  The folder is
** removed afterwards.  Returns RNF_EXIT_OK; RNF_EXIT_VERIFY after reporting
** the compiler's errors or the first disagreements; RNF_EXIT_USAGE when
** $CC cannot be run, fails silently or writes no program.
*/
#ifndef RNF_VERIFY_H
#define RNF_VERIFY_H

#include "emit.h"

int verify_c(const EmitInput *in, const Dataset *d, uint64_t seed, int llvm_opt, int single);

#endif
