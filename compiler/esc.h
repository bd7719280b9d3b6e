/*
** esc.h -- turning data strings (words, class names) into display text.
**
** Contract: esc_display returns valid UTF-8 with no control characters:
** valid UTF-8 sequences are kept, except invisible or reordering code
** points (C1 controls, format characters such as U+200B and U+202E, U+2028,
** U+2029), which print as \u{XXXX}; any other byte (invalid UTF-8, C0
** controls, DEL, NUL) prints as the four characters \xHH and a backslash as
** \\, so two different byte strings never display alike.  Printers then
** only have to escape their own syntax (dot's quotes, CSV's quotes, JSON
** via jansson).  Caller frees.
*/
#ifndef RNF_ESC_H
#define RNF_ESC_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence starting at S (1..4), or 0. */
size_t esc_utf8_len(const unsigned char *s, size_t n);
char *esc_display(const char *s, size_t n);

#endif
