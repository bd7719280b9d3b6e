/*
** fuzz_data.h -- the body of the data-reader targets (fuzz_tsv.c,
** fuzz_csv.c, fuzz_jsonl.c): data_load on arbitrary file bytes.
**
** Input: byte 0 picks the settings, the rest is the data file.
**   bits 0-1  tokens: alphabet "01ab", bytes, chars, words
**   bit  2    lenient        bit 3  catchall (alphabet)
**   bit  4    punct (words)  bit 5  split 80/10/10 instead of 100/0/0
**   bit  6    CSV: columns by index (text 1, label 0) instead of by name
**   bit  7    vocab 4 (chars, words) instead of 2000
** Invariants of a loaded Dataset: every symbol below nsym, every label
** below nclass, offsets ascending, and each example's raw text encodes to
** exactly its stored symbols (the tokenizer a classifier would run).
*/
#include "fuzz.h"
#include "common.h"
#include "data.h"
#include "diag.h"
#include "spec.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz: invariant failed: %s\n", #c); abort(); } } while (0)

static void check_split(const Dataset *d, const Split *s)
{
  CHECK(s->n >= 0);
  if (s->n == 0) return;
  CHECK(s->off[0] == 0);
  for (int i = 0; i < s->n; i++) {
    CHECK(s->off[i] <= s->off[i + 1]);
    CHECK(s->label[i] >= 0 && s->label[i] < d->nclass);
    for (size_t j = s->off[i]; j < s->off[i + 1]; j++) CHECK(s->tok[j] >= 0 && s->tok[j] < d->tok.nsym);
    int32_t *seq = NULL;
    size_t bad = 0;
    long m = tok_encode(&d->tok, s->text[i], s->text_len[i], &seq, &bad);
    CHECK(m == (long)(s->off[i + 1] - s->off[i]));
    CHECK(m == 0 || memcmp(seq, s->tok + s->off[i], (size_t)m * sizeof *seq) == 0);
    free(seq);
  }
}

static int fuzz_data(DataFormat fmt, const char *suffix, const uint8_t *data, size_t size)
{
  static int registered;
  if (!registered) { atexit(fuzz_cleanup); registered = 1; }
  if (size < 1) return 0;
  unsigned cfg = data[0];
  const char *path = fuzz_write(suffix, data + 1, size - 1);
  if (!path) return 0;
  diag_reset();

  Spec sp;
  memset(&sp, 0, sizeof sp);
  SpecData *s = &sp.data;
  sp.file = "fuzz.spec";
  sp.dir = ".";
  sp.name = "fuzz";
  s->source = SRC_FILES;
  s->train = (char *)path;
  s->format = fmt;
  s->text_column = (cfg & 64) && fmt == FMT_CSV ? 1 : -1;
  s->label_column = (cfg & 64) && fmt == FMT_CSV ? 0 : -1;
  static const TokensKind kinds[4] = { TOKS_ALPHABET, TOKS_BYTES, TOKS_CHARS, TOKS_WORDS };
  s->tokens = kinds[cfg & 3];
  s->alphabet = "01ab";
  s->lenient = cfg & 4;
  s->catchall = cfg & 8;
  s->punct = cfg & 16;
  if (cfg & 32) { s->split[0] = 80; s->split[1] = 10; s->split[2] = 10; }
  else s->split[0] = 100;
  s->vocab = (cfg & 128) ? 4 : 2000;
  s->min_count = 1;
  s->seed = 1;

  Dataset d;
  int rc = data_load(&sp, &d);
  CHECK(rc == RNF_EXIT_OK || rc == RNF_EXIT_DATA);
  CHECK((rc == RNF_EXIT_OK) == (diag_errors() == 0));
  if (rc == RNF_EXIT_OK) {
    CHECK(d.nclass >= 2 && d.tok.nsym >= 1);
    CHECK(d.train.n >= 1);
    check_split(&d, &d.train);
    check_split(&d, &d.valid);
    check_split(&d, &d.test);
    FILE *null = fopen("/dev/null", "w");
    if (null) { data_dump(null, &d, 3); fclose(null); }
  }
  data_free(&d);
  diag_reset();
  return 0;
}
