/*
** fuzz.h -- shared by the libFuzzer targets in tests/fuzz/.
**
** Each target defines LLVMFuzzerTestOneInput (libFuzzer's entry point;
** declared here because the build has -Wmissing-prototypes).  The readers
** under test take a path, so inputs go through one temporary file per
** process, rewritten on every run.
*/
#ifndef RNF_FUZZ_H
#define RNF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The per-process temporary file (under $TMPDIR, else /tmp), ending in SUFFIX. */
static inline const char *fuzz_tmp_path(const char *suffix)
{
  static char path[512];
  if (!path[0]) {
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/rnnfsac-fuzz-%ld%s", dir && *dir ? dir : "/tmp", (long)getpid(), suffix);
  }
  return path;
}

/* Write DATA to the temporary file; its path, or NULL (then skip the run). */
static inline const char *fuzz_write(const char *suffix, const uint8_t *data, size_t size)
{
  const char *p = fuzz_tmp_path(suffix);
  FILE *f = fopen(p, "wb");
  if (!f) return NULL;
  if (size && fwrite(data, 1, size, f) != size) { fclose(f); return NULL; }
  if (fclose(f) != 0) return NULL;
  return p;
}

/* Remove the temporary file at exit (libFuzzer exits through exit()). */
static inline void fuzz_cleanup(void) { unlink(fuzz_tmp_path("")); }

#endif
