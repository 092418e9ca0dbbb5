# Formatting: `make format` applies .clang-format; make check verifies it.
CHECK_PROGS += tests/style/check-format

format:
	$(Q)git ls-files '*.c' '*.h' | grep -v -e '^kernel/' -e '^tests/guest/' | \
		xargs clang-format -i

.PHONY: format
