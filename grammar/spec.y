/*
** spec.y -- the grammar of model specs (docs/spec.md has it in EBNF).
**
**   model NAME { section* }      section := IDENT { setting* }
**   setting := IDENT value* ;    value := scalar | scalar .. scalar | [ value, ... ]
**
** A pure, reentrant parser: the scanner object and the ParseCtx travel as
** parameters, nothing is global.  The tree is built as it is parsed --
** sections and settings go straight into ctx->ast -- so a run with syntax
** errors still returns everything it understood, and values still on the
** parser stack are released by %destructor when recovery discards them.
** Errors are explained from the set of tokens the parser could accept
** (with LAC, that set is exact) plus the section being parsed; recovery
** resynchronises at ';' (settings) and '}' (sections).
*/
%define api.pure full
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {yyscan_t scanner} {ParseCtx *ctx}

%code requires {
#include <stdbool.h>
#include <stddef.h>
#include "spec.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
typedef struct ParseCtx ParseCtx;

/* A growing list of values (a setting's values, a list's items). */
typedef struct ValVec { Value **v; int n; } ValVec;
}

%code provides {
/* Everything the scanner and the parser share about one parse. */
struct ParseCtx {
  const char *file;
  SpecAst *ast;
  Section *sect;            /* section being parsed, NULL outside one */
  YYLTYPE sect_brace;       /* its '{' */
  bool model_open;          /* inside model NAME { ... } */
  YYLTYPE model_brace;
  YYLTYPE key;              /* key of the setting being parsed */
  int line, col;            /* scanner position of the next byte */
  YYLTYPE prev, cur;        /* the two latest tokens' locations ... */
  int prev_tok, cur_tok;    /* ... and kinds (0 before the first) */
  char *prev_name, *cur_name; /* their text when they are names */
  bool prev_bad, cur_bad;   /* they had lexical errors (already reported) */
  bool lex_bad;             /* the token being scanned has one */
  int nerr;                 /* errors reported by this parse */
  bool stop;                /* too many errors: the scanner reports end of file */
};

#define YY_DECL int yylex(YYSTYPE *yylval_param, YYLTYPE *yylloc_param, yyscan_t yyscanner, ParseCtx *ctx)
YY_DECL;

/* Report an error at LOC from the scanner; counts toward the error cap. */
void spec_lex_error(ParseCtx *ctx, const YYLTYPE *loc, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
}

%code {
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "diag.h"
#include "spec.yy.h"

#define MAX_ERRORS 20
/* Deeply nested lists exhaust the stack long before C recursion would. */
#define YYMAXDEPTH 3000

static SrcLoc srcloc(YYLTYPE l)
{
  SrcLoc s = { l.first_line, l.first_column, l.last_line, l.last_column };
  return s;
}

/* Errors go through here so the cap applies to scanner and parser alike. */
static void verr(ParseCtx *ctx, const YYLTYPE *loc, const char *fmt, va_list ap)
{
  if (ctx->stop) return;
  if (ctx->nerr >= MAX_ERRORS) {
    diag(DIAG_ERROR, "too many errors in '%s', stopping now", ctx->file);
    ctx->stop = true;   /* not counted: "N errors generated" counts the file's */
    return;
  }
  char *msg;
  va_list aq;
  va_copy(aq, ap);
  int n = vsnprintf(NULL, 0, fmt, aq);
  va_end(aq);
  msg = xmalloc((size_t)n + 1);
  vsnprintf(msg, (size_t)n + 1, fmt, ap);
  diag_at(DIAG_ERROR, ctx->file, srcloc(*loc), "%s", msg);
  free(msg);
  ctx->nerr++;
}

static void perr(ParseCtx *ctx, const YYLTYPE *loc, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
static void perr(ParseCtx *ctx, const YYLTYPE *loc, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  verr(ctx, loc, fmt, ap);
  va_end(ap);
}

void spec_lex_error(ParseCtx *ctx, const YYLTYPE *loc, const char *fmt, ...)
{
  ctx->lex_bad = true;
  va_list ap;
  va_start(ap, fmt);
  verr(ctx, loc, fmt, ap);
  va_end(ap);
}

static void note(ParseCtx *ctx, YYLTYPE loc, const char *msg)
{
  if (!ctx->stop) diag_at(DIAG_NOTE, ctx->file, srcloc(loc), "%s", msg);
}

static void yyerror(YYLTYPE *loc, yyscan_t scanner, ParseCtx *ctx, const char *msg)
{
  (void)scanner;
  /* only "memory exhausted" reaches here: parse.error custom reports the rest */
  if (strcmp(msg, "memory exhausted") == 0)
    perr(ctx, loc, "lists nested too deeply");
  else
    perr(ctx, loc, "%s", msg);
}

static Value *new_value(ValKind k, YYLTYPE loc)
{
  Value *v = xcalloc(1, sizeof *v);
  v->kind = k;
  v->loc = srcloc(loc);
  return v;
}

static void vec_push(ValVec *vv, Value *v)
{
  vv->v = xrealloc(vv->v, sizeof *vv->v * (size_t)(vv->n + 1));
  vv->v[vv->n++] = v;
}

static void value_free(Value *v);
static void vec_free(ValVec *vv)
{
  for (int i = 0; i < vv->n; i++) value_free(vv->v[i]);
  free(vv->v);
  vv->v = NULL;
  vv->n = 0;
}

static void value_free(Value *v)
{
  if (!v) return;
  free(v->s);
  value_free(v->lo);
  value_free(v->hi);
  for (int i = 0; i < v->nitems; i++) value_free(v->items[i]);
  free(v->items);
  free(v);
}

static YYLTYPE after(YYLTYPE l)
{
  YYLTYPE a = { l.last_line, l.last_column + 1, l.last_line, l.last_column + 1 };
  return a;
}

static bool same_loc(YYLTYPE a, YYLTYPE b)
{
  return a.first_line == b.first_line && a.first_column == b.first_column;
}
}

%union {
  struct { char *s; size_t len; } str;
  long long ival;
  double rval;
  Value *val;
  ValVec vec;
}

%token <str> T_IDENT "name" T_STRING "string"
%token <ival> T_INT "integer" T_BOOL "boolean"
%token <rval> T_REAL "real number"
%token T_MODEL "'model'" T_DOTDOT "'..'"
%token T_LBRACE "'{'" T_RBRACE "'}'" T_LBRACKET "'['" T_RBRACKET "']'" T_COMMA "','" T_SEMI "';'"

%type <str> model_name key
%type <val> value scalar list
%type <vec> values items

%destructor { free($$.s); } <str>
%destructor { value_free($$); } <val>
%destructor { vec_free(&$$); } <vec>

%%

spec
  : model_open sections "'}'"           { ctx->model_open = false; }
  | model_open sections "'}'" error     { ctx->model_open = false; }  /* text after the model: still scanned */
  ;

model_open
  : "'model'" model_name "'{'"
      {
        if (strlen($2.s) != $2.len) perr(ctx, &@2, "model name must not contain NUL bytes");
        free(ctx->ast->model);
        ctx->ast->model = $2.s;
        ctx->ast->loc = srcloc(@2);
        ctx->model_open = true;
        ctx->model_brace = @3;
      }
  ;

model_name
  : "name"
  | "string"
  ;

sections
  : %empty
  | sections section
  ;

section
  : section_open settings "'}'"         { ctx->sect = NULL; }
  | section_open settings error "'}'"   { ctx->sect = NULL; }
  | error "'}'"                         { ctx->sect = NULL; }
  ;

section_open
  : "name" "'{'"
      {
        SpecAst *a = ctx->ast;
        Section *s = xcalloc(1, sizeof *s);
        s->name = $1.s;
        s->loc = srcloc(@1);
        a->sections = xrealloc(a->sections, sizeof *a->sections * (size_t)(a->nsections + 1));
        a->sections[a->nsections++] = s;
        ctx->sect = s;
        ctx->sect_brace = @2;
      }
  ;

settings
  : %empty
  | settings setting
  ;

setting
  : key values "';'"
      {
        Section *s = ctx->sect;
        Setting *st = xcalloc(1, sizeof *st);
        st->key = $1.s;
        st->loc = srcloc(@1);
        st->vals = $2.v;
        st->nvals = $2.n;
        s->settings = xrealloc(s->settings, sizeof *s->settings * (size_t)(s->nsettings + 1));
        s->settings[s->nsettings++] = st;
      }
  | error "';'"                         { yyerrok; }
  ;

key
  : "name"                              { ctx->key = @1; $$ = $1; }
  ;

values
  : %empty                              { $$.v = NULL; $$.n = 0; }
  | values value                        { $$ = $1; vec_push(&$$, $2); }
  ;

value
  : scalar
  | scalar "'..'" scalar
      {
        $$ = new_value(VAL_RANGE, @$);
        $$->lo = $1;
        $$->hi = $3;
      }
  | list
  ;

scalar
  : "integer"     { $$ = new_value(VAL_INT, @1); $$->i = $1; $$->r = (double)$1; }
  | "real number" { $$ = new_value(VAL_REAL, @1); $$->r = $1; }
  | "string"      { $$ = new_value(VAL_STRING, @1); $$->s = $1.s; $$->len = $1.len; }
  | "name"        { $$ = new_value(VAL_IDENT, @1); $$->s = $1.s; $$->len = $1.len; }
  | "boolean"     { $$ = new_value(VAL_BOOL, @1); $$->i = $1; $$->r = (double)$1; }
  ;

/* The list's location covers '[' .. ']'; a trailing comma is allowed. */
list
  : "'['" "']'"                         { $$ = new_value(VAL_LIST, @$); }
  | "'['" items "']'"                   { $$ = new_value(VAL_LIST, @$); $$->items = $2.v; $$->nitems = $2.n; }
  | "'['" items "','" "']'"             { $$ = new_value(VAL_LIST, @$); $$->items = $2.v; $$->nitems = $2.n; }
  ;

items
  : value                               { $$.v = NULL; $$.n = 0; vec_push(&$$, $1); }
  | items "','" value                   { $$ = $1; vec_push(&$$, $3); }
  ;

%%

/* A name as bison spells it, for the fallback "expected X or Y". */
static const char *tok_desc(yysymbol_kind_t k)
{
  switch (k) {
  case YYSYMBOL_YYEOF: return "end of file";
  case YYSYMBOL_T_IDENT: return "a name";
  case YYSYMBOL_T_STRING: return "a string";
  case YYSYMBOL_T_INT: return "an integer";
  case YYSYMBOL_T_REAL: return "a real number";
  case YYSYMBOL_T_BOOL: return "true or false";
  default: return yysymbol_name(k);
  }
}

static int yyreport_syntax_error(const yypcontext_t *pctx, yyscan_t scanner, ParseCtx *ctx)
{
  (void)scanner;
  /* "unterminated string" already said it: a follow-on "expected ';'" is noise */
  if (ctx->stop || ctx->prev_bad || ctx->cur_bad) return 0;
  enum { MAXTOK = YYNTOKENS };
  yysymbol_kind_t exp[MAXTOK];
  int n = yypcontext_expected_tokens(pctx, exp, MAXTOK);
  if (n < 0) n = 0;
  bool want[YYNTOKENS] = { false };
  for (int i = 0; i < n; i++) want[exp[i]] = true;
  yysymbol_kind_t la = yypcontext_token(pctx);
  YYLTYPE loc = *yypcontext_location(pctx);
  bool eof = la == YYSYMBOL_YYEOF;
  bool after_key = ctx->prev_tok == T_IDENT && same_loc(ctx->prev, ctx->key);
  YYLTYPE at = eof ? after(ctx->prev) : loc;
  if (eof && ctx->prev_tok == 0) at = loc;
  const char *pre = eof ? "unexpected end of file; " : "";

  if (want[YYSYMBOL_YYEOF] && n == 1) {
    perr(ctx, &loc, "expected end of file after the '}' that closes model '%s'",
         ctx->ast->model ? ctx->ast->model : "");
  } else if (want[YYSYMBOL_T_MODEL]) {
    static const char *const kw[] = { "model", NULL };
    if (la == YYSYMBOL_T_IDENT && ctx->cur_name && diag_suggest(ctx->cur_name, kw))   /* "modle m {" */
      perr(ctx, &loc, "expected 'model NAME { ... }' at the start of the spec; did you mean 'model'?");
    else
      perr(ctx, &loc, eof ? "unexpected end of file; expected 'model NAME { ... }'"
                          : "expected 'model NAME { ... }' at the start of the spec");
  } else if (want[YYSYMBOL_T_IDENT] && want[YYSYMBOL_T_STRING] && n == 2) {
    perr(ctx, eof ? &at : &loc, "%sexpected a model name after 'model'", pre);
  } else if (want[YYSYMBOL_T_SEMI] && ctx->sect && (la == YYSYMBOL_T_LBRACE || eof) && after_key) {
    /* "rnn { ... extract {": the '}' of rnn is missing (lparser's check_match) */
    YYLTYPE k = ctx->key;
    perr(ctx, eof ? &at : &k, "%sexpected '}' to close section '%s'", pre, ctx->sect->name);
    note(ctx, ctx->sect_brace, "to match this '{'");
  } else if (want[YYSYMBOL_T_SEMI]) {
    YYLTYPE a = after(ctx->prev);
    if (after_key)
      perr(ctx, &a, "%sexpected a value or ';' after '%s'", pre, ctx->prev_name);
    else
      perr(ctx, &a, "%sexpected ';' after value", pre);
  } else if (want[YYSYMBOL_T_RBRACKET] && want[YYSYMBOL_T_COMMA]) {
    perr(ctx, eof ? &at : &loc, "%sexpected ',' or ']' in list", pre);
  } else if (want[YYSYMBOL_T_RBRACKET]) {
    perr(ctx, eof ? &at : &loc, "%sexpected a value or ']' after '%c'", pre,
         ctx->prev_tok == T_COMMA ? ',' : '[');
  } else if (want[YYSYMBOL_T_INT] && !want[YYSYMBOL_T_LBRACKET]) {
    perr(ctx, eof ? &at : &loc, "%sexpected a value after '..'", pre);
  } else if (want[YYSYMBOL_T_INT]) {
    perr(ctx, eof ? &at : &loc, "%sexpected a value after ','", pre);
  } else if (want[YYSYMBOL_T_LBRACE] && n == 1) {
    YYLTYPE a = after(ctx->prev);
    if (ctx->model_open && ctx->prev_tok == T_IDENT)
      perr(ctx, &a, "%sexpected '{' after section name '%s'", pre, ctx->prev_name);
    else
      perr(ctx, &a, "%sexpected '{' after the model name", pre);
  } else if (want[YYSYMBOL_T_IDENT] && want[YYSYMBOL_T_RBRACE] && ctx->sect) {
    perr(ctx, eof ? &at : &loc, "%sexpected a key or '}' to close section '%s'", pre, ctx->sect->name);
    if (eof) note(ctx, ctx->sect_brace, "to match this '{'");
  } else if (want[YYSYMBOL_T_IDENT] && want[YYSYMBOL_T_RBRACE]) {
    perr(ctx, eof ? &at : &loc, "%sexpected a section name or '}' to close model '%s'", pre,
         ctx->ast->model ? ctx->ast->model : "");
    if (eof) note(ctx, ctx->model_brace, "to match this '{'");
  } else {
    /* a state the cases above miss: list what would have been accepted */
    char buf[512];
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && k < sizeof buf - 64; i++)
      k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
                            tok_desc(exp[i]));
    if (eof)
      perr(ctx, &at, "unexpected end of file%s%s", n ? "; expected " : "", buf);
    else
      perr(ctx, &loc, "unexpected %s%s%s", tok_desc(la), n ? "; expected " : "", buf);
  }
  return 0;
}

