/*
** emit_llvm.c -- the LLVM back end: an Fsa plus its tokenizer as LLVM IR,
** bitcode or an object file, built with the LLVM-C API.
**
** Same ABI and semantics as the C back end (emit_c.c, docs/generated-api.md)
** so the header emit_c writes declares this object's functions too:
**   %<p>_state = type { iN }            N = 8/16/32 as emit_c's state field
**   void <p>_init(state*)   void <p>_feed(state*, const void*, size_t)
**   int <p>_label(const state*)   int <p>_classify(const void*, size_t)
**   const char *<p>_class_name(int)
** Input is read through one 256-entry byte -> input class table that folds
** the tokenizer's byte map into the automaton's symbol classes; bytes the
** tokenizer rejects lead to a sticky error state labelled -1.  Two styles:
**   table   constant next[state][class] table, one loop
**   switch  one block per state, an LLVM switch on the input class (the
**           automaton becomes the control flow; the error state exits early)
**
** Everything target-dependent (size_t, int, data layout, relocation model)
** comes from a target machine built for the triple with its default CPU and
** no host features, so the output depends only on the input and the triple.
** The module is verified before it is written.  Output is written to the
** driver's FILE* from memory buffers, so the driver's atomic output works.
*/
#include "emit.h"
#include "common.h"
#include "cgen.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <llvm/Config/llvm-config.h>

/* What both styles need, computed once: the same construction as emit_c's
** plan, so both back ends give every input the same label. */
typedef struct Plan {
  const EmitInput *in;
  const Fsa *f;
  int nstates;              /* automaton states */
  int err;                  /* sticky error state (== nstates) or -1 */
  int nrows;                /* nstates + (err >= 0) */
  int ncls;                 /* input classes, including the error class */
  int errcls;               /* -1 or ncls - 1 */
  int32_t byteclass[256];   /* byte -> input class */
  uint32_t *next;           /* [nrows * ncls] */
  int32_t *label;           /* [nrows]; -1 for the error state */
  uint32_t mul;             /* table style: a state is kept as its row offset state * ncls (as emit_c) */
} Plan;

/* Builder state for one module. */
typedef struct Gen {
  const Plan *pl;
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  LLVMTypeRef i8, i32, intty, sizety, ptr8, st_t, cls_t, lab_t, statety, stateptr;
  LLVMValueRef tab_class, tab_next, tab_label, tab_names;
  LLVMTypeRef tab_class_t, tab_next_t, tab_label_t, tab_names_t;
} Gen;

static int llvm_ready;

/* LLVM reports some errors (e.g. an impossible code generation request) by
** calling this and then aborting: make that our internal error. */
static void fatal_handler(const char *reason)
{
  rnf_internal(__FILE__, __LINE__, "LLVM: %s", reason);
}

static void llvm_init(void)
{
  if (llvm_ready) return;
  llvm_ready = 1;
  LLVMInitializeAllTargetInfos();
  LLVMInitializeAllTargets();
  LLVMInitializeAllTargetMCs();
  LLVMInitializeAllAsmPrinters();
  LLVMInstallFatalErrorHandler(fatal_handler);
}

/* ---- the plan ------------------------------------------------------------ */

static const char *tokens_name(TokensKind k)
{
  switch (k) {
  case TOKS_ALPHABET: return "alphabet";
  case TOKS_BYTES: return "bytes";
  case TOKS_CHARS: return "chars";
  case TOKS_WORDS: return "words";
  }
  return "?";
}

