/*
** cgen.h -- small helpers for printing C source: literals, comments, tables.
**
** Contract: every byte string taken from user data (class names, words,
** file names) reaches generated code only through cgen_string (inside a
** string literal) or cgen_comment (inside a block comment).  Whatever the
** input -- quotes, backslashes, newlines, NUL, invalid UTF-8, comment
** terminators, trigraphs -- the output is a single well-formed token or
** comment body that a C99 compiler reads back as exactly those bytes (for
** literals) and that cannot end the comment early (for comments).  Shared by
** the C back end and later back ends that print C-like text.
*/
#ifndef RNF_CGEN_H
#define RNF_CGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "..." with every byte outside printable ASCII as a 3-digit octal escape
** (so a following digit is never absorbed), \" \\ \n \t, and the second '?'
** of "??" written as \? so no trigraph can form.  Quotes included. */
void cgen_string(FILE *f, const void *s, size_t n);

/* Text safe inside a block comment: printable ASCII is kept except that a
** backslash becomes "\\", the '/' of "*" "/" becomes "\/", the '*' of "/" "*"
** becomes "\*" and the second '?' of "??" becomes "\?"; other bytes print as
** \n, \t or \xHH.  Never prints a newline, so the caller controls layout;
** surround with spaces (the first/last byte may be '/' or '*'). */
void cgen_comment(FILE *f, const void *s, size_t n);

/* 1 if S is a C identifier ([A-Za-z_][A-Za-z0-9_]*). */
int cgen_is_ident(const char *s);

/* The smallest of uint8_t/uint16_t/uint32_t holding MAXV, and its size. */
const char *cgen_uint_type(uint32_t maxv);
size_t cgen_uint_size(uint32_t maxv);

/* N values as rows of PER_ROW right-aligned numbers, each row prefixed by
** INDENT, comma-separated (no trailing comma after the last value). */
void cgen_values(FILE *f, const char *indent, const uint32_t *v, size_t n, size_t per_row);

#endif