SpecAst *spec_parse(const char *file, const char *text, size_t len, int *nerrors)
{
  ParseCtx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.file = file;
  ctx.line = ctx.col = 1;
  ctx.ast = xcalloc(1, sizeof *ctx.ast);
  ctx.ast->file = xstrdup(file);
  /* a UTF-8 byte order mark is no text: lines and columns start after it */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
  diag_add_source(file, text, len);
  if (len > (size_t)INT32_MAX) {   /* flex buffers are int-sized */
    diag(DIAG_ERROR, "'%s' is too large to be a spec (%zu bytes)", file, len);
    *nerrors = 1;
    return ctx.ast;
  }
  yyscan_t sc;
  if (yylex_init(&sc) != 0) rnf_internal(__FILE__, __LINE__, "cannot create the scanner");
  YY_BUFFER_STATE buf = yy_scan_bytes(text, (int)len, sc);
  yyparse(sc, &ctx);
  yy_delete_buffer(buf, sc);
  yylex_destroy(sc);
  free(ctx.prev_name);
  free(ctx.cur_name);
  *nerrors = ctx.nerr;
  return ctx.ast;
}

void spec_ast_free(SpecAst *a)
{
  if (!a) return;
  for (int i = 0; i < a->nsections; i++) {
    Section *s = a->sections[i];
    for (int j = 0; j < s->nsettings; j++) {
      Setting *st = s->settings[j];
      for (int k = 0; k < st->nvals; k++) value_free(st->vals[k]);
      free(st->vals);
      free(st->key);
      free(st);
    }
    free(s->settings);
    free(s->name);
    free(s);
  }
  free(a->sections);
  free(a->model);
  free(a->file);
  free(a);
}