static int plan_build(const EmitInput *in, Plan *pl)
{
  memset(pl, 0, sizeof *pl);
  const Fsa *f = in->fsa;
  const Tokenizer *t = in->tok;
  pl->in = in; pl->f = f;
  if (!cgen_is_ident(in->prefix)) {
    diag(DIAG_ERROR, "emit prefix '%s' is not a C identifier", in->prefix ? in->prefix : "");
    return RNF_EXIT_SPEC;
  }
  if (fsa_validate(f) != 0 || f->nsym != t->nsym || in->nclass != f->nclass || !f->symclass)
    rnf_internal(__FILE__, __LINE__, "emit_llvm: automaton does not match its tokenizer or classes");
  if (t->kind != TOKS_ALPHABET && t->kind != TOKS_BYTES) {
    diag(DIAG_ERROR, "the LLVM back end does not support '%s' tokens yet", tokens_name(t->kind));
    return RNF_EXIT_SPEC;
  }
  pl->nstates = f->nstates;

  /* A symbol class's column is that of its first member. */
  int *rep = xmalloc((size_t)f->nsymclass * sizeof *rep);
  for (int c = 0; c < f->nsymclass; c++) rep[c] = -1;
  for (int a = 0; a < f->nsym; a++) if (rep[f->symclass[a]] < 0) rep[f->symclass[a]] = a;
  for (int s = 0; s < f->nstates; s++)
    for (int a = 0; a < f->nsym; a++)
      if (f->next[(size_t)s * (size_t)f->nsym + (size_t)a]
          != f->next[(size_t)s * (size_t)f->nsym + (size_t)rep[f->symclass[a]]])
        rnf_internal(__FILE__, __LINE__, "emit_llvm: symbol %d differs from its class", a);

  int bad = 0;
  for (int b = 0; b < 256; b++) {
    int sym = t->bytemap[b] >= 0 ? t->bytemap[b] : t->unk;
    if (sym >= f->nsym) rnf_internal(__FILE__, __LINE__, "emit_llvm: byte %d maps to symbol %d", b, sym);
    pl->byteclass[b] = sym >= 0 ? f->symclass[sym] : -1;
    bad |= sym < 0;
  }
  pl->ncls = f->nsymclass + bad;
  pl->errcls = bad ? f->nsymclass : -1;
  pl->err = bad ? f->nstates : -1;
  pl->nrows = f->nstates + bad;
  for (int b = 0; b < 256; b++) if (pl->byteclass[b] < 0) pl->byteclass[b] = pl->errcls;

  pl->next = xmalloc((size_t)pl->nrows * (size_t)pl->ncls * sizeof *pl->next);
  for (int s = 0; s < pl->nrows; s++)
    for (int c = 0; c < pl->ncls; c++) {
      uint32_t to;
      if (s == pl->err || c == pl->errcls) to = (uint32_t)pl->err;
      else to = (uint32_t)f->next[(size_t)s * (size_t)f->nsym + (size_t)rep[c]];
      pl->next[(size_t)s * (size_t)pl->ncls + (size_t)c] = to;
    }
  free(rep);
  pl->label = xmalloc((size_t)pl->nrows * sizeof *pl->label);
  for (int s = 0; s < pl->nrows; s++) pl->label[s] = s == pl->err ? -1 : f->label[s];
  /* As emit_c: the table style keeps the state as its row offset in a flat
  ** next[] (values premultiplied), so the loop-carried path is one add and
  ** one load; the state field's width follows from the largest offset. */
  pl->mul = in->style == STYLE_TABLE ? (uint32_t)pl->ncls : 1;
  for (size_t i = 0; i < (size_t)pl->nrows * (size_t)pl->ncls; i++) pl->next[i] *= pl->mul;
  return 0;
}

static void plan_free(Plan *pl)
{
  free(pl->next);
  free(pl->label);
}

/* ---- targets ------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "aarch64, arm, ...": the registered targets, sorted (caller frees). */
static char *target_list(void)
{
  int n = 0;
  for (LLVMTargetRef t = LLVMGetFirstTarget(); t; t = LLVMGetNextTarget(t)) n++;
  const char **v = xcalloc((size_t)(n ? n : 1), sizeof *v);
  size_t len = 1;
  n = 0;
  for (LLVMTargetRef t = LLVMGetFirstTarget(); t; t = LLVMGetNextTarget(t)) {
    v[n] = LLVMGetTargetName(t);
    len += strlen(v[n++]) + 2;
  }
  qsort(v, (size_t)n, sizeof *v, cmp_str);
  char *s = xmalloc(len), *q = s;
  *q = '\0';
  for (int i = 0; i < n; i++) q += sprintf(q, "%s%s", i ? ", " : "", v[i]);
  free(v);
  return s;
}

/* The normalized triple (LLVMDisposeMessage) and its target, or NULL after
** reporting. */
static char *resolve_target(const char *triple, LLVMTargetRef *tgt)
{
  llvm_init();
  char *tr = triple ? LLVMNormalizeTargetTriple(triple) : LLVMGetDefaultTargetTriple();
  char *msg = NULL;
  if (!*tr || LLVMGetTargetFromTriple(tr, tgt, &msg)) {
    char *list = target_list();
    diag(DIAG_ERROR, "unknown or unsupported target '%s'; this LLVM (%s) can emit for: %s "
         "(as triples such as x86_64-pc-linux-gnu, thumbv7em-none-eabi, riscv32-unknown-elf, "
         "wasm32-unknown-unknown)", triple ? triple : tr, LLVM_VERSION_STRING, list);
    free(list);
    if (msg) LLVMDisposeMessage(msg);
    LLVMDisposeMessage(tr);
    return NULL;
  }
  if (msg) LLVMDisposeMessage(msg);
  return tr;
}

/* Object files need the target's assembler back end (NVPTX has none). */
static int check_kind(LLVMTargetRef t, const char *tr, LlvmKind kind)
{
  if (kind != LLVM_OBJ || LLVMTargetHasAsmBackend(t)) return 0;
  diag(DIAG_ERROR, "LLVM cannot write object files for '%s'; write .ll or .bc instead", tr);
  return RNF_EXIT_USAGE;
}

