# libFuzzer harness for the core target's ELF/kdump readers, and its smoke
# run in `make check` (skipped, visibly, when configure found no libFuzzer).
FUZZ_CORE_SRCS = tests/fuzz/fuzz-core.c plugins/targets/core/core.c plugins/targets/core/core-elf.c \
		 plugins/targets/core/core-kdump.c plugins/targets/core/core-flat.c gdbstub/base/dumpfmt.c gdbstub/base/ram.c \
		 gdbstub/base/regs.c gdbstub/base/util.c gdbstub/base/strbuf.c

ifneq ($(FUZZ_CC),)
tests/fuzz/fuzz-core: $(FUZZ_CORE_SRCS) plugins/targets/core/core-int.h gdbstub/dump/dump-int.h \
		tests/fuzz/coverage-ignore.txt
	$(quiet) FUZZCC $@
	$(Q)$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined \
		-fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore.txt \
		$(CPPFLAGS) -o $@ \
		$(FUZZ_CORE_SRCS) -lz

CHECK_DEPS += tests/fuzz/fuzz-core
endif
CHECK_PROGS += tests/fuzz/fuzz-core-smoke
CLEAN_FILES += tests/fuzz/fuzz-core
