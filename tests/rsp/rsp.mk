# Golden packet tests: tests/rsp/NAME.test files run by tests/rsp/run-golden.
tests/rsp/rsp-golden: tests/rsp/rsp-golden.c
	$(quiet) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

CHECK_DEPS += tests/rsp/rsp-golden tests/target/sevdbg-test
CHECK_PROGS += tests/rsp/run-golden
CLEAN_FILES += tests/rsp/rsp-golden