int emit_llvm_check_target(const char *triple, LlvmKind kind)
{
  LLVMTargetRef t;
  char *tr = resolve_target(triple, &t);
  if (!tr) return RNF_EXIT_USAGE;
  int rc = check_kind(t, tr, kind);
  LLVMDisposeMessage(tr);
  return rc;
}

/* Hosted systems link position-independent executables by default (Debian's
** cc makes PIEs): emit PIC there; bare-metal and wasm keep the default. */
static LLVMRelocMode reloc_for(const char *triple)
{
  static const char *const hosted[] = { "linux", "bsd", "darwin", "macos", "ios", "android",
                                        "fuchsia", "solaris", NULL };
  for (int i = 0; hosted[i]; i++) if (strstr(triple, hosted[i])) return LLVMRelocPIC;
  return LLVMRelocDefault;
}

/* C's int is 16 bits on these; 32 everywhere else LLVM targets. */
static unsigned int_bits(const char *triple)
{
  return !strncmp(triple, "avr", 3) || !strncmp(triple, "msp430", 6) ? 16 : 32;
}

/* ---- IR construction ----------------------------------------------------- */

static LLVMTypeRef uint_type(Gen *g, uint32_t maxv)
{
  return maxv <= 0xffu ? g->i8 : maxv <= 0xffffu ? LLVMInt16TypeInContext(g->ctx) : g->i32;
}

/* A signed type holding -1 .. maxv. */
static LLVMTypeRef sint_type(Gen *g, uint32_t maxv)
{
  return maxv <= 0x7fu ? g->i8 : maxv <= 0x7fffu ? LLVMInt16TypeInContext(g->ctx) : g->i32;
}

static LLVMValueRef const_table(LLVMTypeRef elt, const uint32_t *v, size_t n, LLVMTypeRef *arrty)
{
  LLVMValueRef *c = xmalloc((n ? n : 1) * sizeof *c);
  for (size_t i = 0; i < n; i++) c[i] = LLVMConstInt(elt, v[i], 0);
  LLVMValueRef arr = LLVMConstArray(elt, c, (unsigned)n);
  *arrty = LLVMArrayType(elt, (unsigned)n);
  free(c);
  return arr;
}

static LLVMValueRef add_global(Gen *g, LLVMTypeRef ty, const char *name, LLVMValueRef init, LLVMLinkage link)
{
  LLVMValueRef gv = LLVMAddGlobal(g->mod, ty, name);
  LLVMSetInitializer(gv, init);
  LLVMSetGlobalConstant(gv, 1);
  LLVMSetLinkage(gv, link);
  LLVMSetUnnamedAddress(gv, LLVMGlobalUnnamedAddr);   /* nobody outside sees their addresses */
  return gv;
}

static void build_tables(Gen *g)
{
  const Plan *pl = g->pl;
  const Fsa *f = pl->f;
  const char *p = pl->in->prefix;
  char *nm;
  uint32_t v[256];

  for (int b = 0; b < 256; b++) v[b] = (uint32_t)pl->byteclass[b];
  nm = xasprintf("%s_tab_class", p);
  g->tab_class = add_global(g, LLVMArrayType(g->cls_t, 256), nm,
                            const_table(g->cls_t, v, 256, &g->tab_class_t), LLVMInternalLinkage);
  free(nm);

  if (pl->in->style == STYLE_TABLE) {
    /* flat [nrows * ncls]: row offset + input class -> row offset */
    nm = xasprintf("%s_tab_next", p);
    g->tab_next = add_global(g, LLVMArrayType(g->st_t, (unsigned)(pl->nrows * pl->ncls)), nm,
                             const_table(g->st_t, pl->next, (size_t)pl->nrows * (size_t)pl->ncls, &g->tab_next_t),
                             LLVMInternalLinkage);
    free(nm);
  }

  /* Labels, the error row's -1 included, so _label is one load and a sext. */
  LLVMValueRef *labs = xmalloc((size_t)pl->nrows * sizeof *labs);
  for (int s = 0; s < pl->nrows; s++) labs[s] = LLVMConstInt(g->lab_t, (unsigned long long)(long long)pl->label[s], 1);
  g->tab_label_t = LLVMArrayType(g->lab_t, (unsigned)pl->nrows);
  nm = xasprintf("%s_tab_label", p);
  g->tab_label = add_global(g, g->tab_label_t, nm, LLVMConstArray(g->lab_t, labs, (unsigned)pl->nrows),
                            LLVMInternalLinkage);
  free(nm);
  free(labs);

  LLVMValueRef *strs = xmalloc((size_t)f->nclass * sizeof *strs);
  for (int c = 0; c < f->nclass; c++) {
    const char *s = pl->in->class_names[c];
    unsigned len = (unsigned)strlen(s);
    LLVMValueRef str = LLVMConstStringInContext(g->ctx, s, len, 0);
    nm = xasprintf("%s_str.%d", p, c);
    LLVMValueRef gv = add_global(g, LLVMArrayType(g->i8, len + 1), nm, str, LLVMPrivateLinkage);
    LLVMSetAlignment(gv, 1);
    free(nm);
    LLVMValueRef zero[2] = { LLVMConstInt(g->i32, 0, 0), LLVMConstInt(g->i32, 0, 0) };
    strs[c] = LLVMConstInBoundsGEP2(LLVMArrayType(g->i8, len + 1), gv, zero, 2);
  }
  g->tab_names_t = LLVMArrayType(g->ptr8, (unsigned)f->nclass);
  nm = xasprintf("%s_tab_names", p);
  g->tab_names = add_global(g, g->tab_names_t, nm, LLVMConstArray(g->ptr8, strs, (unsigned)f->nclass),
                            LLVMInternalLinkage);
  free(nm);
  free(strs);
}

