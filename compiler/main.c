/*
** main.c -- the rnnfsac driver: command line, then the pipeline in order.
**
**   spec text -> SpecAst -> Spec            (grammar/, spec.c)
**   Spec -> Dataset                         (data.c, tok.c, runtime/)
**   Dataset -> Rnn                          (train.c, rnn.c; cached)
**   Rnn + Dataset -> Fsa + Eval             (extract.c, cluster.c, fsa.c)
**   Fsa -> outputs                          (emit_*.c)
**
** Every output is opened (as a temporary) before the long stages run, so a
** bad -o fails in a second, not after training; all are committed together
** at the end.
*/
#define _XOPEN_SOURCE 700   /* realpath */
#include "common.h"
#include "diag.h"
#include "out.h"
#include "spec.h"
#include "data.h"
#include "rnn.h"
#include "fsa.h"
#include "extract.h"
#include "emit.h"
#include "esc.h"
#include "audit.h"
#include "verify.h"
#include "memlimit.h"

#include <cblas.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <llvm/Config/llvm-config.h>

/* Output kinds, chosen by the extension of -o.  ORDER OUTKIND */
typedef enum { OUT_C, OUT_H, OUT_DOT, OUT_JSON, OUT_CSV, OUT_HTML, OUT_LL, OUT_BC, OUT_O } OutKind;

static int is_llvm(OutKind k) { return k == OUT_LL || k == OUT_BC || k == OUT_O; }
static const struct { const char *ext; OutKind kind; } out_kinds[] = {
  { ".c", OUT_C }, { ".h", OUT_H }, { ".dot", OUT_DOT }, { ".json", OUT_JSON }, { ".csv", OUT_CSV },
  { ".html", OUT_HTML }, { ".ll", OUT_LL }, { ".bc", OUT_BC }, { ".o", OUT_O },
};
#define NOUTKINDS (int)(sizeof out_kinds / sizeof out_kinds[0])

#define MAX_OUTPUTS 32

typedef struct Options {
  const char *spec_path;
  const char *outputs[MAX_OUTPUTS];
  int noutputs;
  int check_only, print_spec, retrain, no_cache, verify;
  int threads;
  const char *cache_dir;
  const char *target;       /* --target TRIPLE for .ll/.bc/.o; NULL = host */
  int opt_level;            /* -O0..-O3 for .ll/.bc/.o (default 2) */
  int opt_given;            /* -O was on the command line */
} Options;

static void usage(FILE *f)
{
  fprintf(f,
    "usage: rnnfsac [options] SPEC [-o OUT ...]\n"
    "\n"
    "Train the recurrent network SPEC describes, extract a finite automaton from\n"
    "it and write the automaton as each OUT (kind chosen by extension); without\n"
    "-o, train (filling the network cache), extract and report only.\n"
    "\n"
    "options:\n"
    "  -o FILE           output, by extension: .c (C source + header beside it),\n"
    "                    .h (single header), .dot (Graphviz), .json, .csv (state table),\n"
    "                    .html (audit report), .ll (LLVM IR), .bc (LLVM bitcode),\n"
    "                    .o (object file); .c, .ll, .bc and .o also write the .h\n"
    "                    beside them\n"
    "  --target TRIPLE   target of .ll/.bc/.o outputs (default: this machine), e.g.\n"
    "                    thumbv7em-none-eabi, riscv32-unknown-elf, wasm32-unknown-unknown\n"
    "  -O0 .. -O3        LLVM optimization level of .ll/.bc/.o outputs (default -O2)\n"
    "  --check           validate the spec (and that its data files exist); no training\n"
    "  --print-spec      print the normalized spec with every default filled in\n"
    "  --verify          compile the generated C with $CC and check it against the\n"
    "                    automaton on the test set and random inputs (with an LLVM\n"
    "                    output, the LLVM object for the host as well)\n"
    "  -j N              threads for matrix products (default 1; results are\n"
    "                    reproducible for a given N)\n"
    "  --retrain         train even if a cached network for this spec and data exists\n"
    "  --no-cache        neither read nor write the network cache\n"
    "  --cache-dir DIR   network cache (default $RNNFSAC_CACHE_DIR, else\n"
    "                    $XDG_CACHE_HOME/rnnfsac, else ~/.cache/rnnfsac)\n"
    "  -q, --quiet       print errors only\n"
    "  -v, --verbose     print more detail per stage\n"
    "  -h, --help        this text\n"
    "  --version         versions of rnnfsac, LLVM and OpenBLAS\n"
    "  --                end of options: what follows is the spec (and nothing else),\n"
    "                    even if it starts with -\n"
    "\n"
    "exit status: 0 ok, 1 usage, 2 spec error, 3 data error, 4 internal error,\n"
    "5 file I/O error, 6 verification failed\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "rnnfsac: error: ");
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nusage: rnnfsac [options] SPEC [-o OUT ...] (try 'rnnfsac --help')\n");
  return RNF_EXIT_USAGE;
}

static int out_kind(const char *path)
{
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash)) return -1;
  for (int i = 0; i < NOUTKINDS; i++)
    if (strcmp(dot, out_kinds[i].ext) == 0) return (int)out_kinds[i].kind;
  return -1;
}

