/*
** emit_html.c -- the audit report: one self-contained HTML page.
**
** Sections, in order (each an <h2> with a fixed id the tests look for):
** summary, metrics, confusion, training, graph, symbol-classes,
** disagreements.  No scripts and no external resources, so the page opens
** offline and leaks nothing; the graph is inline SVG from `dot -Tsvg`.
*/
#include "audit.h"
#include "common.h"
#include "diag.h"
#include "esc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_DISAGREE 25     /* sample inputs listed where automaton and network differ */
#define MAX_MEMBERS 60      /* symbols listed per symbol class */

/* Display text D as HTML character data. */
static void html_disp(FILE *f, const char *d)
{
  for (const char *p = d; *p; p++)
    switch (*p) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    default: fputc(*p, f);
    }
}

/* Data text as HTML character data. */
static void html_text(FILE *f, const char *s, size_t n)
{
  char *d = esc_display(s, n);
  html_disp(f, d);
  free(d);
}

static void html_str(FILE *f, const char *s) { html_text(f, s, strlen(s)); }

static void pct(FILE *f, double x) { fprintf(f, "%.2f%%", 100.0 * x); }

/* The split the figures were measured on: test, else (no test split)
** what extract_evaluate fell back to. */
static const Split *eval_split(const ReportInput *in)
{
  EvalSplit sp = in->emit->eval->split;
  return sp == EVAL_VALID ? &in->data->valid : sp == EVAL_TRAIN ? &in->data->train : &in->data->test;
}

static void metrics(FILE *f, const ReportInput *in, char *const *names)
{
  const Eval *e = in->emit->eval;
  fprintf(f, "<h2 id=\"metrics\">Metrics</h2>\n<table>\n");
  const char *sp = eval_split_name(e->split);
  fprintf(f, "<tr><th>network %s accuracy</th><td>", sp); pct(f, e->net_acc); fprintf(f, "</td></tr>\n");
  fprintf(f, "<tr><th>automaton %s accuracy</th><td>", sp); pct(f, e->fsa_acc); fprintf(f, "</td></tr>\n");
  fprintf(f, "<tr><th>fidelity (agreement on %s data)</th><td>", sp); pct(f, e->fidelity); fprintf(f, "</td></tr>\n");
  fprintf(f, "<tr><th>clusters (k)</th><td>%d</td></tr>\n", e->k);
  if (e->minimized)
    fprintf(f, "<tr><th>states before / after minimization</th><td>%d / %d</td></tr>\n",
            e->states_raw, e->states_min);
  else
    fprintf(f, "<tr><th>states</th><td>%d (not minimized)</td></tr>\n", e->states_min);
  fprintf(f, "<tr><th>symbol classes</th><td>%d of %d symbols</td></tr>\n",
          e->nsymclass, in->emit->fsa->nsym);
  fprintf(f, "<tr><th>equivalent to the target language</th><td>%s",
          e->equivalent < 0 ? "not applicable (no target)" : e->equivalent ? "yes" : "no");
  if (e->equivalent == 0) {   /* the command line's counterexample, here too */
    fputs("; shortest input they disagree on: ", f);
    if (e->cexlen == 0) fputs("the empty input", f);
    fputs(e->cexlen ? "<code>" : "", f);
    for (int i = 0; i < e->cexlen; i++) html_disp(f, names[e->cex[i]]);
    fputs(e->cexlen ? "</code>" : "", f);
  }
  fputs("</td></tr>\n", f);
  fprintf(f, "<tr><th>%s examples</th><td>%d</td></tr>\n</table>\n", sp, eval_split(in)->n);
}

