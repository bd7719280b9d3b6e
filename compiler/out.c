/*
** out.c -- atomic output files (see out.h).
**
** Each output is written to "PATH.tmp.PID.N" beside PATH and renamed over it
** only when complete, so readers never see half a file and a failed run
** keeps the previous one.  Open temporaries are listed so a signal handler
** can remove them: the list is a fixed array because a handler may not call
** malloc.
*/
#include "out.h"
#include "common.h"
#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_OPEN 64
static char *open_tmps[MAX_OPEN];      /* temporaries not yet committed */
static pid_t open_pids[MAX_OPEN];      /* their creators: a forked child's exit() leaves the parent's alone */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "signal handlers need a lock-free atomic_int");
static atomic_int cleanup;             /* 0 idle, 1 a handler removes the temporaries, 2 done */

static void track(char *tmp, int add)
{
  for (int i = 0; i < MAX_OPEN; i++) {
    if (add && !open_tmps[i]) { open_tmps[i] = tmp; open_pids[i] = getpid(); return; }
    if (!add && open_tmps[i] == tmp) { open_tmps[i] = NULL; return; }
  }
}

/* exit() before commit -- out of memory (xmalloc), an internal error, any
** early return from main -- removes the temporaries too, as out.h promises */
static void at_exit(void)
{
  for (int i = 0; i < MAX_OPEN; i++)
    if (open_tmps[i] && open_pids[i] == getpid()) unlink(open_tmps[i]);
  for (int i = 0; i < MAX_OPEN; i++)   /* scratch folders, now empty */
    if (open_tmps[i] && open_pids[i] == getpid()) { rmdir(open_tmps[i]); open_tmps[i] = NULL; }
}

static volatile pid_t child;          /* a helper program running now (out_child) */

/* at_exit, registered once, before the first path is tracked */
static void register_at_exit(void)
{
  static int registered;
  if (!registered) { atexit(at_exit); registered = 1; }
}

void out_scratch(char *path, int add)
{
  register_at_exit();
  track(path, add);
}

void out_child(pid_t pid)
{
  child = pid;
}

/* Failures go to WHY when given (the caller decides how bad they are),
** else they are reported as errors. */
static void fail(const char *path, int e, char *why, size_t whylen)
{
  if (why) snprintf(why, whylen, "cannot write '%s': %s", path, strerror(e));
  else diag(DIAG_ERROR, "cannot write '%s': %s", path, strerror(e));
}

int out_open_why(OutFile *o, const char *path, char *why, size_t whylen)
{
  static unsigned seq;
  register_at_exit();
  memset(o, 0, sizeof *o);
  /* rename() cannot replace a folder: fail now, before anything is
  ** written or committed, not half-way through committing */
  struct stat st;
  if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {   /* (a symlink there is replaced) */
    fail(path, EISDIR, why, whylen);
    return -1;
  }
  o->path = xstrdup(path);
  /* "PATH.tmp.PID.N"; a name near NAME_MAX gets a short hidden one beside
  ** it, so any name that can be written can be written atomically */
  const char *slash = strrchr(path, '/');
  if (strlen(slash ? slash + 1 : path) > 200)
    o->tmp = xasprintf("%.*s.rnnfsac.tmp.%ld.%u", slash ? (int)(slash - path) + 1 : 0, path,
                       (long)getpid(), seq++);
  else
    o->tmp = xasprintf("%s.tmp.%ld.%u", path, (long)getpid(), seq++);
  track(o->tmp, 1);   /* before the file exists: a signal right after open() must find it */
  /* a new file gets 0666 less the umask, like any other tool's output; a
  ** replaced one keeps its permission bits (not its set-id bits) */
  int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
  if (fd >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
      fchmod(fd, st.st_mode & 0777) != 0) {
    int e = errno;
    close(fd);
    fd = -1;
    unlink(o->tmp);
    errno = e;
  }
  if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
    int e = errno;
    if (fd >= 0) { close(fd); unlink(o->tmp); }
    track(o->tmp, 0);
    fail(path, e, why, whylen);
    free(o->path); free(o->tmp);
    memset(o, 0, sizeof *o);
    return -1;
  }
  return 0;
}

int out_open(OutFile *o, const char *path)
{
  return out_open_why(o, path, NULL, 0);
}

/* Flush, sync and close; a failure is reported and the temporary
** removed, so the file is simply gone (out_abort's state). */
static int finish(OutFile *o, char *why, size_t whylen)
{
  int err = 0;
  if (fflush(o->fp) != 0 || ferror(o->fp)) err = errno ? errno : EIO;
  if (!err && fsync(fileno(o->fp)) != 0 && errno != EINVAL) err = errno;
  if (fclose(o->fp) != 0 && !err) err = errno;
  o->fp = NULL;
  if (!err) return 0;
  fail(o->path, err, why, whylen);
  out_abort(o);
  return -1;
}

int out_finish(OutFile *o)
{
  return finish(o, NULL, 0);
}

int out_commit_why(OutFile *o, char *why, size_t whylen)
{
  if (o->fp && finish(o, why, whylen) != 0) return -1;
  int err = rename(o->tmp, o->path) != 0 ? errno : 0;
  if (err) {
    fail(o->path, err, why, whylen);
    unlink(o->tmp);
  }
  track(o->tmp, 0);
  free(o->tmp); free(o->path);
  memset(o, 0, sizeof *o);
  return err ? -1 : 0;
}

int out_commit(OutFile *o)
{
  return out_commit_why(o, NULL, 0);
}

void out_abort(OutFile *o)
{
  if (!o->tmp) return;
  if (o->fp) fclose(o->fp);
  unlink(o->tmp);
  track(o->tmp, 0);
  free(o->tmp); free(o->path);
  memset(o, 0, sizeof *o);
}

/* The first handler to run removes the temporaries; any other (timeout(1)
** signals the child and then its process group, so a second signal may
** reach an OpenBLAS thread while the first handler is at work) waits for
** it to finish before dying, else the process would die half-way through
** the list.  The three signals are blocked while a handler runs, so no
** handler nests inside another in one thread and the wait cannot spin
** forever. */
static void on_signal(int sig)
{
  int idle = 0;
  if (atomic_compare_exchange_strong(&cleanup, &idle, 1)) {
    if (child > 0) kill(child, SIGTERM);   /* it would go on writing into the scratch folder */
    for (int i = 0; i < MAX_OPEN; i++)
      if (open_tmps[i]) unlink(open_tmps[i]);
    for (int i = 0; i < MAX_OPEN; i++)
      if (open_tmps[i]) rmdir(open_tmps[i]);
    atomic_store(&cleanup, 2);
  } else {
    while (atomic_load(&cleanup) != 2) continue;
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void out_install_signal_cleanup(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaddset(&sa.sa_mask, SIGHUP);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    errno = EISDIR;
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (n + 1 >= cap) buf = xrealloc(buf, cap *= 2);
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0) break;
  }
  int bad = ferror(f);
  int saved = errno;
  fclose(f);
  if (bad) { free(buf); errno = saved ? saved : EIO; return NULL; }
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}