static LLVMValueRef add_function(Gen *g, const char *suffix, LLVMTypeRef ret, LLVMTypeRef *params,
                                 unsigned np, int ret_signext)
{
  char *nm = xasprintf("%s_%s", g->pl->in->prefix, suffix);
  LLVMValueRef fn = LLVMAddFunction(g->mod, nm, LLVMFunctionType(ret, params, np, 0));
  free(nm);
  unsigned k = LLVMGetEnumAttributeKindForName("nounwind", 8);
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(g->ctx, k, 0));
  /* Some ABIs (riscv64, ppc64, ...) require the callee to sign-extend an int
  ** result; doing it is correct on every target. */
  if (ret_signext) {
    k = LLVMGetEnumAttributeKindForName("signext", 7);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeReturnIndex, LLVMCreateEnumAttribute(g->ctx, k, 0));
  }
  return fn;
}

/* V (unsigned) as an index of type size_t, which is 16 bits on AVR. */
static LLVMValueRef to_size(Gen *g, LLVMValueRef v, const char *name)
{
  unsigned w = LLVMGetIntTypeWidth(LLVMTypeOf(v)), sw = LLVMGetIntTypeWidth(g->sizety);
  return w < sw ? LLVMBuildZExt(g->b, v, g->sizety, name)
         : w > sw ? LLVMBuildTrunc(g->b, v, g->sizety, name) : v;
}

/* An unsigned table element (i8/i16/i32) as i32. */
static LLVMValueRef to_i32(Gen *g, LLVMValueRef v, const char *name)
{
  return LLVMGetIntTypeWidth(LLVMTypeOf(v)) < 32 ? LLVMBuildZExt(g->b, v, g->i32, name) : v;
}

/* tab_class[buf[i]] as i32. */
static LLVMValueRef load_class(Gen *g, LLVMValueRef buf, LLVMValueRef i)
{
  LLVMValueRef bp = LLVMBuildInBoundsGEP2(g->b, g->i8, buf, &i, 1, "bp");
  LLVMValueRef byte = LLVMBuildLoad2(g->b, g->i8, bp, "byte");
  LLVMValueRef idx[2] = { LLVMConstInt(g->sizety, 0, 0), to_size(g, byte, "b") };
  LLVMValueRef cp = LLVMBuildInBoundsGEP2(g->b, g->tab_class_t, g->tab_class, idx, 2, "clsp");
  return to_i32(g, LLVMBuildLoad2(g->b, g->cls_t, cp, "cls.t"), "cls");
}

/* Table style: st = next[st + class[buf[i]]] for i < n (st a row offset).
** ST0 is i32; returns the final state (i32) with the builder at the end of
** the exit block. */
static LLVMValueRef run_table(Gen *g, LLVMValueRef fn, LLVMValueRef st0, LLVMValueRef buf, LLVMValueRef n)
{
  LLVMBasicBlockRef entry = LLVMGetInsertBlock(g->b);
  LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(g->ctx, fn, "loop");
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(g->ctx, fn, "done");
  LLVMValueRef zero = LLVMConstInt(g->sizety, 0, 0);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, n, zero, "empty"), done, loop);

  LLVMPositionBuilderAtEnd(g->b, loop);
  LLVMValueRef i = LLVMBuildPhi(g->b, g->sizety, "i");
  LLVMValueRef st = LLVMBuildPhi(g->b, g->i32, "st");
  LLVMValueRef cls = load_class(g, buf, i);
  LLVMValueRef cell = LLVMBuildNUWAdd(g->b, st, cls, "cell");
  LLVMValueRef idx[2] = { zero, to_size(g, cell, "cellx") };
  LLVMValueRef np = LLVMBuildInBoundsGEP2(g->b, g->tab_next_t, g->tab_next, idx, 2, "nextp");
  LLVMValueRef nx = to_i32(g, LLVMBuildLoad2(g->b, g->st_t, np, "next"), "st.next");
  LLVMValueRef i1 = LLVMBuildNUWAdd(g->b, i, LLVMConstInt(g->sizety, 1, 0), "i.next");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, i1, n, "end"), done, loop);
  LLVMValueRef iv[2] = { zero, i1 }, sv[2] = { st0, nx };
  LLVMBasicBlockRef ib[2] = { entry, loop };
  LLVMAddIncoming(i, iv, ib, 2);
  LLVMAddIncoming(st, sv, ib, 2);

  LLVMPositionBuilderAtEnd(g->b, done);
  LLVMValueRef fin = LLVMBuildPhi(g->b, g->i32, "st.final");
  LLVMAddIncoming(fin, sv, ib, 2);
  return fin;
}

