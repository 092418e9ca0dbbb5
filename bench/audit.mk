# SPDX-License-Identifier: GPL-2.0-only
# bench/audit-keyrate: the key-like detector's rate on ordinary memory.
# Built by `make bench/audit-keyrate`; not part of `make all` or `make check`.
bench/audit-keyrate: bench/audit-keyrate.o $(LIB)
	$(quiet) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

CLEAN_FILES += bench/audit-keyrate
bench: bench/audit-keyrate
