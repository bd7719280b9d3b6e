/*
** diag.c -- clang-style diagnostics (see diag.h).
**
**   file:line:col: error: message
**     the quoted source line
**     ^~~~~
**
** Registered sources are kept (copied) so any later diagnostic can quote its
** line.  Columns are 1-based byte offsets, as the scanner counts them; the
** caret line copies tabs from the source and skips UTF-8 continuation bytes
** so the caret lands under the right character in a terminal.  Lines end at
** \n, \r\n or a lone \r, as the spec scanner counts them; a very long line
** is quoted as a window around the caret.
*/
#include "diag.h"
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct Source {
  char *file;
  char *text;
  size_t len;
} Source;

static Source *sources;
static int nsources;
static int nerrors;
static int colour = -1;      /* -1 = not decided yet */

#define C_BOLD  "\033[1m"
#define C_RED   "\033[1;31m"
#define C_MAG   "\033[1;35m"
#define C_CYAN  "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_OFF   "\033[0m"

static int use_colour(void)
{
  if (colour < 0) colour = isatty(fileno(stderr)) && !getenv("NO_COLOR");
  return colour;
}

void diag_add_source(const char *file, const char *text, size_t len)
{
  for (int i = 0; i < nsources; i++)
    if (strcmp(sources[i].file, file) == 0) {   /* re-registered: replace */
      free(sources[i].text);
      sources[i].text = xstrndup(text, len);
      sources[i].len = len;
      return;
    }
  sources = xrealloc(sources, sizeof *sources * (size_t)(nsources + 1));
  sources[nsources].file = xstrdup(file);
  sources[nsources].text = xstrndup(text, len);
  sources[nsources].len = len;
  nsources++;
}

static const Source *find_source(const char *file)
{
  for (int i = 0; i < nsources && file; i++)
    if (strcmp(sources[i].file, file) == 0) return &sources[i];
  return NULL;
}

static const char *level_name(DiagLevel l)
{
  return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

static const char *level_colour(DiagLevel l)
{
  return l == DIAG_ERROR ? C_RED : l == DIAG_WARNING ? C_MAG : C_CYAN;
}

/* S with every C0 control byte and DEL as \xHH: a path or string from a
** spec or a data file may hold ESC or a newline, which must neither
** repaint the terminal nor forge a line of output. */
static void put_safe(const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f) fprintf(stderr, "\\x%02X", *p);
    else fputc(*p, stderr);
}

/* "PREFIX: level: " with colours; PREFIX already formatted. */
static void head(DiagLevel lvl, const char *prefix)
{
  int c = use_colour();
  if (lvl == DIAG_ERROR) nerrors++;
  fputs(c ? C_BOLD : "", stderr);
  put_safe(prefix);
  fprintf(stderr, ":%s %s%s:%s %s", c ? C_OFF : "",
          c ? level_colour(lvl) : "", level_name(lvl), c ? C_OFF : "", c ? C_BOLD : "");
}

static void tail(void)
{
  fprintf(stderr, "%s\n", use_colour() ? C_OFF : "");
}

/* End of the line starting at P: the first \n or \r (a lone \r ends a line
** in old Mac files, \r\n in DOS files). */
static const char *line_end(const char *p, const char *end)
{
  while (p < end && *p != '\n' && *p != '\r') p++;
  return p;
}

/* Start of line LINE (1-based) of SRC, or NULL if the text is shorter. */
static const char *line_start(const Source *src, int line)
{
  const char *p = src->text, *end = src->text + src->len;
  for (int l = 1; l < line; l++) {
    p = line_end(p, end);
    if (p == end) return NULL;             /* line beyond the text */
    p += p + 1 < end && p[0] == '\r' && p[1] == '\n' ? 2 : 1;
  }
  return p;
}

const char *diag_source_line(const char *file, int line, size_t *len)
{
  const Source *src = find_source(file);
  const char *p = src && line > 0 ? line_start(src, line) : NULL;
  if (p) *len = (size_t)(line_end(p, src->text + src->len) - p);
  return p;
}

/* Lines longer than this many bytes are quoted as a window around the
** caret, "..." marking what is cut (as clang does), so a diagnostic in a
** 100 KB line stays one screen line. */
#define QUOTE_MAX 120
#define QUOTE_BEFORE 40          /* bytes kept before the caret */

/* Quote LINE of SRC and underline columns [col, end_col]. */
static void quote(const Source *src, SrcLoc loc)
{
  const char *p = line_start(src, loc.line);
  if (!p) return;
  size_t n = (size_t)(line_end(p, src->text + src->len) - p);
  if (n == 0 && loc.col <= 1) return;     /* nothing to show (e.g. end of file) */
  int col = loc.col < 1 ? 1 : loc.col;
  size_t c0 = (size_t)col - 1;            /* 0-based byte of the caret */
  size_t last = loc.end_line > loc.line ? n : (size_t)(loc.end_col > col ? loc.end_col : col);

  /* the window [ws, we) of the line to show */
  size_t ws = 0, we = n;
  if (n > QUOTE_MAX) {
    size_t w = QUOTE_MAX - 6;             /* room for both "..." */
    ws = c0 > QUOTE_BEFORE ? c0 - QUOTE_BEFORE : 0;
    if (ws + w > n) ws = n > w ? n - w : 0;
    while (ws > 0 && ws < n && ((unsigned char)p[ws] & 0xc0) == 0x80) ws++;  /* whole characters */
    we = ws + w < n ? ws + w : n;
    while (we < n && ((unsigned char)p[we] & 0xc0) == 0x80) we++;
    if (last > we) last = we;             /* the underline stops at the cut */
  }
  const char *pre = ws > 0 ? "..." : "";

  /* the line, with control bytes blanked so the terminal shows one column each */
  fputs(pre, stderr);
  for (size_t i = ws; i < we; i++) {
    unsigned char ch = (unsigned char)p[i];
    fputc(ch == '\t' || ch >= 0x20 ? (ch == 0x7f ? ' ' : ch) : ' ', stderr);
  }
  if (we < n) fputs("...", stderr);
  fputc('\n', stderr);

  int c = use_colour();
  if (c) fputs(C_GREEN, stderr);
  fprintf(stderr, "%*s", (int)strlen(pre), "");
  for (size_t i = ws; i < c0; i++) {
    unsigned char ch = i < n ? (unsigned char)p[i] : ' ';
    if ((ch & 0xc0) == 0x80) continue;    /* UTF-8 continuation: no column */
    fputc(ch == '\t' ? '\t' : ' ', stderr);
  }
  fputc('^', stderr);
  for (size_t i = c0 + 1; i < last; i++) {  /* i is the 0-based byte index */
    unsigned char ch = i < n ? (unsigned char)p[i] : ' ';
    if ((ch & 0xc0) == 0x80) continue;
    fputc('~', stderr);
  }
  if (c) fputs(C_OFF, stderr);
  fputc('\n', stderr);
}