/* Incoming edges of a phi, collected while the blocks are built. */
typedef struct Edges { LLVMValueRef *v; LLVMBasicBlockRef *b; int n, cap; } Edges;

static void edge_add(Edges *e, LLVMValueRef v, LLVMBasicBlockRef b)
{
  if (e->n == e->cap) {
    e->cap = e->cap ? 2 * e->cap : 4;
    e->v = xrealloc(e->v, (size_t)e->cap * sizeof *e->v);
    e->b = xrealloc(e->b, (size_t)e->cap * sizeof *e->b);
  }
  e->v[e->n] = v; e->b[e->n] = b; e->n++;
}

/* Switch style: block s<k> is "in state k at offset i": stop if i == n,
** else read a byte and switch on its class to the successor's block.  The
** error state leaves at once (it is sticky).  Unknown incoming states (an
** uninitialized state object) leave unchanged. */
static LLVMValueRef run_switch(Gen *g, LLVMValueRef fn, LLVMValueRef st0, LLVMValueRef buf, LLVMValueRef n)
{
  const Plan *pl = g->pl;
  int ns = pl->nstates;
  LLVMBasicBlockRef entry = LLVMGetInsertBlock(g->b);
  LLVMBasicBlockRef *blk = xmalloc((size_t)pl->nrows * sizeof *blk);
  LLVMBasicBlockRef *rd = xmalloc((size_t)ns * sizeof *rd);
  LLVMValueRef *iphi = xmalloc((size_t)ns * sizeof *iphi);
  Edges *in = xcalloc((size_t)ns, sizeof *in);
  Edges out = { 0 };
  char nm[32];
  for (int s = 0; s < pl->nrows; s++) {
    snprintf(nm, sizeof nm, s == pl->err ? "error" : "s%d", s);
    blk[s] = LLVMAppendBasicBlockInContext(g->ctx, fn, nm);
    if (s < ns) {
      snprintf(nm, sizeof nm, "s%d.read", s);
      rd[s] = LLVMAppendBasicBlockInContext(g->ctx, fn, nm);
    }
  }
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(g->ctx, fn, "done");
  LLVMValueRef zero = LLVMConstInt(g->sizety, 0, 0);

  if (LLVMIsConstant(st0)) {            /* classify: starts in a known state */
    int s0 = (int)LLVMConstIntGetZExtValue(st0);
    LLVMBuildBr(g->b, blk[s0]);
    edge_add(&in[s0], zero, entry);
  } else {
    LLVMValueRef sw = LLVMBuildSwitch(g->b, st0, done, (unsigned)pl->nrows);
    edge_add(&out, st0, entry);
    for (int s = 0; s < pl->nrows; s++) {
      LLVMAddCase(sw, LLVMConstInt(g->i32, (unsigned long long)s, 0), blk[s]);
      if (s < ns) edge_add(&in[s], zero, entry);
    }
  }
  if (pl->err >= 0) {             /* reached from the dispatch or an error byte */
    LLVMPositionBuilderAtEnd(g->b, blk[pl->err]);
    LLVMBuildBr(g->b, done);
    edge_add(&out, LLVMConstInt(g->i32, (unsigned long long)pl->err, 0), blk[pl->err]);
  }
  for (int s = 0; s < ns; s++) {
    LLVMPositionBuilderAtEnd(g->b, blk[s]);
    iphi[s] = LLVMBuildPhi(g->b, g->sizety, "i");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, iphi[s], n, "end"), done, rd[s]);
    edge_add(&out, LLVMConstInt(g->i32, (unsigned long long)s, 0), blk[s]);

    LLVMPositionBuilderAtEnd(g->b, rd[s]);
    const uint32_t *row = pl->next + (size_t)s * (size_t)pl->ncls;
    int best = 0, bestn = 0;
    for (int c = 0; c < pl->ncls; c++) {
      int k = 0;
      for (int d = 0; d < pl->ncls; d++) k += row[d] == row[c];
      if (k > bestn) { bestn = k; best = c; }
    }
    LLVMValueRef cls = bestn == pl->ncls ? NULL : load_class(g, buf, iphi[s]);
    LLVMValueRef i1 = LLVMBuildNUWAdd(g->b, iphi[s], LLVMConstInt(g->sizety, 1, 0), "i.next");
    /* Every edge into a state block, duplicates included, needs its phi entry. */
    if (!cls) {
      LLVMBuildBr(g->b, blk[row[0]]);
      if ((int)row[0] < ns) edge_add(&in[row[0]], i1, rd[s]);
      continue;
    }
    LLVMValueRef csw = LLVMBuildSwitch(g->b, cls, blk[row[best]], (unsigned)(pl->ncls - bestn));
    if ((int)row[best] < ns) edge_add(&in[row[best]], i1, rd[s]);
    for (int c = 0; c < pl->ncls; c++) {
      if (row[c] == row[best]) continue;
      LLVMAddCase(csw, LLVMConstInt(g->i32, (unsigned long long)c, 0), blk[row[c]]);
      if ((int)row[c] < ns) edge_add(&in[row[c]], i1, rd[s]);
    }
  }
  for (int s = 0; s < ns; s++) {
    LLVMAddIncoming(iphi[s], in[s].v, in[s].b, (unsigned)in[s].n);
    free(in[s].v); free(in[s].b);
  }
  LLVMPositionBuilderAtEnd(g->b, done);
  LLVMValueRef fin = LLVMBuildPhi(g->b, g->i32, "st.final");
  LLVMAddIncoming(fin, out.v, out.b, (unsigned)out.n);
  free(out.v); free(out.b);
  free(in); free(iphi); free(rd); free(blk);
  return fin;
}

