# sevdbg — one non-recursive Makefile (kvmtool style). `make V=1` for the
# full commands; ./configure writes config.mak first.

ifeq ($(wildcard config.mak),)
$(error config.mak is missing: run ./configure first (or scripts/install-deps))
endif
include config.mak

DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/sevdbg

ifeq ($(V),1)
Q =
quiet = @true
else
Q = @
quiet = @printf '  %-8s %s\n'
endif

WARN = -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wformat=2 -Wvla
ifneq ($(WERROR),0)
WARN += -Werror
endif
CPPFLAGS = -Iinclude -I. -D_GNU_SOURCE -DSEVDBG_DATADIR='"$(DATADIR)"'
CFLAGS = -std=gnu11 $(OPT) $(WARN) $(SAN) $(LIB_CFLAGS) $(EXTRA_CFLAGS) \
	 -MMD -MP
LDFLAGS = $(SAN) $(EXTRA_LDFLAGS)

.DEFAULT_GOAL := all
PROGRAM = sevdbg
LIB = libsevdbg.a
ALL_TARGETS = $(PROGRAM)
CLEAN_FILES =
CHECK_PROGS =

# --- base: data types and codecs every layer may use (include/sevdbg/) ----
OBJS += gdbstub/base/util.o
OBJS += gdbstub/base/strbuf.o
OBJS += gdbstub/base/regs.o
OBJS += gdbstub/base/ram.o
OBJS += gdbstub/base/bitmap.o
OBJS += gdbstub/base/rsp.o
OBJS += gdbstub/base/dumpfmt.o
OBJS += gdbstub/base/sev.o
OBJS += gdbstub/base/vmsa.o

# --- back-ends: platforms (sim, kvm) and targets (qemu, core) --------------
OBJS += plugins/platforms/sim/sim.o
OBJS += plugins/platforms/kvm/kvm.o
OBJS += plugins/platforms/kvm/sevfd.o
OBJS += plugins/targets/targets.o
OBJS += plugins/targets/qemu/qmp.o
OBJS += plugins/targets/qemu/rspclient.o
OBJS += plugins/targets/qemu/qemu-ram.o
OBJS += plugins/targets/qemu/qemu-layout.o
OBJS += plugins/targets/qemu/qemu.o
OBJS += plugins/targets/qemu/events.o
OBJS += plugins/targets/qemu/qemu-bp.o
OBJS += plugins/targets/qemu/attach.o
OBJS += plugins/targets/qemu/sev-es.o
OBJS += plugins/targets/qemu/launch.o
OBJS += plugins/targets/qemu/types.o
OBJS += plugins/targets/qemu/libvirt.o
OBJS += plugins/targets/qemu/qmp-libvirt.o
OBJS += plugins/targets/core/core.o
OBJS += plugins/targets/core/core-elf.o
OBJS += plugins/targets/core/core-kdump.o
OBJS += plugins/targets/core/core-flat.o

# --- memory model: seam wrappers, session, router, walker --------------------
OBJS += gdbstub/mem/platform.o
OBJS += gdbstub/mem/target.o
OBJS += gdbstub/mem/router.o
OBJS += gdbstub/mem/walk.o
OBJS += gdbstub/mem/vmci.o
OBJS += gdbstub/mem/session.o

# --- dump writer -------------------------------------------------------------
OBJS += gdbstub/dump/dump.o
OBJS += gdbstub/dump/dump-elf.o
OBJS += gdbstub/dump/dump-kdump.o
OBJS += gdbstub/dump/dump-raw.o
OBJS += gdbstub/dump/dump-opts.o
OBJS += gdbstub/dump/dump-file.o
OBJS += gdbstub/dump/dump-filter.o
OBJS += gdbstub/dump/dump-mm.o
OBJS += gdbstub/dump/kdump-codec.o
OBJS += gdbstub/dump/kdump-pool.o

# --- audit: what the host sees (sevdbg audit) ----------------------------
OBJS += gdbstub/audit/audit.o
OBJS += gdbstub/audit/audit-maps.o
OBJS += gdbstub/audit/audit-labels.o
OBJS += gdbstub/audit/audit-scan.o
OBJS += gdbstub/audit/audit-out.o

