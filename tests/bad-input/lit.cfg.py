# lit configuration for tests/bad-input/: broken input on every channel
# (spec, TSV, CSV, JSON Lines, model/cache files, command line), each case
# with its exact diagnostic and exit status.  Substitutions and environment
# come from ../lit/lit.cfg.py; added here:
#   %expect N   run the rest of the line, print its stdout+stderr, and fail
#               unless it exited with status N (pipe the output to FileCheck)
import os

lit_config.load_config(config, os.path.join(os.path.dirname(__file__), "..", "lit", "lit.cfg.py"))
config.name = "rnnfsac-bad-input"
config.test_source_root = os.path.dirname(__file__)
build = lit_config.params.get("build", "build")
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
config.test_exec_root = os.path.join(root, build, "lit-bad-input")
config.substitutions.insert(0, ("%expect", "sh " + os.path.join(os.path.dirname(__file__), "expect.sh")))

# A plain (non-sanitized) build for what ASan cannot run under: `ulimit -v`
# and valgrind.  `make check` builds it as build/plain/rnnfsac; tests that
# need it say REQUIRES: plain-build and are UNSUPPORTED without it.
import shutil
plain = os.path.join(root, lit_config.params.get("plain", os.path.join("build", "plain")), "rnnfsac")
if os.path.exists(plain):
    config.available_features.add("plain-build")
config.substitutions.insert(0, ("%rnnfsac_plain", plain))
if shutil.which("valgrind"):
    config.available_features.add("valgrind")
# No suppressions are needed (checked with OpenBLAS 0.3.21, LLVM 14,
# jansson 2.14 on Debian 12); add a tests/valgrind.supp here if that changes.
config.substitutions.insert(0, ("%valgrind", "valgrind -q --leak-check=full --error-exitcode=99"
                                " --errors-for-leak-kinds=definite,indirect"))
for var in ("RNNFSAC_MAX_MEMORY",):
    config.environment.pop(var, None)
