/*
** emit_llvm.c -- the LLVM back end: an Fsa plus its tokenizer as LLVM IR,
** bitcode or an object file, built with the LLVM-C API.
**
** It prints the same lowered automaton as the C back end (emit_plan.h),
** so ABI and semantics match emit_c.c (docs/generated-api.md) and the
** header emit_c writes declares this object's functions too:
**   %<p>_state = type { [decoder or lexer,] iN }   the fields of emit_c's struct
**   void <p>_init(state*)   void <p>_feed(state*, const void*, size_t)
**   int <p>_label(const state*)   int <p>_classify(const void*, size_t)
**   const char *<p>_class_name(int)
** Byte-level tokens read input through one 256-entry byte -> input class
** table; bytes the tokenizer rejects lead to a sticky error state labelled
** -1.  Two styles:
**   table   constant flat next table of row offsets, one loop of K-byte
**           steps (emit_plan.h) and a one-byte tail
**   switch  one block per state, an LLVM switch on the input class (the
**           automaton becomes the control flow; the error state exits early)
** chars and words run emit_c's per-byte code built as IR: the runtime's
** UTF-8 decoder and a binary search of the code points, or the lexer DFA;
** the automaton's step is an internal function (table load or switch).
**
** Everything target-dependent (size_t, int, data layout, relocation model)
** comes from a target machine built for the triple with its default CPU and
** no host features, so the output depends only on the input and the triple.
** The module is verified before it is written.  Output is written to the
** driver's FILE* from memory buffers, so the driver's atomic output works.
*/
#include "emit.h"
#include "emit_plan.h"
#include "common.h"
#include "cgen.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/Support.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <llvm/Config/llvm-config.h>

/* Builder state for one module. */
typedef struct Gen {
  const Plan *pl;
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  LLVMTypeRef i8, i32, i64, intty, sizety, ptr8, st_t, cls_t, lab_t, statety, stateptr;
  LLVMTypeRef pk_t;                     /* packed table entries (i32 or i64) */
  int big_endian;                       /* the target's byte order (swar input words) */
  LLVMValueRef tab_class, tab_next, tab_labels, tab_names;
  LLVMTypeRef tab_class_t, tab_next_t, tab_label_t, tab_names_t;
  /* chars and words (token level) */
  LLVMTypeRef lx_t;                     /* words: the state's lex field */
  unsigned stfield;                     /* index of the state field in the struct */
  struct Tab { LLVMValueRef gv; LLVMTypeRef arr, elt; } cp, cpcls, byte, lexnext, lexcheck,
    wordend, tok;
  LLVMValueRef step_fn, cpclass_fn;     /* internal helpers */
  LLVMTypeRef step_ty, cpclass_ty;
} Gen;

typedef struct Tab Tab;

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
  /* x86 only: start each innermost loop on a 32-byte boundary.  LLVM's
  ** default (16) leaves a loop's placement to the sizes of the code before
  ** it, and a hot loop of under 32 bytes that straddles a 32-byte fetch
  ** window ran at half speed on the bench's AMD EPYC (docs/llvm.md).  The
  ** option belongs to the x86 back end, so other targets' output is
  ** unchanged; it is set once per process, so outputs stay deterministic. */
  static const char *const opts[] = { "rnnfsac", "-x86-experimental-pref-innermost-loop-alignment=5" };
  LLVMParseCommandLineOptions(2, opts, "");
}

/* LLVM's own diagnostics (a register allocator that runs out of registers,
** say) would print "error: ..." and exit(1) by default: keep the first
** error to report it as ours, pass warnings on, drop remarks. */
typedef struct LlvmDiags {
  int errors;
  char first[512];
} LlvmDiags;

static void diag_handler(LLVMDiagnosticInfoRef di, void *ctx)
{
  LlvmDiags *d = ctx;
  LLVMDiagnosticSeverity sev = LLVMGetDiagInfoSeverity(di);
  if (sev != LLVMDSError && sev != LLVMDSWarning) return;
  char *m = LLVMGetDiagInfoDescription(di);
  if (sev == LLVMDSWarning) diag(DIAG_WARNING, "LLVM: %s", m);
  else if (!d->errors++) snprintf(d->first, sizeof d->first, "%s", m);
  LLVMDisposeMessage(m);
}

/* ---- the plan ------------------------------------------------------------ */