static LLVMValueRef run(Gen *g, LLVMValueRef fn, LLVMValueRef st0, LLVMValueRef buf, LLVMValueRef n)
{
  return g->pl->in->style == STYLE_TABLE ? run_table(g, fn, st0, buf, n) : run_switch(g, fn, st0, buf, n);
}

/* label[st / mul] as C int; ST is i32 or the state field's type. */
static LLVMValueRef lookup_label(Gen *g, LLVMValueRef st)
{
  LLVMValueRef row = to_size(g, st, "st.z");
  if (g->pl->mul > 1) row = LLVMBuildUDiv(g->b, row, LLVMConstInt(g->sizety, g->pl->mul, 0), "row");
  LLVMValueRef idx[2] = { LLVMConstInt(g->sizety, 0, 0), row };
  LLVMValueRef lp = LLVMBuildInBoundsGEP2(g->b, g->tab_label_t, g->tab_label, idx, 2, "labp");
  LLVMValueRef lab = LLVMBuildLoad2(g->b, g->lab_t, lp, "lab");
  return LLVMGetIntTypeWidth(g->lab_t) == LLVMGetIntTypeWidth(g->intty) ? lab
         : LLVMGetIntTypeWidth(g->lab_t) < LLVMGetIntTypeWidth(g->intty) ? LLVMBuildSExt(g->b, lab, g->intty, "label")
         : LLVMBuildTrunc(g->b, lab, g->intty, "label");
}

static LLVMValueRef state_field(Gen *g, LLVMValueRef s)
{
  return LLVMBuildStructGEP2(g->b, g->statety, s, 0, "statep");
}

