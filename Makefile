# sevdbg — one non-recursive Makefile (kvmtool style). `make V=1` for the
# full commands; ./configure writes config.mak first.

ifeq ($(wildcard config.mak),)
$(error config.mak is missing: run ./configure first (or scripts/install-deps))
endif
include config.mak

DESTDIR ?=
BINDIR = $(PREFIX)/bin
INCDIR = $(PREFIX)/include
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

# --- core: utilities, session, registry --------------------------------------
OBJS += gdbstub/util.o
OBJS += gdbstub/cli-target.o
OBJS += gdbstub/ram.o
OBJS += gdbstub/session.o
OBJS += gdbstub/target.o
OBJS += gdbstub/regs.o

# --- memory model: bitmap, router, walker, platforms ------------------------
OBJS += gdbstub/bitmap.o
OBJS += plugins/platform.o
OBJS += plugins/sim.o
OBJS += gdbstub/router.o
OBJS += gdbstub/walk.o
OBJS += plugins/kvm.o

# --- RSP server --------------------------------------------------------------
OBJS += gdbstub/rsp.o
OBJS += gdbstub/server.o
OBJS += gdbstub/server-run.o
OBJS += gdbstub/server-query.o
OBJS += gdbstub/transport.o
OBJS += gdbstub/cli-serve.o

# --- commands (monitor and shell), CLI ---------------------------------------
OBJS += gdbstub/cmd.o
OBJS += gdbstub/cmd-mem.o
OBJS += gdbstub/cmd-shell.o
OBJS += gdbstub/cmd-run.o
OBJS += gdbstub/cmd-sym.o
OBJS += gdbstub/cmd-dump.o

# --- dump writer and core target ------------------------------------------
OBJS += gdbstub/dump.o
OBJS += gdbstub/dump-notes.o
OBJS += gdbstub/dump-elf.o
OBJS += gdbstub/dump-kdump.o
OBJS += gdbstub/dump-raw.o
OBJS += plugins/core.o
OBJS += plugins/core-elf.o
OBJS += plugins/core-kdump.o
OBJS += plugins/core-flat.o
OBJS += gdbstub/cli-dump.o

# --- shell -------------------------------------------------------------------
OBJS += gdbstub/shell.o
OBJS += gdbstub/cli-shell.o

# --- targets -----------------------------------------------------------------
OBJS += plugins/targets.o
OBJS += plugins/qemu/qmp.o
OBJS += plugins/qemu/rspclient.o
OBJS += plugins/qemu/qemu-ram.o
OBJS += plugins/qemu/qemu.o
OBJS += plugins/qemu/attach.o
OBJS += plugins/qemu/launch.o
OBJS += plugins/qemu/types.o
OBJS += gdbstub/cli-demo.o

MAIN_OBJS = gdbstub/main.o

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
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(TEST_SUPPORT_OBJS) $(LIB) $(LIBS)

CHECK_PROGS := $(UNIT_PROGS) $(CHECK_PROGS)
CHECK_DEPS ?=

check: all $(UNIT_PROGS) $(CHECK_DEPS)
	$(Q)CMOCKA_MESSAGE_OUTPUT=TAP tests/run $(CHECK_PROGS) $(CHECK_SCRIPTS)

check-kernel:
	kernel/check

# --- install -----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(INCDIR)/sevdbg \
		$(DESTDIR)$(INCDIR)/sevdbg/uapi/linux \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)
	install -m 0755 $(PROGRAM) $(DESTDIR)$(BINDIR)/
	install -m 0644 include/sevdbg/*.h $(DESTDIR)$(INCDIR)/sevdbg/
	install -m 0644 include/uapi/linux/*.h $(DESTDIR)$(INCDIR)/sevdbg/uapi/linux/
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

.PHONY: all check check-kernel install clean distclean
.SECONDARY:

-include $(shell find gdbstub plugins tests bench -name '*.d' 2>/dev/null)
