/*
** test_out.c -- atomic outputs under failure (out.c): a run that is
** interrupted by SIGINT/SIGTERM, or exits early (out of memory goes through
** exit()), leaves no temporary file and keeps the previous file; a network
** cache write (rnn_save) interrupted at any moment leaves either the old
** state or a complete, loadable model file -- never a temporary.
**
**   make BUILD=build-x build-x/tests/test_out && build-x/tests/test_out
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "diag.h"
#include "out.h"
#include "rnn.h"

static char dir[256];

static int setup(void **st)
{
  (void)st;
  const char *t = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/rnnfsac-test-out-XXXXXX", t && *t ? t : "/tmp");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **st)
{
  (void)st;
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char *p = xasprintf("%s/%s", dir, e->d_name);
    unlink(p);
    free(p);
  }
  if (d) closedir(d);
  rmdir(dir);
  return 0;
}

/* Files in DIR whose name holds ".tmp." */
static int count_tmp(void)
{
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) n += strstr(e->d_name, ".tmp.") != NULL;
  closedir(d);
  return n;
}

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void assert_text(const char *path, const char *text)
{
  size_t n;
  char *got = read_file(path, &n);
  assert_non_null(got);
  assert_string_equal(got, text);
  free(got);
}

/* How the child below ends while its output is open.  Out of memory
** (oom() calls exit) only without ASan, whose allocator aborts on an
** impossible size instead of returning NULL; BY_EXIT covers the same path. */
enum { BY_SIGINT, BY_SIGTERM, BY_EXIT, BY_OOM };
#if defined(__SANITIZE_ADDRESS__)
#define LAST_WAY BY_EXIT
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LAST_WAY BY_EXIT
#endif
#endif
#ifndef LAST_WAY
#define LAST_WAY BY_OOM
#endif

static void child_dies(const char *path, int how)
{
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    out_install_signal_cleanup();
    OutFile o;
    if (out_open(&o, path) != 0) _exit(10);
    fputs("partial", o.fp);
    fflush(o.fp);
    switch (how) {
    case BY_SIGINT: raise(SIGINT); break;
    case BY_SIGTERM: raise(SIGTERM); break;
    case BY_EXIT: exit(RNF_EXIT_INTERNAL);
    case BY_OOM: fclose(stderr); (void)xmalloc(SIZE_MAX / 2); break;   /* "out of memory", exit 4 */
    }
    _exit(11);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  if (how == BY_SIGINT || how == BY_SIGTERM) {
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), how == BY_SIGINT ? SIGINT : SIGTERM);
  } else {
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), RNF_EXIT_INTERNAL);
  }
}

static void test_interrupt_keeps_previous(void **st)
{
  (void)st;
  char *path = xasprintf("%s/out.c", dir);
  write_text(path, "previous\n");
  for (int how = BY_SIGINT; how <= LAST_WAY; how++) {
    child_dies(path, how);
    assert_int_equal(count_tmp(), 0);
    assert_text(path, "previous\n");
  }
  free(path);
}

static void test_commit_and_abort(void **st)
{
  (void)st;
  char *path = xasprintf("%s/x.json", dir);
  write_text(path, "old\n");
  OutFile o;
  assert_int_equal(out_open(&o, path), 0);
  fputs("new\n", o.fp);
  assert_int_equal(count_tmp(), 1);
  out_abort(&o);
  assert_int_equal(count_tmp(), 0);
  assert_text(path, "old\n");
  assert_int_equal(out_open(&o, path), 0);
  fputs("new\n", o.fp);
  /* a forked child exiting (as a helper process might) keeps our temporary */
  fflush(o.fp);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) { fclose(stderr); exit(0); }   /* (LeakSanitizer would report the parent's heap) */
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_int_equal(count_tmp(), 1);
  assert_int_equal(out_commit(&o), 0);
  assert_int_equal(count_tmp(), 0);
  assert_text(path, "new\n");
  free(path);
}

/* SIGTERM at increasing delays into a loop of cache writes: whatever the
** moment, no temporary survives and the model file, if there, loads. */
static void test_interrupted_cache_write(void **st)
{
  (void)st;
  char *path = xasprintf("%s/0123456789abcdef.rnnm", dir);
  Rnn r;
  rnn_alloc(&r, CELL_GRU, 256, 0, 512, 2);   /* ~1.6M floats: a write takes a while */
  Rng rng;
  rng_seed(&rng, 5);
  rnn_init_params(&r, &rng);
  const int delays_us[] = { 0, 300, 2000, 8000, 20000, 50000 };
  for (size_t i = 0; i < sizeof delays_us / sizeof *delays_us; i++) {
    unlink(path);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      out_install_signal_cleanup();
      fclose(stderr);
      for (;;) rnn_save(&r, path, NULL, 0);
    }
    struct timespec ts = { 0, delays_us[i] * 1000L };
    nanosleep(&ts, NULL);
    kill(pid, SIGTERM);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(count_tmp(), 0);
    if (access(path, F_OK) == 0) {
      Rnn q;
      assert_int_equal(rnn_load(&q, path), RNF_EXIT_OK);
      assert_int_equal((int)q.nparams, (int)r.nparams);
      assert_memory_equal(q.params, r.params, r.nparams * sizeof *r.params);
      rnn_free(&q);
    }
  }
  rnn_free(&r);
  free(path);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_commit_and_abort, setup, teardown),
    cmocka_unit_test_setup_teardown(test_interrupt_keeps_previous, setup, teardown),
    cmocka_unit_test_setup_teardown(test_interrupted_cache_write, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