static void build_functions(Gen *g)
{
  const Plan *pl = g->pl;
  LLVMTypeRef sp[1] = { g->stateptr }, fp[3] = { g->stateptr, g->ptr8, g->sizety };
  LLVMTypeRef cp[2] = { g->ptr8, g->sizety }, np[1] = { g->intty };
  LLVMValueRef fn;
  LLVMBasicBlockRef bb;

  /* void init(state *s) { s->state = start; } */
  fn = add_function(g, "init", LLVMVoidTypeInContext(g->ctx), sp, 1, 0);
  LLVMSetValueName2(LLVMGetParam(fn, 0), "s", 1);
  bb = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, bb);
  LLVMBuildStore(g->b, LLVMConstInt(g->st_t, (unsigned long long)pl->f->start * pl->mul, 0), state_field(g, LLVMGetParam(fn, 0)));
  LLVMBuildRetVoid(g->b);

  /* void feed(state *s, const void *buf, size_t n) */
  fn = add_function(g, "feed", LLVMVoidTypeInContext(g->ctx), fp, 3, 0);
  LLVMSetValueName2(LLVMGetParam(fn, 0), "s", 1);
  LLVMSetValueName2(LLVMGetParam(fn, 1), "buf", 3);
  LLVMSetValueName2(LLVMGetParam(fn, 2), "n", 1);
  bb = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, bb);
  LLVMValueRef fld = state_field(g, LLVMGetParam(fn, 0));
  LLVMValueRef st0 = to_i32(g, LLVMBuildLoad2(g->b, g->st_t, fld, "st0"), "st");
  LLVMValueRef fin = run(g, fn, st0, LLVMGetParam(fn, 1), LLVMGetParam(fn, 2));
  LLVMBuildStore(g->b, g->st_t == g->i32 ? fin : LLVMBuildTrunc(g->b, fin, g->st_t, "st.out"), fld);
  LLVMBuildRetVoid(g->b);

  /* int label(const state *s) */
  fn = add_function(g, "label", g->intty, sp, 1, 1);
  LLVMSetValueName2(LLVMGetParam(fn, 0), "s", 1);
  bb = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, bb);
  LLVMValueRef st = LLVMBuildLoad2(g->b, g->st_t, state_field(g, LLVMGetParam(fn, 0)), "st");
  LLVMBuildRet(g->b, lookup_label(g, st));

  /* int classify(const void *buf, size_t n): init + feed + label inline. */
  fn = add_function(g, "classify", g->intty, cp, 2, 1);
  LLVMSetValueName2(LLVMGetParam(fn, 0), "buf", 3);
  LLVMSetValueName2(LLVMGetParam(fn, 1), "n", 1);
  bb = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, bb);
  fin = run(g, fn, LLVMConstInt(g->i32, (unsigned long long)pl->f->start * pl->mul, 0), LLVMGetParam(fn, 0), LLVMGetParam(fn, 1));
  LLVMBuildRet(g->b, lookup_label(g, fin));

  /* const char *class_name(int c): unsigned compare rejects c < 0 too. */
  fn = add_function(g, "class_name", g->ptr8, np, 1, 0);
  LLVMValueRef c = LLVMGetParam(fn, 0);
  LLVMSetValueName2(c, "c", 1);
  bb = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(g->ctx, fn, "known");
  LLVMBasicBlockRef no = LLVMAppendBasicBlockInContext(g->ctx, fn, "unknown");
  LLVMPositionBuilderAtEnd(g->b, bb);
  LLVMValueRef ok = LLVMBuildICmp(g->b, LLVMIntULT, c, LLVMConstInt(g->intty, (unsigned long long)pl->f->nclass, 0), "ok");
  LLVMBuildCondBr(g->b, ok, yes, no);
  LLVMPositionBuilderAtEnd(g->b, yes);
  LLVMValueRef idx[2] = { LLVMConstInt(g->sizety, 0, 0), to_size(g, c, "idx") };
  LLVMValueRef pp = LLVMBuildInBoundsGEP2(g->b, g->tab_names_t, g->tab_names, idx, 2, "namep");
  LLVMBuildRet(g->b, LLVMBuildLoad2(g->b, g->ptr8, pp, "name"));
  LLVMPositionBuilderAtEnd(g->b, no);
  LLVMBuildRet(g->b, LLVMConstNull(g->ptr8));
}

static void add_ident(Gen *g)
{
  const EmitInput *in = g->pl->in;
  const Provenance *pv = in->prov;
  char *id = pv ? xasprintf("rnnfsac %s (model %s from %s, hash %016llx)",
                            pv->version ? pv->version : RNF_VERSION,
                            pv->spec_name ? pv->spec_name : "(unnamed)",
                            pv->spec_file ? pv->spec_file : "(no spec)",
                            (unsigned long long)pv->hash)
                : xasprintf("rnnfsac %s", RNF_VERSION);
  LLVMValueRef s = LLVMMDStringInContext(g->ctx, id, (unsigned)strlen(id));
  LLVMAddNamedMetadataOperand(g->mod, "llvm.ident", LLVMMDNodeInContext(g->ctx, &s, 1));
  free(id);
}

/* ---- output -------------------------------------------------------------- */

static int write_all(FILE *out, const char *p, size_t n)
{
  if (n && fwrite(p, 1, n, out) != n) {
    diag(DIAG_ERROR, "cannot write the LLVM output");
    return RNF_EXIT_IO;
  }
  return 0;
}