/* "dir/name.ext" -> "dir/name.h" */
static char *header_beside(const char *path)
{
  const char *dot = strrchr(path, '.');
  return xasprintf("%.*s.h", (int)(dot - path), path);
}

/* Returns -1 to go on, else an exit status. */
static int parse_args(int argc, char **argv, Options *o)
{
  memset(o, 0, sizeof *o);
  o->threads = 1;
  o->opt_level = 2;
  int opts = 1;              /* until "--": everything after it is the spec */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (opts && !strcmp(a, "--")) { opts = 0; continue; }
    if (!opts || a[0] != '-' || !a[1]) {
      if (o->spec_path)
        return usage_error(opts ? "more than one spec given ('%s'); outputs take -o"
                                : "more than one spec given ('%s'); after '--' every argument is the spec, so put -o before '--'", a);
      o->spec_path = a;
      continue;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return RNF_EXIT_OK; }
    if (!strcmp(a, "--version")) {
      printf("rnnfsac %s\nLLVM %s\n%s\n", RNF_VERSION, LLVM_VERSION_STRING, openblas_get_config());
      return RNF_EXIT_OK;
    }
    if (!strcmp(a, "--check")) o->check_only = 1;
    else if (!strcmp(a, "--print-spec")) o->print_spec = 1;
    else if (!strcmp(a, "--retrain")) o->retrain = 1;
    else if (!strcmp(a, "--no-cache")) o->no_cache = 1;
    else if (!strcmp(a, "--verify")) o->verify = 1;
    else if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) {
      o->opt_level = a[2] - '0';
      o->opt_given = 1;
    }
    else if (!strncmp(a, "--target=", 9)) o->target = a + 9;
    else if (!strncmp(a, "--cache-dir=", 12)) {
      o->cache_dir = a + 12;
      if (!*o->cache_dir) return usage_error("--cache-dir needs a folder name");
    }
    else if (!strcmp(a, "--target")) {
      if (i + 1 >= argc) return usage_error("option '%s' needs an argument", a);
      o->target = argv[++i];
    }
    else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) rnf_verbosity = -1;
    else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) rnf_verbosity = 1;
    else if (!strcmp(a, "-o") || !strcmp(a, "-j") || !strcmp(a, "--cache-dir")
             || !strncmp(a, "-o", 2) || !strncmp(a, "-j", 2)) {
      const char *v;
      if ((a[1] == 'o' || a[1] == 'j') && a[2]) v = a + 2;          /* -oFILE, -j2 */
      else if (i + 1 < argc) v = argv[++i];
      else return usage_error("option '%s' needs an argument", a);
      if (a[1] == 'o') {
        if (!*v) return usage_error("empty output file name");
        if (o->noutputs == MAX_OUTPUTS) return usage_error("too many -o options (at most 32)");
        if (out_kind(v) < 0)
          return usage_error("cannot tell what to write for '%s': supported extensions are "
                             ".c, .h, .dot, .json, .csv, .html, .ll, .bc and .o", v);
        const char *slash = strrchr(v, '/'), *b = slash ? slash + 1 : v;
        if (strrchr(b, '.') == b)   /* "-o .c": a hidden ".c" that includes ".h" */
          return usage_error("output '%s' has no name before its extension", v);
        o->outputs[o->noutputs++] = v;
      } else if (a[1] == 'j') {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || *end || n < 1 || n > 256)
          return usage_error("-j expects a thread count between 1 and 256, got '%s'", v);
        o->threads = (int)n;
      } else {
        if (!*v) return usage_error("--cache-dir needs a folder name");
        o->cache_dir = v;
      }
    } else {
      return usage_error("unknown option '%s'", a);
    }
  }
  if (!o->spec_path) return usage_error("no spec file given");
  int llvm = 0;
  for (int i = 0; i < o->noutputs; i++) llvm |= is_llvm((OutKind)out_kind(o->outputs[i]));
  if (!llvm && (o->target || o->opt_given))
    diag(DIAG_WARNING, "%s applies only to LLVM outputs (.ll, .bc, .o); none is requested",
         o->target ? "--target" : "-O");
  return -1;
}

