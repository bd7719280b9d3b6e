/*
** fuzz_classifier.c -- libFuzzer target: generated classifiers fed
** arbitrary bytes.  `make fuzz` generates three at build time and links
** them in: examples/tomita/tomita4.spec (table style, alphabet tokens,
** prefix t4), specs/words.spec (switch style, words, fw) and
** specs/chars.spec (table style, chars, fc).
**
** Invariants (docs/generated-api.md):
**   - the label is a class id or -1, and -1 only for an alphabet classifier
**     without catch-all fed a byte outside its alphabet (t4: not '0'/'1');
**   - class_name(label) is non-NULL exactly for class ids;
**   - streaming is exact: any split into chunks (chosen from the input's
**     hash), with _label called after every chunk, ends on the same label
**     as _classify on the whole; a copied state continues identically.
*/
#include "fuzz.h"
#include "t4.h"
#include "fw.h"
#include "fc.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_classifier: invariant failed: %s\n", #c); abort(); } } while (0)

/* xorshift over a seed taken from the input: chunk sizes */
static uint64_t next(uint64_t *s)
{
  *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17;
  return *s;
}

#define RUN(P, NUM, ALPHA_ONLY)                                                    \
  do {                                                                             \
    int whole = P##_classify(data, size);                                          \
    CHECK(whole >= -1 && whole < NUM);                                             \
    CHECK((P##_class_name(whole) != NULL) == (whole >= 0));                        \
    CHECK(P##_class_name(NUM) == NULL);                                            \
    if (ALPHA_ONLY) CHECK((whole == -1) == bad_t4);                                \
    else CHECK(whole >= 0);                                                        \
    P##_state st, snap;                                                            \
    P##_init(&st);                                                                 \
    uint64_t seed = h | 1;                                                         \
    size_t at = 0, cut = size ? (size_t)(next(&seed) % (size + 1)) : 0;            \
    int snapped = 0;                                                               \
    while (at < size) {                                                            \
      size_t k = 1 + (size_t)(next(&seed) % 8);                                    \
      if (next(&seed) % 4 == 0) k = 0;  /* empty feeds are allowed */              \
      if (k > size - at) k = size - at;                                            \
      P##_feed(&st, k ? data + at : NULL, k);                                      \
      at += k;                                                                     \
      int l = P##_label(&st);                                                      \
      CHECK(l >= -1 && l < NUM);                                                   \
      if (!snapped && at >= cut) { snap = st; snapped = 1;                         \
        P##_feed(&snap, data + at, size - at);                                     \
        CHECK(P##_label(&snap) == whole); }                                        \
    }                                                                              \
    CHECK(P##_label(&st) == whole);                                                \
    CHECK(P##_label(&st) == whole);  /* _label does not change the state */       \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  int bad_t4 = 0;
  for (size_t i = 0; i < size; i++) {
    h = (h ^ data[i]) * 0x100000001b3ULL;
    if (data[i] != '0' && data[i] != '1') bad_t4 = 1;
  }
  RUN(t4, T4_NUM_CLASSES, 1);
  RUN(fw, FW_NUM_CLASSES, 0);
  RUN(fc, FC_NUM_CLASSES, 0);
  return 0;
}
