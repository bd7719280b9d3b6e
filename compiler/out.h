/*
** out.h -- atomic output files.
**
** Contract: out_open creates a temporary file beside PATH; out_commit
** flushes, fsyncs and renames it over PATH; out_abort (or process exit
** before commit, including SIGINT/SIGTERM via out_install_signal_cleanup)
** removes it.  A failed or interrupted run therefore never leaves a partial
** file and never destroys the previous one.
*/
#ifndef RNF_OUT_H
#define RNF_OUT_H

#include <stdio.h>

typedef struct OutFile {
  FILE *fp;           /* write here */
  char *path;         /* final name */
  char *tmp;          /* temporary name */
} OutFile;

/* 0 on success; on failure reports "cannot write PATH: reason" and returns -1. */
int out_open(OutFile *o, const char *path);
/* 0 on success (the file now exists under its final name), -1 with a message. */
int out_commit(OutFile *o);
void out_abort(OutFile *o);
/* Remove every still-open temporary on SIGINT/SIGTERM, then die by the signal. */
void out_install_signal_cleanup(void);

/* Read a whole file into a NUL-terminated buffer (caller frees). NULL and errno on failure. */
char *read_file(const char *path, size_t *len);

#endif
