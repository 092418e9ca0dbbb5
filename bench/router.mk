# SPDX-License-Identifier: GPL-2.0-only
# bench/router: the memory router on the sim (see `bench/router --help`).
# Built by `make bench/router`; not part of `make all` or `make check`.
bench/router: bench/router.o $(LIB)
	$(quiet) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

CLEAN_FILES += bench/router
.PHONY: bench
bench: bench/router