static void confusion_table(FILE *f, const ReportInput *in, const char *title, const int32_t *pred)
{
  int C = in->data->nclass;
  const Split *t = eval_split(in);
  long *m = xcalloc((size_t)C * (size_t)C, sizeof *m);
  for (int i = 0; i < t->n; i++) m[(size_t)t->label[i] * (size_t)C + (size_t)pred[i]]++;
  fprintf(f, "<table class=\"confusion\">\n<caption>%s (rows: true class, columns: predicted)</caption>\n<tr><th></th>", title);
  for (int c = 0; c < C; c++) { fprintf(f, "<th>"); html_str(f, in->data->class_names[c]); fprintf(f, "</th>"); }
  fprintf(f, "</tr>\n");
  for (int r = 0; r < C; r++) {
    fprintf(f, "<tr><th>"); html_str(f, in->data->class_names[r]); fprintf(f, "</th>");
    for (int c = 0; c < C; c++)
      fprintf(f, "<td%s>%ld</td>", r == c ? " class=\"diag\"" : "", m[(size_t)r * (size_t)C + (size_t)c]);
    fprintf(f, "</tr>\n");
  }
  fprintf(f, "</table>\n");
  free(m);
}

/* A small line chart: SERIES curves over the epochs, y from 0 to YMAX. */
static void chart(FILE *f, const TrainLog *log, const char *title, int nseries,
                  const char *const *names, const char *const *colors,
                  double (*get)(const TrainEpoch *, int), double ymax)
{
  const int W = 560, H = 220, L = 50, R = 130, T = 24, B = 34;
  int n = log->n;
  fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
             "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n", W, H, W, H, title);
  fprintf(f, "<text x=\"%d\" y=\"16\" class=\"ct\">%s</text>\n", L, title);
  fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n",
          L, T, W - L - R, H - T - B);
  for (int k = 0; k <= 4; k++) {
    double y = T + (H - T - B) * (1.0 - k / 4.0);
    fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"ax\" text-anchor=\"end\">%.3g</text>\n",
            L - 4, y + 4, ymax * k / 4.0);
  }
  fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"ax\">epoch 1</text>\n", L, H - 12);
  fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"ax\" text-anchor=\"end\">epoch %d</text>\n",
          W - R, H - 12, n);
  for (int s = 0; s < nseries; s++) {
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colors[s]);
    for (int i = 0; i < n; i++) {
      double x = L + (n > 1 ? (double)(W - L - R) * i / (n - 1) : (W - L - R) / 2.0);
      double v = get(&log->epochs[i], s) / ymax;
      if (v < 0) v = 0;
      if (v > 1) v = 1;
      fprintf(f, "%s%.1f,%.1f", i ? " " : "", x, T + (H - T - B) * (1.0 - v));
    }
    fprintf(f, "\"/>\n<text x=\"%d\" y=\"%d\" class=\"ax\" fill=\"%s\">%s</text>\n",
            W - R + 8, T + 14 + 16 * s, colors[s], names[s]);
  }
  fprintf(f, "</svg>\n");
}

static double get_loss(const TrainEpoch *e, int s) { (void)s; return e->loss; }
static double get_acc(const TrainEpoch *e, int s) { return s == 0 ? e->train_acc : e->valid_acc; }

static void training(FILE *f, const ReportInput *in)
{
  const TrainLog *log = in->log;
  fprintf(f, "<h2 id=\"training\">Training</h2>\n");
  if (!log || log->n == 0) {
    fprintf(f, "<p class=\"note\">No training curve: the network came from the cache and "
               "its training log was not kept. Run with <code>--retrain</code> to see it.</p>\n");
    return;
  }
  double maxloss = 0;
  for (int i = 0; i < log->n; i++) if (log->epochs[i].loss > maxloss) maxloss = log->epochs[i].loss;
  if (maxloss <= 0) maxloss = 1;
  static const char *const ln[] = { "loss" }, *const lc[] = { "#c0392b" };
  static const char *const an[] = { "train", "validation" }, *const ac[] = { "#2471a3", "#229954" };
  chart(f, log, "cross-entropy loss", 1, ln, lc, get_loss, maxloss);
  chart(f, log, "accuracy", 2, an, ac, get_acc, 1.0);
  fprintf(f, "<p>%d epochs; weights restored from epoch %d (best validation accuracy; "
             "ties go to the lower validation loss).</p>\n",
          log->n, log->best_epoch);
}

