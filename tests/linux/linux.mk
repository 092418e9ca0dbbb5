# SPDX-License-Identifier: GPL-2.0-only
# `make check-linux`: a real Debian Linux guest dumped by sevdbg and QEMU and
# opened in crash (tests/linux/check-linux); opt-in, not part of `make check`.
.PHONY: check-linux
check-linux: $(PROGRAM) tests/dump/cmp-dumps
	$(Q)tests/run tests/linux/check-linux
