# rnnfsac -- build, tests, examples.  `make help` lists the targets.
#
# Objects and generated parsers go under $(BUILD) (default build/); the
# sanitizer build used by `make check` lives in build/san.  Nothing under
# build/ is ever committed.

BUILD    ?= build
SAN      ?=
PREFIX   ?= /usr/local
CC       ?= cc
LLVM_CONFIG ?= $(shell command -v llvm-config 2>/dev/null || command -v llvm-config-14 2>/dev/null || echo llvm-config)
LIT      ?= /usr/lib/llvm-14/build/utils/lit/lit.py
FILECHECK ?= /usr/lib/llvm-14/bin/FileCheck
PYTHON   ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT      ?= -O2
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Icompiler -Iruntime -I$(BUILD)/grammar \
            -I$(shell $(LLVM_CONFIG) --includedir 2>/dev/null) -I/usr/include/x86_64-linux-gnu
CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=c11 $(WARN)
LLVM_LIBS := $(shell $(LLVM_CONFIG) --libs core analysis bitwriter target passes all-targets 2>/dev/null) $(shell $(LLVM_CONFIG) --ldflags 2>/dev/null)
LDLIBS   += -lopenblas -ljansson -lm $(LLVM_LIBS)

ifneq ($(FUZZ),)
# `make fuzz`: every object carries libFuzzer's coverage hooks (no main).
CFLAGS   += -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
else ifneq ($(SAN),)
CFLAGS   += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
endif

# Generated scanner and parser: the same warnings, minus what flex/bison's
# own skeletons trip over.
GEN_CFLAGS := -Wno-unused-function -Wno-sign-compare -Wno-missing-prototypes -Wno-shadow

