/*
** memlimit.c -- memory estimates made before the large allocations (see
** memlimit.h).  The formulas mirror the allocations of data.c (generate),
** train.c (rnn_train, rnn_work_new) and extract.c; they are upper bounds
** within a small factor of what the stage allocates (the process's own
** libraries and OpenBLAS buffers come on top), which is all a go/no-go
** check needs.  Doubles, because absurd settings overflow size_t products.
*/
#include "memlimit.h"
#include "common.h"
#include "diag.h"
#include "rnn.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

double lim_budget(void)
{
  const char *e = getenv("RNNFSAC_MAX_MEMORY");
  if (e && *e) {
    char *end;
    double mib = strtod(e, &end);
    if (*end == '\0' && mib > 0) return mib * 1048576.0;
    static int warned;   /* one warning per run, however often the budget is asked */
    if (!warned++)
      diag(DIAG_WARNING, "ignoring RNNFSAC_MAX_MEMORY='%s': expected a number of MiB above 0", e);
  }
  double b = 1e300;
  long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
  if (pages > 0 && psz > 0) b = (double)pages * (double)psz;
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (double)rl.rlim_cur < b)
    b = (double)rl.rlim_cur;
  if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (double)rl.rlim_cur < b)
    b = (double)rl.rlim_cur;
  return b;
}

double lim_generate_bytes(const SpecData *s)
{
  /* per example: the text and the disjointness map's copy (L+1 bytes
  ** each), its symbols (4L), the map entry and the Split's per-example
  ** arrays (~100 bytes); L at most len_max */
  double L = (double)s->len_max + 1;
  return (double)s->samples * (6 * L + 128);
}

static void longest(const Split *s, double *maxlen)
{
  for (int i = 0; i < s->n; i++)
    if ((double)(s->off[i + 1] - s->off[i]) > *maxlen) *maxlen = (double)(s->off[i + 1] - s->off[i]);
}

double lim_train_bytes(const SpecRnn *s, const Dataset *d)
{
  Rnn shape = { .cell = s->cell, .hidden = s->hidden, .embed = s->embed, .nsym = d->tok.nsym,
                .nclass = d->nclass };
  double H = s->hidden, G = rnn_gates(s->cell), GH = G * H, C = d->nclass;
  double in = s->embed ? s->embed : d->tok.nsym;
  /* the parameter block and its gradient, Adam moments and best copy */
  double P = (double)d->tok.nsym * s->embed + GH * in + GH * H + GH + H + C * H + C;
  double bytes = 5 * P * 4;
  if (!s->embed) bytes += 2 * in * GH * 4;          /* WxT, gWxT */
  /* the packed batch: B x T rows of inputs, projections, activations, states */
  double T = 1;
  longest(&d->train, &T);
  longest(&d->valid, &T);
  double B = s->batch < d->train.n ? s->batch : d->train.n;
  double row = GH + rnn_act_width(&shape) + H;
  if (s->embed) row += s->embed;
  if (s->cell == CELL_LSTM) row += H;
  if (s->cell == CELL_GRU) row += GH;
  bytes += B * T * row * 4 + B * (6 * H + rnn_tmp_width(&shape) + C) * 4;
  /* index arrays over the examples */
  bytes += (double)(d->train.n + d->valid.n) * 24;
  return bytes;
}

double lim_extract_bytes(const SpecExtract *s, const SpecRnn *r, const Dataset *d)
{
  const Split *sp = s->use_valid && d->valid.n ? &d->valid : &d->train;
  double D = (r->cell == CELL_LSTM ? 2.0 : 1.0) * r->hidden;
  double total = 1;
  for (int i = 0; i < sp->n; i++) total += (double)(sp->off[i + 1] - sp->off[i]);
  double n = s->max_states > 0 && total > s->max_states ? s->max_states : total;
  double K = s->k ? s->k : s->kmax;
  double bytes = n * D * 4 + n * 8;                 /* the clustered states, assignments */
  bytes += 3 * K * D * 4;                           /* centroids */
  bytes += (K + 2) * (double)d->tok.nsym * 4 * 3;   /* transition tables and vote counts */
  double rows = total + sp->n;                      /* extract.c's state cache, capped */
  bytes += (rows * D < (double)(16 << 20) ? rows * D : (double)(16 << 20)) * 4;
  bytes += total * (8 + 2 * 16);                    /* tally: step keys, then the distinct steps of two automata */
  return bytes;
}

static void human(char *buf, size_t n, double b)
{
  static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
  int u = 0;
  while (b >= 1024 && u < 6) { b /= 1024; u++; }
  snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

int lim_check(const char *what, double bytes, const char *hint)
{
  double budget = lim_budget();
  if (bytes <= budget) return RNF_EXIT_OK;
  char need[32], have[32];
  human(need, sizeof need, bytes);
  human(have, sizeof have, budget);
  diag(DIAG_ERROR, "not enough memory: %s would need about %s, more than the %s available; %s",
       what, need, have, hint);
  return RNF_EXIT_INTERNAL;
}
