# bench/median.awk -- the rows of several benchmark rounds as one table.
# Input: rounds of "## header" lines and rows "NAME label L  GBS GB/s  CPB
# cycles/byte" (bench/cgen/input.h's bench_report format).  Output: the
# headers and rows in first-round order, each row's GB/s and cycles/byte
# the median over its rounds, its label "?" if the rounds disagree.
# Used by bench/rounds.sh.
/^##/ { if (!(($0) in hs)) { hs[$0] = 1; order[++n] = $0 } next }
{ k = $1; if (!(k in cnt)) { order[++n] = k; lab[k] = $3; fmt[k] = (index($4, ".") && length($4) > 7) }
  cnt[k]++; g[k, cnt[k]] = $4; c[k, cnt[k]] = $6; if ($3 != lab[k]) lab[k] = "?" }
function med(a, k, m,   i, j, t, v) { for (i = 1; i <= m; i++) v[i] = a[k, i]
  for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
  return v[int((m + 1) / 2)] }
END { for (i = 1; i <= n; i++) { k = order[i]
        if (k ~ /^##/) { print k; continue }
        if (fmt[k]) printf "%-22s label %2s  %9.6f GB/s  %8.1f cycles/byte\n", k, lab[k], med(g, k, cnt[k]), med(c, k, cnt[k])
        else printf "%-22s label %2s  %7.3f GB/s  %6.2f cycles/byte\n", k, lab[k], med(g, k, cnt[k]), med(c, k, cnt[k]) } }
