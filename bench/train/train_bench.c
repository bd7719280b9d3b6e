/*
** train_bench.c -- trainer throughput and quality on generated Tomita data.
**
**   train_bench [--tomita N] [--cell gru] [--hidden 16] [--embed 0]
**               [--epochs 20] [--batch 32] [--lr 0.01] [--samples 20000]
**               [--maxlen 20] [--seed 1] [--patience 0] [--threads N]
**               [--dump FILE] [--quiet]
**
** Generates SAMPLES strings over {0,1} of lengths 1..MAXLEN, half members of
** Tomita language N (where possible), splits them 80/10/10, trains with
** rnn_train and prints one line:
**   cell gru hidden 16 tomita 4: test 99.85%  train-time 4.1s  61234 samples/s
** --dump writes the three splits as "split<TAB>string<TAB>label" lines, so a
** peer (torch_peer.py) trains on exactly the same data.  Not part of the
** compiler: the driver's data layer has its own generator.
*/
#include "rnn.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int tomita(int k, const int32_t *s, int n)
{
  int z = 0, o = 0;
  for (int i = 0; i < n; i++) { if (s[i]) o++; else z++; }
  switch (k) {
  case 1: return z == 0;
  case 2:
    if (n % 2) return 0;
    for (int i = 0; i < n; i++) if (s[i] != !(i % 2)) return 0;
    return 1;
  case 3: {                 /* no odd run of 1s directly followed by an odd run of 0s */
    int i = 0, prev1 = -1;
    while (i < n) {
      int j = i;
      while (j < n && s[j] == s[i]) j++;
      if (s[i] == 1) prev1 = (j - i) % 2;
      else { if (prev1 == 1 && (j - i) % 2 == 1) return 0; prev1 = -1; }
      i = j;
    }
    return 1;
  }
  case 4:
    for (int i = 0; i + 2 < n; i++) if (!s[i] && !s[i + 1] && !s[i + 2]) return 0;
    return 1;
  case 5: return z % 2 == 0 && o % 2 == 0;
  case 6: return (z - o) % 3 == 0;
  case 7: {                 /* 0*1*0*1* : at most three changes starting from 0 */
    int ch = 0, cur = 0;
    for (int i = 0; i < n; i++) if (s[i] != cur) { cur = s[i]; ch++; }
    return ch <= 3;
  }
  }
  return 0;
}

/* A member of length N when one is easy to build directly (sparse languages). */
static int member(int k, int32_t *s, int n, Rng *g)
{
  if (k == 1) { for (int i = 0; i < n; i++) s[i] = 1; return 1; }
  if (k == 2) { if (n % 2) return 0; for (int i = 0; i < n; i++) s[i] = !(i % 2); return 1; }
  if (k == 7) {
    int cut[3];
    for (int j = 0; j < 3; j++) cut[j] = (int)rng_below(g, (uint64_t)n + 1);
    for (int a = 0; a < 3; a++) for (int b = a + 1; b < 3; b++)
      if (cut[b] < cut[a]) { int t = cut[a]; cut[a] = cut[b]; cut[b] = t; }
    for (int i = 0; i < n; i++) s[i] = (i >= cut[0]) ^ (i >= cut[1]) ^ (i >= cut[2]);
    return 1;
  }
  return 0;
}

static void gen(Dataset *d, int k, int nsamp, int maxlen, uint64_t seed)
{
  Rng g;
  rng_seed(&g, seed);
  int32_t *tok = malloc((size_t)nsamp * maxlen * sizeof *tok);
  size_t *off = malloc(((size_t)nsamp + 1) * sizeof *off);
  int32_t *lab = malloc((size_t)nsamp * sizeof *lab);
  off[0] = 0;
  for (int i = 0; i < nsamp; i++) {
    int n = 1 + (int)rng_below(&g, (uint64_t)maxlen), want = i % 2;
    int32_t *s = tok + off[i];
    int got = 0;
    if (want && member(k, s, n, &g)) got = 1;
    for (int tries = 0; !got && tries < 200; tries++) {
      for (int t = 0; t < n; t++) s[t] = (int32_t)rng_below(&g, 2);
      got = tomita(k, s, n) == want;
    }
    lab[i] = tomita(k, s, n);
    off[i + 1] = off[i] + (size_t)n;
  }
  /* split 80/10/10 after a shuffle */
  int32_t *perm = malloc((size_t)nsamp * sizeof *perm);
  for (int i = 0; i < nsamp; i++) perm[i] = i;
  rng_shuffle(&g, perm, (size_t)nsamp);
  Split *sp[3] = { &d->train, &d->valid, &d->test };
  int cnt[3] = { nsamp * 8 / 10, nsamp / 10, 0 }, at = 0;
  cnt[2] = nsamp - cnt[0] - cnt[1];
  for (int j = 0; j < 3; j++) {
    Split *s = sp[j];
    memset(s, 0, sizeof *s);
    s->n = cnt[j];
    s->off = malloc(((size_t)s->n + 1) * sizeof *s->off);
    s->label = malloc(((size_t)s->n + 1) * sizeof *s->label);
    s->tok = malloc(((size_t)s->n * maxlen + 1) * sizeof *s->tok);
    s->off[0] = 0;
    for (int i = 0; i < s->n; i++, at++) {
      int e = perm[at], n = (int)(off[e + 1] - off[e]);
      memcpy(s->tok + s->off[i], tok + off[e], (size_t)n * sizeof *tok);
      s->off[i + 1] = s->off[i] + (size_t)n;
      s->label[i] = lab[e];
    }
  }
  d->tok.nsym = 2;
  d->nclass = 2;
  free(tok); free(off); free(lab); free(perm);
}

