/*
** fuzz_model.c -- libFuzzer target: the model-file loader (rnn_load) on
** arbitrary bytes, and the loaded network run on a few inputs.
**
** Input: byte 0 is a mode, the rest the model file.  With mode bit 0 set
** the last 8 bytes are replaced by the file's correct checksum (FNV-1a 64
** over everything before it, as rnn_save writes it), so the fuzzer gets
** past the checksum and exercises what a well-formed but hostile file does
** after loading: odd sizes, and NaN or infinite weights (which it must
** refuse).
** Mode bit 1 loads through rnn_probe instead (the cache's quiet loader),
** with a wanted shape taken from bytes 2.. of the input half the time.
** Invariants: rnn_load returns OK or RNF_EXIT_IO (with an error reported);
** rnn_probe returns the same, reports nothing and gives a reason on
** failure, and accepts only the wanted shape; a loaded network has sane
** sizes, finite weights, and classifies every input into a class.
*/
#include "fuzz.h"
#include "common.h"
#include "diag.h"
#include "rnn.h"

#include <math.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_model: invariant failed: %s\n", #c); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static int registered;
  if (!registered) { atexit(fuzz_cleanup); registered = 1; }
  if (size < 1) return 0;
  uint8_t *file = malloc(size);
  size_t n = size - 1;
  memcpy(file, data + 1, n);
  if ((data[0] & 1) && n >= 8) {
    uint64_t h = hash_bytes(HASH_INIT, file, n - 8);
    for (int i = 0; i < 8; i++) file[n - 8 + (size_t)i] = (uint8_t)(h >> (8 * i));
  }
  const char *path = fuzz_write(".rnnm", file, n);
  free(file);
  if (!path) return 0;
  diag_reset();
  Rnn r;
  int rc;
  if (data[0] & 2) {
    Rnn want = { 0 };
    const Rnn *w = NULL;
    if ((data[0] & 4) && n >= 4) {        /* a shape to insist on */
      want.cell = (CellKind)(data[1] % 4);
      want.nsym = 1 + data[2] % 8;
      want.embed = data[3] % 3;
      want.hidden = 1 + data[4 % n] % 8;
      want.nclass = 2 + data[1] % 3;
      w = &want;
    }
    char why[96];
    why[0] = '\0';
    rc = rnn_probe(&r, path, w, why, sizeof why);
    CHECK(rc == RNF_EXIT_OK || rc == RNF_EXIT_IO);
    CHECK(diag_errors() == 0);
    CHECK(rc == RNF_EXIT_OK || (why[0] != '\0' && strlen(why) < sizeof why));
    if (rc == RNF_EXIT_OK && w)
      CHECK(r.cell == w->cell && r.nsym == w->nsym && r.embed == w->embed && r.hidden == w->hidden
            && r.nclass == w->nclass);
  } else {
    rc = rnn_load(&r, path);
    CHECK(rc == RNF_EXIT_OK || rc == RNF_EXIT_IO);
    CHECK((rc == RNF_EXIT_OK) == (diag_errors() == 0));
  }
  if (rc == RNF_EXIT_OK) {
    CHECK(r.hidden >= 1 && r.hidden <= RNN_MAX_HIDDEN && r.nsym >= 1 && r.nclass >= 2);
    CHECK(r.params && r.nparams > 0);
    for (size_t i = 0; i < r.nparams; i++) CHECK(isfinite(r.params[i]));
    int32_t seq[16];
    for (int i = 0; i < 16; i++) seq[i] = (int32_t)((unsigned)(i * 7 + data[0]) % (unsigned)r.nsym);
    for (int len = 0; len <= 16; len += 5) {
      int c = rnn_classify(&r, seq, len);
      CHECK(c >= 0 && c < r.nclass);
    }
    rnn_free(&r);
  }
  diag_reset();
  return 0;
}
