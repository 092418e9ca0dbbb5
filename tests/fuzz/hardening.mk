# Hardening: libFuzzer harnesses for QEMU's replies (QMP, gdbstub) and the
# page-encryption record channel, `make fuzz` over every harness, and
# `make check-valgrind` (valgrind over the unit tests).
FUZZ_QMP_SRCS = tests/fuzz/fuzz-qmp.c plugins/targets/qemu/qmp.c \
		plugins/targets/qemu/qemu-ram.c plugins/targets/qemu/qemu-layout.c \
		plugins/targets/qemu/rspclient.c plugins/targets/qemu/gdbaddr.c \
		plugins/targets/qemu/holder.c gdbstub/base/rsp.c gdbstub/base/ram.c \
		gdbstub/base/util.c gdbstub/base/strbuf.c
FUZZ_QMP_EVENT_SRCS = tests/fuzz/fuzz-qmp-event.c plugins/targets/qemu/qmp.c \
		      gdbstub/base/util.c gdbstub/base/strbuf.c
FUZZ_BITMAP_SRCS = tests/fuzz/fuzz-bitmap.c plugins/platforms/sim/sim.c gdbstub/mem/platform.c \
		   gdbstub/base/bitmap.c gdbstub/base/ram.c gdbstub/base/util.c gdbstub/base/strbuf.c
HARDEN_FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer \
		    -fsanitize=fuzzer,address,undefined \
		    -fno-sanitize-recover=undefined \
		    -fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore.txt

ifneq ($(FUZZ_CC),)
tests/fuzz/fuzz-qmp: $(FUZZ_QMP_SRCS) plugins/targets/qemu/qemu.h config.mak \
		tests/fuzz/coverage-ignore.txt
	$(quiet) FUZZCC $@
	$(Q)$(FUZZ_CC) $(HARDEN_FUZZ_FLAGS) $(CPPFLAGS) -std=gnu11 -o $@ \
		$(FUZZ_QMP_SRCS) -ljansson

tests/fuzz/fuzz-qmp-event: $(FUZZ_QMP_EVENT_SRCS) plugins/targets/qemu/qemu.h \
		config.mak tests/fuzz/coverage-ignore.txt
	$(quiet) FUZZCC $@
	$(Q)$(FUZZ_CC) $(HARDEN_FUZZ_FLAGS) $(CPPFLAGS) -std=gnu11 -o $@ \
		$(FUZZ_QMP_EVENT_SRCS) -ljansson

tests/fuzz/fuzz-bitmap: $(FUZZ_BITMAP_SRCS) config.mak tests/fuzz/coverage-ignore.txt
	$(quiet) FUZZCC $@
	$(Q)$(FUZZ_CC) $(HARDEN_FUZZ_FLAGS) $(CPPFLAGS) -std=gnu11 -o $@ \
		$(FUZZ_BITMAP_SRCS) -lcrypto

CHECK_DEPS += tests/fuzz/fuzz-qmp tests/fuzz/fuzz-bitmap tests/fuzz/fuzz-qmp-event
endif
CHECK_PROGS += tests/fuzz/hardening-smoke
CLEAN_FILES += tests/fuzz/fuzz-qmp tests/fuzz/fuzz-bitmap tests/fuzz/fuzz-qmp-event

# `make fuzz FUZZ_SECONDS=N`: each harness for N seconds in turn (fuzz.mk
# runs the RSP one; fuzz-core.mk has no long run, so it is here); new
# finds are added to the harness's corpus directory.
ifeq ($(FUZZ_CC),)
fuzz::
	@echo "make fuzz: FUZZ_CC is empty in config.mak; install clang" \
	      "(Debian package: clang) and run ./configure again" >&2; exit 1
else
fuzz:: tests/fuzz/fuzz-qmp tests/fuzz/fuzz-bitmap tests/fuzz/fuzz-core \
		tests/fuzz/fuzz-qmp-event
	tests/fuzz/fuzz-qmp -max_total_time=$(FUZZ_SECONDS) \
		-dict=tests/fuzz/qmp.dict tests/fuzz/corpus-qmp
	tests/fuzz/fuzz-qmp-event -max_total_time=$(FUZZ_SECONDS) \
		-dict=tests/fuzz/qmp-event.dict tests/fuzz/corpus-qmp-event
	tests/fuzz/fuzz-bitmap -max_total_time=$(FUZZ_SECONDS) \
		tests/fuzz/corpus-bitmap
	tests/fuzz/fuzz-core -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-rss_limit_mb=1024 tests/fuzz/corpus-core
endif

# Valgrind needs a build without ASan (they cannot share a process).
check-valgrind: $(UNIT_PROGS)
	$(Q)if [ -n "$(strip $(SAN))" ]; then \
		echo "check-valgrind: this tree is built with sanitizers" \
		     "($(strip $(SAN))); run ./configure without" \
		     "--enable-asan/--enable-ubsan first" >&2; exit 1; fi
	$(Q)tests/fuzz/check-valgrind $(UNIT_PROGS)

.PHONY: check-valgrind