static void dump(const Dataset *d, const char *path)
{
  FILE *f = fopen(path, "w");
  if (!f) { perror(path); exit(1); }
  const Split *sp[3] = { &d->train, &d->valid, &d->test };
  const char *nm[3] = { "train", "valid", "test" };
  for (int j = 0; j < 3; j++)
    for (int i = 0; i < sp[j]->n; i++) {
      fprintf(f, "%s\t", nm[j]);
      for (int t = 0; t < split_len(sp[j], i); t++) fputc('0' + split_seq(sp[j], i)[t], f);
      fprintf(f, "\t%d\n", sp[j]->label[i]);
    }
  fclose(f);
}

int main(int argc, char **argv)
{
  int k = 4, samples = 20000, maxlen = 20;
  const char *dumpf = NULL, *cell = "gru";
  SpecRnn s = { .cell = CELL_GRU, .hidden = 16, .layers = 1, .epochs = 20, .batch = 32,
                .learning_rate = 0.01, .optimizer = OPT_ADAM, .clip = 5.0, .seed = 1 };
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";
    if (!strcmp(a, "--quiet")) { rnf_verbosity = -1; continue; }
    i++;
    if (!strcmp(a, "--tomita")) k = atoi(v);
    else if (!strcmp(a, "--cell")) {
      cell = v;
      s.cell = !strcmp(v, "elman") ? CELL_ELMAN : !strcmp(v, "mgu") ? CELL_MGU
             : !strcmp(v, "lstm") ? CELL_LSTM : CELL_GRU;
    }
    else if (!strcmp(a, "--hidden")) s.hidden = atoi(v);
    else if (!strcmp(a, "--embed")) s.embed = atoi(v);
    else if (!strcmp(a, "--epochs")) s.epochs = atoi(v);
    else if (!strcmp(a, "--batch")) s.batch = atoi(v);
    else if (!strcmp(a, "--lr")) s.learning_rate = atof(v);
    else if (!strcmp(a, "--samples")) samples = atoi(v);
    else if (!strcmp(a, "--maxlen")) maxlen = atoi(v);
    else if (!strcmp(a, "--seed")) s.seed = (uint64_t)atoll(v);
    else if (!strcmp(a, "--patience")) s.patience = atoi(v);
    else if (!strcmp(a, "--dump")) dumpf = v;
    else if (!strcmp(a, "--threads")) openblas_set_num_threads(atoi(v));
    else { fprintf(stderr, "train_bench: unknown option %s\n", a); return 1; }
  }
  Dataset d;
  memset(&d, 0, sizeof d);
  gen(&d, k, samples, maxlen, 12345 + (uint64_t)k);
  if (dumpf) dump(&d, dumpf);
  Rnn r;
  TrainLog log;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (rnn_train(&s, &d, &r, &log) != 0) return 1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  /* throughput of the training passes alone (validation excluded), median epoch */
  double sps[1024];
  int ne = log.n < 1024 ? log.n : 1024;
  for (int i = 0; i < ne; i++) sps[i] = log.epochs[i].samples_per_sec;
  for (int i = 1; i < ne; i++) for (int j = i; j > 0 && sps[j] < sps[j - 1]; j--) {
    double t = sps[j]; sps[j] = sps[j - 1]; sps[j - 1] = t;
  }
  printf("cell %s hidden %d tomita %d: test %.2f%%  best-epoch %d  total %.2fs  %.0f samples/s\n",
         cell, s.hidden, k, 100 * rnn_accuracy(&r, &d.test), log.best_epoch, secs,
         ne ? sps[ne / 2] : 0.0);
  free(log.epochs);
  rnn_free(&r);
  Split *sp[3] = { &d.train, &d.valid, &d.test };
  for (int j = 0; j < 3; j++) { free(sp[j]->tok); free(sp[j]->off); free(sp[j]->label); }
  return 0;
}
