# lit configuration for rnnfsac's command-line tests.
#
# Each *.test file is a shell script of RUN lines checked with FileCheck.
# Substitutions:
#   %rnnfsac  the compiler under test (with an isolated network cache)
#   %cc       the C compiler with the flags generated code must pass
#   %cc_strict  the same plus -Wpedantic -Wconversion
import os
import lit.formats

config.name = "rnnfsac"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)

build = lit_config.params.get("build", "build")
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
bindir = os.path.join(root, build)
config.test_exec_root = os.path.join(bindir, "lit")

llvm_bin = "/usr/lib/llvm-14/bin"
config.environment["PATH"] = os.pathsep.join([llvm_bin, os.environ.get("PATH", "")])
for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "HOME", "TMPDIR",
            "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
# Tests never read a user's cache: each run gets the one under build/.
config.environment["RNNFSAC_CACHE_DIR"] = os.path.join(bindir, "lit-cache")
config.environment["NO_COLOR"] = "1"

cc = os.environ.get("CC", "cc")
config.substitutions.append(("%rnnfsac", os.path.join(bindir, "rnnfsac")))
config.substitutions.append(("%cc_strict", cc + " -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror"))
config.substitutions.append(("%cc", cc + " -std=c99 -Wall -Wextra -Werror"))
config.substitutions.append(("%root", root))
python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
config.substitutions.append(("%python", python))
