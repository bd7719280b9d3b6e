/*
** fuzz_tsv.c -- libFuzzer target: the TSV reader (data_load with format tsv)
** on arbitrary bytes; settings and invariants in fuzz_data.h.
*/
#include "fuzz_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_data(FMT_TSV, ".tsv", data, size);
}