/* The shared lowering (emit_plan.c), so this back end and emit_c give every
** input the same label and the same state bytes. */
static int build_plan(const EmitInput *in, Plan *pl)
{
  return plan_build(in, pl, "emit_llvm");
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

/* An internal constant table <p>_<NAME> of V[N] as ELT. */
static Tab add_table(Gen *g, const char *name, LLVMTypeRef elt, const uint32_t *v, size_t n)
{
  Tab t;
  char *nm = xasprintf("%s_%s", g->pl->p, name);
  t.elt = elt;
  LLVMValueRef init = const_table(elt, v, n, &t.arr);
  t.gv = add_global(g, t.arr, nm, init, LLVMInternalLinkage);
  free(nm);
  return t;
}

/* chars and words: the tables emit_c prints (docs/generated-api.md). */
static void token_tables(Gen *g)
{
  const Plan *pl = g->pl;
  uint32_t v[256];
  if (pl->in->style == STYLE_TABLE) {
    Tab t = add_table(g, "tab_next", g->st_t, pl->next, (size_t)pl->nrows * (size_t)pl->ncls);
    g->tab_next = t.gv;
    g->tab_next_t = t.arr;
  }
  if (pl->t->kind == TOKS_CHARS) {
    g->cp = add_table(g, "tab_cp", g->i32, pl->cp, (size_t)pl->ncp);
    g->cpcls = add_table(g, "tab_cpclass", uint_type(g, (uint32_t)(pl->ncls - 1)), pl->cpcls, (size_t)pl->ncp);
    return;
  }
  for (int b = 0; b < 256; b++) v[b] = (uint32_t)pl->bcls[b];
  g->byte = add_table(g, "tab_byte", uint_type(g, (uint32_t)(pl->nw + pl->nnw - 1)), v, 256);
  g->lexnext = add_table(g, "tab_lexnext", g->lx_t, pl->lxnxt, pl->ncomb);
  g->lexcheck = add_table(g, "tab_lexcheck", uint_type(g, (uint32_t)pl->nlx), pl->lxchk, pl->ncomb);
  g->wordend = add_table(g, "tab_wordend", uint_type(g, (uint32_t)pl->ncls), pl->lxend, (size_t)pl->nlx);
  g->tok = add_table(g, "tab_tok", uint_type(g, (uint32_t)pl->ncls), pl->tokcls, (size_t)pl->nnw);
}

static void build_tables(Gen *g)
{
  const Plan *pl = g->pl;
  const Fsa *f = pl->f;
  const char *p = pl->in->prefix;
  char *nm;

  if (!plan_bytelevel(pl)) {
    token_tables(g);
  } else {
    nm = xasprintf("%s_tab_class", p);
    g->tab_class = add_global(g, LLVMArrayType(g->cls_t, 256), nm,
                              const_table(g->cls_t, pl->clsval, 256, &g->tab_class_t), LLVMInternalLinkage);
    free(nm);
  }

  if (pl->packed) {
    /* pk [npk]: byte r of entry x = the stored successor of row r */
    g->pk_t = LLVMIntTypeInContext(g->ctx, (unsigned)pl->pkbits);
    LLVMValueRef *c = xmalloc((size_t)pl->npk * sizeof *c);
    for (uint32_t x = 0; x < pl->npk; x++) c[x] = LLVMConstInt(g->pk_t, pl->pk[x], 0);
    g->tab_next_t = LLVMArrayType(g->pk_t, pl->npk);
    nm = xasprintf("%s_tab_next", p);
    g->tab_next = add_global(g, g->tab_next_t, nm, LLVMConstArray(g->pk_t, c, pl->npk), LLVMInternalLinkage);
    free(nm);
    free(c);
  } else if (pl->in->style == STYLE_TABLE && plan_bytelevel(pl)) {
    /* flat [nrows * ncls]: row offset + input class -> row offset */
    nm = xasprintf("%s_tab_next", p);
    g->tab_next = add_global(g, LLVMArrayType(g->st_t, (unsigned)((size_t)pl->nrows * pl->stride)), nm,
                             const_table(g->st_t, pl->flat, (size_t)pl->nrows * pl->stride, &g->tab_next_t),
                             LLVMInternalLinkage);
    free(nm);
  }

  /* Labels, the error row's -1 included, so _label is one load and a sext. */
  LLVMValueRef *labs = xmalloc((size_t)pl->nrows * sizeof *labs);
  for (int s = 0; s < pl->nrows; s++) labs[s] = LLVMConstInt(g->lab_t, (unsigned long long)(long long)pl->label[s], 1);
  g->tab_label_t = LLVMArrayType(g->lab_t, (unsigned)pl->nrows);
  nm = xasprintf("%s_tab_labels", p);
  g->tab_labels = add_global(g, g->tab_label_t, nm, LLVMConstArray(g->lab_t, labs, (unsigned)pl->nrows),
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

/* flat[IDX] as i32 (IDX i32). */
static LLVMValueRef load_next(Gen *g, LLVMValueRef idx32)
{
  LLVMValueRef idx[2] = { LLVMConstInt(g->sizety, 0, 0), to_size(g, idx32, "cellx") };
  LLVMValueRef np = LLVMBuildInBoundsGEP2(g->b, g->tab_next_t, g->tab_next, idx, 2, "nextp");
  return to_i32(g, LLVMBuildLoad2(g->b, g->st_t, np, "next"), "st.next");
}

/* buf[i .. i+7] as a little-endian i64: one unaligned load, byte-swapped
** on big-endian targets.  (Eight byte loads or'ed together are merged
** into one by the code generator only where it proves the offsets
** contiguous, which it did not after a block's i + j became i | j.) */
static LLVMValueRef load_word(Gen *g, LLVMValueRef buf, LLVMValueRef i)
{
  LLVMValueRef bp = LLVMBuildInBoundsGEP2(g->b, g->i8, buf, &i, 1, "wp");
  LLVMValueRef wp = LLVMBuildBitCast(g->b, bp, LLVMPointerType(g->i64, 0), "wp64");
  LLVMValueRef w = LLVMBuildLoad2(g->b, g->i64, wp, "w");
  LLVMSetAlignment(w, 1);
  if (g->big_endian) {
    LLVMTypeRef ty = LLVMFunctionType(g->i64, &g->i64, 1, 0);
    LLVMValueRef bswap = LLVMGetNamedFunction(g->mod, "llvm.bswap.i64");
    if (!bswap) bswap = LLVMAddFunction(g->mod, "llvm.bswap.i64", ty);
    w = LLVMBuildCall2(g->b, ty, bswap, &w, 1, "wle");
  }
  return w;
}

/* Swar (emit_plan.h): the 8-byte index of buf[i .. i+7] as i32; *BAD gets
** an i64 that is nonzero iff a byte is neither alphabet byte. */
static LLVMValueRef swar_index(Gen *g, LLVMValueRef buf, LLVMValueRef i, LLVMValueRef *bad)
{
  const Plan *pl = g->pl;
  LLVMValueRef w = load_word(g, buf, i);
  LLVMValueRef m = pl->swbit ? LLVMBuildLShr(g->b, w, LLVMConstInt(g->i64, (unsigned)pl->swbit, 0), "wsh") : w;
  m = LLVMBuildAnd(g->b, m, LLVMConstInt(g->i64, 0x0101010101010101ull, 0), "m");
  LLVMValueRef want = pl->swdiff == 1 ? m : LLVMBuildMul(g->b, m, LLVMConstInt(g->i64, pl->swdiff, 0), "md");
  want = LLVMBuildXor(g->b, want, LLVMConstInt(g->i64, (unsigned long long)pl->swclear * 0x0101010101010101ull, 0),
                      "want");
  *bad = LLVMBuildXor(g->b, w, want, "bad");
  LLVMValueRef x = LLVMBuildMul(g->b, m, LLVMConstInt(g->i64, 0x8040201008040201ull, 0), "xm");
  x = LLVMBuildLShr(g->b, x, LLVMConstInt(g->i64, 56, 0), "xs");
  return LLVMBuildTrunc(g->b, x, g->i32, "x");
}

/* The classes of buf[i .. i+K-1] as kbits-bit digits, first byte most
** significant (emit_plan.h): the offset of their K-byte entry in a row,
** or >= single if one of them is an error byte. */
static LLVMValueRef k_index(Gen *g, LLVMValueRef buf, LLVMValueRef i)
{
  LLVMValueRef sum = NULL;
  for (int j = 0; j < g->pl->step; j++) {
    LLVMValueRef ij = j ? LLVMBuildNUWAdd(g->b, i, LLVMConstInt(g->sizety, (unsigned long long)j, 0), "ij") : i;
    LLVMValueRef c = load_class(g, buf, ij);
    unsigned sh = (unsigned)(g->pl->kbits * (g->pl->step - 1 - j));
    if (sh) c = LLVMBuildNUWMul(g->b, c, LLVMConstInt(g->i32, 1ull << sh, 0), "cw");
    sum = sum ? LLVMBuildNUWAdd(g->b, sum, c, "kc") : c;
  }
  return sum;
}

/* (next + X)[st], as emit_c writes it: with st + X, LLVM's reassociate
** would add the classes to the loaded st one by one (a longer
** loop-carried path); two GEPs leave x86 one add or none. */
static LLVMValueRef k_load(Gen *g, LLVMValueRef st, LLVMValueRef x)
{
  if (g->pl->packed) {   /* (pk[x] >> st) & 0xFF */
    LLVMValueRef idx[2] = { LLVMConstInt(g->sizety, 0, 0), to_size(g, x, "kx") };
    LLVMValueRef ep = LLVMBuildInBoundsGEP2(g->b, g->tab_next_t, g->tab_next, idx, 2, "pkp");
    LLVMValueRef e = LLVMBuildLoad2(g->b, g->pk_t, ep, "pk");
    LLVMValueRef sh = LLVMGetIntTypeWidth(g->pk_t) > 32 ? LLVMBuildZExt(g->b, st, g->pk_t, "st64") : st;
    LLVMValueRef v = LLVMBuildTrunc(g->b, LLVMBuildLShr(g->b, e, sh, "pks"), g->i8, "pkb");
    return LLVMBuildZExt(g->b, v, g->i32, "st.next");
  }
  LLVMValueRef idx[2] = { LLVMConstInt(g->sizety, 0, 0), to_size(g, x, "kx") };
  LLVMValueRef row = LLVMBuildInBoundsGEP2(g->b, g->tab_next_t, g->tab_next, idx, 2, "rowp");
  LLVMValueRef stx = to_size(g, st, "stx");
  LLVMValueRef np = LLVMBuildInBoundsGEP2(g->b, g->st_t, row, &stx, 1, "nextp");
  return to_i32(g, LLVMBuildLoad2(g->b, g->st_t, np, "next"), "st.next");
}

/* Leave for ERRBB (the error state is sticky) if the i64 BAD is nonzero
** (swar), else go on in a new block. */
static void err_check_nz(Gen *g, LLVMValueRef fn, LLVMBasicBlockRef errbb, LLVMValueRef bad)
{
  LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(g->ctx, fn, "ok");
  LLVMValueRef isbad = LLVMBuildICmp(g->b, LLVMIntNE, bad, LLVMConstInt(g->i64, 0, 0), "isbad");
  LLVMBuildCondBr(g->b, isbad, errbb, ok);
  LLVMPositionBuilderAtEnd(g->b, ok);
}

/* Leave for ERRBB (the error state is sticky) if X >= LIMIT, else go on
** in a new block; no test without an error state. */
static void err_check(Gen *g, LLVMValueRef fn, LLVMBasicBlockRef errbb, LLVMValueRef x, uint32_t limit)
{
  if (!errbb) return;
  LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(g->ctx, fn, "ok");
  LLVMValueRef bad = LLVMBuildICmp(g->b, LLVMIntUGE, x, LLVMConstInt(g->i32, limit, 0), "bad");
  LLVMBuildCondBr(g->b, bad, errbb, ok);
  LLVMPositionBuilderAtEnd(g->b, ok);
}

/* The K-byte indices of N (1 or 2) blocks at offsets AT into X, then one
** test that leaves for ERRBB if any holds an error byte: class digits (an
** index >= single) or, swar, a nonzero word check. */
static void k_indices(Gen *g, LLVMValueRef fn, LLVMBasicBlockRef errbb, LLVMValueRef buf,
                      const LLVMValueRef *at, int n, LLVMValueRef *x)
{
  LLVMValueRef bad[2];
  for (int j = 0; j < n; j++) x[j] = g->pl->swar ? swar_index(g, buf, at[j], &bad[j]) : k_index(g, buf, at[j]);
  if (g->pl->swar)
    err_check_nz(g, fn, errbb, n == 2 ? LLVMBuildOr(g->b, bad[0], bad[1], "bad01") : bad[0]);
  else
    err_check(g, fn, errbb, n == 2 ? LLVMBuildOr(g->b, x[0], x[1], "x01") : x[0], g->pl->single);
}

/* One byte at offset I: st = flat[st + single + class[b[i]]]; with
** K-byte steps an error byte leaves for ERRBB (K = 1: its column leads to
** the error row). */
static LLVMValueRef single_step(Gen *g, LLVMValueRef fn, LLVMBasicBlockRef errbb, LLVMValueRef st,
                                LLVMValueRef buf, LLVMValueRef i)
{
  LLVMValueRef c = load_class(g, buf, i);
  err_check(g, fn, errbb, c, (uint32_t)g->pl->vcls);
  if (g->pl->packed)
    return k_load(g, st, LLVMBuildNUWAdd(g->b, c, LLVMConstInt(g->i32, g->pl->single, 0), "cell1"));
  LLVMValueRef cell = LLVMBuildNUWAdd(g->b, st, c, "cell");
  if (g->pl->single) cell = LLVMBuildNUWAdd(g->b, cell, LLVMConstInt(g->i32, g->pl->single, 0), "cell1");
  return load_next(g, cell);
}

/* A loop "for (i = FROM; i != TO; i += STEP) st = body(st, i)" from the
** current block; with KSTEPS the body is two K-byte steps (STEP 2K), else
** one byte (STEP 1).  Returns the final st with the builder in the exit
** block. */
static LLVMValueRef run_loop(Gen *g, LLVMValueRef fn, LLVMBasicBlockRef errbb, LLVMValueRef st0,
                             LLVMValueRef buf, LLVMValueRef from, LLVMValueRef to, int ksteps,
                             const char *name)
{
  char nm[32];
  LLVMBasicBlockRef entry = LLVMGetInsertBlock(g->b);
  LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(g->ctx, fn, name);
  snprintf(nm, sizeof nm, "%s.done", name);
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(g->ctx, fn, nm);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, from, to, "empty"), done, loop);

  LLVMPositionBuilderAtEnd(g->b, loop);
  LLVMValueRef i = LLVMBuildPhi(g->b, g->sizety, "i");
  LLVMValueRef st = LLVMBuildPhi(g->b, g->i32, "st");
  LLVMValueRef nx, i1;
  if (ksteps) {
    unsigned long long k = (unsigned long long)g->pl->step;
    LLVMValueRef at[2] = { i, LLVMBuildNUWAdd(g->b, i, LLVMConstInt(g->sizety, k, 0), "ik") }, x[2];
    k_indices(g, fn, errbb, buf, at, 2, x);
    nx = k_load(g, k_load(g, st, x[0]), x[1]);
    i1 = LLVMBuildNUWAdd(g->b, i, LLVMConstInt(g->sizety, 2 * k, 0), "i.next");
  } else {
    nx = single_step(g, fn, errbb, st, buf, i);
    i1 = LLVMBuildNUWAdd(g->b, i, LLVMConstInt(g->sizety, 1, 0), "i.next");
  }
  LLVMBasicBlockRef last = LLVMGetInsertBlock(g->b);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, i1, to, "end"), done, loop);
  LLVMValueRef iv[2] = { from, i1 }, sv[2] = { st0, nx };
  LLVMBasicBlockRef ib[2] = { entry, last };
  LLVMAddIncoming(i, iv, ib, 2);
  LLVMAddIncoming(st, sv, ib, 2);

  LLVMPositionBuilderAtEnd(g->b, done);
  LLVMValueRef fin = LLVMBuildPhi(g->b, g->i32, "st.final");
  LLVMAddIncoming(fin, sv, ib, 2);
  return fin;
}

