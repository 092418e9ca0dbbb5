# SPDX-License-Identifier: GPL-2.0-only
# `make check-linux`: a real Debian Linux guest dumped by sevdbg and QEMU and
# opened in crash (tests/linux/check-linux), booted with -kernel and again
# through OVMF from an EFI disk; opt-in, not part of `make check`.
.PHONY: check-linux
check-linux: $(PROGRAM) tests/dump/cmp-dumps
	$(Q)tests/run tests/linux/check-linux tests/linux/check-linux-ovmf
