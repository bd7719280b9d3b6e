/*
** fuzz_csv.c -- libFuzzer target: the CSV reader (data_load with format csv)
** on arbitrary bytes; settings and invariants in fuzz_data.h.
*/
#include "fuzz_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_data(FMT_CSV, ".csv", data, size);
}