/* ---- the network cache -------------------------------------------------- */

/* Key: everything training reads -- the rnn section and the exact token and
** label arrays -- so any change to data, tokenizer or rnn settings misses. */
static uint64_t cache_key(const SpecRnn *r, const Dataset *d)
{
  uint64_t h = hash_bytes(HASH_INIT, RNF_VERSION, sizeof RNF_VERSION);
  long long v[] = { r->cell, r->hidden, r->embed, r->layers, r->epochs, r->batch,
                    r->optimizer, r->patience, (long long)r->seed, d->tok.nsym, d->nclass };
  double x[] = { r->learning_rate, r->clip, r->l2 };
  h = hash_bytes(h, v, sizeof v);
  h = hash_bytes(h, x, sizeof x);
  const Split *sp[3] = { &d->train, &d->valid, &d->test };
  for (int i = 0; i < 3; i++) {
    const Split *s = sp[i];
    h = hash_bytes(h, &s->n, sizeof s->n);
    if (s->n == 0) continue;
    h = hash_bytes(h, s->off, (size_t)(s->n + 1) * sizeof *s->off);
    h = hash_bytes(h, s->tok, s->off[s->n] * sizeof *s->tok);
    h = hash_bytes(h, s->label, (size_t)s->n * sizeof *s->label);
  }
  return h;
}

static char *cache_dir(const Options *o)
{
  const char *e;
  if (o->cache_dir) return xstrdup(o->cache_dir);
  if ((e = getenv("RNNFSAC_CACHE_DIR")) && *e) return xstrdup(e);
  if ((e = getenv("XDG_CACHE_HOME")) && *e) return xasprintf("%s/rnnfsac", e);
  if ((e = getenv("HOME")) && *e) return xasprintf("%s/.cache/rnnfsac", e);
  return NULL;
}

static int mkdirs(char *path)
{
  if (!*path) { errno = ENOENT; return -1; }
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    int r = mkdir(path, 0755);
    *p = '/';
    if (r != 0 && errno != EEXIST) return -1;
  }
  return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* The training log travels with a cached network as "KEY.log", one line
** per epoch, so a report made from the cache still shows the curves. */
static int log_save(const char *model_path, const TrainLog *log, char *why, size_t whylen)
{
  char *path = xasprintf("%s.log", model_path);
  OutFile o;
  int rc = out_open_why(&o, path, why, whylen);
  if (rc == 0) {
    fprintf(o.fp, "rnnfsac-trainlog 1 %d %d\n", log->n, log->best_epoch);
    for (int i = 0; i < log->n; i++) {
      const TrainEpoch *e = &log->epochs[i];
      fprintf(o.fp, "%d %.9g %.9g %.9g %.9g %.9g\n", e->epoch, e->loss, e->train_acc,
              e->valid_acc, e->seconds, e->samples_per_sec);
    }
    rc = out_commit_why(&o, why, whylen);
  }
  free(path);
  return rc;
}