/* Table style (emit_plan.h): st is a row offset.  With K-byte steps,
** blocks of 2K bytes take two steps, then one more step if K bytes are
** left, then one byte at a time; an error byte leaves for the block
** "error", which yields the error state.  Else one byte per step.  ST0 is
** i32; returns the final state (i32) with the builder at the end of the
** exit block. */
static LLVMValueRef run_table(Gen *g, LLVMValueRef fn, LLVMValueRef st0, LLVMValueRef buf, LLVMValueRef n)
{
  const Plan *pl = g->pl;
  LLVMValueRef zero = LLVMConstInt(g->sizety, 0, 0);
  unsigned long long k = (unsigned long long)pl->step;
  if (k == 1) return run_loop(g, fn, NULL, st0, buf, zero, n, 0, "loop");
  LLVMBasicBlockRef errbb = pl->err >= 0 ? LLVMAppendBasicBlockInContext(g->ctx, fn, "error") : NULL;
  LLVMValueRef n2k = LLVMBuildAnd(g->b, n, LLVMConstInt(g->sizety, ~(2 * k - 1), 0), "n2k");
  LLVMValueRef st = run_loop(g, fn, errbb, st0, buf, zero, n2k, 1, "loop");
  /* one more K-byte step if K or more bytes are left */
  LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
  LLVMBasicBlockRef more = LLVMAppendBasicBlockInContext(g->ctx, fn, "tailk");
  LLVMBasicBlockRef rest = LLVMAppendBasicBlockInContext(g->ctx, fn, "rest");
  LLVMValueRef bitk = LLVMBuildAnd(g->b, n, LLVMConstInt(g->sizety, k, 0), "bitk");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, bitk, zero, "hask"), more, rest);
  LLVMPositionBuilderAtEnd(g->b, more);
  LLVMValueRef x;
  k_indices(g, fn, errbb, buf, &n2k, 1, &x);
  LLVMValueRef stk = k_load(g, st, x);
  LLVMBasicBlockRef moreend = LLVMGetInsertBlock(g->b);
  LLVMBuildBr(g->b, rest);
  LLVMPositionBuilderAtEnd(g->b, rest);
  LLVMValueRef str = LLVMBuildPhi(g->b, g->i32, "st.rest");
  LLVMValueRef rv[2] = { st, stk };
  LLVMBasicBlockRef rb[2] = { from, moreend };
  LLVMAddIncoming(str, rv, rb, 2);
  /* the last n mod K bytes one at a time */
  LLVMValueRef nk = LLVMBuildAnd(g->b, n, LLVMConstInt(g->sizety, ~(k - 1), 0), "nk");
  LLVMValueRef fin = run_loop(g, fn, errbb, str, buf, nk, n, 0, "tail");
  if (!errbb) return fin;
  LLVMBasicBlockRef end = LLVMGetInsertBlock(g->b);
  LLVMBasicBlockRef fed = LLVMAppendBasicBlockInContext(g->ctx, fn, "fed");
  LLVMBuildBr(g->b, fed);
  LLVMMoveBasicBlockBefore(errbb, fed);     /* read in order: loops, error, exit */
  LLVMPositionBuilderAtEnd(g->b, errbb);
  LLVMBuildBr(g->b, fed);
  LLVMPositionBuilderAtEnd(g->b, fed);
  LLVMValueRef out = LLVMBuildPhi(g->b, g->i32, "st.fed");
  LLVMValueRef ov[2] = { fin, LLVMConstInt(g->i32, (unsigned long long)pl->err * pl->stride, 0) };
  LLVMBasicBlockRef ob[2] = { end, errbb };
  LLVMAddIncoming(out, ov, ob, 2);
  return out;
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
** else read a byte and switch on it (few bytes leave the default
** successor, emit_plan.h) or on its class to the successor's block.  The
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
    uint32_t tgt[256], dflt;
    int other = plan_byte_targets(pl, s, tgt, &dflt);
    LLVMValueRef i1 = LLVMBuildNUWAdd(g->b, iphi[s], LLVMConstInt(g->sizety, 1, 0), "i.next");
    /* Every edge into a state block, duplicates included, needs its phi entry. */
    if (other == 0 && dflt == (uint32_t)s) {      /* every byte stays here: skip the rest */
      LLVMBuildBr(g->b, done);
      edge_add(&out, LLVMConstInt(g->i32, (unsigned long long)s, 0), rd[s]);
      continue;
    }
    if (other == 0) {
      LLVMBuildBr(g->b, blk[dflt]);
      if ((int)dflt < ns) edge_add(&in[dflt], i1, rd[s]);
      continue;
    }
    if (other <= PLAN_BYTE_CASES) {               /* switch on the byte itself */
      LLVMValueRef bp = LLVMBuildInBoundsGEP2(g->b, g->i8, buf, &iphi[s], 1, "bp");
      LLVMValueRef byte = LLVMBuildLoad2(g->b, g->i8, bp, "byte");
      LLVMValueRef bsw = LLVMBuildSwitch(g->b, byte, blk[dflt], (unsigned)other);
      if ((int)dflt < ns) edge_add(&in[dflt], i1, rd[s]);
      for (int b = 0; b < 256; b++) {
        if (tgt[b] == dflt) continue;
        LLVMAddCase(bsw, LLVMConstInt(g->i8, (unsigned long long)b, 0), blk[tgt[b]]);
        if ((int)tgt[b] < ns) edge_add(&in[tgt[b]], i1, rd[s]);
      }
      continue;
    }
    int bestn, best = plan_default_class(pl, s, &bestn);
    LLVMValueRef cls = load_class(g, buf, iphi[s]);
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
  if (g->pl->stride > 1) row = LLVMBuildUDiv(g->b, row, LLVMConstInt(g->sizety, g->pl->stride, 0), "row");
  LLVMValueRef idx[2] = { LLVMConstInt(g->sizety, 0, 0), row };
  LLVMValueRef lp = LLVMBuildInBoundsGEP2(g->b, g->tab_label_t, g->tab_labels, idx, 2, "labp");
  LLVMValueRef lab = LLVMBuildLoad2(g->b, g->lab_t, lp, "lab");
  return LLVMGetIntTypeWidth(g->lab_t) == LLVMGetIntTypeWidth(g->intty) ? lab
         : LLVMGetIntTypeWidth(g->lab_t) < LLVMGetIntTypeWidth(g->intty) ? LLVMBuildSExt(g->b, lab, g->intty, "label")
         : LLVMBuildTrunc(g->b, lab, g->intty, "label");
}

