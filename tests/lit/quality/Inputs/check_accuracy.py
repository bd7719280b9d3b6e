#!/usr/bin/env python3
"""check_accuracy.py JSON MIN_NET MAX_GAP -- quality floor on a word-level model.

Reads evaluation.network_accuracy and evaluation.automaton_accuracy from an
rnnfsac JSON audit file (fractions, measured on the test split) and checks
that the network reaches MIN_NET and that the automaton is at most MAX_GAP
below it.  Prints one line; exits 1 when a floor is missed."""
import json
import os
import sys

path, min_net, max_gap = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
ev = json.load(open(path))["evaluation"]
net, fsa = ev["network_accuracy"], ev["automaton_accuracy"]
ok = net >= min_net and net - fsa <= max_gap + 1e-9
print("%s: network %.2f%%, automaton %.2f%%, fidelity %.2f%%: %s"
      % (os.path.basename(path), 100 * net, 100 * fsa,
         100 * ev["fidelity"], "ok" if ok else
         "FAILED (need network >= %.0f%% and automaton >= network - %.0f points)"
         % (100 * min_net, 100 * max_gap)))
sys.exit(0 if ok else 1)
