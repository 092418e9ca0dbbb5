# tests/live: the qemu target and gdb end to end against the live test guest
# (TCG), plain and SEV-ES. All skip, visibly, without QEMU, gdb or the guest.

LIVE_PROGS = tests/live/test-live-target

tests/live/test-live-target: tests/live/test-live-target.o $(LIB)
	$(quiet) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

CHECK_PROGS += $(LIVE_PROGS) tests/live/gdb-live tests/live/untracked-live \
	tests/live/sev-host-check tests/live/gdb-live-es tests/live/ram-layouts
CHECK_PROGS += tests/live/qemu-multiprocess tests/live/qemu-events
CHECK_PROGS += tests/live/qemu-attach tests/live/qemu-gdb-tcp
# The libvirt: target against a libvirtd of its own (root; SKIP without).
CHECK_PROGS += tests/live/libvirt
CHECK_DEPS += $(LIVE_PROGS) $(PROGRAM)
CLEAN_FILES += $(LIVE_PROGS) tests/live/*.o