int emit_llvm(const EmitInput *in, FILE *out, LlvmKind kind, const char *triple, int opt_level)
{
  if (opt_level < 0 || opt_level > 3)
    rnf_internal(__FILE__, __LINE__, "emit_llvm: optimization level %d", opt_level);
  Plan pl;
  int rc = plan_build(in, &pl);
  if (rc) { plan_free(&pl); return rc; }
  LLVMTargetRef target;
  char *tr = resolve_target(triple, &target);
  if (!tr) { plan_free(&pl); return RNF_EXIT_USAGE; }
  if ((rc = check_kind(target, tr, kind)) != 0) { LLVMDisposeMessage(tr); plan_free(&pl); return rc; }

  static const LLVMCodeGenOptLevel cg[4] = { LLVMCodeGenLevelNone, LLVMCodeGenLevelLess,
                                             LLVMCodeGenLevelDefault, LLVMCodeGenLevelAggressive };
  LLVMTargetMachineRef tm = LLVMCreateTargetMachine(target, tr, "", "", cg[opt_level],
                                                    reloc_for(tr), LLVMCodeModelDefault);
  if (!tm) rnf_internal(__FILE__, __LINE__, "LLVM could not create a target machine for '%s'", tr);
  LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);

  Gen g;
  memset(&g, 0, sizeof g);
  g.pl = &pl;
  g.ctx = LLVMContextCreate();
  const char *src = in->prov && in->prov->spec_file ? in->prov->spec_file : in->prefix;
  /* The .ll printer writes the module ID into a comment unescaped: use the
  ** prefix (an identifier); source_filename is printed escaped. */
  g.mod = LLVMModuleCreateWithNameInContext(in->prefix, g.ctx);
  LLVMSetSourceFileName(g.mod, src, strlen(src));
  LLVMSetTarget(g.mod, tr);
  LLVMSetModuleDataLayout(g.mod, td);
  g.b = LLVMCreateBuilderInContext(g.ctx);
  g.i8 = LLVMInt8TypeInContext(g.ctx);
  g.i32 = LLVMInt32TypeInContext(g.ctx);
  g.intty = LLVMIntTypeInContext(g.ctx, int_bits(tr));
  g.sizety = LLVMIntPtrTypeInContext(g.ctx, td);
  g.ptr8 = LLVMPointerType(g.i8, 0);
  g.st_t = uint_type(&g, (uint32_t)(pl.nrows - 1) * pl.mul);
  g.cls_t = uint_type(&g, (uint32_t)(pl.ncls - 1));
  g.lab_t = sint_type(&g, (uint32_t)(pl.f->nclass - 1));
  char *sname = xasprintf("%s_state", in->prefix);
  g.statety = LLVMStructCreateNamed(g.ctx, sname);
  free(sname);
  LLVMStructSetBody(g.statety, &g.st_t, 1, 0);
  g.stateptr = LLVMPointerType(g.statety, 0);

  build_tables(&g);
  build_functions(&g);
  add_ident(&g);

  char *msg = NULL;
  if (LLVMVerifyModule(g.mod, LLVMReturnStatusAction, &msg))
    rnf_internal(__FILE__, __LINE__, "emit_llvm: the generated module is invalid: %s", msg);
  LLVMDisposeMessage(msg);

  char passes[16];
  snprintf(passes, sizeof passes, "default<O%d>", opt_level);
  LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
  LLVMErrorRef err = LLVMRunPasses(g.mod, passes, tm, po);
  LLVMDisposePassBuilderOptions(po);
  if (err) {
    char *e = LLVMGetErrorMessage(err);
    char *copy = xstrdup(e);
    LLVMDisposeErrorMessage(e);
    rnf_internal(__FILE__, __LINE__, "emit_llvm: LLVM's %s pipeline failed: %s", passes, copy);
  }
  if (LLVMVerifyModule(g.mod, LLVMReturnStatusAction, &msg))
    rnf_internal(__FILE__, __LINE__, "emit_llvm: the optimized module is invalid: %s", msg);
  LLVMDisposeMessage(msg);

  switch (kind) {
  case LLVM_IR: {
    char *text = LLVMPrintModuleToString(g.mod);
    rc = write_all(out, text, strlen(text));
    LLVMDisposeMessage(text);
    break;
  }
  case LLVM_BC: {
    LLVMMemoryBufferRef mb = LLVMWriteBitcodeToMemoryBuffer(g.mod);
    rc = write_all(out, LLVMGetBufferStart(mb), LLVMGetBufferSize(mb));
    LLVMDisposeMemoryBuffer(mb);
    break;
  }
  case LLVM_OBJ: {
    LLVMMemoryBufferRef mb = NULL;
    msg = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, g.mod, LLVMObjectFile, &msg, &mb)) {
      diag(DIAG_ERROR, "LLVM cannot write an object file for '%s': %s", tr, msg ? msg : "?");
      rc = RNF_EXIT_USAGE;
    } else {
      rc = write_all(out, LLVMGetBufferStart(mb), LLVMGetBufferSize(mb));
      LLVMDisposeMemoryBuffer(mb);
    }
    LLVMDisposeMessage(msg);
    break;
  }
  }

  LLVMDisposeBuilder(g.b);
  LLVMDisposeModule(g.mod);
  LLVMContextDispose(g.ctx);
  LLVMDisposeTargetData(td);
  LLVMDisposeTargetMachine(tm);
  LLVMDisposeMessage(tr);
  plan_free(&pl);
  return rc;
}
