/*
** lang.h -- generated languages: regular expressions over a small alphabet, compiled to a DFA.
**
** (regex.c; named lang.h so it cannot shadow the system <regex.h>.)
** Syntax (docs/data.md): literals (alphabet bytes), '.', character classes
** [01] [a-c] [^0], grouping ( ), alternation |, postfix * + ?, and '\'
** escaping the next byte.  The empty regex and empty alternatives match the
** empty string.  Thompson NFA, then subset construction, so the result is a
** complete DFA (with a dead state when needed), not necessarily minimal.
*/
#ifndef RNF_LANG_H
#define RNF_LANG_H

#include <stdbool.h>
#include <stddef.h>
#include "fsa.h"

#define REGEX_MAX_STATES 65536   /* DFA states before we give up */

/* Compile RE (LEN bytes) over ALPHA (NALPHA distinct bytes; symbol i is
** ALPHA[i]).  Returns the DFA (2 classes, label 1 = the whole input matches;
** caller frees), or NULL with *ERR = a message (caller frees) and *OFF the
** byte offset in RE where the problem was found. */
Fsa *regex_dfa(const char *re, size_t len, const char *alpha, size_t nalpha, char **err, size_t *off);

/* Syntax and alphabet check only (no DFA, so cheap): true if RE parses over
** ALPHA, else false with *ERR and *OFF as regex_dfa reports them.  The spec
** checker uses it; only "too many DFA states" is left for regex_dfa. */
bool regex_validate(const char *re, size_t len, const char *alpha, size_t nalpha, char **err, size_t *off);

#endif