/* Graphviz's layout time grows much faster than the graph (a few hundred
** arrows take seconds, a few thousand more than ten minutes), and a report
** must not hang a build.  Larger graphs are not drawn (the .dot output
** still has them), and dot gets DOT_SECONDS at most in any case. */
#define MAX_DRAW_ARROWS 500
#define DOT_SECONDS 60

/* RNNFSAC_DOT_SECONDS if it is a whole number of seconds from 1 to 86400;
** anything else is ignored with a warning, as RNNFSAC_MAX_MEMORY is. */
static int dot_seconds(void)
{
  const char *e = getenv("RNNFSAC_DOT_SECONDS");
  if (!e || !*e) return DOT_SECONDS;
  char *end;
  long v = strtol(e, &end, 10);
  if (!*end && v > 0 && v <= 86400) return (int)v;
  diag(DIAG_WARNING, "ignoring RNNFSAC_DOT_SECONDS='%s': expected whole seconds from 1 to 86400", e);
  return DOT_SECONDS;
}

/* Arrows emit_dot draws: one per (state, distinct successor). */
static long arrows(const Fsa *f)
{
  long n = 0;
  int32_t *seen = xmalloc((size_t)f->nstates * sizeof *seen);
  for (int t = 0; t < f->nstates; t++) seen[t] = -1;
  for (int s = 0; s < f->nstates; s++)
    for (int a = 0; a < f->nsym; a++) {
      int t = f->next[(size_t)s * f->nsym + a];
      if (seen[t] != s) { seen[t] = s; n++; }
    }
  free(seen);
  return n;
}

/* Run `dot -Tsvg` (no shell) on IN, its output into *OUT (caller frees):
** 0 when it exited 0 in time, else -1.  Both pipes are polled, so a big
** graph cannot deadlock on full pipe buffers, and the time limit holds. */
static int run_dot(const char *in, size_t inlen, int seconds, char **out, size_t *outlen)
{
  int to[2], from[2];
  *out = NULL; *outlen = 0;
  if (pipe(to) != 0) return -1;
  if (pipe(from) != 0) { close(to[0]); close(to[1]); return -1; }
  pid_t pid = fork();
  if (pid < 0) { close(to[0]); close(to[1]); close(from[0]); close(from[1]); return -1; }
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(to[0], 0); dup2(from[1], 1);
    if (null >= 0) dup2(null, 2);
    close(to[0]); close(to[1]); close(from[0]); close(from[1]);
    execlp("dot", "dot", "-Tsvg", (char *)NULL);
    _exit(127);
  }
  close(to[0]); close(from[1]);
  void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);   /* dot may exit before reading it all */
  fcntl(to[1], F_SETFL, O_NONBLOCK);
  size_t cap = 1 << 16, n = 0, sent = 0;
  char *buf = xmalloc(cap);
  int wfd = to[1], ok = 0;
  if (inlen == 0) { close(wfd); wfd = -1; }
  double end = rnf_now() + seconds;
  for (;;) {
    struct pollfd pf[2] = { { from[0], POLLIN, 0 }, { wfd, POLLOUT, 0 } };
    double left = end - rnf_now();
    if (left <= 0) break;
    int r = poll(pf, wfd >= 0 ? 2 : 1, (int)(left * 1000) + 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    if (wfd >= 0 && (pf[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(wfd, in + sent, inlen - sent);
      if (w > 0) sent += (size_t)w;
      if (w < 0 && errno != EAGAIN && errno != EINTR) sent = inlen;   /* dot stopped reading */
      if (sent == inlen) { close(wfd); wfd = -1; }
    }
    if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (n + 1 >= cap) buf = xrealloc(buf, cap *= 2);
      ssize_t got = read(from[0], buf + n, cap - n - 1);
      if (got > 0) n += (size_t)got;
      else if (got == 0) { ok = 1; break; }
      else if (errno != EINTR && errno != EAGAIN) break;
    }
  }
  if (wfd >= 0) close(wfd);
  close(from[0]);
  signal(SIGPIPE, old_pipe);
  if (!ok) kill(pid, SIGKILL);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) continue;
  buf[n] = '\0';
  if (!ok || !WIFEXITED(st) || WEXITSTATUS(st) != 0) { free(buf); return -1; }
  *out = buf; *outlen = n;
  return 0;
}

