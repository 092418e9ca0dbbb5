# SPDX-License-Identifier: GPL-2.0-only
# tests/memory: end-to-end check of bitmap, sim, router and walker on the
# test guest under QEMU/TCG (tests/memory/guest-memory.sh, TAP).
tests/memory/guest-memory: tests/memory/guest-memory.o $(LIB)
	$(quiet) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

CHECK_DEPS += tests/memory/guest-memory $(GUEST_ELF)
CHECK_PROGS += tests/memory/guest-memory.sh
CLEAN_FILES += tests/memory/guest-memory
