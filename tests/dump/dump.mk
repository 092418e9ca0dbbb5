# Dump tests against a live guest: sevdbg's dumps vs QEMU's own
# dump-guest-memory, and gdb on a dump vs the live guest.
tests/dump/cmp-dumps: tests/dump/cmp-dumps.o $(LIB)
	$(quiet) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

CHECK_DEPS += tests/dump/cmp-dumps
CHECK_PROGS += tests/dump/live-compare
CHECK_PROGS += tests/dump/keep-stopped
CLEAN_FILES += tests/dump/cmp-dumps tests/dump/cmp-dumps.o