COMPILER_SRCS := $(filter-out compiler/main.c,$(wildcard compiler/*.c))
RUNTIME_SRCS  := $(wildcard runtime/*.c)
RUNTIME_HDRS  := $(sort $(wildcard runtime/*.h))
GEN_SRCS      := $(if $(wildcard grammar/spec.y),$(BUILD)/grammar/spec.tab.c $(BUILD)/grammar/spec.yy.c) \
                 $(BUILD)/gen/rt_src.c
LIB_OBJS      := $(COMPILER_SRCS:%.c=$(BUILD)/%.o) $(RUNTIME_SRCS:%.c=$(BUILD)/%.o) $(GEN_SRCS:.c=.o)
MAIN_OBJ      := $(BUILD)/compiler/main.o
BIN           := $(BUILD)/rnnfsac
UNIT_SRCS     := $(wildcard tests/unit/test_*.c)
UNIT_BINS     := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps example check unit install clean help bench fuzz fuzz-build experiments
all: $(BIN)

help:
	@echo "make              build $(BIN)"
	@echo "make deps         install the Debian packages the build and tests need"
	@echo "make example      deps + build + compile examples/tomita/tomita4.spec to C and run it"
	@echo "make check        deps + sanitizer build + every test; ends with 'N passed, N failed'"
	@echo "make install      install rnnfsac and its man page under PREFIX=$(PREFIX)"
	@echo "make experiments  the gates experiment (docs/results.md) into $(BUILD)/experiments"
	@echo "make fuzz         libFuzzer targets in build/fuzz, each run FUZZ_SECONDS=$(FUZZ_SECONDS)"
	@echo "make fuzz-build   build the libFuzzer targets only"
	@echo "make unit         build the cmocka unit tests in $(BUILD)/tests"
	@echo "make bench        every benchmark against its peer (bench/*/run.sh)"
	@echo "make clean        remove build/"

deps:
	@sh tools/deps.sh

# An archive, so a unit test pulls in only the stages it exercises.
LIB := $(BUILD)/librnnfsac.a
$(LIB): $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# The scanner and parser include each other's headers: generate both first.
$(BUILD)/grammar/spec.tab.c $(BUILD)/grammar/spec.tab.h &: grammar/spec.y
	@mkdir -p $(dir $@)
	bison -Wall -Werror --defines=$(BUILD)/grammar/spec.tab.h -o $(BUILD)/grammar/spec.tab.c $<

$(BUILD)/grammar/spec.yy.c $(BUILD)/grammar/spec.yy.h &: grammar/spec.l
	@mkdir -p $(dir $@)
	flex --header-file=$(BUILD)/grammar/spec.yy.h -o $(BUILD)/grammar/spec.yy.c $<

$(BUILD)/grammar/%.o: $(BUILD)/grammar/%.c $(BUILD)/grammar/spec.tab.h $(BUILD)/grammar/spec.yy.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(GEN_CFLAGS) -MMD -MP -c -o $@ $<

# runtime/ headers, embedded as strings for the back ends to paste verbatim.
$(BUILD)/gen/rt_src.c: $(RUNTIME_HDRS) tools/embed-runtime.sh
	@mkdir -p $(dir $@)
	sh tools/embed-runtime.sh $@ $(RUNTIME_HDRS)

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Order-only: generate the parser headers before the first compile of any
# stage (the .d files record the real dependencies after that).
ifneq ($(wildcard grammar/spec.y),)
$(COMPILER_SRCS:%.c=$(BUILD)/%.o) $(MAIN_OBJ): | $(BUILD)/grammar/spec.tab.h $(BUILD)/grammar/spec.yy.h
endif

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

# Fixtures the two back-end tests share (the rule above tracks only the .c).
$(BUILD)/tests/test_emit_c $(BUILD)/tests/test_emit_llvm: tests/unit/emit_fixture.h

unit: $(UNIT_BINS)

# ---- the README's two commands ----------------------------------------

example: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(BIN) examples/tomita/tomita4.spec -o $(BUILD)/tomita4.c
	$(CC) -std=c99 -Wall -Wextra -Werror -O2 -I$(BUILD) -o $(BUILD)/tomita4-embed examples/embed/embed.c $(BUILD)/tomita4.c
	@echo "--- classifying a few strings with the generated C (no \"000\" = accept):"
	printf '0110\n1000\n\n11011011\n0100101001\n0001\n01x1\n' | $(BUILD)/tomita4-embed

# build/plain (no sanitizer, -O1 -g) is for the tests ASan cannot run:
# valgrind and `ulimit -v` (tests/bad-input/, REQUIRES: plain-build).
check: deps
	@$(MAKE) --no-print-directory BUILD=build/san SAN=1 OPT=-O1 build/san/rnnfsac unit
	@$(MAKE) --no-print-directory BUILD=build/plain OPT=-O1 build/plain/rnnfsac
	@sh tests/run.sh build/san

bench: $(BIN)
	@sh bench/run.sh $(BUILD)

# Cells x k x languages x seeds, 1 thread; resumable (docs/results.md).
experiments: $(BIN)
	@sh experiments/gates/run.sh $(BIN) $(BUILD)/experiments

# ---- fuzzing (tests/fuzz/, docs/hardening.md) -------------------------
# `make fuzz FUZZ_SECONDS=N` builds everything with clang into build/fuzz
# and runs each target for N seconds on its seed corpus
# (tests/fuzz/corpus/<target>/); new inputs go to build/fuzz/corpus/<target>/,
# crashes to build/fuzz/crash-<target>-*.  Fails if any target fails.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := spec tsv csv jsonl model classifier
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
FUZZ_GEN     := $(BUILD)/fuzz/gen
FUZZ_CLASSIFIERS := $(FUZZ_GEN)/t4.c $(FUZZ_GEN)/fw.c $(FUZZ_GEN)/fc.c

fuzz:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang FUZZ=1 OPT=-O1 fuzz-build
	@sh tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_BINS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/fuzz_data.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDLIBS)

# The generated classifiers, from small specs trained once (cached).
$(FUZZ_GEN)/t4.c: examples/tomita/tomita4.spec $(BIN)
$(FUZZ_GEN)/fw.c: tests/fuzz/specs/words.spec $(BIN)
$(FUZZ_GEN)/fc.c: tests/fuzz/specs/chars.spec $(BIN)
$(FUZZ_CLASSIFIERS):
	@mkdir -p $(dir $@)
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $(BIN) -q --cache-dir $(BUILD)/fuzz/cache $< -o $@

$(BUILD)/fuzz/fuzz_classifier: tests/fuzz/fuzz_classifier.c tests/fuzz/fuzz.h $(FUZZ_CLASSIFIERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -I$(FUZZ_GEN) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_CLASSIFIERS)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/rnnfsac
	install -m 644 docs/rnnfsac.1 $(DESTDIR)$(PREFIX)/share/man/man1/rnnfsac.1

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
