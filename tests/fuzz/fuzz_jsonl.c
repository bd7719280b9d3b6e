/*
** fuzz_jsonl.c -- libFuzzer target: the JSONL reader (data_load with format jsonl)
** on arbitrary bytes; settings and invariants in fuzz_data.h.
*/
#include "fuzz_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_data(FMT_JSONL, ".jsonl", data, size);
}