static void log_load(const char *model_path, TrainLog *log)
{
  char *path = xasprintf("%s.log", model_path);
  FILE *f = fopen(path, "r");
  free(path);
  if (!f) return;
  int n, best;
  if (fscanf(f, "rnnfsac-trainlog 1 %d %d", &n, &best) == 2 && n > 0 && n <= 100000) {
    log->epochs = xcalloc((size_t)n, sizeof *log->epochs);
    for (log->n = 0; log->n < n; log->n++) {
      TrainEpoch *e = &log->epochs[log->n];
      if (fscanf(f, "%d %lf %lf %lf %lf %lf", &e->epoch, &e->loss, &e->train_acc,
                 &e->valid_acc, &e->seconds, &e->samples_per_sec) != 6) break;
    }
    log->best_epoch = best;
    if (log->n != n) { free(log->epochs); memset(log, 0, sizeof *log); }  /* damaged: no curve */
  }
  fclose(f);
}

/* Get a trained network: from the cache when allowed, else by training. */
static int get_network(const Options *o, const Spec *s, const Dataset *d, Rnn *net, TrainLog *log)
{
  char *dir = o->no_cache ? NULL : cache_dir(o), *path = NULL;
  if (dir) path = xasprintf("%s/%016llx.rnnm", dir, (unsigned long long)cache_key(&s->rnn, d));
  if (path && !o->retrain) {
    struct stat st;
    if (stat(path, &st) == 0) {
      /* a bad entry only costs a retrain: one warning, never an error */
      char why[256];
      Rnn want = { .cell = s->rnn.cell, .nsym = d->tok.nsym, .embed = s->rnn.embed,
                   .hidden = s->rnn.hidden, .nclass = d->nclass };
      if (rnn_probe(net, path, &want, why, sizeof why) == RNF_EXIT_OK) {
        log_load(path, log);
        if (rnf_verbosity >= 0) fprintf(stderr, "rnnfsac: using the cached network %s\n", path);
        free(path); free(dir);
        return RNF_EXIT_OK;
      }
      diag(DIAG_WARNING, "ignoring the cache entry '%s' (%s); training again", path, why);
      /* gone now, not only replaced after a successful training: a run
      ** that fails (diverges, is stopped) must not leave it to the next */
      char *lp = xasprintf("%s.log", path);
      unlink(path);
      unlink(lp);
      free(lp);
    }
  }
  /* absurd sizes fail here, in a second, not after minutes of swapping */
  int rc = lim_check("training", lim_train_bytes(&s->rnn, d),
                     "lower 'batch', 'hidden' or 'embed', or use shorter examples");
  if (rc == RNF_EXIT_OK) rc = rnn_train(&s->rnn, d, net, log);
  if (rc == RNF_EXIT_OK && path) {
    /* mkdir's EEXIST also covers a plain file of that name */
    struct stat st;
    int bad = mkdirs(dir) != 0;
    if (!bad && stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) { errno = ENOTDIR; bad = 1; }
    if (bad)
      diag(DIAG_WARNING, "cannot create the cache folder '%s': %s", dir, strerror(errno));
    else {
      char why[512];
      if (rnn_save(net, path, why, sizeof why) != RNF_EXIT_OK || log_save(path, log, why, sizeof why) != 0)
        diag(DIAG_WARNING, "the network was not cached: %s", why);
    }
  }
  free(path); free(dir);
  return rc;
}

/* ---- outputs ------------------------------------------------------------- */

typedef struct Output {
  OutKind kind;
  const char *path;         /* as given to -o */
  char *hpath;              /* the .h this output writes beside it, or NULL */
  char *canon, *hcanon;     /* both with the folder resolved: what rename() replaces */
  OutFile main, aux;        /* aux: the .h beside a .c */
  char *aux_name;           /* what the .c includes */
} Output;

