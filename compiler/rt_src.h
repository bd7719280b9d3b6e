/*
** rt_src.h -- the text of every runtime/ header, built into the compiler.
**
** Back ends paste runtime code into generated classifiers verbatim, so the
** classifier tokenizes with exactly the code the compiler trained with.
** The table is generated at build time from the runtime headers by
** tools/embed-runtime.sh into $(BUILD)/gen/rt_src.c.
*/
#ifndef RNF_RT_SRC_H
#define RNF_RT_SRC_H

typedef struct RtSource {
  const char *name;         /* file name, e.g. "rnf_tok.h" */
  const char *text;         /* its bytes, NUL-terminated */
} RtSource;

extern const RtSource rt_sources[];     /* terminated by { NULL, NULL } */

/* The text of runtime/NAME, or NULL if there is no such file. */
const char *rt_source(const char *name);

#endif