static LLVMValueRef state_field(Gen *g, LLVMValueRef s)
{
  return LLVMBuildStructGEP2(g->b, g->statety, s, g->stfield, "statep");
}

/* ---- token level: chars and words ---------------------------------------
** The same steps as emit_c's _feed/_label (docs/generated-api.md): the
** decoder state and the automaton state live in allocas that LLVM's SROA
** and mem2reg turn into registers from -O1 on; the automaton's step is an
** internal function (a table load or, in the switch style, a switch per
** state) that the inliner folds in. */

static LLVMBasicBlockRef block(Gen *g, LLVMValueRef fn, const char *name)
{
  return LLVMAppendBasicBlockInContext(g->ctx, fn, name);
}

static LLVMValueRef ci32(Gen *g, uint32_t v)
{
  return LLVMConstInt(g->i32, v, 0);
}

/* TAB[IDX] as i32. */
static LLVMValueRef tab_load(Gen *g, const Tab *t, LLVMValueRef idx, const char *name)
{
  LLVMValueRef ix[2] = { LLVMConstInt(g->sizety, 0, 0), to_size(g, idx, "ix") };
  LLVMValueRef ptr = LLVMBuildInBoundsGEP2(g->b, t->arr, t->gv, ix, 2, "tp");
  return to_i32(g, LLVMBuildLoad2(g->b, t->elt, ptr, name), name);
}

static LLVMValueRef internal_function(Gen *g, const char *suffix, LLVMTypeRef ret, LLVMTypeRef *params,
                                      unsigned np, LLVMTypeRef *fty)
{
  LLVMValueRef fn = add_function(g, suffix, ret, params, np, 0);
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  LLVMSetUnnamedAddress(fn, LLVMGlobalUnnamedAddr);
  *fty = LLVMFunctionType(ret, params, np, 0);
  return fn;
}