/* PATH with its folder resolved (symlinks, "..", "./") but not its last
** component: rename() replaces that name, never what a symlink there
** points to.  Unresolvable folders are left for out_open to report. */
static char *canon_out(const char *path)
{
  const char *slash = strrchr(path, '/');
  char *dir = slash ? xasprintf("%.*s", (int)(slash - path) + (slash == path), path) : xstrdup(".");
  char *real = realpath(dir, NULL);
  char *r = real ? xasprintf("%s/%s", strcmp(real, "/") ? real : "", slash ? slash + 1 : path)
                 : xstrdup(path);
  free(real);
  free(dir);
  return r;
}

/* Decide every file the outputs write -- a .c writes the .h beside it; an
** LLVM output too, unless another output already writes that .h -- and
** refuse, before anything runs, two outputs on one file and an output
** that would replace the spec or a data file.  Paths are compared with
** their folders resolved, so "./a.h" and "a.h" are one file. */
static int plan_outputs(const Options *o, const Spec *spec, Output *outs)
{
  int n = o->noutputs;
  for (int i = 0; i < n; i++) {
    Output *x = &outs[i];
    x->kind = (OutKind)out_kind(o->outputs[i]);
    x->path = o->outputs[i];
    x->canon = canon_out(x->path);
    if (x->kind == OUT_C || is_llvm(x->kind)) {
      x->hpath = header_beside(x->path);
      x->hcanon = canon_out(x->hpath);
    }
  }
  for (int i = 0; i < n; i++) {       /* an LLVM output's .h yields to any other writer */
    Output *x = &outs[i];
    if (!is_llvm(x->kind)) continue;
    int taken = 0;
    for (int j = 0; j < n; j++) {
      const Output *y = &outs[j];
      if (j == i) continue;
      taken |= !strcmp(y->canon, x->hcanon);
      if (y->hcanon && !strcmp(y->hcanon, x->hcanon) && (y->kind == OUT_C || (j < i && y->hpath)))
        taken = 1;
    }
    if (taken) {
      free(x->hpath); free(x->hcanon);
      x->hpath = x->hcanon = NULL;
    }
  }
  for (int i = 0; i < n; i++) {       /* a .c must be able to #include its .h */
    const Output *x = &outs[i];
    if (x->kind != OUT_C) continue;
    const char *base = strrchr(x->hpath, '/'), *why = emit_c_include_problem(base ? base + 1 : x->hpath);
    if (why)
      return usage_error("-o %s: the C file could not #include its header '%s': the name holds %s",
                         x->path, base ? base + 1 : x->hpath, why);
  }
  /* every file written: [2i] output i itself, [2i+1] its .h (or none) */
  const char *file[2 * MAX_OUTPUTS];
  for (int i = 0; i < n; i++) {
    file[2 * i] = outs[i].canon;
    file[2 * i + 1] = outs[i].hcanon;
  }
  static const char *const via_h = " (a .c output also writes the .h beside it)";
  for (int f = 0; f < 2 * n; f++)
    for (int g = 0; g < f; g++)
      if (file[f] && file[g] && !strcmp(file[f], file[g]))
        return usage_error("-o %s and -o %s write the same file%s", outs[g / 2].path,
                           outs[f / 2].path, f % 2 || g % 2 ? via_h : "");
  const char *ins[4] = { spec->file, NULL, NULL, NULL };
  const char *what[4] = { "the spec", "the training data", "the validation data", "the test data" };
  if (spec->data.source == SRC_FILES) {
    ins[1] = spec->data.train;
    ins[2] = spec->data.valid;
    ins[3] = spec->data.test;
  }
  for (int k = 0; k < 4; k++) {
    char *in = ins[k] ? realpath(ins[k], NULL) : NULL;   /* unresolvable: nothing written is it */
    int hit = -1;
    for (int f = 0; in && f < 2 * n && hit < 0; f++)
      if (file[f] && !strcmp(file[f], in)) hit = f;
    free(in);
    if (hit >= 0)
      return usage_error("-o %s would overwrite %s '%s'%s", outs[hit / 2].path, what[k], ins[k],
                         hit % 2 ? " (it writes the .h beside it)" : "");
  }
  return RNF_EXIT_OK;
}