/* Render the graph with dot, given SECONDS; 0 on success. */
static int render_svg(const ReportInput *in, int seconds, FILE *f)
{
  char *dot = NULL, *svg = NULL;
  size_t dlen = 0, slen;
  FILE *d = open_memstream(&dot, &dlen);
  if (!d) return -1;
  emit_dot(in->emit, d);
  if (fclose(d) != 0) { free(dot); return -1; }
  int rc = run_dot(dot, dlen, seconds, &svg, &slen);
  free(dot);
  if (rc != 0) return -1;
  char *start = strstr(svg, "<svg");
  if (start) fputs(start, f);      /* drop the XML prolog and DOCTYPE */
  free(svg);
  return start ? 0 : -1;
}

static void graph(FILE *f, const ReportInput *in)
{
  fprintf(f, "<h2 id=\"graph\">Transition graph</h2>\n<div class=\"graph\">\n");
  long na = arrows(in->emit->fsa);
  int secs = na > MAX_DRAW_ARROWS ? 0 : dot_seconds();
  if (na > MAX_DRAW_ARROWS)
    fprintf(f, "<p class=\"note\">The graph has %d states and %ld arrows, too many for Graphviz to lay "
               "out in reasonable time (the limit here is %d arrows). Write it with "
               "<code>-o fsa.dot</code> and render it with <code>sfdp -Tsvg</code>, or read the "
               "state table (<code>-o fsa.csv</code>).</p>\n", in->emit->fsa->nstates, na, MAX_DRAW_ARROWS);
  else if (render_svg(in, secs, f) != 0)
    fprintf(f, "<p class=\"note\">Graphviz (<code>dot</code>) could not draw the graph here "
               "(it is not installed, it failed, or it took more than %d seconds). Install the <code>graphviz</code> package, "
               "or write it with <code>-o fsa.dot</code> and render it elsewhere.</p>\n", secs);
  fprintf(f, "</div>\n");
}

static void symbol_classes(FILE *f, const ReportInput *in, char *const *names)
{
  const Fsa *fsa = in->emit->fsa;
  fprintf(f, "<h2 id=\"symbol-classes\">Symbol classes</h2>\n<p>Symbols that every state "
             "treats alike. For word tokens these are the word groups of Hou &amp; Zhou's paper.</p>\n"
             "<table>\n<tr><th>class</th><th>size</th><th>members</th></tr>\n");
  for (int c = 0; c < fsa->nsymclass; c++) {
    int32_t *mem;
    int k = audit_class_members(in->emit, -1, c, &mem);
    fprintf(f, "<tr><td>%d</td><td>%d</td><td>", c, k);
    for (int j = 0; j < k && j < MAX_MEMBERS; j++) {
      fprintf(f, "%s<code>", j ? " " : "");
      html_disp(f, names[mem[j]]);
      fprintf(f, "</code>");
    }
    if (k > MAX_MEMBERS) fprintf(f, " &hellip; and %d more", k - MAX_MEMBERS);
    fprintf(f, "</td></tr>\n");
    free(mem);
  }
  fprintf(f, "</table>\n");
}

