#!/usr/bin/env python3
"""Time scikit-learn's KMeans on the matrix kmeans_bench --dump wrote.

    sklearn_peer.py FILE N D ITERS REPEAT K...

One KMeans(n_clusters=K, init="k-means++", n_init=1, max_iter=ITERS, tol=0,
algorithm="lloyd") fit per run, REPEAT runs per K (random_state = run
index); prints lines in kmeans_bench's format:
    sklearn k=8 median_s=0.1234 iters=50 inertia=6.1e+06 runs=...
"""
import statistics
import sys
import time

import numpy as np
from sklearn.cluster import KMeans


def main():
    path, n, d, iters, repeat = sys.argv[1], *map(int, sys.argv[2:6])
    ks = [int(k) for k in sys.argv[6:]]
    x = np.fromfile(path, dtype="<f4").reshape(n, d)
    for k in ks:
        times = []
        for rep in range(repeat):
            km = KMeans(n_clusters=k, init="k-means++", n_init=1, max_iter=iters,
                        tol=0, algorithm="lloyd", random_state=rep)
            t0 = time.perf_counter()
            km.fit(x)
            times.append(time.perf_counter() - t0)
        print("sklearn k=%d median_s=%.4f iters=%d inertia=%.6g runs=%s"
              % (k, statistics.median(times), km.n_iter_, km.inertia_,
                 ",".join("%.4f" % t for t in times)), flush=True)


if __name__ == "__main__":
    main()
