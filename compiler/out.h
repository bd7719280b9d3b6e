/*
** out.h -- atomic output files.
**
** Contract: out_open creates a temporary file beside PATH; out_commit
** flushes, fsyncs and renames it over PATH; out_abort (or process exit
** before commit, including SIGINT/SIGTERM via out_install_signal_cleanup)
** removes it.  A failed or interrupted run therefore never leaves a partial
** file and never destroys the previous one.  A new file's mode is 0666
** less the umask; a replaced regular file keeps its permission bits.
*/
#ifndef RNF_OUT_H
#define RNF_OUT_H

#include <stdio.h>
#include <sys/types.h>

typedef struct OutFile {
  FILE *fp;           /* write here */
  char *path;         /* final name */
  char *tmp;          /* temporary name */
} OutFile;

/* 0 on success; on failure reports "cannot write PATH: reason" and returns
** -1.  PATH being a folder fails here, not at commit. */
int out_open(OutFile *o, const char *path);
/* Flush, sync and close the temporary without renaming it: 0, or -1 with
** a message and the temporary removed (as out_abort).  Finishing every
** file before committing any keeps a set of outputs all or nothing when a
** disk fills up half-way. */
int out_finish(OutFile *o);
/* 0 on success (the file now exists under its final name), -1 with a
** message. */
int out_commit(OutFile *o);
void out_abort(OutFile *o);
/* As out_open / out_commit, but a failure is put in WHY ("cannot write
** 'PATH': reason", at most WHYLEN bytes) instead of being reported: for
** files whose loss is only a warning, such as the network cache. */
int out_open_why(OutFile *o, const char *path, char *why, size_t whylen);
int out_commit_why(OutFile *o, char *why, size_t whylen);
/* Remove every still-open temporary on SIGINT/SIGTERM, then die by the signal. */
void out_install_signal_cleanup(void);

/* Scratch space that is no output: PATH (kept by pointer, not copied) is
** removed, as temporaries are, on exit or on SIGINT/SIGTERM/SIGHUP --
** files unlinked, then folders removed -- until out_scratch(PATH, 0).
** out_child names a helper process (0: none) that such a signal also
** stops, so it cannot go on writing there. */
void out_scratch(char *path, int add);
void out_child(pid_t pid);

/* Read a whole file into a NUL-terminated buffer (caller frees). NULL and errno on failure. */
char *read_file(const char *path, size_t *len);

#endif