# `make fuzz-long`: each harness for FUZZ_LONG_RUNS inputs (10 million by
# default: 5-25 CPU minutes each here) from its corpus, new inputs written to
# tests/fuzz/new-NAME/ (`make fuzz-merge` keeps those that add coverage),
# crashes written as tests/fuzz/crash-*. One target per harness, so `make -j4
# fuzz-long` runs four at once; each one's libFuzzer output goes to
# tests/fuzz/fuzz-long-NAME.log and its final stats are printed. Nice'd
# (FUZZ_NICE, 10 by default). Opt-in; `make check` only runs the smokes.
FUZZ_LONG_RUNS ?= 10000000
FUZZ_NICE ?= 10
FUZZ_LONG_HARNESSES = rsp qmp qmp-event bitmap core
# Inputs of at most 1 KiB for the two stream harnesses: their cost grows
# with the input (every byte is framed; every qmp-event op is a socket
# round trip), and libFuzzer's default cap grew them to 3-9 KiB, at a
# quarter of the rate. 1 KiB still holds several packets or events;
# packets near RSP_PACKET_SIZE (128 KiB) are the unit tests' job.
FUZZ_LONG_ARGS_rsp = -dict=tests/fuzz/rsp.dict -max_len=1024
FUZZ_LONG_ARGS_qmp = -dict=tests/fuzz/qmp.dict
FUZZ_LONG_ARGS_qmp-event = -dict=tests/fuzz/qmp-event.dict -max_len=1024
FUZZ_LONG_ARGS_bitmap =
FUZZ_LONG_ARGS_core = -max_len=65536 -rss_limit_mb=1024

ifeq ($(FUZZ_CC),)
fuzz-long fuzz-merge $(addprefix fuzz-long-,$(FUZZ_LONG_HARNESSES)) \
		$(addprefix fuzz-merge-,$(FUZZ_LONG_HARNESSES)):
	@echo "make $@: FUZZ_CC is empty in config.mak; install clang" \
	      "(Debian package: clang) and run ./configure again" >&2; exit 1
else
fuzz-long: $(addprefix fuzz-long-,$(FUZZ_LONG_HARNESSES))

$(addprefix fuzz-long-,$(FUZZ_LONG_HARNESSES)): fuzz-long-%: tests/fuzz/fuzz-%
	@echo "fuzz-long-$*: $(FUZZ_LONG_RUNS) inputs, log in tests/fuzz/fuzz-long-$*.log"
	$(Q)start=$$(date +%s); mkdir -p tests/fuzz/new-$* && \
	nice -n $(FUZZ_NICE) tests/fuzz/fuzz-$* -runs=$(FUZZ_LONG_RUNS) \
		-print_final_stats=1 -artifact_prefix=tests/fuzz/ \
		$(FUZZ_LONG_ARGS_$*) tests/fuzz/new-$* tests/fuzz/corpus-$* \
		>tests/fuzz/fuzz-long-$*.log 2>&1; rc=$$?; \
	grep -E '^(#[0-9]+[[:space:]]+DONE|Done|stat::)|ERROR|SUMMARY' \
		tests/fuzz/fuzz-long-$*.log | sed 's/^/fuzz-long-$*: /'; \
	echo "fuzz-long-$*: exit $$rc after $$(($$(date +%s) - start)) s"; \
	exit $$rc

# `make fuzz-merge`: what the long runs found (tests/fuzz/new-NAME/) added
# to each corpus where it adds coverage (libFuzzer -merge=1); the corpus's
# own inputs, named seeds among them, stay as they are. No -max_len here:
# it would judge a longer input by its first bytes only.
fuzz-merge: $(addprefix fuzz-merge-,$(FUZZ_LONG_HARNESSES))

$(addprefix fuzz-merge-,$(FUZZ_LONG_HARNESSES)): fuzz-merge-%: tests/fuzz/fuzz-%
	$(Q)if [ ! -d tests/fuzz/new-$* ]; then \
		echo "fuzz-merge-$*: nothing to merge (run make fuzz-long-$* first)"; \
		exit 0; fi; \
	before=$$(ls tests/fuzz/corpus-$* | wc -l); \
	tests/fuzz/fuzz-$* -merge=1 $(filter-out -max_len=%,$(FUZZ_LONG_ARGS_$*)) \
		tests/fuzz/corpus-$* \
		tests/fuzz/new-$* >tests/fuzz/fuzz-merge-$*.log 2>&1 || \
		{ tail -n 20 tests/fuzz/fuzz-merge-$*.log; exit 1; }; \
	echo "fuzz-merge-$*: $$(ls tests/fuzz/new-$* | wc -l) new inputs," \
		"$$(($$(ls tests/fuzz/corpus-$* | wc -l) - before)) add coverage"; \
	rm -rf tests/fuzz/new-$*
endif

.PHONY: fuzz-long $(addprefix fuzz-long-,$(FUZZ_LONG_HARNESSES)) \
	fuzz-merge $(addprefix fuzz-merge-,$(FUZZ_LONG_HARNESSES))