/* i32 <p>_step(i32 st, i32 c): next[st][c]; an unknown state stays. */
static void build_step(Gen *g)
{
  const Plan *pl = g->pl;
  LLVMTypeRef pt[2] = { g->i32, g->i32 };
  LLVMValueRef fn = g->step_fn = internal_function(g, "step", g->i32, pt, 2, &g->step_ty);
  LLVMValueRef st = LLVMGetParam(fn, 0), c = LLVMGetParam(fn, 1);
  LLVMSetValueName2(st, "st", 2);
  LLVMSetValueName2(c, "c", 1);
  LLVMPositionBuilderAtEnd(g->b, block(g, fn, "entry"));
  if (pl->in->style == STYLE_TABLE) {
    LLVMValueRef cell = LLVMBuildNUWAdd(g->b, LLVMBuildNUWMul(g->b, st, ci32(g, (uint32_t)pl->ncls), "row"), c, "cell");
    LLVMBuildRet(g->b, load_next(g, cell));
    return;
  }
  LLVMBasicBlockRef stay = block(g, fn, "unknown");
  LLVMValueRef sw = LLVMBuildSwitch(g->b, st, stay, (unsigned)pl->nstates);
  LLVMPositionBuilderAtEnd(g->b, stay);
  LLVMBuildRet(g->b, st);
  char nm[48];
  for (int s = 0; s < pl->nstates; s++) {
    const uint32_t *row = pl->next + (size_t)s * (size_t)pl->ncls;
    int bestn, best = plan_default_class(pl, s, &bestn);
    snprintf(nm, sizeof nm, "s%d", s);
    LLVMBasicBlockRef bs = block(g, fn, nm);
    LLVMAddCase(sw, ci32(g, (uint32_t)s), bs);
    LLVMPositionBuilderAtEnd(g->b, bs);
    if (bestn == pl->ncls) { LLVMBuildRet(g->b, ci32(g, row[0])); continue; }
    snprintf(nm, sizeof nm, "s%d.to%u", s, row[best]);
    LLVMBasicBlockRef def = block(g, fn, nm);
    LLVMValueRef csw = LLVMBuildSwitch(g->b, c, def, (unsigned)(pl->ncls - bestn));
    LLVMPositionBuilderAtEnd(g->b, def);
    LLVMBuildRet(g->b, ci32(g, row[best]));
    /* one block per other target, its classes as cases */
    for (int k = 0; k < pl->ncls; k++) {
      if (row[k] == row[best]) continue;
      int seen = 0;
      for (int d = 0; d < k; d++) seen |= row[d] == row[k];
      if (seen) continue;
      snprintf(nm, sizeof nm, "s%d.to%u", s, row[k]);
      LLVMBasicBlockRef to = block(g, fn, nm);
      for (int d = k; d < pl->ncls; d++) if (row[d] == row[k]) LLVMAddCase(csw, ci32(g, (uint32_t)d), to);
      LLVMPositionBuilderAtEnd(g->b, to);
      LLVMBuildRet(g->b, ci32(g, row[k]));
    }
  }
}

/* i32 <p>_cpclass(i32 cp): rnf_cp_sym over tab_cp/tab_cpclass (binary
** search), unk's class for any other code point. */
static void build_cpclass(Gen *g)
{
  const Plan *pl = g->pl;
  LLVMTypeRef pt[1] = { g->i32 };
  LLVMValueRef fn = g->cpclass_fn = internal_function(g, "cpclass", g->i32, pt, 1, &g->cpclass_ty);
  LLVMValueRef cp = LLVMGetParam(fn, 0);
  LLVMSetValueName2(cp, "cp", 2);
  LLVMBasicBlockRef entry = block(g, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  if (pl->ncp == 0) { LLVMBuildRet(g->b, ci32(g, pl->unkcls)); return; }
  LLVMBasicBlockRef head = block(g, fn, "head"), body = block(g, fn, "body"), up = block(g, fn, "up");
  LLVMBasicBlockRef chk = block(g, fn, "check"), down = block(g, fn, "down");
  LLVMBasicBlockRef hit = block(g, fn, "hit"), miss = block(g, fn, "miss");
  LLVMBuildBr(g->b, head);
  LLVMPositionBuilderAtEnd(g->b, head);
  LLVMValueRef lo = LLVMBuildPhi(g->b, g->i32, "lo"), hi = LLVMBuildPhi(g->b, g->i32, "hi");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, lo, hi, "more"), body, miss);
  LLVMPositionBuilderAtEnd(g->b, body);
  LLVMValueRef mid = LLVMBuildNUWAdd(g->b, lo, LLVMBuildLShr(g->b, LLVMBuildSub(g->b, hi, lo, "w"), ci32(g, 1), "half"), "mid");
  LLVMValueRef v = tab_load(g, &g->cp, mid, "v");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, v, cp, "less"), up, chk);
  LLVMPositionBuilderAtEnd(g->b, up);
  LLVMValueRef mid1 = LLVMBuildNUWAdd(g->b, mid, ci32(g, 1), "mid1");
  LLVMBuildBr(g->b, head);
  LLVMPositionBuilderAtEnd(g->b, chk);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntUGT, v, cp, "more"), down, hit);
  LLVMPositionBuilderAtEnd(g->b, down);
  LLVMBuildBr(g->b, head);
  LLVMPositionBuilderAtEnd(g->b, hit);
  LLVMBuildRet(g->b, tab_load(g, &g->cpcls, mid, "cls"));
  LLVMPositionBuilderAtEnd(g->b, miss);
  LLVMBuildRet(g->b, ci32(g, pl->unkcls));
  LLVMValueRef lov[3] = { ci32(g, 0), mid1, lo }, hiv[3] = { ci32(g, (uint32_t)pl->ncp), hi, mid };
  LLVMBasicBlockRef from[3] = { entry, up, down };
  LLVMAddIncoming(lo, lov, from, 3);
  LLVMAddIncoming(hi, hiv, from, 3);
}

/* *STP = step(*STP, C) */
static void step_to(Gen *g, LLVMValueRef stp, LLVMValueRef c)
{
  LLVMValueRef args[2] = { LLVMBuildLoad2(g->b, g->i32, stp, "st"), c };
  LLVMBuildStore(g->b, LLVMBuildCall2(g->b, g->step_ty, g->step_fn, args, 2, "st.next"), stp);
}

/* if (E != NONE) *STP = step(*STP, E) */
static void step_if(Gen *g, LLVMValueRef fn, LLVMValueRef stp, LLVMValueRef e)
{
  LLVMBasicBlockRef yes = block(g, fn, "token"), join = block(g, fn, "token.done");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, e, ci32(g, (uint32_t)g->pl->ncls), "some"), yes, join);
  LLVMPositionBuilderAtEnd(g->b, yes);
  step_to(g, stp, e);
  LLVMBuildBr(g->b, join);
  LLVMPositionBuilderAtEnd(g->b, join);
}

