/*
** verify.c -- check the generated C (and the LLVM object) against the
** in-compiler automaton.
**
** The driver program is generated next to the classifier; inputs travel in
** a binary file (count, then length-prefixed byte strings) so any byte,
** NUL and newline included, reaches the classifier unchanged.  For each
** input the driver prints two labels: classify() on the whole buffer and
** feed() over pseudo-random chunks, which exercises streaming.
*/
#include "verify.h"
#include "emit_plan.h"
#include "common.h"
#include "diag.h"
#include "out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NRANDOM 3000          /* random inputs besides the test split */
#define MAXSHOW 5             /* disagreements printed */

static const char driver_src[] =
  "#include <stdio.h>\n#include <stdlib.h>\n#include <stdint.h>\n#include \"cls.h\"\n"
  "static uint32_t rd(FILE *f) { unsigned char b[4]; if (fread(b, 1, 4, f) != 4) exit(2);\n"
  "  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }\n"
  "int main(int argc, char **argv) {\n"
  "  FILE *f = fopen(argv[1], \"rb\"); if (!f || argc < 2) return 2;\n"
  "  uint32_t n = rd(f), x = 2463534242u;\n"
  "  for (uint32_t i = 0; i < n; i++) {\n"
  "    uint32_t len = rd(f); unsigned char *b = malloc(len + 1);\n"
  "    if (!b || fread(b, 1, len, f) != len) return 2;\n"
  "    int whole = PFX_classify(b, len);\n"
  "    PFX_state s; PFX_init(&s);\n"
  "    for (uint32_t at = 0; at < len;) {\n"
  "      x ^= x << 13; x ^= x >> 17; x ^= x << 5;\n"
  "      uint32_t k = 1 + x % 7; if (k > len - at) k = len - at;\n"
  "      PFX_feed(&s, b + at, k); at += k;\n"
  "    }\n"
  "    printf(\"%d %d\\n\", whole, PFX_label(&s)); free(b);\n"
  "  }\n"
  "  return 0;\n}\n";

typedef struct Inputs {
  int n, cap;
  char **text;
  size_t *len;
  int *want;                 /* [n] the automaton's label, filled once all are added */
} Inputs;

/* The private folder's files. */
typedef struct Paths { char *c, *h, *driver, *inputs, *labels, *log, *bin, *llvm, *one; } Paths;

static void add(Inputs *in, const char *s, size_t n)
{
  if (in->n == in->cap) {
    in->cap = in->cap ? 2 * in->cap : 256;
    in->text = xrealloc(in->text, (size_t)in->cap * sizeof *in->text);
    in->len = xrealloc(in->len, (size_t)in->cap * sizeof *in->len);
  }
  in->text[in->n] = xmalloc(n + 1);
  memcpy(in->text[in->n], s, n);
  in->len[in->n++] = n;
}

/* Random inputs that reach deep into the automaton: symbols of the
** tokenizer (words and their separators, alphabet bytes) mixed with
** arbitrary bytes. */
static void add_random(Inputs *in, const Tokenizer *t, uint64_t seed)
{
  Rng r;
  rng_seed(&r, seed ^ 0x7665726966790000ULL);
  static const char seps[] = " \t\n.,!?'\"-";
  char buf[512];
  for (int i = 0; i < NRANDOM; i++) {
    size_t n = 0, want = (size_t)rng_below(&r, 64);
    int mode = (int)rng_below(&r, 4);          /* 0: arbitrary bytes, else symbols */
    while (n < want) {
      if (mode == 0 || rng_below(&r, 16) == 0) {
        buf[n++] = (char)rng_below(&r, 256);
      } else if (t->kind == TOKS_WORDS || t->kind == TOKS_CHARS) {
        const char *w = t->sym_names[rng_below(&r, (uint64_t)t->nsym)];
        size_t wl = strlen(w);
        if (w[0] == '<' || n + wl + 1 >= sizeof buf) { buf[n++] = 'x'; continue; }  /* <unk> */
        memcpy(buf + n, w, wl);
        n += wl;
        if (t->kind == TOKS_WORDS) buf[n++] = seps[rng_below(&r, sizeof seps - 1)];
      } else {
        int b = (int)rng_below(&r, 256);
        for (int k = 0; k < 256 && t->bytemap[b] < 0; k++) b = (b + 1) & 255;
        buf[n++] = (char)b;
      }
    }
    add(in, buf, n);
  }
}

