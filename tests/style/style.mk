# Formatting: `make format` applies .clang-format; make check verifies it,
# and that includes and calls only point down (check-layers).
CHECK_PROGS += tests/style/check-format
CHECK_PROGS += tests/style/check-layers
CHECK_PROGS += tests/style/check-size
CHECK_PROGS += tests/style/check-runner

format:
	$(Q)git ls-files '*.c' '*.h' | grep -v -e '^kernel/' -e '^tests/guest/' | \
		xargs clang-format -i

.PHONY: format