/* *STP = step(*STP, cpclass(CP)) */
static void emit_cp(Gen *g, LLVMValueRef stp, LLVMValueRef cp)
{
  LLVMValueRef cls = LLVMBuildCall2(g->b, g->cpclass_ty, g->cpclass_fn, &cp, 1, "cls");
  step_to(g, stp, cls);
}

static LLVMValueRef alloca_i32(Gen *g, LLVMValueRef init, const char *name)
{
  LLVMValueRef a = LLVMBuildAlloca(g->b, g->i32, name);
  LLVMBuildStore(g->b, init, a);
  return a;
}

/* Field K (< 5) of the rnf_utf8 decoder in state S. */
static LLVMValueRef dec_field(Gen *g, LLVMValueRef s, unsigned k)
{
  LLVMValueRef d = LLVMBuildStructGEP2(g->b, g->statety, s, 0, "decp");
  return LLVMBuildStructGEP2(g->b, LLVMStructGetTypeAtIndex(g->statety, 0), d, k, "fieldp");
}

enum { D_CP, D_NEED, D_LO, D_HI, D_NBAD, D_N };   /* rnf_utf8's fields, in order */

static LLVMValueRef load_i32(Gen *g, LLVMValueRef p, LLVMTypeRef ty, const char *name)
{
  return to_i32(g, LLVMBuildLoad2(g->b, ty, p, name), name);
}

static void store_as(Gen *g, LLVMValueRef v32, LLVMTypeRef ty, LLVMValueRef p)
{
  LLVMBuildStore(g->b, ty == g->i32 ? v32 : LLVMBuildTrunc(g->b, v32, ty, "narrow"), p);
}

/* One byte U (i32) through rnf_utf8_push, each code point stepping *STP;
** D[] the decoder's field allocas.  Ends in block NEXT. */
static void chars_byte(Gen *g, LLVMValueRef fn, LLVMValueRef *d, LLVMValueRef stp, LLVMValueRef u,
                       LLVMBasicBlockRef next)
{
  LLVMBasicBlockRef cont = block(g, fn, "cont"), inr = block(g, fn, "cont.in"), acc = block(g, fn, "accept");
  LLVMBasicBlockRef done = block(g, fn, "complete"), brk = block(g, fn, "broken"), fresh = block(g, fn, "fresh");
  LLVMBasicBlockRef ascii = block(g, fn, "ascii"), lead = block(g, fn, "lead");
  LLVMBasicBlockRef yes[3], no[3];
  for (int k = 0; k < 3; k++) {
    char nm[24];
    snprintf(nm, sizeof nm, "lead%d", k + 2);
    yes[k] = block(g, fn, nm);
    snprintf(nm, sizeof nm, "notlead%d", k + 2);
    no[k] = block(g, fn, k < 2 ? nm : "stray");
  }
  LLVMValueRef need = LLVMBuildLoad2(g->b, g->i32, d[D_NEED], "need");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, need, ci32(g, 0), "insequence"), cont, fresh);

  /* inside a sequence: a continuation byte in [lo, hi] */
  LLVMPositionBuilderAtEnd(g->b, cont);
  LLVMValueRef lo = LLVMBuildLoad2(g->b, g->i32, d[D_LO], "lo");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntUGE, u, lo, "gelo"), inr, brk);
  LLVMPositionBuilderAtEnd(g->b, inr);
  LLVMValueRef hi = LLVMBuildLoad2(g->b, g->i32, d[D_HI], "hi");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULE, u, hi, "lehi"), acc, brk);
  LLVMPositionBuilderAtEnd(g->b, acc);
  LLVMValueRef cp = LLVMBuildOr(g->b, LLVMBuildShl(g->b, LLVMBuildLoad2(g->b, g->i32, d[D_CP], "cp"), ci32(g, 6), "shl"),
                                LLVMBuildAnd(g->b, u, ci32(g, 0x3F), "low6"), "cp.next");
  LLVMBuildStore(g->b, cp, d[D_CP]);
  LLVMBuildStore(g->b, ci32(g, 0x80), d[D_LO]);
  LLVMBuildStore(g->b, ci32(g, 0xBF), d[D_HI]);
  LLVMValueRef need1 = LLVMBuildSub(g->b, need, ci32(g, 1), "need.next");
  LLVMBuildStore(g->b, need1, d[D_NEED]);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, need1, ci32(g, 0), "last"), done, next);
  LLVMPositionBuilderAtEnd(g->b, done);
  emit_cp(g, stp, cp);
  LLVMBuildBr(g->b, next);
  /* the sequence broke: one U+FFFD, then decode the byte afresh */
  LLVMPositionBuilderAtEnd(g->b, brk);
  LLVMBuildStore(g->b, ci32(g, 0), d[D_NEED]);
  LLVMBuildStore(g->b, ci32(g, 0x80), d[D_LO]);
  LLVMBuildStore(g->b, ci32(g, 0xBF), d[D_HI]);
  LLVMBuildStore(g->b, LLVMBuildAdd(g->b, LLVMBuildLoad2(g->b, g->i32, d[D_NBAD], "nbad"), ci32(g, 1), "nbad1"), d[D_NBAD]);
  emit_cp(g, stp, ci32(g, 0xFFFD));
  LLVMBuildBr(g->b, fresh);

  /* a byte outside a sequence (lo/hi are 0x80/0xBF here) */
  LLVMPositionBuilderAtEnd(g->b, fresh);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, u, ci32(g, 0x80), "isascii"), ascii, lead);
  LLVMPositionBuilderAtEnd(g->b, ascii);
  emit_cp(g, stp, u);
  LLVMBuildBr(g->b, next);
  /* lead bytes of 2-, 3- and 4-byte sequences: keep their payload bits;
  ** the special leads narrow the next byte's range: no overlongs (E0:
  ** A0..BF, F0: 90..BF), no surrogates (ED: 80..9F), nothing above
  ** U+10FFFF (F4: 80..8F) */
  static const struct { uint32_t first, last, mask, lolead, lo, hilead, hi; } L[3] = {
    { 0xC2, 0xDF, 0x1F, 0, 0, 0, 0 },
    { 0xE0, 0xEF, 0x0F, 0xE0, 0xA0, 0xED, 0x9F },
    { 0xF0, 0xF4, 0x07, 0xF0, 0x90, 0xF4, 0x8F },
  };
  LLVMPositionBuilderAtEnd(g->b, lead);
  for (int k = 0; k < 3; k++) {
    LLVMValueRef in = LLVMBuildAnd(g->b, LLVMBuildICmp(g->b, LLVMIntUGE, u, ci32(g, L[k].first), "ge"),
                                   LLVMBuildICmp(g->b, LLVMIntULE, u, ci32(g, L[k].last), "le"), "islead");
    LLVMBuildCondBr(g->b, in, yes[k], no[k]);
    LLVMPositionBuilderAtEnd(g->b, yes[k]);
    LLVMBuildStore(g->b, ci32(g, (uint32_t)k + 1), d[D_NEED]);
    LLVMBuildStore(g->b, LLVMBuildAnd(g->b, u, ci32(g, L[k].mask), "bits"), d[D_CP]);
    if (L[k].lolead) {
      LLVMBuildStore(g->b, LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, u, ci32(g, L[k].lolead), "lolead"),
                                           ci32(g, L[k].lo), ci32(g, 0x80), "lo"), d[D_LO]);
      LLVMBuildStore(g->b, LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, u, ci32(g, L[k].hilead), "hilead"),
                                           ci32(g, L[k].hi), ci32(g, 0xBF), "hi"), d[D_HI]);
    }
    LLVMBuildBr(g->b, next);
    LLVMPositionBuilderAtEnd(g->b, no[k]);
  }
  /* in block "stray": 80..C1, F5..FF */
  LLVMBuildStore(g->b, LLVMBuildAdd(g->b, LLVMBuildLoad2(g->b, g->i32, d[D_NBAD], "nbad"), ci32(g, 1), "nbad1"), d[D_NBAD]);
  emit_cp(g, stp, ci32(g, 0xFFFD));
  LLVMBuildBr(g->b, next);
}

