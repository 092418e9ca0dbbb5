# libFuzzer harness for the packet parser and dispatcher (needs FUZZ_CC,
# clang with libFuzzer). `make check` runs a short smoke; `make fuzz
# FUZZ_SECONDS=N` a long run that adds what it finds to corpus-rsp/.
FUZZ_SECONDS ?= 600
FUZZ_OBJDIR = tests/fuzz/obj
FUZZ_SRCS = $(OBJS:.o=.c) tests/target/test-target.c
FUZZ_OBJS = $(addprefix $(FUZZ_OBJDIR)/,$(FUZZ_SRCS:.c=.o))
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer \
	     -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	     -fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore.txt \
	     -fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore-rsp.txt
# The packet framing codec runs once per input byte: edge coverage keeps
# every state transition visible, but libFuzzer's comparison hooks (its
# value profile, for constants the dictionary already gives) on each byte
# made it 60% of fuzz-rsp's time.
$(FUZZ_OBJDIR)/gdbstub/base/rsp.o: FUZZ_FILE_FLAGS = -fno-sanitize-coverage=trace-cmp

$(FUZZ_OBJDIR)/%.o: %.c config.mak tests/fuzz/coverage-ignore.txt \
		tests/fuzz/coverage-ignore-rsp.txt
	$(quiet) FUZZCC $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -std=gnu11 $(FUZZ_FLAGS) \
		-fsanitize=fuzzer-no-link $(FUZZ_FILE_FLAGS) $(LIB_CFLAGS) -MMD -MP -c -o $@ $<

tests/fuzz/fuzz-rsp: tests/fuzz/fuzz-rsp.c $(FUZZ_OBJS)
	$(quiet) FUZZLD $@
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -std=gnu11 $(FUZZ_FLAGS) -fsanitize=fuzzer \
		$(LIB_CFLAGS) -o $@ $^ $(LIBS)

ifneq ($(FUZZ_CC),)
CHECK_DEPS += tests/fuzz/fuzz-rsp
endif
CHECK_PROGS += tests/fuzz/fuzz-smoke
CLEAN_FILES += tests/fuzz/fuzz-rsp

# Double-colon: other fuzzers may add their own `fuzz::` long run.
fuzz:: tests/fuzz/fuzz-rsp
	tests/fuzz/fuzz-rsp -max_total_time=$(FUZZ_SECONDS) \
		-dict=tests/fuzz/rsp.dict tests/fuzz/corpus-rsp

.PHONY: fuzz