/* The switch style is code, one case per (state, input class) that leaves
** the state's most common successor.  Past SWITCH_CASES_WARN cases C
** compilers take minutes and LLVM's -O1/-O2 pipelines far longer (1501
** states x 256 classes did not finish in 10 minutes): say so before
** --verify or the user's build finds out. */
#define SWITCH_CASES_WARN 100000
static void warn_big_switch(const Spec *spec, const Fsa *f, const Output *outs, int n)
{
  if (spec->emit.style != STYLE_SWITCH) return;
  int code = 0;
  for (int i = 0; i < n; i++) code |= outs[i].kind == OUT_C || outs[i].kind == OUT_H || is_llvm(outs[i].kind);
  if (!code) return;
  int32_t *rep = xmalloc((size_t)f->nsymclass * sizeof *rep), *cnt = xcalloc((size_t)f->nstates, sizeof *cnt);
  for (int a = f->nsym - 1; a >= 0; a--) rep[f->symclass[a]] = a;   /* a symbol of each class */
  long cases = 0;
  for (int st = 0; st < f->nstates; st++) {
    const int32_t *row = f->next + (size_t)st * (size_t)f->nsym;
    int mode = 0;
    for (int c = 0; c < f->nsymclass; c++) if (++cnt[row[rep[c]]] > mode) mode = cnt[row[rep[c]]];
    for (int c = 0; c < f->nsymclass; c++) cnt[row[rep[c]]] = 0;
    cases += f->nsymclass - mode;
  }
  free(rep);
  free(cnt);
  if (cases > SWITCH_CASES_WARN)
    diag(DIAG_WARNING, "the switch style needs about %ld case labels here (%d states, %d input classes); compilers "
         "may take many minutes over it (LLVM at -O1 and up far longer): the table style is "
         "compact at this size (emit { style table; })", cases, f->nstates, f->nsymclass);
}

static int open_outputs(Output *outs, int n)
{
  for (int i = 0; i < n; i++) {
    Output *x = &outs[i];
    if (out_open(&x->main, x->path) != 0) return -1;
    if (x->hpath) {
      const char *base = strrchr(x->hpath, '/');
      x->aux_name = xstrdup(base ? base + 1 : x->hpath);
      if (out_open(&x->aux, x->hpath) != 0) return -1;
    }
  }
  return 0;
}

static void abort_outputs(Output *outs, int n)
{
  for (int i = 0; i < n; i++) {
    out_abort(&outs[i].main);
    out_abort(&outs[i].aux);
    free(outs[i].aux_name);
    free(outs[i].hpath);
    free(outs[i].canon);
    free(outs[i].hcanon);
  }
}

static int write_outputs(Output *outs, int n, const EmitInput *in, const ReportInput *rep, const Options *o)
{
  for (int i = 0; i < n; i++) {
    Output *x = &outs[i];
    int rc = RNF_EXIT_OK;
    switch (x->kind) {
    case OUT_C: rc = emit_c(in, x->main.fp, x->aux.fp, x->aux_name); break;
    case OUT_H: rc = emit_c(in, NULL, x->main.fp, NULL); break;
    case OUT_DOT: rc = emit_dot(in, x->main.fp); break;
    case OUT_JSON: rc = emit_json(in, x->main.fp); break;
    case OUT_CSV: rc = emit_csv(in, x->main.fp); break;
    case OUT_HTML: rc = emit_html(rep, x->main.fp); break;
    case OUT_LL: rc = emit_llvm(in, x->main.fp, LLVM_IR, o->target, o->opt_level); break;
    case OUT_BC: rc = emit_llvm(in, x->main.fp, LLVM_BC, o->target, o->opt_level); break;
    case OUT_O: rc = emit_llvm(in, x->main.fp, LLVM_OBJ, o->target, o->opt_level); break;
    }
    if (rc == RNF_EXIT_OK && x->kind != OUT_C && x->aux.fp) rc = emit_c_header(in, x->aux.fp);
    if (rc != RNF_EXIT_OK) return rc;
  }
  /* all or nothing: every file is on disk (flushed, synced) before any
  ** replaces its predecessor; a full disk fails here with nothing renamed */
  for (int i = 0; i < n; i++) {
    if (outs[i].aux.fp && out_finish(&outs[i].aux) != 0) return RNF_EXIT_IO;
    if (outs[i].main.fp && out_finish(&outs[i].main) != 0) return RNF_EXIT_IO;
  }
  int rc = RNF_EXIT_OK;
  for (int i = 0; i < n; i++) {
    if (outs[i].aux.tmp && out_commit(&outs[i].aux) != 0) rc = RNF_EXIT_IO;
    if (outs[i].main.tmp && out_commit(&outs[i].main) != 0) rc = RNF_EXIT_IO;
  }
  return rc;
}