/* One byte U (i32) through the words lexer (emit_c's loop body). */
static void words_byte(Gen *g, LLVMValueRef fn, LLVMValueRef lexp, LLVMValueRef stp, LLVMValueRef u,
                       LLVMBasicBlockRef next)
{
  const Plan *pl = g->pl;
  LLVMBasicBlockRef inword = block(g, fn, "inword"), sep = block(g, fn, "separator");
  LLVMValueRef c = tab_load(g, &g->byte, u, "c");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, c, ci32(g, (uint32_t)pl->nw), "wordbyte"), inword, sep);
  /* lex = lexcheck[e] == lex ? lexnext[e] : dead, e = lex + c (a state's
  ** value is its row's base, emit_plan.h) */
  LLVMPositionBuilderAtEnd(g->b, inword);
  LLVMValueRef lex = LLVMBuildLoad2(g->b, g->i32, lexp, "lex");
  LLVMValueRef e = LLVMBuildNUWAdd(g->b, lex, c, "e");
  LLVMValueRef ok = LLVMBuildICmp(g->b, LLVMIntEQ, tab_load(g, &g->lexcheck, e, "chk"), lex, "owned");
  /* a branch, not a select: lexnext is loaded only when owned, as in the
  ** C, so the predicted path keeps the check off the loop-carried chain
  ** (a select puts base -> check -> cmov on it; bench/llvm measures) */
  LLVMBasicBlockRef known = block(g, fn, "known"), dead = block(g, fn, "dead");
  LLVMBuildCondBr(g->b, ok, known, dead);
  LLVMPositionBuilderAtEnd(g->b, known);
  LLVMBuildStore(g->b, tab_load(g, &g->lexnext, e, "nx"), lexp);
  LLVMBuildBr(g->b, next);
  LLVMPositionBuilderAtEnd(g->b, dead);
  LLVMBuildStore(g->b, ci32(g, (uint32_t)pl->dlx), lexp);
  LLVMBuildBr(g->b, next);
  /* the word before this byte ends; then the byte as a token (punctuation) */
  LLVMPositionBuilderAtEnd(g->b, sep);
  lex = LLVMBuildLoad2(g->b, g->i32, lexp, "lex");
  step_if(g, fn, stp, tab_load(g, &g->wordend, lex, "end"));
  step_if(g, fn, stp, tab_load(g, &g->tok, LLVMBuildSub(g->b, c, ci32(g, (uint32_t)pl->nw), "k"), "tok"));
  LLVMBuildStore(g->b, ci32(g, 0), lexp);
  LLVMBuildBr(g->b, next);
}

/* _feed's work on the state at S (in place) for token-level tokenizers;
** the builder is in FN's entry block and ends after the final stores. */
static void token_feed(Gen *g, LLVMValueRef fn, LLVMValueRef s, LLVMValueRef buf, LLVMValueRef n)
{
  int chars = g->pl->t->kind == TOKS_CHARS;
  LLVMValueRef fld = state_field(g, s), d[D_N] = { 0 }, dp[D_N] = { 0 }, lexp = NULL, lexf = NULL;
  LLVMValueRef stp = alloca_i32(g, load_i32(g, fld, g->st_t, "st0"), "stp");
  LLVMValueRef ip = LLVMBuildAlloca(g->b, g->sizety, "ip");
  LLVMBuildStore(g->b, LLVMConstInt(g->sizety, 0, 0), ip);
  if (chars)
    for (unsigned k = 0; k < D_N; k++) {
      dp[k] = dec_field(g, s, k);
      d[k] = alloca_i32(g, LLVMBuildLoad2(g->b, g->i32, dp[k], "dec"), "decv");
    }
  else {
    lexf = LLVMBuildStructGEP2(g->b, g->statety, s, 0, "lexp");
    lexp = alloca_i32(g, load_i32(g, lexf, g->lx_t, "lex0"), "lexv");
  }
  LLVMBasicBlockRef head = block(g, fn, "head"), body = block(g, fn, "body");
  LLVMBasicBlockRef latch = block(g, fn, "latch"), done = block(g, fn, "done");
  LLVMBuildBr(g->b, head);
  LLVMPositionBuilderAtEnd(g->b, head);
  LLVMValueRef i = LLVMBuildLoad2(g->b, g->sizety, ip, "i");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, i, n, "end"), done, body);
  LLVMPositionBuilderAtEnd(g->b, body);
  LLVMValueRef bp = LLVMBuildInBoundsGEP2(g->b, g->i8, buf, &i, 1, "bp");
  LLVMValueRef u = LLVMBuildZExt(g->b, LLVMBuildLoad2(g->b, g->i8, bp, "byte"), g->i32, "u");
  if (chars) chars_byte(g, fn, d, stp, u, latch);
  else words_byte(g, fn, lexp, stp, u, latch);
  LLVMPositionBuilderAtEnd(g->b, latch);
  LLVMBuildStore(g->b, LLVMBuildNUWAdd(g->b, LLVMBuildLoad2(g->b, g->sizety, ip, "i"),
                                       LLVMConstInt(g->sizety, 1, 0), "i.next"), ip);
  LLVMBuildBr(g->b, head);
  LLVMPositionBuilderAtEnd(g->b, done);
  if (chars)
    for (unsigned k = 0; k < D_N; k++) LLVMBuildStore(g->b, LLVMBuildLoad2(g->b, g->i32, d[k], "dec"), dp[k]);
  else
    store_as(g, LLVMBuildLoad2(g->b, g->i32, lexp, "lex"), g->lx_t, lexf);
  store_as(g, LLVMBuildLoad2(g->b, g->i32, stp, "st"), g->st_t, fld);
}

/* _label's value for the state at S: the pending word or UTF-8 sequence
** counts as finished (on a copy: S is not changed). */
static LLVMValueRef token_label(Gen *g, LLVMValueRef fn, LLVMValueRef s)
{
  LLVMValueRef stp = alloca_i32(g, load_i32(g, state_field(g, s), g->st_t, "st0"), "stp");
  if (g->pl->t->kind == TOKS_CHARS) {
    LLVMBasicBlockRef yes = block(g, fn, "truncated"), join = block(g, fn, "finished");
    LLVMValueRef need = LLVMBuildLoad2(g->b, g->i32, dec_field(g, s, D_NEED), "need");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, need, ci32(g, 0), "pending"), yes, join);
    LLVMPositionBuilderAtEnd(g->b, yes);
    emit_cp(g, stp, ci32(g, 0xFFFD));
    LLVMBuildBr(g->b, join);
    LLVMPositionBuilderAtEnd(g->b, join);
  } else {
    LLVMValueRef lex = load_i32(g, LLVMBuildStructGEP2(g->b, g->statety, s, 0, "lexp"), g->lx_t, "lex");
    step_if(g, fn, stp, tab_load(g, &g->wordend, lex, "end"));
  }
  return lookup_label(g, LLVMBuildLoad2(g->b, g->i32, stp, "st"));
}

