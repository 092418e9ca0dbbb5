# SPDX-License-Identifier: GPL-2.0-only
# bench/dump: sevdbg's dumps against QEMU's dump-guest-memory on one stopped
# test guest (see `bench/dump --help`); not part of `make all` or `make check`.
.PHONY: bench-dump
bench-dump: $(PROGRAM) tests/dump/cmp-dumps
	bench/dump
