/*
** fuzz_model.c -- libFuzzer target: the model-file loader (rnn_load) on
** arbitrary bytes, and the loaded network run on a few inputs.
**
** Input: byte 0 is a mode, the rest the model file.  With mode bit 0 set
** the last 8 bytes are replaced by the file's correct checksum (FNV-1a 64
** over everything before it, as rnn_save writes it), so the fuzzer gets
** past the checksum and exercises what a well-formed but hostile file does
** after loading: odd sizes, NaN and infinite weights.
** Invariants: rnn_load returns OK or RNF_EXIT_IO (with an error reported);
** a loaded network has sane sizes and classifies every input into a class.
*/
#include "fuzz.h"
#include "common.h"
#include "diag.h"
#include "rnn.h"

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
  int rc = rnn_load(&r, path);
  CHECK(rc == RNF_EXIT_OK || rc == RNF_EXIT_IO);
  CHECK((rc == RNF_EXIT_OK) == (diag_errors() == 0));
  if (rc == RNF_EXIT_OK) {
    CHECK(r.hidden >= 1 && r.hidden <= RNN_MAX_HIDDEN && r.nsym >= 1 && r.nclass >= 2);
    CHECK(r.params && r.nparams > 0);
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