# --- commands: the table shared by the shell and monitor, the shell ---------
OBJS += gdbstub/cmd/cmd.o
OBJS += gdbstub/cmd/cmd-sev.o
OBJS += gdbstub/cmd/cmd-mem.o
OBJS += gdbstub/cmd/cmd-vcpu.o
OBJS += gdbstub/cmd/cmd-dump.o
OBJS += gdbstub/cmd/cmd-find.o
OBJS += gdbstub/cmd/cmd-bt.o
OBJS += gdbstub/cmd/cmd-expr.o
OBJS += gdbstub/cmd/cmd-sym.o
OBJS += gdbstub/cmd/expr.o
OBJS += gdbstub/cmd/sym.o
OBJS += gdbstub/cmd/unwind.o
OBJS += gdbstub/cmd/shell.o

# --- gdb server --------------------------------------------------------------
OBJS += gdbstub/rsp/server.o
OBJS += gdbstub/rsp/server-run.o
OBJS += gdbstub/rsp/server-query.o
OBJS += gdbstub/rsp/server-nonstop.o
OBJS += gdbstub/rsp/transport.o

# --- CLI: the subcommands ----------------------------------------------------
OBJS += gdbstub/cli/cli-target.o
OBJS += gdbstub/cli/cli-serve.o
OBJS += gdbstub/cli/cli-dump.o
OBJS += gdbstub/cli/cli-shell.o
OBJS += gdbstub/cli/cli-demo.o
OBJS += gdbstub/cli/cli-audit.o

MAIN_OBJS = gdbstub/cli/main.o

-include gdbstub/*.mk plugins/*.mk tests/*/*.mk bench/*.mk

# --- build rules -------------------------------------------------------------
all: $(ALL_TARGETS)

%.o: %.c config.mak
	$(quiet) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(OBJS)
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(PROGRAM): $(MAIN_OBJS) $(LIB)
	$(quiet) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJS) $(LIB) $(LIBS)

# --- tests -------------------------------------------------------------------
UNIT_SRCS = $(wildcard tests/unit/test-*.c)
UNIT_PROGS = $(UNIT_SRCS:.c=)
TEST_SUPPORT_OBJS ?=

tests/unit/test-%: tests/unit/test-%.o $(TEST_SUPPORT_OBJS) $(LIB)
	$(quiet) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LIBS)

CHECK_PROGS := $(UNIT_PROGS) $(CHECK_PROGS)
CHECK_DEPS ?=

check: all $(UNIT_PROGS) $(CHECK_DEPS)
	$(Q)CMOCKA_MESSAGE_OUTPUT=TAP tests/run $(CHECK_PROGS) $(CHECK_SCRIPTS)

# Everything `make check` runs, built but not run (tests/load-repeat).
check-build: all $(UNIT_PROGS) $(CHECK_DEPS)

check-kernel:
	kernel/check

# Opt-in (a full kernel build and a boot under TCG): see kernel/README.
check-kernel-boot:
	kernel/check --boot

# --- install -----------------------------------------------------------------
# The program, its man page and the demo guest. No headers and no library:
# libsevdbg.a is the build's internal archive, not an API anyone may link
# against (its headers change with every refactor).
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(DATADIR)
	install -m 0755 $(PROGRAM) $(DESTDIR)$(BINDIR)/
	install -m 0644 docs/sevdbg.1 $(DESTDIR)$(MANDIR)/man1/
	$(if $(GUEST_ELF),install -m 0644 $(GUEST_ELF) $(DESTDIR)$(DATADIR)/)

clean:
	$(quiet) CLEAN
	$(Q)rm -f $(PROGRAM) $(LIB) $(MAIN_OBJS) $(OBJS) $(UNIT_PROGS) \
		$(CLEAN_FILES)
	$(Q)find . -name '*.o' -o -name '*.d' | grep -v '^./kernel' | xargs rm -f
	$(Q)rm -rf tests/logs

distclean: clean
	rm -f config.mak config.h

.PHONY: all check check-build check-kernel check-kernel-boot install clean distclean
.SECONDARY:

-include $(shell find gdbstub plugins tests bench -name '*.d' 2>/dev/null)