/* "PREFIX: level: message" and the newline. */
static void report(DiagLevel lvl, const char *prefix, const char *fmt, va_list ap)
{
  head(lvl, prefix);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  char *msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
  if (n < 0 || vsnprintf(msg, (size_t)n + 1, fmt, ap) < 0) msg[0] = '\0';
  put_safe(msg);
  free(msg);
  tail();
}

/* -q prints errors only: a warning is dropped, and so are the notes that
** follow it (they belong to it); an error's notes still print. */
static int muted(DiagLevel lvl)
{
  static int in_warning;
  if (lvl != DIAG_NOTE) in_warning = lvl == DIAG_WARNING && rnf_verbosity < 0;
  return in_warning;
}

void diag_at(DiagLevel lvl, const char *file, SrcLoc loc, const char *fmt, ...)
{
  if (muted(lvl)) return;
  char *prefix;
  if (!file) prefix = xstrdup("rnnfsac");
  else if (loc.line <= 0) prefix = xstrdup(file);
  else if (loc.col <= 0) prefix = xasprintf("%s:%d", file, loc.line);
  else prefix = xasprintf("%s:%d:%d", file, loc.line, loc.col);
  va_list ap;
  va_start(ap, fmt);
  report(lvl, prefix, fmt, ap);
  va_end(ap);
  free(prefix);
  const Source *src = find_source(file);
  if (src && loc.line > 0 && loc.col > 0) quote(src, loc);
}

void diag_line(DiagLevel lvl, const char *file, long line, const char *fmt, ...)
{
  if (muted(lvl)) return;
  char *prefix = !file ? xstrdup("rnnfsac")
               : line > 0 ? xasprintf("%s:%ld", file, line) : xstrdup(file);
  va_list ap;
  va_start(ap, fmt);
  report(lvl, prefix, fmt, ap);
  va_end(ap);
  free(prefix);
}

void diag(DiagLevel lvl, const char *fmt, ...)
{
  if (muted(lvl)) return;
  va_list ap;
  va_start(ap, fmt);
  report(lvl, "rnnfsac", fmt, ap);
  va_end(ap);
}

int diag_errors(void) { return nerrors; }

void diag_reset(void)
{
  for (int i = 0; i < nsources; i++) {
    free(sources[i].file);
    free(sources[i].text);
  }
  free(sources);
  sources = NULL;
  nsources = 0;
  nerrors = 0;
  colour = -1;
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
** transpositions), case-insensitive: "hiden" -> "hidden" is 1, "ecpohs" ->
** "epochs" is 2. */
static size_t osa_distance(const char *a, const char *b)
{
  size_t n = strlen(a), m = strlen(b);
  size_t *d = xmalloc(sizeof *d * (n + 1) * (m + 1));   /* d[i][j]: (n+1) x (m+1) */
#define D(i, j) d[(i) * (m + 1) + (j)]
  for (size_t i = 0; i <= n; i++) D(i, 0) = i;
  for (size_t j = 0; j <= m; j++) D(0, j) = j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      int ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20;   /* ASCII fold; exact for letters */
      size_t cost = ca != cb, v = D(i - 1, j - 1) + cost;
      if (D(i - 1, j) + 1 < v) v = D(i - 1, j) + 1;
      if (D(i, j - 1) + 1 < v) v = D(i, j - 1) + 1;
      if (i > 1 && j > 1 && (a[i - 1] | 0x20) == (b[j - 2] | 0x20) &&
          (a[i - 2] | 0x20) == (b[j - 1] | 0x20) && D(i - 2, j - 2) + 1 < v)
        v = D(i - 2, j - 2) + 1;
      D(i, j) = v;
    }
  size_t r = D(n, m);
#undef D
  free(d);
  return r;
}

const char *diag_suggest(const char *word, const char *const *cands)
{
  if (!word || !cands) return NULL;
  size_t len = strlen(word), limit = len / 3 > 1 ? len / 3 : 1;
  if (len > 256) return NULL;               /* nobody mistypes a 257-byte key */
  const char *best = NULL;
  size_t bestd = limit + 1;
  for (int i = 0; cands[i]; i++) {
    size_t dist = osa_distance(word, cands[i]);
    /* half a short word is no typo: 'lr' is not 'l2' (that would silently
    ** set weight decay), only differences in case count there */
    if (dist > 0 && 2 * dist >= len) continue;
    if (dist < bestd) { bestd = dist; best = cands[i]; }
  }
  return best;
}
