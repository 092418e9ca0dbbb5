# SPDX-License-Identifier: GPL-2.0-only
# bench/dump: sevdbg's dumps against QEMU's dump-guest-memory on one stopped
# test guest (see `bench/dump --help`); not part of `make all` or `make check`.
.PHONY: bench-dump
bench-dump: $(PROGRAM) tests/dump/cmp-dumps
	bench/dump

# bench/scale: sevdbg's own memory and dump time on 1, 4 and 16 GiB Debian
# guests (see `bench/scale --help`; needs scripts/install-deps --linux).
.PHONY: bench-scale
bench-scale: $(PROGRAM) tests/guest/guest.elf
	bench/scale