static int expected(const Tokenizer *t, const Fsa *f, const char *s, size_t n)
{
  int32_t *syms = NULL;
  size_t bad;
  long k = tok_encode(t, s, n, &syms, &bad);
  int label = k < 0 ? -1 : fsa_classify(f, syms, (int)k);
  free(syms);
  return label;
}

static void put32(FILE *f, uint32_t v)
{
  unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                         (unsigned char)(v >> 24) };
  fwrite(b, 1, 4, f);
}

static int write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fputs(text, f);
  return fclose(f);
}

/* A file in the private folder cannot be written (disk full, ...). */
static int io_error(const char *path)
{
  diag(DIAG_ERROR, "--verify: cannot write '%s': %s", path, strerror(errno ? errno : EIO));
  return RNF_EXIT_IO;
}

static void show(const char *s, size_t n)
{
  fputc('"', stderr);
  for (size_t i = 0; i < n && i < 60; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') fputc(c, stderr);
    else fprintf(stderr, "\\x%02x", c);
  }
  fputs(n > 60 ? "\"..." : "\"", stderr);
}

/* Run CMD with /bin/sh as system() would, but with our SIGINT handling
** (a Ctrl-C removes the scratch folder and ends the run with 130, instead
** of reading as a failed check) and with the child known to the signal
** cleanup.  Returns the wait status, or -1. */
static int run(const char *cmd)
{
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  out_child(pid);
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) { st = -1; break; }
  out_child(0);
  return st;
}