/* The model's name as the terminal may show it: a quoted name can hold
** any byte, escape sequences and newlines included (esc.h). */
static char *display_name(const Spec *s)
{
  return esc_display(s->name, strlen(s->name));
}

static void print_summary(const Spec *s, const Eval *ev)
{
  if (rnf_verbosity < 0) return;
  char raw[48], *name = display_name(s);
  if (ev->minimized) snprintf(raw, sizeof raw, "%d before minimization", ev->states_raw);
  else snprintf(raw, sizeof raw, "not minimized");
  fprintf(stderr,
          "%s: network %.2f%%, automaton %.2f%%, fidelity %.2f%% on %s data; "
          "%d state%s (%s), %d symbol class%s, k=%d\n",
          name, 100 * ev->net_acc, 100 * ev->fsa_acc, 100 * ev->fidelity,
          eval_split_name(ev->split), ev->states_min, ev->states_min == 1 ? "" : "s", raw,
          ev->nsymclass, ev->nsymclass == 1 ? "" : "es", ev->k);
  if (ev->equivalent == 1)
    fprintf(stderr, "%s: the automaton is exactly equivalent to the target language\n", name);
  free(name);
}

static void print_counterexample(const Spec *s, const Dataset *d, const Eval *ev)
{
  if (ev->equivalent != 0 || rnf_verbosity < 0) return;
  char *name = display_name(s);
  fprintf(stderr, "%s: the automaton differs from the target language; shortest counterexample: \"", name);
  free(name);
  for (int i = 0; i < ev->cexlen; i++) {
    const char *sym = d->tok.sym_names[ev->cex[i]];
    char *shown = esc_display(sym, strlen(sym));   /* \\ for a backslash, so \" is unambiguous */
    for (const char *q = shown; *q; q++) {
      if (*q == '"') fputc('\\', stderr);
      fputc(*q, stderr);
    }
    free(shown);
  }
  fprintf(stderr, "\"\n");
}