/* _init's stores into the state at S. */
static void token_init(Gen *g, LLVMValueRef s)
{
  if (g->pl->t->kind == TOKS_CHARS) {
    static const uint32_t init[D_N] = { 0, 0, 0x80, 0xBF, 0 };   /* rnf_utf8_reset */
    for (unsigned k = 0; k < D_N; k++) LLVMBuildStore(g->b, ci32(g, init[k]), dec_field(g, s, k));
  } else {
    LLVMBuildStore(g->b, LLVMConstInt(g->lx_t, 0, 0), LLVMBuildStructGEP2(g->b, g->statety, s, 0, "lexp"));
  }
  LLVMBuildStore(g->b, LLVMConstInt(g->st_t, (unsigned long long)g->pl->f->start, 0), state_field(g, s));
}

/* init/feed/label/classify for chars and words. */
static void build_token_functions(Gen *g)
{
  LLVMTypeRef sp[1] = { g->stateptr }, fp[3] = { g->stateptr, g->ptr8, g->sizety };
  LLVMTypeRef cp[2] = { g->ptr8, g->sizety };
  LLVMValueRef fn;
  build_step(g);
  if (g->pl->t->kind == TOKS_CHARS) build_cpclass(g);

  fn = add_function(g, "init", LLVMVoidTypeInContext(g->ctx), sp, 1, 0);
  LLVMSetValueName2(LLVMGetParam(fn, 0), "s", 1);
  LLVMPositionBuilderAtEnd(g->b, block(g, fn, "entry"));
  token_init(g, LLVMGetParam(fn, 0));
  LLVMBuildRetVoid(g->b);

  fn = add_function(g, "feed", LLVMVoidTypeInContext(g->ctx), fp, 3, 0);
  LLVMSetValueName2(LLVMGetParam(fn, 0), "s", 1);
  LLVMSetValueName2(LLVMGetParam(fn, 1), "buf", 3);
  LLVMSetValueName2(LLVMGetParam(fn, 2), "n", 1);
  LLVMPositionBuilderAtEnd(g->b, block(g, fn, "entry"));
  token_feed(g, fn, LLVMGetParam(fn, 0), LLVMGetParam(fn, 1), LLVMGetParam(fn, 2));
  LLVMBuildRetVoid(g->b);

  fn = add_function(g, "label", g->intty, sp, 1, 1);
  LLVMSetValueName2(LLVMGetParam(fn, 0), "s", 1);
  LLVMPositionBuilderAtEnd(g->b, block(g, fn, "entry"));
  LLVMBuildRet(g->b, token_label(g, fn, LLVMGetParam(fn, 0)));

  /* classify: init + feed + label on a local state (SROA keeps it in registers) */
  fn = add_function(g, "classify", g->intty, cp, 2, 1);
  LLVMSetValueName2(LLVMGetParam(fn, 0), "buf", 3);
  LLVMSetValueName2(LLVMGetParam(fn, 1), "n", 1);
  LLVMPositionBuilderAtEnd(g->b, block(g, fn, "entry"));
  LLVMValueRef s = LLVMBuildAlloca(g->b, g->statety, "s");
  token_init(g, s);
  token_feed(g, fn, s, LLVMGetParam(fn, 0), LLVMGetParam(fn, 1));
  LLVMBuildRet(g->b, token_label(g, fn, s));
}

static void build_functions(Gen *g)
{
  const Plan *pl = g->pl;
  LLVMTypeRef sp[1] = { g->stateptr }, fp[3] = { g->stateptr, g->ptr8, g->sizety };
  LLVMTypeRef cp[2] = { g->ptr8, g->sizety }, np[1] = { g->intty };
  LLVMValueRef fn;
  LLVMBasicBlockRef bb;

  if (!plan_bytelevel(pl)) build_token_functions(g);
  else {
  /* void init(state *s) { s->state = start; } */
  fn = add_function(g, "init", LLVMVoidTypeInContext(g->ctx), sp, 1, 0);
  LLVMSetValueName2(LLVMGetParam(fn, 0), "s", 1);
  bb = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, bb);
  LLVMBuildStore(g->b, LLVMConstInt(g->st_t, (unsigned long long)pl->f->start * pl->stride, 0), state_field(g, LLVMGetParam(fn, 0)));
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
  fin = run(g, fn, LLVMConstInt(g->i32, (unsigned long long)pl->f->start * pl->stride, 0), LLVMGetParam(fn, 0), LLVMGetParam(fn, 1));
  LLVMBuildRet(g->b, lookup_label(g, fin));
  }

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
  int rc = build_plan(in, &pl);
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
  LlvmDiags ld = { 0, "" };
  LLVMContextSetDiagnosticHandler(g.ctx, diag_handler, &ld);
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
  g.i64 = LLVMInt64TypeInContext(g.ctx);
  g.big_endian = LLVMByteOrder(td) == LLVMBigEndian;
  g.intty = LLVMIntTypeInContext(g.ctx, int_bits(tr));
  g.sizety = LLVMIntPtrTypeInContext(g.ctx, td);
  g.ptr8 = LLVMPointerType(g.i8, 0);
  g.st_t = uint_type(&g, pl.maxst);
  g.cls_t = uint_type(&g, pl.maxclsval);
  g.lab_t = sint_type(&g, (uint32_t)(pl.f->nclass - 1));
  char *sname = xasprintf("%s_state", in->prefix);
  g.statety = LLVMStructCreateNamed(g.ctx, sname);
  free(sname);
  /* the fields of emit_c's struct, in order (emit_plan.h) */
  LLVMTypeRef fields[2] = { g.st_t, g.st_t };
  unsigned nfields = 1;
  if (in->tok->kind == TOKS_CHARS) {
    LLVMTypeRef dec[5] = { g.i32, g.i32, g.i32, g.i32, g.i32 };   /* rnf_utf8 */
    fields[0] = LLVMStructTypeInContext(g.ctx, dec, 5, 0);
    nfields = 2;
  } else if (in->tok->kind == TOKS_WORDS) {
    g.lx_t = fields[0] = uint_type(&g, (uint32_t)(pl.nlx - 1));
    nfields = 2;
  }
  g.stfield = nfields - 1;
  LLVMStructSetBody(g.statety, fields, nfields, 0);
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
  if (ld.errors) rnf_internal(__FILE__, __LINE__, "emit_llvm: LLVM's %s pipeline: %s", passes, ld.first);
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
    } else if (ld.errors) {   /* the object exists, but its code is not to be trusted */
      diag(DIAG_ERROR, "LLVM could not generate code for '%s' at -O%d: %s%s", tr, opt_level, ld.first,
           opt_level == 0 ? " (try -O1 or higher)" : "");
      LLVMDisposeMemoryBuffer(mb);
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