static void disagreements(FILE *f, const ReportInput *in, const int32_t *net, const int32_t *aut)
{
  const Split *t = eval_split(in);
  char *const *cn = in->data->class_names;
  int shown = 0, total = 0;
  for (int i = 0; i < t->n; i++) total += net[i] != aut[i];
  fprintf(f, "<h2 id=\"disagreements\">Disagreements</h2>\n<p>%d of %d %s inputs are "
             "classified differently by the automaton and the network.</p>\n", total, t->n,
          eval_split_name(in->emit->eval->split));
  if (!total) return;
  fprintf(f, "<table>\n<tr><th>input</th><th>true</th><th>network</th><th>automaton</th></tr>\n");
  for (int i = 0; i < t->n && shown < MAX_DISAGREE; i++) {
    if (net[i] == aut[i]) continue;
    shown++;
    fprintf(f, "<tr><td><code>");
    html_text(f, t->text[i], t->text_len[i]);
    fprintf(f, "</code></td><td>"); html_str(f, cn[t->label[i]]);
    fprintf(f, "</td><td>"); html_str(f, cn[net[i]]);
    fprintf(f, "</td><td>"); html_str(f, cn[aut[i]]);
    fprintf(f, "</td></tr>\n");
  }
  fprintf(f, "</table>\n");
}

int emit_html(const ReportInput *in, FILE *f)
{
  const Provenance *p = in->emit->prov;
  const Split *t = eval_split(in);
  int32_t *net = xcalloc((size_t)t->n + 1, sizeof *net), *aut = xcalloc((size_t)t->n + 1, sizeof *aut);
  for (int i = 0; i < t->n; i++) {
    net[i] = rnn_classify(in->net, split_seq(t, i), split_len(t, i));
    aut[i] = fsa_classify(in->emit->fsa, split_seq(t, i), split_len(t, i));
  }

  fprintf(f, "<!DOCTYPE html>\n<!-- Generated by rnnfsac %s from ", p->version);
  html_str(f, p->spec_file);
  fprintf(f, ". -->\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>rnnfsac report: ");
  html_str(f, p->spec_name);
  fprintf(f, "</title>\n<style>\n"
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}\n"
    "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\n"
    "caption{text-align:left;font-weight:600;padding:.3em 0;white-space:nowrap}\n"
    "td.diag{background:#e8f5e9}\n.note{color:#8a5a00}\n"
    ".graph svg{max-width:100%%;height:auto}\n.ct{font:600 13px sans-serif}\n.ax{font:11px sans-serif}\n"
    "code{background:#f4f4f4;padding:0 .2em}\n"
    "</style>\n</head>\n<body>\n");
  fprintf(f, "<h1>");
  html_str(f, p->spec_name);
  char embed[48];
  if (p->embed > 0) snprintf(embed, sizeof embed, "%d-wide embedding", p->embed);
  else snprintf(embed, sizeof embed, "one-hot input");
  fprintf(f, "</h1>\n<h2 id=\"summary\">Summary</h2>\n<p>A %d-state automaton extracted from a %s "
             "network with %d hidden units (%s), trained on <code>",
          in->emit->fsa->nstates, p->cell, p->hidden, embed);
  html_str(f, p->spec_file);
  fprintf(f, "</code> (hash <code>%016llx</code>; seeds: data %llu, network %llu, extraction %llu) "
             "by rnnfsac %s.</p>\n", (unsigned long long)p->hash,
          (unsigned long long)p->data_seed, (unsigned long long)p->rnn_seed,
          (unsigned long long)p->extract_seed, p->version);
  char **names = audit_symbols(in->emit);
  metrics(f, in, names);
  fprintf(f, "<h2 id=\"confusion\">Confusion matrices</h2>\n");
  confusion_table(f, in, "network", net);
  confusion_table(f, in, "automaton", aut);
  training(f, in);
  graph(f, in);
  symbol_classes(f, in, names);
  audit_symbols_free(in->emit, names);
  disagreements(f, in, net, aut);
  fprintf(f, "</body>\n</html>\n");
  free(net);
  free(aut);
  return RNF_EXIT_OK;
}