int main(int argc, char **argv)
{
  Options o;
  int rc = parse_args(argc, argv, &o);
  if (rc >= 0) return rc;
  out_install_signal_cleanup();
  openblas_set_num_threads(o.threads);

  size_t len;
  char *text = read_file(o.spec_path, &len);
  if (!text) {
    diag(DIAG_ERROR, "cannot read spec '%s': %s", o.spec_path, strerror(errno));
    return RNF_EXIT_SPEC;
  }
  int nerr = 0;
  SpecAst *ast = spec_parse(o.spec_path, text, len, &nerr);
  Spec spec;
  memset(&spec, 0, sizeof spec);
  if (ast && nerr == 0) nerr = spec_check(ast, &spec);
  spec_ast_free(ast);
  if (!ast || nerr) {
    if (nerr) fprintf(stderr, "%d error%s generated.\n", nerr, nerr == 1 ? "" : "s");
    spec_free(&spec);
    free(text);
    return RNF_EXIT_SPEC;
  }
  if (o.print_spec) spec_print(stdout, &spec);
  if (o.check_only || o.print_spec) {
    if (o.noutputs > 0)   /* a build line with --check added writes nothing: say so */
      diag(DIAG_WARNING, "%s writes no output; ignoring %d '-o' option%s", o.check_only ? "--check" : "--print-spec",
           o.noutputs, o.noutputs == 1 ? "" : "s");
    spec_free(&spec);
    free(text);
    return RNF_EXIT_OK;
  }

  Output outs[MAX_OUTPUTS];
  memset(outs, 0, sizeof outs);
  Dataset data;
  memset(&data, 0, sizeof data);
  Rnn net;
  memset(&net, 0, sizeof net);
  TrainLog log;
  memset(&log, 0, sizeof log);
  Fsa *fsa = NULL;
  Eval ev;
  memset(&ev, 0, sizeof ev);

  for (int i = 0; i < o.noutputs; i++) {
    int k = out_kind(o.outputs[i]);
    if (!is_llvm((OutKind)k)) continue;
    rc = emit_llvm_check_target(o.target, k == OUT_LL ? LLVM_IR : k == OUT_BC ? LLVM_BC : LLVM_OBJ);
    if (rc != RNF_EXIT_OK) goto done;
  }
  if ((rc = plan_outputs(&o, &spec, outs)) != RNF_EXIT_OK) goto done;
  if (open_outputs(outs, o.noutputs) != 0) { rc = RNF_EXIT_IO; goto done; }
  if ((rc = data_load(&spec, &data)) != RNF_EXIT_OK) goto done;
  if ((rc = get_network(&o, &spec, &data, &net, &log)) != RNF_EXIT_OK) goto done;
  if ((rc = lim_check("extraction", lim_extract_bytes(&spec.extract, &spec.rnn, &data),
                      "lower 'max_states', 'k' or 'kmax', or the vocabulary")) != RNF_EXIT_OK)
    goto done;
  if ((rc = extract_fsa(&spec.extract, &net, &data, &fsa, &ev)) != RNF_EXIT_OK) goto done;
  if (fsa->nstates == 1 && data.nclass > 1) {   /* a constant: worth a word before it ships */
    char *cn = esc_display(data.class_names[fsa->label[0]], strlen(data.class_names[fsa->label[0]]));
    diag(DIAG_WARNING, "the automaton has one state: it labels every input '%s'", cn);
    diag(DIAG_NOTE, "the network may have learnt too little (more 'epochs', a larger 'hidden'), "
                    "or try a larger 'k'");
    free(cn);
  }
  print_summary(&spec, &ev);
  print_counterexample(&spec, &data, &ev);

  const char *base = strrchr(spec.file, '/');
  Provenance prov = {
    .version = RNF_VERSION, .spec_name = spec.name, .spec_file = base ? base + 1 : spec.file,
    .hash = hash_bytes(data.hash, text, len),
    .data_seed = spec.data.seed, .rnn_seed = spec.rnn.seed, .extract_seed = spec.extract.seed,
    .cell = spec_cell_name(spec.rnn.cell), .hidden = spec.rnn.hidden, .embed = spec.rnn.embed,
  };
  EmitInput in = {
    .fsa = fsa, .tok = &data.tok, .nclass = data.nclass, .class_names = data.class_names,
    .prefix = spec.emit.prefix, .style = spec.emit.style, .max_step = spec.emit.max_step,
    .prov = &prov, .eval = &ev,
  };
  ReportInput rep = { .emit = &in, .data = &data, .net = &net, .log = &log };
  warn_big_switch(&spec, fsa, outs, o.noutputs);
  if (o.verify) {
    int llvm = -1, single = 0;   /* an LLVM output or a single header is verified too */
    for (int i = 0; i < o.noutputs; i++) {
      if (is_llvm(outs[i].kind)) llvm = o.opt_level;
      if (outs[i].kind == OUT_H) single = 1;
    }
    if ((rc = verify_c(&in, &data, spec.extract.seed, llvm, single)) != RNF_EXIT_OK) goto done;
  }
  rc = write_outputs(outs, o.noutputs, &in, &rep, &o);

done:
  abort_outputs(outs, o.noutputs);   /* no-op for committed outputs */
  eval_free(&ev);
  fsa_free(fsa);
  free(log.epochs);
  rnn_free(&net);
  data_free(&data);
  spec_free(&spec);
  free(text);
  return rc;
}
