/*
** memlimit.h -- memory estimates, checked before the large allocations.
**
** Contract: each lim_*_bytes function estimates (from above, in bytes) the
** peak memory one stage will allocate for the given settings and data;
** lim_check compares an estimate with the memory budget and, when it does
** not fit, reports "not enough memory: ..." through diag.h and returns
** RNF_EXIT_INTERNAL (the exit status of out of memory), else RNF_EXIT_OK.
** The budget is the smallest of physical memory, RLIMIT_AS and RLIMIT_DATA,
** or $RNNFSAC_MAX_MEMORY (MiB) when set.  So absurd settings fail in a
** second with a message instead of after minutes of swapping, or by the
** kernel's OOM killer.  Documented in docs/hardening.md.
*/
#ifndef RNF_MEMLIMIT_H
#define RNF_MEMLIMIT_H

#include "spec.h"
#include "data.h"

double lim_budget(void);                                   /* bytes */
double lim_generate_bytes(const SpecData *s);              /* data_load, generated languages */
double lim_train_bytes(const SpecRnn *s, const Dataset *d);
double lim_extract_bytes(const SpecExtract *s, const SpecRnn *r, const Dataset *d);
/* WHAT names the stage ("training"); HINT says which settings to lower. */
int lim_check(const char *what, double bytes, const char *hint);

#endif
