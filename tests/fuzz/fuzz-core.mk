# libFuzzer harness for the core target's ELF/kdump readers, and its smoke
# run in `make check` (skipped, visibly, when configure found no libFuzzer).
FUZZ_CORE_SRCS = tests/fuzz/fuzz-core.c plugins/core.c plugins/core-elf.c \
		 plugins/core-kdump.c plugins/core-flat.c gdbstub/dump-notes.c gdbstub/ram.c \
		 gdbstub/regs.c gdbstub/util.c

ifneq ($(FUZZ_CC),)
tests/fuzz/fuzz-core: $(FUZZ_CORE_SRCS) plugins/core-int.h gdbstub/dump-int.h
	$(quiet) FUZZCC $@
	$(Q)$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(CPPFLAGS) -o $@ \
		$(FUZZ_CORE_SRCS) -lz

CHECK_DEPS += tests/fuzz/fuzz-core
endif
CHECK_PROGS += tests/fuzz/fuzz-core-smoke
CLEAN_FILES += tests/fuzz/fuzz-core
