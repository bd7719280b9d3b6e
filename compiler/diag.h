/*
** diag.h -- diagnostics, printed the way clang prints them.
**
**   tomita4.spec:3:14: error: unknown key 'hiden' in section 'rnn'; did you mean 'hidden'?
**     rnn { cell gru; hiden 16; }
**                     ^~~~~
**
** Contract: a file's text is registered once (diag_add_source) so that later
** diagnostics against it can quote the line; messages without a location
** print as "rnnfsac: error: ...".  Control bytes (C0, DEL) in a message or
** its file name print as \xHH, so text quoted from input cannot drive the
** terminal.  Colour only when stderr is a terminal and
** NO_COLOR is unset.  With -q (rnf_verbosity < 0) warnings, and the
** notes that follow them, are not printed.  The module counts errors; the driver reads the count to
** decide the exit status.  Not thread-safe: call it from the main thread.
*/
#ifndef RNF_DIAG_H
#define RNF_DIAG_H

#include <stddef.h>

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

/* A source span: 1-based line and column of the first byte, and how many
** columns to underline (0 or 1 = caret only). */
typedef struct SrcLoc {
  int line, col;
  int end_line, end_col;    /* last column, inclusive (as bison's YYLTYPE) */
} SrcLoc;

/* Register FILE's text (copied) so diagnostics can quote its lines. */
void diag_add_source(const char *file, const char *text, size_t len);

/* Line LINE (1-based) of registered FILE, without its line break (\n, \r\n
** or a lone \r end a line): a pointer into the stored copy and *LEN its
** length, or NULL if FILE is not registered or is shorter. */
const char *diag_source_line(const char *file, int line, size_t *len);

/* file:line:col: level: message, then the quoted line and a caret/tilde
** underline.  FILE may be NULL for "rnnfsac:" messages. */
void diag_at(DiagLevel lvl, const char *file, SrcLoc loc, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

/* file:line: level: message (no column, no quote: for data files). */
void diag_line(DiagLevel lvl, const char *file, long line, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

/* rnnfsac: level: message */
void diag(DiagLevel lvl, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

int diag_errors(void);      /* errors reported so far */
void diag_reset(void);      /* forget sources and counts (tests) */

/* Edit distance helper for did-you-mean: the closest of CANDS (NULL
** terminated) to WORD, or NULL when nothing is close enough (at most a third
** of WORD's length, at least 1, and always less than half of it: a 2-letter
** word is only matched up to case). */
const char *diag_suggest(const char *word, const char *const *cands);

#endif