/* What a failed wait status means, for messages. */
static void status_text(int st, char *buf, size_t n)
{
  if (st == -1) snprintf(buf, n, "could not be started: %s", strerror(errno));
  else if (WIFSIGNALED(st)) snprintf(buf, n, "was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
  else if (WIFEXITED(st) && WEXITSTATUS(st) == 127) snprintf(buf, n, "was not found (exit status 127)");
  else if (WIFEXITED(st) && WEXITSTATUS(st) == 126) snprintf(buf, n, "could not be executed (exit status 126)");
  else snprintf(buf, n, "exited with status %d", WIFEXITED(st) ? WEXITSTATUS(st) : st);
}

/* Compile the driver with OBJ (the generated C, or the LLVM object), run
** it on the inputs and compare its labels with the automaton's; WHAT names
** OBJ in messages. */
static int check_build(const Paths *pa, const Inputs *in, const char *what, const char *obj)
{
  const char *cc = getenv("CC");
  if (!cc || !*cc) cc = "cc";
  char *cmd = xasprintf("%s -std=c99 -O1 -Wall -Wextra -Werror -o '%s' '%s' '%s' >'%s' 2>&1",
                        cc, pa->bin, pa->driver, obj, pa->log);
  int st = run(cmd);
  free(cmd);
  char why[160];
  size_t loglen = 0;
  char *log = st != 0 ? read_file(pa->log, &loglen) : NULL;
  /* A compiler that cannot run, or that says nothing, is a problem with
  ** $CC (exit 1), not a verdict on the generated C (exit 6). */
  int ran = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 127 && WEXITSTATUS(st) != 126;
  if (st != 0 && (!ran || loglen == 0)) {
    status_text(st, why, sizeof why);
    diag(DIAG_ERROR, "--verify: the C compiler '%s' %s%s", cc, why, ran ? " without a message" : "");
    if (log) fputs(log, stderr);
    diag(DIAG_NOTE, "set CC to a C99 compiler (it is run as: $CC -std=c99 -O1 -Wall -Wextra -Werror -o PROGRAM FILE...)");
    free(log);
    return RNF_EXIT_USAGE;
  }
  if (st != 0) {
    diag(DIAG_ERROR, "--verify: %s does not compile and link with '%s':", what, cc);
    if (log) fputs(log, stderr);
    free(log);
    return RNF_EXIT_VERIFY;
  }
  if (access(pa->bin, X_OK) != 0) {
    diag(DIAG_ERROR, "--verify: the C compiler '%s' reported success but wrote no program", cc);
    diag(DIAG_NOTE, "set CC to a C99 compiler (it is run as: $CC -std=c99 -O1 -Wall -Wextra -Werror -o PROGRAM FILE...)");
    return RNF_EXIT_USAGE;
  }
  cmd = xasprintf("'%s' '%s' >'%s'", pa->bin, pa->inputs, pa->labels);
  st = run(cmd);
  free(cmd);
  FILE *out = fopen(pa->labels, "r");
  if (st != 0 || !out) {
    status_text(st, why, sizeof why);
    diag(DIAG_ERROR, "--verify: the program built from %s %s", what, why);
    if (out) fclose(out);
    return RNF_EXIT_VERIFY;
  }
  int bad = 0;
  for (int i = 0; i < in->n; i++) {
    int whole, stream;
    if (fscanf(out, "%d %d", &whole, &stream) != 2) {
      diag(DIAG_ERROR, "--verify: %s stopped after %d of %d inputs", what, i, in->n);
      bad++;
      break;
    }
    int want = in->want[i];
    if (whole != want || stream != want) {
      if (bad < MAXSHOW) {
        fprintf(stderr, "rnnfsac: error: --verify: on ");
        show(in->text[i], in->len[i]);
        fprintf(stderr, " the automaton says %d, %s says %d (streamed: %d)\n", want, what, whole, stream);
      }
      bad++;
    }
  }
  fclose(out);
  if (bad) {
    diag(DIAG_ERROR, "--verify: %s: %d of %d inputs disagree", what, bad, in->n);
    return RNF_EXIT_VERIFY;
  }
  return RNF_EXIT_OK;
}

/* The single-header form: cls.h becomes the one header (the driver still
** includes it, seeing only declarations) and cls_one.c the translation unit
** that defines <PREFIX>_IMPLEMENTATION before including it. */
static int check_single(const Paths *pa, const Inputs *in, const EmitInput *em)
{
  FILE *h = fopen(pa->h, "w");
  if (!h) return io_error(pa->h);
  int rc = emit_c(em, NULL, h, NULL);
  if (fclose(h) != 0 && rc == RNF_EXIT_OK) rc = io_error(pa->h);
  if (rc != RNF_EXIT_OK) return rc;
  char *up = plan_upper(em->prefix);   /* the macro names emit_c uses */
  char *src = xasprintf("#define %s_IMPLEMENTATION\n#include \"cls.h\"\n", up);
  int bad = write_file(pa->one, src) != 0;
  free(src);
  free(up);
  if (bad) return io_error(pa->one);
  return check_build(pa, in, "the single header", pa->one);
}

int verify_c(const EmitInput *em, const Dataset *d, uint64_t seed, int llvm_opt, int single)
{
  /* $TMPDIR, as other tools do (/tmp may be noexec on a hardened host);
  ** the paths go into '...' shell words, so a quote there cannot be used */
  const char *td = getenv("TMPDIR");
  if (!td || !*td || strchr(td, '\'')) td = "/tmp";
  char *dir = xasprintf("%s/rnnfsac-verify-XXXXXX", td);
  if (!mkdtemp(dir)) {
    diag(DIAG_ERROR, "--verify: cannot create a temporary folder in '%s': %s", td, strerror(errno));
    free(dir);
    return RNF_EXIT_IO;
  }
  Paths pa = {
    .c = xasprintf("%s/cls.c", dir), .h = xasprintf("%s/cls.h", dir),
    .driver = xasprintf("%s/driver.c", dir), .inputs = xasprintf("%s/inputs", dir),
    .labels = xasprintf("%s/labels", dir), .log = xasprintf("%s/cc.log", dir),
    .bin = xasprintf("%s/driver", dir), .llvm = xasprintf("%s/cls_llvm.o", dir),
    .one = xasprintf("%s/cls_one.c", dir),
  };
  char *files[] = { pa.c, pa.h, pa.driver, pa.inputs, pa.labels, pa.log, pa.bin, pa.llvm, pa.one };
  out_scratch(dir, 1);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) out_scratch(files[i], 1);
  int rc = RNF_EXIT_OK;
  Inputs in = { 0 };

  FILE *c = fopen(pa.c, "w"), *h = fopen(pa.h, "w");
  if (!c || !h) {
    rc = io_error(pa.c);
    if (c) fclose(c);
    if (h) fclose(h);
    goto done;
  }
  rc = emit_c(em, c, h, "cls.h");
  if ((fclose(c) | fclose(h)) != 0 && rc == RNF_EXIT_OK) rc = io_error(pa.c);
  if (rc != RNF_EXIT_OK) goto done;

  /* the driver, with the prefix spliced in */
  {
    size_t cap = sizeof driver_src * 4 + strlen(em->prefix) * 64, k = 0;
    char *src = xmalloc(cap);
    for (const char *p = driver_src; *p;) {
      if (!strncmp(p, "PFX", 3)) {
        k += (size_t)snprintf(src + k, cap - k, "%s", em->prefix);
        p += 3;
      } else {
        src[k++] = *p++;
      }
    }
    src[k] = '\0';
    int bad = write_file(pa.driver, src) != 0;
    free(src);
    if (bad) { rc = io_error(pa.driver); goto done; }
  }

  for (int i = 0; i < d->test.n; i++) add(&in, d->test.text[i], d->test.text_len[i]);
  add_random(&in, em->tok, seed);
  in.want = xmalloc((size_t)in.n * sizeof *in.want);
  for (int i = 0; i < in.n; i++) in.want[i] = expected(em->tok, em->fsa, in.text[i], in.len[i]);
  FILE *f = fopen(pa.inputs, "wb");
  if (!f) { rc = io_error(pa.inputs); goto done; }
  put32(f, (uint32_t)in.n);
  for (int i = 0; i < in.n; i++) {
    put32(f, (uint32_t)in.len[i]);
    fwrite(in.text[i], 1, in.len[i], f);
  }
  if ((ferror(f) | fclose(f)) != 0) { rc = io_error(pa.inputs); goto done; }

  rc = check_build(&pa, &in, "the generated C", pa.c);
  if (rc == RNF_EXIT_OK && llvm_opt >= 0) {
    FILE *lo = fopen(pa.llvm, "wb");
    if (!lo) { rc = io_error(pa.llvm); goto done; }
    rc = emit_llvm(em, lo, LLVM_OBJ, NULL, llvm_opt);
    if (fclose(lo) != 0 && rc == RNF_EXIT_OK) rc = io_error(pa.llvm);
    if (rc == RNF_EXIT_OK) rc = check_build(&pa, &in, "the LLVM object", pa.llvm);
  }
  if (rc == RNF_EXIT_OK && single) rc = check_single(&pa, &in, em);
  if (rc == RNF_EXIT_OK && rnf_verbosity >= 0)
    fprintf(stderr, "rnnfsac: verified the generated C%s%s on %d inputs (%d test, %d random), "
                    "whole and streamed\n", single ? " (also as a single header)" : "",
            llvm_opt >= 0 ? " and the LLVM object" : "", in.n, d->test.n, in.n - d->test.n);

done:
  for (int i = 0; i < in.n; i++) free(in.text[i]);
  free(in.text);
  free(in.len);
  free(in.want);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    unlink(files[i]);
    out_scratch(files[i], 0);
    free(files[i]);
  }
  rmdir(dir);
  out_scratch(dir, 0);
  free(dir);
  return rc;
}
